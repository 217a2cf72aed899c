"""CSV files -> a ready workbook (``trade-resilience new``); every problem is refused in one
line naming the file, row and column.

The panel CSV comes in one of two forms:

* long: ``<unit>, region, year, [population], X1, X2, ...`` (one column per indicator code);
* tidy: ``<unit>, region, year, [population], code, value`` (one row per unit-year-indicator).

``population`` is optional: without it (or with it empty) Theil and Dagum use equal weights.

The unit column is the one left of ``region``, whatever its header ("State", "City", "城市"):
that header becomes the Data sheet's unit header and the word the result sheets use. Fixed
headers (region, year, population, code, value) are matched case-insensitively, indicator
codes exactly (as on the Data sheet). Numbers follow the Data sheet's rules ("1234.5", "1,234.5";
a blank cell or a "not available" marker such as NA, n/a, - is a gap; "72,76", a decimal
comma?, and any other text are refused).

The indicators CSV has ``code, dimension, direction`` (+ benefit, - cost) and optionally
``name, name_zh, dimension_zh, unit, unit_zh, explanation``. ``dimension_zh`` is the short
Chinese label of the dimension (e.g. 经济), used for Chinese type names.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trade_resilience_xl import paper
from trade_resilience_xl.engine import InputError, direction_sign
from trade_resilience_xl.engine.panel_data import prepare_panel, short_chinese_labels
from trade_resilience_xl.workbook import layout
from trade_resilience_xl.workbook.cell_values import as_number, label_problem, missing_marker
from trade_resilience_xl.workbook.template.builder import build_workbook

INDICATOR_REQUIRED = ("code", "dimension", "direction")
INDICATOR_OPTIONAL = ("name", "name_zh", "dimension_zh", "unit", "unit_zh", "explanation")
PANEL_REQUIRED = ("region", "year")
# Optional: absent, or empty everywhere, gives equal weights in Theil and Dagum (said in the
# Log); a unit with population in some years and not in others is refused at refresh.
POPULATION = "population"
TIDY_COLUMNS = ("code", "value")


class CsvError(ValueError):
    """A CSV input problem, worded as one line naming file, row and column."""


# What no Excel cell can hold: control characters other than tab and line breaks (the XML
# of the file cannot carry them), and more than 32,767 characters.
_NOT_IN_A_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A label (unit, region, code, dimension) is one line of plain text besides.
_NOT_IN_A_LABEL = re.compile(r"[\x00-\x1f\x7f]")
MAX_CELL_TEXT = 32767


def _text_problem(text: str, label: bool) -> str:
    bad = (_NOT_IN_A_LABEL if label else _NOT_IN_A_CELL).search(text)
    if bad:
        return (f"holds the control character U+{ord(bad.group()):04X} (position "
                f"{bad.start() + 1}), which {'a label' if label else 'an Excel cell'} cannot "
                "hold; remove it")
    if len(text) > MAX_CELL_TEXT:
        return f"has {len(text)} characters; an Excel cell holds at most {MAX_CELL_TEXT}"
    return label_problem(text) if label else ""


def check_label(path: Path, row: int, column: str, text: str) -> None:
    """Refuse a unit, region, code or dimension that Excel cannot hold or would run."""
    problem = _text_problem(text, label=True)
    if problem:
        raise CsvError(f"{_where(path, row, column)}: {text[:40]!r} {problem}")


@dataclass(frozen=True)
class CsvPanel:
    """What ``new`` builds a workbook from: the panel (columns: the unit header as typed,
    Region, Year, Population, one per code) and the indicator table (None: the paper's)."""

    data: pd.DataFrame
    indicators: pd.DataFrame | None
    unit_label: str
    csv_rows: dict[tuple[str, int], int]      # (unit, year) -> the CSV row it came from
    neighbours: list[tuple[str, str]] | None = None


def _where(path: Path, row: int | None = None, column: str | None = None) -> str:
    place = str(path)
    if row is not None:
        place += f", row {row}"
    if column is not None:
        place += f", column '{column}'"
    return place


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (file row number, fields) of each non-empty row; rows must be as wide as
    the header."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise CsvError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as error:
        raise CsvError(f"{path}: {error.strerror or error}") from None
    if not lines or not any(field.strip() for field in lines[0]):
        raise CsvError(f"{path}: empty file (a header row is expected)")
    header = [field.strip() for field in lines[0]]
    rows = []
    for number, fields in enumerate(lines, start=1):
        if number > 1 and not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            raise CsvError(f"{_where(path, number)}: {len(fields)} fields, the header has "
                           f"{len(header)}")
        for name, field in zip(header, fields):   # nothing reaches a cell that Excel refuses
            problem = _text_problem(field, label=False)
            if problem:
                raise CsvError(f"{_where(path, number, name or None)}: {problem}")
        if number > 1:
            rows.append((number, [field.strip() for field in fields]))
    return header, rows


def _columns(path: Path, header: list[str], required: tuple[str, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.casefold()
        if key in index:
            raise CsvError(f"{_where(path, 1)}: column '{name}' appears twice")
        index[key] = i
    for name in required:
        if name not in index:
            raise CsvError(f"{_where(path, 1)}: no column '{name}' (the header has "
                           f"{', '.join(header)})")
    return index


def _number(path: Path, row: int, column: str, text: str, *, whole: bool = False):
    """A field read by the Data sheet's rules (``cell_values.as_number``): blank or a "not
    available" marker is a gap; "72,76" (a decimal comma?) is refused, never guessed."""
    if not text or missing_marker(text):
        return None
    try:
        value, hint = as_number(text), ""
    except ValueError as error:
        value, hint = math.nan, str(error)
    if not math.isfinite(value) or (whole and not value.is_integer()):
        wanted = "a whole number" if whole else "a number"
        raise CsvError(f"{_where(path, row, column)}: {text!r} is not {wanted}"
                       + (f" ({hint})" if hint else ""))
    return int(value) if whole else value


# ---------------------------------------------------------------------------- indicators
def read_indicators(path: str | Path) -> pd.DataFrame:
    """The indicator table: code, dimension, direction (+/-) and the optional columns
    (empty text where absent)."""
    path = Path(path)
    header, rows = read_rows(path)
    cols = _columns(path, header, INDICATOR_REQUIRED)
    records, seen = [], {}
    for number, fields in rows:
        record = {name: fields[cols[name]] if name in cols else ""
                  for name in INDICATOR_REQUIRED + INDICATOR_OPTIONAL}
        for name in ("code", "dimension"):
            if not record[name]:
                raise CsvError(f"{_where(path, number, name)}: empty")
        for name in ("code", "dimension", "dimension_zh"):
            if record[name]:
                check_label(path, number, name, record[name])
        if record["code"] in seen:
            raise CsvError(f"{_where(path, number, 'code')}: {record['code']} is listed twice "
                           f"(also row {seen[record['code']]})")
        seen[record["code"]] = number
        sign = direction_sign(record["direction"]) if record["direction"] else None
        if sign is None:
            raise CsvError(f"{_where(path, number, 'direction')}: {record['direction']!r} is "
                           "not + (benefit) or - (cost)")
        record["direction"] = "+" if sign == 1 else "-"
        records.append(record)
    if not records:
        raise CsvError(f"{path}: no indicators listed")
    table = pd.DataFrame(records)
    try:   # the engine's rule: one short Chinese label per dimension
        short_chinese_labels(table, list(table["dimension"]))
    except InputError as error:
        raise CsvError(f"{_where(path, rows[error.row][0], 'dimension_zh')}: "
                       f"{error.message}") from None
    return table


# ---------------------------------------------------------------------------- panel
def _panel_rows(path: Path, header, rows, codes) -> tuple[str, list[dict], bool]:
    cols = _columns(path, header, PANEL_REQUIRED)
    unit_col = cols["region"] - 1
    if unit_col < 0 or not header[unit_col]:
        raise CsvError(f"{_where(path, 1)}: no unit column left of 'region' (e.g. State, "
                       "City, Province)")
    unit_label = header[unit_col]
    exact = {name: i for i, name in enumerate(header)}   # codes match exactly, case included
    tidy = all(name in cols for name in TIDY_COLUMNS) and not any(code in exact
                                                                 for code in codes)
    if not tidy:
        for code in codes:
            if code not in exact:
                raise CsvError(f"{_where(path, 1)}: no column '{code}' for indicator {code} "
                               "(long form: one column per indicator code; tidy form: "
                               "columns code and value)")
    fixed = ({unit_label.casefold(), *PANEL_REQUIRED, POPULATION}
             | (set(TIDY_COLUMNS) if tidy else set()))
    extra = [name for name in header
             if name.casefold() not in fixed and (tidy or name not in codes)]
    if extra:
        # Never dropped silently: it may be an indicator whose code is spelled differently.
        raise CsvError(f"{_where(path, 1, extra[0])}: not an indicator code of the indicator "
                       "table; list it there or remove the column")
    # Counted before any row is parsed (a tidy file has one row per unit, year and code).
    too_many = layout.too_many_rows(-(-len(rows) // len(codes)) if tidy else len(rows))
    if too_many:
        raise CsvError(f"{path}: {too_many}")
    records = []
    for number, fields in rows:
        unit, region = fields[unit_col], fields[cols["region"]]
        for name, text in ((unit_label, unit), ("region", region)):
            if not text:
                raise CsvError(f"{_where(path, number, name)}: empty")
            check_label(path, number, name, text)
        year = _number(path, number, "year", fields[cols["year"]], whole=True)
        if year is None:
            raise CsvError(f"{_where(path, number, 'year')}: empty")
        population = fields[cols[POPULATION]] if POPULATION in cols else ""
        record = {"row": number, "unit": unit, "region": region, "year": year,
                  "population": _number(path, number, POPULATION, population)}
        if tidy:
            code = fields[cols["code"]]
            if code not in codes:
                raise CsvError(f"{_where(path, number, 'code')}: {code!r} is not an indicator "
                               f"code ({', '.join(codes)})")
            record["values"] = {code: _number(path, number, "value", fields[cols["value"]])}
        else:
            record["values"] = {code: _number(path, number, code, fields[exact[code]])
                                for code in codes}
        records.append(record)
    return unit_label, records, tidy


def _merge(path: Path, unit_label: str, records: list[dict], codes,
           tidy_keys) -> tuple[pd.DataFrame, dict[tuple[str, int], int]]:
    """One row per unit-year (units in order of first appearance, years ascending)."""
    rows: dict[tuple[str, int], dict] = {}
    region_of: dict[str, tuple[str, int]] = {}
    for record in records:
        unit, number = record["unit"], record["row"]
        region, first = region_of.setdefault(unit, (record["region"], number))
        if region != record["region"]:
            raise CsvError(f"{_where(path, number, 'region')}: {unit_label} {unit} is in "
                           f"region {record['region']!r} here but {region!r} in row {first}")
        key = (unit, record["year"])
        merged = rows.get(key)
        if merged is None:
            rows[key] = {"row": number, "population": record["population"],
                         "values": dict(record["values"])}
            continue
        code = next(iter(record["values"])) if tidy_keys else None
        if not tidy_keys or code in merged["values"]:
            what = f"{unit_label} {unit}, year {record['year']}" + (
                f", code {code}" if tidy_keys else "")
            raise CsvError(f"{_where(path, number)}: {what} repeats row {merged['row']}")
        if record["population"] != merged["population"]:
            raise CsvError(f"{_where(path, number, 'population')}: {unit_label} {unit}, year "
                           f"{record['year']} has another population in row {merged['row']}")
        merged["values"].update(record["values"])
    order = {unit: i for i, unit in enumerate(region_of)}
    table = [[unit, region_of[unit][0], year, row["population"]]
             + [row["values"].get(code) for code in codes]
             for (unit, year), row in sorted(rows.items(),
                                             key=lambda item: (order[item[0][0]], item[0][1]))]
    frame = pd.DataFrame(table, columns=[unit_label, "Region", "Year", "Population", *codes])
    csv_rows = {key: row["row"] for key, row in rows.items()}
    return frame.astype({"Year": "int64", "Population": "float64",
                         **{code: "float64" for code in codes}}), csv_rows


def read_panel(path: str | Path, codes: list[str]) -> tuple[pd.DataFrame, str,
                                                            dict[tuple[str, int], int]]:
    """The panel in long form (unit header as typed, Region, Year, Population, codes), the
    unit header and the CSV row of each (unit, year)."""
    path = Path(path)
    header, rows = read_rows(path)
    if not rows:
        raise CsvError(f"{path}: no data rows below the header")
    unit_label, records, tidy = _panel_rows(path, header, rows, codes)
    data, csv_rows = _merge(path, unit_label, records, codes, tidy)
    return data, unit_label, csv_rows


def _check_with_engine(path: Path, read: CsvPanel) -> None:
    """The engine's own checks of the panel (every unit in every year, population positive
    and given for every unit or none, gaps that interpolation can fill), run on the CSV so
    that the refresh of the new workbook finds nothing; a problem is named by CSV row."""
    from trade_resilience_xl.example_data import paper_indicators

    table = paper_indicators() if read.indicators is None else read.indicators
    try:
        prepare_panel(read.data, table[["code", "dimension", "direction"]],
                      columns={"unit": read.unit_label, "region": "Region", "year": "Year",
                               "population": "Population"})
    except InputError as error:
        rows = [row for (unit, _), row in read.csv_rows.items() if unit == error.unit]
        row = read.csv_rows.get((error.unit, error.year)) or min(rows, default=None)
        column = POPULATION if error.field in ("Population", POPULATION) else error.field
        raise CsvError(f"{_where(path, row, column)}: {error.message}") from None


def read_csv_panel(panel: str | Path, indicators: str | Path | None,
                   neighbours: str | Path | None = None) -> CsvPanel:
    """All CSV files checked and combined, by the CSV rules and the engine's (nothing is
    left for the refresh to refuse); ``indicators=None``: the paper's system;
    ``neighbours``: a CSV of (unit, neighbour) pairs for the Neighbours sheet."""
    from trade_resilience_xl.workbook.template.csv_neighbours import read_neighbour_pairs

    table = None if indicators is None else read_indicators(indicators)
    codes = list(paper.INDICATOR_CODES) if table is None else list(table["code"])
    data, unit_label, csv_rows = read_panel(panel, codes)
    read = CsvPanel(data, table, unit_label, csv_rows)
    _check_with_engine(Path(panel), read)
    if neighbours is None:
        return read
    pairs = read_neighbour_pairs(Path(neighbours), list(dict.fromkeys(data[unit_label])),
                                 Path(panel).name)
    return CsvPanel(data, table, unit_label, csv_rows, pairs)


def build_from_csv(target: str | Path, panel: str | Path, indicators: str | Path | None, *,
                   data_note: str | None, index_name: str | None = None,
                   live_formulas: bool | None = None,
                   neighbours: str | Path | None = None) -> CsvPanel:
    """Check the CSV files, then build the workbook at ``target`` (macros for .xlsm; an
    .xlsx shows the Formulas examples as text, since its functions cannot run, unless
    ``live_formulas``: an xlwings Lite workbook has them). Without an ``index_name`` a
    system other than the paper's gets "Composite index / 综合指数" (``BookSubject``)."""
    read = read_csv_panel(panel, indicators, neighbours)
    macros = Path(target).suffix.lower() == ".xlsm"
    build_workbook(target, data=read.data, indicators=read.indicators, data_note=data_note,
                   index_name=index_name, macro_enabled=macros,
                   live_formulas=macros if live_formulas is None else live_formulas,
                   neighbours=read.neighbours)
    return read
