"""The engine's tables -> rows of cells for each result sheet (no I/O here).

Every result sheet has the same frame: a bilingual title in A1, a note in A2, the main
table's header in row ``TABLE_ROW``. Further blocks and the data that charts plot follow
below, so that a sheet prints one page wide. Charts are declared in ``charts``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.engine.classify import LEVELS_ZH
from trade_resilience_xl.paper import REGIONS_ZH
from trade_resilience_xl.workbook import charts
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.read_inputs import Inputs

TABLE_ROW = 4
GAP = 2          # empty rows between blocks
SCORE = "0.0000"
PCT = "0.00%"
WEIGHT_PCT = "0.000"


def _cell(row: int, col: int) -> str:
    return L.cell_name(row, col)


def _head(sheet_blocks: list[Block], title: str, note: str) -> None:
    sheet_blocks.append(Block("A1", [[title], [note]], header_rows=0))


def _value(x):
    """Plain Python values for cells (NaN -> empty)."""
    if x is None:
        return None
    if isinstance(x, (np.floating, float)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def _rows(rows):
    return [[_value(v) for v in row] for row in rows]


def region_label(region: str) -> str:
    zh = REGIONS_ZH.get(region)
    return f"{region} / {zh}" if zh else region


def _region_order(groups) -> list[str]:
    known = list(L.REGION_CHOICES)
    return sorted(groups, key=lambda g: (known.index(g) if g in known else len(known), ""))


# ---------------------------------------------------------------------------- Weights
def weights_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    content = SheetContent(widths={"A": 9, "B": 62, "C": 26, "D": 10, "E": 14, "F": 14,
                                   "G": 14, "H": 14, "I": 14, "J": 14})
    per_year = "year" in result.weights.columns
    mean = "Mean " if per_year else ""
    s = result.settings
    _head(content.blocks, "Indicator weights, entropy method (cf. paper Table 2) / "
          "指标权重：熵值法（对照原文表2）",
          f"Shift {s.shift:g}, weighting {s.weighting.replace('_', ' ')}. e = entropy, "
          f"d = 1 - e, w = d / sum(d). / 平移量{s.shift:g}；e为信息熵，d=1-e为差异系数，w=d/Σd。")
    table = result.mean_weights()
    paper = dict(zip(inputs.indicators["code"], inputs.indicators["paper_weight"]))
    header = ["Code / 代码", "Indicator / 指标", "Dimension / 维度", "Direction / 方向",
              f"{mean}Entropy e / 信息熵", f"{mean}Divergence d / 差异系数",
              f"{mean}Weight w (%) / 权重(%)", "Paper weight (%) / 原文权重(%)"]
    boot = result.bootstrap
    if boot is not None:
        header += ["95% lower (%) / 下限(%)", "95% upper (%) / 上限(%)"]
    rows = []
    for i, r in table.iterrows():
        row = [r.code, r.indicator, r.dimension, r.direction, r.entropy, r.divergence,
               100 * r.weight, paper.get(r.code)]
        if boot is not None:
            row += [100 * boot["lower"].iloc[i], 100 * boot["upper"].iloc[i]]
        rows.append(row)
    papers = [p for p in paper.values() if p is not None]
    rows.append(["Total / 合计", None, None, None, None, table["divergence"].sum(),
                 100 * table["weight"].sum(), sum(papers) if papers else None]
                + ([None, None] if boot is not None else []))
    formats = {4: SCORE, 5: SCORE, 6: WEIGHT_PCT, 7: WEIGHT_PCT, 8: WEIGHT_PCT, 9: WEIGHT_PCT}
    content.blocks.append(Block(f"A{TABLE_ROW}", _rows([header] + rows), formats))
    last = TABLE_ROW + len(table)
    below = last + 1 + GAP
    if per_year:
        wide = result.weights.pivot(index="code", columns="year", values="weight")
        wide = wide.reindex(table["code"])
        block = [["Weights by year (%) / 分年权重(%)"] + [None] * len(wide.columns),
                 ["Code / 代码"] + [int(y) for y in wide.columns]]
        block += [[code] + list(100 * wide.loc[code]) for code in wide.index]
        content.blocks.append(Block(f"A{below}", _rows(block),
                                    {c: WEIGHT_PCT for c in range(1, len(wide.columns) + 1)},
                                    header_rows=2))
        below += len(block) + GAP
    content.charts.append(charts.weights_chart(TABLE_ROW, last, below))
    return content


# ---------------------------------------------------------------------------- Scores
def _wide_block(result: PanelResult, index: str, top: int, title: str | None):
    """Province rows x year columns, region, a mean column, the mean row and region means."""
    wide, means = result.scores_wide(index), result.score_means(index)
    years = [int(y) for y in wide.columns]
    regions = dict(zip(result.panel.units, result.panel.regions))
    header = ["Province / 省份", "Region / 地区"] + years + ["Mean / 均值"]
    rows = [[unit, region_label(regions[unit])] + list(wide.loc[unit])
            + [means.by_unit[unit]] for unit in wide.index]
    rows.append(["Mean / 均值", None] + list(means.by_year) + [means.overall])
    block = ([[title] + [None] * (len(header) - 1)] if title else []) + [header] + rows
    formats = {c: SCORE for c in range(2, len(header))}
    return Block(f"A{top}", _rows(block), formats, header_rows=2 if title else 1), wide


def _means_by_year(result: PanelResult):
    """Year rows: overall mean and each region's mean (what the line chart plots)."""
    means = result.score_means("composite")
    order = _region_order(set(result.panel.regions))
    header = ["Year / 年份", "All provinces / 全部省份"] + [region_label(g) for g in order]
    rows = [[int(year), means.by_year[year]] + [means.by_region_year.loc[year, g] for g in order]
            for year in means.by_year.index]
    return header, rows


