"""Worksheet functions of inequality: Theil (T and L) and its regional decomposition, the
Dagum Gini decomposition (the rules every worksheet function keeps: ``udfs``)."""
from __future__ import annotations

import xlwings as xw

from trade_resilience_xl import engine
from trade_resilience_xl import udf_args as args
from trade_resilience_xl import udf_labels as label_args
from trade_resilience_xl import udf_results as results
from trade_resilience_xl.udf_results import excel_function

_SCORES_DOC = "Values >= 0: one row per unit, one column per year (or a single row/column)."
_REGIONS_DOC = ("Region name of each unit (row or column, same order as scores); "
                "at least 2 regions. Required.")
_POP_DOC = ("Optional. Population per unit: one column (same every year) or one per year "
            "of scores; blank = equal weights.")
_MEASURE_DOC = "Optional. T (Theil T, default) or L (Theil L, mean log deviation)."

_MEASURES = {"t": "T", "l": "L"}
_MEASURE_NAMES = {"T": "Theil T", "L": "Theil L"}


def _require_regions(regions):
    # pop may be left out in the middle, =THEIL_DECOMP(scores,,regions): VBA allows that for
    # Optional arguments only, and Python needs a default on regions too once pop has one.
    if regions is None:
        raise args.ArgError("regions is missing; the arguments are (scores, pop, regions) "
                            "with pop left empty for equal weights")


def _inequality_inputs(scores, regions, pop, measure_name, positive):
    x, kind = args.number_table(scores, "scores")
    labels = label_args.region_labels(regions, x.shape[0])
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
