"""Fuzzing every worksheet function with Excel-shaped arguments (scalars, flat lists, nested
lists of None/str/float/bool/int, NaN/inf/1e308, ragged and empty lists): only documented
one-line messages or finite 2-D tables of float/str come back; never another exception,
never NaN/inf, never "unexpected error"."""
from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trade_resilience_xl import udf_results, udfs

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ----------------------------------------------------------------------------- catalogue
# Every message a function may return after "NAME: " (docs/formulas.md lists them).
WHERE = r"\w+(?: row \d+, column \d+| cell \d+)?"
NUMBER = r"-?(?:\d+(?:\.\d+)?(?:e[+-]\d+)?|inf)"
CELL_PROBLEM = (r"(?:is blank or an error value|is (?:TRUE|FALSE) \(a logical value\)|"
                r'is text \(".*"\)|is a date or time|is not a finite number|is not a number|'
                r"is too small a number \(below 2\.2e-308\)|"
                r"is too large a number \(above 1e\+300\))")
MEASURE = r"(?:Theil T|Theil L|the Gini)"
CATALOGUE = [re.compile(p) for p in (
    rf"{WHERE} {CELL_PROBLEM}; numbers expected",
    r"\w+ has 1 row; at least 2 rows \((?:observations|units)\) expected",
    r"\w+ has \d+ cells? for \d+ (?:columns of data|rows of scores|rows of x|cells of first)",
    (rf'{WHERE} (?:is blank or an error value|is (?:".*"|{NUMBER}|TRUE|FALSE|'
     r"not a (?:finite )?number|too large a number)); "
     r"use \+ or - \(also 1/-1, benefit/cost, positive/negative, 正/负\)"),
    r"\w+ must be one row or one column; it has \d+ rows? and \d+ columns",
    r"every indicator is constant; entropy weights are undefined",
    rf"shift {CELL_PROBLEM}; a number >= 0 expected",
    rf"shift is {NUMBER}; a number >= 0 expected",
    r"\w+ must be a single cell(?:; it has \d+ cells)?",
    rf"{WHERE} is {NUMBER}; weights must be >= 0",
    r"weights are all 0; at least one must be positive",
    r"every indicator with a positive weight is constant; TOPSIS cannot rank",
    rf"{WHERE} is {NUMBER}; {MEASURE} needs (?:values >= 0|positive values)",
    rf"\w+ (?:column \d+ is|are) all 0; {MEASURE} needs a positive mean",
    rf"{WHERE} is {NUMBER}; populations must be positive",
    r"pop has \d+ rows? for \d+ rows of (?:scores|x)",
    r"pop has \d+ columns; (?:scores|x) has \d+ "
    r"\(use 1 column for the same population every year\)",
    rf"{WHERE} (?:is blank or an error value|is not a finite number); a region name expected",
    # a logical value as a label (issue 22's wording, shared with the sheets' readers)
    rf"{WHERE} is (?:TRUE|FALSE) \(a logical value\); a name is expected",
    r'regions holds one region only \(".*"\); a decomposition needs at least 2',
    r'measure (?:is blank or an error value|is .*); use T \(Theil T\) or L \(Theil L\)',
    r'language (?:is blank or an error value|is .*); use en or zh',
    r"(?:measure|language) must be a single cell",
    r"x has 1 cell; at least 2 cells expected",
    r"regions is missing; the arguments are \(scores, pop, regions\) with pop left empty for "
    r"equal weights",
    r"first has \d+ cells?; at least 3 units expected",
    r"dimensions has \d+ cells?; give the two dimension names, first and second",
    r"language zh needs a Chinese short name for each dimension, e\.g\. Economic base / 经济",
    r"directions are missing; raw data need them \(one \+ or - per column, e\.g\. "
    r"=(?:TOPSIS|COMPOSITE_SCORE)\(data, weights, Indicators!E8:E20\)\), or pass NORMALIZE's "
    r"output \(with the same shift\)",
    rf'{WHERE} ".*" and {WHERE} ".*" differ only in case, spaces or full-width letters; '
    r"spell each region one way",
    r"regions has a different value for every unit: are pop and regions swapped\?",
    rf"{WHERE} starts with [=+\-@]; a label cannot start with =, \+, - or @ \(it would run "
    r"as a formula where it is written\)",
    r"\w+ is (?:empty|not a range of cells|not a rectangular range of cells)",
    re.escape(udf_results.NON_FINITE_MESSAGE),
    # issue 14: coupling, obstacle, density
    r"(?:model|rescale) (?:is blank or an error value|is .*); use (?:classic or corrected|"
    r"none or 0\.01-0\.99)",
    r"(?:model|rescale) must be a single cell",
    r"subindices has 1 column; coupling needs one column per dimension, at least 2",
    rf"sub-index {NUMBER} is outside \[0, 1\]; rescale to 0\.01-0\.99 or pass scores in "
    r"\[0, 1\] \(subindices row \d+, column \d+\)",
    r"scores has \d+ rows; a kernel density needs at least 3",
    rf"scores(?: column \d+)? has every value equal \({NUMBER}\); no density \(a single point\)",
    r"bandwidth (?:must be a single cell|is .*); use silverman or a number > 0",
    # issue 14: convergence, spatial
    r"scores needs at least 2 columns \(first and last year\)",
    rf"years is {NUMBER}; the span between first and last column must be > 0",
    rf"(?:years|permutations|seed) {CELL_PROBLEM}; a number >= 0 expected",
    rf"(?:years|permutations|seed) is (?:{NUMBER}|TRUE|FALSE|\".*\"); a number >= 0 expected",
    rf"permutations is {NUMBER}; a whole number 0-100000 expected",
    rf"seed is {NUMBER}; a whole number >= 0 expected",
    rf"{WHERE} (?:{CELL_PROBLEM}|starts with .*); a unit name expected",
    rf'{WHERE} repeats ".*" \({WHERE}\); each unit once',
    r"units has \d+ cells? for \d+ rows of scores",
    r"neighbours is missing and units are not China's provinces; give a two-column range "
    r"\(unit, neighbour\)",
    r"neighbours must be two columns \(unit, neighbour\), one pair per row",
    r"neighbours lists no pairs",
    rf'{WHERE} (?:is blank|".*" is not in units|pairs ".*" with itself)',
    r"σ-convergence needs at least 2 units",
    r"the mean index of .* is .*; the coefficient of variation needs a mean above 0"
    r"(?: \(scores[^)]*\))?",
    r"unit \d+ has index .* in the (?:first|last) year; β-convergence takes its logarithm, so "
    r"every level must be above 0 \(use the weighted-sum score, or add a shift to the index\)"
    r"(?: \(scores[^)]*\))?",
    r"β-convergence needs at least 3 units \(n - 2 degrees of freedom\); got \d+",
    r"every unit has the same level in the first year; the slope on the initial level is "
    r"undefined",
    r"spatial autocorrelation needs at least 3 units; got \d+",
    r"the index is the same for every unit(?: in \d+)?; Moran's I is undefined"
    r"(?: \(scores[^)]*\))?",
    r"the index of .* is missing or not a number(?: \(scores[^)]*\))?",
    r"no unit has a neighbour among the units given; Moran's I is undefined",
    # issue 25: objective weights, rank agreement, Markov chain
    r"method (?:is blank or an error value|is .*); use (?:critic, cv, std, equal, entropy or "
    r"combined|spearman or kendall)",
    r"(?:method|combine|classes|k) must be a single cell",
    r"combine (?:is blank or an error value|is .*); use product or mean",
    r"classes (?:is blank or an error value|is .*); use per year or pooled",
    r"every indicator is constant; objective weights are undefined",
    r"scores_b has \d+ cells? for \d+ cells of scores_a",
    r"rank agreement needs at least 2 units with numbers in both",
    r"one set of scores is constant; rank agreement is undefined",
    r"scores needs at least 2 columns \(years\)",
    rf"k {CELL_PROBLEM}; a number >= 0 expected",
    rf"k is (?:{NUMBER}|TRUE|FALSE|\".*\"); (?:a number >= 0|a whole number from 2 to 9) "
    r"expected",
    r"\d+ values(?: in column \d+)? cannot form \d quantile classes; choose fewer classes",
    r"too many equal values(?: in column \d+)? to form \d quantile classes; choose fewer "
    r"classes",
)]


