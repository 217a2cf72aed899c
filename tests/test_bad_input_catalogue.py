"""What researchers really paste into the workbook, refreshed on their only copy.

One catalogue of bad inputs at the workbook level, each run through the library
(``refresh_file``, ``check_file``, ``inspect``); a sample of one case per kind also runs
through the command line (``trade-resilience check`` / ``refresh``, in process). The worksheet
functions have their own catalogue (tests/test_udfs.py); this one is about the sheets and
the file.

Every case has a defined rule, one of:

* **refused**: one line (no newline, no traceback, no Python type names) naming what is
  wrong and where (``Sheet!Cell``, or ``sheet "Name"``, or the file), the file's bytes
  unchanged, the command line exits 1;
* **works with a note**: the refresh succeeds and the note is on the Log sheet (and among
  the command line's ``note:`` lines);
* **file refused**: the file itself is refused before anything is read or written.

Rules decided here (see also read_inputs.py):

* dash-like markers for "not available" (``—``, ``–``, ``-``, ``..``, ``…``, ``n/a``,
  ``NA``, ``N/A``, ``nan``) and Excel's own ``#N/A`` in an indicator or population cell
  are *missing values*: interpolated like blanks, each listed in the Log. Other error
  values (``#DIV/0!``, ``#VALUE!``...) are broken formulas and stop the refresh.
* a Data column whose header is not a code on Indicators is ignored, with a note; a code on
  Indicators with no Data column stops the refresh (the indicator system is the contract).
* a constant (or all-zero) indicator gets weight 0 with a note; all constant stops.
* a region with one unit works; fewer than 2 units stops.
* merged cells inside the data table stop the refresh, naming the merged range (a merged
  "Beijing" over twelve years would otherwise read as eleven empty provinces).
"""
from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from trade_resilience_xl import cli
from trade_resilience_xl.example_data import load_example_panel
from trade_resilience_xl.workbook.openpyxl_io import check_file, opened_file, refresh_file
from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError
from trade_resilience_xl.workbook.refresh import inspect
from trade_resilience_xl.workbook.template.builder import build_workbook

PYTHON_WORDS = re.compile(r"Traceback|\bNone\b|NoneType|numpy|float64|int64|<class|"
                          r"datetime\.|dtype|Error\(|Exception|\bnan\b(?!\")")
FIRST, LAST = 4, 375            # data rows of the example panel: 31 provinces x 2010-2021
BEIJING_2016 = 10               # row of Beijing, 2016 (Beijing is rows 4-15)
TIANJIN = range(16, 28)
INDICATOR_COLUMNS = "EFGHIJKLMNOPQ"       # X1..X13
COSTS = "GKL"                            # X3, X7, X8
SETTING_ROW = {"Shift": 4, "Weighting": 5, "Score": 6, "Theil measure": 7,
               "Classification basis": 8, "Missing values": 9, "Permutations": 10,
               "Bootstrap": 11, "Seed": 12, "Index name": 13,
               # issue 14: coupling, obstacle, density
               "Coupling model": 14, "Coupling rescale": 15, "Coupling weights": 16,
               "Obstacle year": 17, "Density bandwidth": 18, "Density years": 19,
               # issue 14: convergence, spatial
               "Moran permutations": 20, "LISA year": 21}


@dataclass(frozen=True)
class Case:
    id: str
    spoil: Callable             # (openpyxl Workbook) -> None, or (Path) -> None with file=True
    where: str = ""             # refused: what the first problem starts with
    words: str = ""             # refused: words of the message; works: text on the Log
    works: bool = False
    file: bool = False          # file-level: spoil gets the path; refresh_file raises
    readable: bool = False      # file-level refusal of writing only: `check` still works
    checked: bool = False       # readable, and `check` names the refusal the save would give
    absent: str = ""            # works: text that must not be among the notes

    def __str__(self) -> str:
        return self.id


# ---------------------------------------------------------------------------- spoilers
def put(sheet, cell, value):
    def spoil(book):
        book[sheet][cell] = value
    return spoil


def chain(*spoils):
    def spoil(book):
        for one in spoils:
            one(book)
    return spoil


def setting(key, value):
    return put("Settings", f"B{SETTING_ROW[key]}", value)


def indicator_dimensions(name):
    """Every indicator in one dimension (issue 14: the coupling needs two)."""
    def spoil(book):
        for row in range(8, 21):
            book["Indicators"][f"B{row}"] = name
    return spoil


def data_column(letter, value, rows=range(FIRST, LAST + 1)):
    def spoil(book):
        for row in rows:
            book["Data"][f"{letter}{row}"] = value(row) if callable(value) else value
    return spoil


def delete_data_rows(first, count):
    def spoil(book):
        book["Data"].delete_rows(first, count)
    return spoil


def delete_data_column(index):
    def spoil(book):
        book["Data"].delete_cols(index)
    return spoil


def delete_sheet(name):
    def spoil(book):
        del book[name]
    return spoil


