"""The refresh through the xlwings adapter, on a REAL ``xw.Book`` from xlwings' remote engine.

``xw.Book(json=payload)`` reads sheet values from a payload (the shape Office Scripts /
Office.js clients send: one dict per sheet with its values from A1) and records every
write as an action (``book.json()``). It is an xlwings PRO feature; the noncommercial
licence key is set here only, for these tests (the product never needs it).
"""
from __future__ import annotations

import importlib
import shutil

import openpyxl
import pytest
import xlwings as xw
from openpyxl.utils import get_column_letter

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook import xlwings_io
from trade_resilience_xl.workbook.openpyxl_io import refresh_file

from refresh_helpers import build_demo, values


@pytest.fixture(scope="module", autouse=True)
def remote_engine():
    mp = pytest.MonkeyPatch()
    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in [engine.name for engine in xw.engines]:
        # xlwings registers the remote engine at import only if the key was set then.
        remote = importlib.import_module("xlwings.pro._xlremote")
        xw.engines.add(xw.main.Engine(impl=remote.engine))
    yield
    mp.undo()


def payload(path) -> dict:
    """The workbook's values as a remote client sends them ("" for empty cells)."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheets = [{"name": ws.title,
               "values": [["" if v is None else v for v in row]
                          for row in ws.iter_rows(values_only=True)] or [[]],
               "pictures": [], "shapes": [], "charts": [], "tables": [], "notes": []}
              for ws in book.worksheets]
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def replay(book_payload: dict, actions: list[dict]) -> dict[str, dict]:
    """Sheet name -> {(row, col): value} after applying the recorded value actions."""
    names = [s["name"] for s in book_payload["sheets"]]
    grids: dict[str, dict] = {}
    for action in actions:
        if action["sheet_position"] is None:
            continue
        name = names[action["sheet_position"]]
        if action["func"] in ("sheetClear", "sheetClearContents"):
            grids[name] = {}
        elif action["func"] == "setValues":
            grid = grids.setdefault(name, {})
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    grid[(action["start_row"] + i + 1, action["start_column"] + j + 1)] = value
    return {name: {k: v for k, v in grid.items() if v not in (None, "")}
            for name, grid in grids.items()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("xw") / "w.xlsm")


def test_remote_refresh_writes_what_the_openpyxl_path_writes(built, tmp_path):
    data = payload(built)
    book = xw.Book(json=data)
    report = xlwings_io.refresh_all(book)
    assert report.ok, report.message()
    grids = replay(data, book.json()["actions"])
    assert set(grids) == set(L.RESULT_SHEETS)

    on_disk = tmp_path / "w.xlsm"
    shutil.copy(built, on_disk)
    assert refresh_file(on_disk).ok
    for sheet in L.RESULT_SHEETS:
        expected = {(r + 1, c + 1): v for r, row in enumerate(values(on_disk, sheet))
                    for c, v in enumerate(row) if v not in (None, "")}
        got = grids[sheet]
        if sheet == L.SHEET_LOG:     # the refresh time differs, nothing else
            stamp = next(k for k, v in expected.items() if v == "Refreshed at / 刷新时间")
            key = (stamp[0], stamp[1] + 1)
            expected.pop(key), got.pop(key)
        assert got.keys() == expected.keys(), sheet
        for key, value in expected.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert got[key] == pytest.approx(value, rel=1e-12), (sheet, key)
            else:
                assert got[key] == value, (sheet, key)


def test_remote_refresh_adds_the_charts(built):
    data = payload(built)
    book = xw.Book(json=data)
    assert xlwings_io.refresh_all(book).ok
    charts = [a for a in book.json()["actions"] if a["func"] == "addChart"]
    kinds = sorted(a["args"][1] for a in charts)
    assert kinds == sorted(["ColumnClustered", "LineMarkers", "XYScatter", "ColumnStacked",
                            "LineMarkers", "ColumnStacked",
                            # issue 14: coupling (line), obstacle (stacked), density (line)
                            "LineMarkers", "ColumnStacked", "LineMarkers",
                            # issue 14: convergence (CV line), spatial (Moran line, scatter)
                            "LineMarkers", "LineMarkers", "XYScatter",
                            # issue 25: robustness (weights by method), dynamics (2 shares)
                            "ColumnClustered", "ColumnClustered", "ColumnClustered"])
    x_values = [a for a in book.json()["actions"] if a["func"] == "setChartXAxisValues"]
    assert len(x_values) == len(charts)


def test_remote_refresh_shades_the_transition_matrices_as_the_file_refresh(built, tmp_path):
    """xlwings' colour-scale call (what Excel and xlwings Lite carry out) on the cells the
    file refresh gives a colour scale, with the same fixed ends and colours."""
    data = payload(built)
    book = xw.Book(json=data)
    assert xlwings_io.refresh_all(book).ok
    names = [s["name"] for s in data["sheets"]]
    added = [a for a in book.json()["actions"] if a["func"] == "addConditionalFormat"]
    assert {names[a["sheet_position"]] for a in added} == {"Dynamics"}
    cells = sorted(f"{get_column_letter(a['start_column'] + 1)}{a['start_row'] + 1}:"
                   f"{get_column_letter(a['start_column'] + a['column_count'])}"
                   f"{a['start_row'] + a['row_count']}" for a in added)
    path = tmp_path / "file.xlsm"
    shutil.copy(built, path)
    assert refresh_file(path).ok
    sheet = openpyxl.load_workbook(path)["Dynamics"]
    assert cells == sorted(str(cf.sqref) for cf in sheet.conditional_formatting)
    for action in added:
        (rule,) = action["args"]
        assert rule["colors"] == ["#ffffff", "#5a8ac6"] and rule["thresholds"] == [0, 1]


def test_remote_engine_limits_are_guarded_not_fatal(built):
    """The remote engine has no status bar and no synchronous chart series: both are
    skipped (reported), everything else applies."""
    book = xw.Book(json=payload(built))
    report = xlwings_io.refresh_all(book)
    assert report.ok
    assert any(s.startswith("status bar") for s in report.skipped)
    assert any(s.startswith("series") for s in report.skipped)


def test_bad_data_writes_nothing_and_alerts_with_the_cell(built):
    data = payload(built)
    data_sheet = next(s for s in data["sheets"] if s["name"] == "Data")
    data_sheet["values"][9][5] = "about 5"      # Data!F10 ("n/a" would be missing)
    book = xw.Book(json=data)
    report = xlwings_io.refresh_all(book)
    assert not report.ok
    funcs = {a["func"] for a in book.json()["actions"]}
    assert funcs <= {"alert", "setScreenUpdating"}
    alert = next(a for a in book.json()["actions"] if a["func"] == "alert")
    assert "Data!F10" in alert["args"][0] and alert["args"][3] == "critical"


def test_check_data_and_clear_results(built):
    book = xw.Book(json=payload(built))
    assert xlwings_io.check_data(book) == []
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    book = xw.Book(json=payload(built))
    assert xlwings_io.clear_results(book) == list(L.RESULT_SHEETS)
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    assert len(writes) == len(L.RESULT_SHEETS)
    assert all(a["values"] == [[L.RESULT_SHEET_NOTE]] for a in writes)


def _users_own_log(built, marked: bool) -> dict:
    """The demo's payload with a Log sheet of the user's own (A1 is their text), with or
    without this tool's mark (a hidden sheet-scoped name on its A1)."""
    data = payload(built)
    index = next(i for i, s in enumerate(data["sheets"]) if s["name"] == L.SHEET_LOG)
    data["sheets"][index]["values"] = [["My notes on the 2021 figures"]]
    if marked:
        data["names"] = [{"name": L.MARK_NAME, "book_scope": False, "scope_sheet_index": index,
                          "scope_sheet_name": L.SHEET_LOG, "sheet_index": index,
                          "address": "A1", "refers_to": "='Log'!$A$1"}]
    return data


