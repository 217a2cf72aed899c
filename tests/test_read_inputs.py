"""The input sheets read exactly as written: the right column for every code, the Settings
sheet and the engine sharing one spec."""
from __future__ import annotations

import dataclasses

import numpy as np
import openpyxl
import pytest

from trade_resilience_xl.engine import Settings
from trade_resilience_xl.engine.entropy import CONSTANT_RTOL, no_range
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.cell_values import as_number, label_key
from trade_resilience_xl.workbook.inputs.read_inputs import read_inputs
from trade_resilience_xl.workbook.openpyxl_io import OpenpyxlBook
from trade_resilience_xl.workbook.template.builder import build_workbook


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("good") / "good.xlsx",
                          data=load_example_panel(), macro_enabled=False)


@pytest.mark.parametrize("first, second", [("FDI/GDP", "FDI/Pop"), ("GDP", "gdp"),
                                           ("Trade", "Trade share")])
def test_codes_that_are_prefixes_or_case_variants_read_their_own_columns(good, tmp_path,
                                                                        first, second):
    path = tmp_path / "codes.xlsx"
    book = openpyxl.load_workbook(good)
    for row, letter, code in ((8, "E", first), (9, "F", second)):
        book["Indicators"][f"A{row}"] = code
        book["Data"][f"{letter}3"] = code
    book.save(path)
    inputs = read_inputs(OpenpyxlBook(path))
    panel = load_example_panel()
    np.testing.assert_array_equal(inputs.data[first].to_numpy(), panel["X1"].to_numpy())
    np.testing.assert_array_equal(inputs.data[second].to_numpy(), panel["X2"].to_numpy())
    assert (inputs.data_cols[first], inputs.data_cols[second]) == (5, 6)
    assert not [n for n in inputs.notes if "not used" in n]


def test_settings_sheet_defaults_are_the_engines():
    """One spec: every Settings-sheet default is the engine's default for its field."""
    engine_defaults = Settings().checked()
    from_sheet = Settings(**{spec.field: spec.default for spec in L.SETTINGS if spec.field})
    assert from_sheet.checked() == engine_defaults
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert {spec.field for spec in L.SETTINGS if spec.field} <= fields
    assert L.SETTING_OF_FIELD["seed"] == "Seed"


@pytest.mark.parametrize("text, number", [("1,234,567.8", 1234567.8), ("-1,234", -1234.0),
                                          ("12,345.", 12345.0), ("72.76", 72.76),
                                          (" 1,000 ", 1000.0), ("1e3", 1000.0)])
def test_thousands_separators_are_read(text, number):
    assert as_number(text) == number


@pytest.mark.parametrize("text", ["72,76", "0,01", "1,5", "1,23", "1,2345", "12,34,567",
                                  "1.234,5", ",123", "1,,234"])
def test_other_commas_are_refused_with_a_hint(text):
    with pytest.raises(ValueError, match="a comma is read only between groups of three"):
        as_number(text)


def test_constant_tolerance_is_relative():
    assert no_range(np.array(7.0), np.array(7.000000000000001))
    assert no_range(np.array(0.0), np.array(0.0))
    assert not no_range(np.array(7.0), np.array(7.0 * (1 + 100 * CONSTANT_RTOL)))
    assert not no_range(np.array(0.0), np.array(1e-300))   # tiny but real


@pytest.mark.parametrize("a, b", [("East", "east"), ("East", " East "), ("East", "Ｅａｓｔ"),
                                  ("广东", "广东\u3000")])
def test_label_key_unifies_spellings(a, b):
    assert label_key(a) == label_key(b)
