"""What the project knows about OOXML packages, in one place: part names, namespaces,
content types, relationship types, the dynamic-array cell marking, and reading/writing
the zip itself. The builder, the VBA writer and the refresh writer all use these.

Writing is deterministic: fixed timestamps, fixed compression, stable part order, and
``[Content_Types].xml`` first (Office and openpyxl both expect it there). The template is
rebuilt by tests and compared part by part with the committed file, and a refresh's
output depends only on its input.
"""
from __future__ import annotations

import contextlib
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable
from typing import IO
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from trade_resilience_xl.atomic import replacing
from trade_resilience_xl.workbook.package.zip_writer import ZipWriter

# ------------------------------------------------------------------ part names
CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS_PART = "xl/_rels/workbook.xml.rels"
STYLES_PART = "xl/styles.xml"
METADATA_PART = "xl/metadata.xml"
VBA_PROJECT_PART = "xl/vbaProject.bin"
CUSTOM_UI_PART = "customUI/customUI.xml"
# Names for new parts, numbered like Excel numbers them ({} is 1, 2, ...).
WORKSHEET_PART_PATTERN = "xl/worksheets/sheet{}.xml"
DRAWING_PART_PATTERN = "xl/drawings/drawing{}.xml"
CHART_PART_PATTERN = "xl/charts/chart{}.xml"

# ------------------------------------------------------------------ namespaces
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DYNAMIC_ARRAY_NS = "http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"

# ------------------------------------------------------------------ content types
_OFFICE_DOC = "application/vnd.openxmlformats-officedocument"
WORKSHEET_CONTENT_TYPE = f"{_OFFICE_DOC}.spreadsheetml.worksheet+xml"
DRAWING_CONTENT_TYPE = f"{_OFFICE_DOC}.drawing+xml"
CHART_CONTENT_TYPE = f"{_OFFICE_DOC}.drawingml.chart+xml"
METADATA_CONTENT_TYPE = f"{_OFFICE_DOC}.spreadsheetml.sheetMetadata+xml"
MACRO_MAIN_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MAIN_CONTENT_TYPE = f"{_OFFICE_DOC}.spreadsheetml.sheet.main+xml"      # .xlsx
VBA_PROJECT_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
# Excel types customUI parts with the package's generic XML Default; no Override needed.
CUSTOM_UI_CONTENT_TYPE = "application/xml"

# ------------------------------------------------------------------ relationship types
WORKSHEET_REL = f"{DOC_RELS_NS}/worksheet"
DRAWING_REL = f"{DOC_RELS_NS}/drawing"
CHART_REL = f"{DOC_RELS_NS}/chart"
CALC_CHAIN_REL = f"{DOC_RELS_NS}/calcChain"
METADATA_REL = f"{DOC_RELS_NS}/sheetMetadata"
VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CUSTOM_UI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
# The Office 2010+ ribbon part (customUI14.xml) Excel and ribbon editors may add.
CUSTOM_UI_2007_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"

