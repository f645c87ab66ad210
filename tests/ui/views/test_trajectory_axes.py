"""The trajectory chart reads well: dates as YYYY-MM, no two ticks alike on either axis,
and a single value in a sensible range."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCharts import QDateTimeAxis, QValueAxis
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from msct_crf.reporting.overview import Trajectory, TrajectoryPoint
from ui.views.trajectory_chart import TrajectoryChart


def _ticks(chart: TrajectoryChart, code: str) -> tuple[list[str], list[str], QValueAxis]:
    (x_axis,) = [a for a in chart.chart(code).axes() if isinstance(a, QDateTimeAxis)]
    (y_axis,) = [a for a in chart.chart(code).axes() if isinstance(a, QValueAxis)]
    low, high = x_axis.min().toMSecsSinceEpoch(), x_axis.max().toMSecsSinceEpoch()
    n = x_axis.tickCount()
    xs = [
        QDateTime.fromMSecsSinceEpoch(int(low + i * (high - low) / (n - 1))).toString(
            x_axis.format()
        )
        for i in range(n)
    ]
    m = y_axis.tickCount()
    step = (y_axis.max() - y_axis.min()) / (m - 1)
    ys = [y_axis.labelFormat() % (y_axis.min() + i * step) for i in range(m)]
    return xs, ys, y_axis


def point(day: dt.date, meld: float) -> TrajectoryPoint:
    values: dict[str, float | None] = dict.fromkeys(("MELD", "TBIL", "ALB", "ALT", "PT"))
    values["MELD"] = meld
    return TrajectoryPoint(date=day, visit="M1", values=values)


@pytest.mark.parametrize(
    "points",
    [
        [point(dt.date(2025, 2, 5), 11.0)],  # one visit
        [point(dt.date(2025, 1, 2), 11.0), point(dt.date(2025, 2, 5), 12.0)],  # five weeks
        [point(dt.date(2024, 1, 8), 9.0), point(dt.date(2026, 1, 9), 14.0)],  # two years
    ],
)
def test_axes_have_distinct_ticks(qtbot: QtBot, points: list[TrajectoryPoint]) -> None:
    chart = TrajectoryChart()
    qtbot.addWidget(chart)
    chart.set_trajectory(
        Trajectory(subjid="GZH-001", points=points, infusions=[dt.datetime(2025, 1, 6, 9)])
    )
    xs, ys, y_axis = _ticks(chart, "MELD")
    assert all(len(x) == 7 and x[4] == "-" for x in xs)  # YYYY-MM
    assert len(set(xs)) == len(xs), xs
    assert len(set(ys)) == len(ys), ys
    values = [p.values["MELD"] for p in points]
    assert y_axis.min() <= min(values) and max(values) <= y_axis.max()  # type: ignore[type-var]
    assert y_axis.max() - y_axis.min() >= 2  # one MELD of 11 is not drawn on 10.8-11.2
