"""The worksheet functions with Excel-shaped inputs: results equal the engine's, bad inputs
give word-for-word one-line messages, and the module suits xlwings' VBA generator."""
from __future__ import annotations

import datetime as dt
import inspect
import math
import re

import numpy as np
import pytest

from trade_resilience_xl import engine, udf_results, udfs
from trade_resilience_xl.example_data import load_example_panel

FUNCTIONS = tuple(sorted(("COMPOSITE_SCORE", "DAGUM_GINI", "ENTROPY_TABLE", "ENTROPY_WEIGHTS",
                          "NORMALIZE", "RESILIENCE_TYPE", "THEIL", "THEIL_DECOMP", "TOPSIS",
                          # issue 14: coupling, obstacle, density
                          "COUPLING_COORDINATION", "KERNEL_DENSITY", "OBSTACLE_DEGREE",
                          # issue 14: convergence, spatial
                          "BETA_CONVERGENCE", "LOCAL_MORAN", "MORAN_I", "SIGMA_CONVERGENCE",
                          # issue 25: objective weights, rank agreement, Markov chain
                          "MARKOV_MATRIX", "OBJECTIVE_WEIGHTS", "RANK_AGREEMENT")))


def excel(rows):
    """A sheet range (list of rows) as xlwings hands it to a UDF: one cell -> scalar, one row
    or one column -> flat list, else nested rows (xlwings' default "squeeze")."""
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else list(rows[0])
    if len(rows[0]) == 1:
        return [r[0] for r in rows]
    return [list(r) for r in rows]


def column(values):
    return excel([[v] for v in values])


def row(values):
    return excel([list(values)])


@pytest.fixture(scope="module")
def panel():
    """The example panel's complete rows (the UDFs do not interpolate gaps)."""
    frame = load_example_panel()
    codes = [f"X{j}" for j in range(1, 14)]
    frame = frame.dropna(subset=codes).reset_index(drop=True)
    return frame, codes


@pytest.fixture(scope="module")
def signs():
    return [1, 1, -1, 1, 1, 1, -1, -1, 1, 1, 1, 1, 1]


def symbols(signs):
    return ["+" if s > 0 else "-" for s in signs]


# ----------------------------------------------------------------------- results

def test_entropy_weights_match_engine_in_every_orientation(panel, signs):
    frame, codes = panel
    x = frame[codes].to_numpy()
    expected = engine.entropy_weights(x, signs, shift=1.0).weights
    data = excel(x.tolist())
    for directions in (row(symbols(signs)), column(symbols(signs)),
                       column(["benefit" if s > 0 else "COST" for s in signs]),
                       row([float(s) for s in signs]),
                       column(["正" if s > 0 else "负" for s in signs])):
        got = udfs.ENTROPY_WEIGHTS(data, directions)
        assert isinstance(got, list) and len(got) == 1 and len(got[0]) == 13
        assert all(type(v) is float for v in got[0])
        np.testing.assert_allclose(got[0], expected, rtol=1e-11)  # summation order
        assert math.isclose(sum(got[0]), 1.0)
    shifted = udfs.ENTROPY_WEIGHTS(data, row(symbols(signs)), 0.01)
    np.testing.assert_allclose(shifted[0], engine.entropy_weights(x, signs, 0.01).weights)
    assert udfs.ENTROPY_WEIGHTS(data, row(symbols(signs)), None) == udfs.ENTROPY_WEIGHTS(
        data, row(symbols(signs)))  # a blank shift cell is the default


def test_constant_column_gets_weight_zero():
    got = udfs.ENTROPY_WEIGHTS([[1.0, 5.0, 7.0], [2.0, 5.0, 3.0], [4.0, 5.0, 1.0]],
                               ["+", "+", "-"], 0)
    assert got[0][1] == 0.0
    np.testing.assert_allclose(got[0], [0.5575314901415596, 0.0, 0.4424685098584405])


def test_entropy_table_and_normalize(panel, signs):
    frame, codes = panel
    x = frame[codes].to_numpy()
    table = udfs.ENTROPY_TABLE(excel(x.tolist()), column(symbols(signs)), 0.5)
    ew = engine.entropy_weights(x, signs, 0.5)
    assert table[0] == ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    assert [r[0] for r in table[1:]] == [float(j) for j in range(1, 14)]
    np.testing.assert_allclose([r[1:] for r in table[1:]],
                               np.column_stack([ew.entropy, ew.divergence, ew.weights]))
    normalized = udfs.NORMALIZE(excel(x.tolist()), row(symbols(signs)), 0)
    np.testing.assert_allclose(normalized, engine.normalize(x, signs, 0))
    assert len(normalized) == x.shape[0] and len(normalized[0]) == 13


def test_one_indicator_column_is_data_not_a_row():
    got = udfs.NORMALIZE(column([1.0, 3.0, 2.0]), "-", 0)
    assert got == [[1.0], [0.0], [0.5]]
    assert udfs.ENTROPY_WEIGHTS(column([1.0, 3.0, 2.0]), "+") == [[1.0]]


