"""The strip above a subject's pages: ID, age, sex, diagnosis, study day and status.

Fed with a `msct_crf.reporting.overview.SubjectRow`; the study day is counted from the first
infusion with `msct_crf.study.schedule.study_day`. Each value sits in its own label with an
objectName (``headerSubjectId``, ``headerAge``, ``headerSex``, ``headerDiagnosis``,
``headerStudyDay``, ``headerStatus``, ``headerQueries``: the open queries, hidden when none)
so tests and screen readers find them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from msct_crf.reporting.overview import SubjectRow, SubjectStatus
from msct_crf.study.dictionary import ENROLMENT
from ui.common import labels


class SubjectHeader(QFrame):
    """See the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subjectHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._row: SubjectRow | None = None
        self._today = dt.date.today()
        self._new = False
        self._values: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        for name in ("SubjectId", "Age", "Sex", "Diagnosis", "StudyDay", "Status", "Queries"):
            label = QLabel()
            label.setObjectName(f"header{name}")
            self._values[name] = label
            layout.addWidget(label)
            if name not in ("Status", "Queries"):
                layout.addSpacing(14)
        self._values["Queries"].setStyleSheet(
            f"background:{labels.QUERY_COLOUR.name()}; color:white; font-weight:bold;"
            " padding:2px 6px; border-radius:3px;"
        )
        self._values["Queries"].hide()
        layout.addStretch(1)
        font = self._values["SubjectId"].font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._values["SubjectId"].setFont(font)
        self._refresh()

    def set_subject(self, row: SubjectRow | None, today: dt.date) -> None:
        self._row, self._today, self._new = row, today, False
        self._refresh()

    def set_new_subject(self) -> None:
        self._row, self._new = None, True
        self._refresh()

    def text(self, name: str) -> str:
        return self._values[name].text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh()
        super().changeEvent(event)

    def _refresh(self) -> None:
        v = self._values
        row = self._row
        if row is None:
            v["SubjectId"].setText(self.tr("New subject") if self._new else "")
            for name in ("Age", "Sex", "Diagnosis", "StudyDay", "Status", "Queries"):
                v[name].setText("")
            v["Queries"].hide()
            if self._new:
                v["Age"].setText(self.tr("the subject ID is assigned when enrolment is saved"))
            return
        v["SubjectId"].setText(f"{row.subjid}  {row.initials or ''}".rstrip())
        v["Age"].setText(self.tr("{age} years").format(age=row.age) if row.age is not None else "")
        v["Sex"].setText(labels.code_label(ENROLMENT.field("SEX").codelist, row.sex))
        diagnosis = labels.code_label(ENROLMENT.field("DXCAT").codelist, row.diagnosis)
        if row.diagnosis == "OTHER" and row.diagnosis_other:
            diagnosis = row.diagnosis_other
        v["Diagnosis"].setText(diagnosis)
        if row.day0 is None:
            v["StudyDay"].setText(self.tr("no infusion yet"))
        else:
            day = row.study_day(self._today)  # stops at the end of follow-up
            v["StudyDay"].setText(self.tr("Study day {day}").format(day=day))
            v["StudyDay"].setToolTip(
                self.tr("Days since the first infusion on {day0}").format(
                    day0=labels.date_text(row.day0)
                )
            )
        status = labels.status_label(row.status)
        if row.status is not SubjectStatus.ACTIVE and row.end_date is not None:
            status += " " + labels.date_text(row.end_date)
        if row.overdue:
            status += " · " + self.tr("visit overdue")
        v["Status"].setText(status)
        v["Queries"].setText(labels.open_queries_text(row.open_queries))
        v["Queries"].setToolTip(self.tr("Queries waiting for the site's answer (Review › Queries)"))
        v["Queries"].setVisible(row.open_queries > 0)
        colour = labels.OVERDUE_ROW if row.overdue else None
        v["Status"].setStyleSheet(
            f"background:{colour.name()}; padding:2px 6px; border-radius:3px;" if colour else ""
        )
