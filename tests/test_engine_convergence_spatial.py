"""Convergence and spatial autocorrelation against independent implementations: scipy's t
distribution, statsmodels OLS, PySAL esda Moran / Moran_Local with the same weights."""

import math
import warnings

# The peers are test requirements: a missing one must fail, not skip.
import esda
import libpysal
import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special as sp_special
from scipy import stats

from trade_resilience_xl.engine import InputError
from trade_resilience_xl.engine.convergence import beta_convergence, sigma_convergence
from trade_resilience_xl.engine.spatial import (
    QUADRANTS,
    builtin_pairs,
    china_contiguity,
    global_moran,
    local_moran,
    neighbour_lists,
)
from trade_resilience_xl.engine.special import betainc, t_two_sided_p
from trade_resilience_xl.paper import PROVINCE_NAMES, PROVINCES


# ---------------------------------------------------------------------------- t distribution
@settings(max_examples=300, deadline=None)
@given(st.floats(0.05, 200), st.floats(0.05, 200), st.floats(0, 1))
def test_betainc_matches_scipy(a, b, x):
    assert betainc(a, b, x) == pytest.approx(sp_special.betainc(a, b, x), rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("df", [1, 2, 3, 4.5, 10, 29, 100, 500])
def test_t_two_sided_p_matches_scipy(df):
    for t in np.r_[np.linspace(-12, 12, 97), 1e-9, 35.0]:
        expected = 2 * stats.t.sf(abs(t), df)
        assert t_two_sided_p(t, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)


# ---------------------------------------------------------------------------- convergence
def test_beta_regression_matches_statsmodels_ols():
    rng = np.random.default_rng(5)
    first = rng.uniform(0.05, 0.6, 31)
    last = first * np.exp(0.3 - 0.4 * np.log(first) + rng.normal(0, 0.2, 31))
    ours = beta_convergence(first, last, 11)
    growth = (np.log(last) - np.log(first)) / 11
    fit = sm.OLS(growth, sm.add_constant(np.log(first))).fit()
    np.testing.assert_allclose([ours.alpha, ours.beta], fit.params, rtol=1e-12)
    np.testing.assert_allclose([ours.se_alpha, ours.se_beta], fit.bse, rtol=1e-10)
    assert ours.t == pytest.approx(fit.tvalues[1], rel=1e-10)
    assert ours.p_value == pytest.approx(fit.pvalues[1], rel=1e-8)
    assert ours.r_squared == pytest.approx(fit.rsquared, rel=1e-12)
    assert ours.beta < 0 and ours.note == ""
    assert ours.theta == pytest.approx(-math.log(1 + ours.beta * 11) / 11, rel=1e-14)
    assert ours.half_life * ours.theta == pytest.approx(math.log(2), rel=1e-14)


def test_beta_rules_without_convergence_and_overshooting():
    rng = np.random.default_rng(1)
    first = rng.uniform(0.1, 1, 20)
    diverging = beta_convergence(first, first ** 1.5, 10)        # beta = 0.05 > 0
    assert diverging.beta > 0 and diverging.theta is None and diverging.half_life is None
    assert "no convergence" in diverging.note
    overshoot = beta_convergence(first, first ** -1.5, 2)       # beta = -1.25, 1 + 2 beta < 0
    assert 1 + overshoot.beta * 2 < 0 and overshoot.theta is None
    assert "undefined" in overshoot.note


@pytest.mark.parametrize("level", [0.0, -0.1])
def test_beta_refuses_nonpositive_levels_naming_unit_and_year(level):
    first = np.array([0.3, level, 0.5, 0.2])
    with pytest.raises(InputError) as info:
        beta_convergence(first, first + 1, 5, unit_labels=["A", "B", "C", "D"],
                         years=(2010, 2015))
    assert "B" in info.value.message and "2010" in info.value.message
    assert "weighted-sum" in info.value.message and "\n" not in info.value.message
    assert info.value.unit == "B"


def test_beta_refuses_fewer_than_three_units_and_equal_levels():
    with pytest.raises(InputError, match="at least 3 units"):
        beta_convergence([0.2, 0.3], [0.3, 0.4], 4)
    with pytest.raises(InputError, match="same level"):
        beta_convergence([0.2, 0.2, 0.2], [0.3, 0.4, 0.5], 4)


def test_sigma_matches_pandas_by_group():
    import pandas as pd
    rng = np.random.default_rng(2)
    x = rng.uniform(0.1, 1, (12, 5))
    groups = ["a", "b", "c"] * 4
    ours = sigma_convergence(x, groups)
    frame = pd.DataFrame(x).assign(g=groups)
    sd = frame.groupby("g").std(ddof=0)
    mean = frame.groupby("g").mean()
    for k, g in enumerate(ours.groups, start=1):
        np.testing.assert_allclose(ours.sd[:, k], sd.loc[g], rtol=1e-12)
        np.testing.assert_allclose(ours.cv[:, k], sd.loc[g] / mean.loc[g], rtol=1e-12)
    np.testing.assert_allclose(ours.cv[:, 0], np.std(x, axis=0) / np.mean(x, axis=0), rtol=1e-12)


def test_sigma_refuses_zero_mean_naming_year():
    with pytest.raises(InputError, match="2011"):
        sigma_convergence([[1.0, 0.0], [2.0, 0.0]], column_labels=[2010, 2011])


# ---------------------------------------------------------------------------- contiguity
def test_shipped_contiguity_is_sane():
    rows = china_contiguity()
    pairs = {frozenset(r[:2]) for r in rows}
    assert len(pairs) == len(rows)                       # each border once
    names = {n for r in rows for n in r[:2]}
    assert names == set(PROVINCE_NAMES)                 # every province has a neighbour
    assert frozenset(("Hainan", "Guangdong")) in pairs  # the convention
    # Borders anyone can check on a map, and non-borders.
    for a, b in [("Beijing", "Tianjin"), ("Beijing", "Hebei"), ("Sichuan", "Tibet"),
                 ("Xinjiang", "Gansu"), ("Inner Mongolia", "Heilongjiang"),
                 ("Chongqing", "Hubei"), ("Shanghai", "Zhejiang")]:
        assert frozenset((a, b)) in pairs
    for a, b in [("Beijing", "Shanghai"), ("Hainan", "Guangxi"), ("Tibet", "Gansu"),
                 ("Shandong", "Liaoning")]:
        assert frozenset((a, b)) not in pairs
    zh = {p.name: p.name_zh for p in PROVINCES}
    assert all(zh[r[0]] == r[2] and zh[r[1]] == r[3] for r in rows)
    assert builtin_pairs(["北京", "天津", "河北"])[0] == ("北京", "天津")
    assert builtin_pairs(["Atlantis", "Beijing"]) is None


# ---------------------------------------------------------------------------- Moran vs esda
def _weights(units, pairs):
    neighbours = neighbour_lists(units, pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # libpysal warns about islands
        return libpysal.weights.W(neighbours, id_order=list(units))


@pytest.fixture
def provinces_panel():
    units = list(PROVINCE_NAMES)
    rng = np.random.default_rng(3)
    # Some spatial pattern: a smooth gradient along the NBS order plus noise.
    x = rng.gamma(2, 1, (31, 5)) + np.linspace(0, 3, 31)[:, None]
    return units, builtin_pairs(units), x


def test_global_moran_matches_esda_exactly_with_its_draw_order(provinces_panel):
    units, pairs, x = provinces_panel
    w = _weights(units, pairs)
    ours = global_moran(x, units, pairs, 999, seed=np.random.RandomState(7))
    for t in range(x.shape[1]):
        np.random.seed(7)          # esda draws from NumPy's global generator
        peer = esda.Moran(x[:, t], w, permutations=999)
        assert ours.moran_i[t] == pytest.approx(peer.I, rel=1e-12)
        assert ours.p_value[t] == peer.p_sim
    assert ours.expected == pytest.approx(peer.EI)


def test_global_moran_fast_draw_agrees_with_esda_within_monte_carlo_error(provinces_panel):
    units, pairs, x = provinces_panel
    ours = global_moran(x, units, pairs, 9999, seed=2024)
    w = _weights(units, pairs)
    for t in range(x.shape[1]):
        np.random.seed(1)
        peer = esda.Moran(x[:, t], w, permutations=9999)
        # Two independent estimates of one p: sd of the difference <= sqrt(2 * 0.25 / 9999).
        assert abs(ours.p_value[t] - peer.p_sim) < 4 * math.sqrt(0.5 / 9999)


def test_local_moran_matches_esda_with_its_draw_order(provinces_panel):
    units, pairs, x = provinces_panel
    w = _weights(units, pairs)
    peer = esda.Moran_Local(x[:, 0], w, permutations=999, seed=11)
    ours = local_moran(x[:, 0], units, pairs, 999, seed=np.random.RandomState(11))
    np.testing.assert_allclose(ours.local_i, peer.Is, rtol=1e-12, atol=1e-15)
    assert [QUADRANTS.index(q) + 1 for q in ours.quadrant] == list(peer.q)
    # The same draws give the same simulated values; a draw of a unit's own neighbours ties
    # the observed value, which esda counts by float rounding and we count as ">=".
    tol = 1e-12 * np.abs(peer.Is)
    larger = (peer.sim >= peer.Is - tol).sum(axis=0)
    expected = (np.minimum(larger, 999 - larger) + 1) / 1000
    np.testing.assert_array_equal(ours.p_value, expected)


def test_island_gets_a_zero_row_as_in_esda(provinces_panel):
    units, pairs, x = provinces_panel
    no_hainan = [p for p in pairs if "Hainan" not in p]
    w = _weights(units, no_hainan)
    ours = global_moran(x[:, :1], units, no_hainan, 0)
    peer = esda.Moran(x[:, 0], w, permutations=0)
    assert ours.islands == ["Hainan"]
    assert ours.moran_i[0] == pytest.approx(peer.I, rel=1e-12)
    local = local_moran(x[:, 0], units, no_hainan, 99, seed=1)
    h = units.index("Hainan")
    assert local.local_i[h] == 0 and local.quadrant[h] == "" and np.isnan(local.p_value[h])
    assert not np.isnan(np.delete(local.p_value, h)).any()


def test_spatial_degenerate_inputs_are_one_line():
    pairs = [("a", "b"), ("b", "c")]
    with pytest.raises(InputError, match="at least 3 units"):
        global_moran([[1.0], [2.0]], ["a", "b"], pairs)
    with pytest.raises(InputError, match="same for every unit in 2012"):
        global_moran([[1.0, 2.0], [2.0, 2.0], [3.0, 2.0]], ["a", "b", "c"], pairs,
                     column_labels=[2011, 2012])
    with pytest.raises(InputError, match="no unit has a neighbour"):
        global_moran([[1.0], [2.0], [3.0]], ["a", "b", "c"], [("x", "y")])


# ---------------------------------------------------------------------------- worksheet functions
def test_worksheet_functions_agree_with_the_peers(provinces_panel):
    from trade_resilience_xl import udfs
    units, pairs, x = provinces_panel
    w = _weights(units, pairs)
    table = udfs.MORAN_I(x.tolist(), units, None, 0)
    np.testing.assert_allclose(table[0][1:], [esda.Moran(x[:, t], w, permutations=0).I
                                              for t in range(x.shape[1])], rtol=1e-12)
    local = udfs.LOCAL_MORAN(x[:, 0].tolist(), units, [list(p) for p in pairs], 9)
    np.testing.assert_allclose([r[1] for r in local[1:]],
                               esda.Moran_Local(x[:, 0], w, permutations=0).Is, rtol=1e-12)
    beta = dict(udfs.BETA_CONVERGENCE(x[:, [0, -1]].tolist(), 4))
    fit = sm.OLS((np.log(x[:, -1]) - np.log(x[:, 0])) / 4,
                 sm.add_constant(np.log(x[:, 0]))).fit()
    assert beta["beta"] == pytest.approx(fit.params[1], rel=1e-12)
    assert beta["p-value"] == pytest.approx(fit.pvalues[1], rel=1e-8)


# ---------------------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=31, max_size=31),
       st.floats(0.001, 1000), st.floats(-50, 50))
def test_moran_is_affine_invariant_and_the_scatter_slope(values, scale, offset):
    """I(a x + b) = I(x) for a > 0; the Moran scatter's slope Σ z (Wz) / Σ z² is I
    (row-standardised, no island: S0 = n); with esda's scaling Σ_i I_i = (n - 1) I."""
    x = np.asarray(values)
    if np.ptp(x) < 1e-6 * np.abs(x).max():
        return
    units = list(PROVINCE_NAMES)
    pairs = builtin_pairs(units)
    base = global_moran(x, units, pairs, 0).moran_i[0]
    moved = global_moran(scale * x + offset, units, pairs, 0).moran_i[0]
    assert moved == pytest.approx(base, rel=1e-7, abs=1e-9)
    local = local_moran(x, units, pairs, 0)
    z = x - x.mean()
    assert (z * local.lag).sum() / (z * z).sum() == pytest.approx(base, rel=1e-9, abs=1e-12)
    assert local.local_i.sum() == pytest.approx((len(x) - 1) * base, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.05, 5), st.floats(0.05, 5)), min_size=4, max_size=40),
       st.floats(0.01, 100), st.integers(1, 30))
def test_beta_does_not_depend_on_the_unit_of_the_index(levels, scale, span):
    first, last = (np.array(v) for v in zip(*levels))
    if np.ptp(np.log(first)) < 1e-6:
        return
    a = beta_convergence(first, last, span)
    b = beta_convergence(scale * first, scale * last, span)
    assert b.beta == pytest.approx(a.beta, rel=1e-7, abs=1e-10)
    assert b.p_value == pytest.approx(a.p_value, rel=1e-6, abs=1e-12)
