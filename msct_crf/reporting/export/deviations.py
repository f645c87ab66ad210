"""The Deviations sheet: out-of-window, missed and overdue visits of every kept subject.

The schedule rules are msct_crf.study.schedule's; this only feeds them each subject's day 0,
visits and disposition and lists what they flag. Besides the schedule's deviations (a visit
out of window; a window that closed before follow-up ended, missed) the sheet lists the
visits overdue on the export day: a subject still in follow-up whose window closed without
a visit. The schedule leaves those out of its deviations because they may still be entered
late, but a PI reading the export needs every visit that is not where the protocol wants
it, also of subjects without a disposition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from msct_crf.study import schedule as sched

from .data import StudyData
from .variables import SCHEDULED_VISITS

__all__ = ["LISTED_STATES", "Deviation", "deviations"]

#: The visit states the sheet lists.
LISTED_STATES = frozenset(
    {sched.VisitState.DONE_OUT_OF_WINDOW, sched.VisitState.MISSED, sched.VisitState.OVERDUE}
)


@dataclass(frozen=True)
class Deviation:
    subjid: str
    site: str
    visit: str
    kind: sched.VisitState
    window_start: dt.date | None
    target: dt.date | None
    window_end: dt.date | None
    visit_date: dt.date | None
    days_off: int | None


def _dates(series: pd.Series) -> list[dt.date | None]:
    """datetime64 values as datetime.date (None where missing), converted in numpy."""
    days = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
    return days.astype(object).tolist()


def _scheduled_visits(visits: pd.DataFrame) -> dict[str, list[tuple[str, dt.date]]]:
    """Each subject's dated scheduled visits as (visit code, date)."""
    by_subject: dict[str, list[tuple[str, dt.date]]] = {}
    scheduled = set(SCHEDULED_VISITS)
    for subjid, code, when in zip(
        visits["SUBJID"].tolist(),
        visits["VISIT"].tolist(),
        _dates(visits["VISDTC"]),
        strict=True,
    ):
        if code in scheduled and when is not None:
            by_subject.setdefault(subjid, []).append((code, when))
    return by_subject


def deviations(data: StudyData) -> list[Deviation]:
    """Out-of-window, missed and overdue visits of every kept subject, in schedule order."""
    by_subject = _scheduled_visits(data.visits_si)
    out: list[Deviation] = []
    s = data.subjects
    for subjid, site, day0, status, end in zip(
        s["SUBJID"].tolist(),
        s["SITEID"].tolist(),
        _dates(s["DAY0"]),
        s["DSDECOD"].tolist(),
        _dates(s["DSSTDTC"]),
        strict=True,
    ):
        if day0 is None:
            continue
        plan = sched.subject_schedule(
            day0=day0,
            visits=by_subject.get(subjid, ()),
            end_status=status,
            end_date=end,
            today=data.today,
        )
        for sv in (sv for sv in plan if sv.state in LISTED_STATES):
            out.append(
                Deviation(
                    subjid,
                    site,
                    sv.code,
                    sv.state,
                    sv.window_start,
                    sv.target,
                    sv.window_end,
                    sv.visit_date,
                    sv.days_off,
                )
            )
    return out
