"""The xlwings Lite workbook as a file: its parts against the format read from Excel-saved
files (/work/shared/notes/excel-integration.md, "xlwings Lite"), copied here by hand so
that the code's constants are checked against an independent text; the program stored in
them; determinism; and that openpyxl and LibreOffice open the result.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import tomllib
from defusedxml import ElementTree as SafeET

from trade_resilience_xl import cli
from trade_resilience_xl.lite import program
from trade_resilience_xl.lite.convert import make_lite
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.template.builder import build_workbook
from trade_resilience_xl.workbook.template.info_sheets import NO_MACROS_NOTE

from lo_helpers import LibreOffice, require_soffice
from refresh_helpers import build_demo

ROOT = Path(__file__).resolve().parents[1]
WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
# The format as the notes give it (plus the custom-functions extension's uri, from public
# Excel-saved xlwings Lite files). "*" marks values that differ from file to file.
NOTES_TASKPANES = (
    f'<wetp:taskpanes xmlns:wetp="{WETP}"><wetp:taskpane dockstate="right" visibility="*" '
    f'width="438" row="3"><wetp:webextensionref xmlns:r="{R}" r:id="rId1"/></wetp:taskpane>'
    "</wetp:taskpanes>")
NOTES_WEBEXTENSION = (
    f'<we:webextension xmlns:we="{WE}" id="*">'
    '<we:reference id="wa200008175" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
    '<we:alternateReferences><we:reference id="wa200008175" version="1.0.0.0" '
    'store="WA200008175" storeType="OMEX"/></we:alternateReferences>'
    '<we:properties><we:property name="main.py" value="*"/>'
    '<we:property name="requirements.txt" value="*"/>'
    '<we:property name="pyodideVersion" value="*"/><we:property name="addinVersion" value="*"/>'
    f'</we:properties><we:bindings/><we:snapshot xmlns:r="{R}"/>'
    f'<we:extLst><a:ext xmlns:a="{A}" uri="{{D87F86FE-615C-45B5-9D79-34F1136793EB}}">'
    "<we:containsCustomFunctions/></a:ext></we:extLst></we:webextension>")


def shape(element, template=None):
    """(tag, attributes, children) with the template's "*" values masked."""
    masked = {k: "*" if template is not None and template.get(k) == "*" else v
              for k, v in element.attrib.items()}
    children = list(template) if template is not None else [None] * len(element)
    return (element.tag, masked,
            [shape(child, t) for child, t in zip(element, children)]
            + ([("extra", len(element) - len(children))] if len(element) != len(children) else []))


