"""Whole-database checks: SQLite integrity and foreign keys, schema version, audit chain,
the append-only triggers, the order of audit times, and the data against the audit trail.

Run read-only, so checking a suspect file never changes it. Used by `msct-crf verify` and
by "Verify database" in the app. A check that finds several problems gives one failed
:class:`Check` per problem (up to :data:`msct_crf.storage.reconcile.MAX_DIFFERENCES`, then
one that counts the rest), so every caller that lists failed checks lists every finding.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from msct_crf.errors import DatabaseError
from msct_crf.storage import audit, reconcile
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import AUDIT_TABLE, AUDIT_TRIGGER_NAMES
from msct_crf.storage.db.engine import explain_db_error, make_engine, sqlite_url
from msct_crf.storage.store import check_sqlite_file


def _problems(rows: list[tuple[object, ...]]) -> list[str]:
    """integrity_check's problem lines (one row may hold several, headed by "*** in database")."""
    lines = [line.strip() for row in rows for line in str(row[0]).splitlines()]
    return [line for line in lines if line and not line.startswith("***")] or ["no answer"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


#: The shape of every audit time (audit.format_utc), as a GLOB pattern.
_TS_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9]*Z"
_MAX_TIME_FINDINGS = 10


def _trigger_checks(connection: sqlite3.Connection) -> list[Check]:
    """The triggers that refuse UPDATE and DELETE on the audit table must exist (opening the
    file in the app reinstalls a missing one and audits that)."""
    present = {
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (AUDIT_TABLE,),
        )
    }
    missing = [name for name in AUDIT_TRIGGER_NAMES if name not in present]
    if not missing:
        return [Check("audit_triggers", True, "ok: the audit trail is append-only")]
    return [
        Check(
            "audit_triggers",
            False,
            f"the append-only trigger {name} is missing (dropped behind the app's back)",
        )
        for name in missing
    ]


def _time_format_checks(connection: sqlite3.Connection) -> list[Check]:
    """Every audit time has the one format of audit.format_utc."""
    return [
        Check("audit_times", False, f"audit row {row_id}: time {ts!r} is not an ISO 8601 UTC time")
        for row_id, ts in connection.execute(
            f"SELECT id, ts_utc FROM {AUDIT_TABLE} WHERE ts_utc IS NULL OR ts_utc NOT GLOB ? "
            f"ORDER BY id LIMIT {_MAX_TIME_FINDINGS}",
            (_TS_GLOB,),
        )
    ]


# The canonical JSON of audit.compute_hash written out: keys sorted, no spaces, strings escaped
# by the very function json uses with ensure_ascii=False. tests/storage/test_chain_pass.py
# proves both give the same hashes and the same findings as audit.verify.
_ORDER = sorted(audit.HASHED_FIELDS)
_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in _ORDER) + "}"
_PREV = _ORDER.index("prev_hash")
_TS = _ORDER.index("ts_utc")
_escape = json.encoder.encode_basestring