def scores_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    years = len(result.panel.years)
    content = SheetContent(widths={"A": 18, "B": 18, **{L.cell_name(1, c)[:-1]: 10
                                                        for c in range(3, years + 4)}})
    _head(content.blocks, "Foreign trade resilience index (cf. paper Table 3) / "
          "外贸韧性综合指数（对照原文表3）",
          f"{'TOPSIS closeness' if result.settings.score == 'topsis' else 'Weighted sum'} "
          "of all indicators; the last rows are means. / 全部指标的综合得分；末行为均值。")
    block, _ = _wide_block(result, "composite", TABLE_ROW, None)
    content.blocks.append(block)
    top = TABLE_ROW + len(block.rows) + GAP
    header, rows = _means_by_year(result)
    content.blocks.append(Block(f"A{top}", _rows([["Mean index by year and region / "
                                                   "分地区历年均值"] + [None] * (len(header) - 1),
                                                  header] + rows),
                                {c: SCORE for c in range(1, len(header))}, header_rows=2))
    chart_top = top + 2 + len(rows) + GAP
    content.charts.append(charts.mean_score_chart(top + 1, top + 1 + len(rows), len(header),
                                                  chart_top))
    return content


def subindices_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    years = len(result.panel.years)
    content = SheetContent(widths={"A": 18, "B": 18, **{L.cell_name(1, c)[:-1]: 10
                                                        for c in range(3, years + 4)}})
    _head(content.blocks, "Sub-indices by dimension / 分维度指数",
          "Each dimension scored on its own indicators, weights rescaled to sum to 1. / "
          "各维度仅用其指标计算，权重归一。")
    labels = dict(zip(inputs.indicators["dimension"], inputs.indicators["dimension_label"]))
    top = TABLE_ROW
    for dimension in result.panel.dimension_order:
        block, _ = _wide_block(result, dimension, top, labels.get(dimension, dimension))
        content.blocks.append(block)
        top += len(block.rows) + GAP
    return content


# ---------------------------------------------------------------------------- Types
def _level(level: str) -> str:
    return f"{level} / {LEVELS_ZH.get(level, '')}"


def _type_order(names: tuple[str, str]) -> tuple[int, int]:
    """构高抗高型 first, 构低抗低型 last (reconstruction level, then resistance level)."""
    zh = names[1]
    rank = {"高": 0, "中": 1, "低": 2}
    return rank.get(zh[1:2], 3), rank.get(zh[3:4], 3)


