"""Checks shared by the engine's fronts: turn what users pass into clean float arrays or say
exactly what is wrong and where."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError

# Differences of values beyond this overflow (1e308 - -1e308); no real indicator comes close.
MAX_MAGNITUDE = 1e300


def too_large(what: str, where: str, value: float) -> InputError:
    return InputError(f"{what}: {where} is {value:g}; numbers above {MAX_MAGNITUDE:g} in size "
                      "cannot be computed with, rescale them")


def _label(labels, i):
    return None if labels is None else labels[i]


def _where(row, col, row_labels, col_labels, row_word="row", col_word="column") -> str:
    parts = []
    if row is not None:
        lab = _label(row_labels, row)
        parts.append(f"{row_word} {lab!s}" if lab is not None else f"{row_word} {row + 1}")
    if col is not None:
        lab = _label(col_labels, col)
        parts.append(f"{col_word} {lab!s}" if lab is not None else f"{col_word} {col + 1}")
    return ", ".join(parts)


def as_matrix(x, what: str, *, ndim=2, row_labels=None, col_labels=None,
              min_rows=2, row_word="row", col_word="column") -> np.ndarray:
    """A finite float array of ``ndim`` dimensions (1 or 2) with at least ``min_rows`` rows.

    A 1-D input is accepted where 2-D is wanted only when ``ndim`` is 1; pandas objects keep
    their values. Non-finite cells raise an :class:`InputError` naming the first one.
    """
    if isinstance(x, (pd.DataFrame, pd.Series)):
        x = x.to_numpy()
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{what} must hold numbers only") from None
    if arr.ndim == 0 or arr.ndim > 2 or (ndim == 2 and arr.ndim != 2):
        raise InputError(f"{what} must be a {'table' if ndim == 2 else 'column or table'} "
                         "of numbers")
    if arr.shape[0] < min_rows:
        raise InputError(f"{what} needs at least {min_rows} {row_word}s; it has {arr.shape[0]}")
    if arr.size == 0:
        raise InputError(f"{what} is empty")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = np.argwhere(bad)[0]
        r = int(idx[0])
        c = int(idx[1]) if arr.ndim == 2 else None
        value = arr[tuple(idx)]
        kind = "missing (NaN)" if np.isnan(value) else "infinite"
        where = _where(r, c, row_labels, col_labels, row_word, col_word)
        raise InputError(f"{what}: {where} is {kind}; finite numbers expected",
                         row=r, column=c, unit=_label(row_labels, r), year=_label(col_labels, c))
    huge = np.abs(arr) > MAX_MAGNITUDE
    if huge.any():
        idx = np.argwhere(huge)[0]
        r, c = int(idx[0]), (int(idx[1]) if arr.ndim == 2 else None)
        error = too_large(what, _where(r, c, row_labels, col_labels, row_word, col_word),
                          arr[tuple(idx)])
        error.row, error.column = r, c
        raise error
    return arr


def as_directions(directions, m: int, what: str = "directions") -> np.ndarray:
    """+1 for a benefit indicator, -1 for a cost indicator; ``None`` means all benefit."""
    if directions is None:
        return np.ones(m)
    d = np.asarray(directions, dtype=float).ravel()
    if d.size != m:
        raise InputError(f"{what} has {d.size} entries for {m} indicators")
    bad = ~np.isin(d, (-1.0, 1.0))
    if bad.any():
        j = int(np.argmax(bad))
        raise InputError(f"{what} entry {j + 1} is {d[j]:g}; +1 (benefit) or -1 (cost) expected",
                         column=j)
    return d


def as_shift(shift) -> float:
    try:
        s = float(shift)
    except (TypeError, ValueError):
        raise InputError(f"shift must be a number >= 0; got {shift!r}") from None
    if not np.isfinite(s) or s < 0:
        raise InputError(f"shift must be a number >= 0; got {s:g}")
    return s


def as_weights_vector(weights, m: int, what: str = "weights") -> np.ndarray:
    """Non-negative indicator weights with a positive sum, rescaled to sum to 1."""
    w = np.asarray(weights, dtype=float).ravel() if weights is not None else None
    if w is None or w.size != m:
        raise InputError(f"{what} has {0 if w is None else w.size} entries for {m} indicators")
    if not np.isfinite(w).all():
        j = int(np.argmax(~np.isfinite(w)))
        raise InputError(f"{what} entry {j + 1} is not a finite number", column=j)
    if (w < 0).any():
        j = int(np.argmax(w < 0))
        raise InputError(f"{what} entry {j + 1} is negative ({w[j]:g})", column=j)
    total = w.sum()
    if total <= 0:
        raise InputError(f"{what} are all zero")
    return w / total


def is_blank(value) -> bool:
    """Nothing, NaN, or text of spaces only: the one rule for an empty cell."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()


