"""Tests of msct_crf.study.schedule: windows from day 0 and the state of every scheduled visit.

Every test passes a fixed ``today``; the schedule never reads the real clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msct_crf.study.dictionary import VISITS, visit_def
from msct_crf.study.schedule import (
    ScheduledVisit,
    VisitState,
    WorkItem,
    classify_visit_date,
    deviations,
    next_due,
    study_day,
    subject_schedule,
    todays_work,
    window_for,
)

DAY0 = date(2024, 1, 1)
CODES = [v.code for v in VISITS]
END_STATUSES = ["COMPLETED", "DIED", "LTX", "LOST", "WITHDREW", "INVESTIGATOR", "OTHER"]


def day(n: int) -> date:
    """The date of study day n for DAY0."""
    return DAY0 + timedelta(days=n)


def schedule(
    *,
    visits: list[tuple[str, date]] | None = None,
    today: date,
    day0: date | None = DAY0,
    end_status: str | None = None,
    end_date: date | None = None,
) -> dict[str, ScheduledVisit]:
    result = subject_schedule(
        day0=day0, visits=visits or [], end_status=end_status, end_date=end_date, today=today
    )
    assert [sv.code for sv in result] == CODES
    return {sv.code: sv for sv in result}


def states(s: dict[str, ScheduledVisit]) -> dict[str, VisitState]:
    return {code: sv.state for code, sv in s.items()}


# --- windows -------------------------------------------------------------------------------


def test_spec_windows() -> None:
    """crf-spec.md: baseline -28..0, M1 30±7, M3 91±14, M6 182±14, M12/M18/M24 ±30."""
    expected = {
        "BASELINE": (-28, 0, 0),
        "M1": (23, 30, 37),
        "M3": (77, 91, 105),
        "M6": (168, 182, 196),
        "M12": (335, 365, 395),
        "M18": (517, 547, 577),
        "M24": (700, 730, 760),
    }
    for code, (first, target, last) in expected.items():
        assert window_for(code, DAY0) == (day(first), day(target), day(last))


def test_windows_do_not_overlap_and_are_in_order() -> None:
    ends = [window_for(c, DAY0) for c in CODES]
    for (_, _, end), (start, _, _) in zip(ends, ends[1:], strict=False):
        assert end < start


def test_study_day_has_no_day_zero_gap() -> None:
    assert study_day(DAY0, DAY0) == 0
    assert study_day(DAY0, day(-1)) == -1
    assert study_day(DAY0, day(1)) == 1
    assert study_day(DAY0, date(2024, 12, 31)) == 365  # leap year: whole calendar days


def test_datetime_day0_counts_calendar_days() -> None:
    """An infusion start time late in the evening is still day 0 for that whole date."""
    start = datetime(2024, 1, 1, 23, 30)
    assert study_day(start, date(2024, 1, 2)) == 1
    assert window_for("M1", start) == window_for("M1", DAY0)


def test_classify_visit_date() -> None:
    assert classify_visit_date("M1", DAY0, day(30)) == 0
    assert classify_visit_date("M1", DAY0, day(23)) == 0
    assert classify_visit_date("M1", DAY0, day(37)) == 0
    assert classify_visit_date("M1", DAY0, day(22)) == -1
    assert classify_visit_date("M1", DAY0, day(40)) == 3
    assert classify_visit_date("BASELINE", DAY0, day(-28)) == 0
    assert classify_visit_date("BASELINE", DAY0, day(-29)) == -1
    assert classify_visit_date("BASELINE", DAY0, day(1)) == 1


def test_unscheduled_and_unknown_codes_have_no_window() -> None:
    with pytest.raises(KeyError):
        window_for("UNSCHED", DAY0)
    with pytest.raises(KeyError):
        classify_visit_date("M2", DAY0, DAY0)


# --- states of an active subject -----------------------------------------------------------


def test_active_subject_on_day_30() -> None:
    s = schedule(visits=[("BASELINE", day(-3))], today=day(30))
    assert states(s) == {
        "BASELINE": VisitState.DONE,
        "M1": VisitState.DUE,
        "M3": VisitState.UPCOMING,
        "M6": VisitState.UPCOMING,
        "M12": VisitState.UPCOMING,
        "M18": VisitState.UPCOMING,
        "M24": VisitState.UPCOMING,
    }
    assert s["BASELINE"].days_off == 0
    assert s["BASELINE"].visit_date == day(-3)
    assert s["M1"].days_off is None
    assert s["M1"].visit_date is None
    assert (s["M1"].window_start, s["M1"].target, s["M1"].window_end) == (day(23), day(30), day(37))


def test_overdue_when_window_closed_and_subject_active() -> None:
    s = schedule(visits=[("BASELINE", day(0))], today=day(38))
    assert s["M1"].state is VisitState.OVERDUE
    assert s["M3"].state is VisitState.UPCOMING


def test_missing_baseline_is_overdue_after_day_0() -> None:
    assert schedule(today=day(0))["BASELINE"].state is VisitState.DUE
    assert schedule(today=day(1))["BASELINE"].state is VisitState.OVERDUE


def test_window_edges_are_inclusive_for_due() -> None:
    assert schedule(today=day(22))["M1"].state is VisitState.UPCOMING
    assert schedule(today=day(23))["M1"].state is VisitState.DUE
    assert schedule(today=day(37))["M1"].state is VisitState.DUE
    assert schedule(today=day(38))["M1"].state is VisitState.OVERDUE


def test_window_edges_are_inclusive_for_done() -> None:
    for n in (23, 37):
        sv = schedule(visits=[("M1", day(n))], today=day(100))["M1"]
        assert (sv.state, sv.days_off) == (VisitState.DONE, 0)
    early = schedule(visits=[("M1", day(22))], today=day(100))["M1"]
    late = schedule(visits=[("M1", day(38))], today=day(100))["M1"]
    assert (early.state, early.days_off) == (VisitState.DONE_OUT_OF_WINDOW, -1)
    assert (late.state, late.days_off) == (VisitState.DONE_OUT_OF_WINDOW, 1)


def test_out_of_window_visit_is_kept_and_is_a_deviation() -> None:
    s = schedule(visits=[("BASELINE", day(-40)), ("M1", day(45))], today=day(60))
    assert s["BASELINE"].state is VisitState.DONE_OUT_OF_WINDOW
    assert s["BASELINE"].days_off == -12
    assert s["M1"].state is VisitState.DONE_OUT_OF_WINDOW
    assert s["M1"].days_off == 8
    assert s["M1"].visit_date == day(45)
    assert [sv.code for sv in deviations(list(s.values()))] == ["BASELINE", "M1"]


def test_visit_entered_before_its_window_opens_is_done_early() -> None:
    """A visit dated today but before its window is still recorded: out of window, early."""
    sv = schedule(visits=[("M3", day(60))], today=day(60))["M3"]
    assert (sv.state, sv.days_off) == (VisitState.DONE_OUT_OF_WINDOW, -17)


def test_unscheduled_visits_are_ignored() -> None:
    s = schedule(visits=[("UNSCHED", day(30)), ("BASELINE", day(0))], today=day(30))
    assert s["M1"].state is VisitState.DUE


def test_duplicate_visit_keeps_earliest_date() -> None:
    s = schedule(visits=[("M1", day(45)), ("M1", day(30))], today=day(60))
    assert (s["M1"].state, s["M1"].visit_date) == (VisitState.DONE, day(30))


def test_unknown_visit_code_is_a_bug() -> None:
    with pytest.raises(KeyError):
        schedule(visits=[("M2", day(60))], today=day(60))


# --- no day 0 ------------------------------------------------------------------------------


def test_no_day0_nothing_is_scheduled() -> None:
    s = schedule(day0=None, visits=[("BASELINE", date(2024, 1, 1))], today=date(2025, 1, 1))
    assert set(states(s).values()) == {VisitState.NO_DAY0}
    assert VisitState.NO_DAY0 is VisitState.UNSCHEDULED_NO_DAY0
    for sv in s.values():
        assert sv.target is sv.window_start is sv.window_end is sv.days_off is None
    assert s["BASELINE"].visit_date == date(2024, 1, 1)
    assert next_due(list(s.values())) is None
    assert deviations(list(s.values())) == []


# --- follow-up ended -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["DIED", "LTX"])
def test_died_or_transplanted(status: str) -> None:
    """Died on day 100: M1 was missed, M3 (open until day 105) and later are not expected."""
    s = schedule(
        visits=[("BASELINE", day(-1))], end_status=status, end_date=day(100), today=day(400)
    )
    assert states(s) == {
        "BASELINE": VisitState.DONE,
        "M1": VisitState.MISSED,
        "M3": VisitState.NOT_EXPECTED,
        "M6": VisitState.NOT_EXPECTED,
        "M12": VisitState.NOT_EXPECTED,
        "M18": VisitState.NOT_EXPECTED,
        "M24": VisitState.NOT_EXPECTED,
    }
    assert [sv.code for sv in deviations(list(s.values()))] == ["M1"]
    assert next_due(list(s.values())) is None


def test_end_on_last_day_of_window_is_not_expected_day_after_is_missed() -> None:
    """The subject must have been in follow-up for the whole window for it to be missed."""
    on_last = schedule(end_status="DIED", end_date=day(37), today=day(50))
    after = schedule(end_status="DIED", end_date=day(38), today=day(50))
    assert on_last["M1"].state is VisitState.NOT_EXPECTED
    assert after["M1"].state is VisitState.MISSED


def test_death_before_day0_window_is_not_missed() -> None:
    s = schedule(end_status="DIED", end_date=day(0), today=day(10))
    assert set(states(s).values()) == {VisitState.NOT_EXPECTED}


@pytest.mark.parametrize("status", ["LOST", "WITHDREW", "INVESTIGATOR", "OTHER", "COMPLETED"])
def test_other_end_statuses_are_never_overdue(status: str) -> None:
    s = schedule(
        visits=[("BASELINE", day(0)), ("M1", day(30))],
        end_status=status,
        end_date=day(200),
        today=day(800),
    )
    assert states(s) == {
        "BASELINE": VisitState.DONE,
        "M1": VisitState.DONE,
        "M3": VisitState.MISSED,
        "M6": VisitState.MISSED,
        "M12": VisitState.NOT_EXPECTED,
        "M18": VisitState.NOT_EXPECTED,
        "M24": VisitState.NOT_EXPECTED,
    }


def test_completed_subject_has_nothing_left() -> None:
    visits = [(v.code, day(v.target_day)) for v in VISITS]
    s = schedule(visits=visits, end_status="COMPLETED", end_date=day(730), today=day(900))
    assert set(states(s).values()) == {VisitState.DONE}
    assert deviations(list(s.values())) == []
    assert next_due(list(s.values())) is None


def test_visit_entered_after_death_is_still_shown() -> None:
    s = schedule(visits=[("M1", day(30))], end_status="DIED", end_date=day(20), today=day(40))
    assert s["M1"].state is VisitState.DONE


def test_end_without_date_is_taken_as_today() -> None:
    s = schedule(end_status="LOST", end_date=None, today=day(100))
    assert s["M1"].state is VisitState.MISSED  # closed on day 37
    assert s["M3"].state is VisitState.NOT_EXPECTED  # open on day 100


def test_end_date_without_status_still_ends_follow_up() -> None:
    s = schedule(end_status=None, end_date=day(50), today=day(100))
    assert s["M1"].state is VisitState.MISSED
    assert s["M3"].state is VisitState.NOT_EXPECTED


def test_future_end_date_does_not_miss_an_open_window() -> None:
    s = schedule(end_status="WITHDREW", end_date=day(300), today=day(100))
    assert s["M3"].state is VisitState.NOT_EXPECTED
    assert s["M1"].state is VisitState.MISSED


# --- next_due, deviations, todays_work -----------------------------------------------------


def test_next_due_prefers_due_or_overdue_then_upcoming() -> None:
    overdue = subject_schedule(day0=DAY0, visits=[], end_status=None, end_date=None, today=day(50))
    sv = next_due(overdue)
    assert sv is not None and (sv.code, sv.state) == ("BASELINE", VisitState.OVERDUE)

    upcoming = subject_schedule(
        day0=DAY0,
        visits=[("BASELINE", day(0)), ("M1", day(30))],
        end_status=None,
        end_date=None,
        today=day(50),
    )
    sv = next_due(upcoming)
    assert sv is not None and (sv.code, sv.state) == ("M3", VisitState.UPCOMING)


def test_todays_work_overdue_first_then_window_end() -> None:
    today = date(2024, 6, 1)

    def sched(day0: date, visits: list[tuple[str, date]]) -> list[ScheduledVisit]:
        return subject_schedule(
            day0=day0, visits=visits, end_status=None, end_date=None, today=today
        )

    # S1 (day 31): M1 due, window ends 2024-06-07.
    s1 = sched(date(2024, 5, 1), [("BASELINE", date(2024, 5, 1))])
    # S2 (day 92): M1 done, M3 due, window ends 2024-06-14.
    s2 = sched(date(2024, 3, 1), [("BASELINE", date(2024, 3, 1)), ("M1", date(2024, 3, 31))])
    # S3 (day 92): M1 overdue (ended 2024-04-07), M3 due (ends 2024-06-14).
    s3 = sched(date(2024, 3, 1), [("BASELINE", date(2024, 3, 1))])
    # S4 (day 152): M1 overdue (ended 2024-02-07), M3 overdue (ended 2024-04-15).
    s4 = sched(date(2024, 1, 1), [("BASELINE", date(2024, 1, 1))])
    # S5: died, so never on the list although nothing was entered.
    s5 = subject_schedule(
        day0=date(2023, 1, 1), visits=[], end_status="DIED", end_date=date(2024, 1, 1), today=today
    )

    work = todays_work([("S1", s1), ("S2", s2), ("S3", s3), ("S4", s4), ("S5", s5)])
    got = [(w.subject, w.visit.code, w.visit.state) for w in work]
    overdue, due = VisitState.OVERDUE, VisitState.DUE
    assert got == [
        ("S4", "M1", overdue),
        ("S3", "M1", overdue),
        ("S4", "M3", overdue),
        ("S1", "M1", due),
        ("S2", "M3", due),
        ("S3", "M3", due),  # same window end as S2's M3: ties keep the subjects' order
    ]
    assert all(isinstance(w, WorkItem) for w in work)


def test_todays_work_empty() -> None:
    assert todays_work([]) == []


# --- properties ----------------------------------------------------------------------------

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
codes = st.sampled_from(CODES)
offsets = st.integers(min_value=-60, max_value=1000)


@given(day0=dates, code=codes, edge=st.sampled_from(["first", "last"]))
def test_visit_on_window_edge_is_done_one_day_outside_is_not(
    day0: date, code: str, edge: str
) -> None:
    v = visit_def(code)
    n = v.first_day if edge == "first" else v.last_day
    step = -1 if edge == "first" else 1
    on = day0 + timedelta(days=n)
    off = on + timedelta(days=step)
    today = day0 + timedelta(days=800)

    assert classify_visit_date(code, day0, on) == 0
    assert classify_visit_date(code, day0, off) == step

    def sv_for(d: date) -> ScheduledVisit:
        result = subject_schedule(
            day0=day0, visits=[(code, d)], end_status=None, end_date=None, today=today
        )
        return next(sv for sv in result if sv.code == code)

    assert (sv_for(on).state, sv_for(on).days_off) == (VisitState.DONE, 0)
    assert (sv_for(off).state, sv_for(off).days_off) == (VisitState.DONE_OUT_OF_WINDOW, step)


@given(day0=dates, code=codes, offset=offsets)
def test_classify_matches_window(day0: date, code: str, offset: int) -> None:
    start, target, end = window_for(code, day0)
    d = day0 + timedelta(days=offset)
    off = classify_visit_date(code, day0, d)
    assert (off == 0) == (start <= d <= end)
    assert study_day(day0, target) == visit_def(code).target_day
    if off < 0:
        assert d + timedelta(days=-off) == start
    if off > 0:
        assert d - timedelta(days=off) == end


@dataclass(frozen=True)
class Case:
    """One generated subject; all dates are offsets in days from day 0 (or a fixed anchor)."""

    day0: date | None
    visits: list[tuple[str, int]]
    end_status: str | None
    end_offset: int | None
    today_offset: int

    @property
    def anchor(self) -> date:
        return self.day0 or date(2024, 1, 1)

    @property
    def today(self) -> date:
        return self.anchor + timedelta(days=self.today_offset)

    @property
    def end_date(self) -> date | None:
        return None if self.end_offset is None else self.anchor + timedelta(days=self.end_offset)

    def schedule(self) -> list[ScheduledVisit]:
        return subject_schedule(
            day0=self.day0,
            visits=[(c, self.anchor + timedelta(days=o)) for c, o in self.visits],
            end_status=self.end_status,
            end_date=self.end_date,
            today=self.today,
        )


subject_cases = st.builds(
    Case,
    day0=st.one_of(st.none(), dates),
    visits=st.lists(st.tuples(st.sampled_from([*CODES, "UNSCHED"]), offsets), max_size=10),
    end_status=st.one_of(st.none(), st.sampled_from(END_STATUSES)),
    end_offset=st.one_of(st.none(), offsets),
    today_offset=offsets,
)


@given(case=subject_cases)
def test_states_are_exhaustive_and_consistent(case: Case) -> None:
    result = case.schedule()
    today, end_date = case.today, case.end_date
    assert [sv.code for sv in result] == CODES
    entered = {c for c, _ in case.visits}
    active = case.end_status is None and end_date is None
    for sv in result:
        assert sv.state in set(VisitState)
        if case.day0 is None:
            assert sv.state is VisitState.NO_DAY0
            assert sv.target is sv.window_start is sv.window_end is sv.days_off is None
            continue
        assert (sv.window_start, sv.target, sv.window_end) == window_for(sv.code, case.day0)
        assert sv.window_start is not None and sv.window_end is not None
        if sv.code in entered:
            assert sv.visit_date is not None
            assert sv.days_off == classify_visit_date(sv.code, case.day0, sv.visit_date)
            assert sv.state in (VisitState.DONE, VisitState.DONE_OUT_OF_WINDOW)
            assert (sv.state is VisitState.DONE) == (sv.days_off == 0)
            continue
        assert sv.visit_date is None and sv.days_off is None
        match sv.state:
            case VisitState.UPCOMING:
                assert active and today < sv.window_start
            case VisitState.DUE:
                assert active and sv.window_start <= today <= sv.window_end
            case VisitState.OVERDUE:
                assert active and sv.window_end < today
            case VisitState.MISSED:
                assert not active and sv.window_end < today
                assert end_date is None or sv.window_end < end_date
            case VisitState.NOT_EXPECTED:
                assert not active
                assert sv.window_end >= today or (
                    end_date is not None and sv.window_end >= end_date
                )
            case _:
                raise AssertionError(f"unexpected state {sv.state}")
    nd = next_due(result)
    assert nd is None or nd.state in (VisitState.DUE, VisitState.OVERDUE, VisitState.UPCOMING)
    assert all(
        sv.state in (VisitState.DONE_OUT_OF_WINDOW, VisitState.MISSED) for sv in deviations(result)
    )


@given(case=subject_cases, status=st.sampled_from(["DIED", "LTX"]), death=offsets)
def test_dead_or_transplanted_never_due_or_overdue(case: Case, status: str, death: int) -> None:
    case = replace(case, end_status=status, end_offset=death)
    result = case.schedule()
    end_date = case.end_date
    assert end_date is not None
    for sv in result:
        assert sv.state not in (VisitState.DUE, VisitState.OVERDUE, VisitState.UPCOMING)
        if sv.window_end is not None and sv.window_end >= end_date and sv.visit_date is None:
            assert sv.state is VisitState.NOT_EXPECTED
    assert todays_work([("S", result)]) == []


@given(cases=st.lists(subject_cases, max_size=6))
def test_todays_work_is_ordered_and_complete(cases: list[Case]) -> None:
    subjects = [(f"S{i}", c.schedule()) for i, c in enumerate(cases)]
    work = todays_work(subjects)
    expected = [
        (subject, sv)
        for subject, sched in subjects
        for sv in sched
        if sv.state in (VisitState.DUE, VisitState.OVERDUE)
    ]
    assert sorted((w.subject, w.visit.code) for w in work) == sorted(
        (s, sv.code) for s, sv in expected
    )
    keys: list[tuple[bool, date]] = []
    for w in work:
        assert w.visit.window_end is not None
        keys.append((w.visit.state is not VisitState.OVERDUE, w.visit.window_end))
    assert keys == sorted(keys)
