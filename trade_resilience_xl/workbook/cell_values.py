"""What a cell's value means: a number, a blank, a pasted "not available" marker, or something
to report in the words Excel users know (TRUE, dates, error values; never Python type names)."""
from __future__ import annotations

import datetime as _dt
import math

# What statistical yearbooks and pasted tables print for "not available". In a number cell
# these mean a missing value (interpolated or stopped on, as Settings say), not a typo;
# compared stripped and casefolded. "#N/A" is Excel's own error value for the same thing.
MISSING_MARKERS = frozenset({"—", "——", "–", "-", "--", "－", "..", "...", "…", "……",
                             "n/a", "na", "#n/a", "nan"})
# Other error values are broken formulas: they stop the refresh, naming the cell.
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                          "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!",
                          "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"})

def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def as_number(value):
    """A float, None for blank, or raise ValueError for anything that is not a number."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        if math.isinf(value):
            raise ValueError
        return float(value)
    if isinstance(value, str):
        return float(value.strip().replace(",", ""))  # "1,234.5" typed as text
    raise ValueError


def as_whole(value) -> int:
    number = as_number(value)
    if number is None or not float(number).is_integer():
        raise ValueError
    return int(number)


def missing_marker(value) -> bool:
    return isinstance(value, str) and value.strip().casefold() in MISSING_MARKERS


def describe(value) -> str:
    """A cell's value as the user sees it in Excel (never a Python type name)."""
    if isinstance(value, str) and value.startswith("="):
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
    if isinstance(value, str):
        return repr(value)
    return f"'{value}'"
