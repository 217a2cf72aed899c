"""Which sheets this tool wrote: the mark a refresh leaves on each result sheet (issue 23).

A refresh rewrites the sheets named Weights, Scores, ... Log. A sheet of the user's own
with such a name (a ``Log`` of their own in a workbook prepared elsewhere, or ``weights``:
Excel compares sheet names without regard to case) must not be overwritten without a word,
so a refresh rewrites only sheets that carry this tool's mark and refuses the others,
naming the sheet and saying to rename or delete it.

The mark is a hidden *sheet-scoped defined name* ``_TradeResilienceResult`` (``localSheetId``
= the sheet's tab index) that refers to the sheet's own A1. Why this and not a custom
document property or something inside the sheet:

* Excel and LibreOffice both keep defined names when they save (LibreOffice 7 keeps the
  name, its scope and its reference and writes it back without ``hidden``: checked by
  round-tripping a refreshed file through ``soffice --headless --convert-to xlsx``,
  tests/test_result_marks.py); openpyxl keeps sheet-scoped names too.
* It belongs to the sheet, not to a list of names: renaming or moving the sheet carries the
  mark along (Excel updates scope and reference), deleting the sheet deletes the name, so a
  new sheet the user makes under the old name has no mark. A document property listing sheet
  names would still "vouch" for that new sheet.
* It lives in ``xl/workbook.xml``, which a refresh already rewrites when it appends a sheet;
  a sheet that has its mark is rewritten without touching that part again.

Sheets written before the mark existed (the template and workbooks refreshed by earlier
versions) are recognised by what this tool put in A1: the template's "Press Trade
Resilience → Refresh all" note, or a bilingual "English / 中文" title as every result sheet
has had. They are rewritten once and get the mark then.
"""
from __future__ import annotations

import re

from defusedxml import ElementTree as SafeET

from trade_resilience_xl.workbook.layout import MARK_NAME, mark_reference, referenced_sheet
from trade_resilience_xl.workbook.package import ooxml


def marked(workbook_xml: bytes, sheet_names: list[str]) -> set[str]:
    """The sheets (of ``sheet_names``, in tab order) that carry the mark: a defined name
    ``MARK_NAME`` scoped to the sheet that refers to that same sheet."""
    found = set()
    root = SafeET.fromstring(workbook_xml)
    for element in root.iter(f"{{{ooxml.MAIN_NS}}}definedName"):
        scope = element.get("localSheetId", "")
        if element.get("name", "").casefold() != MARK_NAME.casefold() or not (
                scope.isascii() and scope.isdigit()) or int(scope) >= len(sheet_names):
            continue
        sheet = sheet_names[int(scope)]
        if referenced_sheet((element.text or "").strip()).casefold() == sheet.casefold():
            found.add(sheet)
    return found


def with_marks(workbook_xml: bytes, sheets: list[tuple[int, str]]) -> bytes:
    """``xl/workbook.xml`` with the mark added for each (tab index, sheet name)."""
    if not sheets:
        return workbook_xml
    text = workbook_xml.decode("utf-8")
    prefix = re.search(r"<((?:\w+:)?)sheets\b", text).group(1)
    entries = "".join(
        f'<{prefix}definedName name="{MARK_NAME}" localSheetId="{index}" hidden="1">'
        f"{ooxml.escape(mark_reference(name))}</{prefix}definedName>" for index, name in sheets)
    close = re.search(rf"</{prefix}definedNames>", text)
    if close:
        return (text[:close.start()] + entries + text[close.start():]).encode("utf-8")
    empty = re.search(rf"<{prefix}definedNames\s*/>", text)
    if empty:
        return (text[:empty.start()] + f"<{prefix}definedNames>{entries}</{prefix}definedNames>"
                + text[empty.end():]).encode("utf-8")
    # CT_Workbook order: ... sheets, functionGroups, externalReferences, definedNames, ...
    after = max(m.end() for m in re.finditer(
        rf"</{prefix}(?:sheets|functionGroups|externalReferences)>"
        rf"|<{prefix}functionGroups\b[^>]*/>", text))
    return (text[:after] + f"<{prefix}definedNames>{entries}</{prefix}definedNames>"
            + text[after:]).encode("utf-8")
