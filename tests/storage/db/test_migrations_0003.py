# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Migration 0003 (signing keys, keyed signatures) upgrades a 0002 database that already
holds accounts and a signature, in place: nothing lost, the old signature listed in the
audit trail as made before keys (still valid, bound to its content), the accounts keyed at
their next login; and it goes down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from trust_factory import ADMIN_PW, ENROL, PI_PW, fast_hasher  # noqa: F401  (fixture)

from msct_crf import access, clock
from msct_crf.access.passwords import hash_password
from msct_crf.storage import audit, signing
from msct_crf.storage.db import migrate
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import make_engine, sqlite_url
from msct_crf.storage.db.models import Visit
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form
from msct_crf.workflow import lifecycle, records


def _downgrade(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    try:
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
        assert migrate.current_revision(engine) == revision
    finally:
        engine.dispose()


def _make_0002_database(path: Path) -> tuple[str, int]:
    """A 0002 database: a subject with a visit signed the 0002 way (content hash, no key)
    by a PI account, and an administrator. The data are saved through today's write path
    (single-user, so no keys yet) and the schema taken down to 0002; the accounts and the
    signature are written as 0002 wrote them."""
    with Store.open_path(path) as current:
        enrol = records.save_form(
            current, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
        )
        assert enrol.saved and enrol.subject
        saved = records.save_form(
            current,
            user="nurse",
            form="VIS",
            subject=enrol.subject,
            values={"VISIT": "BASELINE", "VISDTC": "2024-01-08", "TBIL": "30", "ALB": "32"},
            confirm_warnings=True,
        )
        assert saved.saved and saved.record_id is not None
        with current.reading() as session:
            row = session.get(Visit, saved.record_id)
            digest = signing.content_hash(form("VIS"), row, enrol.subject)
            subject_pk = row.subject_id if row is not None else 0
    _downgrade(path, "0002")
    engine = make_engine(sqlite_url(path))
    try:
        # written and audited as the 0002 app did (no keys), so the replay of verify agrees
        with engine.begin() as connection:
            for number, (name, full, role, password) in enumerate(
                (
                    ("admin", "Ada Admin", "admin", ADMIN_PW),
                    ("liwei", "Dr Li Wei", "pi", PI_PW),
                ),
                start=1,
            ):
                stamp = audit.format_utc(clock.now())
                connection.exec_driver_sql(
                    "INSERT INTO app_user (id, username, full_name, role, password_hash, active, "
                    "failed_logins, locked, created_at) VALUES (?, ?, ?, ?, ?, 1, 0, 0, ?)",
                    (number, name, full, role, hash_password(password), stamp),
                )
                audit.append(
                    connection,
                    user="admin",
                    action="account",
                    table_name="app_user",
                    record_id=number,
                    changes=[
                        audit.Change("username", None, name),
                        audit.Change("full_name", None, full),
                        audit.Change("role", None, role),
                        audit.Change("active", None, True),
                    ],
                )
            signed_at = audit.format_utc(clock.now())
            connection.exec_driver_sql(
                "INSERT INTO signature (subject_id, form_table, record_id, signer, printed_name, "
                "signed_at, meaning, content_hash) VALUES (?, 'visit', ?, 'liwei', 'Dr Li Wei', "
                "?, 'I approve this data', ?)",
                (subject_pk, saved.record_id, signed_at, digest),
            )
            connection.exec_driver_sql(
                "UPDATE visit SET status = 'signed' WHERE id = ?", (saved.record_id,)
            )
            text = f"Dr Li Wei (liwei) {signed_at}: I approve this data; sha256 {digest}"
            audit.append(
                connection,
                user="liwei",
                action="sign",
                table_name="visit",
                record_id=saved.record_id,
                subject_id=enrol.subject,
                changes=[
                    audit.Change("status", "complete", "signed"),
                    audit.Change("signature", None, text),
                ],
            )
    finally:
        engine.dispose()
    return enrol.subject, saved.record_id


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()


def test_upgrade_from_0002_with_data(db_path: Path) -> None:
    _subject, visit_id = _make_0002_database(db_path)
    assert "signing_key" not in _tables(db_path)
    with Store.open_path(db_path) as store:  # applies 0003
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        with store.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        with store.reading() as session:
            assert audit.verify(session).ok
        old = lifecycle.signature_for(store, "VIS", visit_id)
        assert old is not None and old.valid and old.key_id is None
    checks = verify_database(db_path)
    assert [c for c in checks if not c.ok] == []
    assert any(c.warning and "made before signing keys" in c.detail for c in checks)

    with Store.open_path(db_path) as store:
        pi = access.login(store, "liwei", PI_PW)  # the first login since keys: a key is made
        assert lifecycle.lock_record(store, pi, "VIS", visit_id) == "locked"
        assert store.path is not None
        db = sqlite3.connect(store.path)
        (keys,) = db.execute("SELECT count(*) FROM signing_key").fetchone()
        db.close()
        assert keys == 1
    assert [c for c in verify_database(db_path) if not c.ok] == []

    # a keyless signature added after the upgrade is not one of those it listed
    db = sqlite3.connect(db_path)
    db.execute(
        "INSERT INTO signature (subject_id, form_table, record_id, signer, printed_name, "
        "signed_at, meaning, content_hash) SELECT subject_id, form_table, record_id, signer, "
        "printed_name, signed_at, meaning, content_hash FROM signature"
    )
    db.commit()
    db.close()
    (finding,) = [c for c in verify_database(db_path) if c.name == "signature" and not c.ok]
    assert "no signing key" in finding.detail


def test_downgrade_and_upgrade_again(db_path: Path) -> None:
    with Store.open_path(db_path) as store:
        access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
        access.login(store, "admin", ADMIN_PW)
    _downgrade(db_path, "0002")
    assert "signing_key" not in _tables(db_path)
    db = sqlite3.connect(db_path)
    columns = {r[1] for r in db.execute("PRAGMA table_info(signature)")}
    db.close()
    assert not {"key_id", "signature"} & columns
    engine = make_engine(sqlite_url(db_path))
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    assert "signing_key" in _tables(db_path)
