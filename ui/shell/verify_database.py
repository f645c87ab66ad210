"""File > Verify database: `msct_crf.storage.integrity.verify_database` off the GUI thread,
behind a progress dialog with Cancel, and every check's result in one message box. A study
on a clinic's server is verified the same way (`msct_crf.storage.server_verify`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from msct_crf.storage.server_verify import verify_location
from ui.common import background


def _mark(check: Any) -> str:
    """✔ passed, ⚠ passed with a caveat (e.g. an unanchored single-user study), ✘ failed."""
    if not check.ok:
        return "✘"
    return "⚠" if getattr(check, "warning", False) else "✔"


class _Cancelled(Exception):
    """Raised inside the background task when the user pressed Cancel."""


class DatabaseVerifier(QObject):
    """Verifies the study file of ``window``'s database; see the module docstring."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window

    def run(self, path: Path | str | None) -> None:
        """Verify ``path``, a file or a server's URL (None: a database in memory, which
        cannot be verified here, as is said)."""
        window = self._window
        title = self.tr("Verify database")
        if path is None:
            QMessageBox.information(
                window, title, self.tr("Only SQLite study files can be verified here.")
            )
            return
        progress = QProgressDialog(
            self.tr("Verifying the database…"), self.tr("Cancel"), 0, 100, window
        )
        progress.setObjectName("verifyProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def work(task: background.Task) -> Any:
            def report(percent: int) -> None:
                if task.cancelled:
                    raise _Cancelled
                task.report(percent)

            return verify_location(path, progress=report)

        def done(checks: Any) -> None:
            progress.close()
            failed = [c for c in checks if not c.ok]
            lines = "\n".join(f"{_mark(c)} {c.name}: {c.detail}" for c in checks)
            if failed:
                head = self.tr("The database FAILED verification:")
                QMessageBox.critical(window, title, head + "\n\n" + lines)
            else:
                head = self.tr("The database passed every check:")
                QMessageBox.information(window, title, head + "\n\n" + lines)

        def failed(exc: BaseException) -> None:
            progress.close()
            if isinstance(exc, _Cancelled):
                window.statusBar().showMessage(self.tr("Verification cancelled."), 4000)
                return
            QMessageBox.critical(window, title, str(exc))

        task = background.run_task(
            work, on_done=done, on_error=failed, on_progress=progress.setValue
        )
        progress.canceled.connect(task.cancel)
