# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Account › Log out: the next person logs in on the same database without quitting; the
logout is audited and the window works in the new session."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf.reporting import audit_history
from msct_crf.storage.store import Store
from ui.common.session import UserSession
from ui.shell import session_controller
from ui.shell.main_window import MainWindow


def _window(qtbot: QtBot, store: Store, session: UserSession) -> MainWindow:
    window = MainWindow(Store.open_path(store.path), session)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.show()
    return window


def test_log_out_lets_the_next_person_log_in(
    qtbot: QtBot, store: Store, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, store, UserSession("", accounts["nurse"]))
    asked: list[str] = []

    def next_person(_store: Store, hint: str, _parent: object, **_kw: object) -> UserSession:
        asked.append(hint)
        return UserSession("", accounts["monitor"])

    monkeypatch.setattr(session_controller, "session_for_store", next_person)
    assert window.menus.actions["logout"].isEnabled()
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.menus.actions["logout"].trigger()
    assert asked == [""]  # nobody's name offered: a different person may log in
    assert window.isVisible() and window.session.user_name == "mon1"
    assert "mon1" in window.windowTitle()
    assert window.workspace._user is window.session  # the pages work for the new person
    rows = audit_history.history(store, action="logout", actor=accounts["admin"])
    assert [r.user for r in rows] == ["nurse1"]
    window.close()


def test_log_out_cancelled_quits(
    qtbot: QtBot, store: Store, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, store, UserSession("", accounts["nurse"]))
    monkeypatch.setattr(session_controller, "session_for_store", lambda *_a, **_k: None)
    window.menus.actions["logout"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
    rows = audit_history.history(store, action="logout", actor=accounts["admin"])
    assert [r.user for r in rows] == ["nurse1"]  # once, not again on quitting
