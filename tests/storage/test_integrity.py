"""Whole-database checks: a good database passes; a tampered audit row, a dangling foreign
key, a foreign schema and a newer schema are each reported; the audit table refuses direct
UPDATE and DELETE; checking never changes the file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from msct_crf.errors import DatabaseError
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.workflow import records

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "AB",
    "SEX": "F",
    "BRTHDTC": "1970-01-01",
    "RFICDTC": "2023-01-01",
    "ENRLDTC": "2023-01-01",
    "DXCAT": "AIH",
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "study.db"
    with Store.open_path(path) as store:
        for _ in range(3):
            subject = records.save_form(store, user="t", form="ENROL", values=ENROL).subject
            records.save_form(
                store,
                user="t",
                form="VIS",
                subject=subject,
                values={"VISIT": "BASELINE", "VISDTC": "2023-01-02", "ALT": "40"},
            )
    return path


@pytest.fixture
def db(tmp_path, good) -> Path:
    path = tmp_path / "copy.db"
    shutil.copyfile(good, path)
    return path


def _by_name(checks) -> dict:
    return {c.name: c for c in checks}


def _raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    return connection


def test_a_good_database_passes_every_check(db):
    before = db.read_bytes()
    checks = _by_name(verify_database(db))
    assert set(checks) == {
        "integrity_check",
        "foreign_key_check",
        "schema",
        "audit_chain",
        "audit_triggers",
        "audit_times",
        "reconcile",
    }
    assert all(c.ok for c in checks.values()), checks
    assert "chain intact" in checks["audit_chain"].detail
    assert db.read_bytes() == before


def test_progress_is_reported(db):
    seen: list[int] = []
    verify_database(db, progress=seen.append)
    assert seen and seen[-1] > 0


def test_direct_update_or_delete_of_an_audit_row_is_refused(db):
    connection = _raw(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE audit_log SET new_value = 'x' WHERE id = 3")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log WHERE id = 3")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
    finally:
        connection.close()
    assert all(c.ok for c in verify_database(db))


def test_an_audit_row_altered_behind_the_apps_back_is_caught(db):
    connection = _raw(db)
    try:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET new_value = '400.0' WHERE id = 7")
    finally:
        connection.close()
    chain = _by_name(verify_database(db))["audit_chain"]
    assert not chain.ok
    assert "audit row 7" in chain.detail and "altered" in chain.detail


def test_a_deleted_audit_row_is_caught(db):
    connection = _raw(db)
    try:
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute("DELETE FROM audit_log WHERE id = 5")
    finally:
        connection.close()
    chain = _by_name(verify_database(db))["audit_chain"]
    assert not chain.ok and "audit row 6" in chain.detail and "link broken" in chain.detail


def test_a_dangling_foreign_key_is_caught(db):
    connection = _raw(db)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(
            "INSERT INTO visit (subject_id, status, missing, created_at, created_by, "
            "updated_at, updated_by, visit) VALUES (999, 'draft', '{}', 'x', 'x', 'x', 'x', 'M1')"
        )
    finally:
        connection.close()
    checks = _by_name(verify_database(db))
    fk = checks["foreign_key_check"]
    assert not fk.ok and "visit" in fk.detail and "1 row(s)" in fk.detail
    assert checks["integrity_check"].ok


def test_foreign_keys_are_enforced_through_the_app(db):
    with Store.open_path(db) as store:
        connection = store.engine.connect()
        try:
            with pytest.raises(Exception, match="FOREIGN KEY"):
                connection.exec_driver_sql(
                    "INSERT INTO visit (subject_id, status, missing, created_at, created_by, "
                    "updated_at, updated_by) VALUES (999, 'draft', '{}', 'x', 'x', 'x', 'x')"
                )
        finally:
            connection.close()


def test_a_database_without_the_schema_is_reported(tmp_path):
    path = tmp_path / "other.db"
    connection = _raw(path)
    connection.execute("CREATE TABLE t (x)")
    connection.close()
    checks = _by_name(verify_database(path))
    assert checks["integrity_check"].ok
    assert not checks["schema"].ok and "no schema version" in checks["schema"].detail


def test_a_newer_schema_is_reported(db):
    connection = _raw(db)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    schema = _by_name(verify_database(db))["schema"]
    assert not schema.ok and "9999" in schema.detail and "newer" in schema.detail


def test_missing_and_damaged_files_raise_database_error(tmp_path, good):
    with pytest.raises(DatabaseError, match="not found"):
        verify_database(tmp_path / "absent.db")
    text = tmp_path / "text.db"
    text.write_text("hello")
    with pytest.raises(DatabaseError, match="not an MSC-CRF database"):
        verify_database(text)
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:5000])
    before = truncated.read_bytes()
    with pytest.raises(DatabaseError):
        verify_database(truncated)
    assert truncated.read_bytes() == before


def test_an_empty_schema_version_is_reported(db):
    connection = _raw(db)
    connection.execute("DELETE FROM alembic_version")
    connection.close()
    schema = _by_name(verify_database(db))["schema"]
    assert not schema.ok and "no schema version" in schema.detail
