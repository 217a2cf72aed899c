"""The Data sheet -> the panel, in three steps with small named results: where the columns
are (``resolve_columns``), what each row says (``parse_rows``), and what the Log should
note about it (``data_notes``). Every problem names its cell; nothing is guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from openpyxl.utils.cell import range_boundaries

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import Problem
from trade_resilience_xl.workbook.cell_values import (
    as_number,
    as_whole,
    blank,
    describe,
    label_key,
    label_problem,
    missing_marker,
    quote,
)
from trade_resilience_xl.workbook.inputs.sheet_headers import (
    code_of_header,
    english,
    header,
    optional,
)

SHEET = L.SHEET_DATA
MAX_PROBLEMS = 50  # enough to fix a batch at once, few enough to read in a message box
MAX_NOTED_CELLS = 10  # cells named one by one in a Log note; the rest are counted
ILLUSTRATIVE_MARKERS = ("illustrative", "示例数据")
LABEL_ROLES = ("unit", "region")


@dataclass(frozen=True)
class DataColumns:
    """Where the table is: its header row (1-based), the unit column's header as typed,
    and the 0-based column of each role ("unit", "region", "year", maybe "population")
    and of each indicator code."""

    header_row: int
    unit_label: str
    of: dict[str, int]

    def cell(self, row: int, name: str) -> str:
        return L.cell_name(row, self.of[name] + 1)


@dataclass
class ParsedRows:
    """The rows read: one record per used sheet row, that row's number, and the cells a
    "not available" marker made missing."""

    frame: pd.DataFrame
    sheet_rows: list[int]
    marked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DataSheet:
    frame: pd.DataFrame
    sheet_rows: list[int]
    data_cols: dict[str, int]     # role or code -> 1-based sheet column
    header_row: int
    unit_label: str
    note: str
    illustrative: bool
    notes: list[str]


# ---------------------------------------------------------------------------- columns
def _merge_problems(merged, header_row: int, used: set[int]) -> list[Problem]:
    """Merged cells in the header row, or over the table's used columns below it."""
    problems = []
    for address in merged:
        first_col, first_row, last_col, last_row = range_boundaries(address)
        if first_row <= header_row <= last_row and last_col > first_col:
            problems.append(Problem(SHEET, address, f"header cells {address} are merged; "
                                    "unmerge them (one header per column)"))
        elif last_row > header_row and used & set(range(first_col - 1, last_col)):
            problems.append(Problem(SHEET, address, f"cells {address} are merged; unmerge "
                                    "them and fill every cell (one row per unit and year, "
                                    "every cell its own value)"))
    return problems


def _code_columns(header_row, header_row_number, codes, indicator_cells, problems):
    """code -> 0-based column: the header equal to the code (before " / ", trimmed, case
    kept). No match, or two, is a problem naming the cells."""
    found: dict[str, int] = {}
    for c, text in enumerate(header_row):
        if blank(text):
            continue
        code = code_of_header(text)
        if code not in codes:
            continue
        if code in found:
            problems.append(Problem(SHEET, L.cell_name(header_row_number, c + 1),
                                    f"indicator {code} heads two columns, "
                                    f"{L.cell_name(header_row_number, found[code] + 1)} and "
                                    f"{L.cell_name(header_row_number, c + 1)}; keep one"))
            continue
        found[code] = c
    width = max(len(header_row), 1)
    near = {code_of_header(t).casefold(): c for c, t in enumerate(header_row) if not blank(t)}
    for code in codes:
        if code in found:
            continue
        hint = ""
        if code.casefold() in near:
            c = near[code.casefold()]
            hint = (f"; {L.cell_name(header_row_number, c + 1)} reads "
                    f"{quote(header_row[c])}: codes match exactly, case included")
        problems.append(Problem(L.SHEET_INDICATORS, indicator_cells[code],
                                f'indicator {code} has no column on sheet "Data" (header '
                                f"row {header_row_number}, A{header_row_number}:"
                                f"{L.cell_name(header_row_number, width)}){hint}"))
    return found


