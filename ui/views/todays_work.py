"""Today's work: the due and overdue visits of every active subject, most urgent first.

Signals:
    openSubject(str): a line was double-clicked or Enter pressed on it.

The items come from `msct_crf.reporting.overview.load_overview` (computed off the GUI thread by the
main window), so this view never queries the database.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.reporting.overview import SubjectRow
from msct_crf.study.schedule import VisitState, WorkItem
from ui.common import labels

Index = QModelIndex | QPersistentModelIndex

#: Custom role: the subject ID of the line.
SUBJECT_ROLE = Qt.ItemDataRole.UserRole + 1


class WorkColumn(enum.IntEnum):
    SUBJECT = 0
    VISIT = 1
    WINDOW = 2
    STATE = 3


class TodaysWorkModel(QAbstractTableModel):
    """One line per due or overdue visit."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[WorkItem] = []
        self._initials: dict[str, str] = {}
        self._today = dt.date.today()

    def set_work(
        self, items: Sequence[WorkItem], rows: Mapping[str, SubjectRow], today: dt.date
    ) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._initials = {s: r.initials or "" for s, r in rows.items()}
        self._today = today
        self.endResetModel()

    def item(self, row: int) -> WorkItem:
        return self._items[row]

    def counts(self) -> tuple[int, int]:
        """(overdue, due) visits."""
        overdue = sum(1 for i in self._items if i.visit.state is VisitState.OVERDUE)
        return overdue, len(self._items) - overdue

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(WorkColumn) - 1)
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(WorkColumn) - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(WorkColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Subject"),
            self.tr("Visit"),
            self.tr("Window"),
            self.tr("State"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        sv = item.visit
        column = WorkColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WorkColumn.SUBJECT:
                return f"{item.subject} {self._initials.get(item.subject, '')}".rstrip()
            if column == WorkColumn.VISIT:
                return sv.visit.label.get(labels.dictionary_language())
            if column == WorkColumn.WINDOW:
                start, end = sv.window_start, sv.window_end
                if start is None or end is None:
                    return ""
                return f"{start:%m-%d} – {end:%m-%d}"
            if sv.state is VisitState.OVERDUE and sv.window_end is not None:
                late = (self._today - sv.window_end).days
                return self.tr("%n day(s) late", "", late)
            if sv.window_end is not None:
                left = (sv.window_end - self._today).days
                return self.tr("%n day(s) left", "", left)
            return labels.state_label(sv.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{visit} of {subject}: window {start} to {end} ({state})").format(
                visit=sv.visit.label.get(labels.dictionary_language()),
                subject=item.subject,
                start=labels.date_text(sv.window_start),
                end=labels.date_text(sv.window_end),
                state=labels.state_label(sv.state),
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            return labels.STATE_COLOURS.get(sv.state)
        if role == SUBJECT_ROLE:
            return item.subject
        return None


class TodaysWorkView(QWidget):
    """See the module docstring. The table's objectName is ``todaysWorkTable``."""

    openSubject = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TodaysWorkModel(self)
        self._summary = QLabel()
        self._summary.setObjectName("todaysWorkSummary")
        self._summary.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("todaysWorkTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._summary)
        layout.addWidget(self.table, 1)
        self._update_summary()

    def set_work(
        self, items: Sequence[WorkItem], rows: Mapping[str, SubjectRow], today: dt.date
    ) -> None:
        self.model.set_work(items, rows, today)
        if len(items) <= 500:  # measuring thousands of rows would stall the GUI
            self.table.resizeColumnsToContents()
        self._update_summary()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.model.retranslate()
            self._update_summary()
        super().changeEvent(event)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openSubject.emit(str(index.data(SUBJECT_ROLE)))

    def _update_summary(self) -> None:
        overdue, due = self.model.counts()
        if not overdue and not due:
            self._summary.setText(self.tr("Nothing due today."))
            return
        self._summary.setText(
            self.tr("%n overdue", "", overdue) + " · " + self.tr("%n due", "", due)
        )
