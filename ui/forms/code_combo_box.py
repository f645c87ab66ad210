"""A code-list combo box for the keyboard: type a label (spaces included), a code or a
leading digit to choose; the mouse wheel does not change it by accident."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QWidget


def match_index(items: list[tuple[str, str]], typed: str) -> int:
    """The item that ``typed`` names, -1 for none. ``items`` are (label, code) pairs.

    In order: the code itself ("2" for West Haven grade 2, "M6"), the start of the label
    ("Month 6", "west"), the start of the code, a word of the label ("6" for "Month 6").
    """
    needle = typed.casefold()
    if not needle.strip():
        return -1
    tests = (
        lambda label, code: code.casefold() == needle,
        lambda label, code: label.casefold().startswith(needle),
        lambda label, code: code.casefold().startswith(needle),
        lambda label, code: any(w.startswith(needle) for w in label.casefold().split()),
    )
    for test in tests:
        for index, (label, code) in enumerate(items):
            if (label or code) and test(label, code):
                return index
    return -1


class CodeComboBox(QComboBox):
    """See the module docstring. Qt's own search stops at a space (which opens the popup)
    and knows only the labels; this one keeps what was typed within the keyboard interval
    and also matches codes, so "Month 6" and "3" (West Haven grade 3) both work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._clock = QElapsedTimer()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        text = event.text()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if not plain or not text or not text.isprintable():
            super().keyPressEvent(event)
            return
        if not self._clock.isValid() or self._clock.elapsed() > max(
            QApplication.keyboardInputInterval(), 1000
        ):
            self._typed = ""
        self._clock.restart()
        if text == " " and not self._typed:
            super().keyPressEvent(event)  # a space alone opens the list, as before
            return
        self._typed += text
        items = [(self.itemText(i), str(self.itemData(i) or "")) for i in range(self.count())]
        index = match_index(items, self._typed)
        if index < 0 and len(self._typed) > len(text):
            self._typed = text  # start again with this key
            index = match_index(items, self._typed)
        if index >= 0:
            self.setCurrentIndex(index)
        event.accept()
