"""CSV files -> a ready workbook (``trade-resilience new``); every problem is refused in one
line naming the file, row and column.

The panel CSV comes in one of two forms:

* long: ``<unit>, region, year, population, X1, X2, ...`` (one column per indicator code);
* tidy: ``<unit>, region, year, population, code, value`` (one row per unit-year-indicator).

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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trade_resilience_xl import paper
from trade_resilience_xl.engine import InputError, direction_sign
from trade_resilience_xl.engine.panel_data import short_chinese_labels
from trade_resilience_xl.workbook import layout
from trade_resilience_xl.workbook.builder import build_workbook
from trade_resilience_xl.workbook.cell_values import as_number, missing_marker

INDICATOR_REQUIRED = ("code", "dimension", "direction")
INDICATOR_OPTIONAL = ("name", "name_zh", "dimension_zh", "unit", "unit_zh", "explanation")
PANEL_REQUIRED = ("region", "year", "population")
TIDY_COLUMNS = ("code", "value")
GENERIC_INDEX_NAME = "Composite index / 综合指数"


class CsvError(ValueError):
    """A CSV input problem, worded as one line naming file, row and column."""


@dataclass(frozen=True)
class CsvPanel:
    """What ``new`` builds a workbook from: the panel (columns: the unit header as typed,
    Region, Year, Population, one per code) and the indicator table (None: the paper's)."""

    data: pd.DataFrame
    indicators: pd.DataFrame | None
    unit_label: str


def _where(path: Path, row: int | None = None, column: str | None = None) -> str:
    place = str(path)
    if row is not None:
        place += f", row {row}"
    if column is not None:
        place += f", column '{column}'"
    return place


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
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
    for number, fields in enumerate(lines[1:], start=2):
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            raise CsvError(f"{_where(path, number)}: {len(fields)} fields, the header has "
                           f"{len(header)}")
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
    header, rows = _read(path)
    cols = _columns(path, header, INDICATOR_REQUIRED)
    records, seen = [], {}
    for number, fields in rows:
        record = {name: fields[cols[name]] if name in cols else ""
                  for name in INDICATOR_REQUIRED + INDICATOR_OPTIONAL}
        for name in ("code", "dimension"):
            if not record[name]:
                raise CsvError(f"{_where(path, number, name)}: empty")
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
    fixed = {unit_label.casefold(), *PANEL_REQUIRED} | (set(TIDY_COLUMNS) if tidy else set())
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
        year = _number(path, number, "year", fields[cols["year"]], whole=True)
        if year is None:
            raise CsvError(f"{_where(path, number, 'year')}: empty")
        record = {"row": number, "unit": unit, "region": region, "year": year,
                  "population": _number(path, number, "population", fields[cols["population"]])}
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


def _merge(path: Path, unit_label: str, records: list[dict], codes, tidy_keys) -> pd.DataFrame:
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
    return frame.astype({"Year": "int64", "Population": "float64",
                         **{code: "float64" for code in codes}})


def read_panel(path: str | Path, codes: list[str]) -> tuple[pd.DataFrame, str]:
    """The panel in long form (unit header as typed, Region, Year, Population, codes) and
    the unit header."""
    path = Path(path)
    header, rows = _read(path)
    if not rows:
        raise CsvError(f"{path}: no data rows below the header")
    unit_label, records, tidy = _panel_rows(path, header, rows, codes)
    return _merge(path, unit_label, records, codes, tidy), unit_label


def read_csv_panel(panel: str | Path, indicators: str | Path | None) -> CsvPanel:
    """Both CSV files checked and combined; ``indicators=None``: the paper's system."""
    table = None if indicators is None else read_indicators(indicators)
    codes = list(paper.INDICATOR_CODES) if table is None else list(table["code"])
    data, unit_label = read_panel(panel, codes)
    return CsvPanel(data, table, unit_label)


def build_from_csv(target: str | Path, panel: str | Path, indicators: str | Path | None, *,
                   data_note: str, index_name: str | None = None,
                   live_formulas: bool | None = None) -> CsvPanel:
    """Check both CSV files, then build the workbook at ``target`` (macros for .xlsm; an
    .xlsx shows the Formulas examples as text, since its functions cannot run, unless
    ``live_formulas``: an xlwings Lite workbook has them). Without an ``index_name`` a
    system other than the paper's gets "Composite index / 综合指数"."""
    read = read_csv_panel(panel, indicators)
    if index_name is None and read.indicators is not None:
        index_name = GENERIC_INDEX_NAME
    macros = Path(target).suffix.lower() == ".xlsm"
    build_workbook(target, data=read.data, indicators=read.indicators, data_note=data_note,
                   index_name=index_name, macro_enabled=macros,
                   live_formulas=macros if live_formulas is None else live_formulas)
    return read
