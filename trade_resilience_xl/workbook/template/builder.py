"""Build the Trade Resilience workbook (input sheets, examples, empty result sheets).

openpyxl writes the sheets; the saved package is then post-processed part by part:

* fixed ``docProps/core.xml`` timestamps (openpyxl stamps "now" on every save) and the
  fixed zip metadata of ``ooxml.write_parts``, so rebuilding gives identical parts;
* dynamic-array metadata for the Formulas sheet. openpyxl writes no such metadata, and
  Excel 365 reads an array formula without it as a legacy formula (``=@TOPSIS(...)``,
  top-left value only). What XlsxWriter's ``write_dynamic_array_formula`` writes is
  reproduced: the cell gets ``cm="1"`` and ``<f t="array" ref="A14">``, plus an
  ``xl/metadata.xml`` part declaring the XLDAPR dynamic-array property, its content-type
  Override and a workbook relationship of type ``.../sheetMetadata``.

UDF names (ENTROPY_WEIGHTS, TOPSIS, ...) are stored plainly, as Excel stores functions
from VBA modules and add-ins. Prefixes belong to built-ins: ``_xlfn.`` marks Excel 2010+
"future functions" and ``_xludf.`` is what Excel writes for a name it could not resolve
as a function when it saved; writing either here would make Excel look for the wrong name.
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.xml.functions import tostring

from trade_resilience_xl.example_data import ILLUSTRATIVE_NOTE
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.package import ooxml
from trade_resilience_xl.workbook.template import info_sheets, input_sheets
from trade_resilience_xl.workbook.template.book_subject import BookSubject

FIXED_TIMESTAMP = _dt.datetime(2024, 1, 1, 0, 0, 0)
CREATOR = "trade_resilience_xl"

def build_workbook(path: str | Path, *, data: pd.DataFrame | None = None,
                   macro_enabled: bool = True, data_note: str | None = None,
                   indicators: pd.DataFrame | None = None, index_name: str | None = None,
                   live_formulas: bool = True,
                   neighbours: list[tuple[str, str]] | None = None) -> Path:
    """Build the workbook at ``path`` and return the path.

    ``data``: a panel whose columns are the units (any header: Province, State, ...),
    Region, Year, Population and indicator codes (e.g. ``load_example_panel()``); without
    it the Data sheet is the empty 31 x 2010-2021 skeleton. When data is given the sheet is
    labelled with ``data_note``; only the shipped illustrative panel gets "illustrative
    data, not official statistics" by default (``book_subject.is_example_panel``).
    ``indicators``: the user's indicator table (``csv_panel.read_indicators``) instead of
    the paper's; ``index_name`` goes into Settings "Index name" (default:
    ``BookSubject``). ``macro_enabled``: add the VBA project and the ribbon
    (``workbook.vba``); use an ``.xlsm`` path then. ``live_formulas=False`` shows the
    Formulas examples as text only (for a workbook without macros, where they cannot run).
    ``neighbours``: (unit, neighbour) pairs, written as the Neighbours sheet after Data.
    """
    target = Path(path)
    if openpyxl.LXML:
        return _build_in_subprocess_without_lxml(target, dict(
            data=data, macro_enabled=macro_enabled, data_note=data_note, indicators=indicators,
            index_name=index_name, live_formulas=live_formulas, neighbours=neighbours))
    subject = BookSubject.of(data, indicators, index_name)
    if subject.illustrative and data_note is None:
        data_note = ILLUSTRATIVE_NOTE
    workbook, examples = _fill_workbook(data, data_note, indicators, subject, live_formulas)
    if neighbours:
        position = workbook.sheetnames.index(L.SHEET_DATA) + 1
        input_sheets.write_neighbours(workbook.create_sheet(L.SHEET_NEIGHBOURS, position),
                                      neighbours)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = ooxml.read_parts(io.BytesIO(buffer.getvalue()))
    parts["docProps/core.xml"] = _fixed_core_properties()
    if examples:
        parts = ooxml.mark_dynamic_arrays(parts, L.SHEET_FORMULAS,
                                          [example.anchor for example in examples])
    if target.suffix.lower() == ".xlsm":
        # Excel refuses an .xlsm whose main part is typed as .xlsx (and vice versa).
        parts[ooxml.CONTENT_TYPES_PART] = ooxml.set_content_type_override(
            parts[ooxml.CONTENT_TYPES_PART], ooxml.WORKBOOK_PART, ooxml.MACRO_MAIN_CONTENT_TYPE)
    ooxml.write_parts(target, parts)
    if macro_enabled:
        _install_vba(target)
    return target


def _build_in_subprocess_without_lxml(target: Path, options: dict) -> Path:
    """The same build in a Python where openpyxl does not use lxml.

    openpyxl serialises through lxml when it is installed and through the standard
    library otherwise, and the two differ in bytes (namespace declarations, ``" />"``),
    so the template would depend on whether lxml happens to be installed. openpyxl picks
    its XML library once, at import (environment variable ``OPENPYXL_LXML``), so the
    build runs in a child process with ``OPENPYXL_LXML=False``. The arguments travel as
    JSON, data frames column by column with their dtypes (JSON keeps every float exactly,
    NaN included, and keeps "" apart from a missing value).
    """
    def encoded(value):
        if isinstance(value, pd.DataFrame):
            return {"frame": {str(c): [str(value[c].dtype), value[c].tolist()] for c in value}}
        return {"plain": value}

    with tempfile.TemporaryDirectory() as folder:
        arguments = Path(folder) / "arguments.json"
        arguments.write_text(json.dumps({k: encoded(v) for k, v in options.items()}),
                             encoding="utf-8")
        env = dict(os.environ, OPENPYXL_LXML="False",
                   PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        child = subprocess.run([sys.executable, "-c", _CHILD_BUILD, str(target),
                                str(arguments)], env=env, stderr=subprocess.PIPE, text=True)
    if child.returncode:
        # The child's last line is its exception; the caller's front words it (no traceback).
        last = (child.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"building {target} failed: {last}")
    return target


_CHILD_BUILD = """\
import json, sys
from pathlib import Path
import pandas as pd
from trade_resilience_xl.workbook.template.builder import build_workbook
def decoded(value):
    if "plain" in value:
        return value["plain"]
    return pd.DataFrame({c: pd.Series(v, dtype=d) for c, (d, v) in value["frame"].items()})
given = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
build_workbook(sys.argv[1], **{name: decoded(value) for name, value in given.items()})
"""


def _fill_workbook(data: pd.DataFrame | None, data_note: str | None,
                   indicators: pd.DataFrame | None, subject: BookSubject, live: bool):
    workbook = Workbook()
    workbook.remove(workbook.active)
    # The Paper sheet (the paper's 31 provinces and tables) only with the paper's study.
    sheets = {name: workbook.create_sheet(name) for name in L.SHEET_ORDER
              if name != L.SHEET_PAPER or subject.paper_study}
    info_sheets.write_about(sheets[L.SHEET_ABOUT], subject)
    input_sheets.write_indicators(sheets[L.SHEET_INDICATORS], indicators)
    names = None if indicators is None else {
        str(r["code"]): str(r.get("name") or r["code"]) for r in indicators.to_dict("records")}
    input_sheets.write_data(sheets[L.SHEET_DATA], data, data_note, names)
    input_sheets.write_settings(sheets[L.SHEET_SETTINGS], subject)
    for name in L.RESULT_SHEETS:
        info_sheets.write_result_placeholder(sheets[name])
        # This tool's mark on its result sheets (result_marks): a refresh rewrites them.
        sheets[name].defined_names[L.MARK_NAME] = DefinedName(
            L.MARK_NAME, attr_text=L.mark_reference(name), hidden=True)
    data_sheet = sheets[L.SHEET_DATA]
    codes = [str(c.value) for c in data_sheet[L.DATA_HEADER_ROW][len(L.DATA_ID_COLUMNS):]]
    n_directions = len(codes) if indicators is None else len(indicators)
    examples = info_sheets.formula_examples(codes, n_directions, subject)
    info_sheets.write_formulas(sheets[L.SHEET_FORMULAS], examples, live=live)
    if subject.paper_study:
        info_sheets.write_paper(sheets[L.SHEET_PAPER])
    info_sheets.write_xlwings_conf(sheets[L.SHEET_XLWINGS_CONF])
    workbook.active = 0
    return workbook, examples if live else ()


def _fixed_core_properties() -> bytes:
    props = DocumentProperties(creator=CREATOR, lastModifiedBy=CREATOR,
                               title="Trade Resilience workbook",
                               created=FIXED_TIMESTAMP, modified=FIXED_TIMESTAMP)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + tostring(props.to_tree()))


def _install_vba(target: Path) -> None:
    # Imported here: pyOpenVBA (the [build] extra) is needed only for macro-enabled builds.
    from trade_resilience_xl.workbook.template.vba import install_vba_and_ribbon

    install_vba_and_ribbon(target)
