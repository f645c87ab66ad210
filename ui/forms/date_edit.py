"""A date (or date-time, or partial date) typed as text, with a calendar to pick from.

QDateEdit cannot be blank and cannot hold "2019" or "2019-05", so the value is plain text in
ISO order (parsed and checked by msct_crf.study.validation); the calendar button only fills it in.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from msct_crf.study.dictionary import FieldType

_DIGITS_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DIGITS_DATETIME = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2})$")


class DateLineEdit(QWidget):
    """A line edit for a date-like field plus a calendar button.

    Signals:
        textEdited(str): the user typed or picked a date.
    """

    textEdited = Signal(str)

    def __init__(self, kind: FieldType, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kind = kind
        self._line = QLineEdit(self)
        self._line.setPlaceholderText(self._placeholder())
        self._line.setMaxLength(16 if kind is FieldType.DATETIME else 10)
        self._button = QToolButton(self)
        self._button.setText("▾")
        self._button.setToolTip(self.tr("Pick a date from the calendar"))
        self._button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._calendar = QCalendarWidget()
        self._calendar.setGridVisible(True)
        menu = QMenu(self._button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self._calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self._menu = menu
        self._button.setMenu(menu)
        self._calendar.activated.connect(self._picked)
        self._calendar.clicked.connect(self._picked)
        self._line.textEdited.connect(self.textEdited)
        self._line.editingFinished.connect(self._normalise)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._line)
        layout.addWidget(self._button)
        self.setFocusProxy(self._line)

    def _placeholder(self) -> str:
        if self._kind is FieldType.DATETIME:
            return self.tr("YYYY-MM-DD HH:MM")
        if self._kind is FieldType.PARTIAL_DATE:
            return self.tr("YYYY[-MM[-DD]]")
        return self.tr("YYYY-MM-DD")

    def line_edit(self) -> QLineEdit:
        return self._line

    def text(self) -> str:
        return self._line.text()

    def setText(self, text: str) -> None:  # noqa: N802 - mirrors QLineEdit
        self._line.setText(text)

    def _prepare_calendar(self) -> None:
        current = QDate.fromString(self._line.text()[:10], "yyyy-MM-dd")
        self._calendar.setSelectedDate(current if current.isValid() else QDate.currentDate())

    def _picked(self, day: QDate) -> None:
        text = day.toString("yyyy-MM-dd")
        if self._kind is FieldType.DATETIME:
            old = self._line.text()
            text += old[10:16] if len(old) >= 16 else " 00:00"
        self._line.setText(text)
        self._menu.hide()
        self._line.setFocus()
        if self._kind is FieldType.DATETIME:
            self._line.setSelection(11, 5)  # the time, ready to be typed over
        self.textEdited.emit(text)

    def _normalise(self) -> None:
        """Accept 20240115 / 202401150930 typed without separators."""
        text = self._line.text().strip()
        if self._kind is FieldType.DATETIME:
            match = _DIGITS_DATETIME.match(text)
            new = "{}-{}-{} {}:{}".format(*match.groups()) if match else text
        elif self._kind is FieldType.DATE or self._kind is FieldType.PARTIAL_DATE:
            match = _DIGITS_DATE.match(text)
            new = "{}-{}-{}".format(*match.groups()) if match else text
        else:
            new = text
        if new != self._line.text():
            self._line.setText(new)
            self.textEdited.emit(new)