def types_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    panel, cls = result.panel, result.numbers.classification
    dims = panel.dimension_order
    labels = dict(zip(inputs.indicators["dimension"], inputs.indicators["dimension_label"]))
    content = SheetContent(widths={"A": 22, "B": 16, "C": 24, "D": 8, "E": 14, "F": 24,
                                   "G": 8, "H": 14, "I": 40, "J": 14, "K": 14, "L": 14})
    basis = result.settings.classification_basis
    _head(content.blocks, "Resilience types (cf. paper Table 4) / 外贸韧性类型（对照原文表4）",
          f"Ranked on {'the mean over all years' if basis == 'mean' else basis}; with n "
          "provinces ranks 1..n/3 are high, up to n - n/3 medium, the rest low. / "
          "按排名三等分：高、中、低。")
    header = ["Province / 省份", "Region / 地区"]
    for d in dims:
        header += [f"{labels.get(d, d)}: score / 得分", "Rank / 排名", "Level / 水平"]
    two = cls.type_en is not None
    if two:
        header += ["Type / 类型", "类型"]
    rows = []
    for u, unit in enumerate(panel.units):
        row = [unit, region_label(panel.regions[u])]
        for j in range(len(dims)):
            row += [result.numbers.basis[u, j], int(cls.rank[u, j]), _level(cls.level[u, j])]
        if two:
            row += [cls.type_en[u], cls.type_zh[u]]
        rows.append(row)
    formats = {2 + 3 * j: SCORE for j in range(len(dims))}
    content.blocks.append(Block(f"A{TABLE_ROW}", _rows([header] + rows), formats))
    top = TABLE_ROW + 1 + len(rows) + GAP
    cuts = cls.cutoffs
    n, third = len(panel.units), len(panel.units) // 3
    cut_rows = [["Tercile cut-offs / 三等分界值", None, None, None],
                ["Dimension / 维度", "High | medium / 高|中", "Medium | low / 中|低",
                 "Rank bands / 排名区间"]]
    cut_rows += [[labels.get(d, d), hi, lo, f"high 1-{third}, medium {third + 1}-{n - third}, "
                  f"low {n - third + 1}-{n}"] for d, (hi, lo) in zip(dims, cuts)]
    content.blocks.append(Block(f"A{top}", _rows(cut_rows), {1: SCORE, 2: SCORE},
                                header_rows=2))
    top += len(cut_rows) + GAP
    if not two:
        return content
    # Columns chosen for the widths above: long texts overflow into the empty cells
    # to their right (English type over D:E, the province list from F on).
    summary = [["Type summary / 类型汇总", None, None, None, None, None],
               ["类型", "Count / 数量", "Type / 类型", None, None, "Provinces / 省份"]]
    for en, zh in sorted(dict.fromkeys(zip(cls.type_en, cls.type_zh)), key=_type_order):
        members = [u for u, t in zip(panel.units, cls.type_en) if t == en]
        summary.append([zh, len(members), en, None, None, ", ".join(members)])
    content.blocks.append(Block(f"A{top}", summary, header_rows=2))
    top += len(summary) + GAP
    header, rows = _scatter_data(result, labels, cuts)
    content.blocks.append(Block(f"A{top}", _rows([["Chart data / 图表数据"]
                                                  + [None] * (len(header) - 1), header]
                                                 + rows),
                                {c: SCORE for c in range(len(header))}, header_rows=2))
    content.charts.append(charts.types_scatter(top + 1, top + 1 + len(rows), len(header),
                                               top + 2 + len(rows) + GAP,
                                               line_series=tuple(range(len(header) - 5,
                                                                       len(header) - 1)),
                                               x_title=header[0], y_title=labels.get(
                                                   panel.dimension_order[1], "")))
    return content


def _scatter_data(result, labels, cuts):
    """x = first dimension's score; one y column per region, then the four cut-off lines
    (two rows each, so each is a segment across the plotted range)."""
    panel, basis = result.panel, result.numbers.basis
    order = _region_order(set(panel.regions))
    lines = ["x cut high|medium / 横轴高|中分界", "x cut medium|low / 横轴中|低分界",
             "y cut high|medium / 纵轴高|中分界", "y cut medium|low / 纵轴中|低分界"]
    header = [f"{labels.get(panel.dimension_order[0], panel.dimension_order[0])} (x)"]
    header += [region_label(g) for g in order] + lines
    width = len(header)
    rows = []
    for u in range(len(panel.units)):
        row = [basis[u, 0]] + [None] * (width - 1)
        row[1 + order.index(panel.regions[u])] = basis[u, 1]
        rows.append(row)
    x_lo, x_hi = basis[:, 0].min(), basis[:, 0].max()
    y_lo, y_hi = basis[:, 1].min(), basis[:, 1].max()
    (x_hm, x_ml), (y_hm, y_ml) = cuts
    segments = [(x_hm, y_lo, x_hm, y_hi), (x_ml, y_lo, x_ml, y_hi),
                (x_lo, y_hm, x_hi, y_hm), (x_lo, y_ml, x_hi, y_ml)]
    for k, (xa, ya, xb, yb) in enumerate(segments):
        if None in (xa, ya, xb, yb):
            continue
        for x, y in ((xa, ya), (xb, yb)):
            row = [x] + [None] * (width - 1)
            row[1 + len(order) + k] = y
            rows.append(row)
    return header, rows


