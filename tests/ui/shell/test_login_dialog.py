# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The login dialog: logging in, wrong passwords and the lockout after five, and the first
run of a database without accounts (create the administrator or go on in single-user mode)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import ADMIN_PW, NURSE_PW, accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.storage.store import Store
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
