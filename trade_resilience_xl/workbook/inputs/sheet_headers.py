"""Finding a table's header row and columns on an input sheet, and reading header texts."""
from __future__ import annotations

import re

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Problem

# The bilingual form is "English / 中文", spaces around the slash; "FDI/GDP" is one code.
_BILINGUAL = re.compile(r"\s+/\s+")


def split_bilingual(text) -> tuple[str, str | None]:
    """``"Economic base / 经济"`` -> ``("Economic base", "经济")``; a slash without spaces
    around it is part of the text (``"FDI/GDP"`` -> ``("FDI/GDP", None)``)."""
    english, *rest = _BILINGUAL.split(str(text), 1)
    return english.strip(), (rest[0].strip() or None) if rest else None


def code_of_header(text) -> str:
    """The indicator code a Data header stands for: the text before " / ", trimmed, case
    kept ("FDI/GDP" stays whole; "X1 / 外贸依存度" is X1)."""
    return split_bilingual(text)[0]


def header(rows, wanted, sheet, problems, header_row_hint):
    """(header row number, {name: 0-based column}) or None with a problem recorded.

    When no row has every wanted header, the message names the missing one(s) and the row
    looked at (the one with most of them), and says so when years stand as columns.
    """
    try:
        number = L.find_header_row(rows, wanted, sheet)
    except L.LayoutError:
        problems.append(no_header(rows, wanted, sheet, header_row_hint))
        return None
    return number, L.find_columns(rows[number - 1], wanted, sheet)


def span(row: int, row_values) -> str:
    width = max(len(row_values), 1)
    return L.cell_name(row, 1) if width == 1 else f"A{row}:{L.cell_name(row, width)}"


def no_header(rows, wanted, sheet, header_row_hint) -> Problem:
    top = rows[:30]
    keys = [L.english_part(name) for name in wanted]
    counts = [sum(k in {L.english_part(v) for v in row} for k in keys) for row in top]
    best = max(range(len(top)), key=lambda i: counts[i], default=None)
    shown = ", ".join(f'"{L.bilingual(name)}"' for name in wanted)
    if best is None or counts[best] == 0:
        row = min(header_row_hint, max(len(rows), 1))
        return Problem(sheet, span(row, rows[row - 1] if rows else []),
                       f"no header row with {shown} in the first 30 rows "
                       "(headers are matched by their English part)")
    row_values = top[best]
    present = {L.english_part(v) for v in row_values}
    missing = [name for name, key in zip(wanted, keys) if key not in present]
    message = (", ".join(f'no "{L.bilingual(name)}" header' for name in missing)
               + f" in row {best + 1}, the row with the other headers (matched by their "
               "English part)")
    years = [c for c, v in enumerate(row_values)
             if isinstance(v, (int, float)) and not isinstance(v, bool)
             and float(v).is_integer() and 1900 <= v <= 2100
             or isinstance(v, str) and v.strip().isdigit() and 1900 <= int(v.strip()) <= 2100]
    if "Year" in missing and len(years) >= 2:
        message += (f"; years seem to be columns ({L.cell_name(best + 1, years[0] + 1)}:"
                    f"{L.cell_name(best + 1, years[-1] + 1)}): the sheet needs one row per "
                    "province and year, with a Year column")
    return Problem(sheet, span(best + 1, row_values), message)


def english(text) -> str:
    """The English part of a bilingual label ("Reconstruction ability / 重构能力")."""
    return split_bilingual(text)[0]


def chinese(text) -> str:
    """The Chinese part of a bilingual label ("" when there is none)."""
    return split_bilingual(text)[1] or ""


def optional(header_row, names) -> dict[str, int]:
    found = {}
    for name in names:
        try:
            found.update(L.find_columns(header_row, [name], ""))
        except L.LayoutError:
            pass
    return found
