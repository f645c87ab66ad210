"""Replay the audit trail from empty and compare the result with the tables.

The hash chain (:func:`msct_crf.storage.audit.verify`) proves that the trail was not altered
*unless it was rewritten whole*; it says nothing about the data. This module closes that gap:
every current row and column it covers must be what the trail says, and every record the trail
says exists must exist. A value edited in SQLite, an audit row rewritten and re-chained, rows
deleted or the whole trail emptied therefore show up as differences naming the table, the
record, the field, the stored value and the audited one.

What is replayed, per table (the audit rows that carry it, see the write paths):

* the form tables of the dictionary (subject/enrolment, medical history, infusion, vital signs,
  visit, adverse event, conmed, disposition): every field column (``Field.column``), the status,
  the missing-data codes (``CODE.missing`` changes), who created and last changed the record
  (the audit row's user), the subject it belongs to (the audit row's subject) and, for vital
  signs and adverse events, the infusion it belongs to (``infusion_id``). ``scale``'s
  ``bulk_insert`` rows carry the same as canonical JSON in ``new_value``;
* ``signature``: signer, printed name, time, meaning and content hash from the ``sign`` row's
  text, voiding from the ``unlock`` row; ids follow the order of signing (signatures are never
  deleted);
* ``data_query``: target, text, status, answer, who and the closing note;
* ``app_user``: user name, full name, role, active, locked, failed logins. ``password_hash`` is
  a secret and is never audited (only that a password was set or changed), so it is not
  compared;
* ``study_setting``: value and who set it;
* ``site_sequence``: derived, the highest subject number issued per site.

Bookkeeping times (``created_at``, ``updated_at``, ``raised_at``, ``voided_at`` ...) are taken
from the clock a moment before the audit row that records the change, by a separate reading of
the clock. They are not copied into the audit row, so the replay checks that each lies between
the time of the audit row before that change and the time of the change's own row (true for any
clock that never runs backwards; :func:`msct_crf.storage.integrity.verify_database` checks
that separately).

Older files: vital signs and adverse events saved before the infusion link was audited carry
no ``infusion_id`` row; their link is then not compared (the foreign-key check still holds).

Memory stays bounded: records are replayed a batch at a time, with their audit rows read in
record order through the ``(table_name, record_id)`` index. Records whose whole history is one
``bulk_insert`` row (large scale studies) are first compared inside SQLite; only the ones it
cannot clear are replayed in Python. That comparison is conservative: a record it lets
through matches its bulk row value for value (numbers as numbers, the missing-data codes, the
stamps equal to the row's time); anything doubtful, NULL or unreadable goes to the replay.

Not covered: tables added after this module (each needs its audit rows and a spec here), the
``alembic_version`` table (the schema check), and rows that only document (``unit_entry``,
``confirm_warning``, logins, exports, backups): the hash chain covers those.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Table

from msct_crf.storage.db.audit_table import AUDIT_TABLE
from msct_crf.storage.db.models import FORM_MODELS, AppUser, Query, Signature, StudySetting
from msct_crf.study.dictionary import FORMS, Form

#: How many differences are named; the rest are counted.
MAX_DIFFERENCES = 50
BATCH = 500

#: Audit actions that carry no stored value (they document, they do not change data).
NO_DATA_ACTIONS = frozenset({"unit_entry", "confirm_warning"})

_USER_TABLE = str(AppUser.__tablename__)
_QUERY_TABLE = str(Query.__tablename__)
_SETTING_TABLE = str(StudySetting.__tablename__)
_SIGNATURE_TABLE = str(Signature.__tablename__)

# Audit row tuple as selected by _AUDIT_COLUMNS.
A_ID, A_TS, A_USER, A_ACTION, A_RECORD, A_SUBJECT, A_FIELD, A_OLD, A_NEW, A_REASON, A_PREV = range(
    11
)
_AUDIT_COLUMNS = (
    "a.id, a.ts_utc, a.user, a.action, a.record_id, a.subject_id, a.field, a.old_value, "
    f"a.new_value, a.reason, (SELECT p.ts_utc FROM {AUDIT_TABLE} p WHERE p.id = a.id - 1)"
)

#: A signature's text in its ``sign`` row: lifecycle._describe plus the content hash.
_SIGNED = re.compile(
    r"(?P<printed>.*) \((?P<signer>[^()]*)\) "
    r"(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z): (?P<meaning>.*); "
    r"sha256 (?P<digest>[0-9a-f]{64})",
    re.DOTALL,
)


# --------------------------------------------------------------------------- differences


@dataclass(frozen=True)
class Difference:
    """One place where the tables and the replayed audit trail disagree."""

    table: str
    record: str
    field: str | None
    stored: str | None
    audited: str | None
    problem: str = "differs"
    subject: str | None = None

    @property
    def text(self) -> str:
        """One line, e.g. 'visit 12 (GZH-001) TBIL: stored 45.0, audited 40.0'."""
        where = f"{self.table} {self.record}"
        if self.subject:
            where += f" ({self.subject})"
        if self.field:
            where += f" {self.field}"
        if self.problem == "differs":
            return f"{where}: stored {_show(self.stored)}, audited {_show(self.audited)}"
        return f"{where}: {self.problem}"


def _show(value: str | None, limit: int = 80) -> str:
    if value is None:
        return "(blank)"
    text = " ".join(str(value).split()) or repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass
class ReconcileResult:
    differences: list[Difference] = field(default_factory=list)  # the first MAX_DIFFERENCES
    count: int = 0  # every difference found
    records: int = 0  # records compared
    tables: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.count == 0

    @property
    def summary(self) -> str:
        if self.ok:
            return f"ok: {self.records} records in {len(self.tables)} tables match the audit trail"
        more = self.count - len(self.differences)
        return f"{self.count} difference(s) between the tables and the audit trail" + (
            f" ({more} not listed)" if more > 0 else ""
        )


class _Sink:
    def __init__(self, result: ReconcileResult, progress: Callable[[int], None] | None) -> None:
        self.result = result
        self.progress = progress

    def add(self, difference: Difference) -> None:
        self.result.count += 1
        if len(self.result.differences) < MAX_DIFFERENCES:
            self.result.differences.append(difference)

    def counted(self, records: int) -> None:
        self.result.records += records
        if self.progress is not None and records:
            self.progress(self.result.records)


# --------------------------------------------------------------------------- values


class _Bad:
    """A stored or audited value that cannot be read as the column's type."""

    __slots__ = ("raw",)

    def __init__(self, raw: object) -> None:
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Bad) and type(other.raw) is type(self.raw) and other.raw == self.raw
        )

    def __hash__(self) -> int:
        return hash(repr(self.raw))