def resolve_columns(rows, codes, indicator_cells, merged, problems, notes):
    """The table's DataColumns, or None with the problems recorded."""
    found = header(rows, ["Region", "Year"], SHEET, problems, L.DATA_HEADER_ROW)
    if found is None:
        return None
    header_row, named = found
    titles = rows[header_row - 1]
    # The unit column is the one left of Region (the template's Unit, Region, Year order),
    # whatever its header says: "Province / 省份", "State", "城市".
    unit_col = named["Region"] - 1
    if unit_col < 0 or blank(titles[unit_col]):
        where = L.cell_name(header_row, max(unit_col, 0) + 1)
        problems.append(Problem(SHEET, where, f'no unit column left of "{L.bilingual("Region")}"'
                                " (the unit names, e.g. provinces, go in the column left "
                                "of Region, under a header such as Province)"))
        return None
    of = {"unit": unit_col, "region": named["Region"], "year": named["Year"]}
    population_col = optional(titles, ["Population"]).get("Population")
    if population_col is not None:
        of["population"] = population_col
    merge_problems = _merge_problems(merged, header_row, set(range(len(titles))))
    header_merges = [p for p in merge_problems if p.message.startswith("header")]
    if header_merges:
        problems += header_merges
        return None
    of.update(_code_columns(titles, header_row, codes, indicator_cells, problems))
    if problems:
        return None
    used = set(of.values())
    problems += [p for p in _merge_problems(merged, header_row, used)
                 if not p.message.startswith("header")]
    if problems:
        return None
    for c, text in enumerate(titles):
        if not blank(text) and c not in used:
            notes.append(f'{SHEET}!{L.cell_name(header_row, c + 1)} {quote(str(text).strip())} '
                         f'is not a code on sheet "{L.SHEET_INDICATORS}"; not used')
    return DataColumns(header_row, str(titles[unit_col]).strip(), of)


# ---------------------------------------------------------------------------- rows
class _Labels:
    """First spelling and cell of each label, to refuse "East" next to "east"."""

    def __init__(self):
        self.first: dict[str, tuple[str, str]] = {}
        self.fine: set[str] = set()      # spellings already accepted: no key to compute

    def clash(self, text: str, cell: str) -> str:
        if text in self.fine:
            return ""
        spelling, where = self.first.setdefault(label_key(text), (text, cell))
        if spelling == text:
            self.fine.add(text)
            return ""
        return (f"{quote(text)} here and {quote(spelling)} in {where} differ only in case, "
                "spaces or full-width letters; spell them one way")


def _label(row, number, columns, role, name, problems, labels):
    value = row[columns.of[role]]
    if type(value) is str and value in labels.fine:
        return value.strip()                  # the common case: a spelling seen before
    cell = columns.cell(number, role)
    if blank(value):
        problems.append(Problem(SHEET, cell, f"{name} is empty"))
        return ""
    problem = label_problem(value) or (labels.clash(value, cell) if isinstance(value, str)
                                       else "")
    if problem:
        problems.append(Problem(SHEET, cell, f"{name} {problem}"))
    return str(value).strip()


def _number(value, number, columns, name, record, problems, marked):
    # The cell's address is worked out only for a message: most cells are plain numbers.
    # Plain numbers skip as_number (which gives the same); text and the rest go through it.
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        return float(value)
    if missing_marker(value):
        marked.append(f"{columns.cell(number, name)}: {quote(value.strip())}")
        return float("nan")
    try:
        parsed = as_number(value)
    except (ValueError, TypeError) as error:
        label = "Population" if name == "population" else name
        hint = str(error) if isinstance(error, ValueError) and str(error) else ""
        problems.append(Problem(SHEET, columns.cell(number, name),
                                f"{label} for {record['unit']}, "
                                f"{record.get('year', '?')} is {describe(value)}; "
                                + (hint or "a number is expected")))
        return float("nan")
    return float("nan") if parsed is None else parsed