def documented(message: str) -> bool:
    return any(p.fullmatch(message) for p in CATALOGUE)


def check_result(name: str, result) -> str | None:
    """Assert the result is a documented message or a clean table; return the message."""
    if isinstance(result, str):
        assert result.startswith(f"{name}: "), result
        body = result[len(name) + 2:]
        assert "\n" not in result and "Traceback" not in result
        assert documented(body), f"undocumented message: {result!r}"
        return body
    if name in ("THEIL", "RANK_AGREEMENT"):
        assert type(result) is float and math.isfinite(result)
        return None
    assert type(result) is list and result and all(type(r) is list for r in result)
    width = len(result[0])
    assert width >= 1 and all(len(r) == width for r in result)
    for r in result:
        for value in r:
            assert type(value) in (float, str), value
            if type(value) is float:
                assert math.isfinite(value)
    return None


# ----------------------------------------------------------------------------- strategies
EXTREMES = st.sampled_from([1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 0.0, -0.0,
                            1e-300, float("nan"), float("inf"), -float("inf")])
WORDS = st.sampled_from(["+", "-", "1", "-1", "benefit", "cost", "Positive", "NEGATIVE", "正", "负",
                         "T", "L", "t", "zh", "en", "ZH", "East", "West", "Central", "", " ",
                         "n/a", "#N/A", "abc"])
