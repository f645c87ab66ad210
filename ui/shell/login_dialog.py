"""Logging in to a study database, and its first run.

A database with user accounts asks for the user name and password (`msct_crf.access.login`;
five failed attempts lock the account, and the dialog says so). A database without any
account yet (first run, or the demo) offers two ways on: create the administrator account
(then logged in as it), or continue in single-user mode with a user name that goes into the
audit trail, as before accounts existed.

:func:`session_for_store` is what the app calls after a database is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf import access
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from ui.common.session import UserSession

ERROR_STYLE = "color: #c62828;"


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(access.MAX_PASSWORD_LENGTH)
    return edit


def line_edit(parent: QWidget, name: str, max_length: int) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    return edit


class LoginDialog(QDialog):
    """See the module docstring. After ``accept()``, :attr:`session` holds the result."""

    def __init__(self, store: Store, user_hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self._store = store
        self.session: UserSession | None = None
        self.first_run = access.needs_admin(store)
        where = store.path.name if store.path is not None else store.url

        self._title = QLabel(self)
        self._title.setObjectName("loginTitle")
        self._title.setWordWrap(True)
        self._error = QLabel(self)
        self._error.setObjectName("loginError")
        self._error.setWordWrap(True)
        self._error.setStyleSheet(ERROR_STYLE)
        self._error.hide()
        login_page = self._build_login_page(user_hint)
        first_page = QWidget(self)
        first_layout = QVBoxLayout(first_page)
        first_layout.setContentsMargins(0, 0, 0, 0)
        first_layout.addWidget(self._build_admin_box(first_page, user_hint))
        first_layout.addWidget(self._build_single_user_box(first_page, user_hint))
        # only the page that applies is shown (and sizes the dialog)
        (login_page if self.first_run else first_page).hide()
        self._lay_out(login_page, first_page)
        self._set_title(where, user_hint)
        self.setMinimumWidth(520)
        self.adjustSize()

    # ------------------------------------------------------------------ building

    def _build_login_page(self, user_hint: str) -> QWidget:
        """User name and password, for a database with accounts."""
        page = QWidget(self)
        self.user = line_edit(page, "loginUser", access.USERNAME_MAX)
        self.user.setText(user_hint)
        self.password = password_edit(page, "loginPassword")
        self.login_button = QPushButton(self.tr("&Log in"), page)
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        form = QFormLayout(page)
        form.addRow(self.tr("&User name:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow("", self.login_button)
        return page

    def _build_admin_box(self, page: QWidget, user_hint: str) -> QGroupBox:
        """First run, way one: create the administrator account (then logged in as it)."""
        box = QGroupBox(self.tr("Create the administrator account"), page)
        self.admin_user = line_edit(box, "adminUser", access.USERNAME_MAX)
        self.admin_user.setText(user_hint or "admin")
        self.admin_name = line_edit(box, "adminFullName", access.FULL_NAME_MAX)
        self.admin_password = password_edit(box, "adminPassword")
        self.admin_repeat = password_edit(box, "adminRepeat")
        self.create_button = QPushButton(self.tr("&Create and log in"), box)
        self.create_button.setObjectName("createAdminButton")
        self.create_button.setAutoDefault(False)
        self.create_button.clicked.connect(self.try_create_admin)
        hint = QLabel(
            self.tr(
                "From then on everyone logs in with their own account and role (administrator, "
                "principal investigator, study nurse, monitor); passwords have at least {n} "
                "characters."
            ).format(n=access.MIN_PASSWORD_LENGTH),
            box,
        )
        hint.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(hint)
        form.addRow(self.tr("User name:"), self.admin_user)
        form.addRow(self.tr("Full name (printed with signatures):"), self.admin_name)
        form.addRow(self.tr("Password:"), self.admin_password)
        form.addRow(self.tr("Repeat the password:"), self.admin_repeat)
        form.addRow("", self.create_button)
        return box

    def _build_single_user_box(self, page: QWidget, user_hint: str) -> QGroupBox:
        """First run, way two: single-user mode under a typed name."""
        box = QGroupBox(self.tr("Continue without accounts (single-user mode)"), page)
        self.single_user = line_edit(box, "singleUserName", access.USERNAME_MAX)
        self.single_user.setText(user_hint)
        self.single_button = QPushButton(self.tr("C&ontinue"), box)
        self.single_button.setObjectName("singleUserButton")
        self.single_button.setAutoDefault(False)
        self.single_button.clicked.connect(self.continue_single_user)
        hint = QLabel(
            self.tr(
                "Anyone at this computer works under the name typed here; it goes into the "
                "audit trail. Signing, verifying and queries need accounts."
            ),
            box,
        )
        hint.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(hint)
        row = QHBoxLayout()
        row.addWidget(self.single_user, 1)
        row.addWidget(self.single_button)
        form.addRow(self.tr("Your name:"), row)
        return box

    def _lay_out(self, login_page: QWidget, first_page: QWidget) -> None:
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.setObjectName("loginCancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(login_page)
        layout.addWidget(first_page)
        layout.addWidget(self._error)
        layout.addLayout(bottom)

    def _set_title(self, where: str, user_hint: str) -> None:
        """Title and first focus: the first-run choice, or the login to ``where``."""
        if self.first_run:
            self.setWindowTitle(self.tr("MSC-CRF — first use of {database}").format(database=where))
            self._title.setText(
                self.tr(
                    "<b>{database}</b> has no user accounts yet. Create the administrator "
                    "account now, or continue in single-user mode."
                ).format(database=where)
            )
            self.admin_name.setFocus()
        else:
            self.setWindowTitle(self.tr("MSC-CRF — log in"))
            self._title.setText(self.tr("Log in to <b>{database}</b>").format(database=where))
            (self.password if user_hint else self.user).setFocus()

    # ------------------------------------------------------------------ actions

    def error_text(self) -> str:
        return self._error.text() if not self._error.isHidden() else ""

    def try_login(self) -> bool:
        try:
            actor = access.login(self._store, self.user.text(), self.password.text())
        except MsctError as exc:
            self._show_error(str(exc))
            self.password.clear()
            self.password.setFocus()
            return False
        self.session = UserSession(actor.username, actor)
        self.accept()
        return True

    def try_create_admin(self) -> bool:
        if self.admin_password.text() != self.admin_repeat.text():
            self._show_error(self.tr("The two passwords differ; type the same password twice."))
            self.admin_repeat.clear()
            self.admin_repeat.setFocus()
            return False
        name = self.admin_user.text().strip()
        try:
            access.create_admin(
                self._store, name, self.admin_name.text(), self.admin_password.text()
            )
            actor = access.login(self._store, name, self.admin_password.text())
        except MsctError as exc:
            self._show_error(str(exc))
            return False
        self.session = UserSession(actor.username, actor)
        self.accept()
        return True

    def continue_single_user(self) -> bool:
        name = " ".join(self.single_user.text().split())
        if not name:
            self._show_error(self.tr("Type your name: it goes into the audit trail."))
            self.single_user.setFocus()
            return False
        self.session = UserSession(name)
        self.accept()
        return True

    def _show_error(self, text: str) -> None:
        self._error.setText(text)
        self._error.show()


def session_for_store(
    store: Store, user_hint: str, parent: QWidget | None = None, *, offer_first_run: bool = True
) -> UserSession | None:
    """The session to work in on ``store``: a login when it has accounts; on a database
    without accounts the first-run choice (or, with ``offer_first_run`` False, single-user
    mode under ``user_hint`` at once). None when the person cancelled."""
    try:
        first_run = access.needs_admin(store)
    except MsctError:
        first_run = True
    if first_run and not offer_first_run and user_hint.strip():
        return UserSession(user_hint.strip())
    dialog = LoginDialog(store, user_hint, parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.session
