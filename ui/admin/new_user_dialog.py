"""The details of a new account: user name, full name (printed with signatures), role and
first password."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QWidget

from msct_crf import access
from msct_crf.access import ROLES
from ui.admin.account_fields import ok_cancel_buttons, password_edit
from ui.common.session import role_name


class NewUserDialog(QDialog):
    """User name, full name, role and first password of a new account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newUserDialog")
        self.setWindowTitle(self.tr("Add a user"))
        self.username = QLineEdit(self)
        self.username.setObjectName("newUserName")
        self.username.setMaxLength(access.USERNAME_MAX)
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("newUserFullName")
        self.full_name.setMaxLength(access.FULL_NAME_MAX)
        self.role = QComboBox(self)
        self.role.setObjectName("newUserRole")
        for role in ROLES:
            self.role.addItem(role_name(role), role)
        self.role.setCurrentIndex(ROLES.index(access.NURSE))
        self.password = password_edit(self, "newUserPassword")
        form = QFormLayout(self)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Full name:"), self.full_name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("First password:"), self.password)
        buttons = ok_cancel_buttons(self, self.tr("Add user"))
        buttons.accepted.connect(self.accept)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {
            "username": self.username.text().strip(),
            "full_name": self.full_name.text(),
            "role": str(self.role.currentData()),
            "password": self.password.text(),
        }
