"""Robustness of the weights and dynamics between levels on a measured panel, as tidy tables
(issue 25). Like the other analyses after the index, each part either completes or is
replaced by one line saying why (``notes``), which also goes to the run's warnings."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .classify import rank_levels
from .errors import InputError
from .markov import class_chain, markov_chain, spatial_markov_of_lag
from .objective_weights import METHODS
from .rank_robustness import compare_weightings, weight_sensitivity
from .spatial import builtin_pairs, row_standardised

LEVEL_CODES = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class RobustnessDynamics:
    """method_weights: method, code, weight (+ year first with per-year weighting).
    method_ranks: unit, region, method, score_year, rank_year, score_mean, rank_mean.
    agreement: basis ("year" or "mean"), method_a, method_b, spearman, kendall.
    sensitivity: unit, region, rank, rank_low, rank_high, keeps_level.
    markov: chain ("index" or "types"), from_class, to_class, count, probability.
    markov_shares: chain, class, first_year, last_year, steady_state.
    spatial_markov: lag_class, from_class, to_class, count, probability.
    spatial_test: statistic (Q or LR), value, dof, p_value."""

    year: int
    method_weights: pd.DataFrame | None     # None: not computed (``notes`` says why)
    method_ranks: pd.DataFrame | None
    agreement: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    markov: pd.DataFrame | None
    markov_shares: pd.DataFrame | None
    spatial_markov: pd.DataFrame | None
    spatial_test: pd.DataFrame | None
    notes: list


def spatial_lag(units, pairs, values) -> np.ndarray:
    """Row-standardised spatial lag of values (units, years) from (unit, neighbour) pairs,
    through the engine's sparse contiguity (no n x n matrix); a unit without neighbours
    gets 0."""
    contiguity = row_standardised(units, pairs)
    if not contiguity.neighbour.size:
        raise InputError("no unit has a neighbour among the units given")
    return contiguity.lag(np.asarray(values, dtype=float))


def _markov_tables(chains):
    moves, shares = [], []
    for name, chain in chains:
        k = len(chain.counts)
        steady = chain.steady_state if chain.steady_state is not None else np.full(k, np.nan)
        moves.append(pd.DataFrame({"chain": name, "from_class": np.repeat(np.arange(1, k + 1), k),
                                   "to_class": np.tile(np.arange(1, k + 1), k),
                                   "count": chain.counts.ravel(),
                                   "probability": chain.probabilities.ravel()}))
        shares.append(pd.DataFrame({"chain": name, "class": np.arange(1, k + 1),
                                    "first_year": chain.initial, "last_year": chain.final,
                                    "steady_state": steady}))
    return pd.concat(moves, ignore_index=True), pd.concat(shares, ignore_index=True)


def _types_chain(nums):
    """The nine types of two dimensions year by year (levels by thirds within each year)."""
    first, second = (nums.subindices[d] for d in list(nums.subindices)[:2])
    codes = [np.vectorize(LEVEL_CODES.get)(rank_levels(s)[1]) for s in (first, second)]
    return class_chain(codes[0] * 3 + codes[1], 9)


def robustness_dynamics(panel, nums, settings, neighbours=None) -> RobustnessDynamics:
    """Every table of the Robustness and Dynamics sheets for a measured panel."""
    s = settings
    year = panel.years[-1] if s.robustness_year == "last" else s.robustness_year
    if year not in panel.years:
        raise InputError(f"robustness year {year} is not in the data ({panel.years[0]}-"
                         f"{panel.years[-1]})", field="robustness_year")
    notes: list[str] = []
    try:
        comparison = compare_weightings(panel, s, methods=METHODS, year=year,
                                        combine=s.combined_weights)
    except InputError as error:   # e.g. a year in which every indicator is constant
        notes.append(f"Robustness of the weighting not computed: {error.message}")
        return RobustnessDynamics(year, None, None, None, None, None, None, None, None, notes)
    m = len(panel.codes)
    if comparison.weights.ndim == 2:
        weights = pd.DataFrame({"method": np.repeat(comparison.methods, m),
                                "code": np.tile(np.asarray(panel.codes, dtype=object),
                                                len(comparison.methods)),
                                "weight": comparison.weights.ravel()})
    else:
        T = len(panel.years)
        weights = pd.DataFrame({"year": np.tile(np.repeat(panel.years, m), len(METHODS)),
                                "method": np.repeat(comparison.methods, T * m),
                                "code": np.tile(np.asarray(panel.codes, dtype=object),
                                                T * len(METHODS)),
                                "weight": comparison.weights.ravel()})
    t = panel.years.index(year)
    U = len(panel.units)
    ranks = pd.DataFrame({
        "unit": np.tile(np.asarray(panel.units, dtype=object), len(METHODS)),
        "region": np.tile(np.asarray(panel.regions, dtype=object), len(METHODS)),
        "method": np.repeat(comparison.methods, U),
        "score_year": comparison.scores[:, :, t].ravel(), "rank_year": comparison.rank_year.ravel(),
        "score_mean": comparison.scores.mean(axis=2).ravel(),
        "rank_mean": comparison.rank_mean.ravel()})
    pairs = [(i, j) for i in range(len(METHODS)) for j in range(len(METHODS))]
    agreement = pd.DataFrame([
        {"basis": basis, "method_a": comparison.methods[i], "method_b": comparison.methods[j],
         "spearman": rho[i, j], "kendall": tau[i, j]}
        for basis, rho, tau in (("year", comparison.spearman, comparison.kendall),
                                ("mean", comparison.spearman_mean, comparison.kendall_mean))
        for i, j in pairs])
    sensitivity = None
    if s.sensitivity_draws:
        # Ranked in the robustness year: one year's unit rows per draw, so the cost is
        # draws x units (linear in units, independent of the years: 100,020 unit-years cost
        # what 3,334 units do), where the mean index would cost draws x unit-years.
        ws = weight_sensitivity(panel, s, draws=s.sensitivity_draws,
                                concentration=s.sensitivity_concentration, seed=s.seed,
                                basis=year)
        sensitivity = pd.DataFrame({"unit": panel.units, "region": panel.regions,
                                    "rank": ws.rank, "rank_low": ws.rank_low,
                                    "rank_high": ws.rank_high, "keeps_level": ws.keeps_level})
    markov = shares = spatial = test = None
    composite = nums.composite
    try:
        chains = [("index", markov_chain(composite, s.markov_classes, s.markov_breaks))]
        if len(panel.dimension_order) >= 2 and U >= 3:
            chains.append(("types", _types_chain(nums)))
        notes += [f"Markov chain of the {name}: {w}" for name, c in chains for w in c.warnings]
        markov, shares = _markov_tables(chains)
    except InputError as error:
        notes.append(f"Markov chain not computed: {error.message}")
    units = list(panel.units)
    pairs_list = (builtin_pairs(units) if neighbours is None
                  else [(str(a), str(b)) for a, b in neighbours])
    if pairs_list is None:
        notes.append("Spatial Markov chain not computed: there is no neighbour list for these "
                     "units")
    else:
        try:
            sm = spatial_markov_of_lag(composite, spatial_lag(units, pairs_list, composite),
                                       s.markov_classes)
            k = s.markov_classes
            spatial = pd.DataFrame({
                "lag_class": np.repeat(np.arange(1, k + 1), k * k),
                "from_class": np.tile(np.repeat(np.arange(1, k + 1), k), k),
                "to_class": np.tile(np.arange(1, k + 1), k * k),
                "count": sm.counts.ravel(), "probability": sm.probabilities.ravel()})
            test = pd.DataFrame({"statistic": ["Q", "LR"], "value": [sm.q, sm.lr],
                                 "dof": [sm.dof, sm.dof], "p_value": [sm.q_p, sm.lr_p]})
        except InputError as error:
            notes.append(f"Spatial Markov chain not computed: {error.message}")
    return RobustnessDynamics(year, weights, ranks, agreement, sensitivity, markov, shares,
                              spatial, test, notes)
