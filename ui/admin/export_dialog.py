"""File > Export to Excel…: choose what to export, run it off the GUI thread, cancel.

Besides the workbook it can write the REDCap import bundle (issue 12) into a folder, in the
same export on the same worker thread, audited with it; and a CDISC ODM 1.3.2 file
(``odmCheck``; with ``odmHistoryCheck`` a Transactional one), by
`msct_crf.reporting.odm.export_odm` in the same background task after the workbook. The ODM
file carries the audit trail, so only people who may view that are offered it.

The dialog only gathers options and shows progress; `msct_crf.reporting.export.export_workbook` does
the work on the thread pool (ui.common.background). Cancelling stops the export at its next check
and the core removes its temporary file, so nothing is left behind. On success the dialog
offers to open the folder holding the workbook.

Signals:
    exportFinished(object): the ExportReport of a finished export.
    exportFailed(str): the one-line message of a failed export.
    exportCancelled(): the export was cancelled and left no file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Actor, Permission
from msct_crf.errors import UserError
from msct_crf.reporting.export import FORM_ORDER, ExportCancelled, ExportOptions
from msct_crf.reporting.redcap import BUNDLE_FILES
from msct_crf.storage.outputs import is_sqlite_file
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import sites
from ui.common import background, prompts
from ui.common.i18n import dictionary_language


def default_output_path(store: Store, today: dt.date | None = None) -> Path:
    """A workbook name beside the database: <database>_export_<date>.xlsx."""
    today = today or dt.date.today()
    base = store.path if store.path is not None else Path.home() / "msct-crf.db"
    return base.with_name(f"{base.stem}_export_{today.isoformat()}.xlsx")


def default_redcap_dir(store: Store, today: dt.date | None = None) -> Path:
    """The REDCap bundle's folder beside the database: <database>_redcap_<date>."""
    today = today or dt.date.today()
    base = store.path if store.path is not None else Path.home() / "msct-crf.db"
    return base.with_name(f"{base.stem}_redcap_{today.isoformat()}")


