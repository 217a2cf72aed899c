"""A user's own indicator system, units and regions, from CSV (`trade-resilience new`): the
result sheets speak the user's words, the numbers are run_panel's, region order is fixed."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from trade_resilience_xl.cli import main
from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.openpyxl_io import check_file
from trade_resilience_xl.workbook.results.result_frame import TABLE_ROW
from trade_resilience_xl.workbook.template.csv_panel import read_csv_panel

import other_system as O
from refresh_helpers import first_series_labels, values

INDEX_NAME = "State capacity / 州能力"
HEADER = TABLE_ROW - 1          # 0-based index of a result sheet's table header row
ROOT = Path(__file__).resolve().parent.parent


def _new(folder: Path, **kwargs) -> Path:
    panel, indicators = O.write_csvs(folder, **kwargs)
    book = folder / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators),
                 "--index-name", INDEX_NAME]) == 0
    return book


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return _new(tmp_path_factory.mktemp("own"))


def _text(path, sheets=L.RESULT_SHEETS) -> str:
    return " ".join(str(v) for s in sheets for row in values(path, s) for v in row
                    if isinstance(v, str))


def _expected():
    data = pd.DataFrame([[s, O.STATES[s], y, *v] for (s, y), v in O.panel_values().items()],
                        columns=["State", "Region", "Year", "Population", *O.CODES])
    indicators = pd.DataFrame([{"code": c, "indicator": n, "dimension": d, "direction": sign}
                               for c, d, _, sign, n in O.INDICATORS])
    return run_panel(data, indicators, Settings(seed=12345),
                     columns={"unit": "State", "region": "Region", "year": "Year",
                              "population": "Population"})


def test_result_sheets_use_none_of_the_papers_words(book):
    # The package's name in Log, the command's in the Spatial note.
    text = _text(book).replace("trade_resilience_xl", "").replace("trade-resilience", "")
    for word in O.PAPER_WORDS:
        assert word not in text, word
    # ... but the user's: index name, unit header, dimension names, regions as typed.
    assert "State capacity index / 州能力综合指数" in text
    assert "High Economic base, low Tobacco control" in text and "经济高控烟低型" in text
    scores = values(book, "Scores")
    assert scores[HEADER][0] == "State"
    header = next(r for r in scores if r and r[0] == "Year / 年份")
    assert header[1:6] == ["All units / 全部"] + O.REGION_ORDER
    theil = next(r for r in values(book, "Theil") if r and r[0] == "Year / 年份")
    assert "South: contribution / 贡献率" in theil and "Northeast" in theil


def test_numbers_equal_run_panel(book):
    expected = _expected()
    rows = {r[0]: r for r in values(book, "Scores") if r and r[0] in O.STATES}
    wide = expected.scores_wide()
    for state, row in rows.items():
        np.testing.assert_allclose(row[2:2 + len(O.YEARS)], wide.loc[state], rtol=1e-12)
    theil = values(book, "Theil")
    within = [r[1] for r in theil if r and r[0] in O.YEARS]
    part = expected.theil[expected.theil.component == "within"].sort_values("year")
    np.testing.assert_allclose(within, part["value"], rtol=1e-12)
    weights = {r[0]: r[6] for r in values(book, "Weights") if r and r[0] in O.CODES}
    np.testing.assert_allclose([weights[c] for c in O.CODES],
                               100 * expected.weights.set_index("code").loc[O.CODES, "weight"])


def test_no_empty_paper_weight_column_or_series(book):
    header = values(book, "Weights")[HEADER]
    assert not any("Paper" in str(v) for v in header)
    chart = openpyxl.load_workbook(book)["Weights"]._charts
    assert len(chart) == 1 and len(chart[0].series) == 1


@pytest.mark.parametrize("sheet", ["Theil", "Dagum", "Scores", "Weights"])
def test_number_formats_follow_the_size_of_the_values(book, sheet):
    """Every value shows at least 3 significant digits and most at least 4 (Theil values
    of 0.001-0.01 are not cut to one or two digits by a fixed 0.0000)."""
    ws = openpyxl.load_workbook(book)[sheet]
    shown = []
    for row in ws.iter_rows(min_row=5, max_row=TABLE_ROW + len(O.STATES)):
        for cell in row:
            if isinstance(cell.value, float) and cell.value and "%" not in cell.number_format:
                decimals = len(cell.number_format.partition(".")[2])
                shown.append(abs(cell.value) * 10 ** decimals)
    assert shown and min(shown) >= 99.5 and np.median(shown) >= 999.5, sheet


def test_chinese_type_names_only_from_short_labels(tmp_path):
    book = _new(tmp_path, chinese=False)
    types = values(book, "Types")
    header = types[HEADER]
    assert "类型" not in header and "Type / 类型" in header
    assert not [v for r in types for v in r
                if isinstance(v, str) and v[-2:] in ("高型", "中型", "低型")]


def test_tidy_form_gives_the_same_data_sheet(tmp_path, book):
    tidy = _new(tmp_path, tidy=True)
    long_rows = values(book, L.SHEET_DATA)[L.DATA_HEADER_ROW - 1:]
    assert values(tidy, L.SHEET_DATA)[L.DATA_HEADER_ROW - 1:] == long_rows
    assert long_rows[0][:4] == ["State", "Region / 地区", "Year / 年份", "Population / 人口权重"]


def test_data_table_and_region_list_follow_the_data(book):
    ws = openpyxl.load_workbook(book)[L.SHEET_DATA]
    n = len(O.STATES) * len(O.YEARS)
    assert ws.tables[L.DATA_TABLE_NAME].ref == f"A{L.DATA_HEADER_ROW}:H{L.DATA_HEADER_ROW + n}"
    lists = [v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"]
    assert lists == ['"' + ",".join(O.REGION_ORDER) + '"']


def _refresh_in_subprocess(book: Path, out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
    out.mkdir()
    subprocess.run([sys.executable, "-m", "trade_resilience_xl.cli", "refresh", str(book),
                    "--out", str(out / "book.xlsx"), "--csv", str(out)],
                   check=True, env=env, capture_output=True, timeout=300)


def _region_orders(book: Path) -> dict[str, list[str]]:
    def after(rows, first, skip):
        header = next(r for r in rows if r and r[0] == first)
        return [str(v).split(":")[0] for v in header[skip:skip + 4]]

    return {"scores": after(values(book, "Scores"), "Year / 年份", 2),
            "theil": after(values(book, "Theil"), "Year / 年份", 6),
            "dagum": after(values(book, "Dagum"), "Year / 年份", 8),
            "scatter": after(values(book, "Types"), "Economic base / 经济 (x)", 1)}


def test_region_order_is_the_same_in_every_run_sheet_and_csv(book, tmp_path):
    orders = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        _refresh_in_subprocess(book, out, seed)
        sheets = _region_orders(out / "book.xlsx")
        with open(out / "theil.csv", encoding="utf-8") as handle:
            groups = [r["group"] for r in csv.DictReader(handle)
                      if r["component"] == "group_index"]
        assert set(map(tuple, sheets.values())) == {tuple(dict.fromkeys(groups))}
        orders.append(sheets)
    assert orders[0] == orders[1] and orders[0]["theil"] == O.REGION_ORDER


# ---------------------------------------------------------------------------- bad CSV
BAD = {
    "missing column": ("panel", lambda rows: [r.pop(2) for r in rows],
                       ["panel.csv, row 1", "'year'"]),
    "duplicate unit-year": ("panel", lambda rows: rows.insert(3, list(rows[2])),
                            ["panel.csv, row 4", "State Texas, year 1996 repeats row 3"]),
    "text in a number column": ("panel", lambda rows: rows[5].__setitem__(6, "high"),
                                ["panel.csv, row 6, column 'SMK'", "'high' is not a number"]),
    "decimal comma": ("panel", lambda rows: rows[5].__setitem__(6, "72,76"),
                      ["panel.csv, row 6, column 'SMK'", "'72,76' is not a number"]),
    "column not in the indicator table": ("panel", lambda rows: [r.append("FIPS" if i == 0 else "1")
                                                                 for i, r in enumerate(rows)],
                                          ["panel.csv, row 1, column 'FIPS'", "not an indicator"]),
    "unknown direction": ("indicators", lambda rows: rows[2].__setitem__(2, "up"),
                          ["indicators.csv, row 3, column 'direction'", "'up'"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_csv_is_refused_in_one_line(case, tmp_path, capsys):
    which, change, words = BAD[case]
    panel, indicators = O.write_csvs(tmp_path)
    O.rewrite_csv(panel if which == "panel" else indicators, change)
    book = tmp_path / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators",
                 str(indicators)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for word in words:
        assert word in err, err
    assert not book.exists()


def test_tidy_duplicate_code_is_refused(tmp_path):
    panel, indicators = O.write_csvs(tmp_path, tidy=True)
    O.rewrite_csv(panel, lambda rows: rows.append(list(rows[1])))
    with pytest.raises(ValueError, match=r"row \d+: State Texas, year 1995, code GDP repeats"):
        read_csv_panel(panel, indicators)


def test_new_refuses_to_replace_a_workbook(tmp_path, capsys):
    panel, indicators = O.write_csvs(tmp_path)
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"mine")
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators)]) == 1
    assert "--force" in capsys.readouterr().err and book.read_bytes() == b"mine"


# ---------------------------------------------------------------------------- charts
def test_each_chart_plots_the_header_it_is_meant_to(book, tmp_path):
    """Chart ranges are located from the block headers (no hand-kept column letters)."""
    first = O.REGION_ORDER[0]
    assert first_series_labels(book) == {
        "Weights": ["Weight w (%) / 权重(%)"], "Scores": ["All units / 全部"],
        "Types": [first], "Theil": ["Within / 区域内", first], "Dagum": ["Within G_w / 区域内"],
        # issue 14: coupling, obstacle, density (the first dimension as typed; the first year)
        "Coupling": ["Mean D / 平均耦合协调度"], "Obstacle": ["Economic base / 经济"],
        "Density": [str(O.YEARS[0])],
        # issue 14: convergence, spatial (US states: no built-in neighbours, so no Spatial chart)
        "Convergence": ["CV: All units / 全部"],
        # issue 25: robustness (weights by method), dynamics (index and types shares)
        "Robustness": ["Entropy / 熵值法 (%)"],
        "Dynamics": ["First year / 首年", "First year / 首年"]}


def test_paper_region_names_of_other_units_are_shown_as_typed(tmp_path):
    """East/Central/Northeast/West are translated only for the paper's provinces."""
    panel, indicators = O.write_csvs(tmp_path)
    rename = {"South": "East", "Midwest": "Central"}
    O.rewrite_csv(panel, lambda rows: [r.__setitem__(1, rename.get(r[1], r[1])) for r in rows])
    book = tmp_path / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators)]) == 0
    text = _text(book)
    for chinese in ("东部", "中部", "东北", "西部"):
        assert chinese not in text, chinese
    assert "East: contribution / 贡献率" in text
    assert "Composite index / 综合指数" in text            # `new`'s default index name


