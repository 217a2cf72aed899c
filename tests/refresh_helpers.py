"""Shared by the refresh tests: build the demo workbook, read cells, build remote payloads."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook.template.builder import build_workbook

INPUT_SHEETS = ("Indicators", "Data", "Settings")


def build_demo(path: Path) -> Path:
    return build_workbook(path, data=load_example_panel())


def refreshed_copy(template: Path, folder: Path) -> Path:
    """A copy of ``template`` in ``folder``, refreshed through the file path (must succeed)."""
    from trade_resilience_xl.workbook.openpyxl_io import refresh_file

    path = folder / template.name
    shutil.copy(template, path)
    report = refresh_file(path)
    assert report.ok, report.message()
    return path


def cells(path: Path, sheet: str, data_only: bool = False) -> dict:
    """coordinate -> (value, number format) of every non-empty cell."""
    book = openpyxl.load_workbook(path, data_only=data_only)
    ws = book[sheet]
    return {c.coordinate: (c.value if not hasattr(c.value, "text") else c.value.text,
                           c.number_format)
            for row in ws.iter_rows() for c in row if c.value is not None}


def values(path: Path, sheet: str) -> list[list]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find_row(rows: list[list], first: str) -> int:
    """0-based index of the row whose first cell is ``first``."""
    return next(i for i, r in enumerate(rows) if r and r[0] == first)


def first_series_labels(path: Path) -> dict[str, list]:
    """Sheet -> the cell value each chart's first series takes its name from."""
    book = openpyxl.load_workbook(path)
    out: dict[str, list] = {}
    for ws in book.worksheets:
        for chart in ws._charts:
            sheet, _, cell = chart.series[0].tx.strRef.f.partition("!")
            out.setdefault(ws.title, []).append(book[sheet.strip("'")][cell.replace("$", "")]
                                                .value)
    return out


def openpyxl_resave(source: Path, target: Path, edit=None) -> Path:
    """Load ``source`` with openpyxl (VBA kept), apply ``edit(book)``, save to ``target``.

    openpyxl keeps the VBA parts in a ZipFile over a BytesIO that it never closes; left to
    the garbage collector, its ``__del__`` fails on the already closed buffer at a random
    later moment (inside CPython 3.11's ``compile`` that surfaces as a SystemError in an
    unrelated test), so it is closed here.
    """
    book = openpyxl.load_workbook(source, keep_vba=True)
    try:
        if edit is not None:
            edit(book)
        book.save(target)
    finally:
        if getattr(book, "vba_archive", None) is not None:
            book.vba_archive.close()
    return target
