"""A code-list combo box that a scrolling mouse wheel does not change by accident."""

from __future__ import annotations

from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox


class CodeComboBox(QComboBox):
    """A code-list combo box that ignores the mouse wheel unless it has focus (no accidental
    changes while scrolling a long form)."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()