CELL = st.one_of(
    st.none(), st.booleans(), WORDS, st.text(max_size=6), EXTREMES,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e6, 1e6), st.integers(-5, 5), st.integers(), st.just(10 ** 400),
    # classic xlwings: currency cells arrive as Decimal, dates as datetime
    st.decimals(allow_nan=True, allow_infinity=True), st.datetimes(),
    st.floats(-1e6, 1e6).map(np.float64),
)
NUMBER_CELL = st.one_of(st.floats(-1e3, 1e3), st.floats(0, 1e6), st.integers(-3, 30),
                        EXTREMES, CELL)


def excel_shaped(cell):
    """A scalar, a flat list (one row or column) or nested rows; sometimes ragged or empty."""
    block = st.integers(1, 6).flatmap(
        lambda n: st.integers(1, 5).flatmap(
            lambda m: st.lists(st.lists(cell, min_size=m, max_size=m), min_size=n, max_size=n)))
    return st.one_of(cell, st.lists(cell, min_size=0, max_size=8), block,
                     st.lists(st.lists(cell, max_size=4), max_size=4))


ANY = excel_shaped(CELL)
NUMBERS = excel_shaped(NUMBER_CELL)
DIRECTIONS = excel_shaped(st.sampled_from(["+", "-", 1.0, -1.0, "cost", "benefit", "正", "x",
                                           None]))
LABELS = excel_shaped(st.one_of(st.sampled_from(["East", "West", "Central", "East ", None, ""]),
                                st.integers(1, 3), st.floats(1, 3), st.booleans()))
OPTIONAL = st.one_of(st.none(), ANY)


def matching(n_draw, m_draw, cell=NUMBER_CELL):
    return st.lists(st.lists(cell, min_size=m_draw, max_size=m_draw),
                    min_size=n_draw, max_size=n_draw)


