"""Administrators manage accounts: the accounts table, and adding a user, changing a role,
locking, unlocking, resetting a password, disabling and enabling.

Every change goes through `msct_crf.access`, which checks the role again and audits it (who
changed which account, when, and why; never a password). Refusals are shown in the dialog's
message line, never as a crash.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msct_crf import access
from msct_crf.access import UserInfo
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from ui.admin import account_prompts
from ui.admin.account_fields import ERROR_STYLE, OK_STYLE
from ui.common.screen_fit import resize_within_screen
from ui.common.session import UserSession, role_name


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
        resize_within_screen(self, 900, 420)
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
                details = account_prompts.ask_new_user(self)
                if details is None:
                    return
                added = access.add_user(
                    self._store,
                    actor,
                    username=details["username"],
                    full_name=details["full_name"],
                    role=details["role"],
                    password=details["password"],
                )
                self.refresh(select=added.username)
                self._say(self.tr("Added {user}.").format(user=added.username))
                return
            if info is None:
                return
            user = info.username
            if key == "role":
                role = account_prompts.ask_role(self, user, info.role)
                if role is None:
                    return
                access.set_role(self._store, actor, user, role)
                done = self.tr("{user} is now {role}.").format(user=user, role=role_name(role))
            elif key == "lock":
                reason = account_prompts.ask_account_reason(
                    self, self.tr("Lock {user}").format(user=user)
                )
                if reason is None:
                    return
                access.lock_user(self._store, actor, user, reason=reason)
                done = self.tr("{user} is locked.").format(user=user)
            elif key == "unlock":
                access.unlock_user(self._store, actor, user)
                done = self.tr("{user} is unlocked.").format(user=user)
            elif key == "reset":
                password = account_prompts.ask_new_password(self, user)
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
