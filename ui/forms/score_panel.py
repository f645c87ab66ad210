"""Live liver scores beside the visit form: MELD, MELD-Na, MELD 3.0, Child-Pugh, ALBI.

Every number comes from msct_crf.study.derive.visit_scores (which calls msct_crf.study.scores); this
widget only lays out the value, the floors and caps that applied, what is missing, and the
difference from the subject's stored baseline visit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from msct_crf.study.derive import visit_scores
from msct_crf.study.dictionary import find_field
from msct_crf.study.scores import MISSING_TEXT, Note, ScoreResult

#: (score key of compute_all, title, stored visit field holding the comparable number)
SCORES = (
    ("MELD", "MELD", "MELD"),
    ("MELD_NA", "MELD-Na", "MELDNA"),
    ("MELD_3", "MELD 3.0", "MELD3"),
    ("CHILD_PUGH", "Child-Pugh", "CPS"),
    ("ALBI", "ALBI", "ALBI"),
)
#: compute_all input names -> the dictionary field the user fills in
INPUT_FIELDS = {
    "bilirubin_umol_l": "TBIL",
    "creatinine_umol_l": "CREAT",
    "inr": "INR",
    "sodium_mmol_l": "SODIUM",
    "albumin_g_l": "ALB",
    "female": "SEX",
    "ascites": "ASCITES",
    "encephalopathy": "HE",
}


def comparable(key: str, value: Any) -> float | None:
    """The number of a score result that a change from baseline compares (points, score)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        value = value[0]
    return float(value)


