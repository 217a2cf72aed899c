"""Spatial autocorrelation of an index: global Moran's I by year and local Moran (LISA).

Weights are binary contiguity, row-standardised (each unit's neighbours share weight 1).
A unit without neighbours (an island) keeps a zero row, as PySAL does: its spatial lag is 0,
its local I is 0 and it has no quadrant or p-value; S0 counts the other rows only.

Global I = (n / S0) z'Wz / z'z with z = x - mean. Local I_i = (n - 1) z_i (Wz)_i / z'z (esda's
scaling). Inference by permutation as PySAL esda: the global test shuffles all values; the
local test holds unit i fixed and draws its neighbours' values from the other n - 1 units
(conditional randomisation). Both p-values are esda's pseudo p: (1 + the smaller tail
count) / (permutations + 1), the tail on the side of the observed value.

``seed`` as in ``permutation.permutation_indices``: an int seeds a vectorised Generator
draw; a ``numpy.random.RandomState`` (or None: NumPy's global generator) is drawn in esda's
own order, one permutation after another, so the same seed reproduces esda's p-values.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .errors import InputError
from .permutation import permutation_indices

QUADRANTS = ("HH", "LH", "LL", "HL")   # esda's q = 1..4: z and its lag above/below 0
CONTIGUITY_CSV = "china_contiguity.csv"


# ---------------------------------------------------------------------------- weights
def china_contiguity() -> list[tuple[str, str, str, str]]:
    """The shipped contiguity of China's 31 provinces: (unit, neighbour, unit_zh,
    neighbour_zh) pairs, each border once (derived by tools/derive_contiguity.py; Hainan
    linked to Guangdong by convention)."""
    data = resources.files("trade_resilience_xl") / "data" / CONTIGUITY_CSV
    with data.open("r", encoding="utf-8") as handle:
        return [(r["unit"], r["neighbour"], r["unit_zh"], r["neighbour_zh"])
                for r in csv.DictReader(handle)]


def builtin_pairs(units) -> list[tuple[str, str]] | None:
    """The shipped pairs in the names ``units`` use (English or Chinese, as in the paper),
    or None when the units are not all China's provinces."""
    table = china_contiguity()
    for pick in ((0, 1), (2, 3)):
        names = {row[pick[0]] for row in table} | {row[pick[1]] for row in table}
        if set(units) <= names:
            return [(row[pick[0]], row[pick[1]]) for row in table]
    return None


def neighbour_lists(units, pairs) -> dict[str, list[str]]:
    """{unit: [neighbours]} among ``units`` (PySAL's ``W`` takes this dict as it is)."""
    lists: dict[str, list[str]] = {u: [] for u in units}
    for a, b in pairs:
        if a in lists and b in lists and b not in lists[a]:
            lists[a].append(b)
            lists[b].append(a)
    return lists


def row_standardised(units, pairs) -> tuple[np.ndarray, list[str]]:
    """Row-standardised symmetric contiguity matrix over ``units`` and the islands.

    Pairs naming a unit not among ``units`` are dropped (a subset of the provinces keeps
    the borders among themselves); a pair of a unit with itself is refused.
    """
    index = {u: i for i, u in enumerate(units)}
    n = len(units)
    adjacency = np.zeros((n, n))
    for k, (a, b) in enumerate(pairs):
        if a == b:
            raise InputError(f"neighbour pair {k + 1} links {a} with itself", row=k)
        if a in index and b in index:
            adjacency[index[a], index[b]] = adjacency[index[b], index[a]] = 1.0
    degree = adjacency.sum(axis=1)
    islands = [units[i] for i in np.flatnonzero(degree == 0)]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(degree[:, None] > 0, adjacency / degree[:, None], 0.0)
    return w, islands


# ---------------------------------------------------------------------------- kernels
def _pseudo_p(permuted, observed, tol):
    """esda's folded pseudo p: the smaller tail on the side of the observed value."""
    count = (permuted >= observed - tol).sum(axis=0)
    reps = permuted.shape[0]
    return (np.minimum(count, reps - count) + 1.0) / (reps + 1.0)


def moran_kernel(x: np.ndarray, w: np.ndarray, order: np.ndarray):
    """Global I of each column of ``x`` (units, years) and its pseudo p over the row orders
    ``order`` (permutations, units), shared by all columns."""
    n = x.shape[0]
    s0 = w.sum()
    z = x - x.mean(axis=0)
    zz = (z * z).sum(axis=0)
    observed = (n / s0) * np.einsum("it,ij,jt->t", z, w, z) / zz
    zp = z[order]                                              # (P, n, T)
    # One batched matrix product for every lag (BLAS), about 3x an einsum over p, i, j, t.
    permuted = (n / s0) * (zp * np.matmul(w, zp)).sum(axis=1) / zz
    tol = 1e-12 * np.maximum(np.abs(observed), 1e-300)
    return observed, _pseudo_p(permuted, observed, tol)


