"""What the ODM file is made of, read in one snapshot: records, audit rows, signatures, people.

One query per form table, one for the data's audit rows, one for the signatures and one for
the accounts, all inside one read transaction (:func:`msct_crf.reporting.export.load.snapshot`,
a deferred BEGIN that never blocks a nurse's save), so the clinical data, their audit records
and the chain head written into the file describe the same moment. Values stay as the
database holds them (SI units, codes); :mod:`.values` formats them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from msct_crf.reporting.export.load import read_sites, snapshot
from msct_crf.reporting.export.options import ExportError, ExportOptions
from msct_crf.storage.audit import GENESIS_HASH
from msct_crf.storage.db.audit_table import AUDIT_TABLE
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, CodeList
from msct_crf.study.sites import site_list

#: The forms of the file, in the order their records are read.
ODM_FORMS: tuple[str, ...] = ("ENROL", "MH", "EX", "VS", "VIS", "AE", "CM", "DS")
FORM_OF_TABLE: dict[str, str] = {FORMS[code].table: code for code in ODM_FORMS}


@dataclass(frozen=True, slots=True)
class Record:
    """One saved form: its field values by code, its missing-data codes, bookkeeping."""

    form: str
    id: int
    subject: int
    status: str
    values: dict[str, Any]
    missing: dict[str, str]
    infusion_id: int | None
    updated_at: str
    updated_by: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    ts: str
    user: str
    action: str
    table: str
    record_id: str
    subject: str
    field: str | None
    old: str | None
    new: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class SignatureRow:
    id: int
    table: str
    record_id: int
    signer: str
    printed_name: str
    signed_at: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    full_name: str
    role: str


@dataclass
class OdmSource:
    """The study as the ODM file shows it (only the selected subjects)."""

    #: Subject key (the enrolment row's id) -> (subject ID, site code), in subject-ID order.
    subjects: dict[int, tuple[str, str]]
    records: dict[str, list[Record]]
    audit: list[AuditRow]
    signatures: list[SignatureRow]
    accounts: list[Account]
    head_hash: str = GENESIS_HASH
    study_id: str = ""
    first_day: str = ""
    identifying: bool = False
    notes: list[str] = field(default_factory=list)
    #: The study's registered sites (the site registry): SITEID's CodeList, the Locations.
    sites: CodeList = field(default_factory=lambda: site_list(()))

    @property
    def site_of_subject_id(self) -> dict[str, str]:
        return dict(self.subjects.values())


def _missing(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items() if v}
    try:
        parsed = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in parsed.items() if v} if isinstance(parsed, dict) else {}


def _records(cursor: Any, code: str) -> list[Record]:
    form = FORMS[code]
    parent = "infusion_id" if code in ("VS", "AE") else "NULL"
    subject = "id" if code == "ENROL" else "subject_id"
    columns = [f.column for f in form.fields]
    cursor.execute(
        f"SELECT id, {subject}, status, missing, {parent}, updated_at, updated_by, "
        f"{', '.join(columns)} FROM {form.table} ORDER BY id"
    )
    out = []
    for row in cursor.fetchall():
        values = {f.code: row[7 + i] for i, f in enumerate(form.fields)}
        out.append(
            Record(
                form=code,
                id=int(row[0]),
                subject=int(row[1]),
                status=str(row[2] or ""),
                values=values,
                missing=_missing(row[3]),
                infusion_id=int(row[4]) if row[4] is not None else None,
                updated_at=str(row[5] or ""),
                updated_by=str(row[6] or ""),
            )
        )
    return out


def _expanded(row: AuditRow) -> list[AuditRow]:
    """A ``bulk_insert`` row (``msct-crf scale``: one row per record, its values as JSON in
    ``new_value``) as the per-field insert rows it stands for, each keeping its id."""
    if row.action != "bulk_insert":
        return [row]
    try:
        content = json.loads(row.new or "")
    except ValueError:
        return []
    if not isinstance(content, dict):
        return []
    return [
        AuditRow(row.id, row.ts, row.user, "insert", row.table, row.record_id, row.subject,
                 str(name), None, None if v is None else str(v), row.reason)
        for name, v in content.items()
    ]  # fmt: skip


def _audit_rows(cursor: Any, subject_ids: set[str]) -> list[AuditRow]:
    tables = ", ".join(f"'{FORMS[code].table}'" for code in ODM_FORMS)
    cursor.execute(
        'SELECT id, ts_utc, "user", action, table_name, record_id, subject_id, field, '
        f"old_value, new_value, reason FROM {AUDIT_TABLE} WHERE table_name IN ({tables}) "
        "AND action IN ('insert', 'update', 'delete', 'bulk_insert') ORDER BY id"
    )
    rows = (
        AuditRow(int(r[0]), *(str(v) if v is not None else "" for v in r[1:7]), *r[7:])
        for r in cursor.fetchall()
        if r[6] in subject_ids
    )
    return [expanded for row in rows for expanded in _expanded(row)]


def _signatures(cursor: Any) -> list[SignatureRow]:
    cursor.execute(
        "SELECT id, form_table, record_id, signer, printed_name, signed_at, meaning "
        "FROM signature WHERE voided_at IS NULL ORDER BY id"
    )
    return [
        SignatureRow(int(r[0]), str(r[1]), int(r[2]), *map(str, r[3:])) for r in cursor.fetchall()
    ]


def _scalar(cursor: Any, sql: str) -> str:
    cursor.execute(sql)
    row = cursor.fetchone()
    return str(row[0]) if row and row[0] is not None else ""


def read_source(
    store: Store,
    *,
    sites: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    identifying: bool = False,
    check: Callable[[], None] = lambda: None,
) -> OdmSource:
    """Everything the file shows, for the subjects of `sites` and `subjects` (empty = all).
    ``check`` is called between queries (it raises to cancel)."""
    with snapshot(store) as cursor:
        head = _scalar(cursor, f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1")
        first = _scalar(cursor, f"SELECT ts_utc FROM {AUDIT_TABLE} ORDER BY id LIMIT 1")
        study_id = _scalar(cursor, "SELECT value FROM study_setting WHERE key = 'study_id'")
        registered = read_sites(cursor)
        ExportOptions(sites=sites, study_sites=registered)  # the site filter: registered sites
        records = {code: _records(cursor, code) for code in ODM_FORMS}
        check()
        known = {str(r.values["SUBJID"]) for r in records["ENROL"]}
        unknown = [s for s in subjects if s not in known]
        if unknown:
            shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            raise ExportError(f"subjects: not in this study: {shown}")
        kept = {
            r.id: (str(r.values["SUBJID"]), str(r.values["SITEID"] or ""))
            for r in records["ENROL"]
            if (not sites or r.values["SITEID"] in sites)
            and (not subjects or r.values["SUBJID"] in subjects)
        }
        audit = _audit_rows(cursor, {subjid for subjid, _ in kept.values()})
        check()
        signatures = _signatures(cursor)
        cursor.execute("SELECT username, full_name, role FROM app_user ORDER BY username")
        accounts = [Account(str(u), str(n or ""), str(r or "")) for u, n, r in cursor.fetchall()]
    records = {code: [r for r in rows if r.subject in kept] for code, rows in records.items()}
    return OdmSource(
        subjects=dict(sorted(kept.items(), key=lambda item: item[1][0])),
        records=records,
        audit=audit,
        signatures=signatures,
        accounts=accounts,
        head_hash=head or GENESIS_HASH,
        study_id=study_id,
        first_day=first[:10],
        identifying=identifying,
        sites=registered,
    )
