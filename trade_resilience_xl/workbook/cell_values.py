"""What a cell's value means: a number, a blank, a pasted "not available" marker, or something
to report in the words Excel users know (TRUE, dates, error values; never Python type names)."""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

from trade_resilience_xl.engine.validation import is_blank

# What statistical yearbooks and pasted tables print for "not available". In a number cell
# these mean a missing value (interpolated or stopped on, as Settings say), not a typo;
# compared stripped and casefolded. "#N/A" is Excel's own error value for the same thing.
MISSING_MARKERS = frozenset({"—", "——", "–", "-", "--", "－", "..", "...", "…", "……",
                             "n/a", "na", "#n/a", "nan"})
# Other error values are broken formulas: they stop the refresh, naming the cell.
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                          "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!",
                          "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"})

# A comma is read only as a thousands separator: between groups of exactly three digits.
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?", re.ASCII)
# A number typed as text (issue 23): ASCII digits, an optional sign, a decimal point, an
# exponent; "inf"/"infinity" pass here and are refused later as infinite. Python's float()
# also takes "7_2.76" (72.76), Arabic-Indic or full-width digits: nobody types those as a
# number, so they are refused here, naming the cell.
_NUMBER_TEXT = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf(inity)?)",
                          re.ASCII | re.IGNORECASE)
# Text of digits, points and commas ("72,76", "1.234,5"): a number written with a comma
# that is not a thousands separator. "=ROUND(F9*1.01,2)" is no such text.
_DECIMAL_COMMA = re.compile(r"(?=.*\d)[+-]?[\d.,]*,[\d.,]*([eE][+-]?\d+)?", re.ASCII)
# Text made of what numbers are made of, in any script ("7_2.76", Arabic-Indic digits):
# meant as a number, so the message says how numbers are written.
_NUMBER_LIKE = re.compile(r"[\d\s+\-.,_eE٫٬]*\d[\d\s+\-.,_eE٫٬]*")
NUMBER_RULE = ("a number is written with the digits 0-9, an optional sign, a decimal point "
               "and exponent (1.5e3) and commas only between groups of three digits")
# Label cells (unit, region, code, name, dimension) may not start like a formula: written
# into a sheet or CSV they would run ("=HYPERLINK(...)" sending cells out).
FORMULA_STARTS = ("=", "+", "-", "@")

class UncalculatedFormula(str):
    """A formula cell's ``=...`` text, read from a file where it has no calculated value
    (only openpyxl and such write those); a text cell that starts with = is plain str."""


#: One rule for "is it blank": nothing, NaN, or text of spaces only.
blank = is_blank


def comma_hint(text: str) -> str:
    """Why a text with a comma is not read as a number ("" when it is no such text)."""
    stripped = text.strip()
    if not _DECIMAL_COMMA.fullmatch(stripped) or _THOUSANDS.fullmatch(stripped):
        return ""
    return ("a comma is read only between groups of three digits (1,234,567.8); for a "
            f"decimal comma write {stripped.replace('.', '').replace(',', '.')}")


def as_number(value):
    """A float, None for blank, or raise ValueError (its text a hint, maybe empty) for
    anything that is not a number. Text is read as Excel reads typed text in an English
    locale, except that nothing is guessed: "72,76" (a decimal comma?) is refused."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("")
    if isinstance(value, (int, float)):
        if math.isinf(value):
            raise ValueError("")
        return float(value)
    if isinstance(value, UncalculatedFormula):
        raise ValueError("")                  # describe() says what to do about it
    if isinstance(value, str):
        return number_from_text(value)
    raise ValueError("")


def number_from_text(text: str) -> float:
    """The number a text cell holds (README "Input rules"), or ValueError with a hint: ASCII
    digits with at most a sign, a decimal point, an exponent and thousands commas."""
    stripped = text.strip()
    plain = stripped.replace(",", "") if _THOUSANDS.fullmatch(stripped) else stripped
    if _NUMBER_TEXT.fullmatch(plain):
        return float(plain)
    hint = comma_hint(stripped)
    if hint:
        raise ValueError(hint)
    half_width = unicodedata.normalize("NFKC", stripped)
    if half_width != stripped and _NUMBER_TEXT.fullmatch(half_width):
        raise ValueError(f"it is written in full-width digits; type {half_width} "
                         "(half-width digits)")
    if _NUMBER_LIKE.fullmatch(stripped):
        raise ValueError(NUMBER_RULE)
    raise ValueError("")


def label_problem(value) -> str:
    """Why a label cell's text cannot be used ("" when it can)."""
    if isinstance(value, bool):
        return f"is {quote(value)} (a logical value); a name is expected"
    if isinstance(value, str) and value.strip().startswith(FORMULA_STARTS):
        return (f"starts with {value.strip()[0]}; a label cannot start with =, +, - or @ (it "
                "would run as a formula where it is written)")
    return ""


def label_key(text: str) -> str:
    """What two spellings of one label share: full-width and compatibility forms unified
    (NFKC), case folded, outer spaces dropped ("East", " east", "ＥＡＳＴ" are one key)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def as_whole(value) -> int:
    number = as_number(value)
    if number is None or not float(number).is_integer():
        raise ValueError
    return int(number)


def missing_marker(value) -> bool:
    return isinstance(value, str) and value.strip().casefold() in MISSING_MARKERS


def describe(value) -> str:
    """A cell's value as the user sees it in Excel (never a Python type name)."""
    if isinstance(value, UncalculatedFormula):
        return f"the formula {value} (not calculated: open and save the file in Excel first)"
    if isinstance(value, str) and value.strip() in ERROR_VALUES:
        return f"the error value {value.strip()} (fix the formula or clear the cell)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return f"the date {value:%Y-%m-%d}"
    if isinstance(value, _dt.time):
        return f"the time {value:%H:%M:%S}"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, str) and value.strip().startswith("="):
        return f"the text {quote(value)}"       # typed as text: not a formula at all
    return quote(value)


def quote(value) -> str:
    """A cell's content as every message quotes it: text in double quotes, on one line,
    shortened past 30 characters; TRUE/FALSE; numbers as Excel shows them."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        text = value if len(value) <= 30 else value[:27] + "..."
        return '"' + "".join(ch if ch.isprintable() else " " for ch in text) + '"'
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return f'"{value}"'
