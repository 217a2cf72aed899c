"""The refresh through the openpyxl adapter, on real files built by the template builder."""
from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest

from trade_resilience_xl import paper
from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.inputs.read_inputs import read_inputs
from trade_resilience_xl.workbook.openpyxl_io import (
    OpenpyxlBook,
    check_file,
    clear_file,
    refresh_file,
)
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.refresh import refresh
from trade_resilience_xl.workbook.template import ribbon

from refresh_helpers import (
    INPUT_SHEETS,
    build_demo,
    cells,
    find_row,
    first_series_labels,
    openpyxl_resave,
    refreshed_copy,
    values,
)

FIXED = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("tpl") / "w.xlsm")


@pytest.fixture(scope="module")
def refreshed(template, tmp_path_factory):
    return refreshed_copy(template, tmp_path_factory.mktemp("ref"))


@pytest.fixture(scope="module")
def engine_result():
    """run_panel on the same inputs, given directly (not read from the workbook)."""
    indicators = pd.DataFrame([{"code": i.code, "indicator": i.indicator,
                                "dimension": i.dimension, "direction": i.direction}
                               for i in paper.INDICATORS])
    return run_panel(load_example_panel(), indicators, Settings(shift=1),
                     columns={"unit": "Province", "region": "Region", "year": "Year",
                              "population": "Population"})


def _table(path, sheet, header_row=4):
    rows = values(path, sheet)
    return rows[header_row - 1], rows[header_row:]


def test_scores_sheet_equals_engine(refreshed, engine_result):
    header, rows = _table(refreshed, "Scores")
    wide = engine_result.scores_wide()
    years = [int(y) for y in wide.columns]
    assert header[2:2 + len(years)] == years
    for unit, row in zip(wide.index, rows):
        assert row[0] == unit
        assert row[2:2 + len(years)] == pytest.approx(list(wide.loc[unit]), rel=1e-12)
    mean_row = rows[len(wide)]
    assert mean_row[0].startswith("Mean")
    assert mean_row[2:2 + len(years)] == pytest.approx(list(wide.mean()), rel=1e-12)


def test_weights_sheet_equals_engine_and_sums_to_100(refreshed, engine_result):
    header, rows = _table(refreshed, "Weights")
    w = engine_result.weights
    codes = list(w["code"])
    body = rows[:len(codes)]
    assert [r[0] for r in body] == codes
    assert [r[6] for r in body] == pytest.approx(list(100 * w["weight"]), rel=1e-12)
    assert [r[4] for r in body] == pytest.approx(list(w["entropy"]), rel=1e-12)
    # Independent identity: the weights on the sheet sum to 100 %.
    assert sum(r[6] for r in body) == pytest.approx(100, abs=1e-9)
    # The paper's weight sits next to ours (Indicators sheet, Table 2).
    assert [r[7] for r in body] == pytest.approx([i.paper_weight_pct for i in paper.INDICATORS])


def test_theil_sheet_identities_and_engine(refreshed, engine_result):
    header, rows = _table(refreshed, "Theil")
    rows = [r for r in rows if isinstance(r[0], int)]
    col = {h.split(" / ")[0]: i for i, h in enumerate(header)}
    t = engine_result.theil
    for row in rows:
        within, between, total = row[col["Within"]], row[col["Between"]], row[col["Total"]]
        assert within + between == pytest.approx(total, rel=1e-12)
        assert row[col["Within share"]] + row[col["Between share"]] == pytest.approx(1.0)
        expected = t[(t["year"] == row[0]) & (t["component"] == "total")]["value"].item()
        assert total == pytest.approx(expected, rel=1e-12)
        contributions = [row[i] for h, i in col.items() if h.endswith("contribution")]
        assert sum(contributions) == pytest.approx(row[col["Within share"]], rel=1e-9)
    assert [r[0] for r in rows] == list(range(2010, 2022))


def test_dagum_sheet_components_add_up(refreshed):
    header, rows = _table(refreshed, "Dagum")
    for row in (r for r in rows if isinstance(r[0], int)):
        assert row[1] + row[2] + row[3] == pytest.approx(row[4], rel=1e-12)
        assert row[5] + row[6] + row[7] == pytest.approx(1.0)


