# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The main window's session: with an account the Account menu follows the role, the idle
lock is installed and closing logs out (audited); single-user mode has neither."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf.reporting import audit_history
from msct_crf.storage.store import Store
from ui.common.session import UserSession


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
