# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""File › Open read-only…: a monitor looks at an archived copy; nothing is written to it,
every write action is off and the title says read-only."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401
from study_factory import SmallStudy

from msct_crf.storage.store import Store
from ui.shell import start_dialog
from ui.shell.main_window import MainWindow


def archived_copy(store: Store, tmp_path: Path) -> Path:
    copy = tmp_path / "archive" / "copy.db"
    copy.parent.mkdir()
    assert store.path is not None
    source = sqlite3.connect(store.path)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # as a backup file is: self-contained
    finally:
        source.close()
        target.close()
    os.chmod(copy, 0o444)
    return copy


def test_open_read_only_views_without_writing(
    qtbot: QtBot,
    window: MainWindow,
    small_study: SmallStudy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy = archived_copy(window.store, tmp_path)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _p: copy)
    try:
        with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
            assert window._open_read_only()
        assert window.store.read_only and "read-only" in window.windowTitle()
        assert window.patients.model.rowCount() == len(small_study.all)
        new = window.patients.findChild(QPushButton, "newSubjectButton")
        assert new is not None and not new.isEnabled()
        assert not window.menus.actions["new_subject"].isEnabled()
        assert not window.new_subject()
        assert window.open_subject(small_study.due, "VIS")
        editor = window.workspace.page("VIS").editor
        save = editor.findChild(QPushButton, "saveButton")
        assert save is not None and not save.isEnabled()
        assert editor.status_text() == "Read only: this file was opened read-only."
    finally:
        os.chmod(copy, 0o644)
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert [p.name for p in copy.parent.iterdir()] == ["copy.db"]  # no -shm, -wal, lock
