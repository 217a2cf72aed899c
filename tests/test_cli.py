"""The trade-resilience command line: demo, refresh (in place, --out, --csv), check, template,
excel-setup, and one-line errors. CSV values are compared with the workbook's result sheets."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from trade_resilience_xl import cli, cli_workbook, excel_setup
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.template.builder import build_workbook

NOTE = "Illustrative data, not official statistics"
SCRIPT = Path(sys.executable).with_name("trade-resilience")


def run(*args, cwd=None, env=None):
    """The installed console script in a subprocess (falls back to python -m)."""
    command = ([str(SCRIPT)] if SCRIPT.exists()
               else [sys.executable, "-m", "trade_resilience_xl.cli"])
    return subprocess.run(command + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def example_workbook(path: Path) -> Path:
    return build_workbook(path, data=load_example_panel(), macro_enabled=False)


def english(text) -> str:
    return L.english_part(text)


def same(cell, csv_value) -> bool:
    """openpyxl stores floats with 16 significant digits, the CSV round-trips all 17: the
    two may differ in the last binary digit, nothing more."""
    return cell == pytest.approx(csv_value, rel=2e-16 * 4, abs=0)


def sheet_table(path: Path, sheet: str, header_row: int = 4) -> tuple[list, list[list]]:
    """(English header keys, rows below the header until the first empty row)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(min_row=header_row, values_only=True)]
    header = [english(h) for h in rows[0]]
    body = []
    for row in rows[1:]:
        if row[0] is None:
            break
        body.append(row)
    return header, body


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """An example workbook refreshed in place by main([...]) with --csv."""
    folder = tmp_path_factory.mktemp("refreshed")
    book = example_workbook(folder / "panel.xlsx")
    code = cli.main(["refresh", str(book), "--csv", str(folder / "csv")])
    assert code == 0
    return book, folder / "csv"


# ---------------------------------------------------------------------------- demo
def test_demo_in_a_subprocess(tmp_path):
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    workbook = tmp_path / cli.DEMO_NAME
    assert workbook.is_file()
    assert out.count(NOTE) >= 2                      # at the top and next to the path
    for code in [f"X{i}" for i in range(1, 14)]:
        assert f"\n  {code} " in out
    for heading in ("Entropy weights", "Top 5 provinces", "Bottom 5 provinces",
                    "decomposition by region, 2021", "Within regions", "Between regions"):
        assert heading in out
    for region in ("East", "Central", "West", "Northeast"):
        assert f"\n  {region} " in out
    assert f"Workbook / 工作簿: {workbook.resolve()}" in out
    assert "Traceback" not in result.stderr
    # The printed weights are the workbook's.
    header, rows = sheet_table(workbook, L.SHEET_WEIGHTS)
    weight_col = next(i for i, h in enumerate(header) if h.startswith("weight w"))
    for row in rows:
        if str(row[0]).startswith("X"):
            assert f"{row[weight_col]:8.2f}" in out.split(f"\n  {row[0]} ", 1)[1].split("\n")[0]


def test_demo_in_process_with_out(tmp_path, capsys):
    target = tmp_path / "my demo.xlsx"
    assert cli.main(["demo", "--out", str(target)]) == 0
    out = capsys.readouterr().out
    assert target.is_file() and str(target.resolve()) in out and NOTE in out
    top = out.split("Top 5 provinces")[1].split("Bottom 5")[0]
    assert top.count("East") == 5 or "1. " in top


def test_demo_shows_formula_examples_as_text_not_name_errors(tmp_path):
    """The demo has no macros: live UDF formulas would open as #NAME? in Excel, so the
    examples are text, with a line saying they need the macro workbook."""
    target = tmp_path / "d.xlsx"
    assert cli.main(["demo", "--out", str(target)]) == 0
    ws = openpyxl.load_workbook(target)[L.SHEET_FORMULAS]
    assert not [c.coordinate for row in ws.iter_rows() for c in row
                if c.data_type == "f" or hasattr(c.value, "text")]
    assert "no macros" in ws["A2"].value
    shown = [ws.cell(row=r, column=2).value for r in range(6, 13)]
    assert all(str(text).startswith("=") for text in shown)
    assert any("TOPSIS(NORMALIZE(" in str(text) for text in shown)
    # The shipped example data, read through the same CSV reader as `new`.
    header, body = sheet_table(target, L.SHEET_DATA, header_row=L.DATA_HEADER_ROW)
    frame = load_example_panel()
    assert header[:4] == ["province", "region", "year", "population"] and len(body) == len(frame)
    expected = frame.astype(object).where(frame.notna(), None).values.tolist()
    assert body == expected


