"""Obstacle degree: each indicator's (and dimension's) share of a unit's gap to the ideal.

O_ij = w_j (1 - y_ij) / sum_j w_j (1 - y_ij), with y the min-max normalised value without
shift (direction-aware, so y = 1 is the best observed value). A dimension's obstacle is the
sum over its indicators; each row sums to 1. A constant indicator has no gap (every unit is
at its best observed value, y = 1). Where the sum is 0 (a unit at the ideal on every weighted
indicator) obstacles are undefined: the row is flagged, not filled with NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .entropy import normalize_kernel
from .errors import InputError
from .validation import as_directions, as_matrix


def gap_normalized(x, directions, axis=0):
    """Min-max normalised x with no shift, a constant indicator at 1 (no gap)."""
    y, constant = normalize_kernel(x, directions, 0.0, axis=axis)
    return np.where(constant, 1.0, y)


def obstacle_kernel(y, w):
    """Obstacle shares O (..., m) of normalised values y (..., m) under weights w
    (broadcastable to y), and the mask of rows where they are undefined (sum of gaps 0)."""
    gap = w * (1.0 - y)
    total = gap.sum(axis=-1, keepdims=True)
    # A gap below 1e-12 of the weights' sum is rounding, not distance to the ideal.
    undefined = total <= 1e-12 * np.sum(w, axis=-1, keepdims=True)
    shares = np.divide(gap, total, out=np.zeros_like(gap), where=~undefined)
    return shares, undefined[..., 0]


def group_sums(shares, groups, order):
    """Sum the last axis of ``shares`` by ``groups`` (one label per column), in ``order``."""
    groups = np.asarray(groups, dtype=object)
    return np.stack([shares[..., groups == g].sum(axis=-1) for g in order], axis=-1)


def top_factors(shares, names, count=3):
    """Indices of the ``count`` largest shares of each row (ties: first column first)."""
    order = np.argsort(-shares, axis=-1, kind="stable")[..., :count]
    return order, [[names[j] for j in row] for row in order.reshape(-1, order.shape[-1])]


@dataclass(frozen=True)
class ObstacleResult:
    shares: np.ndarray        # (n, m), rows summing to 1; 0 in undefined rows
    undefined: np.ndarray     # (n,) bool: the row is at the ideal on every indicator
    normalized: np.ndarray    # y, (n, m)


def obstacle_degree(x, weights, directions) -> ObstacleResult:
    """Obstacle degree of each row (observation) of x for each column (indicator)."""
    x = as_matrix(x, "data")
    signs = as_directions(directions, x.shape[1])
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != x.shape[1]:
        raise InputError(f"{w.size} weights for {x.shape[1]} indicators")
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise InputError("weights must be numbers >= 0 with a positive sum")
    y = gap_normalized(x, signs, axis=0)
    shares, undefined = obstacle_kernel(y, w / w.sum())
    return ObstacleResult(shares, undefined, y)
