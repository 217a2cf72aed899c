"""Save a workbook whose result sheets were rewritten: a new package in which only the
result sheets' parts are new, and every other part is copied byte for byte.

Design choice: the result sheets' XML is written directly (``result_sheet_xml``,
``chart_xml``), not by XlsxWriter into a scratch package whose parts are transplanted.
Either way the cell formats must be merged into the workbook's own ``styles.xml`` and
the part names and relationship ids re-made, which is most of the work; writing the XML
ourselves adds no dependency, has one code path for cells, styles and charts, and its
bytes depend on nothing but the input (XlsxWriter is not installed here either).

Only the tool's own sheets are rewritten (issue 23): a result sheet is matched to an existing
sheet without regard to case, as Excel matches sheet names, and an existing one must carry the
tool's mark or have been written before marks existed (``result_marks``); any other sheet with
a result sheet's name is refused, naming it, before anything is written.

What changes in the package, and nothing else:

* each result sheet's part (an existing one keeps its part name, relationship id,
  sheetId, tab position and VBA ``codeName``; a missing one is appended at the end);
* the parts only that sheet used (its old drawing, charts, comments, printer settings)
  are dropped, and its new drawing and charts added, named with the smallest free numbers
  (so refreshing again gives the same names and sizes);
* ``[Content_Types].xml`` (Overrides of added and dropped parts), the styles part (found
  through the workbook's relationships; the result formats, appended once), ``xl/workbook.xml``
  only when a sheet is appended or a result sheet lacks the mark, and the workbook's
  relationships only when a sheet is appended; the calculation chain is dropped when it
  lists a cell of a result sheet (Excel rebuilds it; a stale entry makes Excel "repair" the
  file).
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils.cell import range_boundaries

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml, result_marks
from trade_resilience_xl.workbook.package.chart_xml import chart_xml, drawing_xml
from trade_resilience_xl.workbook.package.result_sheet_xml import (
    SheetWrites,
    code_name,
    sheet_xml_parts,
)
from trade_resilience_xl.workbook.package.result_styles import merge_formats

SHEET_HEAD_BYTES = 64 * 1024        # sheetPr (with the codeName) is the first child


def _free(existing: set[str], pattern: str) -> str:
    """The part name ``pattern`` with the smallest number free in ``existing``, compared
    without regard to case (zip part names in OOXML are case-insensitive: a new
    ``drawing1.xml`` beside a ``Drawing1.xml`` is one name twice)."""
    taken = {name.casefold() for name in existing}
    number = 1
    while pattern.format(number).casefold() in taken:
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
        tabs = ooxml.sheets(workbook, workbook_rels)
        results, ours = _own_sheets(source, results, tabs, workbook)
        sheets = {s["name"]: s for s in tabs}
        graph = ooxml.part_graph(archive)

        # Parts only the replaced result sheets used: gone with them.
        replaced = {sheets[n]["part"] for n in results if n in sheets}
        keep_graph = {p: t for p, t in graph.items() if p not in replaced}
        kept = ooxml.reachable_parts(keep_graph, [""])     # "" is the package root (_rels/.rels)
        dropped = {p for p in ooxml.reachable_parts(graph, replaced) - kept - replaced
                   if p in existing}
        dropped |= {ooxml.rels_part_of(p) for p in replaced | dropped} & existing
        existing -= dropped

        styles_part = ooxml.styles_part(workbook_rels)
        if styles_part not in existing:
            from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

            raise UnsafeFileError(source, f"{source} has no styles part (xl/styles.xml); "
                                          "open it in Excel and save it, then refresh")
        old_styles = archive.read(styles_part)
        styles, style_index = merge_formats(
            old_styles, [f for w in results.values() for f in w.formats()])
        if styles != old_styles:
            new[styles_part] = styles

        overrides: dict[str, str] = {}
        rels = ooxml.relationships(workbook_rels)
        appended_sheets = []
        types = {r["Id"]: r["Type"] for r in rels}
        for name, writes in results.items():
            if name in sheets and types.get(sheets[name]["rId"]) != ooxml.WORKSHEET_REL:
                from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

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
        # Each result sheet without the mark (appended, or written before marks) gets it.
        unmarked = [(i, tab["name"]) for i, tab in enumerate(tabs)
                    if tab["name"] in results and tab["name"] not in ours]
        unmarked += [(len(tabs) + i, name) for i, (name, _) in enumerate(appended_sheets)]
        if appended_sheets:
            workbook = _with_sheets(workbook, appended_sheets, sheets)
        if unmarked:
            new[ooxml.WORKBOOK_PART] = result_marks.with_marks(workbook, unmarked)

        content_types = archive.read(ooxml.CONTENT_TYPES_PART)
        updated = ooxml.set_content_type_overrides(content_types, overrides, dropped)
        if updated != content_types:
            new[ooxml.CONTENT_TYPES_PART] = updated
        order = [n for n in names if n not in dropped or n in new] + sorted(
            (n for n in new if n not in names), key=_part_order)
        ooxml.write_package(target, order, new, source)


def foreign_result_sheet(source: Path, result_names: Iterable[str]) -> str | None:
    """The refusal a save of ``source`` would give (a sheet with a result sheet's name that
    this tool did not write), or None; ``check`` reports it, so that it speaks of everything
    a refresh would refuse."""
    from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

    with zipfile.ZipFile(source) as archive:
        workbook = archive.read(ooxml.WORKBOOK_PART)
        tabs = ooxml.sheets(workbook, archive.read(ooxml.WORKBOOK_RELS_PART))
    try:
        _own_sheets(source, dict.fromkeys(result_names), tabs, workbook)
    except UnsafeFileError as error:
        return str(error)
    return None


def _own_sheets(source: Path, results: dict[str, SheetWrites], tabs: list[dict],
                workbook: bytes) -> tuple[dict[str, SheetWrites], set[str]]:
    """``results`` keyed by the names the workbook's sheets have: a result sheet matches an
    existing sheet without regard to case, as Excel matches sheet names (``weights`` is the
    Weights sheet; appending a second one would make a package Excel must repair). An
    existing sheet must be this tool's (``result_marks``); another one is refused, naming
    it, before anything is written. Also returns the sheets that carry the mark."""
    by_key = {tab["name"].casefold(): tab["name"] for tab in tabs}
    names = [tab["name"] for tab in tabs]
    ours = result_marks.marked(workbook, names)
    renamed: dict[str, SheetWrites] = {}
    for name, writes in results.items():
        existing = by_key.get(name.casefold())
        if existing is not None and existing not in ours \
                and not L.written_before_marks(_first_cell(source, existing)):
            from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

            raise UnsafeFileError(source, L.not_ours(source, existing))
        renamed[existing or name] = writes
    return renamed, ours


def _first_cell(source: Path, sheet: str):
    """The value of ``sheet``'s A1 (None when empty or unreadable as a worksheet)."""
    from trade_resilience_xl.workbook.package.package_reader import PackageReader

    reader = PackageReader(source)
    try:
        rows = reader.values(sheet)
    except (KeyError, ValueError):
        return None
    finally:
        reader.close()
    return rows[0][0] if rows and rows[0] else None


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
