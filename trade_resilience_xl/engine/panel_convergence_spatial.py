"""Convergence and spatial autocorrelation of a panel's composite index, as tidy tables.

Each analysis either completes or is replaced by one line saying why (``note``), which also
goes to the run's warnings: a unit at index 0 in the first year, or units that are not
China's provinces without a neighbour list, must not stop the index and its decompositions.
Only a bad setting (an LISA year not in the data) stops the run, located on Settings.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .convergence import beta_convergence, sigma_convergence
from .errors import InputError
from .spatial import builtin_pairs, global_moran, local_moran

BETA_COLUMNS = ("first_year", "last_year", "n", "alpha", "beta", "se_beta", "t", "p_value",
                "r_squared", "theta", "half_life", "note")


@dataclass(frozen=True)
class ConvergenceSpatial:
    """sigma: year, group ("" = all units), mean, sd, cv. beta: one row of BETA_COLUMNS.
    moran: year, moran_i, expected, p_value. lisa: unit, region, year, index, z (standardised
    index), lag_z (its spatial lag), local_i, quadrant, p_value. ``notes``: one line per
    analysis not computed, and one for the units without neighbours."""

    sigma: pd.DataFrame | None
    beta: pd.DataFrame
    moran: pd.DataFrame | None
    lisa: pd.DataFrame | None
    neighbours: str          # where the neighbour list came from, for the sheet's note
    notes: list


def _sigma(composite, panel):
    s = sigma_convergence(composite, panel.regions, column_labels=panel.years)
    groups = ("",) + s.groups
    years = np.repeat(np.asarray(panel.years), len(groups))
    return pd.DataFrame({"year": years, "group": np.tile(np.asarray(groups, dtype=object),
                                                         len(panel.years)),
                         "mean": s.mean.ravel(), "sd": s.sd.ravel(), "cv": s.cv.ravel()})


def _beta(composite, panel):
    first, last = panel.years[0], panel.years[-1]
    row = dict.fromkeys(BETA_COLUMNS, np.nan) | {"first_year": first, "last_year": last,
                                                  "n": len(panel.units), "note": ""}
    try:
        b = beta_convergence(composite[:, 0], composite[:, -1], last - first,
                             unit_labels=panel.units, years=(first, last))
    except InputError as error:
        row["note"] = f"β-convergence not computed: {error.message}"
        return pd.DataFrame([row], columns=list(BETA_COLUMNS)), [row["note"]]
    row |= {"alpha": b.alpha, "beta": b.beta, "se_beta": b.se_beta, "t": b.t,
            "p_value": b.p_value, "r_squared": b.r_squared, "theta": b.theta,
            "half_life": b.half_life, "note": b.note}
    return pd.DataFrame([row], columns=list(BETA_COLUMNS)), []


def _spatial(composite, panel, settings, neighbours):
    units = list(panel.units)
    if neighbours is None:
        pairs, source = builtin_pairs(units), "built-in contiguity of China's provinces"
        if pairs is None:
            return None, None, "", [
                "Spatial autocorrelation not computed: there is no neighbour list for these "
                "units (add a sheet Neighbours with columns Unit and Neighbour, or build with "
                "`trade-resilience new --neighbours`)"]
    else:
        pairs, source = [(str(a), str(b)) for a, b in neighbours], "the Neighbours sheet"
    year = panel.years[-1] if settings.lisa_year == "last" else settings.lisa_year
    if year not in panel.years:
        raise InputError(f"LISA year {year} is not in the data ({panel.years[0]}-"
                         f"{panel.years[-1]})", field="lisa_year")
    reps, seed = settings.moran_permutations, settings.seed
    try:
        g = global_moran(composite, units, pairs, reps, seed=seed, column_labels=panel.years)
        t = panel.years.index(year)
        loc = local_moran(composite[:, t], units, pairs, reps, seed=seed)
    except InputError as error:
        return None, None, source, [f"Spatial autocorrelation not computed: {error.message}"]
    moran = pd.DataFrame({"year": panel.years, "moran_i": g.moran_i, "expected": g.expected,
                          "p_value": g.p_value if g.p_value is not None else np.nan})
    x = composite[:, t]
    # The Moran scatter: standardised index and the spatial lag of it (slope = I).
    lisa = pd.DataFrame({"unit": units, "region": list(panel.regions), "year": year,
                         "index": x, "z": (x - x.mean()) / x.std(), "lag_z": loc.lag / x.std(),
                         "local_i": loc.local_i, "quadrant": loc.quadrant,
                         "p_value": loc.p_value if loc.p_value is not None else np.nan})
    notes = []
    if g.islands:
        who = (f"{g.islands[0]} has" if len(g.islands) == 1 else
               f"{len(g.islands)} units have")
        listed = "" if len(g.islands) == 1 else f" ({', '.join(g.islands)})"
        notes.append(f"{who} no neighbour{listed}: weight rows of zeros (as PySAL), local I 0, "
                     "no quadrant or p-value")
    if not reps:
        notes.append("Moran permutations is 0: no p-values for Moran's I and LISA")
    return moran, lisa, source, notes


def convergence_spatial(composite: np.ndarray, panel, settings, neighbours=None
                        ) -> ConvergenceSpatial:
    """Both analyses of ``composite`` (units, years) of a prepared panel."""
    notes = []
    try:
        sigma = _sigma(composite, panel)
    except InputError as error:
        sigma = None
        notes.append(f"σ-convergence not computed: {error.message}")
    beta, beta_notes = _beta(composite, panel)
    moran, lisa, source, spatial_notes = _spatial(composite, panel, settings, neighbours)
    return ConvergenceSpatial(sigma, beta, moran, lisa, source,
                              notes + beta_notes + spatial_notes)