# ---------------------------------------------------------------------------- Theil, Dagum
def _by_year(table: pd.DataFrame, component: str, group: str = "") -> list:
    part = table[(table["component"] == component) & (table["group"] == group)]
    return list(part.sort_values("year")["value"])


def theil_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    t, years = result.theil, result.panel.years
    groups = _region_order(result.numbers.theil.groups)
    measure = result.settings.theil_measure
    weighted = result.panel.population is not None
    content = SheetContent(widths={"A": 10, **{L.cell_name(1, c)[:-1]: 16
                                               for c in range(2, 8 + 2 * len(groups))}})
    _head(content.blocks, f"Theil {measure} decomposition by region (cf. paper Table 5) / "
          f"泰尔{measure}指数区域分解（对照原文表5）",
          f"{'Population-weighted' if weighted else 'Unweighted'}; total = within + between "
          "exactly; contributions = each region's within term / total. / 总体=区域内+区域间。")
    header = ["Year / 年份", "Within / 区域内", "Between / 区域间", "Total / 总体",
              "Within share / 区域内贡献率", "Between share / 区域间贡献率"]
    header += [f"{region_label(g)}" for g in groups]
    header += [f"{g} contribution / {REGIONS_ZH.get(g, g)}贡献率" for g in groups]
    columns = [_by_year(t, c) for c in ("within", "between", "total", "within_share",
                                        "between_share")]
    columns += [_by_year(t, "group_index", g) for g in groups]
    columns += [_by_year(t, "group_contribution", g) for g in groups]
    formats = {1: SCORE, 2: SCORE, 3: SCORE, 4: PCT, 5: PCT}
    formats.update({6 + i: SCORE for i in range(len(groups))})
    formats.update({6 + len(groups) + i: PCT for i in range(len(groups))})
    if result.permutation is not None:
        header.append("Between p-value / 置换检验p值")
        columns.append(list(result.permutation.sort_values("year")["p_value"]))
        formats[len(header) - 1] = "0.000"
    rows = [[int(y)] + [col[i] for col in columns] for i, y in enumerate(years)]
    content.blocks.append(Block(f"A{TABLE_ROW}", _rows([header] + rows), formats))
    last = TABLE_ROW + len(rows)
    top = last + 1 + GAP
    content.charts += charts.theil_charts(TABLE_ROW, last, len(groups), top)
    return content


def dagum_sheet(result: PanelResult, inputs: Inputs) -> SheetContent:
    d, years = result.dagum, result.panel.years
    groups = _region_order(result.numbers.dagum.groups)
    content = SheetContent(widths={"A": 10, **{L.cell_name(1, c)[:-1]: 15
                                               for c in range(2, 9 + len(groups))}})
    _head(content.blocks, "Dagum Gini decomposition by region / Dagum基尼系数区域分解",
          "G = within + net between + transvariation (exact). / 总体基尼系数 = 区域内 + "
          "区域间净值 + 超变密度。")
    names = [("within", "Within G_w / 区域内"), ("net_between", "Net between G_nb / 区域间净值"),
             ("transvariation", "Transvariation G_t / 超变密度"), ("total", "Gini G / 总体"),
             ("within_share", "Within share / 区域内贡献率"),
             ("net_between_share", "Net between share / 区域间净值贡献率"),
             ("transvariation_share", "Transvariation share / 超变密度贡献率")]
    header = ["Year / 年份"] + [label for _, label in names]
    header += [f"{region_label(g)} Gini / 区域内基尼" for g in groups]
    columns = [_by_year(d, c) for c, _ in names]
    columns += [_by_year(d, "group_gini", g) for g in groups]
    formats = {c: SCORE for c in range(1, len(header))}
    formats.update({5: PCT, 6: PCT, 7: PCT})
    rows = [[int(y)] + [col[i] for col in columns] for i, y in enumerate(years)]
    content.blocks.append(Block(f"A{TABLE_ROW}", _rows([header] + rows), formats))
    last = TABLE_ROW + len(rows)
    content.charts.append(charts.dagum_chart(TABLE_ROW, last, last + 1 + GAP))
    return content


