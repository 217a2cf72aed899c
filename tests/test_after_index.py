"""Coupling coordination, obstacle degree and kernel density (issue 14, first three
analyses): each against an independent implementation or an exact identity."""
import itertools
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from trade_resilience_xl import paper
from trade_resilience_xl.engine import InputError, Settings, run_panel
from trade_resilience_xl.engine.coupling import CLASSES_ZH, coupling_coordination
from trade_resilience_xl.engine.density import kernel_density, silverman_bandwidth
from trade_resilience_xl.engine.obstacle import obstacle_degree

PANEL_COLUMNS = {"unit": "Province", "region": "Region", "year": "Year",
                 "population": "Population"}
SPSSAU_CLASSES = ["极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调",
                  "初级协调", "中级协调", "良好协调", "优质协调"]


# ------------------------------------------------------------------ coupling coordination
def spssau_coupling(rows, weights=None, interval=True):
    """SPSSAU's published algorithm, step by step in plain Python
    (https://www.spssau.net/helps/coupling.html, "Coupling Coordination Degree": data
    intervalization of each column to 0.01-0.99 by a + (b - a)(X - Min)/(Max - Min) with
    a = 0.01, b = 0.99 (on by default); C = n [(U1 U2 ... Un)/(U1 + ... + Un)^n]^(1/n);
    T = sum beta_i U_i with the weights normalised (equal when none are given);
    D = sqrt(C T); coordination level in ten classes of D by 0.1)."""
    n = len(rows[0])
    if interval:
        cols = list(zip(*rows))
        rows = [[0.01 + 0.98 * (v - min(c)) / (max(c) - min(c)) for v, c in zip(row, cols)]
                for row in rows]
    beta = [1 / n] * n if weights is None else [w / sum(weights) for w in weights]
    out = []
    for u in rows:
        c = n * (math.prod(u) / sum(u) ** n) ** (1 / n)
        t = sum(b * v for b, v in zip(beta, u))
        d = math.sqrt(c * t)
        out.append((c, t, d, SPSSAU_CLASSES[min(int(d * 10), 9)]))
    return out


#: A worked example in SPSSAU's layout: one row per research object (six years of one
#: city), one column per system (economic benefit, social benefit); illustrative numbers.
WORKED = [[0.12, 0.30], [0.25, 0.34], [0.33, 0.52], [0.48, 0.41], [0.61, 0.66], [0.80, 0.72]]


@pytest.mark.parametrize("interval", [True, False])
@pytest.mark.parametrize("weights", [None, [0.6, 0.4]])
def test_classic_coupling_is_spssau_algorithm(interval, weights):
    r = coupling_coordination(np.array(WORKED), weights, "classic", rescale=interval)
    expected = spssau_coupling(WORKED, weights, interval)
    for i, (c, t, d, cls) in enumerate(expected):
        assert r.coupling[i] == pytest.approx(c, abs=1e-12)
        assert r.comprehensive[i] == pytest.approx(t, abs=1e-12)
        assert r.coordination[i] == pytest.approx(d, abs=1e-12)
        assert r.class_zh[i] == cls


def test_classic_coupling_by_hand():
    # U = (0.3, 0.7): C = 2 sqrt(0.21) / 1.0, T = 0.5, D = sqrt(C T) = 0.677 (初级协调).
    r = coupling_coordination(np.array([[0.3, 0.7], [0.5, 0.5]]))
    assert r.coupling[0] == pytest.approx(2 * math.sqrt(0.21))
    assert r.coordination[0] == pytest.approx(math.sqrt(math.sqrt(0.21)))
    assert r.class_zh[0] == "初级协调" and r.class_en[0] == "Primary coordination"
    # Equal sub-indices couple perfectly (the frequent misprint would give 0.5).
    assert r.coupling[1] == pytest.approx(1.0)


def wang_corrected(u):
    """Wang Shujia et al. (2021), 国内耦合协调度模型的误区及修正, the corrected C, directly."""
    k = len(u)
    spread = sum(abs(u[i] - u[j]) for i, j in itertools.combinations(range(k), 2))
    ratio = math.prod(v / max(u) for v in u)
    return math.sqrt((1 - spread / sum(range(1, k))) * ratio ** (1 / (k - 1)))


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 5)),
              elements=st.floats(0.001, 1.0)),
       st.sampled_from(["classic", "corrected"]))
