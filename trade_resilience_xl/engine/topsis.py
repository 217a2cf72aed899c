"""TOPSIS closeness and the weighted-sum score on entropy-weighted data (paper section 3.1.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .entropy import normalize_kernel
from .errors import InputError
from .validation import as_directions, as_matrix, as_shift, as_weights_vector


def topsis_kernel(y, w, axis=0):
    """Closeness S = D-/(D+ + D-) of normalised benefit data y under weights w.

    Ideal points are the best and worst weighted values over ``axis`` (all observations, or
    the units of each year). Returns S, D+, D- and a mask of observations where D+ + D- = 0,
    which happens only when every weighted indicator is constant over ``axis``.
    """
    z = y * w
    d_plus = np.sqrt(((z - z.max(axis=axis, keepdims=True)) ** 2).sum(axis=-1))
    d_minus = np.sqrt(((z - z.min(axis=axis, keepdims=True)) ** 2).sum(axis=-1))
    spread = d_plus + d_minus
    flat = spread <= 0
    score = np.where(flat, 0.0, d_minus / np.where(flat, 1.0, spread))
    return score, d_plus, d_minus, flat


@dataclass(frozen=True)
class TopsisResult:
    """Closeness ``score`` in [0, 1] (1 = the positive ideal) and the two distances, per row."""

    score: np.ndarray
    d_plus: np.ndarray
    d_minus: np.ndarray


def _prepare(x, weights, directions, shift):
    arr = as_matrix(x, "data")
    m = arr.shape[1]
    w = as_weights_vector(weights, m)
    y, _ = normalize_kernel(arr, as_directions(directions, m), as_shift(shift))
    return y, w


def topsis(x, weights, directions=None, shift=1.0) -> TopsisResult:
    """TOPSIS on an n x m matrix: min-max normalise with directions, weigh, rank by closeness.

    Already-normalised data give the same result as raw data, and so does any shift or any
    rescaling of the weights.

    >>> r = topsis([[1, 5], [2, 3], [4, 1]], [0.5, 0.5], [1, -1])
    >>> r.score.round(4).tolist()
    [0.0, 0.419, 1.0]
    """
    y, w = _prepare(x, weights, directions, shift)
    score, dp, dm, flat = topsis_kernel(y, w)
    if flat.any():
        raise InputError("every indicator with a positive weight is constant; TOPSIS cannot rank")
    return TopsisResult(score, dp, dm)


def weighted_sum(x, weights, directions=None, shift=1.0) -> np.ndarray:
    """The linear composite sum_j w_j y_ij of the normalised, shifted data (weights sum to 1).

    >>> weighted_sum([[1, 5], [2, 3], [4, 1]], [0.5, 0.5], [1, -1], shift=0).round(4).tolist()
    [0.0, 0.4167, 1.0]
    """
    y, w = _prepare(x, weights, directions, shift)
    return y @ w
