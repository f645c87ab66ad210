"""The audit trail viewer: who changed what, when, from which value to which, and why.

Rows are read off the GUI thread with `msct_crf.reporting.audit_history.history` (newest
first; the UI writes no SQL) into :class:`AuditTableModel`, and filtered by subject, form,
field, user, action and date text with :class:`AuditFilterProxy` (a QSortFilterProxyModel,
one substring per column, case-insensitive). Form and field show the dictionary's labels
with their codes, so "TBIL" and "Total bilirubin" both find a bilirubin change.

Signals of :class:`AuditViewer`:
    loaded(int): the rows were read (their number).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.reporting import audit_history
from msct_crf.reporting.audit_history import AuditRow
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from ui.common import background
from ui.common.i18n import dictionary_language
from ui.common.session import UserSession

#: How many of the newest rows the viewer reads at most (the status line says when cut).
ROW_LIMIT = 20_000
_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("time", "user", "action", "subject", "form", "record", "field", "change", "reason")
#: The filter boxes: key -> column filtered.
FILTERS = {
    "subject": "subject",
    "form": "form",
    "field": "field",
    "user": "user",
    "action": "action",
    "date": "time",
}


def action_name(action: str) -> str:
    names = {
        "insert": QCoreApplication.translate("AuditViewer", "created"),
        "update": QCoreApplication.translate("AuditViewer", "changed"),
        "delete": QCoreApplication.translate("AuditViewer", "deleted"),
        "verify": QCoreApplication.translate("AuditViewer", "verified"),
        "sign": QCoreApplication.translate("AuditViewer", "signed"),
        "lock": QCoreApplication.translate("AuditViewer", "locked"),
        "unlock": QCoreApplication.translate("AuditViewer", "unlocked"),
        "login": QCoreApplication.translate("AuditViewer", "logged in"),
        "login_failed": QCoreApplication.translate("AuditViewer", "login failed"),
        "logout": QCoreApplication.translate("AuditViewer", "logged out"),
        "export": QCoreApplication.translate("AuditViewer", "exported"),
        "query_open": QCoreApplication.translate("AuditViewer", "query raised"),
        "query_answer": QCoreApplication.translate("AuditViewer", "query answered"),
        "query_close": QCoreApplication.translate("AuditViewer", "query closed"),
        "account": QCoreApplication.translate("AuditViewer", "account changed"),
        "setting": QCoreApplication.translate("AuditViewer", "setting changed"),
        "confirm_warning": QCoreApplication.translate("AuditViewer", "warning confirmed"),
        "unit_entry": QCoreApplication.translate("AuditViewer", "typed in conventional units"),
        "backup": QCoreApplication.translate("AuditViewer", "backup"),
        "restore": QCoreApplication.translate("AuditViewer", "restore"),
    }
    return f"{names[action]} ({action})" if action in names else action


def form_text(row: AuditRow) -> str:
    code = row.form
    if code is None:
        other = {
            "data_query": QCoreApplication.translate("AuditViewer", "Query"),
            "app_user": QCoreApplication.translate("AuditViewer", "User account"),
            "study_setting": QCoreApplication.translate("AuditViewer", "Study setting"),
        }
        table = row.table_name or ""
        return f"{other[table]} ({table})" if table in other else table
    return f"{get_form(code).label.get(dictionary_language())} ({code})"


def field_text(row: AuditRow) -> str:
    if row.field is None:
        return ""
    code = row.form
    if code is not None:
        try:
            label = get_form(code).field(row.field).label.get(dictionary_language())
        except (KeyError, ValueError):
            return row.field
        return f"{label} ({row.field})"
    return row.field


class AuditTableModel(QAbstractTableModel):
    """Audit rows, newest first; ``ROW_ROLE`` gives the :class:`AuditRow`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def set_rows(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> AuditRow:
        return self._rows[index]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        titles = {
            "time": self.tr("When (UTC)"),
            "user": self.tr("Who"),
            "action": self.tr("Action"),
            "subject": self.tr("Subject"),
            "form": self.tr("Form"),
            "record": self.tr("Record"),
            "field": self.tr("Field"),
            "change": self.tr("Old → new"),
            "reason": self.tr("Why"),
        }
        return titles[COLUMNS[section]]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.action in ("unlock", "login_failed", "delete"):
                return QColor("#c62828")
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column in ("change", "reason"):
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == "time":
            return row.ts_utc[:19].replace("T", " ")
        if column == "user":
            return row.user
        if column == "action":
            return action_name(row.action)
        if column == "subject":
            return row.subject or ""
        if column == "form":
            return form_text(row)
        if column == "record":
            return row.record_id or ""
        if column == "field":
            return field_text(row)
        if column == "change":
            if row.old_value is None and row.new_value is None:
                return ""
            return row.change_text.replace(" -> ", " → ")
        if column == "reason":
            return row.reason or ""
        return None


class AuditFilterProxy(QSortFilterProxyModel):
    """One case-insensitive substring per column; a row shows when every one matches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._needles: dict[int, str] = {}

    def set_column_filter(self, column: str, text: str) -> None:
        index = COLUMNS.index(column)
        needle = text.strip().casefold()
        self.beginFilterChange()
        if needle:
            self._needles[index] = needle
        else:
            self._needles.pop(index, None)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        for column, needle in self._needles.items():
            text = model.data(model.index(source_row, column, source_parent))
            if needle not in str(text or "").casefold():
                return False
        return True


class AuditViewer(QWidget):
    """See the module docstring. ``subject`` limits the read to one subject's history."""

    loaded = Signal(int)

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        subject: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self._store = store
        self._session = UserSession.coerce(user)
        self._subject = subject
        self._task: background.Task | None = None
        self.model = AuditTableModel(self)
        self.proxy = AuditFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filters: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        labels = {
            "subject": self.tr("Subject:"),
            "form": self.tr("Form:"),
            "field": self.tr("Field:"),
            "user": self.tr("User:"),
            "action": self.tr("Action:"),
            "date": self.tr("Date:"),
        }
        hints = {
            "subject": "GZH-001",
            "form": self.tr("e.g. Visit or VIS"),
            "field": self.tr("e.g. bilirubin or TBIL"),
            "user": "",
            "action": self.tr("e.g. changed, signed"),
            "date": "2026-11",
        }
        for i, (key, column) in enumerate(FILTERS.items()):
            edit = QLineEdit(self)
            edit.setObjectName(f"{key}Filter")
            edit.setClearButtonEnabled(True)
            edit.setPlaceholderText(hints[key])
            edit.textChanged.connect(lambda text, c=column: self._filter(c, text))
            label = QLabel(labels[key], self)
            label.setBuddy(edit)
            grid.addWidget(label, i // 3, (i % 3) * 2)
            grid.addWidget(edit, i // 3, (i % 3) * 2 + 1)
            self.filters[key] = edit
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)  # newest first, as read
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.count = QLabel(self)
        self.count.setObjectName("auditCount")
        self._reload = QPushButton(self.tr("Re&load"), self)
        self._reload.setObjectName("auditReload")
        self._reload.setAutoDefault(False)
        self._reload.clicked.connect(self.reload)
        if subject is not None:
            self.filters["subject"].setText(subject)
            self.filters["subject"].setReadOnly(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self._reload)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        """Read the trail again off the GUI thread."""
        if self._task is not None:
            return
        store, subject, actor = self._store, self._subject, self._session.actor
        self.count.setText(self.tr("Reading the audit trail…"))
        self._task = background.run_task(
            lambda _task: audit_history.history(
                store, subject=subject, limit=ROW_LIMIT, actor=actor
            ),
            on_done=self._done,
            on_error=self._failed,
        )

    def set_filter(self, key: str, text: str) -> None:
        self.filters[key].setText(text)

    def shown_rows(self) -> list[AuditRow]:
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _filter(self, column: str, text: str) -> None:
        self.proxy.set_column_filter(column, text)
        self._show_count()

    def _done(self, rows: list[AuditRow]) -> None:
        self._task = None
        self.model.set_rows(rows)
        widths = (140, 80, 190, 75, 150, 55, 190, 230)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self._show_count()
        self.loaded.emit(len(rows))

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self.count.setText(self.tr("Cannot read the audit trail: {error}").format(error=exc))
        self.loaded.emit(0)

    def _show_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        text = self.tr("{shown} of {total} audit rows shown, newest first").format(
            shown=shown, total=total
        )
        if total >= ROW_LIMIT:
            text += " " + self.tr("(only the newest {n} were read)").format(n=ROW_LIMIT)
        self.count.setText(text)


class AuditViewerDialog(QDialog):
    """A window around an :class:`AuditViewer` (``viewer``)."""

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        subject: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewerDialog")
        self.setWindowTitle(
            self.tr("Audit trail of {subject}").format(subject=subject)
            if subject
            else self.tr("Audit trail")
        )
        self.viewer = AuditViewer(store, user, subject, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(buttons)
        self.resize(1360, 680)
