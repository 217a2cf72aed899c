"""Issue 22: the rendering defects seen in LibreOffice, pinned on the file (the rendering
itself is checked in test_render): the 100 % stacked obstacle chart stops at 100 %, the
Moran scatter's tick labels sit at the plot's edge, every chart starts a printed page, a
rank is not run into the level text beside it, the index name keeps its capital letter."""
from __future__ import annotations

import csv
from pathlib import Path

import county_system as C
import openpyxl
import pytest

from trade_resilience_xl.cli import main

from refresh_helpers import values


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("layout")
    panel, indicators = C.write_csvs(folder)
    units = list(C.COUNTIES)
    pairs = folder / "pairs.csv"
    with open(pairs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["unit", "neighbour"]] + [
            [units[i], units[(i + 1) % len(units)]] for i in range(len(units))])
    path = folder / "county.xlsx"
    assert main(["new", str(path), "--data", str(panel), "--indicators", str(indicators),
                 "--index-name", C.INDEX_NAME, "--neighbours", str(pairs)]) == 0
    return path


@pytest.fixture(scope="module")
def sheets(book):
    return openpyxl.load_workbook(book)


def _chart(sheets, sheet: str, title_start: str):
    for chart in sheets[sheet]._charts:
        title = "".join(run.t for p in chart.title.tx.rich.p for run in p.r)
        if title.startswith(title_start):
            return chart
    raise AssertionError(f"no chart {title_start!r} on {sheet}")


def test_the_stacked_obstacle_shares_stop_at_one(sheets):
    chart = _chart(sheets, "Obstacle", "Mean obstacle degree by dimension")
    assert chart.grouping == "stacked" and chart.y_axis.scaling.max == 1


def test_scatter_tick_labels_sit_at_the_plot_edge(sheets):
    for sheet, title in (("Spatial", "Moran scatter"), ("Types", "Farm output vs")):
        chart = _chart(sheets, sheet, title)
        assert (chart.x_axis.tickLblPos, chart.y_axis.tickLblPos) == ("low", "low"), sheet


def test_every_chart_starts_a_printed_page(sheets):
    for ws in sheets.worksheets:
        breaks = {brk.id for brk in ws.row_breaks.brk}
        for chart in ws._charts:
            assert chart.anchor._from.row in breaks, (ws.title, chart.anchor._from.row)


def test_a_rank_is_not_run_into_the_level_beside_it(sheets):
    ws = sheets["Types"]
    header = next(r for r in ws.iter_rows() if r[0].value == "County")
    ranks = [c.column for c in header if c.value == "Rank / 排名"]
    assert len(ranks) == 2
    for column in ranks:
        assert ws.cell(row=header[0].row + 1, column=column + 1).value.startswith(
            ("high", "medium", "low"))
        assert ws.cell(row=header[0].row + 1, column=column).number_format.endswith("_W")


def test_titles_keep_the_index_names_capital(book):
    text = " ".join(str(r[0]) for sheet in ("Density", "Convergence", "Spatial", "Scores")
                    for r in values(book, sheet) if r and isinstance(r[0], str))
    assert "Kernel density of the Rural capacity index by year" in text
    assert "rural capacity" not in text
