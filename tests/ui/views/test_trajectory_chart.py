"""The trajectory chart: one small chart per series, points per visit, infusion lines."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study, window)
from study_factory import SmallStudy

from msct_crf.reporting import overview
from msct_crf.reporting.overview import TRAJECTORY_SERIES
from msct_crf.storage.store import Store
from ui.common import settings as opts
from ui.shell.main_window import MainWindow
from ui.views.trajectory_chart import TrajectoryChart


def _chart(qtbot: QtBot, store: Store, subjid: str) -> TrajectoryChart:
    chart = TrajectoryChart()
    qtbot.addWidget(chart)
    chart.set_trajectory(overview.trajectory(store, subjid))
    return chart


def test_each_series_has_a_point_per_visit(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    chart = _chart(qtbot, store, small_study.died)
    for code in TRAJECTORY_SERIES:
        series = chart.value_series(code)
        assert series is not None and series.count() == 4, code
    tbil = chart.value_series("TBIL")
    assert [tbil.at(i).y() for i in range(4)] == [60.0, 55.0, 50.0, 45.0]
    first = dt.datetime.fromtimestamp(tbil.at(0).x() / 1000).date()
    assert first == dt.date(2025, 1, 2)
    assert "µmol/L" in chart.chart("TBIL").title()


def test_infusions_are_marked(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    chart = _chart(qtbot, store, small_study.died)
    assert all(chart.infusion_markers(code) == 2 for code in TRAJECTORY_SERIES)


def test_no_visits_yet(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    chart = _chart(qtbot, store, small_study.not_infused)
    assert chart.value_series("MELD").count() == 0
    assert "no values yet" in chart.chart("MELD").title()


def test_series_toggles_are_remembered(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    chart = _chart(qtbot, store, small_study.died)
    chart.show()
    toggle = chart.findChild(object, "chartToggle_ALT")
    toggle.setChecked(False)
    assert not chart.findChild(object, "chart_ALT").isVisible()
    assert "ALT" not in opts.Settings().get(opts.CHART_SERIES)
    again = TrajectoryChart()
    qtbot.addWidget(again)
    assert not again.findChild(object, "chartToggle_ALT").isChecked()


def test_trajectory_tab_in_workspace(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    window.open_subject(small_study.completed, "trajectory")
    page = window.workspace.page("trajectory")
    assert isinstance(page, TrajectoryChart)
    assert page.value_series("ALB").count() == 7
    assert page.infusion_markers("MELD") == 1
