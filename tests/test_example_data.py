"""The shipped illustrative panel: reproducible from its seed, plausible, with a few gaps."""
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomllib

from trade_resilience_xl import example_data as ex
from trade_resilience_xl.paper import INDICATOR_CODES, PROVINCE_BY_NAME, PROVINCE_NAMES, YEARS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return ex.load_example_panel()


def test_shipped_csv_equals_the_generator(panel):
    generated = ex.generate_example_panel()
    pd.testing.assert_frame_equal(panel, generated, check_exact=False, rtol=0, atol=1e-9)


def test_regenerating_the_csv_gives_the_same_bytes(tmp_path):
    shipped = resources.files("trade_resilience_xl").joinpath("data", ex.CSV_NAME).read_bytes()
    assert ex.write_example_csv(tmp_path / "again.csv").read_bytes() == shipped


def test_seed_controls_the_numbers():
    a, b = ex.generate_example_panel(seed=1), ex.generate_example_panel(seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not ex.generate_example_panel(seed=2)["X1"].equals(a["X1"])


def test_shape_columns_and_complete_grid(panel):
    assert panel.shape == (372, 17)
    assert tuple(panel.columns) == ex.COLUMNS
    assert list(panel["Province"].unique()) == list(PROVINCE_NAMES)
    assert sorted(panel["Year"].unique()) == list(YEARS)
    assert not panel.duplicated(["Province", "Year"]).any()
    assert all(panel["Region"] == panel["Province"].map(lambda n: PROVINCE_BY_NAME[n].region))


def test_no_negative_values(panel):
    values = panel[["Population", *INDICATOR_CODES]].to_numpy(dtype=float)
    assert np.nanmin(values) >= 0


def test_gaps_are_few_interior_and_never_a_whole_series(panel):
    assert int(panel[list(INDICATOR_CODES)].isna().sum().sum()) == ex.N_GAPS == 8
    assert not panel[["Province", "Region", "Year", "Population"]].isna().any().any()
    ends = panel["Year"].isin([min(YEARS), max(YEARS)])
    assert not panel.loc[ends, list(INDICATOR_CODES)].isna().any().any()
    per_series = panel.groupby("Province")[list(INDICATOR_CODES)].apply(lambda g: g.isna().all())
    assert not per_series.to_numpy().any()


def test_counts_are_integers_and_pilot_zones_start_in_2015(panel):
    for code in ("X4", "X11", "X12"):
        assert (panel[code] == panel[code].round()).all(), code
    assert (panel.loc[panel["Year"] < 2015, "X11"] == 0).all()
    assert (panel["X11"] == 0).mean() > 0.5          # many zeros
    assert panel.loc[panel["Year"] == 2021, "X11"].sum() > 50


def test_growth_series_trend_upwards(panel):
    yearly = panel.groupby("Year")[["Population", "X1", "X2", "X9", "X10", "X13"]].mean()
    steps = yearly.diff().iloc[1:]
    assert (steps > 0).sum().min() >= 10   # at most one dip in 11 steps
    assert (yearly.iloc[-1] > 1.3 * yearly.iloc[0]).drop(["X2", "Population"]).all()
    assert (yearly.iloc[-1] > yearly.iloc[0]).all()


def test_east_is_highest_and_magnitudes_plausible(panel):
    by_region = panel.groupby("Region")[["X1", "X5", "X10", "X13"]].mean()
    assert (by_region.idxmax() == "East").all()
    assert panel["X2"].between(20, 95).all()
    assert panel["X6"].between(0, 100).all() and panel["X7"].between(0, 100).all()
    assert panel["X1"].dropna().between(10_000, 250_000).all()
    assert panel["X3"].dropna().between(500, 15_000).all()


def test_illustrative_label_everywhere():
    assert "not official" in ex.ILLUSTRATIVE_NOTE.lower()
    for doc in (ex.__doc__, ex.generate_example_panel.__doc__, ex.load_example_panel.__doc__):
        assert "not official" in doc.lower()
    readme = resources.files("trade_resilience_xl").joinpath("data", "example_panel.README.txt")
    assert "NOT OFFICIAL STATISTICS" in readme.read_text(encoding="utf-8")


def test_csv_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/*.csv" in config["tool"]["setuptools"]["package-data"]["trade_resilience_xl"]
