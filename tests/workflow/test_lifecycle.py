# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Form lifecycle: draft -> complete -> verified (monitor) -> signed (PI) -> locked, with
e-signatures bound to the record's content, audited unlocks that void the signature, and
each role refused what it may not do."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import (  # noqa: F401  (fixtures)
    ENROL,
    PI_PW,
    VISIT,
    accounts,
    fast_hasher,
    visit,
)

from msct_crf import access
from msct_crf.access import AuthenticationError
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, queries, records
from msct_crf.workflow.lifecycle import LifecycleError


def _audit(store: Store) -> list[SimpleNamespace]:
    names = ("user", "action", "table_name", "record_id", "field", "old_value", "new_value")
    names += ("reason",)
    with store.reading() as session:
        return [
            SimpleNamespace(**{n: getattr(r, n) for n in names})
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def _status(store: Store, record_id: int) -> str | None:
    return lifecycle.status_of(store, "VIS", record_id)


def _edit(store: Store, v: SimpleNamespace, tbil: str, reason: str | None = None):  # type: ignore[no-untyped-def]
    return records.save_form(
        store,
        user="",
        actor=v.nurse,
        form="VIS",
        subject=v.subject,
        record_id=v.id,
        values={"TBIL": tbil},
        reason=reason,
        confirm_warnings=True,
    )


def _signed(store: Store, v: SimpleNamespace) -> lifecycle.SignatureInfo:
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    return lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)


