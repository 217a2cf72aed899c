"""Issue 23: a refresh rewrites only the sheets it wrote (its mark, result_marks.py), finds
them as Excel finds sheets (case ignored) and names new parts free of case clashes."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.openpyxl_io import clear_file, refresh_file
from trade_resilience_xl.workbook.package import ooxml, result_marks
from trade_resilience_xl.workbook.package.file_safety import check_archive
from trade_resilience_xl.workbook.template.builder import build_workbook

import lo_helpers


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("good") / "good.xlsx",
                          data=load_example_panel(), macro_enabled=False)


def _copy(good: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.xlsx"
    shutil.copy(good, path)
    return path


def _marked(path: Path) -> set[str]:
    parts = ooxml.read_parts(path)
    names = [s["name"] for s in ooxml.sheets(parts[ooxml.WORKBOOK_PART],
                                             parts[ooxml.WORKBOOK_RELS_PART])]
    return result_marks.marked(parts[ooxml.WORKBOOK_PART], names)


def test_the_builder_marks_every_result_sheet_and_nothing_else(good):
    assert _marked(good) == set(L.RESULT_SHEETS)


def test_result_sheets_are_found_whatever_their_case(good, tmp_path):
    """Excel: `weights` is the Weights sheet. The tool's own sheets renamed in another case
    are rewritten where they are, not given a second `Weights`/`Log`/`Theil`."""
    path = _copy(good, tmp_path)
    book = openpyxl.load_workbook(path)
    for old, new in (("Weights", "weights"), ("Log", "LOG"), ("Theil", "theil")):
        book[old].title = "renaming"         # openpyxl would make "weights1" at once
        book["renaming"].title = new
    book.save(path)
    assert refresh_file(path).ok
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert len({n.casefold() for n in names}) == len(names), names
    assert {"weights", "LOG", "theil"} <= set(names)
    assert not {"Weights", "Log", "Theil"} & set(names)
    weights = openpyxl.load_workbook(path, read_only=True)["weights"]
    assert next(weights.iter_rows(values_only=True))[0].startswith("Indicator weights")
    assert "Weights" in clear_file(path)                  # `clear` finds it the same way
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == names
    assert openpyxl.load_workbook(path)["weights"]["A1"].value == L.RESULT_SHEET_NOTE


def _without_marks(path: Path) -> None:
    parts = ooxml.read_parts(path)
    parts[ooxml.WORKBOOK_PART] = re.sub(
        rb'<definedName name="_TradeResilienceResult"[^>]*>[^<]*</definedName>', b"",
        parts[ooxml.WORKBOOK_PART])
    ooxml.write_parts(path, parts)


def test_sheets_written_before_marks_are_rewritten_once_and_marked(good, tmp_path):
    """The template and workbooks refreshed by earlier versions have no marks: their
    placeholder note / bilingual titles identify them; the first refresh marks them, and
    the next one leaves xl/workbook.xml as it is."""
    path = _copy(good, tmp_path)
    _without_marks(path)
    assert _marked(path) == set()
    assert refresh_file(path).ok                      # placeholders in A1
    assert _marked(path) == set(L.RESULT_SHEETS)
    _without_marks(path)
    assert refresh_file(path).ok                      # bilingual titles in A1
    assert _marked(path) == set(L.RESULT_SHEETS)
    workbook = ooxml.read_parts(path)[ooxml.WORKBOOK_PART]
    assert refresh_file(path).ok
    assert ooxml.read_parts(path)[ooxml.WORKBOOK_PART] == workbook


def test_an_appended_result_sheet_gets_the_mark(good, tmp_path):
    path = _copy(good, tmp_path)
    book = openpyxl.load_workbook(path)
    del book["Density"]
    book.save(path)
    assert "Density" not in _marked(path)
    assert refresh_file(path).ok
    assert _marked(path) == set(L.RESULT_SHEETS)


def test_new_drawing_and_chart_names_are_free_whatever_their_case(good, tmp_path):
    """Zip part names are case-insensitive in OOXML: beside a Drawing1.xml the new drawing
    may not be drawing1.xml."""
    path = _copy(good, tmp_path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/drawings/Drawing1.xml", b"<wsDr/>")
        archive.writestr("xl/charts/CHART1.xml", b"<chartSpace/>")
    assert refresh_file(path).ok
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert len({n.casefold() for n in names}) == len(names)
    assert "xl/drawings/Drawing1.xml" in names and "xl/charts/CHART1.xml" in names
    check_archive(path)                                 # the result passes our own checks


def test_marks_survive_a_libreoffice_save(good, tmp_path):
    """LibreOffice keeps sheet-scoped defined names (without `hidden`): a refreshed file
    saved by LibreOffice is still the tool's, and its next refresh rewrites the sheets."""
    soffice = lo_helpers.require_soffice()
    path = _copy(good, tmp_path)
    assert refresh_file(path).ok
    out = tmp_path / "saved"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    saved = out / path.name
    assert _marked(saved) == set(L.RESULT_SHEETS)
    workbook = ooxml.read_parts(saved)[ooxml.WORKBOOK_PART]
    assert refresh_file(saved).ok
    assert ooxml.read_parts(saved)[ooxml.WORKBOOK_PART] == workbook
