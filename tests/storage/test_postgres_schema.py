"""The same Alembic migrations on PostgreSQL (a clinic's server): a fresh database migrates to
head with the models' schema, down to base and up again, and the audit table is append-only
there too (triggers refuse UPDATE, DELETE and TRUNCATE)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect, text

from msct_crf.storage import audit
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import (
    APPEND_ONLY_MESSAGE,
    drop_audit_triggers,
    missing_audit_triggers,
)
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import make_engine
from msct_crf.storage.store import Store


def _downgrade(engine, revision: str = "base") -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _triggers(engine) -> set[str]:
    with engine.connect() as connection:
        return set(
            connection.execute(
                text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            ).scalars()
        )


def test_fresh_database_migrates_to_head_with_the_models_schema(pg_url):
    store = Store.open(pg_url)
    try:
        assert store.engine.dialect.name == "postgresql"
        assert store.path is None
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
        assert {"audit_log_no_update", "audit_log_no_truncate"} <= _triggers(store.engine)
        with store.reading() as session:
            assert audit.verify(session).ok
    finally:
        store.close()


def test_downgrade_to_base_and_upgrade_again(pg_store):
    engine = pg_store.engine
    _downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert not _triggers(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"audit_log_no_update", "audit_log_no_truncate"} <= _triggers(engine)


def test_every_revision_upgrades_to_head(pg_url):
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [r.revision for r in script.walk_revisions()]  # head first
    engine = make_engine(pg_url)
    try:
        for revision in reversed(revisions):
            _downgrade(engine, "base") if migrate.current_revision(engine) else None
            migrate.upgrade(engine, revision)
            assert migrate.current_revision(engine) == revision
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET reason = 'rewritten'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ],
)
def test_append_only_triggers_refuse_changing_the_trail(pg_store, statement):
    with pg_store.session() as session:
        audit.append(session, user="nurse", action="login")
    with (
        pytest.raises(sa_exc.DBAPIError, match=APPEND_ONLY_MESSAGE),
        pg_store.engine.begin() as connection,
    ):
        connection.exec_driver_sql(statement)
    with pg_store.reading() as session:
        result = audit.verify(session)
    assert result.ok and result.rows_checked == 2, result


def test_a_dropped_trigger_is_reported_and_reinstalled_on_open(pg_store):
    with pg_store.engine.begin() as connection:
        drop_audit_triggers(connection)
        assert sorted(missing_audit_triggers(connection)) == [
            "audit_log_no_truncate",
            "audit_log_no_update",
        ]
    reopened = Store.open(pg_store.engine.url.render_as_string(hide_password=False))
    try:
        with reopened.engine.connect() as connection:
            assert missing_audit_triggers(connection) == []
        with reopened.reading() as session:
            repairs = session.execute(
                text("SELECT reason FROM audit_log WHERE action = 'repair'")
            ).scalars()
            assert [r for r in repairs if "audit_log_no_update" in r]
    finally:
        reopened.close()
