"""The published material of the default study, as plain data.

Source: Shanshan Wang, "Measurement of Foreign Trade Resilience in China and Analysis of
Provincial Differences" (31 provinces, 2010-2021, 13 indicators in two dimensions,
entropy weights + TOPSIS, Theil decomposition by the four NBS regions).

What is here and how faithful it is:

* ``INDICATORS``: Table 1 with the paper's errata applied (see ``ERRATA``): X3 (distance)
  is a cost indicator (``-``) although the paper prints ``+``; X4 (ports) is ``+`` although
  the paper prints no sign. ``unit`` is not printed in the paper; it is the unit Chinese
  statistical yearbooks use for that series, and the one the illustrative example data uses.
* ``TABLE2_WEIGHTS_PCT``: Table 2 exactly as printed; X6 has no printed weight (``None``).
  ``Indicator.paper_weight_pct`` for X6 is 4.089, derived as 100 minus the printed ones.
* ``TABLE3_INDEX``: Table 3 (index for 2011, 2013, ..., 2021) keyed by English province
  name; ``TABLE3_PRINTED_LABELS`` keeps the row labels as printed ("Amur" is Heilongjiang)
  and ``TABLE3_MEAN`` the printed "Mean" row.
* ``PROVINCES``: the 31 provinces in the NBS order (administrative division codes), with
  Chinese names and NBS region.

No numpy or pandas here, so anything (builder, tests, docs) can import it cheaply. The nine
classification type names live in the engine, not here.
"""
from __future__ import annotations

from dataclasses import dataclass

PAPER_CITATION = (
    "Wang, Shanshan. Measurement of Foreign Trade Resilience in China and Analysis of "
    "Provincial Differences. Horgos Business School of Yili Normal University."
)

YEARS: tuple[int, ...] = tuple(range(2010, 2022))


# --------------------------------------------------------------------------- dimensions
@dataclass(frozen=True)
class Dimension:
    name: str
    name_zh: str


RESISTANCE = Dimension("Resistance and resilience", "抵抗与恢复能力")
RECONSTRUCTION = Dimension("Reconstruction ability", "重构能力")
DIMENSIONS: tuple[Dimension, ...] = (RESISTANCE, RECONSTRUCTION)

# Sub-dimension names as Table 1 uses them (Table 2 words some differently, e.g.
# "Location and transportation base"); English -> Chinese.
SUB_DIMENSIONS_ZH: dict[str, str] = {
    "Economic base": "经济基础",
    "Transportation convenience": "交通便利程度",
    "Foreign trade development": "外贸发展程度",
    "Financial support": "金融支持",
    "E-commerce support": "电子商务支持",
    "Government support": "政府支持",
}


# --------------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    dimension_zh: str
    sub_dimension: str
    sub_dimension_zh: str
    indicator: str
    indicator_zh: str
    direction: str  # '+' benefit, '-' cost (errata applied)
    unit: str
    unit_zh: str
    explanation: str
    explanation_zh: str
    paper_weight_pct: float
    weight_derived: bool = False  # True: not printed in Table 2, derived so weights sum to 100


def _ind(code, dim, sub, name, name_zh, direction, unit, unit_zh, expl, expl_zh, weight,
         derived=False) -> Indicator:
    return Indicator(code, dim.name, dim.name_zh, sub, SUB_DIMENSIONS_ZH[sub], name, name_zh,
                     direction, unit, unit_zh, expl, expl_zh, weight, derived)


