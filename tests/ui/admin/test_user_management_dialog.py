# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""User management: add, change role, lock, unlock, reset a password; the core's refusals
(the last administrator, a nurse) are shown in the dialog."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.reporting import audit_history
from msct_crf.storage.store import Store
from ui.admin import account_prompts
from ui.admin.user_management_dialog import UserManagementDialog
from ui.common.session import UserSession


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
