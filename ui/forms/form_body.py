"""The fields of one form, laid out from the data dictionary.

One group box per section of the long forms, lab values in two columns, derived values shown
read-only, and under an infusion the grid of its vital signs. Every input is a `FieldEditor`
whose widgets are named after the field code. The body holds no record and checks nothing:
`FormPage` fills it in and shows the core's findings on it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from msct_crf.study.dictionary import Field, Form

from .field_editor import FieldEditor
from .vital_signs_grid import VitalSignsGrid

#: Derived fields shown read-only on the form (the visit's scores live in the score panel).
SHOWN_DERIVED = {
    "ENROL": ("SUBJID", "AGE", "BMI"),
    "EX": ("EXNUM", "EXDUR", "EXDOSE"),
    "AE": ("AEINFREL",),
}
#: Fields laid out in two columns (lab values).
TWO_COLUMNS = {"VIS": ("ALT", "IGG")}


def section_titles(form_code: str) -> list[tuple[str, str]]:
    """Sections of the long forms: (title, code of the section's first field)."""
    sections = {
        "ENROL": [
            (QCoreApplication.translate("FormPage", "Subject"), "SUBJID"),
            (QCoreApplication.translate("FormPage", "Cirrhosis"), "CIRRDTC"),
        ]
        + [(QCoreApplication.translate("FormPage", "Eligibility"), "IEIN01")],
        "EX": [(QCoreApplication.translate("FormPage", "Infusion"), "EXNUM")],
        "VIS": [
            (QCoreApplication.translate("FormPage", "Visit"), "VISIT"),
            (QCoreApplication.translate("FormPage", "Laboratory"), "ALT"),
        ]
        + [(QCoreApplication.translate("FormPage", "Clinical status"), "ASCITES")],
    }
    return sections.get(form_code, [])


def _titles() -> dict[str, str]:
    """Section key -> title now, for a language switch (the keys are the first fields)."""
    return {
        "SUBJID": QCoreApplication.translate("FormPage", "Subject"),
        "CIRRDTC": QCoreApplication.translate("FormPage", "Cirrhosis"),
        "IEIN01": QCoreApplication.translate("FormPage", "Eligibility"),
        "EXNUM": QCoreApplication.translate("FormPage", "Infusion"),
        "VISIT": QCoreApplication.translate("FormPage", "Visit"),
        "ALT": QCoreApplication.translate("FormPage", "Laboratory"),
        "ASCITES": QCoreApplication.translate("FormPage", "Clinical status"),
        "__vs__": QCoreApplication.translate("FormPage", "Vital signs"),
    }


class FormBody(QWidget):
    """The editors of one form, in sections.

    Signals:
        edited(): a field or a vital-signs cell changed.
    """

    edited = Signal()

    def __init__(self, form: Form, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editors: dict[str, FieldEditor] = {}
        self._displays: dict[str, FieldEditor] = {}
        self._vital_signs: VitalSignsGrid | None = None
        self._boxes: list[tuple[str, QGroupBox]] = []
        layout = QVBoxLayout(self)
        shown = [
            f for f in form.fields if not f.derived or f.code in SHOWN_DERIVED.get(form.code, ())
        ]
        bounds = TWO_COLUMNS.get(form.code)
        two_codes = _span(shown, bounds) if bounds else set()
        starts = {code: title for title, code in section_titles(form.code)}
        section: list[Field] = []
        title = ""
        for f in shown:
            if section and f.code in starts:
                layout.addWidget(self._section(title, section, two_codes))
                section = []
            if not section:
                title = starts.get(f.code, "")
            section.append(f)
        if section:
            layout.addWidget(self._section(title, section, two_codes))
        if form.code == "EX":
            box = QGroupBox(QCoreApplication.translate("FormPage", "Vital signs"), self)
            self._boxes.append(("__vs__", box))
            self._vital_signs = VitalSignsGrid(box)
            self._vital_signs.edited.connect(self.edited)
            QVBoxLayout(box).addWidget(self._vital_signs)
            layout.addWidget(box)
        layout.addStretch(1)

    # ------------------------------------------------------------------ public

    @property
    def editors(self) -> dict[str, FieldEditor]:
        """The editable fields, by field code, in dictionary order."""
        return self._editors

    @property
    def displays(self) -> dict[str, FieldEditor]:
        """The derived fields shown read-only, by field code."""
        return self._displays

    @property
    def vital_signs(self) -> VitalSignsGrid | None:
        """The infusion's vital-signs grid (the EX form only)."""
        return self._vital_signs

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_boxes"):
            titles = _titles()
            for key, box in self._boxes:
                if box.title():
                    box.setTitle(titles.get(key, box.title()))
        super().changeEvent(event)

    # ------------------------------------------------------------------ layout

    def _section(self, title: str, fields: list[Field], two_codes: set[str]) -> QGroupBox:
        """One group box; the fields of `two_codes` pair up in two columns, other fields take
        a row each (on a form with no two-column fields, narrow enough to keep the
        missing-data button near its field)."""
        box = QGroupBox(title, self)
        self._boxes.append((fields[0].code, box))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(4)
        row = column = 0
        for f in fields:
            editor = FieldEditor(f, read_only=f.derived, parent=box)
            editor.edited.connect(self.edited)
            (self._displays if f.derived else self._editors)[f.code] = editor
            label = editor.label_widget()
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setMinimumWidth(110 if f.code in two_codes else 180)
            if f.code in two_codes:
                grid.setColumnStretch(3, 1)
                grid.addWidget(label, row, column * 2)
                grid.addWidget(editor, row, column * 2 + 1, Qt.AlignmentFlag.AlignTop)
                column = 1 - column
                row += column == 0
            else:
                if column:
                    row, column = row + 1, 0
                if not two_codes:  # keep the missing-data button near its field
                    editor.setMaximumWidth(540)
                grid.addWidget(label, row, 0)
                grid.addWidget(editor, row, 1, 1, 3)
                row += 1
        return box


def _span(fields: list[Field], bounds: tuple[str, str]) -> set[str]:
    """Codes of `fields` from the first to the last of `bounds`."""
    codes = [f.code for f in fields]
    first, last = codes.index(bounds[0]), codes.index(bounds[1])
    return set(codes[first : last + 1])