def _as_float(value: object) -> object:
    if isinstance(value, float):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            return _Bad(value)
    return _Bad(value)


def _as_int(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    number = _as_float(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return _Bad(value)


def _as_bool(value: object) -> object:
    if value in ("true", 1):
        return True
    if value in ("false", 0):
        return False
    return _Bad(value)


def _as_datetime(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return _Bad(value)
    return _Bad(value)


def _as_text(value: object) -> object:
    return value if isinstance(value, str) else _Bad(value)


def _normaliser(table: Table, column: str) -> Callable[[object], object]:
    kind = table.c[column].type
    if isinstance(kind, Boolean):
        return _as_bool
    if isinstance(kind, Float):
        return _as_float
    if isinstance(kind, Integer):
        return _as_int
    if isinstance(kind, DateTime):
        return _as_datetime
    if isinstance(kind, Date):
        return _as_text  # stored as ISO text, audited as ISO text
    return _as_text


def _same(norm: Callable[[object], object], stored: object, audited: object) -> bool:
    if stored is None or audited is None:
        return stored is None and audited is None
    if stored == audited:
        return True
    a, b = norm(stored), norm(audited)
    if a == b:
        return True
    return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)


def _text(value: object) -> str | None:
    """A stored value as text for a finding."""
    if value is None:
        return None
    if isinstance(value, float):
        return float.__repr__(value)
    return str(value)


# --------------------------------------------------------------------------- table specs


@dataclass(frozen=True)
class _Column:
    name: str  # the database column
    label: str  # the name findings use (the field code for form fields)
    norm: Callable[[object], object]


@dataclass(frozen=True)
class _Spec:
    table: str
    key: str  # primary-key column; the audit rows' record_id is its text
    columns: tuple[_Column, ...]  # compared, in SELECT order after the key
    form: Form | None = None

    @property
    def select(self) -> str:
        return ", ".join((self.key, *(c.name for c in self.columns)))


def _form_spec(form_def: Form) -> _Spec:
    model: Any = FORM_MODELS[form_def.code]
    table: Table = model.__table__
    columns = [
        _Column(f.column, f.code, _normaliser(table, f.column))
        for f in form_def.fields
        if f.code != "SUBJID"
    ]
    owner = ["subjid"] if form_def.code == "ENROL" else ["subject_id"]
    if "infusion_id" in table.c:
        owner.append("infusion_id")
    for name in (*owner, "status", "missing", "created_by", "created_at"):
        columns.append(_Column(name, name, _normaliser(table, name)))
    columns += [_Column(n, n, _as_text) for n in ("updated_by", "updated_at")]
    return _Spec(form_def.table, "id", tuple(columns), form_def)


def _plain_spec(model: Any, key: str, names: Sequence[str]) -> _Spec:
    table: Table = model.__table__
    return _Spec(str(table.name), key, tuple(_Column(n, n, _normaliser(table, n)) for n in names))


USER_COLUMNS = ("username", "full_name", "role", "active", "failed_logins", "locked", "created_at")
#: Columns of app_user that are not compared, and why.
USER_EXCLUDED = {"password_hash": "a secret; never audited (only that it was set or changed)"}
QUERY_COLUMNS = (
    "subject_id",
    "form_table",
    "record_id",
    "field_code",
    "text",
    "status",
    "raised_by",
    "raised_at",
    "answer",
    "answered_by",
    "answered_at",
    "closed_by",
    "closed_at",
    "close_note",
)
SIGNATURE_COLUMNS = (
    "subject_id",
    "form_table",
    "record_id",
    "signer",
    "printed_name",
    "signed_at",
    "meaning",
    "content_hash",
    "voided_at",
    "voided_by",
    "void_reason",
)


def covered_tables() -> tuple[str, ...]:
    """The tables the replay rebuilds (and site_sequence, derived from subjects)."""
    return (
        *(f.table for f in FORMS.values()),
        _SIGNATURE_TABLE,
        _QUERY_TABLE,
        _USER_TABLE,
        _SETTING_TABLE,
        "site_sequence",
    )


# --------------------------------------------------------------------------- expected values


class Bracket:
    """A bookkeeping time that must lie between the previous audit row's time and the time
    of the audit row of its change (``low`` None: no earlier row to compare with)."""

    __slots__ = ("high", "low")

    def __init__(self, low: str | None, high: str) -> None:
        self.low, self.high = low, high

    def holds(self, stored: object) -> bool:
        return isinstance(stored, str) and (self.low or "") <= stored <= self.high

    def describe(self) -> str:
        return f"between {self.low} and {self.high}" if self.low else f"at or before {self.high}"


#: The infusion link of a record saved before it was audited (not compared).
UNKNOWN = object()
#: Replay-only key: the audit row of an account's latest failed_logins change.
_RESET = "(failed_logins row)"


class _Record:
    """The replayed state of one record: column -> audited text (or Bracket / UNKNOWN)."""

    __slots__ = ("deleted", "exists", "subject", "values")

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.exists = False
        self.deleted = False
        self.subject: str | None = None


@dataclass
class _SignatureEvent:
    audit_id: int
    table: str
    record: str
    subject: str | None
    values: dict[str, object]


class _Replayer:
    """Applies one record's audit rows (in id order) to a :class:`_Record`."""

    def __init__(self, spec: _Spec, sink: _Sink, signatures: list[_SignatureEvent]) -> None:
        self.spec = spec
        self.sink = sink
        self.signatures = signatures
        self.norms = {c.name: c.norm for c in spec.columns}
        form_def = spec.form
        self.columns = {f.code: f.column for f in form_def.fields} if form_def else {}

    # -- helpers

    def _history(self, row: tuple[Any, ...], label: str, before: object) -> None:
        """An audit row whose old value is not what the rows before it left."""
        self.sink.add(
            Difference(
                self.spec.table,
                str(row[A_RECORD]),
                label,
                None,
                None,
                f"audit row {row[A_ID]} says it was {_show(row[A_OLD])}, but the rows before "
                f"it leave {_show(_text(before) if not isinstance(before, Bracket) else None)}",
                row[A_SUBJECT],
            )
        )

    def _set(self, record: _Record, row: tuple[Any, ...], column: str, label: str) -> None:
        before = record.values.get(column)
        if before is UNKNOWN and row[A_ACTION] == "insert":
            before = None  # the link is set when the record is inserted
        if before is not UNKNOWN and not _same(
            self.norms.get(column, _as_text), before, row[A_OLD]
        ):
            self._history(row, label, before)
        record.values[column] = row[A_NEW]

    def _problem(self, row: tuple[Any, ...], text: str) -> None:
        self.sink.add(
            Difference(self.spec.table, str(row[A_RECORD]), None, None, None, text, row[A_SUBJECT])
        )

    # -- one record

    def replay(self, rows: Iterable[tuple[Any, ...]]) -> _Record:
        record = _Record()
        previous: tuple[Any, ...] | None = None
        low: str | None = None
        handler = {
            _USER_TABLE: self._user_row,
            _QUERY_TABLE: self._query_row,
            _SETTING_TABLE: self._setting_row,
        }.get(self.spec.table, self._form_row)
        for row in rows:
            starts = (
                previous is None
                or previous[A_ID] != row[A_ID] - 1
                or previous[A_TS] != row[A_TS]
                or previous[A_ACTION] != row[A_ACTION]
            )
            if starts:
                low = row[A_PREV]
            previous = row
            handler(record, row, Bracket(low, row[A_TS]), starts)
        return record

    def _create(self, record: _Record, row: tuple[Any, ...]) -> bool:
        if record.exists and not record.deleted:
            self._problem(row, f"audit row {row[A_ID]} creates a record that already exists")
            return False
        record.values = {}
        record.exists, record.deleted = True, False
        record.subject = row[A_SUBJECT]
        return True

    def _alive(self, record: _Record, row: tuple[Any, ...]) -> bool:
        if record.exists and not record.deleted:
            return True
        state = "after its deletion" if record.deleted else "before it was created"
        self._problem(row, f"audit row {row[A_ID]} ({row[A_ACTION]}) changes the record {state}")
        return False

    # -- forms

    def _form_row(self, record: _Record, row: tuple[Any, ...], when: Bracket, starts: bool) -> None:
        action = row[A_ACTION]
        if action in NO_DATA_ACTIONS:
            return
        if action == "bulk_insert":
            if row[A_OLD] is not None:
                self._problem(row, f"audit row {row[A_ID]} (bulk_insert) has an old value")
            if self._create(record, row):
                self._bulk(record, row, when)
            return
        if action == "insert" and starts:  # the first row of the insert: a new record
            if not self._create(record, row):
                return
            record.values.update(created_by=row[A_USER], created_at=when, missing={})
            if "infusion_id" in self.norms:
                record.values["infusion_id"] = UNKNOWN  # until an infusion_id row says
        elif not self._alive(record, row):
            return
        if action == "delete":
            if row[A_NEW] is not None:
                self._problem(row, f"audit row {row[A_ID]} deletes {row[A_FIELD]} to a value")
            self._change(record, row, when, deleting=True)
            if row[A_FIELD] == "status":  # the last row of a deletion: every value went with it
                record.deleted = True
                kept = [c for c, v in self.columns.items() if record.values.get(v) is not None]
                if kept:
                    self._problem(
                        row, f"audit row {row[A_ID]} deletes the record without {', '.join(kept)}"
                    )
            return
        if action == "insert" or (action == "update" and row[A_FIELD] != "infusion_id"):
            # a save or a recomputation (unlinking a deleted infusion leaves the stamp alone)
            record.values.update(updated_by=row[A_USER], updated_at=when)
        self._change(record, row, when)

    def _change(
        self, record: _Record, row: tuple[Any, ...], when: Bracket, deleting: bool = False
    ) -> None:
        name = row[A_FIELD]
        if name is None:
            return
        values = record.values
        if name == "status" or name == "infusion_id":
            self._set(record, row, name, name)
        elif name.endswith(".missing"):
            code = name[: -len(".missing")]
            missing = values.get("missing")
            if not isinstance(missing, dict):
                missing = values["missing"] = {}
            if missing.get(code) != row[A_OLD]:
                self._history(row, name, missing.get(code))
            if row[A_NEW] is None:
                missing.pop(code, None)
            else:
                missing[code] = row[A_NEW]
        elif name == "signature":
            self._signature(record, row, when)
        elif name in self.columns:
            column = self.columns[name]
            before = values.get(column)
            if not _same(self.norms[column], before, row[A_OLD]):
                self._history(row, name, before)
            values[column] = None if deleting else row[A_NEW]

    def _bulk(self, record: _Record, row: tuple[Any, ...], when: Bracket) -> None:
        try:
            content = json.loads(row[A_NEW] or "")
        except ValueError:
            content = None
        if not isinstance(content, dict):
            self._problem(row, f"audit row {row[A_ID]} (bulk_insert) does not hold its values")
            return
        values = record.values
        missing: dict[str, object] = {}
        for name, value in content.items():
            if name.endswith(".missing"):
                missing[name[: -len(".missing")]] = value
            elif name in self.columns:
                values[self.columns[name]] = value
            elif name in ("status", "infusion_id"):
                values[name] = value
        values.setdefault("status", None)
        if "infusion_id" in self.norms:
            values.setdefault("infusion_id", UNKNOWN if self.spec.table == "vital_sign" else None)
        values.update(
            missing=missing,
            created_by=row[A_USER],
            updated_by=row[A_USER],
            created_at=when,
            updated_at=when,
        )

    def _signature(self, record: _Record, row: tuple[Any, ...], when: Bracket) -> None:
        if row[A_OLD] is None:  # signed
            match = _SIGNED.fullmatch(row[A_NEW] or "")
            if match is None or match["signer"] != row[A_USER]:
                self._problem(row, f"audit row {row[A_ID]}: the signature text cannot be read")
                return
            signed_at = match["at"]
            if not when.holds(signed_at):
                self._problem(
                    row, f"audit row {row[A_ID]}: signed at {signed_at}, not {when.describe()}"
                )
            self.signatures.append(
                _SignatureEvent(
                    row[A_ID],
                    self.spec.table,
                    str(row[A_RECORD]),
                    row[A_SUBJECT],
                    {
                        "form_table": self.spec.table,
                        "record_id": row[A_RECORD],
                        "signer": match["signer"],
                        "printed_name": match["printed"],
                        "signed_at": signed_at,
                        "meaning": match["meaning"],
                        "content_hash": match["digest"],
                        "voided_at": None,
                        "voided_by": None,
                        "void_reason": None,
                    },
                )
            )
            return
        # voided by an unlock: the oldest active signature of this record with that text
        if row[A_NEW] != "voided":
            self._problem(row, f"audit row {row[A_ID]}: a signature changed to {_show(row[A_NEW])}")
        for event in self.signatures:
            values = event.values
            if (
                event.table == self.spec.table
                and event.record == str(row[A_RECORD])
                and values["voided_by"] is None
                and row[A_OLD]
                == f"{values['printed_name']} ({values['signer']}) {values['signed_at']}: "
                f"{values['meaning']}"
            ):
                values.update(voided_at=when, voided_by=row[A_USER], void_reason=row[A_REASON])
                return
        self._problem(row, f"audit row {row[A_ID]} voids a signature the trail does not hold")

    # -- accounts, queries, settings

    def _user_row(self, record: _Record, row: tuple[Any, ...], when: Bracket, starts: bool) -> None:
        name = row[A_FIELD]
        if row[A_ACTION] == "account" and name == "username" and row[A_OLD] is None:
            if self._create(record, row):
                # created active, unlocked, without failures (those are not audited)
                record.values.update(
                    username=row[A_NEW], failed_logins="0", locked="false", created_at=when
                )
            return
        if name is None:
            return
        if not self._alive(record, row):
            return
        if name == "password":
            if row[A_NEW] == "changed by its owner" and record.values.get(_RESET) != row[A_ID] - 1:
                # files written before the reset was audited: a password change clears the count
                record.values["failed_logins"] = "0"
            return
        if name in self.norms:
            self._set(record, row, name, name)
            if name == "failed_logins":
                record.values[_RESET] = row[A_ID]

    def _query_row(
        self, record: _Record, row: tuple[Any, ...], when: Bracket, starts: bool
    ) -> None:
        action, name = row[A_ACTION], row[A_FIELD]
        if action == "query_open" and name == "target":
            if row[A_OLD] is not None:
                self._problem(row, f"audit row {row[A_ID]} opens a query with an old target")
            if not self._create(record, row):
                return
            values = record.values
            parts = str(row[A_NEW]).split("/")
            if len(parts) != 3:
                self._problem(row, f"audit row {row[A_ID]}: query target cannot be read")
                parts = [str(row[A_NEW]), "", ""]
            values.update(
                form_table=parts[0],
                record_id=parts[1],
                field_code=None if parts[2] == "*" else parts[2],
                subject_id=row[A_SUBJECT],
                raised_by=row[A_USER],
                raised_at=when,
                answer=None,
                answered_by=None,
                answered_at=None,
                closed_by=None,
                closed_at=None,
                close_note=None,
            )
            return
        if not self._alive(record, row):
            return
        values = record.values
        if name in ("text", "status", "answer"):
            self._set(record, row, name, name)
        if action == "query_answer":
            values.update(answered_by=row[A_USER], answered_at=when)
        elif action == "query_close":
            values.update(closed_by=row[A_USER], closed_at=when, close_note=row[A_REASON])

    def _setting_row(
        self, record: _Record, row: tuple[Any, ...], when: Bracket, starts: bool
    ) -> None:
        if row[A_ACTION] != "setting" or row[A_FIELD] != row[A_RECORD]:
            return
        if not record.exists:
            record.exists = True
            record.values["value"] = None
        self._set(record, row, "value", "value")
        record.values.update(updated_by=row[A_USER], updated_at=when)


# --------------------------------------------------------------------------- comparing


def _compare(
    spec: _Spec,
    key: str,
    stored: Sequence[Any],
    record: _Record,
    subject_ids: dict[str, int],
    sink: _Sink,
) -> None:
    """Name each column of one stored row that is not what the replay says."""
    values = record.values
    subject = record.subject
    for column, value in zip(spec.columns, stored, strict=True):
        name = column.name
        expected = values.get(name)
        if name == "subjid":
            expected = subject
        elif name == "subject_id":
            expected = subject_ids.get(subject) if subject is not None else None
            if expected is None:
                sink.add(
                    Difference(
                        spec.table,
                        key,
                        name,
                        _text(value),
                        subject,
                        f"stored {_show(_text(value))}, audited subject {_show(subject)}, which "
                        "is not in the subject table",
                        subject,
                    )
                )
                continue
        if expected is UNKNOWN:
            continue
        if isinstance(expected, Bracket):
            if not expected.holds(value):
                sink.add(
                    Difference(
                        spec.table,
                        key,
                        column.label,
                        _text(value),
                        None,
                        f"stored {_show(_text(value))}, audited {expected.describe()}",
                        subject,
                    )
                )
            continue
        if name == "missing":
            try:
                parsed = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                parsed = _Bad(value)
            if parsed != (expected or {}):
                sink.add(
                    Difference(
                        spec.table,
                        key,
                        "missing-data codes",
                        _text(value),
                        json.dumps(expected or {}, sort_keys=True),
                        subject=subject,
                    )
                )
            continue
        if not _same(column.norm, value, expected):
            sink.add(
                Difference(
                    spec.table, key, column.label, _text(value), _text(expected), subject=subject
                )
            )


def _chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _audit_rows(
    conn: sqlite3.Connection, table: str, keys: Sequence[str]
) -> dict[str, list[tuple[Any, ...]]]:
    marks = ", ".join("?" for _ in keys)
    rows = conn.execute(
        f"SELECT {_AUDIT_COLUMNS} FROM {AUDIT_TABLE} a "
        f"WHERE a.table_name = ? AND a.record_id IN ({marks}) ORDER BY a.record_id, a.id",
        (table, *keys),
    )
    return {key: list(group) for key, group in itertools.groupby(rows, key=lambda r: r[A_RECORD])}


def _check_stored(
    conn: sqlite3.Connection,
    spec: _Spec,
    stored_rows: Sequence[Sequence[Any]],
    replayer: _Replayer,
    subject_ids: dict[str, int],
    sink: _Sink,
) -> None:
    """Replay and compare a batch of stored rows (key first)."""
    keys = [str(r[0]) for r in stored_rows]
    history = _audit_rows(conn, spec.table, keys)
    for key, stored in zip(keys, stored_rows, strict=True):
        rows = history.get(key)
        record = replayer.replay(rows) if rows else _Record()
        if not record.exists:
            sink.add(Difference(spec.table, key, None, None, None, "data without audit trail"))
        elif record.deleted:
            sink.add(
                Difference(
                    spec.table,
                    key,
                    None,
                    None,
                    None,
                    "deleted in the audit trail but still in the table",
                    record.subject,
                )
            )
        else:
            _compare(spec, key, stored[1:], record, subject_ids, sink)
    sink.counted(len(stored_rows))


def _orphans(conn: sqlite3.Connection, spec: _Spec, replayer: _Replayer, sink: _Sink) -> None:
    """Records the trail knows that have no row: they must have been deleted."""
    keys = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT a.record_id FROM {AUDIT_TABLE} a WHERE a.table_name = ? "
            f"AND a.record_id IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {spec.table} t WHERE t.{spec.key} = a.record_id)",
            (spec.table,),
        )
    ]
    for chunk in _chunks(keys):
        history = _audit_rows(conn, spec.table, chunk)
        for key in chunk:
            record = replayer.replay(history.get(key, []))
            if record.exists and not record.deleted:
                sink.add(
                    Difference(
                        spec.table,
                        key,
                        None,
                        None,
                        None,
                        "in the audit trail but not in the table (deleted without audit)",
                        record.subject,
                    )
                )


