"""Pieces shared by the account dialogs: a password box and an OK/Cancel row, and the
colours of their message lines."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QWidget

from msct_crf import access

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    """A hidden-text box as long as the core accepts a password, named ``name``."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(access.MAX_PASSWORD_LENGTH)
    return edit


def ok_cancel_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (labelled ``ok_text``, connected by the dialog) and Cancel (rejects)."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.rejected.connect(dialog.reject)
    return box
