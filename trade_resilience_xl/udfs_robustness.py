"""Worksheet functions of issue 25: objective weights beside entropy, rank agreement between
two scorings, and the Markov chain of a unit x year table (see udfs.py for the rules every
worksheet function here follows; ``udfs`` imports these so xlwings' generator sees them)."""
from __future__ import annotations

import xlwings as xw

from trade_resilience_xl import engine
from trade_resilience_xl import udf_args as args
from trade_resilience_xl import udf_results as results
from trade_resilience_xl.engine.objective_weights import METHODS
from trade_resilience_xl.udf_results import excel_function
from trade_resilience_xl.udfs_index import DATA_DOC, DIRECTIONS_DOC, data_with_directions

_METHOD_WORDS = {**{m: m for m in METHODS}, "coefficient of variation": "cv",
                 "standard deviation": "std", "sd": "std", "entropy+critic": "combined"}
_COMBINE_WORDS = {"product": "product", "mean": "mean"}
_AGREEMENT = {"spearman": "spearman", "kendall": "kendall", "rho": "spearman", "tau": "kendall"}
_CLASS_RULES = {"per year": "per_year", "per_year": "per_year", "pooled": "pooled"}


@xw.func
@xw.arg("data", doc=DATA_DOC)
@xw.arg("directions", doc=DIRECTIONS_DOC)
@xw.arg("method", doc=("Optional. critic (default), cv (coefficient of variation), std "
                       "(standard deviation), equal, entropy or combined (entropy with CRITIC)."))
@xw.arg("shift", doc="Optional. Added to every min-max normalised value (default 1).")
@xw.arg("combine", doc=("Optional. For combined: product (default; normalised product of the "
                        "entropy and CRITIC weights) or mean."))
@excel_function
def OBJECTIVE_WEIGHTS(data, directions, method="critic", shift=1.0, combine="product"):
    ("Objective weights of the columns of data on the same min-max normalised data as entropy: "
     "one row of weights summing to 1. A constant column gets weight 0.")
    key = args.choice(method, "method", _METHOD_WORDS, "critic",
                      "critic, cv, std, equal, entropy or combined")
    rule = args.choice(combine, "combine", _COMBINE_WORDS, "product", "product or mean")
    x, signs = data_with_directions(data, directions)
    with results.engine_errors_in("data", "block"):
        result = engine.objective_weights(x, signs, key, args.shift(shift), combine=rule)
    return results.clean_table(result.weights[None, :])


@xw.func
@xw.arg("scores_a", doc="Scores of the units by one method (row or column).")
@xw.arg("scores_b", doc="Scores of the same units, same order, by another method.")
@xw.arg("method", doc=("Optional. spearman (default: Spearman's rho of the ranks) or kendall "
                       "(Kendall's tau-b)."))
@excel_function
def RANK_AGREEMENT(scores_a, scores_b, method="spearman"):
    ("Agreement of the rankings that two sets of scores give the same units: Spearman's rho or "
     "Kendall's tau-b, ties averaged; 1 = the same order, -1 = reversed.")
    key = args.choice(method, "method", _AGREEMENT, "spearman", "spearman or kendall")
    a = args.number_vector(scores_a, "scores_a")
    b = args.number_vector(scores_b, "scores_b")
    args.check_count("scores_b", b, a.size, "cells of scores_a")
    with results.engine_errors_in("scores_a", "vector"):
        r = engine.rank_agreement(a, b)
    return r.spearman if key == "spearman" else r.kendall


@xw.func
@xw.arg("scores", doc="Index values: one row per unit, one column per year (at least 2).")
@xw.arg("k", doc="Optional. Number of quantile classes (default 4: quartiles).")
@xw.arg("classes", doc=("Optional. pooled (default: fixed breaks over all years) or per year "
                        "(quantiles within each year)."))
@excel_function
def MARKOV_MATRIX(scores, k=4, classes="pooled"):
    ("Markov chain between quantile classes from one year to the next: transition "
     "probabilities (rows sum to 1), the count of each row, then the steady state and the "
     "first and last year's shares.")
    x, kind = args.number_table(scores, "scores")
    if x.ndim < 2 or x.shape[1] < 2:
        raise args.ArgError("scores needs at least 2 columns (years)")
    count = 4 if k is None else args.shift(k, "k", 4)
    if not float(count).is_integer() or not 2 <= count <= 9:
        raise args.ArgError(f"k is {count:g}; a whole number from 2 to 9 expected")
    rule = args.choice(classes, "classes", _CLASS_RULES, "pooled", "per year or pooled")
    with results.engine_errors_in("scores", kind):
        chain = engine.markov_chain(x, int(count), rule)
    names = [f"Class {c + 1}" for c in range(int(count))]
    header = ["From \\ to / 期初\\期末", *names, "Count / 频数"]
    rows = [[name, *p, n] for name, p, n in
            zip(names, chain.probabilities, chain.counts.sum(axis=1))]
    blank = [""] * int(count)
    steady = blank if chain.steady_state is None else results.clean_table(
        [chain.steady_state])[0]
    shares = results.clean_table([chain.initial, chain.final])
    body = [header] + results.clean_table(rows)
    body += [["Steady state / 稳态", *steady, ""], ["First year / 首年", *shares[0], ""],
             ["Last year / 末年", *shares[1], ""]]
    return body + [["Note / 说明", chain.warnings[0], *blank] for _ in chain.warnings[:1]]
