"""A large synthetic study for benchmarks: `msct-crf scale --db PATH --subjects N`.

10,000 subjects give about 100,000 visits (seven scheduled visits plus unscheduled ones),
with infusions and their vital signs, adverse events, concomitant medications, medical
history and dispositions; subjects enrolled in the last two years are still in follow-up,
some with overdue visits. Every record is built from typed values and goes through the
same derivations (:func:`msct_crf.study.derive.derive`, so the stored scores are the ones the app
computes) and the same rules (:func:`msct_crf.study.validation.validate`) as the write path; a
record the rules refuse is a bug here and raises ``RuntimeError``. Soft warnings
(out-of-window visits) are confirmed and the confirmation is audited, as in the app.

What differs from :mod:`msct_crf.workflow.records`, for speed: rows are bulk-inserted with
SQLAlchemy Core executemany in one transaction, and the audit trail holds ONE row per
record (action ``bulk_insert``, ``new_value`` = the record's values as canonical JSON)
instead of one row per field. The rows are chained and hashed by
:func:`msct_crf.storage.audit.append_many` (the audit module's own hashing), so `msct-crf verify`
checks them like any others. Generation and derivation run in worker processes when the
study is large; each subject is drawn from its own seeded generator, so the result is the
same for the same seed and size (only the audit timestamps are real time).
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import random
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit, site_registry
from msct_crf.storage.db.engine import is_server_url, masked_url, sqlite_url
from msct_crf.storage.db.models import FORM_MODELS, SiteSequence, Subject
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import (
    SCALE,
    check_site_code,
    check_study_id,
    mark_study_kind,
    set_site_code,
)
from msct_crf.study.derive import derive
from msct_crf.study.dictionary import VISITS
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.validation import SubjectContext, validate
from msct_crf.tools.demo import (
    prepare_new_database,
    prepare_new_server_database,
    remove_database,
)

DEFAULT_SEED = 20170101
SCALE_USER = "scale"
#: The study's "today": fixed so that a seed always gives the same study.
REFERENCE_DAY = date(2026, 11, 25)
FIRST_DAY0 = date(2019, 1, 7)
LAST_DAY0 = date(2026, 10, 30)
#: Below this many subjects everything runs in this process.
PARALLEL_MIN_SUBJECTS = 400
BATCH_ROWS = 5000

_SITES = (("GZH", 0.6), ("NJG", 0.25), ("SHA", 0.15))
_DIAGNOSES = (
    ("AIH", 0.3),
    ("PBC", 0.3),
    ("AIH_PBC", 0.1),
    ("PSC", 0.08),
    ("AIH_PSC", 0.04),
    ("IGG4_SC", 0.03),
    ("SLE", 0.06),
    ("PSS", 0.06),
    ("SSC", 0.03),
)
_SOURCES = (("UC-MSC", 0.88), ("CB-MSC", 0.08), ("BM-MSC", 0.04))
_ENDINGS = (("COMPLETED", 0.8), ("DIED", 0.05), ("LTX", 0.03), ("LOST", 0.08), ("WITHDREW", 0.04))
_AE_TERMS = ("Fatigue", "Pruritus", "Diarrhoea", "Rash", "Headache", "Nausea", "Insomnia")
_HISTORY = ("Hypertension", "Type 2 diabetes mellitus", "Hypothyroidism", "Osteoporosis")
_CONMEDS = {
    "UDCA": ("Ursodeoxycholic acid", 250.0, "TID"),
    "STEROID": ("Prednisone", 10.0, "QD"),
    "AZA": ("Azathioprine", 50.0, "QD"),
    "IMMUNO": ("Hydroxychloroquine", 200.0, "BID"),
    "DIURETIC": ("Spironolactone", 40.0, "QD"),
}
_VS_TIMEPOINTS = ("PRE", "15MIN", "30MIN", "60MIN", "END", "2H", "24H")


@dataclass
class _Rec:
    """One record ready to insert: SI values (derived included), missing codes, warnings."""

    form: str
    values: dict[str, Any]
    missing: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    parent: int | None = None  # vital signs: index of the subject's infusion


@dataclass
class _SubjectData:
    site: str
    records: list[_Rec]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def check_scale_site(site: str) -> str:
    """A site for a single-site scale file: any valid site code (2-6 capital letters or
    digits); a site the file's registry lacks is registered under a synthetic name."""
    return check_site_code(site)


