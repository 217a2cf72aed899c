"""Issue 22: `trade-resilience new` checks every CSV before anything is written, names each
problem by CSV file, row and column, leaves nothing on disk after any error (an interrupt
included), takes a neighbour list, and needs no population column."""
from __future__ import annotations

import csv
from pathlib import Path

import county_system as C
import openpyxl
import pytest

from trade_resilience_xl import cli_create
from trade_resilience_xl.cli import main
from trade_resilience_xl.workbook import layout as L

from other_system import rewrite_csv
from refresh_helpers import values


def _new(folder: Path, *extra: str) -> tuple[int, Path]:
    panel, indicators = folder / "counties.csv", folder / "county_indicators.csv"
    book = folder / "book.xlsx"
    return main(["new", str(book), "--data", str(panel), "--indicators", str(indicators),
                 *extra]), book


def _pairs(folder: Path, rows) -> Path:
    path = folder / "pairs.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["from", "to"], *rows])
    return path


COUNTY = list(C.COUNTIES)
# Rows of counties.csv: 1 is the header, then 7 years of each county in order.
BAD = {
    "control character in a unit": (
        lambda rows: rows[3].__setitem__(0, "Alder\x07 County"),
        ["counties.csv, row 4, column 'County'", "U+0007"]),
    "line break in a region": (
        lambda rows: rows[9].__setitem__(1, "Up\nlands"),
        ["counties.csv, row 10, column 'region'", "U+000A"]),
    "formula-looking region": (
        lambda rows: [r.__setitem__(1, "=HYPERLINK(1)") for r in rows[1:8]],
        ["counties.csv, row 2, column 'region'", "starts with ="]),
    "a unit without population": (
        lambda rows: [r.insert(3, "population" if i == 0 else ("" if 8 <= i <= 14 else "5"))
                      for i, r in enumerate(rows)],
        ["counties.csv, row 9, column 'population'", "Birch County"]),
    "a unit missing a year": (
        lambda rows: rows.pop(5),
        ["counties.csv, row 2: ", "Alder County has no row for 1985"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_csv_is_named_by_file_row_and_column_and_nothing_is_written(case, tmp_path,
                                                                        capsys):
    change, words = BAD[case]
    panel, _ = C.write_csvs(tmp_path)
    rewrite_csv(panel, change)
    code, book = _new(tmp_path)
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1, err
    assert "Traceback" not in err and "Data!" not in err, err
    for word in words:
        assert word in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counties.csv",
                                                          "county_indicators.csv"]


def test_without_population_weights_are_equal_and_said_so(tmp_path, capsys):
    C.write_csvs(tmp_path)
    code, book = _new(tmp_path)
    assert code == 0 and "no population: equal weights" in capsys.readouterr().out
    log = {r[0]: r[1] for r in values(book, "Log") if r and r[0]}
    assert log["Population weights / 人口权重"] == "no, equal weights / 否，等权"
    about = " ".join(str(r[0]) for r in values(book, "About") if r and r[0])
    assert "Theil and Dagum use equal weights" in about


def test_neighbours_csv_becomes_the_neighbours_sheet(tmp_path):
    C.write_csvs(tmp_path)
    ring = [(COUNTY[i], COUNTY[(i + 1) % len(COUNTY)]) for i in range(len(COUNTY))]
    code, book = _new(tmp_path, "--neighbours", str(_pairs(tmp_path, ring)))
    assert code == 0
    sheets = openpyxl.load_workbook(book).sheetnames
    assert sheets[sheets.index(L.SHEET_DATA) + 1] == L.SHEET_NEIGHBOURS
    rows = values(book, L.SHEET_NEIGHBOURS)
    assert [tuple(r[:2]) for r in rows[1:]] == ring
    spatial = " ".join(str(v) for r in values(book, "Spatial") for v in r if v is not None)
    assert "not computed" not in spatial and "from the Neighbours sheet" in spatial


@pytest.mark.parametrize("rows, words", [
    ([("Alder County", "Nowhere County")], ["pairs.csv, row 2, column 'to'", "'Nowhere County'"]),
    ([("Alder County", "Alder County")], ["pairs.csv, row 2", "paired with itself"]),
    ([("Alder County", "")], ["pairs.csv, row 2, column 'to'", "empty"]),
])
def test_bad_neighbours_csv_is_refused_before_writing(tmp_path, capsys, rows, words):
    C.write_csvs(tmp_path)
    pairs = _pairs(tmp_path, rows)
    code, book = _new(tmp_path, "--neighbours", str(pairs))
    err = capsys.readouterr().err
    assert code == 1 and all(word in err for word in words), err
    assert not book.exists()


def test_an_interrupted_build_leaves_nothing_and_an_old_book_as_it_was(tmp_path, monkeypatch):
    C.write_csvs(tmp_path)
    (tmp_path / "book.xlsx").write_bytes(b"the old book")

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_create, "run_refresh", interrupted)
    code, book = _new(tmp_path, "--force")
    assert code == 130 and book.read_bytes() == b"the old book"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "counties.csv",
                                                          "county_indicators.csv"]
