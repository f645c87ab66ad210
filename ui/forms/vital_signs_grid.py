"""The infusion's vital signs: timepoints PRE ... 24H by temperature, pulse, BP, RR, SpO2.

Each cell is a line edit named ``vs_<TPT>_<CODE>``, checked on every keystroke by the same
core rules as any field (parse_value and validate of the VS form, including systolic >
diastolic). Typing ND, UNK or NA in a cell records that missing-data code.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from msct_crf.study.dictionary import VITAL_SIGNS, CodeList, MissingCode
from msct_crf.study.validation import Finding, parse_value, validate
from msct_crf.workflow.records import Record, VitalSignsRow

from .field_editor import ERROR_COLOUR, WARNING_COLOUR
from .formatting import value_text

MEASURES = ("TEMP", "PULSE", "SYSBP", "DIABP", "RESP", "SPO2")


def _timepoint_list() -> CodeList:
    codelist = VITAL_SIGNS.field("VSTPT").codelist
    assert codelist is not None, "VSTPT has a code list in the dictionary"
    return codelist


_TIMEPOINT_LIST = _timepoint_list()
TIMEPOINTS = _TIMEPOINT_LIST.codes
_MISSING = {code.value for code in MissingCode}


class VitalSignsGrid(QWidget):
    """A grid of vital-sign cells for one infusion.

    Signals:
        edited(): a cell changed.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = "en"
        self._cells: dict[tuple[str, str], QLineEdit] = {}
        self._record_ids: dict[str, int] = {}
        self._versions: dict[str, int] = {}  # each saved row's Record.version
        self._snapshot: dict[tuple[str, str], str] = {}
        self._findings: dict[str, list[Finding]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self._column_labels: dict[str, QLabel] = {}
        self._row_labels: dict[str, QLabel] = {}
        for column, code in enumerate(MEASURES, start=1):
            label = QLabel(self)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            grid.addWidget(label, 0, column)
            self._column_labels[code] = label
            grid.setColumnMinimumWidth(column, 100)
            grid.setColumnStretch(column, 1)
        for row, tpt in enumerate(TIMEPOINTS, start=1):
            label = QLabel(self)
            grid.addWidget(label, row, 0)
            self._row_labels[tpt] = label
            for column, code in enumerate(MEASURES, start=1):
                cell = QLineEdit(self)
                cell.setObjectName(f"vs_{tpt}_{code}")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                cell.setMaxLength(12)
                cell.setMaximumWidth(90)
                cell.textEdited.connect(self._cell_edited)
                cell.returnPressed.connect(self.focusNextChild)
                grid.addWidget(cell, row, column, Qt.AlignmentFlag.AlignCenter)
                self._cells[(tpt, code)] = cell
        self._messages = QLabel(self)
        self._messages.setObjectName("vsMessages")
        self._messages.setWordWrap(True)
        self._messages.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self._messages)
        self.set_language("en")

    # ------------------------------------------------------------------ public

    def cells(self) -> list[QLineEdit]:
        """Cells in tab order: row by row."""
        return [self._cells[(tpt, code)] for tpt in TIMEPOINTS for code in MEASURES]

    def cell(self, tpt: str, code: str) -> QLineEdit:
        return self._cells[(tpt, code)]

    def set_language(self, language: str) -> None:
        self._language = language
        for code, label in self._column_labels.items():
            f = VITAL_SIGNS.field(code)
            label.setText(f"{f.label.get(language)}\n({f.unit})")
        for tpt, label in self._row_labels.items():
            label.setText(_TIMEPOINT_LIST.label(tpt, language))
        self._show_findings()

    def load(self, records: list[Record]) -> None:
        """Show the saved vital signs of an infusion (an empty list clears the grid)."""
        self._record_ids = {}
        self._versions = {}
        for cell in self._cells.values():
            cell.clear()
        for record in records:
            tpt = record.values.get("VSTPT")
            if tpt not in TIMEPOINTS:
                continue
            self._record_ids[tpt] = record.id
            self._versions[tpt] = record.version
            for code in MEASURES:
                f = VITAL_SIGNS.field(code)
                value = record.values.get(code)
                text = value_text(f, value) if value is not None else record.missing.get(code, "")
                self._cells[(tpt, code)].setText(text)
        self._snapshot = self._state()
        self.revalidate()

    def is_dirty(self) -> bool:
        return self._state() != self._snapshot

    def set_editable(self, editable: bool) -> None:
        for cell in self._cells.values():
            cell.setReadOnly(not editable)

    def rows_to_save(self) -> list[VitalSignsRow]:
        """The rows to write: rows with anything typed, and changed saved rows (so clearing
        a saved cell is recorded)."""
        out = []
        for tpt in TIMEPOINTS:
            values, missing = self._row(tpt)
            record_id = self._record_ids.get(tpt)
            changed = any(
                self._cells[(tpt, c)].text().strip() != self._snapshot.get((tpt, c), "")
                for c in MEASURES
            )
            if record_id is not None and not changed:
                continue
            if record_id is None and not any(values.values()) and not missing:
                continue
            based_on = self._versions.get(tpt, 0)
            row = VitalSignsRow(tpt, {"VSTPT": tpt, **values}, missing, record_id, based_on)
            out.append(row)
        return out

    def findings(self) -> dict[str, list[Finding]]:
        """Live findings per timepoint."""
        return {tpt: list(items) for tpt, items in self._findings.items() if items}

    def error_count(self) -> int:
        return sum(1 for items in self._findings.values() for f in items if f.is_error)

    def revalidate(self) -> None:
        self._findings = {}
        for tpt in TIMEPOINTS:
            values, missing = self._row(tpt)
            if not any(values.values()) and not missing:
                continue
            parsed: dict[str, Any] = {"VSTPT": tpt}
            findings: list[Finding] = []
            for code, raw in values.items():
                result = parse_value(VITAL_SIGNS.field(code), raw)
                parsed[code] = result.value
                if result.finding:
                    findings.append(result.finding)
            findings += validate("VS", parsed, missing, complete=False)
            self._findings[tpt] = findings
        self._show_findings()

    # ------------------------------------------------------------------ internals

    def _row(self, tpt: str) -> tuple[dict[str, str], dict[str, str]]:
        values: dict[str, str] = {}
        missing: dict[str, str] = {}
        for code in MEASURES:
            text = self._cells[(tpt, code)].text().strip()
            if text.upper() in _MISSING:
                missing[code] = text.upper()
                values[code] = ""
            else:
                values[code] = text
        return values, missing

    def _state(self) -> dict[tuple[str, str], str]:
        return {key: cell.text().strip() for key, cell in self._cells.items()}

    def _cell_edited(self, _text: str) -> None:
        self.revalidate()
        self.edited.emit()

    def _show_findings(self) -> None:
        lines = []
        for (tpt, code), cell in self._cells.items():
            mine = [f for f in self._findings.get(tpt, []) if f.field == code]
            worst = next((f for f in mine if f.is_error), mine[0] if mine else None)
            if worst is None:
                cell.setStyleSheet("")
                cell.setToolTip("")
                continue
            colour = ERROR_COLOUR if worst.is_error else WARNING_COLOUR
            cell.setStyleSheet(f"QLineEdit {{ border: 2px solid {colour}; }}")
            cell.setToolTip(self._message(worst))
        for tpt in TIMEPOINTS:
            for finding in self._findings.get(tpt, []):
                colour = ERROR_COLOUR if finding.is_error else WARNING_COLOUR
                where = _TIMEPOINT_LIST.label(tpt, self._language)
                text = self._message(finding).replace("<", "&lt;")
                lines.append(f'<span style="color:{colour}">{where}: {text}</span>')
        self._messages.setText("<br>".join(lines))
        self._messages.setVisible(bool(lines))

    def _message(self, finding: Finding) -> str:
        return finding.message_zh if self._language.startswith("zh") else finding.message
