"""Whole-database checks: SQLite integrity and foreign keys, schema version, audit chain,
and the trust checks of :mod:`msct_crf.storage.anchors` (signatures, checkpoints, signing
keys, backups' and exports' recorded heads; a single-user study is said to be unanchored).

Run read-only, so checking a suspect file never changes it. Used by `msct-crf verify` and
by "Verify database" in the app.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from msct_crf.errors import DatabaseError
from msct_crf.storage import anchors, audit
from msct_crf.storage.db import migrate
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
    warning: bool = False  # ok, but worth saying (e.g. the chain is not anchored)


def verify_database(
    path: str | Path,
    progress: Callable[[int], None] | None = None,
    backup_dirs: Iterable[str | Path] = (),
) -> list[Check]:
    """Every check of the database at `path`; stops at the first one that cannot run.
    Backups in the study's own backup folder, and in `backup_dirs`, are checked as anchors."""
    path = Path(path)
    check_sqlite_file(path)  # raises DatabaseError for missing / not SQLite / quick_check
    checks: list[Check] = []
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
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
        with Session(engine) as session:
            result = audit.verify(session, progress=progress)
            checks.append(Check("audit_chain", result.ok, result.reason))
            trust = anchors.trust_checks(session, path, backup_dirs)
            checks += [Check(f.name, f.ok, f.detail, f.warning) for f in trust]
    finally:
        engine.dispose()
    return checks