def merge(cells):
    def spoil(book):
        book["Data"].merge_cells(cells)
    return spoil


def append_copy_of_row(row):
    def spoil(book):
        ws = book["Data"]
        ws.append([c.value for c in ws[row]])
    return spoil


def add_data_column(header, value):
    def spoil(book):
        ws = book["Data"]
        ws.cell(row=3, column=18, value=header)
        for row in range(FIRST, LAST + 1):
            ws.cell(row=row, column=18, value=value)
    return spoil


def add_indicator_row(**cells):
    def spoil(book):
        ws = book["Indicators"]
        for letter, value in cells.items():
            ws[f"{letter}21"] = value
    return spoil


def years_as_columns(book):
    """The yearbook layout: one row per province, one column per year (X1 only)."""
    ws = book["Data"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=FIRST, max_row=LAST)]
    ws.delete_rows(3, ws.max_row)
    ws.append(["Province", "Region"] + list(range(2010, 2022)))
    for start in range(0, len(rows), 12):
        block = rows[start:start + 12]
        ws.append([block[0][0], block[0][1]] + [r[4] for r in block])


def worst_everywhere(book):
    """Tianjin lowest on every benefit and highest on every cost indicator, every year: its
    TOPSIS closeness is 0, which Theil L cannot take."""
    for letter in INDICATOR_COLUMNS:
        cost = letter in COSTS
        for row in TIANJIN:
            book["Data"][f"{letter}{row}"] = 10 ** 9 if cost else -(10 ** 9)


# issue 14: convergence, spatial
def neighbours_sheet(*pairs):
    def spoil(book):
        ws = book.create_sheet("Neighbours")
        for row in (("Unit", "Neighbour"),) + pairs:
            ws.append(list(row))
    return spoil


def keep_only_beijing(book):
    book["Data"].delete_rows(TIANJIN.start, LAST)


def empty_data_sheet(book):
    ws = book["Data"]
    ws.delete_rows(1, ws.max_row)
    for table in list(ws.tables):
        del ws.tables[table]


def all_constant(value):
    return chain(*(data_column(letter, value) for letter in INDICATOR_COLUMNS))


# File-level damage (spoil gets the path of a good workbook).
def lock_file(prefix, suffix=""):
    def spoil(path):
        path.with_name(f"{prefix}{path.name}{suffix}").write_bytes(b"owner")
    return spoil


def read_only(path):
    path.chmod(0o444)


def replace_bytes(content):
    def spoil(path):
        path.write_bytes(content)
    return spoil


def truncate(path):
    path.write_bytes(path.read_bytes()[:2000])


def damaged_sheet_xml(path):
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet3.xml"] = b"<worksheet><sheetData><row>"   # the Data sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def encrypt_with_password(path):
    """What Excel writes for File > Info > Protect Workbook > Encrypt with Password
    (msoffcrypto-tool, an independent implementation of MS-OFFCRYPTO)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.read_bytes()
    with open(path, "wb") as out:
        OOXMLFile(io.BytesIO(plain)).encrypt("secret", out)


# ---- issue 23 (second ring): crafted packages
DATA_PART = "xl/worksheets/sheet3.xml"                # the Data sheet of the built workbook
STRICT_NAMESPACES = {                                 # Transitional -> Strict Open XML
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main":
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
}


def rewrite_parts(change):
    """A spoil that rewrites the package's parts: ``change(parts)`` edits the dict (name ->
    bytes) in place; the zip is written again with zipfile."""
    def spoil(path):
        with zipfile.ZipFile(path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()}
        change(parts)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return spoil


def data_cell_xml(cell_xml):
    """Replace the Data sheet's cell X2 (Beijing 2016) by ``cell_xml`` as written."""
    def change(parts):
        xml = parts[DATA_PART].decode()
        xml, count = re.subn(rf'<c r="{X2}"[^>]*>.*?</c>', cell_xml, xml, count=1)
        assert count == 1
        parts[DATA_PART] = xml.encode()
    return rewrite_parts(change)


def strict_open_xml(parts):
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            for old, new in STRICT_NAMESPACES.items():
                data = data.replace(old, new)
            parts[name] = data


def without_styles(parts):
    del parts["xl/styles.xml"]
    parts["xl/_rels/workbook.xml.rels"] = re.sub(
        rb'<Relationship [^>]*Target="/?(xl/)?styles.xml"[^>]*/>', b"",
        parts["xl/_rels/workbook.xml.rels"])
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])


def comment_before_dtd(parts):
    parts["xl/styles.xml"] = (b'<?xml version="1.0"?><!--' + b"x" * 70_000
                              + b'--><!DOCTYPE x [<!ENTITY a "b">]>' + parts["xl/styles.xml"])