def test_coupling_against_direct_formulas_and_bounds(u, form):
    r = coupling_coordination(u, form=form)
    k = u.shape[1]
    for i, row in enumerate(u.tolist()):
        if form == "classic":
            c = k * (math.prod(row) / sum(row) ** k) ** (1 / k)
        else:
            c = wang_corrected(row)
        assert r.coupling[i] == pytest.approx(min(c, 1.0), rel=1e-9, abs=1e-12)
        assert r.comprehensive[i] == pytest.approx(sum(row) / k)
        assert r.coordination[i] == pytest.approx(math.sqrt(r.coupling[i] * sum(row) / k))
    assert np.all((r.coupling >= 0) & (r.coupling <= 1))
    assert np.all(r.level == np.minimum(np.floor(r.coordination * 10), 9))


def test_coupling_degenerate_and_bad_inputs():
    r = coupling_coordination(np.array([[0.0, 0.0], [0.0, 0.4]]), form="corrected")
    assert r.coupling.tolist() == [0.0, 0.0] and r.coordination[0] == 0.0
    assert r.class_zh[0] == CLASSES_ZH[0]
    # A constant column cannot be rescaled: it sits at 0.5, and the result says so.
    r = coupling_coordination(np.array([[0.2, 3.0], [0.2, 5.0]]), rescale=True)
    assert r.constant.tolist() == [True, False] and r.used[:, 0].tolist() == [0.5, 0.5]
    with pytest.raises(InputError, match=r"outside \[0, 1\]"):
        coupling_coordination(np.array([[0.2, 1.5], [0.1, 0.3]]))
    with pytest.raises(InputError, match="at least 2"):
        coupling_coordination(np.array([[0.2], [0.1]]))


# ------------------------------------------------------------------ obstacle degree
def test_obstacle_against_direct_formula():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(9, 5))
    x[4] = [x[:, 0].max(), x[:, 1].min(), x[:, 2].max(), x[:, 3].max(), x[:, 4].max()]
    signs = np.array([1, -1, 1, 1, 1])
    w = np.array([0.1, 0.3, 0.2, 0.25, 0.15])
    r = obstacle_degree(x, w, signs)
    for i in range(9):
        gaps = []
        for j in range(5):
            lo, hi = x[:, j].min(), x[:, j].max()
            y = (x[i, j] - lo) / (hi - lo) if signs[j] > 0 else (hi - x[i, j]) / (hi - lo)
            gaps.append(w[j] * (1 - y))
        if i == 4:
            assert r.undefined[i] and sum(gaps) == pytest.approx(0)
            continue
        assert not r.undefined[i]
        assert r.shares[i] == pytest.approx([g / sum(gaps) for g in gaps])
    assert r.shares[~r.undefined].sum(axis=1) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def indicators():
    return pd.DataFrame({"code": [i.code for i in paper.INDICATORS],
                         "dimension": [i.dimension for i in paper.INDICATORS],
                         "direction": [i.direction for i in paper.INDICATORS]})


@pytest.fixture(scope="module")
def pooled(example_panel, indicators):
    return run_panel(example_panel, indicators, columns=PANEL_COLUMNS)


def test_panel_obstacles_identities(pooled, indicators):
    o = pooled.obstacles
    sums = o.groupby(["unit", "year", "level"])["obstacle"].sum()
    assert np.allclose(sums, 1.0)
    ind = o[o.level == "indicator"].merge(indicators, left_on="factor", right_on="code")
    by_dim = ind.groupby(["unit", "year", "dimension"])["obstacle"].sum()
    dim = o[o.level == "dimension"].set_index(["unit", "year", "factor"])["obstacle"]
    assert np.allclose(by_dim.sort_index().to_numpy(), dim.sort_index().to_numpy())
    # The direct formula on the pooled, unshifted normalisation and the panel's weights.
    w = pooled.weights.set_index("code")["weight"]
    x = pooled.panel.values.reshape(-1, len(w))          # the values after gap filling
    signs = np.where(indicators.direction == "+", 1, -1)
    direct = obstacle_degree(x, w.to_numpy(), signs).shares
    got = ind.pivot_table(index=["unit", "year"], columns="factor", values="obstacle")
    order = pd.MultiIndex.from_product([pooled.panel.units, pooled.panel.years])
    assert np.allclose(got.reindex(order)[list(w.index)].to_numpy(), direct)


