"""``WorkbookIO`` over a workbook file, with openpyxl (command line, tests, no Excel).

Reading takes the cells of the normal load; only a sheet holding formulas is read from a
second, ``data_only`` load, so a formula cell gives the value Excel last calculated (a
formula never calculated, e.g. in a file only openpyxl wrote, reads as its ``=...`` text,
which the input check reports). Writing goes to the normal load and is
saved only by ``save()``: in memory until then, so a refresh that stops on bad data
leaves the file untouched. ``save()`` is atomic (temp file in the same folder, then
``os.replace``), keeps the VBA project byte-identical (``keep_vba``) and the ribbon
(openpyxl keeps the 2006-type customUI relationship, see ``ribbon``), and puts back the
dynamic-array cell metadata openpyxl drops (``xl/metadata.xml`` + ``cm`` attributes),
without which Excel 365 would show the Formulas sheet as legacy ``=@`` formulas.
"""
from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pyexpat import ExpatError
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.utils.cell import range_boundaries
from defusedxml import ElementTree as SafeET

from trade_resilience_xl.workbook import builder, ooxml
from trade_resilience_xl.workbook.book_io import ChartSpec, rectangular
from trade_resilience_xl.workbook.styles import (CENTER, HEADER_FILL, HEADER_FONT, NOTE_FONT,
                                                 TITLE_FONT, WARNING_FONT,
                                                 landscape_fit_width)

MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
HEADER_ROW_HEIGHT = 48   # three wrapped lines: bilingual headers in narrow columns
# Series colours for scatter charts, set explicitly: LibreOffice draws scatter markers
# without a fill when the file names none (they vanish), Excel would use its theme.
MARKER_COLOURS = ("1F4E79", "C00000", "70AD47", "ED7D31", "7030A0", "00B0F0", "FFC000")
LINE_COLOURS = ("595959", "A6A6A6", "595959", "A6A6A6")


def _is_formula(value) -> bool:
    """A formula as the writable load gives it: "=..." text or an (array) formula object."""
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and not isinstance(value, (int, float, bool)) and hasattr(value, "text")


