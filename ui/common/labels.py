"""Display words shared by several views: visit states, subject statuses, colours, dates.

The words go through ``QCoreApplication.translate`` (so lupdate finds them and the Chinese
UI shows them); codes from the study dictionary are labelled by the dictionary itself.
"""

from __future__ import annotations

import datetime as dt
import functools

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

from msct_crf.reporting.overview import SubjectStatus
from msct_crf.study.dictionary import VISIT_FORM, CodeList
from msct_crf.study.schedule import VisitState
from ui.common.i18n import dictionary_language


def state_label(state: VisitState) -> str:
    """The visit state in the UI language."""
    words = {
        VisitState.DONE: QCoreApplication.translate("Labels", "done"),
        VisitState.DONE_OUT_OF_WINDOW: QCoreApplication.translate("Labels", "out of window"),
        VisitState.DUE: QCoreApplication.translate("Labels", "due"),
        VisitState.UPCOMING: QCoreApplication.translate("Labels", "upcoming"),
        VisitState.OVERDUE: QCoreApplication.translate("Labels", "overdue"),
        VisitState.MISSED: QCoreApplication.translate("Labels", "missed"),
        VisitState.NOT_EXPECTED: QCoreApplication.translate("Labels", "not expected"),
        VisitState.NO_DAY0: QCoreApplication.translate("Labels", "not scheduled"),
    }
    return words[state]


def status_label(status: SubjectStatus) -> str:
    """The subject's study status in the UI language."""
    words = {
        SubjectStatus.ACTIVE: QCoreApplication.translate("Labels", "active"),
        SubjectStatus.COMPLETED: QCoreApplication.translate("Labels", "completed"),
        SubjectStatus.DIED: QCoreApplication.translate("Labels", "died"),
        SubjectStatus.TRANSPLANTED: QCoreApplication.translate("Labels", "transplanted"),
        SubjectStatus.LOST: QCoreApplication.translate("Labels", "lost to follow-up"),
        SubjectStatus.WITHDREW: QCoreApplication.translate("Labels", "withdrew"),
        SubjectStatus.INVESTIGATOR: QCoreApplication.translate("Labels", "investigator decision"),
        SubjectStatus.OTHER: QCoreApplication.translate("Labels", "other"),
    }
    return words[status]


#: Background colours by visit state: red for late, amber for due, green for done.
STATE_COLOURS: dict[VisitState, QColor] = {
    VisitState.OVERDUE: QColor("#f6c6c2"),
    VisitState.DUE: QColor("#fde3a7"),
    VisitState.DONE: QColor("#d5ecd4"),
    VisitState.DONE_OUT_OF_WINDOW: QColor("#f3dcb2"),
    VisitState.MISSED: QColor("#e4cfe9"),
}
OVERDUE_ROW = STATE_COLOURS[VisitState.OVERDUE]
DUE_ROW = STATE_COLOURS[VisitState.DUE]

_VISIT_CODES: CodeList | None = VISIT_FORM.field("VISIT").codelist


def visit_label(code: str | None) -> str:
    """A visit code (M6) as its dictionary label (Month 6 / 第 6 个月)."""
    if not code:
        return ""
    return _VISIT_CODES.label(code, dictionary_language()) if _VISIT_CODES else code


def code_label(codelist: CodeList | None, code: str | None) -> str:
    if not code:
        return ""
    return codelist.label(code, dictionary_language()) if codelist else code


def date_text(value: dt.date | None) -> str:
    """ISO dates everywhere (unambiguous in both languages)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


#: The orange of an open query, as on the "?" marker beside a queried field.
QUERY_COLOUR = QColor("#ef6c00")


def open_queries_text(count: int) -> str:
    """ "2 open queries" in the UI language ("" for none)."""
    if count <= 0:
        return ""
    if count == 1:
        return QCoreApplication.translate("Labels", "1 open query")
    return QCoreApplication.translate("Labels", "{n} open queries").format(n=count)


@functools.cache
def query_badge(count: int) -> QPixmap:
    """A round orange badge with the number of open queries, for a list cell."""
    size = 18
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QUERY_COLOUR)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.setPen(QColor("white"))
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(11)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, str(min(count, 99)))
    painter.end()
    return pixmap