def test_full_lifecycle_is_audited(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    assert _status(store, v.id) == records.COMPLETE
    assert lifecycle.verify_record(store, v.monitor, "VIS", v.id) == records.VERIFIED
    signature = lifecycle.sign_record(
        store, v.pi, "VIS", v.id, PI_PW, meaning="I approve this data"
    )
    assert _status(store, v.id) == records.SIGNED
    assert signature.valid and signature.active
    assert (signature.signer, signature.printed_name) == ("liwei", "Dr Li Wei")
    assert signature.meaning == "I approve this data" and signature.signed_at.endswith("Z")
    assert len(signature.content_hash) == 64
    assert "Signed by Dr Li Wei (liwei)" in signature.text and "I approve" in signature.text
    assert lifecycle.signature_for(store, "VIS", v.id) == signature
    assert lifecycle.lock_record(store, v.pi, "VIS", v.id) == records.LOCKED
    assert lifecycle.signature_for(store, "VIS", v.id).valid  # type: ignore[union-attr]

    refused = _edit(store, v, "31", reason="typo")
    assert not refused.saved and "locked" in refused.message
    with pytest.raises(UserError, match="reason"):
        lifecycle.unlock_record(store, v.pi, "VIS", v.id, "  ")
    assert (
        lifecycle.unlock_record(store, v.pi, "VIS", v.id, "lab sent a corrected report")
        == records.COMPLETE
    )
    assert lifecycle.signature_for(store, "VIS", v.id) is None
    (voided,) = lifecycle.signature_history(store, "VIS", v.id)
    assert not voided.active and voided.voided_by == "liwei"
    assert voided.void_reason == "lab sent a corrected report" and "VOIDED" in voided.text

    needs = _edit(store, v, "31")
    assert not needs.saved and needs.needs_reason
    assert _edit(store, v, "31", reason="corrected lab report").saved

    trail = [r for r in _audit(store) if r.table_name == "visit" and r.record_id == str(v.id)]
    actions = [r.action for r in trail]
    for action in ("insert", "verify", "sign", "lock", "unlock", "update"):
        assert action in actions
    by_action = {r.action: r for r in trail if r.field == "status"}
    assert (by_action["verify"].user, by_action["verify"].new_value) == ("mon1", "verified")
    assert (by_action["sign"].user, by_action["sign"].new_value) == ("liwei", "signed")
    assert (by_action["lock"].old_value, by_action["lock"].new_value) == ("signed", "locked")
    assert by_action["unlock"].reason == "lab sent a corrected report"
    void_row = [r for r in trail if r.action == "unlock" and r.field == "signature"]
    assert void_row and void_row[0].new_value == "voided"
    sign_row = [r for r in trail if r.action == "sign" and r.field == "signature"][0]
    assert signature.content_hash in sign_row.new_value
    with store.reading() as session:
        assert audit.verify(session).ok


def test_each_role_is_refused_what_it_may_not_do(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    for role in ("nurse", "pi", "admin"):
        with pytest.raises(PermissionDenied, match="may not verify"):
            lifecycle.verify_record(store, getattr(v, role), "VIS", v.id)
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    for role in ("nurse", "monitor", "admin"):
        with pytest.raises(PermissionDenied, match="may not sign"):
            lifecycle.sign_record(store, getattr(v, role), "VIS", v.id, "whatever-pw")
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    for role in ("nurse", "monitor"):
        with pytest.raises(PermissionDenied, match="may not lock"):
            lifecycle.lock_record(store, getattr(v, role), "VIS", v.id)
        with pytest.raises(PermissionDenied, match="may not unlock"):
            lifecycle.unlock_record(store, getattr(v, role), "VIS", v.id, "because")
    assert lifecycle.lock_record(store, v.admin, "VIS", v.id) == records.LOCKED
    assert lifecycle.unlock_record(store, v.admin, "VIS", v.id, "data manager") == "complete"
    # a monitor may not change data either, even to fix what they verified
    with pytest.raises(PermissionDenied, match="may not enter or change"):
        records.save_form(
            store,
            user="",
            actor=v.monitor,
            form="VIS",
            subject=v.subject,
            record_id=v.id,
            values={"TBIL": "31"},
            reason="x",
        )


def test_steps_follow_the_order(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    with pytest.raises(LifecycleError, match="Only a verified"):
        lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    with pytest.raises(LifecycleError, match="Only a signed"):
        lifecycle.lock_record(store, v.pi, "VIS", v.id)
    with pytest.raises(LifecycleError, match="Only a signed or locked"):
        lifecycle.unlock_record(store, v.pi, "VIS", v.id, "why not")
    draft = records.save_form(
        store,
        user="",
        actor=v.nurse,
        form="VIS",
        subject=v.subject,
        values={"VISIT": "UNSCHED", "VISDTC": "2024-02-01"},
        complete=False,
    )
    assert draft.saved and draft.record_id is not None
    with pytest.raises(LifecycleError, match="Only a complete"):
        lifecycle.verify_record(store, v.monitor, "VIS", draft.record_id)
    with pytest.raises(UserError, match="not found"):
        lifecycle.verify_record(store, v.monitor, "VIS", 9999)
    # verifying twice is harmless and writes nothing more
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    count = len(_audit(store))
    assert lifecycle.verify_record(store, v.monitor, "VIS", v.id) == records.VERIFIED
    assert len(_audit(store)) == count


def test_sign_needs_the_password_again(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    with pytest.raises(AuthenticationError, match="Wrong password"):
        lifecycle.sign_record(store, v.pi, "VIS", v.id, "not-my-password")
    assert _status(store, v.id) == records.VERIFIED
    assert lifecycle.signature_for(store, "VIS", v.id) is None
    last = _audit(store)[-1]
    assert (last.action, last.user) == ("login_failed", "liwei")
    with pytest.raises(UserError, match="meaning"):
        lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW, meaning="   ")
    assert lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW).meaning == (
        lifecycle.DEFAULT_MEANING
    )


def test_signature_binds_the_content(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    _signed(store, v)
    assert lifecycle.invalid_signatures(store) == []
    # change the value behind the application's back
    assert store.path is not None
    connection = sqlite3.connect(store.path)
    connection.execute("UPDATE visit SET tbil = 99 WHERE id = ?", (v.id,))
    connection.commit()
    connection.close()
    signature = lifecycle.signature_for(store, "VIS", v.id)
    assert signature is not None and not signature.valid and "INVALID" in signature.text
    assert [s.id for s in lifecycle.invalid_signatures(store)] == [signature.id]
    with pytest.raises(LifecycleError, match="no longer matches"):
        lifecycle.lock_record(store, v.pi, "VIS", v.id)
    assert lifecycle.LOCK not in lifecycle.available_actions(store, v.pi, "VIS", v.id)
    # a missing-data code is part of the signed content too
    connection = sqlite3.connect(store.path)
    tampered = 'UPDATE visit SET tbil = 30, missing = \'{"GGT": "ND"}\' WHERE id = ?'
    connection.execute(tampered, (v.id,))
    connection.commit()
    connection.close()
    assert not lifecycle.signature_for(store, "VIS", v.id).valid  # type: ignore[union-attr]


def test_content_hash_ignores_status_only(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    first = _signed(store, v)
    lifecycle.lock_record(store, v.pi, "VIS", v.id)
    again = lifecycle.signature_for(store, "VIS", v.id)
    assert again is not None and again.valid and again.content_hash == first.content_hash


def test_changing_verified_data_drops_it_to_complete(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    needs = _edit(store, v, "33")
    assert not needs.saved and needs.needs_reason
    assert _edit(store, v, "33", reason="transcription error").saved
    assert _status(store, v.id) == records.COMPLETE
    row = [r for r in _audit(store) if r.action == "update" and r.field == "status"][-1]
    assert (row.old_value, row.new_value, row.reason) == (
        "verified",
        "complete",
        "transcription error",
    )
    # saving the same values again changes nothing and keeps the status
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    assert _edit(store, v, "33").message == "No changes"
    assert _status(store, v.id) == records.VERIFIED


def test_unresolved_queries_block_verify_and_sign(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    query = queries.raise_query(
        store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field="TBIL",
        text="Please check against the lab printout",
    )  # fmt: skip
    with pytest.raises(LifecycleError, match="not closed"):
        lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    assert lifecycle.VERIFY not in lifecycle.available_actions(store, v.monitor, "VIS", v.id)
    queries.answer_query(store, v.nurse, query.id, "Checked, value is right")
    queries.close_query(store, v.monitor, query.id)
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    second = queries.raise_query(
        store, v.pi, subject=v.subject, form="VIS", record_id=v.id, field=None,
        text="Date of the visit?",
    )  # fmt: skip
    with pytest.raises(LifecycleError, match="not closed"):
        lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    queries.close_query(store, v.pi, second.id, "raised in error")
    assert lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW).valid


def test_available_actions(store: Store, visit: SimpleNamespace) -> None:
    v = visit

    def actions(role: str) -> frozenset[str]:
        return lifecycle.available_actions(store, getattr(v, role), "VIS", v.id)

    assert actions("nurse") == {lifecycle.EDIT}
    assert actions("monitor") == {lifecycle.VERIFY}
    assert actions("pi") == {lifecycle.EDIT}
    assert actions("admin") == frozenset()
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    assert actions("pi") == {lifecycle.EDIT, lifecycle.SIGN}
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    assert actions("nurse") == frozenset()
    assert actions("pi") == {lifecycle.LOCK, lifecycle.UNLOCK}
    assert actions("admin") == {lifecycle.LOCK, lifecycle.UNLOCK}
    assert lifecycle.available_actions(store, None, "VIS", v.id) == frozenset()


def test_lifecycle_needs_accounts(store: Store) -> None:
    saved = records.save_form(
        store, user="legacy", form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert saved.saved and saved.record_id is not None
    assert lifecycle.available_actions(store, None, "ENROL", saved.record_id) == {"edit"}
    with pytest.raises(PermissionDenied, match="Log in"):
        lifecycle.verify_record(store, None, "ENROL", saved.record_id)  # type: ignore[arg-type]


def test_signatures_listed_per_subject(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    subject_row = records.get_subject(store, v.subject)
    assert subject_row is not None
    lifecycle.verify_record(store, v.monitor, "ENROL", subject_row.id)
    lifecycle.sign_record(store, v.pi, "ENROL", subject_row.id, PI_PW)
    _signed(store, v)
    lifecycle.unlock_record(store, v.pi, "VIS", v.id, "re-review")
    listed = lifecycle.list_signatures(store, v.subject)
    assert [(s.form, s.active) for s in listed] == [("ENROL", True), ("VIS", False)]
    assert len(lifecycle.list_signatures(store, include_voided=False)) == 1
    assert lifecycle.list_signatures(store, "GZH-999") == []
    assert access.can(v.pi, access.Permission.SIGN)


def test_review_lists_and_signing_a_casebook(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    subject_row = records.get_subject(store, v.subject)
    assert subject_row is not None
    to_verify = lifecycle.records_in_status(store, records.COMPLETE, v.subject)
    assert [(r.form, r.record_id) for r in to_verify] == [
        ("ENROL", subject_row.id),
        ("VIS", v.id),
    ]
    _raise = queries.raise_query(
        store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field="ALB",
        text="ALB unit?",
    )  # fmt: skip
    assert lifecycle.records_in_status(store, records.COMPLETE)[1].open_queries == 1
    queries.close_query(store, v.monitor, _raise.id)
    for ref in to_verify:
        lifecycle.verify_record(store, v.monitor, ref.form, ref.record_id)
    to_sign = lifecycle.records_in_status(store, records.VERIFIED, v.subject)
    assert len(to_sign) == 2 and lifecycle.records_in_status(store, records.COMPLETE) == []
    # all or nothing: one unsignable record (still complete) refuses the batch
    draft = records.save_form(
        store, user="", actor=v.nurse, form="CM", subject=v.subject,
        values={"CMTRT": "Ursodiol", "CMCAT": "UDCA", "CMSTDTC": "2023"},
    )  # fmt: skip
    assert draft.saved and draft.record_id is not None
    items = [(r.form, r.record_id) for r in to_sign]
    with pytest.raises(LifecycleError, match="Only a verified"):
        lifecycle.sign_records(store, v.pi, [*items, ("CM", draft.record_id)], PI_PW)
    assert lifecycle.records_in_status(store, records.SIGNED) == []
    with pytest.raises(UserError, match="at least one"):
        lifecycle.sign_records(store, v.pi, [], PI_PW)
    signed = lifecycle.sign_records(store, v.pi, items, PI_PW, meaning=lifecycle.MEANINGS[1])
    assert [s.form for s in signed] == ["ENROL", "VIS"] and all(s.valid for s in signed)
    assert len({s.content_hash for s in signed}) == 2
    assert len(lifecycle.records_in_status(store, records.SIGNED, v.subject)) == 2
    with pytest.raises(UserError, match="Unknown status"):
        lifecycle.records_in_status(store, "approved")
