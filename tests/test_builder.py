"""The built workbook: sheets, headers, validations, dynamic-array XML, determinism."""
import math

import pytest
from defusedxml import ElementTree as SafeET
from openpyxl import load_workbook

from trade_resilience_xl import paper
from trade_resilience_xl.example_data import ILLUSTRATIVE_NOTE, load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.package.ooxml import (
    METADATA_CONTENT_TYPE,
    METADATA_PART,
    sheet_part_name,
)
from trade_resilience_xl.workbook.package.ooxml import METADATA_REL as METADATA_REL_TYPE
from trade_resilience_xl.workbook.template import info_sheets
from trade_resilience_xl.workbook.template.builder import build_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def empty_path(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("empty") / "template.xlsx",
                          macro_enabled=False)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("demo") / "demo.xlsx",
                          data=load_example_panel(), macro_enabled=False)


@pytest.fixture(scope="module")
def empty_book(empty_path):
    return load_workbook(empty_path)


@pytest.fixture(scope="module")
def demo_book(demo_path):
    return load_workbook(demo_path)


def row_values(ws, row):
    return [cell.value for cell in ws[row]]


# ------------------------------------------------------------------ layout helpers
def test_find_columns_matches_english_part_anywhere_case_insensitively():
    header = ["X1", "year / 年份", "Province / 省份", " REGION ", "Population"]
    found = L.find_columns(header, ["Province", "Region", "Year", "Population"], "Data")
    assert found == {"Province": 2, "Region": 3, "Year": 1, "Population": 4}


def test_find_columns_names_sheet_and_missing_header_in_one_line():
    with pytest.raises(L.LayoutError) as info:
        L.find_columns(["Province / 省份", "Year"], ["Province", "Region"], "Data")
    message = str(info.value)
    assert "\n" not in message and '"Data"' in message and '"Region"' in message


def test_cell_name_and_setting_lookup():
    assert L.cell_name(7, 2) == "B7" and L.cell_name(1, 28) == "AB1"
    with pytest.raises(ValueError):
        L.cell_name(0, 1)
    assert L.setting_spec("theil MEASURE / 泰尔指数类型").key == "Theil measure"
    with pytest.raises(L.LayoutError, match="Settings"):
        L.setting_spec("Colour")


# ------------------------------------------------------------------ sheets
def test_sheets_present_in_order_about_first(empty_book):
    assert tuple(empty_book.sheetnames) == L.SHEET_ORDER
    assert empty_book.sheetnames[0] == L.SHEET_ABOUT
    for name in (L.SHEET_WEIGHTS, L.SHEET_SCORES, L.SHEET_SUBINDICES, L.SHEET_TYPES,
                 L.SHEET_THEIL, L.SHEET_DAGUM, L.SHEET_LOG):
        assert empty_book[name]["A1"].value == L.RESULT_SHEET_NOTE
    assert "Refresh all" in L.RESULT_SHEET_NOTE


def test_headers_found_by_find_columns(empty_book):
    ws = empty_book[L.SHEET_INDICATORS]
    L.find_columns(row_values(ws, L.INDICATORS_HEADER_ROW), list(L.INDICATOR_COLUMNS),
                   L.SHEET_INDICATORS)
    ws = empty_book[L.SHEET_DATA]
    wanted = list(L.DATA_ID_COLUMNS) + list(paper.INDICATOR_CODES)
    columns = L.find_columns(row_values(ws, L.DATA_HEADER_ROW), wanted, L.SHEET_DATA)
    assert columns["Province"] == 0 and columns["X13"] == 16
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=10, values_only=True)]
    assert L.find_header_row(rows, wanted, L.SHEET_DATA) == L.DATA_HEADER_ROW
    ws = empty_book[L.SHEET_SETTINGS]
    L.find_columns(row_values(ws, L.SETTINGS_HEADER_ROW), list(L.SETTINGS_COLUMNS),
                   L.SHEET_SETTINGS)


def test_data_skeleton_has_372_province_year_rows_with_empty_indicators(empty_book):
    ws = empty_book[L.SHEET_DATA]
    rows = list(ws.iter_rows(min_row=L.DATA_FIRST_ROW, values_only=True))
    assert len(rows) == 372
    expected = [(p.name, p.region, y) for p in paper.PROVINCES for y in paper.YEARS]
    assert [tuple(r[:3]) for r in rows] == expected
    assert all(value is None for r in rows for value in r[3:])
    table = ws.tables[L.DATA_TABLE_NAME]
    assert table.ref == f"A{L.DATA_HEADER_ROW}:Q{L.DATA_HEADER_ROW + 372}"
    assert ws.freeze_panes == f"D{L.DATA_FIRST_ROW}"
    names = row_values(ws, L.DATA_NAMES_ROW)
    assert "Per capita GDP" in names[4] and "人均GDP" in names[4]


