# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""A new study's site: the start dialog takes any site code (a new one with its name, which
registers it), and File › New study database… (Ctrl+Shift+N) asks for the study ID and the
site with the same fields before the file dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401

from msct_crf.storage import study_identity
from msct_crf.storage.store import Store
from msct_crf.workflow.sites import study_sites
from ui.shell import new_study_dialog, start_dialog
from ui.shell.main_window import MainWindow
from ui.shell.new_study_dialog import NewStudyDialog
from ui.shell.new_study_fields import Identity
from ui.shell.start_dialog import StartDialog


def _fill(dialog: object, study: str, site: str, name: str = "", name_zh: str = "") -> None:
    find = dialog.findChild  # type: ignore[attr-defined]
    find(object, "newStudyId").setText(study)
    find(object, "newSiteCode").setEditText(site)
    find(object, "newSiteName").setText(name)
    find(object, "newSiteNameZh").setText(name_zh)


def test_the_start_dialog_registers_a_new_site_with_its_names(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_settings: Path
) -> None:
    target = tmp_path / "bj01.db"
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _parent: target)
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("nurse.wang")
    _fill(dialog, "MSCT-2026-01", "bj01")
    dialog.findChild(object, "createDatabaseButton").click()
    assert "Type the name of site BJ01" in dialog.error_text() and not target.exists()
    _fill(dialog, "MSCT-2026-01", "BJ-1", "Beijing Friendship Hospital")
    dialog.findChild(object, "createDatabaseButton").click()
    assert "2 to 6 capital letters or digits" in dialog.error_text()
    _fill(dialog, "MSCT-2026-01", "bj01", "Beijing Friendship Hospital", "北京友谊医院")
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.findChild(object, "createDatabaseButton").click()
    assert dialog.store is not None
    with dialog.store.reading() as session:
        assert study_identity.site_code(session) == "BJ01"
    assert study_sites(dialog.store).label("BJ01", "zh") == "北京友谊医院"
    dialog.store.close()


def test_the_new_study_dialog_asks_for_the_id_and_the_site(qtbot: QtBot) -> None:
    dialog = NewStudyDialog()
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "protocol number" in dialog.error_text() and dialog.identity is None
    _fill(dialog, "MSCT-2026-01", "")
    dialog.accept()
    assert "Choose the site" in dialog.error_text()
    site = dialog.findChild(object, "newSiteCode")
    site.setCurrentIndex(site.findData("NJG"))  # a listed site needs no name
    dialog.accept()
    assert dialog.identity == Identity("MSCT-2026-01", "NJG", None, None)


def test_file_new_study_database_asks_for_both_then_creates_the_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = window.menus.actions["new_db"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+N")
    target = tmp_path / "wuh.db"
    order: list[str] = []

    def ask(_parent: object) -> Identity:
        order.append("identity")
        return Identity("MSCT-2026-01", "WUH", "Wuhan Union Hospital", "武汉协和医院")

    def choose(_parent: object) -> Path:
        order.append("file")
        return target

    monkeypatch.setattr(new_study_dialog, "ask_new_study", ask)
    monkeypatch.setattr(start_dialog, "choose_new_database", choose)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        action.trigger()
    assert order == ["identity", "file"]
    assert window.store.path == target
    with Store.open_path(target, create=False) as store, store.reading() as session:
        assert study_identity.site_code(session) == "WUH"
        assert study_identity.read_setting(session, study_identity.STUDY_ID_KEY) == "MSCT-2026-01"
    monkeypatch.setattr(new_study_dialog, "ask_new_study", lambda _parent: None)
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _p: pytest.fail("asked"))
    action.trigger()  # cancelled: no file dialog, nothing changes
    assert window.store.path == target