def test_demo_refuses_xlsm_name(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path / "d.xlsm")]) == 1
    assert "use a .xlsx name" in capsys.readouterr().err


# ---------------------------------------------------------------------------- refresh
def test_refresh_in_place_fills_result_sheets(refreshed):
    book, _ = refreshed
    wb = openpyxl.load_workbook(book, read_only=True)
    assert wb[L.SHEET_SCORES]["A4"].value.startswith("Province")
    assert wb[L.SHEET_THEIL]["A4"].value.startswith("Year")


def test_refresh_twice_gives_the_same_results(refreshed, tmp_path):
    book, _ = refreshed
    copy = shutil.copy(book, tmp_path / "again.xlsx")
    assert cli.main(["refresh", str(copy)]) == 0
    assert sheet_table(Path(copy), L.SHEET_SCORES) == sheet_table(book, L.SHEET_SCORES)


def test_refresh_with_out_leaves_the_source_alone(tmp_path):
    source = example_workbook(tmp_path / "in.xlsx")
    before = source.read_bytes()
    result = run("refresh", source, "--out", tmp_path / "out.xlsx")
    assert result.returncode == 0, result.stderr
    assert source.read_bytes() == before
    header, rows = sheet_table(tmp_path / "out.xlsx", L.SHEET_SCORES)
    assert header[0] == "province" and len(rows) == 32        # 31 provinces + mean row


def test_refresh_out_must_keep_the_extension(tmp_path, capsys):
    source = example_workbook(tmp_path / "in.xlsx")
    assert cli.main(["refresh", str(source), "--out", str(tmp_path / "out.xlsm")]) == 1
    assert "same extension" in capsys.readouterr().err


