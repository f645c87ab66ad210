"""`msct-crf verify` for a study on a database server (PostgreSQL, a clinic's server).

Every check of :func:`msct_crf.storage.integrity.verify_database` runs on the server's data:
the rows are copied, in one REPEATABLE READ snapshot (the nurses keep saving meanwhile), into
a temporary SQLite file with the same schema, and that file is verified, so the chain, the
audit times, the replay of the audit trail against the data and the trust checks are the
very code that checks a site's file. What belongs to the server, not the copy, is checked
on the server or said plainly:

- ``integrity_check``: not run. PostgreSQL checks its own pages (data checksums,
  ``pg_amcheck``); that is the server administrator's job, like its backups.
- ``foreign_key_check``: run on the copy; PostgreSQL also enforces the keys at every write.
- ``audit_triggers``: the server's own triggers (the copy's are the migration's).
- ``backups``: a server database is backed up by its administrator (``pg_dump``); MSC-CRF's
  backup files are of SQLite files only, so none is looked for.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy import exc as sa_exc

from msct_crf.errors import DatabaseError
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import AUDIT_TABLE, missing_audit_triggers
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import (
    explain_db_error,
    is_server_url,
    make_engine,
    masked_url,
    sqlite_url,
)
from msct_crf.storage.integrity import Check, verify_database

COPY_BATCH_ROWS = 5000

#: What verify says instead of checking the server's storage or backups.
SERVER_INTEGRITY = (
    "not run on a server: PostgreSQL checks its own storage (data checksums, pg_amcheck are "
    "the server administrator's)"
)
SERVER_BACKUPS = (
    "a database on a server is backed up by its administrator (pg_dump); MSC-CRF backup "
    "files are of SQLite files only"
)


def verify_location(
    location: str | os.PathLike[str],
    progress: Callable[[int], None] | None = None,
    backup_dirs: Iterable[str | Path] = (),
) -> list[Check]:
    """Verify what a ``--db`` names: a file, or a server's URL (see the module docstring)."""
    if is_server_url(location):
        return verify_server_database(os.fspath(location), progress)
    return verify_database(Path(location), progress, backup_dirs)


def verify_server_database(url: str, progress: Callable[[int], None] | None = None) -> list[Check]:
    """Every check of the study database at the server URL ``url``; see the module docstring."""
    folder = Path(tempfile.mkdtemp(prefix="msct-crf-verify-"))
    copy = folder / "server-copy.db"
    try:
        triggers = _copy(url, copy)
        checks = verify_database(copy, progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _server_checks(checks, triggers)


def _server_checks(checks: list[Check], triggers: list[Check]) -> list[Check]:
    out: list[Check] = []
    for check in checks:
        if check.name == "integrity_check":
            out.append(Check("integrity_check", True, SERVER_INTEGRITY))
        elif check.name == "audit_triggers":
            if triggers:
                out += triggers
                triggers = []
        elif check.name == "backups":
            out.append(Check("backups", True, SERVER_BACKUPS))
        elif check.name != "backup":  # no backup files of a copy
            out.append(check)
    return out + triggers


def _copy(url: str, target: Path) -> list[Check]:
    """The server's rows into a new SQLite file at ``target`` in one snapshot; the checks of
    the server's append-only triggers. A server without MSC-CRF's schema copies nothing."""
    from alembic.runtime.migration import MigrationContext  # only when a server is verified

    source = make_engine(url, read_only=True)
    try:
        with source.connect() as server:
            server = server.execution_options(isolation_level="REPEATABLE READ")
            with server.begin():
                revision = MigrationContext.configure(server).get_current_revision()
                if revision is None:
                    return []  # verify of the empty copy says: no schema version
                if revision != migrate.head_revision():
                    raise DatabaseError(
                        f"The database {masked_url(url)} has schema {revision}, this app "
                        f"{migrate.head_revision()}: open it once with this version of MSC-CRF "
                        "(it upgrades the schema), then verify it"
                    )
                missing = missing_audit_triggers(server)
                _copy_rows(server, target)
    except sa_exc.DBAPIError as exc:
        raise DatabaseError(explain_db_error(exc)) from exc
    finally:
        source.dispose()
    if not missing:
        return [Check("audit_triggers", True, "ok: the audit trail is append-only (server)")]
    return [
        Check("audit_triggers", False, f"the append-only trigger {name} is missing on the server")
        for name in missing
    ]


def _copy_rows(server: Connection, target: Path) -> None:
    copy = make_engine(sqlite_url(target))
    try:
        migrate.upgrade(copy)
        with copy.begin() as local:
            for table in Base.metadata.sorted_tables:
                _copy_table(server, local, table)
    finally:
        copy.dispose()


def _copy_table(server: Connection, local: Connection, table: Table) -> None:
    if table.name != AUDIT_TABLE:  # a row a migration may have made (none does today)
        local.execute(table.delete())
    result = server.execution_options(stream_results=True).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for batch in result.mappings().partitions(COPY_BATCH_ROWS):
        local.execute(insert(table), [dict(row) for row in batch])