def patch_member(name, flag_bits=None, method=None):
    """Set the general-purpose flags / compression method of member ``name`` in both its
    local and central headers (what another zip tool could have written)."""
    def spoil(path):
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(name)
        local = info.header_offset
        central = next(m.start() for m in re.finditer(rb"PK\x01\x02", bytes(data))
                       if data[m.start() + 46:m.start() + 46 + len(name)] == name.encode())
        for offset, flags_at in ((local, 6), (central, 8)):
            if flag_bits is not None:
                data[offset + flags_at:offset + flags_at + 2] = flag_bits.to_bytes(2, "little")
            if method is not None:
                data[offset + flags_at + 2:offset + flags_at + 4] = method.to_bytes(2, "little")
        path.write_bytes(bytes(data))
    return spoil


def duplicate_member(path):
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/styles.xml", b"<styleSheet/>")


def own_sheet(name, replaces):
    """The user's own sheet ``name`` in place of the tool's ``replaces`` (deleted first)."""
    def spoil(path):
        book = openpyxl.load_workbook(path)
        del book[replaces]
        book.create_sheet(name)["A1"] = "My own notes"
        book.save(path)
    return spoil


def text_cell(sheet, cell, text):
    """A text cell holding ``text`` even when it starts with = (not a formula)."""
    def spoil(book):
        book[sheet][cell] = text
        book[sheet][cell].data_type = "s"
    return spoil


def indicator_codes(**codes):
    """Rename indicator codes on both sheets: {Indicators code cell: (code, Data header)}."""
    def spoil(book):
        for cell, (code, data_header) in codes.items():
            book["Indicators"][cell] = code
            row = int(cell[1:]) - 8                         # X1 is Indicators row 8
            book["Data"][f"{INDICATOR_COLUMNS[row]}3"] = data_header
    return spoil


def drop_year(year):
    """Every unit's row for ``year`` emptied: a gap in the year sequence."""
    def spoil(book):
        ws = book["Data"]
        for row in range(FIRST, LAST + 1):
            if ws[f"C{row}"].value == year:
                for cell in ws[row]:
                    cell.value = None
    return spoil


NOT_USED = 'is not a code on sheet "Indicators"; not used'
FILLED = "9 missing value(s) filled by interpolation along years"   # the example has 8
CSV_TEXT = b"Province,Region,Year,X1\nBeijing,East,2010,56334\n"
X2 = f"F{BEIJING_2016}"        # X2 of Beijing, 2016


def missing_marker(marker):
    return Case(f"missing marker {marker!r}", put("Data", X2, marker),
                words=f'Data!{X2}: "{marker.strip()}" read as a missing value', works=True)


