# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""No two Alt keys of one window clash, in English or Chinese: Alt+V opens View (it used to
press Verify), and each button's and tab's underlined letter is its own."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMenu, QTabBar, QWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf.access import Actor
from msct_crf.storage.store import Store
from ui.common import i18n, prompts
from ui.common.session import UserSession
from ui.shell.main_window import MainWindow
from ui.shell.start_dialog import StartDialog
from ui.views.subject_workspace import TAB_KEYS

MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = MNEMONIC.search(text)
    return found.group(1).upper() if found else None


def clashes(window: QWidget) -> dict[str, list[str]]:
    """Alt keys that more than one visible control of ``window`` answers to."""
    keys: dict[str, list[str]] = defaultdict(list)

    def note(text: str, where: str) -> None:
        key = mnemonic(text)
        if key:
            keys[key].append(f"{where} {text!r}")

    if hasattr(window, "menuBar"):
        for action in window.menuBar().actions():
            note(action.text(), "menu")
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):
                note(bar.tabText(i), "tab")
    for button in window.findChildren(QAbstractButton):
        if button.isVisible() and not isinstance(button.parent(), QTabBar):
            note(button.text(), button.objectName() or "button")
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            note(label.text(), label.objectName() or "label")
    return {k: v for k, v in keys.items() if len(v) > 1}


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_alt_key_clash_in_the_main_window(
    qtbot: QtBot, window: MainWindow, language: str
) -> None:
    window.set_language(language)
    qtbot.waitUntil(lambda: i18n.current_language() == language)
    qtbot.wait(10)  # the LanguageChange events
    assert clashes(window) == {}, "patient list"
    subjid = window.patients.model.row_at(0).subjid
    for key in TAB_KEYS:
        assert window.open_subject(subjid, key)
        page = window.workspace.page(key)
        if hasattr(page, "record_ids") and page.record_ids():
            page.open_record(page.record_ids()[-1])  # the lifecycle bar shown
        assert clashes(window) == {}, key


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_alt_key_clash_in_the_dialogs(qtbot: QtBot, window: MainWindow, language: str) -> None:
    window.set_language(language)
    qtbot.waitUntil(lambda: i18n.current_language() == language)
    start = StartDialog()
    qtbot.addWidget(start)
    start.show()
    box, buttons = prompts.unsaved_box(window)
    qtbot.addWidget(box)
    box.show()
    from ui.admin.backup_dialog import BackupDialog
    from ui.review.queries_dialog import QueriesDialog

    backups = BackupDialog(window.store, window.user, window)
    queries = QueriesDialog(window.store, window.session, parent=window)
    for dialog in (backups, queries):
        qtbot.addWidget(dialog)
        dialog.show()
        assert clashes(dialog) == {}, dialog.objectName()
    assert clashes(start) == {}
    assert clashes(box) == {}
    assert [mnemonic(b.text()) for b in buttons.values()] == ["S", "D", "C"]


def test_alt_v_opens_the_view_menu_beside_an_open_visit(qtbot: QtBot, window: MainWindow) -> None:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, "VIS")
    page = window.workspace.page("VIS")
    page.open_record(page.record_ids()[-1])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    pressed: list[bool] = []
    page.editor.lifecycle.buttons["verify"].clicked.connect(lambda: pressed.append(True))
    view = window.menus.menus["view"]
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier
    )
    qtbot.waitUntil(view.isVisible)
    assert isinstance(view, QMenu) and pressed == []
    view.close()


def test_the_unsaved_box_answers_its_alt_keys(qtbot: QtBot, window: MainWindow) -> None:
    for key, choice in (
        (Qt.Key.Key_D, prompts.LeaveChoice.DISCARD),
        (Qt.Key.Key_S, prompts.LeaveChoice.SAVE),
    ):
        box, buttons = prompts.unsaved_box(window)
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        box.activateWindow()
        qtbot.waitUntil(lambda b=box: QApplication.activeWindow() is b)
        qtbot.keyClick(QApplication.focusWidget() or box, key, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda b=box: b.clickedButton() is not None)
        assert box.clickedButton() is buttons[choice]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_alt_key_clash_in_the_account_and_export_dialogs(
    qtbot: QtBot, store: Store, accounts: dict, language: str
) -> None:
    assert i18n.set_language(language)
    try:
        _check_account_and_export_dialogs(qtbot, store, accounts["admin"])
    finally:
        i18n.set_language("en")


def _check_account_and_export_dialogs(qtbot: QtBot, store: Store, admin: Actor) -> None:
    from ui.admin.export_dialog import ExportDialog
    from ui.admin.user_management_dialog import UserManagementDialog
    from ui.shell.login_dialog import LoginDialog

    dialogs = (
        ExportDialog(store, admin.username, actor=admin),
        UserManagementDialog(store, UserSession("", admin)),
        LoginDialog(store, "nurse1"),
    )
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        keys = [
            mnemonic(b.text())
            for b in dialog.findChildren(QAbstractButton)
            if b.isVisible() and mnemonic(b.text())
        ]
        assert clashes(dialog) == {}, dialog.objectName()
        assert keys, f"{dialog.objectName()}: no button answers an Alt key"
