"""Convergence and Spatial sheets through the refresh (issue 14: convergence, spatial): cells
checked against numpy and esda on the Scores sheet's own values, the Neighbours sheet, the
Settings rows, and the degenerate cases that must not stop the index."""
from __future__ import annotations

import shutil
import warnings

import esda
import libpysal
import numpy as np
import openpyxl
import pandas as pd
import pytest

from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.engine.spatial import neighbour_lists
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.openpyxl_io import refresh_file

from refresh_helpers import build_demo, find_row, refreshed_copy, values


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("tpl") / "w.xlsx")


@pytest.fixture(scope="module")
def refreshed(template, tmp_path_factory):
    return refreshed_copy(template, tmp_path_factory.mktemp("ref"))


def _scores(path):
    """Province -> index by year, read back from the Scores sheet (rows 5..35)."""
    rows = values(path, L.SHEET_SCORES)
    header = rows[3]
    years = [y for y in header[2:] if isinstance(y, int)]
    table = {r[0]: r[2:2 + len(years)] for r in rows[4:35]}
    return years, pd.DataFrame(table, index=years).T


def _weights(units, pairs):
    neighbours = neighbour_lists(units, pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return libpysal.weights.W(neighbours, id_order=list(units))


def _with_sheet(template, folder, name, rows):
    path = folder / f"{name}.xlsx"
    shutil.copy(template, path)
    book = openpyxl.load_workbook(path)
    ws = book.create_sheet(name)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def _set(template, folder, key, value):
    path = folder / f"set_{key}.xlsx"
    shutil.copy(template, path)
    book = openpyxl.load_workbook(path)
    ws = book[L.SHEET_SETTINGS]
    for row in ws.iter_rows():
        if row[0].value and L.english_part(row[0].value) == key.casefold():
            row[1].value = value
            book.save(path)
            return path, row[1].coordinate
    raise AssertionError(key)


def test_convergence_sheet_matches_numpy_on_the_scores_sheet(refreshed):
    years, scores = _scores(refreshed)
    rows = values(refreshed, L.SHEET_CONVERGENCE)
    header = rows[3]
    sd_all, cv_all = header.index("SD: All provinces / 全部省份"), header.index(
        "CV: All provinces / 全部省份")
    for k, year in enumerate(years):
        row = rows[4 + k]
        assert row[0] == year
        column = scores[year].to_numpy(dtype=float)
        assert row[sd_all] == pytest.approx(column.std(), rel=1e-12)
        assert row[cv_all] == pytest.approx(column.std() / column.mean(), rel=1e-12)
    beta_at = find_row(rows, "Absolute β-convergence / 绝对β收敛")
    beta = dict(zip(rows[beta_at + 1], rows[beta_at + 2]))
    first, last = scores[years[0]].to_numpy(float), scores[years[-1]].to_numpy(float)
    growth = (np.log(last) - np.log(first)) / (years[-1] - years[0])
    slope = np.polyfit(np.log(first), growth, 1)[0]
    assert beta["β (on ln x_0) / β系数"] == pytest.approx(slope, rel=1e-9)


def test_spatial_sheet_moran_matches_esda_on_the_scores_sheet(refreshed):
    from trade_resilience_xl.engine import builtin_pairs
    years, scores = _scores(refreshed)
    units = list(scores.index)
    w = _weights(units, builtin_pairs(units))
    rows = values(refreshed, L.SHEET_SPATIAL)
    for k, year in enumerate(years):
        assert rows[4 + k][0] == year
        peer = esda.Moran(scores[year].to_numpy(float), w, permutations=0)
        assert rows[4 + k][1] == pytest.approx(peer.I, rel=1e-12)
        assert 0 < rows[4 + k][3] <= 1                      # a p-value is written
    lisa_at = find_row(rows, f"Local Moran (LISA), {years[-1]} / 局部莫兰指数（{years[-1]}年）")
    local = esda.Moran_Local(scores[years[-1]].to_numpy(float), w, permutations=0)
    got = [r[5] for r in rows[lisa_at + 2:lisa_at + 2 + len(units)]]
    np.testing.assert_allclose(got, local.Is, rtol=1e-12)


def test_neighbours_sheet_wins_and_unknown_names_are_located(template, tmp_path):
    ring = ["Beijing", "Tianjin", "Hebei", "Shanxi", "Shanghai"]
    rows = [["Unit", "Neighbour"]] + [[a, b] for a, b in zip(ring, ring[1:] + ring[:1])]
    path = _with_sheet(template, tmp_path, L.SHEET_NEIGHBOURS, rows)
    report = refresh_file(path)
    assert report.ok, report.message()
    assert any(w.startswith("26 units have no neighbour (Inner Mongolia, Liaoning,")
               for w in report.warnings)
    years, scores = _scores(path)
    units = list(scores.index)
    pairs = [(r[0], r[1]) for r in rows[1:]]
    peer = esda.Moran(scores[years[0]].to_numpy(float), _weights(units, pairs), permutations=0)
    assert values(path, L.SHEET_SPATIAL)[4][1] == pytest.approx(peer.I, rel=1e-12)
    (tmp_path / "bad").mkdir()
    bad = _with_sheet(template, tmp_path / "bad", L.SHEET_NEIGHBOURS,
                      [["Unit", "Neighbour"], ["Beijing", "Atlantis"]])
    report = refresh_file(bad)
    assert not report.ok
    assert [(p.sheet, p.cell) for p in report.problems] == [(L.SHEET_NEIGHBOURS, "B2")]
    assert "Atlantis" in report.problems[0].message


def test_lisa_year_not_in_data_is_located_on_settings(template, tmp_path):
    path, cell = _set(template, tmp_path, "LISA year", 2035)
    report = refresh_file(path)
    assert not report.ok
    assert [(p.sheet, p.cell) for p in report.problems] == [(L.SHEET_SETTINGS, cell)]
    assert "2035" in report.problems[0].message


def _small_panel(units, score_of_first):
    years = [2010, 2011, 2012]
    rows = []
    for i, unit in enumerate(units):
        for t, year in enumerate(years):
            level = score_of_first if (i == 0 and t == 0) else 1.0 + i + t
            rows.append({"unit": unit, "region": "R1" if i % 2 else "R2", "year": year,
                         "X1": level, "X2": level * 2})
    indicators = pd.DataFrame({"code": ["X1", "X2"], "dimension": ["D1", "D2"],
                               "direction": ["+", "+"]})
    return pd.DataFrame(rows), indicators


def test_zero_initial_level_is_one_line_and_the_index_is_still_computed():
    data, indicators = _small_panel(["A", "B", "C", "D"], 0.0)   # A is the minimum in 2010
    result = run_panel(data, indicators, Settings(score="weighted_sum", shift=0))
    assert result.scores_wide().loc["A", 2010] == 0
    note = result.beta["note"].iloc[0]
    assert note.startswith("β-convergence not computed: A has index 0 in 2010")
    assert "weighted-sum" in note and note in result.warnings
    assert result.beta["beta"].isna().all() and result.theil is not None
    # Units without a built-in neighbour list and none given: one line, no table.
    assert result.moran is None and any(w.startswith("Spatial autocorrelation not computed: "
                                                     "there is no neighbour list")
                                        for w in result.warnings)