INDICATORS: tuple[Indicator, ...] = (
    _ind("X1", RESISTANCE, "Economic base", "Per capita GDP", "人均GDP", "+",
         "yuan", "元",
         "Higher per capita GDP means a stronger economic base and more resistance.",
         "人均GDP越高，地区经济基础越好，贸易抵抗与恢复能力越强。", 7.497),
    _ind("X2", RESISTANCE, "Economic base", "Urbanization rate", "城镇化率", "+",
         "%", "%",
         "A higher urbanization rate means a better economic base.",
         "城镇化率越高，经济基础越好。", 1.873),
    _ind("X3", RESISTANCE, "Transportation convenience",
         "Distance between provincial capital and its largest trading partner",
         "省会城市与最大贸易伙伴国的距离", "-", "km", "千米",
         "The closer the largest trading partner, the more trade options and the lower the "
         "trade cost, so distance is a cost indicator (the paper prints + by mistake).",
         "距最大贸易伙伴国越近，贸易选择越多、成本越低，故为负向指标（原文误印为+）。", 9.13),
    _ind("X4", RESISTANCE, "Transportation convenience", "Number of first-class ports",
         "一类口岸数量", "+", "count", "个",
         "More ports mean better trade infrastructure and lower trade cost (the paper "
         "prints no sign).",
         "口岸越多，外贸交通基础越好、贸易成本越低（原文未标方向）。", 10.338),
    _ind("X5", RESISTANCE, "Foreign trade development", "Total imports and exports",
         "进出口总额", "+", "100 million USD", "亿美元",
         "The larger the total trade, the greater the regional trade resistance.",
         "进出口总额越大，地区贸易抵抗力越强。", 20.208),
    _ind("X6", RESISTANCE, "Foreign trade development",
         "Exports as share of imports and exports", "出口额占进出口总额比重", "+",
         "%", "%",
         "A higher export share means a larger surplus and stronger competitiveness.",
         "出口占比越高，贸易顺差越大，贸易竞争力越强。", 4.089, derived=True),
    _ind("X7", RESISTANCE, "Foreign trade development",
         "Share of top three trading partners in trade", "前三大贸易伙伴贸易额占比", "-",
         "%", "%",
         "A higher share means concentrated partners, fewer alternatives, weaker resistance.",
         "占比越高，贸易对象越集中、可替代性越弱，抵抗力越弱。", 3.282),
    _ind("X8", RESISTANCE, "Foreign trade development", "Total foreign investment",
         "外商投资总额", "-", "100 million USD", "亿美元",
         "The more foreign investment, the weaker the ability to resist external risks.",
         "外商投资越多，抵御外部风险的能力越弱。", 0.734),
    _ind("X9", RECONSTRUCTION, "Financial support",
         "Year-end loan balance of financial institutions", "金融机构年末贷款余额", "+",
         "100 million yuan", "亿元",
         "Higher loan balances mean easier financing and faster trade reconstruction.",
         "贷款余额越高，企业融资能力越强，贸易重构越快。", 8.672),
    _ind("X10", RECONSTRUCTION, "Financial support", "Per capita disposable income",
         "人均可支配收入", "+", "yuan", "元",
         "Higher disposable income gives more power to reconstruct trade.",
         "可支配收入越高，贸易重构动力与能力越强。", 9.29),
    _ind("X11", RECONSTRUCTION, "E-commerce support",
         "Number of cross-border e-commerce comprehensive pilot zones",
         "跨境电子商务综合试验区数量", "+", "count", "个",
         "More pilot zones mean more policy support for e-commerce and more resilience.",
         "综试区越多，电商政策支持越大，贸易韧性越高。", 6.864),
    _ind("X12", RECONSTRUCTION, "Government support", "Number of comprehensive bonded zones",
         "综合保税区数量", "+", "count", "个",
         "More bonded zones mean lower trade cost and more restructuring power.",
         "综合保税区越多，贸易成本越低，重构动力越强。", 5.942),
    _ind("X13", RECONSTRUCTION, "Government support",
         "Fiscal expenditure on science and technology", "财政科学技术支出", "+",
         "100 million yuan", "亿元",
         "More S&T spending means less trade dependence and more reconstruction power.",
         "科技支出越多，贸易依赖越低，重构动力越强。", 12.081),
)

INDICATOR_CODES: tuple[str, ...] = tuple(ind.code for ind in INDICATORS)

ERRATA: tuple[str, ...] = (
    "X3 (distance to the largest trading partner) is a cost indicator (-): the paper's own "
    "explanation says nearer is better, although Table 1 prints +.",
    "X4 (number of first-class ports) is a benefit indicator (+): Table 1 prints no sign.",
    "X6 (export share) has no weight printed in Table 2; 4.089 is derived so that the "
    "13 weights sum to 100 (the printed ones sum to 95.911).",
)
ERRATA_ZH: tuple[str, ...] = (
    "X3（与最大贸易伙伴国距离）为负向指标（-）：原文解释为越近越好，但表1误印为+。",
    "X4（一类口岸数量）为正向指标（+）：表1未标方向。",
    "X6（出口占比）在表2中未印权重；4.089为按13项权重合计100推算所得（已印权重合计95.911）。",
)

# --------------------------------------------------------------------------- Table 2
# As printed; X6 has no printed value. Values in percent.
TABLE2_WEIGHTS_PCT: dict[str, float | None] = {
    "X1": 7.497, "X2": 1.873, "X3": 9.13, "X4": 10.338, "X5": 20.208, "X6": None,
    "X7": 3.282, "X8": 0.734, "X9": 8.672, "X10": 9.29, "X11": 6.864, "X12": 5.942,
    "X13": 12.081,
}
X6_DERIVED_WEIGHT_PCT = 4.089

