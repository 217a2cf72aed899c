"""The engine against independent implementations on real data (PySAL's Mexico panel)."""

# The peers are test requirements: a missing one must fail, not skip.
import inequality.theil as inequality_theil
import numpy as np
import pymcdm
import pytest
import skcriteria.agg.topsis as skc_topsis
import skcriteria.preprocessing.weighters as skc_weighters

from trade_resilience_xl.engine import (
    between_permutation_test,
    entropy_weights,
    normalize,
    theil,
    topsis,
)

# Mexico's seven decades as seven "indicators" of 32 states; two treated as costs so that
# direction handling is exercised.
DIRECTIONS = np.array([1, 1, -1, 1, -1, 1, 1])


@pytest.mark.parametrize("shift", [1.0, 0.01, 0.0001])
def test_entropy_weights_match_pymcdm_and_scikit_criteria(mexico, shift):
    y, _, _ = mexico
    ours = entropy_weights(y, DIRECTIONS, shift).weights
    shifted = normalize(y, DIRECTIONS, shift)
    # Both peers compute entropy on the data as given, so they get our direction-adjusted,
    # shifted matrix (strictly positive, where pymcdm's zero rule does not apply).
    np.testing.assert_allclose(ours, pymcdm.weights.entropy_weights(shifted), rtol=1e-10)
    np.testing.assert_allclose(ours, skc_weighters.entropy_weights(shifted), rtol=1e-10)


def test_topsis_matches_pymcdm_on_raw_data(mexico):
    y, _, _ = mexico
    w = entropy_weights(y, DIRECTIONS).weights
    # pymcdm min-max normalises inside with criterion types, as our TOPSIS does.
    peer = pymcdm.methods.TOPSIS()(y, w, DIRECTIONS)
    np.testing.assert_allclose(topsis(y, w, DIRECTIONS).score, peer, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shift", [1.0, 0.0])
def test_topsis_matches_scikit_criteria_kernel(mexico, shift):
    y, _, _ = mexico
    w = entropy_weights(y, DIRECTIONS, shift).weights
    shifted = normalize(y, DIRECTIONS, shift)
    _, _, _, similarity = skc_topsis.topsis(shifted, np.ones(y.shape[1]), w)
    np.testing.assert_allclose(topsis(y, w, DIRECTIONS, shift).score, similarity, rtol=1e-12)


def test_theil_decomposition_matches_pysal_theild(mexico):
    y, regions, _ = mexico
    peer = inequality_theil.TheilD(y, regions)
    ours = theil(y, regions)
    np.testing.assert_allclose(ours.total, peer.T, rtol=1e-12)
    np.testing.assert_allclose(ours.between, peer.bg, rtol=1e-10)
    np.testing.assert_allclose(ours.within, peer.wg, rtol=1e-10)


def test_theil_values_printed_in_pysal_docs(mexico):
    y, regions, _ = mexico
    ours = theil(y, regions)
    assert ours.between.round(8).tolist() == [0.0345889, 0.02816853, 0.05260921, 0.05931219,
                                              0.03205257, 0.02963731, 0.03635872]
    assert ours.within.round(8).tolist() == [0.17435454, 0.12405598, 0.0521202, 0.04263506,
                                             0.06354856, 0.07547525, 0.0702496]


def test_permutation_p_values_equal_pysal_theildsim(mexico):
    y, regions, _ = mexico
    np.random.seed(10)
    ours = between_permutation_test(y, regions, permutations=999)
    # PySAL's own expected values for numpy.random.seed(10) and 999 permutations.
    assert ours.p_value.tolist() == [0.4, 0.344, 0.001, 0.001, 0.034, 0.072, 0.032]
    np.random.seed(10)
    peer = inequality_theil.TheilDSim(y, regions, 999)
    np.testing.assert_array_equal(ours.p_value, peer.bg_pvalue)
    np.testing.assert_allclose(ours.permuted, peer.bg[1:], rtol=1e-10)


def test_seeded_permutation_test_is_repeatable_and_plausible(mexico):
    y, regions, _ = mexico
    a = between_permutation_test(y, regions, permutations=499, seed=7)
    b = between_permutation_test(y, regions, permutations=499, seed=7)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    # The decades PySAL finds significant stay significant under another random stream.
    assert (a.p_value[2:4] < 0.01).all() and (a.p_value[:2] > 0.1).all()
