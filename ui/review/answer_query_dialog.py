"""Answering a query: the answer and, when the person may enter data, a corrected value for
the queried field (in SI units; the core validates and audits it like any change).

The dialog submits itself: OK calls ``submit(answer, correction)``, which answers through
the core and returns None when done or the message of a refusal. A refusal (a corrected
value out of range, say) keeps the dialog open with what was typed and the message under
it, so a nurse never loses an answer she wrote to a bad value.
"""

from __future__ import annotations

from collections.abc import Callable

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

Submit = Callable[[str, str | None], str | None]


class AnswerDialog(QDialog):
    """The answer and, when allowed, a corrected value for the queried field."""

    def __init__(
        self,
        query: QueryInfo,
        can_correct: bool,
        parent: QWidget | None = None,
        *,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("answerQueryDialog")
        self._submit = submit
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
        self.error = QLabel(self)
        self.error.setObjectName("answerError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        show = can_correct and query.field is not None
        layout = QFormLayout(self)
        layout.addRow(question)
        layout.addRow(self.tr("Answer:"), self.answer)
        if show:
            layout.addRow(self.tr("Corrected value:"), self.correction)
        else:
            self.correction.hide()
        layout.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Answer"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.resize(560, 280)

    def values(self) -> tuple[str, str | None]:
        correction = self.correction.text().strip() if self.correction.isVisibleTo(self) else ""
        return self.answer.toPlainText().strip(), correction or None

    def accept(self) -> None:
        """Close only once the core took the answer; otherwise show why and keep the text."""
        if self._submit is not None:
            message = self._submit(*self.values())
            if message is not None:
                self.error.setText(message)
                self.error.show()
                return
        super().accept()
