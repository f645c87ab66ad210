"""msct_crf.reporting.overview: the patient-list rows, schedules, today's work and trajectories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from study_factory import TODAY, SmallStudy, build_small_study, enrol, infuse

from msct_crf.reporting import overview
from msct_crf.reporting.overview import SubjectStatus
from msct_crf.storage.db.models import Subject
from msct_crf.storage.db.security_models import Query
from msct_crf.storage.store import Store
from msct_crf.study import scores
from msct_crf.study.schedule import VisitState


@pytest.fixture
def study(store: Store) -> SmallStudy:
    return build_small_study(store)


@pytest.fixture
def statements(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL statements run on the store while the test body runs: through SQLAlchemy and
    the overview's bulk reads on the driver's cursor (`overview._fetch`)."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    fetch = overview._fetch

    def counted_fetch(cursor: object, sql: str) -> list[object]:
        count(None, cursor, sql)
        return fetch(cursor, sql)

    monkeypatch.setattr(overview, "_fetch", counted_fetch)
    event.listen(store.engine, "before_cursor_execute", count)
    yield seen
    event.remove(store.engine, "before_cursor_execute", count)


def _rows(store: Store) -> dict[str, overview.SubjectRow]:
    return {r.subjid: r for r in overview.load_overview(store, TODAY).rows}


def test_rows_carry_identity_and_counts(store: Store, study: SmallStudy) -> None:
    rows = _rows(store)
    assert list(rows) == sorted(study.all)
    died = rows[study.died]
    assert (died.initials, died.sex, died.diagnosis, died.age) == ("DI", "M", "PSC", 54)
    assert died.infusions == 2
    assert died.day0 == dt.date(2025, 1, 6)
    assert died.last_visit == dt.date(2025, 7, 7)
    assert rows[study.transplanted].msc_source == "BM-MSC"
    assert rows[study.not_infused].infusions == 0
    assert rows[study.not_infused].msc_source is None


def test_status_follows_disposition(store: Store, study: SmallStudy) -> None:
    rows = _rows(store)
    assert rows[study.died].status is SubjectStatus.DIED
    assert rows[study.transplanted].status is SubjectStatus.TRANSPLANTED
    assert rows[study.completed].status is SubjectStatus.COMPLETED
    assert rows[study.overdue].status is SubjectStatus.ACTIVE
    assert rows[study.died].end_date == dt.date(2025, 9, 1)


def test_overdue_and_next_due(store: Store, study: SmallStudy) -> None:
    rows = _rows(store)
    late = rows[study.overdue]
    assert late.overdue
    assert (late.next_visit, late.next_visit_state) == ("M1", VisitState.OVERDUE)
    assert late.next_visit_window_end == dt.date(2026, 10, 8)
    due = rows[study.due]
    assert not due.overdue and due.due
    assert (due.next_visit, due.next_visit_state) == ("M1", VisitState.DUE)
    for ended in (study.died, study.transplanted, study.completed):
        assert not rows[ended].overdue and rows[ended].next_visit is None
    assert rows[study.not_infused].next_visit is None  # no day 0, nothing scheduled


def test_study_day_counts_from_first_infusion(store: Store, study: SmallStudy) -> None:
    rows = _rows(store)
    assert rows[study.due].study_day(TODAY) == 31  # day 0 = 2026-10-25
    assert rows[study.not_infused].study_day(TODAY) is None
    # the count stops at the end of follow-up: day 0 = 2025-01-06, died 2025-09-01
    assert rows[study.died].study_day(TODAY) == (dt.date(2025, 9, 1) - dt.date(2025, 1, 6)).days


def test_rows_count_the_queries_waiting_for_an_answer(store: Store, study: SmallStudy) -> None:
    with store.session() as session:
        subject_id = session.scalars(select(Subject.id).where(Subject.subjid == study.due)).one()
        for status in ("open", "open", "answered", "closed"):
            session.add(
                Query(
                    subject_id=subject_id,
                    form_table="visit",
                    record_id=1,
                    field_code="TBIL",
                    text="?",
                    status=status,
                    raised_by="mon",
                    raised_at="2026-11-01T00:00:00Z",
                )
            )
    rows = _rows(store)
    assert rows[study.due].open_queries == 2  # answered and closed ones wait for nobody
    assert rows[study.overdue].open_queries == 0
    assert overview.subject_row(store, study.due, TODAY).open_queries == 2  # type: ignore[union-attr]


def test_todays_work_lists_overdue_first(store: Store, study: SmallStudy) -> None:
    work = overview.todays_work(store, TODAY)
    pairs = [(w.subject, w.visit.code, w.visit.state) for w in work]
    assert pairs[0] == (study.overdue, "M1", VisitState.OVERDUE)
    assert (study.due, "M1", VisitState.DUE) in pairs
    assert {w.subject for w in work} <= {study.overdue, study.due}


def test_subject_schedule_states(store: Store, study: SmallStudy) -> None:
    plan = {sv.code: sv for sv in overview.subject_schedule(store, study.died, TODAY)}
    assert plan["M6"].state is VisitState.DONE
    assert plan["M12"].state is VisitState.NOT_EXPECTED
    assert plan["BASELINE"].visit_date == dt.date(2025, 1, 2)
    assert overview.subject_schedule(store, "NOPE-001", TODAY) == []


def test_subject_row_matches_list_row(store: Store, study: SmallStudy) -> None:
    assert overview.subject_row(store, study.overdue, TODAY) == _rows(store)[study.overdue]
    assert overview.subject_row(store, "NOPE-001", TODAY) is None


def test_trajectory_series_and_infusions(store: Store, study: SmallStudy) -> None:
    traj = overview.trajectory(store, study.died)
    assert [p.visit for p in traj.points] == ["BASELINE", "M1", "M3", "M6"]
    assert [v for _d, v in traj.series("TBIL")] == [60.0, 55.0, 50.0, 45.0]
    assert traj.infusions == [dt.datetime(2025, 1, 6, 9, 30), dt.datetime(2025, 1, 13, 9, 30)]
    # MELD stored by the write path equals the core formula for the same labs
    expected = scores.meld(bilirubin_umol_l=60.0, creatinine_umol_l=70.0, inr=1.3)
    assert traj.series("MELD")[0][1] == expected


def test_load_uses_a_fixed_number_of_queries(
    store: Store, study: SmallStudy, statements: list[str]
) -> None:
    overview.load_overview(store, TODAY)
    few = len(statements)
    for n in range(5):
        sid = enrol(store, initials=f"Q{n}", consent=dt.date(2026, 1, 1))
        infuse(store, sid, dt.datetime(2026, 1, 5, 9, 0))
    statements.clear()
    rows = overview.load_overview(store, TODAY).rows
    assert len(rows) == len(study.all) + 5
    assert len(statements) == few == 6  # bulk reads: never one query per subject


def test_empty_study(store: Store) -> None:
    loaded = overview.load_overview(store, TODAY)
    assert loaded.rows == [] and loaded.work == []


def test_rows_without_possible_work_match_the_full_schedule(
    store: Store, study: SmallStudy
) -> None:
    """The list skips the schedule of finished and not-yet-infused subjects; the rows must be
    the same as with the full schedule."""
    from msct_crf.reporting.overview import _driver_cursor, _Facts, _gather, _row, _schedule_of

    with store.reading() as session, _driver_cursor(session) as cursor:
        subjects, facts = _gather(cursor, None, every_visit=True)
    quick = _rows(store)
    for subject in subjects:
        subject_id, subjid = subject[0], subject[1]
        item = facts.get(subject_id) or _Facts([], [], [])
        full = _row(subject, item, _schedule_of(item, TODAY))
        assert quick[subjid] == full, subjid