def _register_scale_site(session: Session, site: str) -> None:
    if site_registry.site_names(session, site) is None:
        site_registry.register_site(session, site, f"Site {site}", f"中心 {site}", user=SCALE_USER)


def _check(rec: _Rec, facts: Mapping[str, Any], context: SubjectContext) -> _Rec:
    """Derive and validate like the write path; errors are bugs, warnings are confirmed."""
    rec.values.update(derive(rec.form, rec.values, facts))
    findings = validate(rec.form, rec.values, rec.missing, context=context)
    errors = [f.message for f in findings if f.severity == "error"]
    if errors:
        raise RuntimeError(f"scale data refused ({rec.form}): {'; '.join(errors)}")
    rec.warnings = [(f.field, f.message) for f in findings]
    return rec


def _labs(rng: random.Random, severity: float, months: float) -> dict[str, Any]:
    gain = min(months, 12) / 12
    tbil = round(
        min(400.0, max(6.0, rng.lognormvariate(3.4 + 0.4 * severity - 0.1 * gain, 0.3))), 1
    )
    alb = round(min(48.0, max(20.0, rng.gauss(31 - 3 * severity + 2 * gain, 2.5))), 1)
    pt = round(min(30.0, max(10.5, rng.gauss(14.3 + 1.3 * severity - 0.5 * gain, 0.8))), 1)
    alt = round(min(600.0, max(8.0, rng.lognormvariate(3.9, 0.45))))
    return {
        "ALT": alt,
        "AST": round(alt * rng.uniform(1.0, 1.5)),
        "ALP": round(rng.uniform(80, 400)),
        "GGT": round(rng.uniform(40, 350)),
        "TBIL": tbil,
        "DBIL": round(tbil * rng.uniform(0.45, 0.7), 1),
        "ALB": alb,
        "PT": pt,
        "PTA": round(min(125.0, 500 / (pt - 7.0))),
        "INR": round(pt / 12.4, 2),
        "CREAT": round(rng.uniform(50, 100)),
        "SODIUM": round(rng.gauss(138, 2)),
        "PLT": round(min(320.0, max(25.0, rng.gauss(100 - 20 * severity, 25)))),
        "HGB": round(min(160.0, max(80.0, rng.gauss(118, 12)))),
        "WBC": round(min(10.0, max(2.0, rng.gauss(4.6, 1.2))), 1),
        "IGG": round(rng.uniform(12, 26), 1),
        "ASCITES": "2" if alb < 24 else "1" if alb < 28 else "0",
        "HE": "0",
        "DIALYSIS": "N",
        "VARBLEED": "N",
    }


