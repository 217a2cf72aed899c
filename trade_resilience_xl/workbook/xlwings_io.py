"""``WorkbookIO`` over a live ``xw.Book``, and the functions the ribbon buttons call.

A ribbon click runs ``TradeResilienceRibbon.TR_RefreshAll`` (VBA), whose one line is
``RunPython "import trade_resilience_xl.workbook.xlwings_io as tr; tr.refresh_all()"``;
xlwings starts Python, ``xw.Book.caller()`` reattaches to the clicked workbook and
``refresh.refresh`` does the rest through ``XlwingsBook``. Bad data: nothing is written
(the refresh checks and computes everything first) and a message box names the cells.

Only cell reads and writes and chart calls live here. Formatting and chart cosmetics
are wrapped in ``_cosmetic``: they differ between Excel versions and xlwings engines
(the remote engine has no status bar, for instance) and are never worth failing a
refresh for; what could not be applied is kept in ``skipped``.
"""
from __future__ import annotations

import xlwings as xw

from trade_resilience_xl.workbook import layout as L
from trade_resilience_xl.workbook import refresh as _refresh
from trade_resilience_xl.workbook.book_io import HEAT_COLOUR, HEAT_WHITE, ChartSpec, HeatMap
from trade_resilience_xl.workbook.results.result_frame import GAP

POINTS_PER_CM = 72 / 2.54
CHART_TYPES = {"bar": "column_clustered", "line": "line_markers",
               "column_stacked": "column_stacked", "scatter": "xy_scatter"}
TITLE = "Trade Resilience"
XL_TICK_LABEL_POSITION_LOW = -4134    # Excel's xlTickLabelPositionLow
CHART_SKIP = "chart"            # prefix of a chart's entry in XlwingsBook.skipped
HEADER_COLOUR = (31, 78, 121)   # styles.HEADER_FILL


