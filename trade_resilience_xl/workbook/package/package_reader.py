"""Read cell values from a workbook package quickly, without loading it into openpyxl.

A refresh only needs the *values* of its input sheets, so each sheet part is streamed
through expat once and only cells holding a value are kept: styled empty cells (a Data
sheet formatted down to row 1,048,576) cost parsing time but no memory. What a cell
gives, as openpyxl's ``data_only`` load gave it before:

* a number (``int`` when written without decimals or exponent, else ``float``); a
  number whose cell format is a date format becomes a ``datetime``, as in openpyxl;
* text from the shared-strings table, inline text (rich-text runs joined, phonetic
  guides left out) or a formula's text result;
* ``True``/``False``; an error such as ``#DIV/0!`` as its text;
* a formula cell gives its cached value (what Excel or LibreOffice last calculated);
  a formula with no cached value (a file only openpyxl wrote) gives its ``=...`` text,
  which the input check reports.

Parts never declare a DTD (``file_safety`` refuses those before we get here); expat is
still told to refuse one, so no entity is ever expanded.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from pyexpat import ExpatError, ParserCreate

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from trade_resilience_xl.workbook.cell_values import UncalculatedFormula, quote
from trade_resilience_xl.workbook.package import ooxml, sheet_scan
from trade_resilience_xl.workbook.package.cell_xml import typed_value

_SEP = "}"
_M = ooxml.MAIN_NS + _SEP
ROW, CELL, VALUE, FORMULA = _M + "row", _M + "c", _M + "v", _M + "f"
INLINE, TEXT, PHONETIC, MERGE = _M + "is", _M + "t", _M + "rPh", _M + "mergeCell"
STRING_ITEM = _M + "si"
_DIGITS = "0123456789"


class DamagedPart(ValueError):
    """A part that is not well-formed XML (or declares a DTD)."""


class BadCell(DamagedPart):
    """A cell whose ``<v>`` cannot be what its type says (a number "0x10", a shared-string
    index past the table, a date "2016-13-45"); ``PackageReader`` adds the sheet's name."""

    def __init__(self, ref: str, raw: str, what: str) -> None:
        super().__init__(f"{ref} holds {quote(raw)}, not {what}")
        self.ref, self.raw, self.what = ref, raw, what


# What a ``<v>`` of each cell type must hold, for BadCell's message.
_VALUE_KINDS = {"n": "a number", "s": "a shared-string index", "d": "a date", "b": "TRUE/FALSE"}


def _parser(start, end=None, text=None):
    parser = ParserCreate(namespace_separator=_SEP)
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text

    def refuse(*_args):
        raise DamagedPart("a DTD in a workbook part")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _parse(archive: zipfile.ZipFile, part: str, parser) -> None:
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except ExpatError as error:
        raise DamagedPart(f"part {part} is not well-formed XML ({error})") from None


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    strings: list[str] = []
    if part is None or part not in archive.NameToInfo:
        return strings
    pieces: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name, _attrs):
        if name == TEXT and not state["phonetic"]:
            state["text"] = True
        elif name == PHONETIC:
            state["phonetic"] += 1
        elif name == STRING_ITEM:
            pieces.clear()

    def end(name):
        if name == TEXT:
            state["text"] = False
        elif name == PHONETIC:
            state["phonetic"] -= 1
        elif name == STRING_ITEM:
            strings.append("".join(pieces))

    def text(data):
        if state["text"]:
            pieces.append(data)

    _parse(archive, part, _parser(start, end, text))
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> set[str]:
    """The ``s`` indices (as text) of cell formats whose number format is a date (``part``:
    the styles part, found through the workbook's relationships)."""
    if part is None or part not in archive.NameToInfo:
        return set()
    custom: dict[str, str] = {}
    formats: list[str] = []
    depth = {"cellXfs": False}

    def start(name, attrs):
        if name == _M + "numFmt":
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif name == _M + "cellXfs":
            depth["cellXfs"] = True
        elif name == _M + "xf" and depth["cellXfs"]:
            formats.append(attrs.get("numFmtId", "0"))

    def end(name):
        if name == _M + "cellXfs":
            depth["cellXfs"] = False

    _parse(archive, part, _parser(start, end))

    def is_date(number_format_id: str) -> bool:
        code = custom.get(number_format_id)
        if code is None and number_format_id.isdigit():
            code = BUILTIN_FORMATS.get(int(number_format_id))
        return bool(code) and is_date_format(code)

    return {str(index) for index, fid in enumerate(formats) if is_date(fid)}


