"""Where things are in the workbook: sheet names, header texts, Settings keys.

The builder writes with these names and the refresh reads with them, so a rename happens
here once. Header cells are English, optionally followed by `` / `` and Chinese
(``Province / 省份``); code matches only the English part, case-insensitively, wherever
the column stands, so users may reorder columns or retype a header without the Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from trade_resilience_xl.engine.settings import DEFAULT_SEED
from trade_resilience_xl.paper import REGIONS

BILINGUAL_SEPARATOR = " / "

# ---------------------------------------------------------------------------- sheets
SHEET_ABOUT = "About"
SHEET_INDICATORS = "Indicators"
SHEET_DATA = "Data"
SHEET_SETTINGS = "Settings"
SHEET_FORMULAS = "Formulas"
SHEET_PAPER = "Paper"
SHEET_XLWINGS_CONF = "xlwings.conf"  # name fixed by xlwings

SHEET_WEIGHTS = "Weights"
SHEET_SCORES = "Scores"
SHEET_SUBINDICES = "Subindices"
SHEET_TYPES = "Types"
SHEET_THEIL = "Theil"
SHEET_DAGUM = "Dagum"
# issue 14: coupling, obstacle, density
SHEET_COUPLING = "Coupling"
SHEET_OBSTACLE = "Obstacle"
SHEET_DENSITY = "Density"
# issue 14: convergence, spatial
SHEET_CONVERGENCE = "Convergence"
SHEET_SPATIAL = "Spatial"
SHEET_NEIGHBOURS = "Neighbours"    # optional input sheet: when present, its pairs win
# end issue 14
# issue 25: robustness of the weights, dynamics between levels
SHEET_ROBUSTNESS = "Robustness"
SHEET_DYNAMICS = "Dynamics"
SHEET_LOG = "Log"
RESULT_SHEETS: tuple[str, ...] = (SHEET_WEIGHTS, SHEET_SCORES, SHEET_SUBINDICES, SHEET_TYPES,
                                  SHEET_THEIL, SHEET_DAGUM,
                                  # issue 14: coupling, obstacle, density
                                  SHEET_COUPLING, SHEET_OBSTACLE, SHEET_DENSITY,
                                  # issue 14: convergence, spatial
                                  SHEET_CONVERGENCE, SHEET_SPATIAL,
                                  # issue 25: robustness, dynamics
                                  SHEET_ROBUSTNESS, SHEET_DYNAMICS,
                                  SHEET_LOG)

SHEET_ORDER: tuple[str, ...] = ((SHEET_ABOUT, SHEET_INDICATORS, SHEET_DATA, SHEET_SETTINGS)
                                + RESULT_SHEETS + (SHEET_FORMULAS, SHEET_PAPER,
                                                   SHEET_XLWINGS_CONF))

RESULT_SHEET_NOTE = ("Press Trade Resilience → Refresh all (or run `trade-resilience refresh "
                     "FILE`) / 点击 Trade Resilience → Refresh all（或运行 "
                     "`trade-resilience refresh 文件名`）")

# The mark a result sheet carries (why a sheet-scoped defined name: workbook/package/
# result_marks.py). Here, not there, because the live refresh (xlwings, xlwings Lite)
# checks it too, and Lite carries no package code.
MARK_NAME = "_TradeResilienceResult"
_PRE_MARK_TITLE = re.compile(r"[^\n]+ / [^\n]*[\u3400-\u9fff][^\n]*")


def mark_reference(sheet: str) -> str:
    """What the mark of ``sheet`` refers to: its A1, quoted as Excel quotes (``'Log'!$A$1``)."""
    return "'" + sheet.replace("'", "''") + "'!$A$1"


def referenced_sheet(reference: str) -> str:
    """The sheet of a reference such as ``'Log'!$A$1`` or ``=Log!$A$1``."""
    sheet, _, _ = reference.lstrip("=").rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet


def written_before_marks(first_cell) -> bool:
    """Whether a sheet's A1 is what earlier versions of this tool wrote there (the
    placeholder, or a bilingual "English / 中文" title): such a sheet is taken as ours."""
    if not isinstance(first_cell, str):
        return False
    return first_cell.startswith(RESULT_SHEET_NOTE[:22]) or bool(
        _PRE_MARK_TITLE.fullmatch(first_cell))


def not_ours(source, sheet: str) -> str:
    """The refusal for a result sheet's name on a sheet this tool did not write."""
    return (f'{source}: sheet "{sheet}" was not written by trade-resilience; rename or delete '
            "it so that the results can be written (nothing was changed)")

