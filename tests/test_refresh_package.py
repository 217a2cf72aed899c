"""A file refresh rewrites only the result sheets: every other part of the package comes
back byte for byte, on workbooks made by the builder, by LibreOffice and by hand."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.openpyxl_io import OpenpyxlBook, refresh_file
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.refresh import refresh
from trade_resilience_xl.workbook.template import ribbon

from refresh_helpers import build_demo, values

FIXED = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIBREOFFICE_INPUTS = FIXTURES / "libreoffice_inputs.xlsx"  # make_libreoffice_inputs.py
X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    f'xmlns:x14="{X14_NS}"><x14:dataValidations count="1" xmlns:xm="{XM_NS}">'
    '<x14:dataValidation type="list" allowBlank="1" showErrorMessage="1"><x14:formula1>'
    "<xm:f>Settings!$A$2:$A$4</xm:f></x14:formula1><xm:sqref>H8:H20</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>")
RICH_TITLE = ('<c r="A1" t="inlineStr"><is><r><rPr><b/><sz val="14"/></rPr><t>Indicators'
              '</t></r><r><t xml:space="preserve"> (rich text)</t></r></is></c>')


def _x14_workbook(path: Path) -> Path:
    """The demo with an x14 (extLst) data validation and a rich-text title on Indicators,
    which openpyxl drops on a re-save."""
    build_demo(path)
    parts = ooxml.read_parts(path)
    part = ooxml.sheet_part_name(parts, L.SHEET_INDICATORS)
    xml = parts[part].decode("utf-8")
    xml, titles = re.subn(r'<c r="A1"[^>]*>.*?</c>', RICH_TITLE, xml, count=1)
    assert titles == 1
    parts[part] = xml.replace("</worksheet>", X14_VALIDATION + "</worksheet>").encode("utf-8")
    ooxml.write_parts(path, parts)
    return path


def _libreoffice_workbook(path: Path) -> Path:
    shutil.copy(LIBREOFFICE_INPUTS, path)
    return path


MAKERS = {"demo": build_demo, "libreoffice": _libreoffice_workbook, "x14": _x14_workbook}


@pytest.fixture(scope="module", params=list(MAKERS))
def pair(request, tmp_path_factory):
    """(input workbook, the same refreshed) for each kind of workbook."""
    folder = tmp_path_factory.mktemp(request.param)
    suffix = ".xlsx" if request.param == "libreoffice" else ".xlsm"
    source = MAKERS[request.param](folder / f"in{suffix}")
    target = folder / f"out{suffix}"
    shutil.copy(source, target)
    _refresh(target)
    return source, target


def _refresh(path: Path) -> None:
    book = OpenpyxlBook(path)
    try:
        report = refresh(book, now=FIXED)
        assert report.ok, report.message()
        book.save()
    finally:
        book.close()


def _result_related(parts: dict[str, bytes]) -> set[str]:
    """Result-sheet parts and everything reachable from them through relationships."""
    sheets = ooxml.sheets(parts[ooxml.WORKBOOK_PART], parts[ooxml.WORKBOOK_RELS_PART])
    todo = [s["part"] for s in sheets if s["name"] in L.RESULT_SHEETS]
    seen: set[str] = set()
    while todo:
        part = todo.pop()
        if part in seen:
            continue
        seen.add(part)
        rels = ooxml.rels_part_of(part)
        if rels in parts:
            seen.add(rels)
            todo += [ooxml.resolve(part, r["Target"]) for r in ooxml.relationships(parts[rels])
                     if r.get("TargetMode") != "External"]
    return seen


# Shared parts that gain entries; workbook.xml and its relationships only when a result
# sheet is missing (none is, in these workbooks).
SHARED = {ooxml.CONTENT_TYPES_PART, ooxml.STYLES_PART}


def test_every_other_part_is_kept_byte_for_byte(pair):
    source, target = pair
    before, after = ooxml.read_parts(source), ooxml.read_parts(target)
    may_change = _result_related(before) | _result_related(after) | SHARED
    kept = [name for name in before if name not in may_change]
    assert kept, "nothing to compare"
    for name in kept:
        assert name in after, f"{name} was dropped"
        assert after[name] == before[name], f"{name} changed"
    assert set(after) - set(before) <= may_change


def test_input_sheet_extras_survive(pair):
    """The parts openpyxl used to drop are there: cached formula values, the image,
    comment, conditional formatting and chart, the x14 validation and rich text."""
    source, target = pair
    before, after = ooxml.read_parts(source), ooxml.read_parts(target)
    data = after[ooxml.sheet_part_name(after, L.SHEET_DATA)]
    indicators = after[ooxml.sheet_part_name(after, L.SHEET_INDICATORS)]
    if source.suffix == ".xlsx":                           # the LibreOffice-saved workbook
        assert b'<f aca="false">56334*1</f><v>56334</v>' in data
        assert b"<conditionalFormatting" in data
        assert {"xl/comments3.xml", "xl/media/image1.png", "xl/charts/chart1.xml"} <= set(after)
    if X14_VALIDATION.encode() in before[ooxml.sheet_part_name(before, L.SHEET_INDICATORS)]:
        assert X14_VALIDATION.encode() in indicators and RICH_TITLE.encode() in indicators
        book = OpenpyxlBook(target)
        assert book.read_values(L.SHEET_INDICATORS)[0][0] == "Indicators (rich text)"
        book.close()


def test_second_refresh_gives_the_same_package(pair, tmp_path):
    _, target = pair
    again = tmp_path / target.name
    shutil.copy(target, again)
    _refresh(again)
    assert ooxml.read_parts(again) == ooxml.read_parts(target)
    assert values(again, "Scores") == values(target, "Scores")


def test_dynamic_array_marks_only_on_formula_cells(pair):
    _, target = pair
    for name, xml in ooxml.read_parts(target).items():
        if name.startswith("xl/worksheets/sheet"):
            for cell in re.findall(rb"<c\b[^>]*\scm=\"\d+\"[^>]*?(?:/>|>.*?</c>)", xml, re.S):
                assert b"<f" in cell, (name, cell[:80])


def test_package_is_consistent(pair):
    """Every part has a content type, every relationship points at a part, result sheets
    keep their codeName, the ribbon and the VBA project are kept."""
    source, target = pair
    before, after = ooxml.read_parts(source), ooxml.read_parts(target)
    types = after[ooxml.CONTENT_TYPES_PART]
    for name in after:
        if not name.endswith(".rels") and name != ooxml.CONTENT_TYPES_PART:
            assert ooxml.content_type_of(types, name), f"{name} has no content type"
        if name.endswith(".rels"):
            owner = ooxml.source_of_rels(name)
            for rel in ooxml.relationships(after[name]):
                if rel.get("TargetMode") != "External":
                    assert ooxml.resolve(owner, rel["Target"]) in after, (name, rel)
    code_name = re.compile(rb'<sheetPr\b[^>]*codeName="([^"]*)"')
    for sheet in L.RESULT_SHEETS:
        old = code_name.search(before[ooxml.sheet_part_name(before, sheet)])
        new = code_name.search(after[ooxml.sheet_part_name(after, sheet)])
        assert (old and old.group(1)) == (new and new.group(1)), sheet
    if ooxml.VBA_PROJECT_PART in before:
        assert after[ooxml.VBA_PROJECT_PART] == before[ooxml.VBA_PROJECT_PART]
        rels = ooxml.relationships(after[ooxml.ROOT_RELS_PART])
        assert [r["Target"] for r in rels if r["Type"] == ribbon.CUSTOM_UI_RELATIONSHIP] == [
            ribbon.CUSTOM_UI_PART]
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_opens_in_openpyxl(pair):
    _, target = pair
    with warnings.catch_warnings():
        # openpyxl warns that it cannot keep the x14 validation; reading is what counts.
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(target)
    assert book["Weights"]["A1"].value.startswith("Indicator weights")
    assert book.sheetnames == openpyxl.load_workbook(pair[0]).sheetnames


def test_libreoffice_opens_the_refreshed_files(tmp_path, pair):
    """LibreOffice reads the package (converted back to xlsx, the weights are ours)."""
    import lo_helpers

    lo_helpers.require_soffice()
    _, target = pair
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile}",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,"
                    "false,false,-1", "--outdir", str(tmp_path), str(target)],
                   check=True, capture_output=True, timeout=180)
    weights = (tmp_path / f"{target.stem}-Weights.csv").read_text(encoding="utf-8")
    ours = values(target, "Weights")
    assert f"{ours[4][6]:.3f}" in weights                  # X1's weight, as displayed


def test_twenty_refreshes_do_not_grow_the_file(tmp_path):
    path = build_demo(tmp_path / "w.xlsm")
    sizes, styles = [], []
    for _ in range(20):
        _refresh(path)
        sizes.append(path.stat().st_size)
        styles.append(ooxml.read_parts(path)[ooxml.STYLES_PART])
    assert len(set(sizes)) == 1, sizes
    assert len(set(styles)) == 1


def test_text_is_never_written_as_a_formula(tmp_path):
    path = build_demo(tmp_path / "w.xlsm")
    labels = ["=1+1", "+A1", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]
    book = OpenpyxlBook(path)
    book.clear_sheet("Log")
    book.write_table("Log", "A1", [labels, [1, 2.5, True, None, "0"]], header_rows=0)
    book.save()
    book.close()
    parts = ooxml.read_parts(path)
    log = parts[ooxml.sheet_part_name(parts, "Log")]
    assert b"<f" not in log
    sheet = openpyxl.load_workbook(path)["Log"]
    assert [sheet.cell(1, c).value for c in range(1, 6)] == labels
    assert [sheet.cell(1, c).data_type for c in range(1, 6)] == ["s"] * 5
    assert [sheet.cell(2, c).value for c in range(1, 6)] == [1, 2.5, True, None, "0"]


def test_missing_result_sheet_is_appended(tmp_path):
    path = build_demo(tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(path)
    del book["Dagum"]
    book.save(path)
    before = ooxml.read_parts(path)
    assert refresh_file(path).ok
    after = ooxml.read_parts(path)
    assert openpyxl.load_workbook(path).sheetnames[-1] == "Dagum"
    assert values(path, "Dagum")[0][0].startswith("Dagum")
    for name in before:
        if name.startswith("xl/worksheets/sheet") and name in after and not any(
                name == ooxml.sheet_part_name(after, s) for s in L.RESULT_SHEETS):
            assert after[name] == before[name], name


def test_parts_are_streamed_not_read_whole(tmp_path, monkeypatch):
    """Parts are copied and parsed as streams: no part of the demo's Data sheet size is
    read into memory whole."""
    path = build_demo(tmp_path / "w.xlsm")
    read = zipfile.ZipFile.read

    def small_reads_only(archive, name, *args):
        info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
        assert info.file_size < 100_000, f"{info.filename} read whole"
        return read(archive, name, *args)

    monkeypatch.setattr(zipfile.ZipFile, "read", small_reads_only)
    assert refresh_file(path).ok


LXML_FREE_REFRESH = textwrap.dedent("""
    import datetime as dt, importlib.abc, sys
    class NoLxml(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "lxml" or name.startswith("lxml."):
                raise ImportError("lxml blocked")
    if sys.argv[2] == "block":
        sys.meta_path.insert(0, NoLxml())
    from trade_resilience_xl.workbook.openpyxl_io import OpenpyxlBook
    from trade_resilience_xl.workbook.refresh import refresh
    import openpyxl
    print(openpyxl.LXML)
    book = OpenpyxlBook(sys.argv[1])
    assert refresh(book, now=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)).ok
    book.save()
    from trade_resilience_xl.workbook.template.builder import build_workbook
    build_workbook(sys.argv[1] + ".template.xlsm")
