"""A subject's records of a repeating form (infusions, visits, AEs, conmeds, history),
listed above an embedded `FormPage` that edits the selected one."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Permission
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import records
from msct_crf.workflow.records import EditConflict, Record
from ui.common import prompts
from ui.common.edit_conflicts import delete_conflict_text
from ui.common.session import UserSession, show_refusal
from ui.review.lifecycle_bar import status_name
from ui.review.reason_dialog import ReasonDialog

from .form_page import FormPage
from .formatting import display_text
from .linked_ae import LinkedAeDialog, needs_linked_ae

#: The columns that identify a record in the list, per form.
COLUMNS = {
    "EX": ("EXNUM", "EXSTDTC", "EXSRC", "EXDOSE", "EXREACT"),
    "VIS": ("VISIT", "VISDTC", "TBIL", "ALB", "MELD"),
    "AE": ("AETERM", "AESTDTC", "AETOXGR", "AESER", "AEREL"),
    "CM": ("CMTRT", "CMCAT", "CMSTDTC", "CMENDTC", "CMONGO"),
    "MH": ("MHTERM", "MHSTDTC", "MHONGO"),
}
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def ask_delete_reason(parent: QWidget | None, what: str) -> str | None:
    """Why a record is deleted (required), or None when cancelled. Module level: tests
    answer it."""
    dialog = ReasonDialog(
        QCoreApplication.translate("RecordListPage", "Delete record"),
        QCoreApplication.translate(
            "RecordListPage", "Why is {what} deleted? The reason and every value go to the audit."
        ).format(what=what),
        parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.text() or None


class RecordListPage(QWidget):
    """Table of records + New button + editor.

    Signals:
        changed(): a record was saved (the shell refreshes its header, list and schedule).
    """

    changed = Signal()

    def __init__(
        self, store: Store, user: str | UserSession, form_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._user = user
        self._form = get_form(form_code)
        if not self._form.repeating:
            raise ValueError(f"{form_code} is not a repeating form")
        self._subjid: str | None = None
        self._language = "en"
        self._records: list[Record] = []
        self.ae_dialog: LinkedAeDialog | None = None
        self._columns = COLUMNS.get(form_code, tuple(f.code for f in self._form.entry_fields[:4]))
        self._table = QTableWidget(0, len(self._columns) + 1, self)
        self._table.setObjectName("recordTable")
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.verticalHeader().hide()
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._table.itemSelectionChanged.connect(self._selection_changed)
        self._new_button = QPushButton(self.tr("&New record"), self)
        self._new_button.setObjectName("newButton")
        self._new_button.setAutoDefault(False)
        self._new_button.setToolTip(self.tr("Start a new record (Alt+N)"))
        self._new_button.clicked.connect(self.new_record)
        self._delete_button = QPushButton(self.tr("Delete record…"), self)
        self._delete_button.setObjectName("deleteRecordButton")
        self._delete_button.setAutoDefault(False)
        self._delete_button.setToolTip(
            self.tr(
                "Delete the selected record, with a reason (kept in the audit trail); "
                "the Delete key in the list does the same"
            )
        )
        self._delete_button.clicked.connect(self.delete_record)
        self._delete_button.setEnabled(False)
        # the keyboard way in: every Alt letter of "Delete record" is taken in this window
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self._table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self._delete_from_keyboard)
        self.editor = FormPage(store, user, form_code, self)
        self.editor.saved.connect(self._saved)
        self.editor.lifecycleChanged.connect(self._lifecycle_changed)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self._new_button)
        buttons.addWidget(self._delete_button)
        buttons.addStretch(1)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self._table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([160, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._set_headers()

    # ------------------------------------------------------------------ public

    @property
    def form_code(self) -> str:
        return self._form.code

    def set_subject(self, subjid: str) -> None:
        """Show this subject's records and a blank new record in the editor."""
        self._subjid = subjid
        self.refresh()
        self.editor.load_record(subjid, None)

    def refresh(self, select: int | None = None) -> None:
        self._records = records.list_records(self._store, self._form.code, self._subjid or "")
        table = self._table
        table.blockSignals(True)
        table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
            for column, code in enumerate(self._columns):
                text = display_text(
                    self._form.field(code), record.values.get(code), language=self._language
                )
                item = QTableWidgetItem(text or record.missing.get(code, ""))
                item.setData(RECORD_ID_ROLE, record.id)
                table.setItem(row, column, item)
            table.setItem(row, len(self._columns), QTableWidgetItem(status_name(record.status)))
        table.clearSelection()
        if select is not None:
            for row, record in enumerate(self._records):
                if record.id == select:
                    table.selectionModel().select(
                        table.model().index(row, 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows,
                    )
                    table.setCurrentCell(row, 0)
        table.blockSignals(False)
        self._update_delete()

    def record_ids(self) -> list[int]:
        return [r.id for r in self._records]

    def open_record(self, record_id: int) -> bool:
        """Edit a listed record (asks first about unsaved changes)."""
        if not self.editor.maybe_leave():
            return False
        self.editor.load_record(self._subjid, record_id)
        self.refresh(select=record_id)
        return True

    def new_record(self) -> bool:
        if not self._subjid or not self.editor.maybe_leave():
            return False
        self.editor.load_record(self._subjid, None)
        self.refresh()
        self.editor.focus_first_field()
        return True

    def _delete_from_keyboard(self) -> None:
        if self._delete_button.isEnabled():
            self.delete_record()

    def delete_record(self) -> bool:
        """Delete the record being edited, after asking why; the core checks the role and
        refuses a signed or locked record, and audits every value it removes."""
        record_id = self.editor.record_id()
        if record_id is None or not self._subjid:
            return False
        session = UserSession.coerce(self._user)
        what = self.tr("{form} #{id} of {subject}").format(
            form=self._form.label.get(self._language), id=record_id, subject=self._subjid
        )
        reason = ask_delete_reason(self, what)
        if not reason:
            return False
        try:
            result = records.delete_record(
                self._store,
                user=session.user_name,
                form=self._form.code,
                record_id=record_id,
                reason=reason,
                actor=session.actor,
                based_on=self.editor.record_version(),
            )
        except EditConflict as conflict:
            show_refusal(self, MsctError(delete_conflict_text(conflict)))
            self.refresh()
            return False
        except MsctError as exc:
            show_refusal(self, exc)
            return False
        if not result.saved:
            show_refusal(self, MsctError(result.message or self.tr("Not deleted.")))
            return False
        self.editor.load_record(self._subjid, None)
        self.refresh()
        self._update_delete()
        self.changed.emit()
        return True

    def maybe_leave(self) -> bool:
        return self.editor.maybe_leave()

    def set_units(self, units: UnitSystem) -> None:
        self.editor.set_units(units)

    def set_language(self, language: str) -> None:
        self._language = language
        self.editor.set_language(language)
        self._set_headers()
        self.refresh(select=self.editor.record_id())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_new_button"):
            self._new_button.setText(self.tr("&New record"))
            self._new_button.setToolTip(self.tr("Start a new record (Alt+N)"))
            self._delete_button.setText(self.tr("Delete record…"))
            self._delete_button.setToolTip(
                self.tr(
                    "Delete the selected record, with a reason (kept in the audit trail); "
                    "the Delete key in the list does the same"
                )
            )
            self._set_headers()
        super().changeEvent(event)

    # ------------------------------------------------------------------ internals

    def _set_headers(self) -> None:
        labels = [self._form.field(c).label.get(self._language) for c in self._columns]
        self._table.setHorizontalHeaderLabels([*labels, self.tr("Status")])

    def _selection_changed(self) -> None:
        rows = self._table.selectionModel().selectedRows()
        if not rows:
            return
        record_id = self._records[rows[0].row()].id
        if record_id == self.editor.record_id():
            return
        if not self.open_record(record_id):
            self.refresh(select=self.editor.record_id())

    def _update_delete(self) -> None:
        record_id = self.editor.record_id()
        status = next((r.status for r in self._records if r.id == record_id), None)
        self._delete_button.setEnabled(
            record_id is not None
            and UserSession.coerce(self._user).can(Permission.DELETE_DATA)
            and status not in records.FROZEN_STATUSES
        )

    def _saved(self, subjid: str, record_id: int) -> None:
        self.refresh(select=record_id)
        self.changed.emit()
        if self._form.code == "EX" and needs_linked_ae(self._store, subjid, record_id):
            self._offer_linked_ae(subjid, record_id)

    def _lifecycle_changed(self, _subjid: str, record_id: int) -> None:
        self.refresh(select=record_id)
        self.changed.emit()

    def _offer_linked_ae(self, subjid: str, infusion_id: int) -> None:
        if not prompts.ask_open_linked_ae(self):
            return
        infusion = records.get_record(self._store, "EX", infusion_id)
        onset = infusion.values.get("EXSTDTC") if infusion else None
        dialog = LinkedAeDialog(self._store, self._user, subjid, infusion_id, onset, self)
        dialog.setModal(True)
        dialog.accepted.connect(self.changed)
        self.ae_dialog = dialog
        dialog.open()
