"""vbaProject.bin laid out as Excel lays it out: the decompressed dir stream has the record
sequence of the Excel-made quickstart.xlsm in the xlwings wheel and ends at its terminator
([MS-OVBA] 2.3.4.2), and no red entry of the compound file's directory has a red child
([MS-CFB] 2.6.4). Checked on a fresh build and on the committed template."""
from __future__ import annotations

import io
import struct
from pathlib import Path

import olefile
import oletools.olevba as olevba  # a test requirement: missing must fail, not skip
import openpyxl
import pytest

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.template import cfb_repairs, vba

XLWINGS_DIR = Path(__import__("xlwings").__file__).parent
COMMITTED = Path(__file__).resolve().parents[1] / "workbook_template.xlsm"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("built") / "template.xlsm"
    book = openpyxl.Workbook()
    book.create_sheet("Results")
    book.save(path)
    vba.install_vba_and_ribbon(path)
    return path

def _vba_project_bin(path: Path) -> bytes:
    return ooxml.read_parts(path)["xl/vbaProject.bin"]


def dir_records(project_bin: bytes) -> list[int]:
    """The record ids of the decompressed VBA/dir stream, read as [MS-OVBA] 2.3.4.2 lays it
    out (Id u16, Size u32, Size bytes; PROJECTVERSION's "size" is a reserved 4 followed by
    6 bytes). Fails unless the stream ends exactly at the dir Terminator (0x0010)."""
    ole = olefile.OleFileIO(io.BytesIO(project_bin))
    raw = bytes(olevba.decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    ids, at = [], 0
    while True:
        record, size = struct.unpack_from("<HI", raw, at)
        at += 6 + (6 if record == 0x0009 else size)
        ids.append(record)
        if record == 0x0010:
            assert at == len(raw), f"{len(raw) - at} bytes after the dir terminator"
            return ids


def dir_sections(ids: list[int]) -> tuple[list[int], set[tuple[int, ...]], set[tuple[int, ...]]]:
    """Project information ids, the forms of the references (REFERENCENAME to the next one),
    the forms of the modules (MODULENAME to its Terminator 0x002B)."""
    first_reference, modules_at = ids.index(0x0016), ids.index(0x000F)
    information = ids[:first_reference]
    references, current = set(), []
    for record in ids[first_reference:modules_at]:
        # A REFERENCENAME starts a reference, except the one inside REFERENCECONTROL.
        if record == 0x0016 and current and current[-1] != 0x002F:
            references.add(tuple(current))
            current = []
        current.append(record)
    references.add(tuple(current))
    modules, current = set(), []
    for record in ids[modules_at + 2:-1]:          # after PROJECTMODULES + PROJECTCOOKIE
        current.append(record)
        if record == 0x002B:
            modules.add(tuple(current))
            current = []
    assert current == [] and ids[-1] == 0x0010
    return information, references, modules


def test_dir_stream_has_excels_record_sequence_and_ends_at_its_terminator(built):
    """Compared with quickstart.xlsm, which Excel saved (in the xlwings wheel): the same
    project information records, only reference and module forms that Excel wrote there,
    and nothing after the terminator (pyOpenVBA alone leaves four zero bytes)."""
    ours = dir_sections(dir_records(_vba_project_bin(built)))
    excel = dir_sections(dir_records(_vba_project_bin(XLWINGS_DIR / "quickstart.xlsm")))
    assert ours[0] == excel[0]
    assert ours[1] <= excel[1], ours[1] - excel[1]
    assert ours[2] == excel[2]          # a standard and a document module form, as Excel's


def test_pyopenvba_alone_pads_the_dir_stream():
    """The repair above is needed: pyOpenVBA's serializer appends four bytes."""
    from pyopenvba.vba import VBAProject, serialize_dir_modules_section

    assert serialize_dir_modules_section(VBAProject(modules=[])).endswith(
        cfb_repairs.DIR_STREAM_END[6:] + bytes(4))


def red_red_pairs(project_bin: bytes) -> list[tuple[str, str]]:
    """(parent, child) sibling-tree pairs that are both red ([MS-CFB] 2.6.4 forbids them)."""
    entries = olefile.OleFileIO(io.BytesIO(project_bin)).direntries
    # [MS-CFB] 2.6.1 Color Flag: 0x00 red, 0x01 black (olefile's source comment has them
    # the other way round; it only passes the byte through).
    red = {index for index, entry in enumerate(entries)
           if entry is not None and entry.color == 0x00}
    return [(entries[parent].name, entries[child].name) for parent in red
            for child in (entries[parent].sid_left, entries[parent].sid_right) if child in red]


def test_cfb_directory_has_no_red_node_with_a_red_child(built):
    assert red_red_pairs(_vba_project_bin(XLWINGS_DIR / "quickstart.xlsm")) == []   # Excel's
    assert red_red_pairs(_vba_project_bin(built)) == []


def test_committed_template_dir_stream_and_directory_tree():
    committed = _vba_project_bin(COMMITTED)
    assert dir_records(committed)[-2:] == [0x002B, 0x0010]
    assert red_red_pairs(committed) == []
