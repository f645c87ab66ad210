# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Keyed signatures: the PI's Ed25519 key over the record's identity, content hash, signer,
printed name, meaning and time. Any of them changed in the file, or the row copied to
another record, makes the signature invalid: on the form, at lock and in verify."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import (  # noqa: F401  (fixtures)
    ENROL,
    PI_PW,
    accounts,
    fast_hasher,
    visit,
)

from msct_crf.storage import signing
from msct_crf.storage.db.models import AuditEntry, Signature, SigningKey
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.signature_checks import signature_findings
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, records
from msct_crf.workflow.lifecycle import LifecycleError


def _signed(store: Store, v: SimpleNamespace) -> lifecycle.SignatureInfo:
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    return lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)


def _sql(store: Store, statement: str, *params: object) -> None:
    assert store.path is not None
    db = sqlite3.connect(store.path)
    try:
        db.execute(statement, params)
        db.commit()
    finally:
        db.close()


def _findings(store: Store) -> list[str]:
    assert store.path is not None
    return [c.detail for c in verify_database(store.path) if c.name == "signature" and not c.ok]


def test_a_signature_is_the_signers_key_over_every_signed_field(
    store: Store, visit: SimpleNamespace
) -> None:
    info = _signed(store, visit)
    assert info.valid and info.problem is None and info.key_id is not None
    with store.reading() as session:
        sig = session.get(Signature, info.id)
        key = session.get(SigningKey, info.key_id)
        assert sig is not None and key is not None and sig.signature
        message = signing.signature_message(
            table="visit",
            record_id=visit.id,
            subject=visit.subject,
            content_sha256=sig.content_hash,
            signer="liwei",
            printed_name="Dr Li Wei",
            meaning=lifecycle.DEFAULT_MEANING,
            signed_at=sig.signed_at,
            key_id=key.id,
        )
        assert signing.verify(key.public_key, sig.signature, message)
        assert not signing.verify(key.public_key, sig.signature, message.replace(b"Li", b"Lu"))
        row = session.scalars(select(AuditEntry).where(AuditEntry.field == "signature")).one()
        assert f"key {key.id}; ed25519 {sig.signature}" in (row.new_value or "")
        assert signature_findings(session)[0].ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("signer", "nurse1"),
        ("printed_name", "Dr Someone Else"),
        ("meaning", lifecycle.MEANINGS[1]),
        ("signed_at", "2026-01-01T00:00:00.000000Z"),
        ("content_hash", "0" * 64),
        ("signature", "AAAA"),
        ("key_id", None),
    ],
)
def test_any_signed_field_rewritten_makes_it_invalid(
    store: Store, visit: SimpleNamespace, column: str, value: object
) -> None:
    info = _signed(store, visit)
    _sql(store, f"UPDATE signature SET {column} = ? WHERE id = ?", value, info.id)
    shown = lifecycle.signature_for(store, "VIS", visit.id)
    assert shown is not None and not shown.valid and shown.problem
    assert "INVALID" in shown.text
    with pytest.raises(LifecycleError, match="no longer matches"):
        lifecycle.lock_record(store, visit.pi, "VIS", visit.id)
    assert lifecycle.LOCK not in lifecycle.available_actions(store, visit.pi, "VIS", visit.id)
    (finding,) = _findings(store)
    assert f"signature {info.id} (visit record {visit.id}" in finding


def test_a_signature_copied_to_another_record_is_invalid(
    store: Store, visit: SimpleNamespace
) -> None:
    info = _signed(store, visit)
    other = records.save_form(
        store,
        user="",
        actor=visit.nurse,
        form="VIS",
        subject=visit.subject,
        values={"VISIT": "M6", "VISDTC": "2024-07-08", "TBIL": "25", "ALB": "33"},
        confirm_warnings=True,
    )
    assert other.saved and other.record_id is not None
    with store.reading() as session:  # the hash anyone can recompute for the other record
        model = lifecycle.FORM_MODELS["VIS"]
        digest = signing.content_hash(
            lifecycle.get_form("VIS"), session.get(model, other.record_id), visit.subject
        )
    _sql(
        store,
        "INSERT INTO signature (subject_id, form_table, record_id, signer, printed_name, "
        "signed_at, meaning, content_hash, key_id, signature) SELECT subject_id, form_table, ?, "
        "signer, printed_name, signed_at, meaning, ?, key_id, signature FROM signature WHERE id=?",
        other.record_id,
        digest,
        info.id,
    )
    _sql(store, "UPDATE visit SET status = 'signed' WHERE id = ?", other.record_id)
    copied = lifecycle.signature_for(store, "VIS", other.record_id)
    assert copied is not None and not copied.valid and "Ed25519" in (copied.problem or "")
    with pytest.raises(LifecycleError, match="no longer matches"):
        lifecycle.lock_record(store, visit.pi, "VIS", other.record_id)
    assert lifecycle.signature_for(store, "VIS", visit.id).valid  # type: ignore[union-attr]
    assert lifecycle.lock_record(store, visit.pi, "VIS", visit.id) == "locked"  # the original
    assert [f.split(" (")[0] for f in _findings(store)] == [f"signature {copied.id}"]


def test_a_keyless_signature_added_later_is_invalid(store: Store, visit: SimpleNamespace) -> None:
    info = _signed(store, visit)
    _sql(store, "UPDATE signature SET key_id = NULL, signature = NULL WHERE id = ?", info.id)
    shown = lifecycle.signature_for(store, "VIS", visit.id)
    assert shown is not None and "no signing key" in (shown.problem or "")


def test_voided_signatures_stay_verifiable(store: Store, visit: SimpleNamespace) -> None:
    _signed(store, visit)
    lifecycle.unlock_record(store, visit.pi, "VIS", visit.id, "typo in TBIL")
    changed = records.save_form(
        store,
        user="",
        actor=visit.nurse,
        form="VIS",
        subject=visit.subject,
        record_id=visit.id,
        values={"TBIL": "31"},
        reason="typo",
        confirm_warnings=True,
    )
    assert changed.saved
    (voided,) = lifecycle.signature_history(store, "VIS", visit.id)
    assert not voided.active and voided.valid  # data changed after the void: that is allowed
    assert _findings(store) == []
