"""What the commands share: opening a workbook with the file-safety checks, refreshing it with
progress on stderr, saving it, and turning input failures into one line naming file, sheet and
cell. ``cli`` (the refresh/check/clear commands and the parser) and ``cli_create`` (the commands
that make workbooks) both build on it, so neither imports the other's helpers."""
from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

DEMO_NAME = "trade_resilience_demo.xlsx"
BIG_FILE_BYTES = 5 * 1024 ** 2    # above this, say that reading/saving may take a while
PROGRESS_DELAY_SECONDS = 1.0      # quiet for quick runs; see Progress
EXIT_OK, EXIT_PROBLEM = 0, 1


class CommandError(Exception):
    """A failure already worded for the user (one line)."""


class Progress:
    """Progress lines on stderr, only for work that takes a while.

    A refresh reports a dozen steps; printing them for a one-second run is noise. Messages
    are held back for ``delay`` seconds; if the work is still going then, the latest one
    is shown (by a timer, so a single long step such as a permutation test is announced
    while it runs) and every later one is printed as it comes.
    """

    def __init__(self, delay: float | None = None, stream=None):
        self._stream = stream or sys.stderr
        self._pending: str | None = None
        self._shown = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(PROGRESS_DELAY_SECONDS if delay is None else delay,
                                      self._reveal)
        self._timer.daemon = True
        self._timer.start()

    def _print(self, message: str) -> None:
        print(f"... {message}", file=self._stream, flush=True)

    def _reveal(self) -> None:
        with self._lock:
            self._shown = True
            if self._pending is not None:
                self._print(self._pending)
                self._pending = None

    def __call__(self, message: str, *_details) -> None:
        with self._lock:
            if self._shown:
                self._print(message)
            else:
                self._pending = message

    def close(self) -> None:
        self._timer.cancel()


def say(message: str) -> None:
    """A progress line printed at once (reading or saving a big file)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def refresh_module():
    # Imported on use so that `--help`, `excel-setup` and `template` stay fast.
    from trade_resilience_xl.workbook import refresh
    return refresh


@contextlib.contextmanager
def opened(path: Path):
    """The workbook at ``path`` after the file-safety checks (openpyxl_io.opened_file), with
    the CLI's own extras: a progress line for big files and the xlwings.conf warning."""
    from trade_resilience_xl.workbook.openpyxl_io import opened_file

    if path.is_file() and path.stat().st_size > BIG_FILE_BYTES:
        say(f"reading {path} ({path.stat().st_size / 1024 ** 2:.0f} MB)")
    with opened_file(path) as book:
        warn_about_xlwings_conf(book, path)
        yield book


def warn_about_xlwings_conf(book, path: Path) -> None:
    """Warn when the workbook's xlwings.conf sheet differs from the template's.

    Those rows override the user's config when the workbook is used from Excel: a received
    file could name its own interpreter, PYTHONPATH or UDF module there. Only a warning,
    since nothing here runs them, but the user should know before enabling macros.
    """
    from trade_resilience_xl.workbook import layout as L

    if L.SHEET_XLWINGS_CONF not in book.sheet_names():
        return
    expected = {L.english_part(key): str(value).casefold() for key, value, _ in L.XLWINGS_CONF}
    for number, row in enumerate(book.read_values(L.SHEET_XLWINGS_CONF), start=1):
        if not row or row[0] is None or not str(row[0]).strip():
            break                       # xlwings stops at the first blank row too
        value = row[1] if len(row) > 1 else None
        if expected.get(L.english_part(row[0])) != str(value).casefold():
            print(f"warning: {path}: {L.SHEET_XLWINGS_CONF}!A{number}: {row[0]} = {value!r} "
                  "differs from the template; in Excel it would override your xlwings "
                  "settings. Review it before enabling macros.", file=sys.stderr)


def check_target(source: Path, target: Path) -> None:
    from trade_resilience_xl.workbook.package import file_safety

    if target.suffix.lower() != source.suffix.lower():
        # The package keeps the source's macros and content type; an .xlsm saved under an
        # .xlsx name (or the reverse) is a file Excel refuses to open.
        raise CommandError(f"{target}: use the same extension as {source} "
                           f"({source.suffix})")
    file_safety.check_for_update(source, target)


def save(book, target: Path) -> None:
    if target.exists() and target.stat().st_size > BIG_FILE_BYTES:
        say(f"saving {target}")
    book.save(target)


def problem_line(path: Path, problems) -> str:
    first = problems[0]
    more = f" (and {len(problems) - 1} more; run `trade-resilience check {path}`)" \
        if len(problems) > 1 else ""
    return f"{path}: {first}{more}"


def located(path: Path, error: BaseException) -> CommandError | None:
    """An input failure as one line that names the workbook (None: not an input failure)."""
    from trade_resilience_xl.engine import InputError

    problems = getattr(error, "problems", None)       # read_inputs.InputProblems
    if problems:
        return CommandError(problem_line(path, list(problems)))
    if isinstance(error, InputError):
        return CommandError(f"{path}: {error}")
    return None


def run_refresh(source: Path, target: Path, before_save=None):
    """Refresh ``source`` and save to ``target``; return the ``RefreshReport``.

    ``before_save(report)``, when given, runs once the refresh succeeded and before the
    workbook is saved; it may return a function that undoes it should the save fail
    (``refresh --csv``: the CSV files are staged first, removed if the save fails)."""
    check_target(source, target)
    with opened(source) as book:
        progress = Progress()
        try:
            report = refresh_module().refresh(book, progress=progress)
        except Exception as error:
            one_line = located(source, error)
            if one_line is None:
                raise
            raise one_line from error
        finally:
            progress.close()
        if not report.ok or report.problems:
            raise CommandError(problem_line(source, list(report.problems)))
        undo = before_save(report) if before_save is not None else None
        try:
            save(book, target)
        except BaseException:
            if undo is not None:
                undo()
            raise
    return report
