"""The whole measurement on a province x year panel: weights, scores, sub-indices, types,
Theil and Dagum decompositions by year, and optional inference."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .after_index import AfterIndex, after_index
from .classify import Classification, classify
from .dagum import DagumResult, dagum_of_groups
from .entropy import bootstrap_weights, entropy_kernel, no_range, normalize_kernel
from .errors import InputError
from .groups import check_alpha, grouped_values
from .panel_convergence_spatial import convergence_spatial
from .panel_data import PanelArrays, prepare_panel
from .panel_robustness_dynamics import RobustnessDynamics, robustness_dynamics
from .permutation import between_permutation_test
from .settings import Settings
from .theil import TheilResult, measure_name, theil_of_groups
from .topsis import topsis_kernel

POOLED = (0, 1)   # reduce over units and years
PER_YEAR = 0      # reduce over units within each year


def _axis(scope):
    return POOLED if scope == "pooled" else PER_YEAR


@dataclass(frozen=True)
class PanelNumbers:
    """The numerical results as arrays (units x years where it applies)."""

    entropy: np.ndarray          # (m,) pooled or (years, m) per year; same for the next two
    divergence: np.ndarray
    weights: np.ndarray
    composite: np.ndarray        # (units, years)
    subindices: dict[str, np.ndarray]   # dimension -> (units, years)
    basis: np.ndarray            # (units, dimensions): what the classification ranks
    classification: Classification      # ranks and levels (units, dimensions), type names
    theil: TheilResult           # per year (k = years), groups = regions
    dagum: DagumResult           # per year, groups = regions
    warnings: list[str]


def _which(years, t):
    return "" if t is None else f" in {years[t]}"


def compute_panel(panel: PanelArrays, settings: Settings) -> PanelNumbers:
    """The measurement on prepared arrays (NumPy only; the tables come after)."""
    s = settings
    x = panel.values
    y, _ = normalize_kernel(x, panel.directions, s.shift, axis=_axis(s.normalization))
    wax = _axis(s.weighting)
    constant = no_range(y.min(axis=wax, keepdims=True), y.max(axis=wax, keepdims=True))
    e, d, w = entropy_kernel(y, constant, axis=wax)
    warnings = []
    flat_w = constant.reshape(-1, len(panel.codes))
    per_year = s.weighting == "per_year"
    for t, row in enumerate(flat_w):
        when = _which(panel.years, t if per_year else None)
        if row.all():
            raise InputError(f"every indicator is constant{when}; entropy weights are undefined",
                             year=panel.years[t] if per_year else None)
        warnings += [f"indicator {panel.codes[j]} is constant{when}; it gets weight 0"
                     for j in np.flatnonzero(row)]
    iax = _axis(s.ideal)

    def score(mask, what):
        wm = w[..., mask]
        total = wm.sum(axis=-1, keepdims=True)
        if (total <= 0).any():
            t = int(np.argmax((total <= 0).ravel()))
            raise InputError(f"every indicator of {what} is constant"
                             f"{_which(panel.years, t if per_year else None)}")
        wm = wm / total
        if s.score == "weighted_sum":
            return (y[..., mask] * wm).sum(axis=-1)
        closeness, _, _, flat = topsis_kernel(y[..., mask], wm, axis=iax)
        if flat.all(axis=0).any():
            t = int(np.argmax(flat.all(axis=0)))
            raise InputError(f"every weighted indicator of {what} is constant in {panel.years[t]}")
        return closeness

    every = np.ones(len(panel.codes), dtype=bool)
    composite = score(every, "the index")
    dims = np.asarray(panel.dimensions)
    subindices = {dim: score(dims == dim, f"dimension {dim!r}") for dim in panel.dimension_order}
    stacked = np.stack([subindices[d_] for d_ in panel.dimension_order], axis=-1)  # (U, T, D)
    basis_rule = s.classification_basis
    if basis_rule == "mean":
        basis = stacked.mean(axis=1)
    else:
        if basis_rule not in panel.years:
            raise InputError(f"classification year {basis_rule} is not in the data "
                             f"({panel.years[0]}-{panel.years[-1]})", field="classification_basis")
        basis = stacked[:, panel.years.index(basis_rule)]
    classification = classify(basis, unit_labels=panel.units,
                              dimensions=tuple(panel.dimension_order),
                              short_zh=tuple(panel.dimension_zh.get(d)
                                             for d in panel.dimension_order))
    alpha = check_alpha(s.theil_measure)      # settings.checked() has vetted it
    # Validated once for both decompositions (Theil L's x > 0 is the stricter rule).
    grouped = grouped_values(composite, panel.regions, panel.population, positive=alpha <= 0.0,
                             measure_name=measure_name(alpha), unit_labels=panel.units,
                             column_labels=panel.years)
    theil_result = theil_of_groups(grouped, alpha, paper_formula=s.paper_formula,
                                   column_labels=panel.years)
    dagum_result = dagum_of_groups(grouped, column_labels=panel.years)
    warnings += theil_result.warnings + dagum_result.warnings
    m = len(panel.codes)
    # One vector for pooled weights, one row per year otherwise.
    shaped = (lambda a: a.reshape(-1, m)) if per_year else (lambda a: a.reshape(m))  # noqa: E731
    return PanelNumbers(shaped(e), shaped(d), shaped(w),
                        composite, subindices, basis, classification, theil_result, dagum_result,
                        warnings)


@dataclass(frozen=True)
class PanelResult:
    """Every result table of a panel run, tidy (one observation per row), plus the raw results.

    weights: code, indicator, dimension, direction, entropy, divergence, weight (+ year first
        when weighting is per year). scores: unit, region, year, index, score (index is
        "composite" or a dimension). types: unit, region, dimension, score, rank, level,
        type_en, type_zh. theil and dagum: year, component, group, value. filled: unit, year,
        code, value. permutation: year, observed, p_value. bootstrap: code, weight, lower, upper.
        coupling: unit, region, year, u_<dimension>..., coupling, comprehensive, coordination,
        class, class_en, class_zh. obstacles: unit, region, year, level, factor, obstacle.
        obstacle_top: unit, region, basis, rank, factor, obstacle. density: year, point,
        density, bandwidth.
    """

    settings: Settings
    weights: pd.DataFrame
    scores: pd.DataFrame
    types: pd.DataFrame
    theil: pd.DataFrame
    dagum: pd.DataFrame
    filled: pd.DataFrame
    warnings: list[str]
    permutation: pd.DataFrame | None
    bootstrap: pd.DataFrame | None
    panel: PanelArrays = field(repr=False)
    numbers: PanelNumbers = field(repr=False)
    # issue 14: coupling, obstacle, density (tables as in engine/after_index.py)
    coupling: pd.DataFrame | None = None       # None with one dimension
    obstacles: pd.DataFrame | None = None
    obstacle_top: pd.DataFrame | None = None
    density: pd.DataFrame | None = None        # None with fewer than 3 units
    after_index: AfterIndex | None = field(default=None, repr=False)
    # issue 14: convergence, spatial
    sigma: pd.DataFrame | None = None
    beta: pd.DataFrame | None = None
    moran: pd.DataFrame | None = None
    lisa: pd.DataFrame | None = None
    neighbours_source: str = ""
    # issue 25: robustness of the weights, dynamics between levels
    robustness: RobustnessDynamics | None = field(default=None, repr=False)

    def scores_wide(self, index="composite") -> pd.DataFrame:
        """Units as rows, years as columns, for one index (like the paper's Table 3)."""
        sub = self.scores[self.scores["index"] == index]
        wide = sub.pivot(index="unit", columns="year", values="score")
        return wide.reindex(self.panel.units)

    def score_means(self, index="composite") -> ScoreMeans:
        """Plain (unweighted) means of one index: per unit over years, per year over units,
        per region and year, and overall (the mean rows and columns of the paper's Table 3)."""
        wide = self.scores_wide(index)
        regions = pd.Series(self.panel.regions, index=self.panel.units)
        by_region = wide.groupby(regions.reindex(wide.index).to_numpy(), sort=False).mean()
        return ScoreMeans(wide.mean(axis=1), wide.mean(axis=0), by_region.T,
                          float(wide.to_numpy().mean()))

    def mean_weights(self) -> pd.DataFrame:
        """The weights table with one row per indicator: per-year weights (and their entropy
        and divergence) averaged over the years; pooled weights as they are."""
        if "year" not in self.weights.columns:
            return self.weights.copy()
        return self.weights.groupby("code", sort=False).agg(
            indicator=("indicator", "first"), dimension=("dimension", "first"),
            direction=("direction", "first"), entropy=("entropy", "mean"),
            divergence=("divergence", "mean"), weight=("weight", "mean")).reset_index()


@dataclass(frozen=True)
class ScoreMeans:
    """Means of one index: ``by_unit`` (Series over units), ``by_year`` (Series over years),
    ``by_region_year`` (years x regions, regions in order of first appearance), ``overall``."""

    by_unit: pd.Series
    by_year: pd.Series
    by_region_year: pd.DataFrame
    overall: float


def _decomposition_table(years, rows, groups, per_group):
    """Long year/component/group/value rows from (component, values by year) pairs."""
    k = len(years)
    frames = [pd.DataFrame({"year": years, "component": name, "group": "",
                            "value": np.broadcast_to(v, k)})
              for name, v in rows]
    for name, values in per_group:
        arr = np.asarray(values).reshape(k, len(groups))
        frames.append(pd.DataFrame({"year": np.repeat(years, len(groups)), "component": name,
                                    "group": np.tile(np.asarray(groups, dtype=object), k),
                                    "value": arr.ravel()}))
    table = pd.concat(frames, ignore_index=True)
    order = {name: i for i, (name, _) in enumerate(rows + per_group)}
    table["_c"] = table["component"].map(order)
    return (table.sort_values(["year", "_c"], kind="stable").drop(columns="_c")
            .reset_index(drop=True))


def _tables(panel: PanelArrays, nums: PanelNumbers, settings: Settings):
    U, T = len(panel.units), len(panel.years)
    signs = ["+" if d > 0 else "-" for d in panel.directions]
    base = pd.DataFrame({"code": panel.codes, "indicator": panel.names,
                         "dimension": panel.dimensions, "direction": signs})
    if nums.weights.ndim == 1:
        weights = base.assign(entropy=nums.entropy, divergence=nums.divergence, weight=nums.weights)
    else:
        weights = pd.concat([base.assign(year=yr, entropy=nums.entropy[t],
                                         divergence=nums.divergence[t], weight=nums.weights[t])
                             for t, yr in enumerate(panel.years)],
                            ignore_index=True)
        weights = weights[["year"] + [c for c in weights.columns if c != "year"]]
    unit_col = np.repeat(np.asarray(panel.units, dtype=object), T)
    region_col = np.repeat(np.asarray(panel.regions, dtype=object), T)
    year_col = np.tile(np.asarray(panel.years), U)
    series = [("composite", nums.composite)] + list(nums.subindices.items())
    scores = pd.concat([pd.DataFrame({"unit": unit_col, "region": region_col, "year": year_col,
                                      "index": name, "score": arr.ravel()})
                        for name, arr in series],
                       ignore_index=True)
    c = nums.classification
    D = len(panel.dimension_order)
    types = pd.DataFrame({
        "unit": np.repeat(np.asarray(panel.units, dtype=object), D),
        "region": np.repeat(np.asarray(panel.regions, dtype=object), D),
        "dimension": np.tile(np.asarray(panel.dimension_order, dtype=object), U),
        "score": nums.basis.ravel(), "rank": c.rank.ravel(), "level": c.level.ravel(),
        "type_en": np.repeat(np.asarray(c.type_en or [""] * U, dtype=object), D),
        "type_zh": np.repeat(np.asarray(c.type_zh or [""] * U, dtype=object), D)})
    th, dg = nums.theil, nums.dagum
    theil_table = _decomposition_table(
        panel.years, [("total", th.total), ("within", th.within), ("between", th.between),
                      ("within_share", th.within_share), ("between_share", th.between_share)],
        th.groups, [("group_index", th.group_index), ("group_contribution", th.group_contribution)])
    dagum_table = _decomposition_table(
        panel.years, [("total", dg.total), ("within", dg.within), ("net_between", dg.net_between),
                      ("transvariation", dg.transvariation), ("within_share", dg.within_share),
                      ("net_between_share", dg.net_between_share),
                      ("transvariation_share", dg.transvariation_share)],
        dg.groups, [("group_gini", dg.group_gini)])
    filled = pd.DataFrame(panel.filled, columns=["unit", "year", "code", "value"])
    return weights, scores, types, theil_table, dagum_table, filled


def run_panel(data: pd.DataFrame, indicators, settings: Settings | None = None, *,
              columns=None, progress=None, neighbours=None) -> PanelResult:
    """Measure a panel from a long table and an indicator table; return every result table.

    ``data`` has one row per unit-year with columns unit, region, year, population (optional)
    and one column per indicator code (rename with ``columns={"unit": "Province", ...}``);
    ``indicators`` has columns code, dimension, direction (+ / -) and optionally indicator
    or name (the name, as in `trade-resilience new`'s CSV), dimension_zh (a short Chinese
    label of the dimension, for Chinese type names such as 经济高控烟低型) and the CSV's other
    columns (``panel_data.INDICATOR_COLUMNS``); any other column is refused.
    ``progress(message)`` is called before long steps. ``neighbours``: (unit, neighbour)
    pairs for Moran's I; None uses the shipped contiguity when the units are China's provinces.
    """
    s = (settings or Settings()).checked()
    panel = prepare_panel(data, indicators, missing=s.missing, columns=columns)
    nums = compute_panel(panel, s)
    weights, scores, types, theil_table, dagum_table, filled = _tables(panel, nums, s)
    permutation = bootstrap = None
    if s.permutations:
        if progress:
            progress(f"permutation test, {s.permutations} permutations")
        test = between_permutation_test(nums.composite, panel.regions, panel.population,
                                        s.permutations, measure=s.theil_measure, seed=s.seed,
                                        unit_labels=panel.units, column_labels=panel.years)
        permutation = pd.DataFrame({"year": panel.years, "observed": test.observed,
                                    "p_value": test.p_value})
    if s.bootstrap:
        if progress:
            progress(f"bootstrap of the weights, {s.bootstrap} replicates")
        flat = panel.values.reshape(-1, len(panel.codes))
        clusters = np.repeat(np.arange(len(panel.units)), len(panel.years))
        intervals = bootstrap_weights(flat, panel.directions, s.shift, clusters=clusters,
                                      reps=s.bootstrap, seed=s.seed, names=panel.codes)
        bootstrap = pd.DataFrame({"code": panel.codes, "weight": intervals.weights,
                                  "lower": intervals.lower, "upper": intervals.upper})
    # issue 14: coupling, obstacle, density
    extra = after_index(panel, nums, s, _axis(s.normalization))
    # issue 14: convergence, spatial
    if progress:
        progress(f"convergence and Moran's I, {s.moran_permutations} permutations")
    spatial = convergence_spatial(nums.composite, panel, s, neighbours)
    # issue 25: robustness of the weights, dynamics between levels
    dynamics = robustness_dynamics(panel, nums, s, neighbours)
    return PanelResult(s, weights, scores, types, theil_table, dagum_table, filled,
                       panel.warnings + nums.warnings + extra.coupling_notes
                       + extra.obstacle_notes + extra.density_notes + spatial.notes
                       + dynamics.notes,
                       permutation, bootstrap, panel, nums,
                       coupling=extra.coupling, obstacles=extra.obstacles,
                       obstacle_top=extra.obstacle_top, density=extra.density,
                       after_index=extra, sigma=spatial.sigma, beta=spatial.beta,
                       moran=spatial.moran, lisa=spatial.lisa,
                       neighbours_source=spatial.neighbours, robustness=dynamics)