def test_types_sheet_has_nine_type_names_and_cutoffs(refreshed, engine_result):
    rows = values(refreshed, "Types")
    header = rows[3]
    assert header[-2:] == ["Type / 类型", "类型"]
    body = rows[4:4 + 31]
    expected = engine_result.types.drop_duplicates("unit")
    assert [r[-1] for r in body] == list(expected["type_zh"])
    assert any(r and r[0] == "Tercile cut-offs / 三等分界值" for r in rows)


def test_log_names_settings_filled_cells_and_illustrative_flag(refreshed):
    rows = values(refreshed, "Log")
    flat = {r[0]: r[1] for r in rows if r and r[0]}
    assert flat["Illustrative data / 示例数据"].startswith("YES")
    # Numbers as numbers, not text that looks like one (Excel's green triangles).
    assert flat["Setting: Shift / 平移量"] == 1
    assert flat["Setting: Seed / 随机种子"] == L.SETTINGS_BY_KEY["seed"].default
    assert flat["Setting: Permutations / 置换检验次数"] == 0
    assert flat["Setting: Weighting / 赋权方式"] == "pooled"
    assert "trade_resilience_xl" in flat["Package / 程序包"]
    filled = find_row(rows, "Province / 省份")
    assert rows[filled + 1][1].startswith("Data!")   # the Data cell that was filled


def test_inputs_untouched_vba_identical_ribbon_kept(template, refreshed):
    for sheet in INPUT_SHEETS:
        assert cells(template, sheet) == cells(refreshed, sheet), sheet
    old_book, new_book = openpyxl.load_workbook(template), openpyxl.load_workbook(refreshed)
    for sheet in INPUT_SHEETS:
        old_ws, new_ws = old_book[sheet], new_book[sheet]
        assert ([(str(v.sqref), v.formula1, v.type)
                 for v in new_ws.data_validations.dataValidation]
                == [(str(v.sqref), v.formula1, v.type)
                    for v in old_ws.data_validations.dataValidation]
                ), sheet
        assert dict(new_ws.tables.items()) == dict(old_ws.tables.items()), sheet  # name -> ref
        assert (new_ws.freeze_panes, sorted(map(str, new_ws.merged_cells.ranges))) == (
            old_ws.freeze_panes, sorted(map(str, old_ws.merged_cells.ranges))), sheet
    before, after = ooxml.read_parts(template), ooxml.read_parts(refreshed)
    assert before["xl/vbaProject.bin"] == after["xl/vbaProject.bin"]
    assert after[ribbon.CUSTOM_UI_PART] == before[ribbon.CUSTOM_UI_PART]
    rels = ooxml.relationships(after[ooxml.ROOT_RELS_PART])
    assert [r["Target"] for r in rels if r["Type"] == ribbon.CUSTOM_UI_RELATIONSHIP] == [
        ribbon.CUSTOM_UI_PART]
    assert (ooxml.content_type_of(after["[Content_Types].xml"], "xl/workbook.xml")
            == ooxml.MACRO_MAIN_CONTENT_TYPE)
    # The Formulas sheet and xl/metadata.xml are copied as they are: dynamic arrays kept.
    assert after[ooxml.METADATA_PART] == before[ooxml.METADATA_PART]
    formulas = after[ooxml.sheet_part_name(after, L.SHEET_FORMULAS)]
    built = before[ooxml.sheet_part_name(before, L.SHEET_FORMULAS)]
    assert formulas.count(b'cm="1"') == built.count(b'cm="1"') == 7   # every example


def test_result_sheets_have_native_charts(refreshed):
    book = openpyxl.load_workbook(refreshed)
    parts = ooxml.read_parts(refreshed)
    # 6 + issue 14: coupling, obstacle, density (3), convergence (1), spatial (2) + issue 25:
    # robustness (1: weights by method), dynamics (2: shares of the index and of the types)
    assert len([p for p in parts if p.startswith("xl/charts/chart")]) == 6 + 3 + 3 + 3
    assert book["Weights"]["A1"].value.startswith("Indicator weights")


