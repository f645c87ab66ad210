# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The idle lock: after the idle time (fake clock) the window is covered and the same person
must type their password again; the unsaved text in a form survives."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from PySide6.QtWidgets import QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot
from trust_fixtures import NURSE_PW, accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.session import UserSession
from ui.forms.form_page import FormPage
from ui.shell.idle_lock import IdleLockGuard


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_lock_keeps_unsaved_input(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, answer: Callable[[str, object], object]
) -> None:
    session = UserSession("", visit.nurse)
    window = QMainWindow()
    qtbot.addWidget(window)
    page = FormPage(store, session, "VIS")
    window.setCentralWidget(page)
    page.load_record(visit.subject, visit.id)
    window.show()
    clock = FakeClock()
    guard = IdleLockGuard(store, session, window, minutes=15, clock=clock)
    guard.install()
    try:
        tbil = page.findChild(QLineEdit, "field_TBIL")
        assert tbil is not None
        tbil.setFocus()
        tbil.selectAll()
        qtbot.keyClicks(tbil, "41")
        assert page.is_dirty()

        clock.now += 14 * 60
        assert not guard.check()
        qtbot.keyClick(tbil, "5")  # input resets the idle time
        clock.now += 14 * 60
        assert not guard.check()
        assert tbil.text() == "415"

        clock.now += 15 * 60
        with qtbot.waitSignal(guard.locked):
            assert guard.check()
        dialog = guard.dialog
        assert dialog is not None and dialog.isVisible()
        assert not page.isVisible()  # the data are hidden while locked
        dialog.reject()  # Escape does not unlock
        assert guard.is_locked()

        dialog.password.setText("wrong-password")
        assert not dialog.try_unlock()
        assert "Wrong password" in dialog.error.text()
        assert guard.is_locked()

        dialog.password.setText(NURSE_PW)
        with qtbot.waitSignal(guard.unlocked):
            dialog.unlock_button.click()
        assert not guard.is_locked()
        assert page.isVisible()
        assert tbil.text() == "415" and page.is_dirty()  # nothing lost
        answer("ask_reason", "Lab printout re-read")
        answer("confirm_warnings", True)
        assert page.save()  # and saved with the same, still valid login
        record = records.get_record(store, "VIS", visit.id)
        assert record is not None and record.values["TBIL"] == 415.0
    finally:
        guard.uninstall()


def test_five_wrong_passwords_leave_only_quit(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    session = UserSession("", visit.nurse)
    window = QMainWindow()
    qtbot.addWidget(window)
    clock = FakeClock()
    guard = IdleLockGuard(store, session, window, minutes=1, clock=clock)
    clock.now += 61
    assert guard.check()
    dialog = guard.dialog
    assert dialog is not None
    for attempt in range(5):
        dialog.password.setText(f"nope-{attempt}")
        assert not dialog.try_unlock()
    assert "locked" in dialog.error.text()
    assert not dialog.unlock_button.isEnabled()
    with qtbot.waitSignal(guard.quitRequested):
        dialog.quit_button.click()
    dialog.close()


def test_single_user_mode_never_locks(qtbot: QtBot, store: Store) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    clock = FakeClock()
    guard = IdleLockGuard(store, UserSession("nurse"), window, minutes=1, clock=clock)
    clock.now += 3600
    assert not guard.check()
