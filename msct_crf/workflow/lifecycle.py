"""Form lifecycle: draft -> complete -> verified (monitor) -> signed (PI) -> locked.

`msct_crf.workflow.records` moves a record between draft and complete (and back from verified to
complete when verified data changes, with a reason). This module does the rest, each step
checked against the actor's role (:mod:`msct_crf.access`) and audited:

* :func:`verify_record` — a monitor has checked the record against source (``verify``);
* :func:`sign_record` — a PI signs with their password again; a :class:`Signature` row keeps
  the printed name, UTC time, meaning and the SHA-256 of the signed content (``sign``);
* :func:`lock_record` — a signed record is locked (``lock``);
* :func:`unlock_record` — a PI or admin, with a reason, returns a signed or locked record to
  complete and visibly voids its signature (``unlock``).

:func:`record_state` reads what a form shows of all this (status, the steps the person may
take, signatures, queries) in one transaction.

Signed and locked records refuse every change in `records`. A signature is the signer's
Ed25519 key (unlocked with the password given to sign, :mod:`msct_crf.access.signing_keys`)
over the record's identity, its content hash, the signer, printed name, meaning and time
(:func:`msct_crf.storage.signing.signature_message`). One whose data no longer match, or that
was copied to another record or edited behind the application's back, is reported invalid
(:attr:`SignatureInfo.valid`, :attr:`SignatureInfo.problem`, from
:func:`msct_crf.storage.signature_checks.signature_problem`) and cannot be locked. Signing,
locking and unlocking each end with a signed checkpoint of the audit chain
(:func:`msct_crf.access.checkpoint`). Records with unresolved queries cannot be verified or
signed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import access, clock
from msct_crf.access import Actor, Permission, signing_keys
from msct_crf.errors import UserError
from msct_crf.storage import audit, signing
from msct_crf.storage.db.models import FORM_MODELS, Query, Signature, Subject
from msct_crf.storage.signature_checks import DATA_CHANGED, signature_problem
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, Form
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.text import SHORT_TEXT_MAX, TEXT_MAX, clean_text
from msct_crf.workflow import queries
from msct_crf.workflow.queries import QueryInfo
from msct_crf.workflow.records import COMPLETE, DRAFT, LOCKED, SIGNED, VERIFIED

DEFAULT_MEANING = "I approve this data"
#: Meanings offered to a signer (21 CFR 11.50: the meaning of the signature is shown with it).
MEANINGS: tuple[str, ...] = (
    DEFAULT_MEANING,
    "I have reviewed this data",
    "I am the responsible investigator for this data",
)
MEANING_MAX = SHORT_TEXT_MAX
REASON_MAX = TEXT_MAX

#: Actions a UI may offer on a record (see :func:`available_actions`).
EDIT, VERIFY, SIGN, LOCK, UNLOCK = "edit", "verify", "sign", "lock", "unlock"


class LifecycleError(UserError):
    """The record is not in a state that allows this step (e.g. signing an unverified form)."""


def _table_to_form() -> dict[str, str]:
    return {f.table: f.code for f in FORMS.values()}


@dataclass(frozen=True)
class SignatureInfo:
    """A signature as shown on the form and in exports."""

    id: int
    form: str
    record_id: int
    subject: str
    signer: str
    printed_name: str
    signed_at: str  # ISO 8601 UTC
    meaning: str
    content_hash: str
    valid: bool  # the signature verifies and the record still hashes to content_hash
    voided_at: str | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    problem: str | None = None  # why it is not valid (None when valid)
    key_id: int | None = None  # the signing key (None: made before keys existed)

    @property
    def active(self) -> bool:
        return self.voided_at is None

    @property
    def altered(self) -> bool:
        """Invalid not because the data changed but because the signature itself was
        copied, altered or forged."""
        return not self.valid and self.problem not in (None, DATA_CHANGED)

    @property
    def text(self) -> str:
        """One line for display, e.g. 'Signed by Li Wei (liwei) 2026-11-25 13:05 UTC — I
        approve this data'."""
        when = f"{self.signed_at[:10]} {self.signed_at[11:16]} UTC"
        line = f"Signed by {self.printed_name} ({self.signer}) {when} — {self.meaning}"
        if self.voided_at:
            line += (
                f" [VOIDED {self.voided_at[:10]} {self.voided_at[11:16]} UTC by "
                f"{self.voided_by}: {self.void_reason}]"
            )
        elif not self.valid:
            line += f" [INVALID: {self.problem or DATA_CHANGED}]"
        return line


