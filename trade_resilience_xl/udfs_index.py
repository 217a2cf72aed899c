"""Worksheet functions of the index: entropy weights, normalisation, TOPSIS, the weighted
sum and the nine types (the rules every worksheet function keeps: ``udfs``)."""
from __future__ import annotations

import numpy as np
import xlwings as xw

from trade_resilience_xl import engine
from trade_resilience_xl import udf_args as args
from trade_resilience_xl import udf_labels as label_args
from trade_resilience_xl import udf_results as results
from trade_resilience_xl.udf_results import excel_function

DATA_DOC = ("Indicator values: one row per observation (unit-year), "
             "one column per indicator.")
DIRECTIONS_DOC = ("One cell per column of data, as a row or a column: + (benefit) or - (cost); "
                   "also 1/-1, benefit/cost, positive/negative, 正/负.")
_SHIFT_DOC = ("Added to every min-max normalised value (default 1; "
              "0.0001 and 0.01 are common).")
WEIGHTS_DOC = ("One weight >= 0 per column of data, as a row or a column "
                "(e.g. =ENTROPY_WEIGHTS(...)); rescaled to sum 1.")
_OPTIONAL_DIRECTIONS_DOC = ("+ or - per column of data; may be left out only when data is "
                            "NORMALIZE's output (then all are benefits).")
_LANGUAGES = {"en": "en", "english": "en", "zh": "zh", "cn": "zh", "zh-cn": "zh",
              "chinese": "zh", "中文": "zh"}

# A docstring here is Excel's Insert Function text, compiled into the template's VBA module:
# a long one is written as adjacent literals in parentheses (still the function's docstring)
# so that it stays one line of text.


def data_with_directions(data, directions):
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
@xw.arg("data", doc=DATA_DOC)
@xw.arg("directions", doc=DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def ENTROPY_WEIGHTS(data, directions, shift=1.0):
    ("Entropy weights of the columns of data: one row of weights summing to 1, in the order "
     "of the columns. A constant column gets weight 0.")
    x, signs = data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        result = engine.entropy_weights(x, signs, args.shift(shift))
    return results.clean_table(result.weights[None, :])


@xw.func
@xw.arg("data", doc=DATA_DOC)
@xw.arg("directions", doc=DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def ENTROPY_TABLE(data, directions, shift=1.0):
    ("Entropy method step by step: a header row, then per column of data its entropy e, "
     "divergence d = 1 - e and weight w.")
    x, signs = data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        result = engine.entropy_weights(x, signs, args.shift(shift))
    header = ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    rows = [[j + 1, e, d, w] for j, (e, d, w) in
            enumerate(zip(result.entropy, result.divergence, result.weights))]
    return [header] + results.clean_table(rows)


@xw.func
@xw.arg("data", doc=DATA_DOC)
@xw.arg("directions", doc=DIRECTIONS_DOC)
@xw.arg("shift", doc=_SHIFT_DOC)
@excel_function
def NORMALIZE(data, directions, shift=1.0):
    ("Min-max normalised data with directions, plus shift: (x-min)/(max-min) for +, "
     "(max-x)/(max-min) for -. Same shape as data; a constant column becomes shift.")
    x, signs = data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        y = engine.normalize(x, signs, args.shift(shift))
    return results.clean_table(y)


@xw.func
@xw.arg("data", doc=DATA_DOC)
@xw.arg("weights", doc=WEIGHTS_DOC)
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
@xw.arg("data", doc=DATA_DOC)
@xw.arg("weights", doc=WEIGHTS_DOC)
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
    names, short_zh = (None, None) if dimensions is None else label_args.dimension_names(dimensions)
    with results.engine_errors_in("first", args.cells(first, "first")[0]):
        result = engine.classify(np.column_stack([one, two]), dimensions=names,
                                 short_zh=short_zh)
    if language == "zh" and result.type_zh is None:
        raise args.ArgError("language zh needs a Chinese short name for each dimension, "
                            "e.g. Economic base / 经济")
    return [[name] for name in (result.type_zh if language == "zh" else result.type_en)]
