"""What every result sheet shares: the frame (title in A1, note in A2, main table's header in
row ``TABLE_ROW``), plain cell values and the number formats for a column of values."""
from __future__ import annotations

import numpy as np

from trade_resilience_xl.workbook.book_io import Block
from trade_resilience_xl.workbook.results.labels import number_format

TABLE_ROW = 4
GAP = 2          # empty rows between blocks
PCT = "0.00%"


def head(sheet_blocks: list[Block], title: str, note: str) -> None:
    sheet_blocks.append(Block("A1", [[title], [note]], header_rows=0))


def value(x):
    """Plain Python values for cells (NaN -> empty)."""
    kind = type(x)
    if kind is float:                  # the common cases first: a million cells at county size
        return None if x != x else x
    if kind is str or kind is int:
        return x
    if x is None:
        return None
    if isinstance(x, (np.floating, float)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def rows_of(rows):
    return [[value(v) for v in row] for row in rows]


def sized_formats(rows, columns, header_rows: int = 1) -> dict[int, str]:
    """Each of ``columns`` (0-based) formatted for the size of its values below the header."""
    body = rows[header_rows:]
    return {c: number_format([r[c] for r in body if c < len(r)]) for c in columns}


def padded(number_format: str) -> str:
    """``number_format`` followed by a blank as wide as "W": for a right-aligned number
    column whose right neighbour is left-aligned text ("27 low / 低", not "27low / 低")."""
    return number_format + "_W"


def block_with_title(top: int, title: str, header: list, rows: list, formats=None) -> Block:
    """A titled block: the title row, the header row, then the rows."""
    cells = rows_of([[title] + [None] * (len(header) - 1), header] + rows)
    return Block(f"A{top}", cells, formats or {}, header_rows=2)
