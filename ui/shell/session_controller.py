"""Who works on which database: the open store, the person's session, the one-writer lock
and the idle lock, and the steps that change them (logging out, switching database, the
Account menu).

The main window shows; this object decides. With a user account the idle lock
(`ui.shell.idle_lock.IdleLockGuard`) watches the input; without one (single-user mode) there
is no password to ask, so no lock. Ending a session logs the account out (audited). With the
one-writer lock held (the real app, not most tests) the database is backed up once a day
and on leaving it.

Signals:
    quitRequested(): the person chose to quit from the idle lock (unsaved input is given up).
    message(str, int): a line for the status bar and how long to show it (ms; 0: until
        replaced).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from msct_crf import access
from msct_crf.errors import MsctError
from msct_crf.exchange.centre_queries import is_centre_store
from msct_crf.storage.store import Store
from ui.admin.change_password_dialog import ChangePasswordDialog
from ui.admin.idle_lock_dialog import IdleLockDialog
from ui.admin.user_management_dialog import UserManagementDialog
from ui.common import background
from ui.common.session import UserSession, show_refusal
from ui.shell.database_guard import NoLock, automatic_backup, claim_database
from ui.shell.idle_lock import IdleLockGuard
from ui.shell.instance_lock import InstanceLock
from ui.shell.login_dialog import session_for_store


class SessionController(QObject):
    """See the module docstring. ``window`` parents the dialogs and is what the lock hides."""

    quitRequested = Signal()
    message = Signal(str, int)

    def __init__(
        self,
        store: Store,
        session: UserSession,
        window: QWidget,
        instance_lock: InstanceLock | NoLock | None = None,
    ) -> None:
        super().__init__(window)
        self._store = store
        self._session = session
        self._mark_centre()
        self._window = window
        self._instance_lock = instance_lock
        self._idle_lock: IdleLockGuard | None = None

    # ------------------------------------------------------------------ state

    @property
    def store(self) -> Store:
        return self._store

    @property
    def session(self) -> UserSession:
        return self._session

    @property
    def user(self) -> str:
        return self._session.user_name

    @property
    def idle_lock(self) -> IdleLockGuard | None:
        return self._idle_lock

    # ------------------------------------------------------------------ lifetime

    def _mark_centre(self) -> None:
        """Tell the session whether its database is the coordinating centre's (read only)."""
        try:
            self._session.set_at_centre(is_centre_store(self._store))
        except MsctError:
            self._session.set_at_centre(False)

    def start(self) -> None:
        """Begin the session: the idle lock for an account, the daily backup once the event
        loop runs."""
        self._mark_centre()
        self._idle_lock = self._make_idle_lock()
        if self._instance_lock is not None:
            QTimer.singleShot(0, self._daily_backup)

    def end(self) -> None:
        """Stop the idle lock and log the account out (audited)."""
        guard, self._idle_lock = self._idle_lock, None
        if guard is not None:
            guard.uninstall()
            guard.deleteLater()
        actor = self._session.actor
        if actor is not None:
            # the database may be unwritable now; the login then simply lapses
            with contextlib.suppress(MsctError):
                access.logout(self._store, actor)

    def close_database(self) -> None:
        """After :meth:`end`, on quitting: the backup on exit, the lock released, the store
        closed."""
        if self._instance_lock is not None:
            automatic_backup(self._store, self.user, every=dt.timedelta(0))
            self._instance_lock.release()
        self._store.close()

    def switch_to(self, store: Store) -> Store | None:
        """Work on ``store`` from now on: claim it, log in to it (the same name, without
        asking, on a database without accounts), back up and release the one left, start
        the new session. Returns the previous store, for the caller to close once nothing
        reads it any more; None when the person stayed (``store`` is closed then)."""
        new_lock = claim_database(store, self._window) if self._instance_lock is not None else None
        if self._instance_lock is not None and new_lock is None:
            store.close()
            return None
        session = session_for_store(store, self.user, self._window, offer_first_run=False)
        if session is None:
            if new_lock is not None:
                new_lock.release()
            store.close()
            return None
        if self._instance_lock is not None:
            automatic_backup(self._store, self.user, every=dt.timedelta(0))
            self._instance_lock.release()
            self._instance_lock = new_lock
        old = self._store
        self.end()
        self._session, self._store = session, store
        self.start()
        return old

    def view_read_only(self, store: Store) -> Store | None:
        """Look at ``store`` (opened with `Store.open_read_only`) without an account or a
        login, which would write to it: the session may only read. Returns the previous
        store for the caller to close."""
        if self._instance_lock is not None:
            automatic_backup(self._store, self.user, every=dt.timedelta(0))
            self._instance_lock.release()
            self._instance_lock = None
        old = self._store
        self.end()
        self._session, self._store = UserSession(self.user, read_only=True), store
        self.start()
        return old

    # ------------------------------------------------------------------ the Account menu

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self._store, self._session, self._window)
        if dialog.exec():
            self.message.emit(self.tr("Your password was changed."), 4000)

    def manage_users(self) -> None:
        try:
            dialog = UserManagementDialog(self._store, self._session, self._window)
        except MsctError as exc:
            show_refusal(self._window, exc)
            return
        dialog.exec()

    def idle_lock_settings(self) -> None:
        dialog = IdleLockDialog(self._store, self._session, self._window)
        if dialog.exec() and self._idle_lock is not None:
            self._idle_lock.set_minutes(access.idle_lock_minutes(self._store))

    def log_out(self) -> bool:
        """Account › Log out: end this person's session and let the next one log in on the
        same database without quitting. False when nobody logged in (``quitRequested`` is
        emitted then: the session is gone, so the window may not stay open)."""
        self.end()
        self._window.hide()
        session = session_for_store(self._store, "", self._window, offer_first_run=False)
        self._window.show()
        if session is None:
            self._session = UserSession(self.user)  # logged out already: not again on quit
            self.quitRequested.emit()
            return False
        self._session = session
        self.start()
        return True

    def lock_now(self) -> None:
        if self._idle_lock is not None:
            self._idle_lock.lock()

    # ------------------------------------------------------------------ internals

    def _make_idle_lock(self) -> IdleLockGuard | None:
        """The idle lock, for a session with an account (single-user mode has no password)."""
        if not self._session.has_account:
            return None
        guard = IdleLockGuard(self._store, self._session, self._window)
        guard.quitRequested.connect(self.quitRequested)
        guard.install()
        return guard

    def _daily_backup(self) -> None:
        """The automatic daily backup, off the GUI thread; the result goes to the status bar."""
        store, user = self._store, self.user

        def report(message: Any) -> None:
            if message:
                self.message.emit(str(message), 8000)

        background.run_task(
            lambda _task: automatic_backup(store, user, every=dt.timedelta(days=1)),
            on_done=report,
            on_error=lambda exc: report(str(exc)),
        )
