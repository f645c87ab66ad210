"""The steps of a backup and a restore that tests/test_backup.py does not reach: a backup
that cannot be renamed into place, the aside name when one is taken, an empty database."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from msct_crf.clock import use_clock
from msct_crf.errors import DatabaseError
from msct_crf.storage.store import Store
from msct_crf.workflow import backup, records

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "BS",
    "SEX": "F",
    "BRTHDTC": "1970-03-01",
    "RFICDTC": "2024-02-05",
    "ENRLDTC": "2024-02-05",
    "DXCAT": "AIH",
}
MOMENT = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    """Every time in these tests is MOMENT: two restores in the same second."""
    with use_clock(lambda: MOMENT):
        yield


def _subjects(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT subjid FROM subject ORDER BY subjid")]
    finally:
        connection.close()


@pytest.fixture
def saved(store: Store) -> Store:
    result = records.save_form(store, user="nurse", form="ENROL", values=ENROL)
    assert result.saved
    return store


def test_a_backup_that_cannot_be_put_in_place_leaves_nothing(
    saved: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    real_replace = os.replace

    def refuse_the_backup(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith(".db"):  # the copy itself; its sidecar is written normally
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse_the_backup)
    with pytest.raises(DatabaseError):
        backup.backup_database(saved, folder, user="admin")
    assert list(folder.iterdir()) == []  # no sidecar, no temporary copy, no journal


def test_restores_in_the_same_second_keep_every_previous_file(saved: Store, db_path: Path) -> None:
    info = backup.backup_database(saved, user="admin")
    first = backup.restore_backup(info.path, db_path, user="admin", force=True)
    second = backup.restore_backup(info.path, db_path, user="admin", force=True)
    assert first.kept_aside is not None and second.kept_aside is not None
    assert second.kept_aside.name == first.kept_aside.name.replace(".db", "-1.db")
    assert first.kept_aside.exists() and second.kept_aside.exists()
    assert _subjects(db_path) == ["GZH-001"]


def test_restore_over_an_empty_file_moves_it_aside(saved: Store, tmp_path: Path) -> None:
    info = backup.backup_database(saved, user="admin")
    target = tmp_path / "empty.db"
    target.touch()
    restored = backup.restore_backup(info.path, target, user="admin")
    assert restored.kept_aside is not None
    assert restored.kept_aside.name.startswith("empty.before-restore-")
    assert os.path.getsize(restored.kept_aside) == 0
    assert _subjects(target) == ["GZH-001"]