class ExportDialog(QDialog):
    """Export options, a progress bar with Cancel, and "open folder" once done."""

    exportFinished = Signal(object)
    exportFailed = Signal(str)
    exportCancelled = Signal()

    def __init__(
        self,
        store: Store,
        user: str,
        parent: QWidget | None = None,
        *,
        actor: Actor | None = None,
        allow_identifying: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._actor = actor
        if allow_identifying is None:  # administrators may export identifying fields
            allow_identifying = actor is not None and actor.can(Permission.EXPORT_IDENTIFYING)
        self.setObjectName("exportDialog")
        self._store = store
        self._user = user
        self._task: background.Task | None = None
        self._report: Any = None
        self._build_choices(dictionary_language(), allow_identifying)
        self._build_output_and_progress(store)
        self._build_odm(actor)
        self._build_buttons()
        self._lay_out(allow_identifying)
        self.retranslate()
        self.resize(620, 600)

    # ------------------------------------------------------------------ building

    def _build_choices(self, lang: str, allow_identifying: bool) -> None:
        """What to export: forms, sites, subjects, dates, labels, units, audit, identifying."""
        self._forms = self._checklist(
            "formsList", [(FORMS[code].label.get(lang), code) for code in FORM_ORDER], 150
        )
        self._site_list = sites.study_sites(self._store)  # the study's registered sites
        self._sites = self._checklist(
            "sitesList",
            [(f"{s.code} — {s.label.get(lang)}", s.code) for s in self._site_list.items],
            80,
        )
        self._subjects = QLineEdit()
        self._subjects.setObjectName("subjectsEdit")

        self._from_check = QCheckBox()
        self._from_check.setObjectName("fromCheck")
        self._from = QDateEdit()
        self._from.setObjectName("fromDate")
        self._to_check = QCheckBox()
        self._to_check.setObjectName("toCheck")
        self._to = QDateEdit()
        self._to.setObjectName("toDate")
        for edit, check in ((self._from, self._from_check), (self._to, self._to_check)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)

        self._language = QComboBox()
        self._language.setObjectName("languageCombo")
        self._language.addItem("English", "en")
        self._language.addItem("中文", "zh")
        self._language.setCurrentIndex(1 if lang == "zh" else 0)

        self._units = QComboBox()
        self._units.setObjectName("unitsCombo")
        self._units.addItem("", UnitSystem.SI.value)
        self._units.addItem("", UnitSystem.CONVENTIONAL.value)

        self._audit = QCheckBox()
        self._audit.setObjectName("auditCheck")
        self._identifying = QCheckBox()
        self._identifying.setObjectName("identifyingCheck")
        self._identifying.setVisible(allow_identifying)

    @staticmethod
    def _checklist(name: str, items: list[tuple[str, str]], height: int) -> QListWidget:
        """A list of checkable items, all checked, each carrying its code."""
        widget = QListWidget()
        widget.setObjectName(name)
        for text, code in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            widget.addItem(item)
        widget.setMaximumHeight(height)
        return widget

    def _build_output_and_progress(self, store: Store) -> None:
        self._output = QLineEdit(str(default_output_path(store)))
        self._confirmed: Path | None = None  # an existing file the person chose to replace
        self._output.setObjectName("outputEdit")
        self._browse = QPushButton()
        self._browse.setObjectName("browseButton")
        self._browse.clicked.connect(self._choose_output)
        # the REDCap import bundle (issue 12): off unless asked for, into its own folder
        self._redcap = QCheckBox()
        self._redcap.setObjectName("redcapCheck")
        self._redcap_dir = QLineEdit(str(default_redcap_dir(store)))
        self._redcap_dir.setObjectName("redcapDirEdit")
        self._redcap_browse = QPushButton()
        self._redcap_browse.setObjectName("redcapBrowseButton")
        self._redcap_browse.clicked.connect(self._choose_redcap_dir)
        for widget in (self._redcap_dir, self._redcap_browse):
            widget.setEnabled(False)
            self._redcap.toggled.connect(widget.setEnabled)

        self._progress = QProgressBar()
        self._progress.setObjectName("progressBar")
        self._progress.setRange(0, 100)
        self._progress.setVisible(False)
        self._status = QLabel()
        self._status.setObjectName("exportStatus")
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_odm(self, actor: Actor | None) -> None:
        """The CDISC ODM 1.3.2 choice: a checkbox, its file (beside the workbook) and the
        Transactional option, enabled together."""
        self._odm_allowed = actor is None or actor.can(Permission.VIEW_AUDIT)
        self._odm = QCheckBox()
        self._odm.setObjectName("odmCheck")
        self._odm_output = QLineEdit(str(self.output_path().with_suffix(".xml")))
        self._odm_output.setObjectName("odmEdit")
        self._odm_browse = QPushButton()
        self._odm_browse.setObjectName("odmBrowseButton")
        self._odm_browse.clicked.connect(self._choose_odm_output)
        self._odm_history = QCheckBox()
        self._odm_history.setObjectName("odmHistoryCheck")
        self._odm_confirmed: Path | None = None
        self._odm_report: Any = None
        for widget in (self._odm_output, self._odm_browse, self._odm_history):
            widget.setEnabled(False)
            self._odm.toggled.connect(widget.setEnabled)

    def _build_buttons(self) -> None:
        self._export = QPushButton()
        self._export.setObjectName("exportButton")
        self._export.setDefault(True)
        self._export.clicked.connect(self.start_export)
        self._cancel = QPushButton()
        self._cancel.setObjectName("cancelButton")
        self._cancel.setEnabled(False)
        self._cancel.clicked.connect(self.cancel_export)
        self._open_folder = QPushButton()
        self._open_folder.setObjectName("openFolderButton")
        self._open_folder.setVisible(False)
        self._open_folder.clicked.connect(self.open_folder)
        self._close = QPushButton()
        self._close.setObjectName("closeButton")
        self._close.clicked.connect(self.close)

    def _lay_out(self, allow_identifying: bool) -> None:
        """One labelled row per choice (labels set by retranslate), then progress, status
        and the buttons; the choices are disabled together while an export runs."""
        self._form = QFormLayout()
        self._labels: dict[str, QLabel] = {}
        dates = QHBoxLayout()
        dates.addWidget(self._from_check)
        dates.addWidget(self._from)
        dates.addSpacing(12)
        dates.addWidget(self._to_check)
        dates.addWidget(self._to)
        dates.addStretch(1)
        output = QHBoxLayout()
        output.addWidget(self._output, 1)
        output.addWidget(self._browse)
        redcap = QHBoxLayout()
        redcap.addWidget(self._redcap)
        redcap.addWidget(self._redcap_dir, 1)
        redcap.addWidget(self._redcap_browse)
        odm_file = QHBoxLayout()
        odm_file.addWidget(self._odm)
        odm_file.addWidget(self._odm_output, 1)
        odm_file.addWidget(self._odm_browse)
        odm = QVBoxLayout()
        odm.addLayout(odm_file)
        odm.addWidget(self._odm_history)
        rows: list[tuple[str, Any]] = [
            ("forms", self._forms),
            ("sites", self._sites),
            ("subjects", self._subjects),
            ("dates", dates),
            ("language", self._language),
            ("units", self._units),
            ("audit", self._audit),
            ("identifying", self._identifying),
            ("output", output),
            ("redcap", redcap),
            ("odm", odm),
        ]
        for key, widget in rows:
            label = QLabel()
            self._labels[key] = label
            self._form.addRow(label, widget)
            if key == "identifying" and not allow_identifying:
                label.setVisible(False)
        for widget in (self._labels["odm"], self._odm, self._odm_output, self._odm_browse):
            widget.setVisible(self._odm_allowed)
        self._odm_history.setVisible(self._odm_allowed)
        buttons = QHBoxLayout()
        buttons.addWidget(self._open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self._export)
        buttons.addWidget(self._cancel)
        buttons.addWidget(self._close)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(self._progress)
        layout.addWidget(self._status)
        layout.addLayout(buttons)
        self._option_widgets: list[QWidget] = [
            self._forms,
            self._sites,
            self._subjects,
            self._from_check,
            self._to_check,
            self._language,
            self._units,
            self._audit,
            self._identifying,
            self._output,
            self._browse,
            self._redcap,
            self._odm,
        ]

    # ------------------------------------------------------------------ text

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Export to Excel"))
        texts = {
            "forms": self.tr("Forms (long sheets):"),
            "sites": self.tr("Sites:"),
            "subjects": self.tr("Subjects:"),
            "dates": self.tr("Records dated:"),
            "language": self.tr("Labels:"),
            "units": self.tr("Units:"),
            "audit": self.tr("Audit trail:"),
            "identifying": self.tr("Identifying fields:"),
            "output": self.tr("Save as:"),
            "redcap": self.tr("REDCap:"),
            "odm": self.tr("Interchange:"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        self._subjects.setPlaceholderText(self.tr("All subjects, or IDs such as GZH-001, GZH-002"))
        self._from_check.setText(self.tr("&from"))
        self._to_check.setText(self.tr("&to"))
        self._units.setItemText(0, self.tr("SI (as stored)"))
        self._units.setItemText(1, self.tr("Conventional (mg/dL, g/dL)"))
        self._audit.setText(self.tr("Include the &audit trail sheet (for monitors)"))
        self._identifying.setText(self.tr("Include &identifying fields (hospital number)"))
        self._browse.setText(self.tr("&Browse…"))
        self._redcap.setText(self.tr("Also write a &REDCap import bundle to the folder"))
        self._redcap_browse.setText(self.tr("Choose fol&der…"))
        self._odm.setText(self.tr("CDISC OD&M 1.3.2 (XML)"))
        self._odm_browse.setText(self.tr("Bro&wse…"))
        self._odm_history.setText(self.tr("With every c&hange (Transactional file)"))
        self._export.setText(self.tr("&Export"))
        self._cancel.setText(self.tr("&Cancel export"))
        self._open_folder.setText(self.tr("&Open folder"))
        self._close.setText(self.tr("C&lose"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ options

    def _checked(self, widget: QListWidget) -> list[str]:
        out = []
        for row in range(widget.count()):
            item = widget.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_forms(self, codes: list[str]) -> None:
        """Check exactly these forms (tests and callers that preselect)."""
        for row in range(self._forms.count()):
            item = self._forms.item(row)
            code = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if code in codes else Qt.CheckState.Unchecked)

    def set_output_path(self, path: str | Path) -> None:
        self._output.setText(str(path))

    def output_path(self) -> Path:
        return Path(self._output.text().strip()).expanduser()

    def set_redcap_dir(self, path: str | Path | None) -> None:
        """Write the REDCap import bundle into `path` (None: no bundle)."""
        self._redcap.setChecked(path is not None)
        if path is not None:
            self._redcap_dir.setText(str(path))

    def redcap_dir(self) -> Path | None:
        """The REDCap bundle's folder, or None when no bundle is asked for."""
        text = self._redcap_dir.text().strip()
        return Path(text).expanduser() if self._redcap.isChecked() and text else None

    def options(self) -> ExportOptions:
        """The options as chosen; raises a UserError naming what is wrong."""
        forms = self._checked(self._forms)
        if not forms:
            raise UserError(self.tr("Choose at least one form to export."))
        chosen = self._checked(self._sites)
        if not chosen:
            raise UserError(self.tr("Choose at least one site to export."))
        text = self._subjects.text().replace(";", ",").replace(" ", ",")
        subjects = tuple(s.strip().upper() for s in text.split(",") if s.strip())

        def date_of(check: QCheckBox, edit: QDateEdit) -> dt.date | None:
            if not check.isChecked():
                return None
            d = edit.date()
            return dt.date(d.year(), d.month(), d.day())

        return ExportOptions(
            forms=tuple(forms) if len(forms) < len(FORM_ORDER) else (),
            sites=tuple(chosen) if len(chosen) < len(self._site_list.items) else (),
            subjects=subjects,
            date_from=date_of(self._from_check, self._from),
            date_to=date_of(self._to_check, self._to),
            language=str(self._language.currentData()),
            units=UnitSystem(str(self._units.currentData())),
            include_identifying=self._identifying.isChecked() and self._identifying.isVisible(),
            include_audit=self._audit.isChecked(),
        )

    def _choose_output(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the export as"), self._output.text(), self.tr("Excel (*.xlsx)")
        )
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            else:  # the file dialog itself asked before choosing an existing file
                self._confirmed = Path(path).resolve()
            self._output.setText(path)

    def _choose_redcap_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for the REDCap import bundle"), self._redcap_dir.text()
        )
        if path:
            self._redcap_dir.setText(path)

    def odm_path(self) -> Path | None:
        """The ODM file to write, or None when the ODM file is not chosen."""
        if not (self._odm_allowed and self._odm.isChecked()):
            return None
        return Path(self._odm_output.text().strip()).expanduser()

    def set_odm(self, path: str | Path | None, *, history: bool = False) -> None:
        """Choose the ODM file (None: none), and whether it is Transactional."""
        self._odm.setChecked(path is not None)
        if path is not None:
            self._odm_output.setText(str(path))
        self._odm_history.setChecked(history)

    def _choose_odm_output(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the ODM file as"),
            self._odm_output.text(),
            self.tr("ODM XML (*.xml)"),
        )
        if path:
            if not path.lower().endswith(".xml"):
                path += ".xml"
            else:  # the file dialog itself asked before choosing an existing file
                self._odm_confirmed = Path(path).resolve()
            self._odm_output.setText(path)

    def _may_replace(self, target: Path, confirmed: Path | None = None) -> bool | None:
        """Whether the export may replace `target`: False for a new file, True when the
        person said so (in the file dialog, or asked now), None when they said no. The core
        refuses the study and any database whatever the answer, so those are not asked."""
        if not target.is_file() or is_sqlite_file(target):
            return False
        if target.resolve() in (self._confirmed, confirmed):
            return True
        return True if prompts.confirm_replace(self, str(target)) else None

    def _may_replace_bundle(self, folder: Path) -> bool | None:
        """Like _may_replace, for a folder already holding files of a REDCap bundle."""
        if not any((folder / name).is_file() for name in BUNDLE_FILES):
            return False
        return True if prompts.confirm_replace(self, str(folder)) else None

    def _odm_choice(self) -> tuple[Path | None, bool] | None:
        """(the ODM file or None, whether it may be replaced); None when the name is wrong
        (shown) or the person would not replace the file."""
        odm_target = self.odm_path()
        if odm_target is None:
            return None, False
        from msct_crf.reporting.odm import check_odm_target

        try:
            check_odm_target(odm_target)
        except UserError as exc:
            self._show_error(str(exc))
            return None
        answer = self._may_replace(odm_target, self._odm_confirmed)
        return None if answer is None else (odm_target, answer)

    # ------------------------------------------------------------------ running

    def is_running(self) -> bool:
        return self._task is not None

    def start_export(self) -> None:
        if self._task is not None:
            return
        try:
            options = self.options()
        except UserError as exc:
            self._show_error(str(exc))
            return
        target = self.output_path()
        overwrite = self._may_replace(target)
        if overwrite is None:
            return
        store, user, actor = self._store, self._user, self._actor
        redcap_dir = self.redcap_dir()
        if redcap_dir is not None and not overwrite:
            replace = self._may_replace_bundle(redcap_dir)
            if replace is None:
                return
            overwrite = replace  # the workbook is new (else it was asked about above)
        odm = self._odm_choice()
        if odm is None:
            return
        odm_target, odm_overwrite = odm
        history = self._odm_history.isChecked()
        self._set_running(True)
        self._status.setStyleSheet("")
        self._status.setText(self.tr("Exporting…"))

        share = 50 if odm_target is not None else 100  # of the progress bar, the workbook's

        def work(task: background.Task) -> Any:
            from msct_crf.reporting.export import export_workbook

            report = export_workbook(
                store,
                target,
                options,
                user=user,
                progress=lambda percent, _message: task.report(percent * share // 100),
                cancelled=lambda: task.cancelled,
                redcap_dir=redcap_dir,
                actor=actor,
                overwrite=overwrite,
            )
            if odm_target is None:
                return report, None
            from msct_crf.reporting.odm import export_odm

            try:  # the workbook is written and audited: an ODM problem is reported beside it
                return report, export_odm(
                    store,
                    odm_target,
                    options,
                    user=user,
                    history=history,
                    progress=lambda percent, _message: task.report(50 + percent // 2),
                    cancelled=lambda: task.cancelled,
                    actor=actor,
                    overwrite=odm_overwrite,
                )
            except UserError as exc:
                return report, exc

        self._task = background.run_task(
            work,
            on_done=self._on_done,
            on_error=self._on_error,
            on_progress=self._progress.setValue,
        )

    def cancel_export(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._cancel.setEnabled(False)
            self._status.setText(self.tr("Cancelling…"))

    def _set_running(self, running: bool) -> None:
        for widget in self._option_widgets:
            widget.setEnabled(not running)
        self._from.setEnabled(not running and self._from_check.isChecked())
        for widget in (self._redcap_dir, self._redcap_browse):
            widget.setEnabled(not running and self._redcap.isChecked())
        for widget in (self._odm_output, self._odm_browse, self._odm_history):
            widget.setEnabled(not running and self._odm.isChecked())
        self._to.setEnabled(not running and self._to_check.isChecked())
        self._export.setEnabled(not running)
        self._cancel.setEnabled(running)
        self._close.setEnabled(not running)
        self._progress.setVisible(running)
        if running:
            self._progress.setValue(0)
            self._open_folder.setVisible(False)

    def _on_done(self, result: Any) -> None:
        report, odm = result
        self._task = None
        self._report = report
        self._odm_report = None if isinstance(odm, BaseException) else odm
        self._set_running(False)
        text = self.tr("Exported {subjects} subjects to {path}").format(
            subjects=report.subjects, path=str(report.path)
        )
        if report.redcap_dir is not None:
            text += "\n" + self.tr(
                "REDCap import bundle (upload steps in its README.txt): {folder}"
            ).format(folder=str(report.redcap_dir))
        if isinstance(odm, BaseException):
            text += "\n" + self.tr("The ODM file was not written: {error}").format(error=str(odm))
        elif odm is not None:
            text += "\n" + self.tr("CDISC ODM file: {path}").format(path=str(odm.path))
        self._status.setText(text)
        self._open_folder.setVisible(True)
        self._open_folder.setFocus()
        self.exportFinished.emit(report)

    def _on_error(self, exc: BaseException) -> None:
        self._task = None
        self._set_running(False)
        if isinstance(exc, ExportCancelled):
            self._status.setText(self.tr("Export cancelled; no file was written."))
            self.exportCancelled.emit()
            return
        if isinstance(exc, UserError | OSError):
            message = str(exc)
        else:
            message = self.tr("The export failed: {error}").format(error=repr(exc))
        self._show_error(message)
        self.exportFailed.emit(message)

    def _show_error(self, message: str) -> None:
        self._status.setText(message)
        self._status.setStyleSheet("color: #b00020;")

    def last_report(self) -> Any:
        return self._report

    def last_odm_report(self) -> Any:
        """The OdmReport of the last export, or None (no ODM file chosen, or not written)."""
        return self._odm_report

    def open_folder(self) -> bool:
        if self._report is None or self._report.path is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self._report.path).parent)))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task.finished.wait(30)
        super().closeEvent(event)

    def reject(self) -> None:
        if self._task is not None:  # Esc cancels the export first, then closes
            self.cancel_export()
            return
        super().reject()


def add_export_action(
    menu: QMenu,
    parent: QWidget,
    store_getter: Callable[[], Store | None],
    user_getter: Callable[[], str],
    actor_getter: Callable[[], Actor | None] | None = None,
) -> QAction:
    """Add File > Export to Excel… (Ctrl+E) to ``menu``; it opens an ExportDialog.

    ``actor_getter`` gives the logged-in person once the study has accounts."""
    action = QAction(parent)
    action.setObjectName("actExport")
    action.setText(QCoreApplication.translate("ExportDialog", "Export to Excel…"))
    action.setShortcut(QKeySequence("Ctrl+E"))

    def open_dialog() -> None:
        store = store_getter()
        if store is None:
            return
        actor = actor_getter() if actor_getter is not None else None
        dialog = ExportDialog(store, user_getter(), parent, actor=actor)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    action.triggered.connect(lambda _checked=False: open_dialog())
    menu.addAction(action)
    return action
