"""What a cell's ``<v>`` text means, by the cell's type attribute: the one rule that both
readers of worksheet XML use (``package_reader``'s general parser and ``sheet_scan``'s fast
path), kept apart from both so that neither imports the other for it."""
from __future__ import annotations

import datetime as _dt

from openpyxl.utils.datetime import from_excel


def typed_value(raw: str, kind: str, style, strings, dates, epoch):
    """The value of a cell of type ``kind`` whose ``<v>`` holds ``raw``."""
    if kind == "n":
        number = xml_number(raw)
        if style in dates:
            return from_excel(number, epoch)
        return number
    if kind == "s":
        if not (raw.isascii() and raw.isdigit()):
            raise ValueError(raw)
        return strings[int(raw)]
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        return _dt.datetime.fromisoformat(raw)
    return raw                                   # "str" (formula text result), "e" (error)


def xml_number(raw: str) -> int | float:
    """The number a numeric cell's ``<v>`` holds: an ``int`` when written without decimals
    or exponent, else a ``float``. Only ASCII text as spreadsheets write it (xsd:double):
    Python's int()/float() would also take "7_2.76", "٧٢" (Arabic-Indic) or "７２" and read
    a crafted value as a number nobody wrote (issue 23); ValueError for those."""
    if not raw.isascii() or "_" in raw:
        raise ValueError(raw)
    return int(raw) if raw.lstrip("-").isdigit() else float(raw)
