"""Worksheet functions of the analyses after the index: coupling coordination, obstacle
degree, kernel density, sigma/beta convergence, Moran's I and LISA (the rules every worksheet
function keeps: ``udfs``)."""
from __future__ import annotations

import numpy as np
import xlwings as xw

from trade_resilience_xl import engine
from trade_resilience_xl import udf_args as args
from trade_resilience_xl import udf_labels as label_args
from trade_resilience_xl import udf_results as results
from trade_resilience_xl.udf_results import excel_function
from trade_resilience_xl.udfs_index import (
    DATA_DOC,
    DIRECTIONS_DOC,
    WEIGHTS_DOC,
    data_with_directions,
)

# issue 14: coupling, obstacle, density
_MODELS = {"classic": "classic", "corrected": "corrected"}
_RESCALES = {"none": False, "0.01-0.99": True}


@xw.func
@xw.arg("subindices", doc=("Sub-index of each dimension: one row per unit (or "
                          "unit-year), one column per dimension (at least 2), values in "
                          "[0, 1]."))
@xw.arg("weights", doc=("Optional. One weight >= 0 per dimension for T = sum(a*U), rescaled to "
                       "sum 1; blank = equal weights."))
@xw.arg("model", doc=("Optional. classic (default; SPSSAU) or corrected (the corrected model; "
                     "sources in docs/method.md)."))
@xw.arg("rescale", doc=("Optional. none (default) or 0.01-0.99: rescale each column to 0.01-0.99 "
                       "first, as SPSSAU does."))
@excel_function
def COUPLING_COORDINATION(subindices, weights=None, model="classic", rescale="none"):
    ("Coupling coordination of each row: a header row, then coupling C, comprehensive index T, "
     "coordination D = sqrt(C*T), class 1-10 and its name (English / Chinese).")
    model = args.choice(model, "model", _MODELS, "classic", "classic or corrected")
    scaled = _RESCALES[args.choice(rescale, "rescale", {k: k for k in _RESCALES}, "none",
                                   "none or 0.01-0.99")]
    u = args.number_block(subindices, "subindices")
    if u.shape[1] < 2:
        raise args.ArgError("subindices has 1 column; coupling needs one column per dimension, "
                            "at least 2")
    w = None if weights is None else args.indicator_weights(weights, u.shape[1])
    with results.engine_errors_in("subindices", "block"):
        r = engine.coupling_coordination(u, w, model, scaled)
    rows = [[c, t, d, float(level + 1), f"{en} / {zh}"] for c, t, d, level, en, zh in
            zip(r.coupling, r.comprehensive, r.coordination, r.level, r.class_en, r.class_zh)]
    return [["C", "T", "D", "Class", "Class name / 等级"]] + results.clean_table(rows)


@xw.func
@xw.arg("data", doc=DATA_DOC)
@xw.arg("weights", doc=WEIGHTS_DOC)
@xw.arg("directions", doc=DIRECTIONS_DOC)
@excel_function
def OBSTACLE_DEGREE(data, weights, directions):
    ("Obstacle degree w(1-y)/sum(w(1-y)) of each indicator for each row, y min-max normalised "
     "without shift; rows sum to 1. A row at the best value of every indicator reads "
     "undefined.")
    x, signs = data_with_directions(data, directions)
    w = args.indicator_weights(weights, x.shape[1])
    with results.engine_errors_in("data", "block"):
        r = engine.obstacle_degree(x, w, signs)
    rows = results.clean_table(r.shares)
    return [["undefined"] * x.shape[1] if bad else row for row, bad in zip(rows, r.undefined)]


@xw.func
@xw.arg("scores", doc=("Values: one row per unit, one column per year (or one column); at "
                      "least 3 rows."))
@xw.arg("bandwidth", doc=("Optional. silverman (default: 0.9*min(sd, IQR/1.34)*n^(-1/5) per "
                         "column) or one number > 0."))
