"""The whole-panel pipeline: consistency with the single-matrix functions, classification
rules, the paper's own numbers, and its bad-input rules."""

import numpy as np
import pandas as pd
import pytest

from trade_resilience_xl import paper
from trade_resilience_xl.engine import (
    InputError,
    Settings,
    entropy_weights,
    run_panel,
    theil,
    topsis,
)

#: The example panel's column names (the engine's defaults are lower-case keys).
PANEL_COLUMNS = {"unit": "Province", "region": "Region", "year": "Year", "population": "Population"}

@pytest.fixture(scope="module")
def pooled(example_panel, indicator_table):
    return run_panel(example_panel, indicator_table, Settings(), columns=PANEL_COLUMNS)


def test_pooled_panel_equals_entropy_topsis_on_the_stacked_matrix(pooled, indicator_table):
    panel = pooled.panel
    flat = panel.values.reshape(-1, len(panel.codes))
    directions = panel.directions
    w = entropy_weights(flat, directions).weights
    np.testing.assert_allclose(pooled.weights["weight"], w, atol=1e-14)
    assert pooled.weights["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    expected = topsis(flat, w, directions).score
    np.testing.assert_allclose(pooled.numbers.composite.ravel(), expected, atol=1e-14)
    # Sub-index of a dimension: TOPSIS on its indicators with the weights restricted to them.
    for dim in panel.dimension_order:
        mask = np.array(panel.dimensions) == dim
        sub = topsis(flat[:, mask], w[mask], directions[mask]).score
        np.testing.assert_allclose(pooled.numbers.subindices[dim].ravel(), sub, atol=1e-14)


def test_per_year_settings_equal_a_loop_over_years(example_panel, indicator_table):
    r = run_panel(example_panel, indicator_table, Settings.per_year(), columns=PANEL_COLUMNS)
    panel = r.panel
    for t, year in enumerate(panel.years):
        cross = panel.values[:, t, :]
        w = entropy_weights(cross, panel.directions).weights
        np.testing.assert_allclose(r.weights.loc[r.weights.year == year, "weight"], w, atol=1e-14)
        np.testing.assert_allclose(r.numbers.composite[:, t],
                                   topsis(cross, w, panel.directions).score, atol=1e-14)


def test_classification_bands_and_types(pooled):
    types = pooled.types
    assert set(types.columns) == {"unit", "region", "dimension", "score", "rank", "level",
                                  "type_en", "type_zh"}
    per_dim = types.groupby("dimension")["level"].value_counts().unstack()
    assert per_dim[["high", "medium", "low"]].to_numpy().tolist() == [[10, 11, 10], [10, 11, 10]]
    resist, recon = pooled.panel.dimension_order
    wide = types.pivot(index="unit", columns="dimension", values="level")
    zh = types.drop_duplicates("unit").set_index("unit")["type_zh"]
    level_zh = {"high": "高", "medium": "中", "low": "低"}
    for unit, row in wide.iterrows():
        assert zh[unit] == f"构{level_zh[row[recon]]}抗{level_zh[row[resist]]}型"
    # Rank 1 is the highest mean score.
    first = types[(types.dimension == resist) & (types["rank"] == 1)]["unit"].item()
    assert first == pooled.scores_wide(resist).mean(axis=1).idxmax()


def test_theil_table_is_the_decomposition_of_the_composite_by_year(pooled):
    t = pooled.theil
    total = t[t.component == "total"].set_index("year")["value"]
    parts = t[t.component.isin(["within", "between"])].groupby("year")["value"].sum()
    np.testing.assert_allclose(parts, total, atol=1e-12)
    contributions = t[t.component == "group_contribution"].groupby("year")["value"].sum()
    np.testing.assert_allclose(contributions,
                               t[t.component == "within_share"].set_index("year")["value"],
                               atol=1e-12)
    assert (list(t[(t.year == 2010) & (t.component == "group_index")]["group"])
            == list(dict.fromkeys(pooled.panel.regions)))
    d = pooled.dagum
    dtotal = d[d.component == "total"].set_index("year")["value"]
    dparts = (d[d.component.isin(["within", "net_between", "transvariation"])]
              .groupby("year")["value"].sum())
    np.testing.assert_allclose(dparts, dtotal, atol=1e-12)


def test_filled_cells_are_reported_and_linear(example_panel, pooled):
    filled = pooled.filled
    assert len(filled) == example_panel[list(paper.INDICATOR_CODES)].isna().sum().sum() > 0
    for row in filled.itertuples():
        series = example_panel[example_panel.Province == row.unit].set_index("Year")[row.code]
        expected = series.interpolate(method="index", limit_direction="both").loc[row.year]
        assert row.value == pytest.approx(expected, rel=1e-12)


def test_published_table3_is_far_from_table5(pooled):
    """The paper's Table 5 cannot be a Theil index of its Table 3 (methods.md erratum)."""
    provinces = list(paper.TABLE3_INDEX)
    x = np.array([paper.TABLE3_INDEX[p] for p in provinces])
    regions = [paper.PROVINCE_BY_NAME[p].region for p in provinces]
    t = theil(x, regions)
    assert np.all((t.total > 0.1) & (t.total < 0.25))
    assert np.all(t.total < np.log(31)) and np.log(31) < 3.6


def test_permutation_and_bootstrap_are_reported_and_repeatable(example_panel, indicator_table):
    s = Settings(permutations=99, bootstrap=30, seed=1)
    a = run_panel(example_panel, indicator_table, s, columns=PANEL_COLUMNS)
    b = run_panel(example_panel, indicator_table, s, columns=PANEL_COLUMNS)
    pd.testing.assert_frame_equal(a.permutation, b.permutation)
    pd.testing.assert_frame_equal(a.bootstrap, b.bootstrap)
    assert ((a.permutation.p_value > 0) & (a.permutation.p_value <= 1)).all()
    assert ((a.bootstrap.lower <= a.bootstrap.weight + 1e-12) | (a.bootstrap.weight == 0)).all()


def _broken(example_panel, change):
    data = example_panel.copy()
    return change(data) if callable(change) else data


@pytest.mark.parametrize("change, message", [
    (lambda d: d.drop(index=5), "Beijing has no row for 2015; every unit needs every year"),
    (lambda d: d.assign(**{"Year": d.Year.where(d.index != 1, 2010)}),
     "Beijing has more than one row for 2010"),
    (lambda d: d.assign(**{"X5": d.X5.astype(object).where(d.index != 3, "n/a")}),
     "X5 for Beijing, 2013 is 'n/a'; a number expected"),
    (lambda d: d.assign(**{"Region": d.Region.where(d.index != 2, "West")}),
     "Beijing is in more than one region"),
    (lambda d: d.assign(**{"Population": d.Population.where(d.index != 4, -3.0)}),
     "population for Beijing, 2014 is -3; it must be positive"),
    (lambda d: d.assign(**{"X1": d.X1.where(d.Province != "Tibet")}),
     "Tibet has no value for X1 in any year"),
    (lambda d: d.drop(columns="X7"), "indicator X7 has no column in the data"),
    (lambda d: d.assign(**{"X2": d.X2.where(d.index != 0, np.inf)}),
     "X2 for Beijing, 2010 is infinite"),
])
def test_bad_panels_say_what_and_where(example_panel, indicator_table, change, message):
    with pytest.raises(InputError) as e:
        run_panel(_broken(example_panel, change), indicator_table, columns=PANEL_COLUMNS)
    assert str(e.value).startswith(message)


def test_stop_on_missing_and_bad_settings(example_panel, indicator_table):
    with pytest.raises(InputError, match=r"is missing for .* \(missing values are set to stop\)"):
        run_panel(example_panel, indicator_table, Settings(missing="stop"), columns=PANEL_COLUMNS)
    with pytest.raises(InputError, match="setting weighting is 'yearly'"):
        run_panel(example_panel, indicator_table, Settings(weighting="yearly"),
                  columns=PANEL_COLUMNS)
    with pytest.raises(InputError, match="classification year 1999 is not in the data"):
        run_panel(example_panel, indicator_table, Settings(classification_basis=1999),
                  columns=PANEL_COLUMNS)
    bad = indicator_table.copy()
    bad.loc[2, "direction"] = "up"
    with pytest.raises(InputError, match="indicator X3 has direction 'up'; use \\+ or -"):
        run_panel(example_panel, bad, columns=PANEL_COLUMNS)


def test_a_system_with_other_than_two_dimensions_gets_levels_but_no_type(example_panel,
                                                                          indicator_table):
    three = indicator_table.assign(dimension=["A"] * 4 + ["B"] * 5 + ["C"] * 4)
    r = run_panel(example_panel, three, columns=PANEL_COLUMNS)
    assert set(r.types.dimension) == {"A", "B", "C"} and (r.types.type_en == "").all()


def test_score_means_and_mean_weights(example_panel, indicator_table, pooled):
    means = pooled.score_means("composite")
    cube = pooled.numbers.composite                       # units x years
    np.testing.assert_allclose(means.by_unit.to_numpy(), cube.mean(axis=1), atol=1e-15)
    np.testing.assert_allclose(means.by_year.to_numpy(), cube.mean(axis=0), atol=1e-15)
    assert means.overall == pytest.approx(cube.mean(), abs=1e-15)
    regions = np.array(pooled.panel.regions)
    for region in set(regions):
        np.testing.assert_allclose(means.by_region_year[region].to_numpy(),
                                   cube[regions == region].mean(axis=0), atol=1e-15)
    per_year = run_panel(example_panel, indicator_table, Settings(weighting="per_year"),
                         columns=PANEL_COLUMNS)
    expected = per_year.numbers.weights.mean(axis=0)       # years x indicators -> indicators
    np.testing.assert_allclose(per_year.mean_weights()["weight"].to_numpy(), expected, atol=1e-15)
    pd.testing.assert_frame_equal(pooled.mean_weights(), pooled.weights)


def test_band_cutoffs_lie_between_the_bands():
    from trade_resilience_xl.engine import band_cutoffs, classify
    c = classify(np.array([[9.0], [8.0], [7.0], [6.0], [5.0], [4.0]]))
    assert c.level[:, 0].tolist() == ["high", "high", "medium", "medium", "low", "low"]
    assert c.cutoffs == [(7.5, 5.5)]
    assert band_cutoffs([1.0, 2.0], ["high", "high"]) == (None, None)


def test_indicator_names_come_from_a_name_column_as_in_the_csv(example_panel, indicator_table):
    """Issue 22: the CSV's ``name`` column is the name for run_panel too (it used to be
    ignored, the codes standing in for names); an unknown column is refused, not ignored."""
    named = indicator_table.rename(columns={"indicator": "name"})
    weights = run_panel(example_panel, named, columns=PANEL_COLUMNS).weights
    assert list(weights["indicator"]) == list(indicator_table["indicator"])
    assert list(weights["indicator"]) != list(weights["code"])
    with pytest.raises(InputError, match="column 'nmae' that is not read"):
        run_panel(example_panel, indicator_table.rename(columns={"indicator": "nmae"}),
                  columns=PANEL_COLUMNS)
    with pytest.raises(InputError, match="both 'indicator' and 'name'"):
        run_panel(example_panel, indicator_table.assign(name=indicator_table["indicator"]),
                  columns=PANEL_COLUMNS)