""")


def test_same_bytes_with_and_without_lxml(tmp_path):
    pytest.importorskip("lxml", reason="lxml is not installed: nothing to compare against")
    source = build_demo(tmp_path / "w.xlsm")
    outputs = {}
    for mode in ("block", "allow"):
        path = tmp_path / f"{mode}.xlsm"
        shutil.copy(source, path)
        done = subprocess.run([sys.executable, "-c", LXML_FREE_REFRESH, str(path), mode],
                              capture_output=True, text=True, check=True)
        template = Path(f"{path}.template.xlsm")
        outputs[mode] = (done.stdout.strip(), path.read_bytes(), template.read_bytes())
    assert outputs["block"][0] == "False" and outputs["allow"][0] == "True"
    assert outputs["block"][1] == outputs["allow"][1]            # the refreshed workbook
    assert outputs["block"][2] == outputs["allow"][2]            # the template


CALC_CHAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"


def _with_calc_chain(path: Path, sheet_ids: list[int]) -> Path:
    parts = ooxml.read_parts(path)
    cells = "".join(f'<c r="A{n + 1}" i="{i}"/>' for n, i in enumerate(sheet_ids))
    parts["xl/calcChain.xml"] = (f'<calcChain xmlns="{ooxml.MAIN_NS}">{cells}</calcChain>'
                                 .encode())
    parts[ooxml.WORKBOOK_RELS_PART], _ = ooxml.add_relationship(
        parts[ooxml.WORKBOOK_RELS_PART], ooxml.CALC_CHAIN_REL, "calcChain.xml")
    parts[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
        parts[ooxml.CONTENT_TYPES_PART], "xl/calcChain.xml", CALC_CHAIN_TYPE)
    ooxml.write_parts(path, parts)
    return path


@pytest.mark.parametrize("sheet_ids, kept", [([3, 3], True), ([3, 6], False)])
def test_calculation_chain_is_dropped_only_when_it_names_a_result_cell(tmp_path, sheet_ids,
                                                                       kept):
    """Data is sheetId 3, Scores 6: Excel "repairs" a file whose chain lists a cell that
    holds no formula any more, so a chain naming a result sheet goes (Excel rebuilds it)."""
    path = _with_calc_chain(build_demo(tmp_path / "w.xlsx"), sheet_ids)
    before = ooxml.read_parts(path)
    assert refresh_file(path).ok
    after = ooxml.read_parts(path)
    assert ("xl/calcChain.xml" in after) == kept
    rels = ooxml.relationships(after[ooxml.WORKBOOK_RELS_PART])
    assert any(r["Type"] == ooxml.CALC_CHAIN_REL for r in rels) == kept
    assert (ooxml.content_type_of(after[ooxml.CONTENT_TYPES_PART], "xl/calcChain.xml")
            == CALC_CHAIN_TYPE) == kept
    if kept:
        assert after["xl/calcChain.xml"] == before["xl/calcChain.xml"]
        assert after[ooxml.WORKBOOK_RELS_PART] == before[ooxml.WORKBOOK_RELS_PART]


def test_a_chart_sheet_named_like_a_result_sheet_is_refused(tmp_path):
    path = build_demo(tmp_path / "w.xlsx")
    parts = ooxml.read_parts(path)
    rels = parts[ooxml.WORKBOOK_RELS_PART].decode()
    scores = ooxml.sheet_part_name(parts, "Scores").split("/", 1)[1]
    parts[ooxml.WORKBOOK_RELS_PART] = rels.replace(
        f'relationships/worksheet" Target="/xl/{scores}"',
        f'relationships/chartsheet" Target="/xl/{scores}"').encode()
    ooxml.write_parts(path, parts)
    before = path.read_bytes()
    from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

    with pytest.raises(UnsafeFileError, match='w.xlsx: sheet "Scores" is not a worksheet'):
        refresh_file(path)
    assert path.read_bytes() == before


def test_parts_stored_or_compressed_otherwise_keep_their_content(tmp_path):
    """A member stored uncompressed is copied as is; one compressed with a method other
    than deflate (LZMA here) is inflated and deflated again: same content either way."""
    path = build_demo(tmp_path / "w.xlsx")
    numbers = " ".join(str(n * n) for n in range(3000)).encode()
    extra = {"custom/stored.bin": (zipfile.ZIP_STORED, numbers),
             "custom/lzma.xml": (zipfile.ZIP_LZMA, b"<x>" + numbers + b"</x>")}
    with zipfile.ZipFile(path, "a") as archive:
        for name, (method, data) in extra.items():
            archive.writestr(name, data, compress_type=method)
    assert refresh_file(path).ok
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name, (method, data) in extra.items():
            assert archive.read(name) == data
            assert archive.getinfo(name).compress_type == (
                zipfile.ZIP_STORED if method == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED)


def test_appended_sheet_declares_its_relationship_prefix_where_others_do_so_locally():
    """openpyxl with lxml declares xmlns:r on each <sheet>, not on the root: an appended
    <sheet> must not rely on a sibling's declaration."""
    from defusedxml import ElementTree as SafeET

    from trade_resilience_xl.workbook.package.package_update import _with_sheets

    r = ooxml.DOC_RELS_NS
    workbook = (f'<workbook xmlns="{ooxml.MAIN_NS}"><sheets><sheet xmlns:r="{r}" name="A" '
                f'sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
    out = _with_sheets(workbook, [("Dagum", "rId9")], {"A": {"sheetId": "1"}})
    sheets = SafeET.fromstring(out).find(f"{{{ooxml.MAIN_NS}}}sheets")
    assert [s.get(f"{{{r}}}id") for s in sheets] == ["rId1", "rId9"]
