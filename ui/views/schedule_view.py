"""A subject's visit schedule: the table of `ui.models.schedule.ScheduleModel` (every
scheduled visit with its window, date and state, coloured by state) under a caption with
day 0 and the study day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QEvent
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
from ui.models.schedule import ScheduleModel


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
        self.model.set_rows(visits)
        self._retranslate_caption()

    def states(self) -> dict[str, VisitState]:
        return {sv.code: sv.state for sv in self.model.rows()}

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
