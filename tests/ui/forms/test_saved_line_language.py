# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""A form's "Saved." line, written before a language switch, is worded in the new language at
once (issue 11: every status text is Chinese after Language › 简体中文)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from ui.common import i18n
from ui.common.session import UserSession
from ui.forms.form_page import FormPage


def test_saved_line_follows_a_language_switch(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.common.prompts.confirm_warnings", lambda *_a: True)
    monkeypatch.setattr("ui.common.prompts.ask_reason", lambda *_a: "typo")
    page = FormPage(store, UserSession("", visit.nurse), "VIS")
    qtbot.addWidget(page)
    page.show()
    page.load_record(visit.subject, visit.id)
    page.editor("ALT").set_raw("46")
    page._edited()
    assert page.save()
    assert page.status_text() == "Saved."
    try:
        assert i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: page.status_text() == "已保存。")
    finally:
        i18n.set_language("en")
    qtbot.waitUntil(lambda: page.status_text() == "Saved.")
