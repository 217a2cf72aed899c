"""Generalised entropy inequality GE(alpha): Theil T (alpha = 1), Theil L (alpha = 0), and their
exact decomposition into within- and between-group parts, optionally population weighted."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import InputError
from .groups import PerColumn, check_alpha, group_sums, grouped_values, no_inequality_warnings, out


def _xlogx(r):
    return np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)


def _ge_terms(r, alpha):
    """Per-unit terms whose f-weighted sum is GE(alpha) for relative values r = x / mean."""
    if alpha == 1.0:
        return _xlogx(r)
    if alpha == 0.0:
        return -np.log(r)
    return (r ** alpha - 1.0) / (alpha * (alpha - 1.0))


def between_from_sums(v, fx, mean, alpha):
    """Between-group GE(alpha) from group population shares v and sums fx (both (..., G, k)).

    Kept apart so that the permutation test can evaluate thousands of relabelled panels at once.
    """
    mean_g = fx / np.where(v > 0, v, 1.0)
    rel = mean_g / mean
    if alpha == 1.0:
        return (v * _xlogx(rel)).sum(axis=-2)
    if alpha == 0.0:
        return -(v * np.log(rel)).sum(axis=-2)
    return ((v * rel ** alpha).sum(axis=-2) - 1.0) / (alpha * (alpha - 1.0))


@dataclass(frozen=True)
class TheilResult:
    """A GE(alpha) index and its decomposition by group (total = within + between exactly).

    Shapes: for one column of values (n units) the totals are floats and per-group fields
    have length G; for an n x k panel (one column per year) the totals are arrays of length k
    and per-group fields k x G.

    Attributes
    ----------
    measure : "T", "L" or "GE(alpha)".
    total, within, between : the index and its two parts.
    within_share, between_share : within / total and between / total (NaN-free: 0 when the
        total is 0).
    groups : the G group labels, in order of first appearance.
    group_index : each group's own index.
    group_contribution : each group's within term divided by the total.
    value_share, pop_share : each group's share of the weighted total value and of the
        population.
    warnings : plain-language notes (e.g. no inequality in a column).
    """

    measure: str
    total: PerColumn
    within: PerColumn
    between: PerColumn
    within_share: PerColumn
    between_share: PerColumn
    groups: list[str]
    group_index: np.ndarray
    group_contribution: np.ndarray
    value_share: np.ndarray
    pop_share: np.ndarray
    warnings: list[str] = field(default_factory=list)


def theil(x, groups=None, population=None, measure="T", *, paper_formula=False,
          unit_labels=None, column_labels=None) -> TheilResult:
    """Theil T, Theil L or GE(alpha) of x, decomposed exactly by ``groups``.

    ``x`` is one value per unit (n,) or a panel (n, k) with one column per year; ``population``
    holds unit populations, (n,) or (n, k), or None for equal weights. Within-group weights are the
    groups' value shares for T, population shares for L and v^(1-a) s^a for GE(a), so that
    total = within + between holds exactly. ``paper_formula=True`` reproduces the formula printed
    in the paper (population shares on Theil T), which does not add up; it is there only to
    reproduce published numbers.

    Mexican state incomes (PySAL's example data), by Hanson's 1998 regions:

    >>> import libpysal, numpy as np
    >>> f = libpysal.io.open(libpysal.examples.get_path("mexico.csv"))
    >>> y = np.array([f.by_col[f"pcgdp{d}"] for d in range(1940, 2010, 10)]).T
    >>> t = theil(y, f.by_col("hanson98"))
    >>> t.total.round(4).tolist()
    [0.2089, 0.1522, 0.1047, 0.1019, 0.0956, 0.1051, 0.1066]
    >>> t.between.round(4).tolist()
    [0.0346, 0.0282, 0.0526, 0.0593, 0.0321, 0.0296, 0.0364]
    """
    alpha = check_alpha(measure)
    name = measure_name(alpha)
    if paper_formula and alpha != 1.0:
        raise InputError("the paper's formula exists for Theil T only")
    gv = grouped_values(x, groups, population, positive=alpha <= 0.0, measure_name=name,
                        unit_labels=unit_labels, column_labels=column_labels)
    return theil_of_groups(gv, alpha, paper_formula=paper_formula, column_labels=column_labels)


def measure_name(alpha: float) -> str:
    return {1.0: "Theil T", 0.0: "Theil L"}.get(alpha, f"GE({alpha:g})")


def theil_of_groups(gv, alpha: float, *, paper_formula=False, column_labels=None) -> TheilResult:
    """The decomposition on already validated :class:`GroupedValues` (see :func:`theil`)."""
    name = measure_name(alpha)
    x2, f = gv.x, gv.f
    v, fx = group_sums(gv.onehot, f, x2)
    mean = fx.sum(axis=0)
    total = (f * _ge_terms(x2 / mean, alpha)).sum(axis=0)
    mean_g = fx / v
    value_share = fx / mean
    # Each unit relative to its own group's mean; an all-zero group (allowed for T) has index 0.
    own_mean = mean_g[gv.codes]
    rel_own = np.where(own_mean > 0, x2 / np.where(own_mean > 0, own_mean, 1.0), 0.0)
    group_index = gv.onehot @ (f / v[gv.codes] * _ge_terms(rel_own, alpha))
    if alpha == 1.0:
        within_weight = v if paper_formula else value_share
    elif alpha == 0.0:
        within_weight = v
    else:
        within_weight = v ** (1.0 - alpha) * value_share ** alpha
    within_terms = within_weight * group_index
    within = within_terms.sum(axis=0)
    between = between_from_sums(v, fx, mean, alpha)
    if paper_formula:
        total = within + between
    # Every GE part is >= 0; rounding can leave -1e-16 where the exact value is 0.
    total, within, between = (np.maximum(a, 0.0) for a in (total, within, between))
    group_index, within_terms = np.maximum(group_index, 0.0), np.maximum(within_terms, 0.0)
    zero = np.ptp(x2, axis=0) == 0
    total, within, between = (np.where(zero, 0.0, a) for a in (total, within, between))
    safe_total = np.where(total > 0, total, 1.0)
    zero = zero | (total <= 0)
    share = lambda part: np.where(zero, 0.0, part / safe_total)  # noqa: E731
    warnings = no_inequality_warnings(np.where(zero, 0.0, total), gv.squeeze, column_labels, name)
    return TheilResult(
        measure=name + (" (paper's formula)" if paper_formula else ""),
        total=out(total, gv.squeeze), within=out(within, gv.squeeze),
        between=out(between, gv.squeeze),
        within_share=out(share(within), gv.squeeze), between_share=out(share(between), gv.squeeze),
        groups=gv.labels, group_index=out(group_index, gv.squeeze),
        group_contribution=out(share(within_terms), gv.squeeze),
        value_share=out(value_share, gv.squeeze), pop_share=out(v, gv.squeeze),
        warnings=warnings)
