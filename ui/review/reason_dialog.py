"""A required reason, typed before a step that the audit trail must explain (unlocking a
signed form): OK stays disabled until there is text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    """A required reason (for unlocking a signed form)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("unlockReason")
        self.reason.setTabChangesFocus(True)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self._ok = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: self._ok.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self._buttons)
        self.resize(460, 220)

    def text(self) -> str:
        return self.reason.toPlainText().strip()