def parse_rows(rows, columns: DataColumns, codes, problems) -> ParsedRows:
    """One record per non-empty row: unit, region, year, [population], one value per code."""
    unit_name = english(columns.unit_label)
    numeric = (["population"] if "population" in columns.of else []) + list(codes)
    numeric_cols = [(name, columns.of[name]) for name in numeric]
    # The frame's columns filled row by row (a dict per row costs more to build a frame of).
    table: dict[str, list] = {name: [] for name in ["unit", "region", "year"] + numeric}
    sheet_rows, marked = [], []
    seen, region_of = {}, {}
    labels = {role: _Labels() for role in LABEL_ROLES}
    for r in range(columns.header_row, len(rows)):
        row = rows[r]
        if all(blank(row[c]) for c in columns.of.values()):
            continue
        number = r + 1
        record = {role: _label(row, number, columns, role, name, problems, labels[role])
                  for role, name in (("unit", unit_name), ("region", "Region"))}
        if record["unit"] and record["region"]:
            first = region_of.setdefault(record["unit"], (record["region"], number))
            if first[0] != record["region"]:
                problems.append(Problem(SHEET, columns.cell(number, "region"),
                                        f"{record['unit']} is in region {record['region']} "
                                        f"here but {first[0]} in row {first[1]}"))
        try:
            record["year"] = as_whole(row[columns.of["year"]])
        except (ValueError, TypeError):
            problems.append(Problem(SHEET, columns.cell(number, "year"),
                                    f"year {describe(row[columns.of['year']])} is not a "
                                    "whole number"))
        key = (record["unit"], record.get("year"))
        if "year" in record and key in seen:
            problems.append(Problem(SHEET, columns.cell(number, "year"),
                                    f"{key[0]} has a second row for {key[1]} (first in row "
                                    f"{seen[key]})"))
        seen.setdefault(key, number)
        for name in ("unit", "region"):
            table[name].append(record[name])
        table["year"].append(record.get("year", float("nan")))
        for name, c in numeric_cols:
            table[name].append(_number(row[c], number, columns, name, record, problems,
                                       marked))
        sheet_rows.append(number)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not sheet_rows and not problems:
        problems.append(Problem(SHEET, L.cell_name(columns.header_row + 1, 1), "no data rows"))
    frame = pd.DataFrame(table) if sheet_rows else pd.DataFrame()
    return ParsedRows(frame, sheet_rows, marked)


# ---------------------------------------------------------------------------- notes
def data_notes(parsed: ParsedRows) -> list[str]:
    """What the Log should say about data that are usable as they are."""
    notes = [f"{SHEET}!{text} read as a missing value" for text in parsed.marked[:MAX_NOTED_CELLS]]
    if len(parsed.marked) > MAX_NOTED_CELLS:
        notes.append(f"{len(parsed.marked) - MAX_NOTED_CELLS} more cells marked as not "
                     'available ("—", "..", "n/a", #N/A...) read as missing values')
    frame = parsed.frame
    if frame.empty:
        return notes
    regions = frame["region"].unique()
    if len(regions) == 1:
        notes.append(f"every unit is in region {regions[0]}: the between-region parts of "
                     "the Theil and Dagum decompositions are 0")
    years = sorted(int(y) for y in frame["year"].dropna().unique())
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in set(years)] if years else []
    if gaps:
        shown = ", ".join(str(y) for y in gaps[:MAX_NOTED_CELLS])
        notes.append(f"no unit has a row for {shown} (years {years[0]}-{years[-1]}): the "
                     "years on either side are treated as adjacent")
    return notes


def read_data(rows, codes, indicator_cells, merged, problems) -> DataSheet | None:
    """The Data sheet read and checked, or None with the problems recorded."""
    notes: list[str] = []
    columns = resolve_columns(rows, codes, indicator_cells, merged, problems, notes)
    if columns is None:
        return None
    # Rows below the header (blank ones included): refused before any is parsed.
    too_many = L.too_many_rows(len(rows) - columns.header_row)
    if too_many:
        problems.append(Problem(SHEET, L.cell_name(columns.header_row + L.MAX_PANEL_ROWS + 1, 1),
                                f"the Data sheet has {too_many}"))
        return None
    parsed = parse_rows(rows, columns, codes, problems)
    if problems:
        return None
    data_cols = {role: c + 1 for role, c in columns.of.items()}
    above = [str(v).strip() for row in rows[:columns.header_row - 1] for v in row
             if not blank(v)]
    # The label is the first text above the table (row 1 in the template); row 2 holds
    # indicator names. Every text counts for the "illustrative data" flag.
    illustrative = any(m in text.casefold() for text in above for m in ILLUSTRATIVE_MARKERS)
    return DataSheet(parsed.frame, parsed.sheet_rows, data_cols, columns.header_row,
                     columns.unit_label, above[0] if above else "", illustrative,
                     notes + data_notes(parsed))