CLEAN = st.one_of(st.floats(-1e3, 1e3), st.floats(0, 1e6), st.integers(-3, 30))
CLEAN_POSITIVE = st.one_of(st.floats(0, 100), st.floats(1e-3, 1e6), st.integers(0, 30))


@st.composite
def mostly(draw, clean, noisy):
    """Three draws in four well-formed, so that the engine runs; the rest anything."""
    return draw(noisy) if draw(st.integers(0, 3)) == 3 else draw(clean)


@st.composite
def indicator_call(draw, with_weights: bool):
    """Mostly well-formed calls (data n x m with m directions/weights) so the engine runs."""
    n, m = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    data = draw(mostly(matching(n, m, CLEAN), st.one_of(matching(n, m), NUMBERS)))
    symbols = st.lists(st.sampled_from(["+", "-", -1, 1, "cost"]), min_size=m, max_size=m)
    directions = draw(mostly(symbols, DIRECTIONS))
    shift = draw(mostly(st.one_of(st.none(), st.floats(0, 2)), CELL))
    if not with_weights:
        return data, directions, shift
    weights = draw(mostly(st.lists(st.floats(0, 10), min_size=m, max_size=m), NUMBERS))
    return data, weights, draw(st.one_of(st.none(), st.just(directions))), shift


@st.composite
def grouped_call(draw):
    n, k = draw(st.integers(1, 8)), draw(st.integers(1, 3))
    scores = draw(mostly(matching(n, k, CLEAN_POSITIVE), st.one_of(matching(n, k), NUMBERS)))
    regions = draw(mostly(st.lists(st.sampled_from(["East", "West", "Central", 1.0]),
                                   min_size=n, max_size=n), LABELS))
    good_pop = st.one_of(st.none(), st.lists(st.floats(0.1, 1e4), min_size=n, max_size=n),
                         matching(n, k, st.floats(0.1, 1e4)))
    pop = draw(mostly(good_pop, st.one_of(matching(n, k), NUMBERS)))
    measure = draw(mostly(st.sampled_from([None, "T", "L", "l"]), CELL))
    return scores, pop, regions, measure


# ----------------------------------------------------------------------------- tests

def test_catalogue_covers_the_word_for_word_tests():
    from test_udfs import BAD_INPUTS

    for _function, _, message in BAD_INPUTS:
        assert documented(message.split(": ", 1)[1]), message


def test_catalogue_can_reject():
    assert not documented("unexpected error: boom")
    assert not documented("data: row 1 is missing (NaN); finite numbers expected")


@FUZZ
@given(st.sampled_from(["ENTROPY_WEIGHTS", "ENTROPY_TABLE", "NORMALIZE"]), ANY, ANY, OPTIONAL)
def test_indicator_functions_with_anything(name, data, directions, shift):
    check_result(name, getattr(udfs, name)(data, directions, shift))


@FUZZ
@given(st.sampled_from(["ENTROPY_WEIGHTS", "ENTROPY_TABLE", "NORMALIZE"]), indicator_call(False))
def test_indicator_functions_with_plausible_input(name, call):
    check_result(name, getattr(udfs, name)(*call))


@FUZZ
@given(st.sampled_from(["TOPSIS", "COMPOSITE_SCORE"]), ANY, ANY, OPTIONAL, OPTIONAL)
def test_scoring_functions_with_anything(name, data, weights, directions, shift):
    check_result(name, getattr(udfs, name)(data, weights, directions, shift))


@FUZZ
@given(st.sampled_from(["TOPSIS", "COMPOSITE_SCORE"]), indicator_call(True))
def test_scoring_functions_with_plausible_input(name, call):
    check_result(name, getattr(udfs, name)(*call))


@FUZZ
@given(ANY, OPTIONAL, ANY, OPTIONAL)
def test_theil_decomp_with_anything(scores, pop, regions, measure):
    check_result("THEIL_DECOMP", udfs.THEIL_DECOMP(scores, pop, regions, measure))


