"""Small helpers over an OOXML package (a zip of XML and binary parts).

The template is rebuilt by tests and compared part by part with the committed file, so
writing is deterministic: fixed timestamps, fixed compression, stable part order, and
``[Content_Types].xml`` first (Office and openpyxl both expect it there).
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from trade_resilience_xl.atomic import replacing

CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# 1980-01-01 00:00:00 is the earliest date a zip entry can carry; any fixed value works,
# this one is the conventional "no real timestamp" choice.
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def read_parts(path: str | os.PathLike | IO[bytes]) -> dict[str, bytes]:
    """Return every part of the package (a path or a binary file object), keyed by part
    name, in zip order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_parts(path: str | os.PathLike, parts: dict[str, bytes]) -> None:
    """Write ``parts`` as a package at ``path``, atomically and byte-deterministically.

    A temp file in the destination folder is filled, fsynced and moved over ``path`` with
    ``os.replace``, so a crash never leaves a half-written workbook behind.
    """
    target = Path(path)
    ordered = [name for name in parts if name == CONTENT_TYPES_PART]
    ordered += [name for name in parts if name != CONTENT_TYPES_PART]
    with replacing(target, "wb") as raw:
        with zipfile.ZipFile(raw, "w") as archive:
            for name in ordered:
                info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                # "Made by MS-DOS" with no attributes, as Office writes it; the default
                # depends on the building OS, which would make bytes differ by platform.
                info.create_system = 0
                info.external_attr = 0
                archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED,
                                 compresslevel=6)


def _serialize(root: ET.Element, default_ns: str) -> bytes:
    # Register the package namespace as the default so the output keeps the plain
    # <Types>/<Relationships> form Office writes, not ns0: prefixes.
    ET.register_namespace("", default_ns)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


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


def set_content_type_override(content_types: bytes, part_name: str, content_type: str) -> bytes:
    """Return ``[Content_Types].xml`` with an Override for ``part_name`` (replaced if present).

    ``part_name`` may be given with or without the leading slash the format requires.
    """
    part_name = "/" + part_name.lstrip("/")
    root = SafeET.fromstring(content_types)
    tag = f"{{{CONTENT_TYPES_NS}}}Override"
    for element in root.findall(tag):
        if element.get("PartName") == part_name:
            element.set("ContentType", content_type)
            return _serialize(root, CONTENT_TYPES_NS)
    root.append(ET.Element(tag, {"PartName": part_name, "ContentType": content_type}))
    return _serialize(root, CONTENT_TYPES_NS)


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


def empty_rels() -> bytes:
    """A relationships part with no relationships, for parts that have none yet."""
    return _serialize(ET.Element(f"{{{PACKAGE_RELS_NS}}}Relationships"), PACKAGE_RELS_NS)


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
    number = 1
    while f"rId{number}" in taken:
        number += 1
    rel_id = f"rId{number}"
    root.append(ET.Element(tag, {"Id": rel_id, "Type": rel_type, "Target": target}))
    return _serialize(root, PACKAGE_RELS_NS), rel_id


def relationships(rels: bytes) -> list[dict[str, str]]:
    """All relationships of a .rels part as dicts with Id, Type, Target (and TargetMode)."""
    root = SafeET.fromstring(rels)
    return [dict(element.attrib) for element in root.findall(f"{{{PACKAGE_RELS_NS}}}Relationship")]


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
OFFICE_DOC_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWINGML_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
