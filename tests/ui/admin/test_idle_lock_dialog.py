# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The idle-lock time: an administrator sets it, a nurse may not."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.storage.store import Store
from ui.admin.idle_lock_dialog import IdleLockDialog
from ui.common.session import UserSession


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
