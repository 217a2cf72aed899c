"""Objective weights, rank agreement, weight sensitivity and Markov chains (issue 25) against
their peers (pymcdm, scipy.stats, giddy) on the demo panel and a non-paper panel, plus
identities."""

# The peers are test requirements: a missing one must fail, not skip.
import warnings

import giddy.markov as giddy_markov
import libpysal
import numpy as np
import pandas as pd
import pymcdm
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from trade_resilience_xl.engine import (
    InputError,
    compare_weightings,
    markov_chain,
    normalize,
    objective_weights,
    prepare_panel,
    rank_agreement,
    spatial_markov,
    weight_sensitivity,
)
from trade_resilience_xl.engine.markov import class_chain
from trade_resilience_xl.engine.objective_weights import METHODS, weights_kernel
from trade_resilience_xl.engine.rank_robustness import normalised_panel
from trade_resilience_xl.engine.spatial import builtin_pairs, row_standardised
from trade_resilience_xl.engine.special import chi2_sf
from trade_resilience_xl.example_data import load_example_panel, paper_indicators

from other_system import INDICATORS as OTHER_INDICATORS
from other_system import STATES, panel_values

ROLES = {"unit": "Province", "region": "Region", "year": "Year", "population": "Population"}


def _dense(contiguity):
    """The n x n row-standardised matrix of the engine's sparse contiguity (for giddy)."""
    n = contiguity.cards.size
    w = np.zeros((n, n))
    w[contiguity.row, contiguity.neighbour] = contiguity.weight
    return w


def demo_arrays():
    return prepare_panel(load_example_panel(), paper_indicators(), columns=ROLES)


def other_arrays():
    rows = [{"unit": s, "region": STATES[s], "year": y, "population": v[0],
             **dict(zip([c for c, *_ in OTHER_INDICATORS], v[1:]))}
            for (s, y), v in panel_values().items()]
    table = pd.DataFrame({"code": [c for c, *_ in OTHER_INDICATORS],
                          "dimension": [d for _, d, *_ in OTHER_INDICATORS],
                          "direction": [r[3] for r in OTHER_INDICATORS]})
    return prepare_panel(pd.DataFrame(rows), table)


PANELS = {"demo": demo_arrays, "other": other_arrays}


@pytest.fixture(scope="module", params=list(PANELS))
def pooled(request):
    arrays = PANELS[request.param]()
    from trade_resilience_xl.engine import Settings
    y = normalised_panel(arrays, Settings().checked()).reshape(-1, len(arrays.codes))
    return arrays, y


def test_weights_equal_pymcdm(pooled):
    _, y = pooled
    np.testing.assert_allclose(weights_kernel(y, "critic"),
                               pymcdm.weights.critic_weights(y), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(weights_kernel(y, "std"),
                               pymcdm.weights.standard_deviation_weights(y), rtol=1e-12)
    np.testing.assert_allclose(weights_kernel(y, "equal"), pymcdm.weights.equal_weights(y),
                               rtol=1e-12)
    np.testing.assert_allclose(weights_kernel(y, "entropy"), pymcdm.weights.entropy_weights(y),
                               rtol=1e-10)


def test_cv_and_combined_equal_their_direct_formulas(pooled):
    _, y = pooled
    cv = y.std(axis=0, ddof=1) / y.mean(axis=0)
    np.testing.assert_allclose(weights_kernel(y, "cv"), cv / cv.sum(), rtol=1e-12)
    e, c = pymcdm.weights.entropy_weights(y), pymcdm.weights.critic_weights(y)
    np.testing.assert_allclose(weights_kernel(y, "combined"), e * c / (e * c).sum(), rtol=1e-10)
    np.testing.assert_allclose(weights_kernel(y, "combined", combine="mean"), (e + c) / 2,
                               rtol=1e-10)


def test_objective_weights_public_function_uses_directions():
    x = np.array([[1.0, 5, 7], [2, 4, 3], [4, 1, 1], [3, 3, 2]])
    ours = objective_weights(x, [1, 1, -1], "critic", 0).weights
    np.testing.assert_allclose(ours, pymcdm.weights.critic_weights(normalize(x, [1, 1, -1], 0)),
                               rtol=1e-12)
    with pytest.raises(InputError, match="not known"):
        objective_weights(x, [1, 1, -1], "magic")


@pytest.mark.parametrize("which", list(PANELS))
def test_rank_agreement_equals_scipy(which):
    c = compare_weightings(PANELS[which]())
    for i in range(len(c.methods)):
        assert c.spearman[i, i] == 1.0 and c.kendall[i, i] == 1.0
        for j in range(len(c.methods)):
            a, b = c.scores[i, :, -1], c.scores[j, :, -1]
            assert c.spearman[i, j] == pytest.approx(scipy.stats.spearmanr(a, b)[0], abs=1e-12)
            assert c.kendall[i, j] == pytest.approx(scipy.stats.kendalltau(a, b)[0], abs=1e-12)
            am, bm = c.scores[i].mean(axis=1), c.scores[j].mean(axis=1)
            assert c.kendall_mean[i, j] == pytest.approx(scipy.stats.kendalltau(am, bm)[0],
                                                         abs=1e-12)
    # The entropy row of the comparison is the engine's own index.
    from trade_resilience_xl.engine import Settings, compute_panel
    nums = compute_panel(PANELS[which](), Settings().checked())
    np.testing.assert_allclose(c.scores[0], nums.composite, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40).flatmap(lambda n: st.tuples(
    arrays(float, n, elements=st.integers(0, 5).map(float)),
    arrays(float, n, elements=st.integers(0, 5).map(float)))))
