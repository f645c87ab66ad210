"""Account dialogs: change one's own password, manage users (administrators), idle-lock time.

Every change goes through `msct_crf.access`, which checks the role again and audits it
(who changed which account, when, and why; never a password). Refusals are shown in the
dialog's message line, never as a crash.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msct_crf import access
from msct_crf.access import ROLES, UserInfo
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from ui.common.session import UserSession, role_name

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"


def _password(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(access.MAX_PASSWORD_LENGTH)
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.rejected.connect(dialog.reject)
    return box


# --------------------------------------------------------------------------- own password


class ChangePasswordDialog(QDialog):
    """The logged-in person changes their own password."""

    def __init__(self, store: Store, session: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(self.tr("Change password"))
        self._store = store
        self._session = session
        self.current = _password(self, "currentPassword")
        self.new = _password(self, "newPassword")
        self.repeat = _password(self, "repeatPassword")
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
        buttons = _buttons(self, self.tr("Change password"))
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


# --------------------------------------------------------------------------- user management


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
        self.password = _password(self, "newUserPassword")
        form = QFormLayout(self)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Full name:"), self.full_name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("First password:"), self.password)
        buttons = _buttons(self, self.tr("Add user"))
        buttons.accepted.connect(self.accept)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {
            "username": self.username.text().strip(),
            "full_name": self.full_name.text(),
            "role": str(self.role.currentData()),
            "password": self.password.text(),
        }


def ask_new_user(parent: QWidget | None) -> dict[str, str] | None:
    """The new account's details, or None. Module level so tests can answer it."""
    dialog = NewUserDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_role(parent: QWidget | None, username: str, current: str) -> str | None:
    names = [role_name(r) for r in ROLES]
    chosen, ok = QInputDialog.getItem(
        parent,
        QCoreApplication.translate("AccountDialogs", "Change role"),
        QCoreApplication.translate("AccountDialogs", "New role of {user}:").format(user=username),
        names,
        ROLES.index(current) if current in ROLES else 0,
        False,
    )
    return ROLES[names.index(chosen)] if ok and chosen in names else None


