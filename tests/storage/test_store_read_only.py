"""Read-only study files: a stale read-only ``-shm`` does not keep a writable file read-only,
and `Store.open_read_only` looks at a copy without writing anything."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from msct_crf.errors import DatabaseError
from msct_crf.storage.store import Store


def _wal_with_companions(path: Path, migrated_template: Path) -> None:
    shutil.copyfile(migrated_template, path)
    keep = sqlite3.connect(path)
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    keep.commit()
    keep.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").touch()


def test_stale_read_only_companions_are_made_writable(
    tmp_path: Path, migrated_template: Path
) -> None:
    path = tmp_path / "study.db"
    _wal_with_companions(path, migrated_template)
    for suffix in ("-wal", "-shm"):
        os.chmod(f"{path}{suffix}", 0o444)  # left by an open while the file was 0444
    with Store.open_path(path, create=False) as store:
        for suffix in ("-wal", "-shm"):
            assert os.stat(f"{path}{suffix}").st_mode & 0o200, suffix
        with store.session() as session:
            session.execute(text("INSERT INTO probe VALUES (1)"))
        assert not store.read_only


def test_open_read_only_writes_nothing(tmp_path: Path, migrated_template: Path) -> None:
    path = tmp_path / "archive.db"
    shutil.copyfile(migrated_template, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    os.chmod(path, 0o444)
    try:
        store = Store.open_read_only(path)
        try:
            assert store.read_only
            with store.reading() as session:
                assert session.execute(text("SELECT count(*) FROM subject")).scalar() == 0
            with pytest.raises(DatabaseError, match="read-only"), store.session() as session:
                session.execute(text("DELETE FROM subject"))
        finally:
            store.close()
    finally:
        os.chmod(path, 0o644)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db"]  # no -wal, no -shm
