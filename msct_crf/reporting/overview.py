"""Read-only summaries for the desktop's lists: the patient list, a subject's schedule and
header, today's work across subjects, and a subject's lab trajectory.

The patient list must open a 10,000-subject study quickly, so everything here reads the
database in a handful of bulk queries (one per table, never one per subject) and then
assembles rows in Python; the visit states come from `msct_crf.study.schedule`, the same pure
functions validation and exports use. ``today`` is always passed in (an injected clock),
so the states can be tested for any date.

Qt-free: the UI turns these plain rows into table models and labels.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import gc
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msct_crf.study import schedule as sched
from msct_crf.study.dictionary import VISITS

if TYPE_CHECKING:  # SQLAlchemy is imported only by the functions that use it (issue 14)
    from sqlalchemy.orm import Session

    from msct_crf.storage.store import Store

__all__ = [
    "TRAJECTORY_SERIES",
    "Overview",
    "SubjectRow",
    "SubjectStatus",
    "Trajectory",
    "TrajectoryPoint",
    "load_first_screen",
    "load_overview",
    "read_first_screen",
    "subject_row",
    "subject_schedule",
    "todays_work",
    "trajectory",
]


class SubjectStatus(enum.StrEnum):
    """Where a subject stands in the study: active until a disposition is entered."""

    ACTIVE = "active"
    COMPLETED = "completed"
    DIED = "died"
    TRANSPLANTED = "transplanted"
    LOST = "lost"
    WITHDREW = "withdrew"
    INVESTIGATOR = "investigator"
    OTHER = "other"


#: Disposition status code (DSDECOD) -> subject status.
_STATUS_OF_DISPOSITION = {
    "COMPLETED": SubjectStatus.COMPLETED,
    "DIED": SubjectStatus.DIED,
    "LTX": SubjectStatus.TRANSPLANTED,
    "LOST": SubjectStatus.LOST,
    "WITHDREW": SubjectStatus.WITHDREW,
    "INVESTIGATOR": SubjectStatus.INVESTIGATOR,
    "OTHER": SubjectStatus.OTHER,
}

#: Series the trajectory chart follows, in display order (field codes of the visit form).
TRAJECTORY_SERIES = ("MELD", "TBIL", "ALB", "ALT", "PT")


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """One line of the patient list.

    ``diagnosis``, ``sex`` and ``disposition`` are dictionary codes (the UI shows their
    labels in the chosen language). ``next_visit`` is the visit to arrange next (first due or
    overdue, else first upcoming) with its target date, window end and state; None when
    nothing is left to do. ``overdue`` is true when any scheduled visit is overdue, ``due``
    when one is due today. ``open_queries`` counts the queries waiting for the site's
    answer, so a nurse sees them in her list without opening Review.
    """

    subjid: str
    site: str
    initials: str | None
    sex: str | None
    age: int | None
    diagnosis: str | None
    diagnosis_other: str | None
    msc_source: str | None
    infusions: int
    day0: dt.date | None
    last_visit: dt.date | None
    next_visit: str | None
    next_visit_target: dt.date | None
    next_visit_window_end: dt.date | None
    next_visit_state: sched.VisitState | None
    status: SubjectStatus
    disposition: str | None
    end_date: dt.date | None
    overdue: bool
    due: bool
    enrolment_status: str
    open_queries: int = 0

    def study_day(self, today: dt.date) -> int | None:
        """Days since the first infusion (day 0), or None before any infusion; it stops
        at the end of follow-up (the disposition date), which is the subject's last day."""
        if self.day0 is None:
            return None
        last = today if self.end_date is None else min(today, self.end_date)
        return sched.study_day(self.day0, last)


@dataclass(frozen=True)
class Overview:
    """Everything the patient list and today's work need, read in one pass."""

    today: dt.date
    rows: list[SubjectRow]
    work: list[sched.WorkItem]


@dataclass
class _Facts:
    """What the schedule needs about one subject, gathered from the bulk queries.

    Dates stay as the driver returned them (SQLite: ISO text, which sorts like the dates;
    PostgreSQL: date objects) and are parsed only when a row or schedule needs them.
    """

    infusion_starts: list[Any]
    sources: list[str]
    visits: list[tuple[int, str, Any]]  # (subject id, visit code, date)
    disposition: str | None = None
    end_date: Any = None
    open_queries: int = 0
    last_visit: Any = None


