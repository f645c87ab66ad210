"""Today's work: the due and overdue visits of every active subject, most urgent first.

Signals:
    openVisit(str, str): a line was double-clicked or Enter pressed on it (subject ID and
        the code of the due visit, which the main window opens as a new visit record).

The items come from `msct_crf.reporting.overview.load_overview` (computed off the GUI thread
by the main window) into `ui.models.todays_work.TodaysWorkModel`, so this view never queries
the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.reporting.overview import SubjectRow
from msct_crf.study.schedule import WorkItem
from ui.models.todays_work import SUBJECT_ROLE, VISIT_ROLE, TodaysWorkModel


class TodaysWorkView(QWidget):
    """See the module docstring. The table's objectName is ``todaysWorkTable``."""

    openVisit = Signal(str, str)

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
            self.openVisit.emit(str(index.data(SUBJECT_ROLE)), str(index.data(VISIT_ROLE)))

    def _update_summary(self) -> None:
        overdue, due = self.model.counts()
        if not overdue and not due:
            self._summary.setText(self.tr("Nothing due today."))
            return
        self._summary.setText(
            self.tr("%n overdue", "", overdue) + " · " + self.tr("%n due", "", due)
        )
