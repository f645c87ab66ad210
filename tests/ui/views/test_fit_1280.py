"""Everything fits at 1280x800 (and 1920x1080) with Today's work shown, in both languages:
every visible label of the visit and enrolment forms is shown whole (not narrower than its
minimum size hint, or word-wrapped), and every field is inside the scroll area's reach."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401

from msct_crf.storage.store import Store
from ui.common import background, i18n
from ui.shell.main_window import MainWindow


@pytest.fixture
def demo_window(
    qtbot: QtBot, tmp_path: Path, demo_template: Path, request: pytest.FixtureRequest
) -> Iterator[MainWindow]:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    language, _, size = str(request.param).partition("@")
    assert i18n.set_language(language)
    shown = MainWindow(Store.open_path(path), "nurse")
    qtbot.addWidget(shown)
    width, height = (int(n) for n in (size or "1280x800").split("x"))
    shown.resize(width, height)
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    yield shown
    background.wait_for_tasks()
    shown.workspace.maybe_leave = lambda: True  # type: ignore[method-assign]
    shown.close()


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels narrower than they need and not wrapping."""
    bad = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text():
            continue
        if label.wordWrap():  # wrapped: tall enough for its lines at its width
            needed = label.heightForWidth(label.width())
            if label.height() < needed:
                bad.append(
                    f"{label.objectName() or '?'} {label.text()!r}: height "
                    f"{label.height()} < {needed}"
                )
            continue
        if label.width() < label.minimumSizeHint().width():
            bad.append(
                f"{label.objectName() or '?'} {label.text()!r}: {label.width()} < "
                f"{label.minimumSizeHint().width()}"
            )
    return bad


def unreachable(page: QWidget) -> list[str]:
    """Inputs right of what the scroll area shows, with no horizontal scroll bar."""
    bad = []
    for area in page.findChildren(QScrollArea):
        inner = area.widget()
        if inner is None or area.horizontalScrollBar().maximum() > 0:
            continue
        right = area.viewport().width()
        for child in inner.findChildren(QWidget):
            name = child.objectName()
            if not name.startswith(("field_", "query_")) or not child.isVisibleTo(inner):
                continue
            x = child.mapTo(inner, child.rect().topRight()).x()
            if x > right + 1:
                bad.append(f"{name}: right edge {x} > {right}")
    return bad


@pytest.mark.parametrize(
    "demo_window", ["en", "zh_CN", "en@1920x1080", "zh_CN@1920x1080"], indirect=True
)
@pytest.mark.parametrize("tab", ["VIS", "ENROL"])
def test_forms_fit_at_1280x800(qtbot: QtBot, demo_window: MainWindow, tab: str) -> None:
    window = demo_window
    assert window.findChild(QWidget, "todaysWorkDock").isVisible()  # type: ignore[union-attr]
    assert window.open_subject("GZH-003", tab)
    page = window.workspace.page(tab)
    if tab == "VIS":
        ids = page.record_ids()
        assert ids
        assert page.open_record(ids[-1])  # the last visit: change from baseline shown
    QApplication.processEvents()
    qtbot.wait(20)
    form = page.editor if tab == "VIS" else page
    assert clipped_labels(form) == []
    assert unreachable(form) == []


@pytest.mark.parametrize("demo_window", ["en", "zh_CN"], indirect=True)
def test_visit_date_message_wraps(qtbot: QtBot, demo_window: MainWindow) -> None:
    """A visit date before the infusion: the message wraps under the field, whole."""
    window = demo_window
    assert window.open_subject("GZH-003", "VIS")
    editor = window.workspace.page("VIS").editor
    editor.editor("VISIT").set_raw("M1")
    editor.editor("VISDTC").set_raw("2000-01-01")
    editor._edited()
    QApplication.processEvents()
    qtbot.wait(20)
    message = editor.findChild(QLabel, "error_VISDTC")
    assert message is not None and message.isVisible() and message.text()
    assert clipped_labels(editor) == []
    editor.load_record("GZH-003", None)  # leave nothing unsaved behind


@pytest.mark.parametrize("demo_window", ["en", "zh_CN"], indirect=True)
def test_patient_list_shows_every_column_at_1280x800(qtbot: QtBot, demo_window: MainWindow) -> None:
    """With Today's work beside it, the list narrows Diagnosis and Next due visit (their
    text elides) so Status stays in view, with no sideways scrolling."""
    table = demo_window.patients.table
    QApplication.processEvents()
    qtbot.wait(20)
    header = table.horizontalHeader()
    last = table.model().columnCount() - 1
    assert header.sectionViewportPosition(last) + 40 <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize("demo_window", ["en", "zh_CN"], indirect=True)
@pytest.mark.parametrize("tab", ["VIS", "ENROL", "EX"])
def test_forms_do_not_scroll_sideways_at_1280x800(
    qtbot: QtBot, demo_window: MainWindow, tab: str
) -> None:
    window = demo_window
    assert window.open_subject("GZH-003", tab)
    page = window.workspace.page(tab)
    ids = page.record_ids() if hasattr(page, "record_ids") else []
    if ids:
        assert page.open_record(ids[-1])
    QApplication.processEvents()
    qtbot.wait(20)
    form = page.editor if ids else page
    sideways = {
        area.objectName() or "?": area.horizontalScrollBar().maximum()
        for area in form.findChildren(QScrollArea)
        if area.isVisibleTo(form) and area.horizontalScrollBar().maximum() > 0
    }
    assert sideways == {}