def test_rank_agreement_with_ties_equals_scipy(pair):
    a, b = pair
    if len(set(a)) < 2 or len(set(b)) < 2:
        with pytest.raises(InputError):
            rank_agreement(a, b)
        return
    r = rank_agreement(a, b)
    assert r.spearman == pytest.approx(scipy.stats.spearmanr(a, b)[0], abs=1e-12)
    assert r.kendall == pytest.approx(scipy.stats.kendalltau(a, b)[0], abs=1e-12)


def test_weight_sensitivity_is_seeded_fast_and_consistent():
    import time
    arrays = demo_arrays()
    start = time.perf_counter()
    ws = weight_sensitivity(arrays, draws=1000, concentration=100, seed=5)
    assert time.perf_counter() - start < 1.0
    again = weight_sensitivity(arrays, draws=1000, concentration=100, seed=5)
    np.testing.assert_array_equal(ws.rank_low, again.rank_low)
    assert (ws.rank_low <= ws.rank_high).all()
    assert ((0 <= ws.keeps_level) & (ws.keeps_level <= 1)).all()
    # A huge concentration draws the entropy weights themselves: ranks never move.
    tight = weight_sensitivity(arrays, draws=50, concentration=1e12, seed=1)
    np.testing.assert_array_equal(tight.rank_low, tight.rank)
    np.testing.assert_array_equal(tight.keeps_level, 1.0)
    # The base ranks are the engine's ranks of the mean index.
    c = compare_weightings(arrays)
    np.testing.assert_array_equal(ws.rank, c.rank_mean[0])


@pytest.mark.parametrize("which", list(PANELS))
def test_per_year_classes_fix_every_share_and_so_the_steady_state(which):
    """Quantiles within each year give every year the same class sizes, so the pooled counts
    have equal row and column sums and π ∝ those sums is stationary: the first year's shares
    are a steady state (the one, where there is one). Pooled breaks (the default) are what
    let the shares move."""
    from trade_resilience_xl.engine import Settings, compute_panel
    y = compute_panel(PANELS[which](), Settings().checked()).composite
    ours = markov_chain(y, 4, "per_year")
    first = np.bincount(ours.class_ids[:, 0], minlength=4) / len(y)
    np.testing.assert_allclose(first @ ours.probabilities, first, rtol=1e-12, atol=1e-15)
    if ours.steady_state is not None:
        np.testing.assert_allclose(ours.steady_state, first, rtol=1e-12, atol=1e-15)
    assert Settings().markov_breaks == "pooled"
    assert markov_chain(y, 4).counts.tolist() == markov_chain(y, 4, "pooled").counts.tolist()


