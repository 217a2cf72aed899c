"""Refresh every result sheet of the workbook from its Indicators, Data and Settings sheets.

One routine for every front: the ribbon (``xlwings_io.refresh_all``), the command line
and tests (``openpyxl_io.refresh_file``). It works through the ``WorkbookIO`` interface
and is all-or-nothing: inputs are read and checked, the engine runs and every sheet's
cells are built *before* the first write; on bad data nothing is written and the report
lists each problem as sheet + cell. Input sheets are only read.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import metadata

from trade_resilience_xl.engine import InputError, PanelResult, run_panel
from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook.book_io import (
    ChartSpec,
    Problem,
    SheetContent,
    WorkbookIO,
    rectangular,
)
from trade_resilience_xl.workbook.collector import paused_collector
from trade_resilience_xl.workbook.inputs.read_inputs import (
    InputProblems,
    Inputs,
    locate,
    read_inputs,
)
from trade_resilience_xl.workbook.results.result_sheets import all_sheets

__all__ = ["refresh", "check", "inspect", "clear", "RefreshReport", "Problem", "ChartSpec",
           "WorkbookIO"]

@dataclass
class RefreshReport:
    """What a refresh did: ``ok`` with the sheets written, or the problems found."""

    ok: bool
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    charts: int = 0
    illustrative: bool = False
    skipped: list[str] = field(default_factory=list)  # cosmetics an adapter could not apply
    result: PanelResult | None = None  # the engine's results, for tidy CSV files and headlines

    def check_message(self) -> str:
        """What "Check data" shows: the problems, or that there are none plus the notes."""
        if not self.ok:
            return f"{len(self.problems)} problem(s) / 个问题:\n" + "\n".join(
                f"- {p}" for p in self.problems)
        return "\n".join(["No problems found. / 未发现问题。"]
                         + [f"- note: {w}" for w in self.warnings])

    def message(self) -> str:
        """One text for a message box or a terminal."""
        if not self.ok:
            lines = [f"Nothing was changed: {len(self.problems)} problem(s) in the input "
                     "sheets. / 未做任何修改：输入表有以下问题。"]
            return "\n".join(lines + [f"- {p}" for p in self.problems])
        text = (f"Refreshed {len(self.sheets)} sheets and {self.charts} charts. / "
                "已刷新全部结果表。")
        if self.illustrative:
            text += "\nIllustrative data, not official statistics. / 示例数据，非官方统计。"
        if self.warnings:
            text += "\nWarnings (see Log) / 警告（详见Log表）:\n" + "\n".join(
                f"- {w}" for w in self.warnings)
        return text


def package_version() -> str:
    try:
        return metadata.version("trade-resilience-xl")
    except metadata.PackageNotFoundError:
        from trade_resilience_xl import __version__
        return __version__


def _run(inputs: Inputs, progress, *, inference: bool = True):
    """Engine results for ``inputs``; an InputError becomes InputProblems (located)."""
    try:
        settings = inputs.settings.checked()   # so that `check` sees every settings rule too
    except InputError as error:
        raise InputProblems([locate(error, inputs)]) from error
    if not inference:
        # Checking needs no permutation test or bootstrap: they cannot fail on data the
        # rest accepts, and they are the slow part. (Moran's permutations stay: they take
        # milliseconds, and `check` must give the same notes as the refresh.)
        settings = replace(settings, permutations=0, bootstrap=0)
    try:
        return run_panel(inputs.data, inputs.indicators[["code", "indicator", "dimension",
                                                         "dimension_zh", "direction"]],
                         settings, progress=progress, neighbours=inputs.neighbours)
    except InputError as error:
        raise InputProblems([locate(error, inputs)]) from error


def _notes(inputs: Inputs, result) -> list[str]:
    """The notes a refresh puts on the Log: the engine's, then the input sheets'."""
    return list(result.warnings) + list(inputs.notes)


def inspect(book: WorkbookIO) -> RefreshReport:
    """What a refresh would report, writing nothing: the problems, or the notes it would give
    (a value read as missing, an interpolated gap, a constant indicator...)."""
    try:
        with paused_collector():
            inputs = read_inputs(book)
            result = _run(inputs, None, inference=False)
    except InputProblems as problems:
        return RefreshReport(False, problems.problems)
    return RefreshReport(True, [], _notes(inputs, result), illustrative=inputs.illustrative)


def check(book: WorkbookIO) -> list[Problem]:
    """Every problem that would stop a refresh (empty list: the data are fine)."""
    return inspect(book).problems


def _prepare(book: WorkbookIO, say: Callable[[str], None], now: _dt.datetime | None):
    say("Reading Indicators, Data and Settings / 读取输入表")
    inputs = read_inputs(book)
    say("Computing weights, scores and decompositions / 计算中")
    result = _run(inputs, say)
    stamp = (now or _dt.datetime.now()).astimezone().isoformat(timespec="seconds")
    say("Building result tables / 生成结果表")
    return inputs, result, all_sheets(result, inputs, package_version(), stamp)


def _write(book: WorkbookIO, name: str, content: SheetContent) -> None:
    book.clear_sheet(name)
    for block in content.blocks:
        book.write_table(name, block.top_left, rectangular(block.rows),
                         block.number_formats, block.header_rows)
    book.set_column_widths(name, content.widths)
    for spec in content.charts:
        book.add_chart(name, spec)
    for heat_map in content.heat_maps:
        book.add_heat_map(name, heat_map)


def refresh(book: WorkbookIO, progress: Callable[[str], None] | None = None, *,
            now: _dt.datetime | None = None) -> RefreshReport:
    """Recompute and rewrite every result sheet; write nothing if the inputs are bad.

    ``progress(message)`` is called before each step (the adapter's status line is
    always told too). ``now`` fixes the Log's timestamp (tests).
    """
    def say(message: str) -> None:
        book.status(message)
        if progress is not None:
            progress(message)

    with paused_collector():
        try:
            inputs, result, sheets = _prepare(book, say, now)
        except InputProblems as problems:
            say("Stopped: bad input data / 输入数据有误，已停止")
            return RefreshReport(False, problems.problems)
        for name, content in sheets.items():
            say(f"Writing {name} / 写入 {name}")
            _write(book, name, content)
    say("Done / 完成")
    return RefreshReport(True, [], _notes(inputs, result), list(sheets),
                         sum(len(c.charts) for c in sheets.values()), inputs.illustrative,
                         result=result)


def clear(book: WorkbookIO) -> list[str]:
    """Empty every result sheet present (back to the template's note); return their names."""
    cleared = []
    present = {name.casefold() for name in book.sheet_names()}   # Excel ignores case
    for name in L.RESULT_SHEETS:
        if name.casefold() in present:
            book.clear_sheet(name)
            book.write_table(name, "A1", [[L.RESULT_SHEET_NOTE]], header_rows=0)
            cleared.append(name)
    return cleared
