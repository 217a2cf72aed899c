"""Objective weights beside entropy on the same normalised data: CRITIC, coefficient of
variation, standard deviation, equal, and entropy combined with CRITIC (docs/formulas.md).

Kernels take normalised data ``y`` shaped (..., n, m): a batch of n observations of m
indicators (one batch for pooled weighting, one per year otherwise) and return (..., m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .entropy import entropy_kernel, no_range, normalize_kernel
from .errors import InputError
from .validation import as_directions, as_matrix, as_shift

#: The methods, in the order the tables show them.
METHODS = ("entropy", "critic", "cv", "std", "equal", "combined")
METHOD_LABELS = {"entropy": ("Entropy", "熵值法"), "critic": ("CRITIC", "CRITIC法"),
                 "cv": ("Coefficient of variation", "变异系数法"),
                 "std": ("Standard deviation", "标准差法"), "equal": ("Equal", "等权法"),
                 "combined": ("Entropy + CRITIC", "熵值-CRITIC组合")}
COMBINE_RULES = ("product", "mean")
#: Sample standard deviations (n - 1), as pymcdm's critic_weights and
#: standard_deviation_weights use.
DDOF = 1


def method_name(method) -> str:
    """The method's key from any spelling users type ('CRITIC', 'Cv', 'standard deviation')."""
    word = str(method).strip().casefold().replace("-", " ").replace("_", " ")
    aliases = {"standard deviation": "std", "sd": "std", "stdev": "std",
               "coefficient of variation": "cv", "variation": "cv", "entropy critic": "combined",
               "entropy+critic": "combined", "entropy + critic": "combined"}
    key = aliases.get(word, word)
    if key not in METHODS:
        raise InputError(f"weighting method {method!r} is not known; expected one of "
                         + ", ".join(METHODS))
    return key


def _normalise(raw, constant):
    raw = np.where(constant, 0.0, raw)
    total = raw.sum(axis=-1, keepdims=True)
    return raw / np.where(total > 0, total, 1.0)


def correlation_kernel(y, constant):
    """Pearson correlations (..., m, m) of the columns; 0 where a column is constant."""
    centred = y - y.mean(axis=-2, keepdims=True)
    cov = np.einsum("...ni,...nj->...ij", centred, centred)
    sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
    sd = np.where(constant, 1.0, sd)
    corr = cov / sd[..., :, None] / sd[..., None, :]
    flat = constant[..., :, None] | constant[..., None, :]
    return np.where(flat, 0.0, corr)


def weights_kernel(y, method, *, combine="product"):
    """Weights (..., m) of normalised data y (..., n, m) by ``method`` (a key of METHODS).

    A constant indicator (no range over the n observations) gets weight 0 in every method.
    Where every indicator is constant the weights are all 0 (the caller words the error).
    """
    lo, hi = y.min(axis=-2), y.max(axis=-2)
    constant = no_range(lo, hi)
    if method == "entropy":
        return entropy_kernel(y, constant[..., None, :], axis=-2)[2][..., 0, :]
    if method == "equal":
        return _normalise(np.ones_like(lo), constant)
    sd = y.std(axis=-2, ddof=DDOF)
    if method == "std":
        return _normalise(sd, constant)
    if method == "cv":
        mean = y.mean(axis=-2)
        return _normalise(sd / np.where(mean > 0, mean, 1.0), constant)
    if method == "critic":
        conflict = (1.0 - correlation_kernel(y, constant)).sum(axis=-2)
        return _normalise(sd * conflict, constant)
    if method == "combined":
        entropy = weights_kernel(y, "entropy")
        critic = weights_kernel(y, "critic")
        joint = entropy * critic if combine == "product" else (entropy + critic) / 2
        return _normalise(joint, constant)
    raise InputError(f"weighting method {method!r} is not known")


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights of m indicators by one objective method, on min-max normalised data.

    ``weights`` (m,) sum to 1 in the order of the data's columns; ``constant`` marks the
    indicators with no variation (weight 0); ``method`` is the key of METHODS.
    """

    method: str
    weights: np.ndarray
    constant: np.ndarray
    names: list[str]


def objective_weights(x, directions=None, method="critic", shift=1.0, *, combine="product",
                      names=None) -> ObjectiveWeights:
    """Objective weights of the columns of an n x m matrix (rows are observations).

    The data are min-max normalised with their directions and shifted as for entropy; then
    ``method`` weighs them: "entropy", "critic" (Diakoulaki et al. 1995), "cv" (coefficient
    of variation), "std" (standard deviation), "equal", or "combined" (entropy and CRITIC,
    their normalised ``combine`` = "product" or "mean").

    >>> objective_weights([[1, 5, 7], [2, 4, 3], [4, 1, 1]], [1, 1, -1], "std").weights.round(4)
    array([0.3309, 0.3382, 0.3309])
    >>> objective_weights([[1, 5], [2, 5]], method="equal").weights.tolist()
    [1.0, 0.0]
    """
    if names is None and hasattr(x, "columns"):
        names = [str(c) for c in x.columns]
    arr = as_matrix(x, "data", col_labels=names)
    m = arr.shape[1]
    names = list(names) if names is not None else [str(j + 1) for j in range(m)]
    key = method_name(method)
    rule = str(combine).strip().casefold()
    if rule not in COMBINE_RULES:
        raise InputError(f"combine is {combine!r}; expected product or mean")
    if arr.shape[0] < 2:
        raise InputError("objective weights need at least 2 rows of data")
    y, constant = normalize_kernel(arr, as_directions(directions, m), as_shift(shift))
    constant = constant.ravel()
    if constant.all():
        raise InputError("every indicator is constant; objective weights are undefined")
    return ObjectiveWeights(key, weights_kernel(y, key, combine=rule), constant, names)
