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
import os
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import openpyxl
from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.xml.functions import tostring

from trade_resilience_xl.example_data import ILLUSTRATIVE_NOTE
from trade_resilience_xl.workbook import info_sheets, input_sheets, ooxml
from trade_resilience_xl.workbook import layout as L

FIXED_TIMESTAMP = _dt.datetime(2024, 1, 1, 0, 0, 0)
CREATOR = "trade_resilience_xl"

def build_workbook(path: str | Path, *, data: pd.DataFrame | None = None,
                   macro_enabled: bool = True, data_note: str | None = None) -> Path:
    """Build the workbook at ``path`` and return the path.

    ``data``: a panel with columns Province, Region, Year, Population and indicator codes
    (e.g. ``load_example_panel()``); without it the Data sheet is the empty 31 x 2010-2021
    skeleton. When data is given the sheet is labelled with ``data_note``, which defaults
    to "illustrative data, not official statistics" (pass your own label for real data).
    ``macro_enabled``: add the VBA project and the ribbon (``workbook.vba``); use an
    ``.xlsm`` path then.
    """
    target = Path(path)
    if openpyxl.LXML:
        return _build_in_subprocess_without_lxml(target, data, macro_enabled, data_note)
    if data is not None and data_note is None:
        data_note = ILLUSTRATIVE_NOTE
    workbook, examples = _fill_workbook(data, data_note)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = ooxml.read_parts(io.BytesIO(buffer.getvalue()))
    parts["docProps/core.xml"] = _fixed_core_properties()
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


def _build_in_subprocess_without_lxml(target: Path, data, macro_enabled: bool,
                                      data_note: str | None) -> Path:
    """The same build in a Python where openpyxl does not use lxml.

    openpyxl serialises through lxml when it is installed and through the standard
    library otherwise, and the two differ in bytes (namespace declarations, ``" />"``),
    so the template would depend on whether lxml happens to be installed. openpyxl picks
    its XML library once, at import (environment variable ``OPENPYXL_LXML``), so the
    build runs in a child process with ``OPENPYXL_LXML=False``.
    """
    with tempfile.TemporaryDirectory() as folder:
        panel = Path(folder) / "panel.csv"
        dtypes = ""
        if data is not None:
            # CSV keeps every float exactly (pandas writes the shortest round-trip form
            # and its default reader reads it back exactly); dtypes go alongside.
            data.to_csv(panel, index=False)
            dtypes = json.dumps({str(c): str(t) for c, t in data.dtypes.items()})
        code = ("import json, sys, pandas as pd\n"
                "from trade_resilience_xl.workbook.builder import build_workbook\n"
                "target, panel, dtypes, macros, note = sys.argv[1:6]\n"
                "data = pd.read_csv(panel, dtype=json.loads(dtypes), keep_default_na=False,"
                " na_values=['']) if dtypes else None\n"
                "build_workbook(target, data=data, macro_enabled=macros == '1',"
                " data_note=json.loads(note))\n")
        env = dict(os.environ, OPENPYXL_LXML="False",
                   PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        subprocess.run([sys.executable, "-c", code, str(target), str(panel), dtypes,
                        "1" if macro_enabled else "0", json.dumps(data_note)],
                       env=env, check=True)
    return target


def _fill_workbook(data: pd.DataFrame | None, data_note: str | None):
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in L.SHEET_ORDER}
    info_sheets.write_about(sheets[L.SHEET_ABOUT], has_data=data is not None)
    input_sheets.write_indicators(sheets[L.SHEET_INDICATORS])
    input_sheets.write_data(sheets[L.SHEET_DATA], data, data_note)
    input_sheets.write_settings(sheets[L.SHEET_SETTINGS])
    for name in L.RESULT_SHEETS:
        info_sheets.write_result_placeholder(sheets[name])
    data_sheet = sheets[L.SHEET_DATA]
    n_indicators = data_sheet.max_column - len(L.DATA_ID_COLUMNS)
    examples = info_sheets.formula_examples(data_sheet.max_row, n_indicators)
    info_sheets.write_formulas(sheets[L.SHEET_FORMULAS], examples)
    info_sheets.write_paper(sheets[L.SHEET_PAPER])
    info_sheets.write_xlwings_conf(sheets[L.SHEET_XLWINGS_CONF])
    workbook.active = 0
    return workbook, examples


def _fixed_core_properties() -> bytes:
    props = DocumentProperties(creator=CREATOR, lastModifiedBy=CREATOR,
                               title="Trade Resilience workbook",
                               created=FIXED_TIMESTAMP, modified=FIXED_TIMESTAMP)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + tostring(props.to_tree()))


def _install_vba(target: Path) -> None:
    # Imported here: pyOpenVBA (the [build] extra) is needed only for macro-enabled builds.
    from trade_resilience_xl.workbook.vba import install_vba_and_ribbon

    install_vba_and_ribbon(target)