CATALOGUE = [
    # ---- cells of the numeric ranges
    Case("text in a number cell", put("Data", X2, "abc"), f"Data!{X2}",
         'X2 for Beijing, 2016 is "abc"; a number is expected'),
    Case("number with a unit", put("Data", X2, "66.1%"), f"Data!{X2}", "a number is expected"),
    Case("uncalculated formula", put("Data", X2, "=F9*1.01"), f"Data!{X2}",
         "not calculated"),
    Case("error value #DIV/0!", put("Data", X2, "#DIV/0!"), f"Data!{X2}",
         "the error value #DIV/0!"),
    Case("error value #VALUE!", put("Data", X2, "#VALUE!"), f"Data!{X2}",
         "the error value #VALUE!"),
    Case("TRUE in a number cell", put("Data", X2, True), f"Data!{X2}", "is TRUE"),
    Case("a date in a number cell", put("Data", X2, datetime.datetime(2016, 5, 1)),
         f"Data!{X2}", "the date 2016-05-01"),
    Case("text 'inf'", put("Data", X2, "inf"), f"Data!{X2}", "infinite"),
    Case("1e308 in a cell", put("Data", X2, 1e308), f"Data!{X2}", "above 1e+300"),
    Case("blank cell", put("Data", X2, None), "", FILLED, works=True),
    Case("#N/A error value", put("Data", X2, "#N/A"), "",
         f'Data!{X2}: "#N/A" read as a missing value', works=True),
    Case("NaN written by a program", put("Data", X2, float("nan")), "", FILLED, works=True),
    *[missing_marker(m)
      for m in ("—", "——", "–", "-", "..", "…", "n/a", "NA", "N/A", "nan", " — ")],
    Case("missing marker with Missing values = stop",
         chain(put("Data", X2, "—"), setting("Missing values", "stop")), f"Data!{X2}",
         "missing values are set to stop"),
    Case("a province with no value at all for an indicator",
         data_column("F", "—", range(4, 16)), "Data!F4", "Beijing has no value for X2"),
    Case("decimal comma '72,76'", put("Data", X2, "72,76"), f"Data!{X2}",
         'X2 for Beijing, 2016 is "72,76"; a comma is read only between groups of three '
         "digits (1,234,567.8); for a decimal comma write 72.76"),
    Case("decimal comma '1,5'", put("Data", X2, "1,5"), f"Data!{X2}", "write 1.5"),
    Case("thousands separators '1,234,567.8'", put("Data", X2, "1,234,567.8"), "", "",
         works=True),
    Case("negative indicator values", data_column("E", lambda r: -r), "", "", works=True),
    Case("near-constant indicator (formula noise)",
         data_column("H", lambda r: 7.000000000000001 if r == BEIJING_2016 else 7.0), "",
         "indicator X4 is constant; it gets weight 0", works=True),
    Case("constant indicator", data_column("H", 7), "",
         "indicator X4 is constant; it gets weight 0", works=True),
    Case("all-zero indicator", data_column("H", 0), "",
         "indicator X4 is constant; it gets weight 0", works=True),
    Case("every indicator constant", all_constant(0), "Data!E4:Q375",
         "every indicator is constant"),
    Case("Theil L with a zero composite score",
         chain(worst_everywhere, setting("Theil measure", "L")), "Settings!B7",
         "Theil L needs positive values: unit Tianjin, year 2010 is 0 (a composite score"),
    # ---- issue 14: convergence, spatial
    Case("zero initial index: no β-convergence, the rest computed", worst_everywhere, "",
         "β-convergence not computed: Tianjin has index 0 in 2010", works=True),
    Case("Neighbours sheet naming no Data unit", neighbours_sheet(("Beijing", "Peking")),
         "Neighbours!B2", '"Peking" is not a unit on the Data sheet'),
    Case("Neighbours sheet with a blank neighbour", neighbours_sheet(("Beijing", None),
                                                                     ("Beijing", "Tianjin")),
         "Neighbours!B2", "Neighbour is empty"),
    Case("Neighbours sheet pairing a unit with itself", neighbours_sheet(("Hebei", "Hebei")),
         "Neighbours!B2", "Hebei is paired with itself"),
    Case("Neighbours sheet leaving units without neighbours",
         neighbours_sheet(("Beijing", "Tianjin"), ("Tianjin", "Hebei")), "",
         "28 units have no neighbour (Shanxi, Inner Mongolia,", works=True),
    Case("LISA year not in the data", setting("LISA year", 2035), "Settings!B21",
         "LISA year 2035 is not in the data"),
    Case("LISA year as a word", setting("LISA year", "first"), "Settings!B21",
         "expected last or a year"),
    Case("negative Moran permutations", setting("Moran permutations", -1), "Settings!B20",
         "expected a whole number >= 0"),
    # ---- population
    Case("zero population", put("Data", f"D{BEIJING_2016}", 0), f"Data!D{BEIJING_2016}",
         "must be positive"),
    Case("negative population", put("Data", f"D{BEIJING_2016}", -5), f"Data!D{BEIJING_2016}",
         "must be positive"),
    Case("population as text", put("Data", f"D{BEIJING_2016}", "many"),
         f"Data!D{BEIJING_2016}", "a number is expected"),
    Case("blank population for all", data_column("D", None), "",
         "no population given: every unit weighs the same", works=True),
    # ---- keys: province, region, year
    Case("blank province", put("Data", f"A{BEIJING_2016}", None), f"Data!A{BEIJING_2016}",
         "Province is empty"),
    Case("blank region", put("Data", f"B{BEIJING_2016}", None), f"Data!B{BEIJING_2016}",
         "Region is empty"),
    Case("province in two regions", put("Data", f"B{BEIJING_2016}", "West"),
         f"Data!B{BEIJING_2016}", "Beijing is in region West here but East in row 4"),
    Case("year with a suffix", put("Data", f"C{BEIJING_2016}", "2016年"),
         f"Data!C{BEIJING_2016}", "is not a whole number"),
    Case("fractional year", put("Data", f"C{BEIJING_2016}", 2016.5), f"Data!C{BEIJING_2016}",
         "is not a whole number"),
    Case("duplicated province-year row", append_copy_of_row(4), "Data!C376",
         "Beijing has a second row for 2010 (first in row 4)"),
    Case("a province missing a year", delete_data_rows(BEIJING_2016, 1), "Data!A4",
         "Beijing has no row for 2016"),
    Case("a region with one unit", data_column("B", "Capital", range(4, 16)), "", "",
         works=True),
    Case("every unit in one region", data_column("B", "East"), "",
         "every unit is in region East", works=True),
    Case("a year absent for every unit", drop_year(2015), "",
         "no unit has a row for 2015 (years 2010-2021)", works=True),
    Case("region spelled in lower case", data_column("B", "east", TIANJIN), "Data!B16",
         'Region "east" here and "East" in B4 differ only in case, spaces or full-width '
         "letters"),
    Case("region in full-width letters", data_column("B", "Ｅａｓｔ", TIANJIN), "Data!B16",
         '"Ｅａｓｔ" here and "East" in B4'),
    Case("unit with a trailing space", put("Data", f"A{BEIJING_2016}", "Beijing "),
         f"Data!A{BEIJING_2016}", '"Beijing " here and "Beijing" in A4'),
    Case("unit label starting with @", put("Data", f"A{BEIJING_2016}", "@Beijing"),
         f"Data!A{BEIJING_2016}", "Province starts with @; a label cannot start with =, +, -"),
    Case("region label starting with +", data_column("B", "+East", TIANJIN), "Data!B16",
         "Region starts with +"),
    Case("indicator name starting with -", put("Indicators", "D8", "-cmd|' /C calc'!A0"),
         "Indicators!D8", "Indicator starts with -"),
    Case("indicator code starting with =", indicator_codes(A8=("=X1", "=X1")),
         "Indicators!A8", "Code starts with ="),
    Case("dimension starting with @", put("Indicators", "B8", "@SUM(1)"), "Indicators!B8",
         "Dimension starts with @"),
    Case("fewer than 2 units", keep_only_beijing, "Data!", "at least 2 are needed"),
    Case("merged province cells", merge("A4:A15"), "Data!A4:A15", "merged"),
    Case("merged cells over values", merge("E4:F5"), "Data!E4:F5", "merged"),
    Case("merged header cells", merge("E3:F3"), "Data!E3:F3",
         "header cells E3:F3 are merged; unmerge them"),
    # ---- shape of the sheets
    Case("empty Data table", delete_data_rows(FIRST, LAST), "Data!A4", "no data rows"),
    Case("empty Data sheet", empty_data_sheet, "Data!", 'no header row with "Region / 地区"'),
    Case("missing Indicators sheet", delete_sheet("Indicators"), 'sheet "Indicators"', "missing"),
    Case("missing Data sheet", delete_sheet("Data"), 'sheet "Data"', "missing"),
    Case("missing Settings sheet", delete_sheet("Settings"), 'sheet "Settings"', "missing"),
    Case("no unit column", delete_data_column(1), "Data!A3", 'no unit column left of "Region'),
    Case("blank unit header", put("Data", "A3", None), "Data!A3", "no unit column left of"),
    Case("no Region column", delete_data_column(2), "Data!A3:", 'no "Region / 地区" header'),
    Case("no Year column", delete_data_column(3), "Data!A3:", 'no "Year / 年份" header'),
    Case("unit header 'Provinces' (any header left of Region)", put("Data", "A3", "Provinces"),
         "", "", works=True),
    Case("header '年份' only (Chinese-only headers are accepted)", put("Data", "C3", "年份"), "",
         "", works=True),
    Case("years as columns", years_as_columns, "Data!A3:", "years seem to be columns"),
    Case("Data column not on Indicators", add_data_column("X14", 3.5), "",
         'Data!R3 "X14" is not a code on sheet "Indicators"; not used', works=True),
    Case("indicator with no Data column", add_indicator_row(A="X14", B="Extra", D="Extra",
                                                            E="+"),
         "Indicators!A21", 'indicator X14 has no column on sheet "Data"'),
    Case("indicator row without a code", add_indicator_row(B="Extra", D="Extra", E="+"),
         "Indicators!A21", "this indicator row has no code"),
    Case("unknown direction symbol", put("Indicators", "E8", "↑"), "Indicators!E8",
         "use + (benefit) or - (cost)"),
    Case("blank direction", put("Indicators", "E8", None), "Indicators!E8",
         "indicator X1 has no direction; use + (benefit) or - (cost)"),
    Case("blank dimension", put("Indicators", "B8", None), "Indicators!B8", "has no dimension"),
    Case("indicator code twice", put("Indicators", "A9", "X1"), "Indicators!A9",
         "listed twice"),
    Case("codes FDI/GDP and FDI/Pop (a slash inside a code)",
         indicator_codes(A8=("FDI/GDP", "FDI/GDP"), A9=("FDI/Pop", "FDI/Pop")), "", "",
         works=True, absent=NOT_USED),
    Case("codes GDP and gdp (case matters)",
         indicator_codes(A8=("GDP", "GDP"), A9=("gdp", "gdp")), "", "", works=True,
         absent=NOT_USED),
    Case("bilingual code header 'X1 / 外贸依存度'", put("Data", "E3", "X1 / 外贸依存度"), "", "",
         works=True, absent=NOT_USED),
    Case("code matching a header only in case", put("Data", "E3", "x1"), "Indicators!A8",
         'indicator X1 has no column on sheet "Data" (header row 3, A3:Q3); E3 reads "x1": '
         "codes match exactly, case included"),
    Case("two Data columns headed by one code", add_data_column("X1", 3.5), "Data!R3",
         "indicator X1 heads two columns, E3 and R3; keep one"),
    # ---- Settings
    Case("Shift -1", setting("Shift", -1), "Settings!B4", "Shift is -1; expected a number >= 0"),
    Case("Shift text", setting("Shift", "small"), "Settings!B4", "expected a number >= 0"),
    Case("Weighting yearly", setting("Weighting", "yearly"), "Settings!B5",
         "expected pooled or per year"),
    Case("Score AHP", setting("Score", "AHP"), "Settings!B6", "expected TOPSIS or weighted sum"),
    Case("Theil measure Q", setting("Theil measure", "Q"), "Settings!B7", "expected T or L"),
    Case("Classification basis 1999", setting("Classification basis", 1999), "Settings!B8",
         "classification year 1999 is not in the data (2010-2021)"),
    Case("Missing values guess", setting("Missing values", "guess"), "Settings!B9",
         "expected interpolate or stop"),
    Case("Permutations -5", setting("Permutations", -5), "Settings!B10",
         "expected a whole number >= 0"),
    Case("Permutations 2.5", setting("Permutations", 2.5), "Settings!B10",
         "expected a whole number >= 0"),
    Case("Permutations 200,000", setting("Permutations", 200000), "Settings!B10",
         "permutations is 200,000; at most 100,000 (999 is usual)"),
    Case("Bootstrap 1e9", setting("Bootstrap", 10 ** 9), "Settings!B11",
         "bootstrap is 1,000,000,000; at most 100,000"),
    Case("Shift with a decimal comma '0,01'", setting("Shift", "0,01"), "Settings!B4",
         'Shift is "0,01"; expected a number >= 0 (a comma is read only between groups of '
         "three digits (1,234,567.8); for a decimal comma write 0.01)"),
    Case("a setting listed twice", chain(put("Settings", "A14", "shift"),
                                         put("Settings", "B14", 0.01)),
         "Settings!A14", "setting Shift is listed twice, in A4 and A14; keep one"),
    Case("Index name starting with +", setting("Index name", "+Growth"), "Settings!B13",
         "starts with +"),
    Case("Bootstrap with per-year weights",
         chain(setting("Bootstrap", 99), setting("Weighting", "per year")), "Settings!B11",
         "need pooled weighting"),
    Case("Seed text", setting("Seed", "lucky"), "Settings!B12", "expected a whole number"),
    # issue 14: coupling, obstacle, density
    Case("Coupling model Wang", setting("Coupling model", "Wang"), "Settings!B14",
         "expected classic or corrected"),
    Case("Coupling rescale yes please", setting("Coupling rescale", "yes please"),
         "Settings!B15", "expected none or 0.01-0.99"),
    Case("Coupling weights for three dimensions", setting("Coupling weights", "0.5, 0.3, 0.2"),
         "Settings!B16", "coupling weights: 3 given for 2 dimensions"),
    Case("Coupling weights in words", setting("Coupling weights", "half, half"),
         "Settings!B16", "expected equal or numbers such as 0.6, 0.4"),
    Case("Obstacle year 1999", setting("Obstacle year", 1999), "Settings!B17",
         "obstacle year 1999 is not in the data (2010-2021)"),
    Case("Obstacle year soon", setting("Obstacle year", "soon"), "Settings!B17",
         "expected last or a year such as 2021"),
    Case("Density bandwidth -0.1", setting("Density bandwidth", -0.1), "Settings!B18",
         "expected silverman or a number > 0"),
    Case("Density years 1999", setting("Density years", "2010, 1999"), "Settings!B19",
         "density year 1999 is not in the data (2010-2021)"),
    Case("one dimension: no coupling, one line", indicator_dimensions("All"), "",
         "Coupling coordination needs at least 2 dimensions", works=True),
    Case("unknown setting", chain(put("Settings", "A14", "Alpha"), put("Settings", "B14", 1)),
         "Settings!A14", 'unknown setting "Alpha" (known: Shift, Weighting'),
    Case("blank setting", setting("Shift", None), "",
         "Setting Shift is empty; the default 1 was used", works=True),
    # ---- the file
    Case("open in Excel (~$ lock file)", lock_file("~$"), file=True, readable=True,
         words="is open in Excel (lock file ~$case.xlsx); close it first"),
    Case("open in LibreOffice (lock file)", lock_file(".~lock.", "#"), file=True, readable=True,
         words="is open in LibreOffice"),
    Case("read-only file", read_only, file=True, readable=True, words="is read-only"),
    Case("not a workbook", replace_bytes(bytes(range(256)) * 8), file=True,
         words="is not an Excel workbook (.xlsx/.xlsm)"),
    Case("a CSV renamed .xlsx", replace_bytes(CSV_TEXT), file=True,
         words="is not an Excel workbook (.xlsx/.xlsm)"),
    Case("an empty file", replace_bytes(b""), file=True,
         words="is not an Excel workbook (.xlsx/.xlsm)"),
    Case("an old .xls renamed .xlsx", replace_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                                                     + bytes(504)), file=True,
         words="is not an Excel workbook (.xlsx/.xlsm)"),
    Case("a truncated download", truncate, file=True, words="is not an Excel workbook"),
    Case("damaged sheet XML", damaged_sheet_xml, file=True, words="cannot be read as a workbook"),
    Case("password-protected workbook", encrypt_with_password, file=True,
         words="is password-protected; save a copy without a password"),
    # ---- issue 23 (second ring): numbers in text, labels, formulas
    Case("number with an underscore '7_2.76'", put("Data", X2, "7_2.76"), f"Data!{X2}",
         'is "7_2.76"; a number is written with the digits 0-9'),
    Case("Arabic-Indic digits", put("Data", X2, "٧٢.٧٦"), f"Data!{X2}",
         "a number is written with the digits 0-9"),
    Case("full-width digits '７２.７６'", put("Data", X2, "７２.７６"), f"Data!{X2}",
         "full-width digits; type 72.76"),
    Case("uncalculated formula with a comma", put("Data", X2, "=ROUND(F9*1.01,2)"),
         f"Data!{X2}", "=ROUND(F9*1.01,2) (not calculated: open and save the file in Excel "
         "first); a number is expected"),
    Case("text starting with '='", text_cell("Data", X2, "=72.76"), f"Data!{X2}",
         'is the text "=72.76"; a number is expected'),
    Case("TRUE as a region", put("Data", f"B{BEIJING_2016}", True), f"Data!B{BEIJING_2016}",
         "Region is TRUE (a logical value); a name is expected"),
    # ---- issue 23 (second ring): the file
    Case("crafted <v> with Arabic-Indic digits", data_cell_xml(f'<c r="{X2}"><v>٧٢</v></c>'),
         file=True, words=f'Data!{X2} holds "٧٢", not a number'),
    Case("crafted <v> 7_2.76", data_cell_xml(f'<c r="{X2}"><v>7_2.76</v></c>'), file=True,
         words=f'Data!{X2} holds "7_2.76", not a number'),
    Case("crafted <v> 0x10", data_cell_xml(f'<c r="{X2}"><v>0x10</v></c>'), file=True,
         words=f'Data!{X2} holds "0x10", not a number'),
    Case("bad shared-string index", data_cell_xml(f'<c r="{X2}" t="s"><v>99999</v></c>'),
         file=True, words=f'Data!{X2} holds "99999", not a shared-string index'),
    Case("invalid date cell", data_cell_xml(f'<c r="{X2}" t="d"><v>2016-13-45</v></c>'),
         file=True, words=f'Data!{X2} holds "2016-13-45", not a date'),
    Case("Strict Open XML workbook", rewrite_parts(strict_open_xml), file=True,
         words="Strict Open XML: save as an Excel Workbook (.xlsx)"),
    Case("no styles part", rewrite_parts(without_styles), file=True,
         words="has no styles part"),
    Case("DTD after a long prolog comment", rewrite_parts(comment_before_dtd), file=True,
         words="part xl/styles.xml"),
    Case("encrypted zip member", patch_member("xl/styles.xml", flag_bits=1), file=True,
         words="part xl/styles.xml is encrypted"),
    Case("Deflate64 zip member", patch_member("xl/styles.xml", method=9), file=True,
         words="part xl/styles.xml uses compression method 9"),
    Case("two parts with one name", duplicate_member, file=True,
         words="part xl/styles.xml is in the file twice"),
    Case("the user's own Log sheet", own_sheet("Log", "Log"), file=True, readable=True,
         checked=True,
         words='sheet "Log" was not written by trade-resilience; rename or delete it'),
    Case("the user's own 'weights' sheet (case differs)", own_sheet("weights", "Weights"),
         file=True, readable=True, checked=True,
         words='sheet "weights" was not written by trade-resilience; rename or delete it'),
]


