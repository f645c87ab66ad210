# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Honest status lines: "Saved." goes at the next edit, a read-only form does not promise a
confirmation at save, and a visit saved with most values empty asks first and stays a draft."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.db.models import Visit
from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.session import UserSession
from ui.forms import save_controller
from ui.forms.form_page import FormPage
from ui.forms.save_controller import EmptyVisitChoice


def page_for(qtbot: QtBot, store: Store, v: SimpleNamespace, who: str) -> FormPage:
    page = FormPage(store, UserSession("", getattr(v, who)), "VIS")
    qtbot.addWidget(page)
    page.show()
    return page


def test_saved_goes_away_at_the_next_edit(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.common.prompts.confirm_warnings", lambda *_a: True)
    monkeypatch.setattr("ui.common.prompts.ask_reason", lambda *_a: "typo")
    page = page_for(qtbot, store, visit, "nurse")
    page.load_record(visit.subject, visit.id)
    editor = page.editor("ALT")
    editor.set_raw("46")
    page._edited()
    assert page.save()
    assert page.status_text() == "Saved."
    line = page.findChild(QLineEdit, "field_ALT")
    assert line is not None
    qtbot.keyClicks(line, "7")
    assert page.status_text() != "Saved."


def test_read_only_form_does_not_promise_a_confirmation(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    monitor = page_for(qtbot, store, visit, "monitor")
    monitor.load_record(visit.subject, visit.id)
    assert "confirm at save" not in monitor.status_text()
    with store.session() as session:  # an unusual value (ranges: the validation's own tests)
        row = session.get(Visit, visit.id)
        assert row is not None
        row.alb = 70.0
    nurse = page_for(qtbot, store, visit, "nurse")
    nurse.load_record(visit.subject, visit.id)
    assert "confirm at save" in nurse.status_text()  # the visit has unusual values
    with store.session() as session:  # locked (the lifecycle's own tests lock it properly)
        row = session.get(Visit, visit.id)
        assert row is not None
        row.status = "locked"
    nurse.load_record(visit.subject, visit.id)
    assert "unusual value" in nurse.status_text()
    assert "confirm at save" not in nurse.status_text()
    assert not nurse.findChild(QPushButton, "saveButton").isEnabled()  # type: ignore[union-attr]


@pytest.mark.parametrize("draft", [True, False])
def test_a_mostly_empty_visit_asks_and_stays_a_draft(
    qtbot: QtBot,
    store: Store,
    visit: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
    draft: bool,
) -> None:
    asked: list[object] = []
    choice = EmptyVisitChoice.DRAFT if draft else EmptyVisitChoice.CANCEL
    monkeypatch.setattr(save_controller, "ask_save_draft", lambda p: asked.append(p) or choice)
    monkeypatch.setattr("ui.common.prompts.confirm_warnings", lambda *_a: True)
    page = page_for(qtbot, store, visit, "nurse")
    page.load_record(visit.subject, None)
    page.editor("VISIT").set_raw("M1")
    page.editor("VISDTC").set_raw("2024-02-08")
    page.editor("TBIL").set_raw("30")
    page._edited()
    assert page.save() is draft
    assert asked == [page]
    visits = records.list_records(store, "VIS", visit.subject)
    if draft:
        assert [r.status for r in visits if r.id != visit.id] == ["draft"]
    else:
        assert [r.id for r in visits] == [visit.id]
        assert page.status_text() == "Not saved."