def _stored(conn: sqlite3.Connection, spec: _Spec) -> Iterator[list[tuple[Any, ...]]]:
    """Every row of the table, a batch at a time, in key order (keyset pagination)."""
    last: Any = None
    while True:
        where = "" if last is None else f"WHERE {spec.key} > ? "
        batch = conn.execute(
            f"SELECT {spec.select} FROM {spec.table} {where}ORDER BY {spec.key} LIMIT {BATCH}",
            () if last is None else (last,),
        ).fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


# --------------------------------------------------------------------------- the fast path


# The stored missing-data codes (a JSON object) against the bulk row's CODE.missing keys:
# the same number of codes, each with the same value; anything unreadable is a difference.
_MISSING_DIFFERS = """CASE
    WHEN v.missing = '{}' AND instr(a.new_value, '.missing"') = 0 THEN 0
    WHEN NOT json_valid(v.missing) OR json_type(v.missing) != 'object' THEN 1
    ELSE (SELECT count(*) FROM json_each(v.missing))
        != (SELECT count(*) FROM json_each(a.new_value) WHERE key LIKE '%.missing')
      OR EXISTS (SELECT 1 FROM json_each(v.missing) m WHERE CASE
        WHEN typeof(m.key) != 'text' OR instr(m.key, '"') > 0 OR m.type != 'text' THEN 1
        ELSE m.value IS NOT json_extract(a.new_value, '$."' || m.key || '.missing"') END)
END"""