def ask_new_password(parent: QWidget | None, username: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("AccountDialogs", "Reset password"),
        QCoreApplication.translate(
            "AccountDialogs", "New password for {user} (tell them to change it at first login):"
        ).format(user=username),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def ask_account_reason(parent: QWidget | None, what: str) -> str | None:
    """An optional reason ("" for none) for an account change, or None when cancelled."""
    text, ok = QInputDialog.getText(
        parent, what, QCoreApplication.translate("AccountDialogs", "Reason (optional, audited):")
    )
    return text.strip() if ok else None


class UserManagementDialog(QDialog):
    """Administrators: the accounts table and what can be done to an account."""

    COLUMNS = ("username", "full_name", "role", "active", "locked", "failed", "created")

    def __init__(self, store: Store, session: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userManagementDialog")
        self.setWindowTitle(self.tr("Manage users"))
        self._store = store
        self._session = session
        self._users: list[UserInfo] = []
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("usersTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("User name"),
                self.tr("Full name"),
                self.tr("Role"),
                self.tr("Active"),
                self.tr("Locked"),
                self.tr("Failed logins"),
                self.tr("Created (UTC)"),
            ]
        )
        self.buttons: dict[str, QPushButton] = {}
        for key, name, text in (
            ("add", "addUserButton", self.tr("&Add user…")),
            ("role", "roleButton", self.tr("Change &role…")),
            ("lock", "lockUserButton", self.tr("&Lock")),
            ("unlock", "unlockUserButton", self.tr("&Unlock")),
            ("reset", "resetPasswordButton", self.tr("Reset &password…")),
            ("active", "activeButton", self.tr("&Disable")),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self._clicked(k))
            self.buttons[key] = button
        self.message = QLabel(self)
        self.message.setObjectName("userStatus")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(900, 420)
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self._users = access.list_users(self._store)
        self.table.setRowCount(len(self._users))
        yes, no = self.tr("yes"), self.tr("no")
        for row, info in enumerate(self._users):
            cells = (
                info.username,
                info.full_name,
                role_name(info.role),
                yes if info.active else no,
                yes if info.locked else no,
                str(info.failed_logins),
                info.created_at[:16].replace("T", " "),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.username)
                if info.locked or not info.active:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
            if info.username == select:
                self.table.selectRow(row)
        self._update_buttons()

    def users(self) -> list[UserInfo]:
        return list(self._users)

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._users[rows[0].row()] if rows else None

    def select(self, username: str) -> bool:
        for row, info in enumerate(self._users):
            if info.username == username:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        info = self.selected()
        chosen = info is not None
        self.buttons["role"].setEnabled(chosen)
        self.buttons["reset"].setEnabled(chosen)
        self.buttons["lock"].setEnabled(chosen and not info.locked)  # type: ignore[union-attr]
        self.buttons["unlock"].setEnabled(
            chosen and (info.locked or info.failed_logins > 0)  # type: ignore[union-attr]
        )
        self.buttons["active"].setEnabled(chosen)
        self.buttons["active"].setText(
            self.tr("&Enable") if info is not None and not info.active else self.tr("&Disable")
        )

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)

    def _clicked(self, key: str) -> None:
        actor = self._session.actor
        if actor is None:
            self._say(self.tr("Log in as an administrator to manage users."), True)
            return
        info = self.selected()
        try:
            if key == "add":
                details = ask_new_user(self)
                if details is None:
                    return
                added = access.add_user(self._store, actor, **details)
                self.refresh(select=added.username)
                self._say(self.tr("Added {user}.").format(user=added.username))
                return
            if info is None:
                return
            user = info.username
            if key == "role":
                role = ask_role(self, user, info.role)
                if role is None:
                    return
                access.set_role(self._store, actor, user, role)
                done = self.tr("{user} is now {role}.").format(user=user, role=role_name(role))
            elif key == "lock":
                reason = ask_account_reason(self, self.tr("Lock {user}").format(user=user))
                if reason is None:
                    return
                access.lock_user(self._store, actor, user, reason=reason)
                done = self.tr("{user} is locked.").format(user=user)
            elif key == "unlock":
                access.unlock_user(self._store, actor, user)
                done = self.tr("{user} is unlocked.").format(user=user)
            elif key == "reset":
                password = ask_new_password(self, user)
                if password is None:
                    return
                access.reset_password(self._store, actor, user, password)
                done = self.tr("The password of {user} was reset.").format(user=user)
            else:
                access.set_active(self._store, actor, user, not info.active)
                done = (
                    self.tr("{user} is disabled.").format(user=user)
                    if info.active
                    else self.tr("{user} is enabled.").format(user=user)
                )
        except MsctError as exc:
            self._say(str(exc), True)
            self.refresh(select=info.username if info else None)
            return
        self.refresh(select=user)
        self._say(done)


# --------------------------------------------------------------------------- idle lock


class IdleLockDialog(QDialog):
    """Minutes without input after which the session locks (a study setting, audited)."""

    def __init__(self, store: Store, session: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idleLockDialog")
        self.setWindowTitle(self.tr("Idle lock"))
        self._store = store
        self._session = session
        low, high = access.IDLE_LOCK_RANGE
        self.minutes = QSpinBox(self)
        self.minutes.setObjectName("idleMinutes")
        self.minutes.setRange(low, high)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setValue(access.idle_lock_minutes(store))
        self.error = QLabel(self)
        self.error.setObjectName("idleError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form = QFormLayout(self)
        hint = QLabel(
            self.tr(
                "After this time without keyboard or mouse input the window is hidden and the "
                "password is asked again; unsaved input is kept. Applies to everyone using "
                "this study database."
            ),
            self,
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(self.tr("Lock after:"), self.minutes)
        form.addRow(self.error)
        buttons = _buttons(self, self.tr("Save"))
        buttons.accepted.connect(self.try_save)
        form.addRow(buttons)
        can_change = session.can(access.Permission.SETTINGS)
        self.minutes.setEnabled(can_change)
        if not can_change:
            self.error.setText(self.tr("Only an administrator can change the idle lock time."))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(can_change)

    def try_save(self) -> bool:
        try:
            access.set_idle_lock_minutes(self._store, self._session.actor, self.minutes.value())
        except MsctError as exc:
            self.error.setText(str(exc))
            return False
        self.accept()
        return True