@dataclass(frozen=True)
class _Person:
    """Who one synthetic subject is and how follow-up ends, drawn first from `rng`, which
    the record steps then keep drawing from."""

    rng: random.Random
    day0_date: date
    day0: datetime
    consent: date
    enrolment: date
    sex: str
    diagnosis: str
    severity: float
    weight: float
    age: int
    finished: bool  # enrolled long enough ago to have ended follow-up
    ending: str | None

    @classmethod
    def draw(cls, index: int, subjects: int, seed: int) -> _Person:
        rng = random.Random(seed * 1_000_003 + index)
        span = (LAST_DAY0 - FIRST_DAY0).days
        day0_date = FIRST_DAY0 + timedelta(days=span * index // subjects + rng.randint(0, 6))
        day0 = datetime.combine(day0_date, clock_time(9, 0)) + timedelta(
            minutes=15 * rng.randint(0, 6)
        )
        consent = day0_date - timedelta(days=rng.randint(7, 21))
        enrolment = consent + timedelta(days=rng.randint(0, 3))
        sex = "F" if rng.random() < 0.85 else "M"
        diagnosis = _pick(rng, _DIAGNOSES)
        severity = rng.gauss(0, 0.8)
        weight = round(min(90.0, max(40.0, rng.gauss(56 if sex == "F" else 64, 7))), 1)
        age = rng.randint(20, 72)
        finished = (REFERENCE_DAY - day0_date).days > 800
        ending = _pick(rng, _ENDINGS) if finished else None
        return cls(
            rng,
            day0_date,
            day0,
            consent,
            enrolment,
            sex,
            diagnosis,
            severity,
            weight,
            age,
            finished,
            ending,
        )

    def context(self, **dates: Any) -> SubjectContext:
        return SubjectContext(consent_date=self.consent, enrolment_date=self.enrolment, **dates)


def _subject(index: int, subjects: int, seed: int, site: str | None = None) -> _SubjectData:
    """Every record of one subject, in the order the app would save them.

    The steps draw from the subject's own generator in a fixed order, so a seed and a size
    always give the same study.
    """
    person = _Person.draw(index, subjects, seed)
    facts: dict[str, Any] = {"SEX": person.sex, "DXCAT": person.diagnosis}
    enrol = _enrolment(person, site)
    out = [enrol, *_medical_history(person, facts)]
    infusions, windows = _infusions(person, facts)
    out += infusions
    facts["infusion_windows"] = windows
    context = person.context(day0=person.day0_date)
    visits, visit_dates = _scheduled_visits(person, facts, context)
    out += visits
    last_visit = visit_dates[-1] if visit_dates else person.day0_date
    follow_up = (last_visit - person.day0_date).days
    if follow_up > 40:
        out += _unscheduled_visits(person, facts, context, follow_up)
        out += _adverse_events(person, facts, context, follow_up)
    out += _conmeds(person, facts, context)
    if person.ending is not None:
        out += _ending(person, facts, person.ending, last_visit, windows)
    return _SubjectData(site=str(enrol.values["SITEID"]), records=out)


def _enrolment(person: _Person, site: str | None = None) -> _Rec:
    rng, consent = person.rng, person.consent
    drawn = _pick(rng, _SITES)  # drawn even for a single-site file: the same draws follow
    enrol = {
        "SITEID": site or drawn,
        "INITIALS": "".join(rng.choice("BCDFGHJLMQSTWXYZ") for _ in range(rng.choice((2, 3)))),
        "SEX": person.sex,
        "BRTHDTC": date(consent.year - person.age, rng.randint(1, 12), rng.randint(1, 28)),
        "HEIGHT": round(rng.gauss(158 if person.sex == "F" else 169, 5), 1),
        "WEIGHT": person.weight,
        "RFICDTC": consent,
        "ENRLDTC": person.enrolment,
        "DXCAT": person.diagnosis,
        "DXDTC": f"{consent.year - rng.randint(1, 8):04d}",
        "CIRRMETH": "ELASTO",
        "LSM": round(min(60.0, max(12.5, rng.gauss(24 + 5 * person.severity, 5))), 1),
        **{f"IEIN0{i}": "Y" for i in range(1, 5)},
        **{f"IEEX0{i}": "N" for i in range(1, 6)},
    }
    return _check(_Rec("ENROL", enrol), {}, person.context())


def _medical_history(person: _Person, facts: Mapping[str, Any]) -> list[_Rec]:
    rng, consent = person.rng, person.consent
    out = []
    for term in rng.sample(_HISTORY, rng.randint(1, 2)):
        mh = {"MHTERM": term, "MHSTDTC": f"{consent.year - rng.randint(1, 10)}", "MHONGO": "Y"}
        out.append(_check(_Rec("MH", mh), facts, person.context()))
    return out


def _infusions(
    person: _Person, facts: Mapping[str, Any]
) -> tuple[list[_Rec], list[tuple[datetime, datetime]]]:
    """One infusion (a tenth of subjects have a second on day 7), each with its vital signs;
    returns the records and each infusion's (start, end)."""
    rng, weight = person.rng, person.weight
    context = person.context()
    out: list[_Rec] = []
    windows: list[tuple[datetime, datetime]] = []
    source = _pick(rng, _SOURCES)
    for number, day in enumerate((0, 7) if rng.random() < 0.1 else (0,), start=1):
        start = person.day0 + timedelta(days=day)
        end = start + timedelta(minutes=rng.choice((40, 45, 50, 60)))
        ex = {
            "EXSTDTC": start,
            "EXENDTC": end,
            "EXSRC": source,
            "EXLOT": f"{source[:2]}{start:%Y%m%d}-{number}",
            "EXWT": weight,
            "EXCELL": round(weight * rng.uniform(0.95, 1.08), 1),
            "EXPLAN": 1.0,
            "EXVOL": 100.0,
            "EXVIAB": float(rng.randint(88, 97)),
            "EXROUTE": "PIV",
            "PREMED": "N",
            "EXREACT": "N",
            "EXCOMPL": "Y",
        }
        rec = _check(_Rec("EX", ex), facts, context)
        rec.values["EXNUM"] = number
        out.append(rec)
        out += _vital_signs(rng, facts, context, parent=len(windows))
        windows.append((start, end))
    return out, windows


def _vital_signs(
    rng: random.Random, facts: Mapping[str, Any], context: SubjectContext, parent: int
) -> list[_Rec]:
    out = []
    for tpt in _VS_TIMEPOINTS:
        systolic = rng.randint(104, 134)
        vs = {
            "VSTPT": tpt,
            "TEMP": round(rng.uniform(36.3, 37.1), 1),
            "PULSE": rng.randint(64, 92),
            "SYSBP": systolic,
            "DIABP": systolic - rng.randint(35, 50),
            "RESP": rng.randint(14, 20),
            "SPO2": rng.randint(95, 99),
        }
        out.append(_check(_Rec("VS", vs, parent=parent), facts, context))
    return out


def _scheduled_visits(
    person: _Person, facts: Mapping[str, Any], context: SubjectContext
) -> tuple[list[_Rec], list[date]]:
    """The scheduled visits up to the end of follow-up, or up to today (an active subject
    may have stopped coming: the rest is overdue); returns the records and their dates."""
    rng = person.rng
    last_index = len(VISITS) - 1
    if person.ending in ("DIED", "LTX", "LOST", "WITHDREW"):
        last_index = rng.randint(1, len(VISITS) - 2)
    out: list[_Rec] = []
    visit_dates: list[date] = []
    for visit in VISITS[: last_index + 1]:
        if visit.code == "BASELINE":
            day = -rng.randint(1, 6)
        elif rng.random() < 0.03:
            day = visit.last_day + rng.randint(1, 10)  # late: a deviation, confirmed
        else:
            spread = visit.window_after // 2
            day = visit.target_day + rng.randint(-spread, spread)
        when = person.day0_date + timedelta(days=day)
        if when > REFERENCE_DAY - timedelta(days=3):
            break  # not yet
        if not person.finished and visit.code != "BASELINE" and rng.random() < 0.08:
            break  # an active subject who stopped coming: the rest is overdue
        values = {
            "VISIT": visit.code,
            "VISDTC": when,
            **_labs(rng, person.severity, visit.month or 0),
        }
        missing: dict[str, str] = {}
        if rng.random() < 0.05:
            del values["IGG"]
            missing["IGG"] = "ND"
        out.append(_check(_Rec("VIS", values, missing), facts, context))
        visit_dates.append(when)
    return out, visit_dates


def _unscheduled_visits(
    person: _Person, facts: Mapping[str, Any], context: SubjectContext, follow_up: int
) -> list[_Rec]:
    """Unscheduled visits between the scheduled ones, more the longer the follow-up."""
    rng = person.rng
    out = []
    for _ in range(rng.randint(3, 10) * follow_up // 730):
        day = rng.randint(10, follow_up - 1)
        when = person.day0_date + timedelta(days=day)
        values = {"VISIT": "UNSCHED", "VISDTC": when, **_labs(rng, person.severity, day / 30.4)}
        out.append(_check(_Rec("VIS", values), facts, context))
    return out


def _adverse_events(
    person: _Person, facts: Mapping[str, Any], context: SubjectContext, follow_up: int
) -> list[_Rec]:
    """None to two mild AEs during follow-up."""
    rng = person.rng
    out = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        onset = datetime.combine(
            person.day0_date + timedelta(days=rng.randint(30, follow_up)), clock_time(10, 0)
        )
        ae = {
            "AETERM": rng.choice(_AE_TERMS),
            "AESTDTC": onset,
            "AEENDTC": onset + timedelta(days=rng.randint(2, 10)),
            "AEONGO": "N",
            "AETOXGR": rng.choice(("1", "1", "2")),
            "AESER": "N",
            "AEREL": rng.choice(("NOT", "UNLIKELY")),
            "AEACN": "NONE",
            "AEOUT": "RECOVERED",
        }
        out.append(_check(_Rec("AE", ae), facts, context))
    return out


def _conmeds(person: _Person, facts: Mapping[str, Any], context: SubjectContext) -> list[_Rec]:
    """The disease's usual treatment, ongoing since a year before consent."""
    diagnosis, consent = person.diagnosis, person.consent
    categories = ["UDCA"] if diagnosis in ("PBC", "PSC", "AIH_PBC", "AIH_PSC") else ["STEROID"]
    if "AIH" in diagnosis:
        categories.append("AZA")
    if person.severity > 0.8:
        categories.append("DIURETIC")
    out = []
    for category in categories:
        name, dose, frequency = _CONMEDS[category]
        cm = {
            "CMTRT": name,
            "CMCAT": category,
            "CMDOSE": dose,
            "CMDOSU": "mg",
            "CMDOSFRQ": frequency,
            "CMROUTE": "PO",
            "CMSTDTC": f"{consent.year - 1}-{consent.month:02d}",
            "CMONGO": "Y",
            "CMINDC": diagnosis,
        }
        out.append(_check(_Rec("CM", cm), facts, context))
    return out


def _ending(
    person: _Person,
    facts: Mapping[str, Any],
    ending: str,
    last_visit: date,
    windows: list[tuple[datetime, datetime]],
) -> list[_Rec]:
    """The disposition and, for a death, the fatal AE (checked against the death date)."""
    rng = person.rng
    latest = max([last_visit, *(s.date() for s, _ in windows)])
    end_date = last_visit + timedelta(days=rng.randint(20, 60))
    ds: dict[str, Any] = {"DSDECOD": ending, "DSSTDTC": end_date}
    if ending == "COMPLETED":
        ds["DSSTDTC"] = end_date = last_visit
    elif ending == "DIED":
        ds["DSDTHCAU"] = "Complication of cirrhosis: progressive liver failure"
    elif ending == "LTX":
        ds["DSLTXDTC"] = end_date
    elif ending == "LOST":
        ds["DSLCDTC"] = last_visit
    context = person.context(day0=person.day0_date, latest_data_date=latest)
    out = [_check(_Rec("DS", ds), facts, context)]
    if ending == "DIED":
        context = person.context(
            day0=person.day0_date, death_date=end_date, has_death_disposition=True
        )
        ae = {
            "AETERM": "Hepatic failure",
            "AESTDTC": datetime.combine(end_date - timedelta(days=3), clock_time(4, 0)),
            "AEENDTC": datetime.combine(end_date, clock_time(6, 0)),
            "AEONGO": "N",
            "AETOXGR": "5",
            "AESER": "Y",
            "AESDTH": "Y",
            "AEREL": "NOT",
            "AEACN": "TREATED",
            "AEOUT": "FATAL",
        }
        out.append(_check(_Rec("AE", ae), facts, context))
    return out


# --------------------------------------------------------------------------- handing over


_INSERT_ORDER = ("ENROL", "MH", "EX", "VS", "VIS", "AE", "CM", "DS")  # parents first
_BOOKKEEPING = ("id", "status", "missing", "created_at", "created_by", "updated_at", "updated_by")


@dataclass
class _Row:
    """A record as the worker hands it over: field columns already in their stored form
    (SQLAlchemy's own bind processors), the audit content as canonical JSON."""

    form: str
    fields: tuple[Any, ...]
    missing: str
    content: str
    warnings: list[tuple[str, str]]
    parent: int | None


_DIALECT = sqlite_dialect.dialect()


@functools.cache
def _layout(form_code: str) -> tuple[str, list[tuple[str, Any]]]:
    """The INSERT statement of a form's table and, per field column, its bind processor."""
    table: Table = FORM_MODELS[form_code].__table__  # type: ignore[attr-defined]
    dialect = _DIALECT
    fields = [
        (f.column, table.c[f.column].type.dialect_impl(dialect).bind_processor(dialect))
        for f in get_form(form_code).fields
        if f.code != "SUBJID"
    ]
    owner = ["subjid"] if form_code == "ENROL" else ["subject_id"]
    if form_code in ("VS", "AE"):
        owner.append("infusion_id")
    columns = [*_BOOKKEEPING, *owner, *(name for name, _ in fields)]
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    return sql, fields


_MISSING_JSON = Subject.__table__.c.missing.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)


def _to_row(rec: _Rec) -> _Row:
    _sql, fields = _layout(rec.form)
    values = rec.values
    stored = tuple(
        None if values.get(code) is None else (process(values[code]) if process else values[code])
        for code, (_name, process) in zip(
            (f.code for f in get_form(rec.form).fields if f.code != "SUBJID"), fields, strict=True
        )
    )
    content: dict[str, str | None] = {"status": "complete"}
    for code, value in values.items():
        if value is not None:
            content[code] = audit.to_text(value)
    for code, reason in rec.missing.items():
        content[f"{code}.missing"] = reason
    assert _MISSING_JSON is not None
    return _Row(
        form=rec.form,
        fields=stored,
        missing=_MISSING_JSON(rec.missing),
        content=audit.canonical_json(content),
        warnings=rec.warnings,
        parent=rec.parent,
    )


@dataclass
class _ReadySubject:
    site: str
    rows: list[_Row]


def _subjects_chunk(args: tuple[int, int, int, int, str | None]) -> list[_ReadySubject]:
    first, last, subjects, seed, site = args
    out = []
    for i in range(first, last):
        data = _subject(i, subjects, seed, site)
        out.append(_ReadySubject(data.site, [_to_row(rec) for rec in data.records]))
    return out


class _SubjectSource:
    """The subjects in order, drawn in worker processes when there are many.

    Enter it before opening the database: the workers are forked on entry, so no database
    connection is ever copied into them. At most a few chunks are in flight at a time, so
    memory stays flat however large the study.
    """

    CHUNK = 200

    def __init__(self, subjects: int, seed: int, site: str | None = None) -> None:
        self.subjects, self.seed = subjects, seed
        self.chunks = [
            (i, min(i + self.CHUNK, subjects), subjects, seed, site)
            for i in range(0, subjects, self.CHUNK)
        ]
        workers = os.cpu_count() or 1
        self.workers = workers if subjects >= PARALLEL_MIN_SUBJECTS and workers > 1 else 0
        self.pool: ProcessPoolExecutor | None = None
        self.in_flight: deque[Future[list[_ReadySubject]]] = deque()

    def __enter__(self) -> _SubjectSource:
        if self.workers:
            method = "fork" if sys.platform.startswith("linux") else "spawn"
            context = multiprocessing.get_context(method)
            self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
            self._refill()
        return self

    def _refill(self) -> None:
        assert self.pool is not None
        while self.chunks and len(self.in_flight) < 2 * self.workers:
            self.in_flight.append(self.pool.submit(_subjects_chunk, self.chunks.pop(0)))

    def __iter__(self) -> Iterator[_ReadySubject]:
        if self.pool is None:
            for chunk in self.chunks:
                yield from _subjects_chunk(chunk)
            return
        while self.in_flight:
            done = self.in_flight.popleft().result()
            self._refill()
            yield from done

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            for future in self.in_flight:
                future.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- writing


class _Writer:
    """Buffers rows per table and the audit rows, flushing both in executemany batches."""

    def __init__(self, conn: Connection, user: str) -> None:
        self.conn = conn
        self.user = user
        self.pending: dict[str, list[tuple[Any, ...]]] = {code: [] for code in FORM_MODELS}
        self.audit_rows: list[dict[str, str | None]] = []
        self.next_id = dict.fromkeys(FORM_MODELS, 1)
        self.counts = dict.fromkeys(FORM_MODELS, 0)
        self.audit_count = 0
        self.buffered = 0

    def add(self, subject: _ReadySubject, subjid: str) -> None:
        stamp = audit.format_utc(clock.now())
        user = self.user
        subject_id = self.next_id["ENROL"]
        infusion_ids: list[int] = []
        for row in subject.rows:
            form = row.form
            record_id = self.next_id[form]
            self.next_id[form] += 1
            head = (record_id, "complete", row.missing, stamp, user, stamp, user)
            if form == "ENROL":
                owner: tuple[Any, ...] = (subjid,)
            elif form == "VS":
                assert row.parent is not None
                owner = (subject_id, infusion_ids[row.parent])
            elif form == "AE":
                owner = (subject_id, None)
            else:
                owner = (subject_id,)
            if form == "EX":
                infusion_ids.append(record_id)
            self.pending[form].append(head + owner + row.fields)
            content = row.content
            if form == "VS":  # with its infusion link, so that verify's replay rebuilds it
                content = audit.canonical_json(
                    {**json.loads(content), "infusion_id": str(owner[1])}
                )
            common = {
                "ts_utc": stamp,
                "user": user,
                "table_name": get_form(form).table,
                "record_id": str(record_id),
                "subject_id": subjid,
            }
            self.audit_rows.append({**common, "action": "bulk_insert", "new_value": content})
            for field_code, message in row.warnings:
                self.audit_rows.append(
                    {
                        **common,
                        "action": "confirm_warning",
                        "field": field_code,
                        "new_value": message,
                    }
                )
            self.buffered += 1
        if self.buffered >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        for code in _INSERT_ORDER:
            rows = self.pending[code]
            if rows:
                sql = _layout(code)[0]
                if self.conn.dialect.paramstyle != "qmark":  # psycopg on a server: %s
                    sql = sql.replace("?", "%s")
                self.conn.exec_driver_sql(sql, rows)
                self.counts[code] += len(rows)
                self.pending[code] = []
        self.audit_count += audit.append_many(self.conn, self.audit_rows)
        self.audit_rows = []
        self.buffered = 0


def _advance_sequences(conn: Connection) -> None:
    """On PostgreSQL the rows were inserted with their ids, which leaves each table's id
    sequence behind: move it past the highest id so the app's next record gets a new one."""
    for table in {FORM_MODELS[code].__table__.name for code in FORM_MODELS}:  # type: ignore[attr-defined]
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce(max(id), 0) + 1, false) FROM {table}"
        )