@FUZZ
@given(grouped_call())
def test_inequality_tables_with_plausible_input(call):
    scores, pop, regions, measure = call
    check_result("THEIL_DECOMP", udfs.THEIL_DECOMP(scores, pop, regions, measure))
    check_result("DAGUM_GINI", udfs.DAGUM_GINI(scores, pop, regions))
    check_result("THEIL", udfs.THEIL(scores, pop, measure))


@FUZZ
@given(ANY, OPTIONAL, ANY)
def test_dagum_gini_with_anything(scores, pop, regions):
    check_result("DAGUM_GINI", udfs.DAGUM_GINI(scores, pop, regions))


@FUZZ
@given(ANY, OPTIONAL, OPTIONAL)
def test_theil_with_anything(x, pop, measure):
    check_result("THEIL", udfs.THEIL(x, pop, measure))


@FUZZ
@given(st.one_of(NUMBERS, ANY), st.one_of(NUMBERS, ANY), OPTIONAL)
def test_resilience_type_with_anything(resistance, reconstruction, language):
    check_result("RESILIENCE_TYPE", udfs.RESILIENCE_TYPE(resistance, reconstruction, language))


# issue 14: convergence, spatial
@FUZZ
@given(ANY, OPTIONAL, OPTIONAL)
def test_convergence_functions_with_anything(scores, regions, years):
    check_result("SIGMA_CONVERGENCE", udfs.SIGMA_CONVERGENCE(scores, regions))
    check_result("BETA_CONVERGENCE", udfs.BETA_CONVERGENCE(scores, years))


SPATIAL_NAMES = st.sampled_from(["Beijing", "Tianjin", "Hebei", "a", "b", "c", None, "", 1.0])


@FUZZ
@given(ANY, st.one_of(ANY, excel_shaped(SPATIAL_NAMES)), OPTIONAL,
       st.one_of(st.none(), st.integers(0, 30), ANY), OPTIONAL)
def test_spatial_functions_with_anything(scores, units, neighbours, permutations, seed):
    check_result("MORAN_I", udfs.MORAN_I(scores, units, neighbours, permutations, seed))
    check_result("LOCAL_MORAN", udfs.LOCAL_MORAN(scores, units, neighbours, permutations, seed))


# issue 25: objective weights, rank agreement, Markov chain
METHOD_WORDS = st.one_of(st.sampled_from(["critic", "CV", "std", "equal", "entropy", "combined",
                                          "Standard deviation", "magic", "", None]), ANY)


@FUZZ
@given(ANY, ANY, METHOD_WORDS, OPTIONAL, st.one_of(st.sampled_from(["product", "mean"]), ANY))
def test_objective_weights_with_anything(data, directions, method, shift, combine):
    check_result("OBJECTIVE_WEIGHTS",
                 udfs.OBJECTIVE_WEIGHTS(data, directions, method, shift, combine))


@FUZZ
@given(st.data())
def test_objective_weights_with_plausible_input(data):
    x, signs, shift = data.draw(indicator_call(False))
    method = data.draw(st.sampled_from(["critic", "cv", "std", "equal", "entropy", "combined"]))
    check_result("OBJECTIVE_WEIGHTS", udfs.OBJECTIVE_WEIGHTS(x, signs, method, shift))


@FUZZ
@given(st.one_of(NUMBERS, ANY), st.one_of(NUMBERS, ANY),
       st.one_of(st.sampled_from(["spearman", "kendall", "tau"]), OPTIONAL))
def test_rank_agreement_with_anything(a, b, method):
    check_result("RANK_AGREEMENT", udfs.RANK_AGREEMENT(a, b, method))


@FUZZ
@given(ANY, st.one_of(st.integers(-1, 12), OPTIONAL),
       st.one_of(st.sampled_from(["per year", "pooled", "Pooled"]), OPTIONAL))
