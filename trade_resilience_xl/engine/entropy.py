"""Min-max normalisation with indicator direction, and entropy weights (paper section 3.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .validation import as_directions, as_matrix, as_shift

#: A column whose range is at most this fraction of its largest magnitude is constant: the
#: difference is floating-point noise (7 next to 7.000000000000001 from a formula), not data.
#: 1e-12 is ~4,500 units in the last place of a double, far below any difference a 12-digit
#: statistic can print, and far above the rounding of a few arithmetic steps.
CONSTANT_RTOL = 1e-12


def no_range(lo, hi):
    """True where [lo, hi] is a constant's range: hi - lo within CONSTANT_RTOL of max |value|."""
    return (hi - lo) <= CONSTANT_RTOL * np.maximum(np.abs(lo), np.abs(hi))


#: How far NORMALIZE's output may be from [shift, 1 + shift] and still count as it (values
#: that went through cells, copies or rounding to 15 digits).
NORMALIZED_ATOL = 1e-9


def is_normalized(x, shift) -> bool:
    """Whether every column of x looks like ``normalize``'s output with ``shift``: its
    minimum is shift and its maximum 1 + shift (or shift, for a constant column)."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    return bool(np.all(np.abs(lo - shift) <= NORMALIZED_ATOL)
                and np.all((np.abs(hi - 1 - shift) <= NORMALIZED_ATOL)
                           | (np.abs(hi - shift) <= NORMALIZED_ATOL)))


def normalize_kernel(x, directions, shift, axis=0):
    """h = (x - min)/(max - min) for benefit, (max - x)/(max - min) for cost; y = h + shift.

    Minimum and maximum are taken over ``axis`` (the observations: rows of a pooled matrix, or
    units within each year of a unit x year x indicator cube). A constant indicator (see
    ``no_range``) has no range; its h is 0 everywhere so that it carries no information.
    """
    lo = x.min(axis=axis, keepdims=True)
    hi = x.max(axis=axis, keepdims=True)
    span = hi - lo
    constant = no_range(lo, hi)
    # In place: h = (x - base) / signed span, with base = min and +span for benefit, base =
    # max and -span for cost. Dividing (not multiplying by 1/span, which overflows for tiny
    # spans) by an infinite span makes h = 0 for a constant indicator.
    base = np.where(directions > 0, lo, hi)
    y = x - base
    y /= np.where(constant, np.inf, np.sign(directions) * span)
    y += shift
    return y, constant


def entropy_kernel(y, constant, axis=0):
    """Entropy e, divergence d = 1 - e and weights w of shifted data y >= 0 (0 ln 0 = 0).

    Sums run over ``axis``; results keep that axis with length 1 so they broadcast back onto y.
    An indicator marked ``constant`` gets d = 0; rounding can put e a hair above 1, so d is
    clipped at 0. Returns w = 0 where every d is 0 (the caller decides whether that is an error).
    """
    n = np.prod([y.shape[a] for a in np.atleast_1d(axis)])
    total = y.sum(axis=axis, keepdims=True)
    p = y / np.where(total > 0, total, 1.0)
    logp = np.log(p, out=np.zeros_like(p), where=p > 0)  # 0 ln 0 = 0
    logp *= p
    e = -logp.sum(axis=axis, keepdims=True) / np.log(n)
    e = np.where(constant, 1.0, e)
    d = np.clip(1.0 - e, 0.0, None)
    dsum = d.sum(axis=-1, keepdims=True)
    w = d / np.where(dsum > 0, dsum, 1.0)
    return e, d, w


@dataclass(frozen=True)
class EntropyWeights:
    """Entropy weights of m indicators.

    ``entropy``, ``divergence`` (1 - entropy) and ``weights`` are arrays of length m in the
    order of the data's columns; ``constant`` marks indicators with no variation (weight 0);
    ``warnings`` says which they are.
    """

    entropy: np.ndarray          # (m,) e_j
    divergence: np.ndarray       # (m,) d_j = 1 - e_j
    weights: np.ndarray          # (m,) w_j = d_j / sum(d), summing to 1
    constant: np.ndarray         # (m,) bool: no variation (weight 0)
    names: list[str]             # m indicator names
    warnings: list[str] = field(default_factory=list)


def normalize(x, directions=None, shift=1.0):
    """Direction-aware min-max normalisation of an n x m matrix, shifted by ``shift``.

    >>> normalize([[1, 10], [3, 30], [2, 20]], [1, -1], shift=0).tolist()
    [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    """
    arr = as_matrix(x, "data")
    d = as_directions(directions, arr.shape[1])
    y, _ = normalize_kernel(arr, d, as_shift(shift))
    return y


def constant_warnings(names, constant, when=""):
    return [f"indicator {names[j]} is constant{when}; it gets weight 0"
            for j in np.flatnonzero(constant)]


def entropy_weights(x, directions=None, shift=1.0, *, names=None) -> EntropyWeights:
    """Entropy weights of the columns of an n x m matrix (rows are observations).

    The data are min-max normalised with their directions (+1 benefit, -1 cost), shifted by
    ``shift`` (the paper uses 1), and weighted by divergence 1 - e_j. A constant indicator gets
    weight 0 and a warning; if every indicator is constant there is nothing to weigh.

    >>> w = entropy_weights([[1, 5, 7], [2, 5, 3], [4, 5, 1]], [1, 1, -1], shift=0)
    >>> w.weights.round(4).tolist(), w.warnings
    ([0.5575, 0.0, 0.4425], ['indicator 2 is constant; it gets weight 0'])
    """
    if names is None and hasattr(x, "columns"):
        names = [str(c) for c in x.columns]
    arr = as_matrix(x, "data", col_labels=names)
    m = arr.shape[1]
    names = list(names) if names is not None else [str(j + 1) for j in range(m)]
    d = as_directions(directions, m)
    y, constant = normalize_kernel(arr, d, as_shift(shift))
    constant = constant.ravel()
    if constant.all():
        raise InputError("every indicator is constant; entropy weights are undefined")
    e, div, w = entropy_kernel(y, constant)
    return EntropyWeights(e.ravel(), div.ravel(), w.ravel(), constant, names,
                          constant_warnings(names, constant))


@dataclass(frozen=True)
class WeightIntervals:
    """Bootstrap percentile intervals of entropy weights (units resampled with replacement)."""

    weights: np.ndarray          # (m,) the weights of the data themselves
    lower: np.ndarray            # (m,) lower percentile bound
    upper: np.ndarray            # (m,) upper percentile bound
    level: float                 # e.g. 0.95
    reps: int
    names: list[str]


def bootstrap_weights(x, directions=None, shift=1.0, *, clusters=None, reps=999, level=0.95,
                      seed=None, names=None) -> WeightIntervals:
    """Percentile intervals for entropy weights, resampling units (row clusters) with replacement.

    ``clusters`` labels the rows by unit so that a unit's years are drawn together; without it each
    row is its own unit. Every replicate re-normalises and re-weighs, as a new sample would.
    """
    if names is None and hasattr(x, "columns"):
        names = [str(c) for c in x.columns]
    point = entropy_weights(x, directions, shift, names=names)
    arr = as_matrix(x, "data")
    d = as_directions(directions, arr.shape[1])
    s = as_shift(shift)
    if not (0 < level < 1):
        raise InputError(f"level must lie between 0 and 1; got {level:g}")
    if int(reps) < 1:
        raise InputError(f"reps must be a positive whole number; got {reps!r}")
    codes = np.arange(arr.shape[0]) if clusters is None else np.unique(
        np.asarray(clusters, dtype=object).astype(str), return_inverse=True)[1].ravel()
    members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(members), size=(int(reps), len(members)))
    out = np.empty((int(reps), arr.shape[1]))
    for b, pick in enumerate(draws):
        rows = np.concatenate([members[c] for c in pick])
        y, constant = normalize_kernel(arr[rows], d, s)
        out[b] = entropy_kernel(y, constant.ravel())[2].ravel()
    alpha = (1 - level) / 2
    lower, upper = np.quantile(out, [alpha, 1 - alpha], axis=0)
    return WeightIntervals(point.weights, lower, upper, level, int(reps), point.names)
