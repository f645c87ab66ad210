"""Writing the export workbook with XlsxWriter (constant-memory mode).

Sheets, in order: README, Codebook, Summary, Wide, the long sheets of the chosen forms,
Flow, AE summary, Deviations and, when asked, Audit trail. Every cell is typed: numbers
and dates are written as numbers with a number format (dates are real Excel dates), text
is always written with ``write_string`` and the workbook is opened with
``strings_to_formulas``, ``strings_to_urls`` and ``strings_to_numbers`` off, so a value such
as ``=HYPERLINK(...)`` or ``+1`` stays text. Each sheet has a frozen header row, an
autofilter and column widths fitted to a sample of its contents.

What goes on each fixed sheet is :mod:`.sheets`; this module is the writer they share.

Constant-memory mode writes each row as it goes, so every sheet is written top to bottom,
once; sheets longer than Excel's 1,048,576 rows continue on "<name> (2)", "<name> (3)".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from msct_crf.study.dictionary import STUDY_CODE, STUDY_TITLE, FieldType, Label

from .display import P_FORMAT
from .options import ExportOptions
from .page_setup import PrintHeading, set_up_page
from .variables import Table, Var

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL = 32_767
WIDTH_SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
PROGRESS_ROWS = 2_000
#: Rows of a data sheet made ready (as Python values) at a time; at least WIDTH_SAMPLE_ROWS.
BLOCK_ROWS = 10_000
#: ... and at most about this many cells: the Wide sheet's 10,000 rows of some 280 columns
#: were 2.8 million Python values at once (50 MB of a streaming export's peak, issue 14).
BLOCK_CELLS = 250_000

#: The fixed sheets, in order; the long form sheets go between Wide and Flow.
FIXED_BEFORE = ("README", "Codebook", "Summary", "Wide")
FIXED_AFTER = ("Flow", "AE summary", "Deviations")
AUDIT_SHEET = "Audit trail"

Check = Callable[[int], None]


def text_width(text: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


@dataclass
class _Column:
    values: list[Any]
    number: bool
    fmt: Format | None
    width: int


class WorkbookWriter:
    """Writes one workbook; ``check(cells)`` is called every few thousand rows with the
    number of cells written so far (it reports progress and raises to cancel)."""

    def __init__(
        self,
        path: str,
        options: ExportOptions,
        check: Check,
        heading: PrintHeading | None = None,
    ) -> None:
        self.options = options
        self.heading = heading
        self.language = options.language
        self.check = check
        self.cells = 0
        self.sheet_rows: dict[str, int] = {}
        self._reserved: dict[str, Worksheet] = {}
        self.book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "use_future_functions": False,
            },
        )
        book = self.book
        book.set_properties(
            {
                "title": STUDY_TITLE.get(self.language),
                "subject": f"{STUDY_CODE} export",
                "author": "MSC-CRF",
                "comments": "Exported by MSC-CRF",
            }
        )
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}
        )
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.int = book.add_format({"num_format": "0"})
        self.pct = book.add_format({"num_format": "0.0%"})
        self.p = book.add_format({"num_format": P_FORMAT})
        self._decimals: dict[int, Format] = {}

    def tr(self, label: Label) -> str:
        return label.get(self.language)

    def decimals(self, places: int | None) -> Format | None:
        if places is None:
            return None
        if places <= 0:
            return self.int
        if places not in self._decimals:
            self._decimals[places] = self.book.add_format({"num_format": "0." + "0" * places})
        return self._decimals[places]

    # ------------------------------------------------------------------ low level

    def _sheet(self, name: str) -> Worksheet:
        ws = self._reserved.pop(name, None) or self.book.add_worksheet(name)
        self.sheet_rows[name] = 0
        return ws

    def reserve(self, name: str) -> None:
        """Add the sheet `name` here, to be written later (its place in the workbook is
        now): the Codebook, second, is filled once every data sheet has been written and
        let go. Each worksheet of constant-memory mode streams its own rows, so a sheet
        written after later ones is still written top to bottom, once."""
        self._reserved[name] = self.book.add_worksheet(name)
        self.sheet_rows[name] = 0

    def _finish(self, ws: Worksheet, name: str, rows: int, cols: int, freeze_cols: int = 0) -> None:
        if cols:
            ws.freeze_panes(1, freeze_cols)
            ws.autofilter(0, 0, max(rows, 1), cols - 1)
        set_up_page(ws, self.heading, cols)
        self.sheet_rows[name] = rows

    def fit_pages(self, ws: Worksheet, tall: int) -> None:
        """Print `ws` on at most `tall` pages (one page wide)."""
        ws.fit_to_pages(1, tall)

    def _string(
        self, ws: Worksheet, row: int, col: int, text: str, fmt: Format | None = None
    ) -> None:
        if len(text) > EXCEL_MAX_CELL:
            text = text[: EXCEL_MAX_CELL - 1] + "…"
        ws.write_string(row, col, text, fmt)

    def _cell(
        self, ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None
    ) -> None:
        """Small tables: None blank, numbers as numbers, dates as dates, else text."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float | np.integer | np.floating):
            ws.write_number(row, col, float(value), fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt or self.datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, fmt or self.date)
        else:
            self._string(ws, row, col, str(value), fmt)

    def _widths(self, ws: Worksheet, widths: Sequence[int]) -> None:
        for col, width in enumerate(widths):
            ws.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))

    def small_table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        formats: Sequence[Format | None] | None = None,
        freeze_cols: int = 0,
        after: Callable[[Worksheet, int], None] | None = None,
        wrap_cols: Sequence[int] = (),
        max_width: dict[int, int] | None = None,
        cell_formats: Sequence[Sequence[Format | None]] | None = None,
    ) -> Worksheet:
        """A sheet holding one modest table (README, Summary, Flow, ...); `formats` are per
        column, `cell_formats` (when given) per row and column."""
        ws = self._sheet(name)
        formats = formats or [None] * len(headers)
        widths = [text_width(h) for h in headers]
        for row in rows[:WIDTH_SAMPLE_ROWS]:
            for i, value in enumerate(row):
                if value is None:
                    continue
                shown = (
                    value
                    if isinstance(value, str)
                    else "0000-00-00"
                    if isinstance(value, dt.date)
                    else f"{value:.4g}"
                    if isinstance(value, float)
                    else str(value)
                )
                widths[i] = max(widths[i], min(text_width(shown), MAX_WIDTH))
        for col, limit in (max_width or {}).items():
            widths[col] = min(widths[col], limit)
        self._widths(ws, widths)
        for col in wrap_cols:
            ws.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, widths[col] + 2)), self.wrap)
        for col, text in enumerate(headers):
            ws.write_string(0, col, text, self.header)
        for r, row in enumerate(rows, start=1):
            row_formats = formats if cell_formats is None else cell_formats[r - 1]
            for c, value in enumerate(row):
                self._cell(ws, r, c, value, row_formats[c])
        self.cells += len(rows) * len(headers)
        self.check(self.cells)
        self._finish(ws, name, len(rows), len(headers), freeze_cols)
        if after is not None:
            after(ws, len(rows) + 2)
        return ws

    # ------------------------------------------------------------------ data tables

    def _prepare(self, var: Var, series: pd.Series) -> _Column:
        header = var.header(self.language)
        width = text_width(header)
        if var.kind in (FieldType.DATE, FieldType.DATETIME):
            arr = to_excel_serial(series)
            fmt = self.date if var.kind is FieldType.DATE else self.datetime
            values = _numbers_to_list(arr)
            width = max(width, 10 if var.kind is FieldType.DATE else 16)
            return _Column(values, True, fmt, width)
        if var.kind in (FieldType.INTEGER, FieldType.FLOAT):
            arr = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
            values = _numbers_to_list(arr)
            fmt = self.decimals(var.decimals if var.kind is FieldType.FLOAT else 0)
            sample = [v for v in values[:WIDTH_SAMPLE_ROWS] if v is not None]
            if sample:
                places = var.decimals or 0
                width = max(width, max(len(f"{v:.{places}f}") for v in sample))
            return _Column(values, True, fmt, width)
        texts: list[str | None]
        if var.codelist is not None:
            labels = {item.code: item.label.get(self.language) for item in var.codelist.items}
            texts = [
                None if v is None or v != v else labels.get(v, str(v)) for v in series.tolist()
            ]
        else:
            texts = [None if v is None or v != v else str(v) for v in series.tolist()]
        shown = [v for v in texts[:WIDTH_SAMPLE_ROWS] if v]
        if shown:
            width = max(width, max(text_width(v) for v in shown))
        return _Column(texts, False, None, width)

    def _block(self, table: Table, start: int, stop: int) -> list[_Column]:
        """Rows ``start:stop`` of every column, ready to write (cell values as Python lists)."""
        frame = table.frame.iloc[start:stop]
        return [self._prepare(var, frame[var.name]) for var in table.vars]

    def data_table(self, table: Table, *, freeze_cols: int = 1) -> None:
        """A long sheet: one row per record, every column typed.

        Streamed a block of :data:`BLOCK_ROWS` rows (at most about :data:`BLOCK_CELLS`
        cells) at a time: the cells of a whole 100,000-visit table as Python objects took
        hundreds of MB, a block a few MB (issue 14). Column widths come from the first
        :data:`WIDTH_SAMPLE_ROWS` rows, which the first block holds."""
        headers = [var.header(self.language) for var in table.vars]
        n = table.rows
        size = min(BLOCK_ROWS, max(WIDTH_SAMPLE_ROWS, BLOCK_CELLS // max(1, len(headers))))
        first = self._block(table, 0, min(n, size))
        widths = [c.width for c in first]
        header_width = [min(text_width(h), 30) for h in headers]
        per_sheet = EXCEL_MAX_ROWS - 1
        parts = max(1, math.ceil(n / per_sheet))
        for part in range(parts):
            name = table.name if part == 0 else f"{table.name[:24]} ({part + 1})"
            ws = self._sheet(name)
            self._widths(ws, [max(w, h) for w, h in zip(widths, header_width, strict=True)])
            ws.set_row(0, None, None)
            for col, text in enumerate(headers):
                ws.write_string(0, col, text, self.header)
            start, stop = part * per_sheet, min(n, (part + 1) * per_sheet)
            for block in range(start, stop, size):
                end = min(stop, block + size)
                columns = first if block == 0 else self._block(table, block, end)
                self._rows(ws, columns, block - start + 1, end - block)
            self._finish(ws, name, stop - start, len(headers), freeze_cols)

    def _rows(self, ws: Worksheet, columns: list[_Column], first_row: int, count: int) -> None:
        """The first ``count`` values of ``columns`` into sheet rows from ``first_row`` on."""
        # The row-and-column forms of XlsxWriter's writers, without the decorator that
        # parses "A1" strings: the loop below is the whole cost of a large export.
        write_number = getattr(ws, "_write_number", ws.write_number)
        write_string = getattr(ws, "_write_string", ws.write_string)
        plan = [
            (c, col.values, write_number if col.number else write_string, col.fmt)
            for c, col in enumerate(columns)
        ]
        ncols = len(columns)
        for block in range(0, count, PROGRESS_ROWS):
            end = min(count, block + PROGRESS_ROWS)
            for i in range(block, end):
                r = first_row + i
                for c, values, write, fmt in plan:
                    v = values[i]
                    if v is not None:
                        write(r, c, v, fmt)
            self.cells += (end - block) * ncols
            self.check(self.cells)

    def close(self) -> None:
        self.book.close()


def to_excel_serial(series: pd.Series) -> np.ndarray:
    """datetime64 -> Excel serial day numbers (1900 date system), NaN where missing."""
    values = pd.to_datetime(series)
    epoch = np.datetime64("1899-12-30", "ns")
    delta = values.to_numpy(dtype="datetime64[ns]") - epoch
    return delta.astype("timedelta64[ns]").astype("int64") / 86_400e9 + np.where(
        values.isna().to_numpy(), np.nan, 0.0
    )


def _numbers_to_list(arr: np.ndarray) -> list[float | None]:
    """Floats with None where NaN (blank cells), as fast list access for the row loop."""
    mask = np.isnan(arr)
    if not mask.any():
        return cast(list[float | None], arr.tolist())
    obj = arr.astype(object)
    obj[mask] = None
    return cast(list[float | None], obj.tolist())


def count_cells(tables: Sequence[Table]) -> int:
    return sum(t.rows * len(t.vars) for t in tables)