def _fast_candidates_sql(spec: _Spec) -> str:
    """Ids of the rows SQLite cannot clear: no single bulk_insert row holding exactly their
    values. Conservative: whatever it lets through matches its bulk_insert row; anything else
    (a missing-data code, later history, a doubtful value) goes to the Python replay."""
    assert spec.form is not None
    table = spec.table
    conditions = []
    for column in spec.columns:
        if column.label not in {f.code for f in spec.form.fields}:
            continue
        audited = f"json_extract(a.new_value, '$.\"{column.label}\"')"
        if column.norm is _as_float:
            audited = f"CAST({audited} AS REAL)"
        elif column.norm is _as_int:
            audited = f"CAST({audited} AS INTEGER)"
        elif column.norm is _as_datetime:  # ISO text -> SQLAlchemy's 'YYYY-MM-DD HH:MM:SS.ffffff'
            audited = (
                f"(CASE WHEN length({audited}) = 19 THEN replace({audited}, 'T', ' ') || "
                f"'.000000' ELSE replace({audited}, 'T', ' ') END)"
            )
        conditions.append(f"v.{column.name} IS NOT {audited}")
    conditions += [
        "v.status IS NOT json_extract(a.new_value, '$.status')",
        _MISSING_DIFFERS,
        "v.created_by IS NOT a.user OR v.updated_by IS NOT a.user",
        # scale stamps its rows with the audit row's own time; any other stamp is bracketed
        # by the Python replay
        "v.created_at IS NOT a.ts_utc OR v.updated_at IS NOT a.ts_utc",
    ]
    if spec.form.code == "ENROL":
        conditions.append("v.subjid IS NOT a.subject_id")
    else:
        conditions.append(
            "v.subject_id IS NOT (SELECT s.id FROM subject s WHERE s.subjid = a.subject_id)"
        )
    if any(c.name == "infusion_id" for c in spec.columns):
        conditions.append(
            "v.infusion_id IS NOT CAST(json_extract(a.new_value, '$.infusion_id') AS INTEGER)"
        )
    conditions.append(
        f"EXISTS (SELECT 1 FROM {AUDIT_TABLE} o WHERE o.table_name = '{table}' "
        "AND o.record_id = a.record_id AND o.id != a.id "
        f"AND o.action NOT IN ({', '.join(repr(x) for x in sorted(NO_DATA_ACTIONS))}))"
    )
    differs = " OR ".join(f"({c})" for c in conditions)
    # LEFT JOIN keeps the table as the outer loop and the audit index as the inner one.
    return (
        f"SELECT DISTINCT v.id FROM {table} v LEFT JOIN {AUDIT_TABLE} a "
        f"ON a.table_name = '{table}' AND a.record_id = CAST(v.id AS TEXT) "
        "AND a.action = 'bulk_insert' "
        # coalesce: a comparison with NULL (a value written behind the app's back) is doubtful
        "WHERE coalesce(a.id IS NULL OR typeof(a.new_value) != 'text' OR "
        f"(CASE WHEN json_valid(a.new_value) THEN ({differs}) ELSE 1 END), 1) ORDER BY v.id"
    )