# ------------------------------------------------------------------ dynamic arrays
# One cell-metadata record (cm="1") pointing at the XLDAPR dynamic-array property, in the
# form Excel and XlsxWriter write it. A formula cell carrying cm="1" is a dynamic array
# (spills); without it Excel 365 shows a legacy array formula (=@..., one value).
DYNAMIC_ARRAY_METADATA = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<metadata xmlns="{MAIN_NS}" xmlns:xda="{DYNAMIC_ARRAY_NS}">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" '
    'copy="1" pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" '
    'clearFormats="1" clearComments="1" assign="1" coerce="1" cellMeta="1"/></metadataTypes>'
    '<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    '<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk>'
    '</futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    '</metadata>'
).encode()

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# ====================================================================== zip in, zip out
def read_parts(path: str | os.PathLike | IO[bytes]) -> dict[str, bytes]:
    """Return every part of the package (a path or a binary file object), keyed by part
    name, in zip order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_package(path: str | os.PathLike, names: Iterable[str],
                  new: dict[str, bytes] | dict[str, bytes | Iterable[bytes]],
                  source: str | os.PathLike | None = None) -> None:
    """Write the parts ``names`` as a package at ``path``, atomically.

    A part is ``new[name]`` when given there (bytes, or pieces of bytes deflated as they
    are made), else copied from the package at ``source``
    as its compressed bytes (``zip_writer``: streamed, never held whole in memory, and
    byte-identical). A temp file beside ``path`` is filled, fsynced and moved over it
    (``atomic.replacing``): a crash or a full disk never leaves a half-written workbook.
    """
    names = list(names)
    ordered = [n for n in names if n == CONTENT_TYPES_PART] + [
        n for n in names if n != CONTENT_TYPES_PART]
    with contextlib.ExitStack() as stack:
        archive = raw = None
        if source is not None and any(n not in new for n in ordered):
            archive = stack.enter_context(zipfile.ZipFile(source))
            raw = stack.enter_context(open(source, "rb"))
        out = stack.enter_context(replacing(path, "wb"))
        writer = ZipWriter(out)
        for name in ordered:
            if name in new:
                writer.write(name, new[name])
            else:
                writer.copy(archive, raw, archive.getinfo(name))
        writer.close()


def write_parts(path: str | os.PathLike, parts: dict[str, bytes]) -> None:
    """Write ``parts`` (all in memory) as a package at ``path``; see ``write_package``."""
    write_package(path, parts, parts)


# ====================================================================== XML helpers
def escape(text: str) -> str:
    """``text`` for XML character data or a double-quoted attribute; characters XML 1.0
    cannot carry (control characters other than tab/newline/CR) are dropped."""
    text = _INVALID_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _serialize(root: ET.Element, default_ns: str) -> bytes:
    # Register the package namespace as the default so the output keeps the plain
    # <Types>/<Relationships> form Office writes, not ns0: prefixes.
    ET.register_namespace("", default_ns)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


# ====================================================================== content types
def add_content_type_default(content_types: bytes, extension: str, content_type: str) -> bytes:
    """Return ``[Content_Types].xml`` with a Default for ``extension`` (replaced if present)."""
    root = SafeET.fromstring(content_types)
    tag = f"{{{CONTENT_TYPES_NS}}}Default"
    for element in root.findall(tag):
        if element.get("Extension", "").lower() == extension.lower():
            element.set("ContentType", content_type)
            return _serialize(root, CONTENT_TYPES_NS)
    new = ET.Element(tag, {"Extension": extension, "ContentType": content_type})
    # Defaults conventionally precede Overrides; insert after the last Default.
    defaults = root.findall(tag)
    position = list(root).index(defaults[-1]) + 1 if defaults else 0
    root.insert(position, new)
    return _serialize(root, CONTENT_TYPES_NS)


def remove_content_type_defaults(content_types: bytes, content_type: str) -> bytes:
    """``[Content_Types].xml`` without the Defaults that give ``content_type`` (the input
    bytes when there is none)."""
    root = SafeET.fromstring(content_types)
    defaults = [element for element in root.findall(f"{{{CONTENT_TYPES_NS}}}Default")
                if element.get("ContentType") == content_type]
    for element in defaults:
        root.remove(element)
    return _serialize(root, CONTENT_TYPES_NS) if defaults else content_types


def set_content_type_override(content_types: bytes, part_name: str, content_type: str) -> bytes:
    """Return ``[Content_Types].xml`` with an Override for ``part_name`` (replaced if present).

    ``part_name`` may be given with or without the leading slash the format requires.
    """
    return set_content_type_overrides(content_types, {part_name: content_type}, ())


def set_content_type_overrides(content_types: bytes, overrides: dict[str, str],
                               removed: Iterable[str]) -> bytes:
    """``[Content_Types].xml`` with ``overrides`` (part -> type) set and the Overrides of
    the ``removed`` parts dropped; the input bytes when nothing changes."""
    wanted = {"/" + p.lstrip("/"): t for p, t in overrides.items()}
    gone = {"/" + p.lstrip("/") for p in removed} - set(wanted)
    root = SafeET.fromstring(content_types)
    tag = f"{{{CONTENT_TYPES_NS}}}Override"
    changed = False
    for element in root.findall(tag):
        name = element.get("PartName")
        if name in gone:
            root.remove(element)
            changed = True
        elif name in wanted:
            if element.get("ContentType") != wanted[name]:
                element.set("ContentType", wanted.pop(name))
                changed = True
            else:
                wanted.pop(name)
    for name, content_type in wanted.items():
        root.append(ET.Element(tag, {"PartName": name, "ContentType": content_type}))
        changed = True
    return _serialize(root, CONTENT_TYPES_NS) if changed else content_types


def content_type_of(content_types: bytes, part_name: str) -> str | None:
    """The content type a part gets: its Override, else the Default for its extension."""
    part_name = "/" + part_name.lstrip("/")
    root = SafeET.fromstring(content_types)
    for element in root.findall(f"{{{CONTENT_TYPES_NS}}}Override"):
        if element.get("PartName") == part_name:
            return element.get("ContentType")
    extension = part_name.rsplit(".", 1)[-1].lower()
    for element in root.findall(f"{{{CONTENT_TYPES_NS}}}Default"):
        if element.get("Extension", "").lower() == extension:
            return element.get("ContentType")
    return None


# ====================================================================== relationships
def empty_rels() -> bytes:
    """A relationships part with no relationships, for parts that have none yet."""
    return _serialize(ET.Element(f"{{{PACKAGE_RELS_NS}}}Relationships"), PACKAGE_RELS_NS)


def rels_part(relationships_: list[dict[str, str]]) -> bytes:
    """A relationships part holding exactly ``relationships_`` (dicts of Id, Type, Target)."""
    root = ET.Element(f"{{{PACKAGE_RELS_NS}}}Relationships")
    for rel in relationships_:
        ET.SubElement(root, f"{{{PACKAGE_RELS_NS}}}Relationship", rel)
    return _serialize(root, PACKAGE_RELS_NS)


def add_relationship(rels: bytes | None, rel_type: str, target: str) -> tuple[bytes, str]:
    """Return ``(rels, id)`` with a relationship of ``rel_type`` to ``target``.

    Idempotent: an existing relationship with the same type and target is reused, so
    running the installer twice does not stack duplicates. New ids are ``rIdN`` with the
    smallest N not taken.
    """
    root = SafeET.fromstring(rels if rels is not None else empty_rels())
    tag = f"{{{PACKAGE_RELS_NS}}}Relationship"
    taken = set()
    for element in root.findall(tag):
        if element.get("Type") == rel_type and element.get("Target") == target:
            return _serialize(root, PACKAGE_RELS_NS), element.get("Id", "")
        taken.add(element.get("Id"))
    rel_id = free_rel_id(taken)
    root.append(ET.Element(tag, {"Id": rel_id, "Type": rel_type, "Target": target}))
    return _serialize(root, PACKAGE_RELS_NS), rel_id


def free_rel_id(taken) -> str:
    """``rIdN`` with the smallest N not in ``taken``."""
    number = 1
    while f"rId{number}" in taken:
        number += 1
    return f"rId{number}"


def relationships(rels: bytes) -> list[dict[str, str]]:
    """All relationships of a .rels part as dicts with Id, Type, Target (and TargetMode)."""
    root = SafeET.fromstring(rels)
    return [dict(element.attrib) for element in root.findall(f"{{{PACKAGE_RELS_NS}}}Relationship")]


def rels_part_of(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def source_of_rels(rels: str) -> str:
    """``xl/worksheets/_rels/sheet1.xml.rels`` -> ``xl/worksheets/sheet1.xml``; the
    package's own ``_rels/.rels`` -> ``""`` (the package root)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[:-len(".rels")])


