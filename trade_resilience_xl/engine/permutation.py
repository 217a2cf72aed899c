"""Permutation inference for the between-group part of a GE(alpha) decomposition."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .groups import PerColumn, check_alpha, grouped_values
from .theil import between_from_sums, measure_name

# Membership matrices built per block: bounds memory at about 20 MB.
_BLOCK_BYTES = 20_000_000


def permutation_indices(n, permutations, seed):
    """Row orders, one per permutation.

    ``seed=None`` draws from NumPy's global legacy generator in the order PySAL's TheilDSim does,
    so ``numpy.random.seed(s)`` reproduces its p-values; an int, Generator or RandomState is used
    as given (an int seeds a vectorised Generator draw).
    """
    if seed is None or isinstance(seed, np.random.RandomState):
        draw = np.random if seed is None else seed
        return np.array([draw.permutation(n) for _ in range(permutations)], dtype=np.intp)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return rng.permuted(np.tile(np.arange(n, dtype=np.intp), (permutations, 1)), axis=1)


@dataclass(frozen=True)
class PermutationTest:
    """Observed between-group inequality, its permutation p-value and the permuted values.

    p = (1 + #{permuted >= observed}) / (permutations + 1): whole units (all their years) are
    shuffled across groups, keeping group sizes.
    """

    measure: str
    observed: PerColumn          # between-group index, per column (year)
    p_value: PerColumn           # per column, in (0, 1]
    permuted: np.ndarray         # permutations x k: the between index of each relabelling
    permutations: int


def between_permutation_test(x, groups, population=None, permutations=999, *, measure="T",
                             seed=None, unit_labels=None, column_labels=None) -> PermutationTest:
    """Is the between-group part larger than random regions would give?

    Reproduces PySAL's TheilDSim on its example data:

    >>> import libpysal, numpy as np
    >>> f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    >>> y = np.array([f.by_col[f"pcgdp{d}"] for d in range(1940, 2010, 10)]).T
    >>> np.random.seed(10)
    >>> between_permutation_test(y, f.by_col("hanson98"), permutations=999).p_value.tolist()
    [0.4, 0.344, 0.001, 0.001, 0.034, 0.072, 0.032]
    """
    alpha = check_alpha(measure)
    name = measure_name(alpha)
    try:
        permutations = int(permutations)
    except (TypeError, ValueError):
        raise InputError(f"permutations must be a whole number; got {permutations!r}") from None
    if permutations < 1:
        raise InputError(f"permutations must be at least 1; got {permutations}")
    gv = grouped_values(x, groups, population, positive=alpha <= 0.0, measure_name=name,
                        unit_labels=unit_labels, column_labels=column_labels)
    if len(gv.labels) < 2:
        raise InputError("a permutation test of the between part needs at least two groups")
    n, k = gv.x.shape
    # Shuffling units across fixed group slots moves a unit's value and population together;
    # with equal weights the groups' population shares cannot change, so only values move.
    equal = population is None
    fx = gv.f * gv.x
    stacked = fx if equal else np.concatenate([fx, gv.f], axis=1)
    mean = fx.sum(axis=0)
    v_fixed = gv.onehot @ gv.f
    observed = between_from_sums(v_fixed, gv.onehot @ fx, mean, alpha)
    order = permutation_indices(n, permutations, seed)
    n_groups = len(gv.labels)
    permuted = np.empty((permutations, k))
    block = max(1, _BLOCK_BYTES // (8 * n_groups * n))
    for start in range(0, permutations, block):
        rows = order[start:start + block]
        b = rows.shape[0]
        # Slot r of a permutation holds unit rows[p, r] and lends it the group of slot r; one
        # 0/1 membership matrix per permutation, stacked into a single matrix product.
        member = np.zeros((b, n_groups, n))
        member[np.arange(b)[:, None], gv.codes[None, :], rows] = 1.0
        sums = (member.reshape(b * n_groups, n) @ stacked).reshape(b, n_groups, -1)
        v = v_fixed if equal else sums[..., k:]
        permuted[start:start + b] = between_from_sums(v, sums[..., :k], mean, alpha)
    # Equal in exact arithmetic must count as ">=": allow for rounding in a different sum order.
    tol = 1e-12 * np.maximum(np.abs(observed), 1e-300)
    count = (permuted >= observed - tol).sum(axis=0)
    p = (1.0 + count) / (permutations + 1.0)
    squeeze = gv.squeeze
    return PermutationTest(name, float(observed[0]) if squeeze else observed,
                           float(p[0]) if squeeze else p,
                           permuted[:, 0] if squeeze else permuted, permutations)
