# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""A correction typed in the answer dialog over a record someone changed meanwhile: the
dialog stays open with the answer and the correction, and says who changed it and when
(in the UI language); nothing is saved and the query stays open."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import queries, records
from ui.common import i18n
from ui.common.session import UserSession
from ui.review import queries_panel
from ui.review.answer_query_dialog import AnswerDialog
from ui.review.queries_panel import QueriesPanel


def _change_meanwhile(store: Store, v: SimpleNamespace) -> None:
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


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "was changed by liwei at"), ("zh_CN", "被 liwei 修改")]
)
def test_a_correction_over_a_changed_record_keeps_the_dialog_and_says_why(
    qtbot: QtBot,
    store: Store,
    visit: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    expected: str,
) -> None:
    v = visit
    raised = queries.raise_query(
        store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field="TBIL", text="?"
    )
    panel = QueriesPanel(store, UserSession("", v.nurse), subject=v.subject)
    qtbot.addWidget(panel)
    assert panel.select_query(raised.id)
    monkeypatch.setattr("ui.common.prompts.confirm_warnings", lambda *_a: True)
    seen: list[AnswerDialog] = []

    def fake_ask(parent, query, can_correct, submit):  # type: ignore[no-untyped-def]
        dialog = AnswerDialog(query, can_correct, parent, submit=submit)
        seen.append(dialog)
        dialog.show()
        dialog.answer.setPlainText("typo, the printout says 38")
        dialog.correction.setText("38")
        _change_meanwhile(store, v)  # the PI saves the visit while the nurse types
        dialog.ok_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(queries_panel, "ask_answer", fake_ask)
    try:
        assert i18n.set_language(language) or language == "en"
        panel.findChild(QPushButton, "answerButton").click()  # type: ignore[union-attr]
        (dialog,) = seen
        error = dialog.findChild(QLabel, "answerError")
        assert error is not None and error.isVisible()
        assert expected in error.text() and f"#{v.id}" in error.text(), error.text()
    finally:
        i18n.set_language("en")
    assert dialog.isVisible()
    assert dialog.answer.toPlainText() == "typo, the printout says 38"
    assert dialog.correction.text() == "38"
    assert queries.get_query(store, raised.id).status == "open"  # type: ignore[union-attr]
    record = records.get_record(store, "VIS", v.id)
    assert record is not None and record.values["TBIL"] == 30
