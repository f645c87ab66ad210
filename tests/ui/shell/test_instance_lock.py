"""One writing instance per database: a second one is refused with who holds the lock, and
a lock left by a crashed process (killed with SIGKILL) is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QSysInfo

from ui.shell.instance_lock import (
    acquire_database_lock,
    lock_holder,
    lock_path_for,
    other_instance_message,
)

HOLD = """
import sys
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("HELD", flush=True)
sys.stdin.readline()
lock.unlock()
"""


@contextmanager
def _holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    """A child process that holds the database's lock until it reads a line. On the way out
    it is killed if still running and its pipes are closed: a pipe left open is a
    ResourceWarning, and the test run treats every warning as an error."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_path_for(db))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "HELD"
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def test_second_instance_in_this_process_is_refused(db_path: Path) -> None:
    first = acquire_database_lock(db_path)
    assert first is not None and first.held
    assert first.path == Path(f"{db_path}.lock") and first.path.exists()
    assert acquire_database_lock(db_path) is None
    holder = lock_holder(db_path)
    assert holder is not None and holder.pid == os.getpid()
    message = other_instance_message(db_path)
    assert str(os.getpid()) in message and str(db_path) in message
    first.release()
    assert not first.path.exists()
    with acquire_database_lock(db_path) as again:  # type: ignore[union-attr]
        assert again.held
    assert lock_holder(db_path) is None


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
def test_other_process_holds_then_crashes(db_path: Path) -> None:
    with _holder(db_path) as process:
        assert acquire_database_lock(db_path) is None
        message = other_instance_message(db_path)
        assert f"process {process.pid}" in message
        assert QSysInfo.machineHostName() in message
        process.send_signal(signal.SIGKILL)  # crashes without unlocking
        process.wait(timeout=30)
        assert lock_path_for(db_path).exists()  # the lock file is left behind...
        taken = acquire_database_lock(db_path)  # ...and is stale: its process is gone
        assert taken is not None and taken.held
        assert lock_holder(db_path).pid == os.getpid()  # type: ignore[union-attr]
        taken.release()


def test_lock_released_by_the_other_process(db_path: Path) -> None:
    with _holder(db_path) as process:
        assert process.stdin is not None
        assert acquire_database_lock(db_path) is None
        process.stdin.write("\n")
        process.stdin.close()
        process.wait(timeout=30)
    lock = acquire_database_lock(db_path, timeout_ms=100)
    assert lock is not None
    lock.release()