def local_moran_kernel(x: np.ndarray, w: np.ndarray, draws: np.ndarray):
    """Local I, quadrant codes (0..3 as QUADRANTS; -1 for islands) and conditional-
    randomisation pseudo p (NaN for islands) of one vector ``x`` (units,).

    ``draws`` (permutations, >= max neighbours) are positions among the other n - 1 units,
    as esda draws them: unit i's k-th permutation takes the values at draws[k, :c_i].
    Equal weights per row (row-standardised binary contiguity) make the lag their mean.
    """
    n = x.shape[0]
    z = x - x.mean()
    zz = (z * z).sum()
    lag = w @ z
    local = (n - 1) * z * lag / zz
    quadrant = np.where(z > 0, np.where(lag > 0, 0, 3), np.where(lag > 0, 1, 2))
    cards = (w > 0).sum(axis=1)
    others = np.array([np.delete(z, i) for i in range(n)])     # (n, n-1): z without unit i
    k = max(int(cards.max()), 1)
    picked = others[:, draws[:, :k]]                           # (n, P, k)
    running = np.cumsum(picked, axis=2)
    island = cards == 0
    take = np.maximum(cards, 1) - 1
    lag_perm = running[np.arange(n), :, take] / np.maximum(cards, 1)[:, None]   # (n, P)
    permuted = ((n - 1) * z[:, None] * lag_perm / zz).T                       # (P, n)
    tol = 1e-12 * np.maximum(np.abs(local), 1e-300)
    p = _pseudo_p(permuted, local, tol)
    quadrant = np.where(island, -1, quadrant)
    return local, lag, quadrant, np.where(island, np.nan, p)


# ---------------------------------------------------------------------------- fronts
@dataclass(frozen=True)
class GlobalMoran:
    """Moran's I per column, its expectation -1/(n-1) and pseudo p (None without
    permutations); ``islands`` are units with no neighbour."""

    moran_i: np.ndarray
    expected: float
    p_value: np.ndarray | None
    permutations: int
    islands: list


@dataclass(frozen=True)
class LocalMoran:
    """Per unit: local I, spatial lag of the centred value, quadrant ("HH", "LH", "LL", "HL";
    "" for an island) and pseudo p (NaN for an island, which has no neighbours to draw)."""

    local_i: np.ndarray
    lag: np.ndarray
    quadrant: list
    p_value: np.ndarray | None       # None without permutations
    permutations: int
    islands: list


def _checked(x, units, pairs, column_labels):
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise InputError("the index must be a units x years table")
    n = x.shape[0]
    if n < 3:
        raise InputError(f"spatial autocorrelation needs at least 3 units; got {n}")
    units = [str(u) for u in units] if units is not None else [f"unit {i + 1}" for i in range(n)]
    if len(units) != n:
        raise InputError(f"{len(units)} unit names for {n} rows of the index")
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        r, c = (int(v) for v in bad[0])
        raise InputError(f"the index of {units[r]} is missing or not a number", row=r,
                         column=c, unit=units[r])
    flat = np.ptp(x, axis=0) == 0
    if flat.any():
        t = int(np.argmax(flat))
        # Without labels the front names the column itself (e.g. "scores column 2").
        year = None if column_labels is None else list(column_labels)[t]
        when = "" if year is None else f" in {year}"
        raise InputError(f"the index is the same for every unit{when}; Moran's I is undefined",
                         column=t, year=year)
    w, islands = row_standardised(units, pairs)
    if len(islands) == n:
        raise InputError("no unit has a neighbour among the units given; Moran's I is undefined")
    return x, w, islands


def _count(permutations):
    if isinstance(permutations, bool) or not float(permutations).is_integer() or permutations < 0:
        raise InputError(f"permutations must be a whole number >= 0; got {permutations!r}")
    return int(permutations)


def global_moran(x, units, pairs, permutations=999, *, seed=None,
                 column_labels=None) -> GlobalMoran:
    """Global Moran's I of each column of ``x`` (units x years) with the contiguity
    ``pairs`` (unit names; each border once or twice), and its permutation pseudo p."""
    x, w, islands = _checked(x, units, pairs, column_labels)
    reps = _count(permutations)
    n = x.shape[0]
    order = permutation_indices(n, reps, seed) if reps else np.arange(n)[None, :]
    observed, p = moran_kernel(x, w, order)
    return GlobalMoran(observed, -1.0 / (n - 1), p if reps else None, reps, islands)


def local_moran(x, units, pairs, permutations=999, *, seed=None) -> LocalMoran:
    """Local Moran (LISA) of one vector ``x`` (one value per unit): I_i, quadrant and the
    conditional-randomisation pseudo p."""
    x, w, islands = _checked(np.asarray(x, dtype=float).ravel(), units, pairs, None)
    reps = _count(permutations)
    n = x.shape[0]
    draws = permutation_indices(n - 1, max(reps, 1), seed)
    local, lag, quadrant, p = local_moran_kernel(x[:, 0], w, draws)
    names = [QUADRANTS[q] if q >= 0 else "" for q in quadrant]
    return LocalMoran(local, lag, names, p if reps else None, reps, islands)
