"""File › New study database… (Ctrl+Shift+N): the new study's ID and site, asked with the
start dialog's fields (:class:`ui.shell.new_study_fields.NewStudyFields`) before the file
dialog, so a new file always has both."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from ui.shell.new_study_fields import Identity, NewStudyFields


class NewStudyDialog(QDialog):
    """Study ID and site of a new study file; :attr:`identity` is set when accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newStudyDialog")
        self.setWindowTitle(self.tr("New study database"))
        self.identity: Identity | None = None
        form = QFormLayout(self)
        intro = QLabel(
            self.tr("The new study file's study ID (the protocol number) and its one site."),
            self,
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.fields = NewStudyFields(self, form)
        self._error = QLabel(self)
        self._error.setObjectName("newStudyError")
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #a61b1b;")
        form.addRow(self._error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(480)

    def error_text(self) -> str:
        return self._error.text()

    def accept(self) -> None:
        identity, problem = self.fields.identity()
        self._error.setText(problem)
        if identity is None:
            return
        self.identity = identity
        super().accept()


def ask_new_study(parent: QWidget | None) -> Identity | None:
    """The new study's identity, or None when cancelled (a function so tests can answer)."""
    dialog = NewStudyDialog(parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.identity
    finally:
        dialog.deleteLater()