# ---------------------------------------------------------------------------- the test
@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("good") / "good.xlsx",
                          data=load_example_panel(), macro_enabled=False)


def one_line(text: str) -> None:
    assert "\n" not in text.rstrip("\n") and "\r" not in text, text
    assert not PYTHON_WORDS.search(text), text


def log_text(path: Path) -> str:
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Log"]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_catalogue_is_large_and_distinct():
    assert len(CATALOGUE) >= 40
    assert len({case.id for case in CATALOGUE}) == len(CATALOGUE)


def spoiled_copy(case: Case, good: Path, tmp_path: Path) -> Path:
    path = tmp_path / "case.xlsx"
    shutil.copy(good, path)
    if case.file:
        case.spoil(path)
    else:
        book = openpyxl.load_workbook(path)
        case.spoil(book)
        book.save(path)
    return path


def file_bytes(path: Path):
    return path.read_bytes() if path.is_file() else None


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_bad_input(case, good, tmp_path):
    """Every case through the library: refresh_file, check_file and inspect (the notes)."""
    path = spoiled_copy(case, good, tmp_path)
    before = file_bytes(path)

    if case.works:
        with opened_file(path) as book:
            checked = inspect(book)                     # what `check` reports
        assert checked.ok, checked.message()
        report = refresh_file(path)
        assert report.ok, report.message()
        assert case.words in log_text(path)
        assert all(note in report.warnings for note in checked.warnings)
        if case.words:
            assert any(case.words in note for note in checked.warnings), checked.warnings
        if case.absent:
            assert not any(case.absent in note for note in report.warnings), report.warnings
        if "missing" in case.id or "blank cell" in case.id or "N/A" in case.id \
                or "NaN" in case.id:
            assert FILLED in log_text(path) and f"Data!{X2}" in log_text(path)
        return

    if case.file:
        with pytest.raises(UnsafeFileError) as refused:
            refresh_file(path)
        one_line(str(refused.value))
        assert str(path) in str(refused.value) and case.words in str(refused.value)
    else:
        report = refresh_file(path)
        assert not report.ok
        first = str(report.problems[0])
        one_line(first)
        assert first.startswith(case.where), first
        assert case.words in first, first
        assert check_file(path)[0] == report.problems[0]
    assert file_bytes(path) == before


