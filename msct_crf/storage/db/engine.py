"""Engine factory: where the database lives, how SQLite connections are configured,
and what a database error means to the person at the keyboard.

SQLite connections get, on every new pooled DBAPI connection:

- ``PRAGMA journal_mode=WAL``   readers do not block the writer and vice versa;
- ``PRAGMA foreign_keys=ON``    SQLite leaves them off by default;
- ``PRAGMA synchronous=FULL``   a committed transaction survives a power cut;
- ``PRAGMA busy_timeout=N``     wait up to N ms for another writer instead of failing.

Transaction control follows the SQLAlchemy 2.x SQLite documentation, section
"Enabling Non-Legacy SQLite Transactional Modes with the sqlite3 or aiosqlite driver",
recipe "Using SQLAlchemy to emit BEGIN in lieu of SQLite's transaction control": the
``connect`` event sets ``dbapi_connection.isolation_level = None`` so the sqlite3
driver never emits its own (deferred, DML-only) BEGIN, and the ``begin`` event emits
``BEGIN IMMEDIATE`` so every transaction, including one that starts with a SELECT,
takes SQLite's write lock up-front. Two consequences:

- reading the audit chain's head hash and appending to it is race-free;
- a transaction that only reads still holds the write lock until it ends, so keep
  sessions short (open, do the work, commit/rollback, close). A ``read_only`` engine
  uses a plain deferred ``BEGIN`` instead.

The other documented 2.x option, ``connect_args={"autocommit": False}``, needs
Python >= 3.12 and only ever emits a deferred ``BEGIN``, so it cannot give
``BEGIN IMMEDIATE``; it is not used.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import platformdirs
from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from msct_crf.errors import DatabaseError

APP_NAME = "msct-crf"
DATABASE_FILENAME = "msct-crf.db"

__all__ = [
    "as_database_error",
    "default_database_path",
    "default_database_url",
    "explain_db_error",
    "is_server_url",
    "make_engine",
    "masked_url",
    "sqlite_path_from_url",
    "sqlite_url",
]


# --------------------------------------------------------------------------- locations


def default_database_path() -> Path:
    """The per-user database file; its folder is created by :func:`make_engine`, not here."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DATABASE_FILENAME


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """A ``sqlite:///`` URL for a file path (absolute; spaces, ``?``, ``#``, ``%`` and
    non-ASCII characters are escaped so :func:`sqlite_path_from_url` gives the path back)."""
    absolute = os.path.abspath(os.fspath(path))
    return URL.create("sqlite", database=absolute).render_as_string(hide_password=False)


def default_database_url() -> str:
    return sqlite_url(default_database_path())


def is_server_url(location: str | os.PathLike[str]) -> bool:
    """True for a database server's URL (``postgresql+psycopg://user@host/db``): what every
    command's ``--db`` and the app accept besides a file path. A file path, or a
    ``sqlite:///`` URL, is not one."""
    text = os.fspath(location)
    if "://" not in text:
        return False
    try:
        return make_url(text).get_backend_name() != "sqlite"
    except sa_exc.ArgumentError:
        return False


def masked_url(url: str | URL) -> str:
    """The URL with its password replaced by ``***``: the only form of a server URL that
    is ever printed, shown or written to the audit trail."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return "(a database URL that cannot be read)"


def _is_memory(database: str | None, query: Any) -> bool:
    if not database or database == ":memory:":
        return True
    if database.startswith("file:"):
        mode = query.get("mode") if query is not None else None
        return mode == "memory" or "mode=memory" in database
    return False


def sqlite_path_from_url(url: str | URL) -> Path | None:
    """The database file a SQLite URL points to, or None (not SQLite, or in memory)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    database = u.database
    if _is_memory(database, u.query):
        return None
    assert database is not None
    if database.startswith("file:"):
        # A SQLite URI filename (used with ?uri=true): file:/path or file:///path
        parts = urlsplit(database)
        raw = unquote(parts.path)
        if os.name == "nt" and len(raw) >= 3 and raw[0] == "/" and raw[2] == ":":
            raw = raw[1:]
        return Path(os.path.abspath(raw))
    return Path(os.path.abspath(database))


# --------------------------------------------------------------------------- engine


def _read_only_url(path: Path, immutable: bool = False) -> URL:
    # Path.as_uri() percent-encodes; SQLite decodes %XX in URI filenames.
    query = {"mode": "ro", "uri": "true"}
    if immutable:  # nothing written at all, not even a -shm (no write-ahead log to read)
        query["immutable"] = "1"
    return URL.create("sqlite", database=path.resolve().as_uri(), query=query)


def _install_sqlite_listeners(engine: Engine, *, busy_timeout_ms: int, read_only: bool) -> None:
    begin_sql = "BEGIN" if read_only else "BEGIN IMMEDIATE"
    legacy = getattr(sqlite3, "LEGACY_TRANSACTION_CONTROL", None)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Python >= 3.12: isolation_level is only honoured in legacy transaction
        # control, which a future Python may stop being the default; pin it.
        if legacy is not None and getattr(dbapi_connection, "autocommit", legacy) != legacy:
            dbapi_connection.autocommit = legacy
        # Stop the sqlite3 driver from emitting BEGIN itself; we emit it in "begin".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if not read_only:
                # Changing the journal mode writes the header: not possible read-only.
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # sqlite3 still emits COMMIT / ROLLBACK correctly (connection.commit()).
        conn.exec_driver_sql(begin_sql)


