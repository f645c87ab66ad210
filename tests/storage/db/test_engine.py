"""Engine factory: pragmas, BEGIN IMMEDIATE, default location, read-only, error messages."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.orm import Session

from msct_crf.errors import DatabaseError
from msct_crf.storage.db.engine import (
    as_database_error,
    default_database_path,
    default_database_url,
    explain_db_error,
    make_engine,
    sqlite_path_from_url,
    sqlite_url,
)


def _pragmas(dbapi_conn: object) -> dict[str, object]:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    out = {
        name: cur.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
    }
    cur.close()
    return out


def _make_table(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    engine.dispose()


def test_pragmas_on_every_pooled_connection(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "p.db"), busy_timeout_ms=1234)
    try:
        # Several connections checked out at once: the pool has to open distinct ones.
        raws = [engine.raw_connection() for _ in range(3)]
        assert len({id(r.dbapi_connection) for r in raws}) == 3
        for raw in raws:
            assert _pragmas(raw.dbapi_connection) == {
                "journal_mode": "wal",
                "foreign_keys": 1,
                "synchronous": 2,  # FULL
                "busy_timeout": 1234,
            }
            raw.close()
        # And through the normal path, after the pool was thrown away.
        engine.dispose()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_foreign_keys_enforced(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "fk.db"))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            conn.exec_driver_sql(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                "parent_id INTEGER NOT NULL REFERENCES parent(id))"
            )
        with pytest.raises(sa_exc.IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO child (parent_id) VALUES (42)")
    finally:
        engine.dispose()


def test_begin_immediate_takes_write_lock_before_any_write(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    url = sqlite_url(path)
    _make_table(url)
    engine = make_engine(url)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with Session(engine) as session:
            # Only a read so far: with a deferred BEGIN no lock would be held yet.
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("INSERT INTO t (v) VALUES ('intruder')")
            # Readers are not blocked (WAL).
            assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 0
            session.execute(text("INSERT INTO t (v) VALUES ('mine')"))
            session.commit()
        # Transaction over: the lock is released and the commit is durable/visible.
        other.execute("INSERT INTO t (v) VALUES ('after')")
        values = [r[0] for r in other.execute("SELECT v FROM t ORDER BY id")]
        assert values == ["mine", "after"]
    finally:
        other.close()
        engine.dispose()


def test_rollback_and_savepoint_work(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "rb.db")
    _make_table(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            session.execute(text("INSERT INTO t (v) VALUES ('a')"))
            session.rollback()
        with Session(engine) as session:
            session.execute(text("INSERT INTO t (v) VALUES ('b')"))
            nested = session.begin_nested()
            session.execute(text("INSERT INTO t (v) VALUES ('c')"))
            nested.rollback()
            session.commit()
        with engine.connect() as conn:
            assert [r[0] for r in conn.exec_driver_sql("SELECT v FROM t")] == ["b"]
    finally:
        engine.dispose()


def test_second_writer_waits_busy_timeout_then_fails_clearly(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "busy.db")
    _make_table(url)
    first = make_engine(url)
    second = make_engine(url, busy_timeout_ms=200)
    try:
        with Session(first) as holder:
            holder.execute(text("SELECT 1 FROM t"))
            started = time.monotonic()
            with pytest.raises(sa_exc.OperationalError) as info, Session(second) as s2:
                s2.execute(text("SELECT 1 FROM t"))
            assert time.monotonic() - started >= 0.15
            assert explain_db_error(info.value).startswith("The database is busy")
            err = as_database_error(info.value)
            assert isinstance(err, DatabaseError)
    finally:
        first.dispose()
        second.dispose()


def test_read_only_engine(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "数据 #1?.db"
    url = sqlite_url(path)
    _make_table(url)
    rw = make_engine(url)
    with rw.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('x')")
    ro = make_engine(url, read_only=True)
    other = sqlite3.connect(path, timeout=0)
    try:
        with ro.connect() as conn:
            assert conn.exec_driver_sql("SELECT v FROM t").scalar() == "x"
            # Deferred BEGIN: a read-only reader does not block writers.
            other.execute("INSERT INTO t (v) VALUES ('y')")
            other.commit()
        with pytest.raises(sa_exc.OperationalError) as info, ro.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t (v) VALUES ('z')")
        assert explain_db_error(info.value).startswith("The database file is read-only")
    finally:
        other.close()
        ro.dispose()
        rw.dispose()


def test_read_only_missing_file(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "missing.db"), read_only=True)
    try:
        with pytest.raises(sa_exc.OperationalError) as info:
            engine.connect()
        message = explain_db_error(info.value, tmp_path / "missing.db")
        assert "cannot be opened" in message and "missing" in message
        assert "missing.db" in message
        assert not (tmp_path / "missing.db").exists()
    finally:
        engine.dispose()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    engine = make_engine(sqlite_url(path))
    try:
        with pytest.raises(sa_exc.DatabaseError) as info:
            engine.connect()
        assert "damaged or not an MSC-CRF database" in explain_db_error(info.value)
    finally:
        engine.dispose()


def test_default_path_under_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))
    expected_dir = platformdirs.user_data_path("msct-crf", appauthor=False)
    path = default_database_path()
    assert path == expected_dir / "msct-crf.db"
    if sys.platform.startswith("linux"):
        assert path == tmp_path / "xdg" / "msct-crf" / "msct-crf.db"
    assert sqlite_path_from_url(default_database_url()) == path
    assert not path.parent.exists()  # nothing created by merely asking


def test_make_engine_default_creates_parent_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data" / "deeper"
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: target)
    assert not target.exists()
    engine = make_engine()
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        assert (target / "msct-crf.db").exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "name", ["plain.db", "with space.db", "数据库.db", "odd?#%name.db", "a;b&c=d.db"]
)
def test_sqlite_url_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    url = sqlite_url(path)
    assert url.startswith("sqlite:///")
    assert sqlite_path_from_url(url) == path
    _make_table(url)
    assert path.exists()


def test_sqlite_path_from_url_other_forms(tmp_path: Path) -> None:
    assert sqlite_path_from_url("sqlite://") is None
    assert sqlite_path_from_url("sqlite:///:memory:") is None
    assert sqlite_path_from_url("postgresql://user@host/crf") is None
    uri = f"sqlite:///file:{tmp_path.as_posix()}/x.db?mode=ro&uri=true"
    assert sqlite_path_from_url(uri) == tmp_path / "x.db"
    assert sqlite_path_from_url("sqlite:///file:mem1?mode=memory&cache=shared&uri=true") is None


def test_postgresql_url_gets_psycopg_and_no_sqlite_listeners(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
        with engine.connect() as connection:
            # no PRAGMA was sent (PostgreSQL would refuse it); READ COMMITTED, read each time
            level = connection.exec_driver_sql("SHOW transaction_isolation").scalar()
            assert level == "read committed"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database is locked", "The database is busy: another program is writing to it."),
        ("database or disk is full", "The disk is full"),
        ("attempt to write a readonly database", "The database file is read-only"),
        ("file is not a database", "damaged or not an MSC-CRF database"),
        ("database disk image is malformed", "damaged or not an MSC-CRF database"),
        ("unable to open database file", "cannot be opened"),
        ("disk I/O error", "The disk reported an error"),
        ("something odd", "Database error: something odd"),
    ],
)
def test_explain_db_error_messages(message: str, expected: str) -> None:
    raw = sqlite3.OperationalError(message)
    assert expected in explain_db_error(raw)
    wrapped = sa_exc.OperationalError("SELECT 1", {}, raw)
    assert expected in explain_db_error(wrapped)


def test_disk_full_message_reassures() -> None:
    message = explain_db_error(sqlite3.OperationalError("database or disk is full"))
    assert "nothing already saved was lost" in message
    busy = explain_db_error(sqlite3.OperationalError("database is locked"))
    assert busy == (
        "The database is busy: another program is writing to it. Try again in a moment."
    )