def test_markov_matrix_with_anything(scores, k, classes):
    check_result("MARKOV_MATRIX", udfs.MARKOV_MATRIX(scores, k, classes))


MODERATE = st.one_of(st.just(0.0), st.floats(1e-6, 1e6), st.floats(-1e6, -1e-6))


@FUZZ
@given(st.integers(2, 12), st.integers(1, 6), st.data())
def test_moderate_numbers_never_overflow(n, m, data):
    """The "too large or too small" message is for magnitudes near the float limits only."""
    x = data.draw(matching(n, m, MODERATE))
    signs = data.draw(st.lists(st.sampled_from(["+", "-"]), min_size=m, max_size=m))
    weights = data.draw(st.lists(st.floats(0, 100), min_size=m, max_size=m))
    regions = data.draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n))
    pop = data.draw(st.lists(st.floats(1e-3, 1e7), min_size=n, max_size=n))
    positive = [[abs(v) for v in r] for r in x]
    calls = [("ENTROPY_WEIGHTS", (x, signs)), ("ENTROPY_TABLE", (x, signs, 0)),
             ("NORMALIZE", (x, signs)), ("TOPSIS", (x, weights, signs)),
             ("COMPOSITE_SCORE", (x, weights, signs, 0.01)),
             ("THEIL_DECOMP", (positive, pop, regions)),
             ("THEIL_DECOMP", (positive, None, regions, "L")),
             ("DAGUM_GINI", (positive, pop, regions)),
             ("THEIL", ([r[0] for r in positive], pop)),
             ("RESILIENCE_TYPE", ([r[0] for r in x], [r[-1] for r in x]))]
    for name, arguments in calls:
        message = check_result(name, getattr(udfs, name)(*arguments))
        assert message != udf_results.NON_FINITE_MESSAGE, (name, arguments)


@FUZZ
@given(st.sampled_from(["TOPSIS", "COMPOSITE_SCORE"]), st.integers(2, 8), st.integers(1, 5),
       st.data())
def test_omitted_directions_on_raw_data_are_refused(name, n, m, data):
    """Issue 16: without directions only NORMALIZE's output is scored (all benefits); raw
    data, whose cost columns would silently count the wrong way, get the one-line message."""
    x = data.draw(matching(n, m, st.floats(-1e3, 1e3, allow_subnormal=False)))
    weights = data.draw(st.lists(st.floats(0.1, 10), min_size=m, max_size=m))
    spans = [max(col) - min(col) for col in zip(*x)]
    lows = [min(col) for col in zip(*x)]
    normalised = all(abs(lo - 1) <= 1e-9 for lo in lows) and all(
        abs(s - 1) <= 1e-9 or s <= 1e-9 for s in spans)
    result = getattr(udfs, name)(x, weights)
    if not normalised:
        assert result.startswith(f"{name}: directions are missing; raw data need them")
    check_result(name, result)


# issue 14: coupling, obstacle, density
@st.composite
def coupling_call(draw):
    n, k = draw(st.integers(1, 8)), draw(st.integers(1, 4))
    u = draw(mostly(matching(n, k, st.floats(0, 1)), st.one_of(matching(n, k), NUMBERS)))
    weights = draw(mostly(st.one_of(st.none(), st.lists(st.floats(0, 5), min_size=k,
                                                        max_size=k)), NUMBERS))
    model = draw(mostly(st.sampled_from([None, "classic", "corrected"]), CELL))
    rescale = draw(mostly(st.sampled_from([None, "none", "0.01-0.99"]), CELL))
    return u, weights, model, rescale


@st.composite
def density_call(draw):
    n, k = draw(st.integers(1, 8)), draw(st.integers(1, 3))
    scores = draw(mostly(matching(n, k, CLEAN), st.one_of(matching(n, k), NUMBERS)))
    return scores, draw(mostly(st.one_of(st.none(), st.just("silverman"), st.floats(1e-3, 5)),
                               CELL))


