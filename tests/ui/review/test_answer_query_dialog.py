# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The answer dialog returns the answer and, only where a correction may be made, the
corrected value."""

from __future__ import annotations

from types import SimpleNamespace

from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import queries
from ui.review.answer_query_dialog import AnswerDialog


def test_dialog_returns_what_was_typed(qtbot: QtBot, store: Store, visit: SimpleNamespace) -> None:
    query = queries.raise_query(
        store,
        visit.monitor,
        subject=visit.subject,
        form="VIS",
        record_id=visit.id,
        field="ALB",
        text="?",
    )
    answer = AnswerDialog(query, can_correct=True)
    qtbot.addWidget(answer)
    answer.show()
    answer.answer.setPlainText("Checked")
    answer.correction.setText("35")
    assert answer.values() == ("Checked", "35")
    monitor_view = AnswerDialog(query, can_correct=False)
    qtbot.addWidget(monitor_view)
    assert monitor_view.values() == ("", None)
