"""Rank bands and the nine types of two dimensions (the paper's Table 4 names its own)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..paper import RECONSTRUCTION, RESISTANCE
from .errors import InputError
from .validation import as_matrix

LEVELS = ("high", "medium", "low")
LEVELS_ZH = {"high": "高", "medium": "中", "low": "低"}


def rank_levels(scores):
    """Ranks (1 = highest; ties share the best rank) and levels of each column of ``scores``.

    With n units, ranks 1..floor(n/3) are high, up to n - floor(n/3) medium, the rest low (31
    units: 1-10, 11-21, 22-31). The paper's printed bands overlap; this rule does not.
    """
    arr = np.asarray(scores, dtype=float)
    n = arr.shape[0]
    # Rank = 1 + number of strictly higher scores (ties share the best rank).
    ranks = np.stack([np.searchsorted(np.sort(-col), -col, side="left") + 1 for col in arr.T],
                     axis=1)
    third = n // 3
    levels = np.where(ranks <= third, "high", np.where(ranks <= n - third, "medium", "low"))
    return ranks, levels


def is_paper_pair(first: str, second: str) -> bool:
    """Whether two dimension names are the paper's two (in either order, any case)."""
    return {first.casefold(), second.casefold()} == {RESISTANCE.name.casefold(),
                                                      RECONSTRUCTION.name.casefold()}


def type_names(first_level, second_level, dimensions=None, short_zh=None):
    """English and Chinese name of the type with ``first_level`` on the first dimension and
    ``second_level`` on the second; the Chinese name is None when no Chinese label is known.

    ``dimensions``: the two dimension names (default: the paper's). For the paper's two the
    paper's names come back (reconstruction first, e.g. 'High reconstruction, low
    resistance', '构高抗低型'), whichever order they stand in; otherwise names are built from
    the dimension names, e.g. 'High Economic base, low Tobacco control', and, with short
    Chinese labels ``short_zh`` such as ('经济', '控烟'), '经济高控烟低型'.

    >>> type_names("low", "high")
    ('High reconstruction, low resistance', '构高抗低型')
    >>> type_names("high", "low", ("Economic base", "Tobacco control"), ("经济", "控烟"))
    ('High Economic base, low Tobacco control', '经济高控烟低型')
    """
    first, second = dimensions or (RESISTANCE.name, RECONSTRUCTION.name)
    if is_paper_pair(first, second):
        resist, recon = ((first_level, second_level)
                         if first.casefold() == RESISTANCE.name.casefold()
                         else (second_level, first_level))
        return (f"{recon.capitalize()} reconstruction, {resist} resistance",
                f"构{LEVELS_ZH[recon]}抗{LEVELS_ZH[resist]}型")
    en = f"{first_level.capitalize()} {first}, {second_level} {second}"
    if not short_zh or not all(short_zh):
        return en, None
    return en, f"{short_zh[0]}{LEVELS_ZH[first_level]}{short_zh[1]}{LEVELS_ZH[second_level]}型"


def band_cutoffs(scores, levels):
    """Where the high|medium and medium|low lines lie on one dimension's scores: midpoints
    between the adjacent bands' nearest scores (None where a band is empty)."""
    scores, levels = np.asarray(scores, dtype=float), np.asarray(levels)

    def between(upper, lower):
        a, b = scores[levels == upper], scores[levels == lower]
        return float(a.min() + b.max()) / 2 if len(a) and len(b) else None

    return between("high", "medium"), between("medium", "low")


@dataclass(frozen=True)
class Classification:
    """Per unit and dimension: ``rank`` and ``level`` (n x D); with exactly two dimensions also the
    type names (``type_names``; ``type_zh`` None when no Chinese name is known);
    ``cutoffs`` gives each dimension's score lines between the bands."""

    rank: np.ndarray                  # (n, D) int, 1 = best
    level: np.ndarray                 # (n, D) "high" | "medium" | "low"
    type_en: list[str] | None         # n type names (two dimensions only)
    type_zh: list[str] | None         # n Chinese type names, None when none is known
    # per dimension: the (high|medium, medium|low) score lines between the bands
    cutoffs: list[tuple[float, float]] = field(default_factory=list)


def classify(scores, *, unit_labels=None, dimensions=None, short_zh=None) -> Classification:
    """Rank units on each dimension's score (columns), band the ranks, name the nine types.

    Columns are dimensions in the order of the indicator system; ``dimensions`` names them
    (default: the paper's resistance and resilience, then reconstruction ability) and
    ``short_zh`` optionally gives short Chinese labels for the Chinese type names.

    >>> c = classify([[0.9, 0.8], [0.5, 0.1], [0.1, 0.5]])
    >>> c.level.tolist()
    [['high', 'high'], ['medium', 'low'], ['low', 'medium']]
    >>> c.type_zh
    ['构高抗高型', '构低抗中型', '构中抗低型']
    """
    arr = as_matrix(scores, "scores", ndim=1, row_labels=unit_labels, row_word="unit")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] < 3:
        raise InputError(f"classification needs at least 3 units; it has {arr.shape[0]}")
    ranks, levels = rank_levels(arr)
    cutoffs = [band_cutoffs(arr[:, j], levels[:, j]) for j in range(arr.shape[1])]
    if arr.shape[1] != 2:
        return Classification(ranks, levels, None, None, cutoffs)
    names = {(a, b): type_names(a, b, dimensions, short_zh)
             for a in LEVELS for b in LEVELS}  # 9 names, built once
    pairs = [names[first, second] for first, second in levels.tolist()]
    zh = [z for _, z in pairs]
    return Classification(ranks, levels, [en for en, _ in pairs],
                          None if zh[0] is None else zh, cutoffs)
