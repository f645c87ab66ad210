"""The password prompt of a locked session (see `ui.shell.idle_lock`): only the same person's
password, or quitting, ends it. A wrong password counts as a failed login in the core; once
the account is locked the prompt offers only to quit.

Signals:
    quitRequested(): the person chose to quit (unsaved input is given up).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
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


class UnlockDialog(QDialog):
    """The password prompt of a locked session; it cannot be dismissed without the password
    (or quitting)."""

    quitRequested = Signal()

    def __init__(
        self, store: Store, session: UserSession, minutes: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("idleUnlockDialog")
        self.setWindowTitle(self.tr("MSC-CRF — session locked"))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self._store = store
        self._session = session
        info = QLabel(
            self.tr(
                "The session was locked after {minutes} minutes without input. Your unsaved "
                "input is kept.\n\n{name}, type your password to continue."
            ).format(minutes=minutes, name=session.display_name()),
            self,
        )
        info.setWordWrap(True)
        self.password = QLineEdit(self)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_unlock)
        self.error = QLabel(self)
        self.error.setObjectName("unlockError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        self.unlock_button = QPushButton(self.tr("&Unlock"), self)
        self.unlock_button.setObjectName("idleUnlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.quit_button = QPushButton(self.tr("&Quit MSC-CRF"), self)
        self.quit_button.setObjectName("idleQuitButton")
        self.quit_button.setAutoDefault(False)
        self.quit_button.setToolTip(self.tr("Quit without saving the unsaved input"))
        self.quit_button.clicked.connect(self.quitRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(440, 200)

    def try_unlock(self) -> bool:
        actor = self._session.actor
        if actor is None:
            self.accept()
            return True
        try:
            access.reauthenticate(self._store, actor, self.password.text())
        except MsctError as exc:
            self.password.clear()
            self.error.setText(str(exc))
            self.error.show()
            account = access.get_user(self._store, actor.username)
            if account is None or account.locked or not account.active:
                self.password.setEnabled(False)
                self.unlock_button.setEnabled(False)
                self.quit_button.setDefault(True)
            return False
        self.accept()
        return True

    def reject(self) -> None:
        """Escape does not unlock."""
