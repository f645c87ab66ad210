# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The audit trail viewer: old -> new for a changed field, who, when, why; filters."""

from __future__ import annotations

from types import SimpleNamespace

from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.session import UserSession
from ui.review.audit_viewer import AuditViewer


def viewer_for(
    qtbot: QtBot, store: Store, session: UserSession, subject: str | None = None
) -> AuditViewer:
    viewer = AuditViewer(store, session, subject)
    qtbot.addWidget(viewer)
    if viewer.model.rowCount() == 0:
        with qtbot.waitSignal(viewer.loaded, timeout=20_000):
            pass
    return viewer


def test_changed_field_shows_old_new_who_why(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    changed = records.save_form(
        store,
        user="",
        actor=visit.pi,
        form="VIS",
        subject=visit.subject,
        record_id=visit.id,
        values={"TBIL": "38"},
        reason="Lab printout says 38",
        confirm_warnings=True,
    )
    assert changed.saved, changed
    viewer = viewer_for(qtbot, store, UserSession("", visit.monitor))
    total = viewer.model.rowCount()
    assert total > 5
    viewer.set_filter("field", "bilirubin")
    viewer.set_filter("action", "changed")
    (row,) = viewer.shown_rows()
    assert (row.user, row.field, row.reason) == ("liwei", "TBIL", "Lab printout says 38")
    index = viewer.proxy.index(0, 7)
    assert index.data() == "30.0 → 38.0"
    assert viewer.proxy.index(0, 6).data() == "Total bilirubin (TBIL)"
    assert viewer.proxy.index(0, 8).data() == "Lab printout says 38"
    assert "1 of" in viewer.count.text()

    viewer.set_filter("action", "")
    assert [r.action for r in viewer.shown_rows()] == ["update", "insert"]  # newest first
    viewer.set_filter("user", "nurse1")
    assert [r.action for r in viewer.shown_rows()] == ["insert"]
    viewer.set_filter("date", "1999-")
    assert viewer.shown_rows() == []
    for key in ("field", "user", "date"):
        viewer.set_filter(key, "")
    viewer.set_filter("form", "VIS")
    assert {r.form for r in viewer.shown_rows()} == {"VIS"}
    assert viewer.proxy.rowCount() < total


def test_subject_history_and_nurse_refused(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    viewer = viewer_for(qtbot, store, UserSession("", visit.pi), visit.subject)
    assert viewer.filters["subject"].isReadOnly()
    assert {r.subject for r in viewer.shown_rows()} == {visit.subject}
    nurse = viewer_for(qtbot, store, UserSession("", visit.nurse))
    assert nurse.model.rowCount() == 0
    assert "may not view the audit trail" in nurse.count.text()
