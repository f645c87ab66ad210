"""Append-only audit trail with a SHA-256 hash chain.

Every audit row stores ``prev_hash`` (the ``hash`` of the row before it, or
:data:`GENESIS_HASH` for the first row) and ``hash`` = SHA-256 of the canonical JSON of
its content fields *including* ``prev_hash`` (:data:`HASHED_FIELDS`; ``id`` and ``hash``
itself are excluded). Altering a row breaks its own hash; deleting or inserting a row
breaks the next row's ``prev_hash`` link. :func:`verify` recomputes the chain and names
the first broken row. (Removing rows from the *end* of the chain leaves a shorter but
valid chain; compare :func:`head_hash` with a copy kept elsewhere, e.g. in a backup, to
detect that.)

:func:`append` must run inside the caller's transaction and never commits. With the
engine from :func:`msct_crf.storage.db.engine.make_engine` every SQLite transaction begins with
``BEGIN IMMEDIATE``, so reading the head hash and appending is race-free. On PostgreSQL (a
clinic's server, several nurses at once) :func:`lock_chain` takes one transaction-level
advisory lock before the head is read: appenders queue for it, readers never wait, and it
is released at commit or rollback. Under READ COMMITTED (the engine's level) the head read
after the lock is granted is the newest committed one, so two writers can never extend the
same head, and ids (taken from the sequence while the lock is held) are in chain order.
An advisory lock rather than ``LOCK TABLE audit_log IN EXCLUSIVE MODE``: a write session
takes it first (:meth:`msct_crf.storage.store.Store.session`), before any row lock, so two
saves cannot deadlock on row locks against the chain lock, and nothing else that touches
the table (autovacuum, pg_dump, the monitors' reads) queues behind it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import numbers
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, inspect, select, text
from sqlalchemy.orm import Session, configure_mappers

from msct_crf import clock
from msct_crf.storage.db.audit_table import AUDIT_TABLE, AuditEntry

GENESIS_HASH = "0" * 64

# The columns covered by the hash, in no particular order (canonical JSON sorts keys).
# A fixed list, not "all columns": a column added later must not change old hashes.
HASHED_FIELDS: tuple[str, ...] = (
    "ts_utc",
    "user",
    "action",
    "table_name",
    "record_id",
    "subject_id",
    "field",
    "old_value",
    "new_value",
    "reason",
    "prev_hash",
)

VERIFY_CHUNK_ROWS = 5000

_HEAD_SQL = text(f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1")

#: The advisory lock key of the chain head ("MSCT" in ASCII); advisory locks are per
#: database, so two study databases on one server do not wait for each other.
CHAIN_LOCK_KEY = 0x4D534354
_CHAIN_LOCK_SQL = text("SELECT pg_advisory_xact_lock(:key)")

SessionOrConnection = Session | Connection

_TABLE = cast(Table, AuditEntry.__table__)
_MANAGER = inspect(AuditEntry).class_manager


# --------------------------------------------------------------------------- text forms


def to_text(value: Any) -> str | None:
    """A stable text form of a Python value, for old/new values and ids.

    None -> None; str unchanged; bool -> "true"/"false"; int -> decimal digits;
    float -> shortest round-trip repr ("0.1", "1e-05", "nan", "inf"); Decimal -> str
    (keeps the typed precision, "1.50"); datetime/date/time -> ISO 8601 (an aware
    datetime keeps its offset); Enum -> its value; UUID -> canonical string.
    Anything else raises TypeError rather than recording an unstable repr().
    """
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return to_text(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, numbers.Integral):  # e.g. numpy.int64
        return int.__repr__(int(value))
    if isinstance(value, numbers.Real):  # e.g. numpy.float32
        return float.__repr__(float(value))
    raise TypeError(f"cannot record a {type(value).__name__} in the audit trail: {value!r}")


def format_utc(moment: dt.datetime) -> str:
    """ISO 8601 UTC with microseconds and 'Z': 2024-05-01T08:30:00.123456Z.
    A naive datetime is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------- hashing


# One shared encoder: json.dumps with non-default options builds a new JSONEncoder on every
# call. Same options, so the same text (and the same hashes) as before.
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(fields: Mapping[str, Any]) -> str:
    return _CANONICAL_ENCODER.encode(fields)


