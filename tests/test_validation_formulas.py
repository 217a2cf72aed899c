"""Every custom data-validation formula of the template, evaluated by LibreOffice for each
value it must accept and each it must refuse.

Excel accepts an entry only when the rule's formula is TRUE; an error value refuses it like
FALSE. Excel's AND/OR evaluate every argument (no short-circuit), so a guard inside AND does
not protect the next argument; LibreOffice Calc does the same, and reads the formula from the
.xlsx in Excel's own syntax, so what it computes here is what Excel would decide. (The old
Classification-basis rule, OR(B8="mean",AND(ISNUMBER(B8),B8=INT(B8))), is #VALUE! for
"mean" in both.)
"""
from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import range_boundaries

import lo_helpers

TEMPLATE = Path(__file__).resolve().parents[1] / "workbook_template.xlsm"

#: (sheet, first cell of the rule's range) -> (values to accept, values to refuse). Values
#: are what a cell holds after typing: numbers and text. No booleans: Calc stores TRUE as
#: the number 1 (ISNUMBER(TRUE) is TRUE there, FALSE in Excel), so it cannot stand in for
#: Excel on them.
EXAMPLES: dict[tuple[str, str], tuple[tuple, tuple]] = {
    ("Settings", "B8"): (
        ("mean", "Mean", "MEAN", " mean ", 2021, 2010, 1999),
        ("median", "means", "2021x", "me an", 2021.5, -0.5),
    ),
    # issue 14: Obstacle year, "last" or a year
    ("Settings", "B17"): (
        ("last", "Last", "LAST", " last ", 2021, 2010),
        ("latest", "mean", "2021x", "la st", 2021.5, -0.5),
    ),
    # issue 14: LISA year, "last" or a year
    ("Settings", "B21"): (
        ("last", "Last", " last ", 2021),
        ("first", "2021x", 2021.5),
    ),
    # issue 25: Robustness year, "last" or a year
    ("Settings", "B22"): (
        ("last", "Last", " last ", 2021),
        ("first", "2021x", 2021.5),
    ),
}


def custom_rules(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, top-left cell) -> formula of every custom validation rule in the workbook."""
    book = openpyxl.load_workbook(path)
    rules = {}
    for sheet in book.worksheets:
        for rule in sheet.data_validations.dataValidation:
            if rule.type == "custom":
                for cell_range in str(rule.sqref).split():
                    column, row, *_ = range_boundaries(cell_range)
                    anchor = f"{openpyxl.utils.get_column_letter(column)}{row}"
                    rules[(sheet.title, anchor)] = rule.formula1
    return rules


def test_every_custom_rule_has_examples():
    assert set(custom_rules(TEMPLATE)) == set(EXAMPLES)


def _probe_workbook(rules: dict[tuple[str, str], str], path: Path) -> list[tuple]:
    """One row per (rule, example): the example in column A, in column B the rule's formula
    with its references moved from the rule's top-left cell to that A cell (as Excel
    evaluates a validation formula relative to the validated cell)."""
    book = openpyxl.Workbook()
    sheet = book.active
    cases = []
    for key, formula in sorted(rules.items()):
        allowed, refused = EXAMPLES[key]
        for value, expected in [(v, True) for v in allowed] + [(v, False) for v in refused]:
            row = len(cases) + 1
            sheet[f"A{row}"] = value
            sheet[f"B{row}"] = Translator(f"={formula}", origin=key[1]).translate_formula(f"A{row}")
            cases.append((key, value, expected))
    book.save(path)
    return cases


def test_custom_rules_accept_and_refuse_the_examples(tmp_path):
    lo_helpers.require_soffice()
    probe = tmp_path / "probe.xlsx"
    cases = _probe_workbook(custom_rules(TEMPLATE), probe)
    with lo_helpers.LibreOffice(tmp_path) as office:
        cells = office.calculated_cells(probe, "Sheet", f"B1:B{len(cases)}")
    wrong = [f"{sheet}!{cell} with {value!r}: formula gives "
             f"{'error ' + str(result['error']) if result['error'] else result['string']}, "
             f"should {'accept' if expected else 'refuse'}"
             for ((sheet, cell), value, expected), result in zip(cases, cells)
             if (result["error"] == 0 and result["value"] == 1) != expected]
    assert not wrong, "\n".join(wrong)
