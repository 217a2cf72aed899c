"""Excel-shaped worksheet-function arguments turned into clean arrays, or one line of text
saying which argument and which cell is wrong.

How values arrive (xlwings 0.37.8, classic COM and Office.js alike): both paths "squeeze"
ranges, so one cell is a scalar, one row *or* one column is a flat list, and a block is a
list of row lists. Blank and error cells are None; numbers are float (int from Office.js
JSON or direct callers); TRUE/FALSE are bool; text is str; classic COM turns date cells
into datetime. A flat list does not say whether it was a row or a column, so positions in
one-dimensional arguments are given as "cell i" (true for either), and blocks as
"row i, column j" (1-based, relative to the range the user selected).
"""
from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
import numbers
import sys

import numpy as np

from trade_resilience_xl.engine import direction_sign
from trade_resilience_xl.engine.validation import MAX_MAGNITUDE
from trade_resilience_xl.workbook.cell_values import blank, quote


class ArgError(ValueError):
    """A bad argument; the text is the cell's message without the leading ``NAME: ``."""


DIRECTION_CHOICES = "use + or - (also 1/-1, benefit/cost, positive/negative, 正/负)"
#: Excel's smallest positive number; below it floats are subnormal and lose precision.
SMALLEST_NUMBER = sys.float_info.min
_FAST_NUMBER_TYPES = {float, int}


# ----------------------------------------------------------------------------- shapes

def _is_seq(value) -> bool:
    return isinstance(value, (list, tuple))


def cells(value, arg: str):
    """``("cell", v)``, ``("vector", [v, ...])`` or ``("block", [[v, ...], ...])``.

    Applies xlwings' squeeze to nested input too (1 x m and n x 1 blocks become vectors), so
    direct callers that pass ``[[...]]`` and Excel give the same result.
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not _is_seq(value):
        return "cell", value
    rows = list(value)
    if not rows:
        raise ArgError(f"{arg} is empty")
    nested = [_is_seq(r) for r in rows]
    if not any(nested):
        return ("cell", rows[0]) if len(rows) == 1 else ("vector", rows)
    if not all(nested):
        raise ArgError(f"{arg} is not a range of cells")
    rows = [r if type(r) is list else list(r) for r in rows]
    width = len(rows[0])
    if width == 0 or any(len(r) != width for r in rows):
        raise ArgError(f"{arg} is not a rectangular range of cells")
    # Cells holding lists (never from Excel) are left to the readers: "is not a number".
    if len(rows) == 1:
        return ("cell", rows[0][0]) if width == 1 else ("vector", rows[0])
    if width == 1:
        return "vector", [r[0] for r in rows]
    return "block", rows


def cells_word(n: int) -> str:
    return f"{n} cell" + ("" if n == 1 else "s")


def _rows_word(n: int) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def line_of_cells(value, arg: str) -> tuple[str, list]:
    """The cells of a one-cell, one-row or one-column argument, and its kind."""
    kind, values = cells(value, arg)
    if kind == "block":
        raise ArgError(f"{arg} must be one row or one column; it has "
                       f"{_rows_word(len(values))} and {len(values[0])} columns")
    return kind, ([values] if kind == "cell" else values)


def where(arg: str, kind: str, i: int = 0, j: int = 0) -> str:
    """Where a 0-based position is, in the words of the user's range."""
    if kind == "block":
        return f"{arg} row {i + 1}, column {j + 1}"
    return f"{arg} cell {i + 1}" if kind == "vector" else arg


# ----------------------------------------------------------------------------- cells

