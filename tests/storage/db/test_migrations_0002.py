"""Migration 0002 (signature, data_query, study_setting) upgrades a 0001 database that
already holds data, in place: nothing lost, the audit chain intact, the schema equal to the
models, and the trust layer usable at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from trust_factory import ADMIN_PW, ENROL, fast_hasher  # noqa: F401  (fixture)

from msct_crf import access
from msct_crf.storage import audit
from msct_crf.storage.db import migrate
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import make_engine, sqlite_url
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, records

NEW_TABLES = {"signature", "data_query", "study_setting"}


def _counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        connection.close()


def _make_0001_database(path: Path) -> str:
    """A 0001-schema database with a subject, a visit and a legacy user row.

    The subject and visit are saved through today's write path at head and the schema is
    then taken down to 0001: today's models cannot write to the 0001 schema once a later
    migration adds a column to a table they write (a new field), but every migration can be
    undone, so this keeps working as fields are added."""
    with Store.open_path(path) as current:
        enrol = records.save_form(
            current, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
        )
        assert enrol.saved and enrol.subject
        visit = records.save_form(
            current,
            user="nurse",
            form="VIS",
            subject=enrol.subject,
            values={"VISIT": "BASELINE", "VISDTC": "2024-01-08", "TBIL": "30", "ALB": "32"},
            confirm_warnings=True,
        )
        assert visit.saved
    engine = make_engine(sqlite_url(path))
    try:
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert migrate.current_revision(engine) == "0001"
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO app_user (username, full_name, role, password_hash, active, "
                "failed_logins, locked, created_at) VALUES ('nurse', 'Old Nurse', 'nurse', NULL, "
                "1, 0, 0, '2024-01-01T00:00:00.000000Z')"
            )
    finally:
        engine.dispose()
    return enrol.subject


def test_upgrade_from_0001_with_data(db_path: Path) -> None:
    subject = _make_0001_database(db_path)
    before = _counts(db_path)
    assert not NEW_TABLES & set(before)

    store = Store.open_path(db_path)  # applies 0002
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        after = _counts(db_path)
        assert set(after) >= NEW_TABLES
        kept = {t: n for t, n in after.items() if t in before and t != "audit_log"}
        assert kept == {t: n for t, n in before.items() if t != "audit_log"}  # nothing lost
        # opened for writing, the file gets its study ID (one setting, one audit row) and,
        # its subjects being all of one site, that site as its code (0004: one more)
        assert after["audit_log"] == before["audit_log"] + 2
        assert after["study_setting"] == 2  # study_id, site_code
        assert all(after[t] == 0 for t in NEW_TABLES - {"study_setting"})
        with store.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            assert diffs == []
            indexes = {i["name"] for i in inspect(connection).get_indexes("signature")}
            assert "ix_signature_form_record" in indexes
        with store.reading() as session:
            assert audit.verify(session).ok
        visit = records.list_records(store, "VIS", subject)[0]
        assert visit.values["TBIL"] == 30.0 and visit.created_by == "nurse"

        # the legacy user row had no role admin: still single-user mode until the first admin
        assert access.needs_admin(store)
        access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
        admin = access.login(store, "admin", ADMIN_PW)
        access.add_user(
            store, admin, username="mon", full_name="Mo", role="monitor", password="monitor-pw-1"
        )
        access.add_user(
            store, admin, username="pi", full_name="Dr P", role="pi", password="pi-pass-12"
        )
        monitor = access.login(store, "mon", "monitor-pw-1")
        pi = access.login(store, "pi", "pi-pass-12")
        lifecycle.verify_record(store, monitor, "VIS", visit.id)
        signature = lifecycle.sign_record(store, pi, "VIS", visit.id, "pi-pass-12")
        assert signature.valid and signature.subject == subject
        access.set_idle_lock_minutes(store, admin, 10)
        assert access.idle_lock_minutes(store) == 10
        with store.reading() as session:
            assert audit.verify(session).ok
    finally:
        store.close()


def test_downgrade_and_upgrade_again(db_path: Path) -> None:
    _make_0001_database(db_path)
    store = Store.open_path(db_path)
    store.close()
    engine = make_engine(sqlite_url(db_path))
    try:
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert migrate.current_revision(engine) == "0001"
        assert not NEW_TABLES & set(_counts(db_path))
        migrate.upgrade(engine)
        assert set(_counts(db_path)) >= NEW_TABLES
    finally:
        engine.dispose()


def test_fresh_database_has_the_new_tables(store: Store) -> None:
    with store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= NEW_TABLES
