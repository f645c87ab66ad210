"""File > Backups: the verified backups of the open database, "Back up now" and "Restore".

Backing up and restoring run off the GUI thread (ui.common.background) with a progress dialog;
the result is shown in the dialog's status line. Restoring asks for confirmation first and
keeps the current file aside (msct_crf.workflow.backup.restore_backup never deletes user data).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Actor
from msct_crf.storage.store import Store
from msct_crf.workflow import backup
from ui.common import background

Confirm = Callable[[QWidget, str], bool]
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def ask_yes_no(parent: QWidget, text: str) -> bool:
    """The default confirmation: a modal question, No by default."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("BackupDialog", "Restore a backup"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _size(n: int) -> str:
    return QLocale().formattedDataSize(n)


class BackupDialog(QDialog):
    """The backups of the open database.

    Signals: ``backedUp(object)`` a BackupInfo was written; ``restored(object)`` the database
    was replaced from a backup (RestoreInfo) - the window should reload what it shows.
    """

    backedUp = Signal(object)
    restored = Signal(object)

    def __init__(
        self,
        store: Store,
        user: str,
        parent: QWidget | None = None,
        *,
        backup_dir: Path | None = None,
        keep: int = backup.DEFAULT_KEEP,
        confirm: Confirm = ask_yes_no,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(self.tr("Backups"))
        self._store = store
        self._user = user
        self._keep = keep
        self._confirm = confirm
        self._actor = actor  # with accounts: the role is checked by msct_crf.workflow.backup
        path = store.path
        self._db_path = path
        self._dir = backup_dir or (backup.default_backup_dir(path) if path else None)
        self._task: background.Task | None = None

        self._where = QLabel(self)
        self._where.setObjectName("backupFolder")
        self._where.setWordWrap(True)
        self._table = QTableWidget(0, 4, self)
        self._table.setObjectName("backupTable")
        self._table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Size"), self.tr("Verified"), self.tr("File")]
        )
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.verticalHeader().hide()
        self._table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self._table.itemSelectionChanged.connect(self._update_buttons)
        self._status = QLabel(self)
        self._status.setObjectName("backupStatus")
        self._status.setWordWrap(True)

        self._backup_button = QPushButton(self.tr("&Back up now"), self)
        self._backup_button.setObjectName("backupNow")
        self._backup_button.clicked.connect(self.back_up_now)
        self._restore_button = QPushButton(self.tr("&Restore selected…"), self)
        self._restore_button.setObjectName("restoreSelected")
        self._restore_button.clicked.connect(self.restore_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self._backup_button)
        buttons.addWidget(self._restore_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self._where)
        layout.addWidget(self._table)
        layout.addWidget(self._status)
        layout.addLayout(buttons)
        self.resize(720, 360)
        self.refresh()

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        return self._task is not None

    def backups(self) -> list[backup.BackupInfo]:
        if self._dir is None or self._db_path is None:
            return []
        return backup.list_backups(self._dir, self._db_path.stem)

    def refresh(self) -> None:
        if self._db_path is None or self._dir is None:
            self._where.setText(self.tr("Only an SQLite study file can be backed up here."))
            self._backup_button.setEnabled(False)
            self._restore_button.setEnabled(False)
            return
        self._where.setText(
            self.tr("Backups of {0} in {1} (the newest {2} are kept).").format(
                self._db_path.name, self._dir, self._keep
            )
        )
        infos = self.backups()
        self._table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            local = info.created.astimezone()
            cells = [
                local.strftime("%Y-%m-%d %H:%M:%S"),  # ISO dates, as everywhere in the CRF
                _size(info.size),
                self.tr("Yes") if info.verified else self.tr("No"),
                info.path.name,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PATH_ROLE, str(info.path))
                if column == 2:
                    item.setToolTip(info.detail)
                self._table.setItem(row, column, item)
        self._table.resizeColumnsToContents()
        self._update_buttons()

    def _selected(self) -> backup.BackupInfo | None:
        rows = self._table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self._table.item(rows[0].row(), 0)
        if item is None:
            return None
        path = Path(str(item.data(PATH_ROLE)))
        return next((b for b in self.backups() if b.path == path), None)

    def select_row(self, row: int) -> None:
        self._table.selectRow(row)

    def _update_buttons(self) -> None:
        idle = self._task is None and self._db_path is not None
        self._backup_button.setEnabled(idle)
        self._restore_button.setEnabled(idle and self._selected() is not None)

    def status_text(self) -> str:
        return self._status.text()

    # ------------------------------------------------------------------ work

    def _run(
        self,
        label: str,
        work: Callable[[Callable[[int, int], None]], Any],
        done: Callable[[Any], None],
    ) -> None:
        progress = QProgressDialog(label, "", 0, 100, self)
        progress.setObjectName("backupProgress")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def job(task: background.Task) -> Any:
            def report(pages_done: int, pages_total: int) -> None:
                task.report(int(100 * pages_done / pages_total) if pages_total else 0)

            return work(report)

        def finished(result: Any) -> None:
            progress.close()
            self._task = None
            done(result)
            self.refresh()

        def failed(exc: BaseException) -> None:
            progress.close()
            self._task = None
            self._status.setText(str(exc) or type(exc).__name__)
            self.refresh()

        self._task = background.run_task(
            job, on_done=finished, on_error=failed, on_progress=progress.setValue
        )
        self._update_buttons()

    def back_up_now(self) -> None:
        if self._task is not None or self._db_path is None:
            return
        store, folder, user, keep, actor = (
            self._store,
            self._dir,
            self._user,
            self._keep,
            self._actor,
        )

        def done(info: backup.BackupInfo) -> None:
            self._status.setText(
                self.tr("Backup written and verified: {0} ({1}).").format(
                    info.path.name, _size(info.size)
                )
            )
            self.backedUp.emit(info)

        self._status.setText(self.tr("Backing up…"))
        self._run(
            self.tr("Writing and verifying the backup…"),
            lambda report: backup.backup_database(
                store, folder, user=user, keep=keep, actor=actor, progress=report
            ),
            done,
        )

    def restore_selected(self) -> None:
        info = self._selected()
        if info is None or self._task is not None or self._db_path is None:
            return
        local = info.created.astimezone().strftime("%Y-%m-%d %H:%M")
        question = self.tr(
            "Replace the open database with the backup of {0}?\n\nEverything entered after "
            "that time will no longer be in the study. The current file is kept beside it "
            "as {1}.before-restore-<time>.db, so nothing is deleted."
        ).format(local, self._db_path.stem)
        if not self._confirm(self, question):
            self._status.setText(self.tr("Restore cancelled."))
            return
        store, db_path, user, actor = self._store, self._db_path, self._user, self._actor

        def work(report: Callable[[int, int], None]) -> backup.RestoreInfo:
            return backup.restore_backup(
                info.path, db_path, user=user, force=True, actor=actor, progress=report
            )

        def done(result: backup.RestoreInfo) -> None:
            store.engine.dispose()  # new connections for the restored file
            kept = result.kept_aside.name if result.kept_aside else self.tr("nothing")
            self._status.setText(
                self.tr("Restored from {0}. The previous database is kept as {1}.").format(
                    result.backup.name, kept
                )
            )
            self.restored.emit(result)

        self._status.setText(self.tr("Restoring…"))
        self._run(self.tr("Checking and restoring the backup…"), work, done)


