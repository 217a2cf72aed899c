"""Shared cell styles for the sheets the builder writes (one look across the workbook)."""
from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Named explicitly: a Font without a name makes other spreadsheet apps fall back to their
# own default (a serif face in LibreOffice), so styled cells would not match the rest.
FONT_NAME = "Calibri"
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14, color="1F4E79")
NOTE_FONT = Font(name=FONT_NAME, italic=True, color="595959")
WARNING_FONT = Font(name=FONT_NAME, bold=True, color="C00000")
NAMES_FONT = Font(name=FONT_NAME, size=9, color="404040")
NAMES_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # cells the user is expected to edit
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN_BOTTOM = Border(bottom=Side(style="thin", color="808080"))


def write_header(ws: Worksheet, row: int, labels: list[str], first_col: int = 1) -> None:
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=first_col + offset, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER


def write_title(ws: Worksheet, text: str, row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text).font = TITLE_FONT


def write_note(ws: Worksheet, row: int, text: str, font: Font = NOTE_FONT) -> None:
    ws.cell(row=row, column=1, value=text).font = font


def set_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def landscape_fit_width(ws: Worksheet) -> None:
    """Print (and PDF-render) one page wide, landscape: these sheets are wider than tall."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def display_width(text: str) -> int:
    # CJK characters take about two Latin character widths.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, *, line_height: float = 15.0,
                    minimum_lines: int = 1) -> None:
    """Set row heights from the wrapped text they hold.

    Excel grows rows for wrapped text only when it edits them; a file that states no height
    opens with one-line rows (LibreOffice too), so the text would overlap or be cut.
    """
    for row in range(first_row, last_row + 1):
        lines = minimum_lines
        for cell in ws[row]:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
            span = ws.merged_cells.ranges
            for merged in span:
                if cell.coordinate in merged:
                    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                                for c in range(merged.min_col, merged.max_col + 1))
            per_line = max(1.0, width * 1.05)
            needed = sum(max(1, math.ceil(display_width(part) / per_line))
                         for part in cell.value.split("\n"))
            lines = max(lines, needed)
        ws.row_dimensions[row].height = round(line_height * lines + 2, 1)
