"""The committed workbook_template.xlsm is exactly what the builder makes (XlsxWriter-style:
part by part), and its VBA holds the UDF module regenerated from trade_resilience_xl.udfs."""

import os
import stat
import zipfile
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

from trade_resilience_xl.workbook.package.ooxml import read_parts, write_parts
from trade_resilience_xl.workbook.template.builder import build_workbook
from trade_resilience_xl.workbook.template.vba import ribbon_callbacks_source, xlwings_udfs_source

COMMITTED = Path(__file__).resolve().parents[1] / "workbook_template.xlsm"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "workbook_template.xlsm"
    build_workbook(path)
    return path


def test_committed_template_equals_a_fresh_build_part_by_part(rebuilt):
    committed, fresh = read_parts(COMMITTED), read_parts(rebuilt)
    assert list(committed) == list(fresh), "the parts or their order differ: rebuild the template"
    for name in committed:
        assert committed[name] == fresh[name], (
            f"{name} differs: run `trade-resilience template --rebuild workbook_template.xlsm` "
            "and commit")


def _modules(path):
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_committed_vba_carries_the_regenerated_udf_wrappers():
    modules = _modules(COMMITTED)
    normalise = lambda text: text.replace("\r\n", "\n").strip()  # noqa: E731
    assert normalise(modules["xlwings_udfs"]) == normalise(xlwings_udfs_source())
    assert normalise(modules["TradeResilienceRibbon"]) == normalise(ribbon_callbacks_source())


def test_committed_template_is_macro_enabled_with_ribbon():
    with zipfile.ZipFile(COMMITTED) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
    assert {"xl/vbaProject.bin", "customUI/customUI.xml", "xl/metadata.xml"} <= names
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


def test_atomic_writes_keep_the_file_permissions(tmp_path, rebuilt):
    target = tmp_path / "book.xlsm"
    target.write_bytes(rebuilt.read_bytes())
    os.chmod(target, 0o640)
    write_parts(target, read_parts(rebuilt))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "new.xlsm"
    write_parts(fresh, read_parts(rebuilt))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