def make_engine(
    url: str | None = None,
    *,
    busy_timeout_ms: int = 5000,
    read_only: bool = False,
    immutable: bool = False,
) -> Engine:
    """Create the engine for ``url`` (default: the per-user SQLite file).

    SQLite: pragmas on every connection and ``BEGIN IMMEDIATE`` transactions (see the
    module docstring); ``read_only`` opens the file with ``mode=ro`` and plain ``BEGIN``, and
    ``immutable`` adds SQLite's ``immutable=1`` (for a file nobody writes: nothing is created).
    PostgreSQL (a clinic's server): READ COMMITTED, so each statement sees what was committed
    before it, which :func:`msct_crf.storage.audit.lock_chain` relies on (the head is read
    after the chain lock is granted); ``read_only`` makes every transaction READ ONLY.
    """
    if url is None:
        url = default_database_url()
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        engine = create_engine(u, pool_pre_ping=True, isolation_level="READ COMMITTED")
        if read_only:
            engine = engine.execution_options(postgresql_readonly=True)
        return engine

    path = sqlite_path_from_url(u)
    if path is not None:
        if read_only:
            u = _read_only_url(path, immutable)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {"timeout": busy_timeout_ms / 1000.0}
    engine = create_engine(u, connect_args=connect_args)
    _install_sqlite_listeners(engine, busy_timeout_ms=busy_timeout_ms, read_only=read_only)
    return engine


# --------------------------------------------------------------------------- errors


def _sqlite_error(exc: BaseException) -> BaseException:
    """The driver exception behind a SQLAlchemy wrapper (or ``exc`` itself)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def explain_db_error(exc: BaseException, path: str | os.PathLike[str] | None = None) -> str:
    """One sentence a user can act on, for a database error (driver or SQLAlchemy)."""
    orig = _sqlite_error(exc)
    message = str(orig).strip()
    low = message.lower()
    code = str(getattr(orig, "sqlite_errorname", "") or "")
    where = f" ({os.fspath(path)})" if path is not None else ""

    server = _server_problem(orig, low)
    if server is not None:
        return server
    if code.startswith("SQLITE_BUSY") or "database is locked" in low or "is locked" in low:
        return "The database is busy: another program is writing to it. Try again in a moment."
    if code.startswith("SQLITE_FULL") or "database or disk is full" in low or "disk is full" in low:
        return (
            f"The disk is full: the change could not be saved{where}. Free some disk space "
            "and try again; nothing already saved was lost."
        )
    if code.startswith("SQLITE_READONLY") or "readonly database" in low or "read-only" in low:
        return (
            f"The database file is read-only{where}: it was opened for reading only, or "
            "you do not have permission to change it."
        )
    if (
        code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
        or "file is not a database" in low
        or "not a database" in low
        or "malformed" in low
    ):
        return (
            f"The database file{where} is damaged or not an MSC-CRF database. "
            "Restore it from a backup."
        )
    if code.startswith("SQLITE_CANTOPEN") or "unable to open database" in low:
        return (
            f"The database file{where} cannot be opened: it is missing, its folder does "
            "not exist, or you do not have permission to read it."
        )
    if code in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE"):
        # A write cut short by a full disk or a file-size limit is reported as a write
        # error (not SQLITE_FULL) when part of the data was written before the failure.
        return (
            f"The database could not be written{where}: the disk may be full or failing. "
            "Free some disk space or check the drive and try again; nothing already saved "
            "was lost."
        )
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in low:
        return (
            f"The disk reported an error while reading or writing the database{where}. "
            "Check the drive and try again."
        )
    return f"Database error: {message}" if message else f"Database error: {type(orig).__name__}"


def _server_problem(orig: BaseException, low: str) -> str | None:
    """What a PostgreSQL driver error means (None for a driver error of another kind)."""
    if not type(orig).__module__.startswith("psycopg"):
        return None
    if "does not exist" in low and "database" in low:
        return (
            "The database does not exist on the server: the server's administrator creates it "
            "(createdb); MSC-CRF makes its tables when it first opens it."
        )
    if "password authentication failed" in low or "no password supplied" in low:
        return "The database server refused the user name or password in the URL."
    if "connection" in low and ("refused" in low or "failed" in low or "timeout" in low):
        return (
            "Cannot reach the database server: check that it is running and that the host "
            "and port in the URL are right."
        )
    if "deadlock detected" in low or "could not serialize" in low:
        return "Another user's change got in the way; nothing was saved. Try again."
    return None


def as_database_error(
    exc: BaseException, path: str | os.PathLike[str] | None = None
) -> DatabaseError:
    """A :class:`~msct_crf.errors.DatabaseError` carrying :func:`explain_db_error`'s text;
    raise it ``from exc`` so the driver error stays in the traceback."""
    return DatabaseError(explain_db_error(exc, path))
