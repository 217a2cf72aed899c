"""Checks made before a workbook file is opened or written, and why each one exists.

A workbook handed to ``trade-resilience`` (or opened by the ribbon) is untrusted input:

* It must be an OOXML package (a zip with ``[Content_Types].xml`` and ``xl/workbook.xml``),
  so a CSV or an old ``.xls`` renamed to ``.xlsx`` fails with one clear line instead of a
  zipfile or XML traceback.
* Zip bombs: the archive's size, member count, total declared uncompressed size (one
  budget for the whole package) and every member's compression ratio (members of every
  size: many small highly compressed members add up as well as one big one) are bounded
  before anything is decompressed. Checking the *declared* sizes is enough: Python's
  zipfile never returns more bytes than a member declares, so a member that lies about
  its size is truncated (and fails its CRC), not inflated without limit. Parts are then
  streamed (read as they are parsed, copied zip to zip), never all held in memory.
* XML entity bombs ("billion laughs") and external entities: OOXML parts never carry a
  DTD, so any part whose prolog declares one is refused here, quickly, before openpyxl
  parses it; our reader's expat parser refuses a DTD too, and openpyxl (used by the
  builder and the tests) must parse through defusedxml (``openpyxl.DEFUSEDXML``), which is
  checked, not assumed (``OPENPYXL_DEFUSEDXML=False`` in the environment turns it off).
* Second ring (issue 23): zip members that are encrypted or use a compression Python's
  zipfile cannot read (Deflate64) are refused naming the part, before any is read; so are
  two members with one name (part names ignore case in OOXML: which one counts would be a
  guess), a Strict Open XML workbook (other namespaces; "save as an Excel Workbook"), and a
  part with more than ``prolog_bytes`` before its first element (a DTD could follow a long
  comment unseen).
* Writing: Excel keeps an owner file ``~$NAME`` beside a workbook it has open (LibreOffice
  ``.~lock.NAME#``); replacing the file underneath would lose the user's unsaved edits or
  be overwritten by them, so we refuse. A read-only file or folder is refused with a clear
  message rather than a PermissionError. A symbolic link is judged by the file it points
  to, which is the one replaced (``atomic``).

Atomic replacement of the target is ``atomic.replacing``'s job (temp file in the same
folder, then ``os.replace``); nothing here writes.
"""
from __future__ import annotations

import codecs
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from trade_resilience_xl.workbook.package import ooxml

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
REQUIRED_PARTS = (ooxml.CONTENT_TYPES_PART, ooxml.WORKBOOK_PART)


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on a workbook archive, with real workbooks for scale: the template is
    ~60 KB (380 KB unpacked); a 100,000-row Data sheet (13 indicators) is ~80 MB of XML
    (~12 MB deflated) and the refreshed workbook ~90 MB unpacked; a Data sheet formatted
    cell by cell down to row 1,048,576 adds ~50 MB of XML."""

    max_file_bytes: int = 200 * 1024 ** 2            # the .xlsx/.xlsm on disk
    # Sum of declared member sizes: 1 GiB is ten times the 100,000-row workbook, and what
    # a refresh may have to stream through; beyond it a workbook is far outside what the
    # engine (a province x year panel) is for, and a bomb is the likelier explanation.
    max_total_uncompressed: int = 1024 ** 3
    max_members: int = 10_000
    # Deflated spreadsheet XML is typically 5-15x smaller; the most repetitive real parts
    # (rows of styled empty cells down to row 1,048,576) reach ~40x, and an all-zero
    # image or a blank bitmap can reach ~100x. Deflate's ceiling is ~1030x, which is what
    # bombs use. 200x applies to members of every size: a small member that expands
    # 1000x still adds to the total, and 480 members of 4 MiB of zeros are 2 GB.
    max_ratio: float = 200.0
    # Members this small are let through whatever their ratio: a few KB is harmless, and
    # tiny parts compress unevenly (a 1 KB run of spaces is 100x). 480 of them are 480 KB.
    ratio_applies_above: int = 1024
    # How much of each XML part's start is read to look for a DTD in the prolog.
    prolog_bytes: int = 64 * 1024


DEFAULT_LIMITS = ArchiveLimits()


class UnsafeFileError(Exception):
    """A workbook file that is refused, with a one-line message naming the file."""

    def __init__(self, path: str | os.PathLike, message: str):
        super().__init__(message)
        self.path = Path(path)
        self.message = message

    def __str__(self) -> str:
        return self.message


def require_defused_openpyxl() -> None:
    """Fail loudly unless openpyxl parses XML through defusedxml."""
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise RuntimeError(
            "openpyxl is not using defusedxml (is defusedxml installed, and is "
            "OPENPYXL_DEFUSEDXML unset or True?); refusing to read workbooks without it")


def lock_files(path: str | os.PathLike) -> list[Path]:
    """Lock files beside ``path`` that show it is open in Excel or LibreOffice."""
    target = Path(path)
    candidates = (target.with_name("~$" + target.name),          # Excel (Windows, macOS)
                  target.with_name(f".~lock.{target.name}#"))    # LibreOffice
    return [candidate for candidate in candidates if candidate.exists()]


def _declares_dtd(head: bytes) -> bool | None:
    """True when the prolog at the start of an XML part has a <!DOCTYPE> (or <!ENTITY>),
    False when the root element starts without one, None when ``head`` ends first (a
    prolog longer than what was read: undecided, so refused by the caller)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    # A DTD can only stand before the root element; stop at the first real start tag.
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0 or start + 1 >= len(text):
            return None
        marker = text[start + 1]
        if marker == "?":                                  # XML declaration / PI
            position = start + 2
        elif text.startswith("<!--", start):               # comment
            end = text.find("-->", start + 4)
            if end < 0:
                return None
            position = end + 3
        elif marker == "!":                                # <!DOCTYPE, <!ENTITY, ...
            return True
        else:
            return False


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel saves a password-protected workbook as an OLE compound file whose directory holds
# these streams (MS-OFFCRYPTO); names are stored in UTF-16LE.
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"),
                       "EncryptedPackage".encode("utf-16-le"))