# ---------------------------------------------------------------------------- headers
# English -> Chinese for every header the builder writes.
HEADER_ZH: dict[str, str] = {
    "Code": "代码", "Dimension": "维度", "Sub-dimension": "子维度", "Indicator": "指标",
    "Direction": "方向", "Unit": "单位", "Explanation": "说明",
    "Paper weight (%)": "原文权重(%)",
    "Province": "省份", "Region": "地区", "Year": "年份", "Population": "人口权重",
    "Setting": "设置项", "Value": "取值",
    # issue 14: convergence, spatial
    "Neighbour": "邻接单元",
}


def bilingual(english: str, chinese: str | None = None) -> str:
    """``"Province / 省份"``; the Chinese defaults to ``HEADER_ZH[english]``."""
    chinese = HEADER_ZH.get(english) if chinese is None else chinese
    return f"{english}{BILINGUAL_SEPARATOR}{chinese}" if chinese else english


# Indicators sheet (the indicator system, Table 1).
INDICATOR_COLUMNS: tuple[str, ...] = ("Code", "Dimension", "Sub-dimension", "Indicator",
                                      "Direction", "Unit", "Explanation", "Paper weight (%)")
INDICATORS_HEADER_ROW = 7          # rows above: title and the errata notes
INDICATORS_TABLE_NAME = "IndicatorSystem"
DIRECTIONS: tuple[str, ...] = ("+", "-")

# Data sheet (the panel).
DATA_ID_COLUMNS: tuple[str, ...] = ("Province", "Region", "Year", "Population")
DATA_LABEL_ROW = 1                 # title, or "illustrative data, not official statistics"
DATA_NAMES_ROW = 2                 # indicator names above the indicator-code headers
DATA_HEADER_ROW = 3
DATA_FIRST_ROW = DATA_HEADER_ROW + 1
DATA_TABLE_NAME = "PanelData"
# The largest panel a refresh or `new` takes (unit-years): 300,000 refresh in one to two
# minutes with 1.5 GB on 2 busy shared cores (issue 20). Larger panels are refused up front
# in one line rather than left to run for many minutes; Excel's own limit is 1,048,576 rows.
MAX_PANEL_ROWS = 300_000


def too_many_rows(rows: int) -> str:
    """The one-line refusal of a panel of ``rows`` unit-years ("" when within the limit)."""
    if rows <= MAX_PANEL_ROWS:
        return ""
    return (f"{rows:,} unit-years (rows) are more than the {MAX_PANEL_ROWS:,} this version "
            "refreshes (1-2 minutes and 1.5 GB at the limit; see README, Limits): split the "
            "panel, e.g. by region")
REGION_CHOICES: tuple[str, ...] = REGIONS

# Settings sheet.
SETTINGS_COLUMNS: tuple[str, ...] = ("Setting", "Value", "Explanation")
SETTINGS_HEADER_ROW = 3