# The command line adds only printing and exit codes over the calls above: a sample with one
# case of each kind (cell refused, sheet refused, settings refused, works with a note, file
# refused, file readable but not writable) keeps it honest without rerunning the whole matrix.
CLI_SAMPLE = ("text in a number cell", "decimal comma '72,76'", "no Region column",
              "Shift -1", "a setting listed twice", "constant indicator",
              "missing marker '—'", "a year absent for every unit", "read-only file",
              "a CSV renamed .xlsx", "password-protected workbook",
              "the user's own Log sheet", "crafted <v> 0x10", "full-width digits '７２.７６'")


@pytest.mark.parametrize("case", [c for c in CATALOGUE if c.id in CLI_SAMPLE], ids=str)
def test_bad_input_command_line(case, good, tmp_path, capsys):
    path = spoiled_copy(case, good, tmp_path)
    before = file_bytes(path)
    if case.works:
        assert cli.main(["check", str(path)]) == 0
        out = capsys.readouterr()
        assert "no problems found" in out.out and f"note: {case.words}" in out.out
        assert cli.main(["refresh", str(path)]) == 0
        out = capsys.readouterr()
        assert "Traceback" not in out.err and f"note: {case.words}" in out.out
        return

    code = cli.main(["check", str(path)])
    out = capsys.readouterr()
    if case.checked:
        assert code == 1
        first_line = out.out.splitlines()[0]
        one_line(first_line)
        assert str(path) in first_line and case.words in first_line
    elif case.readable:
        assert code == 0 and "no problems found" in out.out
    else:
        assert code == 1
        first_line = (out.out if not case.file else out.err).splitlines()[0]
        one_line(first_line)
        assert str(path) in first_line
        assert (case.where in first_line) if case.where else case.words in first_line
    assert "Traceback" not in out.err

    assert cli.main(["refresh", str(path)]) == 1
    out = capsys.readouterr()
    assert out.err.count("\n") == 1, out.err
    one_line(out.err)
    assert out.err.startswith(f"error: {path}")
    assert (f"{path}: {case.where}" in out.err) if case.where else case.words in out.err
    assert file_bytes(path) == before


