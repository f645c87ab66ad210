# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Queries in the desktop: a monitor raises one on a field, the form marks the field, the
nurse answers with a corrected value, the monitor closes it; study-wide list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import queries, records
from ui.common.session import UserSession
from ui.forms.form_page import FormPage
from ui.review import queries_panel
from ui.review.answer_query_dialog import AnswerDialog
from ui.review.queries_panel import QueriesPanel


def panel_for(
    qtbot: QtBot, store: Store, v: SimpleNamespace, who: str, **scope: object
) -> QueriesPanel:
    panel = QueriesPanel(store, UserSession("", getattr(v, who)), **scope)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    return panel


def page_for(qtbot: QtBot, store: Store, v: SimpleNamespace, who: str) -> FormPage:
    page = FormPage(store, UserSession("", getattr(v, who)), "VIS")
    qtbot.addWidget(page)
    page.show()
    page.load_record(v.subject, v.id)
    return page


def badge(page: FormPage, code: str) -> QLabel | None:
    return page.findChild(QLabel, f"query_{code}")


def test_raise_answer_with_correction_close(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = visit
    record_scope = {"subject": v.subject, "form": "VIS", "record_id": v.id}
    monitor = panel_for(qtbot, store, v, "monitor", **record_scope)
    raise_button = monitor.findChild(QPushButton, "raiseButton")
    assert raise_button is not None and raise_button.isEnabled()
    monkeypatch.setattr(
        queries_panel, "ask_raise", lambda *_a: ("TBIL", "Printout says 38 µmol/L?")
    )
    with qtbot.waitSignal(monitor.changed):
        raise_button.click()
    (raised,) = monitor.queries()
    assert (raised.field, raised.status, raised.raised_by) == ("TBIL", "open", "mon1")
    answer_button = monitor.findChild(QPushButton, "answerButton")
    assert answer_button is not None and not answer_button.isEnabled()  # monitors do not answer

    # the field shows it on the nurse's form
    page = page_for(qtbot, store, v, "nurse")
    marker = badge(page, "TBIL")
    assert marker is not None and marker.isVisible()
    assert "Printout says 38" in marker.toolTip()
    assert page.editor("TBIL").property("queried") is True
    assert badge(page, "ALB") is None
    assert "1" in page.findChild(QPushButton, "queriesButton").text()  # type: ignore[union-attr]

    nurse = panel_for(qtbot, store, v, "nurse", **record_scope)
    assert nurse.select_query(raised.id)
    monkeypatch.setattr(
        queries_panel,
        "ask_answer",
        lambda _p, _q, _c, submit: submit("Typo, corrected", "38") is None,
    )
    monkeypatch.setattr(
        "ui.common.prompts.confirm_warnings", lambda *_a: True
    )  # 38 may be unusual: confirmed
    nurse_close = nurse.findChild(QPushButton, "closeButton")
    assert nurse_close is not None and not nurse_close.isEnabled()  # only the raiser or a PI
    with qtbot.waitSignal(nurse.changed):
        nurse.findChild(QPushButton, "answerButton").click()  # type: ignore[union-attr]
    record = records.get_record(store, "VIS", v.id)
    assert record is not None and record.values["TBIL"] == pytest.approx(38.0)
    assert queries.get_query(store, raised.id).status == "answered"  # type: ignore[union-attr]

    monitor.refresh()
    assert monitor.select_query(raised.id)
    close_button = monitor.findChild(QPushButton, "closeButton")
    assert close_button is not None and close_button.isEnabled()
    monkeypatch.setattr(queries_panel, "ask_close_note", lambda *_a: "")
    with qtbot.waitSignal(monitor.changed):
        close_button.click()
    assert queries.get_query(store, raised.id).status == "closed"  # type: ignore[union-attr]
    assert [q.status for q in monitor.queries()] == ["closed"]  # a record shows all its queries
    page.load_record(v.subject, v.id)
    assert page.editor("TBIL").property("queried") is False
    assert not marker.isVisible()


def test_study_list_filters_and_opens_the_record(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    v = visit
    for field, text in (("TBIL", "Bilirubin unit?"), ("ALB", "Albumin date?")):
        queries.raise_query(
            store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field=field, text=text
        )
    study = panel_for(qtbot, store, v, "pi")
    assert len(study.queries()) == 2
    assert study.findChild(QPushButton, "raiseButton").isHidden()  # type: ignore[union-attr]
    study.findChild(type(study.filter), "queryFilter").setText("albumin")  # type: ignore[union-attr]
    assert study.proxy.rowCount() == 1
    with qtbot.waitSignal(study.openRecord) as opened:
        study.table.doubleClicked.emit(study.proxy.index(0, 0))
    assert opened.args == [v.subject, "VIS", v.id]
    assert panel_for(qtbot, store, v, "pi", subject="GZH-999").queries() == []


def test_refused_answer_keeps_the_dialog_open(
    qtbot: QtBot, store: Store, visit: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invalid corrected value keeps the answer dialog open with the text and the
    message; fixing the value then answers the query."""
    v = visit
    raised = queries.raise_query(
        store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field="TBIL", text="?"
    )
    nurse = panel_for(qtbot, store, v, "nurse", subject=v.subject)
    assert nurse.select_query(raised.id)
    seen: list[AnswerDialog] = []

    def fake_ask(parent, query, can_correct, submit):  # type: ignore[no-untyped-def]
        dialog = AnswerDialog(query, can_correct, parent, submit=submit)
        seen.append(dialog)
        dialog.show()
        dialog.answer.setPlainText("fixed")
        dialog.correction.setText("-5")
        dialog.ok_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(queries_panel, "ask_answer", fake_ask)
    nurse.findChild(QPushButton, "answerButton").click()  # type: ignore[union-attr]
    (dialog,) = seen
    assert dialog.isVisible()  # still open: nothing thrown away
    assert dialog.answer.toPlainText() == "fixed" and dialog.correction.text() == "-5"
    error = dialog.findChild(QLabel, "answerError")
    assert error is not None and error.isVisible()
    assert "Total bilirubin (TBIL) must be" in error.text()
    assert queries.get_query(store, raised.id).status == "open"  # type: ignore[union-attr]
    monkeypatch.setattr("ui.common.prompts.confirm_warnings", lambda *_a: True)
    dialog.correction.setText("38")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert queries.get_query(store, raised.id).status == "answered"  # type: ignore[union-attr]