def test_topsis_and_composite_score(panel, signs):
    frame, codes = panel
    x = frame[codes].to_numpy()
    weights = udfs.ENTROPY_WEIGHTS(excel(x.tolist()), row(symbols(signs)))[0]
    expected = engine.topsis(x, weights, signs).score
    for w in (row(weights), column(weights)):
        got = udfs.TOPSIS(excel(x.tolist()), w, column(symbols(signs)))
        assert len(got) == x.shape[0] and all(len(r) == 1 for r in got)
        np.testing.assert_allclose([r[0] for r in got], expected)
    score = udfs.COMPOSITE_SCORE(excel(x.tolist()), row(weights), row(symbols(signs)), 0)
    np.testing.assert_allclose([r[0] for r in score], engine.weighted_sum(x, weights, signs, 0))


def test_theil_decomp_panel_table(panel):
    frame, _ = panel
    wide = frame.pivot(index="Province", columns="Year", values="X1")
    wide = wide.dropna()
    regions = frame.drop_duplicates("Province").set_index("Province").loc[wide.index, "Region"]
    pop = frame.pivot(index="Province", columns="Year", values="Population").loc[wide.index]
    x = wide.to_numpy()
    result = engine.theil(x, list(regions), pop.to_numpy(), "T")
    table = udfs.THEIL_DECOMP(excel(x.tolist()), excel(pop.to_numpy().tolist()),
                              column(list(regions)))
    labels = [r[0] for r in table]
    groups = list(dict.fromkeys(regions))
    assert labels == (["Total", "Within", "Between", "Within share", "Between share"] + groups
                      + [f"{g} contribution" for g in groups])
    assert all(len(r) == 1 + x.shape[1] for r in table)
    np.testing.assert_allclose(table[0][1:], result.total)
    np.testing.assert_allclose(table[2][1:], result.between)
    np.testing.assert_allclose([r[1:] for r in table[5:5 + len(groups)]], result.group_index.T)
    np.testing.assert_allclose([r[1:] for r in table[5 + len(groups):]],
                               result.group_contribution.T)
    # One population column = the same weights every year; blank pop = equal weights.
    one_pop = udfs.THEIL_DECOMP(excel(x.tolist()), column(list(pop.iloc[:, 0])),
                                row(list(regions)), "L")
    np.testing.assert_allclose(one_pop[0][1:],
                               engine.theil(x, list(regions), pop.iloc[:, 0].to_numpy(), "L").total)
    equal = udfs.THEIL_DECOMP(excel(x.tolist()), None, column(list(regions)))
    np.testing.assert_allclose(equal[0][1:], engine.theil(x, list(regions)).total)


def test_theil_decomp_single_year_as_row_or_column():
    scores, regions = [1.0, 2.0, 3.0, 4.0, 8.0], ["E", "E", "W", "W", "C"]
    expected = engine.theil(np.array(scores), regions)
    for shape in (row, column):
        table = udfs.THEIL_DECOMP(shape(scores), None, shape(regions))
        assert [r[0] for r in table][:5] == ["Total", "Within", "Between", "Within share",
                                             "Between share"]
        assert table[0][1] == pytest.approx(expected.total)
        assert table[5] == ["E", pytest.approx(expected.group_index[0])]
        assert table[-1] == ["C contribution", pytest.approx(expected.group_contribution[2])]


def test_numeric_region_codes_are_names():
    table = udfs.THEIL_DECOMP([1.0, 2.0, 3.0, 4.0], None, [1.0, 1.0, 2.0, 2.0])
    assert [r[0] for r in table[5:]] == ["1", "2", "1 contribution", "2 contribution"]


def test_dagum_gini_table():
    scores = [[0.3, 0.4], [0.5, 0.5], [0.2, 0.1], [0.9, 0.7], [0.4, 0.45], [0.35, 0.3]]
    regions = ["East", "West", "East", "Central", "West", "Central"]
    pop = [10.0, 20.0, 5.0, 8.0, 12.0, 7.0]
    r = engine.dagum_gini(np.array(scores), regions, pop)
    table = udfs.DAGUM_GINI(scores, column(pop), row(regions))
    assert [t[0] for t in table] == ["Total", "Within", "Net between", "Transvariation",
                                     "Within share", "Net between share",
                                     "Transvariation share", "East", "West", "Central"]
    np.testing.assert_allclose(table[0][1:], r.total)
    np.testing.assert_allclose([t[1:] for t in table[7:]], r.group_gini.T)
    np.testing.assert_allclose(np.array(table[1][1:]) + table[2][1:] + table[3][1:], r.total)


def test_theil_number():
    x, pop = [1.0, 2.0, 3.0, 10.0], [5.0, 1.0, 1.0, 2.0]
    assert udfs.THEIL(row(x)) == pytest.approx(engine.theil(x).total)
    assert udfs.THEIL(column(x), row(pop), "l") == pytest.approx(
        engine.theil(x, None, pop, "L").total)
    assert type(udfs.THEIL(x)) is float


