"""Damaged database files are refused at open, never written to, and the newest good backup
is named.

Copies of a small study are damaged three ways (the 100-byte header overwritten, one page
overwritten with random bytes, the file truncated at a random offset); `Store.open` must
raise DatabaseError for each, leave the file byte-for-byte unchanged and point to the
backup beside it. benchmarks/faults_full.py runs 50 copies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faults.helpers import run_corruptions
from msct_crf.errors import DatabaseError
from msct_crf.storage.store import Store

COPIES = 15


def test_damaged_copies_are_refused_unchanged(tmp_path: Path) -> None:
    report = run_corruptions(tmp_path, COPIES, seed=17)
    assert report.copies == COPIES
    assert report.undetected == []
    assert report.written == []
    assert report.unclear == []
    assert report.detected == report.offered_backup == COPIES


def test_damaged_message_names_the_backup(tmp_path: Path) -> None:
    from msct_crf.workflow import backup

    db = tmp_path / "study.db"
    Store.open_path(db).close()
    info = backup.backup_database(db, user="admin")
    data = bytearray(db.read_bytes())
    data[0:16] = b"garbage garbage!"
    db.write_bytes(bytes(data))
    with pytest.raises(DatabaseError) as caught:
        Store.open_path(db)
    assert caught.value.backup == info.path
    assert str(info.path) in str(caught.value)
    assert "msct-crf restore" in str(caught.value)


def test_damaged_file_without_backup_has_no_hint(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    db.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match="not an MSC-CRF database") as caught:
        Store.open_path(db)
    assert caught.value.backup is None
