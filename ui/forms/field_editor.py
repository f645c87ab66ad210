"""One field of a form, built from its dictionary definition.

The input widget's objectName is ``field_<CODE>``, the missing-data button ``missing_<CODE>``
and the message beneath it ``error_<CODE>``: the names tests and users' scripts rely on.
What the user typed is kept as typed, with the unit system it was typed in, so toggling the
display units never changes a value that was not edited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf.study.dictionary import MISSING_LABELS, Field, FieldType, MissingCode
from msct_crf.study.units import UnitSystem, unit_of
from msct_crf.study.validation import Finding, Parsed, parse_value

from .code_combo_box import CodeComboBox
from .date_edit import DateLineEdit
from .formatting import display_text, value_text

ERROR_COLOUR = "#c62828"
WARNING_COLOUR = "#a15c00"
_DATE_TYPES = (FieldType.DATE, FieldType.DATETIME, FieldType.PARTIAL_DATE)


class FieldEditor(QWidget):
    """Input, unit, missing-data button and message for one dictionary field.

    Signals:
        edited(str): the user changed the value or the missing-data code (the field code).
    """

    edited = Signal(str)

    def __init__(
        self,
        field: Field,
        *,
        language: str = "en",
        units: UnitSystem = UnitSystem.SI,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._field = field
        self._language = language
        self._units = units
        self._read_only = read_only
        self._raw = ""
        self._raw_units = units
        self._missing: str | None = None
        self._updating = False
        self._label = QLabel(self)
        self._label.setObjectName(f"label_{field.code}")
        self._label.setWordWrap(True)
        self._label.setContentsMargins(0, 3, 0, 0)
        self._unit = QLabel(self)
        self._unit.setObjectName(f"unit_{field.code}")
        self._unit.setMinimumWidth(70)
        self._message = QLabel(self)
        self._message.setObjectName(f"error_{field.code}")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._message.hide()
        self._input = self._make_input()
        self._missing_button = self._make_missing_button()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._input)
        row.addWidget(self._unit)
        row.addStretch(1)
        if self._missing_button is not None:
            row.addWidget(self._missing_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addLayout(row)
        column.addWidget(self._message)
        self._label.setBuddy(self.focus_widget())
        self.setFocusProxy(self.focus_widget())
        self.set_language(language)

    # ------------------------------------------------------------------ construction

    def _make_input(self) -> QWidget:
        f = self._field
        name = f"field_{f.code}"
        if f.type is FieldType.CODE and not self._read_only:
            combo = CodeComboBox(self)
            combo.setObjectName(name)
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(90)
            combo.currentIndexChanged.connect(self._combo_changed)
            return combo
        if f.type in _DATE_TYPES and not self._read_only:
            dates = DateLineEdit(f.type, self)
            dates.line_edit().setObjectName(name)
            dates.line_edit().setMinimumWidth(150 if f.type is FieldType.DATETIME else 110)
            dates.textEdited.connect(self._text_edited)
            dates.line_edit().returnPressed.connect(self._enter)
            return dates
        line = QLineEdit(self)
        line.setObjectName(name)
        line.setMaxLength(f.max_length if f.type is FieldType.TEXT else 40)
        if f.is_numeric:
            line.setMinimumWidth(80)
            line.setMaximumWidth(120)
            line.setAlignment(Qt.AlignmentFlag.AlignRight)
        elif f.max_length <= 12:
            line.setMinimumWidth(80)
            line.setMaximumWidth(120)
        else:
            line.setMinimumWidth(200)
        if self._read_only:
            line.setReadOnly(True)
            line.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            line.setStyleSheet("QLineEdit { background: palette(window); }")
        line.textEdited.connect(self._text_edited)
        line.returnPressed.connect(self._enter)
        return line

    def _make_missing_button(self) -> QToolButton | None:
        if self._read_only:
            return None
        button = QToolButton(self)
        button.setObjectName(f"missing_{self._field.code}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setAutoRaise(True)
        menu = QMenu(button)
        for code in MissingCode:
            action = menu.addAction(code.value)
            action.setData(code.value)
            action.triggered.connect(lambda _=False, c=code.value: self._missing_chosen(c))
        menu.addSeparator()
        clear = menu.addAction(self.tr("Clear missing-data code"))
        self._clear_action = clear
        clear.triggered.connect(lambda _=False: self._missing_chosen(None))
        button.setMenu(menu)
        shortcut = QShortcut(QKeySequence(self.tr("Ctrl+M")), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._open_missing_menu)
        return button

    def _open_missing_menu(self) -> None:
        """Ctrl+M: the menu under the button with its first code highlighted, so Return
        chooses it and the arrows move from there (Qt's own popup starts with none)."""
        button = self._missing_button
        if button is None or not button.isEnabled():
            return
        menu = button.menu()
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        menu.setActiveAction(menu.actions()[0])

    # ------------------------------------------------------------------ public

    @property
    def field(self) -> Field:
        return self._field

    @property
    def code(self) -> str:
        return self._field.code

    def label_widget(self) -> QLabel:
        return self._label

    def focus_widget(self) -> QWidget:
        """The widget that takes keyboard focus (for tab order)."""
        if isinstance(self._input, DateLineEdit):
            return self._input.line_edit()
        return self._input

    def raw(self) -> str:
        """What the user typed (a code for code lists), as typed."""
        return self._raw

    def raw_units(self) -> UnitSystem:
        return self._raw_units

    def missing(self) -> str | None:
        return self._missing

    def parsed(self) -> Parsed:
        """The typed value parsed by the core (SI), with the finding when it cannot be read."""
        return parse_value(self._field, self._raw, self._raw_units)

    def state(self) -> tuple[str, str, str | None]:
        """A comparable snapshot for the unsaved-changes check."""
        return (self._raw.strip(), self._raw_units.value, self._missing)

    def set_value(self, value: Any, missing: str | None = None) -> None:
        """Show a stored SI value (or a missing-data code) as the field's saved state."""
        if self._read_only:  # a derived value: shown rounded, never sent back
            self._raw = display_text(self._field, value, language=self._language)
        else:
            self._raw = value_text(self._field, value, UnitSystem.SI)
        self._raw_units = UnitSystem.SI
        self._missing = missing if value is None else None
        self._refresh()

    def set_raw(self, text: str) -> None:
        """Fill in text as if typed in the current units (a prefill, e.g. AE onset)."""
        self._raw = text
        self._raw_units = self._units
        self._missing = None
        self._refresh()

    def set_missing(self, code: str | None) -> None:
        self._missing_chosen(code)

    def set_units(self, units: UnitSystem) -> None:
        if units is self._units:
            return
        self._units = units
        self._refresh()

    def set_language(self, language: str) -> None:
        self._language = language
        f = self._field
        mark = " *" if f.required and not f.derived else ""
        self._label.setText(f.label.get(language) + mark)
        self._label.setToolTip(f.code)
        if self._missing_button is not None:
            self._clear_action.setText(self.tr("Clear missing-data code"))
        self._refresh()

    def set_finding(self, finding: Finding | None) -> None:
        """Show the most important finding of this field beside it (None clears)."""
        if finding is None:
            self._message.clear()
            self._message.hide()
            self.focus_widget().setStyleSheet(self._base_style())
            self.focus_widget().setToolTip("")
            return
        colour = ERROR_COLOUR if finding.is_error else WARNING_COLOUR
        text = finding.message_zh if self._language.startswith("zh") else finding.message
        self._message.setText(text)
        self._message.setStyleSheet(f"color: {colour};")
        self._message.setProperty("severity", finding.severity)
        self._message.show()
        widget = self.focus_widget()
        kind = type(widget).__name__
        widget.setStyleSheet(self._base_style() + f"{kind} {{ border: 2px solid {colour}; }}")
        widget.setToolTip(text)

    def message_text(self) -> str:
        return self._message.text()

    def set_editable(self, editable: bool) -> None:
        if self._read_only:
            return
        self._input.setEnabled(editable and self._missing is None)
        if self._missing_button is not None:
            self._missing_button.setEnabled(editable)

    # ------------------------------------------------------------------ internals

    def _base_style(self) -> str:
        if self._read_only:
            return "QLineEdit { background: palette(window); }"
        return ""

    def _refresh(self) -> None:
        """Redisplay value, unit and missing-data state (no edited signal)."""
        self._updating = True
        try:
            f = self._field
            unit = unit_of(f, self._units) or ""
            self._unit.setText(self._unit_text(unit))
            self._unit.setVisible(bool(unit) or f.is_numeric)
            text = self._display_text()
            if isinstance(self._input, QComboBox):
                self._fill_combo()
            elif isinstance(self._input, DateLineEdit | QLineEdit) and self._input.text() != text:
                self._input.setText(text)
            self._show_missing()
        finally:
            self._updating = False

    def _unit_text(self, unit: str) -> str:
        """Units that are words are translated; symbols (mg/dL, µmol/L) are the same in
        both languages."""
        words = {
            "years": self.tr("years"),
            "ratio": self.tr("ratio"),
            "min": self.tr("min"),
            "/min": self.tr("/min"),
            "s": self.tr("s"),
            "x10^6 cells/kg": self.tr("x10^6 cells/kg"),
        }
        return words.get(unit, unit)

    def _display_text(self) -> str:
        if self._missing or not self._raw.strip():
            return "" if self._missing else self._raw
        if self._raw_units is self._units or not self._field.conventional:
            return self._raw
        parsed = parse_value(self._field, self._raw, self._raw_units)
        if parsed.value is None:
            return self._raw
        return value_text(self._field, parsed.value, self._units)

    def _fill_combo(self) -> None:
        combo = self._input
        assert isinstance(combo, QComboBox) and self._field.codelist is not None
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", "")
        for item in self._field.codelist.items:
            combo.addItem(item.label.get(self._language), item.code)
        index = combo.findData(self._raw) if self._raw else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _show_missing(self) -> None:
        if self._missing_button is None:
            return
        code = self._missing
        if code:
            label = MISSING_LABELS[MissingCode(code)][1 if self._language.startswith("zh") else 0]
            self._missing_button.setText(code)
            self._missing_button.setToolTip(
                self.tr("Missing-data code: {code} ({label})").format(code=code, label=label)
            )
            if isinstance(self._input, QLineEdit):
                self._input.setPlaceholderText(f"{code} — {label}")
            elif isinstance(self._input, DateLineEdit):
                self._input.line_edit().setPlaceholderText(f"{code} — {label}")
        else:
            self._missing_button.setText("…")
            self._missing_button.setToolTip(
                self.tr("Set a missing-data code: ND not done, UNK unknown, NA not applicable")
                + " (Ctrl+M)"
            )
            if isinstance(self._input, QLineEdit):
                self._input.setPlaceholderText("")
            elif isinstance(self._input, DateLineEdit):
                self._input.line_edit().setPlaceholderText(self._input._placeholder())
        self._input.setEnabled(code is None)

    def _text_edited(self, text: str) -> None:
        if self._updating:
            return
        self._raw = text
        self._raw_units = self._units
        self.edited.emit(self._field.code)

    def _combo_changed(self, index: int) -> None:
        if self._updating:
            return
        combo = self._input
        assert isinstance(combo, QComboBox)
        self._raw = str(combo.itemData(index) or "")
        self._raw_units = self._units
        self.edited.emit(self._field.code)

    def _missing_chosen(self, code: str | None) -> None:
        if code == self._missing:
            return
        self._missing = code
        if code is not None:
            self._raw = ""
        self._refresh()
        if code is None:
            self.focus_widget().setFocus()
        self.edited.emit(self._field.code)

    def _enter(self) -> None:
        """Enter moves to the next field; it never saves."""
        self.focusNextChild()
