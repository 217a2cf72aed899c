"""Nothing downstream is tied to the paper's 13 indicators, 31 provinces, 4 regions or years:
a refresh follows whatever the Indicators and Data sheets hold."""
from __future__ import annotations

import openpyxl
import pandas as pd

from trade_resilience_xl.engine import Settings, run_panel
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.openpyxl_io import refresh_file
from trade_resilience_xl.workbook.template.builder import build_workbook

from refresh_helpers import values

PROVINCES = ["Beijing", "Shanghai", "Guangdong", "Anhui", "Henan", "Hunan", "Sichuan",
             "Yunnan", "Gansu"]
CODES = ["X1", "X3", "X5", "X9", "X11", "X13"]
DIMENSIONS = {"X1": "Economy / 经济", "X3": "Economy / 经济", "X5": "Trade / 贸易",
              "X9": "Trade / 贸易", "X11": "Policy / 政策", "X13": "Policy / 政策"}


def _custom_workbook(path):
    panel = load_example_panel()
    panel = panel[panel.Province.isin(PROVINCES) & panel.Year.between(2015, 2019)]
    panel = panel[["Province", "Region", "Year", "Population"] + CODES].reset_index(drop=True)
    build_workbook(path, data=panel, macro_enabled=False)
    book = openpyxl.load_workbook(path)
    ws = book[L.SHEET_INDICATORS]
    first = L.INDICATORS_HEADER_ROW + 1
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=first, max_row=first + 12)]
    kept = [r for r in rows if r[0] in CODES][::-1]          # reordered on purpose
    for offset in range(13):
        for col in range(1, 9):
            ws.cell(row=first + offset, column=col).value = None  # cell(value=None) sets nothing
    for offset, row in enumerate(kept):
        row[1] = DIMENSIONS[row[0]]
        for col, value in enumerate(row, start=1):
            ws.cell(row=first + offset, column=col, value=value)
    book.save(path)
    return panel, kept


def test_six_indicators_three_dimensions_nine_provinces_five_years(tmp_path):
    path = tmp_path / "custom.xlsx"
    panel, kept = _custom_workbook(path)
    report = refresh_file(path)
    assert report.ok, report.message()

    indicators = [{"code": r[0], "indicator": r[3], "dimension": r[1], "direction": r[4]}
                  for r in kept]
    expected = run_panel(panel, pd.DataFrame(indicators), Settings(),
                         columns={"unit": "Province", "region": "Region", "year": "Year",
                                  "population": "Population"})
    weights = values(path, "Weights")
    listed = [row[0] for row in weights if row and row[0] in CODES]
    assert listed == [r[0] for r in kept]
    scores = values(path, "Scores")
    header = next(r for r in scores if r and r[0] and str(r[0]).startswith("Province"))
    assert [y for y in header if isinstance(y, int)] == [2015, 2016, 2017, 2018, 2019]
    wide = expected.scores_wide()
    rows = {row[0]: row for row in scores if row and row[0] in PROVINCES}
    assert set(rows) == set(PROVINCES)
    for unit, row in rows.items():
        assert all(abs(a - b) < 1e-12 for a, b in zip(row[2:7], wide.loc[unit], strict=True))
    types = values(path, "Types")
    text = " ".join(str(v) for row in types for v in row if v is not None)
    assert "Economy" in text and "Trade" in text and "Policy" in text
    assert "构" not in text.split("Type summary")[0]      # three dimensions: levels, no types
    said = [v for row in types for v in row if isinstance(v, str) and "exactly two" in v]
    assert len(said) == 1 and "has 3" in said[0]
    assert report.ok                                     # ... and the rest still refreshed
    theil = values(path, "Theil")
    regions = {"East", "Central", "West"}
    assert any(regions <= {str(v).split(" / ")[0] for v in row if v} for row in theil)
    assert not any("Northeast" in str(v) for row in theil for v in row)