class XlwingsBook:
    """A live workbook (Excel, or xlwings' remote engine in tests)."""

    def __init__(self, book: xw.Book) -> None:
        self.book = book
        self.skipped: list[str] = []
        self.last_row: dict[str, int] = {}   # per sheet, the lowest row written so far

    def _cosmetic(self, what: str, action) -> None:
        try:
            action()
        except Exception as error:  # COM errors have no portable type; see module doc
            note = f"{what}: {error}"
            if note not in self.skipped:
                self.skipped.append(note)

    # ------------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def read_values(self, sheet: str) -> list[list]:
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        # From A1 (not the used range's corner), so list positions are cell positions;
        # errors as text ("#N/A") so that the input check can name them.
        return ws.range((1, 1), (last.row, last.column)).options(
            ndim=2, err_to_str=True).value

    def merged_ranges(self, sheet: str) -> list[str]:
        """Merged areas of the used range ("A4:A15"), found through Excel's object model:
        one MergeCells query for the whole range (False: none, the usual case), then one per
        column, then cell by cell only in columns that hold a merge. [] where there is no
        object model (the remote engine) or it fails: the refresh then reads on as before."""
        try:
            used = self.book.sheets[sheet].used_range
            if used.api.MergeCells is False:
                return []
            found: list[str] = []
            for column in used.columns:
                if column.api.MergeCells is False:
                    continue
                for cell in column:
                    if cell.api.MergeCells:
                        address = cell.api.MergeArea.Address.replace("$", "")
                        if address not in found:
                            found.append(address)
            return found
        except Exception:  # noqa: BLE001 - COM errors have no portable type; see module doc
            return []

    # ------------------------------------------------------------------ writing
    def clear_sheet(self, sheet: str) -> None:
        # Excel compares sheet names without regard to case: a "weights" sheet is the one
        # (adding "Weights" beside it would fail); book.sheets[...] finds it the same way.
        if sheet.casefold() not in {name.casefold() for name in self.sheet_names()}:
            self.book.sheets.add(sheet, after=self.book.sheets[len(self.book.sheets) - 1])
            return
        ws = self.book.sheets[sheet]
        for chart in list(ws.charts):
            chart.delete()
        ws.clear()
        # Clearing a sheet's formats takes its conditional formats too in Excel; said
        # explicitly for hosts where that is not so (a heat map would pile up per refresh).
        self._cosmetic("heat maps", lambda: ws.cells.conditional_formats.clear())
        self.last_row[sheet] = 0

    # ------------------------------------------------------------------ result sheets
    def foreign_result_sheet(self) -> str | None:
        """A sheet with a result sheet's name (Excel ignores case) that this tool did not
        write: no mark and an A1 unlike ours. A refresh would overwrite it; refused instead,
        as the file refresh refuses it (``layout.MARK_NAME``)."""
        results = {name.casefold() for name in L.RESULT_SHEETS}
        for ws in self.book.sheets:
            if ws.name.casefold() in results and not _marked(ws) \
                    and not L.written_before_marks(ws.range("A1").value):
                return ws.name
        return None

    def mark(self, sheet: str) -> None:
        """Give a result sheet this tool's mark (a hidden sheet-scoped name on its A1)."""
        # Cosmetic too: a sheet left unmarked is still known by its A1 title.
        self._cosmetic(f"mark {sheet}", lambda: _add_mark(self.book.sheets[sheet]))

    def write_table(self, sheet, top_left, rows, number_formats=None, header_rows=1) -> None:
        ws = self.book.sheets[sheet]
        first = ws.range(top_left)
        ws.range(top_left).value = rows
        r0, c0, n = first.row, first.column, len(rows)
        self.last_row[sheet] = max(self.last_row.get(sheet, 0), r0 + n - 1)
        for j, fmt in (number_formats or {}).items():
            if n > header_rows:
                ws.range((r0 + header_rows, c0 + j), (r0 + n - 1, c0 + j)).number_format = fmt
        if header_rows and rows:
            header = ws.range((r0 + header_rows - 1, c0), (r0 + header_rows - 1,
                                                            c0 + len(rows[0]) - 1))
            self._cosmetic("header style", lambda: _style_header(header))

    def set_column_widths(self, sheet, widths) -> None:
        ws = self.book.sheets[sheet]
        for letter, width in widths.items():
            self._cosmetic(f"width {letter}", lambda letter=letter, width=width: setattr(
                ws.range(f"{letter}1"), "column_width", width))

    def add_chart(self, sheet: str, spec: ChartSpec) -> None:
        # A chart is cosmetic too: where the object model cannot add one (an older Excel,
        # xlwings Lite on some hosts) the tables stay complete and the Log says so.
        self._cosmetic(f"{CHART_SKIP} {spec.title}", lambda: self._draw_chart(sheet, spec))

    def _draw_chart(self, sheet: str, spec: ChartSpec) -> None:
        ws = self.book.sheets[sheet]
        chart = ws.charts.add(anchor=ws.range(spec.anchor), chart_type=CHART_TYPES[spec.kind],
                              width=spec.width_cm * POINTS_PER_CM,
                              height=spec.height_cm * POINTS_PER_CM)
        chart.set_source_data(ws.range(spec.series), plot_by="columns")
        chart.set_x_axis_values(ws.range(spec.categories))
        chart.title = spec.title
        self._cosmetic("axis titles", lambda: _axis_titles(chart, spec))
        for k in spec.line_series:
            self._cosmetic(f"series {k} as line", lambda k=k: setattr(
                chart.series[k], "chart_type", "xy_scatter_lines_no_markers"))

    def add_heat_map(self, sheet: str, spec: HeatMap) -> None:
        # xlwings' own colour-scale call (0.37.5+): COM on Windows, AppleScript on macOS,
        # an action for the remote engine and xlwings Lite.
        cells = self.book.sheets[sheet].range(spec.cells)
        self._cosmetic(f"heat map {spec.cells}", lambda: cells.conditional_formats
                       .add_color_scale([f"#{HEAT_WHITE}", f"#{HEAT_COLOUR}"],
                                        thresholds=[spec.low, spec.high],
                                        threshold_type="number"))

    def status(self, message: str | None) -> None:
        # False gives the status bar back to Excel.
        self._cosmetic("status bar", lambda: setattr(self.book.app, "status_bar",
                                                     message if message else False))


def _marked(ws) -> bool:
    try:
        return any(n.name.rpartition("!")[2].casefold() == L.MARK_NAME.casefold()
                   and L.referenced_sheet(n.refers_to or "").casefold() == ws.name.casefold()
                   for n in ws.names)
    except Exception:  # noqa: BLE001 - no names here (object model): A1 decides
        return False


def _add_mark(ws) -> None:
    if _marked(ws):
        return
    name = ws.names.add(L.MARK_NAME, "=" + L.mark_reference(ws.name))
    try:
        name.api.Visible = False        # hidden, as the file refresh writes it
    except Exception:  # noqa: BLE001 - the remote engine has no Name.api; still a mark
        pass


def _style_header(header) -> None:
    header.font.bold = True
    header.font.color = (255, 255, 255)
    header.color = HEADER_COLOUR
    header.wrap_text = True