def test_resilience_type():
    resist = [0.9, 0.5, 0.1, 0.7, 0.3, 0.6]
    recon = [0.8, 0.1, 0.5, 0.2, 0.9, 0.4]
    c = engine.classify(np.column_stack([resist, recon]))
    assert udfs.RESILIENCE_TYPE(row(resist), column(recon)) == [[t] for t in c.type_en]
    assert udfs.RESILIENCE_TYPE(resist, recon, "zh") == [[t] for t in c.type_zh]
    assert udfs.RESILIENCE_TYPE(resist, recon, "ZH")[0] == ["构高抗高型"]


def test_resilience_type_names_types_from_the_dimensions_given():
    """Issue 22: with dimension names the types are the Types sheet's (engine.classify with
    those names), not the paper's, in English and, from the Chinese parts, in Chinese."""
    first = [0.9, 0.5, 0.1, 0.7, 0.3, 0.6]
    second = [0.8, 0.1, 0.5, 0.2, 0.9, 0.4]
    c = engine.classify(np.column_stack([first, second]),
                        dimensions=("Farm output", "Water supply"), short_zh=("农业", "水利"))
    given = row(["Farm output / 农业", "Water supply / 水利"])
    assert udfs.RESILIENCE_TYPE(first, second, "en", given) == [[t] for t in c.type_en]
    given_down = column(["Farm output / 农业", "Water supply / 水利"])
    assert udfs.RESILIENCE_TYPE(first, second, "zh", given_down) == [[t] for t in c.type_zh]
    assert udfs.RESILIENCE_TYPE(first, second, None, given)[0] == ["High Farm output, high "
                                                                   "Water supply"]
    assert "resistance" not in str(udfs.RESILIENCE_TYPE(first, second, "en", given))


def test_currency_cells_and_numpy_scalars_are_numbers():
    """Classic xlwings passes currency-formatted cells as decimal.Decimal (pywin32 VT_CY)."""
    from decimal import Decimal

    plain = udfs.TOPSIS([[1.0, 5.0], [2.0, 3.0], [4.0, 1.0]], [0.5, 0.5], ["+", "-"])
    assert udfs.TOPSIS([[Decimal("1.00"), 5.0], [2.0, np.float64(3.0)], [4.0, 1]], [0.5, 0.5],
                       ["+", "-"]) == plain
    assert (udfs.THEIL([Decimal("1"), Decimal("sNaN")]) ==
            "THEIL: x cell 2 is not a finite number; numbers expected")


def test_integers_and_single_cells_are_accepted():
    assert udfs.TOPSIS([[1, 5], [2, 3], [4, 1]], [1, 1], ["+", -1]) == udfs.TOPSIS(
        [[1.0, 5.0], [2.0, 3.0], [4.0, 1.0]], [0.5, 0.5], ["+", "-"])
    assert udfs.ENTROPY_WEIGHTS([[1.0], [2.0]], [["+"]]) == [[1.0]]  # nested 1 x 1 and n x 1


# ----------------------------------------------------------------------- issue 16: directions
RAW = [[1.0, 5.0], [2.0, 3.0], [4.0, 1.0]]


@pytest.mark.parametrize("name", ["TOPSIS", "COMPOSITE_SCORE"])
def test_raw_data_without_directions_are_refused(name):
    """The issue's example: {1,5;2,3;4,1} with a cost column scored as if both were benefits."""
    assert getattr(udfs, name)(RAW, [0.5, 0.5]) == (
        f"{name}: directions are missing; raw data need them (one + or - per column, e.g. "
        f"={name}(data, weights, Indicators!E8:E20)), or pass NORMALIZE's output (with the "
        "same shift)")


@pytest.mark.parametrize("shift", [0.0, 0.01, 1.0])
def test_topsis_of_normalize_output_equals_topsis_with_directions(panel, signs, shift):
    frame, codes = panel
    x = frame[codes].to_numpy()
    weights = udfs.ENTROPY_WEIGHTS(excel(x.tolist()), row(symbols(signs)), shift)[0]
    normalized = udfs.NORMALIZE(excel(x.tolist()), row(symbols(signs)), shift)
    for name in ("TOPSIS", "COMPOSITE_SCORE"):
        function = getattr(udfs, name)
        got = function(normalized, row(weights), None, shift)
        want = function(excel(x.tolist()), row(weights), row(symbols(signs)), shift)
        np.testing.assert_allclose(np.ravel(got), np.ravel(want), rtol=0, atol=1e-12)
    # The closeness is the engine's on the raw data with their directions.
    np.testing.assert_allclose(np.ravel(udfs.TOPSIS(normalized, row(weights), None, shift)),
                               engine.topsis(x, weights, signs, shift).score, rtol=0, atol=1e-12)


def test_normalize_output_with_another_shift_is_refused():
    y = udfs.NORMALIZE(RAW, ["+", "-"], 0.01)
    assert udfs.COMPOSITE_SCORE(y, [0.5, 0.5]).startswith("COMPOSITE_SCORE: directions are missing")
    assert isinstance(udfs.COMPOSITE_SCORE(y, [0.5, 0.5], None, 0.01), list)


