"""File > Send to coordinating centre…: the next package written off the GUI thread, and
when the last one was made; single-user mode says packages need an account."""

from __future__ import annotations

from pathlib import Path

from exchange_factory import ADMIN_PW, STUDY, fast_hashing
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from msct_crf import access
from msct_crf.exchange.site_package import init_site
from msct_crf.storage.store import Store
from ui.admin.send_package_dialog import SendPackageDialog, add_send_package_action
from ui.common import background


def _site(tmp_path: Path) -> Store:
    fast_hashing()
    path = tmp_path / "gzh.db"
    init_site(path, "GZH", STUDY)
    store = Store.open_path(path)
    access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    return store


def test_writes_the_next_package_and_shows_the_last(qtbot: QtBot, tmp_path: Path) -> None:
    store = _site(tmp_path)
    actor = access.login(store, "admin", ADMIN_PW)
    try:
        dialog = SendPackageDialog(store, actor)
        qtbot.addWidget(dialog)
        last = dialog.findChild(QLabel, "lastPackage")
        assert "No package" in last.text()
        button = dialog.findChild(QPushButton, "writePackage")
        assert not button.isEnabled()  # no folder yet
        usb = tmp_path / "usb"
        usb.mkdir()
        dialog.set_folder(str(usb))
        with qtbot.waitSignal(dialog.sent, timeout=30_000) as sent:
            button.click()
        assert background.wait_for_tasks()
        assert sent.args == [str(usb / "GZH-0001.msctpkg")]
        assert (usb / "GZH-0001.msctpkg").is_file()
        assert "GZH-0001.msctpkg" in last.text()
        assert "audit rows" in dialog.findChild(QLabel, "packageStatus").text()
    finally:
        access.logout(store, actor)
        store.close()


def test_single_user_mode_cannot_send(qtbot: QtBot, tmp_path: Path) -> None:
    store = Store.open_path(tmp_path / "s.db")
    try:
        dialog = SendPackageDialog(store, None)
        qtbot.addWidget(dialog)
        dialog.set_folder(str(tmp_path))
        assert not dialog.findChild(QPushButton, "writePackage").isEnabled()
        assert "account" in dialog.findChild(QLabel, "packageStatus").text()
    finally:
        store.close()


def test_the_file_menu_action(qtbot: QtBot, tmp_path: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = QMenu(window)
    store = Store.open_path(tmp_path / "s.db")
    try:
        action = add_send_package_action(menu, window, lambda: store, lambda: None)
        assert action.objectName() == "actSendToCentre"
        assert action in menu.actions()
        action.trigger()
        dialog = window.findChild(SendPackageDialog, "sendPackageDialog")
        assert dialog is not None and dialog.isVisible()
        dialog.close()
    finally:
        store.close()
