"""The centre's queries as the app shows them: a monitor at the coordinating centre raises
a query on a pooled record and follows it until the site's answer comes back.

In the centre's pooled database every clinical write is refused (``access.authorize``), a
site's query included: the site is the only writer of its data. What a monitor raises there
is a *centre* query (:func:`msct_crf.exchange.returns.raise_centre_query`, the same as
``msct-crf central raise-query``), sent to the site in its next return package. This module
gives the app the same calls it makes on a site's file (:func:`list_queries`,
:func:`raise_query`, with :class:`CentreQueryInfo` rows that are
:class:`~msct_crf.workflow.queries.QueryInfo`\\ s), so the UI routes "raise query" here
when it works on a centre, and says where each query is (:class:`State`): not sent yet,
waiting for the site in return package N, raised at the site, answered or closed in the
site's package N.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from msct_crf.access import PERMISSIONS, Actor, Permission, current_account
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.exchange import returns
from msct_crf.storage import study_identity
from msct_crf.storage.db.models import (
    CentreQuery,
    ExchangeRecord,
    ImportedPackage,
    Query,
    SiteAuditEntry,
)
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS
from msct_crf.workflow.queries import ANSWERED, CLOSED, QueryInfo

_FORM_OF_TABLE = {f.table: code for code, f in FORMS.items()}
_QUERY_TABLE = "data_query"


class State(StrEnum):
    """Where a centre query is, for the queries list (codes the UI translates)."""

    NOT_SENT = "not_sent"  # goes out in the site's next return package
    SENT = "sent"  # in return package ``return_number``: waiting for the site
    AT_SITE = "at_site"  # the site raised it (its package ``package_number`` says so)
    ANSWERED = "answered"  # the site's answer came in its package ``package_number``
    CLOSED = "closed"  # closed at the site, as its package ``package_number`` says


@dataclass(frozen=True)
class CentreQueryInfo(QueryInfo):
    """A centre query as a :class:`QueryInfo` (``record_id`` is the pooled record's id)."""

    site: str = ""
    state: State = State.NOT_SENT
    return_number: int | None = None
    package_number: int | None = None


def is_centre_store(store: Store) -> bool:
    """Whether `store` is a coordinating centre's pooled database (read only)."""
    with store.reading() as session:
        return study_identity.is_centre(session)


def check_may_raise(session: Session, actor: Actor | None) -> str:
    """The actor's name, when their account at the centre may raise queries (a monitor or a
    PI); the centre's refusal of clinical writes does not apply to centre queries."""
    if actor is None:
        raise PermissionDenied("Log in with a user account to raise queries")
    row = current_account(session, actor)
    if Permission.RAISE_QUERY not in PERMISSIONS.get(row.role, frozenset()):
        raise PermissionDenied(f"{row.username} ({row.role}) may not raise data queries")
    return row.username


def raise_query(
    store: Store,
    actor: Actor | None,
    *,
    subject: str,
    form: str,
    record_id: int,
    field: str | None,
    text: str,
) -> CentreQueryInfo:
    """Raise a centre query on the pooled record `record_id` of `subject` (audited at the
    centre as ``query_open`` on ``centre_query``); the new query as the list shows it."""
    with store.reading() as session:
        user = check_may_raise(session, actor)
    number = returns.raise_centre_query(
        store, form=form, record_id=record_id, field=field, text=text, user=user
    )
    found = [q for q in list_queries(store, subject=subject) if q.id == number]
    if not found:
        raise UserError(f"the query was raised on another subject than {subject}")
    return found[0]


def list_queries(
    store: Store,
    *,
    subject: str | None = None,
    form: str | None = None,
    record_id: int | None = None,
    open_only: bool = False,
) -> list[CentreQueryInfo]:
    """The centre's queries (all, a subject's, or one pooled record's), oldest first."""
    with store.reading() as session:
        stmt = select(CentreQuery).order_by(CentreQuery.id)
        if subject is not None:
            stmt = stmt.where(CentreQuery.subjid == subject)
        if form is not None:
            form_def = FORMS.get(form)
            if form_def is None:
                raise UserError(f"form {form!r}: not a form ({', '.join(FORMS)})")
            stmt = stmt.where(CentreQuery.form_table == form_def.table)
            if record_id is not None:
                sent = session.scalars(
                    select(ExchangeRecord).where(
                        ExchangeRecord.table_name == form_def.table,
                        ExchangeRecord.local_id == record_id,
                    )
                ).first()
                if sent is None:
                    return []
                stmt = stmt.where(
                    CentreQuery.site_code == sent.site_code,
                    CentreQuery.site_record_id == sent.site_record_id,
                )
        if open_only:
            stmt = stmt.where(CentreQuery.status != CLOSED)
        return [_info(session, row) for row in session.scalars(stmt)]


def _pooled_id(session: Session, site: str, table_name: str, site_id: int) -> int | None:
    found = session.scalars(
        select(ExchangeRecord.local_id).where(
            ExchangeRecord.site_code == site,
            ExchangeRecord.table_name == table_name,
            ExchangeRecord.site_record_id == site_id,
        )
    ).first()
    return int(found) if found is not None else None


def _package_of_last_change(session: Session, site: str, site_query_id: int) -> int | None:
    """The number of the site's package that carried the last change of its query."""
    seq = session.scalar(
        select(func.max(SiteAuditEntry.seq)).where(
            SiteAuditEntry.site_code == site,
            SiteAuditEntry.table_name == _QUERY_TABLE,
            SiteAuditEntry.record_id == str(site_query_id),
        )
    )
    if seq is None:
        return None
    return session.scalar(
        select(ImportedPackage.number).where(
            ImportedPackage.site_code == site,
            ImportedPackage.first_seq <= seq,
            ImportedPackage.last_seq >= seq,
        )
    )


def _state(row: CentreQuery) -> State:
    if row.site_query_id is None:
        return State.NOT_SENT if row.return_number is None else State.SENT
    if row.status == CLOSED:
        return State.CLOSED
    return State.ANSWERED if row.status == ANSWERED else State.AT_SITE


def _info(session: Session, row: CentreQuery) -> CentreQueryInfo:
    pooled = _pooled_id(session, row.site_code, row.form_table, row.site_record_id)
    answer_by = answered_at = closed_by = closed_at = None
    package = None
    if row.site_query_id is not None:
        package = _package_of_last_change(session, row.site_code, row.site_query_id)
        local = _pooled_id(session, row.site_code, _QUERY_TABLE, row.site_query_id)
        site_query = session.get(Query, local) if local is not None else None
        if site_query is not None:
            answer_by, answered_at = site_query.answered_by, site_query.answered_at
            closed_by, closed_at = site_query.closed_by, site_query.closed_at
    return CentreQueryInfo(
        id=row.id,
        subject=row.subjid,
        form=_FORM_OF_TABLE.get(row.form_table, row.form_table),
        record_id=pooled if pooled is not None else row.site_record_id,
        field=row.field_code,
        text=row.text,
        status=row.status,
        raised_by=row.raised_by,
        raised_at=row.raised_at,
        answer=row.answer,
        answered_by=answer_by,
        answered_at=answered_at,
        closed_by=closed_by,
        closed_at=closed_at,
        site=row.site_code,
        state=_state(row),
        return_number=row.return_number,
        package_number=package,
    )
