"""One writer per database file, network-path warning, automatic backups, File menu wiring."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study)
from study_factory import TODAY

from msct_crf.errors import DatabaseError
from msct_crf.storage.store import Store
from msct_crf.workflow import backup
from ui.common import background
from ui.shell import database_guard
from ui.shell.main_window import MainWindow


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        database_guard.QMessageBox, "warning", lambda _parent, _title, text: shown.append(text)
    )
    return shown


def test_a_second_instance_is_refused_with_a_message(
    qtbot: QtBot, store: Store, warnings: list[str]
) -> None:
    first = database_guard.claim_database(store, None)
    assert first is not None and first.held
    second_store = Store.open_path(store.path)
    try:
        assert database_guard.claim_database(second_store, None) is None
        assert len(warnings) == 1 and str(store.path) in warnings[0]
        first.release()
        again = database_guard.claim_database(second_store, None)
        assert again is not None
        again.release()
    finally:
        second_store.close()


def test_network_path_is_warned_about(
    qtbot: QtBot, store: Store, warnings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_guard, "network_path_warning", lambda path: f"{path} is remote")
    lock = database_guard.claim_database(store, None)
    assert lock is not None
    lock.release()
    assert warnings == [f"{store.path} is remote"]


def test_window_backs_up_daily_and_on_exit_and_has_the_file_actions(
    qtbot: QtBot, store: Store, small_study: object, warnings: list[str]
) -> None:
    path = store.path
    assert path is not None
    opened = Store.open_path(path)
    lock = database_guard.claim_database(opened, None)
    assert lock is not None
    window = MainWindow(opened, "nurse", today=lambda: TODAY, instance_lock=lock)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.show()
    names = {a.objectName() for a in window.findChildren(type(window.menus.actions["quit"]))}
    assert {"actExport", "actionBackUpNow", "actionBackups"} <= names
    qtbot.waitUntil(lambda: len(backup.list_backups(backup.default_backup_dir(path))) == 1)
    assert background.wait_for_tasks()

    window.close()  # nothing changed since the daily backup: no second copy
    assert len(backup.list_backups(backup.default_backup_dir(path))) == 1
    assert not lock.held


def test_automatic_backup_reports_a_failure_instead_of_raising(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise DatabaseError("The disk is full")

    monkeypatch.setattr(backup, "backup_if_due", full_disk)
    message = database_guard.automatic_backup(store, "nurse", every=dt.timedelta(0))
    assert message is not None and "The disk is full" in message
