"""Opening a study database: existence, a damaged-file check, migrations, sessions.

`Store.open` is the one way in for the app, the CLI, tests and benchmarks. A file that is not
an SQLite database, fails `PRAGMA quick_check`, or carries a newer schema is refused with a
`DatabaseError` before anything is written to it.

A PostgreSQL URL (a clinic's server, several nurses at once) opens the same way: migrated
with the same Alembic revisions, a database holding another program's tables refused. The
file checks (header, quick_check, ``-wal``/``-shm`` companions) do not apply to it, and a
write session takes the audit chain's lock first (:func:`msct_crf.storage.audit.lock_chain`),
so the server's write transactions are serialised the way SQLite's ``BEGIN IMMEDIATE``
serialises a file's. The URL's password is never shown (:attr:`Store.url` masks it).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from msct_crf.errors import DatabaseError
from msct_crf.storage import audit
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import install_audit_triggers, missing_audit_triggers
from msct_crf.storage.db.engine import (
    default_database_url,
    explain_db_error,
    is_server_url,
    make_engine,
    masked_url,
    sqlite_path_from_url,
    sqlite_url,
)

SQLITE_HEADER = b"SQLite format 3\x00"
#: The audit trail's user for what the app does on its own (e.g. reinstalling triggers).
SYSTEM_USER = "system"


def _ro_uri(path: Path, immutable: bool = False) -> str:
    """``mode=ro``; with ``immutable`` SQLite creates no ``-shm`` or ``-wal`` either."""
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def check_sqlite_file(path: Path, pragma: str = "quick_check", *, immutable: bool = False) -> None:
    """Refuse a file that is not a healthy SQLite database, without writing to it.
    (`pragma="integrity_check"`: the full check, for verify, which needs it anyway.)"""
    assert pragma in ("quick_check", "integrity_check")
    if not path.exists():
        raise DatabaseError(f"Database file not found: {path}")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if path.stat().st_size == 0:
        return  # an empty file is a new database
    if header != SQLITE_HEADER:
        raise _damaged(path, f"{path} is not an MSC-CRF database (not an SQLite file)")
    try:
        # read-only and immutable=0: quick_check must never write to a suspect file
        connection = sqlite3.connect(_ro_uri(path, immutable), uri=True, timeout=5)
        try:
            rows = connection.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        message = explain_db_error(exc, path)
        raise (_damaged(path, message) if "damaged" in message else DatabaseError(message)) from exc
    if rows != [("ok",)]:
        # one row may hold many lines, headed by "*** in database main ***"
        lines = [ln for r in rows for ln in str(r[0]).splitlines() if ln and ln[:3] != "***"]
        first = lines[0] if lines else "no answer"
        raise _damaged(path, f"{path} is damaged ({pragma}: {first}); restore a backup.")


def _writable_companions(path: Path) -> None:
    """Give a writable database file writable ``-wal`` and ``-shm`` companions again.

    SQLite creates the companions with the database file's permissions. Opened (even only to
    check it) while the file was read-only (0444), the ``-shm`` stays 0444 after the file is
    made writable again, and SQLite then opens the database read-only: every save fails with
    "read-only" though the file itself is writable. The companions belong to the file, so
    they take its permissions back; one we may not change is left as it is (the save's
    message then explains it).
    """
    if not os.access(path, os.W_OK):
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists() and not os.access(companion, os.W_OK):
            with contextlib.suppress(OSError):
                os.chmod(companion, mode | stat.S_IWUSR)


def _refuse_foreign_database(path: Path, *, immutable: bool = False) -> None:
    """Refuse an SQLite file that holds another program's tables (opening it would add ours).
    An empty database, or one with MSC-CRF's schema-version table, is fine. Read-only."""
    if path.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(_ro_uri(path, immutable), uri=True, timeout=5)
        try:
            tables = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(explain_db_error(exc, path)) from exc
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{path} is an SQLite database of another program, not an MSC-CRF study "
            "database; choose another file"
        )


def _refuse_foreign_server_database(engine: Engine) -> None:
    """The server's counterpart of :func:`_refuse_foreign_database`: a database that holds
    tables but no MSC-CRF schema version belongs to another program."""
    tables = set(inspect(engine).get_table_names())
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"The database {masked_url(engine.url)} holds another program's tables, not an "
            "MSC-CRF study; ask the server's administrator for a database of its own"
        )


def _damaged(path: Path, message: str) -> DatabaseError:
    """A DatabaseError for a damaged file, naming (and carrying) the newest good backup."""
    from msct_crf.storage.backup_files import damaged_file_hint

    hint, backup = damaged_file_hint(path)
    error = DatabaseError(message + hint)
    error.backup = backup
    return error


def _restore_audit_triggers(engine: Engine) -> None:
    """Reinstall an append-only trigger that was dropped, and say so in the audit trail
    (`msct-crf verify` reports a missing one; opening the file in the app repairs it)."""
    with engine.connect() as connection:
        if not missing_audit_triggers(connection):
            return
    with engine.begin() as connection:
        audit.lock_chain(connection)  # two clients opening the server at once: one repairs
        missing = missing_audit_triggers(connection)
        if missing:
            install_audit_triggers(connection)
            audit.append(
                connection,
                user=SYSTEM_USER,
                action="repair",
                table_name="audit_log",
                reason=f"append-only trigger(s) {', '.join(missing)} were missing; reinstalled",
            )


