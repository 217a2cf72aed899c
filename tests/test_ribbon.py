"""The ribbon: customUI XML, its place in the package, callbacks it names, openpyxl survival."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import oletools.olevba as olevba  # test requirements: missing must fail, not skip
import openpyxl
import pytest
from defusedxml import ElementTree as SafeET

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.template import ribbon, vba

from refresh_helpers import openpyxl_resave

NS = {"ui": ribbon.CUSTOM_UI_NAMESPACE}
EXPECTED_BUTTONS = [
    ("Refresh all 刷新全部", "TradeResilienceRibbon.TR_RefreshAll"),
    ("Check data 检查数据", "TradeResilienceRibbon.TR_CheckData"),
    ("Clear results 清除结果", "TradeResilienceRibbon.TR_ClearResults"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ribbon")
    (folder / "tr_ribbon_demo_udfs.py").write_text(textwrap.dedent('''
        import xlwings as xw

        @xw.func
        def tr_ribbon_demo(x, y=2):
            """Demo."""
            return x
    '''), encoding="utf-8")
    sys.path.insert(0, str(folder))
    try:
        book = openpyxl.Workbook()
        book.active.title = "Data"
        path = folder / "template.xlsm"
        book.save(path)
        vba.install_vba_and_ribbon(path, udf_module="tr_ribbon_demo_udfs")
    finally:
        sys.path.remove(str(folder))
    return path


def buttons(xml: bytes | str) -> list[tuple[str, str]]:
    root = SafeET.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    return [(b.get("label"), b.get("onAction")) for b in root.iterfind(".//ui:button", NS)]


def test_ribbon_xml_content():
    root = SafeET.fromstring(ribbon.ribbon_xml().encode("utf-8"))
    assert root.tag == f"{{{ribbon.CUSTOM_UI_NAMESPACE}}}customUI"
    tabs = root.findall("./ui:ribbon/ui:tabs/ui:tab", NS)
    assert [tab.get("label") for tab in tabs] == ["Trade Resilience 贸易韧性"]
    assert buttons(ribbon.ribbon_xml()) == EXPECTED_BUTTONS
    all_buttons = root.findall(".//ui:button", NS)
    assert all(b.get("imageMso") for b in all_buttons)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert vba.ribbon_xml is ribbon.ribbon_xml


def test_ribbon_part_and_root_relationship(built):
    parts = ooxml.read_parts(built)
    assert parts[ribbon.CUSTOM_UI_PART] == ribbon.ribbon_xml().encode("utf-8")
    rels = ooxml.relationships(parts[ooxml.ROOT_RELS_PART])
    assert ([r["Target"] for r in rels if r["Type"] == ribbon.CUSTOM_UI_RELATIONSHIP]
            == [ribbon.CUSTOM_UI_PART])
    assert (ooxml.content_type_of(parts["[Content_Types].xml"], ribbon.CUSTOM_UI_PART)
            == "application/xml")


def test_every_on_action_is_a_ribbon_callback_sub(built):
    """Each onAction "Module.Sub" names a Sub in that module of the built project whose
    only parameter is ``control As IRibbonControl`` (Excel's onAction signature)."""
    from pyopenvba.interpreter import parse_module

    parser = olevba.VBA_Parser(str(built))
    try:
        modules = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    actions = [action for _label, action in buttons(ooxml.read_parts(built)[ribbon.CUSTOM_UI_PART])]
    assert actions
    for action in actions:
        module_name, sub_name = action.split(".")
        parsed = parse_module(modules[module_name], name=module_name)
        procedures = {p.name: p for p in parsed.procedures}
        procedure = procedures[sub_name]
        assert procedure.kind == "sub"
        assert [(p.name, p.declared, p.by_val, p.optional) for p in procedure.params] == [
            ("control", "IRibbonControl", False, False)]


def test_ribbon_survives_openpyxl_load_and_save(built, tmp_path):
    resaved = tmp_path / "resaved.xlsm"
    openpyxl_resave(built, resaved)
    again = tmp_path / "again.xlsm"
    openpyxl_resave(resaved, again)
    for path in (resaved, again):
        parts = ooxml.read_parts(path)
        assert parts[ribbon.CUSTOM_UI_PART] == ribbon.ribbon_xml().encode("utf-8")
        rels = ooxml.relationships(parts[ooxml.ROOT_RELS_PART])
        assert ([r["Target"] for r in rels if r["Type"] == ribbon.CUSTOM_UI_RELATIONSHIP]
                == [ribbon.CUSTOM_UI_PART])


def test_add_ribbon_is_idempotent(built):
    parts = ooxml.read_parts(built)
    assert ribbon.add_ribbon(parts) == parts
