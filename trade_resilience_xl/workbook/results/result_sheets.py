"""The engine's tables -> rows of cells for each result sheet (no I/O here).

Every result sheet has the same frame (``result_frame``): a bilingual title in A1, a note in
A2, the main table's header in row ``TABLE_ROW``. Further blocks and the data that charts
plot follow below, so that a sheet prints one page wide. Charts are declared in ``charts``
from the blocks they plot. Words come from ``labels``: the user's names, the paper's only
for the paper's own system. Types, Theil/Dagum and Log live in their own modules.
"""
from __future__ import annotations

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.inputs.read_inputs import Inputs
from trade_resilience_xl.workbook.results import charts
from trade_resilience_xl.workbook.results.labels import Labels

# issue 14: coupling, obstacle, density
from trade_resilience_xl.workbook.results.result_analyses import (
    coupling_sheet,
    density_sheet,
    obstacle_sheet,
)

# issue 14: convergence, spatial
from trade_resilience_xl.workbook.results.result_convergence_spatial import (
    convergence_sheet,
    spatial_sheet,
)

# issue 25: robustness of the weights, dynamics between levels
from trade_resilience_xl.workbook.results.result_dynamics import dynamics_sheet
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    TABLE_ROW,
    block_with_title,
    head,
    rows_of,
    sized_formats,
)
from trade_resilience_xl.workbook.results.result_inequality import dagum_sheet, theil_sheet
from trade_resilience_xl.workbook.results.result_log import log_sheet
from trade_resilience_xl.workbook.results.result_robustness import robustness_sheet
from trade_resilience_xl.workbook.results.result_types import types_sheet

WEIGHT_HEADER = "Weight w (%) / 权重(%)"
PAPER_WEIGHT_HEADER = "Paper weight (%) / 原文权重(%)"


# ---------------------------------------------------------------------------- Weights
def weights_sheet(result: PanelResult, inputs: Inputs, labels: Labels) -> SheetContent:
    content = SheetContent(widths={"A": 9, "B": 62, "C": 26, "D": 10, "E": 14, "F": 14,
                                   "G": 14, "H": 14, "I": 14, "J": 14})
    per_year = "year" in result.weights.columns
    mean = "Mean " if per_year else ""
    s = result.settings
    cf_en, cf_zh = labels.cf(2)
    head(content.blocks, f"Indicator weights, entropy method{cf_en} / 指标权重：熵值法{cf_zh}",
         f"Shift {s.shift:g}, weighting {s.weighting.replace('_', ' ')}. e = entropy, "
         f"d = 1 - e, w = d / sum(d). / 平移量{s.shift:g}；e为信息熵，d=1-e为差异系数，w=d/Σd。")
    table = result.mean_weights()
    paper = dict(zip(inputs.indicators["code"], inputs.indicators["paper_weight"]))
    papers = [p for p in paper.values() if p is not None]
    header = ["Code / 代码", "Indicator / 指标", "Dimension / 维度", "Direction / 方向",
              f"{mean}Entropy e / 信息熵", f"{mean}Divergence d / 差异系数",
              f"{mean}{WEIGHT_HEADER}"] + ([PAPER_WEIGHT_HEADER] if papers else [])
    boot = result.bootstrap
    if boot is not None:
        header += ["95% lower (%) / 下限(%)", "95% upper (%) / 上限(%)"]
    rows = []
    for i, r in table.iterrows():
        row = [r.code, r.indicator, labels.dimension(r.dimension), r.direction, r.entropy,
               r.divergence, 100 * r.weight] + ([paper.get(r.code)] if papers else [])
        if boot is not None:
            row += [100 * boot["lower"].iloc[i], 100 * boot["upper"].iloc[i]]
        rows.append(row)
    total = (["Total / 合计", None, None, None, None, table["divergence"].sum(),
              100 * table["weight"].sum()] + ([sum(papers)] if papers else [])
             + ([None, None] if boot is not None else []))
    cells = rows_of([header] + rows + [total])
    weights = Block(f"A{TABLE_ROW}", cells, sized_formats(cells[:-1], range(4, len(header))))
    content.blocks.append(weights)
    below = TABLE_ROW + len(cells) + GAP
    if per_year:
        wide = result.weights.pivot(index="code", columns="year", values="weight")
        wide = wide.reindex(table["code"])
        years = [int(y) for y in wide.columns]
        body = [[code] + list(100 * wide.loc[code]) for code in wide.index]
        block = block_with_title(below, "Weights by year (%) / 分年权重(%)",
                                 ["Code / 代码"] + years, body)
        block.number_formats = sized_formats(block.rows, range(1, len(years) + 1), 2)
        content.blocks.append(block)
        below += len(block.rows) + GAP
    last = PAPER_WEIGHT_HEADER if papers else header[6]
    content.charts.append(charts.chart(
        "bar", "Indicator weights (%) / 指标权重(%)",
        charts.Plotted(weights, header[6], last, skip_last=1), below,
        x_title="Indicator / 指标", y_title="Weight (%) / 权重(%)", y_number_format="0.0"))
    return content


