"""The engine's one error type: a message a person can act on, plus where it happened."""

from __future__ import annotations


class InputError(ValueError):
    """Bad or degenerate input, with its location when there is one.

    ``row`` and ``column`` are 0-based positions in the array the caller passed; ``unit``,
    ``year`` and ``field`` are the labels behind them when the caller gave labels. Fronts (Excel
    functions, the workbook refresh) turn these into their own words: a cell address, a sheet.
    """

    def __init__(self, message: str, *, row=None, column=None, unit=None, year=None, field=None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column
        self.unit = unit
        self.year = year
        self.field = field

    def __str__(self) -> str:
        return self.message