@excel_function
def KERNEL_DENSITY(scores, bandwidth="silverman"):
    ("Gaussian kernel density of each column of scores on one common grid of 101 points: a "
     "header row, the bandwidth row, then the grid value and one density per column.")
    x, kind = args.number_table(scores, "scores")
    if x.shape[0] < 3:
        raise args.ArgError(f"scores has {x.shape[0]} rows; a kernel density needs at least 3")
    single = np.flatnonzero(x.max(axis=0) <= x.min(axis=0))
    if single.size:
        j = int(single[0])
        place = f"scores column {j + 1}" if kind == "block" else "scores"
        raise args.ArgError(f"{place} has every value equal ({x[0, j]:g}); no density "
                            "(a single point)")
    h = "silverman" if bandwidth is None else bandwidth
    if not (isinstance(h, str) and h.strip().casefold() == "silverman"):
        kind_h, value = args.cells(h, "bandwidth")
        number = None if kind_h != "cell" or args.number_problem(value) else float(value)
        if number is None or number <= 0:
            what = "must be a single cell" if kind_h != "cell" else f"is {args.show(value)}"
            raise args.ArgError(f"bandwidth {what}; use silverman or a number > 0")
        h = number
    with results.engine_errors_in("scores", kind):
        r = engine.kernel_density(x, h)
    header = ["Point"] + [f"Column {j + 1}" for j in range(x.shape[1])]
    body = [["Bandwidth", *r.bandwidth]] + [[p, *row] for p, row in zip(r.grid, r.density)]
    return [header] + results.clean_table(body)
# ------------------------------------------------------------ issue 14: convergence, spatial
_INDEX_DOC = "Index values > 0: one row per unit, one column per year."
_UNITS_DOC = "Name of each unit (row or column, same order as scores), as in the neighbour list."
_NEIGHBOURS_DOC = ("Optional. Two columns (unit, neighbour), one border per row; blank = the "
                   "built-in contiguity list, which covers only the default study's 31 units.")
_PERMUTATIONS_DOC = "Optional. Permutations for the pseudo p-values (default 999; 0 = none)."
_SEED_DOC = "Optional. Random seed (default 20240601, the Settings default), so p-values repeat."


@xw.func
@xw.arg("scores", doc=_INDEX_DOC)
@xw.arg("regions", doc=("Optional. Region of each unit (same order as scores): adds SD and CV "
                        "within each region."))
@excel_function
def SIGMA_CONVERGENCE(scores, regions=None):
    ("Sigma-convergence: standard deviation (divisor n) and coefficient of variation across "
     "units, overall and by region; one column per column of scores.")
    x, kind = args.number_table(scores, "scores")
    groups = None if regions is None else label_args.region_labels(regions, x.shape[0])
    with results.engine_errors_in("scores", kind):
        s = engine.sigma_convergence(x, groups)
    rows = [["SD", *s.sd[:, 0]], ["CV", *s.cv[:, 0]]]
    rows += [[f"{g} SD", *s.sd[:, k]] for k, g in enumerate(s.groups, start=1)]
    rows += [[f"{g} CV", *s.cv[:, k]] for k, g in enumerate(s.groups, start=1)]
    return results.clean_table(rows)


@xw.func
@xw.arg("scores", doc=("Index values > 0: one row per unit; the first and last columns are the "
                       "initial and final years."))
@xw.arg("years", doc=("Optional. Number of years between the first and last column (default: "
                      "columns - 1)."))
@excel_function
def BETA_CONVERGENCE(scores, years=None):
    ("Absolute beta-convergence: OLS of (ln x_T - ln x_0)/T on ln x_0; rows alpha, beta, SE, t, "
     "p (two-sided), R2, speed theta = -ln(1+beta*T)/T, half-life ln2/theta (blank with a note "
     "when beta >= 0).")
    x, kind = args.number_table(scores, "scores")
    if x.ndim < 2 or x.shape[1] < 2:
        raise args.ArgError("scores needs at least 2 columns (first and last year)")
    span = x.shape[1] - 1 if years is None else args.shift(years, "years", x.shape[1] - 1)
    if span <= 0:
        raise args.ArgError(f"years is {span:g}; the span between first and last column "
                            "must be > 0")
    with results.engine_errors_in("scores", kind):
        b = engine.beta_convergence(x[:, 0], x[:, -1], span)
    rows = [["alpha", b.alpha], ["beta", b.beta], ["SE beta", b.se_beta], ["t", b.t],
            ["p-value", b.p_value], ["R2", b.r_squared]]
    speed = [["theta", b.theta], ["half-life", b.half_life]] if b.theta is not None else [
        ["theta", ""], ["half-life", ""]]
    return results.clean_table(rows) + speed + ([["note", b.note]] if b.note else [])


