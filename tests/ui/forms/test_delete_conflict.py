# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Deleting a record someone changed (or deleted) since the list opened it is refused, and
the refusal is worded by the interface from the core's facts (who, when, which record),
in English and in Chinese; nothing is deleted."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common import i18n
from ui.common.session import UserSession
from ui.forms import record_list_page
from ui.forms.record_list_page import RecordListPage


def _refusals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(record_list_page, "show_refusal", lambda _p, exc: shown.append(str(exc)))
    monkeypatch.setattr(record_list_page, "ask_delete_reason", lambda *_a: "entered twice")
    return shown


def _page(qtbot: QtBot, store: Store, v: SimpleNamespace) -> RecordListPage:
    page = RecordListPage(store, UserSession("", v.nurse), "VIS")
    qtbot.addWidget(page)
    page.show()
    page.set_subject(v.subject)
    assert page.open_record(v.id)
    return page


def _delete(page: RecordListPage) -> None:
    button = page.findChild(QPushButton, "deleteRecordButton")
    assert button is not None and button.isEnabled()
    button.click()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Not deleted: record #{id} was changed by liwei at"), ("zh_CN", "被 liwei 修改")],
)
def test_deleting_a_record_changed_meanwhile_is_refused_in_the_ui_language(
    qtbot: QtBot,
    store: Store,
    visit: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    expected: str,
) -> None:
    v = visit
    shown = _refusals(monkeypatch)
    page = _page(qtbot, store, v)
    changed = records.save_form(
        store,
        user="",
        actor=v.pi,
        form="VIS",
        subject=v.subject,
        record_id=v.id,
        values={"ALB": "33"},
        confirm_warnings=True,
        reason="lab printout",
    )
    assert changed.saved
    try:
        assert i18n.set_language(language) or language == "en"
        _delete(page)
    finally:
        i18n.set_language("en")
    (message,) = shown
    assert expected.format(id=v.id) in message, message
    assert "since you opened it" not in message or language == "en"  # not the core's English
    assert [r.id for r in records.list_records(store, "VIS", v.subject)] == [v.id]


def test_deleting_a_record_deleted_meanwhile_says_who_deleted_it(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = visit
    shown = _refusals(monkeypatch)
    page = _page(qtbot, store, v)
    gone = records.delete_record(
        store, user="", form="VIS", record_id=v.id, reason="duplicate", actor=v.pi
    )
    assert gone.saved
    _delete(page)
    (message,) = shown
    assert f"Not deleted: record #{v.id} was already deleted by liwei at" in message, message