def as_float(value) -> float | None:
    """The float of a numeric cell, inf when beyond float range; None for non-numbers.

    Classic xlwings hands currency-formatted cells over as decimal.Decimal (pywin32's VT_CY).
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        return None
    try:
        return float(value)
    except (OverflowError, ValueError):  # a huge int, or Decimal('sNaN')
        return math.inf


def show(value) -> str:
    """A cell value as a message quotes it (cell_values.quote, the sheets' rule too)."""
    if isinstance(value, (bool, str)):
        return quote(value)
    number = as_float(value)
    if number is None:
        return "not a number"
    return f"{number:g}" if math.isfinite(number) else "not a finite number"


def number_problem(value) -> str | None:
    """Why ``value`` is no usable number, or None when it is one."""
    if value is None or (isinstance(value, str) and blank(value)):
        return "is blank or an error value"
    if isinstance(value, bool):
        return f"is {show(value)} (a logical value)"
    if isinstance(value, str):
        return f"is text ({show(value)})"
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return "is a date or time"
    number = as_float(value)
    if number is None:
        return "is not a number"
    if not math.isfinite(number):
        return "is not a finite number"
    if abs(number) > MAX_MAGNITUDE:
        return "is too large a number (above 1e+300)"
    return "is too small a number (below 2.2e-308)" if 0 < abs(number) < SMALLEST_NUMBER else None


def _usable(arr: np.ndarray) -> bool:
    """Every value finite, at most MAX_MAGNITUDE and not subnormal."""
    magnitude = np.abs(arr)
    return bool(np.isfinite(arr).all() and (magnitude <= MAX_MAGNITUDE).all()
                and not ((magnitude < SMALLEST_NUMBER) & (arr != 0)).any())


def _plain_block(value) -> np.ndarray | None:
    """The matrix of a block of plain numbers, as xlwings passes most ranges, in two C-speed
    passes (types, then np.array); None for anything else, which the per-cell path reads
    (and, if it is bad, names the cell)."""
    if (type(value) is not list or len(value) < 2 or type(value[0]) is not list
            or len(value[0]) < 2):
        return None
    try:
        if not set(map(type, itertools.chain.from_iterable(value))) <= _FAST_NUMBER_TYPES:
            return None
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # a row that is no list; ragged; huge int
        return None
    return arr if arr.ndim == 2 and _usable(arr) else None


def _float_array(flat: list, kind: str, arg: str, shape) -> np.ndarray:
    """Floats of ``flat`` (row-major) reshaped to ``shape``; the first bad cell is an error."""
    if set(map(type, flat)) <= _FAST_NUMBER_TYPES:
        try:
            arr = np.array(flat, dtype=float)
        except OverflowError:
            arr = None
        if arr is not None and _usable(arr):
            return arr.reshape(shape)
    width = shape[1] if len(shape) == 2 else 1
    for k, value in enumerate(flat):
        problem = number_problem(value)
        if problem:
            raise ArgError(f"{where(arg, kind, k // width, k % width)} {problem}; "
                           "numbers expected")
    # Every cell is a usable number of some other type (Decimal, NumPy scalars).
    return np.array([as_float(v) for v in flat], dtype=float).reshape(shape)


def _number_matrix(value, arg: str, columns: int | None = None) -> tuple[np.ndarray, str]:
    """An n x m float matrix and the range's kind. A one-dimensional range is one column,
    unless ``columns`` (the count of a per-column argument) says it is one row."""
    plain = _plain_block(value)
    if plain is not None:
        return plain, "block"
    kind, values = cells(value, arg)
    if kind == "block":
        n, m = len(values), len(values[0])
        return _float_array(list(itertools.chain.from_iterable(values)), kind, arg, (n, m)), kind
    flat = [values] if kind == "cell" else values
    one_row = columns is not None and columns == len(flat) and columns > 1
    shape = (1, len(flat)) if one_row else (len(flat), 1)
    return _float_array(flat, "block" if one_row else kind, arg, shape), kind


def number_block(value, arg: str, columns: int | None = None) -> np.ndarray:
    """Indicator values, rows = observations (see ``_number_matrix``); at least 2 rows."""
    arr, _ = _number_matrix(value, arg, columns)
    if arr.shape[0] < 2:
        raise ArgError(f"{arg} has 1 row; at least 2 rows (observations) expected")
    return arr


def number_vector(value, arg: str) -> np.ndarray:
    """Numbers from one cell, one row or one column."""
    kind, flat = line_of_cells(value, arg)
    return _float_array(flat, kind, arg, (len(flat),))


def number_table(value, arg: str) -> tuple[np.ndarray, str]:
    """Values per unit (rows) and column (year): an n x k matrix and the range's kind."""
    arr, kind = _number_matrix(value, arg)
    if arr.shape[0] < 2:
        raise ArgError(f"{arg} has 1 row; at least 2 rows (units) expected")
    return arr, kind


def check_count(arg: str, value, n: int, per: str) -> None:
    if np.size(value) != n:
        raise ArgError(f"{arg} has {cells_word(int(np.size(value)))} for {n} {per}")


# ----------------------------------------------------------------------------- typed args

def directions(value, arg: str = "directions") -> np.ndarray:
    """+1 / -1 per indicator from + - 1 -1 benefit cost positive negative 正 负."""
    kind, flat = line_of_cells(value, arg)
    signs = []
    for i, symbol in enumerate(flat):
        try:
            sign = direction_sign(symbol)
        except OverflowError:  # an int beyond float range (fuzzing found it): not a symbol
            sign = None
        if sign is None:
            if symbol is None or symbol == "":
                shown = "is blank or an error value"
            else:
                shown = f"is {show(symbol)}"
            raise ArgError(f"{where(arg, kind, i)} {shown}; {DIRECTION_CHOICES}")
        signs.append(float(sign))
    return np.array(signs)


def indicator_weights(value, m: int, arg: str = "weights") -> np.ndarray:
    """m non-negative weights with a positive sum (the engine rescales them to sum 1)."""
    w = number_vector(value, arg)
    check_count(arg, w, m, "columns of data")
    if (w < 0).any():
        i = int(np.argmax(w < 0))
        raise ArgError(f"{where(arg, cells(value, arg)[0], i)} is {w[i]:g}; weights must be >= 0")
    if not (w > 0).any():
        raise ArgError(f"{arg} are all 0; at least one must be positive")
    return w



def population(value, shape: tuple[int, int], arg: str = "pop",
               of: str = "scores") -> np.ndarray | None:
    """Positive unit weights (n,) or (n, k) for an n x k table; None (blank/omitted) = equal."""
    if value is None:
        return None
    n, k = shape
    kind, values = cells(value, arg)
    if kind == "block":
        rows, cols = len(values), len(values[0])
        if rows != n:
            raise ArgError(f"{arg} has {_rows_word(rows)} for {n} rows of {of}")
        if cols != k:
            raise ArgError(f"{arg} has {cols} columns; {of} has {k} (use 1 column for the "
                           "same population every year)")
        w = _float_array(list(itertools.chain.from_iterable(values)), kind, arg, (n, k))
    else:
        w = number_vector(value, arg)
        check_count(arg, w, n, f"rows of {of}")
    if (w <= 0).any():
        i, j = (int(v) for v in np.argwhere(w.reshape(n, -1) <= 0)[0])
        raise ArgError(f"{where(arg, kind, i, j)} is {w.reshape(n, -1)[i, j]:g}; "
                       "populations must be positive")
    return w


def shift(value, arg: str = "shift", default: float = 1.0) -> float:
    """The normalisation shift: one number >= 0; blank or omitted is ``default``."""
    if value is None:
        return default
    kind, values = cells(value, arg)
    if kind != "cell":
        raise ArgError(f"{arg} must be a single cell; it has {cells_word(len(values))}"
                       if kind == "vector" else f"{arg} must be a single cell")
    problem = number_problem(values)
    if problem:
        raise ArgError(f"{arg} {problem}; a number >= 0 expected")
    if float(values) < 0:
        raise ArgError(f"{arg} is {show(values)}; a number >= 0 expected")
    return float(values)


def choice(value, arg: str, options: dict[str, str], default: str, listed: str) -> str:
    """A keyword from ``options`` (lower-cased spelling -> canonical), e.g. T or L."""
    if value is None:
        return default
    kind, values = cells(value, arg)
    if kind != "cell":
        raise ArgError(f"{arg} must be a single cell")
    if isinstance(values, str) and values.strip().lower() in options:
        return options[values.strip().lower()]
    shown = "is blank or an error value" if values is None else f"is {show(values)}"
    raise ArgError(f"{arg} {shown}; use {listed}")


def inequality_values(x: np.ndarray, kind: str, arg: str, measure_name: str,
                      positive: bool) -> None:
    """Theil L takes logarithms of every value (> 0); Theil T and Gini need >= 0 and a
    positive mean in every column."""
    bad = (x <= 0) if positive else (x < 0)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        need = "positive values" if positive else "values >= 0"
        raise ArgError(f"{where(arg, kind, i, j)} is {x[i, j]:g}; {measure_name} needs {need}")
    empty = ~(x > 0).any(axis=0)
    if empty.any():
        place = f"{arg} column {int(np.argmax(empty)) + 1} is" if kind == "block" else f"{arg} are"
        raise ArgError(f"{place} all 0; {measure_name} needs a positive mean")
