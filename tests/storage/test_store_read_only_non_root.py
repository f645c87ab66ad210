"""A stale read-only ``-shm`` must not keep a writable study read-only — checked as an
ordinary user would meet it. Root may write a 0444 file, so under root neither SQLite nor
the fix would see the problem: there the scenario runs in a child process without the
capabilities that let root ignore file permissions (util-linux ``setpriv``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import sys
from sqlalchemy import text
from msct_crf.storage.store import Store
path = sys.argv[1]
with Store.open_path(path, create=False) as store:
    with store.session() as session:
        session.execute(text("INSERT INTO probe VALUES (1)"))
    assert not store.read_only
print("saved")
"""

IGNORE_PERMISSIONS = "dac_override,dac_read_search,fowner"


def _as_ordinary_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and util-linux setpriv is missing: cannot drop root's rights")
    drop = ",".join(f"-{cap}" for cap in IGNORE_PERMISSIONS.split(","))
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", "--", *argv]


def _stale_companions(path: Path, migrated_template: Path) -> None:
    """A WAL study whose -wal and -shm were left 0444 by an open while the file was 0444."""
    shutil.copyfile(migrated_template, path)
    keep = sqlite3.connect(path)
    keep.execute("PRAGMA journal_mode=WAL")
    keep.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    keep.commit()
    keep.close()
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        companion.touch()
        os.chmod(companion, 0o444)


def test_a_stale_read_only_shm_does_not_keep_the_study_read_only(
    tmp_path: Path, migrated_template: Path
) -> None:
    path = tmp_path / "study.db"
    _stale_companions(path, migrated_template)
    argv = _as_ordinary_user([sys.executable, "-c", CHILD, str(path)])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "saved"
    rows = sqlite3.connect(path).execute("SELECT count(*) FROM probe").fetchone()
    assert rows == (1,)


def test_the_child_really_cannot_ignore_permissions(tmp_path: Path) -> None:
    """The check above means something: the child may not write a 0444 file."""
    target = tmp_path / "read-only.txt"
    target.write_text("x")
    os.chmod(target, 0o444)
    probe = f"open({str(target)!r}, 'a').write('y')"
    done = subprocess.run(
        _as_ordinary_user([sys.executable, "-c", probe]), capture_output=True, text=True
    )
    assert done.returncode != 0 and "Permission denied" in done.stderr
