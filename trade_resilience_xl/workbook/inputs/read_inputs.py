"""Indicators, Data and Settings sheets -> the engine's inputs, every problem located as a cell.

Headers are found by their English part, case-insensitively, wherever they stand
(``layout.find_header_row`` / ``find_columns``), so users may move columns or insert rows
above a table; indicator codes match exactly (read_data.py). Cells are checked one by one
here, before the engine runs, so that a message can name the cell; what only the engine can
judge (constant data, an unbalanced panel, rules across settings) comes back as an
``InputError`` that ``locate`` maps to a cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from trade_resilience_xl.engine import InputError, Settings, direction_sign
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Problem, WorkbookIO
from trade_resilience_xl.workbook.cell_values import (
    as_number,
    as_whole,
    blank,
    describe,
    label_problem,
)
from trade_resilience_xl.workbook.inputs.read_data import MAX_PROBLEMS, read_data
from trade_resilience_xl.workbook.inputs.read_neighbours import read_neighbours
from trade_resilience_xl.workbook.inputs.sheet_headers import chinese, english, header, optional


class InputProblems(Exception):
    """The input sheets cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Inputs:
    """What the refresh needs, plus where each piece came from (for messages)."""

    indicators: pd.DataFrame          # code, indicator, dimension, direction, paper_weight
    data: pd.DataFrame                # unit, region, year, [population], one column per code
    settings: Settings
    settings_used: list[tuple[str, object]]   # (Settings-sheet key, value used)
    data_rows: list[int]              # sheet row of each data row
    data_cols: dict[str, int]         # role or code -> 1-based sheet column
    data_header_row: int
    setting_cells: dict[str, str]     # setting key -> value cell
    indicator_cells: dict[str, str]   # code -> Code cell on Indicators
    data_note: str = ""
    illustrative: bool = False
    notes: list[str] = field(default_factory=list)   # harmless oddities, for the Log
    unit_label: str = L.bilingual("Province")   # the unit column's header, as typed
    index_name: str = L.SETTINGS_BY_KEY["index name"].default   # Settings "Index name"
    # issue 14: convergence, spatial
    neighbours: list | None = None    # pairs from the Neighbours sheet; None: no such sheet


def _sheet_rows(book: WorkbookIO, sheet: str, problems: list[Problem]) -> list[list] | None:
    if sheet not in book.sheet_names():
        problems.append(Problem(sheet, "", f'the sheet "{sheet}" is missing'))
        return None
    return book.read_values(sheet)


# ---------------------------------------------------------------------------- Indicators
def _read_indicators(rows, problems):
    sheet = L.SHEET_INDICATORS
    found = header(rows, ["Code", "Dimension", "Indicator", "Direction"], sheet, problems,
                    L.INDICATORS_HEADER_ROW)
    if found is None:
        return None, {}
    header_row, cols = found
    extra = {k: v for k, v in optional(rows[header_row - 1], ["Paper weight (%)"]).items()}
    records, cells = [], {}
    chinese_of: dict[str, tuple[str, str]] = {}    # dimension -> (short Chinese label, cell)
    for r in range(header_row, len(rows)):
        row = rows[r]
        if all(blank(v) for v in row):
            continue
        number = r + 1
        code = row[cols["Code"]]
        where = L.cell_name(number, cols["Code"] + 1)
        if blank(code):
            problems.append(Problem(sheet, where, "this indicator row has no code"))
            continue
        code = str(code).strip()
        if code in cells:
            problems.append(Problem(sheet, where, f"indicator code {code} is listed twice "
                                    f"(also {cells[code]})"))
            continue
        cells[code] = where
        for label in ("Code", "Indicator", "Dimension"):
            problem = label_problem(row[cols[label]])
            if problem:
                problems.append(Problem(sheet, L.cell_name(number, cols[label] + 1),
                                        f"{label} {problem}"))
        dimension = row[cols["Dimension"]]
        dimension_cell = L.cell_name(number, cols["Dimension"] + 1)
        if blank(dimension):
            problems.append(Problem(sheet, dimension_cell, f"indicator {code} has no dimension"))
        elif chinese(dimension):
            # The Chinese part names the dimension in Chinese type names: one per dimension.
            first = chinese_of.setdefault(english(dimension), (chinese(dimension), dimension_cell))
            if first[0] != chinese(dimension):
                problems.append(Problem(sheet, dimension_cell, f"dimension {english(dimension)} "
                                        f"is {chinese(dimension)} in Chinese here but {first[0]} "
                                        f"in {first[1]}; give it one Chinese label"))
        direction = row[cols["Direction"]]
        sign = None if blank(direction) else direction_sign(direction)
        if sign is None:
            shown = "no direction" if blank(direction) else f"direction {describe(direction)}"
            problems.append(Problem(sheet, L.cell_name(number, cols["Direction"] + 1),
                                    f"indicator {code} has {shown}; use + (benefit) or - "
                                    "(cost)"))
        name = row[cols["Indicator"]]
        paper_col = extra.get("Paper weight (%)")
        paper_weight = None if paper_col is None else row[paper_col]
        records.append({"code": code,
                        "indicator": code if blank(name) else str(name).strip(),
                        "dimension": "" if blank(dimension) else english(dimension),
                        "dimension_label": "" if blank(dimension) else str(dimension).strip(),
                        "dimension_zh": "" if blank(dimension) else chinese(dimension),
                        "direction": "+" if sign == 1 else "-",
                        "paper_weight": paper_weight if isinstance(paper_weight, (int, float))
                        and not isinstance(paper_weight, bool) else None})
    if not records and not problems:
        problems.append(Problem(sheet, L.cell_name(header_row + 1, 1), "no indicators listed"))
    return pd.DataFrame(records), cells


