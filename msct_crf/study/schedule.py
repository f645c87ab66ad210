"""Visit schedule: windows from day 0 and the state of every scheduled visit of a subject.

Day 0 is the start of the first infusion (crf-spec.md "Visit schedule"); every window is
counted in whole calendar days from it, edges inclusive, with no day-zero gap (day 0 is
day 0, the day before is day -1). The windows themselves live in the study dictionary
(`msct_crf.study.dictionary.VISITS`) so that the forms, validation, exports and this module cannot
disagree about them.

Everything here is a pure function over plain data: the caller gathers day 0, the entered
visits and the disposition from the database and passes ``today`` explicitly, so the
schedule can be tested (and recomputed for any date) without a database or a real clock.

The states follow DESIGN.md and the spec:

- a visit that was entered is *done*, or *out of window* if its date falls outside the
  window - out-of-window visits are saved and flagged as deviations, never refused;
- a visit not entered is *upcoming* before its window opens, *due* while it is open and
  *overdue* once it has closed, but only while the subject is still active;
- once follow-up has ended (completed, died, transplanted, lost, withdrew, ...) nothing is
  due or overdue any more: a window that had already closed before the end of follow-up
  was *missed* (the subject was in follow-up for the whole window and no visit was entered),
  and every later window - including one still open on the end date - is *not expected*.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from msct_crf.study.dictionary import VISITS, VisitDef, visit_def

__all__ = [
    "UNSCHEDULED_VISIT",
    "ScheduledVisit",
    "VisitState",
    "WorkItem",
    "classify_visit_date",
    "deviations",
    "next_due",
    "study_day",
    "subject_schedule",
    "todays_work",
    "window_for",
]

#: Visit code of an unscheduled visit: it has no window and is not part of the schedule.
UNSCHEDULED_VISIT = "UNSCHED"


class VisitState(enum.StrEnum):
    """Where one scheduled visit of one subject stands on a given day."""

    #: Entered, dated inside its window.
    DONE = "done"
    #: Entered, dated outside its window: a protocol deviation, saved and flagged, never refused.
    DONE_OUT_OF_WINDOW = "out of window"
    #: Not entered; the window is open today and the subject is active.
    DUE = "due"
    #: Not entered; the window has not opened yet and the subject is active.
    UPCOMING = "upcoming"
    #: Not entered; the window has closed and the subject is still active (DESIGN.md).
    OVERDUE = "overdue"
    #: Not entered; the window closed before follow-up ended, so the subject could have come.
    MISSED = "missed"
    #: Not entered; follow-up ended (death, transplant, completion, loss, withdrawal, ...)
    #: before the window closed, so the visit is no longer expected.
    NOT_EXPECTED = "not expected"
    #: No first infusion yet: without day 0 there is no window to place the visit in.
    NO_DAY0 = "not scheduled"
    #: Alias of NO_DAY0 (same member), for callers that spell it out.
    UNSCHEDULED_NO_DAY0 = "not scheduled"


@dataclass(frozen=True)
class ScheduledVisit:
    """One scheduled visit of one subject, with its window and state.

    ``target``, ``window_start`` and ``window_end`` are None only when the subject has no
    day 0. ``visit_date`` is the date entered, if any. ``days_off`` is how many days the
    entered visit lies outside its window (negative early, positive late, 0 inside) and None
    when no visit was entered or there is no day 0 to measure from.
    """

    visit: VisitDef
    target: date | None
    window_start: date | None
    window_end: date | None
    state: VisitState
    visit_date: date | None
    days_off: int | None

    @property
    def code(self) -> str:
        """The visit code (BASELINE, M1, ...), for callers that only need the key."""
        return self.visit.code


@dataclass(frozen=True)
class WorkItem:
    """A visit that needs someone's attention today: due or overdue for this subject."""

    subject: str
    visit: ScheduledVisit


def _as_date(value: date) -> date:
    """A calendar date; a datetime (an infusion start time, say) is cut to its date.

    Done explicitly because ``datetime`` is a subclass of ``date`` and subtracting the two
    raises, and because the schedule counts whole calendar days, never hours.
    """
    if isinstance(value, datetime):
        return value.date()
    return value