def _spatial_inputs(scores, units, neighbours, permutations, seed):
    x, kind = args.number_table(scores, "scores")
    x = x if x.ndim == 2 else x[:, None]
    names = label_args.unit_labels(units, x.shape[0])
    if neighbours is None:
        pairs = engine.builtin_pairs(names)
        if pairs is None:
            raise args.ArgError("neighbours is missing and units are not China's provinces; "
                                "give a two-column range (unit, neighbour)")
    else:
        pairs = label_args.neighbour_pairs(neighbours, names)
    reps = 999 if permutations is None else args.shift(permutations, "permutations", 999)
    if not float(reps).is_integer() or reps > engine.MAX_REPLICATES:
        raise args.ArgError(f"permutations is {reps:g}; a whole number "
                            f"0-{engine.MAX_REPLICATES} expected")
    s = engine.DEFAULT_SEED if seed is None else args.shift(seed, "seed", engine.DEFAULT_SEED)
    if not float(s).is_integer():
        raise args.ArgError(f"seed is {s:g}; a whole number >= 0 expected")
    return x, kind, names, pairs, int(reps), int(s)


@xw.func
@xw.arg("scores", doc=_INDEX_DOC)
@xw.arg("units", doc=_UNITS_DOC)
@xw.arg("neighbours", doc=_NEIGHBOURS_DOC)
@xw.arg("permutations", doc=_PERMUTATIONS_DOC)
@xw.arg("seed", doc=_SEED_DOC)
@excel_function
def MORAN_I(scores, units, neighbours=None, permutations=999, seed=None):
    ("Global Moran's I with row-standardised contiguity weights: rows I, E[I] = -1/(n-1) and "
     "permutation p (as PySAL esda); one column per column of scores.")
    x, kind, names, pairs, reps, s = _spatial_inputs(scores, units, neighbours, permutations, seed)
    with results.engine_errors_in("scores", kind):
        g = engine.global_moran(x, names, pairs, reps, seed=s)
    rows = [["Moran's I", *g.moran_i], ["E[I]", *[g.expected] * x.shape[1]]]
    return results.clean_table(rows + ([["p-value", *g.p_value]] if reps else []))


@xw.func
@xw.arg("scores", doc="Index values of one year: one per unit, as a row or a column.")
@xw.arg("units", doc=_UNITS_DOC)
@xw.arg("neighbours", doc=_NEIGHBOURS_DOC)
@xw.arg("permutations", doc=_PERMUTATIONS_DOC)
@xw.arg("seed", doc=_SEED_DOC)
@excel_function
def LOCAL_MORAN(scores, units, neighbours=None, permutations=999, seed=None):
    ("Local Moran (LISA) per unit: a header, then local I, quadrant (HH, LH, LL, HL; blank for a "
     "unit without neighbours) and conditional-randomisation pseudo p.")
    values = args.number_vector(scores, "scores")
    x, kind, names, pairs, reps, s = _spatial_inputs(values, units, neighbours, permutations, seed)
    with results.engine_errors_in("scores", "vector"):
        loc = engine.local_moran(x[:, 0], names, pairs, reps, seed=s)
    p = loc.p_value if loc.p_value is not None else [None] * len(names)
    body = [[u, i, q, "" if pv is None or pv != pv else float(pv)]
            for u, i, q, pv in zip(names, loc.local_i.tolist(), loc.quadrant, p)]
    return [["Unit", "Local I", "Quadrant", "p-value"]] + body
