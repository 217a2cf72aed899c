"""Exact identities the engine must satisfy, checked against direct formulas written here."""

import numpy as np
import pytest

from trade_resilience_xl.engine import dagum_gini, entropy_weights, theil, topsis


def naive_gini(x, w=None):
    """Weighted Gini from all pairs: sum f_i f_r |x_i - x_r| / (2 mu)."""
    f = np.ones_like(x) if w is None else np.asarray(w, float)
    f = f / f.sum()
    mu = (f * x).sum()
    return (f[:, None] * f[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (2 * mu)


def naive_theil_t(x):
    r = x / x.mean()
    return np.mean(r * np.log(r))


@pytest.fixture
def weighted_sample():
    rng = np.random.default_rng(42)
    n = 60
    x = rng.lognormal(0, 0.8, size=(n, 3))
    groups = np.array(list("ABCD"))[rng.integers(0, 4, n)]
    pop = rng.integers(1, 6, size=n).astype(float)
    return x, groups, pop


@pytest.mark.parametrize("measure", ["T", "L", 2.0, 0.5, -1.0])
def test_total_equals_within_plus_between(weighted_sample, measure):
    x, groups, pop = weighted_sample
    r = theil(x, groups, pop, measure)
    np.testing.assert_allclose(r.within + r.between, r.total, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.within_share + r.between_share, 1.0, atol=1e-12)
    np.testing.assert_allclose(r.group_contribution.sum(axis=1), r.within_share, atol=1e-12)


@pytest.mark.parametrize("measure", ["T", "L", 2.0])
def test_integer_weights_equal_replicated_units(weighted_sample, measure):
    x, groups, pop = weighted_sample
    reps = pop.astype(int)
    weighted = theil(x, groups, pop, measure)
    replicated = theil(np.repeat(x, reps, axis=0), np.repeat(groups, reps), None, measure)
    for name in ("total", "within", "between", "group_index", "value_share", "pop_share"):
        np.testing.assert_allclose(getattr(weighted, name), getattr(replicated, name), atol=1e-12)


def test_theil_t_and_l_by_definition(weighted_sample):
    x, groups, _ = weighted_sample
    col = x[:, 0]
    assert theil(col).total == pytest.approx(naive_theil_t(col), abs=1e-14)
    assert theil(col, measure="L").total == pytest.approx(np.mean(np.log(col.mean() / col)),
                                                          abs=1e-14)
    r = theil(col, groups, measure="L")
    # Between L: population shares times log of overall over group mean.
    expected = sum((groups == g).mean() * np.log(col.mean() / col[groups == g].mean())
                   for g in r.groups)
    assert r.between == pytest.approx(expected, abs=1e-14)


def test_paper_formula_is_not_an_exact_decomposition(weighted_sample):
    x, groups, pop = weighted_sample
    exact = theil(x, groups, pop, "T")
    paper = theil(x, groups, pop, "T", paper_formula=True)
    np.testing.assert_allclose(paper.between, exact.between, atol=1e-14)
    # Within weighted by population shares instead of value shares:
    np.testing.assert_allclose(paper.within, (exact.pop_share * exact.group_index).sum(axis=1),
                               atol=1e-14)
    assert np.abs(paper.total - exact.total).max() > 1e-4


def test_dagum_parts_add_up_to_the_plain_gini(weighted_sample):
    x, groups, pop = weighted_sample
    for w in (None, pop):
        d = dagum_gini(x, groups, w)
        expected = [naive_gini(x[:, t], w) for t in range(x.shape[1])]
        np.testing.assert_allclose(d.total, expected, rtol=1e-12)
        np.testing.assert_allclose(d.within + d.net_between + d.transvariation, d.total, atol=1e-12)
        np.testing.assert_allclose(d.within_share + d.net_between_share + d.transvariation_share,
                                   1.0, atol=1e-12)


def test_dagum_group_gini_is_the_gini_within_each_group(weighted_sample):
    x, groups, pop = weighted_sample
    d = dagum_gini(x[:, 0], groups, pop)
    for j, g in enumerate(d.groups):
        assert d.group_gini[j] == pytest.approx(naive_gini(x[groups == g, 0], pop[groups == g]),
                                                rel=1e-12)


def test_dagum_without_overlap_net_between_is_the_gini_of_group_means():
    rng = np.random.default_rng(3)
    parts = [rng.uniform(lo, lo + 1, size=n) for lo, n in ((1, 7), (3, 5), (6, 9))]
    x = np.concatenate(parts)
    groups = np.repeat(["low", "mid", "high"], [7, 5, 9])
    d = dagum_gini(x, groups)
    means = np.array([p.mean() for p in parts])
    sizes = np.array([7, 5, 9], float)
    assert d.transvariation == pytest.approx(0.0, abs=1e-15)
    assert d.net_between == pytest.approx(naive_gini(means, sizes), rel=1e-12)
    np.testing.assert_allclose(d.pair_d[~np.eye(3, dtype=bool)], 1.0)


def test_dagum_integer_weights_equal_replicated_units(weighted_sample):
    x, groups, pop = weighted_sample
    reps = pop.astype(int)
    a = dagum_gini(x, groups, pop)
    b = dagum_gini(np.repeat(x, reps, axis=0), np.repeat(groups, reps))
    for name in ("total", "within", "net_between", "transvariation", "group_gini", "pair_gini",
                 "pair_d"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), atol=1e-12)


def test_dagum_on_100000_units_matches_the_pairwise_formula_on_a_subsample():
    rng = np.random.default_rng(5)
    x = rng.lognormal(size=100_000)
    g = rng.integers(0, 8, size=x.size)
    d = dagum_gini(x, g)
    assert d.within + d.net_between + d.transvariation == pytest.approx(d.total, abs=1e-10)
    sub = dagum_gini(x[:2000], g[:2000])
    assert sub.total == pytest.approx(naive_gini(x[:2000]), rel=1e-12)


@pytest.mark.parametrize("shift", [0.0, 0.0001, 0.01, 1.0, 5.0])
def test_topsis_closeness_does_not_depend_on_the_shift(mexico, shift):
    y, _, _ = mexico
    directions = [1, -1, 1, 1, 1, -1, 1]
    w = entropy_weights(y, directions).weights
    np.testing.assert_allclose(topsis(y, w, directions, shift).score,
                               topsis(y, w, directions, 1.0).score, atol=1e-12)
    np.testing.assert_allclose(topsis(y, w * 7.5, directions).score,
                               topsis(y, w, directions).score, atol=1e-12)


def test_shift_changes_entropy_weights(mexico):
    y, _, _ = mexico
    unshifted, shifted = entropy_weights(y, shift=0), entropy_weights(y, shift=1)
    assert np.abs(unshifted.weights - shifted.weights).max() > 0.01


@pytest.mark.parametrize("measure", ["T", "L"])
def test_weighted_permutation_test_equals_a_plain_loop(weighted_sample, measure):
    from trade_resilience_xl.engine.permutation import between_permutation_test, permutation_indices
    x, groups, pop = weighted_sample
    fast = between_permutation_test(x, groups, pop, permutations=40, measure=measure, seed=11)
    orders = permutation_indices(len(x), 40, 11)
    # Unit order[p, r] takes slot r: its value and population move to that slot's group.
    loop = np.array([theil(x[order], groups, pop[order], measure).between for order in orders])
    np.testing.assert_allclose(fast.permuted, loop, atol=1e-13)
    observed = theil(x, groups, pop, measure).between
    np.testing.assert_allclose(fast.p_value, (1 + (loop >= observed - 1e-13).sum(axis=0)) / 41)
