"""Any workbook of this tool (template, demo, one made by ``new``, one the user filled and
refreshed) as an xlwings Lite workbook: a package edit like the refresh's
(``workbook/package_update.py``), so every part an ``.xlsx`` can hold is copied byte for byte
(``ooxml.write_package``) and the sheets, data, settings, Neighbours and results stay as the
user left them.

What changes, and nothing else:

* left out: the VBA project (``xl/vbaProject.bin``, with its signature parts) and the
  ribbon (``customUI/*``), found by their relationship types and the parts only they reach;
  their relationships and content-type entries go with them, and the workbook part's
  content type becomes the ``.xlsx`` one (an ``.xlsx`` holding ``macroEnabled.main`` is a
  file Excel refuses);
* added: the xlwings Lite parts (``parts.add_lite_parts``); an earlier Lite program in the
  source is replaced by this one;
* so ``_rels/.rels``, ``[Content_Types].xml`` and, in a macro workbook,
  ``xl/_rels/workbook.xml.rels`` are rewritten.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from trade_resilience_xl.lite.parts import add_lite_parts
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml

#: Relationship types whose parts an xlwings Lite workbook does not carry, with what they are.
LEFT_OUT = {ooxml.VBA_PROJECT_REL: "the VBA project", ooxml.CUSTOM_UI_REL: "the ribbon",
            ooxml.CUSTOM_UI_2007_REL: "the ribbon"}
#: An earlier xlwings Lite program: replaced, not reported.
_REPLACED = {ooxml.WEBEXTENSION_TASKPANES_REL_TYPE}
#: The sheets every workbook of this tool has (what ``lite`` refuses a workbook without).
REQUIRED_SHEETS = (L.SHEET_INDICATORS, L.SHEET_DATA, L.SHEET_SETTINGS)


class NotOurWorkbook(ValueError):
    """The source lacks the input sheets of a workbook of this tool."""


def _without(rels: bytes, types) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(kept, removed) relationships of a .rels part by type."""
    everything = ooxml.relationships(rels)
    return ([r for r in everything if r["Type"] not in types],
            [r for r in everything if r["Type"] in types])


def convert(source: str | os.PathLike, target: str | os.PathLike, main_py: str,
            requirements_txt: str) -> list[str]:
    """Write ``source`` as an xlwings Lite workbook to ``target`` (atomically; may be
    ``source`` itself). Returns one line per part left out ("the VBA project
    (xl/vbaProject.bin)")."""
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        workbook = archive.read(ooxml.WORKBOOK_PART)
        sheets = {s["name"] for s in ooxml.sheets(workbook, archive.read(ooxml.WORKBOOK_RELS_PART))}
        missing = [name for name in REQUIRED_SHEETS if name not in sheets]
        if missing:
            raise NotOurWorkbook(f"{source}: no {', '.join(missing)} sheet; only a workbook "
                                 "of this tool (template, demo, new) can become a Lite workbook")
        graph = ooxml.part_graph(archive)
        new: dict[str, bytes] = {}
        notes, gone_targets = [], []
        for rels_part in (ooxml.ROOT_RELS_PART, ooxml.WORKBOOK_RELS_PART):
            kept, removed = _without(archive.read(rels_part), LEFT_OUT.keys() | _REPLACED)
            if not removed:
                continue
            new[rels_part] = ooxml.rels_part(kept)
            owner = ooxml.source_of_rels(rels_part)
            graph[owner] = [ooxml.resolve(owner, r["Target"]) for r in kept
                            if r.get("TargetMode") != "External"]
            for rel in removed:
                part = ooxml.resolve(owner, rel["Target"])
                gone_targets.append(part)
                if rel["Type"] in LEFT_OUT:
                    notes.append(f"{LEFT_OUT[rel['Type']]} ({part})")
        kept_parts = ooxml.reachable_parts(graph, [""])
        dropped = {p for p in ooxml.reachable_parts(graph, gone_targets) - kept_parts
                   if p in names}
        dropped |= {ooxml.rels_part_of(p) for p in dropped} & set(names)

        types = ooxml.set_content_type_overrides(
            archive.read(ooxml.CONTENT_TYPES_PART),
            {ooxml.WORKBOOK_PART: ooxml.MAIN_CONTENT_TYPE}, dropped)
        if not any(ooxml.content_type_of(types, p) == ooxml.VBA_PROJECT_CONTENT_TYPE
                   for p in names if p not in dropped):
            types = ooxml.remove_content_type_defaults(types, ooxml.VBA_PROJECT_CONTENT_TYPE)
        root_rels = new.get(ooxml.ROOT_RELS_PART, archive.read(ooxml.ROOT_RELS_PART))
        new.update(add_lite_parts({ooxml.CONTENT_TYPES_PART: types,
                                   ooxml.ROOT_RELS_PART: root_rels},
                                  main_py, requirements_txt))
    order = [n for n in names if n not in dropped or n in new] + [
        n for n in new if n not in names]
    ooxml.write_package(target, order, new, source)
    return notes


def make_lite(source: str | os.PathLike, target: str | os.PathLike | None = None
              ) -> list[str]:
    """``convert`` with the xlwings Lite program of this source tree (``main.py``,
    ``requirements.txt``); ``target`` defaults to ``source`` (in place, atomically)."""
    from trade_resilience_xl.lite.program import main_py, requirements_txt

    return convert(source, source if target is None else target, main_py(),
                   requirements_txt())


def build_lite_workbook(target: str | os.PathLike) -> None:
    """The template's sheets (``builder.build_workbook`` without macros, live Formulas
    examples) plus the xlwings Lite program, written once to ``target``, complete."""
    from trade_resilience_xl.workbook.template.builder import build_workbook

    with tempfile.TemporaryDirectory() as folder:
        make_lite(build_workbook(Path(folder) / "book.xlsx", macro_enabled=False), target)
