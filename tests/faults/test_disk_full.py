"""A full disk while saving: a clear message, the draft kept, nothing committed lost, and the
same save succeeds once there is room again.

The disk is "filled" in a child process, two ways: RLIMIT_FSIZE (with SIGXFSZ ignored the
write fails with EFBIG, as write(2) fails with ENOSPC on a full disk) and SQLite's
PRAGMA max_page_count (SQLITE_FULL). Backups are also written under a file-size limit.
benchmarks/faults_full.py runs more points.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from faults.helpers import new_study, run_disk_full

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs resource.setrlimit")


#: (method, amount): where the disk fills up (see helpers._diskfull); the full run has 30.
POINTS = [
    ("fsize", 4096),
    ("fsize", 100_000),
    ("fsize", 800_000),
    ("pages", 0),
    ("pages", 5),
    ("backup", 100),
    ("backup", 60_000),
]


def test_full_disk_gives_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    subjid = new_study(db)
    assert run_disk_full(db, subjid, POINTS) == []
