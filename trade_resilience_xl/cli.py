"""``trade-resilience``: the workbook's ribbon actions from a terminal, plus demo and setup.

Thin by design: every number comes from the engine through ``workbook.refresh``; this
module parses arguments, checks files (``workbook.file_safety``), reports progress on
stderr and turns failures into one line naming file, sheet and cell. ``--debug`` shows the
traceback instead.

Exit codes: 0 success (``check``: no problems); 1 a problem with the input (bad or refused
file, problems in the sheets); 2 wrong usage (argparse).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from trade_resilience_xl.cli_workbook import (
    DEMO_NAME,
    EXIT_OK,
    EXIT_PROBLEM,
    CommandError,
    check_target,
    opened,
    refresh_module,
    run_refresh,
    save,
)
from trade_resilience_xl.excel_setup import TEMPLATE_NAME  # stdlib only: keeps start-up light


# ---------------------------------------------------------------------------- commands
def cmd_refresh(args) -> int:
    from trade_resilience_xl.tidy_csv import stage_tidy_csv

    source = Path(args.workbook)
    target = Path(args.out) if args.out else source
    staged = []

    def stage_csv(report):
        # Workbook and CSV files as one step, as far as the file system allows: the CSV
        # files are written beside their folder first (a full disk stops here, nothing
        # changed), then the workbook is saved (failing: the staged files are removed),
        # then the files are moved in, one rename each.
        staged.append(stage_tidy_csv(report.result, args.csv, bom=args.csv_bom))
        return staged[0].discard

    if args.csv:
        _check_csv_folder(Path(args.csv))     # before anything is written
    report = run_refresh(source, target, stage_csv if args.csv else None)
    written = staged[0].commit() if staged else []
    print(f"Refreshed {source}" + (f" -> {target}" if target != source else "")
          + " / 已刷新")
    for warning in report.warnings:          # the engine's, then the input sheets' notes
        print(f"  note: {warning}")
    if args.csv:
        print(f"Wrote {len(written)} CSV files to {Path(args.csv)}: "
              + ", ".join(path.name for path in written))
    return EXIT_OK


def _check_csv_folder(folder: Path) -> None:
    """Refuse a ``--csv`` folder that cannot be written, before anything is written."""
    from trade_resilience_xl.tidy_csv import OPTIONAL_TABLES, TABLES

    if folder.exists() and not folder.is_dir():
        raise CommandError(f"--csv {folder}: exists and is not a folder")
    existing = folder
    while not existing.exists():          # the folder is created: its parent must allow it
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise CommandError(f"--csv {folder}: folder {existing} is not writable")
    for name in TABLES | OPTIONAL_TABLES:
        if (folder / name).is_dir():
            raise CommandError(f"--csv {folder}: {folder / name} is a folder, not a file")


def cmd_check(args) -> int:
    path = Path(args.workbook)
    from trade_resilience_xl.workbook import layout
    from trade_resilience_xl.workbook.package.package_update import foreign_result_sheet

    with opened(path) as book:
        report = refresh_module().inspect(book)
    problems = list(report.problems)
    # What the save would refuse too: a sheet of the user's with a result sheet's name.
    foreign = foreign_result_sheet(path, layout.RESULT_SHEETS)
    if not problems and foreign is None:
        print(f"{path}: no problems found / 未发现问题")
        for note in report.warnings:        # the notes a refresh would put on the Log
            print(f"  note: {note}")
        return EXIT_OK
    for problem in problems:
        print(f"{path}: {problem}")
    if foreign is not None:
        print(foreign)
    count = len(problems) + (foreign is not None)
    print(f"{count} problem(s) / 个问题", file=sys.stderr)
    return EXIT_PROBLEM


def cmd_clear(args) -> int:
    path = Path(args.workbook)
    check_target(path, path)
    with opened(path) as book:
        refresh_module().clear(book)
        save(book, path)
    print(f"Cleared the result sheets of {path} / 已清除结果")
    return EXIT_OK


def cmd_excel_setup(args) -> int:
    from trade_resilience_xl.excel_setup import SetupRefused, excel_setup

    try:
        return excel_setup(dry_run=args.dry_run, force=args.force)
    except SetupRefused as refusal:
        raise CommandError(str(refusal)) from None


# ---------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    # Imported here: cli_create imports this module's helpers.
    from trade_resilience_xl.cli_create import cmd_demo, cmd_lite, cmd_new, cmd_template

    parser = argparse.ArgumentParser(
        prog="trade-resilience",
        description="Entropy-weight TOPSIS resilience index and Theil / Dagum Gini "
                    "decompositions on a province x year workbook.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser("demo", help="build and refresh a workbook with the "
                               "illustrative dataset, print the headline results")
    demo.add_argument("--out", metavar="PATH", help=f"workbook to write (default {DEMO_NAME})")
    demo.add_argument("--lite", action="store_true", help="also store the xlwings Lite "
                      "program in it (Excel on Windows, Mac and the web, no local Python)")
    demo.set_defaults(run=cmd_demo)

    new = commands.add_parser("new", help="build and refresh a workbook from CSV files: "
                              "a panel and its indicator system")
    new.add_argument("workbook", metavar="BOOK", help="workbook to write (.xlsm, or .xlsx "
                     "without macros)")
    new.add_argument("--data", required=True, metavar="PANEL.csv",
                     help="unit, region, year, [population], then one column per "
                     "indicator code (or tidy: ..., code, value); without population (or "
                     "with it empty) Theil and Dagum use equal weights")
    new.add_argument("--indicators", required=True, metavar="INDICATORS.csv",
                     help="code, dimension, direction (+/-); optional name, name_zh, "
                     "dimension_zh, unit, unit_zh, explanation")
    new.add_argument("--index-name", metavar="TEXT", help='Settings "Index name" (default '
                     '"Composite index / 综合指数")')
    new.add_argument("--note", metavar="TEXT", help="label above the data (default: the "
                     "panel file's name)")
    new.add_argument("--neighbours", metavar="PAIRS.csv",
                     help="two columns of unit names, one border per row (header row "
                     "first): the Neighbours sheet for Moran's I and LISA")
    new.add_argument("--force", action="store_true", help="replace an existing BOOK")
    new.add_argument("--lite", action="store_true", help="write an xlwings Lite workbook "
                     "(.xlsx with its own Python: Excel on Windows, Mac and the web)")
    new.set_defaults(run=cmd_new)

    refresh = commands.add_parser("refresh", help='what the ribbon\'s "Refresh all" does, '
                                  "on a file (in place unless --out)")
    refresh.add_argument("workbook", metavar="WORKBOOK")
    refresh.add_argument("--out", metavar="PATH", help="save the refreshed workbook here")
    refresh.add_argument("--csv", metavar="DIR", help="also write tidy CSV files into DIR")
    refresh.add_argument("--csv-bom", action="store_true",
                         help="CSV with a UTF-8 byte-order mark (for double-click in Excel)")
    refresh.set_defaults(run=cmd_refresh)

    check = commands.add_parser("check", help="list every problem in the input sheets "
                                "(exit 0 only when there is none)")
    check.add_argument("workbook", metavar="WORKBOOK")
    check.set_defaults(run=cmd_check)

    clear = commands.add_parser("clear", help="empty the result sheets (ribbon: Clear results)")
    clear.add_argument("workbook", metavar="WORKBOOK")
    clear.set_defaults(run=cmd_clear)

    template = commands.add_parser(
        "template", help="write the macro-enabled workbook template: the paper's 13 "
        "indicators (errata applied), Data rows for its 31 provinces x 2010-2021 with the "
        "indicator cells blank, default settings, the paper's published values for comparison",
        description="Copies the committed workbook_template.xlsm (a .xlsx name builds a copy "
        "without macros). It is not empty: the Indicators sheet holds the paper's 13-indicator "
        "system with its errata corrected, Data one row per province and year (31 provinces x "
        "2010-2021, indicator cells blank), Paper the published tables for comparison.")
    template.add_argument("path", nargs="?", metavar="PATH",
                          help=f"where to write it (default {TEMPLATE_NAME})")
    template.add_argument("--rebuild", action="store_true",
                          help="build it anew from the code instead of copying the committed "
                          "file (needs pyOpenVBA, the [build] extra)")
    template.set_defaults(run=cmd_template)

    lite = commands.add_parser("lite", help="write a workbook (.xlsx) with its own "
                               "xlwings Lite program: functions and Refresh/Check/Clear in "
                               "Excel on Windows, Mac and the web without installing Python")
    lite.add_argument("workbook", metavar="BOOK", help="with --out: the workbook to convert "
                      "(kept as it is); without: the template's sheets are written to BOOK "
                      "(.xlsx)")
    lite.add_argument("--out", metavar="LITE.xlsx", help="write BOOK (any workbook of this "
                      "tool: its sheets, data, settings and results) as a Lite workbook here; "
                      "its VBA project and ribbon are left out")
    lite.add_argument("--force", action="store_true", help="replace an existing target")
    lite.set_defaults(run=cmd_lite)

    setup = commands.add_parser("excel-setup", help="Windows/macOS: install the xlwings "
                                "add-in, point it at this Python, copy the template to "
                                "Documents")
    setup.add_argument("--dry-run", action="store_true", help="only print what would be done")
    setup.add_argument("--force", action="store_true",
                       help="replace an existing template in Documents")
    setup.set_defaults(run=cmd_excel_setup)
    return parser


def _one_line(error: BaseException) -> str:
    """The user-facing line for an expected failure (None for a real bug)."""
    from trade_resilience_xl.engine import InputError
    from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

    if isinstance(error, (CommandError, UnsafeFileError)):
        return str(error)
    if isinstance(error, InputError):
        return f"input error: {error}"
    if isinstance(error, (OSError, RuntimeError, ImportError)):
        filename = getattr(error, "filename", None)
        reason = getattr(error, "strerror", None) or str(error)
        return f"{filename}: {reason}" if filename else reason
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted; files are only replaced once fully written", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the point is one readable line
        if args.debug:
            raise
        line = _one_line(error)
        if line is None:
            line = (f"unexpected error: {type(error).__name__}: {error} "
                    "(run again with --debug for the traceback)")
        print(f"error: {line}", file=sys.stderr)
        return EXIT_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