def chain_pass(
    connection: sqlite3.Connection,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = audit.VERIFY_CHUNK_ROWS,
) -> tuple[audit.VerifyResult, list[Check]]:
    """:func:`msct_crf.storage.audit.verify` on a plain sqlite3 connection (the same result,
    in about half the time), and in the same pass the audit times that go backwards."""
    cursor = connection.execute(
        f"SELECT id, hash, {', '.join(_ORDER)} FROM {AUDIT_TABLE} ORDER BY id"
    )
    expected_prev, previous_ts = audit.GENESIS_HASH, ""
    checked = 0
    broken: audit.VerifyResult | None = None  # the first broken link; times are still read
    backwards: list[Check] = []
    sha256 = hashlib.sha256
    while rows := cursor.fetchmany(chunk_rows):
        for row in rows:
            row_id, stored, values = row[0], row[1], row[2:]
            ts = values[_TS]
            if isinstance(ts, str):
                if ts < previous_ts and len(backwards) < _MAX_TIME_FINDINGS:
                    backwards.append(
                        Check(
                            "audit_times",
                            False,
                            f"audit row {row_id}: time {ts} is before the previous row's "
                            f"{previous_ts} (time went backwards)",
                        )
                    )
                previous_ts = ts
            if broken is not None:
                continue
            checked += 1
            if values[_PREV] != expected_prev:
                reason = f"audit row {row_id}: previous-hash link broken (row deleted or inserted)"
                broken = audit.VerifyResult(False, checked, row_id, reason)
                continue
            try:
                text = _TEMPLATE % tuple("null" if v is None else _escape(v) for v in values)
                intact = sha256(text.encode("utf-8")).hexdigest() == stored
            except TypeError:  # a non-text value written behind the application's back
                intact = False
            if not intact:
                reason = f"audit row {row_id}: hash does not match its content (altered)"
                broken = audit.VerifyResult(False, checked, row_id, reason)
                continue
            expected_prev = stored
        if progress is not None:
            progress(checked)
    if broken is not None:
        return broken, backwards
    reason = f"ok: {checked} audit rows, chain intact"
    return audit.VerifyResult(True, checked, None, reason), backwards


def _reconcile_checks(
    connection: sqlite3.Connection, progress: Callable[[int], None] | None
) -> list[Check]:
    result = reconcile.reconcile(connection, progress=progress)
    if result.ok:
        return [Check("reconcile", True, result.summary)]
    checks = [Check("reconcile", False, d.text) for d in result.differences]
    if result.count > len(result.differences):
        checks.append(Check("reconcile", False, result.summary))
    return checks


def verify_database(path: str | Path, progress: Callable[[int], None] | None = None) -> list[Check]:
    """Every check of the database at `path`; stops at the first one that cannot run."""
    path = Path(path)
    # raises DatabaseError for a missing file, not SQLite, or one integrity_check finds damaged
    # (the full check, run once: not quick_check first and integrity_check again)
    check_sqlite_file(path, pragma="integrity_check")
    checks: list[Check] = []
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            integrity = ["ok"]  # check_sqlite_file passed
            if path.stat().st_size == 0:  # (which it does without checking an empty file)
                integrity = _problems(connection.execute("PRAGMA integrity_check").fetchall())
            fk = connection.execute("PRAGMA foreign_key_check").fetchall()
            tables = {
                r[0]
                for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(explain_db_error(exc, path)) from exc
    checks.append(Check("integrity_check", integrity == ["ok"], "; ".join(integrity[:3])))
    checks.append(
        Check(
            "foreign_key_check",
            not fk,
            "ok"
            if not fk
            else f"{len(fk)} row(s) point at missing rows, first in table {fk[0][0]}",
        )
    )
    if "alembic_version" not in tables or "audit_log" not in tables:
        checks.append(Check("schema", False, "not an MSC-CRF database (no schema version)"))
        return checks
    engine = make_engine(sqlite_url(path), read_only=True)
    try:
        current = migrate.current_revision(engine)
        head = migrate.head_revision()
        if current is None:
            checks.append(Check("schema", False, "no schema version recorded (empty database)"))
            return checks
        known = current == head or current in migrate.known_revisions()
        checks.append(
            Check(
                "schema", known, f"schema {current}" + ("" if known else " is newer than this app")
            )
        )
    finally:
        engine.dispose()
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            result, backwards = chain_pass(connection, progress)
            checks.append(Check("audit_chain", result.ok, result.reason))
            checks += _trigger_checks(connection)
            times = _time_format_checks(connection) + backwards
            checks += times or [Check("audit_times", True, "ok: audit times never go backwards")]
            offset = result.rows_checked

            def report(records: int) -> None:
                if progress is not None:
                    progress(offset + records)

            checks += _reconcile_checks(connection, report)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(explain_db_error(exc, path)) from exc
    return checks
