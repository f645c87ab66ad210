"""The main window paints a large study's first screen of subjects before the rest is
read (issue 14), then fills the list and today's work as before."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study)
from study_factory import TODAY, SmallStudy

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from ui.common import background
from ui.shell import main_window
from ui.shell.main_window import MainWindow


def test_first_screen_then_the_whole_list(
    qtbot: QtBot, store: Store, small_study: SmallStudy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window, "FIRST_SCREEN_ROWS", 2)
    seen: list[list[str]] = []
    original = overview.load_first_screen

    def first_screen(*args: object) -> tuple[overview.Overview, bool]:
        loaded = original(*args)  # type: ignore[arg-type]
        seen.append([r.subjid for r in loaded[0].rows])
        return loaded

    monkeypatch.setattr(overview, "load_first_screen", first_screen)
    shown = MainWindow(Store.open_path(store.path), "nurse", today=lambda: TODAY)
    qtbot.addWidget(shown)
    painted: list[int] = []
    shown.patients.model.modelReset.connect(lambda: painted.append(shown.patients.model.rowCount()))
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    background.wait_for_tasks()
    assert seen == [sorted(small_study.all)[:2]]
    assert painted == [2, len(small_study.all)]  # the first screen, then everything
    work = overview.load_overview(store, TODAY).work
    assert work and shown.todays_work.model.rowCount() == len(work)  # from the whole load
    assert not shown.is_loading()
    shown.close()
