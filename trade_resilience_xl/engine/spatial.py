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


@dataclass(frozen=True)
class Contiguity:
    """Row-standardised binary contiguity kept sparse, in compressed-row form: unit i's
    neighbours are ``neighbour[start[i]:start[i + 1]]`` (ascending), each weighing
    1 / ``cards[i]``. Memory and work grow with the borders, not with n² (a county list of
    3,000 units has some 20,000 entries where a dense matrix has 9 million)."""

    start: np.ndarray          # (n + 1,) offsets into ``neighbour``
    neighbour: np.ndarray      # (entries,) column of each entry
    cards: np.ndarray          # (n,) neighbours per unit; 0 for an island
    islands: list

    @property
    def row(self) -> np.ndarray:
        """The row (unit) of each entry."""
        return np.repeat(np.arange(self.cards.size), self.cards)

    @property
    def weight(self) -> np.ndarray:
        """Each entry's weight 1 / cards of its row."""
        return np.repeat(1.0 / np.maximum(self.cards, 1), self.cards)

    def lag(self, z: np.ndarray) -> np.ndarray:
        """W z for z of shape (n,) or (n, T): the mean over each unit's neighbours, 0 for an
        island (an empty row)."""
        out = np.zeros(z.shape)
        has = self.cards > 0
        if self.neighbour.size:
            # reduceat over the non-empty rows only: their starts are strictly increasing.
            weighted = z[self.neighbour] * self.weight.reshape((-1,) + (1,) * (z.ndim - 1))
            out[has] = np.add.reduceat(weighted, self.start[:-1][has], axis=0)
        return out


def row_standardised(units, pairs) -> Contiguity:
    """Row-standardised symmetric contiguity over ``units`` (sparse) and its islands.

    Pairs naming a unit not among ``units`` are dropped (a subset of the provinces keeps
    the borders among themselves); a pair of a unit with itself is refused.
    """
    index = {u: i for i, u in enumerate(units)}
    n = len(units)
    links = []
    for k, (a, b) in enumerate(pairs):
        if a == b:
            raise InputError(f"neighbour pair {k + 1} links {a} with itself", row=k)
        if a in index and b in index:
            links.append((index[a], index[b]))
    edges = np.array(links, dtype=np.intp).reshape(-1, 2)
    both = np.unique(np.concatenate([edges, edges[:, ::-1]]), axis=0)   # sorted, no repeats
    cards = np.bincount(both[:, 0], minlength=n)
    start = np.concatenate([[0], np.cumsum(cards)])
    islands = [units[i] for i in np.flatnonzero(cards == 0)]
    return Contiguity(start, both[:, 1], cards, islands)


# ---------------------------------------------------------------------------- kernels
def _pseudo_p(permuted, observed, tol):
    """esda's folded pseudo p: the smaller tail on the side of the observed value."""
    count = (permuted >= observed - tol).sum(axis=0)
    reps = permuted.shape[0]
    return (np.minimum(count, reps - count) + 1.0) / (reps + 1.0)


# Gathered neighbour values per block of permutations: bounds memory at about 24 MB.
_BLOCK_VALUES = 3_000_000


def moran_kernel(x: np.ndarray, w: Contiguity, order: np.ndarray):
    """Global I of each column of ``x`` (units, years) and its pseudo p over the row orders
    ``order`` (permutations, units), shared by all columns."""
    n, years = x.shape
    weight = w.weight
    s0 = weight.sum()
    z = x - x.mean(axis=0)
    zz = (z * z).sum(axis=0)
    observed = (n / s0) * (z * w.lag(z)).sum(axis=0) / zz
    # z'Wz of a permuted z is a sum over the entries (i, j) of W: w_ij z[order[i]] z[order[j]];
    # W's pattern is symmetric, so each border once with w_ij + w_ji (half the work).
    row, col = w.row, w.neighbour
    once = row < col
    row, col, both = row[once], col[once], weight[once] + 1.0 / w.cards[col[once]]
    permuted = np.empty((order.shape[0], years))
    block = max(1, _BLOCK_VALUES // max(row.size * years, 1))
    for first in range(0, order.shape[0], block):
        rows = order[first:first + block]
        pairs = z[rows[:, row]] * z[rows[:, col]]                    # (b, borders, T)
        permuted[first:first + block] = np.matmul(both, pairs)       # (b, T)
    permuted *= (n / s0) / zz
    tol = 1e-12 * np.maximum(np.abs(observed), 1e-300)
    return observed, _pseudo_p(permuted, observed, tol)


def local_moran_kernel(x: np.ndarray, w: Contiguity, draws: np.ndarray):
    """Local I, quadrant codes (0..3 as QUADRANTS; -1 for islands) and conditional-
    randomisation pseudo p (NaN for islands) of one vector ``x`` (units,).

    ``draws`` (permutations, >= max neighbours) are positions among the other n - 1 units,
    as esda draws them: unit i's k-th permutation takes the values at draws[k, :c_i]
    (position d is unit d + (d >= i): unit i itself left out). Equal weights per row
    (row-standardised binary contiguity) make the lag their mean.
    """
    n = x.shape[0]
    z = x - x.mean()
    zz = (z * z).sum()
    lag = w.lag(z)
    local = (n - 1) * z * lag / zz
    quadrant = np.where(z > 0, np.where(lag > 0, 0, 3), np.where(lag > 0, 1, 2))
    cards = w.cards
    # Running sums draw by draw (the order a cumulative sum adds in), each unit up to its
    # own count: memory (n, permutations), never (n, n).
    total = np.zeros((n, draws.shape[0]))
    for k in range(int(cards.max())):
        units = np.flatnonzero(cards > k)
        position = draws[None, :, k]
        total[units] += z[position + (position >= units[:, None])]
    island = cards == 0
    lag_perm = total / np.maximum(cards, 1)[:, None]                          # (n, P)
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
    w = row_standardised(units, pairs)
    if len(w.islands) == n:
        raise InputError("no unit has a neighbour among the units given; Moran's I is undefined")
    return x, w, w.islands


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