# ----------------------------------------------------------------------- issue 10
def test_decimal_comma_text_is_refused_in_worksheet_functions():
    assert udfs.NORMALIZE([[1.0, 2.0], [3.0, 4.0]], ["+", "+"], "0,01") == (
        'NORMALIZE: shift is text ("0,01"); a number >= 0 expected')
    assert udfs.ENTROPY_WEIGHTS([["72,76", 2.0], [3.0, 4.0]], ["+", "+"]) == (
        'ENTROPY_WEIGHTS: data row 1, column 1 is text ("72,76"); numbers expected')


def test_near_constant_column_gets_weight_zero_in_entropy_weights():
    """7 everywhere but one 7.000000000000001 (formula noise) is a constant column."""
    noisy = [[1.0, 7.0], [2.0, 7.000000000000001], [4.0, 7.0]]
    assert udfs.ENTROPY_WEIGHTS(noisy, ["+", "+"], 0.01) == [[1.0, 0.0]]
    assert udfs.ENTROPY_WEIGHTS(noisy, ["+", "+"], 1) == [[1.0, 0.0]]
    table = udfs.ENTROPY_TABLE(noisy, ["+", "+"], 0.01)
    assert table[2][1:] == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("spelled", ["east", "East ", "ＥＡＳＴ", " EAST"])
def test_region_spellings_are_refused_naming_both(spelled):
    for function in (udfs.THEIL_DECOMP, udfs.DAGUM_GINI):
        got = function(SCORES + [5.0], None, ["East", "East", "West", "West", spelled])
        assert got == (f'{function.__name__}: regions cell 1 "East" and regions cell 5 '
                       f'"{spelled}" differ only in case, spaces or full-width letters; spell '
                       "each region one way")


def test_dagum_gini_takes_pop_before_regions_like_theil_decomp():
    scores = [0.3, 0.5, 0.2, 0.9, 0.4, 0.35]
    regions = ["East", "West", "East", "Central", "West", "Central"]
    pop = [10.0, 20.0, 5.0, 8.0, 12.0, 7.0]
    table = udfs.DAGUM_GINI(scores, pop, regions)
    assert table[0][1] == pytest.approx(engine.dagum_gini(scores, regions, pop).total, abs=1e-15)
    swapped = "regions has a different value for every unit: are pop and regions swapped?"
    assert udfs.DAGUM_GINI(scores, regions, pop) == f"DAGUM_GINI: {swapped}"
    assert udfs.THEIL_DECOMP(scores, regions, pop) == f"THEIL_DECOMP: {swapped}"


@pytest.mark.parametrize("label", ["=HYPERLINK(\"http://x\")", "+East", "-East", "@East"])
def test_region_labels_that_start_like_formulas_are_refused(label):
    got = udfs.THEIL_DECOMP(SCORES, None, ["East", label, "West", "West"])
    assert got == (f"THEIL_DECOMP: regions cell 2 starts with {label[0]}; a label cannot start "
                   "with =, +, - or @ (it would run as a formula where it is written)")


def test_plain_block_fast_path_still_names_bad_cells():
    assert udfs.ENTROPY_WEIGHTS([[1.0, 2.0], [3.0, True]], ["+", "+"]) == (
        "ENTROPY_WEIGHTS: data row 2, column 2 is TRUE (a logical value); numbers expected")
    assert udfs.ENTROPY_WEIGHTS([[1.0, 2.0], [3.0, float("inf")]], ["+", "+"]) == (
        "ENTROPY_WEIGHTS: data row 2, column 2 is not a finite number; numbers expected")


# ----------------------------------------------------------------------- messages

D = [[1.0, 5.0, 7.0], [2.0, 5.0, 3.0], [4.0, 6.0, 1.0]]
DIRS = ["+", "+", "-"]
SCORES = [1.0, 2.0, 3.0, 4.0]
REGIONS = ["East", "East", "West", "West"]
CHOICES = "use + or - (also 1/-1, benefit/cost, positive/negative, 正/负)"