def test_one_dimension_gives_ranks_and_one_line_instead_of_types(tmp_path):
    panel, indicators = O.write_csvs(tmp_path)
    O.rewrite_csv(indicators, lambda rows: [(r.__setitem__(1, "Everything"),
                                             r.__setitem__(4, "全部"))
                                            for r in rows[1:]])   # dimension, dimension_zh
    book = tmp_path / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators)]) == 0
    types = values(book, "Types")
    said = [v for r in types for v in r if isinstance(v, str) and "exactly two" in v]
    assert len(said) == 1 and "has 1" in said[0]
    assert "Type / 类型" not in types[HEADER] and "Types by" not in types[0][0]
    assert any(r and r[0] == "Year / 年份" for r in values(book, "Theil"))   # rest refreshed


def test_chinese_type_names_reach_the_tidy_csv_as_on_the_sheet(tmp_path):
    """types.csv carries the Chinese type names built from the user's short labels."""
    panel, indicators = O.write_csvs(tmp_path)
    book = tmp_path / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators)]) == 0
    assert main(["refresh", str(book), "--csv", str(tmp_path / "csv")]) == 0
    csv_zh = set(pd.read_csv(tmp_path / "csv" / "types.csv")["type_zh"].dropna())
    types = values(book, "Types")
    column = types[HEADER].index("类型")
    sheet_zh = {r[column] for r in types[HEADER + 1:] if r[column]}
    assert csv_zh and csv_zh == sheet_zh


def test_one_dimension_with_two_chinese_labels_is_refused_naming_both_cells(tmp_path, capsys):
    panel, indicators = O.write_csvs(tmp_path)
    first = O.INDICATORS[0][1]
    O.rewrite_csv(indicators, lambda rows: rows[1].__setitem__(4, "别名"))     # its dimension_zh
    book = tmp_path / "book.xlsx"
    assert main(["new", str(book), "--data", str(panel), "--indicators", str(indicators)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "indicators.csv, row 3, column 'dimension_zh'" in err[0], err
    assert f"dimension {first} has two Chinese labels, 别名 and 经济" in err[0]
    assert not book.exists()


def test_a_sheet_with_two_chinese_labels_for_one_dimension_names_both_cells(tmp_path):
    book = _new(tmp_path)
    wb = openpyxl.load_workbook(book)
    wb["Indicators"]["B9"] = "Economic base / 别名"
    wb.save(book)
    problems = check_file(book)
    assert [str(p) for p in problems] == [
        "Indicators!B9: dimension Economic base is 别名 in Chinese here but 经济 in B8; give it "
        "one Chinese label"]
