"""Data queries: a monitor or PI asks about a field; the site answers or corrects; the raiser
(or a PI) closes the query.

Status: ``open`` -> ``answered`` -> ``closed`` (an open query may also be closed directly,
e.g. when raised in error). Every step is audited (``query_open``, ``query_answer``,
``query_close``) in table ``data_query`` under the query's id, with the subject, so the
audit trail of a subject shows its queries. A correction made while answering goes through
:func:`msct_crf.workflow.records.save_in_session` in the same transaction, so it is validated and
audited like any other change, with the query as its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import access, clock
from msct_crf.access import Actor, Permission
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import FORM_MODELS, Query, Subject
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, Form
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.text import TEXT_MAX, clean_text
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import records

OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
QUERY_STATUSES = (OPEN, ANSWERED, CLOSED)
QUERY_TABLE = "data_query"


@dataclass(frozen=True)
class QueryInfo:
    """A query as shown beside its field and in lists and exports."""

    id: int
    subject: str
    form: str
    record_id: int
    field: str | None
    text: str
    status: str
    raised_by: str
    raised_at: str
    answer: str | None = None
    answered_by: str | None = None
    answered_at: str | None = None
    closed_by: str | None = None
    closed_at: str | None = None
    close_note: str | None = None

    @property
    def is_open(self) -> bool:
        """Not closed yet (open or answered)."""
        return self.status != CLOSED


@dataclass(frozen=True)
class AnswerResult:
    """What :func:`answer_query` did. When a correction was refused (``save.saved`` False,
    with its findings), the query is left unanswered and nothing is written."""

    answered: bool
    query: QueryInfo
    save: records.SaveResult | None = None

    @property
    def message(self) -> str:
        if self.answered:
            return "Query answered"
        return self.save.message if self.save is not None else "Query not answered"


def _info(session: Session, row: Query, subjid: str | None = None) -> QueryInfo:
    if subjid is None:
        subject = session.get(Subject, row.subject_id)
        subjid = subject.subjid if subject is not None else ""
    form_code = {f.table: f.code for f in FORMS.values()}.get(row.form_table, row.form_table)
    return QueryInfo(
        id=row.id,
        subject=subjid,
        form=form_code,
        record_id=row.record_id,
        field=row.field_code,
        text=row.text,
        status=row.status,
        raised_by=row.raised_by,
        raised_at=row.raised_at,
        answer=row.answer,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        close_note=row.close_note,
    )


def _clean(text: str | None, what: str, *, required: bool = True) -> str | None:
    """The text as stored: the limits of a field value (msct_crf.study.text)."""
    if not (text or "").strip():
        if required:
            raise UserError(f"The {what} is empty; write the {what}")
        return None
    return clean_text(text, what, limit=TEXT_MAX)


def _audit(
    session: Session,
    *,
    user: str,
    action: str,
    row: Query,
    subjid: str,
    changes: list[audit.Change],
    reason: str | None = None,
) -> None:
    audit.append(
        session,
        user=user,
        action=action,
        table_name=QUERY_TABLE,
        record_id=row.id,
        subject_id=subjid,
        changes=changes,
        reason=reason,
    )


def _query_row(session: Session, query_id: int) -> Query:
    row = session.get(Query, query_id)
    if row is None:
        raise UserError(f"Query {query_id} not found")
    return row


# --------------------------------------------------------------------------- steps


def raise_query(
    store: Store,
    actor: Actor,
    *,
    subject: str,
    form: str,
    record_id: int,
    field: str | None,
    text: str,
) -> QueryInfo:
    """A monitor or PI raises a query on a field of a record (``field`` None: the whole
    record)."""
    access.require(actor, Permission.RAISE_QUERY)
    question = _clean(text, "query text")
    assert question is not None
    form_def: Form = get_form(form)
    if field is not None and field not in {f.code for f in form_def.fields}:
        raise UserError(f"{field!r} is not a field of the {form_def.label.en} form")
    with store.session() as session:
        user = access.authorize(session, actor, Permission.RAISE_QUERY)
        subject_row = session.scalars(
            select(Subject).where(Subject.subjid == subject)
        ).one_or_none()
        if subject_row is None:
            raise UserError(f"Subject {subject!r} does not exist")
        model: Any = FORM_MODELS[form_def.code]
        record = session.get(model, record_id)
        owner = None if record is None else (record.id if form == "ENROL" else record.subject_id)
        if record is None or owner != subject_row.id:
            raise UserError(f"{form_def.label.en} record {record_id} of {subject} not found")
        row = Query(
            subject_id=subject_row.id,
            form_table=form_def.table,
            record_id=record_id,
            field_code=field,
            text=question,
            status=OPEN,
            raised_by=user,
            raised_at=audit.format_utc(clock.now()),
        )
        session.add(row)
        session.flush()
        _audit(
            session,
            user=user,
            action="query_open",
            row=row,
            subjid=subject,
            changes=[
                audit.Change("target", None, f"{form_def.table}/{record_id}/{field or '*'}"),
                audit.Change("text", None, question),
                audit.Change("status", None, OPEN),
            ],
        )
        return _info(session, row, subject)


def answer_query(
    store: Store,
    actor: Actor,
    query_id: int,
    answer: str,
    *,
    correction: Mapping[str, object] | None = None,
    missing: Mapping[str, str] | None = None,
    units: Mapping[str, UnitSystem] | UnitSystem = UnitSystem.SI,
    confirm_warnings: bool = False,
    based_on: int | None = None,
) -> AnswerResult:
    """The site (nurse or PI) answers an open query, optionally correcting values of the
    queried record first (``correction`` = {CODE: raw value}, ``missing`` = {CODE: 'ND'}).

    The correction is validated and audited by `records` with the reason "Query N: answer";
    if it is refused (errors, unconfirmed warnings, a signed record) nothing is written and
    the result carries the SaveResult with its findings. `based_on` is the record's
    version the person answered over (:func:`correction_base` when the answer was begun):
    a record changed since raises :class:`~msct_crf.workflow.records.EditConflict`, like a
    form's save over a changed record, and nothing (not the answer either) is written.
    """
    access.require(actor, Permission.ANSWER_QUERY)
    reply = _clean(answer, "answer")
    assert reply is not None
    with store.session() as session:
        user = access.authorize(session, actor, Permission.ANSWER_QUERY)
        row = _query_row(session, query_id)
        subject = session.get(Subject, row.subject_id)
        subjid = subject.subjid if subject is not None else ""
        if row.status != OPEN:
            raise UserError(f"Query {query_id} is {row.status}; only an open query can be answered")
        save = None
        if correction or missing:
            form_code = _info(session, row, subjid).form
            save = records.save_in_session(
                session,
                user=user,
                actor=actor,
                form=form_code,
                values=dict(correction or {}),
                subject=subjid,
                record_id=None if form_code == "ENROL" else row.record_id,
                units=units,
                missing=missing,
                confirm_warnings=confirm_warnings,
                reason=f"Query {row.id}: {reply}"[:TEXT_MAX],
                based_on=based_on,
            )
            if not save.saved:
                unanswered = _info(session, row, subjid)
                session.rollback()
                return AnswerResult(False, unanswered, save)
        stamp = audit.format_utc(clock.now())
        row.answer, row.answered_by, row.answered_at, row.status = reply, user, stamp, ANSWERED
        session.flush()
        _audit(
            session,
            user=user,
            action="query_answer",
            row=row,
            subjid=subjid,
            changes=[
                audit.Change("answer", None, reply),
                audit.Change("status", OPEN, ANSWERED),
            ],
        )
        return AnswerResult(True, _info(session, row, subjid), save)


def correction_base(store: Store, query_id: int) -> int:
    """The queried record's version now (its `Record.version`): what an answer begun now
    passes as `based_on`, so that a correction over a change made meanwhile is refused."""
    with store.reading() as session:
        row = _query_row(session, query_id)
        return records.record_version(session, row.form_table, row.record_id)


def close_query(
    store: Store,
    actor: Actor,
    query_id: int,
    note: str | None = None,
) -> QueryInfo:
    """The raiser (or a PI) closes a query, answered or not, with an optional note."""
    text = _clean(note, "closing note", required=False)
    with store.session() as session:
        row = _query_row(session, query_id)
        is_raiser = actor.username == row.raised_by
        permission = Permission.RAISE_QUERY if is_raiser else Permission.CLOSE_ANY_QUERY
        if not actor.can(permission):
            raise PermissionDenied(
                f"{actor.username} ({actor.role_label}) may not close query {query_id}: "
                f"only {row.raised_by} who raised it, or a principal investigator, may"
            )
        user = access.authorize(session, actor, permission)
        if row.status == CLOSED:
            raise UserError(f"Query {query_id} is already closed")
        subject = session.get(Subject, row.subject_id)
        subjid = subject.subjid if subject is not None else ""
        old = row.status
        row.status, row.closed_by, row.closed_at = CLOSED, user, audit.format_utc(clock.now())
        row.close_note = text
        session.flush()
        _audit(
            session,
            user=user,
            action="query_close",
            row=row,
            subjid=subjid,
            changes=[audit.Change("status", old, CLOSED)],
            reason=text,
        )
        return _info(session, row, subjid)


# --------------------------------------------------------------------------- reading


def list_queries(
    store: Store,
    *,
    subject: str | None = None,
    form: str | None = None,
    record_id: int | None = None,
    status: str | None = None,
    open_only: bool = False,
) -> list[QueryInfo]:
    """Queries filtered by subject, form, record and status, oldest first."""
    if status is not None and status not in QUERY_STATUSES:
        raise UserError(f"Query status must be one of {', '.join(QUERY_STATUSES)}")
    with store.reading() as session:
        return _list(
            session,
            subject=subject,
            form=form,
            record_id=record_id,
            status=status,
            open_only=open_only,
        )


def _list(
    session: Session,
    *,
    subject: str | None = None,
    form: str | None = None,
    record_id: int | None = None,
    status: str | None = None,
    open_only: bool = False,
) -> list[QueryInfo]:
    stmt = select(Query, Subject.subjid).join(Subject, Subject.id == Query.subject_id)
    if subject is not None:
        stmt = stmt.where(Subject.subjid == subject)
    if form is not None:
        stmt = stmt.where(Query.form_table == get_form(form).table)
    if record_id is not None:
        stmt = stmt.where(Query.record_id == record_id)
    if status is not None:
        stmt = stmt.where(Query.status == status)
    if open_only:
        stmt = stmt.where(Query.status != CLOSED)
    stmt = stmt.order_by(Query.id)
    return [_info(session, row, subjid) for row, subjid in session.execute(stmt)]


def list_open(store: Store, subject: str | None = None) -> list[QueryInfo]:
    """Queries not closed yet (open or answered), for one subject or the whole study."""
    return list_queries(store, subject=subject, open_only=True)


def queries_for_record(
    store: Store, form: str, record_id: int
) -> dict[str | None, list[QueryInfo]]:
    """A record's queries grouped by field code (None: the whole record), for showing them
    beside the fields."""
    with store.reading() as session:
        return record_queries(session, form, record_id)


def record_queries(
    session: Session, form: str, record_id: int
) -> dict[str | None, list[QueryInfo]]:
    """:func:`queries_for_record` inside the caller's read, so a record's lifecycle state
    and its queries come from one snapshot (`msct_crf.workflow.lifecycle.record_state`)."""
    out: dict[str | None, list[QueryInfo]] = {}
    for info in _list(session, form=form, record_id=record_id):
        out.setdefault(info.field, []).append(info)
    return out


def get_query(store: Store, query_id: int) -> QueryInfo | None:
    with store.reading() as session:
        row = session.get(Query, query_id)
        return _info(session, row) if row is not None else None
