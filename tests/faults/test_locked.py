"""A database another process is writing to, a read-only database and a missing file each
give one clear message; nothing hangs and nothing already saved is lost.

The lock is real: a second process holds SQLite's write lock (BEGIN IMMEDIATE). The saving
process runs with a short busy timeout; a subprocess timeout (not a timed assertion) proves
it does not hang.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import pytest

from faults.helpers import (
    USER,
    child,
    copy_for_a_normal_user,
    finish,
    new_study,
    normal_user_prefix,
    run_child,
    visit_values,
)
from msct_crf.errors import DatabaseError
from msct_crf.storage.db.engine import make_engine, sqlite_url
from msct_crf.storage.store import Store
from msct_crf.workflow import records


def test_locked_database_gives_busy_message_without_hanging(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    subjid = new_study(db)
    holder = child("holder", db)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        code, out, err = run_child("busy_saver", db, subjid, 300, timeout=90)
    finally:
        holder.stdin.write("STOP\n")
        finish(holder)
    assert code == 0, err
    save, opening = (json.loads(line) for line in out.splitlines())
    assert save["raised"] and not save["saved"]
    assert "busy" in save["message"] and "another program" in save["message"]
    assert opening["raised"] and "busy" in opening["message"]
    # once the other process let go, the same save goes through
    store = Store.open_path(db, create=False)
    try:
        result = records.save_form(
            store,
            user=USER,
            form="VIS",
            subject=subjid,
            values=visit_values(random.Random(7)),
            confirm_warnings=True,
        )
        assert result.saved
        assert len(records.list_records(store, "VIS", subjid)) == 1
    finally:
        store.close()


def test_read_only_database_gives_clear_message(tmp_path: Path) -> None:
    """An opened database that turns out read-only (opened read-only here) refuses a save
    with a clear message; reading goes on."""
    db = tmp_path / "study.db"
    subjid = new_study(db)
    before = db.read_bytes()
    store = Store(make_engine(sqlite_url(db), read_only=True))
    try:
        with pytest.raises(DatabaseError, match="read-only"):
            records.save_form(
                store,
                user=USER,
                form="VIS",
                subject=subjid,
                values=visit_values(random.Random(3)),
                confirm_warnings=True,
            )
        assert records.get_subject(store, subjid) is not None  # reading still works
    finally:
        store.close()
    assert db.read_bytes() == before


@pytest.mark.skipif(
    sys.platform == "win32" or normal_user_prefix() is None,
    reason="needs POSIX permissions, and setpriv to drop root",
)
def test_read_only_file_gives_clear_message_to_a_normal_user() -> None:
    """A file and folder without write permission, opened by a normal user (the test drops
    root to 'nobody' in the child, since root ignores permissions). The child runs from a
    copy of the code in a folder of its own: the clone may sit where only root may enter."""
    prefix = normal_user_prefix()
    assert prefix is not None  # (the skipif above)
    copy = copy_for_a_normal_user(prefix)
    if copy is None:
        pytest.skip("no temporary folder or no Python interpreter a normal user may use")
    folder = copy.home / "readonly"
    folder.mkdir()
    try:
        db = folder / "study.db"
        new_study(db)
        before = db.read_bytes()
        db.chmod(0o444)
        folder.chmod(0o555)
        code, out, err = run_child("readonly", db, prefix=prefix, timeout=90, **copy.options())
        assert code == 0, err
        outcome = json.loads(out.splitlines()[-1])
        assert outcome["raised"] and "read-only" in outcome["message"]
        assert db.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["study.db"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(copy.home, ignore_errors=True)


def test_missing_file_gives_clear_message(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not found"):
        Store.open_path(tmp_path / "gone.db", create=False)
    with pytest.raises(DatabaseError, match="folder"):
        Store.open_path(tmp_path, create=False)
