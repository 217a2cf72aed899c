"""What a worksheet function hands back to its cell: plain values, or one line of text.

Values are plain floats and str in a 2-D list (Excel 365 spills them); NaN or infinity never
reaches a cell. Any error becomes ``NAME: message`` on one line: the documented ones from
``udf_args`` and the engine, anything else as "unexpected error" (never a traceback).
"""
from __future__ import annotations

import contextlib
import functools
import math

import numpy as np

from trade_resilience_xl.engine import InputError
from trade_resilience_xl.udf_args import ArgError, where

NON_FINITE_MESSAGE = ("the numbers are too large or too small to compute with (overflow); "
                      "rescale them")


class NonFiniteResult(ArithmeticError):
    """The engine produced NaN or inf (only seen with magnitudes near the float limits)."""


def clean_table(rows) -> list[list]:
    """Plain Python floats and str in a 2-D list; NaN/inf raises NonFiniteResult."""
    if isinstance(rows, np.ndarray) and rows.ndim == 2 and rows.dtype.kind == "f":
        if not np.isfinite(rows).all():
            raise NonFiniteResult
        return rows.tolist()
    out = []
    for row in rows:
        clean = []
        for value in row:
            if isinstance(value, str):
                clean.append(value)
                continue
            number = float(value)
            if not math.isfinite(number):
                raise NonFiniteResult
            clean.append(number)
        out.append(clean)
    return out


def engine_message(err: InputError, arg: str, kind: str) -> str:
    """An engine InputError in the user's terms: its 0-based row/column become 1-based
    positions in ``arg``'s range (the fronts check most cases first with better words)."""
    if err.row is None and err.column is None:
        return err.message
    if kind == "block":
        place = (f"{arg} row {err.row + 1}" if err.column is None
                 else f"{arg} column {err.column + 1}" if err.row is None
                 else where(arg, kind, err.row, err.column))
    else:
        place = where(arg, kind, err.row if err.row is not None else err.column)
    return f"{err.message} ({place})"


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or "no details"
    return text if len(text) <= 200 else text[:197] + "..."


def excel_function(fn):
    """Run a worksheet function so that it always returns values or one line of text.

    ArgError and the engine's InputError are the documented messages; anything else is a
    bug and still comes back as one line (no traceback: Excel shows the cell's text only).
    Engine errors name the argument that ``engine_errors_in`` tagged them with.
    """
    name = fn.__name__

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            # Overflow or 0/0 anywhere (numbers near the float limits) is an error, not a
            # silently wrong or NaN result. Underflow to 0 is harmless and stays quiet.
            with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                return fn(*args, **kwargs)
        except ArgError as err:
            return f"{name}: {err}"
        except InputError as err:
            arg, kind = getattr(err, "excel_arg", (None, "cell"))
            return f"{name}: {engine_message(err, arg, kind) if arg else err.message}"
        except (NonFiniteResult, FloatingPointError):
            return f"{name}: {NON_FINITE_MESSAGE}"
        except Exception as err:  # noqa: BLE001 - a cell must never show a traceback
            return f"{name}: unexpected error: {_one_line(err)}"

    return run


@contextlib.contextmanager
def engine_errors_in(arg: str, kind: str):
    """Tag engine errors raised inside with the argument whose range their row/column index."""
    try:
        yield
    except InputError as err:
        err.excel_arg = (arg, kind)
        raise
