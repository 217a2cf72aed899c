"""The fast path of ``package_reader``: cell values of a worksheet part by regular
expression, for parts in the plain form every spreadsheet application writes.

A 100,000-row Data sheet has 1.7 million cells; a callback per XML event (expat) costs
several seconds for them, a regular expression that takes a whole ``<c>`` element at a
time about a third of that. The common cells are taken directly: a value (number,
shared string, boolean, error, formula text result) or a plain inline string. Every
other cell (a formula, rich text, unusual attributes) is handed, with its address, to
the general expat parser, so nothing is read differently, only faster. A part whose
elements are prefixed (``<x:c>``) or a cell without its address is left to the general
parser entirely (``NotPlain``).

The part is read in chunks cut after a ``</row>``, never held whole in memory.
"""
from __future__ import annotations

import codecs
import re
from html import unescape

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.package.cell_xml import typed_value, xml_number
from trade_resilience_xl.workbook.package.helper_thread import Helper

HEAD_BYTES = 4096
CHUNK_BYTES = 4 * 1024 * 1024

_PLAIN_ROOT = re.compile(rb'<worksheet\b[^>]*\sxmlns="' + re.escape(ooxml.MAIN_NS.encode())
                         + rb'"')
# Alternatives, in the order tried at each "<c": (1) a value cell or an empty one,
# (2) a plain inline string, (3) any other cell element (general parser).
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?:/>|></c>|><v>([^<]*)</v></c>)'
    r'|<c r="([A-Z]{1,3})(\d+)"(?: s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>'
    r"([^<]*)</t></is></c>"
    r"|(<c[\s/>][^>]*?(?:/>|>.*?</c>))", re.S)
_MERGE = re.compile(r'<mergeCell ref="([^"]*)"')
# A row holding only cells without content (formatting down to row 1,048,576): dropped
# before the cell scan, in one pass of the regex engine instead of a match per cell.
_EMPTY_ROWS = re.compile(r'<row [^>]*>(?:<c [^>]*/>)*</row>')
_HAS_ADDRESS = re.compile(r'^<c\b[^>]*\sr="[A-Z]{1,3}\d+"')


class NotPlain(Exception):
    """The part is not in the plain form; read it with the general parser."""


def plain_namespace(head: bytes) -> bool:
    """The part's root is an unprefixed ``<worksheet>`` in the SpreadsheetML namespace."""
    return bool(_PLAIN_ROOT.search(head))


def _chunks(stream):
    """Text of the part in pieces that each end after a ``</row>`` (the last: the rest).
    The next piece is inflated in a helper thread (zlib lets go of the GIL) while the
    caller scans this one. A scan stopped early (NotPlain) may leave that read running
    when the caller closes the stream: it then fails in its thread, unseen, and the part
    is read again by the general parser through a stream of its own."""
    with Helper() as helper:
        yield from _pieces(stream, helper)


def _pieces(stream, helper):
    decoder = codecs.getincrementaldecoder("utf-8")()
    carry = ""
    ahead = helper.submit(stream.read, CHUNK_BYTES)
    while True:
        data = ahead.result()
        if data:
            ahead = helper.submit(stream.read, CHUNK_BYTES)
        text = carry + decoder.decode(data, final=not data)
        if not data:
            if text:
                yield text
            return
        cut = text.rfind("</row>")
        if cut < 0:
            carry = text
            continue
        cut += len("</row>")
        carry = text[cut:]
        yield text[:cut]


def scan(stream, cells) -> None:
    """Put every cell value of the part read from ``stream`` into ``cells``
    (a ``package_reader.SheetCells``)."""
    try:
        _scan(stream, cells, typed_value, xml_number)
    except (ValueError, IndexError, OverflowError):
        # A value its cell type cannot hold ("0x10", a shared-string index past the
        # table): the general parser reads the part again and names the cell.
        raise NotPlain from None


def _scan(stream, cells, typed_value, xml_number) -> None:
    column, columns, rows = cells.column, cells.columns, cells.rows
    strings, dates, epoch = cells.strings, cells.dates, cells.epoch
    row_key, row = None, None               # cells come row by row: keep the current one
    for text in _chunks(stream):
        text = _EMPTY_ROWS.sub("", text)
        general = []
        for letters, row_text, style, kind, raw, i_letters, i_row, inline, other in \
                _CELL.findall(text):
            if letters:
                if not raw:
                    continue                      # empty or styled-only cell
                if not kind or kind == "n":
                    value = xml_number(raw)
                    if style in dates:
                        value = typed_value(raw, "n", style, strings, dates, epoch)
                elif kind == "s" and raw.isdigit() and raw.isascii():
                    value = strings[int(raw)]
                else:
                    value = typed_value(unescape(raw) if "&" in raw else raw, kind, style,
                                        strings, dates, epoch)
            elif i_letters:
                letters, row_text = i_letters, i_row
                value = unescape(inline) if "&" in inline else inline
            else:
                if not _HAS_ADDRESS.match(other):
                    raise NotPlain
                general.append(other)
                continue
            if row_text != row_key:
                row_key = row_text
                row = rows.get(int(row_text))
                if row is None:
                    row = rows[int(row_text)] = []
            col = columns.get(letters) or column(letters)
            if len(row) < col:
                row.extend([None] * (col - len(row)))
            row[col - 1] = value
        if general:
            cells.fragment("".join(general))
        cells.merges.extend(_MERGE.findall(text))