def study_day(day0: date, d: date) -> int:
    """The study day of ``d``: day 0 is the day of the first infusion, the day before is -1.

    There is no day-zero gap (unlike the CDISC convention where day 1 follows day -1), so
    study days subtract directly and match the targets in the dictionary (month 1 = day 30).
    """
    return (_as_date(d) - _as_date(day0)).days


def _window(visit: VisitDef, day0: date) -> tuple[date, date, date]:
    day0 = _as_date(day0)
    first, target, last = _offsets(visit)
    return day0 + first, day0 + target, day0 + last


#: id(visit) -> (the visit, its window's offsets from day 0): the patient list computes the
#: windows of every subject in follow-up (issue 14). The visit is kept with its offsets, so
#: an id reused by another (temporary) VisitDef is never mistaken for it.
_OFFSETS: dict[int, tuple[VisitDef, tuple[timedelta, timedelta, timedelta]]] = {}


def _offsets(visit: VisitDef) -> tuple[timedelta, timedelta, timedelta]:
    known = _OFFSETS.get(id(visit))
    if known is not None and known[0] is visit:
        return known[1]
    offsets = (
        timedelta(days=visit.first_day),
        timedelta(days=visit.target_day),
        timedelta(days=visit.last_day),
    )
    if len(_OFFSETS) < 1024:  # the dictionary's visits; never grows without bound
        _OFFSETS[id(visit)] = (visit, offsets)
    return offsets


def _scheduled_def(visit_code: str) -> VisitDef:
    """The dictionary definition of a scheduled visit; unscheduled and unknown codes raise.

    An unscheduled visit has no window, so asking for one is a programming error, not bad
    user data.
    """
    if visit_code == UNSCHEDULED_VISIT:
        raise KeyError("an unscheduled visit has no window")
    return visit_def(visit_code)


def window_for(visit_code: str, day0: date) -> tuple[date, date, date]:
    """The (start, target, end) dates of a visit's window; both ends are inclusive.

    Raises KeyError for UNSCHED or an unknown code.
    """
    return _window(_scheduled_def(visit_code), day0)


def _days_off(visit: VisitDef, day0: date, visit_date: date) -> int:
    start, _, end = _window(visit, day0)
    d = _as_date(visit_date)
    if d < start:
        return (d - start).days
    if d > end:
        return (d - end).days
    return 0


def classify_visit_date(visit_code: str, day0: date, visit_date: date) -> int:
    """How far a visit date lies outside its window: 0 inside, negative early, positive late.

    Validation uses this to *warn* about an out-of-window visit: such a visit is a deviation
    that is saved and flagged, never refused. The count is to the nearest window edge, so a
    visit one day after the window closes is +1 and one day before it opens is -1.
    """
    return _days_off(_scheduled_def(visit_code), day0, visit_date)


def _entered_dates(visits: Iterable[tuple[str, date]]) -> dict[str, date]:
    """The date entered for each scheduled visit code.

    Unscheduled visits are not part of the schedule and are skipped. Should the same code be
    entered twice, the earliest date counts: the schedule shows that the visit happened and
    validation is the place to flag the duplicate.
    """
    known = {v.code for v in VISITS}
    entered: dict[str, date] = {}
    for code, when in visits:
        if code == UNSCHEDULED_VISIT:
            continue
        if code not in known:
            raise KeyError(f"unknown visit {code!r}")
        d = _as_date(when)
        if code not in entered or d < entered[code]:
            entered[code] = d
    return entered


