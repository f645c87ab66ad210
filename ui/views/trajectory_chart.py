"""A subject's trajectory: MELD, TBIL, ALB, ALT and PT over time as small multiples.

One small QtCharts chart per series (they have different units, so one shared y axis would
flatten them), all on the same date range so they line up, each with the infusion dates
drawn as dashed vertical lines. Check boxes choose which series are shown (remembered in
the settings). The data come from `msct_crf.reporting.overview.trajectory`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QEvent, QMargins, Qt, QTime
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from msct_crf.reporting.overview import TRAJECTORY_SERIES, Trajectory
from msct_crf.study.dictionary import VISIT_FORM
from ui.common import settings as opts
from ui.common.i18n import dictionary_language

_COLOURS = {
    "MELD": QColor("#1f5fa8"),
    "TBIL": QColor("#b8641a"),
    "ALB": QColor("#2d8a4a"),
    "ALT": QColor("#8a2d7a"),
    "PT": QColor("#a02b2b"),
}
_INFUSION_PEN = QPen(QColor("#607080"), 1.2, Qt.PenStyle.DashLine)
_MS_PER_DAY = 86_400_000


def _msecs(day: dt.date | dt.datetime) -> float:
    if isinstance(day, dt.datetime):
        day = day.date()
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0)).toMSecsSinceEpoch())


def series_title(code: str) -> str:
    """The series' dictionary label with its SI unit (e.g. Total bilirubin, µmol/L)."""
    field = VISIT_FORM.field(code)
    label = field.label.get(dictionary_language())
    return f"{label} ({field.unit})" if field.unit else label


def _value_range(values: list[float]) -> tuple[float, float]:
    """A y range around the values: a margin of 15 % of their spread; one value (or equal
    ones) gets ±20 % of itself, at least ±1, so a single MELD of 11 reads 9-13, not
    10.8-11.2; never below 0 for values that cannot be negative."""
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    margin = (high - low) * 0.15 if high > low else max(abs(high) * 0.2, 1.0)
    y_low, y_high = low - margin, high + margin
    if low >= 0:
        y_low = max(0.0, y_low)
    return y_low, y_high


def _label_format(low: float, high: float, ticks: int) -> str:
    """The fewest decimals that give every tick a different label (no "11 11 11")."""
    step = (high - low) / max(ticks - 1, 1)
    for decimals in range(4):
        labels = {f"{low + i * step:.{decimals}f}" for i in range(ticks)}
        if len(labels) == ticks:
            return f"%.{decimals}f"
    return "%.3f"