def test_cli_sample_names_existing_cases():
    assert set(CLI_SAMPLE) <= {case.id for case in CATALOGUE}


# ---------------------------------------------------------------------------- size
def county_panel(units: int, years: int = 30):
    """A county-level panel: ``units`` x ``years`` rows, the example's 13 indicators."""
    import numpy as np
    import pandas as pd

    demo = load_example_panel()
    codes = [c for c in demo.columns if c.startswith("X")]
    rng = np.random.default_rng(7)
    n = units * years
    frame = pd.DataFrame({
        "Province": np.repeat([f"County {i:04d}" for i in range(units)], years),
        "Region": np.repeat([("East", "Central", "West", "Northeast")[i % 4]
                             for i in range(units)], years),
        "Year": np.tile(np.arange(1994, 1994 + years), units),
        "Population": rng.uniform(10, 100, n).round(1)})
    sample = demo[codes].to_numpy()[rng.integers(0, len(demo), n)]
    for j, code in enumerate(codes):
        frame[code] = (sample[:, j] * rng.uniform(0.8, 1.2, n)).round(3)
    return frame


@pytest.mark.parametrize("units", [
    200,                                                        # 6,000 rows: every run
    pytest.param(3334, marks=pytest.mark.skipif(                # 100,020 rows: ~70 s
        not os.environ.get("TR_SLOW_TESTS"),
        reason="set TR_SLOW_TESTS=1 for the 100,000-row refresh")),
])
def test_large_panels_are_refreshed_not_refused(units, tmp_path, capsys):
    """Rule: no row limit below MAX_PANEL_ROWS (300,000 unit-years; above it a panel is
    refused up front in one line, tests/test_growth.py). County panels (~3,000 units x 30
    years) exist; a refresh of one is slower than a small one but works (building the
    workbook takes most of the time)."""
    path = build_workbook(tmp_path / "county.xlsx", data=county_panel(units),
                          macro_enabled=False)
    assert cli.main(["refresh", str(path)]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Refreshed" in out.out
    scores = openpyxl.load_workbook(path, read_only=True)["Scores"]
    assert scores.max_row >= units + 4
