"""How units move between levels: traditional and spatial Markov chains of a unit x year
panel (Rey 2001; Le Gallo 2004), with the homogeneity tests of the spatial chain
(Bickenbach & Bode 2003). docs/formulas.md gives each formula."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .special import chi2_sf

CLASS_RULES = ("pooled", "per_year")


def quantile_classes(values, k, rule="pooled"):
    """Class 0..k-1 of every value by k quantiles: class i holds values in (q_i, q_{i+1}],
    with q the 100/k, 200/k, ... % points (linear interpolation), over all unit-years
    (``rule="pooled"``, fixed breaks) or within each year (columns). Returns classes (n, t)
    and the pooled breaks (None per year).

    >>> quantile_classes([[1, 5], [2, 6], [3, 7], [4, 8]], 2)[0].tolist()
    [[0, 1], [0, 1], [0, 1], [0, 1]]
    """
    y = np.asarray(values, dtype=float)
    k = int(k)
    if k < 2:
        raise InputError(f"the number of classes must be at least 2; got {k}")
    points = np.arange(1, k + 1) * (100.0 / k)
    points[-1] = 100.0

    def classes_of(sample, where):
        if sample.size < k:
            raise InputError(f"{sample.size} values{where} cannot form {k} quantile classes; "
                             "choose fewer classes")
        breaks = np.percentile(sample, points)
        if len(np.unique(breaks)) < k:
            raise InputError(f"too many equal values{where} to form {k} quantile classes; "
                             "choose fewer classes")
        return np.searchsorted(breaks, sample, side="left"), breaks

    if rule == "pooled":
        ids, breaks = classes_of(y.ravel(), "")
        return ids.reshape(y.shape), breaks[:-1]
    if rule != "per_year":
        raise InputError(f"class rule {rule!r}; expected pooled or per year")
    return np.stack([classes_of(col, f" in column {j + 1}")[0]
                     for j, col in enumerate(y.T)], axis=1), None


def transition_counts(class_ids, k, condition=None, m=1):
    """Counts (m, k, k) of moves from class i at t to class j at t + 1, split by the
    ``condition`` class (n, t) at t (one matrix without a condition)."""
    ids = np.asarray(class_ids)
    start, end = ids[:, :-1].ravel(), ids[:, 1:].ravel()
    cond = np.zeros_like(start) if condition is None else np.asarray(condition)[:, :-1].ravel()
    flat = np.bincount((cond * k + start) * k + end, minlength=m * k * k)
    return flat.reshape(m, k, k).astype(float)


def row_probabilities(counts):
    """Counts divided by their row sums (a row never left from stays 0)."""
    rows = counts.sum(axis=-1, keepdims=True)
    return counts / np.where(rows > 0, rows, 1.0)


def reachability(p) -> np.ndarray:
    """reach[i, j]: state i reaches state j in zero or more steps."""
    k = len(p)
    reach = (p > 0) | np.eye(k, dtype=bool)
    for _ in range(int(np.ceil(np.log2(max(k, 2)))) + 1):
        reach = reach | ((reach.astype(float) @ reach.astype(float)) > 0)
    return reach


def recurrent_classes(p) -> list[np.ndarray]:
    """The closed communicating classes (states that reach only states reaching them back)."""
    reach = reachability(p)
    recurrent = (reach <= reach.T).all(axis=1)
    rows = {tuple(np.flatnonzero(reach[i])) for i in np.flatnonzero(recurrent)}
    return [np.array(r) for r in sorted(rows)]


def steady_state(p) -> np.ndarray:
    """The stationary distribution pi = pi P of a chain with one recurrent class R: on R,
    pi_R (I - P_RR + 1) = 1; 0 on the transient states."""
    (closed,) = recurrent_classes(p)
    sub = p[np.ix_(closed, closed)]
    pi = np.zeros(len(p))
    pi[closed] = np.linalg.solve((np.eye(len(closed)) - sub + 1.0).T, np.ones(len(closed)))
    return pi


def mean_passage_times(p, pi) -> np.ndarray:
    """First mean passage times M (Kemeny & Snell 1976, 4.4.7): M = (I - Z + 1 Z_dg) D, with
    Z = (I - P + 1 pi)^-1 and D = diag(1 / pi); the diagonal is the mean recurrence time."""
    k = len(p)
    z = np.linalg.inv(np.eye(k) - p + np.outer(np.ones(k), pi))
    return (np.eye(k) - z + np.outer(np.ones(k), np.diag(z))) / pi[None, :]


@dataclass(frozen=True)
class MarkovChain:
    """Transitions between k classes from one year to the next, pooled over years.

    ``counts`` and ``probabilities`` (k, k): from the row's class to the column's;
    ``steady_state`` (k,) and ``passage_times`` (k, k) when every class reaches every other
    (None otherwise, and ``warnings`` says why); ``initial`` and ``final`` (k,): the shares
    of units in each class in the first and last year.
    """

    counts: np.ndarray
    probabilities: np.ndarray
    steady_state: np.ndarray | None
    passage_times: np.ndarray | None
    initial: np.ndarray
    final: np.ndarray
    class_ids: np.ndarray
    breaks: np.ndarray | None
    warnings: list[str] = field(default_factory=list)


def _chain(class_ids, k, breaks=None) -> MarkovChain:
    counts = transition_counts(class_ids, k)[0]
    p = row_probabilities(counts)
    initial, final = (np.bincount(class_ids[:, c], minlength=k) / len(class_ids)
                      for c in (0, -1))

    def made(pi=None, times=None, why=None):
        return MarkovChain(counts, p, pi, times, initial, final, class_ids, breaks,
                           [why] if why else [])

    # Classes never seen at all (a type no unit has) are left out of the chain's long run.
    seen = (counts.sum(axis=1) > 0) | (counts.sum(axis=0) > 0)
    if (counts.sum(axis=1)[seen] == 0).any():
        return made(why="some classes are entered but never left in the data (no row of "
                        "transitions); no steady state is given")
    sub = p[np.ix_(seen, seen)]
    closed = recurrent_classes(sub)
    if len(closed) > 1:
        return made(why=f"the chain has {len(closed)} separate recurrent groups of classes; "
                        "no single steady state is given")
    pi = np.zeros(k)
    pi[seen] = steady_state(sub)
    unseen = "" if seen.all() else f"; {int((~seen).sum())} classes never occur (steady state 0)"
    if len(closed[0]) < seen.sum():
        return made(pi, why="some classes are never re-entered once left (transient); the "
                            "steady state is 0 there and first passage times are not given"
                            + unseen)
    if not seen.all():
        return made(pi, why="first passage times are not given" + unseen)
    return made(pi, mean_passage_times(p, pi))


def _checked_panel(values):
    y = np.asarray(values, dtype=float)
    if y.ndim != 2 or y.shape[1] < 2 or y.shape[0] < 2:
        raise InputError("a Markov chain needs at least 2 units and 2 years of values")
    if not np.isfinite(y).all():
        raise InputError("the values have gaps or non-numbers")
    return y


def markov_chain(values, k=4, rule="pooled") -> MarkovChain:
    """Traditional Markov chain of values (units x years) in k quantile classes, over all
    unit-years (fixed breaks; the default, as the spatial chain) or within each year
    (``rule="per_year"``: relative positions). Per year, every year has the same class
    shares, and so has the steady state: only the moves themselves say something.

    >>> chain = markov_chain([[1, 2, 3], [2, 1, 4], [3, 4, 1], [4, 3, 2]], k=2, rule="per_year")
    >>> chain.counts.tolist(), chain.steady_state.round(4).tolist()
    ([[2.0, 2.0], [2.0, 2.0]], [0.5, 0.5])
    """
    y = _checked_panel(values)
    ids, breaks = quantile_classes(y, k, rule)
    return _chain(ids, int(k), breaks)


def class_chain(class_ids, k) -> MarkovChain:
    """Markov chain of given classes 0..k-1 (units x years), e.g. the nine types."""
    ids = np.asarray(class_ids)
    if ids.ndim != 2 or ids.shape[1] < 2:
        raise InputError("a Markov chain needs at least 2 years of classes")
    return _chain(ids.astype(int), int(k))


@dataclass(frozen=True)
class SpatialMarkov:
    """Transitions conditioned on the class of the neighbours' spatial lag at the start.

    ``counts`` and ``probabilities`` (k, k, k): [lag class, from, to]; ``chain``: the
    unconditioned chain; ``q``/``lr`` with ``q_p``/``lr_p`` and ``dof``: the homogeneity
    tests (H0: the same transitions whatever the neighbours' class).
    """

    counts: np.ndarray
    probabilities: np.ndarray
    chain: MarkovChain
    lag_class_ids: np.ndarray
    q: float
    q_p: float
    lr: float
    lr_p: float
    dof: int


def homogeneity(counts):
    """Q and LR statistics, degrees of freedom (Bickenbach & Bode 2003, as in PySAL's giddy)
    of conditional counts (m, k, k) against their pooled transition probabilities."""
    pooled = counts.sum(axis=0)
    p = row_probabilities(pooled)
    from_counts = counts.sum(axis=-1)                                   # (m, k)
    p_cond = row_probabilities(counts)
    q = float((from_counts[..., None] * (p_cond - p) ** 2
               / np.where(p > 0, p, 1.0)).sum())
    used = (counts > 0) & (p > 0)
    ratio = np.where(used, p_cond, 1.0) / np.where(used, p, 1.0)
    lr = float(2.0 * (counts * np.log(ratio)).sum())
    regimes = (from_counts > 0).sum(axis=0)                             # b_i
    cells = (pooled > 0).sum(axis=1)                                    # A_i
    dof = int(((regimes - 1) * (cells - 1)).sum())
    return q, lr, dof


def spatial_markov(values, w, k=4) -> SpatialMarkov:
    """Spatial Markov chain of values (units x years) in k pooled quantile classes,
    conditioned on k pooled quantile classes of the spatial lag W y (W row-standardised).
    """
    y = _checked_panel(values)
    w = np.asarray(w, dtype=float)
    if w.shape != (len(y), len(y)):
        raise InputError(f"the weights are {w.shape[0]} x {w.shape[1]}; expected one row and "
                         f"column per unit ({len(y)})")
    return spatial_markov_of_lag(y, w @ y, k)


def spatial_markov_of_lag(values, lag, k=4) -> SpatialMarkov:
    """``spatial_markov`` given the spatial lag (units x years) itself (from a sparse W)."""
    y = _checked_panel(values)
    ids, breaks = quantile_classes(y, k)
    lag_ids, _ = quantile_classes(np.asarray(lag, dtype=float), k)
    counts = transition_counts(ids, int(k), lag_ids, int(k))
    q, lr, dof = homogeneity(counts)
    if dof <= 0:
        raise InputError("the spatial Markov test has no degrees of freedom: every start "
                         "class is seen in one neighbourhood class only")
    return SpatialMarkov(counts, row_probabilities(counts), _chain(ids, int(k), breaks),
                         lag_ids, q, chi2_sf(q, dof), lr, chi2_sf(lr, dof), dof)