def test_data_validations(empty_book):
    ws = empty_book[L.SHEET_DATA]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    region = rules[f"B{L.DATA_FIRST_ROW}:B{L.DATA_FIRST_ROW + 371}"]
    assert region.type == "list" and region.formula1 == '"East,Central,Northeast,West"'
    year = rules[f"C{L.DATA_FIRST_ROW}:C{L.DATA_FIRST_ROW + 371}"]
    assert year.type == "whole"


def test_indicators_sheet_has_errata_and_direction_validation(empty_book):
    ws = empty_book[L.SHEET_INDICATORS]
    notes = " ".join(str(ws.cell(row=r, column=1).value) for r in
                     range(2, L.INDICATORS_HEADER_ROW))
    assert "X3" in notes and "X4" in notes and "X6" in notes and "勘误" in notes
    header = row_values(ws, L.INDICATORS_HEADER_ROW)
    col = L.find_columns(header, ["Code", "Direction", "Paper weight (%)", "Explanation"],
                         L.SHEET_INDICATORS)
    body = {r[col["Code"]]: r for r in ws.iter_rows(min_row=L.INDICATORS_HEADER_ROW + 1,
                                                    values_only=True)}
    assert list(body) == list(paper.INDICATOR_CODES)
    assert body["X3"][col["Direction"]] == "-" and body["X4"][col["Direction"]] == "+"
    assert body["X6"][col["Paper weight (%)"]] == 4.089
    assert "derived" in body["X6"][col["Explanation"]]
    assert any(dv.type == "list" and dv.formula1 == '"+,-"'
               for dv in ws.data_validations.dataValidation)


def test_settings_keys_defaults_and_validations(empty_book):
    ws = empty_book[L.SHEET_SETTINGS]
    found = {}
    for key, value, _ in ws.iter_rows(min_row=L.SETTINGS_HEADER_ROW + 1, values_only=True):
        found[L.setting_spec(key).key] = value
    assert found == {spec.key: spec.default for spec in L.SETTINGS}
    assert found["Shift"] == 1 and found["Weighting"] == "pooled"
    validated = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    first = L.SETTINGS_HEADER_ROW + 1
    assert validated == {f"B{r}" for r in range(first, first + len(L.SETTINGS))}
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"interpolate,stop"' in lists and '"pooled,per year"' in lists


def test_xlwings_conf_is_contiguous_from_a1_without_interpreter(empty_book):
    ws = empty_book[L.SHEET_XLWINGS_CONF]
    rows = [r[:2] for r in ws.iter_rows(values_only=True)]
    keys = [key for key, _ in rows]
    assert keys and None not in keys  # xlwings stops at the first blank row
    conf = dict(rows)
    assert conf["UDF Modules"] == "trade_resilience_xl.udfs"
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert not any(k.lower().startswith(("interpreter", "conda")) for k in conf)


def test_paper_sheet_holds_published_tables(empty_book):
    ws = empty_book[L.SHEET_PAPER]
    text = " ".join(str(c.value) for row in ws.iter_rows(max_row=4) for c in row if c.value)
    assert "Published" in text
    values = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0] in paper.TABLE3_INDEX}
    assert set(values) == set(paper.PROVINCE_NAMES)
    assert values["Heilongjiang"][2] == "Amur"
    assert tuple(values["Guangdong"][4:10]) == paper.TABLE3_INDEX["Guangdong"]


# ------------------------------------------------------------------ dynamic arrays
def test_formulas_are_dynamic_arrays_with_metadata(empty_path):
    parts = ooxml.read_parts(empty_path)
    root = SafeET.fromstring(parts[sheet_part_name(parts, L.SHEET_FORMULAS)])
    array_cells = [c for c in root.iter(f"{MAIN}c")
                   if c.find(f"{MAIN}f") is not None]
    assert len(array_cells) >= 3
    names = set()
    for cell in array_cells:
        formula = cell.find(f"{MAIN}f")
        assert cell.get("cm") == "1"
        assert formula.get("t") == "array" and formula.get("ref") == cell.get("r")
        assert not formula.text.lower().startswith(("_xludf.", "_xlfn.", "="))
        names.add(formula.text.split("(")[0])
    assert {"ENTROPY_WEIGHTS", "TOPSIS", "THEIL_DECOMP"} <= names

    metadata = SafeET.fromstring(parts[METADATA_PART])
    assert metadata.find(f"{MAIN}metadataTypes/{MAIN}metadataType").get("name") == "XLDAPR"
    dyn = metadata.find(".//{http://schemas.microsoft.com/office/spreadsheetml/2017/"
                        "dynamicarray}dynamicArrayProperties")
    assert dyn.get("fDynamic") == "1"
    assert metadata.find(f"{MAIN}cellMetadata/{MAIN}bk/{MAIN}rc").attrib == {"t": "1", "v": "0"}
    assert ooxml.content_type_of(parts["[Content_Types].xml"], METADATA_PART) == \
        METADATA_CONTENT_TYPE
    rels = ooxml.relationships(parts["xl/_rels/workbook.xml.rels"])
    assert {"Type": METADATA_REL_TYPE, "Target": "metadata.xml"}.items() <= \
        next(r for r in rels if r["Type"] == METADATA_REL_TYPE).items()


