# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""No lost keystrokes: Ctrl+N, Alt+N and opening a form put the cursor in the form's first
field, and Tab stays in the form until its last field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401

from ui.shell.main_window import MainWindow


def _active(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _focus() -> QWidget | None:
    return QApplication.focusWidget()


def test_ctrl_n_then_typing_lands_in_the_first_field(qtbot: QtBot, window: MainWindow) -> None:
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.showing_workspace())
    page = window.workspace.page("ENROL")
    first = next(iter(page._editors.values())).focus_widget()
    qtbot.waitUntil(lambda: _focus() is first)
    qtbot.keyClicks(_focus(), "G")  # the site, typed at once
    assert page.editor(first.objectName().removeprefix("field_")).raw()
    page.load_record(None, None)  # nothing left unsaved for the window to ask about


def test_alt_n_in_a_list_tab_focuses_the_new_record(qtbot: QtBot, window: MainWindow) -> None:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, "VIS")
    _active(qtbot, window)
    window.patients.setFocus()  # somewhere else first
    qtbot.keyClick(_focus() or window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    editor = window.workspace.page("VIS").editor
    qtbot.waitUntil(lambda: _focus() is editor.editor("VISIT").focus_widget())
    assert editor.record_id() is None


def test_opening_a_form_tab_focuses_its_first_field(qtbot: QtBot, window: MainWindow) -> None:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, "EX")
    _active(qtbot, window)
    editor = window.workspace.page("EX").editor
    first = next(w for e in editor._editors.values() if (w := e.focus_widget()).isEnabled())
    qtbot.waitUntil(lambda: _focus() is first)


@pytest.mark.parametrize("tab", ["ENROL", "EX", "VIS", "AE", "DS"])
def test_tab_stays_in_the_form_until_its_last_field(
    qtbot: QtBot, window: MainWindow, tab: str
) -> None:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, tab)
    _active(qtbot, window)
    page = window.workspace.page(tab)
    editor = page if tab in ("ENROL", "DS") else page.editor
    assert editor.focus_first_field()
    fields = [
        w
        for e in editor._editors.values()
        if (w := e.focus_widget()).isEnabled() and w.isVisibleTo(editor)
    ]
    seen: list[QWidget] = []
    for _ in range(len(fields) * 2):
        widget = _focus()
        assert widget is not None
        assert not window.todays_work.isAncestorOf(widget), (
            f"Tab left the form for Today's work after {len(seen)} of {len(fields)} fields"
        )
        seen.append(widget)
        if widget is fields[-1]:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert fields[-1] in seen
    assert [w for w in seen if w in fields] == fields  # every field, in order
    assert all(isinstance(w, QWidget) and editor.isAncestorOf(w) for w in seen)


def test_tab_through_a_new_subject_visits_every_field_before_leaving(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Tab from the last field leaves the form (Save, then the rest of the window): the
    chain used to loop back into the form's labels and never reach Today's work."""
    assert window.new_subject()
    _active(qtbot, window)
    page = window.workspace.page("ENROL")
    fields = [w for e in page._editors.values() if (w := e.focus_widget()).isEnabled()]
    seen: list[QWidget] = []
    for _ in range(len(fields) + 10):
        widget = _focus()
        assert widget is not None
        if not page.isAncestorOf(widget):
            break
        seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert [w for w in seen if w in fields] == fields  # every field once, in order
    assert not page.isAncestorOf(_focus())  # and then out of the form
