# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The login dialog: logging in, wrong passwords and the lockout after five, and the first
run of a database without accounts (create the administrator or go on in single-user mode).
Also the account dialogs: own password, user management, idle-lock time."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import ADMIN_PW, NURSE_PW, accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.reporting import audit_history
from msct_crf.storage.store import Store
from ui.admin import account_prompts
from ui.admin.change_password_dialog import ChangePasswordDialog
from ui.admin.idle_lock_dialog import IdleLockDialog
from ui.admin.user_management_dialog import UserManagementDialog
from ui.common.session import UserSession
from ui.shell.login_dialog import LoginDialog, session_for_store


def dialog_for(qtbot: QtBot, store: Store, hint: str = "") -> LoginDialog:
    dialog = LoginDialog(store, hint)
    qtbot.addWidget(dialog)
    return dialog


def test_login_success(qtbot: QtBot, store: Store, accounts: dict) -> None:
    dialog = dialog_for(qtbot, store, "nurse1")
    assert not dialog.first_run
    assert dialog.user.text() == "nurse1"
    dialog.password.setText(NURSE_PW)
    with qtbot.waitSignal(dialog.accepted):
        dialog.login_button.click()
    assert dialog.session is not None
    assert dialog.session.user_name == "nurse1" and dialog.session.role == "nurse"
    assert dialog.session.actor is not None


def test_wrong_password_then_lockout_after_five(qtbot: QtBot, store: Store, accounts: dict) -> None:
    dialog = dialog_for(qtbot, store, "nurse1")
    for attempt in range(1, 6):
        dialog.password.setText(f"wrong-{attempt}")
        assert not dialog.try_login()
        assert dialog.password.text() == ""  # cleared for the next try
        if attempt < 5:
            assert dialog.error_text() == "Wrong user name or password"
    assert "locked" in dialog.error_text() and "administrator" in dialog.error_text()
    dialog.password.setText(NURSE_PW)  # the right one no longer helps
    assert not dialog.try_login()
    assert "locked" in dialog.error_text()
    assert dialog.session is None and dialog.result() == 0
    assert access.get_user(store, "nurse1").locked  # type: ignore[union-attr]


def test_first_run_creates_the_administrator(qtbot: QtBot, store: Store) -> None:
    dialog = dialog_for(qtbot, store, "chen")
    assert dialog.first_run
    assert dialog.single_user.text() == "chen"
    dialog.admin_user.setText("admin")
    dialog.admin_name.setText("Ada Admin")
    dialog.admin_password.setText(ADMIN_PW)
    dialog.admin_repeat.setText("something-else")
    assert not dialog.try_create_admin()
    assert "differ" in dialog.error_text()
    assert access.needs_admin(store)
    dialog.admin_repeat.setText(ADMIN_PW)
    with qtbot.waitSignal(dialog.accepted):
        dialog.create_button.click()
    assert dialog.session is not None and dialog.session.role == "admin"
    assert not access.needs_admin(store)


def test_first_run_rejects_a_short_password(qtbot: QtBot, store: Store) -> None:
    dialog = dialog_for(qtbot, store)
    dialog.admin_name.setText("Ada Admin")
    dialog.admin_password.setText("short")
    dialog.admin_repeat.setText("short")
    assert not dialog.try_create_admin()
    assert "at least 8 characters" in dialog.error_text()
    assert access.needs_admin(store)


def test_first_run_single_user_mode(qtbot: QtBot, store: Store) -> None:
    dialog = dialog_for(qtbot, store)
    assert not dialog.continue_single_user()
    assert "name" in dialog.error_text()
    dialog.single_user.setText("  Chen   Li ")
    with qtbot.waitSignal(dialog.accepted):
        dialog.single_button.click()
    assert dialog.session is not None
    assert (dialog.session.user_name, dialog.session.actor) == ("Chen Li", None)
    assert access.needs_admin(store)  # still no accounts


def test_session_for_a_database_without_accounts_needs_no_dialog(store: Store) -> None:
    session = session_for_store(store, "nurse", offer_first_run=False)
    assert session is not None and session.user_name == "nurse" and not session.has_account


def test_change_own_password(qtbot: QtBot, store: Store, accounts: dict) -> None:
    session = UserSession("", accounts["nurse"])
    dialog = ChangePasswordDialog(store, session)
    qtbot.addWidget(dialog)
    dialog.current.setText("not-it-at-all")
    dialog.new.setText("new-nurse-pass")
    dialog.repeat.setText("new-nurse-pass")
    assert not dialog.try_change()
    assert "current password is wrong" in dialog.error.text()
    dialog.current.setText(NURSE_PW)
    assert dialog.try_change()
    assert access.login(store, "nurse1", "new-nurse-pass").username == "nurse1"