@dataclass(frozen=True)
class SettingSpec:
    """One Settings-sheet row, written once: the builder writes it, the reader parses the
    value by ``kind`` and hands it to the engine's ``Settings`` field ``field`` (whose
    ``checked()`` holds every rule across fields and every limit)."""

    field: str | None              # engine Settings field; None: read for the sheets only
    key: str                       # English key, matched case-insensitively
    key_zh: str
    default: object
    # "number>=0" | "choice" | "integer>=0" | "integer" | "mean|year" | "last|year" | "text"
    kind: str
    choices: tuple[str, ...] = ()  # allowed values for kind "choice"
    # Written with {unit}, {units}, {unit_zh}, {year}, {years} (``BookSubject.words``), so
    # a county panel of 1981-87 reads "each unit", "e.g. 1987".
    explanation: str = ""
    explanation_zh: str = ""
    # Added only in a workbook of the paper's own study (template, demo).
    paper_note: str = ""
    paper_note_zh: str = ""

    def explained(self, words: dict[str, str], paper_study: bool) -> str:
        english = self.explanation.format(**words)
        chinese = self.explanation_zh.format(**words)
        if paper_study and self.paper_note:
            english, chinese = f"{english} {self.paper_note}", chinese + self.paper_note_zh
        return f"{english}\n{chinese}"


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("shift", "Shift", "平移量", 1, "number>=0", (),
                "Added to every min-max normalised value before the entropy step; 1, "
                "0.0001 or 0.01 are common. It changes the weights a lot.",
                "标准化后整体平移的数值，常见取1、0.0001或0.01；对权重影响很大。",
                "The paper uses 1.", "原文取1。"),
    SettingSpec("weighting", "Weighting", "赋权方式", "pooled", "choice", ("pooled", "per year"),
                "pooled: one set of entropy weights from all {unit}-years; per year: "
                "weights computed within each year.",
                "pooled：全部{unit_zh}-年份合并计算一套权重；per year：逐年计算权重。"),
    SettingSpec("score", "Score", "综合得分", "TOPSIS", "choice", ("TOPSIS", "weighted sum"),
                "TOPSIS closeness or the weighted sum of normalised values.",
                "TOPSIS相对贴近度或标准化值加权求和。",
                "The paper uses TOPSIS.", "原文用TOPSIS。"),
    SettingSpec("theil_measure", "Theil measure", "泰尔指数类型", "T", "choice", ("T", "L"),
                "T: Theil T. L: Theil L (mean log deviation), whose "
                "population-weighted decomposition is exact.",
                "T：泰尔T指数；L：泰尔L指数，按人口加权分解严格成立。",
                "The paper uses T.", "原文用T。"),
    SettingSpec("classification_basis", "Classification basis", "分类依据", "mean", "mean|year", (),
                "Rank {units} for the nine types by their mean over all years (mean) or "
                "by one year (type the year, e.g. {year}).",
                "九类划分的排名依据：各年均值（mean）或某一年份（填年份，如{year}）。"),
    SettingSpec("missing", "Missing values", "缺失值处理", "interpolate", "choice",
                ("interpolate", "stop"),
                "interpolate: fill gaps linearly within each {unit}; "
                "stop: report the gaps and compute nothing.",
                "interpolate：按{unit_zh}线性插值；stop：报告缺失并停止计算。",
                "The paper interpolates.", "原文做法为插值。"),
    SettingSpec("permutations", "Permutations", "置换检验次数", 0, "integer>=0", (),
                "Permutation test of the between-region Theil component; 0 = off, "
                "999 is usual.",
                "区域间泰尔分量的置换检验次数；0表示不做，常用999。"),
    SettingSpec("bootstrap", "Bootstrap", "自助抽样次数", 0, "integer>=0", (),
                "Bootstrap confidence intervals; 0 = off, 999 is usual.",
                "自助法置信区间的抽样次数；0表示不做，常用999。"),
    SettingSpec("seed", "Seed", "随机种子", DEFAULT_SEED, "integer", (),
                "Random seed for permutations and bootstrap, so results can be repeated.",
                "置换检验与自助抽样的随机种子，保证结果可重复。"),
    SettingSpec(None, "Index name", "指数名称", "Foreign trade resilience / 外贸韧性", "text", (),
                "The name of the composite index, used in the titles of the result sheets.",
                "综合指数的名称，用于结果表的标题。"),
    # issue 14: coupling, obstacle, density
    SettingSpec("coupling_model", "Coupling model", "耦合度模型", "classic", "choice",
                ("classic", "corrected"),
                "classic: C = k[ΠU/(ΣU)^k]^(1/k) (SPSSAU); corrected: the corrected "
                "model, which spreads C over [0, 1]. Sources in docs/method.md.",
                "classic：传统耦合度模型（SPSSAU）；corrected：修正模型（出处见docs/method.md）。"),
    SettingSpec("coupling_rescale", "Coupling rescale", "耦合数据区间化", "none", "choice",
                ("none", "0.01-0.99"),
                "0.01-0.99: rescale each sub-index over all {unit}-years first, as SPSSAU "
                "does by default; none: use the sub-indices as they are (in [0, 1]).",
                "0.01-0.99：先将各子系统指数压缩到0.01~0.99（SPSSAU默认）；none：直接使用。"),
    SettingSpec("coupling_weights", "Coupling weights", "协调指数权重", "equal", "text", (),
                "Weights of the dimensions in T = Σ α U: equal, or one number per dimension "
                "in the Indicators sheet's order (e.g. 0.6, 0.4).",
                "综合协调指数T中各维度的权重：equal（等权）或按维度顺序填写，如0.6, 0.4。"),
    SettingSpec("obstacle_year", "Obstacle year", "障碍度年份", "last", "last|year", (),
                "The year whose top three obstacles per {unit} are listed (last, or a "
                "year such as {year}); the mean over all years is listed too.",
                "列出各{unit_zh}前三位障碍因子的年份（last为最后一年，或填年份）；另列各年均值。"),
    SettingSpec("density_bandwidth", "Density bandwidth", "核密度带宽", "silverman", "text", (),
                "Kernel density bandwidth: silverman (0.9·min(σ, IQR/1.34)·n^(-1/5) per "
                "year) or one number > 0 for every year.",
                "核密度带宽：silverman（Silverman经验法则，逐年）或统一的正数。"),
    SettingSpec("density_years", "Density years", "核密度年份", "first, middle, last", "text",
                (), "Years drawn in the density chart: first, middle, last, or years such as "
                "{years} (the table holds every year).",
                "核密度图显示的年份：first, middle, last 或年份列表（表中含全部年份）。"),
    # end issue 14
    # issue 14: convergence, spatial
    SettingSpec("moran_permutations", "Moran permutations", "莫兰检验置换次数", 999, "integer>=0",
                (), "Permutations for the p-values of global Moran's I and the local Moran "
                "(LISA) on the Spatial sheet; 0 = no p-values, 999 is usual. Seeded by Seed.",
                "全局莫兰指数与局部莫兰（LISA）置换检验次数；0表示不计算p值，常用999。"),
    SettingSpec("lisa_year", "LISA year", "LISA年份", "last", "last|year", (),
                "The year of the local Moran (LISA) table: last (the last year of the data) "
                "or a year such as {year}.",
                "局部莫兰（LISA）分析的年份：last（最后一年）或具体年份，如{year}。"),
    # issue 25: robustness of the weights, dynamics between levels
    SettingSpec("robustness_year", "Robustness year", "稳健性年份", "last", "last|year", (),
                "The year whose ranks the Robustness sheet compares across weightings (last, "
                "or a year such as {year}); ranks of the mean over years are shown too.",
                "稳健性表比较各赋权方法排名的年份（last为最后一年，或填年份）；另列均值排名。"),
    SettingSpec("combined_weights", "Combined weights", "组合赋权", "product", "choice",
                ("product", "mean"),
                "Entropy + CRITIC on the Robustness sheet: the normalised product or the mean "
                "of the two sets of weights.",
                "稳健性表中熵值-CRITIC组合权重：两组权重的归一化乘积或平均。"),
    SettingSpec("sensitivity_draws", "Sensitivity draws", "权重扰动次数", 1000, "integer>=0", (),
                "Dirichlet draws around the entropy weights for each {unit}'s rank interval; "
                "0 = off. Seeded by Seed.",
                "围绕熵权的Dirichlet抽样次数，用于排名区间；0表示不做。"),
    SettingSpec("sensitivity_concentration", "Sensitivity concentration", "扰动集中度", 100,
                "number>=0", (),
                "Concentration of the Dirichlet draws (> 0): larger keeps the drawn weights "
                "closer to the entropy weights.",
                "Dirichlet抽样的集中度（>0）：越大，抽到的权重越接近熵权。"),
    SettingSpec("markov_classes", "Markov classes", "马尔可夫分类数", 4, "integer>=0", (),
                "Quantile classes of the Markov chains on the Dynamics sheet, 2-9 (4 = "
                "quartiles, as usual).",
                "动态表马尔可夫链的分位数分类数，2-9（常用4，即四分位）。"),
    SettingSpec("markov_breaks", "Markov breaks", "马尔可夫分类方式", "pooled", "choice",
                ("pooled", "per year"),
                "pooled: fixed breaks over all years, as the spatial Markov chain (shares can "
                "change, the steady state shows where the moves lead); per year: quantiles "
                "within each year (relative positions; every share is then 1/k).",
                "pooled：全部年份统一断点（同空间马尔可夫链，稳态反映趋向）；per year："
                "逐年分位数（相对位置，各类占比恒为1/k）。"),
)
SETTING_KEYS: tuple[str, ...] = tuple(spec.key for spec in SETTINGS)
SETTINGS_BY_KEY: dict[str, SettingSpec] = {spec.key.casefold(): spec for spec in SETTINGS}
SETTING_OF_FIELD: dict[str, str] = {spec.field: spec.key for spec in SETTINGS if spec.field}