# ---------------------------------------------------------------------------- CSV
def test_csv_files_and_columns(refreshed):
    _, folder = refreshed
    expected = {
        "weights.csv": ["code", "indicator", "dimension", "direction", "entropy", "divergence",
                        "weight"],
        "scores.csv": ["unit", "region", "year", "index", "score"],
        "types.csv": ["unit", "region", "dimension", "score", "rank", "level", "type_en",
                      "type_zh"],
        "theil.csv": ["year", "component", "group", "value"],
        "dagum.csv": ["year", "component", "group", "value"],
        "filled.csv": ["unit", "year", "code", "value"],
        # issue 14: coupling, obstacle, density
        "coupling.csv": ["unit", "region", "year", "u_Resistance and resilience",
                         "u_Reconstruction ability", "coupling", "comprehensive",
                         "coordination", "class", "class_en", "class_zh"],
        "obstacles.csv": ["unit", "region", "year", "level", "factor", "obstacle"],
        "obstacle_top.csv": ["unit", "region", "basis", "rank", "factor", "obstacle"],
        "density.csv": ["year", "point", "density", "bandwidth"],
        # issue 14: convergence, spatial
        "beta_convergence.csv": ["first_year", "last_year", "n", "alpha", "beta", "se_beta", "t",
                                 "p_value", "r_squared", "theta", "half_life", "note"],
        "sigma_convergence.csv": ["year", "group", "mean", "sd", "cv"],
        "moran.csv": ["year", "moran_i", "expected", "p_value"],
        "lisa.csv": ["unit", "region", "year", "index", "z", "lag_z", "local_i", "quadrant",
                     "p_value"],
        # issue 25: robustness of the weights, dynamics between levels
        "method_weights.csv": ["method", "code", "weight"],
        "method_ranks.csv": ["unit", "region", "method", "score_year", "rank_year",
                             "score_mean", "rank_mean"],
        "rank_agreement.csv": ["basis", "method_a", "method_b", "spearman", "kendall"],
        "weight_sensitivity.csv": ["unit", "region", "rank", "rank_low", "rank_high",
                                   "keeps_level"],
        "markov.csv": ["chain", "from_class", "to_class", "count", "probability"],
        "markov_shares.csv": ["chain", "class", "first_year", "last_year", "steady_state"],
        "spatial_markov.csv": ["lag_class", "from_class", "to_class", "count", "probability"],
        "spatial_markov_test.csv": ["statistic", "value", "dof", "p_value"],
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, columns in expected.items():
        raw = (folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")          # UTF-8 without BOM
        assert list(pd.read_csv(folder / name).columns) == columns
    theil = pd.read_csv(folder / "theil.csv")
    assert set(theil["component"]) == {"total", "within", "between", "within_share",
                                       "between_share", "group_index", "group_contribution"}
    dagum = pd.read_csv(folder / "dagum.csv")
    assert set(dagum["component"]) == {"total", "within", "net_between", "transvariation",
                                       "within_share", "net_between_share",
                                       "transvariation_share", "group_gini"}
    types = pd.read_csv(folder / "types.csv", encoding="utf-8")
    assert types["type_zh"].str.endswith("型").all()


def test_csv_scores_equal_the_scores_sheet(refreshed):
    book, folder = refreshed
    scores = pd.read_csv(folder / "scores.csv")
    composite = scores[scores["index"] == "composite"]
    header, rows = sheet_table(book, L.SHEET_SCORES)
    year_col = {int(h): i for i, h in enumerate(header) if h.isdigit()}
    sheet = {(row[0], year): row[col] for row in rows for year, col in year_col.items()}
    assert len(composite) == 31 * 12
    for unit, year, score in composite[["unit", "year", "score"]].itertuples(index=False):
        assert same(sheet[(unit, int(year))], score)


def test_csv_theil_equals_the_theil_sheet(refreshed):
    book, folder = refreshed
    theil = pd.read_csv(folder / "theil.csv", keep_default_na=False)
    _, rows = sheet_table(book, L.SHEET_THEIL)
    raw = next(openpyxl.load_workbook(book, read_only=True)[L.SHEET_THEIL]
               .iter_rows(min_row=4, max_row=4, values_only=True))
    # Region headers: "East / 东部", and "East contribution / 东部贡献率" (or, in an older
    # wording, "East / 东部 contribution / 贡献率", whose English part is just "east").
    column = {}
    for i, text in enumerate(raw):
        key = english(text)
        if text and "contribution" in text and "contribution" not in key:
            key += " contribution"
        column.setdefault(key, i)
    for row in rows:
        year = int(row[0])
        part = theil[theil["year"] == year]
        value = dict(zip(zip(part["component"], part["group"]), part["value"]))
        for component in ("total", "within", "between", "within_share", "between_share"):
            assert same(row[column[component.replace("_", " ")]], value[(component, "")])
        for region in ("East", "Central", "West", "Northeast"):
            assert same(row[column[region.casefold()]], value[("group_index", region)])
            assert same(row[column[f"{region.casefold()} contribution"]],
                        value[("group_contribution", region)])


def test_csv_weights_and_dagum_equal_their_sheets(refreshed):
    book, folder = refreshed
    weights = pd.read_csv(folder / "weights.csv").set_index("code")
    header, rows = sheet_table(book, L.SHEET_WEIGHTS)
    col = next(i for i, h in enumerate(header) if h.startswith("weight w"))
    for row in rows:
        if row[0] in weights.index:
            assert same(row[col], 100 * weights.loc[row[0], "weight"])
    dagum = pd.read_csv(folder / "dagum.csv", keep_default_na=False)
    header, rows = sheet_table(book, L.SHEET_DAGUM)
    total = header.index("gini g")
    for row in rows:
        match = dagum[(dagum["year"] == int(row[0])) & (dagum["component"] == "total")]
        assert same(row[total], match["value"].iloc[0])


def test_csv_bom_option(tmp_path):
    source = example_workbook(tmp_path / "in.xlsx")
    assert cli.main(["refresh", str(source), "--csv", str(tmp_path / "csv"), "--csv-bom"]) == 0
    assert (tmp_path / "csv" / "types.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# ---------------------------------------------------------------------------- check
def test_check_clean_and_broken(tmp_path):
    book = example_workbook(tmp_path / "panel.xlsx")
    clean = run("check", book)
    assert clean.returncode == 0 and "no problems" in clean.stdout
    wb = openpyxl.load_workbook(book)
    wb[L.SHEET_DATA]["E5"] = "unknown"      # X1 of the second province-year ("n/a": missing)
    wb[L.SHEET_DATA]["F9"] = "abc"
    wb.save(book)
    broken = run("check", book)
    assert broken.returncode == 1
    lines = broken.stdout.strip().splitlines()
    assert any("Data!E5" in line for line in lines) and any("Data!F9" in line for line in lines)
    assert all(line.startswith(str(book)) for line in lines)
    before = book.read_bytes()
    refreshed = run("refresh", book)
    assert refreshed.returncode == 1
    assert refreshed.stderr.count("\n") == 1 and "Traceback" not in refreshed.stderr
    assert str(book) in refreshed.stderr and "Data!E5" in refreshed.stderr
    assert book.read_bytes() == before      # nothing written on bad data


# ---------------------------------------------------------------------------- errors
def test_errors_are_one_line(tmp_path):
    missing = run("refresh", tmp_path / "nope.xlsx")
    assert missing.returncode == 1
    assert missing.stderr == f"error: {tmp_path / 'nope.xlsx'} does not exist\n"
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Province,Year\n")
    result = run("check", fake)
    assert result.returncode == 1
    assert result.stderr == f"error: {fake} is not an Excel workbook (.xlsx/.xlsm)\n"


def test_lock_file_refuses_refresh(tmp_path):
    book = example_workbook(tmp_path / "panel.xlsx")
    (tmp_path / "~$panel.xlsx").write_bytes(b"x")
    result = run("refresh", book)
    assert result.returncode == 1
    assert result.stderr == (f"error: {book} is open in Excel (lock file ~$panel.xlsx); "
                             "close it first\n")


def test_foreign_xlwings_conf_rows_are_flagged(tmp_path):
    book = example_workbook(tmp_path / "panel.xlsx")
    assert run("check", book).stderr == ""           # the template's own rows: silent
    wb = openpyxl.load_workbook(book)
    ws = wb[L.SHEET_XLWINGS_CONF]
    ws.insert_rows(1)
    ws["A1"], ws["B1"] = "Interpreter_Win", r"C:\evil\python.exe"
    wb.save(book)
    result = run("check", book)
    assert result.returncode == 0                      # the data are still fine
    assert "xlwings.conf!A1: Interpreter_Win" in result.stderr and "Review it" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "check", tmp_path / "nope.xlsx")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_progress_for_long_work(tmp_path, capsys, monkeypatch):
    book = example_workbook(tmp_path / "panel.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb[L.SHEET_SETTINGS]
    for row in ws.iter_rows(min_row=L.SETTINGS_HEADER_ROW + 1):
        if english(row[0].value) == "permutations":
            row[1].value = 99
    wb.save(book)
    monkeypatch.setattr(cli_workbook, "PROGRESS_DELAY_SECONDS", 0.0)   # as if the work were long
    assert cli.main(["refresh", str(book)]) == 0
    err = capsys.readouterr().err
    assert "... permutation test, 99 permutations" in err
    assert "Traceback" not in err


def test_quick_refresh_prints_no_progress(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_workbook, "PROGRESS_DELAY_SECONDS", 60.0)
    assert cli.main(["refresh", str(example_workbook(tmp_path / "p.xlsx"))]) == 0
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------- excel-setup
@pytest.fixture
def fake_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    return home


def test_excel_setup_on_linux_only_prints(fake_home):
    for args in (["excel-setup"], ["excel-setup", "--dry-run"]):
        result = run(*args, env=dict(os.environ))
        assert result.returncode == 0, result.stderr
        assert "nothing was changed" in result.stdout
        assert " -m xlwings.cli addin install" in result.stdout
    assert list(fake_home.iterdir()) == []


@pytest.mark.parametrize("platform, config, key", [
    ("win32", ".xlwings/xlwings.conf", "INTERPRETER_WIN"),
    ("darwin", "Library/Containers/com.microsoft.Excel/Data/xlwings.conf", "INTERPRETER_MAC"),
])
def test_excel_setup_dry_run_plans_the_right_steps(fake_home, monkeypatch, capsys, platform,
                                                    config, key):
    monkeypatch.setattr(excel_setup, "current_platform", lambda: platform)
    ran = []
    monkeypatch.setattr(excel_setup, "run_command", ran.append)
    assert cli.main(["excel-setup", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Dry run" in out
    assert f"1. install the xlwings add-in of this environment: {sys.executable} -m xlwings.cli " \
           "addin install" in out
    assert f'2. set "{key}","{sys.executable}" in {fake_home / config}' in out
    assert ("3. copy the template workbook to "
            f"{fake_home / 'Documents' / 'workbook_template.xlsm'}") in out
    assert ran == [] and list(fake_home.iterdir()) == []


def test_excel_setup_runs_the_steps(fake_home, monkeypatch, capsys):
    monkeypatch.setattr(excel_setup, "current_platform", lambda: "win32")
    ran = []
    monkeypatch.setattr(excel_setup, "run_command", ran.append)
    config = fake_home / ".xlwings" / "xlwings.conf"
    config.parent.mkdir()
    config.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n\n"LICENSE_KEY","k"\n')
    assert cli.main(["excel-setup"]) == 0
    assert ran == [[sys.executable, "-m", "xlwings.cli", "addin", "install"]]
    assert config.read_text() == f'"LICENSE_KEY","k"\n"INTERPRETER_WIN","{sys.executable}"\n'
    template = fake_home / "Documents" / "workbook_template.xlsm"
    # From a clone, the committed template is copied (the builder is not needed).
    committed = (Path(excel_setup.__file__).resolve().parents[1]
                 / "workbook_template.xlsm").read_bytes()
    assert template.read_bytes() == committed
    template.write_bytes(b"user data")          # an existing file is kept ...
    assert cli.main(["excel-setup"]) == 0
    assert template.read_bytes() == b"user data"
    assert "kept the existing" in capsys.readouterr().out
    assert cli.main(["excel-setup", "--force"]) == 0   # ... unless --force
    assert template.read_bytes() == committed


def test_xlwings_cli_module_form_works():
    """excel-setup runs `python -m xlwings.cli` because xlwings has no __main__."""
    result = subprocess.run([sys.executable, "-m", "xlwings.cli", "addin", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "install" in result.stdout


def test_csv_folder_is_checked_before_the_workbook_is_written(tmp_path, capsys):
    book = example_workbook(tmp_path / "panel.xlsx")
    before = book.read_bytes()
    taken = tmp_path / "results"
    taken.write_text("a file, not a folder")
    assert cli.main(["refresh", str(book), "--csv", str(taken)]) == cli.EXIT_PROBLEM
    assert "--csv" in capsys.readouterr().err
    assert book.read_bytes() == before                   # nothing was written


def test_csv_text_that_looks_like_a_formula_stays_text(tmp_path):
    """Names starting with = + - @ get a leading apostrophe (the OWASP CSV-injection
    rule); numbers and a lone +/- (the direction column) are left alone."""
    from trade_resilience_xl import Settings, paper_indicators, run_panel
    from trade_resilience_xl.tidy_csv import write_tidy_csv

    panel = load_example_panel()
    first, second = panel["Province"].unique()[:2]
    names = {first: '=HYPERLINK("http://x","y")', second: "@SUM(A1)"}
    panel["Province"] = panel["Province"].replace(names)
    result = run_panel(panel, paper_indicators(), Settings(), columns={
        "unit": "Province", "region": "Region", "year": "Year", "population": "Population"})
    write_tidy_csv(result, tmp_path)
    scores = pd.read_csv(tmp_path / "scores.csv", keep_default_na=False)
    assert set(scores["unit"]) >= {"'" + name for name in names.values()}
    assert not scores["unit"].str.startswith(("=", "+", "-", "@")).any()
    weights = pd.read_csv(tmp_path / "weights.csv")
    assert set(weights["direction"]) == {"+", "-"}
    composite = scores[scores["index"] == "composite"]
    assert list(composite["score"]) == list(result.scores.query("index == 'composite'")["score"])


# issue 14: coupling, obstacle, density
def test_csv_coupling_and_obstacles_equal_their_sheets(refreshed):
    book, folder = refreshed
    coupling = pd.read_csv(folder / "coupling.csv")
    header, rows = sheet_table(book, L.SHEET_COUPLING)
    mean_d = header.index("mean d")
    by_year = coupling.groupby("year")["coordination"].mean()
    assert [int(r[0]) for r in rows] == list(by_year.index)
    assert [r[mean_d] for r in rows] == pytest.approx(list(by_year), rel=1e-15)
    top = pd.read_csv(folder / "obstacle_top.csv")
    _, rows = sheet_table(book, L.SHEET_OBSTACLE)
    last = top[top.basis == top.basis.iloc[0]]
    for row in rows:
        mine = last[last.unit == row[0]].sort_values("rank")
        assert [row[2], row[4], row[6]] == list(mine.factor)
        assert all(same(c, v) for c, v in zip([row[3], row[5], row[7]], mine.obstacle))