# --------------------------------------------------------------------------- content hash


def content_hash(form_def: Form, row: Any, subjid: str) -> str:
    """SHA-256 (hex) of the canonical JSON of a record's values and missing-data codes
    (status and bookkeeping excluded, so locking keeps the signature valid); computed in
    :func:`msct_crf.storage.signing.content_hash`, where verify can reach it."""
    return signing.content_hash(form_def, row, subjid)


# --------------------------------------------------------------------------- helpers


def _load(session: Session, form_code: str, record_id: int) -> tuple[Form, Any, str]:
    form_def = get_form(form_code)
    model: Any = FORM_MODELS[form_code]
    row = session.get(model, record_id)
    if row is None:
        raise UserError(f"{form_def.label.en} record {record_id} not found")
    owner = row if isinstance(row, Subject) else session.get(Subject, row.subject_id)
    assert owner is not None
    return form_def, row, owner.subjid


def _subject_pk(row: Any) -> int:
    return int(row.id if isinstance(row, Subject) else row.subject_id)


def _open_queries(session: Session, form_def: Form, record_id: int) -> int:
    return len(
        session.scalars(
            select(Query.id).where(
                Query.form_table == form_def.table,
                Query.record_id == record_id,
                Query.status != "closed",
            )
        ).all()
    )


def _active_signatures(session: Session, form_def: Form, record_id: int) -> list[Signature]:
    return list(
        session.scalars(
            select(Signature)
            .where(
                Signature.form_table == form_def.table,
                Signature.record_id == record_id,
                Signature.voided_at.is_(None),
            )
            .order_by(Signature.id)
        )
    )


def _describe(sig: Signature) -> str:
    return f"{sig.printed_name} ({sig.signer}) {sig.signed_at}: {sig.meaning}"


def _info(session: Session, sig: Signature) -> SignatureInfo:
    form_code = _table_to_form().get(sig.form_table, sig.form_table)
    subject = session.get(Subject, sig.subject_id)
    subjid = subject.subjid if subject is not None else ""
    problem = signature_problem(session, sig)
    return SignatureInfo(
        id=sig.id,
        form=form_code,
        record_id=sig.record_id,
        subject=subjid,
        signer=sig.signer,
        printed_name=sig.printed_name,
        signed_at=sig.signed_at,
        meaning=sig.meaning,
        content_hash=sig.content_hash,
        valid=problem is None,
        voided_at=sig.voided_at,
        voided_by=sig.voided_by,
        void_reason=sig.void_reason,
        problem=problem,
        key_id=sig.key_id,
    )


def _set_status(
    session: Session,
    *,
    user: str,
    action: str,
    form_def: Form,
    row: Any,
    subjid: str,
    new_status: str,
    extra: list[audit.Change] | None = None,
    reason: str | None = None,
) -> None:
    old = row.status
    row.status = new_status
    session.flush()
    audit.append(
        session,
        user=user,
        action=action,
        table_name=form_def.table,
        record_id=str(row.id),
        subject_id=subjid,
        changes=[audit.Change("status", old, new_status), *(extra or [])],
        reason=reason,
    )


def _clean_text(value: str | None, what: str, limit: int) -> str:
    """One line as stored and audited (msct_crf.study.text: NFC, no control characters)."""
    if not (value or "").strip():
        raise UserError(f"Give a {what}")
    text = clean_text(value, what, limit=limit, collapse=True)
    assert text is not None
    return text


# --------------------------------------------------------------------------- steps


def verify_record(store: Store, actor: Actor, form: str, record_id: int) -> str:
    """A monitor marks a complete record as verified against source. Returns the status."""
    access.require(actor, Permission.VERIFY)
    with store.session() as session:
        user = access.authorize(session, actor, Permission.VERIFY)
        form_def, row, subjid = _load(session, form, record_id)
        if row.status == VERIFIED:
            return VERIFIED
        if row.status != COMPLETE:
            raise LifecycleError(
                f"Only a complete {form_def.label.en} form can be verified (it is {row.status})"
            )
        pending = _open_queries(session, form_def, row.id)
        if pending:
            raise LifecycleError(
                f"{pending} query(ies) on this {form_def.label.en} form are not closed yet"
            )
        _set_status(
            session,
            user=user,
            action="verify",
            form_def=form_def,
            row=row,
            subjid=subjid,
            new_status=VERIFIED,
        )
        return VERIFIED