# xlwings.conf sheet: (key, value, why). xlwings reads column A/B from A1 down to the first
# blank row, so no header and no blank rows. Interpreter_Win is deliberately absent: a key
# present here overrides the user's ~/.xlwings/xlwings.conf, where `trade-resilience
# excel-setup` pins the interpreter for that machine; a path written here would be wrong on
# every other machine (and an empty one would hide the user's setting).
XLWINGS_CONF: tuple[tuple[str, object, str], ...] = (
    ("UDF Modules", "trade_resilience_xl.udfs",
     "The Python module whose functions the workbook calls / 工作簿调用的Python模块"),
    ("ADD_WORKBOOK_TO_PYTHONPATH", False,
     "The package is installed; the workbook folder (maybe OneDrive) is not needed on the "
     "path / 包已安装，无需把工作簿目录加入路径"),
    ("Use UDF Server", True,
     "Keep one Python process for all calls: much faster recalculation / 复用同一Python进程，"
     "重算更快"),
    ("Show Console", False, "No console window / 不显示控制台窗口"),
    ("Debug UDFs", False, "Normal mode (True only when debugging the Python side) / 正常模式"),
)


# ---------------------------------------------------------------------------- lookups
class LayoutError(ValueError):
    """A sheet does not have the expected shape (missing header, unknown setting)."""