def resolve(source_part: str, target: str) -> str:
    """The part a relationship of ``source_part`` points at (relative or absolute)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relative(source_part: str, part: str) -> str:
    """The relative target ``source_part``'s relationships use for ``part``."""
    return posixpath.relpath(part, posixpath.dirname(source_part))


def part_graph(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """part -> the internal parts its relationships point at (``""``: the package root)."""
    graph: dict[str, list[str]] = {}
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        source = source_of_rels(name)
        graph[source] = [resolve(source, rel["Target"])
                         for rel in relationships(archive.read(name))
                         if rel.get("TargetMode") != "External"]
    return graph


def reachable_parts(graph: dict[str, list[str]], roots: Iterable[str]) -> set[str]:
    """``roots`` and every part reachable from them in ``graph``."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo.extend(graph.get(part, ()))
    return seen


# ====================================================================== workbook
def sheets(workbook_xml: bytes, workbook_rels: bytes) -> list[dict[str, str]]:
    """The workbook's sheets in tab order: dicts with name, sheetId, rId and part."""
    targets = {rel["Id"]: resolve(WORKBOOK_PART, rel["Target"])
               for rel in relationships(workbook_rels)}
    root = SafeET.fromstring(workbook_xml)
    return [{"name": s.get("name"), "sheetId": s.get("sheetId"),
             "rId": s.get(f"{{{DOC_RELS_NS}}}id"),
             "part": targets.get(s.get(f"{{{DOC_RELS_NS}}}id"), "")}
            for s in root.iter(f"{{{MAIN_NS}}}sheet")]


def workbook_part_of_type(workbook_rels: bytes, rel_type: str) -> str | None:
    """The part the workbook's first relationship of type ``.../rel_type`` points at
    (``styles``, ``sharedStrings``), None when it has none. Excel finds these parts through
    the relationships, whatever their names: so do we."""
    for rel in relationships(workbook_rels):
        if rel.get("Type", "").endswith("/" + rel_type) and rel.get("TargetMode") != "External":
            return resolve(WORKBOOK_PART, rel["Target"])
    return None


def styles_part(workbook_rels: bytes) -> str | None:
    """The workbook's styles part (``xl/styles.xml`` when Excel or openpyxl wrote it)."""
    return workbook_part_of_type(workbook_rels, "styles")


def sheet_part_name(parts: dict[str, bytes], sheet_name: str) -> str:
    """The part name (``xl/worksheets/sheetN.xml``) of the sheet called ``sheet_name``."""
    for sheet in sheets(parts[WORKBOOK_PART], parts[WORKBOOK_RELS_PART]):
        if sheet["name"] == sheet_name and sheet["part"]:
            return sheet["part"]
    raise KeyError(f"workbook has no sheet {sheet_name!r}")


def mark_dynamic_arrays(parts: dict[str, bytes], sheet_name: str,
                        anchors: list[str]) -> dict[str, bytes]:
    """Mark the array formulas at ``anchors`` as dynamic arrays (cm="1" + metadata part,
    its content type and workbook relationship). Only formula cells are marked: an
    anchor without ``<f t="array" ref="ANCHOR">`` is an error."""
    parts = dict(parts)
    part = sheet_part_name(parts, sheet_name)
    xml = parts[part].decode("utf-8")
    for anchor in anchors:
        # <c r="A14" ...><f t="array" ref="A14">...: add cm to that start tag.
        pattern = re.compile(rf'<c r="{anchor}"((?:\s[^>]*?)?)>(?=<f t="array" ref="{anchor}">)')
        xml, count = pattern.subn(
            lambda m, anchor=anchor: f'<c r="{anchor}"{m.group(1)} cm="1">'
            if 'cm="' not in m.group(1) else m.group(0), xml, count=1)
        if count != 1:
            raise RuntimeError(f"array formula cell {anchor} not found in {part}")
    parts[part] = xml.encode("utf-8")
    parts[METADATA_PART] = DYNAMIC_ARRAY_METADATA
    parts[CONTENT_TYPES_PART] = set_content_type_override(
        parts[CONTENT_TYPES_PART], METADATA_PART, METADATA_CONTENT_TYPE)
    parts[WORKBOOK_RELS_PART], _ = add_relationship(
        parts[WORKBOOK_RELS_PART], METADATA_REL, "metadata.xml")
    return parts


# ---------------------------------------------------------------------------------------
# xlwings Lite: the web-extension parts that carry the add-in reference and its main.py /
# requirements.txt (format read from Excel-saved files, ../shared notes excel-integration.md).
WEBEXTENSION_TASKPANES_PART = "xl/webextensions/taskpanes.xml"
WEBEXTENSION_TASKPANES_RELS_PART = "xl/webextensions/_rels/taskpanes.xml.rels"
WEBEXTENSION_PART = "xl/webextensions/webextension1.xml"
WEBEXTENSION_TASKPANES_CONTENT_TYPE = "application/vnd.ms-office.webextensiontaskpanes+xml"
WEBEXTENSION_CONTENT_TYPE = "application/vnd.ms-office.webextension+xml"
WEBEXTENSION_TASKPANES_REL_TYPE = ("http://schemas.microsoft.com/office/2011/relationships/"
                                   "webextensiontaskpanes")
WEBEXTENSION_REL_TYPE = "http://schemas.microsoft.com/office/2011/relationships/webextension"
WEBEXTENSION_TASKPANES_NS = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
WEBEXTENSION_NS = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
