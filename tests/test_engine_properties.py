"""Properties that hold for any data, checked with hypothesis."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from trade_resilience_xl.engine import dagum_gini, entropy_weights, theil, topsis

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def matrices(draw, elements=values):
    n = draw(st.integers(2, 25))
    m = draw(st.integers(1, 8))
    x = draw(arrays(float, (n, m), elements=elements))
    directions = draw(arrays(int, m, elements=st.sampled_from([1, -1])))
    assume((np.ptp(x, axis=0) > 1e-9 * (1 + np.abs(x).max())).any())
    return x, directions


@settings(max_examples=150, deadline=None)
@given(matrices(), st.sampled_from([0.0, 0.0001, 0.01, 1.0]))
def test_entropy_weights_are_a_distribution(data, shift):
    x, d = data
    w = entropy_weights(x, d, shift)
    assert np.all((w.weights >= 0) & (w.weights <= 1))
    assert abs(w.weights.sum() - 1) < 1e-12
    assert np.all(w.weights[w.constant] == 0)


@settings(max_examples=150, deadline=None)
@given(matrices(), st.data())
def test_topsis_closeness_in_unit_interval_and_row_order_free(data, draw):
    x, d = data
    w = entropy_weights(x, d).weights
    s = topsis(x, w, d).score
    assert np.all((s >= 0) & (s <= 1))
    perm = draw.draw(st.permutations(range(x.shape[0])))
    np.testing.assert_allclose(topsis(x[perm], w, d).score, s[perm], atol=1e-12)
    np.testing.assert_allclose(entropy_weights(x[perm], d).weights, w, atol=1e-12)


@st.composite
def grouped(draw):
    n = draw(st.integers(2, 30))
    x = draw(arrays(float, n, elements=positive))
    groups = draw(arrays(int, n, elements=st.integers(0, 3)))
    pop = draw(arrays(float, n, elements=st.floats(0.5, 1000)))
    return x, groups, pop


@settings(max_examples=150, deadline=None)
@given(grouped(), st.floats(1e-3, 1e3), st.sampled_from(["T", "L", 2.0]))
def test_inequality_is_scale_free_and_row_order_free(data, scale, measure):
    x, g, pop = data
    t = theil(x, g, pop, measure)
    scaled = theil(x * scale, g, pop, measure)
    np.testing.assert_allclose([scaled.total, scaled.between], [t.total, t.between], atol=1e-9)
    d, ds = dagum_gini(x, g, pop), dagum_gini(x * scale, g, pop)
    np.testing.assert_allclose([ds.total, ds.within, ds.net_between],
                               [d.total, d.within, d.net_between], atol=1e-9)
    perm = np.random.default_rng(0).permutation(len(x))
    tp = theil(x[perm], g[perm], pop[perm], measure)
    assert abs(tp.total - t.total) < 1e-9 and abs(tp.between - t.between) < 1e-9
    assert t.total >= -1e-12 and 0 <= d.total <= 1
    assert abs(d.within + d.net_between + d.transvariation - d.total) < 1e-10
    assert abs(t.within + t.between - t.total) < 1e-10
