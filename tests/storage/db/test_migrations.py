"""Alembic migrations: empty database to head, audit triggers, downgrade and upgrade again,
and a database written by a newer app is refused with a message naming its revision."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect

from msct_crf.errors import DatabaseError
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import AUDIT_TRIGGER_NAMES
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import make_engine, sqlite_url
from msct_crf.storage.store import Store


def _triggers(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }


def _downgrade(engine, revision: str = "base") -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_empty_database_to_head(db_path):
    engine = make_engine(sqlite_url(db_path))
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
    finally:
        engine.dispose()
    assert set(AUDIT_TRIGGER_NAMES) <= _triggers(db_path)


def test_every_revision_is_known_and_linear():
    revisions = migrate.known_revisions()
    assert migrate.head_revision() in revisions
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1, "migrations must not branch"
    assert len(list(script.walk_revisions())) == len(revisions)


def test_open_twice_is_idempotent(db_path):
    Store.open_path(db_path).close()
    Store.open_path(db_path).close()
    engine = make_engine(sqlite_url(db_path))
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_audit_triggers_refuse_update_and_delete_after_migration(store, db_path):
    from msct_crf.storage import audit

    with store.session() as session:
        audit.append(session, user="tester", action="login")
    with sqlite3.connect(db_path) as connection:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE audit_log SET user = 'mallory'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log")


def test_downgrade_to_base_and_upgrade_again(db_path):
    store = Store.open_path(db_path)
    engine = store.engine
    try:
        _downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        tables = set(inspect(engine).get_table_names())
        assert tables <= {"alembic_version"}, tables
        assert not _triggers(db_path)
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        assert set(AUDIT_TRIGGER_NAMES) <= _triggers(db_path)
    finally:
        store.close()


def test_step_by_step_from_every_earlier_revision(tmp_path):
    """Each revision upgrades to head, so a database from any release opens."""
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [r.revision for r in script.walk_revisions()]  # head first
    for revision in reversed(revisions):
        path = tmp_path / f"r{revision}.db"
        engine = make_engine(sqlite_url(path))
        try:
            migrate.upgrade(engine, revision)
            assert migrate.current_revision(engine) == revision
        finally:
            engine.dispose()
        Store.open_path(path).close()  # opening migrates to head
        engine = make_engine(sqlite_url(path))
        try:
            assert migrate.current_revision(engine) == migrate.head_revision()
        finally:
            engine.dispose()


def test_newer_revision_is_refused_naming_it(db_path):
    Store.open_path(db_path).close()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="9999_from_the_future") as info:
        Store.open_path(db_path)
    assert "newer version" in str(info.value)
    assert db_path.read_bytes() == before
    # the same refusal from the migration helper itself
    engine = make_engine(sqlite_url(db_path))
    try:
        with pytest.raises(DatabaseError, match="9999_from_the_future"):
            migrate.upgrade(engine)
    finally:
        engine.dispose()
