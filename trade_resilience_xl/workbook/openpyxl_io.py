"""``WorkbookIO`` over a workbook file (command line, tests, no Excel).

Reading streams the sheets' cell values (``package_reader``: formula cells give the value
Excel last calculated; one never calculated reads as its ``=...`` text, which the input
check reports). Writing only collects what the refresh writes to each result sheet;
``save()`` then writes a new package in which only the result sheets' parts are new and
every other part is copied byte for byte (``package_update``): cached values, data
validations, rich text, images, comments, VBA project, ribbon, dynamic-array metadata and
anything else we do not know stay exactly as they were. Nothing reaches the disk before
``save()``, so a refresh that stops on bad data leaves the file untouched, and ``save()``
is atomic (temp file beside the real file, then ``os.replace``).

(The module keeps its historical name: openpyxl is no longer used to load or save.)
"""
from __future__ import annotations

import contextlib
import errno
import zipfile
from pathlib import Path
from pyexpat import ExpatError

from trade_resilience_xl.workbook.book_io import ChartSpec, HeatMap, cell_position
from trade_resilience_xl.workbook.collector import paused_collector
from trade_resilience_xl.workbook.package.package_reader import DamagedPart, PackageReader
from trade_resilience_xl.workbook.package.package_update import save_package
from trade_resilience_xl.workbook.package.result_sheet_xml import SheetWrites
from trade_resilience_xl.workbook.package.result_styles import CellFormat

HEADER_ROW_HEIGHT = 48   # three wrapped lines: bilingual headers in narrow columns


TITLE_LINE, HEADER = CellFormat(font="warning"), CellFormat(font="header", header=True)
SHEET_TITLE, SHEET_NOTE, PLAIN = CellFormat(font="title"), CellFormat(font="note"), CellFormat()


def _row_formats(i: int, width: int, header_rows: int, number_formats: dict,
                 title_block: bool) -> list[CellFormat]:
    """The format of each cell of row ``i`` of a block (see ``WorkbookIO.write_table``)."""
    if i < header_rows - 1:
        return [TITLE_LINE] * width                # a block's own title line
    if i == header_rows - 1:
        return [HEADER] * width
    formats = [CellFormat(number_format=number_formats[j]) if j in number_formats else PLAIN
               for j in range(width)]
    if title_block and i < 2:
        # The sheet's own title and note (result_sheets puts them at A1:A2).
        formats[0] = SHEET_TITLE if i == 0 else SHEET_NOTE
    return formats