def add_backup_actions(
    menu: QMenu,
    parent: QWidget,
    store_getter: Callable[[], Store],
    user_getter: Callable[[], str],
    *,
    actor_getter: Callable[[], Actor | None] = lambda: None,
    on_restored: Callable[[Any], None] | None = None,
) -> list[QAction]:
    """Add "Back up now" and "Backups…" to `menu` (the File menu) and return the actions.

    `actor_getter` gives the logged-in account (None in single-user mode); its role must
    allow backups. `on_restored(RestoreInfo)` is called after a restore so the window can
    reload its views.
    """

    def make() -> BackupDialog:
        dialog = BackupDialog(store_getter(), user_getter(), parent, actor=actor_getter())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def open_dialog() -> None:
        dialog = make()
        if on_restored is not None:
            dialog.restored.connect(on_restored)
        dialog.open()

    def back_up_now() -> None:
        dialog = make()
        dialog.open()
        dialog.back_up_now()

    now_action = QAction(QCoreApplication.translate("BackupDialog", "Back &up now"), parent)
    now_action.setObjectName("actionBackUpNow")
    now_action.triggered.connect(back_up_now)
    list_action = QAction(QCoreApplication.translate("BackupDialog", "&Backups…"), parent)
    list_action.setObjectName("actionBackups")
    list_action.triggered.connect(open_dialog)
    menu.addAction(now_action)
    menu.addAction(list_action)
    return [now_action, list_action]