# Table 2 names the sub-dimensions differently from Table 1.
TABLE2_SUB_DIMENSIONS: dict[str, str] = {
    "X1": "Regional economic base", "X2": "Regional economic base",
    "X3": "Location and transportation base", "X4": "Location and transportation base",
    "X5": "Development of foreign trade", "X6": "Development of foreign trade",
    "X7": "Development of foreign trade", "X8": "Development of foreign trade",
    "X9": "Financial support", "X10": "Financial support",
    "X11": "E-commerce support", "X12": "Government support", "X13": "Government support",
}


# --------------------------------------------------------------------------- provinces
@dataclass(frozen=True)
class Province:
    name: str
    name_zh: str
    region: str
    region_zh: str
    code: int  # administrative division code (GB/T 2260), which fixes the NBS order


REGIONS: tuple[str, ...] = ("East", "Central", "Northeast", "West")
REGIONS_ZH: dict[str, str] = {"East": "东部", "Central": "中部", "Northeast": "东北",
                              "West": "西部"}


def _prov(name, name_zh, region, code) -> Province:
    return Province(name, name_zh, region, REGIONS_ZH[region], code)


PROVINCES: tuple[Province, ...] = (
    _prov("Beijing", "北京", "East", 110000),
    _prov("Tianjin", "天津", "East", 120000),
    _prov("Hebei", "河北", "East", 130000),
    _prov("Shanxi", "山西", "Central", 140000),
    _prov("Inner Mongolia", "内蒙古", "West", 150000),
    _prov("Liaoning", "辽宁", "Northeast", 210000),
    _prov("Jilin", "吉林", "Northeast", 220000),
    _prov("Heilongjiang", "黑龙江", "Northeast", 230000),
    _prov("Shanghai", "上海", "East", 310000),
    _prov("Jiangsu", "江苏", "East", 320000),
    _prov("Zhejiang", "浙江", "East", 330000),
    _prov("Anhui", "安徽", "Central", 340000),
    _prov("Fujian", "福建", "East", 350000),
    _prov("Jiangxi", "江西", "Central", 360000),
    _prov("Shandong", "山东", "East", 370000),
    _prov("Henan", "河南", "Central", 410000),
    _prov("Hubei", "湖北", "Central", 420000),
    _prov("Hunan", "湖南", "Central", 430000),
    _prov("Guangdong", "广东", "East", 440000),
    _prov("Guangxi", "广西", "West", 450000),
    _prov("Hainan", "海南", "East", 460000),
    _prov("Chongqing", "重庆", "West", 500000),
    _prov("Sichuan", "四川", "West", 510000),
    _prov("Guizhou", "贵州", "West", 520000),
    _prov("Yunnan", "云南", "West", 530000),
    _prov("Tibet", "西藏", "West", 540000),
    _prov("Shaanxi", "陕西", "West", 610000),
    _prov("Gansu", "甘肃", "West", 620000),
    _prov("Qinghai", "青海", "West", 630000),
    _prov("Ningxia", "宁夏", "West", 640000),
    _prov("Xinjiang", "新疆", "West", 650000),
)

PROVINCE_NAMES: tuple[str, ...] = tuple(p.name for p in PROVINCES)
PROVINCE_BY_NAME: dict[str, Province] = {p.name: p for p in PROVINCES}

# --------------------------------------------------------------------------- Table 3
TABLE3_YEARS: tuple[int, ...] = (2011, 2013, 2015, 2017, 2019, 2021)

# Row labels exactly as printed, in printed order, with the province each one means.
TABLE3_PRINTED_LABELS: tuple[tuple[str, str], ...] = (
    ("Beijing", "Beijing"), ("Tianjin", "Tianjin"), ("Hebei", "Hebei"),
    ("Shanghai", "Shanghai"), ("Fujian", "Fujian"), ("Shandong", "Shandong"),
    ("Guangdong", "Guangdong"), ("Hainan", "Hainan"), ("Jiangsu", "Jiangsu"),
    ("Zhejiang", "Zhejiang"), ("Liaoning (Province)", "Liaoning"),
    ("Jilin (Province)", "Jilin"), ("Amur", "Heilongjiang"),
    ("Anhui (Province)", "Anhui"), ("Shanxi", "Shanxi"), ("Jiangxi", "Jiangxi"),
    ("Henan", "Henan"), ("Hubei", "Hubei"), ("Hunan", "Hunan"),
    ("Inner Mongolia", "Inner Mongolia"), ("Guangxi", "Guangxi"),
    ("Chongqing", "Chongqing"), ("Sichuan", "Sichuan"), ("Guizhou", "Guizhou"),
    ("Yunnan", "Yunnan"), ("Tibet", "Tibet"), ("Shaanxi", "Shaanxi"), ("Gansu", "Gansu"),
    ("Qinghai", "Qinghai"), ("Ningxia", "Ningxia"), ("Xinjiang", "Xinjiang"),
)

