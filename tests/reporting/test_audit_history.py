"""audit_history.history: the audit trail read per subject, form, record and field, newest first."""

from __future__ import annotations

import pytest
from trust_factory import ENROL  # noqa: E402

from msct_crf.errors import UserError
from msct_crf.reporting import audit_history
from msct_crf.storage.store import Store
from msct_crf.workflow import records

VISIT = {"VISIT": "BASELINE", "VISDTC": "2024-01-08", "TBIL": "30", "ALB": "32"}


@pytest.fixture
def two_subjects(store: Store) -> tuple[str, str, int]:
    first = records.save_form(
        store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
    )
    second = records.save_form(
        store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert first.subject and second.subject
    saved = records.save_form(
        store, user="nurse", form="VIS", subject=first.subject, values=VISIT, confirm_warnings=True
    )
    assert saved.record_id is not None
    changed = records.save_form(
        store,
        user="pi",
        form="VIS",
        subject=first.subject,
        record_id=saved.record_id,
        values={"TBIL": "38"},
        reason="lab printout says 38",
        confirm_warnings=True,
    )
    assert changed.saved, changed
    return first.subject, second.subject, saved.record_id


def test_field_history_shows_old_and_new_who_and_why(
    store: Store, two_subjects: tuple[str, str, int]
) -> None:
    subject, _other, visit_id = two_subjects
    rows = audit_history.history(
        store, subject=subject, form="VIS", record_id=visit_id, field="TBIL"
    )
    assert [(r.action, r.user) for r in rows] == [("update", "pi"), ("insert", "nurse")]
    newest = rows[0]
    assert newest.form == "VIS" and newest.subject == subject
    assert newest.reason == "lab printout says 38"
    assert float(newest.old_value or "nan") == 30.0 and float(newest.new_value or "nan") == 38.0
    assert newest.change_text == f"{newest.old_value} -> {newest.new_value}"
    assert rows[1].old_value is None and rows[1].change_text.startswith("∅ -> ")


def test_filters_combine_and_newest_first(store: Store, two_subjects: tuple[str, str, int]) -> None:
    subject, other, _visit_id = two_subjects
    mine = audit_history.history(store, subject=subject)
    theirs = audit_history.history(store, subject=other)
    assert mine and theirs and not {r.id for r in mine} & {r.id for r in theirs}
    assert [r.id for r in mine] == sorted((r.id for r in mine), reverse=True)
    assert {r.subject for r in theirs} == {other}
    assert {r.form for r in audit_history.history(store, table="subject")} == {"ENROL"}
    assert all(r.user == "pi" for r in audit_history.history(store, user="pi"))
    assert {r.action for r in audit_history.history(store, action="update")} == {"update"}
    assert len(audit_history.history(store, limit=3)) == 3
    assert audit_history.history(store, subject="GZH-999") == []


def test_bad_filters_are_refused(store: Store) -> None:
    with pytest.raises(UserError, match="Unknown form"):
        audit_history.history(store, form="XX")
    with pytest.raises(UserError, match="not both"):
        audit_history.history(store, form="VIS", table="visit")
    with pytest.raises(UserError, match="positive"):
        audit_history.history(store, limit=0)


def test_accounts_restrict_who_reads_the_trail(store: Store) -> None:
    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.errors import PermissionDenied

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        access.create_admin(store, "admin", "Ada Admin", "admin-pass-1")
        admin = access.login(store, "admin", "admin-pass-1")
        access.add_user(
            store, admin, username="n1", full_name="N One", role="nurse", password="nurse-pass-1"
        )
        nurse = access.login(store, "n1", "nurse-pass-1")
        with pytest.raises(PermissionDenied, match="log in"):
            audit_history.history(store)
        with pytest.raises(PermissionDenied, match="may not view the audit trail"):
            audit_history.history(store, actor=nurse)
        assert {r.action for r in audit_history.history(store, actor=admin)} >= {"account", "login"}
    finally:
        access.set_hasher_factory(PasswordHasher)
