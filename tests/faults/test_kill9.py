"""kill -9 of a process in the middle of saving: nothing acknowledged is lost, ever.

A child process saves visits (and edits with a reason) through `records.save_form` in a loop
and prints an ACK line after each save returns; the test kills it with SIGKILL at random
moments and checks the file after every kill. benchmarks/faults_full.py runs 200+ kills.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from faults.helpers import build_reference_study, new_study, run_backup_kills, run_kills

KILLS = 12
BACKUP_KILLS = 5

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


def test_no_acknowledged_save_is_lost_after_kill9(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    subjid = new_study(db)
    report = run_kills(db, subjid, kills=KILLS, seed=20261125)
    assert report.kills == KILLS
    assert report.acked_saves > 0 and report.mid_save > 0  # kills landed inside saves
    assert report.lost == []
    assert report.problems == []


def test_kill9_during_backup_and_restore_leaves_no_half_files(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    build_reference_study(db, visits=60)
    report = run_backup_kills(db, kills=BACKUP_KILLS, seed=7)
    assert report.kills == BACKUP_KILLS
    assert report.problems == []