class OpenpyxlBook:
    """A workbook file opened for a refresh; nothing reaches the disk before ``save()``."""

    def __init__(self, path: str | Path, on_status=None) -> None:
        self.path = Path(path)
        self.reader = PackageReader(self.path)
        self.results: dict[str, SheetWrites] = {}
        self._on_status = on_status

    # ------------------------------------------------------------------ reading
    def sheet_names(self) -> list[str]:
        names = self.reader.sheet_names()
        return names + [name for name in self.results if name not in names]

    def read_values(self, sheet: str) -> list[list]:
        if sheet in self.results:
            raise ValueError(f"sheet {sheet!r} was rewritten in this session; read it first")
        return self.reader.values(sheet)

    def merged_ranges(self, sheet: str) -> list[str]:
        """Merged ranges of ``sheet`` ("A4:A15"); optional in ``WorkbookIO``."""
        return list(self.reader.merged_ranges(sheet))

    # ------------------------------------------------------------------ writing
    def clear_sheet(self, sheet: str) -> None:
        # The sheet keeps its part, position, sheetId and codeName (its VBA document
        # module is bound to it); a missing one is added at the end on save.
        self.results[sheet] = SheetWrites()

    def write_table(self, sheet, top_left, rows, number_formats=None, header_rows=1) -> None:
        writes = self.results[sheet]
        r0, c0 = cell_position(top_left)
        title_block = header_rows == 0 and top_left == "A1" and len(rows) > 1
        width = max((len(values) for values in rows), default=0)
        body = _row_formats(header_rows, width, header_rows, number_formats or {}, False)
        for i, values in enumerate(rows):
            formats = body if i >= max(header_rows, 2) else _row_formats(
                i, width, header_rows, number_formats or {}, title_block)
            writes.write(r0 + i, c0, values, formats)
            if i == header_rows - 1:
                writes.row_heights[r0 + i] = HEADER_ROW_HEIGHT

    def set_column_widths(self, sheet, widths) -> None:
        self.results[sheet].widths.update(widths)

    def add_chart(self, sheet: str, spec: ChartSpec) -> None:
        writes = self.results[sheet]
        # Every chart starts a printed page, so PDF/print never cuts one in two (the
        # Moran scatter under a long LISA table did straddle one).
        writes.row_breaks.append(cell_position(spec.anchor)[0] - 1)
        writes.charts.append(spec)

    def add_heat_map(self, sheet: str, spec: HeatMap) -> None:
        self.results[sheet].heat_maps.append(spec)

    def status(self, message: str) -> None:
        if self._on_status is not None:
            self._on_status(message)

    # ------------------------------------------------------------------ saving
    def save(self, path: str | Path | None = None) -> Path:
        """Write the workbook with its new result sheets to ``path`` (default: in place).

        A symbolic link is followed: the file it points to is replaced (the temp file is
        made beside that file). A failure to write (disk full, ...) raises an
        ``UnsafeFileError`` naming the file; the original is untouched then.
        """
        from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

        target = Path(path) if path is not None else self.path
        try:
            with paused_collector():
                save_package(self.path, target, self.results)
        except OSError as error:
            reason = error.strerror or str(error)
            if error.errno == errno.ENOSPC:
                reason = "the disk is full"
            raise UnsafeFileError(target, f"{target} could not be saved ({reason}); the "
                                          "file on disk was not changed") from error
        return target

    def close(self) -> None:
        self.reader.close()


# ---------------------------------------------------------------------- entry points
# What reading raises for a file that passed file_safety but is damaged inside (sheets
# are parsed when first read: parse errors can also come later).
DAMAGED = (ValueError, KeyError, zipfile.BadZipFile, ExpatError)


def _damaged(path, error) -> Exception:
    from trade_resilience_xl.workbook.package.file_safety import UnsafeFileError

    # Parser messages can run over several lines; the first says what failed.
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return UnsafeFileError(path, f"{path} cannot be read as a workbook: {reason}")


@contextlib.contextmanager
def opened_file(path: str | Path, write: bool = False):
    """An ``OpenpyxlBook`` after the file-safety checks (``write``: also those for saving
    in place); a refused or damaged file raises ``UnsafeFileError`` with one line."""
    from trade_resilience_xl.workbook.package import file_safety

    if write:
        file_safety.check_for_update(path)
    else:
        file_safety.check_readable(path)
    try:
        book = OpenpyxlBook(path)
    except DAMAGED as error:
        raise _damaged(path, error) from error
    try:
        yield book
    except (zipfile.BadZipFile, DamagedPart, ExpatError) as error:
        # Not ValueError here: while computing, that would be a bug, not a damaged file.
        raise _damaged(path, error) from error
    finally:
        book.close()


def refresh_file(path: str | Path, progress=None):
    """Refresh the workbook file at ``path``; saved only when the inputs were good.

    Refused (``UnsafeFileError``, nothing read or written) when the file is not a workbook,
    is open in Excel or LibreOffice, or is read-only.
    """
    from trade_resilience_xl.workbook.refresh import refresh

    with opened_file(path, write=True) as book:
        report = refresh(book, progress)
        if report.ok:
            book.save()
        return report


def check_file(path: str | Path):
    from trade_resilience_xl.workbook.refresh import check

    with opened_file(path) as book:
        return check(book)


def clear_file(path: str | Path) -> list[str]:
    from trade_resilience_xl.workbook.refresh import clear

    with opened_file(path, write=True) as book:
        cleared = clear(book)
        book.save()
        return cleared