def as_groups(groups, n: int, what: str = "groups", row_labels=None):
    """Integer codes in order of first appearance, and the labels they stand for."""
    values = np.asarray(groups, dtype=object).ravel().tolist()
    if len(values) != n:
        raise InputError(f"{what} has {len(values)} entries for {n} units")
    # Plain dict look-ups: pandas.factorize costs more than the whole Theil on 31 units.
    index: dict[object, int] = {}
    codes = np.empty(n, dtype=np.intp)
    for i, value in enumerate(values):
        code = index.get(value)
        if code is None:
            if is_blank(value):
                raise InputError(f"{what}: {_where(i, None, row_labels, None)} has no group",
                                 row=i, unit=_label(row_labels, i))
            code = index[value] = len(index)
        codes[i] = code
    return codes, list(index)


def as_unit_weights(weights, shape, what: str = "population", row_labels=None, col_labels=None):
    """Positive unit weights broadcast to ``shape`` ((n,) or (n, k)); ``None`` is equal weights."""
    if weights is None:
        return np.ones(shape)
    w = np.asarray(weights, dtype=float)
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]
    if w.shape[0] != shape[0] or w.ndim > len(shape) or (w.ndim == 2 and w.shape != tuple(shape)):
        raise InputError(f"{what} has shape {w.shape}; {shape[0]} rows"
                         + (f" and 1 or {shape[1]} columns" if len(shape) == 2 else "")
                         + " expected")
    w2 = w.reshape(w.shape[0], -1)
    bad = ~np.isfinite(w2) | (w2 <= 0) | (w2 > MAX_MAGNITUDE)
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        col = c if w.ndim == 2 else None
        where = _where(r, col, row_labels, col_labels)
        kind = ("not a finite number" if not np.isfinite(w2[r, c]) else
                f"{w2[r, c]:g}; it must be positive" if w2[r, c] <= 0 else
                f"{w2[r, c]:g}; numbers above {MAX_MAGNITUDE:g} cannot be computed with")
        raise InputError(f"{what}: {where} is {kind}", row=r, column=col,
                         unit=_label(row_labels, r),
                         year=_label(col_labels, col) if col is not None else None)
    if w.ndim == 1 and len(shape) == 2:
        w = np.repeat(w[:, None], shape[1], axis=1)
    return w


_BENEFIT = {"+", "1", "+1", "1.0", "benefit", "positive", "pos", "正", "正向", "效益"}
_COST = {"-", "−", "–", "-1", "-1.0", "cost", "negative", "neg", "负", "负向", "成本"}


def direction_sign(value):
    """+1, -1, or None when ``value`` is no known way of writing an indicator's direction.

    Accepts + / -, 1 / -1, benefit / cost, positive / negative and 正 / 负, case-insensitively.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, np.integer)):
        return {1: 1, -1: -1}.get(int(value))
    if isinstance(value, (float, np.floating)):
        return {1.0: 1, -1.0: -1}.get(float(value))
    key = str(value).strip().lower()
    if key in _BENEFIT:
        return 1
    if key in _COST:
        return -1
    return None
