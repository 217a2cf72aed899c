"""The generated xlwings Lite ``main.py`` run as xlwings Lite runs it, through xlwings' own
Office.js code paths in CPython (tests/lite_driver.py): the package comes from the zip in
main.py, every @func registers and answers like the classic function, every @script gives
on a remote ``xw.Book`` what the file commands give, and nothing starts a thread or a
process or touches a file through openpyxl (Pyodide has none of these).
"""
from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlwings as xw
from test_refresh_xlwings import payload, replay
from test_udfs_server import BLANK, ERROR, FIXED_CASES, OMIT, direct_call

from trade_resilience_xl import udfs
from trade_resilience_xl.lite.program import main_py
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook import refresh
from trade_resilience_xl.workbook.openpyxl_io import opened_file, refresh_file

from refresh_helpers import build_demo, values

DRIVER = Path(__file__).with_name("lite_driver.py")
SCRIPTS = {"refresh_all": "Refresh all", "check_data": "Check data",
           "clear_results": "Clear results"}
BAD_CELL = (9, 5)      # Data!F10


def classic_functions() -> list[str]:
    # Outside server mode xlwings' decorators leave no mark: the worksheet functions are
    # udfs' upper-case callables (test_udfs_server checks that every one registers there).
    return sorted(name for name, value in vars(udfs).items() if name.isupper() and callable(value))


def excel_arg(rows):
    """A range as Office.js sends it: blank "", error cells as error objects, omitted null."""
    if rows == OMIT:
        return None
    return [["" if v == BLANK else {"type": "Error", "basicValue": "#N/A"} if v == ERROR else v
             for v in row] for row in rows]