def _axis_titles(chart, spec: ChartSpec) -> None:
    chart.category_axis.title = spec.x_title or None
    chart.value_axis.title = spec.y_title or None
    chart.value_axis.number_format = spec.y_number_format
    if spec.y_max is not None:
        chart.value_axis.maximum_scale = spec.y_max
    if spec.kind == "scatter":      # tick labels at the plot's edge, not at the crossing
        for axis in (chart.category_axis, chart.value_axis):
            axis.api.TickLabelPosition = XL_TICK_LABEL_POSITION_LOW


# ---------------------------------------------------------------------- ribbon entry points
def _alert(book: xw.Book, message: str, ok: bool) -> None:
    try:
        book.app.alert(message, title=TITLE, buttons="ok", mode="info" if ok else "critical")
    except Exception:  # no message box available (e.g. no UI): the status bar has it
        pass


def _caller(book):
    return book if book is not None else xw.Book.caller()


def refresh_all(book: xw.Book | None = None) -> _refresh.RefreshReport:
    """Ribbon "Refresh all": recompute every result sheet of the calling workbook."""
    book = _caller(book)
    io = XlwingsBook(book)
    refused = _refuse_foreign_sheet(io)
    if refused is not None:
        return refused
    io._cosmetic("screen updating", lambda: setattr(book.app, "screen_updating", False))
    try:
        report = _refresh.refresh(io)
    except Exception as error:  # noqa: BLE001 - a bug: one line in a box, not a traceback
        detail = " ".join(str(error).split())[:300] or type(error).__name__
        _alert(book, f"Refresh stopped by an unexpected error: {detail}\nPlease report it; "
               "`trade-resilience refresh FILE --debug` shows the details. / 刷新因意外错误中止，"
               "请报告此问题。", False)
        return _refresh.RefreshReport(False,
                                      [_refresh.Problem("", "", f"unexpected error: {detail}")])
    finally:
        io._cosmetic("screen updating", lambda: setattr(book.app, "screen_updating", True))
        io.status(None)
    report.skipped = io.skipped
    if report.ok:
        for name in report.sheets:
            io.mark(name)
        _note_charts_left_out(io, report)
    if not report.ok or report.warnings or report.illustrative:
        _alert(book, report.message(), report.ok)
    return report


def _refuse_foreign_sheet(io: XlwingsBook) -> _refresh.RefreshReport | None:
    """Nothing written, one message box, when a sheet named as a result sheet is the
    user's own (as the command line refuses it)."""
    foreign = io.foreign_result_sheet()
    if foreign is None:
        return None
    message = L.not_ours(io.book.name, foreign)
    _alert(io.book, message, False)
    return _refresh.RefreshReport(False, [_refresh.Problem(foreign, "", message)])


def _note_charts_left_out(io: XlwingsBook, report: _refresh.RefreshReport) -> None:
    """Charts the object model refused: one line below the Log's tables and in the report."""
    left_out = [s for s in io.skipped if s.startswith(CHART_SKIP + " ")]
    if not left_out:
        return
    note = (f"Charts left out / 未生成图表: {len(left_out)} of {report.charts} could not be "
            f"added here ({left_out[0]}); every table is complete. / 表格完整。")
    report.charts -= len(left_out)
    report.warnings.append(note)
    row = io.last_row.get(L.SHEET_LOG, 0) + GAP + 1
    io.write_table(L.SHEET_LOG, f"A{row}", [[note]], header_rows=0)


def check_data(book: xw.Book | None = None) -> list:
    """Ribbon "Check data": list every input problem as sheet + cell, or else the notes a
    refresh would put on the Log, exactly as ``trade-resilience check`` does (writes nothing)."""
    book = _caller(book)
    io = XlwingsBook(book)
    report = _refresh.inspect(io)
    problems, message = list(report.problems), report.check_message()
    foreign = io.foreign_result_sheet()
    if foreign is not None:       # what the refresh would refuse too, as `check` says it
        refusal = L.not_ours(book.name, foreign)
        problems.append(_refresh.Problem(foreign, "", refusal))
        message = (message + "\n" if not report.ok else "") + refusal
    _alert(book, message, not problems)
    return problems


def clear_results(book: xw.Book | None = None) -> list[str]:
    """Ribbon "Clear results": empty the result sheets (inputs are not touched)."""
    book = _caller(book)
    io = XlwingsBook(book)
    if _refuse_foreign_sheet(io) is not None:
        return []
    cleared = _refresh.clear(io)
    io.status(None)
    return cleared
