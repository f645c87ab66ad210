"""What the app checks before it writes to a database it has just opened.

One writing instance per file (a QLockFile beside it), and a warning when the file lives on
a network share, where SQLite's locking is unreliable. Automatic backups (daily and on exit)
run through msct_crf.workflow.backup; they never stop the app, they only report.
"""

from __future__ import annotations

import datetime as dt
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from msct_crf.errors import MsctError
from msct_crf.storage.locations import network_path_warning
from msct_crf.storage.store import Store
from msct_crf.workflow import backup
from ui.shell.instance_lock import InstanceLock, acquire_database_lock, other_instance_message


class NoLock:
    """Stands in for a lock where none is needed (a server database, an in-memory one)."""

    held = True

    def release(self) -> None:
        return None


def claim_database(store: Store, parent: QWidget | None) -> InstanceLock | NoLock | None:
    """Take the one-writer lock of `store`'s file and warn about network paths.

    Returns None (after telling the user why) when another running MSC-CRF has the file."""
    path = store.path
    if path is None:
        return NoLock()
    lock = acquire_database_lock(path)
    if lock is None:
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("DatabaseGuard", "Database in use"),
            other_instance_message(path),
        )
        return None
    warning = network_path_warning(path)
    if warning:
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("DatabaseGuard", "Database on a network drive"),
            warning,
        )
    return lock


def automatic_backup(store: Store, user: str, *, every: dt.timedelta) -> str | None:
    """Back up `store` when one is due; a one-line result for the status bar, or None.

    Never raises on a user-level problem (full disk, read-only folder): the message is
    returned so the app can show it and go on."""
    path = store.path
    if path is None:
        return None
    try:
        info = backup.backup_if_due(path, user=user, every=every, store=store)
    except MsctError as exc:
        print(f"msct-crf: automatic backup failed: {exc}", file=sys.stderr)
        return QCoreApplication.translate("DatabaseGuard", "Automatic backup failed: {0}").format(
            exc
        )
    if info is None:
        return None
    return QCoreApplication.translate("DatabaseGuard", "Backed up to {0}").format(info.path.name)