def _sign_one(
    session: Session,
    *,
    user: str,
    printed_name: str,
    form: str,
    record_id: int,
    meaning: str,
    key: signing_keys.UnlockedKey,
) -> Signature:
    form_def, row, subjid = _load(session, form, record_id)
    if row.status != VERIFIED:
        raise LifecycleError(
            f"Only a verified {form_def.label.en} form can be signed "
            f"({subjid} record {record_id} is {row.status})"
        )
    pending = _open_queries(session, form_def, row.id)
    if pending:
        raise LifecycleError(
            f"{pending} query(ies) on the {form_def.label.en} form of {subjid} are not closed yet"
        )
    digest = content_hash(form_def, row, subjid)
    key_row, private = key
    signed_at = audit.format_utc(clock.now())
    message = signing.signature_message(
        table=form_def.table,
        record_id=row.id,
        subject=subjid,
        content_sha256=digest,
        signer=user,
        printed_name=printed_name,
        meaning=meaning,
        signed_at=signed_at,
        key_id=key_row.id,
    )
    signature = Signature(
        subject_id=_subject_pk(row),
        form_table=form_def.table,
        record_id=row.id,
        signer=user,
        printed_name=printed_name,
        signed_at=signed_at,
        meaning=meaning,
        content_hash=digest,
        key_id=key_row.id,
        signature=signing_keys.sign(private, message),
    )
    session.add(signature)
    session.flush()
    _set_status(
        session,
        user=user,
        action="sign",
        form_def=form_def,
        row=row,
        subjid=subjid,
        new_status=SIGNED,
        extra=[
            audit.Change(
                "signature",
                None,
                f"{_describe(signature)}; sha256 {digest}; key {key_row.id}; "
                f"ed25519 {signature.signature}",
            )
        ],
    )
    return signature


def sign_records(
    store: Store,
    actor: Actor,
    items: Iterable[tuple[str, int]],
    password: str,
    *,
    meaning: str = DEFAULT_MEANING,
) -> list[SignatureInfo]:
    """A PI signs several verified records, e.g. a subject's casebook, with one password
    entry (a wrong password counts as a failed login). All or nothing: if one record cannot
    be signed, none is. Each gets its own Signature: the SHA-256 of its content and the
    signer's Ed25519 signature, the key unlocked with ``password``; then one checkpoint."""
    access.require(actor, Permission.SIGN)
    meaning_text = _clean_text(meaning, "meaning for the signature", MEANING_MAX)
    targets = list(dict.fromkeys((get_form(form).code, int(rid)) for form, rid in items))
    if not targets:
        raise UserError("Choose at least one record to sign")
    access.confirm_password(store, actor, password)
    with store.session() as session:
        account = access.current_account(session, actor)
        user = access.authorize(session, actor, Permission.SIGN)
        key = signing_keys.open_key(session, account, password)
        signatures = [
            _sign_one(
                session,
                user=user,
                printed_name=account.full_name or user,
                form=form,
                record_id=record_id,
                meaning=meaning_text,
                key=key,
            )
            for form, record_id in targets
        ]
        signing_keys.hold(actor, *key)  # the key just opened signs this session's checkpoints
        access.checkpoint(session, actor, "sign")
        return [_info(session, s) for s in signatures]


def sign_record(
    store: Store,
    actor: Actor,
    form: str,
    record_id: int,
    password: str,
    *,
    meaning: str = DEFAULT_MEANING,
) -> SignatureInfo:
    """A PI signs a verified record, giving their password again (a wrong password counts as
    a failed login). Stores a Signature with the SHA-256 of the signed content."""
    (signature,) = sign_records(store, actor, [(form, record_id)], password, meaning=meaning)
    return signature


def lock_record(store: Store, actor: Actor, form: str, record_id: int) -> str:
    """Lock a signed record whose signature is still valid. Returns the status."""
    access.require(actor, Permission.LOCK)
    with store.session() as session:
        user = access.authorize(session, actor, Permission.LOCK)
        form_def, row, subjid = _load(session, form, record_id)
        if row.status == LOCKED:
            return LOCKED
        if row.status != SIGNED:
            raise LifecycleError(
                f"Only a signed {form_def.label.en} form can be locked (it is {row.status})"
            )
        signatures = _active_signatures(session, form_def, row.id)
        problems = [p for p in (signature_problem(session, s) for s in signatures) if p]
        if not signatures or problems:
            why = problems[0] if problems else "it has no signature"
            raise LifecycleError(
                f"The signature no longer matches the record ({why}); unlock, review and sign again"
            )
        _set_status(
            session,
            user=user,
            action="lock",
            form_def=form_def,
            row=row,
            subjid=subjid,
            new_status=LOCKED,
        )
        access.checkpoint(session, actor, "lock", required=True)
        return LOCKED