@pytest.fixture(scope="module")
def lite_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("lite") / "book.xlsx"
    assert cli.main(["lite", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def parts(lite_book):
    return ooxml.read_parts(lite_book)


def test_parts_match_the_format_excel_writes(parts):
    for part, notes in ((ooxml.WEBEXTENSION_TASKPANES_PART, NOTES_TASKPANES),
                        (ooxml.WEBEXTENSION_PART, NOTES_WEBEXTENSION)):
        expected = SafeET.fromstring(notes)
        got = SafeET.fromstring(parts[part])
        assert shape(got, expected) == shape(expected, expected), part
    rels = SafeET.fromstring(parts["xl/webextensions/_rels/taskpanes.xml.rels"])
    assert [(r.get("Id"), r.get("Type"), r.get("Target")) for r in rels] == [
        ("rId1", "http://schemas.microsoft.com/office/2011/relationships/webextension",
         "webextension1.xml")]


def test_root_relationship_and_content_types(parts):
    root = SafeET.fromstring(parts["_rels/.rels"])
    targets = {r.get("Target") for r in root.iter(f"{{{PKG_RELS}}}Relationship")
               if r.get("Type") == "http://schemas.microsoft.com/office/2011/relationships/"
                                  "webextensiontaskpanes"}
    assert targets == {"xl/webextensions/taskpanes.xml"}
    types = SafeET.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType")
                 for o in types.iter(f"{{{TYPES}}}Override")}
    assert overrides["/xl/webextensions/taskpanes.xml"] == \
        "application/vnd.ms-office.webextensiontaskpanes+xml"
    assert overrides["/xl/webextensions/webextension1.xml"] == \
        "application/vnd.ms-office.webextension+xml"
    assert overrides["/xl/workbook.xml"].endswith("sheet.main+xml")     # no macros
    assert not any(name.endswith("vbaProject.bin") for name in parts)


def _properties(parts) -> dict[str, str]:
    root = SafeET.fromstring(parts[ooxml.WEBEXTENSION_PART])
    return {p.get("name"): p.get("value") for p in root.iter(f"{{{WE}}}property")}


def test_properties_decode_to_the_exact_program(parts):
    values = {name: json.loads(value) for name, value in _properties(parts).items()}
    assert values["main.py"] == program.main_py()
    assert values["requirements.txt"] == program.requirements_txt()
    assert re.fullmatch(r"\d+\.\d+\.\d+", values["pyodideVersion"])
    assert values["addinVersion"]
    raw = parts[ooxml.WEBEXTENSION_PART].decode("utf-8")
    # as in Excel-saved files: quotes as &quot;, newlines as \n, "/" as \/ (no raw newline)
    stored = re.search(r'name="main.py" value="([^"]*)"', raw).group(1)
    assert stored.startswith("&quot;") and "\\n" in stored and "\\/" in stored
    assert "\n" not in stored and "/" not in stored.replace("\\/", "")


def test_requirements_pin_the_tested_xlwings_from_pyproject():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(d for d in dependencies if d.startswith("xlwings"))
    lines = program.requirements_txt().splitlines()
    assert re.fullmatch(r"xlwings==\d+\.\d+\.\d+", pin) and pin in lines
    names = {re.split(r"[<>=!~ ;]", line)[0].lower() for line in lines}
    declared = {re.split(r"[<>=!~ ;]", d)[0].lower() for d in dependencies}
    # what the Lite program imports (tests/test_lite_imports.py): not defusedxml
    assert names == declared - {"defusedxml"}


def test_main_py_carries_the_reachable_modules_deterministically():
    text = program.main_py()
    assert text == program.main_py()
    encoded = "".join(re.findall(r'^    "([A-Za-z0-9+/=]+)"$', text, re.M))
    archive = base64.b64decode(encoded)
    assert hashlib.sha256(archive).hexdigest()[:16] in text
    with zipfile.ZipFile(io.BytesIO(archive)) as package:
        names = package.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        source = ROOT / "trade_resilience_xl"
        expected = sorted(["trade_resilience_xl/" + p.relative_to(source).as_posix()
                           for p in program.lite_modules().values()]
                          # issue 14: convergence, spatial (the built-in contiguity list)
                          + ["trade_resilience_xl/" + name for name in program.RUNTIME_DATA])
        assert names == expected
        assert all(package.read(n) == (ROOT / n).read_bytes() for n in names)


def test_a_rebuild_gives_the_same_bytes(lite_book, tmp_path):
    again = tmp_path / "again.xlsx"
    assert cli.main(["lite", str(again)]) == 0
    assert again.read_bytes() == lite_book.read_bytes()


def test_every_other_part_is_the_plain_workbook_unchanged(parts, tmp_path):
    plain = ooxml.read_parts(build_workbook(tmp_path / "plain.xlsx", macro_enabled=False))
    lite_only = {ooxml.WEBEXTENSION_TASKPANES_PART, ooxml.WEBEXTENSION_PART,
                 "xl/webextensions/_rels/taskpanes.xml.rels"}
    assert set(parts) == set(plain) | lite_only
    changed = {name for name in plain if parts[name] != plain[name]}
    assert changed == {"[Content_Types].xml", "_rels/.rels"}


def test_cli_refuses_a_macro_name_and_an_existing_file(lite_book, tmp_path, capsys):
    assert cli.main(["lite", str(tmp_path / "x.xlsm")]) == cli.EXIT_PROBLEM
    assert cli.main(["lite", str(lite_book)]) == cli.EXIT_PROBLEM
    err = capsys.readouterr().err
    assert ".xlsx" in err and "--force" in err


@pytest.fixture(scope="module")
def demo_lite(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    assert cli.main(["demo", "--lite", "--out", str(path)]) == 0
    return path


def test_demo_lite_is_refreshed_and_carries_the_program(demo_lite):
    parts = ooxml.read_parts(demo_lite)
    assert json.loads(_properties(parts)["main.py"]) == program.main_py()
    book = openpyxl.load_workbook(demo_lite)
    assert book.sheetnames == list(L.SHEET_ORDER)
    weights = [r for r in book[L.SHEET_WEIGHTS].iter_rows(values_only=True) if any(r)]
    assert len(weights) > 10
    # the functions run there, so the Formulas examples are formulas, not text
    formulas = [c.value for row in book[L.SHEET_FORMULAS].iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas and all(NO_MACROS_NOTE not in str(c.value)
                            for row in book[L.SHEET_FORMULAS].iter_rows() for c in row)


def test_libreoffice_opens_the_lite_workbook(demo_lite, tmp_path):
    """LibreOffice reads the refreshed Weights table of the Lite workbook as openpyxl does."""
    require_soffice()
    ws = openpyxl.load_workbook(demo_lite, data_only=True)[L.SHEET_WEIGHTS]
    with LibreOffice(tmp_path) as office:
        cells = office.calculated_cells(demo_lite, L.SHEET_WEIGHTS, "A1:F24")
    numbers = 0
    for cell in cells:
        expected = ws[cell["address"]].value
        if isinstance(expected, str):
            assert cell["string"] == expected, cell
        elif isinstance(expected, (int, float)):
            assert cell["value"] == pytest.approx(expected, rel=1e-12), cell
            numbers += 1
        else:
            assert cell["string"] == "", cell
    assert numbers >= 13


def test_a_file_refresh_keeps_the_lite_program(tmp_path):
    """`trade-resilience refresh` rewrites result sheets only: the program's parts, the root
    relationship and the content types stay, so a Lite workbook can be refreshed from a
    terminal too."""
    book = build_demo(tmp_path / "demo.xlsx")
    make_lite(book)
    before = ooxml.read_parts(book)
    refreshed = tmp_path / "refreshed.xlsx"
    assert cli.main(["refresh", str(book), "--out", str(refreshed)]) == 0
    after = ooxml.read_parts(refreshed)
    for name in (ooxml.WEBEXTENSION_TASKPANES_PART, ooxml.WEBEXTENSION_TASKPANES_RELS_PART,
                 ooxml.WEBEXTENSION_PART, "_rels/.rels"):
        assert after[name] == before[name], name
    overrides = SafeET.fromstring(after["[Content_Types].xml"])
    assert {"/xl/webextensions/taskpanes.xml", "/xl/webextensions/webextension1.xml"} <= {
        o.get("PartName") for o in overrides.iter(f"{{{TYPES}}}Override")}
    weights = openpyxl.load_workbook(refreshed)[L.SHEET_WEIGHTS]
    assert sum(isinstance(c.value, float) for row in weights.iter_rows() for c in row) >= 13