def test_top_three_are_the_largest(pooled):
    year = pooled.panel.years[-1]
    ind = pooled.obstacles[(pooled.obstacles.level == "indicator")
                           & (pooled.obstacles.year == year)]
    top = pooled.obstacle_top[pooled.obstacle_top.basis == str(year)]
    for unit, rows in ind.groupby("unit"):
        expected = rows.sort_values("obstacle", ascending=False, kind="stable").factor[:3]
        assert list(top[top.unit == unit].factor) == list(expected)
    assert set(pooled.obstacle_top.basis) == {str(year), "mean"}


def test_unit_at_the_ideal_is_named_not_nan(example_panel, indicators):
    data = example_panel.copy()
    best = {c.code: (data[c.code].max() if c.direction == "+" else data[c.code].min())
            for c in paper.INDICATORS}
    mask = (data.Province == "Beijing") & (data.Year == 2015)
    for code, v in best.items():
        data.loc[mask, code] = v
    r = run_panel(data, indicators, columns=PANEL_COLUMNS)
    assert not r.obstacles.obstacle.isna().any()
    assert not ((r.obstacles.unit == "Beijing") & (r.obstacles.year == 2015)).any()
    assert any("Beijing in 2015" in line for line in r.after_index.obstacle_notes)


# ------------------------------------------------------------------ kernel density
def test_density_equals_scipy_gaussian_kde():
    from scipy.stats import gaussian_kde
    rng = np.random.default_rng(7)
    x = rng.beta(2, 5, size=(31, 4))
    r = kernel_density(x)
    for t in range(4):
        h = r.bandwidth[t]
        kde = gaussian_kde(x[:, t], bw_method=h / x[:, t].std(ddof=1))
        assert np.allclose(r.density[:, t], kde(r.grid), rtol=1e-10, atol=1e-13)
    fixed = kernel_density(x, 0.05)
    kde = gaussian_kde(x[:, 0], bw_method=0.05 / x[:, 0].std(ddof=1))
    assert np.allclose(fixed.density[:, 0], kde(fixed.grid), rtol=1e-10)


def test_silverman_bandwidth_by_the_statistics_module():
    values = [0.11, 0.35, 0.2, 0.9, 0.42, 0.27, 0.31, 0.55]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    h = 0.9 * min(statistics.stdev(values), (q3 - q1) / 1.34) * len(values) ** -0.2
    assert silverman_bandwidth(values) == pytest.approx(h)
    # Tied scores: IQR 0 but sigma > 0 -> sigma alone (R's bw.nrd0), never h = 0.
    tied = [0.3] * 6 + [0.8]
    assert silverman_bandwidth(tied) == pytest.approx(0.9 * statistics.stdev(tied) * 7 ** -0.2)


def test_density_degenerate_rules():
    x = np.column_stack([np.full(5, 0.4), np.linspace(0, 1, 5)])
    r = kernel_density(x)
    assert r.single_point.tolist() == [True, False] and not r.density[:, 0].any()
    # the trapezoid rule written out (np.trapezoid is numpy 2 only; pyproject allows 1.24)
    density, grid = r.density[:, 1], r.grid
    area = float(np.sum((density[1:] + density[:-1]) * np.diff(grid)) / 2)
    assert area == pytest.approx(1.0, abs=0.02)
    with pytest.raises(InputError, match="at least 3"):
        kernel_density(np.array([[0.1], [0.2]]))


def test_panel_density_years_and_notes(example_panel, indicators):
    s = Settings(density_years="2012, last", density_bandwidth=0.04)
    r = run_panel(example_panel, indicators, s, columns=PANEL_COLUMNS)
    assert r.after_index.density_years == [2012, 2021]
    assert set(r.density.bandwidth) == {0.04}
    with pytest.raises(InputError, match="density year 1999") as err:
        run_panel(example_panel, indicators, Settings(density_years="1999"),
                  columns=PANEL_COLUMNS)
    assert err.value.field == "density_years"