@FUZZ
@given(ANY, OPTIONAL, OPTIONAL, OPTIONAL)
def test_coupling_with_anything(u, weights, model, rescale):
    check_result("COUPLING_COORDINATION", udfs.COUPLING_COORDINATION(u, weights, model, rescale))


@FUZZ
@given(coupling_call())
def test_coupling_with_plausible_input(call):
    check_result("COUPLING_COORDINATION", udfs.COUPLING_COORDINATION(*call))


@FUZZ
@given(ANY, ANY, ANY)
def test_obstacle_with_anything(data, weights, directions):
    check_result("OBSTACLE_DEGREE", udfs.OBSTACLE_DEGREE(data, weights, directions))


@FUZZ
@given(indicator_call(True))
def test_obstacle_with_plausible_input(call):
    data, weights, directions, _ = call
    check_result("OBSTACLE_DEGREE", udfs.OBSTACLE_DEGREE(data, weights, directions))


@FUZZ
@given(st.one_of(ANY, density_call()))
def test_kernel_density_with_anything(call):
    scores, bandwidth = call if isinstance(call, tuple) else (call, None)
    check_result("KERNEL_DENSITY", udfs.KERNEL_DENSITY(scores, bandwidth))


@pytest.mark.parametrize("name", sorted(n for n in dir(udfs)
                                        if n.isupper() and not n.startswith("_")))
def test_every_function_is_fuzzed(name):
    assert callable(getattr(udfs, name))
    fuzzed = {"ENTROPY_WEIGHTS", "ENTROPY_TABLE", "NORMALIZE", "TOPSIS", "COMPOSITE_SCORE",
              "THEIL_DECOMP", "DAGUM_GINI", "THEIL", "RESILIENCE_TYPE",
              # issue 14: coupling, obstacle, density
              "COUPLING_COORDINATION", "OBSTACLE_DEGREE", "KERNEL_DENSITY",
              # issue 14: convergence, spatial
              "SIGMA_CONVERGENCE", "BETA_CONVERGENCE", "MORAN_I", "LOCAL_MORAN",
              # issue 25: objective weights, rank agreement, Markov chain
              "OBJECTIVE_WEIGHTS", "RANK_AGREEMENT", "MARKOV_MATRIX"}
    assert name in fuzzed and len(inspect.signature(getattr(udfs, name)).parameters) >= 1


@pytest.mark.parametrize("name, strategy, call", [
    ("ENTROPY_WEIGHTS", indicator_call(False), lambda f, c: f(*c)),
    ("TOPSIS", indicator_call(True), lambda f, c: f(*c)),
    ("COMPOSITE_SCORE", indicator_call(True), lambda f, c: f(*c)),
    ("THEIL_DECOMP", grouped_call(), lambda f, c: f(*c)),
    ("DAGUM_GINI", grouped_call(), lambda f, c: f(c[0], c[1], c[2])),
    ("THEIL", grouped_call(), lambda f, c: f(c[0], c[1], c[3])),
    # issue 14: coupling, obstacle, density
    ("COUPLING_COORDINATION", coupling_call(), lambda f, c: f(*c)),
    ("OBSTACLE_DEGREE", indicator_call(True), lambda f, c: f(c[0], c[1], c[2])),
    ("KERNEL_DENSITY", density_call(), lambda f, c: f(*c)),
    # issue 25: objective weights
    ("OBJECTIVE_WEIGHTS", indicator_call(False), lambda f, c: f(c[0], c[1], "critic", c[2])),
])
def test_plausible_strategies_reach_the_engine(name, strategy, call):
    """The fuzzing above is only worth something if the engine runs, not just the parsers."""
    from hypothesis import find

    function = getattr(udfs, name)
    found = find(strategy, lambda c: not isinstance(call(function, c), str),
                 settings=settings(max_examples=2000, deadline=None, database=None))
    assert found is not None