class PackageReader:
    """The sheets of a workbook file and their cell values (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.archive = zipfile.ZipFile(path)
        try:
            workbook = self.archive.read(ooxml.WORKBOOK_PART)
            rels_bytes = self.archive.read(ooxml.WORKBOOK_RELS_PART)
            self.sheets = ooxml.sheets(workbook, rels_bytes)
        except Exception:
            self.archive.close()
            raise
        self.epoch = (CALENDAR_MAC_1904 if b'date1904="1"' in workbook
                      or b'date1904="true"' in workbook else CALENDAR_WINDOWS_1900)
        self._shared_part = ooxml.workbook_part_of_type(rels_bytes, "sharedStrings")
        self._styles_part = ooxml.styles_part(rels_bytes)
        self._strings: list[str] | None = None
        self._dates: set[str] | None = None
        self._values: dict[str, list[list]] = {}
        self._merges: dict[str, list[str]] = {}

    def close(self) -> None:
        self.archive.close()

    def sheet_names(self) -> list[str]:
        return [sheet["name"] for sheet in self.sheets]

    def values(self, sheet: str) -> list[list]:
        """The rows of ``sheet`` (padded to one width). Handed over, not copied: the
        caller owns them, and a second call reads the sheet again."""
        self._read(sheet)
        return self._values.pop(sheet)

    def merged_ranges(self, sheet: str) -> list[str]:
        if sheet not in self._merges:
            self._read(sheet)
        return self._merges[sheet]

    def _read(self, sheet: str) -> None:
        if sheet not in self._values:
            part = next((s["part"] for s in self.sheets if s["name"] == sheet), None)
            if not part:
                raise KeyError(f"workbook has no sheet {sheet!r}")
            if self._strings is None:
                self._strings = _shared_strings(self.archive, self._shared_part)
                self._dates = _date_styles(self.archive, self._styles_part)
            try:
                self._values[sheet], self._merges[sheet] = self._read_sheet(part)
            except BadCell as bad:
                raise DamagedPart(f"{sheet}!{bad}") from None

    def _read_sheet(self, part: str) -> tuple[list[list], list[str]]:
        cells = SheetCells(self._strings, self._dates, self.epoch)
        with self.archive.open(part) as stream:
            head = stream.read(sheet_scan.HEAD_BYTES)
        try:
            if not sheet_scan.plain_namespace(head):
                raise sheet_scan.NotPlain
            with self.archive.open(part) as stream:
                sheet_scan.scan(stream, cells)
        except (sheet_scan.NotPlain, DamagedPart):
            # Prefixed element names, cells without addresses, or a cell the fast path
            # could not parse alone: the general parser reads the whole part (and reports
            # a part that is really damaged).
            cells = SheetCells(self._strings, self._dates, self.epoch)
            _parse(self.archive, part, cells.parser())
        return cells.table(), cells.merges


class SheetCells:
    """The cells of one sheet as they are parsed: ``parser()`` reads a whole sheet part
    (expat) and ``fragment()`` a run of ``<c>`` elements that carry their address;
    ``put`` stores one value."""

    def __init__(self, strings, dates, epoch) -> None:
        self.rows: dict[int, list] = {}
        self.merges: list[str] = []
        self.columns: dict[str, int] = {}
        self.strings, self.dates, self.epoch = strings, dates, epoch
        self.shared_formulas: dict[str, str] = {}

    def column(self, letters: str) -> int:
        col = self.columns.get(letters)
        if col is None:
            col = self.columns[letters] = column_index_from_string(letters)
        return col

    def put(self, row_number: int, col: int, value) -> None:
        row = self.rows.get(row_number)
        if row is None:
            row = self.rows[row_number] = []
        if len(row) < col:
            row.extend([None] * (col - len(row)))
        row[col - 1] = value

    def table(self) -> list[list]:
        """Rows 1 to the last with a value, each padded with None to the widest (in place:
        a copy of 100,000 rows would cost time and memory for nothing)."""
        last = max(self.rows, default=0)
        table = [self.rows.get(r) or [] for r in range(1, last + 1)]
        width = max(map(len, table), default=0)
        for row in table:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
        return table

    def fragment(self, cells_xml: str) -> None:
        parser = self.parser()
        try:
            parser.Parse(f'<x xmlns="{ooxml.MAIN_NS}">{cells_xml}</x>', True)
        except ExpatError as error:
            raise DamagedPart(f"a cell is not well-formed XML ({error})") from None

    def parser(self):
        pieces: list[str] = []
        # The cell being read: row, column, type, style, formula text, shared-formula
        # index, whether text is being collected, and inside a phonetic run.
        cell = {"row": 0, "col": 0, "t": "n", "s": None, "f": None, "si": None,
                "collect": False, "phonetic": 0, "v": None, "inline": False}

        def start(name, attrs):
            if name == CELL:
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    cell["col"] = self.column(letters)
                    cell["row"] = int(ref[len(letters):])
                else:
                    cell["col"] += 1
                cell["t"] = attrs.get("t", "n")
                cell["s"] = attrs.get("s")
                cell["f"] = cell["v"] = cell["si"] = None
                cell["inline"] = False
            elif name == VALUE:
                cell["collect"] = True
                pieces.clear()
            elif name == ROW:
                cell["row"] = int(attrs["r"]) if "r" in attrs else cell["row"] + 1
                cell["col"] = 0
            elif name == FORMULA:
                cell["collect"] = True
                cell["si"] = attrs.get("si") if attrs.get("t") == "shared" else None
                pieces.clear()
            elif name == INLINE:
                cell["inline"] = True
                pieces.clear()
            elif name == TEXT and cell["inline"] and not cell["phonetic"]:
                cell["collect"] = True
            elif name == PHONETIC:
                cell["phonetic"] += 1
            elif name == MERGE:
                self.merges.append(attrs.get("ref", ""))

        def end(name):
            if name == VALUE:
                cell["v"] = "".join(pieces)
                cell["collect"] = False
            elif name == CELL:
                try:
                    value = _value(cell, self.strings, self.dates, self.epoch, pieces)
                except (ValueError, IndexError, OverflowError):
                    raise BadCell(get_column_letter(cell["col"]) + str(cell["row"]),
                                  cell["v"] or "", _VALUE_KINDS.get(cell["t"], "a value")
                                  ) from None
                if value is not None:
                    self.put(cell["row"], cell["col"], value)
            elif name == FORMULA:
                text = "".join(pieces)
                if cell["si"] is not None:
                    # A shared formula's text stands only in its first cell; the others
                    # show it (unshifted: enough to be seen, and refused, as a formula).
                    if text:
                        self.shared_formulas.setdefault(cell["si"], text)
                    else:
                        text = self.shared_formulas.get(cell["si"], "")
                cell["f"] = text
                cell["collect"] = False
            elif name == TEXT:
                cell["collect"] = False
            elif name == PHONETIC:
                cell["phonetic"] -= 1

        def text(data):
            if cell["collect"]:
                pieces.append(data)

        return _parser(start, end, text)


def _value(cell: dict, strings, dates, epoch, pieces):
    """The Python value of the cell just read (None: the cell holds no value)."""
    raw, kind = cell["v"], cell["t"]
    if kind == "inlineStr":
        return "".join(pieces) if cell["inline"] else raw
    if not raw and kind != "str":        # no <v>, or an empty one (openpyxl's formulas)
        formula = cell["f"]
        if formula:
            return UncalculatedFormula("=" + formula)
        return None
    return typed_value(raw, kind, cell["s"], strings, dates, epoch)