# ---------------------------------------------------------------------------- Scores
def _wide_block(result: PanelResult, labels: Labels, index: str, top: int, title: str | None):
    """Unit rows x year columns, region, a mean column, the mean row and region means."""
    wide, means = result.scores_wide(index), result.score_means(index)
    years = [int(y) for y in wide.columns]
    regions = dict(zip(result.panel.units, result.panel.regions))
    header = [labels.unit, "Region / 地区"] + years + ["Mean / 均值"]
    rows = [[unit, labels.region(regions[unit])] + list(values) + [mean]
            for unit, values, mean in zip(wide.index, wide.to_numpy(),
                                          means.by_unit.reindex(wide.index))]
    rows.append(["Mean / 均值", None] + list(means.by_year) + [means.overall])
    cells = rows_of(([[title] + [None] * (len(header) - 1)] if title else []) + [header] + rows)
    header_rows = 2 if title else 1
    return Block(f"A{top}", cells, sized_formats(cells, range(2, len(header)), header_rows),
                 header_rows=header_rows)


def scores_sheet(result: PanelResult, inputs: Inputs, labels: Labels) -> SheetContent:
    years = len(result.panel.years)
    content = SheetContent(widths={"A": 18, "B": 18, **{L.cell_name(1, c)[:-1]: 10
                                                        for c in range(3, years + 4)}})
    head(content.blocks, labels.index_title(3),
         f"{'TOPSIS closeness' if result.settings.score == 'topsis' else 'Weighted sum'} "
         "of all indicators; the last rows are means. / 全部指标的综合得分；末行为均值。")
    block = _wide_block(result, labels, "composite", TABLE_ROW, None)
    content.blocks.append(block)
    top = TABLE_ROW + len(block.rows) + GAP
    means = result.score_means("composite")
    header = ["Year / 年份", labels.all_units] + [labels.region(g) for g in labels.regions]
    rows = [[int(year), means.by_year[year]] + [means.by_region_year.loc[year, g]
                                                for g in labels.regions]
            for year in means.by_year.index]
    by_year = block_with_title(top, "Mean index by year and region / 分地区历年均值",
                               header, rows)
    by_year.number_formats = sized_formats(by_year.rows, range(1, len(header)), 2)
    content.blocks.append(by_year)
    content.charts.append(charts.chart(
        "line", labels.mean_index_title(), charts.Plotted(by_year, header[1], header[-1]),
        top + len(by_year.rows) + GAP, x_title="Year / 年份", y_title="Index / 指数",
        height_cm=10, y_number_format="0.00"))
    return content


def subindices_sheet(result: PanelResult, inputs: Inputs, labels: Labels) -> SheetContent:
    years = len(result.panel.years)
    content = SheetContent(widths={"A": 18, "B": 18, **{L.cell_name(1, c)[:-1]: 10
                                                        for c in range(3, years + 4)}})
    head(content.blocks, "Sub-indices by dimension / 分维度指数",
         "Each dimension scored on its own indicators, weights rescaled to sum to 1. / "
         "各维度仅用其指标计算，权重归一。")
    top = TABLE_ROW
    for dimension in result.panel.dimension_order:
        block = _wide_block(result, labels, dimension, top, labels.dimension(dimension))
        content.blocks.append(block)
        top += len(block.rows) + GAP
    return content


def all_sheets(result: PanelResult, inputs: Inputs, version: str, timestamp: str
               ) -> dict[str, SheetContent]:
    """Every result sheet's content, in workbook order."""
    labels = Labels.of(inputs, result)
    return {L.SHEET_WEIGHTS: weights_sheet(result, inputs, labels),
            L.SHEET_SCORES: scores_sheet(result, inputs, labels),
            L.SHEET_SUBINDICES: subindices_sheet(result, inputs, labels),
            L.SHEET_TYPES: types_sheet(result, labels),
            L.SHEET_THEIL: theil_sheet(result, labels),
            L.SHEET_DAGUM: dagum_sheet(result, labels),
            # issue 14: coupling, obstacle, density
            L.SHEET_COUPLING: coupling_sheet(result, labels),
            L.SHEET_OBSTACLE: obstacle_sheet(result, labels),
            L.SHEET_DENSITY: density_sheet(result, labels),
            # issue 14: convergence, spatial
            L.SHEET_CONVERGENCE: convergence_sheet(result, labels),
            L.SHEET_SPATIAL: spatial_sheet(result, labels),
            # issue 25: robustness of the weights, dynamics between levels
            L.SHEET_ROBUSTNESS: robustness_sheet(result, labels),
            L.SHEET_DYNAMICS: dynamics_sheet(result, labels),
            L.SHEET_LOG: log_sheet(result, inputs, labels, version, timestamp)}