# ---------------------------------------------------------------------------- Settings
def _setting_value(spec: L.SettingSpec, value):
    """The value as the engine wants it, or raise ValueError."""
    if spec.kind == "number>=0":
        number = as_number(value)
        if number is None or number < 0:
            raise ValueError
        return number
    if spec.kind == "choice":
        text = str(value).strip().casefold()
        for choice in spec.choices:
            if choice.casefold() == text:
                return choice
        raise ValueError
    if spec.kind == "text":
        if label_problem(value):
            raise ValueError(label_problem(value))
        return str(value).strip()
    if spec.kind in ("mean|year", "last|year"):
        word = spec.kind.split("|")[0]
        if isinstance(value, str) and value.strip().casefold() == word:
            return word
        return as_whole(value)
    number = as_whole(value)
    if spec.kind == "integer>=0" and number < 0:
        raise ValueError
    return number


def _expected(spec: L.SettingSpec) -> str:
    return {"number>=0": "a number >= 0", "integer>=0": "a whole number >= 0 (0 = off)",
            "integer": "a whole number", "mean|year": 'mean or a year such as 2021',
            "last|year": 'last or a year such as 2021',
            "choice": " or ".join(spec.choices), "text": "a text"}[spec.kind]


def _read_settings(rows, problems):
    sheet = L.SHEET_SETTINGS
    found = header(rows, ["Setting", "Value"], sheet, problems, L.SETTINGS_HEADER_ROW)
    if found is None:
        return None
    header_row, cols = found
    values = {spec.key: spec.default for spec in L.SETTINGS}
    cells, key_cells, notes = {}, {}, []
    for r in range(header_row, len(rows)):
        key, value = rows[r][cols["Setting"]], rows[r][cols["Value"]]
        if blank(key):
            continue
        key_cell = L.cell_name(r + 1, cols["Setting"] + 1)
        value_cell = L.cell_name(r + 1, cols["Value"] + 1)
        try:
            spec = L.setting_spec(key, sheet)
        except L.LayoutError as error:
            # The location says the sheet already.
            problems.append(Problem(sheet, key_cell, str(error).replace(
                f'Sheet "{sheet}": ', "", 1)))
            continue
        if spec.key in key_cells:
            problems.append(Problem(sheet, key_cell, f"setting {spec.key} is listed twice, in "
                                    f"{key_cells[spec.key]} and {key_cell}; keep one"))
            continue
        cells[spec.key], key_cells[spec.key] = value_cell, key_cell
        if blank(value):
            notes.append(f"Setting {spec.key} is empty; the default {spec.default!r} was used")
            continue
        try:
            values[spec.key] = _setting_value(spec, value)
        except (ValueError, TypeError) as error:
            hint = f" ({error})" if isinstance(error, ValueError) and str(error) else ""
            problems.append(Problem(sheet, value_cell, f"{spec.key} is {describe(value)}; "
                                    f"expected {_expected(spec)}{hint}"))
    # Rules across settings and limits are the engine's (Settings.checked), located by field.
    settings = Settings(**{spec.field: values[spec.key] for spec in L.SETTINGS if spec.field})
    return settings, [(key, values[key]) for key in L.SETTING_KEYS], cells, notes


