"""Indicators, Data and Settings sheets -> the engine's inputs, every problem located as a cell.

Headers are found by their English part, case-insensitively, wherever they stand
(``layout.find_header_row`` / ``find_columns``), so users may move columns or insert rows
above a table. Cells are checked one by one here, before the engine runs, so that a
message can name the cell; what only the engine can judge (constant data, an unbalanced
panel) comes back as an ``InputError`` that ``locate`` maps to a cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from openpyxl.utils.cell import range_boundaries

from trade_resilience_xl.engine import InputError, Settings, direction_sign
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Problem, WorkbookIO
from trade_resilience_xl.workbook.cell_values import (as_number, as_whole, blank, describe,
                                                      missing_marker)

MAX_PROBLEMS = 50  # enough to fix a batch at once, few enough to read in a message box
MAX_NOTED_CELLS = 10  # cells named one by one in a Log note; the rest are counted
ILLUSTRATIVE_MARKERS = ("illustrative", "示例数据")

# Engine Settings field -> Settings-sheet key (for errors the engine raises by field).
SETTING_OF_FIELD = {"shift": "Shift", "weighting": "Weighting", "score": "Score",
                    "theil_measure": "Theil measure",
                    "classification_basis": "Classification basis",
                    "missing": "Missing values", "permutations": "Permutations",
                    "bootstrap": "Bootstrap", "seed": "Seed"}
ROLES = ("unit", "region", "year", "population")  # engine roles of DATA_ID_COLUMNS


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
    unit_label: str = "Province / 省份"   # the unit column's header, as the user typed it
    index_name: str = "Foreign trade resilience / 外贸韧性"   # Settings "Index name"


def _sheet_rows(book: WorkbookIO, sheet: str, problems: list[Problem]) -> list[list] | None:
    if sheet not in book.sheet_names():
        problems.append(Problem(sheet, "", f'the sheet "{sheet}" is missing'))
        return None
    return book.read_values(sheet)


def _header(rows, wanted, sheet, problems, header_row_hint):
    """(header row number, {name: 0-based column}) or None with a problem recorded.

    When no row has every wanted header, the message names the missing one(s) and the row
    looked at (the one with most of them), and says so when years stand as columns.
    """
    try:
        number = L.find_header_row(rows, wanted, sheet)
    except L.LayoutError:
        problems.append(_no_header(rows, wanted, sheet, header_row_hint))
        return None
    return number, L.find_columns(rows[number - 1], wanted, sheet)


def _span(row: int, row_values) -> str:
    width = max(len(row_values), 1)
    return L.cell_name(row, 1) if width == 1 else f"A{row}:{L.cell_name(row, width)}"


def _no_header(rows, wanted, sheet, header_row_hint) -> Problem:
    top = rows[:30]
    keys = [L.english_part(name) for name in wanted]
    counts = [sum(k in {L.english_part(v) for v in row} for k in keys) for row in top]
    best = max(range(len(top)), key=lambda i: counts[i], default=None)
    shown = ", ".join(f'"{L.bilingual(name)}"' for name in wanted)
    if best is None or counts[best] == 0:
        row = min(header_row_hint, max(len(rows), 1))
        return Problem(sheet, _span(row, rows[row - 1] if rows else []),
                       f"no header row with {shown} in the first 30 rows "
                       "(headers are matched by their English part)")
    row_values = top[best]
    present = {L.english_part(v) for v in row_values}
    missing = [name for name, key in zip(wanted, keys) if key not in present]
    message = (", ".join(f'no "{L.bilingual(name)}" header' for name in missing)
               + f" in row {best + 1}, the row with the other headers (matched by their "
               "English part)")
    years = [c for c, v in enumerate(row_values)
             if isinstance(v, (int, float)) and not isinstance(v, bool)
             and float(v).is_integer() and 1900 <= v <= 2100
             or isinstance(v, str) and v.strip().isdigit() and 1900 <= int(v.strip()) <= 2100]
    if "Year" in missing and len(years) >= 2:
        message += (f"; years seem to be columns ({L.cell_name(best + 1, years[0] + 1)}:"
                    f"{L.cell_name(best + 1, years[-1] + 1)}): the sheet needs one row per "
                    "province and year, with a Year column")
    return Problem(sheet, _span(best + 1, row_values), message)


# ---------------------------------------------------------------------------- Indicators
def _read_indicators(rows, problems):
    sheet = L.SHEET_INDICATORS
    found = _header(rows, ["Code", "Dimension", "Indicator", "Direction"], sheet, problems,
                    L.INDICATORS_HEADER_ROW)
    if found is None:
        return None, {}
    header_row, cols = found
    extra = {k: v for k, v in _optional(rows[header_row - 1], ["Paper weight (%)"]).items()}
    records, cells = [], {}
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
        dimension = row[cols["Dimension"]]
        if blank(dimension):
            problems.append(Problem(sheet, L.cell_name(number, cols["Dimension"] + 1),
                                    f"indicator {code} has no dimension"))
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
                        "dimension": "" if blank(dimension) else _english(dimension),
                        "dimension_label": "" if blank(dimension) else str(dimension).strip(),
                        "direction": "+" if sign == 1 else "-",
                        "paper_weight": paper_weight if isinstance(paper_weight, (int, float))
                        and not isinstance(paper_weight, bool) else None})
    if not records and not problems:
        problems.append(Problem(sheet, L.cell_name(header_row + 1, 1), "no indicators listed"))
    return pd.DataFrame(records), cells


def _english(text) -> str:
    """The English part of a bilingual label ("Reconstruction ability / 重构能力")."""
    return str(text).split(L.BILINGUAL_SEPARATOR.strip(), 1)[0].strip()


def _optional(header_row, names) -> dict[str, int]:
    found = {}
    for name in names:
        try:
            found.update(L.find_columns(header_row, [name], ""))
        except L.LayoutError:
            pass
    return found


# ---------------------------------------------------------------------------- Data
def _read_data(rows, codes, indicator_cells, problems, merged=(), notes=None):
    """The panel; ``merged`` lists the sheet's merged ranges (when the adapter knows them),
    ``notes`` receives harmless oddities for the Log."""
    sheet = L.SHEET_DATA
    notes = [] if notes is None else notes
    found = _header(rows, ["Region", "Year"], sheet, problems, L.DATA_HEADER_ROW)
    if found is None:
        return None
    header_row, cols = found
    header = rows[header_row - 1]
    # The unit column is the one left of Region (the template's Unit, Region, Year order),
    # whatever its header says: "Province / 省份", "State", "城市".
    unit_col = cols["Region"] - 1
    if unit_col < 0 or blank(header[unit_col]):
        where = L.cell_name(header_row, max(unit_col, 0) + 1)
        problems.append(Problem(sheet, where, f'no unit column left of "{L.bilingual("Region")}"'
                                " (the unit names, e.g. provinces, go in the column left "
                                "of Region, under a header such as Province)"))
        return None
    cols["Province"] = unit_col
    unit_label = str(header[unit_col]).strip()
    cols.update(_optional(header, ["Population"]))
    for code in codes:
        try:
            cols.update(L.find_columns(header, [code], sheet))
        except L.LayoutError:
            width = max(len(header), 1)
            problems.append(Problem(L.SHEET_INDICATORS, indicator_cells[code],
                                    f'indicator {code} has no column on sheet "Data" (header '
                                    f"row {header_row}, A{header_row}:"
                                    f"{L.cell_name(header_row, width)})"))
    if problems:
        return None
    for c, text in enumerate(header):
        if not blank(text) and c not in cols.values():
            notes.append(f'{sheet}!{L.cell_name(header_row, c + 1)} "{str(text).strip()}" is not a '
                         f'code on sheet "{L.SHEET_INDICATORS}"; not used')
    used_columns = {c + 1 for c in cols.values()}
    for address in merged:
        first_col, first_row, last_col, last_row = range_boundaries(address)
        if last_row > header_row and used_columns & set(range(first_col, last_col + 1)):
            problems.append(Problem(sheet, address, f"cells {address} are merged; unmerge "
                                    "them and fill every cell (one row per province and "
                                    "year, every cell its own value)"))
    if problems:
        return None
    roles = dict(zip(ROLES, L.DATA_ID_COLUMNS))
    records, sheet_rows, seen, region_of, marked = [], [], {}, {}, []
    for r in range(header_row, len(rows)):
        row = rows[r]
        used = [row[c] for c in cols.values()]
        if all(blank(v) for v in used):
            continue
        number = r + 1
        record = {}

        def cell(name):
            return L.cell_name(number, cols[name] + 1)

        for role in ("unit", "region"):
            value = row[cols[roles[role]]]
            if blank(value):
                named = _english(unit_label) if role == "unit" else roles[role]
                problems.append(Problem(sheet, cell(roles[role]), f"{named} is empty"))
            record[role] = "" if blank(value) else str(value).strip()
        if record["unit"] and record["region"]:
            first = region_of.setdefault(record["unit"], (record["region"], number))
            if first[0] != record["region"]:
                problems.append(Problem(sheet, cell("Region"), f"{record['unit']} is in "
                                        f"region {record['region']} here but {first[0]} in "
                                        f"row {first[1]}"))
        try:
            record["year"] = as_whole(row[cols["Year"]])
        except (ValueError, TypeError):
            problems.append(Problem(sheet, cell("Year"), f"year {describe(row[cols['Year']])}"
                                    " is not a whole number"))
        key = (record["unit"], record.get("year"))
        if "year" in record and key in seen:
            problems.append(Problem(sheet, cell("Year"), f"{key[0]} has a second row for "
                                    f"{key[1]} (first in row {seen[key]})"))
        seen.setdefault(key, number)
        numeric = (["Population"] if "Population" in cols else []) + list(codes)
        for name in numeric:
            if missing_marker(row[cols[name]]):
                marked.append(f'{cell(name)}: "{row[cols[name]].strip()}"')
                record["population" if name == "Population" else name] = float("nan")
                continue
            try:
                value = as_number(row[cols[name]])
            except (ValueError, TypeError):
                problems.append(Problem(sheet, cell(name), f"{name} for {record['unit']}, "
                                        f"{record.get('year', '?')} is "
                                        f"{describe(row[cols[name]])}; a number is expected"))
                value = None
            record["population" if name == "Population" else name] = (
                float("nan") if value is None else value)
        records.append(record)
        sheet_rows.append(number)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not records and not problems:
        problems.append(Problem(sheet, L.cell_name(header_row + 1, 1), "no data rows"))
    notes += [f"{sheet}!{text} read as a missing value" for text in marked[:MAX_NOTED_CELLS]]
    if len(marked) > MAX_NOTED_CELLS:
        notes.append(f"{len(marked) - MAX_NOTED_CELLS} more cells marked as not available "
                     '("—", "..", "n/a", #N/A...) read as missing values')
    data_cols = {role: cols[name] + 1 for role, name in roles.items() if name in cols}
    data_cols.update({code: cols[code] + 1 for code in codes})
    above = [str(v).strip() for row in rows[:header_row - 1] for v in row if not blank(v)]
    # The label is the first text above the table (row 1 in the template); row 2 holds
    # indicator names. Every text counts for the "illustrative data" flag.
    note = above[0] if above else ""
    illustrative = any(m in text.casefold() for text in above for m in ILLUSTRATIVE_MARKERS)
    return (pd.DataFrame(records), sheet_rows, data_cols, header_row, note, illustrative,
            unit_label)


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
        return str(value).strip()
    if spec.kind == "mean|year":
        if isinstance(value, str) and value.strip().casefold() == "mean":
            return "mean"
        return as_whole(value)
    number = as_whole(value)
    if spec.kind == "integer>=0" and number < 0:
        raise ValueError
    return number


def _expected(spec: L.SettingSpec) -> str:
    return {"number>=0": "a number >= 0", "integer>=0": "a whole number >= 0 (0 = off)",
            "integer": "a whole number", "mean|year": 'mean or a year such as 2021',
            "choice": " or ".join(spec.choices), "text": "a text"}[spec.kind]


def _read_settings(rows, problems):
    sheet = L.SHEET_SETTINGS
    found = _header(rows, ["Setting", "Value"], sheet, problems, L.SETTINGS_HEADER_ROW)
    if found is None:
        return None
    header_row, cols = found
    values = {spec.key: spec.default for spec in L.SETTINGS}
    cells, notes = {}, []
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
        cells[spec.key] = value_cell
        if blank(value):
            notes.append(f"Setting {spec.key} is empty; the default {spec.default!r} was used")
            continue
        try:
            values[spec.key] = _setting_value(spec, value)
        except (ValueError, TypeError):
            problems.append(Problem(sheet, value_cell, f"{spec.key} is {describe(value)}; "
                                    f"expected {_expected(spec)}"))
    if values["Bootstrap"] and values["Weighting"] != "pooled":
        problems.append(Problem(sheet, cells.get("Bootstrap", ""), "bootstrap intervals "
                                "need pooled weighting; set Bootstrap to 0 or Weighting to "
                                "pooled"))
    settings = Settings(shift=values["Shift"], weighting=values["Weighting"],
                        score=values["Score"], theil_measure=values["Theil measure"],
                        classification_basis=values["Classification basis"],
                        missing=values["Missing values"], permutations=values["Permutations"],
                        bootstrap=values["Bootstrap"], seed=values["Seed"])
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
    merged_ranges = getattr(book, "merged_ranges", None)   # optional in WorkbookIO
    data_notes: list[str] = []
    data = _read_data(data_rows, list(indicators["code"]), ind_cells, problems,
                      merged_ranges(L.SHEET_DATA) if merged_ranges else (), data_notes)
    if problems:
        raise InputProblems(problems[:MAX_PROBLEMS])
    frame, sheet_rows, data_cols, header_row, note, illustrative, unit_label = data
    settings_obj, used, setting_cells, notes = settings
    return Inputs(indicators, frame, settings_obj, used, sheet_rows, data_cols, header_row,
                  setting_cells, ind_cells, note, illustrative, notes + data_notes,
                  unit_label=unit_label, index_name=dict(used)["Index name"])


def locate(error: InputError, inputs: Inputs) -> Problem:
    """Turn an engine ``InputError`` into a Problem naming the cell it is about."""
    message = error.message
    sheet = L.SHEET_DATA
    setting = SETTING_OF_FIELD.get(error.field or "")
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