def compute_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the :data:`HASHED_FIELDS` of ``fields``.

    ``fields`` may hold more keys (``id``, ``hash``); they are ignored. Every hashed
    value must already be text or None (see :func:`to_text`)."""
    content: dict[str, str | None] = {}
    for name in HASHED_FIELDS:
        value = fields[name]
        if value is not None and not isinstance(value, str):
            raise TypeError(f"audit field {name} must be str or None, got {type(value).__name__}")
        content[name] = value
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- append


@dataclass(frozen=True)
class Change:
    """One field's change; ``old``/``new`` are Python values, recorded via :func:`to_text`."""

    field: str
    old: Any
    new: Any


def _head_hash_on(conn: Connection) -> str:
    value = conn.execute(_HEAD_SQL).scalar()
    return str(value) if value is not None else GENESIS_HASH


def _connection_of(session_or_connection: SessionOrConnection) -> Connection:
    if isinstance(session_or_connection, Session):
        return session_or_connection.connection(bind_arguments={"mapper": AuditEntry})
    return session_or_connection


def lock_chain(session_or_connection: SessionOrConnection) -> None:
    """Serialise appends to the chain for the rest of the caller's transaction (PostgreSQL:
    a transaction-level advisory lock, taken again at no cost by the same transaction;
    SQLite: nothing to do, ``BEGIN IMMEDIATE`` already holds the write lock). Take it before
    reading the head, and before reading the clock for a row's time, so times follow ids."""
    conn = _connection_of(session_or_connection)
    if conn.dialect.name == "postgresql":
        conn.execute(_CHAIN_LOCK_SQL, {"key": CHAIN_LOCK_KEY})


def head_hash(session_or_connection: SessionOrConnection) -> str:
    """The newest row's hash (:data:`GENESIS_HASH` when the trail is empty)."""
    if isinstance(session_or_connection, Session):
        session_or_connection.flush()
    return _head_hash_on(_connection_of(session_or_connection))


def append(
    session_or_connection: SessionOrConnection,
    *,
    user: str,
    action: str,
    table_name: str | None = None,
    record_id: Any = None,
    subject_id: Any = None,
    changes: Iterable[Change] = (),
    field: str | None = None,
    old_value: Any = None,
    new_value: Any = None,
    reason: str | None = None,
    value_at: Callable[[str], Any] | None = None,
) -> list[AuditEntry]:
    """Write audit rows in the caller's transaction (never commits) and return them.

    One row per :class:`Change`, or a single row (with ``field``/``old_value``/
    ``new_value``, possibly all None) when ``changes`` is empty. All rows of one call
    share one timestamp, from the core's clock (:func:`msct_crf.clock.now`), and are chained
    in order. With a Session, its pending changes are
    flushed first; the rows are written with one Core executemany insert on the session's
    (or the given) connection and returned as transient AuditEntry objects carrying their
    ids, in order.

    ``value_at`` (instead of ``new_value``) makes the single row's new value from the row's
    own timestamp: a checkpoint signs the time it is stored with, and the time still comes
    from the clock, never from the caller.
    """
    if not user:
        raise ValueError("audit: user is required")
    if not action:
        raise ValueError("audit: action is required")
    change_list = list(changes)
    if change_list and (field is not None or old_value is not None or new_value is not None):
        raise ValueError("audit: pass either changes or field/old_value/new_value, not both")
    rows: list[tuple[str | None, str | None, str | None]] = [
        (c.field, to_text(c.old), to_text(c.new)) for c in change_list
    ] or [(field, to_text(old_value), to_text(new_value))]

    if value_at is not None and (change_list or new_value is not None):
        raise ValueError("audit: pass either value_at or new_value/changes, not both")
    if isinstance(session_or_connection, Session):
        # Earlier pending rows must be in the table before we read the head.
        session_or_connection.flush()
    conn = _connection_of(session_or_connection)
    lock_chain(conn)  # before the clock: a row queued behind another is not dated before it
    ts_utc = format_utc(clock.now())
    if value_at is not None:
        rows = [(field, to_text(old_value), to_text(value_at(ts_utc)))]
    record_text, subject_text = to_text(record_id), to_text(subject_id)
    prev = _head_hash_on(conn)

    params: list[dict[str, str | None]] = []
    for field_name, old_text, new_text in rows:
        values: dict[str, str | None] = {
            "ts_utc": ts_utc,
            "user": user,
            "action": action,
            "table_name": table_name,
            "record_id": record_text,
            "subject_id": subject_text,
            "field": field_name,
            "old_value": old_text,
            "new_value": new_text,
            "reason": reason,
            "prev_hash": prev,
        }
        prev = values["hash"] = compute_hash(values)
        params.append(values)

    ids = _insert_rows(conn, params)
    return _entries(ids, params)


