"""The commands that create a workbook: ``demo``, ``new`` (from CSV files), ``template`` and
``lite`` (with its xlwings Lite program). Like ``cli`` itself they only check names and files
and call the builders; refreshing goes through ``cli_workbook.run_refresh``."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from trade_resilience_xl.atomic import replacing_path
from trade_resilience_xl.cli_workbook import DEMO_NAME, EXIT_OK, CommandError, run_refresh
from trade_resilience_xl.excel_setup import TEMPLATE_NAME


def _new_workbook(out: Path, suffixes: tuple[str, ...], force: bool, what: str) -> None:
    """Refuse a target with another suffix, or an existing one without --force."""
    from trade_resilience_xl.workbook.package import file_safety

    if out.suffix.lower() not in suffixes:
        raise CommandError(f"{out}: {what}")
    if out.exists() and not force:
        raise CommandError(f"{out} exists; choose another name or pass --force to replace it")
    file_safety.check_writable(out)


def _needs_pyopenvba(what: str) -> None:
    if importlib.util.find_spec("pyopenvba") is None:
        raise CommandError(f"{what} needs pyOpenVBA, the [build] extra: "
                           "pip install -e '.[build]' in a clone, or pip install pyopenvba==6.5.0")


def cmd_demo(args) -> int:
    from trade_resilience_xl.cli_headlines import headline_text
    from trade_resilience_xl.example_data import ILLUSTRATIVE_NOTE, example_csv
    from trade_resilience_xl.workbook.template.csv_panel import build_from_csv

    out = Path(args.out or DEMO_NAME)
    _new_workbook(out, (".xlsx",), True, "the demo writes a workbook without macros; use a "
                  ".xlsx name")
    with example_csv() as panel:           # the same path as `new`, on the shipped CSV
        # With --lite the functions run (xlwings Lite): the Formulas examples are live.
        build_from_csv(out, panel, None, data_note=ILLUSTRATIVE_NOTE, live_formulas=args.lite)
    result = run_refresh(out, out).result
    if args.lite:
        from trade_resilience_xl.lite.convert import make_lite
        make_lite(out)
    print(headline_text(result, out.resolve(), ILLUSTRATIVE_NOTE))
    return EXIT_OK


def cmd_new(args) -> int:
    from trade_resilience_xl.workbook.template.csv_panel import CsvError, build_from_csv

    out = Path(args.workbook)
    _new_workbook(out, (".xlsx",) if args.lite else (".xlsm", ".xlsx"), args.force,
                  "an xlwings Lite workbook has no macros; use a .xlsx name" if args.lite
                  else "use a .xlsm name (or .xlsx for a copy without macros)")
    if out.suffix.lower() == ".xlsm":
        _needs_pyopenvba("a .xlsm workbook (or write a .xlsx)")
    # Built and refreshed under a temp name beside BOOK, which replaces BOOK only once both
    # succeeded: an error or an interrupt leaves nothing behind (and an old BOOK as it was).
    with replacing_path(out, suffix=f".tmp{out.suffix}") as building:
        try:
            read = build_from_csv(building, args.data, args.indicators,
                                  index_name=args.index_name, neighbours=args.neighbours,
                                  data_note=args.note or f"Data: {Path(args.data).name}",
                                  live_formulas=args.lite or None)
        except CsvError as error:
            raise CommandError(str(error)) from None
        run_refresh(building, building)
        lite = _lite(building, building) if args.lite else []
    data = read.data
    print(f"Wrote {out}: {data.iloc[:, 0].nunique()} {read.unit_label} x "
          f"{data['Year'].nunique()} years x {len(data.columns) - 4} indicators"
          + ("" if data["Population"].notna().any()
             else " (no population: equal weights in Theil and Dagum)"))
    print(f"Refreshed {out} / 已刷新")
    if args.lite:                           # said once the workbook is there
        print("\n".join(lite + [f"{out} is an xlwings Lite workbook: {OPEN_LITE}"]))
    return EXIT_OK


def cmd_template(args) -> int:
    from trade_resilience_xl.atomic import replacing
    from trade_resilience_xl.excel_setup import committed_template
    from trade_resilience_xl.workbook.package import file_safety

    path = Path(args.path or TEMPLATE_NAME)
    macros = path.suffix.lower() == ".xlsm"
    if path.suffix.lower() not in (".xlsm", ".xlsx"):
        raise CommandError(f"{path}: use a .xlsm name (or .xlsx for a copy without macros)")
    # The committed file is the template (its VBA project is xlwings' generated module);
    # building needs pyOpenVBA and is only for developers who changed the builder.
    source = committed_template() if macros and not args.rebuild else None
    if source is not None and path.resolve() == source:
        print(f"{path} is the committed template already (--rebuild builds it anew)")
        return EXIT_OK
    if source is None and macros:
        _needs_pyopenvba("building the macro template")
    file_safety.check_writable(path)
    if source is not None:
        with replacing(path) as copy:
            copy.write(source.read_bytes())
        print(f"Wrote {path} (a copy of the committed template)")
        return EXIT_OK
    from trade_resilience_xl.workbook.template.builder import build_workbook

    build_workbook(path, macro_enabled=macros)
    print(f"Wrote {path}" + ("" if macros else " (no macros: .xlsx)"))
    return EXIT_OK


OPEN_LITE = "open it in Excel with the xlwings Lite add-in (Windows, Mac, web)"


def _lite(source: Path, out: Path) -> list[str]:
    """Write ``source`` as an xlwings Lite workbook to ``out``; the lines that say what was
    left out of it."""
    from trade_resilience_xl.lite.convert import NotOurWorkbook, make_lite

    try:
        left_out = make_lite(source, out)
    except NotOurWorkbook as error:
        raise CommandError(str(error)) from None
    return [f"Left out {part}: xlwings Lite runs the workbook's Python itself, its scripts "
            "replace the ribbon's buttons" for part in left_out]


def cmd_lite(args) -> int:
    from trade_resilience_xl.workbook.package import file_safety

    book = Path(args.workbook)
    if args.out is None:                 # the template's sheets, written to BOOK
        from trade_resilience_xl.lite.convert import build_lite_workbook

        if book.exists() and not args.force:
            raise CommandError(f"{book} exists; to turn it into an xlwings Lite workbook "
                               f"write a copy: trade-resilience lite {book} --out LITE.xlsx "
                               "(--force replaces it with the template's sheets)")
        _new_workbook(book, (".xlsx",), True,
                      "an xlwings Lite workbook has no macros; use a .xlsx name")
        build_lite_workbook(book)
        print(f"Wrote {book}: {OPEN_LITE}")
        return EXIT_OK
    out = Path(args.out)
    file_safety.check_readable(book)
    if out.exists() and out.samefile(book):
        raise CommandError(f"{out} is the source workbook; write the Lite workbook to "
                           "another file")
    _new_workbook(out, (".xlsx",), args.force,
                  "an xlwings Lite workbook has no macros; use a .xlsx name")
    print("\n".join(_lite(book, out) + [f"Wrote {out}: {OPEN_LITE}"]))
    return EXIT_OK