def test_user_management(
    qtbot: QtBot, store: Store, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = UserSession("", accounts["admin"])
    dialog = UserManagementDialog(store, admin)
    qtbot.addWidget(dialog)
    assert [u.username for u in dialog.users()] == ["admin", "liwei", "mon1", "nurse1"]
    monkeypatch.setattr(
        account_prompts,
        "ask_new_user",
        lambda _p: {
            "username": "wang",
            "full_name": "Wang Fang",
            "role": "nurse",
            "password": "wang-pass-1",
        },
    )
    dialog.buttons["add"].click()
    assert "Added wang" in dialog.message.text()
    assert dialog.selected() is not None and dialog.selected().username == "wang"  # type: ignore[union-attr]
    monkeypatch.setattr(account_prompts, "ask_role", lambda *_a: "monitor")
    dialog.buttons["role"].click()
    assert access.get_user(store, "wang").role == "monitor"  # type: ignore[union-attr]
    monkeypatch.setattr(account_prompts, "ask_account_reason", lambda *_a: "left the site")
    dialog.buttons["lock"].click()
    assert access.get_user(store, "wang").locked  # type: ignore[union-attr]
    assert not dialog.buttons["lock"].isEnabled() and dialog.buttons["unlock"].isEnabled()
    dialog.buttons["unlock"].click()
    assert not access.get_user(store, "wang").locked  # type: ignore[union-attr]
    monkeypatch.setattr(account_prompts, "ask_new_password", lambda *_a: "reset-pass-9")
    dialog.buttons["reset"].click()
    assert access.login(store, "wang", "reset-pass-9").role == "monitor"
    # refused by the core: the last administrator cannot be locked
    assert dialog.select("admin")
    dialog.buttons["lock"].click()
    assert "last usable administrator" in dialog.message.text()
    actions = {
        r.action for r in audit_history.history(store, table="app_user", actor=accounts["admin"])
    }
    assert "account" in actions
    # a nurse is refused by the core, shown in the dialog
    nurse_view = UserManagementDialog(store, UserSession("", accounts["nurse"]))
    qtbot.addWidget(nurse_view)
    nurse_view.buttons["add"].click()
    assert "may not manage user accounts" in nurse_view.message.text()


def test_idle_lock_minutes(qtbot: QtBot, store: Store, accounts: dict) -> None:
    dialog = IdleLockDialog(store, UserSession("", accounts["admin"]))
    qtbot.addWidget(dialog)
    assert dialog.minutes.value() == access.DEFAULT_IDLE_LOCK_MINUTES
    dialog.minutes.setValue(5)
    assert dialog.try_save()
    assert access.idle_lock_minutes(store) == 5
    nurse = IdleLockDialog(store, UserSession("", accounts["nurse"]))
    qtbot.addWidget(nurse)
    assert not nurse.minutes.isEnabled()


def test_main_window_with_an_account(
    qtbot: QtBot, store: Store, accounts: dict, isolated_settings: object
) -> None:
    from PySide6.QtWidgets import QDialog

    from ui.common import background
    from ui.shell.main_window import MainWindow

    window = MainWindow(Store.open_path(store.path), UserSession("", accounts["monitor"]))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.show()
    acts = {a.objectName(): a for a in window.findChildren(type(window.menus.actions["audit"]))}
    assert acts["actChangePassword"].isEnabled()
    assert not acts["actManageUsers"].isEnabled()  # monitors do not manage users
    assert acts["actAuditTrail"].isEnabled()
    assert window.idle_lock is not None and window.idle_lock.minutes == 15
    assert (
        "Mona Monitor"
        in window.statusBar().findChild(type(window._status_user), "statusUser").text()
    )  # type: ignore[union-attr]
    acts["actAuditTrail"].trigger()
    viewer = window.findChild(QDialog, "auditViewerDialog")
    assert viewer is not None and viewer.isVisible()
    acts["actOpenQueries"].trigger()
    assert window.findChild(QDialog, "queriesDialog") is not None
    background.wait_for_tasks()
    window.close()
    rows = audit_history.history(store, action="logout", actor=accounts["admin"])
    assert [r.user for r in rows] == ["mon1"]


def test_single_user_main_window_keeps_working(
    qtbot: QtBot, store: Store, isolated_settings: object
) -> None:
    from ui.shell.main_window import MainWindow

    window = MainWindow(Store.open_path(store.path), "nurse")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.show()
    assert window.idle_lock is None and window.session.user_name == "nurse"
    assert not window.menus.actions["password"].isEnabled()
    assert window.menus.actions["audit"].isEnabled()
    window.close()
