"""Rank bands and the nine resilience types of the paper's Table 4."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import as_matrix
from .errors import InputError

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
    ranks = np.stack([np.searchsorted(np.sort(-col), -col, side="left") + 1 for col in arr.T], axis=1)
    third = n // 3
    levels = np.where(ranks <= third, "high", np.where(ranks <= n - third, "medium", "low"))
    return ranks, levels


def type_names(reconstruction_level, resistance_level):
    """English and Chinese type names, e.g. ('High reconstruction, low resistance', '构高抗低型')."""
    en = f"{reconstruction_level.capitalize()} reconstruction, {resistance_level} resistance"
    zh = f"构{LEVELS_ZH[reconstruction_level]}抗{LEVELS_ZH[resistance_level]}型"
    return en, zh


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
    type, named from the second dimension (reconstruction) and the first (resistance);
    ``cutoffs`` gives each dimension's score lines between the bands."""

    rank: np.ndarray
    level: np.ndarray
    type_en: list | None
    type_zh: list | None
    cutoffs: list = None   # per dimension: (high|medium, medium|low) score lines


def classify(scores, *, unit_labels=None) -> Classification:
    """Rank units on each dimension's score (columns), band the ranks, name the nine types.

    Columns are dimensions in the order of the indicator system: the first is resistance and
    resilience, the second reconstruction ability, as in the paper.

    >>> c = classify([[0.9, 0.8], [0.5, 0.1], [0.1, 0.5]])
    >>> c.level.tolist(), c.type_zh
    ([['high', 'high'], ['medium', 'low'], ['low', 'medium']], ['构高抗高型', '构低抗中型', '构中抗低型'])
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
    names = {(a, b): type_names(b, a) for a in LEVELS for b in LEVELS}  # 9 names, built once
    pairs = [names[resist, recon] for resist, recon in levels.tolist()]
    return Classification(ranks, levels, [en for en, _ in pairs], [zh for _, zh in pairs], cutoffs)
