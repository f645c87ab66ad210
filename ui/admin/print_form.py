"""File › Print…: the current form printed as its casebook pages.

The pages are the core's casebook PDF of the form (msct_crf.reporting.casebook), made off
the GUI thread with a progress dialog and Cancel, so what is printed is what Save as PDF
writes: the same fields, units, missing-data codes, status, signatures, queries and footer.
QPdfDocument then renders each page onto the printer the person chose in the print dialog.
The PDF is made in a temporary folder (an audited export, like any casebook) and removed
once printed.

Signals:
    printed(int): the number of pages sent to the printer.
    failed(str): the message shown when the form could not be printed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

from msct_crf.access import Actor
from msct_crf.errors import UserError
from msct_crf.reporting.casebook import CasebookCancelled
from msct_crf.storage.store import Store
from ui.common import background
from ui.common.i18n import dictionary_language
from ui.common.session import show_refusal

#: The most pixels per inch a page is rendered at: sharp on paper, and a page stays some
#: 35 MB of image however fine the printer.
RENDER_DPI = 300


def ask_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """The print dialog; True when the person chose to print (tests answer this)."""
    dialog = QPrintDialog(printer, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def paint_pdf(path: Path, printer: QPrinter) -> int:
    """Render every page of the PDF at `path` onto `printer`; returns the pages printed."""
    document = QPdfDocument()
    document.load(str(path))
    painter = QPainter()
    if document.pageCount() == 0 or not painter.begin(printer):
        document.close()
        return 0
    pages = document.pageCount()
    try:
        dpi = min(printer.resolution(), RENDER_DPI)
        for index in range(pages):
            if index:
                printer.newPage()
            points = document.pagePointSize(index)
            image = document.render(
                index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            )
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRect(0, 0, round(image.width() * scale), round(image.height() * scale))
            painter.drawImage(target, image)
    finally:
        painter.end()
        document.close()
    return pages


class FormPrinter(QObject):
    """See the module docstring. ``ask`` shows the print dialog (injected in tests)."""

    printed = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        ask: Callable[[QWidget | None, QPrinter], bool] = ask_printer,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._ask = ask
        self._task: background.Task | None = None
        self._folder: Path | None = None
        self._progress: QProgressDialog | None = None
        self.printer: QPrinter | None = None

    def is_running(self) -> bool:
        return self._task is not None

    def print_records(
        self,
        store: Store,
        user: str,
        actor: Actor | None,
        subject: str,
        records: Sequence[tuple[str, int]],
    ) -> None:
        """Make the form's PDF off the GUI thread, then ask for a printer and print it."""
        if self._task is not None:
            return
        self._folder = Path(tempfile.mkdtemp(prefix="msct-crf-print-"))
        target = self._folder / f"{subject}_{records[0][0]}_form.pdf"
        language = dictionary_language()
        wanted = list(records)

        def work(task: background.Task) -> Any:
            from msct_crf.reporting.casebook import make_casebook

            return make_casebook(
                store,
                subject,
                target,
                user=user,
                actor=actor,
                language=language,
                records=wanted,
                progress=lambda percent, _message: task.report(percent),
                cancel=lambda: task.cancelled,
            )

        progress = QProgressDialog(self.tr("Preparing the pages…"), self.tr("Cancel"), 0, 100)
        progress.setObjectName("printProgress")
        progress.setWindowTitle(self.tr("Print"))
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(400)
        self._progress = progress
        self._task = background.run_task(
            work, on_done=self._on_done, on_error=self._on_error, on_progress=progress.setValue
        )
        progress.canceled.connect(self._task.cancel)

    def _finish(self) -> None:
        self._task = None
        if self._progress is not None:
            self._progress.canceled.disconnect()
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _on_done(self, report: Any) -> None:
        if self._progress is not None:
            self._progress.setValue(100)
        try:
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self.printer.setDocName(Path(report.path).stem)
            chosen = self._ask(self._parent, self.printer)
            pages = paint_pdf(Path(report.path), self.printer) if chosen else 0
        finally:
            self._finish()
        self.printed.emit(pages)

    def _on_error(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, CasebookCancelled):
            self.printed.emit(0)
            return
        message = str(exc) if isinstance(exc, UserError | OSError) else repr(exc)
        show_refusal(self._parent, exc, self.tr("Print"))
        self.failed.emit(message)
