# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""A record is deleted from its list with a reason: the core audits it and applies the role
rules; the button follows them (a monitor, a locked record: disabled)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidget
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.reporting import audit_history
from msct_crf.storage.db.models import Visit
from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.session import UserSession
from ui.forms import record_list_page
from ui.forms.record_list_page import RecordListPage


def list_for(qtbot: QtBot, store: Store, v: SimpleNamespace, who: str) -> RecordListPage:
    page = RecordListPage(store, UserSession("", getattr(v, who)), "VIS")
    qtbot.addWidget(page)
    page.show()
    page.set_subject(v.subject)
    assert page.open_record(v.id)
    return page


def delete_button(page: RecordListPage) -> QPushButton:
    button = page.findChild(QPushButton, "deleteRecordButton")
    assert button is not None
    return button


def test_nurse_deletes_a_record_with_a_reason(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = list_for(qtbot, store, visit, "nurse")
    assert delete_button(page).isEnabled()
    monkeypatch.setattr(record_list_page, "ask_delete_reason", lambda *_a: None)
    delete_button(page).click()  # cancelled: nothing happens
    assert page.record_ids() == [visit.id]
    asked: list[str] = []
    monkeypatch.setattr(
        record_list_page, "ask_delete_reason", lambda _p, what: asked.append(what) or "twice"
    )
    with qtbot.waitSignal(page.changed):
        delete_button(page).click()
    assert "#1" in asked[0] and visit.subject in asked[0]
    assert page.record_ids() == [] and records.list_records(store, "VIS", visit.subject) == []
    assert page.editor.record_id() is None and not delete_button(page).isEnabled()
    history = audit_history.history(store, form="VIS", record_id=visit.id, actor=visit.monitor)
    assert any(row.action == "delete" and row.reason == "twice" for row in history)


def test_the_button_follows_the_role_and_the_lock(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    assert not delete_button(list_for(qtbot, store, visit, "monitor")).isEnabled()
    with store.session() as session:
        row = session.get(Visit, visit.id)
        assert row is not None
        row.status = "locked"
    assert not delete_button(list_for(qtbot, store, visit, "nurse")).isEnabled()


def test_the_delete_key_in_the_list_deletes_with_a_reason(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Alt letter of "Delete record" is taken beside an open form: the Delete key on
    the selected row is the keyboard way (asking for the reason like the button)."""
    page = list_for(qtbot, store, visit, "nurse")
    asked: list[str] = []
    monkeypatch.setattr(
        record_list_page, "ask_delete_reason", lambda _p, what: asked.append(what) or "typo"
    )
    table = page.findChild(QTableWidget, "recordTable")
    assert table is not None
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    with qtbot.waitSignal(page.changed):
        qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert len(asked) == 1 and page.record_ids() == []


def test_the_delete_key_does_nothing_where_the_role_may_not_delete(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = list_for(qtbot, store, visit, "monitor")
    asked: list[str] = []
    monkeypatch.setattr(
        record_list_page, "ask_delete_reason", lambda _p, what: asked.append(what) or "x"
    )
    table = page.findChild(QTableWidget, "recordTable")
    assert table is not None
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert asked == [] and page.record_ids() == [visit.id]