def run_driver(main: Path, request: dict) -> subprocess.CompletedProcess:
    """tests/lite_driver.py on ``main`` in a fresh, isolated interpreter (no PYTHONPATH: the
    package must come from main.py's zip, written to main.py's folder)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               TMPDIR=str(main.parent))
    return subprocess.run([sys.executable, "-I", str(DRIVER), str(main)], cwd=main.parent,
                          input=json.dumps(request), capture_output=True, text=True, env=env,
                          timeout=600)


def bad_payload(book_payload: dict) -> dict:
    bad = json.loads(json.dumps(book_payload))
    data = next(s for s in bad["sheets"] if s["name"] == L.SHEET_DATA)
    data["values"][BAD_CELL[0]][BAD_CELL[1]] = "about 5"
    return bad


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("lite") / "w.xlsx")


@pytest.fixture(scope="module")
def lite_run(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lite_main")
    main = folder / "main.py"
    main.write_text(main_py(), encoding="utf-8")
    book = payload(built)
    request = {"functions": [[name, [excel_arg(r) for r in ranges]]
                             for name, ranges in FIXED_CASES],
               "scripts": [["refresh_all", book], ["check_data", book],
                           ["check_data", bad_payload(book)], ["clear_results", book],
                           ["refresh_all", bad_payload(book)]]}
    done = run_driver(main, request)
    assert done.returncode == 0, done.stderr[-3000:]
    return book, request, json.loads(done.stdout), folder


def test_the_package_comes_from_the_zip_inside_main_py(lite_run):
    _, _, out, folder = lite_run
    zips = list(folder.glob("trade_resilience_xl-*.zip"))
    assert len(zips) == 1
    assert out["package_file"].startswith(str(zips[0]) + os.sep)


def test_nothing_pyodide_refuses_was_used(lite_run):
    assert lite_run[2]["refusals"] == []


def test_every_classic_function_registers_with_its_help(lite_run):
    meta = {f["name"]: f for f in lite_run[2]["meta"]["functions"]}
    assert sorted(meta) == classic_functions() and len(meta) >= 9
    for name, spec in meta.items():
        function = getattr(udfs, name)
        assert spec["description"] == inspect.getdoc(function)
        parameters = inspect.signature(function).parameters.values()
        assert [p["name"] for p in spec["parameters"]] == [p.name for p in parameters]
        assert [p.get("optional", False) for p in spec["parameters"]] == [
            p.default is not p.empty for p in parameters]
        # every argument carries its help text (xlwings' fallback: "Positional argument N")
        assert all(p["description"] and not p["description"].startswith("Positional argument")
                   for p in spec["parameters"]), name


def test_every_function_answers_like_the_classic_one(lite_run):
    results = lite_run[2]["results"]
    assert len(results) == len(FIXED_CASES)
    for (name, ranges), got in zip(FIXED_CASES, results):
        assert got == direct_call(name, ranges), (name, ranges)
    messages = [r[0][0] for r in results if isinstance(r[0][0], str) and ": " in r[0][0]]
    assert messages and all("\n" not in m for m in messages)


def test_the_three_scripts_are_registered_by_their_names(lite_run):
    scripts = {s["function_name"]: s["name"] for s in lite_run[2]["scripts"]}
    assert scripts == SCRIPTS


def _file_grids(path: Path) -> dict[str, dict]:
    return {sheet: {(r + 1, c + 1): v for r, row in enumerate(values(path, sheet))
                    for c, v in enumerate(row) if v not in (None, "")}
            for sheet in L.RESULT_SHEETS}


def _without_log_time(grid: dict) -> dict:
    stamp = next(k for k, v in grid.items() if v == "Refreshed at / 刷新时间")
    return {k: v for k, v in grid.items() if k != (stamp[0], stamp[1] + 1)}


def test_refresh_all_writes_the_tables_the_file_refresh_writes(lite_run, built, tmp_path):
    book, _, out, _ = lite_run
    grids = replay(book, out["actions"][0])
    on_disk = tmp_path / built.name
    shutil.copy(built, on_disk)
    assert refresh_file(on_disk).ok
    expected = _file_grids(on_disk)
    assert set(grids) == set(expected)
    for sheet in L.RESULT_SHEETS:
        got, want = grids[sheet], expected[sheet]
        if sheet == L.SHEET_LOG:
            got, want = _without_log_time(got), _without_log_time(want)
        assert got.keys() == want.keys(), sheet
        for key, value in want.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert got[key] == pytest.approx(value, rel=1e-12), (sheet, key)
            else:
                assert got[key] == value, (sheet, key)
    assert [a for a in out["actions"][0] if a["func"] == "addChart"]


def _alerts(actions) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def _file_check_message(path: Path) -> str:
    with opened_file(path) as book:
        return refresh.inspect(book).check_message()


def test_check_data_says_what_the_file_check_says(lite_run, built, tmp_path):
    _, _, out, _ = lite_run
    assert _alerts(out["actions"][1]) == [_file_check_message(built)]
    assert {a["func"] for a in out["actions"][1]} == {"alert"}
    broken = tmp_path / "bad.xlsx"
    shutil.copy(built, broken)
    workbook = openpyxl.load_workbook(broken)
    workbook[L.SHEET_DATA].cell(BAD_CELL[0] + 1, BAD_CELL[1] + 1, "about 5")
    workbook.save(broken)
    message = _file_check_message(broken)
    assert "Data!F10" in message
    assert _alerts(out["actions"][2]) == [message]
    # Refresh all on the bad book writes nothing
    assert {a["func"] for a in out["actions"][4]} <= {"alert", "setScreenUpdating"}


def test_clear_results_leaves_what_the_file_clear_leaves(lite_run):
    book, _, out, _ = lite_run
    grids = replay(book, out["actions"][3])
    assert grids == {sheet: {(1, 1): L.RESULT_SHEET_NOTE} for sheet in L.RESULT_SHEETS}


def test_charts_the_object_model_refuses_are_left_out_and_logged(built, monkeypatch):
    """Where the live book cannot add a chart, every table is still written, the refresh
    succeeds and the Log says how many charts were left out."""
    from trade_resilience_xl.workbook import xlwings_io

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in [engine.name for engine in xw.engines]:
        import importlib
        xw.engines.add(xw.main.Engine(impl=importlib.import_module("xlwings.pro._xlremote").engine))

    def no_charts(self, *args, **kwargs):
        raise NotImplementedError("charts are not supported")

    monkeypatch.setattr(type(xw.Book(json=payload(built)).sheets[0].charts), "add", no_charts)
    data = payload(built)
    book = xw.Book(json=data)
    report = xlwings_io.refresh_all(book)
    assert report.ok and report.charts == 0
    grids = replay(data, book.json()["actions"])
    assert set(grids) == set(L.RESULT_SHEETS)
    notes = [v for v in grids[L.SHEET_LOG].values() if str(v).startswith("Charts left out")]
    # 6 + issue 14: coupling, obstacle, density (3), convergence and spatial (3) + issue 25:
    # robustness (1), dynamics (2; their titles differ, as every chart's must for this note)
    assert len(notes) == 1 and "15 of 15" in notes[0] and "charts are not supported" in notes[0]
    assert notes[0] in _alerts(book.json()["actions"])[0]


def test_paper_size_run_stays_well_under_pyodides_memory(lite_run):
    # CPython's peak resident memory of the whole run (interpreter, numpy, pandas, xlwings,
    # the JSON book): a 64-bit upper proxy for Pyodide's 32-bit heap, whose limit is 2 GB.
    assert 0 < lite_run[2]["max_rss_mb"] < 1024


def hundred_thousand_rows(book_payload: dict, rows: int = 100_000) -> dict:
    """The demo's Data copied until it has ``rows`` rows: each copy its own units (name
    suffix, same region) with its values scaled by a seeded random factor."""
    big = json.loads(json.dumps(book_payload))
    data = next(s for s in big["sheets"] if s["name"] == L.SHEET_DATA)
    head = data["values"][:L.DATA_HEADER_ROW]
    panel = [r for r in data["values"][L.DATA_HEADER_ROW:] if r and r[0] not in ("", None)]
    factors = np.random.default_rng(1).uniform(1.0, 1.2, -(-rows // len(panel)))
    ids = len(L.DATA_ID_COLUMNS)
    data["values"] = head + [
        [f"{r[0]} {k}", *r[1:ids]] + [v * f if isinstance(v, (int, float)) else v
                                      for v in r[ids:]]
        for k, f in enumerate(factors) for r in panel]
    return big


def test_refresh_of_100000_data_rows_stays_well_under_pyodides_memory(built, tmp_path):
    main = tmp_path / "main.py"
    main.write_text(main_py(), encoding="utf-8")
    done = run_driver(main, {"functions": [],
                             "scripts": [["refresh_all", hundred_thousand_rows(payload(built))]]})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    (alert,) = _alerts(out["actions"][0])
    # 7 + issue 14: Coupling, Obstacle, Density, Convergence, Spatial + issue 25: Robustness,
    # Dynamics
    assert alert.startswith("Refreshed 14 sheets") and out["refusals"] == []
    # one row per unit (100,000 rows / 12 years): the scores of every unit were written
    assert max(len(a["values"]) for a in out["actions"][0] if a["func"] == "setValues") > 8_000
    assert 0 < out["max_rss_mb"] < 1024


@pytest.mark.parametrize("extra, refusal", [("import subprocess", "lite_main imports subprocess"),
                                            ("import os; os.system('true')", "a shell command")])
def test_the_guard_refuses_what_pyodide_refuses(tmp_path, extra, refusal):
    """The guard itself trips (so a clean run above means something)."""
    main = tmp_path / "main.py"
    main.write_text(main_py() + "\n" + extra + "\n", encoding="utf-8")
    done = run_driver(main, {"functions": [], "scripts": []})
    assert done.returncode != 0 and "(guard)" in done.stderr


def test_main_py_replaces_an_older_copy_of_the_package_and_runs_twice(tmp_path):
    """xlwings Lite runs main.py again after every edit in the same interpreter: a package
    imported before (here: the source tree's) is replaced by the zip's, twice in a row."""
    main = tmp_path / "main.py"
    main.write_text(main_py(), encoding="utf-8")
    script = (
        "import runpy, sys, trade_resilience_xl.udfs\n"
        "before = trade_resilience_xl.udfs.__file__\n"
        "for _ in range(2):\n"
        f"    runpy.run_path({str(main)!r}, run_name='lite_main')\n"
        "    print(before, sys.modules['trade_resilience_xl.udfs'].__file__)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    runs = [line.split() for line in done.stdout.splitlines()]
    (archive,) = tmp_path.glob("trade_resilience_xl-*.zip")
    assert len(runs) == 2 and not runs[0][0].startswith(str(archive))
    assert all(after.startswith(str(archive) + os.sep) for _, after in runs)
