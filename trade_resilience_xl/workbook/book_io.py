"""The small interface between the refresh and a workbook, and the plain data it passes.

The refresh (``workbook.refresh``) reads and writes only through ``WorkbookIO``; two thin
adapters implement it: ``openpyxl_io.OpenpyxlBook`` (a file on disk) and
``xlwings_io.XlwingsBook`` (a live ``xw.Book``, from a ribbon click). Adapters read and
write cells and draw charts; they never compute, so both give the same cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string


def rectangular(rows) -> list[list]:
    """Rows padded with None to one width: list positions are cell positions, and a live
    Excel range takes only rectangles."""
    # Rows already lists of the full width are handed on, not copied (a million cells at
    # county size); the others are copied and padded.
    width = max((len(r) for r in rows), default=0)
    return [r if type(r) is list and len(r) == width else list(r) + [None] * (width - len(r))
            for r in rows]


@dataclass(frozen=True)
class Problem:
    """Something in the input sheets that stops the refresh, located as sheet + cell.

    ``cell`` is an A1 address or range ("E17", "A3:Q3"); empty when the sheet itself is
    missing.
    """

    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else f'sheet "{self.sheet}"'
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ChartSpec:
    """A native chart whose data are cells already written on the same sheet.

    ``series`` is one contiguous block *including its header row*: one series per column,
    named by the header (that is what ``xw.Chart.set_source_data`` understands, so both
    adapters draw the same chart). ``categories`` is the category (or, for scatter, the
    x-value) column without header. ``line_series`` (scatter only) are 0-based series drawn
    as lines without markers; the others are markers without lines. ``y_max``: the value
    axis' maximum (1 for shares that sum to 1, else the application picks one).
    """

    kind: str                   # "bar" | "line" | "column_stacked" | "scatter"
    title: str
    anchor: str                 # top-left cell of the chart
    series: str                 # e.g. "B4:C16"
    categories: str             # e.g. "A5:A16"
    x_title: str = ""
    y_title: str = ""
    width_cm: float = 24.0
    height_cm: float = 9.0
    line_series: tuple[int, ...] = ()
    y_number_format: str = "General"
    y_max: float | None = None


@dataclass(frozen=True)
class HeatMap:
    """A two-colour scale over ``cells`` (conditional formatting, so it follows the values):
    ``low`` and below in white, ``high`` and above in ``HEAT_COLOUR``. Fixed ends, not the
    range's own minimum and maximum, so that matrices side by side shade alike."""

    cells: str                  # e.g. "B6:E9"
    low: float = 0
    high: float = 1


HEAT_WHITE = "FFFFFF"
HEAT_COLOUR = "5A8AC6"          # Excel's own blue of its colour scales; black text stays legible


@dataclass
class Block:
    """Rows of cell values written from ``top_left``; ``number_formats`` maps a 0-based
    column of the block to an Excel format applied below the ``header_rows``."""

    top_left: str
    rows: list[list]
    number_formats: dict[int, str] = field(default_factory=dict)
    header_rows: int = 1


@dataclass
class SheetContent:
    """Everything one result sheet receives: blocks, column widths (letter -> width in
    characters), charts and heat maps."""

    blocks: list[Block] = field(default_factory=list)
    widths: dict[str, float] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    heat_maps: list[HeatMap] = field(default_factory=list)


class WorkbookIO(Protocol):
    """What the refresh needs from a workbook (cells in, cells and charts out)."""

    def sheet_names(self) -> list[str]:
        """Names of every sheet, in tab order."""

    def read_values(self, sheet: str) -> list[list]:
        """Cell values from A1 to the last used cell (rows padded to equal length), so
        ``rows[r][c]`` is the cell at row r+1, column c+1. Values only: formulas give
        their last calculated value; numbers may arrive as float (xlwings) or int."""

    def merged_ranges(self, sheet: str) -> list[str]:
        """Merged ranges of ``sheet`` ("A4:A15"), so that every front refuses a merged
        table the same way; [] where the adapter cannot tell (xlwings' remote engine)."""

    def clear_sheet(self, sheet: str) -> None:
        """Empty ``sheet`` (values, formats, charts); create it at the end if absent."""

    def write_table(self, sheet: str, top_left: str, rows: list[list],
                    number_formats: dict[int, str] | None = None, header_rows: int = 1) -> None:
        """Write ``rows`` from ``top_left``; the first ``header_rows`` rows are headers."""

    def set_column_widths(self, sheet: str, widths: dict[str, float]) -> None:
        """Column letter -> width in characters."""

    def add_chart(self, sheet: str, spec: ChartSpec) -> None:
        """Draw ``spec`` on ``sheet`` from cells already written there."""

    def add_heat_map(self, sheet: str, spec: HeatMap) -> None:
        """Shade the cells of ``spec`` on ``sheet`` by their values."""

    def status(self, message: str) -> None:
        """Show progress (status bar, console, nothing)."""


def cell_position(address: str) -> tuple[int, int]:
    """``cell_position("C5") == (5, 3)``: 1-based row and column of an A1 address."""
    letters, row = coordinate_from_string(address.replace("$", ""))
    return row, column_index_from_string(letters)
