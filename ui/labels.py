"""Display words shared by several views: visit states, subject statuses, colours, dates.

The words go through ``QCoreApplication.translate`` (so lupdate finds them and the Chinese
UI shows them); codes from the study dictionary are labelled by the dictionary itself.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from msct_crf.dictionary import VISIT_FORM, CodeList
from msct_crf.overview import SubjectStatus
from msct_crf.schedule import VisitState
from ui.i18n import dictionary_language


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def state_label(state: VisitState) -> str:
    """The visit state in the UI language."""
    words = {
        VisitState.DONE: _t("done"),
        VisitState.DONE_OUT_OF_WINDOW: _t("out of window"),
        VisitState.DUE: _t("due"),
        VisitState.UPCOMING: _t("upcoming"),
        VisitState.OVERDUE: _t("overdue"),
        VisitState.MISSED: _t("missed"),
        VisitState.NOT_EXPECTED: _t("not expected"),
        VisitState.NO_DAY0: _t("not scheduled"),
    }
    return words[state]


def status_label(status: SubjectStatus) -> str:
    """The subject's study status in the UI language."""
    words = {
        SubjectStatus.ACTIVE: _t("active"),
        SubjectStatus.COMPLETED: _t("completed"),
        SubjectStatus.DIED: _t("died"),
        SubjectStatus.TRANSPLANTED: _t("transplanted"),
        SubjectStatus.LOST: _t("lost to follow-up"),
        SubjectStatus.WITHDREW: _t("withdrew"),
        SubjectStatus.INVESTIGATOR: _t("investigator decision"),
        SubjectStatus.OTHER: _t("other"),
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