def _entries(ids: list[int], params: list[dict[str, str | None]]) -> list[AuditEntry]:
    """Transient AuditEntry objects for written rows, filled the way the ORM fills loaded
    rows (a new instance state, values in the instance dict); the instrumented __init__
    costs about 70 µs a row, this about 4 µs."""
    configure_mappers()  # no-op once configured; attribute access needs a configured mapper
    new_instance = _MANAGER.new_instance
    entries: list[AuditEntry] = []
    for row_id, values in zip(ids, params, strict=True):
        entry = new_instance()
        entry.__dict__.update(values, id=row_id)
        entries.append(entry)
    return entries


def _insert_rows(conn: Connection, params: list[dict[str, str | None]]) -> list[int]:
    """Insert the rows in order; their ids in the same order."""
    if len(params) > 1 and conn.dialect.insert_executemany_returning_sort_by_parameter_order:
        stmt = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)
        return [int(row_id) for row_id in conn.execute(stmt, params).scalars()]
    ids: list[int] = []
    for values in params:
        result = conn.execute(insert(_TABLE).values(**values))
        assert result.inserted_primary_key is not None
        ids.append(int(result.inserted_primary_key[0]))
    return ids


def append_many(
    conn: Connection, rows: Iterable[Mapping[str, str | None]], *, batch_rows: int = 5000
) -> int:
    """Append many prepared rows in order, chained like :func:`append`; for bulk loads.

    Each row holds the text values of :data:`HASHED_FIELDS` except ``prev_hash`` (see
    :func:`to_text`); the chain continues from the current head. Runs in the caller's
    transaction (never commits) with one executemany per ``batch_rows``. Returns the count.
    """
    lock_chain(conn)
    prev = _head_hash_on(conn)
    pending: list[dict[str, str | None]] = []
    written = 0
    for row in rows:
        if not row.get("user") or not row.get("action"):
            raise ValueError("audit: user and action are required")
        values = {name: row.get(name) for name in HASHED_FIELDS}
        values["prev_hash"] = prev
        prev = values["hash"] = compute_hash(values)
        pending.append(values)
        if len(pending) >= batch_rows:
            conn.execute(insert(_TABLE), pending)
            written += len(pending)
            pending = []
    if pending:
        conn.execute(insert(_TABLE), pending)
        written += len(pending)
    return written


# --------------------------------------------------------------------------- verify


@dataclass
class VerifyResult:
    ok: bool
    rows_checked: int
    first_broken_id: int | None
    reason: str


def verify(
    session_or_connection: SessionOrConnection,
    *,
    chunk_rows: int = VERIFY_CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Recompute the chain in id order and stop at the first broken link.

    Reads in keyset-paginated chunks (``WHERE id > last ORDER BY id LIMIT n``) so memory
    stays flat for millions of rows on any backend. ``progress`` is called with the
    number of rows checked after each chunk (raise from it to cancel).
    """
    if chunk_rows <= 0:
        raise ValueError("chunk_rows must be positive")
    conn = _connection_of(session_or_connection)
    table = _TABLE
    columns = [table.c.id, table.c.hash, *(table.c[name] for name in HASHED_FIELDS)]
    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    while True:
        stmt = select(*columns).order_by(table.c.id).limit(chunk_rows)
        if last_id is not None:
            stmt = stmt.where(table.c.id > last_id)
        rows = conn.execute(stmt).all()
        if not rows:
            break
        for row in rows:
            checked += 1
            row_id = int(row[0])
            stored_hash = row[1]
            content = dict(zip(HASHED_FIELDS, row[2:], strict=True))
            if content["prev_hash"] != expected_prev:
                return VerifyResult(
                    ok=False,
                    rows_checked=checked,
                    first_broken_id=row_id,
                    reason=(
                        f"audit row {row_id}: previous-hash link broken (row deleted or inserted)"
                    ),
                )
            try:
                intact = compute_hash(content) == stored_hash
            except TypeError:  # a non-text value written behind the application's back
                intact = False
            if not intact:
                return VerifyResult(
                    ok=False,
                    rows_checked=checked,
                    first_broken_id=row_id,
                    reason=f"audit row {row_id}: hash does not match its content (altered)",
                )
            expected_prev = stored_hash
            last_id = row_id
        if progress is not None:
            progress(checked)
        if len(rows) < chunk_rows:
            break
    return VerifyResult(
        ok=True,
        rows_checked=checked,
        first_broken_id=None,
        reason=f"ok: {checked} audit rows, chain intact",
    )