# ---------------------------------------------------------------------------- together
def read_inputs(book: WorkbookIO) -> Inputs:
    """Read and check the three input sheets; raise ``InputProblems`` listing every bad cell."""
    problems: list[Problem] = []
    ind_rows = _sheet_rows(book, L.SHEET_INDICATORS, problems)
    data_rows = _sheet_rows(book, L.SHEET_DATA, problems)
    set_rows = _sheet_rows(book, L.SHEET_SETTINGS, problems)
    settings = None if set_rows is None else _read_settings(set_rows, problems)
    indicators, ind_cells = (None, {}) if ind_rows is None else _read_indicators(ind_rows,
                                                                                 problems)
    if problems or data_rows is None:
        raise InputProblems(problems[:MAX_PROBLEMS])
    data = read_data(data_rows, list(indicators["code"]), ind_cells,
                     book.merged_ranges(L.SHEET_DATA), problems)
    neighbours = None
    if L.SHEET_NEIGHBOURS in book.sheet_names() and not problems:
        neighbours = read_neighbours(book.read_values(L.SHEET_NEIGHBOURS),
                                     data.frame["unit"].unique(), problems)
    if problems:
        raise InputProblems(problems[:MAX_PROBLEMS])
    settings_obj, used, setting_cells, notes = settings
    return Inputs(indicators, data.frame, settings_obj, used, data.sheet_rows, data.data_cols,
                  data.header_row, setting_cells, ind_cells, data.note, data.illustrative,
                  notes + data.notes, unit_label=data.unit_label,
                  index_name=dict(used)["Index name"], neighbours=neighbours)


def locate(error: InputError, inputs: Inputs) -> Problem:
    """Turn an engine ``InputError`` into a Problem naming the cell it is about."""
    message = error.message
    sheet = L.SHEET_DATA
    setting = L.SETTING_OF_FIELD.get(error.field or "")
    if setting is not None and error.unit is None:
        return Problem(L.SHEET_SETTINGS, inputs.setting_cells.get(setting, ""), message)
    if error.column is not None and error.field is None:
        # Only the checks on the composite scores (units x years, before Theil and Dagum)
        # give a column; ``row`` is then a unit's position, not a Data row. No Data cell
        # holds that score: what the user can change is the measure.
        return Problem(L.SHEET_SETTINGS, inputs.setting_cells.get("Theil measure", ""),
                       f"{message} (a composite score; Theil L takes its logarithm, so "
                       "every score must be above 0: set Theil measure to T)")
    column = inputs.data_cols.get(error.field or "", inputs.data_cols["unit"])
    frame = inputs.data
    row = None
    if error.row is not None and error.unit is not None or (
            error.row is not None and error.field in inputs.data_cols):
        row = error.row
    elif error.unit is not None:
        match = frame.index[frame["unit"] == str(error.unit)]
        if error.year is not None and error.field is not None:
            match = frame.index[(frame["unit"] == str(error.unit))
                                & (frame["year"] == int(error.year))]
        row = int(match[0]) if len(match) else None
    elif error.year is not None:
        match = frame.index[frame["year"] == int(error.year)]
        row = int(match[0]) if len(match) else None
    if row is not None:
        return Problem(sheet, L.cell_name(inputs.data_rows[row], column), message)
    codes = list(inputs.indicators["code"])
    first, last = inputs.data_cols[codes[0]], inputs.data_cols[codes[-1]]
    if error.field in codes:
        first = last = inputs.data_cols[error.field]
    top, bottom = inputs.data_rows[0], inputs.data_rows[-1]
    return Problem(sheet, f"{L.cell_name(top, first)}:{L.cell_name(bottom, last)}", message)
