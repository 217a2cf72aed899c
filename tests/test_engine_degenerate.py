"""Degenerate and bad input: a defined rule or a message that names what and where."""

import numpy as np
import pytest

from trade_resilience_xl.engine import (
    InputError,
    between_permutation_test,
    dagum_gini,
    direction_sign,
    entropy_weights,
    theil,
    topsis,
)


def test_constant_and_all_zero_indicators_get_weight_zero_with_a_warning():
    x = np.array([[1.0, 5, 0], [2, 5, 0], [4, 5, 0]])
    for shift in (0.0, 1.0):
        w = entropy_weights(x, shift=shift, names=["X1", "X2", "X3"])
        assert w.weights.tolist() == [1.0, 0.0, 0.0]
        assert w.warnings == ["indicator X2 is constant; it gets weight 0",
                              "indicator X3 is constant; it gets weight 0"]


def test_all_constant_is_an_error():
    with pytest.raises(InputError, match="every indicator is constant"):
        entropy_weights([[1, 2], [1, 2], [1, 2]])


@pytest.mark.parametrize("bad, where", [(np.nan, "row 2, column X2 is missing"),
                                        (np.inf, "row 2, column X2 is infinite")])
def test_non_finite_cells_are_located(bad, where):
    x = np.array([[1.0, 2], [3, bad], [5, 6]])
    with pytest.raises(InputError, match=where) as e:
        entropy_weights(x, names=["X1", "X2"])
    assert (e.value.row, e.value.column) == (1, 1)


def test_shapes_and_symbols():
    with pytest.raises(InputError, match="at least 2 rows"):
        entropy_weights([[1, 2]])
    with pytest.raises(InputError, match="directions has 1 entries for 2 indicators"):
        entropy_weights([[1, 2], [3, 4]], [1])
    with pytest.raises(InputError, match=r"directions entry 2 is 0; \+1 \(benefit\) or -1"):
        entropy_weights([[1, 2], [3, 4]], [1, 0])
    with pytest.raises(InputError, match="weights has 3 entries for 2 indicators"):
        topsis([[1, 2], [3, 4]], [0.2, 0.3, 0.5])
    with pytest.raises(InputError, match="weights entry 1 is negative"):
        topsis([[1, 2], [3, 4]], [-0.2, 1])
    with pytest.raises(InputError, match="shift must be a number >= 0"):
        entropy_weights([[1, 2], [3, 4]], shift=-1)
    with pytest.raises(InputError, match="groups has 2 entries for 3 units"):
        theil([1.0, 2, 3], ["a", "b"])


def test_topsis_on_all_constant_weighted_data_is_an_error():
    with pytest.raises(InputError, match="every indicator with a positive weight is constant"):
        topsis([[1, 2], [1, 3]], [1, 0])


def test_direction_words():
    words = ("+", "-", "−", 1, -1.0, "Benefit", "COST", "positive", "negative", "正", "负")
    assert [direction_sign(v) for v in words] == [1, -1, -1, 1, -1, 1, -1, 1, -1, 1, -1]
    assert (direction_sign("up") is None and direction_sign(True) is None
            and direction_sign(0) is None)


def test_inequality_needs_valid_values_and_names_unit_and_year():
    x = np.array([[1.0, 2.0], [2.0, 0.0], [3.0, 1.0]])
    with pytest.raises(InputError,
                       match="Theil L needs positive values: unit Tibet, year 2012 is 0") as e:
        theil(x, measure="L", unit_labels=["Beijing", "Tibet", "Hebei"], column_labels=[2011, 2012])
    assert (e.value.unit, e.value.year) == ("Tibet", 2012)
    theil(x, measure="T")  # zeros are fine for T
    with pytest.raises(InputError, match="Gini needs values >= 0: unit 2 is -1"):
        dagum_gini([1.0, -1.0, 2.0], ["a", "a", "b"])
    with pytest.raises(InputError, match="needs a positive mean; every value is 0"):
        theil([0.0, 0.0, 0.0])
    with pytest.raises(InputError, match="population: row 2 is 0; it must be positive"):
        theil([1.0, 2.0, 3.0], population=[1, 0, 1])
    with pytest.raises(InputError, match="has no group"):
        theil([1.0, 2.0, 3.0], ["a", None, "b"])
    with pytest.raises(InputError, match="measure must be T, L"):
        theil([1.0, 2.0], measure="Q")


def test_equal_values_give_zero_inequality_and_zero_shares_with_a_warning():
    t = theil([2.0, 2.0, 2.0], ["a", "a", "b"])
    assert (t.total, t.within_share, t.between_share) == (0.0, 0.0, 0.0)
    assert "all values are equal" in t.warnings[0]
    d = dagum_gini([2.0, 2.0, 2.0], ["a", "a", "b"])
    assert d.total == 0 and d.within_share == 0 and d.warnings


def test_all_zero_group_has_index_zero_under_theil_t():
    t = theil([0.0, 0.0, 1.0, 3.0], ["a", "a", "b", "b"])
    assert t.group_index[0] == 0.0
    assert t.within + t.between == pytest.approx(t.total, abs=1e-15)


def test_permutation_test_needs_two_groups_and_a_count():
    with pytest.raises(InputError, match="at least two groups"):
        between_permutation_test([1.0, 2.0, 3.0], ["a", "a", "a"], permutations=9)
    with pytest.raises(InputError, match="permutations must be at least 1"):
        between_permutation_test([1.0, 2.0, 3.0], ["a", "b", "a"], permutations=0)


def test_extreme_magnitudes_are_refused_not_overflowed():
    with pytest.raises(InputError,
                       match=r"data: row 1, column 2 is 1e\+308; numbers above 1e\+300"):
        entropy_weights([[1.0, 1e308], [2.0, -1e308]])
    with pytest.raises(InputError, match=r"population: row 1 is 1e\+308; numbers above"):
        theil([1.0, 2.0], population=[1e308, 1.0])
    assert direction_sign(10**400) is None and direction_sign(-1) == -1
