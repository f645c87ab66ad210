"""Today's work as a table: one line per due or overdue visit of an active subject.

The lines are `msct_crf.study.schedule.WorkItem`s from
`msct_crf.reporting.overview.load_overview` (most urgent first); the subject's initials
come from the overview's rows, so the model never queries the database.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt

from msct_crf.reporting.overview import SubjectRow
from msct_crf.study.schedule import VisitState, WorkItem
from ui.common import labels
from ui.common.i18n import dictionary_language
from ui.models.row_table import RowTableModel, TableColumn

#: Custom roles: the subject ID of the line, and the code of its visit.
SUBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
VISIT_ROLE = Qt.ItemDataRole.UserRole + 2


class WorkColumn(enum.IntEnum):
    SUBJECT = 0
    VISIT = 1
    WINDOW = 2
    STATE = 3


def _window(item: WorkItem) -> str:
    start, end = item.visit.window_start, item.visit.window_end
    if start is None or end is None:
        return ""
    if start.year == end.year:  # the year once: the window is never more than weeks long
        return f"{start:%Y-%m-%d} – {end:%m-%d}"
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


class TodaysWorkModel(RowTableModel[WorkItem]):
    """One line per due or overdue visit."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._initials: dict[str, str] = {}
        self._today = dt.date.today()
        self.set_columns(  # in WorkColumn order
            [
                TableColumn(
                    lambda: self.tr("Subject"),
                    lambda i: f"{i.subject} {self._initials.get(i.subject, '')}".rstrip(),
                ),
                TableColumn(
                    lambda: self.tr("Visit"),
                    lambda i: i.visit.visit.label.get(dictionary_language()),
                ),
                TableColumn(lambda: self.tr("Window"), _window),
                TableColumn(lambda: self.tr("State"), self._state),
            ],
            row_roles={
                Qt.ItemDataRole.ToolTipRole: self._tooltip,
                Qt.ItemDataRole.BackgroundRole: lambda i: labels.STATE_COLOURS.get(i.visit.state),
                SUBJECT_ROLE: lambda i: i.subject,
                VISIT_ROLE: lambda i: i.visit.visit.code,
            },
        )

    def set_work(
        self, items: Sequence[WorkItem], rows: Mapping[str, SubjectRow], today: dt.date
    ) -> None:
        """Show ``items``; ``rows`` (by subject ID) give the initials, ``today`` the days."""
        self._initials = {s: r.initials or "" for s, r in rows.items()}
        self._today = today
        self.set_rows(items)

    def counts(self) -> tuple[int, int]:
        """(overdue, due) visits."""
        overdue = sum(1 for i in self._rows if i.visit.state is VisitState.OVERDUE)
        return overdue, len(self._rows) - overdue

    def _state(self, item: WorkItem) -> str:
        sv = item.visit
        if sv.state is VisitState.OVERDUE and sv.window_end is not None:
            late = (self._today - sv.window_end).days
            return self.tr("%n day(s) late", "", late)
        if sv.window_end is not None:
            left = (sv.window_end - self._today).days
            return self.tr("%n day(s) left", "", left)
        return labels.state_label(sv.state)

    def _tooltip(self, item: WorkItem) -> str:
        sv = item.visit
        return self.tr("{visit} of {subject}: window {start} to {end} ({state})").format(
            visit=sv.visit.label.get(dictionary_language()),
            subject=item.subject,
            start=labels.date_text(sv.window_start),
            end=labels.date_text(sv.window_end),
            state=labels.state_label(sv.state),
        )