class OpenpyxlBook:
    """A workbook file opened for a refresh; nothing reaches the disk before ``save()``."""

    def __init__(self, path: str | Path, on_status=None) -> None:
        self.path = Path(path)
        keep_vba = self.path.suffix.lower() in MACRO_SUFFIXES
        self.book = openpyxl.load_workbook(self.path, keep_vba=keep_vba)
        self._values = None      # the data_only load, made only when a sheet has formulas
        self._on_status = on_status

    # ------------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    def read_values(self, sheet: str) -> list[list]:
        formulas = self.book[sheet]
        plain = rectangular(formulas.iter_rows(values_only=True))
        if not any(_is_formula(v) for row in plain for v in row):
            # No formulas: the values are the cells themselves, so the second (data_only)
            # load, a third of a large refresh's time, is not needed.
            return plain
        if self._values is None:
            self._values = openpyxl.load_workbook(self.path, data_only=True, read_only=True)
        values = rectangular(self._values[sheet].iter_rows(values_only=True))
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is None:
                    raw = formulas.cell(row=r + 1, column=c + 1).value
                    if raw is not None and not isinstance(raw, (str, int, float, bool)):
                        raw = "=" + str(getattr(raw, "text", raw)).lstrip("=")
                    if isinstance(raw, str) and raw.startswith("="):
                        row[c] = raw
        return values

    def merged_ranges(self, sheet: str) -> list[str]:
        """Merged ranges of ``sheet`` ("A4:A15"); optional in ``WorkbookIO``."""
        return [str(r) for r in self.book[sheet].merged_cells.ranges]

    # ------------------------------------------------------------------ writing
    def clear_sheet(self, sheet: str) -> None:
        if sheet not in self.book.sheetnames:
            self.book.create_sheet(sheet)
        ws = self.book[sheet]
        # Results print (and render to PDF) one page wide, like the builder's sheets.
        landscape_fit_width(ws)
        # In place, not delete + create: the sheet keeps its codeName, which its VBA
        # document module is bound to.
        if ws.max_row:
            ws.delete_rows(1, ws.max_row)
        ws._charts.clear()  # openpyxl has no public call to remove a chart
        ws.row_breaks = RowBreak()
        for dimension in list(ws.row_dimensions):
            del ws.row_dimensions[dimension]

    def write_table(self, sheet, top_left, rows, number_formats=None, header_rows=1) -> None:
        ws = self.book[sheet]
        first = ws[top_left]
        r0, c0 = first.row, first.column
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                cell = ws.cell(row=r0 + i, column=c0 + j, value=value)
                if i < header_rows - 1:
                    cell.font = WARNING_FONT           # a block's own title line
                elif i == header_rows - 1:
                    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTER
                elif number_formats and j in number_formats:
                    cell.number_format = number_formats[j]
            if i == header_rows - 1:
                ws.row_dimensions[r0 + i].height = HEADER_ROW_HEIGHT
        if header_rows == 0 and top_left == "A1" and len(rows) > 1:
            # The sheet's own title and note (result_sheets puts them at A1:A2).
            ws["A1"].font = TITLE_FONT
            if len(rows) > 1:
                ws["A2"].font = NOTE_FONT

    def set_column_widths(self, sheet, widths) -> None:
        ws = self.book[sheet]
        for letter, width in widths.items():
            ws.column_dimensions[letter].width = width

    def add_chart(self, sheet: str, spec: ChartSpec) -> None:
        ws = self.book[sheet]
        if not ws._charts:
            # Charts start a printed page, so PDF/print never cuts one in two.
            ws.row_breaks.append(Break(id=ws[spec.anchor].row - 1))
        ws.add_chart(_chart(ws, spec), spec.anchor)

    def status(self, message: str) -> None:
        if self._on_status is not None:
            self._on_status(message)

    # ------------------------------------------------------------------ saving
    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        buffer = io.BytesIO()
        self.book.save(buffer)
        parts = ooxml.read_parts(io.BytesIO(buffer.getvalue()))
        parts = keep_cell_metadata(ooxml.read_parts(self.path), parts)
        ooxml.write_parts(target, parts)  # temp file in the same folder + os.replace
        return target

    def close(self) -> None:
        if self._values is not None:
            self._values.close()


# ---------------------------------------------------------------------- charts
def _ref(ws, address: str) -> Reference:
    min_col, min_row, max_col, max_row = range_boundaries(address)
    return Reference(ws, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)


def _chart(ws, spec: ChartSpec):
    if spec.kind == "scatter":
        chart = ScatterChart()
        chart.scatterStyle = "lineMarker"
        min_col, min_row, max_col, max_row = range_boundaries(spec.series)
        xs = _ref(ws, spec.categories)
        for k, col in enumerate(range(min_col, max_col + 1)):
            values = Reference(ws, min_col=col, min_row=min_row, max_row=max_row)
            series = Series(values, xs, title_from_data=True)
            if k in spec.line_series:
                colour = LINE_COLOURS[spec.line_series.index(k) % len(LINE_COLOURS)]
                series.marker.symbol = "none"
                series.graphicalProperties.line.solidFill = colour
                series.graphicalProperties.line.dashStyle = "dash"
                series.graphicalProperties.line.width = 19050
            else:
                colour = MARKER_COLOURS[k % len(MARKER_COLOURS)]
                series.marker.symbol = "circle"
                series.marker.size = 7
                series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
                series.marker.graphicalProperties.line.solidFill = colour
                series.graphicalProperties.line.noFill = True
            chart.series.append(series)
    else:
        chart = LineChart() if spec.kind == "line" else BarChart()
        if spec.kind != "line":
            chart.type = "col"
        if spec.kind == "column_stacked":
            chart.grouping, chart.overlap = "stacked", 100
        chart.add_data(_ref(ws, spec.series), titles_from_data=True)
        chart.set_categories(_ref(ws, spec.categories))
        if spec.kind == "line":
            for series in chart.series:
                series.marker.symbol = "circle"
                series.smooth = False
    chart.title = spec.title
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    chart.y_axis.number_format = spec.y_number_format
    if spec.kind == "scatter":
        chart.x_axis.number_format = spec.y_number_format
    # openpyxl 3.1 leaves <c:delete> unset on axes, which Excel reads as "hidden".
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.legend.position = "b"
    chart.width, chart.height = spec.width_cm, spec.height_cm
    return chart


