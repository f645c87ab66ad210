"""One subject's visit schedule as a table: every scheduled visit with its window, date and
state, coloured by state (red overdue, amber due, green done, ...).

The rows are `msct_crf.study.schedule.ScheduledVisit`s computed by
`msct_crf.reporting.overview.subject_schedule`; the model only shows them.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import Qt

from msct_crf.study.schedule import ScheduledVisit
from ui.common import labels
from ui.common.i18n import dictionary_language
from ui.models.row_table import RowTableModel, TableColumn


class ScheduleColumn(enum.IntEnum):
    VISIT = 0
    WINDOW_START = 1
    TARGET = 2
    WINDOW_END = 3
    VISIT_DATE = 4
    STATE = 5


#: Custom role: the row's VisitState.
STATE_ROLE = Qt.ItemDataRole.UserRole + 1


class ScheduleModel(RowTableModel[ScheduledVisit]):
    """Read-only rows of one subject's schedule."""

    RETRANSLATED_ROLES = (int(Qt.ItemDataRole.DisplayRole),)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.set_columns(  # in ScheduleColumn order
            [
                TableColumn(
                    lambda: self.tr("Visit"),
                    lambda sv: sv.visit.label.get(dictionary_language()),
                ),
                TableColumn(
                    lambda: self.tr("Window opens"), lambda sv: labels.date_text(sv.window_start)
                ),
                TableColumn(lambda: self.tr("Target"), lambda sv: labels.date_text(sv.target)),
                TableColumn(
                    lambda: self.tr("Window closes"), lambda sv: labels.date_text(sv.window_end)
                ),
                TableColumn(lambda: self.tr("Visit date"), self._visit_date),
                TableColumn(lambda: self.tr("State"), lambda sv: labels.state_label(sv.state)),
            ],
            row_roles={
                Qt.ItemDataRole.BackgroundRole: lambda sv: labels.STATE_COLOURS.get(sv.state),
                STATE_ROLE: lambda sv: sv.state,
            },
        )

    def _visit_date(self, sv: ScheduledVisit) -> str:
        text = labels.date_text(sv.visit_date)
        if sv.days_off:
            text += " " + self.tr("({days:+d} days)").format(days=sv.days_off)
        return text
