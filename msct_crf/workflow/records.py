"""The only write path: one `SaveRequest` through target, merge, derive, rules, changes,
write and audit, in one transaction.

A save never raises on user data: it returns a `SaveResult` whose `outcome` says what came
of it and whose findings name the field and what is allowed. Hard errors refuse the save;
soft warnings refuse it until the caller confirms them (the confirmation is audited);
changing a form that is already complete needs a reason. The rules are those of the live
validation (`msct_crf.study.validation.validate` with the same `subject_context`), so a form
shows while typing what a save would refuse. Values are stored in SI units; a value typed in
conventional units is converted and the audit keeps what was typed. An infusion and its
vital signs save together or not at all (`save_infusion_with_vital_signs`).

Several people may edit at once (two windows on one file, nurses on a clinic's server), so
a save says which state of the record it was typed over (`SaveRequest.based_on`, the
`Record.version` it was loaded with: the id of the record's newest audit row, since every
change of a record, its status included, is audited). When the record changed since, the
save is refused with an `EditConflict` naming who changed it and when, and nothing is
written: the second person's typing never silently overwrites the first person's save.
The check runs inside the write transaction (SQLite's BEGIN IMMEDIATE, the server's chain
lock), so no other save can slip in between the check and the write.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from msct_crf import access, clock
from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import (
    FORM_MODELS,
    AdverseEvent,
    AuditEntry,
    Conmed,
    Disposition,
    FormRecord,
    Infusion,
    MedicalHistory,
    SiteSequence,
    Subject,
    Visit,
    VitalSign,
)
from msct_crf.storage.site_registry import registered_sites
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import site_code
from msct_crf.study.derive import derive
from msct_crf.study.dictionary import CodeList, Field, FieldType, Form, MissingCode
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.sites import form_with_sites, uses_sites
from msct_crf.study.text import TEXT_MAX, as_typed, text_problem
from msct_crf.study.units import UnitSystem
from msct_crf.study.validation import (
    Finding,
    SubjectContext,
    parse_value,
    validate,
)

#: Record statuses, in lifecycle order (DESIGN.md).
DRAFT, COMPLETE, VERIFIED, SIGNED, LOCKED = "draft", "complete", "verified", "signed", "locked"
STATUSES = (DRAFT, COMPLETE, VERIFIED, SIGNED, LOCKED)
FROZEN_STATUSES = frozenset({SIGNED, LOCKED})


BAD_REASON = "The reason contains control or invalid characters; type it as plain text"


def _reason_problem(reason: str | None) -> tuple[str | None, str | None]:
    """(the reason as stored, why it cannot be): NFC and trimmed, with the limits of a
    field value (no control characters, at most TEXT_MAX characters)."""
    text = as_typed(reason or "").strip() or None
    if text is None:
        return None, None
    problem = text_problem(text, TEXT_MAX)
    if problem is None:
        return text, None
    if problem.startswith("contains"):
        return text, BAD_REASON
    return text, f"The reason {problem}"


class SaveOutcome(enum.Enum):
    """What came of a save or a deletion. The UI words the outcome; `SaveResult.message`
    says in English what a refusal was about."""

    SAVED = "saved"
    UNCHANGED = "unchanged"  # the record already holds these values; nothing was written
    DELETED = "deleted"
    INVALID = "invalid"  # hard errors in the findings; nothing was written
    NEEDS_CONFIRMATION = "needs_confirmation"  # soft warnings the caller has not confirmed
    NEEDS_REASON = "needs_reason"  # the record is past draft: a reason (plain text) is needed
    REFUSED = "refused"  # no such subject or record, or the record may not change


_WRITTEN_OR_UNCHANGED = frozenset({SaveOutcome.SAVED, SaveOutcome.UNCHANGED, SaveOutcome.DELETED})


@dataclass(frozen=True)
class SaveResult:
    outcome: SaveOutcome
    record_id: int | None = None
    subject: str | None = None
    findings: tuple[Finding, ...] = ()
    message: str = ""

    @property
    def saved(self) -> bool:
        """The record now holds what was asked for (saved, unchanged, or deleted)."""
        return self.outcome in _WRITTEN_OR_UNCHANGED

    @property
    def needs_confirmation(self) -> bool:
        return self.outcome is SaveOutcome.NEEDS_CONFIRMATION

    @property
    def needs_reason(self) -> bool:
        return self.outcome is SaveOutcome.NEEDS_REASON

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@dataclass
class Record:
    """One saved form: SI values (derived included), missing-data codes, bookkeeping."""

    form: str
    id: int
    subject: str
    values: dict[str, Any]
    missing: dict[str, str]
    status: str
    parent_id: int | None = None
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: The id of the record's newest audit row when it was read (0: none): what a save of
    #: it passes as `SaveRequest.based_on` (see the module docstring).
    version: int = 0


class EditConflict(UserError):
    """A save typed over a state of the record that someone else has changed since (or
    deleted). Carries what the interface needs to word it: the form, the record, who
    changed it and when (their audit row's time, ISO 8601 UTC); nothing was saved."""

    def __init__(
        self,
        form: Form,
        record_id: int,
        subject: str | None,
        changed_by: str,
        changed_at: str,
        *,
        deleted: bool = False,
    ) -> None:
        self.form = form.code
        self.record_id = record_id
        self.subject = subject
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.deleted = deleted
        #: "changed" or "deleted": which refusal the interface words.
        self.kind = "deleted" if deleted else "changed"
        what = f"{form.label.en} record {record_id}" + (f" of {subject}" if subject else "")
        how = "deleted" if deleted else "changed"
        super().__init__(
            f"{what} was {how} by {changed_by} at {changed_at} since you opened it; "
            "nothing was saved - reload to see their change (your typing is still on the form)"
        )


# --------------------------------------------------------------------------- reading


def record_version(session: Session, table_name: str, record_id: int) -> int:
    """The id of the newest audit row of one record (0 when it has none)."""
    newest = session.scalar(
        select(func.max(AuditEntry.id)).where(
            AuditEntry.table_name == table_name, AuditEntry.record_id == str(record_id)
        )
    )
    return int(newest or 0)


def _versions(session: Session, table_name: str, ids: Sequence[int]) -> dict[int, int]:
    """`record_version` of many records of one table in one query."""
    if not ids:
        return {}
    rows = session.execute(
        select(AuditEntry.record_id, func.max(AuditEntry.id))
        .where(
            AuditEntry.table_name == table_name,
            AuditEntry.record_id.in_([str(i) for i in ids]),
        )
        .group_by(AuditEntry.record_id)
    )
    return {int(str(record_id)): int(newest) for record_id, newest in rows}


def _with_version(session: Session, form: Form, record: Record) -> Record:
    record.version = record_version(session, form.table, record.id)
    return record


def record_from_row(form: Form, row: FormRecord, subjid: str) -> Record:
    return Record(
        form=form.code,
        id=row.id,
        subject=subjid,
        values={f.code: getattr(row, f.column) for f in form.fields},
        missing=dict(row.missing or {}),
        status=row.status,
        parent_id=getattr(row, "infusion_id", None),
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _subject_row(session: Session, subjid: str) -> Subject | None:
    return session.scalars(select(Subject).where(Subject.subjid == subjid)).one_or_none()


def get_subject(store: Store, subjid: str) -> Record | None:
    with store.reading() as session:
        row = _subject_row(session, subjid)
        if row is None:
            return None
        form = get_form("ENROL")
        return _with_version(session, form, record_from_row(form, row, subjid))


def get_record(store: Store, form_code: str, record_id: int) -> Record | None:
    form = get_form(form_code)
    model: Any = FORM_MODELS[form_code]
    with store.reading() as session:
        row = session.get(model, record_id)
        if row is None:
            return None
        owner = row if isinstance(row, Subject) else session.get(Subject, row.subject_id)
        assert owner is not None
        subjid = owner.subjid
        return _with_version(session, form, record_from_row(form, row, subjid))


_ORDER = {
    "MH": MedicalHistory.id,
    "EX": Infusion.exstdtc,
    "VS": VitalSign.id,
    "VIS": Visit.visdtc,
    "AE": AdverseEvent.aestdtc,
    "CM": Conmed.id,
    "DS": Disposition.id,
}


def list_records(
    store: Store, form_code: str, subjid: str, parent_id: int | None = None
) -> list[Record]:
    """Records of a form for one subject (vital signs: of one infusion), in natural order."""
    form = get_form(form_code)
    if form_code == "ENROL":
        record = get_subject(store, subjid)
        return [record] if record else []
    model: Any = FORM_MODELS[form_code]
    with store.reading() as session:
        subject = _subject_row(session, subjid)
        if subject is None:
            return []
        query = select(model).where(model.subject_id == subject.id)
        if parent_id is not None:
            query = query.where(model.infusion_id == parent_id)
        query = query.order_by(_ORDER[form_code], model.id)
        found = [record_from_row(form, row, subjid) for row in session.scalars(query)]
        versions = _versions(session, form.table, [r.id for r in found])
        for record in found:
            record.version = versions.get(record.id, 0)
        return found


def list_subjects(store: Store) -> list[str]:
    with store.reading() as session:
        return list(session.scalars(select(Subject.subjid).order_by(Subject.subjid)))


# --------------------------------------------------------------------------- context


_LATEST_DATE_QUERIES: dict[str, Any] = {}
_DATED_FORMS = ("VIS", "EX", "AE")


def _latest_date_query(excluded_form: str) -> Any:
    """One round trip: a scalar subquery per column; built once per excluded form (bound
    parameters ``subject_id`` and ``exclude_id``)."""
    query = _LATEST_DATE_QUERIES.get(excluded_form)
    if query is None:
        maxima = []
        for model, column, code in (
            (Visit, Visit.visdtc, "VIS"),
            (Infusion, Infusion.exstdtc, "EX"),
            (Infusion, Infusion.exendtc, "EX"),
            (AdverseEvent, AdverseEvent.aestdtc, "AE"),
            (AdverseEvent, AdverseEvent.aeendtc, "AE"),
        ):
            part = select(func.max(column)).where(model.subject_id == bindparam("subject_id"))
            if excluded_form == code:
                part = part.where(model.id != bindparam("exclude_id"))
            maxima.append(part.scalar_subquery())
        query = _LATEST_DATE_QUERIES[excluded_form] = select(*maxima)
    return query


def _latest_date(
    session: Session, subject_id: int, exclude: tuple[str, int | None]
) -> dt.date | None:
    excluded_form = exclude[0] if exclude[1] is not None and exclude[0] in _DATED_FORMS else ""
    query = _latest_date_query(excluded_form)
    candidates: list[dt.date] = []
    params = {"subject_id": subject_id, "exclude_id": exclude[1]}
    for value in session.execute(query, params).one():
        if isinstance(value, dt.datetime):
            value = value.date()
        if value is not None:
            candidates.append(value)
    return max(candidates) if candidates else None


def subject_context(
    session: Session,
    subject: Subject | None,
    exclude: tuple[str, int | None] = ("", None),
    *,
    parent_id: int | None = None,
) -> tuple[SubjectContext, dict[str, Any]]:
    """What the rules and derivations need to know about a subject, for a record of the
    form `exclude[0]` (`exclude[1]` its id, None for a new one) and, for vital signs, of the
    infusion `parent_id`."""
    if subject is None:
        return SubjectContext(), {}
    infusions = session.execute(
        select(Infusion.exstdtc, Infusion.exendtc).where(Infusion.subject_id == subject.id)
    ).all()
    starts = [s for s, _e in infusions if s is not None]
    disposition = session.scalars(
        select(Disposition).where(Disposition.subject_id == subject.id)
    ).one_or_none()
    died = disposition is not None and disposition.dsdecod == "DIED"
    visits = session.execute(
        select(Visit.id, Visit.visit, Visit.visdtc).where(Visit.subject_id == subject.id)
    ).all()
    taken = {
        code
        for visit_id, code, _date in visits
        if code and not (exclude[0] == "VIS" and visit_id == exclude[1])
    }
    visit_dates = [visit_date for _id, _code, visit_date in visits if visit_date is not None]
    context = SubjectContext(
        consent_date=subject.rficdtc,
        enrolment_date=subject.enrldtc,
        death_date=disposition.dsstdtc if died and disposition else None,
        day0=min(starts).date() if starts else None,
        has_death_disposition=died,
        latest_data_date=_latest_date(session, subject.id, exclude),
        taken_visits=frozenset(taken),
        first_visit_date=min(visit_dates) if visit_dates else None,
        disposition_date=disposition.dsstdtc if disposition is not None else None,
        taken_timepoints=_taken_timepoints(session, parent_id, exclude)
        if exclude[0] == "VS"
        else frozenset(),
    )
    facts = {
        "SEX": subject.sex,
        "DXCAT": subject.dxcat,
        "infusion_windows": [(s, e or s) for s, e in infusions if s is not None],
        "infusion_starts": sorted(starts),
    }
    return context, facts


def _taken_timepoints(
    session: Session, infusion_id: int | None, exclude: tuple[str, int | None]
) -> frozenset[str]:
    """Timepoints of the infusion's vital signs other than the record `exclude[1]`."""
    if infusion_id is None:
        return frozenset()
    query = select(VitalSign.vstpt).where(VitalSign.infusion_id == infusion_id)
    if exclude[1] is not None:
        query = query.where(VitalSign.id != exclude[1])
    return frozenset(tpt for tpt in session.scalars(query) if tpt is not None)


def context_for(
    store: Store,
    subjid: str | None,
    form_code: str = "",
    record_id: int | None = None,
    parent_id: int | None = None,
) -> tuple[SubjectContext, dict[str, Any]]:
    """The subject context and derivation facts a save would use, for live validation."""
    with store.reading() as session:
        row = _subject_row(session, subjid) if subjid else None
        return subject_context(session, row, (form_code, record_id), parent_id=parent_id)


# --------------------------------------------------------------------------- saving


def _unknown_field(form: Form, code: str) -> Finding:
    return Finding(
        code,
        "error",
        "unknown_field",
        f"{code} is not a field of the {form.label.en} form",
        f"{code} 不是{form.label.zh}表的字段",
    )


def _parse_all(
    form: Form,
    raw: Mapping[str, object],
    units: Mapping[str, UnitSystem],
) -> tuple[dict[str, Any], list[Finding]]:
    parsed: dict[str, Any] = {}
    findings: list[Finding] = []
    for code, value in raw.items():
        try:
            f = form.field(code)
        except KeyError:
            findings.append(_unknown_field(form, code))
            continue
        if f.derived:
            continue  # derived values are computed here, never taken from input
        result = parse_value(f, value, units.get(code, UnitSystem.SI))
        if result.finding:
            findings.append(result.finding)
        parsed[code] = result.value
    return parsed, findings


def _missing_findings(form: Form, missing: Mapping[str, str]) -> list[Finding]:
    out = []
    for code, value in missing.items():
        if code not in {f.code for f in form.fields}:
            out.append(_unknown_field(form, code))
        elif value and value not in MissingCode.__members__:  # "" / None clears a code
            f = form.field(code)
            out.append(
                Finding(
                    code,
                    "error",
                    "missing_code",
                    f"{f.label.en} ({code}): missing-data code must be ND, UNK or NA "
                    f"(got {str(value)[:20]!r})",
                    f"{f.label.zh}（{code}）：缺失代码须为 ND、UNK 或 NA",
                )
            )
    return out


def fresh_record_id(session: Session, model: Any, table_name: str) -> int:
    """An id no record of `table_name` has ever had.

    The form tables have no AUTOINCREMENT, so SQLite would hand the id of a deleted newest
    record to the next one, which would then inherit the deleted record's audit history,
    queries and signatures. Every record ever saved has audit rows under its id, so the next
    id is one past the table's largest, skipping any id the audit trail already knows
    (an indexed lookup; runs inside the write transaction, so it is race-free)."""
    candidate = (session.scalar(select(func.max(model.id))) or 0) + 1
    while session.scalar(
        select(AuditEntry.id)
        .where(AuditEntry.table_name == table_name, AuditEntry.record_id == str(candidate))
        .limit(1)
    ):
        candidate += 1
    return int(candidate)


def _allocate_subjid(session: Session, site: str) -> str:
    sequence = session.get(SiteSequence, site)
    if sequence is None:
        sequence = SiteSequence(siteid=site, last_number=0)
        session.add(sequence)
    sequence.last_number += 1
    return f"{site}-{sequence.last_number:03d}"


@dataclass(frozen=True)
class SaveRequest:
    """One save of one form of one subject: what was typed, by whom, with which answers.

    `values` are raw (as typed, or typed Python values); `units` says in which unit system
    each was typed (one for all, or per field code); `missing` maps field codes to
    missing-data codes ("" clears one). Without `record_id` a repeating form gets a new
    record and a non-repeating one opens the subject's record; `parent_id` ties vital signs
    or an adverse event to an infusion. `complete` False saves a draft. `confirm_warnings`
    and `reason` are the person's answers to a save that asked for them. `based_on` is the
    `Record.version` the values were typed over (0: a new record); a record changed since
    is not saved (`EditConflict`). None skips the check (scripts, the demo, bulk loads)."""

    form: str
    values: Mapping[str, object]
    user: str = ""
    actor: access.Actor | None = None
    subject: str | None = None
    record_id: int | None = None
    parent_id: int | None = None
    units: Mapping[str, UnitSystem] | UnitSystem = UnitSystem.SI
    missing: Mapping[str, str] | None = None
    complete: bool = True
    confirm_warnings: bool = False
    reason: str | None = None
    based_on: int | None = None


def save(store: Store, request: SaveRequest) -> SaveResult:
    """Validate and save one form of one subject in its own transaction; see the module
    docstring. Nothing is written unless the result is saved."""
    with store.session() as session:
        result = run_save(session, request)
        if not result.saved:
            session.rollback()
        return result


def save_form(
    store: Store,
    *,
    user: str,
    form: str,
    values: Mapping[str, object],
    subject: str | None = None,
    record_id: int | None = None,
    parent_id: int | None = None,
    units: Mapping[str, UnitSystem] | UnitSystem = UnitSystem.SI,
    missing: Mapping[str, str] | None = None,
    complete: bool = True,
    confirm_warnings: bool = False,
    reason: str | None = None,
    actor: access.Actor | None = None,
) -> SaveResult:
    """`save` with the request spelled out as keywords (tests, benchmarks, small callers)."""
    request = SaveRequest(
        form=form,
        values=values,
        user=user,
        actor=actor,
        subject=subject,
        record_id=record_id,
        parent_id=parent_id,
        units=units,
        missing=missing,
        complete=complete,
        confirm_warnings=confirm_warnings,
        reason=reason,
    )
    return save(store, request)


def save_in_session(
    session: Session,
    *,
    user: str,
    form: str,
    values: Mapping[str, object],
    subject: str | None = None,
    record_id: int | None = None,
    parent_id: int | None = None,
    units: Mapping[str, UnitSystem] | UnitSystem = UnitSystem.SI,
    missing: Mapping[str, str] | None = None,
    complete: bool = True,
    confirm_warnings: bool = False,
    reason: str | None = None,
    actor: access.Actor | None = None,
    based_on: int | None = None,
) -> SaveResult:
    """`save_form` inside a caller's transaction (used by the demo, bulk loads and query
    answers); the caller rolls back when the result is not saved. `based_on` as in
    `SaveRequest` (a query's correction passes the version the person answered over)."""
    request = SaveRequest(
        form=form,
        values=values,
        user=user,
        actor=actor,
        subject=subject,
        record_id=record_id,
        parent_id=parent_id,
        units=units,
        missing=missing,
        complete=complete,
        confirm_warnings=confirm_warnings,
        reason=reason,
        based_on=based_on,
    )
    return run_save(session, request)


@dataclass(frozen=True)
class VitalSignsRow:
    """One timepoint of an infusion's vital signs, as typed (raw values and missing codes)."""

    timepoint: str
    values: Mapping[str, object]
    missing: Mapping[str, str] = field(default_factory=dict)
    record_id: int | None = None  # the saved vital signs of this timepoint, if any
    based_on: int | None = None  # its Record.version when loaded (SaveRequest.based_on)


@dataclass(frozen=True)
class InfusionSaveResult:
    """What came of an infusion saved with its vital signs: the infusion's result, or the
    result of the vital-signs row that refused the whole save (then `timepoint` names it)."""

    result: SaveResult
    timepoint: str = ""


def save_infusion_with_vital_signs(
    store: Store, request: SaveRequest, vital_signs: Sequence[VitalSignsRow]
) -> InfusionSaveResult:
    """The infusion of `request` and its vital signs in one transaction: all of them are
    saved or none is. Each row is a save of the VS form under the infusion, with the same
    user and answers (confirmed warnings, reason) as the infusion."""
    with store.session() as session:
        infusion = run_save(session, request)
        if not infusion.saved or infusion.record_id is None:
            session.rollback()
            return InfusionSaveResult(infusion)
        for row in vital_signs:
            result = run_save(
                session,
                replace(
                    request,
                    form="VS",
                    values=row.values,
                    subject=infusion.subject,
                    record_id=row.record_id,
                    parent_id=infusion.record_id,
                    units=UnitSystem.SI,
                    missing=row.missing,
                    based_on=row.based_on,
                ),
            )
            if not result.saved:
                session.rollback()
                return InfusionSaveResult(result, row.timepoint)
        return InfusionSaveResult(infusion)


# --------------------------------------------------------------------------- the save pipeline


@dataclass
class _Save:
    """One save on its way through the steps of `run_save`; each step fills in what the
    following ones need."""

    request: SaveRequest
    form: Form
    model: Any
    user: str  # as authorized: the actor's own name in account mode
    reason: str | None
    units: dict[str, UnitSystem]
    missing: dict[str, str]
    subject: str | None
    # target: the subject, the record (None: a new one) and its infusion
    subject_row: Subject | None = None
    row: Any = None
    parent_id: int | None = None
    # merge: what was typed, parsed, over what is saved
    parsed: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    old_values: dict[str, Any] = field(default_factory=dict)
    old_missing: dict[str, str] = field(default_factory=dict)
    merged: dict[str, Any] = field(default_factory=dict)
    merged_missing: dict[str, str] = field(default_factory=dict)
    sites: CodeList | None = None  # the registered sites, for a form with a site field
    # derive, rules, changes
    context: SubjectContext = field(default_factory=SubjectContext)
    warnings: list[Finding] = field(default_factory=list)
    status: str = DRAFT
    changes: list[audit.Change] = field(default_factory=list)
    inserting: bool = False

    @property
    def row_id(self) -> int | None:
        return self.row.id if self.row is not None else None

    def result(self, outcome: SaveOutcome, message: str) -> SaveResult:
        return SaveResult(
            outcome,
            record_id=self.row_id,
            subject=self.subject,
            findings=tuple(self.findings),
            message=message,
        )


def run_save(session: Session, request: SaveRequest) -> SaveResult:
    """The write path inside the caller's transaction: target, merge, derive, rules,
    changes, write, audit. A step that refuses the save (or finds nothing to change) ends
    it with its result; the caller rolls back a result that is not saved."""
    pending = _start(session, request)
    if isinstance(pending, SaveResult):
        return pending
    for step in _STEPS:
        ended = step(session, pending)
        if ended is not None:
            return ended
    return pending.result(SaveOutcome.SAVED, "Saved")


def _start(session: Session, request: SaveRequest) -> _Save | SaveResult:
    """Who saves (authorized for data entry), in which units, for which reason."""
    form = get_form(request.form)
    if request.actor is None and (not request.user or not request.user.strip()):
        raise UserError("A user name is required to save (it goes into the audit trail)")
    # account mode: a logged-in Actor whose role may enter data (msct_crf.access)
    user = access.authorize(session, request.actor, access.Permission.ENTER_DATA, user=request.user)
    model: Any = FORM_MODELS[request.form]
    units = request.units
    unit_map = (
        {code: units for code in request.values} if isinstance(units, UnitSystem) else dict(units)
    )
    missing = dict(request.missing or {})
    reason, problem = _reason_problem(request.reason)
    if problem is not None:
        return SaveResult(SaveOutcome.NEEDS_REASON, subject=request.subject, message=problem)
    return _Save(request, form, model, user, reason, unit_map, missing, request.subject)


def _target(session: Session, s: _Save) -> SaveResult | None:
    """Which subject and which record: refused when either does not exist, when vital signs
    or an adverse event name an infusion of another subject, or when the record is frozen."""
    form, request, subject, model = s.form, s.request, s.subject, s.model
    subject_row = _subject_row(session, subject) if subject else None
    if form.code != "ENROL" and subject_row is None:
        return SaveResult(SaveOutcome.REFUSED, message=f"Subject {subject!r} does not exist")
    row: Any = None
    if form.code == "ENROL":
        row = subject_row
        if subject and row is None:
            return SaveResult(SaveOutcome.REFUSED, message=f"Subject {subject!r} does not exist")
    elif request.record_id is not None:
        assert subject_row is not None
        row = session.get(model, request.record_id)
        if row is None and request.based_on:
            _refuse_stale(session, form, request.record_id, subject, request.based_on, deleted=True)
        if row is None or row.subject_id != subject_row.id:
            return SaveResult(
                SaveOutcome.REFUSED,
                subject=subject,
                message=f"{form.label.en} record {request.record_id} of {subject} not found",
            )
    elif not form.repeating:
        assert subject_row is not None
        row = session.scalars(select(model).where(model.subject_id == subject_row.id)).one_or_none()
    s.subject_row, s.row, s.parent_id = subject_row, row, request.parent_id
    if request.based_on is not None and row is not None:
        _refuse_stale(session, form, row.id, subject, request.based_on)
    refused = _infusion_of_the_subject(session, s)
    if refused is not None:
        return refused
    if row is not None and row.status in FROZEN_STATUSES:
        return SaveResult(
            SaveOutcome.REFUSED,
            record_id=row.id,
            subject=subject,
            message=f"This {form.label.en} form is {row.status}; "
            "it must be unlocked (with a reason) before it can change",
        )
    return None


def _refuse_stale(
    session: Session,
    form: Form,
    record_id: int,
    subject: str | None,
    based_on: int | None,
    *,
    deleted: bool = False,
) -> None:
    """Raise EditConflict when the record has audit rows newer than `based_on`."""
    newest = session.execute(
        select(AuditEntry.user, AuditEntry.ts_utc)
        .where(
            AuditEntry.table_name == form.table,
            AuditEntry.record_id == str(record_id),
            AuditEntry.id > (based_on or 0),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if newest is not None:
        user, when = newest
        raise EditConflict(form, record_id, subject, user, when, deleted=deleted)


def _infusion_of_the_subject(session: Session, s: _Save) -> SaveResult | None:
    """Vital signs belong to one infusion of the subject, for good; an adverse event opened
    from an infusion-reaction answer names an infusion of the subject."""
    row, subject, parent_id = s.row, s.subject, s.parent_id
    subject_row = s.subject_row
    if s.form.code == "VS":
        if row is not None and parent_id is not None and parent_id != row.infusion_id:
            return SaveResult(
                SaveOutcome.REFUSED,
                record_id=row.id,
                subject=subject,
                message=f"These vital signs belong to infusion {row.infusion_id}; they cannot "
                f"move to infusion {parent_id} (delete them and enter them there)",
            )
        parent_id = s.parent_id = (
            parent_id if parent_id is not None else (row.infusion_id if row else None)
        )
        parent = session.get(Infusion, parent_id) if parent_id is not None else None
        if parent is None or parent.subject_id != subject_row.id:  # type: ignore[union-attr]
            return SaveResult(
                SaveOutcome.REFUSED,
                subject=subject,
                message="Vital signs belong to an infusion of this subject; "
                f"infusion {parent_id} not found",
            )
    if s.form.code == "AE" and parent_id is not None:  # opened from an infusion-reaction answer
        parent = session.get(Infusion, parent_id)
        if parent is None or parent.subject_id != subject_row.id:  # type: ignore[union-attr]
            return SaveResult(
                SaveOutcome.REFUSED,
                subject=subject,
                message=f"Infusion {parent_id} of {subject} not found",
            )
    return None


def _merge(session: Session, s: _Save) -> SaveResult | None:
    """Parse what was typed and lay it over what is saved. Setting a missing-data code
    clears the saved value; typing a value clears an old missing-data code."""
    form, row = s.form, s.row
    if any(uses_sites(f) for f in form.fields):
        s.sites = registered_sites(session)
    s.parsed, s.findings = _parse_all(form_with_sites(form, s.sites), s.request.values, s.units)
    s.findings += _missing_findings(form, s.missing)
    s.old_values = {f.code: getattr(row, f.column) for f in form.fields} if row is not None else {}
    s.old_missing = dict(row.missing or {}) if row is not None else {}
    merged = {f.code: s.old_values.get(f.code) for f in form.entry_fields}
    merged.update(s.parsed)
    for code, value in s.missing.items():
        if not value or code not in merged:
            continue
        if s.parsed.get(code) is not None:  # a value and a missing-data code typed together
            f = form.field(code)
            s.findings.append(
                Finding(
                    code,
                    "error",
                    "missing_code",
                    f"{f.label.en} ({code}) has both a value and the missing-data code "
                    f"{value}; clear one",
                    f"{f.label.zh}（{code}）同时有数值和缺失代码 {value}，请清除其一",
                )
            )
        else:
            merged[code] = None  # setting a missing-data code clears the saved value
    merged_missing = {k: v for k, v in {**s.old_missing, **s.missing}.items() if v}
    for code, value in s.parsed.items():  # typing a value clears an old missing-data code
        if value is not None and code not in s.missing:
            merged_missing.pop(code, None)
    s.merged = merged
    s.merged_missing = {k: v for k, v in merged_missing.items() if merged.get(k) is None}
    return None


def _derive(session: Session, s: _Save) -> SaveResult | None:
    """The subject's context for the rules, and the derived values: from this form, from
    the subject's other forms (sex and diagnosis for scores, infusion windows), and the
    infusion's number among the subject's infusions in start order."""
    s.context, facts = subject_context(
        session, s.subject_row, (s.form.code, s.row_id), parent_id=s.parent_id
    )
    if s.form.code == "ENROL":
        facts = {}
    s.merged.update(derive(s.form.code, s.merged, facts))
    if s.form.code == "EX":
        start = s.merged.get("EXSTDTC")
        earlier = [
            other
            for other in facts.get("infusion_starts", [])
            if start is not None
            and other < start
            and (s.row is None or other != s.old_values.get("EXSTDTC"))
        ]
        s.merged["EXNUM"] = len(earlier) + 1 if start is not None else s.old_values.get("EXNUM")
    return None


def _rules(session: Session, s: _Save) -> SaveResult | None:
    """The same findings as the live validation (msct_crf.study.validation.validate with
    the same context): hard errors refuse the save, soft warnings until they are confirmed."""
    s.findings += validate(
        s.form.code,
        s.merged,
        s.merged_missing,
        context=s.context,
        complete=s.request.complete,
        units=s.units,
        reported={f.field for f in s.findings},
        sites=s.sites,
    )
    errors = [f for f in s.findings if f.severity == "error"]
    s.warnings = [f for f in s.findings if f.severity == "warning"]
    if errors:
        return s.result(SaveOutcome.INVALID, f"{len(errors)} error(s); nothing saved")
    if s.warnings and not s.request.confirm_warnings:
        return s.result(
            SaveOutcome.NEEDS_CONFIRMATION, f"{len(s.warnings)} warning(s) need confirmation"
        )
    return None


def _changes(session: Session, s: _Save) -> SaveResult | None:
    """What differs from the stored record, as audit text, and the record's new status.
    Changed data is no longer source-verified; a record past draft needs a reason to
    change; a save that changes nothing ends here."""
    row, form = s.row, s.form
    new_status = COMPLETE if s.request.complete else DRAFT
    if row is not None and row.status != DRAFT:
        new_status = row.status if s.request.complete else DRAFT
    texts = {
        f.code: (audit.to_text(s.old_values.get(f.code)), audit.to_text(s.merged[f.code]))
        for f in form.fields
        if f.code in s.merged
    }
    changes = [audit.Change(code, old, new) for code, (old, new) in texts.items() if old != new]
    changes += [
        audit.Change(f"{code}.missing", s.old_missing.get(code), s.merged_missing.get(code))
        for code in sorted(set(s.old_missing) | set(s.merged_missing))
        if s.old_missing.get(code) != s.merged_missing.get(code)
    ]
    if new_status == VERIFIED and changes:
        new_status = COMPLETE  # changed data is no longer source-verified
    if row is not None and row.status != new_status:
        changes.append(audit.Change("status", row.status, new_status))
    if row is not None and row.status != DRAFT and changes and s.reason is None:
        return s.result(
            SaveOutcome.NEEDS_REASON,
            f"This {form.label.en} form is {row.status}; give a reason for the change",
        )
    if row is not None and not changes:
        return s.result(SaveOutcome.UNCHANGED, "No changes")
    s.status, s.changes = new_status, changes
    return None


def _write(session: Session, s: _Save) -> SaveResult | None:
    """Insert or update the row; a new subject takes the next number of its site."""
    form, user = s.form, s.user
    stamp = audit.format_utc(clock.now())
    s.inserting = s.row is None
    if s.inserting:
        row = s.model(
            created_at=stamp,
            created_by=user,
            updated_at=stamp,
            updated_by=user,
            status=s.status,
            missing={},
        )
        if form.code == "ENROL":
            row.subjid = _allocate_subjid(session, str(s.merged["SITEID"]))
            s.subject = row.subjid
        else:
            row.subject_id = s.subject_row.id  # type: ignore[union-attr]
        if form.code in ("VS", "AE") and s.parent_id is not None:
            row.infusion_id = s.parent_id
        row.id = fresh_record_id(session, s.model, form.table)
        session.add(row)
        s.row = row
    row = s.row
    for f in form.fields:
        if f.code in s.merged and f.code != "SUBJID":
            setattr(row, f.column, s.merged[f.code])
    row.missing = s.merged_missing
    row.status = s.status
    row.updated_at, row.updated_by = stamp, user
    session.flush()
    return None


def _audit(session: Session, s: _Save) -> SaveResult | None:
    """The audit rows of the save: the change (a new record's status first), the values
    typed in conventional units as typed, the warnings confirmed. Then the derived values of
    other records that depend on this one (infusion numbers, relatedness, visit scores)."""
    form, row, user = s.form, s.row, s.user
    changes = s.changes
    if s.inserting:
        changes = [
            audit.Change("status", None, s.status),
            *[c for c in changes if c.field != "status"],
        ]
        if getattr(row, "infusion_id", None) is not None:  # so that a replay rebuilds the link
            changes.append(audit.Change("infusion_id", None, row.infusion_id))

    def append(action: str, changes: list[audit.Change], reason: str | None = None) -> None:
        audit.append(
            session,
            user=user,
            action=action,
            table_name=form.table,
            record_id=str(row.id),
            subject_id=s.subject,
            changes=changes,
            reason=reason,
        )

    append("insert" if s.inserting else "update", changes, s.reason)
    values = s.request.values
    typed_in_conventional = [
        audit.Change(code, None, f"{values[code]} {form.field(code).conventional.unit}")  # type: ignore[union-attr]
        for code, system in s.units.items()
        if system is UnitSystem.CONVENTIONAL
        and code in s.parsed
        and s.parsed[code] is not None
        and form.field(code).conventional is not None
    ]
    if typed_in_conventional:
        append("unit_entry", typed_in_conventional)
    if s.warnings:
        append("confirm_warning", [audit.Change(w.field, None, w.message) for w in s.warnings])
    changed_fields = {c.field for c in changes}
    enrolment_facts = form.code == "ENROL" and not s.inserting and changed_fields & {"SEX", "DXCAT"}
    if form.code == "EX" or enrolment_facts:
        owner = row if form.code == "ENROL" else s.subject_row
        assert isinstance(owner, Subject)
        refresh_dependents(
            session,
            owner,
            user=user,
            cause=f"{form.label.en} {row.id} changed",
            visits=form.code == "ENROL",
        )
    return None


def _site_of_the_file(session: Session, s: _Save) -> SaveResult | None:
    """A site's file holds only its own subjects (issue 13): an enrolment naming another
    site is refused, so a subject ID never carries a code that is not the file's. (The
    coordinating centre's pooled database takes no save at all: ``access.authorize``.)"""
    if s.form.code != "ENROL":
        return None
    own, site = site_code(session), s.merged.get("SITEID")
    if own is None or site is None or site == own:
        return None
    return SaveResult(
        SaveOutcome.REFUSED,
        subject=s.subject,
        message=f"Site (SITEID): this study file belongs to site {own}, not {site}",
    )


_STEPS: tuple[Callable[[Session, _Save], SaveResult | None], ...] = (
    _target,
    _merge,
    _site_of_the_file,
    _derive,
    _rules,
    _changes,
    _write,
    _audit,
)


def refresh_dependents(
    session: Session,
    subject_row: Subject,
    *,
    user: str,
    cause: str,
    visits: bool = True,
) -> int:
    """Recompute derived values that depend on other forms of the subject, audited.

    Infusion numbers follow the infusions' start order; whether an adverse event is
    infusion-related follows the infusion windows; visit scores follow sex and diagnosis.
    Signed or locked records are left as they are. Returns the number of records changed."""
    session.flush()
    _context, facts = subject_context(session, subject_row)
    changed = 0

    def update(form_code: str, row: Any, new: Mapping[str, Any]) -> None:
        nonlocal changed
        if row.status in FROZEN_STATUSES:
            return
        form_def = get_form(form_code)
        changes = []
        for code, value in new.items():
            column = form_def.field(code).column
            old = getattr(row, column)
            if audit.to_text(old) != audit.to_text(value):
                changes.append(audit.Change(code, old, value))
                setattr(row, column, value)
        if changes:
            changed += 1
            row.updated_at, row.updated_by = audit.format_utc(clock.now()), user
            session.flush()
            audit.append(
                session,
                user=user,
                action="update",
                table_name=form_def.table,
                record_id=str(row.id),
                subject_id=subject_row.subjid,
                changes=changes,
                reason=f"derived values recomputed: {cause}",
            )

    infusions = list(
        session.scalars(
            select(Infusion)
            .where(Infusion.subject_id == subject_row.id)
            .order_by(Infusion.exstdtc, Infusion.id)
        )
    )
    number = 0
    for infusion in infusions:
        if infusion.exstdtc is not None:
            number += 1
            update("EX", infusion, {"EXNUM": number})
    events = session.scalars(select(AdverseEvent).where(AdverseEvent.subject_id == subject_row.id))
    for event in events:
        update("AE", event, derive("AE", {"AESTDTC": event.aestdtc}, facts))
    entry = get_form("VIS").entry_fields
    query = select(Visit).where(Visit.subject_id == subject_row.id)
    for visit in session.scalars(query) if visits else ():
        values = {f.code: getattr(visit, f.column) for f in entry}
        update("VIS", visit, derive("VIS", values, facts))
    return changed


def delete_record(
    store: Store,
    *,
    user: str,
    form: str,
    record_id: int,
    reason: str,
    actor: access.Actor | None = None,
    based_on: int | None = None,
) -> SaveResult:
    """Delete one record of a repeating form, with a reason; every value goes to the audit.
    With `based_on` (the `Record.version` the person saw), a record changed since is not
    deleted: `EditConflict`, as for a save."""
    form_def = get_form(form)
    if not form_def.repeating:
        return SaveResult(
            SaveOutcome.REFUSED, message=f"The {form_def.label.en} form cannot be deleted"
        )
    cleaned, problem = _reason_problem(reason)
    if cleaned is None:
        return SaveResult(SaveOutcome.NEEDS_REASON, message="Give a reason for the deletion")
    if problem is not None:
        return SaveResult(SaveOutcome.NEEDS_REASON, message=problem)
    reason = cleaned
    model: Any = FORM_MODELS[form]
    with store.session() as session:
        user = access.authorize(session, actor, access.Permission.DELETE_DATA, user=user)
        row = session.get(model, record_id)
        if row is None:
            if based_on:  # someone deleted it since it was opened: say who and when
                _refuse_stale(session, form_def, record_id, None, based_on, deleted=True)
            return SaveResult(
                SaveOutcome.REFUSED, message=f"{form_def.label.en} record {record_id} not found"
            )
        if row.status in FROZEN_STATUSES:
            return SaveResult(
                SaveOutcome.REFUSED,
                record_id=record_id,
                message=f"This form is {row.status}; unlock it first",
            )
        subjid = session.get(Subject, row.subject_id).subjid  # type: ignore[union-attr]
        if based_on is not None:
            _refuse_stale(session, form_def, row.id, subjid, based_on)
        if form == "EX":
            children = session.scalars(select(VitalSign).where(VitalSign.infusion_id == row.id))
            for child in children:
                _delete_row(session, get_form("VS"), child, subjid, user, reason)
            for event in session.scalars(
                select(AdverseEvent).where(AdverseEvent.infusion_id == row.id)
            ):
                event.infusion_id = None  # the event stays; its link to the infusion is audited
                audit.append(
                    session,
                    user=user,
                    action="update",
                    table_name=get_form("AE").table,
                    record_id=str(event.id),
                    subject_id=subjid,
                    changes=[audit.Change("infusion_id", row.id, None)],
                    reason=f"infusion {row.id} deleted: {reason.strip()}",
                )
        _delete_row(session, form_def, row, subjid, user, reason)
        if form == "EX":
            owner = session.get(Subject, row.subject_id)
            assert owner is not None
            refresh_dependents(
                session,
                owner,
                user=user,
                cause=f"{form_def.label.en} {record_id} deleted",
                visits=False,
            )
        return SaveResult(
            SaveOutcome.DELETED, record_id=record_id, subject=subjid, message="Deleted"
        )


def _delete_row(
    session: Session, form_def: Form, row: Any, subjid: str, user: str, reason: str
) -> None:
    changes = [
        audit.Change(f.code, audit.to_text(getattr(row, f.column)), None)
        for f in form_def.fields
        if getattr(row, f.column) is not None
    ]
    # the missing-data codes and the infusion link too, so that a replay can check them
    changes += [
        audit.Change(f"{c}.missing", v, None) for c, v in sorted((row.missing or {}).items())
    ]
    if getattr(row, "infusion_id", None) is not None:
        changes.append(audit.Change("infusion_id", row.infusion_id, None))
    changes.append(audit.Change("status", row.status, None))
    audit.append(
        session,
        user=user,
        action="delete",
        table_name=form_def.table,
        record_id=str(row.id),
        subject_id=subjid,
        changes=changes,
        reason=reason.strip(),
    )
    session.delete(row)
    session.flush()


def is_date_field(f: Field) -> bool:
    return f.type in (FieldType.DATE, FieldType.DATETIME, FieldType.PARTIAL_DATE)
