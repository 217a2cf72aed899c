"""Two repairs of what pyOpenVBA 6.5.0 writes into vbaProject.bin, so the file is laid out
as [MS-OVBA]/[MS-CFB] and Excel have it (tests/test_vba_project.py compares with the
Excel-made quickstart.xlsm in the xlwings wheel). Both work on pyOpenVBA's ``CFB`` object
before it is serialised; both refuse rather than guess when pyOpenVBA's output changes.
"""
from __future__ import annotations

#: [MS-OVBA] 2.3.4.2: the dir stream ends with the last module's Terminator (Id 0x002B,
#: Reserved u32 0) and its own Terminator (Id 0x0010, Reserved u32 0), nothing after; files
#: Excel made end there. pyOpenVBA 6.5.0 writes four more zero bytes after the latter.
DIR_STREAM_END = bytes.fromhex("2B0000000000" "100000000000")
_PYOPENVBA_DIR_PADDING = bytes(4)


def dir_ending_at_its_terminator(compressed_dir: bytes) -> bytes:
    """The dir stream with pyOpenVBA's four bytes after the terminator removed."""
    from pyopenvba.vba import compress, decompress

    raw = decompress(compressed_dir, stream_name="VBA/dir")
    if raw.endswith(DIR_STREAM_END + _PYOPENVBA_DIR_PADDING):
        raw = raw[:-len(_PYOPENVBA_DIR_PADDING)]
    if not raw.endswith(DIR_STREAM_END):
        raise ValueError("pyOpenVBA wrote a VBA dir stream that does not end with its "
                         "terminator; the pinned version's format has changed")
    return compress(raw)


#: [MS-CFB] 2.6.1 directory entry: Color Flag at byte 67 (after the 64-byte name, its
#: 2-byte length and the 1-byte object type); 0x01 is black.
_COLOR_FLAG_OFFSET, _BLACK = 67, 1


def blacken_directory(cfb) -> None:
    """Colour every directory entry black. [MS-CFB] 2.6.4 asks of each sibling tree only
    that no two consecutive nodes be red (plus the name order, which pyOpenVBA keeps);
    all black meets that, as Excel-made files (whose entries are mostly black) do, whereas
    pyOpenVBA leaves the template's entries red, with red parents of red children. Works on
    pyOpenVBA's parsed entries, whose ``raw`` bytes it writes back verbatim."""
    for entry in cfb._directory:
        if entry.obj_type == 0:            # unused slot
            continue
        if len(entry.raw) != 128:
            raise ValueError(f"pyOpenVBA keeps no raw directory entry for {entry.name!r}; "
                             "the pinned version's format has changed")
        raw = bytearray(entry.raw)
        raw[_COLOR_FLAG_OFFSET] = _BLACK
        entry.raw = bytes(raw)
