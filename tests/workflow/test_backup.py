"""Verified backups, rotation, restore that keeps the current file, and the CLI commands."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from msct_crf.clock import use_clock
from msct_crf.errors import DatabaseError, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main
from msct_crf.workflow import backup, records

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "BK",
    "SEX": "M",
    "BRTHDTC": "1966-05-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "PSC",
}


class Clock:
    """An injected clock: each call is one minute after the previous one."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    """Every audit row and backup name of these tests takes its time from one Clock."""
    with use_clock(Clock()) as installed:
        assert isinstance(installed, Clock)
        yield installed


def _enrol(store: Store) -> str:
    result = records.save_form(store, user="nurse", form="ENROL", values=ENROL)
    assert result.saved and result.subject
    return result.subject


def _subjects(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT subjid FROM subject ORDER BY subjid")]
    finally:
        connection.close()


def _actions(store: Store) -> list[tuple[str, str | None]]:
    with store.reading() as session:
        return [
            (r.action, r.new_value)
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_backup_is_verified_recorded_and_audited(store: Store, db_path: Path) -> None:
    _enrol(store)
    info = backup.backup_database(store, user="admin")
    assert info.path.parent == db_path.parent / "backups" == backup.default_backup_dir(db_path)
    assert info.path.name == f"study-{info.created:%Y%m%dT%H%M%SZ}.db"
    assert info.path.name.startswith("study-20261125T08")
    assert info.verified and info.size == info.path.stat().st_size
    assert info.row_counts["subject"] == 1 and info.row_counts["audit_log"] == info.audit_rows
    assert not Path(f"{info.path}-wal").exists()  # a self-contained file
    sidecar = json.loads(info.sidecar.read_text())
    assert sidecar["verified"] and sidecar["audit_head"] == info.audit_head
    assert sidecar["row_counts"] == info.row_counts
    # the backup holds the data and an intact audit chain
    assert _subjects(info.path) == ["GZH-001"]
    assert all(c.ok for c in verify_database(info.path))
    # the source records the backup, after the backed-up head
    assert _actions(store)[-1] == ("backup", info.path.name)
    with store.reading() as session:
        assert audit.verify(session).ok
        assert audit.head_hash(session) == info.source_head_after
    assert backup.list_backups(info.path.parent) == [info]


def test_rotation_keeps_the_newest(db_path: Path) -> None:
    Store.open_path(db_path).close()
    made = [backup.backup_database(db_path, user="admin", keep=3) for _ in range(5)]
    kept = backup.list_backups(backup.default_backup_dir(db_path))
    assert [b.path for b in kept] == [b.path for b in reversed(made[2:])]
    assert not made[0].path.exists() and not made[0].sidecar.exists()
    # another database's backups in the same folder are not rotated away
    other = db_path.with_name("other.db")
    Store.open_path(other).close()
    backup.backup_database(other, backup.default_backup_dir(db_path), user="admin", keep=1)
    assert len(backup.list_backups(backup.default_backup_dir(db_path), "study")) == 3


def test_backup_if_due(store: Store, db_path: Path, clock: Clock) -> None:
    first = backup.backup_if_due(db_path, user="admin", store=store)
    assert first is not None
    assert backup.backup_if_due(db_path, user="admin", store=store) is None
    # on exit: due at once, but only when something changed since the newest backup
    assert backup.backup_if_due(db_path, user="a", every=dt.timedelta(0)) is None
    _enrol(store)
    second = backup.backup_if_due(db_path, user="a", every=dt.timedelta(0))
    assert second is not None and second.row_counts["subject"] == 1
    # a day later the daily backup is due again only if the data changed
    clock.now += dt.timedelta(days=2)
    assert backup.backup_if_due(db_path, user="a") is None


def test_newest_good_backup_skips_unverified_and_damaged(db_path: Path) -> None:
    Store.open_path(db_path).close()
    older = backup.backup_database(db_path, user="admin")
    newer = backup.backup_database(db_path, user="admin")
    folder = newer.path.parent
    assert backup.newest_good_backup(folder) == newer
    with newer.path.open("r+b") as handle:  # damaged after it was verified
        handle.seek(0)
        handle.write(b"\0" * 100)
    assert backup.newest_good_backup(folder) == older
    older.sidecar.unlink()  # no verification record: listed, but not offered
    assert backup.newest_good_backup(folder) is None
    # "verified" is what was checked when written; newest_good_backup also re-checks the file
    assert [b.verified for b in backup.list_backups(folder)] == [True, False]


def test_backup_refuses_a_damaged_source_and_bad_places(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not found"):
        backup.backup_database(db_path, user="admin")
    Store.open_path(db_path).close()
    with pytest.raises(UserError, match="at least 1"):
        backup.backup_database(db_path, user="admin", keep=0)
    with pytest.raises(UserError, match="user"):
        backup.backup_database(db_path, user=" ")
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(DatabaseError, match="not a folder"):
        backup.backup_database(db_path, a_file, user="admin")
    good = backup.backup_database(db_path, user="admin")
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"garbage garbage!"
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="not an MSC-CRF database"):
        backup.backup_database(db_path, user="admin")
    assert backup.list_backups(good.path.parent) == [good]  # good backups untouched


def test_restore_keeps_the_current_file_and_audits(store: Store, db_path: Path) -> None:
    _enrol(store)
    info = backup.backup_database(store, user="admin")
    _enrol(store)  # a change after the backup
    with pytest.raises(UserError, match="changes made after this backup"):
        backup.restore_backup(info.path, db_path, user="admin")
    assert _subjects(db_path) == ["GZH-001", "GZH-002"]
    restored = backup.restore_backup(info.path, db_path, user="admin", force=True)
    assert restored.kept_aside is not None
    assert restored.kept_aside.name.startswith("study.before-restore-")
    assert _subjects(restored.kept_aside) == ["GZH-001", "GZH-002"]  # nothing lost
    assert _subjects(db_path) == ["GZH-001"]
    # the app's open store sees the restored data; the restore is audited there
    assert records.list_subjects(store) == ["GZH-001"]
    action, value = _actions(store)[-1]
    assert (action, value) == ("restore", info.path.name)
    assert all(c.ok for c in verify_database(db_path))
    # the restore row itself is newer than the backup: restoring again must be confirmed
    with pytest.raises(UserError, match="--force"):
        backup.restore_backup(info.path, db_path, user="admin")


def test_restore_over_a_damaged_file_moves_it_aside(db_path: Path) -> None:
    store = Store.open_path(db_path)
    _enrol(store)
    info = backup.backup_database(store, user="admin")
    store.close()
    data = bytearray(db_path.read_bytes())
    data[0:100] = bytes(100)
    db_path.write_bytes(bytes(data))
    damaged = db_path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        Store.open_path(db_path)
    assert caught.value.backup == info.path
    restored = backup.restore_backup(caught.value.backup, db_path, user="admin")
    assert restored.kept_aside is not None and restored.kept_aside.read_bytes() == damaged
    with Store.open_path(db_path) as reopened:
        assert records.list_subjects(reopened) == ["GZH-001"]


def test_restore_refuses_a_bad_backup(db_path: Path) -> None:
    store = Store.open_path(db_path)
    _enrol(store)
    info = backup.backup_database(store, user="admin")
    store.close()
    before = db_path.read_bytes()
    sidecar = json.loads(info.sidecar.read_text())
    sidecar["row_counts"]["subject"] = 5  # the file no longer matches what was verified
    info.sidecar.write_text(json.dumps(sidecar))
    with pytest.raises(DatabaseError, match="row counts"):
        backup.restore_backup(info.path, db_path, user="admin", force=True)
    assert db_path.read_bytes() == before
    with pytest.raises(UserError, match="not found"):
        backup.restore_backup(db_path.with_name("nope.db"), db_path, user="admin")
    with pytest.raises(UserError, match="itself"):
        backup.restore_backup(db_path, db_path, user="admin")


def test_restore_into_a_missing_file(db_path: Path, tmp_path: Path) -> None:
    store = Store.open_path(db_path)
    _enrol(store)
    info = backup.backup_database(store, user="admin")
    store.close()
    target = tmp_path / "new" / "copy.db"
    result = backup.restore_backup(info.path, target, user="admin")
    assert result.kept_aside is None and _subjects(target) == ["GZH-001"]


def test_cli_backup_and_restore(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open_path(db_path)
    _enrol(store)
    store.close()
    folder = db_path.parent / "elsewhere"
    assert cli_main(["backup", "--db", str(db_path), "--dir", str(folder), "--keep", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: backup ") and "verified" in out
    made = backup.list_backups(folder)
    assert len(made) == 1
    with Store.open_path(db_path) as again:
        _enrol(again)
    assert cli_main(["restore", "--db", str(db_path), "--from", str(made[0].path)]) == 1
    assert "--force" in capsys.readouterr().err
    code = cli_main(["restore", "--db", str(db_path), "--from", str(made[0].path), "--force"])
    assert code == 0
    assert "previous database is kept" in capsys.readouterr().out
    assert _subjects(db_path) == ["GZH-001"]
    assert cli_main(["backup", "--db", str(db_path.with_name("missing.db"))]) == 1
    assert "not found" in capsys.readouterr().err


def test_leftovers_of_a_killed_backup_are_cleaned_later(db_path: Path) -> None:
    import os

    Store.open_path(db_path).close()
    folder = backup.default_backup_dir(db_path)
    folder.mkdir()
    old_tmp = folder / ".study-20260101T000000Z.abcd.tmp"
    fresh_tmp = folder / ".study-20260101T000001Z.efgh.tmp"
    orphan = folder / "study-20260101T000000Z.db.json"
    for path in (old_tmp, fresh_tmp, orphan):
        path.write_text("x")
    for path in (old_tmp, orphan):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    info = backup.backup_database(db_path, user="admin")
    assert not old_tmp.exists() and not orphan.exists()
    assert fresh_tmp.exists()  # may belong to a backup still being written
    assert backup.list_backups(folder) == [info]


def test_only_a_role_allowed_to_back_up_may_restore(db_path: Path) -> None:
    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.errors import PermissionDenied

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        with Store.open_path(db_path) as store:
            access.create_admin(store, "admin", "Ada Admin", "admin-pass-1")
            admin = access.login(store, "admin", "admin-pass-1")
            access.add_user(
                store,
                admin,
                username="nurse1",
                full_name="N",
                role="nurse",
                password="nurse-pass-1",
            )
            nurse = access.login(store, "nurse1", "nurse-pass-1")
            with pytest.raises(PermissionDenied):
                backup.backup_database(store, user="", actor=nurse)
            info = backup.backup_database(store, user="", actor=admin)
            # the backup row, then the admin's signed checkpoint of the chain
            assert _actions(store)[-2] == ("backup", info.path.name)
            assert _actions(store)[-1][0] == "checkpoint"
            with pytest.raises(PermissionDenied):
                backup.restore_backup(info.path, db_path, user="", actor=nurse, force=True)
            done = backup.restore_backup(info.path, db_path, user="", actor=admin, force=True)
            assert done.kept_aside is not None
            with store.reading() as session:
                newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()))
                last = newest.first()
                assert last is not None and (last.action, last.user) == ("checkpoint", "admin")
            assert _actions(store)[-2][0] == "restore"
            # the automatic backup on exit runs whoever is logged in
            assert backup.backup_database(store, user="nurse1").verified
    finally:
        access.set_hasher_factory(PasswordHasher)