def _english_of_chinese() -> dict[str, str]:
    pairs = list(HEADER_ZH.items()) + [(spec.key, spec.key_zh) for spec in SETTINGS]
    return {zh: " ".join(en.split()).casefold() for en, zh in pairs if zh}


def english_part(text: object) -> str:
    """The comparable English part of a header or key: before `` / ``, trimmed, casefolded;
    a Chinese-only header maps to its English name.

    >>> english_part("Province / 省份"), english_part("年份")
    ('province', 'year')
    """
    if text is None:
        return ""
    english = " ".join(str(text).split(BILINGUAL_SEPARATOR.strip(), 1)[0].split()).casefold()
    # A header typed in Chinese only ("年份") stands for its English name.
    return _ENGLISH_OF_CHINESE.get(english, english)


_ENGLISH_OF_CHINESE = _english_of_chinese()


def find_columns(header_row: list, wanted: list[str], sheet: str) -> dict[str, int]:
    """Map each wanted English header to its 0-based position in ``header_row``.

    Matching uses only the English part, case-insensitively, wherever the column stands.
    Raises ``LayoutError`` with a one-line message naming the sheet and the first missing
    header.
    """
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        key = english_part(cell)
        if key and key not in positions:
            positions[key] = index
    found: dict[str, int] = {}
    for name in wanted:
        key = english_part(name)
        if key not in positions:
            raise LayoutError(f'Sheet "{sheet}": no column "{name}" in the header row')
        found[name] = positions[key]
    return found


def find_header_row(rows: list[list], wanted: list[str], sheet: str, max_rows: int = 30) -> int:
    """1-based number of the first of ``rows`` (top of a sheet) holding every wanted header.

    Lets the refresh cope with users inserting rows above a header.
    """
    for number, row in enumerate(rows[:max_rows], start=1):
        present = {english_part(cell) for cell in row}
        if all(english_part(name) in present for name in wanted):
            return number
    raise LayoutError(f'Sheet "{sheet}": no header row with {", ".join(wanted)} in the first '
                      f'{max_rows} rows')


def setting_spec(key_text: object, sheet: str = SHEET_SETTINGS) -> SettingSpec:
    """The SettingSpec for a Setting cell (``"Shift / 平移量"`` or ``"shift"``)."""
    spec = SETTINGS_BY_KEY.get(english_part(key_text))
    if spec is None:
        raise LayoutError(f'Sheet "{sheet}": unknown setting "{key_text}" (known: '
                          f'{", ".join(SETTING_KEYS)})')
    return spec


def cell_name(row: int, col: int) -> str:
    """``cell_name(7, 2) == "B7"`` (1-based row and column, as in Excel)."""
    if row < 1 or col < 1:
        raise ValueError(f"cell_name needs 1-based row and column, got ({row}, {col})")
    return f"{get_column_letter(col)}{row}"
