"""Fixtures for the desktop-shell tests: isolated settings, a small study, a main window.

Imported by name from the test modules (``from shell_fixtures import ...``) rather than via
conftest so the forms' conftest stays theirs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from study_factory import TODAY, SmallStudy, build_small_study

from msct_crf.storage.store import Store
from ui.common import background, i18n
from ui.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets fresh settings and demo location; no thread outlives it; English."""
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("MSCT_CRF_SETTINGS", str(path))
    monkeypatch.setenv("MSCT_CRF_DEMO_DB", str(tmp_path / "demo.db"))
    assert i18n.set_language(i18n.DEFAULT_LANGUAGE)  # English, with its plural forms
    yield path
    assert background.wait_for_tasks(), "a background task was still running"
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def small_study(store: Store) -> SmallStudy:
    return build_small_study(store)


@pytest.fixture
def window(qtbot: QtBot, store: Store, small_study: SmallStudy) -> Iterator[MainWindow]:
    """The main window on the small study, list loaded, with today pinned to TODAY."""
    shown = MainWindow(Store.open_path(store.path), "nurse", today=lambda: TODAY)
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    yield shown
    background.wait_for_tasks()
    if shown.isVisible():
        shown.workspace.maybe_leave = lambda: True  # type: ignore[method-assign]
        shown.close()
