"""Signing a record: the password again and the meaning of the signature (21 CFR 11.50: the
meaning is shown with the signature, so it is chosen from a fixed, translated list)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from msct_crf.workflow import lifecycle


def meanings() -> list[tuple[str, str]]:
    """(stored meaning, translated text shown) for the signature meanings offered."""
    shown = [
        QCoreApplication.translate("LifecycleBar", "I approve this data"),
        QCoreApplication.translate("LifecycleBar", "I have reviewed this data"),
        QCoreApplication.translate(
            "LifecycleBar", "I am the responsible investigator for this data"
        ),
    ]
    return list(zip(lifecycle.MEANINGS, shown, strict=True))


class SignDialog(QDialog):
    """Password again + meaning of the signature (21 CFR 11: the meaning is shown with it)."""

    def __init__(self, printed_name: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle(self.tr("Sign"))
        intro = QLabel(
            self.tr(
                "You are signing {what} as {name}. Your signature is bound to the data as they "
                "are now; any later change needs an unlock that voids it."
            ).format(what=what, name=printed_name),
            self,
        )
        intro.setWordWrap(True)
        self.meaning = QComboBox(self)
        self.meaning.setObjectName("signMeaning")
        for stored, shown in meanings():
            self.meaning.addItem(shown, stored)
        self.password = QLineEdit(self)
        self.password.setObjectName("signPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Meaning:"), self.meaning)
        form.addRow(self.tr("Your password:"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.password.setFocus()
        self.resize(480, 200)

    def values(self) -> tuple[str, str]:
        """(password, meaning as stored)."""
        return self.password.text(), str(self.meaning.currentData())
