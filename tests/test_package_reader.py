"""The fast cell reader against openpyxl (an independent reader of the same XML), and its
regex fast path against its own general expat path, on the forms cells take in files."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from trade_resilience_xl.workbook.package import ooxml, sheet_scan
from trade_resilience_xl.workbook.package.package_reader import PackageReader

CELLS = (
    '<row r="1">'
    '<c r="A1" t="s" s="0"><v>0</v></c>'                       # t before s
    '<c r="B1">\n  <v>1.5</v>\n</c>'                            # pretty-printed
    '<c r="C1" t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r>'
    '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c>'         # rich text + phonetic run
    '<c r="D1" t="b"><v>1</v></c>'
    '<c r="E1" t="e"><v>#DIV/0!</v></c>'
    '<c r="F1" t="str"><f>"a"&amp;"b"</f><v>a&amp;b</v></c>'   # formula with text result
    '<c r="G1"><f>1+1</f><v>2</v></c>'                          # formula with cached value
    '<c r="H1" s="{date}"><v>45000</v></c>'                     # a date-formatted number
    '<c r="I1" s="{date}"/>'                                    # styled, empty
    "</row>"
    '<row r="2">'
    '<c r="C2" t="inlineStr"><is><t xml:space="preserve"> sp &lt;x&gt; </t></is></c>'
    '<c r="D2" s="0" t="n"><v>-7</v></c>'
    '<c r="E2" t="s"><v>1</v></c>'
    '<c r="F2" s="0" t="n"><v>1E-3</v></c>'
    "</row>"
    '<row r="4"><c r="B4" t="inlineStr"><is><t>&#x4E2D;&#25991;</t></is></c></row>'
    '<row r="5"><c r="A5" s="0"/><c r="B5" s="0"/></row>'       # formatting only
)
SHARED_STRINGS = ('<sst xmlns="{ns}" count="2" uniqueCount="2"><si><t>first</t></si>'
                  '<si><r><t>second </t></r><r><t>run</t></r></si></sst>')


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """An openpyxl-made workbook whose sheet1 and shared strings are replaced by ours."""
    path = tmp_path_factory.mktemp("reader") / "cells.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = dt.datetime(2023, 3, 15)       # gives styles.xml a date format
    book.active["B1"] = "x"
    book.save(path)
    parts = ooxml.read_parts(path)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    date_style = re.search(r'<c r="A1" s="(\d+)"', sheet).group(1)
    cells = CELLS.replace("{date}", date_style)
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{ooxml.MAIN_NS}"><sheetData>{cells}</sheetData>'
        '<mergeCells count="1"><mergeCell ref="A4:A5"/></mergeCells></worksheet>').encode()
    parts["xl/sharedStrings.xml"] = SHARED_STRINGS.replace("{ns}", ooxml.MAIN_NS).encode()
    if "sharedStrings" not in parts[ooxml.WORKBOOK_RELS_PART].decode():
        parts[ooxml.WORKBOOK_RELS_PART], _ = ooxml.add_relationship(
            parts[ooxml.WORKBOOK_RELS_PART], f"{ooxml.DOC_RELS_NS}/sharedStrings",
            "sharedStrings.xml")
        parts[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
            parts[ooxml.CONTENT_TYPES_PART], "xl/sharedStrings.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    ooxml.write_parts(path, parts)
    return path


def _ours(path, fast: bool, monkeypatch):
    if not fast:
        monkeypatch.setattr(sheet_scan, "plain_namespace", lambda head: False)
    reader = PackageReader(path)
    try:
        name = reader.sheet_names()[0]
        return reader.values(name), reader.merged_ranges(name)
    finally:
        reader.close()


def test_values_equal_openpyxl_data_only(workbook, monkeypatch):
    rows, merges = _ours(workbook, True, monkeypatch)
    ws = openpyxl.load_workbook(workbook, data_only=True).active
    theirs = {c.coordinate: c.value for row in ws.iter_rows() for c in row
              if c.value is not None}
    ours = {f"{openpyxl.utils.get_column_letter(j + 1)}{i + 1}": v
            for i, row in enumerate(rows) for j, v in enumerate(row) if v is not None}
    # openpyxl adds the phonetic guide's text to the cell's; we leave the guide out (a
    # reading aid for East Asian text, not part of the value Excel shows).
    assert theirs.pop("C1") in ("rich", "richPHONETIC")
    assert ours.pop("C1") == "rich"
    assert ours == theirs
    assert ours["H1"] == dt.datetime(2023, 3, 15) and ours["D2"] == -7
    assert isinstance(ours["D2"], int) and ours["F2"] == 0.001
    assert merges == ["A4:A5"]
    assert len(rows) == 4 and {len(r) for r in rows} == {8}     # to the last value


def test_fast_path_equals_the_general_parser(workbook, monkeypatch):
    fast = _ours(workbook, True, monkeypatch)
    general = _ours(workbook, False, monkeypatch)
    assert fast == general


def test_prefixed_parts_are_read_by_the_general_parser(workbook, tmp_path, monkeypatch):
    """A part written with a namespace prefix (<x:c>) is read the same."""
    parts = ooxml.read_parts(workbook)
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r"<(/?)(?!/)([a-zA-Z]+)", r"<\1x:\2", xml).replace(
        f'xmlns="{ooxml.MAIN_NS}"', f'xmlns:x="{ooxml.MAIN_NS}"')
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    prefixed = tmp_path / "prefixed.xlsx"
    ooxml.write_parts(prefixed, parts)
    assert _ours(prefixed, True, monkeypatch) == _ours(workbook, True, monkeypatch)


def test_formula_without_cached_value_reads_as_its_text(tmp_path, monkeypatch):
    path = tmp_path / "f.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.active["B1"] = 3
    book.save(path)                                    # openpyxl stores no cached value
    rows, _ = _ours(path, True, monkeypatch)
    assert rows == [["=1+1", 3]]