class ScorePanel(QWidget):
    """Scores of the values being typed, recomputed on every update.

    Labels: ``score_<KEY>`` (value text), ``score_<KEY>_notes``, ``score_<KEY>_change``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._female: bool | None = None
        self._cholestatic = False
        self._baseline: Mapping[str, Any] | None = None
        self._language = "en"
        self._results: dict[str, ScoreResult] = {}
        self._values: dict[str, Any] = {}
        self._value_labels: dict[str, QLabel] = {}
        self._note_labels: dict[str, QLabel] = {}
        self._change_labels: dict[str, QLabel] = {}
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        self._title = QLabel(frame)
        bold = QFont(self._title.font())
        bold.setBold(True)
        self._title.setFont(bold)
        grid.addWidget(self._title, 0, 0, 1, 2)
        # one column title instead of "vs baseline" on every row: the panel stays narrow
        # enough for the form beside it at 1280x800
        self._change_title = QLabel(frame)
        self._change_title.setObjectName("score_change_title")
        self._change_title.setStyleSheet("color: #555;")
        self._change_title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self._change_title, 0, 2)
        big = QFont(bold)
        big.setPointSizeF(bold.pointSizeF() * 1.3)
        row = 1
        for key, title, _stored in SCORES:
            name = QLabel(title, frame)
            name.setFont(bold)
            value = QLabel(MISSING_TEXT, frame)
            value.setObjectName(f"score_{key}")
            value.setFont(big)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(110)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            change = QLabel(frame)
            change.setObjectName(f"score_{key}_change")
            change.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            notes = QLabel(frame)
            notes.setObjectName(f"score_{key}_notes")
            notes.setWordWrap(True)
            notes.setStyleSheet("color: #555;")
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            grid.addWidget(change, row, 2)
            grid.addWidget(notes, row + 1, 0, 1, 3)
            self._value_labels[key] = value
            self._note_labels[key] = notes
            self._change_labels[key] = change
            row += 2
        self._subject_note = QLabel(frame)
        self._subject_note.setWordWrap(True)
        grid.addWidget(self._subject_note, row, 0, 1, 3)
        grid.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)
        layout.addStretch(1)
        self.setMinimumWidth(260)
        self._retranslate()
        self.update_values({})

    # ------------------------------------------------------------------ public

    def set_subject(self, *, female: bool | None, cholestatic: bool) -> None:
        """Sex (MELD 3.0) and cholestatic disease (Child-Pugh bilirubin bands) of the subject."""
        self._female = female
        self._cholestatic = cholestatic
        self.update_values(self._values)

    def set_baseline(self, values: Mapping[str, Any] | None) -> None:
        """The subject's stored baseline visit (its derived scores), or None."""
        self._baseline = values
        self.update_values(self._values)

    def set_language(self, language: str) -> None:
        self._language = language
        self._retranslate()
        self.update_values(self._values)

    def results(self) -> dict[str, ScoreResult]:
        return dict(self._results)

    def update_values(self, values: Mapping[str, Any]) -> None:
        """Recompute from a visit's parsed SI values (TBIL, CREAT, INR, SODIUM, ALB, ...)."""
        self._values = dict(values)
        self._results = visit_scores(
            self._values, female=self._female, cholestatic=self._cholestatic
        )
        for key, _title, stored in SCORES:
            result = self._results[key]
            self._value_labels[key].setText(self._value_text(key, result))
            self._value_labels[key].setToolTip(self._notes_only(result))
            self._note_labels[key].setText(self._notes_text(result))
            self._note_labels[key].setVisible(bool(self._note_labels[key].text()))
            self._change_labels[key].setText(self._change_text(key, result, stored))
        self._change_title.setVisible(self._baseline is not None)
        if self._female is None:
            self._subject_note.setText(self.tr("Sex is not recorded: MELD 3.0 needs it."))
        elif self._cholestatic:
            self._subject_note.setText(
                self.tr("Cholestatic disease: Child-Pugh uses bilirubin bands 4 / 10 mg/dL.")
            )
        else:
            self._subject_note.clear()

    # ------------------------------------------------------------------ internals

    def _retranslate(self) -> None:
        self._title.setText(self.tr("Scores (live)"))
        self._change_title.setText(self.tr("Δ vs baseline"))
        self._change_title.setToolTip(self.tr("Change from the subject's stored baseline visit"))

    def _notes_text(self, result: ScoreResult) -> str:
        if result.missing:
            names = []
            for name in result.missing:
                code = INPUT_FIELDS.get(name)
                names.append(find_field(code)[1].label.get(self._language) if code else name)
            return self.tr("Missing: {inputs}").format(inputs=", ".join(names))
        return self._notes_only(result)

    def _notes_only(self, result: ScoreResult) -> str:
        return self.tr("; ").join(self.note_text(note) for note in result.notes)

    def _value_text(self, key: str, result: ScoreResult) -> str:
        if key == "ALBI" and isinstance(result.value, tuple):
            score, grade = result.value
            number = f"{score:.2f}"
            return self.tr("{score} (grade {grade})").format(score=number, grade=grade)
        return result.text

    def note_text(self, note: Note) -> str:
        """A floor or cap that shaped a score, in the interface language."""
        names = {
            "bilirubin": self.tr("bilirubin"),
            "creatinine": self.tr("creatinine"),
            "INR": self.tr("INR"),
            "sodium": self.tr("sodium"),
            "albumin": self.tr("albumin"),
        }
        what = names.get(note.value("what"), note.value("what"))
        unit = note.value("unit")
        value = f"{note.value('value')} {unit}".strip()
        if note.code == "floored":
            return self.tr("{what} floored to {value}").format(what=what, value=value)
        if note.code == "capped":
            return self.tr("{what} capped at {value}").format(what=what, value=value)
        if note.code == "bounded":
            return self.tr("{what} bounded to {value}").format(what=what, value=value)
        if note.code == "dialysis":
            return self.tr("dialysis: creatinine set to {value}").format(value=value)
        if note.code == "no_sodium_correction":
            return self.tr("MELD(i) {value} ≤ 11: sodium correction not applied").format(
                value=note.value("value")
            )
        if note.code == "cholestatic":
            return self.tr("cholestatic disease: bilirubin bands {low} / {high} {unit}").format(
                low=note.value("low"), high=note.value("high"), unit=unit
            )
        return note.text

    def _change_text(self, key: str, result: ScoreResult, stored: str) -> str:
        if self._baseline is None:
            return ""
        before = comparable(key, self._baseline.get(stored))
        now = comparable(key, result.value)
        if before is None or now is None:
            return "—" if before is None else ""
        delta = now - before
        text = f"{delta:+.2f}" if key == "ALBI" else f"{delta:+.0f}"
        text = text.replace("-", "−")
        return text