def _has_bulk_rows(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute(
        f"SELECT 1 FROM {AUDIT_TABLE} WHERE table_name = ? AND action = 'bulk_insert' LIMIT 1",
        (table,),
    ).fetchone()
    return row is not None


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# --------------------------------------------------------------------------- tables


def _form_table(
    conn: sqlite3.Connection,
    spec: _Spec,
    subject_ids: dict[str, int],
    signatures: list[_SignatureEvent],
    sink: _Sink,
) -> None:
    replayer = _Replayer(spec, sink, signatures)
    if _has_bulk_rows(conn, spec.table):
        total = _count(conn, spec.table)
        candidates = [r[0] for r in conn.execute(_fast_candidates_sql(spec))]
        sink.counted(total - len(candidates))
        for chunk in _chunks(candidates):
            marks = ", ".join("?" for _ in chunk)
            stored = conn.execute(
                f"SELECT {spec.select} FROM {spec.table} WHERE id IN ({marks}) ORDER BY id",
                chunk,
            ).fetchall()
            _check_stored(conn, spec, stored, replayer, subject_ids, sink)
    else:
        for batch in _stored(conn, spec):
            _check_stored(conn, spec, batch, replayer, subject_ids, sink)
    _orphans(conn, spec, replayer, sink)


def _plain_table(
    conn: sqlite3.Connection, spec: _Spec, subject_ids: dict[str, int], sink: _Sink
) -> None:
    replayer = _Replayer(spec, sink, [])
    for batch in _stored(conn, spec):
        _check_stored(conn, spec, batch, replayer, subject_ids, sink)
    _orphans(conn, spec, replayer, sink)


def _signatures(
    conn: sqlite3.Connection,
    events: list[_SignatureEvent],
    subject_ids: dict[str, int],
    sink: _Sink,
) -> None:
    """Signature ids follow the order of signing: the n-th sign row made signature n."""
    spec = _plain_spec(Signature, "id", SIGNATURE_COLUMNS)
    expected = {
        number: event
        for number, event in enumerate(sorted(events, key=lambda e: e.audit_id), start=1)
    }
    seen: set[int] = set()
    for batch in _stored(conn, spec):
        for stored in batch:
            number = int(stored[0])
            seen.add(number)
            event = expected.get(number)
            if event is None:
                sink.add(
                    Difference(
                        spec.table,
                        str(number),
                        None,
                        None,
                        None,
                        "data without audit trail (no sign row made it)",
                    )
                )
                continue
            record = _Record()
            record.exists, record.subject = True, event.subject
            record.values = dict(event.values)
            _compare(spec, str(number), stored[1:], record, subject_ids, sink)
        sink.counted(len(batch))
    for number, event in expected.items():
        if number not in seen:
            sink.add(
                Difference(
                    spec.table,
                    str(number),
                    None,
                    None,
                    None,
                    f"in the audit trail (sign row {event.audit_id}, {event.table} "
                    f"{event.record}) but not in the table",
                    event.subject,
                )
            )


def _site_sequence(conn: sqlite3.Connection, sink: _Sink) -> None:
    """Each site's counter is the highest subject number issued there (never reused)."""
    issued = dict(
        conn.execute(
            "SELECT substr(subjid, 1, instr(subjid, '-') - 1), "
            "max(CAST(substr(subjid, instr(subjid, '-') + 1) AS INTEGER)) "
            "FROM subject WHERE instr(subjid, '-') > 0 GROUP BY 1"
        ).fetchall()
    )
    stored = dict(conn.execute("SELECT siteid, last_number FROM site_sequence").fetchall())
    for site in sorted(set(issued) | set(stored), key=str):
        if issued.get(site) != stored.get(site) and not (
            issued.get(site) is None and stored.get(site) == 0
        ):
            sink.add(
                Difference(
                    "site_sequence",
                    str(site),
                    "last_number",
                    _text(stored.get(site)),
                    _text(issued.get(site)),
                )
            )
    sink.counted(len(stored))


def reconcile(
    conn: sqlite3.Connection, progress: Callable[[int], None] | None = None
) -> ReconcileResult:
    """Replay the audit trail and compare it with every covered table (read-only).

    ``conn`` is a plain sqlite3 connection (open it read-only); ``progress`` is called with
    the number of records compared so far (raise from it to cancel)."""
    result = ReconcileResult(tables=covered_tables())
    sink = _Sink(result, progress)
    subject_ids = dict(conn.execute("SELECT subjid, id FROM subject").fetchall())
    signatures: list[_SignatureEvent] = []
    for form_def in FORMS.values():
        _form_table(conn, _form_spec(form_def), subject_ids, signatures, sink)
    _signatures(conn, signatures, subject_ids, sink)
    _plain_table(conn, _plain_spec(Query, "id", QUERY_COLUMNS), subject_ids, sink)
    _plain_table(conn, _plain_spec(AppUser, "id", USER_COLUMNS), subject_ids, sink)
    setting = _plain_spec(StudySetting, "key", ("value", "updated_by", "updated_at"))
    _plain_table(conn, setting, subject_ids, sink)
    _site_sequence(conn, sink)
    return result