def test_a_log_sheet_of_the_users_own_is_refused_by_every_button(built):
    """As the command line: the ribbon neither refreshes nor clears over a sheet that only
    has a result sheet's name; Check data names it."""
    for button in (xlwings_io.refresh_all, xlwings_io.clear_results, xlwings_io.check_data):
        book = xw.Book(json=_users_own_log(built, marked=False))
        button(book)
        actions = book.json()["actions"]
        assert [a["func"] for a in actions] == ["alert"], button
        assert 'sheet "Log" was not written by trade-resilience; rename or delete it' \
            in actions[0]["args"][0]
    report = xlwings_io.refresh_all(xw.Book(json=_users_own_log(built, marked=False)))
    assert not report.ok and report.problems[0].sheet == L.SHEET_LOG


def test_marked_result_sheets_are_rewritten_and_the_others_get_the_mark(built):
    data = _users_own_log(built, marked=True)
    book = xw.Book(json=data)
    assert xlwings_io.refresh_all(book).ok
    names = [s["name"] for s in data["sheets"]]
    added = [(names[a["sheet_position"]], a["args"]) for a in book.json()["actions"]
             if a["func"] == "namesAdd"]
    expected = [name for name in L.RESULT_SHEETS if name != L.SHEET_LOG]
    assert added == [(name, [L.MARK_NAME, f"='{name}'!$A$1"]) for name in expected]


