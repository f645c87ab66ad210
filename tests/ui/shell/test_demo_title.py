# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""The window title marks a demo study (" — DEMO", 演示 in Chinese), and only a demo study."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401

from msct_crf.storage.store import Store
from ui.common import background
from ui.shell.main_window import MainWindow


@pytest.fixture
def demo_window(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_template, copy)
    shown = MainWindow(Store.open_path(copy), "demo")
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    yield shown
    background.wait_for_tasks()
    if shown.isVisible():
        shown.workspace.maybe_leave = lambda: True  # type: ignore[method-assign]
        shown.close()


def test_title_marks_the_demo_study(qtbot: QtBot, demo_window: MainWindow) -> None:
    assert demo_window.windowTitle() == "MSC-CRF — demo.db — demo — DEMO"
    demo_window.set_language("zh_CN")
    qtbot.waitUntil(lambda: demo_window.windowTitle().endswith(" — 演示"))


def test_title_of_a_real_study_has_no_marker(window: MainWindow) -> None:
    title = window.windowTitle()
    assert title.startswith("MSC-CRF — ") and "DEMO" not in title
