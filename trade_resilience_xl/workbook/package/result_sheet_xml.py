"""A result sheet's worksheet XML, written directly from the cells a refresh collected.

Cells are typed from their Python values: numbers are numbers, ``True``/``False``
booleans, and everything else is text written as an inline string (``t="inlineStr"``).
There is no path by which a value becomes a formula: no ``<f>`` element is ever written
here, so a label such as ``=HYPERLINK(...)`` or ``+1`` stays the text it is. Inline
strings, rather than entries in the shared-strings table, because that table belongs to
the input sheets too and is copied unchanged.
"""
from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils.cell import get_column_letter

from trade_resilience_xl.workbook.book_io import HEAT_COLOUR, HEAT_WHITE, ChartSpec, HeatMap
from trade_resilience_xl.workbook.layout import cell_name
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.package.result_styles import CellFormat

PAPER_A4 = 9
EXCEL_LAST_COLUMN = 16383           # 0-based: XFD, the extent of a manual row break


@dataclass
class SheetWrites:
    """What a refresh wrote to one result sheet, kept until the package is saved.

    ``rows`` maps a row number to the runs written on it: (first column, values, their
    formats); a later run wins where two overlap, as a later write would in Excel.
    """

    rows: dict[int, list[tuple[int, list, list[CellFormat]]]] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    row_breaks: list[int] = field(default_factory=list)
    heat_maps: list[HeatMap] = field(default_factory=list)

    def write(self, row: int, first_col: int, values: list, formats: list[CellFormat]) -> None:
        self.rows.setdefault(row, []).append((first_col, values, formats))

    def cells_of(self, row: int, style=None) -> list[tuple[int, object, object]]:
        """(column, value, format) of the cells written on ``row``, by column; with
        ``style`` (formats list -> list of style indices), the style index for the format."""
        runs = self.rows.get(row, [])
        if style is not None:
            runs = [(first, values, style(formats)) for first, values, formats in runs]
        if len(runs) == 1:
            first, values, formats = runs[0]
            return [(first + j, value, formats[j]) for j, value in enumerate(values)]
        cells = {}
        for first, values, formats in runs:
            for j, value in enumerate(values):
                cells[first + j] = (first + j, value, formats[j])
        return [cells[c] for c in sorted(cells)]

    def value(self, row: int, col: int):
        return next((v for c, v, _ in self.cells_of(row) if c == col), None)

    def formats(self) -> list[CellFormat]:
        # Rows of a block share one formats list: look at each list once.
        lists = {id(formats): formats for runs in self.rows.values() for _, _, formats in runs}
        return list({fmt: None for formats in lists.values() for fmt in formats})


def _number_text(value, where: str) -> str:
    if isinstance(value, numbers.Integral):
        return str(int(value))
    number = float(value)
    if not math.isfinite(number):
        # Result tables hold no NaN (they show a located message instead); one reaching
        # here is a bug, and Excel would call a "nan" cell a damaged file.
        raise ValueError(f"{where}: non-finite number {number!r} in a result sheet")
    return repr(number)


def cell_xml(ref: str, value, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s}/>' if style else ""      # a header cell keeps its fill
    if type(value) is float and math.isfinite(value):          # the common case, fast
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        return f'<c r="{ref}"{s}><v>{_number_text(value, ref)}</v></c>'
    return f'<c r="{ref}"{s}{_inline_string(str(value))}'


def _inline_string(text: str) -> str:
    """What follows the style of an inline-string cell holding ``text``."""
    escaped = ooxml.escape(text)
    space = ' xml:space="preserve"' if escaped != escaped.strip() else ""
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def heat_map_xml(spec: HeatMap, priority: int) -> str:
    """A ``<conditionalFormatting>`` element: a two-colour scale with fixed ends (it goes
    between ``</sheetData>`` and ``<pageMargins>``, as the schema orders them)."""
    return (f'<conditionalFormatting sqref="{ooxml.escape(spec.cells)}">'
            f'<cfRule type="colorScale" priority="{priority}"><colorScale>'
            f'<cfvo type="num" val="{_number_text(spec.low, spec.cells)}"/>'
            f'<cfvo type="num" val="{_number_text(spec.high, spec.cells)}"/>'
            f'<color rgb="FF{HEAT_WHITE}"/><color rgb="FF{HEAT_COLOUR}"/>'
            "</colorScale></cfRule></conditionalFormatting>")


_SHEET_PR = re.compile(rb"<(?:\w+:)?sheetPr\b[^>]*>")
_CODE_NAME = re.compile(rb'\scodeName="([^"]*)"')


def code_name(old_sheet_head: bytes) -> str | None:
    """The ``codeName`` of a sheet from the start of its XML (VBA binds its document
    module to it, so a replaced sheet must keep it)."""
    found = _SHEET_PR.search(old_sheet_head)
    name = _CODE_NAME.search(found.group(0)) if found else None
    return name.group(1).decode("utf-8") if name else None