class Store:
    """An open study database: its engine and a session factory."""

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        #: Opened with :meth:`open_read_only`: every write fails; the GUI offers none.
        self.read_only = read_only

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def path(self) -> Path | None:
        return sqlite_path_from_url(self.engine.url)

    @property
    def location(self) -> Path | str | None:
        """What opens this database again (the file, or the server's URL with its password,
        for verify; never shown: :attr:`url` is what a person sees). None in memory."""
        if self.is_server:
            return self.engine.url.render_as_string(hide_password=False)
        return self.path

    @classmethod
    def open(
        cls, url: str | None = None, *, create: bool = True, study_id: str | None = None
    ) -> Store:
        """Open (and, when `create`, create) the database at `url`, migrated to the newest
        schema. The default is the per-user SQLite file. A file without a study ID gets one
        (`study_id` when given, else a new UUID4; audited): see
        :mod:`msct_crf.storage.study_identity`."""
        url = url or default_database_url()
        path = sqlite_path_from_url(url)
        if path is not None:
            if path.exists():
                _writable_companions(path)
                check_sqlite_file(path)
                _refuse_foreign_database(path)
            elif not create:
                raise DatabaseError(f"Database file not found: {path}")
            elif not path.parent.exists():
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(f"Cannot create folder {path.parent}: {exc}") from exc
        try:
            engine = make_engine(url)
        except (sa_exc.ArgumentError, OSError, ImportError) as exc:
            where = path or masked_url(url)
            raise DatabaseError(f"Cannot open the database at {where}: {exc}") from exc
        try:
            if path is None and engine.dialect.name == "postgresql":
                _refuse_foreign_server_database(engine)
            migrate.upgrade(engine)
            _restore_audit_triggers(engine)
        except DatabaseError:
            engine.dispose()
            raise
        except (sa_exc.DBAPIError, sqlite3.Error, OSError) as exc:
            engine.dispose()
            raise DatabaseError(explain_db_error(exc, path)) from exc
        store = cls(engine)
        try:
            store._identify(study_id)
        except BaseException:
            engine.dispose()
            raise
        return store

    def _identify(self, study_id: str | None) -> None:
        """Give the file its study ID if it has none (a new file, or one made before IDs)."""
        from msct_crf.storage.study_identity import STUDY_ID_KEY, ensure_study_id, read_setting

        with self.reading() as session:
            if read_setting(session, STUDY_ID_KEY) is not None:
                return
        try:
            with self.session() as session:
                ensure_study_id(session, study_id)
        except sa_exc.IntegrityError:
            pass  # another process gave it one at the same moment

    @classmethod
    def open_read_only(cls, path: str | Path) -> Store:
        """Open a study file to look at it without writing anything: an archived copy, a
        file on read-only media, a monitor's copy. No migration runs, no ``-shm`` or
        ``-wal`` is created when the file has no write-ahead log to read (SQLite
        ``immutable=1``); with one, ``mode=ro`` reads it."""
        path = Path(path)
        wal = path.with_name(path.name + "-wal")
        immutable = not wal.exists() or wal.stat().st_size == 0
        check_sqlite_file(path, immutable=immutable)
        _refuse_foreign_database(path, immutable=immutable)
        try:
            engine = make_engine(sqlite_url(path), read_only=True, immutable=immutable)
        except (sa_exc.ArgumentError, OSError) as exc:
            raise DatabaseError(f"Cannot open the database at {path}: {exc}") from exc
        return cls(engine, read_only=True)

    @classmethod
    def open_location(cls, location: str | Path, *, create: bool = True) -> Store:
        """What a ``--db`` names: a server's URL (``postgresql+psycopg://…``) or a file."""
        if is_server_url(location):
            return cls.open(str(location), create=create)
        return cls.open_path(location, create=create)

    @property
    def is_server(self) -> bool:
        """On a database server (PostgreSQL), not a file: no instance lock, no file backups."""
        return self.engine.dialect.name != "sqlite"

    @classmethod
    def open_path(
        cls, path: str | Path, *, create: bool = True, study_id: str | None = None
    ) -> Store:
        return cls.open(sqlite_url(path), create=create, study_id=study_id)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error.
        A busy, read-only, full or damaged database raises DatabaseError with a clear message."""
        with self._explained(), self.sessions() as session, session.begin():
            if self.is_server and not self.read_only:
                audit.lock_chain(session)  # before any row lock: see msct_crf.storage.audit
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; it rolls back at the end so it never holds the write lock."""
        with self._explained(), self.sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def _explained(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.DBAPIError as exc:
            if isinstance(exc, sa_exc.IntegrityError | sa_exc.ProgrammingError):
                raise  # a bug in the application, not something the user can fix
            raise DatabaseError(explain_db_error(exc, self.path)) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