def test_one_dimension_says_so_in_one_line(example_panel, indicators):
    one = indicators.assign(dimension="All")
    r = run_panel(example_panel, one, columns=PANEL_COLUMNS)
    assert r.coupling is None and len(r.after_index.coupling_notes) == 1
    assert len(r.obstacles) and len(r.density)


def test_panel_coupling_is_the_function_on_the_subindices(pooled):
    dims = pooled.panel.dimension_order
    u = np.column_stack([pooled.numbers.subindices[d].ravel() for d in dims])
    direct = coupling_coordination(u)
    assert np.allclose(pooled.coupling.coordination, direct.coordination)
    assert list(pooled.coupling.class_zh) == direct.class_zh


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.tuples(st.integers(2, 12), st.integers(1, 6)),
              elements=st.integers(-20, 20).map(float)),   # whole numbers: y = 1 exactly
       st.data())
def test_obstacle_rows_are_distributions(x, data):
    m = x.shape[1]
    w = np.array(data.draw(st.lists(st.floats(0.01, 5), min_size=m, max_size=m)))
    signs = np.array(data.draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    r = obstacle_degree(x, w, signs)
    assert np.all(r.shares >= 0) and not np.isnan(r.shares).any()
    assert np.allclose(r.shares[~r.undefined].sum(axis=1), 1.0)
    assert not r.shares[r.undefined].any()
    # Undefined exactly where a row is at the best value of every non-constant column.
    best = np.where(signs > 0, x.max(axis=0), x.min(axis=0))
    constant = x.max(axis=0) == x.min(axis=0)
    assert r.undefined.tolist() == ((x == best) | constant).all(axis=1).tolist()


def test_panel_year_of_equal_scores_has_no_density(example_panel, indicators):
    data = example_panel.copy()
    codes = [i.code for i in paper.INDICATORS]
    year = data.Year == 2015
    data.loc[year, codes] = data.loc[year & (data.Province == "Beijing"), codes].to_numpy()
    r = run_panel(data, indicators, columns=PANEL_COLUMNS)
    assert 2015 not in set(r.density.year) and len(set(r.density.year)) == 11
    assert [n for n in r.after_index.density_notes if n.startswith("2015: every score equals")]
    assert r.after_index.density_years == [2010, 2021]      # the middle year is 2015


def test_per_year_obstacles_use_each_years_weights_and_range(example_panel, indicators):
    r = run_panel(example_panel, indicators, Settings.per_year(), columns=PANEL_COLUMNS)
    signs = np.where(indicators.direction == "+", 1, -1)
    ind = r.obstacles[r.obstacles.level == "indicator"]
    for t, year in enumerate(r.panel.years[:3]):
        x = r.panel.values[:, t, :]                      # units x indicators in that year
        w = r.weights[r.weights.year == year]["weight"].to_numpy()
        direct = obstacle_degree(x, w, signs).shares
        got = ind[ind.year == year].pivot(index="unit", columns="factor", values="obstacle")
        assert np.allclose(got.reindex(r.panel.units)[list(indicators.code)].to_numpy(), direct)


def test_top_obstacles_of_a_two_indicator_system_list_both():
    """With fewer indicators than the three top places, each unit lists what there is."""
    rows = [{"unit": u, "region": "R1" if i % 2 else "R2", "year": y,
             "X1": float(i + t), "X2": float((3 * i + 2 * t) % 5)}
            for i, u in enumerate("ABCD") for t, y in enumerate([2010, 2011, 2012])]
    indicators = pd.DataFrame({"code": ["X1", "X2"], "dimension": ["D1", "D2"],
                               "direction": ["+", "+"]})
    top = run_panel(pd.DataFrame(rows), indicators).obstacle_top
    ranks = top.groupby(["unit", "basis"])["rank"].apply(list)
    assert ranks.tolist() and all(r == [1, 2] for r in ranks)
    assert set(top["factor"]) == {"X1", "X2"}
