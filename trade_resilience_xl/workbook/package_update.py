"""Save a workbook whose result sheets were rewritten: a new package in which only the
result sheets' parts are new, and every other part is copied byte for byte.

Design choice: the result sheets' XML is written directly (``result_sheet_xml``,
``chart_xml``), not by XlsxWriter into a scratch package whose parts are transplanted.
Either way the cell formats must be merged into the workbook's own ``styles.xml`` and
the part names and relationship ids re-made, which is most of the work; writing the XML
ourselves adds no dependency, has one code path for cells, styles and charts, and its
bytes depend on nothing but the input (XlsxWriter is not installed here either).

What changes in the package, and nothing else:

* each result sheet's part (an existing one keeps its part name, relationship id,
  sheetId, tab position and VBA ``codeName``; a missing one is appended at the end);
* the parts only that sheet used (its old drawing, charts, comments, printer settings)
  are dropped, and its new drawing and charts added, named with the smallest free numbers
  (so refreshing again gives the same names and sizes);
* ``[Content_Types].xml`` (Overrides of added and dropped parts), ``xl/styles.xml`` (the
  result formats, appended once), and only when a sheet is appended ``xl/workbook.xml``
  and its relationships; the calculation chain is dropped when it lists a cell of a
  result sheet (Excel rebuilds it; a stale entry makes Excel "repair" the file).
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils.cell import range_boundaries

from trade_resilience_xl.workbook import ooxml
from trade_resilience_xl.workbook.chart_xml import chart_xml, drawing_xml
from trade_resilience_xl.workbook.result_sheet_xml import (
    SheetWrites,
    code_name,
    sheet_xml_parts,
)
from trade_resilience_xl.workbook.result_styles import merge_formats

SHEET_HEAD_BYTES = 64 * 1024        # sheetPr (with the codeName) is the first child


def _graph(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """part -> the internal parts its relationships point at."""
    graph: dict[str, list[str]] = {}
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        source = ooxml.source_of_rels(name)
        graph[source] = [ooxml.resolve(source, rel["Target"])
                         for rel in ooxml.relationships(archive.read(name))
                         if rel.get("TargetMode") != "External"]
    return graph


def _reachable(graph: dict[str, list[str]], roots) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        part = todo.pop()
        if part not in seen:
            seen.add(part)
            todo.extend(graph.get(part, ()))
    return seen


def _free(existing: set[str], pattern: str) -> str:
    number = 1
    while pattern.format(number) in existing:
        number += 1
    name = pattern.format(number)
    existing.add(name)
    return name


def _calc_chain_lists(calc_chain: bytes, sheet_ids: set[str]) -> bool:
    """Whether the calculation chain has a cell on one of ``sheet_ids`` (an entry without
    ``i`` is on the sheet of the entry before it)."""
    current = None
    for match in re.finditer(rb"<(?:\w+:)?c\b([^>]*)>", calc_chain):
        sheet = re.search(rb'\si="(\d+)"', match.group(1))
        if sheet:
            current = sheet.group(1).decode()
        if current in sheet_ids:
            return True
    return False


def _text_categories(writes: SheetWrites, spec) -> bool:
    col, first, _, last = range_boundaries(spec.categories)
    return any(isinstance(writes.value(r, col), str) for r in range(first, last + 1))


def save_package(source: Path, target: Path, results: dict[str, SheetWrites]) -> None:
    """Write ``source`` with the result sheets ``results`` to ``target`` (atomically)."""
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        existing = set(names)
        new: dict[str, bytes | Iterable[bytes]] = {}
        workbook = archive.read(ooxml.WORKBOOK_PART)
        workbook_rels = archive.read(ooxml.WORKBOOK_RELS_PART)
        sheets = {s["name"]: s for s in ooxml.sheets(workbook, workbook_rels)}
        graph = _graph(archive)

        # Parts only the replaced result sheets used: gone with them.
        replaced = {sheets[n]["part"] for n in results if n in sheets}
        keep_graph = {p: t for p, t in graph.items() if p not in replaced}
        kept = _reachable(keep_graph, [""])     # "" is the package root (_rels/.rels)
        dropped = {p for p in _reachable(graph, replaced) - kept - replaced if p in existing}
        dropped |= {ooxml.rels_part_of(p) for p in replaced | dropped} & existing
        existing -= dropped

        styles, style_index = merge_formats(
            archive.read(ooxml.STYLES_PART), [f for w in results.values() for f in w.formats()])
        if styles != archive.read(ooxml.STYLES_PART):
            new[ooxml.STYLES_PART] = styles

        overrides: dict[str, str] = {}
        rels = ooxml.relationships(workbook_rels)
        appended_sheets = []
        types = {r["Id"]: r["Type"] for r in rels}
        for name, writes in results.items():
            if name in sheets and types.get(sheets[name]["rId"]) != ooxml.WORKSHEET_REL:
                from trade_resilience_xl.workbook.file_safety import UnsafeFileError

                raise UnsafeFileError(source, f'{source}: sheet "{name}" is not a worksheet '
                                      "(a chart sheet?); rename or delete it so the results "
                                      "can be written")
            if name in sheets:
                part = sheets[name]["part"]
                with archive.open(part) as stream:
                    head = stream.read(SHEET_HEAD_BYTES)
                old_code_name = code_name(head)
            else:
                part = _free(existing, ooxml.WORKSHEET_PART_PATTERN)
                rel_id = ooxml.free_rel_id({r["Id"] for r in rels})
                rels.append({"Id": rel_id, "Type": ooxml.WORKSHEET_REL,
                             "Target": ooxml.relative(ooxml.WORKBOOK_PART, part)})
                appended_sheets.append((name, rel_id))
                old_code_name = None
            overrides[part] = ooxml.WORKSHEET_CONTENT_TYPE
            drawing_rel = _add_charts(name, writes, part, existing, new, overrides)
            # Made while the package is written, piece by piece (see sheet_xml_parts).
            new[part] = sheet_xml_parts(writes, style_index, code_name=old_code_name,
                                        drawing_rel=drawing_rel)

        # The calculation chain: dropped when it names a cell of a result sheet.
        result_ids = {sheets[n]["sheetId"] for n in results if n in sheets}
        for rel in list(rels):
            if rel["Type"] == ooxml.CALC_CHAIN_REL:
                chain = ooxml.resolve(ooxml.WORKBOOK_PART, rel["Target"])
                if chain in existing and _calc_chain_lists(archive.read(chain), result_ids):
                    rels.remove(rel)
                    dropped.add(chain)
                    existing.discard(chain)
        if appended_sheets or len(rels) != len(ooxml.relationships(workbook_rels)):
            new[ooxml.WORKBOOK_RELS_PART] = ooxml.rels_part(rels)
        if appended_sheets:
            new[ooxml.WORKBOOK_PART] = _with_sheets(workbook, appended_sheets, sheets)

        content_types = archive.read(ooxml.CONTENT_TYPES_PART)
        updated = ooxml.set_content_type_overrides(content_types, overrides, dropped)
        if updated != content_types:
            new[ooxml.CONTENT_TYPES_PART] = updated
        order = [n for n in names if n not in dropped or n in new] + sorted(
            (n for n in new if n not in names), key=_part_order)
        ooxml.write_package(target, order, new, source)


def _add_charts(sheet: str, writes: SheetWrites, part: str, existing: set[str],
                new: dict[str, bytes | Iterable[bytes]], overrides: dict[str, str]
                ) -> str | None:
    """Add the drawing and chart parts of ``writes`` (and the sheet's relationships part)
    to ``new``; return the sheet's relationship id of its drawing (None: no charts)."""
    if not writes.charts:
        return None
    drawing = _free(existing, ooxml.DRAWING_PART_PATTERN)
    anchors, drawing_rels = [], []
    for number, spec in enumerate(writes.charts, start=1):
        chart = _free(existing, ooxml.CHART_PART_PATTERN)
        new[chart] = chart_xml(spec, sheet, _text_categories(writes, spec))
        overrides[chart] = ooxml.CHART_CONTENT_TYPE
        drawing_rels.append({"Id": f"rId{number}", "Type": ooxml.CHART_REL,
                             "Target": ooxml.relative(drawing, chart)})
        anchors.append((f"rId{number}", spec))
    new[drawing] = drawing_xml(anchors)
    new[ooxml.rels_part_of(drawing)] = ooxml.rels_part(drawing_rels)
    overrides[drawing] = ooxml.DRAWING_CONTENT_TYPE
    new[ooxml.rels_part_of(part)] = ooxml.rels_part([{
        "Id": "rId1", "Type": ooxml.DRAWING_REL, "Target": ooxml.relative(part, drawing)}])
    return "rId1"


def _part_order(name: str) -> tuple:
    """Sheets, then drawings, then charts; numbers in numeric order."""
    number = re.search(r"(\d+)\.xml", name)
    return (name.split("/")[1] if "/" in name else "", "_rels" in name,
            int(number.group(1)) if number else 0, name)


def _with_sheets(workbook: bytes, appended: list[tuple[str, str]], sheets: dict) -> bytes:
    """``xl/workbook.xml`` with ``<sheet>`` entries added at the end of ``<sheets>``."""
    text = workbook.decode("utf-8")
    end = re.search(r"</((?:\w+:)?)sheets>", text)
    prefix = end.group(1)
    # The relationships namespace is declared on each new element: a declaration found
    # elsewhere in the part may be local to another element (openpyxl with lxml declares it
    # on every <sheet>), and a local declaration is valid whatever the root declares.
    next_id = max([int(s["sheetId"]) for s in sheets.values()] + [0]) + 1
    entries = []
    for offset, (name, rel_id) in enumerate(appended):
        entries.append(f'<{prefix}sheet xmlns:r="{ooxml.DOC_RELS_NS}" name="{ooxml.escape(name)}" '
                       f'sheetId="{next_id + offset}" r:id="{rel_id}"/>')
    return (text[:end.start()] + "".join(entries) + text[end.start():]).encode("utf-8")
