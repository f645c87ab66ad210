"""One writing instance per database file, with a QLockFile beside it (``<db>.lock``).

SQLite itself lets two app windows write to one file safely transaction by transaction, but
two people editing the same study in two windows would overwrite each other's forms. The app
therefore takes a lock file when it opens a database and tells a second instance who holds
it (process id, computer, application) instead of opening.

A lock left behind by a crashed app is stale: Qt sees that its process no longer runs on
this computer and takes it over. Stale detection by age is switched off (stale lock time 0):
the app holds its lock for hours, and an old lock of a running app is not stale. A lock
taken on another computer (a database on a network share) is never considered stale
automatically; the message names that computer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile


def lock_path_for(db_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.path.abspath(os.fspath(db_path))}.lock")


@dataclass(frozen=True)
class LockHolder:
    pid: int
    hostname: str
    app_name: str


class InstanceLock:
    """A held lock; release it when the database is closed (or use it as a context)."""

    def __init__(self, lock: QLockFile, path: Path) -> None:
        self._lock = lock
        self.path = path

    @property
    def held(self) -> bool:
        return self._lock.isLocked()

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _new_lock(db_path: str | os.PathLike[str]) -> tuple[QLockFile, Path]:
    path = lock_path_for(db_path)
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # only a dead process makes a lock stale, never its age
    return lock, path


def acquire_database_lock(
    db_path: str | os.PathLike[str], *, timeout_ms: int = 0
) -> InstanceLock | None:
    """Take the database's lock; None when another running instance holds it (see
    :func:`other_instance_message`) or the lock file cannot be written."""
    lock, path = _new_lock(db_path)
    # tryLock itself replaces a stale lock (its process is gone from this computer)
    if lock.tryLock(timeout_ms):
        return InstanceLock(lock, path)
    return None


def lock_holder(db_path: str | os.PathLike[str]) -> LockHolder | None:
    """Who holds the database's lock, as written in the lock file (None if nobody/unknown)."""
    lock, _path = _new_lock(db_path)
    info = lock.getLockInfo()  # PySide6: (pid, hostname, app name), or empty when unknown
    if not isinstance(info, tuple) or len(info) < 3:
        return None
    pid, hostname, app_name = info[-3:]
    if not pid:
        return None
    return LockHolder(int(pid), str(hostname), str(app_name))


def other_instance_message(db_path: str | os.PathLike[str]) -> str:
    """A sentence for the second instance: who holds the database and what to do."""
    holder = lock_holder(db_path)
    name = os.fspath(db_path)
    if holder is None:
        lock, _path = _new_lock(db_path)
        lock.tryLock(0)
        if lock.error() == QLockFile.LockError.PermissionError:
            return QCoreApplication.translate(
                "InstanceLock",
                "The database {0} cannot be opened for writing: its folder is read-only, so "
                "MSC-CRF cannot make sure no other window is changing it.",
            ).format(name)
        return QCoreApplication.translate(
            "InstanceLock",
            "The database {0} is already open in another MSC-CRF window. Close it there first.",
        ).format(name)
    return QCoreApplication.translate(
        "InstanceLock",
        "The database {0} is already open in MSC-CRF (process {1} on computer {2}). Close it "
        "there first; if that computer crashed, delete the lock file {3} and open it again.",
    ).format(name, holder.pid, holder.hostname or "?", lock_path_for(db_path))
