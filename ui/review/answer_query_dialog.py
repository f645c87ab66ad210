"""Answering a query: the answer and, when the person may enter data, a corrected value for
the queried field (in SI units; the core validates and audits it like any change)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from msct_crf.workflow.queries import QueryInfo
from ui.models.query_table import query_summary


class AnswerDialog(QDialog):
    """The answer and, when allowed, a corrected value for the queried field."""

    def __init__(self, query: QueryInfo, can_correct: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerQueryDialog")
        self.setWindowTitle(self.tr("Answer query #{id}").format(id=query.id))
        question = QLabel(query_summary(query), self)
        question.setWordWrap(True)
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName("answerText")
        self.answer.setTabChangesFocus(True)
        self.correction = QLineEdit(self)
        self.correction.setObjectName("correctionEdit")
        self.correction.setPlaceholderText(
            self.tr("New value of {field} in SI units (leave empty to keep it)").format(
                field=query.field or ""
            )
        )
        show = can_correct and query.field is not None
        layout = QFormLayout(self)
        layout.addRow(question)
        layout.addRow(self.tr("Answer:"), self.answer)
        if show:
            layout.addRow(self.tr("Corrected value:"), self.correction)
        else:
            self.correction.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Answer"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.resize(560, 280)

    def values(self) -> tuple[str, str | None]:
        correction = self.correction.text().strip() if self.correction.isVisibleTo(self) else ""
        return self.answer.toPlainText().strip(), correction or None