def test_formulas_refer_to_the_data_table_not_a_fixed_range(empty_book):
    ws = empty_book[L.SHEET_FORMULAS]
    live = {c.coordinate: c.value.text for row in ws.iter_rows() for c in row
            if hasattr(c.value, "text")}
    data = f"{L.DATA_TABLE_NAME}[[X1]:[X13]]"
    directions = f"{L.INDICATORS_TABLE_NAME}[[Direction / 方向]]"
    uses_data = [f for f in live.values() if "THEIL" not in f and "DAGUM" not in f]
    assert len(uses_data) == 5
    for formula in uses_data:
        assert data in formula and directions in formula, formula
        assert f"{L.SHEET_DATA}!" not in formula          # no fixed Data!E4:Q375
    # The two safe forms of TOPSIS and COMPOSITE_SCORE (issue 16).
    for name in ("TOPSIS", "COMPOSITE_SCORE"):
        assert f"={name}({data},A14:M14,{directions})" in live.values()
        assert f"={name}(NORMALIZE({data},{directions},Settings!B4),A14:M14)" in live.values()


def test_structured_reference_escapes_special_characters():
    assert info_sheets.table_column("T", "a[1]", "b#'") == "T[[a'[1']]:[b'#'']]"
    assert info_sheets.table_column("T", "Direction / 方向") == "T[[Direction / 方向]]"


# ------------------------------------------------------------------ determinism
def test_rebuild_is_identical_part_by_part(empty_path, tmp_path):
    again = build_workbook(tmp_path / "template.xlsx", macro_enabled=False)
    first, second = ooxml.read_parts(empty_path), ooxml.read_parts(again)
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], name
    assert empty_path.read_bytes() == again.read_bytes()
    assert b"2024-01-01T00:00:00Z" in first["docProps/core.xml"]


def test_xlsm_path_gets_macro_enabled_main_part(tmp_path):
    path = build_workbook(tmp_path / "t.xlsm", macro_enabled=False)
    types = ooxml.read_parts(path)["[Content_Types].xml"]
    assert ooxml.content_type_of(types, "xl/workbook.xml") == \
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


# ------------------------------------------------------------------ illustrative data
def test_illustrative_label_only_when_data_given(empty_book, demo_book):
    assert ILLUSTRATIVE_NOTE in {demo_book[L.SHEET_DATA]["A1"].value}
    about = " ".join(str(c.value) for c in demo_book[L.SHEET_ABOUT]["A"] if c.value)
    assert "not official" in about
    assert "not official" not in str(empty_book[L.SHEET_DATA]["A1"].value)
    about_empty = " ".join(str(c.value) for c in empty_book[L.SHEET_ABOUT]["A"] if c.value)
    assert "ILLUSTRATIVE" not in about_empty


def test_demo_data_values_are_written(demo_book):
    frame = load_example_panel()
    ws = demo_book[L.SHEET_DATA]
    rows = list(ws.iter_rows(min_row=L.DATA_FIRST_ROW, values_only=True))
    assert len(rows) == len(frame)
    for i in (0, 57, 371):
        for j, column in enumerate(frame.columns):
            expected, got = frame.iloc[i, j], rows[i][j]
            if isinstance(expected, float) and math.isnan(expected):
                assert got is None
            else:
                assert got == expected, (i, column)
    gaps = sum(v is None for r in rows for v in r[4:])
    assert gaps == 8


def test_macro_enabled_build_keeps_dynamic_arrays(tmp_path):
    path = build_workbook(tmp_path / "template.xlsm", macro_enabled=True)
    parts = ooxml.read_parts(path)
    assert "xl/vbaProject.bin" in parts and METADATA_PART in parts
    assert b'cm="1"' in parts[sheet_part_name(parts, L.SHEET_FORMULAS)]
