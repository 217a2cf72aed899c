"""The charts of the result sheets, as ChartSpecs over cells the sheets already hold.

Each chart plots one contiguous block (header row + one column per series) against a
category column, because that is what both adapters can draw the same way: openpyxl
references and xlwings' ``set_source_data`` + ``set_x_axis_values``. The numbers are
1-based rows of the blocks written by ``result_sheets``; charts sit below the tables so
that every sheet prints one page wide.
"""
from __future__ import annotations

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import ChartSpec


def _col(n: int) -> str:
    return L.cell_name(1, n)[:-1]


def weights_chart(header_row: int, last_row: int, anchor_row: int) -> ChartSpec:
    """Our weight next to the paper's, per indicator (columns G:H of the Weights table)."""
    return ChartSpec("bar", "Indicator weights (%) / 指标权重(%)", f"A{anchor_row}",
                     series=f"G{header_row}:H{last_row}",
                     categories=f"A{header_row + 1}:A{last_row}",
                     x_title="Indicator / 指标", y_title="Weight (%) / 权重(%)",
                     width_cm=24, height_cm=9, y_number_format="0.0")


def mean_score_chart(header_row: int, last_row: int, n_cols: int, anchor_row: int
                     ) -> ChartSpec:
    """Mean index by year: all provinces and each region (the means block of Scores)."""
    return ChartSpec("line", "Mean resilience index by year / 历年平均外贸韧性指数",
                     f"A{anchor_row}", series=f"B{header_row}:{_col(n_cols)}{last_row}",
                     categories=f"A{header_row + 1}:A{last_row}",
                     x_title="Year / 年份", y_title="Index / 指数", width_cm=24,
                     height_cm=10, y_number_format="0.00")


def theil_charts(header_row: int, last_row: int, n_groups: int, anchor_row: int
                 ) -> list[ChartSpec]:
    """Within and between stacked (columns B:C), and each region's index (from G)."""
    years = f"A{header_row + 1}:A{last_row}"
    first_region = 7
    return [
        ChartSpec("column_stacked", "Theil index: within and between regions / "
                  "泰尔指数：区域内与区域间", f"A{anchor_row}",
                  series=f"B{header_row}:C{last_row}", categories=years,
                  x_title="Year / 年份", y_title="Theil / 泰尔指数", width_cm=24,
                  height_cm=9, y_number_format="0.000"),
        ChartSpec("line", "Theil index within each region / 各区域内部泰尔指数",
                  f"A{anchor_row + 20}",
                  series=f"{_col(first_region)}{header_row}:"
                         f"{_col(first_region + n_groups - 1)}{last_row}",
                  categories=years, x_title="Year / 年份", y_title="Theil / 泰尔指数",
                  width_cm=24, height_cm=9, y_number_format="0.000"),
    ]


def dagum_chart(header_row: int, last_row: int, anchor_row: int) -> ChartSpec:
    """The three Dagum components stacked (columns B:D): their sum is the Gini."""
    return ChartSpec("column_stacked", "Dagum Gini: within, net between, transvariation / "
                     "Dagum基尼系数分解", f"A{anchor_row}", series=f"B{header_row}:D{last_row}",
                     categories=f"A{header_row + 1}:A{last_row}", x_title="Year / 年份",
                     y_title="Gini / 基尼系数", width_cm=24, height_cm=9,
                     y_number_format="0.000")


def types_scatter(header_row: int, last_row: int, n_cols: int, anchor_row: int, *,
                  line_series: tuple[int, ...], x_title: str, y_title: str) -> ChartSpec:
    """Provinces by region (markers) with the tercile cut-off lines (segments)."""
    return ChartSpec("scatter", "Resistance vs reconstruction, tercile lines / "
                     "抵抗与恢复能力—重构能力（三等分线）", f"A{anchor_row}",
                     series=f"B{header_row}:{_col(n_cols)}{last_row}",
                     categories=f"A{header_row + 1}:A{last_row}",
                     x_title=x_title, y_title=y_title, width_cm=22, height_cm=16,
                     line_series=line_series, y_number_format="0.00")
