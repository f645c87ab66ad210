"""The idle lock: after `access.idle_lock_minutes` without keyboard or mouse input the window's
contents are hidden behind a modal dialog that asks the same person for their password again.

Nothing is closed or reloaded: the forms underneath keep every unsaved character, and come back
as they were once the password is right. Another person cannot take over the session (the
dialog has no user name field; they log in in their own session after this one quits). A wrong
password counts as a failed login in the core, so five of them lock the account; the dialog
then offers only to quit.

The password prompt is `ui.shell.unlock_dialog.UnlockDialog`. The policy clock is
`msct_crf.access.IdleLock`; tests inject a fake clock and call
:meth:`IdleLockGuard.check` instead of waiting for the timer.

Signals of :class:`IdleLockGuard`:
    locked(): the screen was locked.
    unlocked(): the right password was typed.
    quitRequested(): the person chose to quit from the lock (unsaved input is given up).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from msct_crf import access
from msct_crf.storage.store import Store
from ui.common.session import UserSession
from ui.shell.unlock_dialog import UnlockDialog

#: Events that count as the person being at the computer.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
POLL_MS = 10_000


class IdleLockGuard(QObject):
    """Watches input for ``window`` and locks it when idle (see the module docstring)."""

    locked = Signal()
    unlocked = Signal()
    quitRequested = Signal()

    def __init__(
        self,
        store: Store,
        session: UserSession,
        window: QWidget,
        *,
        minutes: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(window)
        self._store = store
        self._session = session
        self._window = window
        self._clock = clock
        self._policy = access.IdleLock(
            minutes if minutes is not None else access.idle_lock_minutes(store), clock
        )
        self._dialog: UnlockDialog | None = None
        self._hidden: list[QWidget] = []
        self._docks: list[tuple[QDockWidget, int]] = []
        self._focus: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.check)

    # ------------------------------------------------------------------ public

    @property
    def minutes(self) -> int:
        return int(self._policy.seconds // 60)

    @property
    def dialog(self) -> UnlockDialog | None:
        return self._dialog

    def is_locked(self) -> bool:
        return self._dialog is not None

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._policy.touch()
        self._timer.start()

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()

    def set_minutes(self, minutes: int) -> None:
        self._policy = access.IdleLock(minutes, self._clock)

    def touch(self) -> None:
        if self._dialog is None:
            self._policy.touch()

    def check(self) -> bool:
        """Lock when the idle time has passed; True when locked (now or already)."""
        if self._dialog is not None:
            return True
        if self._session.actor is None or not self._policy.expired():
            return False
        self.lock()
        return True

    def lock(self) -> None:
        if self._dialog is not None:
            return
        self._focus = QApplication.focusWidget()
        self._hidden = [w for w in self._covered() if w.isVisible()]
        self._docks = self._dock_sizes()
        for widget in self._hidden:
            widget.hide()
        dialog = UnlockDialog(self._store, self._session, self.minutes, self._window)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.accepted.connect(self._unlocked)
        dialog.quitRequested.connect(self.quitRequested)
        self._dialog = dialog
        dialog.open()
        dialog.password.setFocus()
        self.locked.emit()

    # ------------------------------------------------------------------ internals

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in INPUT_EVENTS and self._dialog is None:
            self._policy.touch()
        return False

    def _covered(self) -> list[QWidget]:
        window = self._window
        if isinstance(window, QMainWindow):
            covered = [window.centralWidget()]
            covered += [d.widget() for d in window.findChildren(QDockWidget)]
            return [w for w in covered if w is not None]
        return [w for w in window.findChildren(QWidget) if w.parent() is window]

    def _dock_sizes(self) -> list[tuple[QDockWidget, int]]:
        """Each dock's width: hiding its widget lets the main window give the
        space to the central widget, and showing it again would not give it back."""
        window = self._window
        if not isinstance(window, QMainWindow):
            return []
        return [(d, d.width()) for d in window.findChildren(QDockWidget)]

    def _restore_docks(self) -> None:
        window = self._window
        docks, self._docks = self._docks, []
        if not isinstance(window, QMainWindow) or not docks:
            return
        shown = [(d, w) for d, w in docks if d.isVisible() and not d.isFloating()]
        window.resizeDocks([d for d, _ in shown], [w for _, w in shown], Qt.Orientation.Horizontal)

    def _unlocked(self) -> None:
        dialog, self._dialog = self._dialog, None
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self._restore_docks()
        if self._focus is not None:
            self._focus.setFocus()
        self._policy.touch()
        if dialog is not None:
            dialog.deleteLater()
        self.unlocked.emit()
