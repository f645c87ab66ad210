"""The audit trail viewer: who changed what, when, from which value to which, and why.

Rows are read off the GUI thread with `msct_crf.reporting.audit_history.history` (newest
first; the UI writes no SQL) into `ui.models.audit_table.AuditTableModel`, and filtered by
subject, form, field, user, action and date text with its `AuditFilterProxy` (one
substring per column, case-insensitive).

Signals of :class:`AuditViewer`:
    loaded(int): the rows were read (their number).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from ui.common import background
from ui.common.session import UserSession
from ui.models.audit_table import ROW_ROLE, AuditFilterProxy, AuditTableModel

#: How many of the newest rows the viewer reads at most (the status line says when cut).
ROW_LIMIT = 20_000
#: The filter boxes: key -> column filtered.
FILTERS = {
    "subject": "subject",
    "form": "form",
    "field": "field",
    "user": "user",
    "action": "action",
    "date": "time",
}


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