def subject_schedule(
    *,
    day0: date | None,
    visits: Iterable[tuple[str, date]],
    end_status: str | None,
    end_date: date | None,
    today: date,
) -> list[ScheduledVisit]:
    """Every scheduled visit of one subject, in schedule order, with its state on ``today``.

    ``visits`` holds the (visit code, visit date) pairs entered for the subject; UNSCHED
    visits are ignored. ``end_status`` is the disposition code (COMPLETED, DIED, LTX, LOST,
    WITHDREW, INVESTIGATOR, OTHER) or None while the subject is active, and ``end_date`` the
    date follow-up ended.

    Follow-up counts as ended when either a disposition status or an end date is given, so
    a half-entered disposition never leaves visits shown as overdue. An end without a date,
    or a date after ``today``, is taken as ending on ``today``: only windows that closed
    before it can be missed. The end status itself does not change the rules: after death,
    transplantation or any other end, nothing is due or overdue; windows that closed before
    the end were missed; later windows (including one open on the end date, since the
    subject was not in follow-up for all of it) are not expected.

    A visit that was entered keeps its state (done / out of window) whatever the
    disposition: what was recorded is shown, and a visit dated after the end of follow-up
    is for validation to question, not for the schedule to hide.
    """
    entered = _entered_dates(visits)
    today = _as_date(today)
    ended = end_status is not None or end_date is not None
    cutoff = today if end_date is None else min(_as_date(end_date), today)
    if day0 is not None:
        day0 = _as_date(day0)

    schedule: list[ScheduledVisit] = []
    for visit in VISITS:
        visit_date = entered.get(visit.code)
        if day0 is None:
            schedule.append(
                ScheduledVisit(
                    visit=visit,
                    target=None,
                    window_start=None,
                    window_end=None,
                    state=VisitState.NO_DAY0,
                    visit_date=visit_date,
                    days_off=None,
                )
            )
            continue
        start, target, end = _window(visit, day0)
        days_off: int | None = None
        if visit_date is not None:
            # as _days_off, on the window just computed (the patient list runs this for
            # every subject in follow-up: issue 14)
            days_off = (
                (visit_date - start).days
                if visit_date < start
                else (visit_date - end).days
                if visit_date > end
                else 0
            )
            state = VisitState.DONE if days_off == 0 else VisitState.DONE_OUT_OF_WINDOW
        elif ended:
            state = VisitState.MISSED if end < cutoff else VisitState.NOT_EXPECTED
        elif today < start:
            state = VisitState.UPCOMING
        elif today <= end:
            state = VisitState.DUE
        else:
            state = VisitState.OVERDUE
        schedule.append(
            ScheduledVisit(
                visit=visit,
                target=target,
                window_start=start,
                window_end=end,
                state=state,
                visit_date=visit_date,
                days_off=days_off,
            )
        )
    return schedule


def next_due(schedule: Sequence[ScheduledVisit]) -> ScheduledVisit | None:
    """The visit to arrange next: the first due or overdue one, else the first upcoming one.

    None when nothing is left to do (all done, or follow-up ended, or no day 0 yet).
    """
    for sv in schedule:
        if sv.state in (VisitState.DUE, VisitState.OVERDUE):
            return sv
    for sv in schedule:
        if sv.state is VisitState.UPCOMING:
            return sv
    return None


def deviations(schedule: Iterable[ScheduledVisit]) -> list[ScheduledVisit]:
    """The protocol deviations of a schedule: visits out of window and visits missed.

    Overdue visits are not listed: while the subject is active they may still be entered
    (late, and then they show up here as out of window).
    """
    return [sv for sv in schedule if sv.state in (VisitState.DONE_OUT_OF_WINDOW, VisitState.MISSED)]


def todays_work(subjects: Iterable[tuple[str, Sequence[ScheduledVisit]]]) -> list[WorkItem]:
    """The due and overdue visits of all subjects, for the coordinator's work list.

    Overdue visits come first (they are already late), then due ones; within each group the
    window that closes soonest comes first. Ties keep the order the subjects were given in.
    """
    items = [
        WorkItem(subject, sv)
        for subject, schedule in subjects
        for sv in schedule
        if sv.state in (VisitState.DUE, VisitState.OVERDUE)
    ]

    def key(item: WorkItem) -> tuple[int, date]:
        end = item.visit.window_end
        # DUE and OVERDUE visits always have a window; date.max only satisfies the type.
        return (0 if item.visit.state is VisitState.OVERDUE else 1, end or date.max)

    return sorted(items, key=key)
