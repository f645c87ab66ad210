# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""Today's work as a nurse uses it: windows with the year, a double-click opens a new record
of the due visit, the list follows every save, and the dock keeps its width after the
screen lock."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTextEdit
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401
from study_factory import SmallStudy
from trust_fixtures import NURSE_PW, accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.session import UserSession
from ui.shell.idle_lock import IdleLockGuard
from ui.shell.main_window import MainWindow


def test_window_shows_the_year(window: MainWindow) -> None:
    model = window.todays_work.model
    assert model.index(0, 2).data() == "2026-09-24 – 10-08"


def test_double_click_opens_the_due_visit(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    table = window.todays_work.table
    index = table.model().index(0, 1)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(window.showing_workspace)
    assert window.workspace.current_subject() == small_study.overdue
    assert window.workspace.current_key() == "VIS"
    editor = window.workspace.page("VIS").editor
    assert editor.record_id() is None
    assert editor.editor("VISIT").raw() == "M1"
    assert not editor.is_dirty()  # nothing typed yet: leaving does not ask
    assert window.workspace.maybe_leave()


def test_todays_work_follows_a_save(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy, answer: Callable[..., object]
) -> None:
    before = window.todays_work.model.rowCount()
    assert window.open_due_visit(small_study.overdue, "M1")
    editor = window.workspace.page("VIS").editor
    for code, text in {
        "VISDTC": "2026-10-30",
        "TBIL": "30",
        "ALB": "35",
        "ALT": "40",
        "AST": "38",
        "INR": "1.1",
        "CREAT": "70",
    }.items():
        editor.editor(code).set_raw(text)
    editor._edited()
    answer("confirm_warnings", True)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        assert editor.save()
    assert window.todays_work.model.rowCount() == before - 1  # no F5 needed


def test_dock_keeps_its_width_after_the_lock(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    session = UserSession("", visit.nurse)
    main = QMainWindow()
    qtbot.addWidget(main)
    main.setCentralWidget(QTextEdit())
    dock = QDockWidget("work")
    dock.setWidget(QLabel("today"))
    main.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    main.resizeDocks([dock], [420], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == 420)
    guard = IdleLockGuard(store, session, main, minutes=15, clock=lambda: 0.0)
    guard.install()
    try:
        with qtbot.waitSignal(guard.locked):
            guard.lock()
        dialog = guard.dialog
        assert dialog is not None
        dialog.password.setText(NURSE_PW)
        with qtbot.waitSignal(guard.unlocked):
            dialog.unlock_button.click()
        qtbot.waitUntil(lambda: dock.widget().isVisible())
        qtbot.wait(50)
        assert dock.width() == 420
    finally:
        guard.uninstall()
    assert records.list_records(store, "VIS", visit.subject)  # the study was left untouched