def test_check_data_shows_the_notes_the_command_line_check_gives(built):
    """Ribbon "Check data" and `trade-resilience check` report the same notes."""
    from trade_resilience_xl.workbook.openpyxl_io import opened_file
    from trade_resilience_xl.workbook.refresh import inspect

    wb = openpyxl.load_workbook(built)
    wb["Data"]["F10"] = "n/a"               # read as missing, then interpolated
    wb.save(built.with_name("gap.xlsx"))
    gap = built.with_name("gap.xlsx")
    with opened_file(gap) as file_book:
        notes = inspect(file_book).warnings
    assert any("Data!F10" in note for note in notes)
    book = xw.Book(json=payload(gap))
    assert xlwings_io.check_data(book) == []
    alert = next(a for a in book.json()["actions"] if a["func"] == "alert")
    assert alert["args"][0].splitlines()[1:] == [f"- note: {note}" for note in notes]


def test_an_unexpected_error_is_one_line_in_a_message_box(built, monkeypatch):
    def broken(io, progress=None):
        raise ZeroDivisionError("float division by zero\n  deep in a bug")

    monkeypatch.setattr(xlwings_io._refresh, "refresh", broken)
    book = xw.Book(json=payload(built))
    report = xlwings_io.refresh_all(book)
    assert not report.ok
    alert = next(a for a in book.json()["actions"] if a["func"] == "alert")
    assert alert["args"][0].startswith(
        "Refresh stopped by an unexpected error: float division by zero deep in a bug\n")
    assert "Traceback" not in alert["args"][0] and alert["args"][3] == "critical"


class _Api:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class _Range:
    """Just the COM object model merged_ranges uses: MergeCells (True, False, or None for a
    mix) and MergeArea.Address, for ranges built from a set of merged areas."""

    def __init__(self, cells, merges):
        self.cells, self.merges = cells, merges      # [(row, col)], {(row, col): "$A$4:$A$15"}
        flags = {(row, col) in merges for row, col in cells}
        merge_cells = flags.pop() if len(flags) == 1 else None
        area = merges.get(cells[0]) if len(cells) == 1 else None
        self.api = _Api(MergeCells=merge_cells, MergeArea=_Api(Address=area))

    @property
    def columns(self):
        cols = sorted({col for _, col in self.cells})
        return [_Range([c for c in self.cells if c[1] == col], self.merges) for col in cols]

    def __iter__(self):
        return iter(_Range([cell], self.merges) for cell in self.cells)


class _Book:
    def __init__(self, merges, rows=20, cols=6):
        cells = [(r, c) for r in range(1, rows + 1) for c in range(1, cols + 1)]
        sheet = _Api(used_range=_Range(cells, merges))
        self.sheets = {"Data": sheet}


def test_merged_ranges_through_the_object_model():
    area = {(r, 1): "$A$4:$A$15" for r in range(4, 16)}
    header = {(3, c): "$E$3:$F$3" for c in (5, 6)}
    io = xlwings_io.XlwingsBook(_Book({**area, **header}))
    assert io.merged_ranges("Data") == ["A4:A15", "E3:F3"]
    assert xlwings_io.XlwingsBook(_Book({})).merged_ranges("Data") == []


def test_merged_ranges_on_the_remote_engine_are_unknown_not_fatal(built):
    book = xw.Book(json=payload(built))
    assert xlwings_io.XlwingsBook(book).merged_ranges("Data") == []
