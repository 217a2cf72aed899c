"""Worksheet functions a researcher can type: =ENTROPY_WEIGHTS(...), =TOPSIS(...), ...

Thin fronts over ``trade_resilience_xl.engine``: parse the Excel-shaped arguments
(``udf_args``), call the engine, return a plain 2-D list that Excel 365 spills. A bad
input returns one line of text ``NAME: what is wrong, where``; see docs/formulas.md.

Rules that keep both of xlwings' paths working (classic VBA and Office.js/``XLWINGS_ON_SERVER``):
- no annotations on parameters or returns: xlwings reads them as converters;
- no ``ndim``/``expand`` options: both paths squeeze ranges, udf_args normalises shapes;
- ``@excel_function`` sits under the xlwings decorators; ``functools.wraps`` keeps the name
  and signature xlwings inspects. xlwings' generator wraps every name in ``dir(module)`` that
  carries ``__xlfunc__`` (only the decorated functions); the ``_`` helpers here carry none.
- docstrings and argument docs are Excel's function-wizard text: at most 255 characters.
"""
from __future__ import annotations

import numpy as np
import xlwings as xw

from trade_resilience_xl import engine
from trade_resilience_xl import udf_args as args
from trade_resilience_xl import udf_results as results
from trade_resilience_xl.udf_results import excel_function

_DATA_DOC = ("Indicator values: one row per observation (unit-year), "
             "one column per indicator.")
_DIRECTIONS_DOC = ("One cell per column of data, as a row or a column: + (benefit) or - (cost); "
                   "also 1/-1, benefit/cost, positive/negative, 正/负.")
_SHIFT_DOC = ("Added to every min-max normalised value (default 1; "
              "0.0001 and 0.01 are common).")
_WEIGHTS_DOC = ("One weight >= 0 per column of data, as a row or a column "
                "(e.g. =ENTROPY_WEIGHTS(...)); rescaled to sum 1.")
_OPTIONAL_DIRECTIONS_DOC = ("+ or - per column of data; may be left out only when data is "
                            "NORMALIZE's output (then all are benefits).")
_SCORES_DOC = "Values >= 0: one row per unit, one column per year (or a single row/column)."
_REGIONS_DOC = ("Region name of each unit (row or column, same order as scores); "
                "at least 2 regions. Required.")
_POP_DOC = ("Optional. Population per unit: one column (same every year) or one per year "
            "of scores; blank = equal weights.")
_MEASURE_DOC = "Optional. T (Theil T, default) or L (Theil L, mean log deviation)."

_MEASURES = {"t": "T", "l": "L"}
_MEASURE_NAMES = {"T": "Theil T", "L": "Theil L"}
_LANGUAGES = {"en": "en", "english": "en", "zh": "zh", "cn": "zh", "zh-cn": "zh",
              "chinese": "zh", "中文": "zh"}

# A docstring here is Excel's Insert Function text, compiled into the template's VBA module:
# a long one is written as adjacent literals in parentheses (still the function's docstring)
# so that it stays one line of text.


def _data_with_directions(data, directions):
    signs = args.directions(directions)
    x = args.number_block(data, "data", columns=len(signs))
    args.check_count("directions", signs, x.shape[1], "columns of data")
    return x, signs


def _data_weights_directions(name, data, weights, directions, shift):
    """Data, weights, directions and shift of TOPSIS / COMPOSITE_SCORE. Without directions
    only NORMALIZE's output is taken (all benefits then): raw data would silently count
    their cost columns the wrong way."""
    signs = None if directions is None else args.directions(directions)
    w_count = np.size(args.number_vector(weights, "weights"))
    x = args.number_block(data, "data", columns=w_count)
    w = args.indicator_weights(weights, x.shape[1])
    s = args.shift(shift)
    if signs is not None:
        args.check_count("directions", signs, x.shape[1], "columns of data")
    elif not engine.is_normalized(x, s):
        raise args.ArgError(
            "directions are missing; raw data need them (one + or - per column, e.g. "
            f"={name}(data, weights, Indicators!E8:E20)), or pass NORMALIZE's output "
            "(with the same shift)")
    return x, w, signs, s