BAD_INPUTS = [
    (udfs.ENTROPY_WEIGHTS, ([[1.0, 5.0], [None, 6.0]], ["+", "+"]),
     "ENTROPY_WEIGHTS: data row 2, column 1 is blank or an error value; numbers expected"),
    (udfs.TOPSIS, ([[1.0, 2.0, 3.0], [4.0, 5.0, "n/a"], [1.0, 1.0, 1.0]], [1, 1, 1]),
     'TOPSIS: data row 2, column 3 is text ("n/a"); numbers expected'),
    (udfs.NORMALIZE, ([[1.0, True], [2.0, 3.0]], ["+", "+"]),
     "NORMALIZE: data row 1, column 2 is TRUE (a logical value); numbers expected"),
    (udfs.ENTROPY_TABLE, ([[dt.datetime(2021, 1, 1), 1.0], [2.0, 3.0]], ["+", "+"]),
     "ENTROPY_TABLE: data row 1, column 1 is a date or time; numbers expected"),
    (udfs.ENTROPY_WEIGHTS, ([[1.0, 2.0], [3.0, float("nan")]], ["+", "+"]),
     "ENTROPY_WEIGHTS: data row 2, column 2 is not a finite number; numbers expected"),
    (udfs.ENTROPY_WEIGHTS, ([[10 ** 400, 2.0], [3.0, 4.0]], ["+", "+"]),
     "ENTROPY_WEIGHTS: data row 1, column 1 is not a finite number; numbers expected"),
    (udfs.ENTROPY_WEIGHTS, ([1.0, 2.0, 3.0], DIRS),
     "ENTROPY_WEIGHTS: data has 1 row; at least 2 rows (observations) expected"),
    (udfs.NORMALIZE, (5.0, "+"),
     "NORMALIZE: data has 1 row; at least 2 rows (observations) expected"),
    (udfs.ENTROPY_WEIGHTS, (D, ["+", "-"]),
     "ENTROPY_WEIGHTS: directions has 2 cells for 3 columns of data"),
    (udfs.ENTROPY_WEIGHTS, (D, ["+", "up", "-"]),
     f'ENTROPY_WEIGHTS: directions cell 2 is "up"; {CHOICES}'),
    (udfs.ENTROPY_WEIGHTS, (D, ["+", "+", None]),
     f"ENTROPY_WEIGHTS: directions cell 3 is blank or an error value; {CHOICES}"),
    (udfs.NORMALIZE, (D, [2.0, "+", "+"]), f"NORMALIZE: directions cell 1 is 2; {CHOICES}"),
    (udfs.NORMALIZE, (D, [["+", "-"], ["+", "-"]]),
     "NORMALIZE: directions must be one row or one column; it has 2 rows and 2 columns"),
    (udfs.ENTROPY_WEIGHTS, ([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]], ["+", "-"]),
     "ENTROPY_WEIGHTS: every indicator is constant; entropy weights are undefined"),
    (udfs.ENTROPY_WEIGHTS, (D, DIRS, -1.0), "ENTROPY_WEIGHTS: shift is -1; a number >= 0 expected"),
    (udfs.ENTROPY_TABLE, (D, DIRS, "abc"),
     'ENTROPY_TABLE: shift is text ("abc"); a number >= 0 expected'),
    (udfs.NORMALIZE, (D, DIRS, [0.1, 0.2]),
     "NORMALIZE: shift must be a single cell; it has 2 cells"),
    (udfs.TOPSIS, (D, [0.5, 0.5]), "TOPSIS: weights has 2 cells for 3 columns of data"),
    (udfs.TOPSIS, (D, [0.5, -0.5, 1.0]), "TOPSIS: weights cell 2 is -0.5; weights must be >= 0"),
    (udfs.COMPOSITE_SCORE, (D, [0.0, 0.0, 0.0]),
     "COMPOSITE_SCORE: weights are all 0; at least one must be positive"),
    (udfs.TOPSIS, (D, [0.0, 1.0, 0.0], None, None),
     "TOPSIS: data row 1, column 2 is not constant"),  # placeholder replaced below
    (udfs.TOPSIS, (D, [[0.5, 0.5, 0.5]], ["+", "+"]),
     "TOPSIS: directions has 2 cells for 3 columns of data"),
    (udfs.THEIL_DECOMP, ([[1.0, 1.0], [-0.5, 2.0], [3.0, 3.0], [4.0, 1.0]], None, REGIONS),
     "THEIL_DECOMP: scores row 2, column 1 is -0.5; Theil T needs values >= 0"),
    (udfs.THEIL_DECOMP, ([1.0, 2.0, 0.0, 4.0], None, REGIONS, "L"),
     "THEIL_DECOMP: scores cell 3 is 0; Theil L needs positive values"),
    (udfs.THEIL_DECOMP, ([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0]], None, REGIONS),
     "THEIL_DECOMP: scores column 2 is all 0; Theil T needs a positive mean"),
    (udfs.THEIL_DECOMP, (SCORES, [5.0, 0.0, 1.0, 2.0], REGIONS),
     "THEIL_DECOMP: pop cell 2 is 0; populations must be positive"),
    (udfs.THEIL_DECOMP, (SCORES, [0.0, 0.0, 0.0, 0.0], REGIONS),
     "THEIL_DECOMP: pop cell 1 is 0; populations must be positive"),
    (udfs.THEIL_DECOMP, (SCORES, [5.0, 1.0, 2.0], REGIONS),
     "THEIL_DECOMP: pop has 3 cells for 4 rows of scores"),
    (udfs.THEIL_DECOMP, ([[1.0, 2.0]] * 4, [[1.0, 2.0, 3.0]] * 4, REGIONS),
     "THEIL_DECOMP: pop has 3 columns; scores has 2 (use 1 column for the same population "
     "every year)"),
    (udfs.THEIL_DECOMP, (SCORES, [5.0, None, 1.0, 2.0], REGIONS),
     "THEIL_DECOMP: pop cell 2 is blank or an error value; numbers expected"),
    (udfs.THEIL_DECOMP, (SCORES, ["East", "East", "West", "West"]),
     "THEIL_DECOMP: regions is missing; the arguments are (scores, pop, regions) with pop "
     "left empty for equal weights"),
    (udfs.THEIL_DECOMP, (SCORES, None, ["East", "West", "West"]),
     "THEIL_DECOMP: regions has 3 cells for 4 rows of scores"),
    (udfs.DAGUM_GINI, (SCORES, None, ["East", None, "West", "West"]),
     "DAGUM_GINI: regions cell 2 is blank or an error value; a region name expected"),
    (udfs.DAGUM_GINI, (SCORES, None, ["East", "East", "East", "East"]),
     'DAGUM_GINI: regions holds one region only ("East"); a decomposition needs at least 2'),
    (udfs.TOPSIS, (D, [1.0, 1.0, 1.0]),
     "TOPSIS: directions are missing; raw data need them (one + or - per column, e.g. "
     "=TOPSIS(data, weights, Indicators!E8:E20)), or pass NORMALIZE's output (with the same "
     "shift)"),
    (udfs.COMPOSITE_SCORE, (D, [1.0, 1.0, 1.0], None, 0),
     "COMPOSITE_SCORE: directions are missing; raw data need them (one + or - per column, "
     "e.g. =COMPOSITE_SCORE(data, weights, Indicators!E8:E20)), or pass NORMALIZE's output "
     "(with the same shift)"),
    (udfs.DAGUM_GINI, (SCORES, REGIONS, [10.0, 20.0, 30.0, 40.0]),
     "DAGUM_GINI: regions has a different value for every unit: are pop and regions swapped?"),
    (udfs.THEIL_DECOMP, (SCORES, None, ["East", "east", "West", "West"]),
     'THEIL_DECOMP: regions cell 1 "East" and regions cell 2 "east" differ only in case, '
     "spaces or full-width letters; spell each region one way"),
    (udfs.DAGUM_GINI, ([-1.0, 2.0, 3.0, 4.0], None, REGIONS),
     "DAGUM_GINI: scores cell 1 is -1; the Gini needs values >= 0"),
    (udfs.THEIL_DECOMP, (SCORES, None, REGIONS, "X"),
     'THEIL_DECOMP: measure is "X"; use T (Theil T) or L (Theil L)'),
    (udfs.THEIL_DECOMP, (3.0, None, "East"),
     "THEIL_DECOMP: scores has 1 row; at least 2 rows (units) expected"),
    (udfs.THEIL, ([[1.0, 2.0], [3.0, 4.0]],),
     "THEIL: x must be one row or one column; it has 2 rows and 2 columns"),
    (udfs.THEIL, (7.0,), "THEIL: x has 1 cell; at least 2 cells expected"),
    (udfs.THEIL, ([0.0, 0.0, 0.0],), "THEIL: x are all 0; Theil T needs a positive mean"),
    (udfs.RESILIENCE_TYPE, ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "fr"),
     'RESILIENCE_TYPE: language is "fr"; use en or zh'),
    (udfs.RESILIENCE_TYPE, ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0]),
     "RESILIENCE_TYPE: second has 3 cells for 4 cells of first"),
    (udfs.RESILIENCE_TYPE, ([1.0, 2.0], [1.0, 2.0]),
     "RESILIENCE_TYPE: first has 2 cells; at least 3 units expected"),
    (udfs.RESILIENCE_TYPE, ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "en", ["A", "B", "C"]),
     "RESILIENCE_TYPE: dimensions has 3 cells; give the two dimension names, first and second"),
    (udfs.RESILIENCE_TYPE, ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "zh", ["Farm", "Water"]),
     "RESILIENCE_TYPE: language zh needs a Chinese short name for each dimension, e.g. "
     "Economic base / 经济"),
    (udfs.TOPSIS, ([[1.0, 2.0], [3.0]], [1.0, 1.0]),
     "TOPSIS: data is not a rectangular range of cells"),
    (udfs.ENTROPY_WEIGHTS, ([[1e308, 1.0], [-1e308, 2.0]], ["+", "+"]),
     "ENTROPY_WEIGHTS: data row 1, column 1 is too large a number (above 1e+300); "
     "numbers expected"),
    (udfs.THEIL_DECOMP, (SCORES, [1e308] * 4, REGIONS),
     "THEIL_DECOMP: pop cell 1 is too large a number (above 1e+300); numbers expected"),
    (udfs.DAGUM_GINI, ([1.0, 5e-324, 3.0, 4.0], None, REGIONS),
     "DAGUM_GINI: scores cell 2 is too small a number (below 2.2e-308); numbers expected"),
    # issue 14: coupling, obstacle, density
    (udfs.COUPLING_COORDINATION, ([[0.2, 1.7], [0.5, 0.5]],),
     "COUPLING_COORDINATION: sub-index 1.7 is outside [0, 1]; rescale to 0.01-0.99 or pass "
     "scores in [0, 1] (subindices row 1, column 2)"),
    (udfs.COUPLING_COORDINATION, ([0.2, 0.5, 0.7],),
     "COUPLING_COORDINATION: subindices has 1 column; coupling needs one column per dimension, "
     "at least 2"),
    (udfs.COUPLING_COORDINATION, ([[0.2, 0.3], [0.5, 0.5]], None, "Wang"),
     'COUPLING_COORDINATION: model is "Wang"; use classic or corrected'),
    (udfs.COUPLING_COORDINATION, ([[0.2, 0.3], [0.5, 0.5]], [1.0, 2.0, 3.0]),
     "COUPLING_COORDINATION: weights has 3 cells for 2 columns of data"),
    (udfs.OBSTACLE_DEGREE, (D, [0.5, 0.5], DIRS),
     "OBSTACLE_DEGREE: weights has 2 cells for 3 columns of data"),
    (udfs.KERNEL_DENSITY, ([[0.1, 0.2], [0.3, 0.4]],),
     "KERNEL_DENSITY: scores has 2 rows; a kernel density needs at least 3"),
    (udfs.KERNEL_DENSITY, ([[0.1, 0.4], [0.3, 0.4], [0.5, 0.4]],),
     "KERNEL_DENSITY: scores column 2 has every value equal (0.4); no density (a single point)"),
    (udfs.KERNEL_DENSITY, ([0.1, 0.3, 0.5], "wide"),
     'KERNEL_DENSITY: bandwidth is "wide"; use silverman or a number > 0'),
]
# TOPSIS with a positive weight only on a constant column: the engine's own message.
BAD_INPUTS[20] = (udfs.TOPSIS, ([[1.0, 5.0, 7.0], [2.0, 5.0, 3.0], [4.0, 5.0, 1.0]],
                                [0.0, 1.0, 0.0], DIRS),
                  "TOPSIS: every indicator with a positive weight is constant; TOPSIS cannot rank")