def _giddy(y, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return giddy_markov.Spatial_Markov(y, libpysal.weights.full2W(w), k=4, m=4, fixed=True)


@pytest.mark.parametrize("which", list(PANELS))
def test_markov_chains_equal_giddy(which):
    from trade_resilience_xl.engine import Settings, compute_panel
    arrays = PANELS[which]()
    y = compute_panel(arrays, Settings().checked()).composite
    for rule in ("per_year", "pooled"):
        ours = markov_chain(y, 4, rule)
        peer = giddy_markov.Markov(ours.class_ids, summary=False)
        np.testing.assert_array_equal(ours.counts, peer.transitions)
        np.testing.assert_allclose(ours.probabilities, peer.p, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ours.probabilities[ours.counts.sum(1) > 0].sum(axis=1), 1.0,
                                   rtol=1e-14)
        if ours.steady_state is not None:
            np.testing.assert_allclose(ours.steady_state, np.ravel(peer.steady_state),
                                       rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(ours.steady_state @ ours.probabilities,
                                       ours.steady_state, atol=1e-14)
        if ours.passage_times is not None:
            np.testing.assert_allclose(ours.passage_times, peer.mfpt, rtol=1e-12)
    # Pooled quartile breaks of the spatial chain are giddy's fixed=True classes.
    if which == "demo":
        w = _dense(row_standardised(arrays.units, builtin_pairs(arrays.units)))
    else:  # a ring of the states, as a made-up neighbour structure
        n = len(arrays.units)
        pairs = [(arrays.units[i], arrays.units[(i + 1) % n]) for i in range(n)]
        w = _dense(row_standardised(arrays.units, pairs))
    ours = spatial_markov(y, w, 4)
    peer = _giddy(y, w)
    np.testing.assert_array_equal(ours.chain.class_ids, peer.class_ids)
    np.testing.assert_array_equal(ours.counts, peer.T)
    np.testing.assert_allclose(ours.probabilities, peer.P, rtol=1e-12, atol=1e-15)
    assert ours.dof == peer.dof_hom
    assert ours.q == pytest.approx(peer.Q, rel=1e-12)
    assert ours.lr == pytest.approx(peer.LR, rel=1e-12)
    assert ours.q_p == pytest.approx(peer.Q_p_value, abs=1e-12)
    assert ours.lr_p == pytest.approx(peer.LR_p_value, abs=1e-12)


def test_nine_type_chain_equals_giddy():
    from trade_resilience_xl.engine import Settings, compute_panel
    from trade_resilience_xl.engine.classify import rank_levels
    nums = compute_panel(demo_arrays(), Settings().checked())
    first, second = (nums.subindices[d] for d in nums.subindices)
    code = {"high": 0, "medium": 1, "low": 2}
    level = [np.vectorize(code.get)(rank_levels(s)[1]) for s in (first, second)]
    types = level[0] * 3 + level[1]
    ours = class_chain(types, 9)
    peer = giddy_markov.Markov(types, classes=np.arange(9), summary=False)
    np.testing.assert_array_equal(ours.counts, peer.transitions)
    np.testing.assert_allclose(ours.probabilities, peer.p, rtol=1e-12, atol=1e-15)
    # The long run over the types that occur: giddy on the same chain relabelled 0..s-1.
    seen = np.unique(types)
    relabelled = np.searchsorted(seen, types)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        observed = giddy_markov.Markov(relabelled, summary=False)
    assert ours.steady_state is not None and len(seen) < 9
    np.testing.assert_allclose(ours.steady_state[seen], np.ravel(observed.steady_state),
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(np.delete(ours.steady_state, seen), 0.0)


@pytest.mark.parametrize("stat,dof", [(0.0, 3), (0.5, 1), (3.84, 1), (15.0, 15), (40.2, 15),
                                      (200.0, 48), (1e-3, 7), (1000.0, 30)])
def test_chi2_sf_equals_scipy(stat, dof):
    assert chi2_sf(stat, dof) == pytest.approx(scipy.stats.chi2.sf(stat, dof), rel=1e-12,
                                               abs=1e-300)


def test_markov_refusals():
    with pytest.raises(InputError, match="equal values"):
        markov_chain(np.ones((6, 3)), 4)
    with pytest.raises(InputError, match="at least 2"):
        markov_chain([[1.0, 2.0]], 2)
    with pytest.raises(InputError, match="expected one row"):
        spatial_markov(np.arange(12.0).reshape(4, 3), np.eye(3), 2)


def test_kendall_tau_on_many_tied_units_equals_scipy_and_is_fast():
    """Kendall's tau counts pairs in O(n log^2 n): 20,000 units with ties in well under a
    second, equal to scipy's."""
    import time
    rng = np.random.default_rng(11)
    a = rng.integers(0, 300, 20_000).astype(float)
    b = a + rng.integers(0, 200, 20_000)
    start = time.perf_counter()
    r = rank_agreement(a, b)
    assert time.perf_counter() - start < 1.0
    assert r.kendall == pytest.approx(scipy.stats.kendalltau(a, b)[0], abs=1e-12)
    assert r.spearman == pytest.approx(scipy.stats.spearmanr(a, b)[0], abs=1e-12)


@pytest.mark.parametrize("which", list(PANELS))
def test_run_panel_tables_of_robustness_and_dynamics(which):
    from trade_resilience_xl.engine import Settings
    from trade_resilience_xl.engine.panel import compute_panel
    from trade_resilience_xl.engine.panel_robustness_dynamics import (
        robustness_dynamics,
        spatial_lag,
    )
    arrays = PANELS[which]()
    s = Settings(sensitivity_draws=200, markov_classes=3).checked()
    nums = compute_panel(arrays, s)
    ring = [(arrays.units[i], arrays.units[(i + 1) % len(arrays.units)])
            for i in range(len(arrays.units))]
    d = robustness_dynamics(arrays, nums, s, None if which == "demo" else ring)
    assert set(d.method_weights["method"]) == set(METHODS)
    np.testing.assert_allclose(d.method_weights.groupby("method")["weight"].sum(), 1.0)
    assert len(d.method_ranks) == len(METHODS) * len(arrays.units)
    same = d.agreement[d.agreement.method_a == d.agreement.method_b]
    assert (same[["spearman", "kendall"]] == 1.0).all().all()
    sums = d.markov.groupby(["chain", "from_class"])
    totals = sums["probability"].sum()[sums["count"].sum() > 0]
    np.testing.assert_allclose(totals, 1.0)
    assert list(d.spatial_test["statistic"]) == ["Q", "LR"]
    # The sparse lag equals the dense row-standardised W times the index.
    pairs = builtin_pairs(arrays.units) if which == "demo" else ring
    w = _dense(row_standardised(arrays.units, pairs))
    np.testing.assert_allclose(spatial_lag(arrays.units, pairs, nums.composite),
                               w @ nums.composite, rtol=1e-14)
    peer = _giddy_k(nums.composite, w, 3)
    row = d.spatial_test.set_index("statistic")
    assert row.loc["Q", "value"] == pytest.approx(peer.Q, rel=1e-12)
    assert row.loc["LR", "p_value"] == pytest.approx(peer.LR_p_value, abs=1e-12)


def _giddy_k(y, w, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return giddy_markov.Spatial_Markov(y, libpysal.weights.full2W(w), k=k, m=k, fixed=True)


@pytest.mark.parametrize("change, field", [
    ({"combined_weights": "sum"}, "combined_weights"),
    ({"sensitivity_concentration": 0}, "sensitivity_concentration"),
    ({"markov_classes": 10}, "markov_classes"),
    ({"markov_breaks": "decade"}, "markov_breaks"),
    ({"robustness_year": "first"}, "robustness_year"),
    ({"sensitivity_draws": -1}, "sensitivity_draws"),
])
def test_settings_of_robustness_and_dynamics_are_checked(change, field):
    from trade_resilience_xl.engine import Settings
    with pytest.raises(InputError) as caught:
        Settings(**change).checked()
    assert caught.value.field == field


def test_tidy_csv_holds_the_robustness_and_dynamics_tables(tmp_path):
    from trade_resilience_xl.engine import run_panel
    from trade_resilience_xl.tidy_csv import OPTIONAL_TABLES, write_tidy_csv
    result = run_panel(load_example_panel(), paper_indicators(), columns=ROLES)
    written = {p.name for p in write_tidy_csv(result, tmp_path)}
    issue25 = {name for name, (attribute, _) in OPTIONAL_TABLES.items()
               if attribute.startswith("robustness.")}
    assert len(issue25) == 8 and issue25 <= written
    test = pd.read_csv(tmp_path / "spatial_markov_test.csv")
    assert list(test.columns) == ["statistic", "value", "dof", "p_value"]
    assert test["value"].tolist() == [result.robustness.spatial_test["value"][0],
                                      result.robustness.spatial_test["value"][1]]