def create_scale_study(
    path: str | Path,
    *,
    subjects: int = 10_000,
    seed: int = DEFAULT_SEED,
    overwrite: bool = False,
    user: str = SCALE_USER,
    site: str | None = None,
    study_id: str | None = None,
) -> str:
    """Create the synthetic study at `path` (a file, or a new empty database on a server:
    its URL) and return a one-line summary of it. With `site`, every subject is of that
    one site (a site file for the exchange tests and benchmarks); `study_id` is the file's
    study ID."""
    if subjects < 1:
        raise UserError(f"--subjects must be at least 1 (got {subjects})")
    if site is not None:
        site = check_scale_site(site)
    if study_id is not None:
        study_id = check_study_id(study_id)
    server = is_server_url(path)
    if server:
        prepare_new_server_database(str(path), command="scale")
        where: Path | str = masked_url(str(path))
        url = str(path)
    else:
        path = where = Path(path)
        prepare_new_database(path, overwrite, command="scale")
        url = sqlite_url(path)
    started = time.perf_counter()
    try:
        with (
            _SubjectSource(subjects, seed, site) as source,
            Store.open(url, study_id=study_id) as store,
        ):
            with store.session() as session:
                mark_study_kind(session, SCALE)
                if site is not None:
                    _register_scale_site(session, site)
                    set_site_code(session, site)
            with store.engine.begin() as conn:
                writer = _Writer(conn, user)
                sequence: dict[str, int] = {}
                for data in source:
                    sequence[data.site] = sequence.get(data.site, 0) + 1
                    writer.add(data, f"{data.site}-{sequence[data.site]:03d}")
                writer.flush()
                conn.execute(
                    insert(SiteSequence.__table__),  # type: ignore[arg-type]
                    [{"siteid": s, "last_number": n} for s, n in sorted(sequence.items())],
                )
                if server:
                    _advance_sequences(conn)
    except BaseException:
        if not server:  # on a server the rows went in one transaction: none are left
            with contextlib.suppress(OSError):
                remove_database(Path(path))  # a half-made study is no use to anyone
        raise
    counts = writer.counts
    rows = sum(counts.values())
    seconds = time.perf_counter() - started
    return (
        f"Scale study created at {where}: {counts['ENROL']} subjects, {counts['EX']} infusions "
        f"with {counts['VS']} vital-sign rows, {counts['VIS']} visits, {counts['AE']} adverse "
        f"events, {counts['CM']} conmeds, {counts['MH']} medical-history rows, "
        f"{counts['DS']} dispositions; {rows} rows and {writer.audit_count} audit rows "
        f"in {seconds:.1f} s"
    )
