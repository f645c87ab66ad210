"""A subject's visit schedule: every scheduled visit with its window, date and state.

`ScheduleModel` is a read-only table over `msct_crf.study.schedule.ScheduledVisit`s (computed by
`msct_crf.reporting.overview.subject_schedule`); rows are coloured by state (red overdue, amber due,
green done, ...). `ScheduleView` adds a caption with day 0 and the study day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.study.schedule import ScheduledVisit, VisitState, study_day
from ui.common import labels

Index = QModelIndex | QPersistentModelIndex


class ScheduleColumn(enum.IntEnum):
    VISIT = 0
    WINDOW_START = 1
    TARGET = 2
    WINDOW_END = 3
    VISIT_DATE = 4
    STATE = 5


#: Custom role: the row's VisitState.
STATE_ROLE = Qt.ItemDataRole.UserRole + 1


class ScheduleModel(QAbstractTableModel):
    """Read-only rows of one subject's schedule."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._visits: list[ScheduledVisit] = []

    def set_schedule(self, visits: Sequence[ScheduledVisit]) -> None:
        self.beginResetModel()
        self._visits = list(visits)
        self.endResetModel()

    def visit(self, row: int) -> ScheduledVisit:
        return self._visits[row]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(ScheduleColumn) - 1)
        if self._visits:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._visits) - 1, len(ScheduleColumn) - 1),
                [Qt.ItemDataRole.DisplayRole],
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ScheduleColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Visit"),
            self.tr("Window opens"),
            self.tr("Target"),
            self.tr("Window closes"),
            self.tr("Visit date"),
            self.tr("State"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._visits):
            return None
        sv = self._visits[index.row()]
        column = ScheduleColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ScheduleColumn.VISIT:
                return sv.visit.label.get(labels.dictionary_language())
            if column == ScheduleColumn.WINDOW_START:
                return labels.date_text(sv.window_start)
            if column == ScheduleColumn.TARGET:
                return labels.date_text(sv.target)
            if column == ScheduleColumn.WINDOW_END:
                return labels.date_text(sv.window_end)
            if column == ScheduleColumn.VISIT_DATE:
                text = labels.date_text(sv.visit_date)
                if sv.days_off:
                    text += " " + self.tr("({days:+d} days)").format(days=sv.days_off)
                return text
            return labels.state_label(sv.state)
        if role == Qt.ItemDataRole.BackgroundRole:
            return labels.STATE_COLOURS.get(sv.state)
        if role == STATE_ROLE:
            return sv.state
        return None


class ScheduleView(QWidget):
    """Caption (day 0, study day) over the schedule table (objectName ``scheduleTable``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ScheduleModel(self)
        self._caption = QLabel()
        self._caption.setObjectName("scheduleCaption")
        self._caption.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("scheduleTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self._caption)
        layout.addWidget(self.table, 1)
        self._day0: dt.date | None = None
        self._today: dt.date | None = None
        self._retranslate_caption()

    def set_schedule(
        self, visits: Sequence[ScheduledVisit], day0: dt.date | None, today: dt.date
    ) -> None:
        self._day0, self._today = day0, today
        self.model.set_schedule(visits)
        self._retranslate_caption()

    def states(self) -> dict[str, VisitState]:
        return {
            self.model.visit(r).code: self.model.visit(r).state
            for r in range(self.model.rowCount())
        }

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.model.retranslate()
            self._retranslate_caption()
        super().changeEvent(event)

    def _retranslate_caption(self) -> None:
        if self._day0 is None or self._today is None:
            self._caption.setText(
                self.tr("No infusion yet: the schedule starts at day 0, the first infusion.")
            )
            return
        self._caption.setText(
            self.tr("Day 0 (first infusion): {day0}. Today is study day {day}.").format(
                day0=labels.date_text(self._day0), day=study_day(self._day0, self._today)
            )
        )