class TrajectoryChart(QWidget):
    """Small multiples of a subject's followed labs and scores (objectName per chart:
    ``chart_<CODE>``; value series ``series_<CODE>``; infusion lines ``infusion_<n>``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = opts.Settings()
        chosen: list[str] = self._settings.get(opts.CHART_SERIES)
        shown = set(chosen) or set(TRAJECTORY_SERIES)
        self._trajectory: Trajectory | None = None
        self._views: dict[str, QChartView] = {}
        self._toggles: dict[str, QCheckBox] = {}

        self._caption = QLabel()
        self._caption.setObjectName("chartCaption")
        toggles = QHBoxLayout()
        toggles.addWidget(self._caption, 1)
        for code in TRAJECTORY_SERIES:
            box = QCheckBox()
            box.setObjectName(f"chartToggle_{code}")
            box.setChecked(code in shown)
            box.toggled.connect(self._on_toggled)
            toggles.addWidget(box)
            self._toggles[code] = box
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        for code in TRAJECTORY_SERIES:
            view = QChartView(self)
            view.hide()
            view.setObjectName(f"chart_{code}")
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(260, 200)
            self._views[code] = view
        layout = QVBoxLayout(self)
        layout.addLayout(toggles)
        layout.addLayout(self._grid, 1)
        self._place()
        self._retranslate()

    # ------------------------------------------------------------------ public

    def set_trajectory(self, trajectory: Trajectory) -> None:
        self._trajectory = trajectory
        self._rebuild()

    def chart(self, code: str) -> QChart:
        return self._views[code].chart()

    def value_series(self, code: str) -> QLineSeries | None:
        for series in self.chart(code).series():
            if series.objectName() == f"series_{code}" and isinstance(series, QLineSeries):
                return series
        return None

    def infusion_markers(self, code: str) -> int:
        return sum(1 for s in self.chart(code).series() if s.objectName().startswith("infusion_"))

    # ------------------------------------------------------------------ events

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._rebuild()
        super().changeEvent(event)

    # ------------------------------------------------------------------ private

    def _retranslate(self) -> None:
        self._caption.setText(self.tr("Dashed lines mark infusions. Show:"))
        for code, box in self._toggles.items():
            box.setText(VISIT_FORM.field(code).code if code != "MELD" else "MELD")
            box.setToolTip(series_title(code))

    def _on_toggled(self) -> None:
        chosen = [c for c, box in self._toggles.items() if box.isChecked()]
        self._settings.set(opts.CHART_SERIES, chosen)
        self._place()

    def _place(self) -> None:
        for view in self._views.values():
            self._grid.removeWidget(view)
            view.hide()
        chosen = [c for c in TRAJECTORY_SERIES if self._toggles[c].isChecked()]
        columns = 1 if len(chosen) <= 1 else 2 if len(chosen) <= 4 else 3
        for i, code in enumerate(chosen):
            self._grid.addWidget(self._views[code], i // columns, i % columns)
            self._views[code].show()

    def _date_range(self) -> tuple[float, float, int]:
        """The x range and its tick count: from the 15th of the month before the first date
        to the 15th of a month after the last, a whole number of steps of whole months,
        so each tick falls mid-month and no two read the same YYYY-MM."""
        assert self._trajectory is not None
        days = [p.date for p in self._trajectory.points]
        days += [d.date() for d in self._trajectory.infusions]
        if not days:
            today = dt.date.today()
            days = [today - dt.timedelta(days=30), today]
        first, last = min(days), max(days)
        start = first.year * 12 + first.month - 2  # months since year 0, the month before
        months = last.year * 12 + last.month - start  # to the month after the last date
        step = max(1, -(-months // 4))  # at most four steps of whole months
        steps = -(-months // step)

        def mid_month(index: int) -> dt.date:
            return dt.date(index // 12, index % 12 + 1, 15)

        return _msecs(mid_month(start)), _msecs(mid_month(start + step * steps)), steps + 1

    def _rebuild(self) -> None:
        if self._trajectory is None:
            return
        x_low, x_high, ticks = self._date_range()
        for code in TRAJECTORY_SERIES:
            self._views[code].setChart(self._make_chart(code, x_low, x_high, ticks))

    def _make_chart(self, code: str, x_low: float, x_high: float, ticks: int = 5) -> QChart:
        assert self._trajectory is not None
        chart = QChart()
        chart.setTitle(series_title(code))
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        points = self._trajectory.series(code)

        line = QLineSeries()
        line.setObjectName(f"series_{code}")
        line.setName(series_title(code))
        line.setPen(QPen(_COLOURS[code], 2))
        dots = QScatterSeries()
        dots.setObjectName(f"points_{code}")
        dots.setMarkerSize(7)
        dots.setColor(_COLOURS[code])
        dots.setBorderColor(_COLOURS[code])
        for day, value in points:
            line.append(_msecs(day), value)
            dots.append(_msecs(day), value)

        values = [v for _d, v in points]
        y_low, y_high = _value_range(values)

        x_axis = QDateTimeAxis()
        x_axis.setFormat("yyyy-MM")
        x_axis.setTickCount(ticks)
        x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(x_low)), QDateTime.fromMSecsSinceEpoch(int(x_high))
        )
        y_axis = QValueAxis()
        y_axis.setRange(y_low, y_high)
        y_axis.setTickCount(5)
        y_axis.applyNiceNumbers()  # round tick values (MELD 10, 12, 14 rather than 9.6, 10.5)
        y_low, y_high = y_axis.min(), y_axis.max()
        y_axis.setLabelFormat(_label_format(y_low, y_high, y_axis.tickCount()))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        for n, start in enumerate(self._trajectory.infusions, 1):
            marker = QLineSeries()
            marker.setObjectName(f"infusion_{n}")
            marker.setName(self.tr("Infusion {n}").format(n=n))
            marker.setPen(_INFUSION_PEN)
            marker.append(_msecs(start), y_low)
            marker.append(_msecs(start), y_high)
            chart.addSeries(marker)
            marker.attachAxis(x_axis)
            marker.attachAxis(y_axis)
        for series in (line, dots):
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        if not values:
            chart.setTitle(series_title(code) + " — " + self.tr("no values yet"))
        return chart
