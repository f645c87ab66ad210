"""Is a stored signature still the signer's signature of this record as it is now?

Checked with public keys only, so it sits in storage, below the people who sign: the form
(:func:`msct_crf.workflow.lifecycle.record_state`), lock (which refuses an invalid signature)
and ``verify`` (:func:`signature_findings`) all ask :func:`signature_problem`.

A signature is valid when its Ed25519 signature verifies with the recorded public key of
the key it names, that key belongs to the account named as signer (and was not retired
before the signature's time), the record it names exists and belongs to the subject it
names, and, while the signature is active, the record's content still hashes to the signed
hash. A row copied to another record (even with the hash recomputed) or with its signer,
printed name, meaning or time changed fails the first test: the signed bytes
(:func:`msct_crf.storage.signing.signature_message`) name them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf.storage import signing
from msct_crf.storage.db.audit_table import AuditEntry
from msct_crf.storage.db.models import FORM_MODELS, AppUser, Signature, SigningKey, Subject
from msct_crf.study.dictionary import FORMS

#: The audit field in which migration 0003 listed the signatures made before keys.
UNKEYED_FIELD = "unkeyed_signatures"
#: The problem of a genuine signature whose record changed since (every other problem means
#: the signature itself was copied, altered or forged).
DATA_CHANGED = "the data no longer match what was signed"


@dataclass(frozen=True)
class Finding:
    """One line of ``verify``: ``ok`` False is a finding; ``warning`` a caveat that does not
    fail verification (e.g. an unanchored single-user study)."""

    name: str
    ok: bool
    detail: str
    warning: bool = False


def unkeyed_signature_ids(session: Session) -> set[int]:
    """Signatures that migration 0003 found without a key (made before keys existed)."""
    ids: set[int] = set()
    for value in session.scalars(
        select(AuditEntry.new_value).where(
            AuditEntry.action == "upgrade", AuditEntry.field == UNKEYED_FIELD
        )
    ):
        ids.update(int(part) for part in (value or "").split(",") if part.strip().isdigit())
    return ids


def _record(session: Session, sig: Signature) -> tuple[Any, Any, str] | str:
    """(form, row, subject code) of the signed record, or why there is none."""
    form_def = next((f for f in FORMS.values() if f.table == sig.form_table), None)
    if form_def is None:
        return f"names an unknown table {sig.form_table!r}"
    model: Any = FORM_MODELS[form_def.code]
    row = session.get(model, sig.record_id)
    if row is None:
        return "its record no longer exists"
    owner = row if isinstance(row, Subject) else session.get(Subject, row.subject_id)
    if owner is None or owner.id != sig.subject_id:
        return "it names another subject than its record's (copied from another record)"
    return form_def, row, owner.subjid


def _key_problem(session: Session, sig: Signature, subjid: str) -> str | None:
    key = session.get(SigningKey, sig.key_id) if sig.key_id is not None else None
    if key is None:
        return f"its signing key {sig.key_id} is missing"
    owner = session.get(AppUser, key.user_id)
    if owner is None or owner.username != sig.signer:
        return "it was made with another account's key"
    message = signing.signature_message(
        table=sig.form_table,
        record_id=sig.record_id,
        subject=subjid,
        content_sha256=sig.content_hash,
        signer=sig.signer,
        printed_name=sig.printed_name,
        meaning=sig.meaning,
        signed_at=sig.signed_at,
        key_id=key.id,
    )
    if not signing.verify(key.public_key, sig.signature, message):
        return (
            "its Ed25519 signature does not verify: the record, signer, printed name, meaning "
            "or time was changed, or it was copied from another record"
        )
    if key.retired_at is not None and sig.signed_at > key.retired_at:
        return f"it was made with a key retired at {key.retired_at}"
    return None


def signature_problem(
    session: Session, sig: Signature, *, unkeyed: set[int] | None = None
) -> str | None:
    """Why ``sig`` is not a valid signature of its record as it is now, or None.

    ``unkeyed`` (:func:`unkeyed_signature_ids`) is read when needed; pass it when checking
    many. A voided signature is not compared with the record's content (unlocking lets the
    data change), only checked as a signature."""
    found = _record(session, sig)
    if isinstance(found, str):
        return found
    form_def, row, subjid = found
    if sig.key_id is None and sig.signature is None:
        listed = unkeyed if unkeyed is not None else unkeyed_signature_ids(session)
        if sig.id not in listed:
            return "it has no signing key: not made by MSC-CRF (copied or forged)"
    else:
        problem = _key_problem(session, sig, subjid)
        if problem is not None:
            return problem
    if sig.voided_at is None and signing.content_hash(form_def, row, subjid) != sig.content_hash:
        return DATA_CHANGED
    return None


def _where(sig: Signature) -> str:
    return f"signature {sig.id} ({sig.form_table} record {sig.record_id}, signer {sig.signer})"


def signature_findings(session: Session) -> list[Finding]:
    """One finding per invalid signature, a warning for those made before keys, and a
    summary line."""
    unkeyed = unkeyed_signature_ids(session)
    out: list[Finding] = []
    count = 0
    for sig in session.scalars(select(Signature).order_by(Signature.id)):
        count += 1
        problem = signature_problem(session, sig, unkeyed=unkeyed)
        if problem is not None:
            out.append(Finding("signature", False, f"{_where(sig)}: {problem}"))
        elif sig.key_id is None:
            out.append(
                Finding(
                    "signature",
                    True,
                    f"{_where(sig)} was made before signing keys: bound to its content only",
                    warning=True,
                )
            )
    bad = sum(1 for f in out if not f.ok)
    summary = f"{count - bad} of {count} signatures verify"
    return [Finding("signatures", bad == 0, summary), *out]
