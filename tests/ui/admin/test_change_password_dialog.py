# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Changing one's own password: the current one is checked by the core."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import NURSE_PW, accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.storage.store import Store
from ui.admin.change_password_dialog import ChangePasswordDialog
from ui.common.session import UserSession


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