def _is_encrypted_office_file(path: Path) -> bool:
    """An OLE compound file with the streams of an encrypted Office document."""
    with open(path, "rb") as handle:
        if handle.read(len(_OLE_MAGIC)) != _OLE_MAGIC:
            return False
        content = handle.read()   # the file size was checked against the limit already
    return all(stream in content for stream in _ENCRYPTION_STREAMS)


def check_archive(path: str | os.PathLike, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    """Refuse a file that is not an OOXML workbook or exceeds ``limits``."""
    target = Path(path)
    name = str(target)
    not_workbook = f"{name} is not an Excel workbook (.xlsx/.xlsm)"
    if not target.exists():
        raise UnsafeFileError(target, f"{name} does not exist")
    if not target.is_file():
        raise UnsafeFileError(target, not_workbook)
    size = target.stat().st_size
    if size > limits.max_file_bytes:
        raise UnsafeFileError(target, f"{name} is {size / 1024 ** 2:.0f} MB, above the "
                                      f"{limits.max_file_bytes / 1024 ** 2:.0f} MB limit")
    if not zipfile.is_zipfile(target):
        if _is_encrypted_office_file(target):
            raise UnsafeFileError(target, f"{name} is password-protected; save a copy "
                                          "without a password")
        raise UnsafeFileError(target, not_workbook)
    try:
        with zipfile.ZipFile(target) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise UnsafeFileError(target, f"{name} has {len(members)} parts, above the "
                                              f"{limits.max_members} limit; refused")
            names = {member.filename for member in members}
            if any(part not in names for part in REQUIRED_PARTS):
                raise UnsafeFileError(target, not_workbook)
            _check_members(target, members)
            _check_not_strict(target, archive)
            total = 0
            for member in members:
                total += member.file_size
                if total > limits.max_total_uncompressed:
                    raise UnsafeFileError(
                        target, f"{name} would expand to more than "
                                f"{limits.max_total_uncompressed / 1024 ** 3:.0f} GB; refused "
                                "(possible zip bomb)")
                if member.file_size > limits.ratio_applies_above:
                    ratio = member.file_size / max(member.compress_size, 1)
                    if ratio > limits.max_ratio:
                        raise UnsafeFileError(
                            target, f"{name}: part {member.filename} expands {ratio:.0f}x, "
                                    f"above the {limits.max_ratio:.0f}x limit; refused "
                                    "(possible zip bomb)")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        head = stream.read(limits.prolog_bytes)
                    dtd = _declares_dtd(head)
                    if dtd is None and len(head) >= limits.prolog_bytes:
                        raise UnsafeFileError(
                            target, f"{name}: part {member.filename} has more than "
                                    f"{limits.prolog_bytes // 1024} KB before its first "
                                    "element (comments?), which workbooks never have; refused")
                    if dtd:
                        raise UnsafeFileError(
                            target, f"{name}: part {member.filename} declares a DTD "
                                    "(<!DOCTYPE>/<!ENTITY>), which workbooks never contain; "
                                    "refused (possible XML entity attack)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise UnsafeFileError(target, f"{not_workbook}: damaged archive ({error})") from None


# Methods Python's zipfile reads (ZIP_STORED, ZIP_DEFLATED, ZIP_BZIP2, ZIP_LZMA); Excel
# writes the first two only. Deflate64 (9) and the rest would fail half-way through reading.
_READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "Deflate",
                     zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA"}
_METHOD_NAMES = {9: "Deflate64", 10: "PKWARE imploding", 6: "imploding", 98: "PPMd",
                 93: "Zstandard", 95: "XZ", 99: "AES encryption"}
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _check_members(target: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse members that cannot be read as they are (encrypted, an unknown compression
    method) and two members with one name: part names are case-insensitive in OOXML, and
    which of two "xl/styles.xml" counts is up to the reader, so neither is guessed."""
    name = str(target)
    seen: dict[str, str] = {}                  # case-folded name -> the name first seen
    for member in members:
        part = member.filename
        if member.flag_bits & 0x1:
            raise UnsafeFileError(target, f"{name}: part {part} is encrypted inside the zip; "
                                          "save the workbook again from Excel")
        if member.compress_type not in _READABLE_METHODS:
            method = _METHOD_NAMES.get(member.compress_type, "unknown")
            raise UnsafeFileError(target, f"{name}: part {part} uses compression method "
                                          f"{member.compress_type} ({method}), which Excel "
                                          "does not write; save the workbook again from Excel")
        first = seen.get(part.casefold())
        seen.setdefault(part.casefold(), part)
        if first is not None:
            also = "" if first == part else f" (also as {first}: names ignore case)"
            raise UnsafeFileError(target, f"{name}: part {part} is in the file twice{also}; "
                                          "refused (which one counts would be a guess)")


def _check_not_strict(target: Path, archive: zipfile.ZipFile) -> None:
    """Strict Open XML (Excel's "Strict Open XML Spreadsheet") uses other namespaces for
    the same elements; nothing here reads it, so it is refused as such, not as a workbook
    with missing sheets."""
    with archive.open(ooxml.WORKBOOK_PART) as stream:
        head = stream.read(4096)
    if _STRICT_NS in head:
        raise UnsafeFileError(target, f"{target} is saved as Strict Open XML: save as an Excel "
                                      "Workbook (.xlsx) (File > Save As), then refresh that")


def check_readable(path: str | os.PathLike, limits: ArchiveLimits = DEFAULT_LIMITS) -> Path:
    """Everything needed before opening ``path`` for reading; returns it as a Path."""
    require_defused_openpyxl()
    target = Path(path)
    check_archive(target, limits)
    return target


def check_writable(path: str | os.PathLike) -> Path:
    """Refuse to write ``path`` if it is open in Excel, read-only, or its folder is."""
    from trade_resilience_xl.atomic import real_path

    given = Path(path)
    target = real_path(given)          # a link: the file it points to is replaced
    name = str(given)
    locks = lock_files(given) or lock_files(target)
    if locks:
        app = "Excel" if locks[0].name.startswith("~$") else "LibreOffice"
        raise UnsafeFileError(given, f"{name} is open in {app} (lock file {locks[0].name}); "
                                      "close it first")
    if target.exists():
        if target.is_dir():
            raise UnsafeFileError(given, f"{name} is a folder, not a workbook file")
        # Mode bits, not os.access: os.access says "writable" to root (and admin tools)
        # even when the user marked the file read-only, which we want to respect.
        if not target.stat().st_mode & stat.S_IWUSR:
            raise UnsafeFileError(given, f"{name} is read-only; clear the read-only flag "
                                          "or save with --out to another file")
    folder = target.parent
    if not folder.is_dir():
        raise UnsafeFileError(given, f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UnsafeFileError(given, f"folder {folder} is not writable; choose another "
                                      "place with --out")
    return given


def check_for_update(source: str | os.PathLike, target: str | os.PathLike | None = None,
                     limits: ArchiveLimits = DEFAULT_LIMITS) -> tuple[Path, Path]:
    """Checks for reading ``source`` and writing ``target`` (default: ``source`` in place)."""
    readable = check_readable(source, limits)
    writable = check_writable(readable if target is None else target)
    return readable, writable
