"""`trade-resilience lite BOOK --out LITE.xlsx` and `new --lite`: the user's own workbook as
an xlwings Lite workbook. A workbook made by `new` from a system that is not the paper's
(tests/other_system.py: US states, four indicators) keeps its data, indicator system and
results cell by cell and every part byte for byte, and the main.py it carries computes its
weights as the classic refresh did; the macro template loses exactly its VBA project and
ribbon.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import ElementTree as SafeET
from test_lite_program import run_driver
from test_refresh_xlwings import payload, replay

from trade_resilience_xl import cli
from trade_resilience_xl.excel_setup import committed_template
from trade_resilience_xl.lite import program
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml

import other_system as O

WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
LITE_PARTS = {ooxml.WEBEXTENSION_TASKPANES_PART, ooxml.WEBEXTENSION_TASKPANES_RELS_PART,
              ooxml.WEBEXTENSION_PART}
REWRITTEN = {ooxml.CONTENT_TYPES_PART, ooxml.ROOT_RELS_PART}


def _new(folder: Path, *extra: str) -> Path:
    panel, indicators = O.write_csvs(folder)
    book = folder / "states.xlsx"
    assert cli.main(["new", str(book), "--data", str(panel), "--indicators", str(indicators),
                     *extra]) == 0
    return book


# Made-up neighbour pairs among the test system's states (for Moran's I), not geography.
PAIRS = [("Texas", "Oregon"), ("Ohio", "Iowa"), ("Maine", "Vermont"), ("Georgia", "Alabama"),
         ("Kansas", "Utah"), ("New York", "Nevada"), ("Texas", "Alabama"), ("Ohio", "Kansas")]


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """A workbook made by `new`, given a Neighbours sheet by its user and refreshed, and
    its Lite copy made by `lite --out`."""
    folder = tmp_path_factory.mktemp("states")
    book = _new(folder)
    workbook = openpyxl.load_workbook(book)
    neighbours = workbook.create_sheet(L.SHEET_NEIGHBOURS)
    for row in [("Unit", "Neighbour"), *PAIRS]:
        neighbours.append(list(row))
    workbook.save(book)
    assert cli.main(["refresh", str(book)]) == 0
    before = book.read_bytes()
    lite = folder / "states-lite.xlsx"
    assert cli.main(["lite", str(book), "--out", str(lite)]) == 0
    assert book.read_bytes() == before              # the source is not touched
    return book, lite


def _entries(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """part -> (CRC, compressed size, bytes)."""
    with zipfile.ZipFile(path) as archive:
        return {i.filename: (i.CRC, i.compress_size, archive.read(i)) for i in archive.infolist()}


def _grid(path: Path) -> dict[str, dict[str, object]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                       if c.value is not None} for ws in book.worksheets}


def test_every_part_of_the_source_stays_byte_for_byte(states):
    book, lite = states
    source, converted = _entries(book), _entries(lite)
    assert set(converted) == set(source) | LITE_PARTS
    changed = {name for name in source if converted[name] != source[name]}
    assert changed == REWRITTEN
    # the rewritten parts: the Lite relationship and overrides added, nothing else
    before = ooxml.relationships(source[ooxml.ROOT_RELS_PART][2])
    after = ooxml.relationships(converted[ooxml.ROOT_RELS_PART][2])
    assert after[:len(before)] == before and [r["Target"] for r in after[len(before):]] == [
        ooxml.WEBEXTENSION_TASKPANES_PART]
    for name in source:
        if name not in REWRITTEN:
            assert ooxml.content_type_of(converted[ooxml.CONTENT_TYPES_PART][2], name) == \
                ooxml.content_type_of(source[ooxml.CONTENT_TYPES_PART][2], name), name


def test_data_indicator_system_and_results_stay_cell_by_cell(states):
    book, lite = states
    source, converted = _grid(book), _grid(lite)
    assert list(converted) == list(source)
    for sheet in source:
        assert converted[sheet] == source[sheet], sheet
    # that workbook's own system and panel, not the template's
    assert set(O.CODES) <= set(converted[L.SHEET_INDICATORS].values())
    units = {v for k, v in converted[L.SHEET_DATA].items()
             if k[0] == "A" and int(k[1:]) > L.DATA_HEADER_ROW}
    assert units == set(O.STATES)
    assert [tuple(converted[L.SHEET_NEIGHBOURS][f"{c}{r}"] for c in "AB")
            for r in range(2, len(PAIRS) + 2)] == PAIRS


def _main_py(path: Path) -> str:
    root = SafeET.fromstring(ooxml.read_parts(path)[ooxml.WEBEXTENSION_PART])
    values = {p.get("name"): json.loads(p.get("value")) for p in root.iter(f"{{{WE}}}property")}
    assert values["requirements.txt"] == program.requirements_txt()
    return values["main.py"]


def _numbers(grid: dict) -> dict:
    return {k: v for k, v in grid.items() if isinstance(v, float)}


@pytest.mark.parametrize("sheet", [L.SHEET_WEIGHTS, L.SHEET_SPATIAL])
def test_its_main_py_computes_what_the_classic_refresh_wrote(states, tmp_path, sheet):
    """The main.py stored in the converted workbook, run as xlwings Lite runs it
    (tests/lite_driver.py, xlwings' server mode), refreshes that workbook: its Weights, and
    its Moran's I from the user's Neighbours, equal what the classic file refresh wrote."""
    book, lite = states
    main = tmp_path / "main.py"
    main.write_text(_main_py(lite), encoding="utf-8")
    book_payload = payload(lite)
    done = run_driver(main, {"functions": [], "scripts": [["refresh_all", book_payload]]})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["refusals"] == []
    got = _numbers(replay(book_payload, out["actions"][0])[sheet])
    ws = openpyxl.load_workbook(book, data_only=True)[sheet]
    classic = _numbers({(c.row, c.column): c.value for row in ws.iter_rows() for c in row})
    assert len(classic) >= 2 * len(O.CODES) and got.keys() == classic.keys()
    for key, value in classic.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key


def test_the_macro_template_loses_its_vba_project_and_ribbon_only(tmp_path, capsys):
    template = committed_template()
    lite = tmp_path / "template-lite.xlsx"
    assert cli.main(["lite", str(template), "--out", str(lite)]) == 0
    said = capsys.readouterr().out
    assert "Left out the VBA project (xl/vbaProject.bin)" in said
    assert "Left out the ribbon (customUI/customUI.xml)" in said
    source, converted = _entries(template), _entries(lite)
    gone = {ooxml.VBA_PROJECT_PART, ooxml.CUSTOM_UI_PART}
    assert set(converted) == (set(source) - gone) | LITE_PARTS
    changed = {name for name in set(source) - gone if converted[name] != source[name]}
    assert changed == REWRITTEN | {ooxml.WORKBOOK_RELS_PART}
    types = converted[ooxml.CONTENT_TYPES_PART][2]
    assert ooxml.content_type_of(types, ooxml.WORKBOOK_PART) == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert b"vbaProject" not in types and b"macroEnabled" not in types
    assert ooxml.VBA_PROJECT_REL not in {
        r["Type"] for r in ooxml.relationships(converted[ooxml.WORKBOOK_RELS_PART][2])}
    assert ooxml.CUSTOM_UI_REL not in {
        r["Type"] for r in ooxml.relationships(converted[ooxml.ROOT_RELS_PART][2])}
    assert openpyxl.load_workbook(lite).sheetnames == openpyxl.load_workbook(
        template).sheetnames


def test_converting_a_lite_workbook_again_replaces_its_program(states, tmp_path):
    _, lite = states
    again = tmp_path / "again.xlsx"
    assert cli.main(["lite", str(lite), "--out", str(again)]) == 0
    assert again.read_bytes() == lite.read_bytes()


def test_the_source_is_never_overwritten(states, tmp_path, capsys):
    book, _ = states
    before = book.read_bytes()
    for out in (book, book.parent / "." / book.name):
        assert cli.main(["lite", str(book), "--out", str(out), "--force"]) == cli.EXIT_PROBLEM
        assert "is the source workbook" in capsys.readouterr().err
    assert book.read_bytes() == before
    # and `lite BOOK` on an existing workbook points at --out instead of replacing it
    assert cli.main(["lite", str(book)]) == cli.EXIT_PROBLEM
    assert "--out" in capsys.readouterr().err and book.read_bytes() == before


def test_a_workbook_of_another_tool_is_refused(tmp_path, capsys):
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert cli.main(["lite", str(other), "--out", str(tmp_path / "l.xlsx")]) == cli.EXIT_PROBLEM
    err = capsys.readouterr().err
    assert "no Indicators, Data, Settings sheet" in err and not (tmp_path / "l.xlsx").exists()


def test_new_lite_writes_a_lite_workbook_with_live_formulas(tmp_path, states):
    book = _new(tmp_path, "--lite")
    assert _main_py(book) == program.main_py()
    assert _grid(book)[L.SHEET_DATA] == _grid(states[0])[L.SHEET_DATA]
    formulas = openpyxl.load_workbook(book)[L.SHEET_FORMULAS]
    assert any(c.data_type == "f" for row in formulas.iter_rows() for c in row)
    assert cli.main(["new", str(tmp_path / "x.xlsm"), "--lite", "--data", "d.csv",
                     "--indicators", "i.csv"]) == cli.EXIT_PROBLEM
