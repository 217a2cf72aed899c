"""Indicator cells computed by formulas: the refresh uses the value the spreadsheet last
calculated (here LibreOffice recalculates and stores it, as Excel does on save)."""
from __future__ import annotations

import subprocess

import numpy as np
import openpyxl

from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.example_data import load_example_panel, paper_indicators
from trade_resilience_xl.workbook.openpyxl_io import refresh_file

import lo_helpers
from refresh_helpers import build_demo, values


def test_formula_cells_are_read_as_their_calculated_values(tmp_path):
    soffice = lo_helpers.require_soffice()
    source = build_demo(tmp_path / "demo.xlsx")
    book = openpyxl.load_workbook(source)
    book["Data"]["F10"] = "=F9*1.01"          # X2 for Beijing 2016 from its 2015 value
    book.save(source)
    out = tmp_path / "calculated"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    calculated = out / "demo.xlsx"
    assert openpyxl.load_workbook(calculated)["Data"]["F10"].value == "=F9*1.01"
    report = refresh_file(calculated)
    assert report.ok, report.message()

    panel = load_example_panel()
    row = panel.index[(panel.Province == "Beijing") & (panel.Year == 2016)][0]
    previous = panel.index[(panel.Province == "Beijing") & (panel.Year == 2015)][0]
    panel.loc[row, "X2"] = panel.loc[previous, "X2"] * 1.01
    expected = run_panel(panel, paper_indicators(), Settings(),
                         columns={"unit": "Province", "region": "Region", "year": "Year",
                                  "population": "Population"}).scores_wide()
    scores = values(calculated, "Scores")
    beijing = next(r for r in scores if r and r[0] == "Beijing")
    np.testing.assert_allclose(beijing[2:2 + expected.shape[1]], expected.loc["Beijing"],
                               rtol=1e-9)


def test_formula_examples_structured_references_cover_every_row(tmp_path):
    """The Formulas examples' data and directions are structured references: LibreOffice
    (like Excel) resolves them to the whole Data and Indicators tables, rows added included."""
    from trade_resilience_xl.workbook import layout as L
    from trade_resilience_xl.workbook.template.info_sheets import structured_refs

    soffice = lo_helpers.require_soffice()
    source = build_demo(tmp_path / "refs.xlsx")
    book = openpyxl.load_workbook(source)
    data, directions = structured_refs([f"X{i}" for i in range(1, 14)])
    ws = book["About"]
    ws["C1"], ws["C2"] = f"=ROWS({data})", f"=COLUMNS({data})"
    ws["C3"], ws["C4"] = f"=ROWS({directions})", f"=INDEX({directions},3)"
    book.save(source)
    out = tmp_path / "calculated"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    got = openpyxl.load_workbook(out / "refs.xlsx", data_only=True)["About"]
    rows = len(load_example_panel())
    assert [got[c].value for c in ("C1", "C2", "C3", "C4")] == [rows, 13, 13, "-"]
    table = openpyxl.load_workbook(source)[L.SHEET_DATA].tables[L.DATA_TABLE_NAME].ref
    assert table.endswith(str(L.DATA_HEADER_ROW + rows))