# Published index for TABLE3_YEARS, keyed by province (English, NBS spelling).
TABLE3_INDEX: dict[str, tuple[float, ...]] = {
    "Beijing": (0.2150, 0.2390, 0.2410, 0.2680, 0.3840, 0.3171),
    "Tianjin": (0.0930, 0.1050, 0.1500, 0.2120, 0.2240, 0.1919),
    "Hebei": (0.0860, 0.1000, 0.1120, 0.1310, 0.2520, 0.1547),
    "Shanghai": (0.2180, 0.2320, 0.2090, 0.2950, 0.3360, 0.3882),
    "Fujian": (0.1550, 0.1690, 0.1760, 0.1870, 0.3180, 0.2258),
    "Shandong": (0.1740, 0.1950, 0.2080, 0.2810, 0.4210, 0.2521),
    "Guangdong": (0.4030, 0.4460, 0.4810, 0.6290, 0.8640, 0.5087),
    "Hainan": (0.0960, 0.1020, 0.1020, 0.1080, 0.1690, 0.1066),
    "Jiangsu": (0.2670, 0.3050, 0.3340, 0.4420, 0.6110, 0.4517),
    "Zhejiang": (0.2180, 0.2440, 0.3180, 0.3950, 0.6230, 0.3875),
    "Liaoning": (0.1000, 0.1160, 0.1150, 0.1810, 0.3040, 0.2172),
    "Jilin": (0.0990, 0.1050, 0.1100, 0.1150, 0.2340, 0.1301),
    "Heilongjiang": (0.1030, 0.1060, 0.1120, 0.1120, 0.2240, 0.1191),
    "Anhui": (0.1000, 0.1130, 0.1300, 0.2140, 0.2990, 0.1749),
    "Shanxi": (0.0740, 0.0830, 0.1020, 0.1030, 0.1610, 0.1387),
    "Jiangxi": (0.0920, 0.1030, 0.1190, 0.1350, 0.2670, 0.1185),
    "Henan": (0.1560, 0.2030, 0.2310, 0.3150, 0.4060, 0.2016),
    "Hubei": (0.1240, 0.1350, 0.1510, 0.1730, 0.2990, 0.1571),
    "Hunan": (0.0610, 0.0770, 0.1170, 0.1390, 0.2710, 0.1310),
    "Inner Mongolia": (0.0690, 0.0760, 0.0890, 0.0980, 0.2150, 0.1151),
    "Guangxi": (0.0860, 0.0970, 0.1150, 0.1200, 0.1980, 0.1103),
    "Chongqing": (0.1030, 0.1180, 0.1270, 0.1940, 0.2140, 0.1356),
    "Sichuan": (0.0960, 0.1090, 0.1160, 0.1800, 0.2810, 0.2098),
    "Guizhou": (0.0390, 0.0540, 0.0680, 0.0820, 0.1480, 0.0807),
    "Yunnan": (0.0650, 0.0870, 0.0920, 0.1040, 0.1710, 0.1331),
    "Tibet": (0.0340, 0.0400, 0.0370, 0.0460, 0.0560, 0.0916),
    "Shaanxi": (0.0870, 0.1020, 0.1100, 0.0880, 0.1620, 0.1032),
    "Gansu": (0.0500, 0.0590, 0.0580, 0.0570, 0.1180, 0.3678),
    "Qinghai": (0.0350, 0.0430, 0.0700, 0.0490, 0.1120, 0.1168),
    "Ningxia": (0.0430, 0.0860, 0.0890, 0.0940, 0.1520, 0.0632),
    "Xinjiang": (0.0840, 0.0940, 0.1130, 0.1180, 0.1210, 0.1202),
}

# The printed "Mean" row of Table 3.
TABLE3_MEAN: tuple[float, ...] = (0.1169, 0.1336, 0.1485, 0.1827, 0.2779, 0.1942)


def indicator(code: str) -> Indicator:
    """The Table 1 indicator with ``code`` (e.g. ``"X3"``)."""
    for item in INDICATORS:
        if item.code == code:
            return item
    raise KeyError(f"no indicator {code!r} in the paper's Table 1 (X1..X13)")
