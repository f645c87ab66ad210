"""Reading the audit trail for people: history per subject, form, record and field.

The desktop's audit viewer and any report read the trail through :func:`history`, never with
their own SQL. Rows come back newest first as :class:`AuditRow` with the form code (from the
table name) so a UI can show the dictionary's form and field labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from msct_crf import access
from msct_crf.errors import UserError
from msct_crf.storage.db.audit_table import AuditEntry
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS

#: Upper bound for one read; a UI asks for fewer and says when more exist.
MAX_ROWS = 200_000


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as shown to a reader (all values as recorded, text or None)."""

    id: int
    ts_utc: str
    user: str
    action: str
    table_name: str | None
    record_id: str | None
    subject: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None

    @property
    def form(self) -> str | None:
        """The form code of ``table_name`` (e.g. "VIS"), or None for non-form tables."""
        return form_of_table(self.table_name)

    @property
    def change_text(self) -> str:
        """'old -> new' with an empty side shown as '∅'."""
        old = "∅" if self.old_value is None else self.old_value
        new = "∅" if self.new_value is None else self.new_value
        return f"{old} -> {new}"


def form_of_table(table_name: str | None) -> str | None:
    if table_name is None:
        return None
    for code, form_def in FORMS.items():
        if form_def.table == table_name:
            return code
    return None


def table_of_form(form: str) -> str:
    try:
        return FORMS[form].table
    except KeyError:
        raise UserError(f"Unknown form {form!r}; use one of {', '.join(FORMS)}") from None


def history(
    store: Store,
    *,
    subject: str | None = None,
    table: str | None = None,
    form: str | None = None,
    record_id: int | str | None = None,
    field: str | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int | None = None,
    actor: access.Actor | None = None,
) -> list[AuditRow]:
    """Audit rows matching every filter given, newest first.

    ``subject`` is the subject ID (e.g. "GZH-001"); ``table`` a table name or ``form`` a form
    code (give one); ``record_id`` the record's id within that table; ``field`` the field
    code; ``limit`` the most recent N rows (None: up to :data:`MAX_ROWS`).

    Once the study has accounts, ``actor`` must be logged in with a role that may view the
    audit trail (administrator, PI, monitor); single-user databases need none.
    """
    if table is not None and form is not None:
        raise UserError("Filter by table or by form, not both")
    if form is not None:
        table = table_of_form(form)
    if limit is not None and (isinstance(limit, bool) or limit <= 0):
        raise UserError("The row limit must be a positive whole number")
    count = min(limit or MAX_ROWS, MAX_ROWS)
    stmt = select(AuditEntry)
    if subject is not None:
        stmt = stmt.where(AuditEntry.subject_id == subject)
    if table is not None:
        stmt = stmt.where(AuditEntry.table_name == table)
    if record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == str(record_id))
    if field is not None:
        stmt = stmt.where(AuditEntry.field == field)
    if user is not None:
        stmt = stmt.where(AuditEntry.user == user)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    stmt = stmt.order_by(AuditEntry.id.desc()).limit(count)
    with store.reading() as session:
        if actor is not None or access.accounts_enabled(session):
            access.authorize(session, actor, access.Permission.VIEW_AUDIT)
        return [
            AuditRow(
                id=row.id,
                ts_utc=row.ts_utc,
                user=row.user,
                action=row.action,
                table_name=row.table_name,
                record_id=row.record_id,
                subject=row.subject_id,
                field=row.field,
                old_value=row.old_value,
                new_value=row.new_value,
                reason=row.reason,
            )
            for row in session.scalars(stmt)
        ]
