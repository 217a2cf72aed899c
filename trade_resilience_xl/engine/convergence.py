"""σ-convergence and absolute β-convergence of an index over a units x years panel.

σ: the dispersion of the index across units, year by year, overall and within each group;
falling dispersion is σ-convergence. The standard deviation is the population one
(divisor n), as in sigma_t = sqrt(sum_i (x_it - mean_t)^2 / n); CV = sd / mean.

β (absolute): (ln x_iT - ln x_i0) / T = alpha + beta ln x_i0 + e_i by OLS over the units,
T = last year - first year. beta < 0 is convergence; the implied speed is
theta = -ln(1 + beta T) / T and the half-life ln 2 / theta. Defined rules: beta >= 0 gives
no speed or half-life (no convergence); 1 + beta T <= 0 (overshooting: the logarithm is
undefined) gives none either; each case says so in ``note``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .special import t_two_sided_p


# ---------------------------------------------------------------------------- kernels
def sigma_kernel(x: np.ndarray, codes: np.ndarray, n_groups: int):
    """Mean, population sd and CV by column for all rows and for each group code.

    ``x`` (units, years), ``codes`` (units,) in 0..n_groups-1. Returns three arrays
    (years, 1 + n_groups): column 0 all units, then the groups.
    """
    rows = [np.ones(x.shape[0], dtype=bool)] + [codes == g for g in range(n_groups)]
    mean = np.stack([x[r].mean(axis=0) for r in rows], axis=1)
    sd = np.stack([x[r].std(axis=0) for r in rows], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return mean, sd, sd / mean


def ols_slope(x: np.ndarray, y: np.ndarray):
    """OLS of y on a constant and x: (alpha, beta, se_alpha, se_beta, r_squared, df)."""
    n = x.size
    xm, ym = x.mean(), y.mean()
    sxx = ((x - xm) ** 2).sum()
    beta = ((x - xm) * (y - ym)).sum() / sxx
    alpha = ym - beta * xm
    resid = y - alpha - beta * x
    df = n - 2
    s2 = (resid ** 2).sum() / df
    se_beta = math.sqrt(s2 / sxx)
    se_alpha = math.sqrt(s2 * (1.0 / n + xm * xm / sxx))
    syy = ((y - ym) ** 2).sum()
    r2 = 1.0 - (resid ** 2).sum() / syy if syy > 0 else 1.0
    return float(alpha), float(beta), se_alpha, se_beta, float(r2), df


def speed_and_half_life(beta: float, span: float):
    """(theta, half_life, note) by the rules in the module docstring."""
    if beta >= 0:
        return None, None, "beta >= 0: no convergence, so no speed or half-life"
    inside = 1.0 + beta * span
    if inside <= 0:
        return None, None, ("1 + beta*T <= 0: the implied speed -ln(1 + beta*T)/T is "
                            "undefined (the gap overshoots); no speed or half-life")
    theta = -math.log(inside) / span
    return theta, math.log(2.0) / theta, ""


# ---------------------------------------------------------------------------- fronts
@dataclass(frozen=True)
class SigmaConvergence:
    """By year (rows) for all units (column 0) and each group (then columns, in ``groups``)."""

    groups: tuple
    mean: np.ndarray
    sd: np.ndarray
    cv: np.ndarray


@dataclass(frozen=True)
class BetaConvergence:
    """Absolute β-convergence over ``span`` years; ``theta``/``half_life`` None with ``note``
    saying why when there is no convergence or the speed is undefined."""

    n: int
    span: float
    alpha: float
    beta: float
    se_alpha: float
    se_beta: float
    t: float
    p_value: float
    r_squared: float
    theta: float | None
    half_life: float | None
    note: str


def _labels(labels, n, word):
    return list(labels) if labels is not None else [f"{word} {i + 1}" for i in range(n)]


def _matrix(x, what="the index"):
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.size == 0:
        raise InputError(f"{what} must be a units x years table")
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        r, c = (int(v) for v in bad[0])
        raise InputError(f"{what} has a missing or non-numeric value", row=r, column=c)
    return x


def sigma_convergence(x, groups=None, *, column_labels=None) -> SigmaConvergence:
    """σ-convergence table of ``x`` (units x years), overall and per group.

    A year (or group-year) whose mean is not above 0 has no CV: refused with one line.

    >>> s = sigma_convergence([[1.0, 2.0], [3.0, 2.0]])
    >>> s.sd[:, 0].tolist(), s.cv[:, 0].tolist()
    ([1.0, 0.0], [0.5, 0.0])
    """
    x = _matrix(x)
    if x.shape[0] < 2:
        raise InputError("σ-convergence needs at least 2 units")
    if groups is None:
        labels, codes = (), np.zeros(x.shape[0], dtype=int)
    else:
        groups = [str(g) for g in groups]
        if len(groups) != x.shape[0]:
            raise InputError(f"groups has {len(groups)} labels for {x.shape[0]} units")
        labels = tuple(dict.fromkeys(groups))
        codes = np.array([labels.index(g) for g in groups])
    mean, sd, _ = sigma_kernel(x, codes, len(labels))
    nonpositive = np.argwhere(mean <= 0)
    if nonpositive.size:
        t, g = (int(v) for v in nonpositive[0])
        who = "all units" if g == 0 else f"group {labels[g - 1]}"
        year = None if column_labels is None else list(column_labels)[t]
        when = "" if year is None else f" in {year}"
        raise InputError(f"the mean index of {who}{when} is {mean[t, g]:g}; the coefficient "
                         "of variation needs a mean above 0", column=t, year=year)
    return SigmaConvergence(labels, mean, sd, sd / mean)


def beta_convergence(first, last, span, *, unit_labels=None, years=None) -> BetaConvergence:
    """Absolute β-convergence from each unit's first- and last-year level over ``span`` years.

    Zero or negative levels have no logarithm: refused with one line naming the unit and
    year (a TOPSIS closeness is 0 for a unit worst on every indicator: use the weighted-sum
    score, or add a shift to the index before the regression).
    """
    x0, xt = (np.asarray(v, dtype=float).ravel() for v in (first, last))
    if x0.shape != xt.shape:
        raise InputError("first and last levels must have one value per unit each")
    units = _labels(unit_labels, x0.size, "unit")
    first_year, last_year = years if years is not None else ("the first year", "the last year")
    if not (isinstance(span, (int, float, np.integer, np.floating)) and span > 0):
        raise InputError(f"β-convergence needs at least two years; the span is {span}")
    for values, year in ((x0, first_year), (xt, last_year)):
        bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
        if bad.size:
            i = int(bad[0])
            raise InputError(
                f"{units[i]} has index {values[i]:g} in {year}; β-convergence takes its "
                "logarithm, so every level must be above 0 (use the weighted-sum score, or "
                "add a shift to the index)", row=i, unit=units[i],
                year=year if years is not None else None)
    if x0.size < 3:
        raise InputError(f"β-convergence needs at least 3 units (n - 2 degrees of freedom); "
                         f"got {x0.size}")
    log0 = np.log(x0)
    if np.ptp(log0) == 0:
        raise InputError(f"every unit has the same level in {first_year}; the slope on the "
                         "initial level is undefined")
    growth = (np.log(xt) - log0) / span
    alpha, beta, se_a, se_b, r2, df = ols_slope(log0, growth)
    t = beta / se_b if se_b > 0 else math.copysign(math.inf, beta)
    theta, half_life, note = speed_and_half_life(beta, float(span))
    return BetaConvergence(int(x0.size), float(span), alpha, beta, se_a, se_b, float(t),
                           t_two_sided_p(t, df), r2, theta, half_life, note)
