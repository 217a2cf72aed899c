"""Refusing unsafe workbook files: entity bombs, zip bombs, non-workbooks, open or read-only
files; and a save killed half-way leaves the original intact."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from trade_resilience_xl.workbook.package import file_safety
from trade_resilience_xl.workbook.package.file_safety import ArchiveLimits, UnsafeFileError

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE worksheet [\n'
    '  <!ENTITY lol "lol">\n'
    + "".join(f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
              for i in range(1, 10))
    + "]>\n"
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>"
    "</sheetData></worksheet>"
)


def small_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active["A1"] = "hello"
    book.save(path)
    return path


def replace_part(path: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_clean_workbook_passes(tmp_path):
    path = small_workbook(tmp_path / "ok.xlsx")
    assert file_safety.check_readable(path) == path
    assert file_safety.check_writable(path) == path


def test_openpyxl_parses_through_defusedxml():
    file_safety.require_defused_openpyxl()   # raises if openpyxl.DEFUSEDXML is False
    assert openpyxl.DEFUSEDXML is True


def test_missing_defusedxml_fails_loudly(monkeypatch):
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="defusedxml"):
        file_safety.check_readable("whatever.xlsx")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_entity_bomb_is_refused_quickly(tmp_path, encoding):
    path = small_workbook(tmp_path / "bomb.xlsx")
    xml = BILLION_LAUGHS if encoding == "utf-8" else BILLION_LAUGHS.replace("UTF-8", "UTF-16")
    data = xml.encode("utf-8") if encoding == "utf-8" else xml.encode("utf-16")  # with BOM
    replace_part(path, "xl/worksheets/sheet1.xml", data)
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match=r"xl/worksheets/sheet1\.xml declares a DTD"):
        file_safety.check_readable(path)
    assert time.perf_counter() - start < 2.0


def test_entity_bomb_behind_a_comment_is_refused(tmp_path):
    path = small_workbook(tmp_path / "bomb.xlsx")
    xml = BILLION_LAUGHS.replace("<!DOCTYPE", "<!-- harmless? -->\n<!DOCTYPE", 1)
    replace_part(path, "xl/worksheets/sheet1.xml", xml.encode())
    with pytest.raises(UnsafeFileError, match="DTD"):
        file_safety.check_readable(path)


def test_openpyxl_itself_refuses_the_entity_bomb(tmp_path):
    """The second line of defence: even without our prolog scan, defusedxml stops it."""
    import defusedxml

    path = replace_part(small_workbook(tmp_path / "bomb.xlsx"), "xl/worksheets/sheet1.xml",
                        BILLION_LAUGHS.encode())
    start = time.perf_counter()
    with pytest.raises(ValueError) as caught:      # openpyxl wraps the parser's error
        openpyxl.load_workbook(path)
    assert isinstance(caught.value.__cause__, defusedxml.DefusedXmlException)
    assert time.perf_counter() - start < 2.0


def test_zip_bomb_is_refused_by_ratio(tmp_path):
    path = small_workbook(tmp_path / "zipbomb.xlsx")
    replace_part(path, "xl/media/padding.xml", b"\0" * (40 * 1024 ** 2))   # ~1000x
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match=r"padding\.xml expands \d+x.*zip bomb"):
        file_safety.check_readable(path)
    assert time.perf_counter() - start < 2.0


def test_zip_bomb_is_refused_by_total_size_and_member_count(tmp_path):
    path = small_workbook(tmp_path / "wide.xlsx")
    with pytest.raises(UnsafeFileError, match="would expand to more than"):
        file_safety.check_readable(path, ArchiveLimits(max_total_uncompressed=1000))
    with pytest.raises(UnsafeFileError, match="parts, above the 3 limit"):
        file_safety.check_readable(path, ArchiveLimits(max_members=3))
    with pytest.raises(UnsafeFileError, match="above the 0 MB limit"):
        file_safety.check_readable(path, ArchiveLimits(max_file_bytes=10))


def test_zipfile_never_inflates_past_the_declared_size(tmp_path):
    """Why checking declared sizes suffices: a member lying about its size is cut off."""
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b"a" * 1_000_000)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("big.xml")
    # Patch the declared size in the central directory (file_size field, offset 24).
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")
    local = info.header_offset
    raw[local + 22:local + 26] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as archive:
        with archive.open("big.xml") as stream:
            try:
                data = stream.read()
            except zipfile.BadZipFile:      # CRC check on a truncated member
                data = b""
    assert len(data) <= 100


@pytest.mark.parametrize("content", [b"Province,Year\nBeijing,2010\n", b"",
                                     b"\xd0\xcf\x11\xe0" * 64])
def test_not_a_workbook(tmp_path, content):
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnsafeFileError,
                       match=r"data\.xlsx is not an Excel workbook \(\.xlsx/\.xlsm\)"):
        file_safety.check_readable(path)


def test_zip_without_workbook_part_is_not_a_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UnsafeFileError, match="is not an Excel workbook"):
        file_safety.check_readable(path)


def test_missing_file(tmp_path):
    with pytest.raises(UnsafeFileError, match="does not exist"):
        file_safety.check_readable(tmp_path / "nope.xlsx")


@pytest.mark.parametrize("lock_name, app", [("~$book.xlsx", "Excel"),
                                            (".~lock.book.xlsx#", "LibreOffice")])
def test_lock_file_refuses_writing(tmp_path, lock_name, app):
    path = small_workbook(tmp_path / "book.xlsx")
    (tmp_path / lock_name).write_bytes(b"owner")
    assert file_safety.check_readable(path) == path    # reading an open file is fine
    with pytest.raises(UnsafeFileError) as caught:
        file_safety.check_writable(path)
    assert str(caught.value) == (f"{path} is open in {app} (lock file {lock_name}); close it first")


def test_read_only_target_is_refused(tmp_path):
    path = small_workbook(tmp_path / "book.xlsx")
    path.chmod(0o444)
    try:
        with pytest.raises(UnsafeFileError, match="is read-only"):
            file_safety.check_writable(path)
        # Writing elsewhere (--out) is allowed.
        copy = tmp_path / "copy.xlsx"
        assert file_safety.check_for_update(path, copy)[1] == copy
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write into read-only folders")
def test_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(UnsafeFileError, match="is not writable"):
            file_safety.check_writable(folder / "book.xlsx")
    finally:
        folder.chmod(0o755)


KILL_SCRIPT = textwrap.dedent("""
    import sys
    from trade_resilience_xl.workbook.openpyxl_io import OpenpyxlBook
    book = OpenpyxlBook(sys.argv[1])
    book.clear_sheet("Big")
    book.write_table("Big", "A1", [[f"r{r}c{c}" for c in range(20)] for r in range(15000)])
    print("saving", flush=True)
    book.save()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_save_leaves_the_original_intact(tmp_path):
    path = small_workbook(tmp_path / "book.xlsx")
    original = path.read_bytes()
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(path)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "saving"
    # Kill while the temp file is being written (that is when a crash would do harm):
    # the replacement file appears beside the workbook before os.replace.
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and process.poll() is None, "save never started"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert path.read_bytes() == original          # never half-written
    assert openpyxl.load_workbook(path).active["A1"].value == "hello"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "book.xlsx"]
    # A killed process cannot clean its temp file; it must at least not be the workbook.
    assert all(name.startswith(".") or name.endswith(".tmp") for name in leftovers), leftovers


