"""Two windows on one record: the second Save is refused with who changed it and when, the
page keeps what its nurse typed, and after a reload the save goes through."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.forms import record_list_page, save_controller
from ui.forms.form_page import FormPage
from ui.forms.record_list_page import RecordListPage
from ui.forms.save_controller import EmptyVisitChoice

Answer = Callable[[str, object], list[tuple[object, ...]]]


@pytest.fixture(autouse=True)
def _sparse_visits_are_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(save_controller, "ask_save_draft", lambda _p: EmptyVisitChoice.COMPLETE)


def _page(qtbot: QtBot, store: Store, user: str) -> FormPage:
    page = FormPage(store, user, "VIS")
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _field(page: FormPage, code: str) -> QLineEdit:
    widget = page.findChild(QLineEdit, f"field_{code}")
    assert widget is not None, code
    return widget


def _type(qtbot: QtBot, page: FormPage, code: str, text: str) -> None:
    _field(page, code).clear()
    qtbot.keyClicks(_field(page, code), text)


@pytest.fixture
def saved_visit(store: Store, subject: str) -> int:
    result = records.save_form(
        store,
        user="nurse_a",
        form="VIS",
        subject=subject,
        values={"VISIT": "M1", "VISDTC": "2025-02-10", "TBIL": "30", "ALB": "32"},
        confirm_warnings=True,
    )
    assert result.saved and result.record_id is not None
    return result.record_id


def test_the_second_window_is_refused_and_keeps_its_typing(
    qtbot: QtBot, store: Store, subject: str, saved_visit: int, answer: Answer
) -> None:
    answer("ask_reason", "corrected from the lab printout")
    first, second = _page(qtbot, store, "nurse_a"), _page(qtbot, store, "nurse_b")
    for page in (first, second):
        page.load_record(subject, saved_visit)
    _type(qtbot, second, "TBIL", "52")  # nurse B starts typing first...
    _type(qtbot, first, "TBIL", "41")
    assert first.save()  # ...but nurse A saves first

    assert not second.save()
    status = second.status_text()
    assert "changed by nurse_a at" in status and "(UTC)" in status, status
    assert "Reload to see their change" in status
    assert _field(second, "TBIL").text() == "52"  # what B typed is still there
    assert second.is_dirty()
    stored = records.get_record(store, "VIS", saved_visit)
    assert stored is not None and stored.values["TBIL"] == 41.0  # A's save stands

    second.load_record(subject, saved_visit)  # the reload shows A's value
    assert _field(second, "TBIL").text() == "41"
    _type(qtbot, second, "TBIL", "52")
    assert second.save(), second.status_text()
    stored = records.get_record(store, "VIS", saved_visit)
    assert stored is not None and stored.values["TBIL"] == 52.0 and stored.updated_by == "nurse_b"


def test_a_deleted_record_is_said_to_be_deleted(
    qtbot: QtBot, store: Store, subject: str, saved_visit: int
) -> None:
    page = _page(qtbot, store, "nurse_b")
    page.load_record(subject, saved_visit)
    deleted = records.delete_record(
        store, user="nurse_a", form="VIS", record_id=saved_visit, reason="entered twice"
    )
    assert deleted.outcome is records.SaveOutcome.DELETED
    _type(qtbot, page, "ALB", "35")
    assert not page.save()
    assert "deleted by nurse_a" in page.status_text()
    assert _field(page, "ALB").text() == "35"


def test_a_deletion_over_a_changed_record_is_refused(
    qtbot: QtBot,
    store: Store,
    subject: str,
    saved_visit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = RecordListPage(store, "nurse_b", "VIS")
    qtbot.addWidget(page)
    page.show()
    page.set_subject(subject)
    assert page.open_record(saved_visit)
    changed = records.save_form(  # meanwhile, in another window
        store,
        user="nurse_a",
        form="VIS",
        subject=subject,
        record_id=saved_visit,
        values={"ALB": "36"},
        reason="lab printout",
    )
    assert changed.saved
    refusals: list[str] = []
    monkeypatch.setattr(record_list_page, "ask_delete_reason", lambda *_a: "entered twice")
    monkeypatch.setattr(record_list_page, "show_refusal", lambda _p, exc: refusals.append(str(exc)))
    assert not page.delete_record()
    assert refusals and "changed by nurse_a" in refusals[0]
    assert page.record_ids() == [saved_visit]
