"""The logged-in person changes their own password (`msct_crf.access.change_password`
checks the current one, the rules and audits the change; never the password)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QWidget

from msct_crf import access
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from ui.admin.account_fields import ERROR_STYLE, ok_cancel_buttons, password_edit
from ui.common.session import UserSession


class ChangePasswordDialog(QDialog):
    """The logged-in person changes their own password."""

    def __init__(self, store: Store, session: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(self.tr("Change password"))
        self._store = store
        self._session = session
        self.current = password_edit(self, "currentPassword")
        self.new = password_edit(self, "newPassword")
        self.repeat = password_edit(self, "repeatPassword")
        self.error = QLabel(self)
        self.error.setObjectName("passwordError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                self.tr("Account: {name}").format(name=session.display_name()),
                self,
            )
        )
        form.addRow(self.tr("Current password:"), self.current)
        form.addRow(
            self.tr("New password (at least {n} characters):").format(n=access.MIN_PASSWORD_LENGTH),
            self.new,
        )
        form.addRow(self.tr("Repeat the new password:"), self.repeat)
        form.addRow(self.error)
        buttons = ok_cancel_buttons(self, self.tr("Change password"))
        buttons.accepted.connect(self.try_change)
        form.addRow(buttons)
        self.resize(480, 220)

    def try_change(self) -> bool:
        actor = self._session.actor
        if actor is None:
            self.error.setText(self.tr("Single-user mode has no passwords."))
            return False
        if self.new.text() != self.repeat.text():
            self.error.setText(self.tr("The two new passwords differ."))
            return False
        try:
            access.change_password(self._store, actor, self.current.text(), self.new.text())
        except MsctError as exc:
            self.error.setText(str(exc))
            return False
        self.accept()
        return True
