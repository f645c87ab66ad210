# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""A fresh install: no user data folder yet. The demo still opens, and Create asks for the
user name before its file dialog, which starts in the user data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401

from msct_crf.storage.db.engine import default_database_path
from ui.shell import start_dialog
from ui.shell.start_dialog import StartDialog


@pytest.fixture
def fresh_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_DATA_HOME points at a folder that does not exist (platformdirs reads it)."""
    home = tmp_path / "fresh" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert not default_database_path().parent.exists()
    return home


def test_demo_opens_where_the_data_folder_does_not_exist(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_data_home: Path
) -> None:
    demo = fresh_data_home / "msct-crf" / "demo.db"
    monkeypatch.setenv(start_dialog.DEMO_ENV, str(demo))
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("nurse.wang")
    with qtbot.waitSignal(dialog.accepted, timeout=120_000):
        dialog.findChild(object, "openDemoButton").click()
    assert dialog.store is not None and demo.exists()
    assert dialog.error_text() == ""
    dialog.store.close()


def test_create_asks_the_user_name_before_the_file_dialog(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, fresh_data_home: Path
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _p: asked.append("x"))
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("")
    dialog.findChild(object, "createDatabaseButton").click()
    assert asked == []  # no file chosen only to be thrown away
    assert "user name" in dialog.error_text()
    dialog.findChild(object, "openDatabaseButton").click()
    assert asked == [] and dialog.store is None


def test_the_new_database_dialog_starts_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, fresh_data_home: Path
) -> None:
    seen: list[str] = []

    def fake_save(_parent: object, _title: str, where: str, *_a: object, **_k: object):
        seen.append(where)
        return str(Path(where).with_name("trial")), ""

    monkeypatch.setattr(start_dialog.QFileDialog, "getSaveFileName", fake_save)
    chosen = start_dialog.choose_new_database(None)
    folder = default_database_path().parent
    assert folder.is_dir()  # created, so the dialog can start there
    assert seen == [str(folder / "study.db")]
    assert chosen == folder / "trial.db"
