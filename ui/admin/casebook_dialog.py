"""Subject › Casebook (PDF)… and File › Save as PDF…: the core's casebook writer
(msct_crf.reporting.casebook.make_casebook) run off the GUI thread, with progress and Cancel.

The same dialog writes a whole subject's casebook or one form's records (``records``), so the
PDF of one form is the same document as the casebook, only shorter. Making it is an audited
export; who may is the core's decision (the refusal is shown as it comes).

Signals:
    casebookFinished(object): the CasebookReport of the PDF written.
    casebookFailed(str): the message shown when it could not be made.
    casebookCancelled(): cancelled; no file was left behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Actor, Permission
from msct_crf.errors import UserError
from msct_crf.reporting.casebook import CasebookCancelled
from msct_crf.storage.outputs import is_sqlite_file
from msct_crf.storage.store import Store
from msct_crf.study.units import UnitSystem
from ui.common import background, prompts
from ui.common.i18n import dictionary_language

_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)
    return widget


def default_pdf_path(store: Store, subject: str, what: str = "casebook") -> Path:
    """A PDF beside the database: <database>_<subject>_<what>.pdf."""
    base = store.path if store.path is not None else Path.home() / "msct-crf.db"
    return base.with_name(f"{base.stem}_{subject}_{what}.pdf")


class CasebookDialog(QDialog):
    """Output file, language, units (and for administrators identifying fields); Write
    PDF, a progress bar and Cancel."""

    casebookFinished = Signal(object)
    casebookFailed = Signal(str)
    casebookCancelled = Signal()

    def __init__(
        self,
        store: Store,
        user: str,
        subject: str,
        parent: QWidget | None = None,
        *,
        actor: Actor | None = None,
        records: Sequence[tuple[str, int]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("casebookDialog")
        self._store, self._user, self._actor = store, user, actor
        self._subject = subject
        self._records = list(records) if records is not None else None
        self._task: background.Task | None = None
        self._report: Any = None
        what = "casebook" if self._records is None else f"{self._records[0][0]}_form"
        self._output = QLineEdit(str(default_pdf_path(store, subject, what)))
        self._output.setObjectName("outputEdit")
        self._browse = _named(QPushButton(), "browseButton")
        self._browse.clicked.connect(self._choose_output)
        self._language = _named(QComboBox(), "languageCombo")
        self._language.addItem("English", "en")
        self._language.addItem("中文", "zh")
        self._language.setCurrentIndex(1 if dictionary_language() == "zh" else 0)
        self._units = _named(QComboBox(), "unitsCombo")
        self._identifying = _named(QCheckBox(), "identifyingCheck")
        # administrators may print identifying fields (the core checks it again)
        self._allow_identifying = actor is not None and actor.can(Permission.EXPORT_IDENTIFYING)
        self._identifying.setVisible(self._allow_identifying)
        self._progress = _named(QProgressBar(), "progressBar")
        self._progress.setRange(0, 100)
        self._progress.setVisible(False)
        self._status = _named(QLabel(), "casebookStatus")
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._write = _named(QPushButton(), "writeButton")
        self._write.setDefault(True)
        self._write.clicked.connect(self.start)
        self._cancel = _named(QPushButton(), "cancelButton")
        self._cancel.setEnabled(False)
        self._cancel.clicked.connect(self.cancel)
        self._close = _named(QPushButton(), "closeButton")
        self._close.clicked.connect(self.close)
        self._lay_out()
        self.retranslate()
        self.resize(560, 240)

    def _lay_out(self) -> None:
        self._heading = _named(QLabel(), "casebookHeading")
        self._form = QFormLayout()
        self._labels = {key: QLabel() for key in ("output", "language", "units")}
        output = QHBoxLayout()
        output.addWidget(self._output, 1)
        output.addWidget(self._browse)
        self._form.addRow(self._labels["output"], output)
        self._form.addRow(self._labels["language"], self._language)
        self._form.addRow(self._labels["units"], self._units)
        self._form.addRow("", self._identifying)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self._write, self._cancel, self._close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._heading)
        layout.addLayout(self._form)
        layout.addWidget(self._progress)
        layout.addWidget(self._status)
        layout.addLayout(buttons)

    def retranslate(self) -> None:
        if self._records is None:
            self.setWindowTitle(self.tr("Casebook (PDF)"))
            heading = self.tr("Casebook of {subject}: every form, signature and query")
        else:
            self.setWindowTitle(self.tr("Save as PDF"))
            heading = self.tr("The current form of {subject} as a PDF")
        self._heading.setText(heading.format(subject=self._subject))
        self._labels["output"].setText(self.tr("PDF file:"))
        self._labels["language"].setText(self.tr("Language:"))
        self._labels["units"].setText(self.tr("Units:"))
        self._browse.setText(self.tr("Browse…"))
        self._write.setText(self.tr("Write PDF"))
        self._cancel.setText(self.tr("Cancel"))
        self._close.setText(self.tr("Close"))
        self._identifying.setText(self.tr("Include identifying fields (hospital number)"))
        current = self._units.currentIndex()
        self._units.clear()
        self._units.addItem(self.tr("SI (as stored)"), UnitSystem.SI.value)
        self._units.addItem(self.tr("Conventional"), UnitSystem.CONVENTIONAL.value)
        self._units.setCurrentIndex(max(0, current))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ public

    def set_output_path(self, path: str | Path) -> None:
        self._output.setText(str(path))

    def output_path(self) -> Path:
        return Path(self._output.text().strip()).expanduser()

    def set_language(self, language: str) -> None:
        """``en`` or ``zh``: the casebook's language (the GUI's by default)."""
        self._language.setCurrentIndex(max(0, self._language.findData(language)))

    def is_running(self) -> bool:
        return self._task is not None

    def last_report(self) -> Any:
        return self._report

    def start(self) -> None:
        """Write the PDF on the thread pool; the dialog stays responsive and can cancel."""
        if self._task is not None:
            return
        target = self.output_path()
        overwrite = False
        if target.exists() and not is_sqlite_file(target) and target.is_file():
            if not prompts.confirm_replace(self, str(target)):
                return
            overwrite = True
        store, user, actor, subject = self._store, self._user, self._actor, self._subject
        language = str(self._language.currentData())
        units = UnitSystem(str(self._units.currentData()))
        records = self._records
        identifying = self._allow_identifying and self._identifying.isChecked()

        def work(task: background.Task) -> Any:
            from msct_crf.reporting.casebook import make_casebook

            return make_casebook(
                store,
                subject,
                target,
                user=user,
                actor=actor,
                language=language,
                units=units,
                records=records,
                include_identifying=identifying,
                progress=lambda percent, _message: task.report(percent),
                cancel=lambda: task.cancelled,
                overwrite=overwrite,
            )

        self._set_running(True)
        self._status.setStyleSheet("")
        self._status.setText(self.tr("Writing the PDF…"))
        self._task = background.run_task(
            work,
            on_done=self._on_done,
            on_error=self._on_error,
            on_progress=self._progress.setValue,
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._cancel.setEnabled(False)
            self._status.setText(self.tr("Cancelling…"))

    # ------------------------------------------------------------------ internals

    def _choose_output(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the PDF as"), self._output.text(), self.tr("PDF (*.pdf)")
        )
        if path:
            self._output.setText(path if path.lower().endswith(".pdf") else f"{path}.pdf")

    def _set_running(self, running: bool) -> None:
        widgets = (self._output, self._browse, self._language, self._units, self._identifying)
        for widget in (*widgets, self._write):
            widget.setEnabled(not running)
        self._cancel.setEnabled(running)
        self._close.setEnabled(not running)
        self._progress.setVisible(running)
        if running:
            self._progress.setValue(0)

    def _on_done(self, report: Any) -> None:
        self._task = None
        self._report = report
        self._set_running(False)
        self._status.setText(
            self.tr("Wrote {records} records on {pages} pages to {path}").format(
                records=report.records, pages=report.pages, path=str(report.path)
            )
        )
        self.casebookFinished.emit(report)

    def _on_error(self, exc: BaseException) -> None:
        self._task = None
        self._set_running(False)
        if isinstance(exc, CasebookCancelled):
            self._status.setText(self.tr("Cancelled; no file was written."))
            self.casebookCancelled.emit()
            return
        if isinstance(exc, UserError | OSError):
            message = str(exc)
        else:
            message = self.tr("The PDF could not be made: {error}").format(error=repr(exc))
        self._status.setText(message)
        self._status.setStyleSheet("color: #b00020;")
        self.casebookFailed.emit(message)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task.finished.wait(30)
        super().closeEvent(event)

    def reject(self) -> None:
        if self._task is not None:  # Esc cancels first, then closes
            self.cancel()
            return
        super().reject()