# ---------------------------------------------------------------------------- Log
def _shown(value) -> str:
    """A setting as typed: 1 rather than 1.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def log_sheet(result: PanelResult, inputs: Inputs, version: str, timestamp: str
              ) -> SheetContent:
    content = SheetContent(widths={"A": 34, "B": 70, "C": 12, "D": 14, "E": 16, "F": 12})
    _head(content.blocks, "Refresh log / 运行日志",
          "What the last refresh used and noticed. / 最近一次刷新所用设置与提示。")
    panel = result.panel
    rows = [["Item / 项目", "Value / 取值"],
            ["Refreshed at / 刷新时间", timestamp],
            ["Package / 程序包", f"trade_resilience_xl {version}"],
            ["Data label / 数据说明", inputs.data_note or None],
            ["Illustrative data / 示例数据",
             "YES: illustrative data, not official statistics / 是：示例数据，非官方统计"
             if inputs.illustrative else "no / 否"],
            ["Provinces x years x indicators / 规模",
             f"{len(panel.units)} x {len(panel.years)} ({panel.years[0]}-{panel.years[-1]}) "
             f"x {len(panel.codes)}"],
            ["Population weights / 人口权重", "yes / 是" if panel.population is not None
             else "no, equal weights / 否，等权"]]
    spec_zh = {spec.key: spec.key_zh for spec in L.SETTINGS}
    rows += [[f"Setting: {key} / {spec_zh[key]}", _shown(value)]
             for key, value in inputs.settings_used]
    s = result.settings
    rows.append(["Engine settings / 引擎设置",
                 f"normalization {s.normalization}, weighting {s.weighting}, ideal {s.ideal}, "
                 f"score {s.score}, theil {s.theil_measure}, missing {s.missing}, "
                 f"permutations {s.permutations}, bootstrap {s.bootstrap}, seed {s.seed}"])
    content.blocks.append(Block(f"A{TABLE_ROW}", rows))
    top = TABLE_ROW + len(rows) + GAP
    notes = list(result.warnings) + list(inputs.notes)
    warn = [["Warnings / 警告"]] + ([[w] for w in notes] or [["none / 无"]])
    content.blocks.append(Block(f"A{top}", warn))
    top += len(warn) + GAP
    filled = [["Filled by interpolation / 插值填补", None, None, None, None],
              ["Province / 省份", "Data cell / 数据单元格", "Year / 年份", "Field / 字段",
               "Value / 取值"]]
    row_of = {(u, y): r for u, y, r in zip(inputs.data["unit"], inputs.data["year"],
                                           inputs.data_rows)}
    for unit, year, code, value in result.filled.itertuples(index=False):
        field = "population" if code == "population" else code
        column = inputs.data_cols.get(field)
        where = row_of.get((unit, int(year)))
        address = f"{L.SHEET_DATA}!{L.cell_name(where, column)}" if where and column else None
        filled.append([unit, address, int(year), code, _value(value)])
    if len(filled) == 2:
        filled.append(["none / 无", None, None, None, None])
    content.blocks.append(Block(f"A{top}", filled, {4: "#,##0.000"}, header_rows=2))
    return content


def all_sheets(result: PanelResult, inputs: Inputs, version: str, timestamp: str
               ) -> dict[str, SheetContent]:
    """Every result sheet's content, in workbook order."""
    return {L.SHEET_WEIGHTS: weights_sheet(result, inputs),
            L.SHEET_SCORES: scores_sheet(result, inputs),
            L.SHEET_SUBINDICES: subindices_sheet(result, inputs),
            L.SHEET_TYPES: types_sheet(result, inputs),
            L.SHEET_THEIL: theil_sheet(result, inputs),
            L.SHEET_DAGUM: dagum_sheet(result, inputs),
            L.SHEET_LOG: log_sheet(result, inputs, version, timestamp)}