def test_papers_own_system_keeps_the_papers_words(refreshed):
    text = " ".join(str(v) for sheet in ("Weights", "Scores", "Types", "Theil")
                    for row in values(refreshed, sheet) for v in row if isinstance(v, str))
    for words in ("(cf. paper Table 2)", "Foreign trade resilience index (cf. paper Table 3) / "
                  "外贸韧性综合指数（对照原文表3）", "Resilience types (cf. paper Table 4) / "
                  "外贸韧性类型（对照原文表4）", "(cf. paper Table 5)", "All provinces / 全部省份",
                  "East contribution / 东部贡献率", "Northeast / 东北", "构高抗高型",
                  "High reconstruction, high resistance", "Paper weight (%) / 原文权重(%)"):
        assert words in text, words
    labels = first_series_labels(refreshed)
    assert labels["Weights"] == ["Weight w (%) / 权重(%)"]
    assert labels["Theil"] == ["Within / 区域内", "East / 东部"]
    assert labels["Scores"] == ["All provinces / 全部省份"]
    assert labels["Types"] == labels["Theil"][1:]
    assert len(openpyxl.load_workbook(refreshed)["Weights"]._charts[0].series) == 2


def test_refreshing_twice_gives_identical_cells(refreshed, tmp_path):
    first, second = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    for path in (first, second):
        shutil.copy(refreshed, path)      # a refresh over an already refreshed book
        book = OpenpyxlBook(path)
        assert refresh(book, now=FIXED).ok
        book.save()
        book.close()
    for sheet in openpyxl.load_workbook(first).sheetnames:
        assert cells(first, sheet) == cells(second, sheet), sheet
    assert cells(first, "Scores") == cells(refreshed, "Scores")
    a, b = ooxml.read_parts(first), ooxml.read_parts(second)
    assert [p for p in a if "chart" in p] == [p for p in b if "chart" in p]
    assert all(a[p] == b[p] for p in a if p.startswith("xl/charts/"))


def test_clear_empties_results_only(refreshed, tmp_path, template):
    path = tmp_path / "c.xlsm"
    shutil.copy(refreshed, path)
    assert clear_file(path) == list(L.RESULT_SHEETS)
    for sheet in L.RESULT_SHEETS:
        assert values(path, sheet) == [[L.RESULT_SHEET_NOTE]]
    for sheet in INPUT_SHEETS:
        assert cells(template, sheet) == cells(path, sheet)
    assert not [p for p in ooxml.read_parts(path) if p.startswith("xl/charts/")]


# ---------------------------------------------------------------------- bad data
def _text_in_number_cell(book):
    book["Data"]["F10"] = "about 5"                   # ("n/a" would be a missing value)


def _duplicate_province_year(book):
    book["Data"]["C5"] = book["Data"]["C4"].value      # Beijing 2011 -> 2010 again


def _missing_sheet(book):
    del book["Settings"]


def _missing_column(book):
    book["Data"]["B3"] = "Area"                         # the Region header is gone


def _bad_setting(book):
    book["Settings"]["B4"] = "one"                      # Shift


def _all_constant(book):
    ws = book["Data"]
    for row in ws.iter_rows(min_row=4, min_col=5):
        for cell in row:
            cell.value = 1


@pytest.mark.parametrize("spoil, sheet, cell, words", [
    (_text_in_number_cell, "Data", "F10", "number"),
    (_duplicate_province_year, "Data", "C5", "second row"),
    (_missing_sheet, "Settings", "", "missing"),
    (_missing_column, "Data", "A3:Q3", "Region"),
    (_bad_setting, "Settings", "B4", "Shift"),
    (_all_constant, "Data", "E4:Q375", "constant"),
])
def test_bad_data_names_sheet_and_cell_and_leaves_file_unchanged(template, tmp_path, spoil,
                                                                 sheet, cell, words):
    path = openpyxl_resave(template, tmp_path / "bad.xlsm", spoil)
    before = path.read_bytes()
    report = refresh_file(path)
    assert not report.ok
    problem = report.problems[0]
    assert (problem.sheet, problem.cell) == (sheet, cell)
    assert words in problem.message
    assert f"{sheet}!{cell}" in report.message() if cell else sheet in report.message()
    assert path.read_bytes() == before
    assert check_file(path)[0] == problem


def test_check_is_empty_on_good_data(template):
    assert check_file(template) == []


def test_missing_indicator_column_points_at_indicators(template, tmp_path):
    def rename_header(book):
        book["Data"]["I3"] = "X5b"

    path = openpyxl_resave(template, tmp_path / "bad.xlsm", rename_header)
    problem = check_file(path)[0]
    assert (problem.sheet, problem.cell) == ("Indicators", "A12")
    assert "X5" in problem.message and "Data" in problem.message


