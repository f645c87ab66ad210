"""A damaged study file at start: the newest good backup is offered and restored."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study)
from study_factory import SmallStudy
from trust_factory import ADMIN_PW, accounts, fast_hasher  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import backup, records
from ui.shell import start_dialog
from ui.shell.start_dialog import StartDialog


def _damage(path: Path) -> None:
    """Overwrite the second half of the file with garbage (the header stays valid)."""
    data = bytearray(path.read_bytes())
    half = len(data) // 2
    data[half:] = b"\xa5" * (len(data) - half)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("accept", [True, False], ids=["restore", "decline"])
def test_damaged_file_offers_the_newest_good_backup(
    qtbot: QtBot,
    store: Store,
    small_study: SmallStudy,
    monkeypatch: pytest.MonkeyPatch,
    accept: bool,
) -> None:
    path = store.path
    assert path is not None
    subjects = records.list_subjects(store)
    backup.backup_database(store, user="nurse")
    store.close()
    _damage(path)
    damaged = path.read_bytes()
    questions: list[str] = []
    monkeypatch.setattr(
        start_dialog, "ask_restore", lambda _parent, text: questions.append(text) or accept
    )
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: path)
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("nurse.wang")

    if accept:
        with qtbot.waitSignal(dialog.accepted, timeout=30_000):
            dialog.findChild(object, "openDatabaseButton").click()
        assert dialog.store is not None
        assert records.list_subjects(dialog.store) == subjects
        dialog.store.close()
        kept = list(path.parent.glob(f"{path.stem}.before-restore-*.db"))
        assert len(kept) == 1 and kept[0].read_bytes() == damaged  # nothing deleted
    else:
        dialog.findChild(object, "openDatabaseButton").click()
        qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=30_000)
        assert dialog.store is None and "damaged" in dialog.error_text()
        assert path.read_bytes() == damaged  # never written to
    assert len(questions) == 1 and ".db" in questions[0]


@pytest.mark.parametrize("answer", ["right", "wrong", "cancel"])
def test_a_damaged_study_with_accounts_asks_for_an_account_of_the_backup(
    qtbot: QtBot,
    store: Store,
    accounts: dict,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
) -> None:
    path = store.path
    assert path is not None
    backup.backup_database(store, user="admin", actor=accounts["admin"])
    store.close()
    _damage(path)
    damaged = path.read_bytes()
    monkeypatch.setattr(start_dialog, "ask_restore", lambda _parent, _text: True)
    asked: list[tuple[str, str]] = []
    credentials = {"right": ("admin", ADMIN_PW), "wrong": ("admin", "not it"), "cancel": None}

    def ask_login(_parent: object, backup_name: str, user: str) -> tuple[str, str] | None:
        asked.append((backup_name, user))
        return credentials[answer]

    monkeypatch.setattr(start_dialog, "ask_restore_login", ask_login)
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: path)
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("admin")
    if answer == "right":
        with qtbot.waitSignal(dialog.accepted, timeout=30_000):
            dialog.findChild(object, "openDatabaseButton").click()
        assert dialog.store is not None
        dialog.store.close()
        assert path.read_bytes() != damaged
    else:
        dialog.findChild(object, "openDatabaseButton").click()
        qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=30_000)
        assert dialog.store is None and path.read_bytes() == damaged  # never written
        if answer == "wrong":
            assert "password" in dialog.error_text().lower()
    assert len(asked) == 1 and asked[0][1] == "admin" and asked[0][0].endswith(".db")
