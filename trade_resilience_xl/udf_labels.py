"""Label arguments of the worksheet functions (regions, units, dimension names, neighbour
pairs): each label read as the sheets read it (``workbook.cell_values``), refused in one line
naming the argument and the cell when it is blank, a formula-looking text, a logical value or
the same label spelled twice; shapes and numbers are ``udf_args``'s."""
from __future__ import annotations

import math

from trade_resilience_xl.udf_args import (
    ArgError,
    as_float,
    cells,
    cells_word,
    line_of_cells,
    show,
    where,
)
from trade_resilience_xl.workbook.cell_values import label_key, label_problem
from trade_resilience_xl.workbook.inputs.sheet_headers import split_bilingual


def _label(value) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else show(value)
    if isinstance(value, str):
        return value.strip() or None
    number = as_float(value)
    if number is None:
        return str(value)
    if not math.isfinite(number):
        return None
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else f"{number:g}"


def region_labels(value, n: int, arg: str = "regions", of: str = "scores") -> list[str]:
    """One region name per unit; numbers are names too (1 -> "1")."""
    kind, flat = line_of_cells(value, arg)
    if len(flat) != n:
        raise ArgError(f"{arg} has {cells_word(len(flat))} for {n} rows of {of}")
    labels, first = [], {}
    for i, item in enumerate(flat):
        label = _label(item)
        if label is None:
            problem = ("is blank or an error value" if item is None or isinstance(item, str)
                       else "is not a finite number")
            raise ArgError(f"{where(arg, kind, i)} {problem}; a region name expected")
        problem = label_problem(item)
        if problem:
            raise ArgError(f"{where(arg, kind, i)} {problem}")
        # "East", "east ", "ＥＡＳＴ": one region or two? Not guessed: refused.
        j, spelling = first.setdefault(label_key(label), (i, item))
        if spelling != item and isinstance(item, str) and isinstance(spelling, str):
            raise ArgError(f"{where(arg, kind, j)} {show(spelling)} and {where(arg, kind, i)} "
                           f"{show(item)} differ only in case, spaces or full-width letters; "
                           "spell each region one way")
        labels.append(label)
    distinct = list(dict.fromkeys(labels))
    if len(distinct) < 2:
        raise ArgError(f"{arg} holds one region only ({show(distinct[0])}); a decomposition "
                       "needs at least 2")
    if len(distinct) == len(labels):
        raise ArgError(f"{arg} has a different value for every unit: are pop and regions "
                       "swapped?")
    return labels


def unit_labels(value, n: int, arg: str = "units", of: str = "scores") -> list[str]:
    """One distinct name per unit (row of ``of``)."""
    kind, flat = line_of_cells(value, arg)
    if len(flat) != n:
        raise ArgError(f"{arg} has {cells_word(len(flat))} for {n} rows of {of}")
    seen: dict[str, int] = {}
    for i, item in enumerate(flat):
        label = _label(item)
        problem = "is blank or an error value" if label is None else label_problem(item)
        if problem:
            raise ArgError(f"{where(arg, kind, i)} {problem}; a unit name expected")
        if label in seen:
            raise ArgError(f"{where(arg, kind, i)} repeats {show(item)} "
                           f"({where(arg, kind, seen[label])}); each unit once")
        seen[label] = i
    return [_label(item) for item in flat]


def dimension_names(value, arg: str = "dimensions") -> tuple[tuple[str, str],
                                                              tuple[str | None, str | None]]:
    """The two dimension names, each "Economic base" or "Economic base / 经济" as on the
    Indicators sheet (the Chinese part: the short label in Chinese type names)."""
    kind, flat = line_of_cells(value, arg)
    if len(flat) != 2:
        raise ArgError(f"{arg} has {cells_word(len(flat))}; give the two dimension names, "
                       "first and second")
    first, second = (split_bilingual(name) for name in unit_labels(value, 2, arg, "dimensions"))
    return (first[0], second[0]), (first[1], second[1])


def neighbour_pairs(value, units: list[str], arg: str = "neighbours") -> list[tuple[str, str]]:
    """(unit, neighbour) rows of a two-column range; every name must be one of ``units``."""
    kind, rows = cells(value, arg)
    rows = [rows] if kind == "vector" else rows
    if kind == "cell" or len(rows[0]) != 2:
        raise ArgError(f"{arg} must be two columns (unit, neighbour), one pair per row")
    known, pairs = set(units), []
    for i, row in enumerate(rows):
        names = [_label(v) for v in row]
        if names == [None, None]:
            continue
        for j, name in enumerate(names):
            if name not in known:
                shown = "is blank" if name is None else f"{show(row[j])} is not in units"
                raise ArgError(f"{where(arg, 'block', i, j)} {shown}")
        if names[0] == names[1]:
            raise ArgError(f"{where(arg, 'block', i, 1)} pairs {show(row[0])} with itself")
        pairs.append((names[0], names[1]))
    if not pairs:
        raise ArgError(f"{arg} lists no pairs")
    return pairs