def unlock_record(
    store: Store,
    actor: Actor,
    form: str,
    record_id: int,
    reason: str,
) -> str:
    """A PI or admin returns a signed or locked record to complete, with a reason; the
    signature is voided (kept, marked with who, when and why). Returns the status."""
    access.require(actor, Permission.UNLOCK)
    why = _clean_text(reason, "reason for unlocking", REASON_MAX)
    with store.session() as session:
        user = access.authorize(session, actor, Permission.UNLOCK)
        form_def, row, subjid = _load(session, form, record_id)
        if row.status not in (SIGNED, LOCKED):
            raise LifecycleError(
                f"Only a signed or locked {form_def.label.en} form can be unlocked "
                f"(it is {row.status})"
            )
        stamp = audit.format_utc(clock.now())
        voided = []
        for signature in _active_signatures(session, form_def, row.id):
            signature.voided_at, signature.voided_by, signature.void_reason = stamp, user, why
            voided.append(audit.Change("signature", _describe(signature), "voided"))
        _set_status(
            session,
            user=user,
            action="unlock",
            form_def=form_def,
            row=row,
            subjid=subjid,
            new_status=COMPLETE,
            extra=voided,
            reason=why,
        )
        access.checkpoint(session, actor, "unlock", required=True)
        return COMPLETE


# --------------------------------------------------------------------------- reading


def signature_for(store: Store, form: str, record_id: int) -> SignatureInfo | None:
    """The record's current (not voided) signature, with its validity, or None."""
    form_def = get_form(form)
    with store.reading() as session:
        active = _active_signatures(session, form_def, record_id)
        return _info(session, active[-1]) if active else None


def signature_history(store: Store, form: str, record_id: int) -> list[SignatureInfo]:
    """Every signature of the record, voided ones included, oldest first."""
    form_def = get_form(form)
    with store.reading() as session:
        return _history(session, form_def, record_id)


def signatures_in(session: Session, form: str, record_id: int) -> list[SignatureInfo]:
    """:func:`signature_history` inside the caller's read, so a casebook's records, their
    signatures and the audit head come from one snapshot (msct_crf.reporting.casebook)."""
    return _history(session, get_form(form), record_id)


def _history(session: Session, form_def: Form, record_id: int) -> list[SignatureInfo]:
    rows = session.scalars(
        select(Signature)
        .where(Signature.form_table == form_def.table, Signature.record_id == record_id)
        .order_by(Signature.id)
    )
    return [_info(session, s) for s in rows]


def list_signatures(
    store: Store, subject: str | None = None, *, include_voided: bool = True
) -> list[SignatureInfo]:
    """Signatures of one subject or of the study (for exports and review lists)."""
    with store.reading() as session:
        query = select(Signature).order_by(Signature.id)
        if subject is not None:
            query = query.join(Subject, Subject.id == Signature.subject_id).where(
                Subject.subjid == subject
            )
        if not include_voided:
            query = query.where(Signature.voided_at.is_(None))
        return [_info(session, s) for s in session.scalars(query)]


def invalid_signatures(store: Store) -> list[SignatureInfo]:
    """Active signatures whose record no longer matches what was signed (tampering)."""
    return [s for s in list_signatures(store, include_voided=False) if not s.valid]


def status_of(store: Store, form: str, record_id: int) -> str | None:
    model: Any = FORM_MODELS[get_form(form).code]
    with store.reading() as session:
        row = session.get(model, record_id)
        return str(row.status) if row is not None else None


def available_actions(
    store: Store, actor: Actor | None, form: str, record_id: int
) -> frozenset[str]:
    """What the actor may do to the record now: a subset of edit, verify, sign, lock, unlock.

    Single-user mode (no accounts, ``actor`` None): only ``edit`` while not signed/locked.
    """
    form_def = get_form(form)
    model: Any = FORM_MODELS[form_def.code]
    with store.reading() as session:
        row = session.get(model, record_id)
        if row is None:
            return frozenset()
        status = row.status
        if actor is None:
            return _single_user_actions(session, status)
        pending = _open_queries(session, form_def, row.id)
        valid = all(_info(session, s).valid for s in _active_signatures(session, form_def, row.id))
    return _actor_actions(actor, status, pending=pending, valid=valid)


