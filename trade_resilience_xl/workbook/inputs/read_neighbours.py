"""The optional Neighbours sheet: (unit, neighbour) pairs for Moran's I, each name checked
against the Data sheet's units, every problem located as a cell. When the sheet is absent
the engine uses the shipped contiguity of China's provinces (if the units are those)."""
from __future__ import annotations

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Problem
from trade_resilience_xl.workbook.cell_values import blank, describe
from trade_resilience_xl.workbook.inputs.sheet_headers import header

COLUMNS = ["Unit", "Neighbour"]


def read_neighbours(rows: list[list], units, problems: list[Problem]) -> list[tuple[str, str]]:
    """Pairs from the Neighbours sheet's rows; problems appended for unknown or blank names."""
    sheet = L.SHEET_NEIGHBOURS
    found = header(rows, COLUMNS, sheet, problems, 1)
    if found is None:
        return []
    header_row, cols = found
    known = {str(u) for u in units}
    pairs = []
    for r in range(header_row, len(rows)):
        row = rows[r]
        cells = [row[cols[c]] if cols[c] < len(row) else None for c in COLUMNS]
        if all(blank(v) for v in cells):
            continue
        names = []
        for column, value in zip(COLUMNS, cells):
            where = L.cell_name(r + 1, cols[column] + 1)
            if blank(value):
                problems.append(Problem(sheet, where, f"{column} is empty; give both names of "
                                        "the pair"))
            elif str(value).strip() not in known:
                problems.append(Problem(sheet, where, f"{describe(value)} is not a unit on the "
                                        f"{L.SHEET_DATA} sheet (names must match exactly)"))
            else:
                names.append(str(value).strip())
        if len(names) == 2 and names[0] == names[1]:
            problems.append(Problem(sheet, L.cell_name(r + 1, cols["Neighbour"] + 1),
                                    f"{names[0]} is paired with itself"))
        elif len(names) == 2:
            pairs.append((names[0], names[1]))
    if not pairs and not problems:
        problems.append(Problem(sheet, L.cell_name(header_row + 1, 1),
                                "no neighbour pairs listed (delete the sheet to use the "
                                "built-in contiguity of China's provinces)"))
    return pairs
