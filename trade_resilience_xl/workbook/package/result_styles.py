"""The cell formats of the result sheets, appended to a workbook's ``xl/styles.xml`` once.

A refresh writes the result sheets' XML itself (see ``package_update``), so their cells
need format indices into the workbook's own styles part, which the input sheets use too
and which must not be disturbed. Each format the result sheets need (font, fill,
alignment, number format; the looks are ``styles.py``'s) is looked up among the formats
already there, compared as XML; only missing ones are appended, at the end of each list,
so every existing index keeps its meaning. A second refresh finds all of them and leaves
the part byte for byte as it was: nothing accumulates over refreshes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.styles import (
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    TITLE_FONT,
    WARNING_FONT,
)

FONTS = {"title": TITLE_FONT, "note": NOTE_FONT, "warning": WARNING_FONT,
         "header": HEADER_FONT}
# Excel's default size; a font without <sz> is drawn at the application's default.
DEFAULT_SIZE = 11
FIRST_CUSTOM_FORMAT = 164          # ids below are Excel's built-in number formats


@dataclass(frozen=True)
class CellFormat:
    """One result-sheet cell format: a font of ``FONTS`` (or the default), the header
    fill and centred wrapped alignment, a number format."""

    font: str | None = None
    header: bool = False
    number_format: str = "General"


def _rgb(color) -> str:
    return "FF" + color.rgb[-6:]


def _font_xml(name: str) -> str:
    font = FONTS[name]
    parts = ["<b/>" if font.b else "", "<i/>" if font.i else "",
             f'<sz val="{font.sz or DEFAULT_SIZE:g}"/>',
             f'<color rgb="{_rgb(font.color)}"/>' if font.color is not None else "",
             f'<name val="{ooxml.escape(font.name)}"/>']
    return "<font>" + "".join(parts) + "</font>"


def _fill_xml() -> str:
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="{_rgb(HEADER_FILL.fgColor)}"/>'
            '<bgColor indexed="64"/></patternFill></fill>')


def _canonical(element) -> tuple:
    """An element as comparable data: local tag, attributes, children (text ignored)."""
    return (element.tag.rsplit("}", 1)[-1], tuple(sorted(
        (k.rsplit("}", 1)[-1], v) for k, v in element.attrib.items())),
        tuple(_canonical(child) for child in element))


def _parse_fragment(xml: str) -> tuple:
    return _canonical(SafeET.fromstring(f'<x xmlns="{ooxml.MAIN_NS}">{xml}</x>')[0])


class _List:
    """One list of the styles part (fonts, fills, cellXfs, numFmts) and what to append."""

    def __init__(self, root, tag: str) -> None:
        self.tag = tag
        container = root.find(f"{{{ooxml.MAIN_NS}}}{tag}")
        self.items = [] if container is None else [_canonical(e) for e in container]
        self.present = container is not None
        self.added: list[str] = []

    def index_of(self, xml: str) -> int:
        canonical = _parse_fragment(xml)
        if canonical in self.items:
            return self.items.index(canonical)
        self.items.append(canonical)
        self.added.append(xml)
        return len(self.items) - 1


def merge_formats(styles: bytes, formats: list[CellFormat]) -> tuple[bytes, dict[CellFormat, int]]:
    """``(styles part, format -> cellXfs index)``; the part is ``styles`` itself when every
    format was already there."""
    root = SafeET.fromstring(styles)
    lists = {tag: _List(root, tag) for tag in ("numFmts", "fonts", "fills", "cellXfs")}
    codes = {dict(item[1])["formatCode"]: int(dict(item[1])["numFmtId"])
             for item in lists["numFmts"].items}
    index: dict[CellFormat, int] = {}
    for fmt in formats:
        if fmt in index:
            continue
        font_id = lists["fonts"].index_of(_font_xml(fmt.font)) if fmt.font else 0
        fill_id = lists["fills"].index_of(_fill_xml()) if fmt.header else 0
        number_id = BUILTIN_FORMATS_REVERSE.get(fmt.number_format)
        if number_id is None:
            number_id = codes.get(fmt.number_format)
        if number_id is None:
            number_id = max([FIRST_CUSTOM_FORMAT - 1, *codes.values()]) + 1
            codes[fmt.number_format] = number_id
            lists["numFmts"].index_of(f'<numFmt numFmtId="{number_id}" '
                                      f'formatCode="{ooxml.escape(fmt.number_format)}"/>')
        applies = (' applyNumberFormat="1"' if number_id else "") + (
            ' applyFont="1"' if fmt.font else "") + (
            ' applyFill="1" applyAlignment="1"' if fmt.header else "")
        alignment = ('<alignment horizontal="center" vertical="center" wrapText="1"/>'
                     if fmt.header else "")
        xf = (f'<xf numFmtId="{number_id}" fontId="{font_id}" fillId="{fill_id}" borderId="0" '
              f'xfId="0"{applies}>{alignment}</xf>')
        index[fmt] = lists["cellXfs"].index_of(xf)
    if not any(lst.added for lst in lists.values()):
        return styles, index
    return _appended(styles, lists), index


def _appended(styles: bytes, lists: dict[str, _List]) -> bytes:
    """``styles`` with each list's new entries inserted before its end tag (count updated);
    text surgery rather than re-serialising, so nothing else in the part changes."""
    text = styles.decode("utf-8")
    root_tag = re.search(r"<((?:\w+:)?)styleSheet\b", text)
    prefix = root_tag.group(1)

    def tagged(xml: str) -> str:          # our fragments, in the part's own prefix
        return re.sub(r"<(/?)(?=[a-zA-Z])", rf"<\1{prefix}", xml) if prefix else xml

    for tag, lst in lists.items():
        if not lst.added:
            continue
        new = "".join(tagged(xml) for xml in lst.added)
        if not lst.present:                 # only numFmts may be absent: it comes first
            start = text.index(">", root_tag.start()) + 1
            text = (text[:start] + f'<{prefix}{tag} count="{len(lst.items)}">{new}'
                    f"</{prefix}{tag}>" + text[start:])
            continue
        opening = re.search(rf"<{re.escape(prefix)}{tag}\b[^>]*?(/?)>", text)
        start_tag = re.sub(r'\scount="\d*"', "", opening.group(0).rstrip("/>").rstrip())
        start_tag += f' count="{len(lst.items)}">'
        if opening.group(1):                # <fonts count="0"/>
            text = (text[:opening.start()] + start_tag + new + f"</{prefix}{tag}>"
                    + text[opening.end():])
        else:
            end = text.index(f"</{prefix}{tag}>", opening.end())
            text = (text[:opening.start()] + start_tag + text[opening.end():end] + new
                    + text[end:])
    return text.encode("utf-8")