def _as_date(value: Any) -> dt.date | None:
    if type(value) is str:
        return _parse_date(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _known_date(value: Any) -> dt.date:
    """A date the query filtered to be present (a visit's date)."""
    day = _as_date(value)
    assert day is not None
    return day


@functools.lru_cache(maxsize=1 << 14)
def _parse_date(text: str) -> dt.date:
    """The date part (``2026-01-31``) of SQLite's ``Date`` or ``DateTime`` text as SQLAlchemy
    wrote it; remembered, since a study has far fewer distinct dates than visits."""
    return dt.date.fromisoformat(text)


#: The overview's bulk reads as plain SQL, run on the driver's own cursor: no ORM and no
#: SQLAlchemy row or type processing for 100,000 visits (issue 14; about 40 % of the
#: list's load). The names are the tables of `msct_crf.storage.db.models`;
#: `test_overview` checks the rows of records saved through the write path.
_SUBJECTS_SQL = (
    "SELECT id, subjid, siteid, initials, sex, age, dxcat, dxoth, status FROM subject{where}"
    " ORDER BY subjid"
)
_INFUSIONS_SQL = (
    "SELECT subject_id, exstdtc, exsrc FROM infusion{where} ORDER BY subject_id, exstdtc"
)
_VISITS_SQL = (
    "SELECT subject_id, visit, visdtc FROM visit"
    " WHERE visit IS NOT NULL AND visit <> '' AND visdtc IS NOT NULL{also}"
)
_LAST_VISITS_SQL = (
    "SELECT subject_id, max(visdtc) FROM visit"
    " WHERE visit IS NOT NULL AND visit <> '' AND visdtc IS NOT NULL{also} GROUP BY subject_id"
)
_DISPOSITIONS_SQL = "SELECT subject_id, dsdecod, dsstdtc FROM disposition{where}"
_QUERIES_SQL = (
    "SELECT subject_id, count(*) FROM data_query WHERE status = 'open'{also} GROUP BY subject_id"
)


def _listed(ids: Iterable[int]) -> str:
    """Subject ids for ``IN (...)``: integers, written into the SQL as numbers."""
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _fetch(cursor: Any, sql: str) -> list[Any]:
    cursor.execute(sql)
    return list(cursor.fetchall())


@contextlib.contextmanager
def _driver_cursor(session: Session) -> Iterator[Any]:
    """A DB-API cursor on the session's own connection (its transaction, its snapshot)."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def _gather(
    cursor: Any, subject_ids: Sequence[int] | None, *, every_visit: bool = False
) -> tuple[list[Any], dict[int, _Facts]]:
    """Subjects and their facts with six queries in all (not one per subject).

    A list row needs each subject's last visit date (SQLite takes the maximum per subject)
    and the visits themselves only of subjects whose schedule can still hold work
    (`_may_have_work`: in follow-up, infused; about a quarter of a large study), so only
    their visits are read unless ``every_visit`` (a subject's full schedule).
    """
    if subject_ids is None:
        where = also = ""
    else:  # integers from the database itself, written into the SQL as numbers
        listed = _listed(subject_ids)
        where, also = f" WHERE subject_id IN ({listed})", f" AND subject_id IN ({listed})"
    subjects = _fetch(cursor, _SUBJECTS_SQL.format(where=where.replace("subject_id", "id")))
    facts: dict[int, _Facts] = defaultdict(lambda: _Facts([], [], []))
    for subject_id, start, source in _fetch(cursor, _INFUSIONS_SQL.format(where=where)):
        item = facts[subject_id]
        if start is not None:
            item.infusion_starts.append(start)
        if source and source not in item.sources:
            item.sources.append(source)
    for subject_id, code, when in _fetch(cursor, _DISPOSITIONS_SQL.format(where=where)):
        item = facts[subject_id]
        item.disposition = code
        item.end_date = when
    for subject_id, count in _fetch(cursor, _QUERIES_SQL.format(also=also)):
        facts[subject_id].open_queries = int(count)
    for subject_id, last in _fetch(cursor, _LAST_VISITS_SQL.format(also=also)):
        facts[subject_id].last_visit = last
    if not every_visit:
        followed = [sid for sid, item in facts.items() if _may_have_work(item)]
        also = f" AND subject_id IN ({_listed(followed)})"
    for visit in _fetch(cursor, _VISITS_SQL.format(also=also)):
        facts[visit[0]].visits.append(visit)  # the row itself: (subject id, code, date)
    return subjects, facts


def _schedule_of(facts: _Facts, today: dt.date) -> list[sched.ScheduledVisit]:
    starts = facts.infusion_starts
    day0 = _as_date(min(starts)) if starts else None
    known = [
        (code, _known_date(when)) for _sid, code, when in facts.visits if code in _SCHEDULED_CODES
    ]
    return sched.subject_schedule(
        day0=day0,
        visits=known,
        end_status=facts.disposition,
        end_date=_as_date(facts.end_date),
        today=today,
    )


_SCHEDULED_CODES = frozenset(v.code for v in VISITS)
_OVERDUE = sched.VisitState.OVERDUE
_DUE = sched.VisitState.DUE


def _row(subject: Any, facts: _Facts, plan: list[sched.ScheduledVisit]) -> SubjectRow:
    subject_id, subjid, site, initials, sex, age, dxcat, dxoth, enrolment = subject
    starts, disposition = facts.infusion_starts, facts.disposition
    if plan:
        nxt = sched.next_due(plan)
        states = {sv.state for sv in plan}
    else:
        nxt, states = None, set()
    return SubjectRow(
        subjid=subjid,
        site=site,
        initials=initials,
        sex=sex,
        age=age,
        diagnosis=dxcat,
        diagnosis_other=dxoth,
        msc_source=", ".join(facts.sources) or None,
        infusions=len(starts),
        day0=_as_date(min(starts)) if starts else None,
        last_visit=_as_date(facts.last_visit),
        next_visit=nxt.code if nxt else None,
        next_visit_target=nxt.target if nxt else None,
        next_visit_window_end=nxt.window_end if nxt else None,
        next_visit_state=nxt.state if nxt else None,
        status=(
            _STATUS_OF_DISPOSITION.get(disposition, SubjectStatus.OTHER)
            if disposition
            else SubjectStatus.ACTIVE
        ),
        disposition=disposition,
        end_date=_as_date(facts.end_date),
        overdue=_OVERDUE in states,
        due=_DUE in states,
        enrolment_status=enrolment,
        open_queries=facts.open_queries,
    )


def _may_have_work(facts: _Facts) -> bool:
    """False when no visit can be due, upcoming or overdue, so the list row needs no schedule.

    After the end of follow-up (a disposition status or date) the schedule only holds done,
    missed and not-expected visits, and without a first infusion nothing is scheduled: in
    both cases the row's next visit is None and it is neither due nor overdue. Skipping them
    keeps a 10,000-subject list (mostly finished subjects) fast; `test_overview` checks the
    shortcut against the full schedule.
    """
    ended = facts.disposition is not None or facts.end_date is not None
    return not ended and bool(facts.infusion_starts)


def _build(cursor: Any, today: dt.date, subject_ids: Sequence[int] | None) -> Overview:
    subjects, facts = _gather(cursor, subject_ids)
    rows: list[SubjectRow] = []
    plans: list[tuple[str, list[sched.ScheduledVisit]]] = []
    empty = _Facts([], [], [])
    for subject in subjects:
        item = facts.get(subject[0]) or empty
        plan = _schedule_of(item, today) if _may_have_work(item) else []
        rows.append(_row(subject, item, plan))
        if plan:
            plans.append((subject[1], plan))
    return Overview(today=today, rows=rows, work=sched.todays_work(plans))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the list is built.

    Reading 10,000 subjects makes about a million small objects, none of them in a cycle,
    and each generation-2 pass walks all of them again: with the collector on, the
    10,000-subject load took about 1.5x as long (issue 14). Reference counting still frees
    everything; the collector runs again afterwards, and is left as it was found.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_overview(store: Store, today: dt.date) -> Overview:
    """Every subject's list row and today's due and overdue visits, in one read."""
    with store.reading() as session, _driver_cursor(session) as cursor, _collector_paused():
        return _build(cursor, today, None)


def _first_screen(cursor: Any, today: dt.date, limit: int) -> tuple[Overview, bool]:
    ids = [row[0] for row in _fetch(cursor, _FIRST_IDS_SQL.format(limit=int(limit) + 1))]
    complete = len(ids) <= limit
    return _build(cursor, today, None if complete else ids[:limit]), complete


_FIRST_IDS_SQL = "SELECT id FROM subject ORDER BY subjid LIMIT {limit}"


def load_first_screen(store: Store, today: dt.date, limit: int) -> tuple[Overview, bool]:
    """The overview of the first ``limit`` subjects by subject ID (the list's first screen
    in its default order), and whether that is every subject: then it is exactly
    :func:`load_overview`'s, today's work included. A large study's list paints its first
    screen from this while the rest loads (issue 14)."""
    with store.reading() as session, _driver_cursor(session) as cursor, _collector_paused():
        return _first_screen(cursor, today, limit)


def read_first_screen(path: Path, today: dt.date, limit: int) -> tuple[Overview, bool] | None:
    """:func:`load_first_screen` of a SQLite file, read with plain ``sqlite3`` through a
    read-only connection: without SQLAlchemy, the Store, its checks or its migrations, so a
    window can paint its list before those are imported (issue 14). None when the file
    cannot be read that way (missing, not a database, a schema this version does not have
    yet); the caller then opens the Store as usual, which explains the reason. Writes
    nothing: opening the Store afterwards still decides whether the file may be used."""
    try:
        connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN")  # every query of the screen reads the same snapshot
        with _collector_paused():
            return _first_screen(cursor, today, limit)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()


def _subject_id(session: Session, subjid: str) -> int | None:
    from sqlalchemy import select

    from msct_crf.storage.db.models import Subject

    return session.scalar(select(Subject.id).where(Subject.subjid == subjid))


def subject_row(store: Store, subjid: str, today: dt.date) -> SubjectRow | None:
    """The list row of one subject (for the workspace header and for refreshing one row)."""
    with store.reading() as session:
        sid = _subject_id(session, subjid)
        if sid is None:
            return None
        with _driver_cursor(session) as cursor:
            rows = _build(cursor, today, [sid]).rows
        return rows[0] if rows else None


def subject_schedule(store: Store, subjid: str, today: dt.date) -> list[sched.ScheduledVisit]:
    """Every scheduled visit of one subject with its window and state on ``today``."""
    with store.reading() as session:
        sid = _subject_id(session, subjid)
        if sid is None:
            return []
        with _driver_cursor(session) as cursor:
            _subjects, facts = _gather(cursor, [sid], every_visit=True)
        return _schedule_of(facts.get(sid) or _Facts([], [], []), today)


def todays_work(store: Store, today: dt.date) -> list[sched.WorkItem]:
    """Due and overdue visits across all subjects, most urgent first."""
    return load_overview(store, today).work


@dataclass(frozen=True)
class TrajectoryPoint:
    """One visit of the trajectory: its date, visit code and the followed values (SI)."""

    date: dt.date
    visit: str | None
    values: dict[str, float | None]


@dataclass(frozen=True)
class Trajectory:
    """A subject's followed labs and scores over time, with the infusion dates to mark."""

    subjid: str
    points: list[TrajectoryPoint]
    infusions: list[dt.datetime]

    def series(self, code: str) -> list[tuple[dt.date, float]]:
        """(visit date, value) pairs of one series, skipping visits without a value."""
        return [
            (p.date, float(value)) for p in self.points if (value := p.values.get(code)) is not None
        ]


def trajectory(store: Store, subjid: str, codes: Iterable[str] = TRAJECTORY_SERIES) -> Trajectory:
    """The visits of one subject in date order with the values of ``codes``."""
    from sqlalchemy import select

    from msct_crf.storage.db.models import Infusion, Visit

    codes = tuple(codes)
    columns = [getattr(Visit, code.lower()) for code in codes]
    with store.reading() as session:
        sid = _subject_id(session, subjid)
        if sid is None:
            return Trajectory(subjid, [], [])
        rows = session.execute(
            select(Visit.visdtc, Visit.visit, *columns)
            .where(Visit.subject_id == sid, Visit.visdtc.is_not(None))
            .order_by(Visit.visdtc, Visit.id)
        ).all()
        starts = session.scalars(
            select(Infusion.exstdtc)
            .where(Infusion.subject_id == sid, Infusion.exstdtc.is_not(None))
            .order_by(Infusion.exstdtc)
        ).all()
    points = [
        TrajectoryPoint(row[0], row[1], dict(zip(codes, row[2:], strict=True))) for row in rows
    ]
    return Trajectory(subjid, points, [s for s in starts if s is not None])