def _archive_with_declared_members(path: Path, members: int, declared: int,
                                   payload: bytes) -> Path:
    """A valid small workbook plus ``members`` parts, each stored as ``payload`` (already
    deflated) and declaring ``declared`` bytes: what a many-parts zip bomb looks like to
    the checks, without spending the time to deflate gigabytes here."""
    import zlib

    from trade_resilience_xl.workbook.package.zip_writer import ZipWriter

    source = small_workbook(path.with_name("base.xlsx"))
    with zipfile.ZipFile(source) as base, open(source, "rb") as raw, open(path, "wb") as out:
        writer = ZipWriter(out)
        for info in base.infolist():
            writer.copy(base, raw, info)
        for number in range(members):
            writer._header(f"xl/media/pad{number}.bin", zipfile.ZIP_DEFLATED,
                           zlib.crc32(b"\0" * declared), len(payload), declared)
            out.write(payload)
        writer.close()
    return path


def test_many_small_zero_parts_are_refused_by_ratio(tmp_path):
    """480 parts of 4 MiB of zeros (2 GB unpacked, 2 MB on disk) were let through when
    parts under 4 MiB were exempt from the ratio limit."""
    import zlib

    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = zeros.compress(b"\0" * 4 * 1024 ** 2) + zeros.flush()
    path = _archive_with_declared_members(tmp_path / "bomb.xlsx", 480, 4 * 1024 ** 2, payload)
    with pytest.raises(UnsafeFileError, match=r"pad0\.bin expands \d+x.*zip bomb"):
        file_safety.check_readable(path)


def test_total_budget_covers_the_whole_package(tmp_path):
    """Parts that each look plausible (100x) but together would unpack to over 1 GiB."""
    payload = os.urandom(3 * 1024 ** 2)
    path = _archive_with_declared_members(tmp_path / "big.xlsx", 4, 300 * 1024 ** 2, payload)
    with pytest.raises(UnsafeFileError, match="would expand to more than 1 GB"):
        file_safety.check_readable(path)


def test_real_workbooks_pass_the_limits(tmp_path):
    """The demo and a sheet of styled empty cells down to row 1,048,576 (the most
    compressible real part there is) are within the limits."""
    from refresh_helpers import build_demo

    assert file_safety.check_readable(build_demo(tmp_path / "demo.xlsm"))
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>' for r in range(1, 1_048_577))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f"{rows}</sheetData></worksheet>").encode()
    path = replace_part(small_workbook(tmp_path / "formatted.xlsx"),
                        "xl/worksheets/sheet1.xml", sheet)
    assert file_safety.check_readable(path) == path