def _column_number(letter: str) -> int:
    number = 0
    for ch in letter:
        number = number * 26 + ord(ch) - 64
    return number


class _StyleAttributes(dict):
    """Style index -> the cell's ``s`` attribute ("" for the default style 0)."""

    def __missing__(self, index: int) -> str:
        self[index] = f' s="{index}"' if index else ""
        return self[index]


class _TextCells(dict):
    """Text -> ``_inline_string(text)``, made once per distinct text of a sheet."""

    def __missing__(self, text: str) -> str:
        self[text] = _inline_string(text)
        return self[text]


class _Letters(dict):
    """Column number -> letters, computed once per column."""

    def __missing__(self, col: int) -> str:
        self[col] = get_column_letter(col)
        return self[col]


ROWS_PER_PART = 2000


def sheet_xml_parts(writes: SheetWrites, style_index: dict[CellFormat, int], *,
                    code_name: str | None, drawing_rel: str | None) -> Iterator[bytes]:
    """The worksheet part (printed one page wide in landscape, like the builder's sheets), in
    pieces of ``ROWS_PER_PART`` rows for a writer that compresses as it goes: a 100,000-row
    sheet is 70 MB of XML, and held whole (as text, then as bytes) it set the refresh's
    peak memory."""
    code = f' codeName="{ooxml.escape(code_name)}"' if code_name else ""
    out = [ooxml.XML_DECLARATION.decode(),
           f'<worksheet xmlns="{ooxml.MAIN_NS}" xmlns:r="{ooxml.DOC_RELS_NS}">',
           f'<sheetPr{code}><pageSetUpPr fitToPage="1"/></sheetPr>']
    if writes.rows:
        last_col = max(first + len(values) - 1 for runs in writes.rows.values()
                       for first, values, _ in runs)
        out.append(f'<dimension ref="A1:{cell_name(max(writes.rows), max(last_col, 1))}"/>')
    out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
               '<sheetFormatPr defaultRowHeight="15"/>')
    if writes.widths:
        out.append("<cols>")
        for letter, width in sorted(writes.widths.items(),
                                    key=lambda item: _column_number(item[0])):
            n = _column_number(letter)
            out.append(f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>')
        out.append("</cols>")
    out.append("<sheetData>")
    letters = _Letters()
    styles_of: dict[int, list[int]] = {}        # id of a formats list -> its style indices

    def style(formats: list[CellFormat]) -> list[int]:
        if id(formats) not in styles_of:
            styles_of[id(formats)] = [style_index[fmt] for fmt in formats]
        return styles_of[id(formats)]

    heights, cells_of = writes.row_heights, writes.cells_of
    attribute, texts = _StyleAttributes(), _TextCells()
    for k, r in enumerate(sorted(set(writes.rows) | set(heights))):
        height = heights.get(r)
        attrs = f' ht="{height:g}" customHeight="1"' if height else ""
        number = str(r)
        # Finite floats (v - v == 0), ints and text written inline, as cell_xml would: they
        # are nearly all cells, and text repeats (unit names, region labels).
        cells = "".join([f'<c r="{letters[c]}{number}"{attribute[index]}><v>{value!r}</v></c>'
                         if type(value) is float and value - value == 0
                         else f'<c r="{letters[c]}{number}"{attribute[index]}{texts[value]}'
                         if type(value) is str
                         else f'<c r="{letters[c]}{number}"{attribute[index]}><v>{value}</v></c>'
                         if type(value) is int
                         else cell_xml(letters[c] + number, value, index)
                         for c, value, index in cells_of(r, style)])
        out.append(f'<row r="{r}"{attrs}>{cells}</row>')
        if k % ROWS_PER_PART == ROWS_PER_PART - 1:
            yield "".join(out).encode("utf-8")
            out = []
    out.append("</sheetData>")
    out.extend(heat_map_xml(spec, priority)
               for priority, spec in enumerate(writes.heat_maps, start=1))
    out.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
               'footer="0.5"/>'
               f'<pageSetup paperSize="{PAPER_A4}" orientation="landscape" fitToWidth="1" '
               'fitToHeight="0"/>')
    if writes.row_breaks:
        out.append(f'<rowBreaks count="{len(writes.row_breaks)}" '
                   f'manualBreakCount="{len(writes.row_breaks)}">')
        out.extend(f'<brk id="{row}" max="{EXCEL_LAST_COLUMN}" man="1"/>'
                   for row in writes.row_breaks)
        out.append("</rowBreaks>")
    if drawing_rel:
        out.append(f'<drawing r:id="{drawing_rel}"/>')
    out.append("</worksheet>")
    yield "".join(out).encode("utf-8")
