"""Shared by the refresh tests: build the demo workbook, read cells, build remote payloads."""
from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import openpyxl

import trade_resilience_xl
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook.builder import build_workbook

INPUT_SHEETS = ("Indicators", "Data", "Settings")


def ensure_udfs_module(folder: Path) -> None:
    """The builder generates VBA wrappers for ``trade_resilience_xl.udfs``. While that
    module is being written elsewhere, a one-function stand-in (test-only, on the
    package's search path) lets the template be built."""
    if importlib.util.find_spec("trade_resilience_xl.udfs") is not None:
        return
    stub = folder / "udfs_stub"
    stub.mkdir(exist_ok=True)
    (stub / "udfs.py").write_text(textwrap.dedent('''
        import xlwings as xw

        @xw.func
        def tr_stub(x):
            """Stand-in."""
            return x
    '''), encoding="utf-8")
    if str(stub) not in trade_resilience_xl.__path__:
        trade_resilience_xl.__path__.append(str(stub))


def build_demo(path: Path) -> Path:
    ensure_udfs_module(path.parent)
    return build_workbook(path, data=load_example_panel())


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