@pytest.mark.parametrize("function, arguments, message", BAD_INPUTS,
                         ids=[f"{i:02d}-{case[0].__name__}" for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_message_word_for_word(function, arguments, message):
    assert function(*arguments) == message


def test_at_least_25_distinct_messages():
    assert len({message for _, _, message in BAD_INPUTS}) >= 25


def test_example_panel_gap_is_reported_as_a_cell():
    frame = load_example_panel()
    x = frame[[f"X{j}" for j in range(1, 14)]]
    first_gap = np.argwhere(x.isna().to_numpy())[0]
    data = [[None if isinstance(v, float) and math.isnan(v) else v for v in r]
            for r in x.to_numpy().tolist()]
    assert udfs.ENTROPY_WEIGHTS(data, ["+"] * 13) == (
        f"ENTROPY_WEIGHTS: data row {first_gap[0] + 1}, column {first_gap[1] + 1} is blank "
        "or an error value; numbers expected")


def test_engine_error_positions_become_1_based_range_positions():
    err = engine.InputError("Gini needs a positive mean; every value is 0 in column 2", column=1)
    assert (udf_results.engine_message(err, "scores", "block")
            == "Gini needs a positive mean; every value is 0 in column 2 (scores column 2)")
    err = engine.InputError("bad", row=4, column=2)
    assert udf_results.engine_message(err, "data", "block") == "bad (data row 5, column 3)"
    assert udf_results.engine_message(engine.InputError("bad", row=4), "x",
                                        "vector") == "bad (x cell 5)"
    assert udf_results.engine_message(engine.InputError("plain"), "x", "vector") == "plain"


def test_engine_error_raised_inside_is_mapped(monkeypatch):
    def failing(*args, **kwargs):
        raise engine.InputError("Theil T needs values >= 0: unit 3 is -1", row=2)

    monkeypatch.setattr(engine, "theil", failing)
    assert (udfs.THEIL([1.0, 2.0, 3.0]) ==
            "THEIL: Theil T needs values >= 0: unit 3 is -1 (x cell 3)")


def test_unexpected_errors_are_one_line_without_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero\n  in the kernel")

    monkeypatch.setattr(engine, "entropy_weights", broken)
    assert (udfs.ENTROPY_WEIGHTS(D, DIRS) ==
            "ENTROPY_WEIGHTS: unexpected error: float division by zero in the kernel")


def test_non_finite_results_never_reach_a_cell(monkeypatch):
    monkeypatch.setattr(engine, "weighted_sum", lambda *a, **k: np.array([0.5, np.nan, 1.0]))
    assert udfs.COMPOSITE_SCORE(D, [1.0, 1.0, 1.0], DIRS) == (
        "COMPOSITE_SCORE: the numbers are too large or too small to compute with (overflow); "
        "rescale them")


# ----------------------------------------------------------------------- xlwings fit

VBA_RESERVED = {
    "and", "as", "boolean", "byref", "byte", "byval", "call", "case", "cbool", "cbyte", "ccur",
    "cdate", "cdbl", "cdec", "cint", "clng", "clnglng", "clngptr", "const", "csng", "cstr",
    "currency", "cvar", "cverr", "date", "decimal", "declare", "defbool", "defbyte", "defcur",
    "defdate", "defdbl", "defdec", "defint", "deflng", "deflnglng", "deflngptr", "defobj",
    "defsng", "defstr", "defvar", "dim", "do", "double", "each", "else", "elseif", "empty", "end",
    "endif", "enum", "eqv", "erase", "error", "event", "exit", "false", "for", "friend",
    "function", "get", "global", "gosub", "goto", "if", "imp", "implements", "in", "integer",
    "is", "let", "like", "long", "longlong", "longptr", "loop", "lset", "me", "mod", "new", "next",
    "not", "nothing", "null", "on", "option", "optional", "or", "paramarray", "preserve",
    "private", "property", "public", "raiseevent", "redim", "rem", "resume", "return", "rset",
    "select", "set", "single", "static", "step", "stop", "string", "sub", "then", "to", "true",
    "type", "typeof", "until", "variant", "wend", "while", "with", "withevents", "xor",
    # names the generated wrapper body itself uses, or xlwings treats specially
    "array", "application", "thisworkbook", "activeworkbook", "xlpy", "range", "caller",
    "failed", "app",
}


def public_functions():
    return {name: getattr(udfs, name) for name in dir(udfs)
            if callable(getattr(udfs, name)) and name.isupper()}


def test_function_list_and_signatures():
    functions = public_functions()
    assert sorted(functions) == list(FUNCTIONS)
    names = {n.lower() for n in FUNCTIONS}
    for name, function in functions.items():
        assert len(function.__doc__) <= 255, name
        for parameter in inspect.signature(function).parameters.values():
            assert parameter.kind is parameter.POSITIONAL_OR_KEYWORD, name
            assert parameter.annotation is parameter.empty, name  # xlwings: a converter
            assert parameter.name.lower() not in VBA_RESERVED | names, (name, parameter.name)


def test_generated_vba_module_has_every_function_with_optional_arguments():
    from trade_resilience_xl.workbook.template.vba import xlwings_udfs_source

    source = xlwings_udfs_source().replace("\r\n", "\n")
    headers = re.findall(r"^Function (\w+)\((.*)\)$", source, flags=re.M)
    assert [name for name, _ in headers] == sorted(FUNCTIONS)
    for name, params in headers:
        signature = inspect.signature(getattr(udfs, name)).parameters.values()
        expected = [("Optional " if p.default is not p.empty else "") + p.name for p in signature]
        assert params.split(", ") == expected
    assert "CommandBars" not in source  # call_in_wizard=False would add this guard
    assert "Sub " not in source
    # olevba flags quoted all-alphanumeric strings of length 4k that are not hex as Base64.
    for text in re.findall(r'"([^"]*)"', source):
        assert not (text.isalnum() and len(text) % 4 == 0
                    and not re.fullmatch(r"[0-9A-Fa-f]+", text)), text


# issue 14: coupling, obstacle, density -------------------------------------------------
def test_coupling_function_by_hand():
    """U = (0.3, 0.7): C = 2·sqrt(0.21)/1, T = 0.5, D = sqrt(C·T); corrected C =
    sqrt((1 - 0.4)·(0.3/0.7)) (Wang et al. 2021 for k = 2)."""
    table = udfs.COUPLING_COORDINATION([[0.3, 0.7], [0.5, 0.5]])
    assert table[0] == ["C", "T", "D", "Class", "Class name / 等级"]
    c = 2 * math.sqrt(0.21)
    assert table[1][:3] == pytest.approx([c, 0.5, math.sqrt(c * 0.5)])
    assert table[1][3:] == [7.0, "Primary coordination / 初级协调"]
    corrected = udfs.COUPLING_COORDINATION([[0.3, 0.7], [0.5, 0.5]], None, "corrected")
    assert corrected[1][0] == pytest.approx(math.sqrt(0.6 * 0.3 / 0.7))
    weighted = udfs.COUPLING_COORDINATION([[0.3, 0.7], [0.5, 0.5]], [3, 1])
    assert weighted[1][1] == pytest.approx(0.75 * 0.3 + 0.25 * 0.7)


def test_obstacle_function_rows_and_undefined():
    table = udfs.OBSTACLE_DEGREE([[1.0, 2.0], [3.0, 4.0], [3.0, 1.0]], [1.0, 3.0], ["+", "-"])
    # weights 1/4, 3/4; row 1: y = (0, 2/3) (X2 a cost over 1..4): gaps 1/4·1 and 3/4·1/3
    assert table[0] == pytest.approx([0.5, 0.5])
    assert table[1] == pytest.approx([0.0, 1.0])
    assert table[2] == ["undefined", "undefined"]


def test_kernel_density_function_equals_scipy():
    from scipy.stats import gaussian_kde
    scores = [[0.1, 0.2], [0.35, 0.3], [0.4, 0.45], [0.8, 0.5], [0.55, 0.9]]
    table = udfs.KERNEL_DENSITY(scores)
    assert table[0] == ["Point", "Column 1", "Column 2"] and table[1][0] == "Bandwidth"
    grid = [row[0] for row in table[2:]]
    for j in range(2):
        col = np.array([r[j] for r in scores])
        kde = gaussian_kde(col, bw_method=table[1][j + 1] / col.std(ddof=1))
        assert [row[j + 1] for row in table[2:]] == pytest.approx(list(kde(grid)), rel=1e-9)


@pytest.mark.parametrize("flag", [True, False])
def test_logical_values_are_refused_as_region_labels(flag):
    """Issue 23: TRUE/FALSE are no region names, on the sheets or in the functions."""
    shown = "TRUE" if flag else "FALSE"
    for function in (udfs.THEIL_DECOMP, udfs.DAGUM_GINI):
        got = function(SCORES, None, ["East", flag, "West", "West"])
        assert got == (f"{function.__name__}: regions cell 2 is {shown} (a logical value); "
                       "a name is expected")
