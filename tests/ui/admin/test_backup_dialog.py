"""File > Backups: listing, "Back up now" and a confirmed restore, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMenu, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.workflow import backup, records
from ui.admin.backup_dialog import BackupDialog, add_backup_actions
from ui.common import background

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "QT",
    "SEX": "F",
    "BRTHDTC": "1970-01-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "AIH",
}


def _enrol(store: Store) -> str:
    result = records.save_form(store, user="nurse", form="ENROL", values=ENROL)
    assert result.subject
    return result.subject


def _wait_idle(qtbot: QtBot, dialog: BackupDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert background.wait_for_tasks()


def test_back_up_now_lists_the_verified_backup(qtbot: QtBot, store: Store) -> None:
    _enrol(store)
    dialog = BackupDialog(store, "admin")
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "backupTable")
    assert table.rowCount() == 0
    restore = dialog.findChild(QPushButton, "restoreSelected")
    assert not restore.isEnabled()
    with qtbot.waitSignal(dialog.backedUp, timeout=30_000) as signal:
        qtbot.mouseClick(dialog.findChild(QPushButton, "backupNow"), _left())
    _wait_idle(qtbot, dialog)
    info = signal.args[0]
    assert info.verified and info.path.exists()
    assert table.rowCount() == 1
    assert table.item(0, 2).text() == "Yes" and table.item(0, 3).text() == info.path.name
    assert "verified" in dialog.status_text()
    dialog.select_row(0)
    assert restore.isEnabled()


def test_restore_asks_first_and_keeps_the_current_file(qtbot: QtBot, store: Store) -> None:
    _enrol(store)
    made = backup.backup_database(store, user="admin")
    _enrol(store)
    answers: list[str] = []
    reply = {"yes": False}

    def confirm(parent: QWidget, text: str) -> bool:
        answers.append(text)
        return reply["yes"]

    dialog = BackupDialog(store, "admin", confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.select_row(0)
    dialog.restore_selected()
    assert "nothing is deleted" in answers[0] and "Restore cancelled" in dialog.status_text()
    assert records.list_subjects(store) == ["GZH-001", "GZH-002"]
    reply["yes"] = True
    with qtbot.waitSignal(dialog.restored, timeout=30_000) as signal:
        dialog.restore_selected()
    _wait_idle(qtbot, dialog)
    result = signal.args[0]
    assert result.backup == made.path and result.kept_aside.exists()
    assert records.list_subjects(store) == ["GZH-001"]
    assert result.kept_aside.name in dialog.status_text()


def test_errors_are_shown_in_the_dialog(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the backup folder should be")
    dialog = BackupDialog(store, "admin", backup_dir=blocked)
    qtbot.addWidget(dialog)
    dialog.back_up_now()
    _wait_idle(qtbot, dialog)
    assert "not a folder" in dialog.status_text()


def test_file_menu_actions(qtbot: QtBot, store: Store) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = QMenu("File", window)
    actions = add_backup_actions(menu, window, lambda: store, lambda: "admin")
    assert [a.objectName() for a in actions] == ["actionBackUpNow", "actionBackups"]
    assert menu.actions() == actions
    actions[0].trigger()
    qtbot.waitUntil(lambda: len(backup.list_backups(backup.default_backup_dir(store.path))) == 1)
    assert background.wait_for_tasks()
    for dialog in window.findChildren(BackupDialog):
        _wait_idle(qtbot, dialog)
        dialog.close()


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
