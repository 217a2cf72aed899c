"""The neighbour list of ``trade-resilience new --neighbours pairs.csv``: two columns of unit
names (a header row, then one border per row), each name a unit of the panel CSV. It becomes
the workbook's Neighbours sheet, which Moran's I and LISA then use
(``read_neighbours`` reads that sheet back)."""
from __future__ import annotations

from pathlib import Path

from trade_resilience_xl.workbook.template.csv_panel import CsvError, check_label, read_rows


def read_neighbour_pairs(path: Path, units: list[str], panel_name: str) -> list[tuple[str, str]]:
    """(unit, neighbour) pairs; every problem named by file, row and column."""
    header, rows = read_rows(path)
    if len(header) != 2:
        raise CsvError(f"{path}, row 1: {len(header)} columns; a neighbour list has two "
                       "(unit, neighbour)")
    known = set(units)
    pairs = []
    for number, names in rows:
        for column, name in zip(header, names):
            where = f"{path}, row {number}, column '{column}'"
            if not name:
                raise CsvError(f"{where}: empty; give both names of the pair")
            check_label(path, number, column, name)
            if name not in known:
                raise CsvError(f"{where}: {name!r} is not a unit of {panel_name} (names must "
                               "match exactly)")
        if names[0] == names[1]:
            raise CsvError(f"{path}, row {number}: {names[0]} is paired with itself")
        pairs.append((names[0], names[1]))
    if not pairs:
        raise CsvError(f"{path}: no neighbour pairs below the header")
    return pairs