def test_headers_found_wherever_they_stand(template, tmp_path, engine_result):
    """Columns moved and headers retyped without Chinese: same results. The unit column is
    the one left of Region, whatever its header says."""
    def move_year(book):
        ws = book["Data"]
        ws.move_range(f"C3:C{ws.max_row}", cols=ws.max_column)   # Year to the far right
        ws.cell(row=3, column=ws.max_column).value = "YEAR"
        ws["A3"], ws["B3"] = "State", " region "

    path = openpyxl_resave(template, tmp_path / "moved.xlsm", move_year)
    assert refresh_file(path).ok
    inputs = read_inputs(OpenpyxlBook(path))
    assert inputs.unit_label == "State"
    assert inputs.index_name == "Foreign trade resilience / 外贸韧性"
    header, rows = _table(path, "Scores")
    wide = engine_result.scores_wide()
    assert rows[0][2:14] == pytest.approx(list(wide.iloc[0]), rel=1e-12)
    assert not np.isnan(rows[0][2])


def test_resilience_type_formula_agrees_with_the_types_sheet(refreshed):
    """The worksheet function and the refresh are two fronts over one engine."""
    from trade_resilience_xl import udfs
    rows = values(refreshed, "Types")
    header = find_row(rows, "Province / 省份")
    body = [r for r in rows[header + 1:header + 32]]
    resistance, reconstruction = [r[2] for r in body], [r[5] for r in body]
    assert ([c[0] for c in udfs.RESILIENCE_TYPE(resistance, reconstruction, "zh")]
            == [r[9] for r in body])


def test_unit_label_and_index_name_are_read_as_typed(template, tmp_path):
    path = tmp_path / "named.xlsm"
    book = openpyxl.load_workbook(template, keep_vba=True)
    book["Data"]["A3"] = "城市"
    row = L.SETTINGS_HEADER_ROW + 1 + L.SETTING_KEYS.index("Index name")
    book["Settings"][f"B{row}"] = " Export resilience "
    book.save(path)
    inputs = read_inputs(OpenpyxlBook(path))
    assert (inputs.unit_label, inputs.index_name) == ("城市", "Export resilience")
    assert ("Index name", "Export resilience") in inputs.settings_used


def test_workbook_and_python_api_share_one_default_seed(template, tmp_path):
    """Bootstrap bounds from the workbook's default Settings equal the Python API's defaults
    (they differed by up to 0.008 with two default seeds)."""
    path = tmp_path / "boot.xlsm"
    book = openpyxl.load_workbook(template, keep_vba=True)
    book["Settings"][f"B{L.SETTINGS_HEADER_ROW + 1 + L.SETTING_KEYS.index('Bootstrap')}"] = 49
    book.save(path)
    inputs = read_inputs(OpenpyxlBook(path))
    columns = ["code", "indicator", "dimension", "direction"]
    from_sheet = run_panel(inputs.data, inputs.indicators[columns], inputs.settings)
    from_api = run_panel(load_example_panel(), inputs.indicators[columns], Settings(bootstrap=49),
                         columns={"unit": "Province", "region": "Region", "year": "Year",
                                  "population": "Population"})
    pd.testing.assert_frame_equal(from_sheet.bootstrap, from_api.bootstrap)


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_refresh_pauses_the_cycle_collector_and_gives_it_back(template, tmp_path,
                                                                   enabled_before):
    """Paused from reading to saving (workbook/collector.py: a sixth of a county refresh),
    switched back on afterwards only if it was on before, also when the refresh stops."""
    import gc

    path = shutil.copy(template, tmp_path / "w.xlsm")
    seen = []
    book = OpenpyxlBook(path)
    was = gc.isenabled()
    try:
        gc.enable() if enabled_before else gc.disable()
        assert refresh(book, lambda _: seen.append(gc.isenabled())).ok
        assert gc.isenabled() is enabled_before
        book.save()
        assert gc.isenabled() is enabled_before
        bad = OpenpyxlBook(path)
        bad.read_values = lambda sheet: [["not a workbook of this tool"]]   # stops at once
        assert not refresh(bad).ok and gc.isenabled() is enabled_before
        bad.close()
    finally:
        book.close()
        gc.enable() if was else gc.disable()
    assert seen and not any(seen[:-1])      # off at every step until "Done"
