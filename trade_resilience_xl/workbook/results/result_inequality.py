"""The Theil and Dagum sheets: decompositions by region, regions in the engine's order (first
appearance in the data, the order of the tidy CSV too) and named as the labels say."""
from __future__ import annotations

import pandas as pd

from trade_resilience_xl.engine import PanelResult
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, SheetContent
from trade_resilience_xl.workbook.results import charts
from trade_resilience_xl.workbook.results.labels import Labels
from trade_resilience_xl.workbook.results.result_frame import (
    GAP,
    PCT,
    TABLE_ROW,
    head,
    rows_of,
    sized_formats,
)

YEAR = "Year / 年份"


def _by_year(table: pd.DataFrame, component: str, group: str = "") -> list:
    part = table[(table["component"] == component) & (table["group"] == group)]
    return list(part.sort_values("year")["value"])


def _table(years, header: list, columns: list, pct: set[int]) -> Block:
    """Year rows; columns in ``pct`` (0-based) as percentages, the others sized."""
    cells = rows_of([header] + [[int(y)] + [col[i] for col in columns]
                                for i, y in enumerate(years)])
    formats = sized_formats(cells, [c for c in range(1, len(header)) if c not in pct])
    formats.update({c: PCT for c in pct})
    return Block(f"A{TABLE_ROW}", cells, formats)


def theil_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    t, years = result.theil, result.panel.years
    groups = list(labels.regions)
    measure = result.settings.theil_measure
    weighted = result.panel.population is not None
    content = SheetContent(widths={"A": 10, **{L.cell_name(1, c)[:-1]: 16
                                               for c in range(2, 8 + 2 * len(groups))}})
    cf_en, cf_zh = labels.cf(5)
    head(content.blocks, f"Theil {measure} decomposition by region{cf_en} / "
         f"泰尔{measure}指数区域分解{cf_zh}",
         f"{'Population-weighted' if weighted else 'Unweighted'}; total = within + between "
         "exactly; contributions = each region's within term / total. / 总体=区域内+区域间。")
    header = [YEAR, "Within / 区域内", "Between / 区域间", "Total / 总体",
              "Within share / 区域内贡献率", "Between share / 区域间贡献率"]
    header += [labels.region(g) for g in groups]
    header += [labels.region_measure(g, "contribution", "贡献率") for g in groups]
    columns = [_by_year(t, c) for c in ("within", "between", "total", "within_share",
                                        "between_share")]
    columns += [_by_year(t, "group_index", g) for g in groups]
    columns += [_by_year(t, "group_contribution", g) for g in groups]
    pct = {4, 5} | {6 + len(groups) + i for i in range(len(groups))}
    if result.permutation is not None:
        header.append("Between p-value / 置换检验p值")
        columns.append(list(result.permutation.sort_values("year")["p_value"]))
    block = _table(years, header, columns, pct)
    if result.permutation is not None:
        block.number_formats[len(header) - 1] = "0.000"
    content.blocks.append(block)
    top = TABLE_ROW + len(block.rows) + GAP
    content.charts += [
        charts.chart("column_stacked", "Theil index: within and between regions / "
                     "泰尔指数：区域内与区域间", charts.Plotted(block, header[1], header[2]), top,
                     x_title=YEAR, y_title="Theil / 泰尔指数"),
        charts.chart("line", "Theil index within each region / 各区域内部泰尔指数",
                     charts.Plotted(block, header[6], header[5 + len(groups)]), top + 20,
                     x_title=YEAR, y_title="Theil / 泰尔指数")]
    return content


def dagum_sheet(result: PanelResult, labels: Labels) -> SheetContent:
    d, years = result.dagum, result.panel.years
    groups = list(labels.regions)
    content = SheetContent(widths={"A": 10, **{L.cell_name(1, c)[:-1]: 15
                                               for c in range(2, 9 + len(groups))}})
    head(content.blocks, "Dagum Gini decomposition by region / Dagum基尼系数区域分解",
         "G = within + net between + transvariation (exact). / 总体基尼系数 = 区域内 + "
         "区域间净值 + 超变密度。")
    names = [("within", "Within G_w / 区域内"), ("net_between", "Net between G_nb / 区域间净值"),
             ("transvariation", "Transvariation G_t / 超变密度"), ("total", "Gini G / 总体"),
             ("within_share", "Within share / 区域内贡献率"),
             ("net_between_share", "Net between share / 区域间净值贡献率"),
             ("transvariation_share", "Transvariation share / 超变密度贡献率")]
    header = [YEAR] + [label for _, label in names]
    header += [labels.region_measure(g, "Gini", "区域内基尼") for g in groups]
    columns = [_by_year(d, c) for c, _ in names]
    columns += [_by_year(d, "group_gini", g) for g in groups]
    block = _table(years, header, columns, {5, 6, 7})
    content.blocks.append(block)
    content.charts.append(charts.chart(
        "column_stacked", "Dagum Gini: within, net between, transvariation / "
        "Dagum基尼系数分解", charts.Plotted(block, header[1], header[3]),
        TABLE_ROW + len(block.rows) + GAP, x_title=YEAR, y_title="Gini / 基尼系数"))
    return content
