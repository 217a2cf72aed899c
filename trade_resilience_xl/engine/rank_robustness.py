"""Does the ranking hang on the weighting? The index under each objective weighting, rank
agreement between methods (Spearman's rho, Kendall's tau-b), and Dirichlet perturbations of
the entropy weights (each unit's rank interval and how often it keeps its level)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .classify import rank_levels
from .entropy import normalize_kernel
from .errors import InputError
from .objective_weights import COMBINE_RULES, METHODS, method_name, weights_kernel
from .panel_data import PanelArrays
from .settings import DEFAULT_SEED, MAX_REPLICATES, Settings
from .topsis import topsis_kernel

#: Unit-years x draws held at once in the perturbation (about 32 MB of doubles per array;
#: fewer draws per batch make the matrix products narrow and slower).
_CELLS_PER_BATCH = 4_000_000


# ---------------------------------------------------------------- rank agreement
def average_ranks(x) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (scipy.stats.rankdata's default)."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    starts = np.r_[True, sorted_x[1:] != sorted_x[:-1]]
    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], len(x)] - 1
    ranks = np.empty(len(x))
    ranks[order] = (first[run] + last[run]) / 2.0 + 1.0
    return ranks


def _inversions(v) -> int:
    """Pairs i < j with v[i] > v[j], by a bottom-up merge sort vectorised over all blocks of
    a level (log2 n levels, one sort each): block offsets make one searchsorted serve every
    left half at once."""
    v = np.asarray(v, dtype=np.int64)
    n = len(v)
    stride = n + 1
    index = np.arange(n)
    total = 0
    width = 1
    while width < n:
        pair = index // (2 * width)
        right = (index // width) % 2 == 1
        keys = pair * stride + v                      # sorted within each block of width
        left_keys = keys[~right]                      # globally sorted: pairs ascend
        query = keys[right]
        at_most = np.searchsorted(left_keys, query, side="right")
        before = np.searchsorted(left_keys, pair[right] * stride, side="left")
        left_size = np.minimum(width, n - pair[right] * 2 * width)
        total += int((left_size - (at_most - before)).sum())
        v = np.sort(keys) - pair * stride             # merge: sort within blocks of 2 width
        width *= 2
    return total


def concordance(a, b) -> int:
    """Concordant minus discordant pairs of (a, b) in O(n log^2 n) (Knight 1966): pairs are
    sorted by a, then b; pairs tied in a add 0, the others +1 or -1 by the order of b."""
    n = len(a)
    order = np.lexsort((b, a))
    a_sorted, b_sorted = a[order], b[order]
    b_rank = np.unique(b_sorted, return_inverse=True)[1].ravel()
    total = n * (n - 1) // 2
    tied_a, tied_b = _tied_pairs(a), _tied_pairs(b)
    tied_both = _tied_pairs(np.stack([a_sorted, b_sorted], axis=1))
    swaps = _inversions(b_rank)
    # Of the pairs untied in a, those tied in b are neither; discordant pairs are the swaps.
    untied = total - tied_a - tied_b + tied_both
    return untied - 2 * swaps


def _tied_pairs(x) -> int:
    """Pairs with equal values (equal rows, for a 2-D array)."""
    counts = np.unique(np.asarray(x), return_counts=True, axis=0)[1]
    return int((counts * (counts - 1) // 2).sum())


@dataclass(frozen=True)
class RankAgreement:
    """Spearman's rho and Kendall's tau-b between two sets of scores of the same n units."""

    spearman: float
    kendall: float
    n: int


def rank_agreement(a, b) -> RankAgreement:
    """Spearman's rho (Pearson correlation of average ranks) and Kendall's tau-b.

    >>> r = rank_agreement([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(r.spearman, 12), round(r.kendall, 12)
    (0.8, 0.6)
    """
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.size != b.size:
        raise InputError(f"the two sets of scores differ in length ({a.size} and {b.size})")
    if a.size < 2 or not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise InputError("rank agreement needs at least 2 units with numbers in both")
    n = a.size
    total = n * (n - 1) // 2
    tied_a, tied_b = _tied_pairs(a), _tied_pairs(b)
    if tied_a == total or tied_b == total:
        raise InputError("one set of scores is constant; rank agreement is undefined")
    ra, rb = average_ranks(a), average_ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    rho = float((ra @ rb) / np.sqrt((ra @ ra) * (rb @ rb)))
    net = concordance(a, b)
    tau = net / np.sqrt(total - tied_a) / np.sqrt(total - tied_b)
    return RankAgreement(float(np.clip(rho, -1, 1)), float(np.clip(tau, -1, 1)), n)


# ---------------------------------------------------------------- methods compared
def _batches(y, weighting):
    """y (U, T, m) as weighting batches (B, n, m): one pooled batch, or one per year."""
    if weighting == "pooled":
        return y.reshape(1, -1, y.shape[-1])
    return y.transpose(1, 0, 2)


def _score(y, w, settings):
    """The composite index (U, T) of normalised y under weights w ((m,) or (T, m))."""
    w = np.asarray(w)
    if settings.score == "weighted_sum":
        return (y * w).sum(axis=-1)
    axis = (0, 1) if settings.ideal == "pooled" else 0
    return topsis_kernel(y, w, axis=axis)[0]


def _basis_index(panel, year):
    if year in (None, "mean"):
        return None
    if year == "last":
        return len(panel.years) - 1
    if year not in panel.years:
        raise InputError(f"year {year} is not in the data ({panel.years[0]}-{panel.years[-1]})")
    return panel.years.index(year)


@dataclass(frozen=True)
class WeightingComparison:
    """The index under each weighting method, on the same normalised panel.

    ``weights`` (M, m) or (M, T, m) with per-year weighting; ``scores`` (M, U, T);
    ``rank_year`` and ``rank_mean`` (M, U): ranks (1 = highest) in ``year`` and of the mean
    over years; ``spearman`` and ``kendall`` (M, M): agreement of the ranks in ``year``;
    ``spearman_mean`` and ``kendall_mean``: of the means.
    """

    methods: list[str]
    weights: np.ndarray
    scores: np.ndarray
    year: object
    rank_year: np.ndarray
    rank_mean: np.ndarray
    spearman: np.ndarray
    kendall: np.ndarray
    spearman_mean: np.ndarray
    kendall_mean: np.ndarray
    units: list
    codes: list


def _agreement_matrices(columns):
    k = len(columns)
    rho, tau = np.eye(k), np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            r = rank_agreement(columns[i], columns[j])
            rho[i, j] = rho[j, i] = r.spearman
            tau[i, j] = tau[j, i] = r.kendall
    return rho, tau


def normalised_panel(panel: PanelArrays, settings: Settings) -> np.ndarray:
    """The normalised (U, T, m) values the entropy weights are computed on."""
    axis = (0, 1) if settings.normalization == "pooled" else 0
    return normalize_kernel(panel.values, panel.directions, settings.shift, axis=axis)[0]


def compare_weightings(panel: PanelArrays, settings: Settings | None = None, *,
                       methods=METHODS, year="last", combine="product") -> WeightingComparison:
    """Weights, index and ranks of every method in ``methods``, and their rank agreement.

    >>> from trade_resilience_xl.engine import prepare_panel
    >>> from trade_resilience_xl.example_data import load_example_panel, paper_indicators
    >>> roles = {"unit": "Province", "region": "Region", "year": "Year",
    ...          "population": "Population"}
    >>> arrays = prepare_panel(load_example_panel(), paper_indicators(), columns=roles)
    >>> c = compare_weightings(arrays)
    >>> c.methods[:2], float(c.spearman[0, 0]), c.scores.shape
    (['entropy', 'critic'], 1.0, (6, 31, 12))
    """
    s = (settings or Settings()).checked()
    keys = [method_name(m) for m in methods]
    if str(combine).strip().casefold() not in COMBINE_RULES:
        raise InputError(f"combine is {combine!r}; expected product or mean")
    y = normalised_panel(panel, s)
    batches = _batches(y, s.weighting)
    weights, scores = [], []
    for key in keys:
        w = weights_kernel(batches, key, combine=str(combine).strip().casefold())
        if (w.sum(axis=-1) <= 0).any():
            raise InputError("every indicator is constant; objective weights are undefined")
        w = w[0] if s.weighting == "pooled" else w
        weights.append(w)
        scores.append(_score(y, w[None] if w.ndim == 2 else w, s))
    t = _basis_index(panel, year)
    stacked = np.stack(scores)
    in_year = stacked[:, :, -1 if t is None else t]
    means = stacked.mean(axis=2)
    rank_year = rank_levels(in_year.T)[0].T
    rank_mean = rank_levels(means.T)[0].T
    rho, tau = _agreement_matrices(in_year)
    rho_mean, tau_mean = _agreement_matrices(means)
    return WeightingComparison(keys, np.stack(weights), stacked,
                               panel.years[-1 if t is None else t], rank_year, rank_mean,
                               rho, tau, rho_mean, tau_mean, list(panel.units),
                               list(panel.codes))


# ---------------------------------------------------------------- weight sensitivity
def ranks_with_ties(scores) -> np.ndarray:
    """Ranks (1 = highest, ties share the best) of each column of scores (n, B), vectorised."""
    order = np.argsort(-scores, axis=0, kind="stable")
    sorted_desc = np.take_along_axis(scores, order, axis=0)
    n = scores.shape[0]
    starts = np.ones_like(sorted_desc, dtype=bool)
    starts[1:] = sorted_desc[1:] != sorted_desc[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n)[:, None], 0), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, first + 1, axis=0)
    return ranks


def level_codes(ranks, n):
    """0 high, 1 medium, 2 low by the thirds rule of rank_levels."""
    third = n // 3
    return np.where(ranks <= third, 0, np.where(ranks <= n - third, 1, 2))


@dataclass(frozen=True)
class WeightSensitivity:
    """Ranks of the index when the entropy weights are drawn from a Dirichlet around them.

    ``rank`` (U,): the rank under the entropy weights; ``rank_low``/``rank_high`` (U,): the 5 %
    and 95 % points of the drawn ranks; ``keeps_level`` (U,): share of draws in which the unit
    stays in its level (high / medium / low by thirds); ``basis``: "mean" or the year ranked.
    """

    units: list
    rank: np.ndarray
    rank_low: np.ndarray
    rank_high: np.ndarray
    keeps_level: np.ndarray
    draws: int
    concentration: float
    seed: int | None
    basis: object


def _drawn_weights(rng, base, concentration, count):
    """Dirichlet(concentration * base) draws (count, *base.shape) via normalised gammas; an
    indicator with weight 0 keeps 0."""
    gammas = rng.gamma(concentration * base, size=(count,) + base.shape)
    return gammas / gammas.sum(axis=-1, keepdims=True)


def weight_sensitivity(panel: PanelArrays, settings: Settings | None = None, *, draws=1000,
                       concentration=100.0, seed=DEFAULT_SEED, basis="mean") -> WeightSensitivity:
    """Each unit's 5-95 % rank interval and how often it keeps its level under Dirichlet draws
    of the entropy weights (mean = the entropy weights; larger concentration, closer draws).

    TOPSIS distances of every draw come from one matrix product per batch of draws:
    D+ = sqrt(((y - y_max)^2) @ w^2), since the weighted ideal is w times y's ideal.
    """
    s = (settings or Settings()).checked()
    if (isinstance(draws, bool) or not float(draws).is_integer()
            or not 1 <= draws <= MAX_REPLICATES):
        raise InputError(f"draws must be a whole number from 1 to {MAX_REPLICATES:,}; "
                         f"got {draws!r}")
    if not (0 < float(concentration) < np.inf):
        raise InputError(f"concentration must be a number > 0; got {concentration!r}")
    y = normalised_panel(panel, s)
    base = weights_kernel(_batches(y, s.weighting), "entropy")        # (1 or T, m)
    if (base.sum(axis=-1) <= 0).any():
        raise InputError("every indicator is constant; entropy weights are undefined")
    t = _basis_index(panel, basis)
    axis = (0, 1) if s.ideal == "pooled" else 0
    by_year = y.transpose(1, 0, 2)                                      # (T, U, m)
    far = (by_year - y.max(axis=axis, keepdims=True).transpose(1, 0, 2)) ** 2
    near = (by_year - y.min(axis=axis, keepdims=True).transpose(1, 0, 2)) ** 2

    def product(cube, w):
        """cube (T, U, m) times w (T or 1, m, b): one BLAS product when w is one matrix."""
        if w.shape[0] == 1:
            return (cube.reshape(-1, cube.shape[-1]) @ w[0]).reshape(*cube.shape[:2], -1)
        return cube @ w

    def index(w):                                                      # w (T or 1, m, b)
        years = slice(None) if t is None else slice(t, t + 1)   # only the ranked year
        w = w[years] if w.shape[0] > 1 else w
        if s.score == "weighted_sum":
            return product(by_year[years], w).mean(axis=0)
        squared = w * w
        d_plus, d_minus = product(far[years], squared), product(near[years], squared)
        np.sqrt(d_plus, out=d_plus)
        np.sqrt(d_minus, out=d_minus)
        d_plus += d_minus                     # the spread D+ + D-; 0 only where both are 0
        np.divide(d_minus, d_plus, out=d_minus, where=d_plus > 0)
        return d_minus.mean(axis=0)

    n_units = y.shape[0]
    point = index(base[:, :, None])[:, 0]
    rank = ranks_with_ties(point[:, None])[:, 0]
    level = level_codes(rank, n_units)
    rng = np.random.default_rng(seed)
    per_batch = max(1, _CELLS_PER_BATCH // y[..., 0].size)
    all_ranks = np.empty((n_units, int(draws)), dtype=np.int64)
    for start in range(0, int(draws), per_batch):
        count = min(per_batch, int(draws) - start)
        w = _drawn_weights(rng, base, float(concentration), count)      # (b, T or 1, m)
        all_ranks[:, start:start + count] = ranks_with_ties(index(w.transpose(1, 2, 0)))
    low, high = np.quantile(all_ranks, [0.05, 0.95], axis=1, method="inverted_cdf")
    keeps = (level_codes(all_ranks, n_units) == level[:, None]).mean(axis=1)
    return WeightSensitivity(list(panel.units), rank, low, high, keeps, int(draws),
                             float(concentration), seed,
                             "mean" if t is None else panel.years[t])