@xw.func
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("directions", doc=_DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def ENTROPY_WEIGHTS(data, directions, shift=1.0):
    ("Entropy weights of the columns of data: one row of weights summing to 1, in the order "
     "of the columns. A constant column gets weight 0.")
    x, signs = _data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        result = engine.entropy_weights(x, signs, args.shift(shift))
    return results.clean_table(result.weights[None, :])


@xw.func
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("directions", doc=_DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def ENTROPY_TABLE(data, directions, shift=1.0):
    ("Entropy method step by step: a header row, then per column of data its entropy e, "
     "divergence d = 1 - e and weight w.")
    x, signs = _data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        result = engine.entropy_weights(x, signs, args.shift(shift))
    header = ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    rows = [[j + 1, e, d, w] for j, (e, d, w) in
            enumerate(zip(result.entropy, result.divergence, result.weights))]
    return [header] + results.clean_table(rows)


@xw.func
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("directions", doc=_DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def NORMALIZE(data, directions, shift=1.0):
    ("Min-max normalised data with directions, plus shift: (x-min)/(max-min) for +, "
     "(max-x)/(max-min) for -. Same shape as data; a constant column becomes shift.")
    x, signs = _data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        y = engine.normalize(x, signs, args.shift(shift))
    return results.clean_table(y)


@xw.func
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("weights", doc=_WEIGHTS_DOC)
@xw.arg("directions", doc=_OPTIONAL_DIRECTIONS_DOC)
@xw.arg("shift", doc="Optional. Normalisation shift (default 1); "
                     "TOPSIS closeness does not depend on it.")
@excel_function
def TOPSIS(data, weights, directions=None, shift=1.0):
    ("TOPSIS closeness in [0, 1] of each row of data (1 = best), after min-max normalisation "
     "with directions and weighting: one column, one value per row.")
    x, w, signs, s = _data_weights_directions("TOPSIS", data, weights, directions, shift)
    with results.engine_errors_in("data", "block"):
        result = engine.topsis(x, w, signs, s)
    return results.clean_table(result.score[:, None])


@xw.func
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("weights", doc=_WEIGHTS_DOC)
@xw.arg("directions", doc=_OPTIONAL_DIRECTIONS_DOC)
@xw.arg("shift", doc="Optional. Added to every normalised value (default 1); "
                     "the score rises by shift.")
@excel_function
def COMPOSITE_SCORE(data, weights, directions=None, shift=1.0):
    ("Weighted sum of the min-max normalised (and shifted) data of each row: "
     "one column, one score per row.")
    x, w, signs, s = _data_weights_directions("COMPOSITE_SCORE", data, weights, directions, shift)
    with results.engine_errors_in("data", "block"):
        score = engine.weighted_sum(x, w, signs, s)
    return results.clean_table(score[:, None])


def _require_regions(regions):
    # pop may be left out in the middle, =THEIL_DECOMP(scores,,regions): VBA allows that for
    # Optional arguments only, and Python needs a default on regions too once pop has one.
    if regions is None:
        raise args.ArgError("regions is missing; the arguments are (scores, pop, regions) "
                            "with pop left empty for equal weights")


def _inequality_inputs(scores, regions, pop, measure_name, positive):
    x, kind = args.number_table(scores, "scores")
    labels = args.region_labels(regions, x.shape[0])
    population = args.population(pop, x.shape)
    args.inequality_values(x, kind, "scores", measure_name, positive)
    return x, kind, labels, population


@xw.func
@xw.arg("scores", doc=_SCORES_DOC)
@xw.arg("pop", doc=_POP_DOC)
@xw.arg("regions", doc=_REGIONS_DOC)
@xw.arg("measure", doc=_MEASURE_DOC)
@excel_function
def THEIL_DECOMP(scores, pop=None, regions=None, measure="T"):
    ("Theil index by region: Total, Within, Between, their shares, each region's own index "
     "and its contribution (within term / total); one column per column of scores.")
    _require_regions(regions)
    measure = args.choice(measure, "measure", _MEASURES, "T", "T (Theil T) or L (Theil L)")
    x, kind, labels, population = _inequality_inputs(scores, regions, pop,
                                                     _MEASURE_NAMES[measure],
                                                     positive=measure == "L")
    with results.engine_errors_in("scores", kind):
        r = engine.theil(x, labels, population, measure)
    rows = [["Total", *r.total], ["Within", *r.within], ["Between", *r.between],
            ["Within share", *r.within_share], ["Between share", *r.between_share]]
    rows += [[g, *r.group_index[:, i]] for i, g in enumerate(r.groups)]
    rows += [[f"{g} contribution", *r.group_contribution[:, i]] for i, g in enumerate(r.groups)]
    return results.clean_table(rows)


@xw.func
@xw.arg("scores", doc=_SCORES_DOC)
@xw.arg("pop", doc=_POP_DOC)
@xw.arg("regions", doc=_REGIONS_DOC)
@excel_function
def DAGUM_GINI(scores, pop=None, regions=None):
    ("Dagum Gini decomposition by region: Total, Within, Net between, Transvariation, "
     "their shares and each region's own Gini; one column per column of scores.")
    _require_regions(regions)
    x, kind, labels, population = _inequality_inputs(scores, regions, pop, "the Gini",
                                                     positive=False)
    with results.engine_errors_in("scores", kind):
        r = engine.dagum_gini(x, labels, population)
    rows = [["Total", *r.total], ["Within", *r.within], ["Net between", *r.net_between],
            ["Transvariation", *r.transvariation], ["Within share", *r.within_share],
            ["Net between share", *r.net_between_share],
            ["Transvariation share", *r.transvariation_share]]
    rows += [[g, *r.group_gini[:, i]] for i, g in enumerate(r.groups)]
    return results.clean_table(rows)


@xw.func
@xw.arg("x", doc="Values >= 0 (> 0 for L), one per unit, as a row or a column.")
@xw.arg("pop", doc="Optional. Population of each unit (same order as x); blank = equal weights.")
@xw.arg("measure", doc=_MEASURE_DOC)
@excel_function
def THEIL(x, pop=None, measure="T"):
    """Theil index (T or L) of the values x, population weighted when pop is given: one number."""
    measure = args.choice(measure, "measure", _MEASURES, "T", "T (Theil T) or L (Theil L)")
    values = args.number_vector(x, "x")
    if values.size < 2:
        raise args.ArgError("x has 1 cell; at least 2 cells expected")
    population = args.population(pop, (values.size, 1), of="x")
    kind = args.cells(x, "x")[0]
    args.inequality_values(values[:, None], kind, "x", _MEASURE_NAMES[measure],
                           positive=measure == "L")
    with results.engine_errors_in("x", kind):
        total = engine.theil(values, None, population, measure).total
    return results.clean_table([[total]])[0][0]


@xw.func
@xw.arg("first", doc="Score of each unit on the first dimension (row or column).")
@xw.arg("second", doc="Score of each unit on the second dimension, same order and count.")
@xw.arg("language",
        doc=("Optional. en (default) for English names, zh for Chinese ones (with dimensions "
             "given: needs their Chinese part)."))
@xw.arg("dimensions",
        doc=("Optional. The two dimension names (first, second), e.g. Economic base / 经济 "
             "(Chinese part for zh); types are named from them. Blank: the default study's "
             "two dimensions."))
@excel_function
def RESILIENCE_TYPE(first, second, language="en", dimensions=None):
    ("Nine types from rank bands (top third high, bottom third low) of two dimension scores: "
     "one column of type names, built from the dimension names given (as the Types sheet "
     "does); without them, the default study's names.")
    language = args.choice(language, "language", _LANGUAGES, "en", "en or zh")
    one = args.number_vector(first, "first")
    two = args.number_vector(second, "second")
    args.check_count("second", two, one.size, "cells of first")
    if one.size < 3:
        raise args.ArgError(f"first has {one.size} cell{'s' if one.size > 1 else ''}; "
                            "at least 3 units expected")
    names, short_zh = (None, None) if dimensions is None else args.dimension_names(dimensions)
    with results.engine_errors_in("first", args.cells(first, "first")[0]):
        result = engine.classify(np.column_stack([one, two]), dimensions=names,
                                 short_zh=short_zh)
    if language == "zh" and result.type_zh is None:
        raise args.ArgError("language zh needs a Chinese short name for each dimension, "
                            "e.g. Economic base / 经济")
    return [[name] for name in (result.type_zh if language == "zh" else result.type_en)]


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
@xw.arg("data", doc=_DATA_DOC)
@xw.arg("weights", doc=_WEIGHTS_DOC)
@xw.arg("directions", doc=_DIRECTIONS_DOC)
@excel_function
def OBSTACLE_DEGREE(data, weights, directions):
    ("Obstacle degree w(1-y)/sum(w(1-y)) of each indicator for each row, y min-max normalised "
     "without shift; rows sum to 1. A row at the best value of every indicator reads "
     "undefined.")
    x, signs = _data_with_directions(data, directions)
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
    groups = None if regions is None else args.region_labels(regions, x.shape[0])
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
    names = args.unit_labels(units, x.shape[0])
    if neighbours is None:
        pairs = engine.builtin_pairs(names)
        if pairs is None:
            raise args.ArgError("neighbours is missing and units are not China's provinces; "
                                "give a two-column range (unit, neighbour)")
    else:
        pairs = args.neighbour_pairs(neighbours, names)
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


# issue 25: robustness of the weights, dynamics between levels (their own module; imported
# here so that xlwings' generator, which reads dir(udfs), wraps them with the others)
from trade_resilience_xl.udfs_robustness import (  # noqa: E402, F401
    MARKOV_MATRIX,
    OBJECTIVE_WEIGHTS,
    RANK_AGREEMENT,
)

#: Modules whose functions this one re-exports; the VBA generator imports them afresh
#: (lower case: every upper-case name here is a worksheet function).
topic_modules = ("trade_resilience_xl.udfs_robustness",)
