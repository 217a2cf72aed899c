"""What the inequality measures share: values, unit weights and group membership as arrays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

from .errors import InputError
from .validation import as_groups, as_matrix, as_unit_weights

# A statistic of one column of values is a float; of an n x k panel, an array over the k
# columns (and per-group statistics gain a group axis). Result objects type fields with it.
PerColumn: TypeAlias = float | np.ndarray


@dataclass(frozen=True)
class GroupedValues:
    """Values x (n, k), population shares f (n, k; each column sums to 1), group codes and labels.

    ``squeeze`` records whether the caller passed one column, so results come back as scalars.
    """

    x: np.ndarray
    f: np.ndarray
    codes: np.ndarray
    labels: list
    onehot: np.ndarray  # (G, n) 0/1 membership
    squeeze: bool


def grouped_values(x, groups, population, *, positive: bool, measure_name: str,
                   unit_labels=None, column_labels=None) -> GroupedValues:
    """Validate and shape the inputs of a Theil, GE or Gini computation.

    ``positive`` demands x > 0 (logarithms of each value); otherwise x >= 0 with a positive mean.
    """
    arr = as_matrix(x, "values", ndim=1, row_labels=unit_labels, col_labels=column_labels,
                    row_word="unit", col_word="year")
    squeeze = arr.ndim == 1
    x2 = arr.reshape(arr.shape[0], -1)
    n, k = x2.shape
    if squeeze:
        column_labels = None
    bad = (x2 <= 0) if positive else (x2 < 0)
    if bad.any():
        r, c = (int(v) for v in np.argwhere(bad)[0])
        unit = unit_labels[r] if unit_labels is not None else None
        year = column_labels[c] if column_labels is not None else None
        where = f"unit {unit}" if unit is not None else f"unit {r + 1}"
        if not squeeze:
            where += f", year {year}" if year is not None else f", column {c + 1}"
        need = "positive values" if positive else "values >= 0"
        raise InputError(f"{measure_name} needs {need}: {where} is {x2[r, c]:g}",
                         row=r, column=None if squeeze else c, unit=unit, year=year)
    w = as_unit_weights(population, x2.shape, row_labels=unit_labels, col_labels=column_labels)
    f = w / w.sum(axis=0)
    mean = (f * x2).sum(axis=0)
    if (mean <= 0).any():
        c = int(np.argmax(mean <= 0))
        where = "" if squeeze else (f" in year {column_labels[c]}" if column_labels is not None
                                    else f" in column {c + 1}")
        raise InputError(f"{measure_name} needs a positive mean; every value is 0{where}",
                         column=None if squeeze else c)
    if groups is None:
        codes, labels = np.zeros(n, dtype=np.intp), ["All"]
    else:
        codes, labels = as_groups(groups, n, row_labels=unit_labels)
    onehot = (codes[None, :] == np.arange(len(labels))[:, None]).astype(float)
    return GroupedValues(x2, f, codes, labels, onehot, squeeze)


def group_sums(onehot, f, x):
    """Population share v_g and value share numerator sum f_i x_i per group: two (G, k) arrays."""
    return onehot @ f, onehot @ (f * x)


def out(values, squeeze):
    """Results as the caller shaped them: (k,) or (k, G) for a panel, a scalar or (G,) otherwise."""
    arr = np.asarray(values)
    if arr.ndim == 2:
        arr = arr.T
    if squeeze:
        arr = arr[0]
        return float(arr) if np.ndim(arr) == 0 else arr
    return arr


def no_inequality_warnings(total, squeeze, column_labels, measure_name):
    flat = np.flatnonzero(np.asarray(total) <= 0)
    if squeeze:
        return ([f"all values are equal: {measure_name} is 0 and its shares are set to 0"]
                if flat.size else [])

    def place(c):
        return ("year " + str(column_labels[c]) if column_labels is not None
                else "column " + str(c + 1))
    return [f"all values are equal in {place(c)}: "
            f"{measure_name} is 0 and its shares are set to 0" for c in flat]


def check_alpha(measure):
    if isinstance(measure, str):
        key = measure.strip().upper()
        if key in ("T", "GE(1)"):
            return 1.0
        if key in ("L", "GE(0)", "MLD"):
            return 0.0
        raise InputError(f"measure must be T, L or a number (GE alpha); got {measure!r}")
    try:
        alpha = float(measure)
    except (TypeError, ValueError):
        raise InputError(f"measure must be T, L or a number (GE alpha); got {measure!r}") from None
    if not np.isfinite(alpha):
        raise InputError("measure alpha must be finite")
    return alpha
