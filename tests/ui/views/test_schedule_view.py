"""The visit schedule of a subject and today's work across subjects."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study, window)
from study_factory import TODAY, SmallStudy

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from msct_crf.study.schedule import VisitState
from ui.common import labels
from ui.models.schedule import STATE_ROLE, ScheduleColumn
from ui.shell.main_window import MainWindow
from ui.views.schedule_view import ScheduleView
from ui.views.todays_work import TodaysWorkView


def _schedule(qtbot: QtBot, store: Store, subjid: str) -> ScheduleView:
    view = ScheduleView()
    qtbot.addWidget(view)
    row = overview.subject_row(store, subjid, TODAY)
    assert row is not None
    view.set_schedule(overview.subject_schedule(store, subjid, TODAY), row.day0, TODAY)
    return view


def test_schedule_shows_windows_dates_and_states(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _schedule(qtbot, store, small_study.overdue)
    model = view.model
    assert model.rowCount() == 7
    assert model.index(3, ScheduleColumn.VISIT).data() == "Month 6"
    m1 = [model.index(1, c).data() for c in range(model.columnCount())]
    assert m1 == ["Month 1", "2026-09-24", "2026-10-01", "2026-10-08", "", "overdue"]
    assert model.index(0, ScheduleColumn.VISIT_DATE).data() == "2026-08-30"
    assert model.index(0, ScheduleColumn.STATE).data() == "done"
    assert view.states()["M3"] is VisitState.DUE
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) == labels.OVERDUE_ROW
    assert model.index(2, 0).data(STATE_ROLE) == VisitState.DUE
    assert "study day 85" in view.findChild(object, "scheduleCaption").text()


def test_schedule_after_death(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    states = _schedule(qtbot, store, small_study.died).states()
    assert states["M6"] is VisitState.DONE
    assert states["M12"] is VisitState.NOT_EXPECTED


def test_schedule_without_infusion(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    view = _schedule(qtbot, store, small_study.not_infused)
    assert set(view.states().values()) == {VisitState.NO_DAY0}
    assert "No infusion yet" in view.findChild(object, "scheduleCaption").text()


def test_todays_work_lists_overdue_first(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    loaded = overview.load_overview(store, TODAY)
    view = TodaysWorkView()
    qtbot.addWidget(view)
    view.set_work(loaded.work, {r.subjid: r for r in loaded.rows}, TODAY)
    model = view.model
    assert model.rowCount() == 3
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first == ["GZH-001 OD", "Month 1", "2026-09-24 – 10-08", "48 days late"]
    assert "2026-09-24 to 2026-10-08 (overdue)" in model.index(0, 1).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == labels.OVERDUE_ROW
    due = [model.index(r, 0).data().split()[0] for r in range(1, 3)]
    assert small_study.due in due
    assert view.findChild(object, "todaysWorkSummary").text() == "1 overdue · 2 due"


def test_todays_work_empty(qtbot: QtBot) -> None:
    view = TodaysWorkView()
    qtbot.addWidget(view)
    assert view.findChild(object, "todaysWorkSummary").text() == "Nothing due today."


def test_todays_work_opens_the_subject(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    table = window.todays_work.table
    assert table.model().rowCount() == 3
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(window.showing_workspace)
    assert window.workspace.current_subject() == small_study.overdue


def test_schedule_tab_in_workspace(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    window.open_subject(small_study.due, "schedule")
    page = window.workspace.page("schedule")
    assert isinstance(page, ScheduleView)
    assert page.states()["M1"] is VisitState.DUE
    assert page.states()["BASELINE"] is VisitState.DONE
