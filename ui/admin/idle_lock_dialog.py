"""The idle-lock time: minutes without input after which the session locks. A study setting
(it applies to everyone using the database), changed by administrators and audited."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from msct_crf import access
from msct_crf.errors import MsctError
from msct_crf.storage.store import Store
from ui.admin.account_fields import ERROR_STYLE, ok_cancel_buttons
from ui.common.session import UserSession


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
        buttons = ok_cancel_buttons(self, self.tr("Save"))
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