def _single_user_actions(session: Session, status: str) -> frozenset[str]:
    if access.accounts_enabled(session):
        return frozenset()
    return frozenset({EDIT}) if status not in (SIGNED, LOCKED) else frozenset()


def _actor_actions(actor: Actor, status: str, *, pending: int, valid: bool) -> frozenset[str]:
    """The steps the rules allow: ``pending`` unresolved queries, ``valid`` every active
    signature still matching the record."""
    out: set[str] = set()
    if status in (DRAFT, COMPLETE, VERIFIED) and actor.can(Permission.ENTER_DATA):
        out.add(EDIT)
    if status == COMPLETE and not pending and actor.can(Permission.VERIFY):
        out.add(VERIFY)
    if status == VERIFIED and not pending and actor.can(Permission.SIGN):
        out.add(SIGN)
    if status == SIGNED and valid and actor.can(Permission.LOCK):
        out.add(LOCK)
    if status in (SIGNED, LOCKED) and actor.can(Permission.UNLOCK):
        out.add(UNLOCK)
    return frozenset(out)


@dataclass(frozen=True)
class RecordState:
    """What a form shows of its record's lifecycle, read in one transaction (so the status,
    the steps offered and the queries never disagree): see :func:`record_state`."""

    status: str
    actions: frozenset[str]  # as available_actions
    signatures: tuple[SignatureInfo, ...]  # every signature, voided ones included, oldest first
    queries: dict[str | None, list[QueryInfo]]  # every query, by field (None: the whole record)

    @property
    def signature(self) -> SignatureInfo | None:
        """The signature to show: the newest active one, else the newest voided one."""
        active = [s for s in self.signatures if s.active]
        if active:
            return active[-1]
        return self.signatures[-1] if self.signatures else None

    @property
    def open_queries(self) -> int:
        """Queries not closed yet (open or answered)."""
        return sum(1 for items in self.queries.values() for q in items if q.is_open)


def record_state(
    store: Store, actor: Actor | None, form: str, record_id: int
) -> RecordState | None:
    """The record's status, the steps ``actor`` may take (:func:`available_actions`), its
    signatures and its queries, from one read; None when there is no such record."""
    form_def = get_form(form)
    model: Any = FORM_MODELS[form_def.code]
    with store.reading() as session:
        row = session.get(model, record_id)
        if row is None:
            return None
        status = str(row.status)
        signatures = tuple(_history(session, form_def, record_id))
        by_field = queries.record_queries(session, form_def.code, record_id)
        if actor is None:
            actions = _single_user_actions(session, status)
        else:
            pending = sum(1 for items in by_field.values() for q in items if q.is_open)
            valid = all(s.valid for s in signatures if s.active)
            actions = _actor_actions(actor, status, pending=pending, valid=valid)
    return RecordState(status, actions, signatures, by_field)


@dataclass(frozen=True)
class RecordRef:
    """A record waiting for a lifecycle step, for review lists ("to verify", "to sign")."""

    form: str
    record_id: int
    subject: str
    status: str
    open_queries: int


def records_in_status(store: Store, status: str, subject: str | None = None) -> list[RecordRef]:
    """Records of every form in ``status`` (e.g. complete = to verify, verified = to sign),
    for one subject or the study, by subject then form order."""
    if status not in (DRAFT, COMPLETE, VERIFIED, SIGNED, LOCKED):
        raise UserError(f"Unknown status {status!r}")
    out: list[RecordRef] = []
    with store.reading() as session:
        pending: dict[tuple[str, int], int] = {}
        for table, record_id in session.execute(
            select(Query.form_table, Query.record_id).where(Query.status != "closed")
        ):
            pending[(table, record_id)] = pending.get((table, record_id), 0) + 1
        for form_def in FORMS.values():
            model: Any = FORM_MODELS[form_def.code]
            if model is Subject:
                stmt = select(Subject.id, Subject.subjid).where(Subject.status == status)
            else:
                stmt = (
                    select(model.id, Subject.subjid)
                    .join(Subject, Subject.id == model.subject_id)
                    .where(model.status == status)
                )
            if subject is not None:
                stmt = stmt.where(Subject.subjid == subject)
            for record_id, subjid in session.execute(stmt.order_by(Subject.subjid, model.id)):
                out.append(
                    RecordRef(
                        form_def.code,
                        record_id,
                        subjid,
                        status,
                        pending.get((form_def.table, record_id), 0),
                    )
                )
    order = {code: i for i, code in enumerate(FORMS)}
    return sorted(out, key=lambda r: (r.subject, order[r.form], r.record_id))
