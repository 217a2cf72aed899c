"""The charts of the result sheets, as ChartSpecs over blocks the sheets already hold.

Each chart plots one contiguous run of columns of one ``Block`` (header row + one column per
series) against the block's first column, because that is what both adapters can draw the
same way: openpyxl references and xlwings' ``set_source_data`` + ``set_x_axis_values``.
The ranges are computed here from the block and the header texts of the first and last
series, so a column added or dropped in ``result_sheets`` moves the chart with it. Charts
sit below the tables so that every sheet prints one page wide.
"""
from __future__ import annotations

from dataclasses import dataclass

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Block, ChartSpec, cell_position


def _col(n: int) -> str:
    return L.cell_name(1, n)[:-1]


@dataclass(frozen=True)
class Plotted:
    """Which part of a block a chart plots: the series from header ``first`` to header
    ``last`` (inclusive), over the block's data rows minus ``skip_last`` trailing rows
    (a total or mean row)."""

    block: Block
    first: str
    last: str
    skip_last: int = 0

    def ranges(self) -> tuple[str, str]:
        top, left = cell_position(self.block.top_left)
        header = self.block.rows[self.block.header_rows - 1]
        header_row = top + self.block.header_rows - 1
        last_row = top + len(self.block.rows) - 1 - self.skip_last
        first_col = left + header.index(self.first)
        last_col = left + header.index(self.last)
        series = f"{_col(first_col)}{header_row}:{_col(last_col)}{last_row}"
        categories = f"{_col(left)}{header_row + 1}:{_col(left)}{last_row}"
        return series, categories


def chart(kind: str, title: str, plotted: Plotted, anchor_row: int, *, x_title: str,
          y_title: str, height_cm: float = 9, width_cm: float = 24,
          y_number_format: str = "0.000", line_series: tuple[int, ...] = (),
          y_max: float | None = None) -> ChartSpec:
    """One chart of ``plotted``, its top-left corner in column A of ``anchor_row``."""
    series, categories = plotted.ranges()
    return ChartSpec(kind, title, f"A{anchor_row}", series=series, categories=categories,
                     x_title=x_title, y_title=y_title, width_cm=width_cm,
                     height_cm=height_cm, line_series=line_series,
                     y_number_format=y_number_format, y_max=y_max)
