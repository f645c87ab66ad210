"""Raising a query: which field (or the whole form) and the question."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QWidget,
)

from msct_crf.study.dictionary import form as get_form
from ui.models.query_table import field_label


class RaiseQueryDialog(QDialog):
    """Which field (or the whole form) and the question."""

    def __init__(self, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("raiseQueryDialog")
        self.setWindowTitle(self.tr("Raise a query"))
        self.field = QComboBox(self)
        self.field.setObjectName("queryField")
        self.field.addItem(field_label(form, None), None)
        for f in get_form(form).entry_fields:
            self.field.addItem(field_label(form, f.code), f.code)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("queryText")
        self.text.setTabChangesFocus(True)
        layout = QFormLayout(self)
        layout.addRow(self.tr("Field:"), self.field)
        layout.addRow(self.tr("Question:"), self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Raise query"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.resize(520, 240)

    def values(self) -> tuple[str | None, str]:
        return self.field.currentData(), self.text.toPlainText().strip()