# ---------------------------------------------------------------------- package fix-up
_CELL_WITH_METADATA = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*?\scm="([0-9]+)"')


def _sheet_names(parts: dict[str, bytes]) -> list[str]:
    root = SafeET.fromstring(parts[builder.WORKBOOK_PART])
    return [s.get("name") for s in root.iter(f"{{{builder._MAIN_NS}}}sheet")]


def keep_cell_metadata(original: dict[str, bytes], saved: dict[str, bytes]) -> dict[str, bytes]:
    """Put back the cell metadata (``cm``) and ``xl/metadata.xml`` openpyxl drops on save."""
    if builder.METADATA_PART not in original or builder.METADATA_PART in saved:
        return saved
    saved = dict(saved)
    names = set(_sheet_names(saved))
    for name in _sheet_names(original):
        if name not in names:
            continue
        marks = _CELL_WITH_METADATA.findall(original[builder.sheet_part_name(original, name)])
        part = builder.sheet_part_name(saved, name)
        xml = saved[part]
        for ref, cm in marks:
            pattern = re.compile(rb'<c r="' + ref + rb'"((?:\s[^>]*?)?)(/?)>')
            xml = pattern.sub(lambda m: b'<c r="' + ref + b'"' + m.group(1) + b' cm="' + cm + b'"'
                              + m.group(2) + b">", xml, count=1)
        saved[part] = xml
    saved[builder.METADATA_PART] = original[builder.METADATA_PART]
    saved[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
        saved[ooxml.CONTENT_TYPES_PART], builder.METADATA_PART, builder.METADATA_CONTENT_TYPE)
    saved[builder.WORKBOOK_RELS_PART], _ = ooxml.add_relationship(
        saved[builder.WORKBOOK_RELS_PART], builder.METADATA_REL_TYPE, "metadata.xml")
    return saved


# ---------------------------------------------------------------------- entry points
# What openpyxl raises when loading a file that passed file_safety but is damaged inside
# (sheets of the read-only load are parsed lazily: parse errors can also come later).
DAMAGED = (ValueError, KeyError, zipfile.BadZipFile, SafeET.ParseError, ExpatError)


def _damaged(path, error) -> Exception:
    from trade_resilience_xl.workbook.file_safety import UnsafeFileError

    # openpyxl's messages run over several lines; the first says what failed.
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return UnsafeFileError(path, f"{path} cannot be read as a workbook: {reason}")


@contextlib.contextmanager
def opened_file(path: str | Path, write: bool = False):
    """An ``OpenpyxlBook`` after the file-safety checks (``write``: also those for saving
    in place); a refused or damaged file raises ``UnsafeFileError`` with one line."""
    from trade_resilience_xl.workbook import file_safety

    if write:
        file_safety.check_for_update(path)
    else:
        file_safety.check_readable(path)
    try:
        book = OpenpyxlBook(path)
    except DAMAGED as error:
        raise _damaged(path, error) from error
    try:
        yield book
    except (zipfile.BadZipFile, SafeET.ParseError, ExpatError) as error:
        # Not ValueError here: while computing, that would be a bug, not a damaged file.
        raise _damaged(path, error) from error
    finally:
        book.close()


def refresh_file(path: str | Path, progress=None):
    """Refresh the workbook file at ``path``; saved only when the inputs were good.

    Refused (``UnsafeFileError``, nothing read or written) when the file is not a workbook,
    is open in Excel or LibreOffice, or is read-only.
    """
    from trade_resilience_xl.workbook.refresh import refresh

    with opened_file(path, write=True) as book:
        report = refresh(book, progress)
        if report.ok:
            book.save()
        return report


def check_file(path: str | Path):
    from trade_resilience_xl.workbook.refresh import check

    with opened_file(path) as book:
        return check(book)


def clear_file(path: str | Path) -> list[str]:
    from trade_resilience_xl.workbook.refresh import clear

    with opened_file(path, write=True) as book:
        cleared = clear(book)
        book.save()
        return cleared
