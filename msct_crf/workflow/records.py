"""The only write path: parse -> derive -> validate -> write -> audit, in one transaction.

`save_form` never raises on user data: it returns a `SaveResult` whose findings name the field
and what is allowed. Hard errors refuse the save; soft warnings refuse it until the caller
confirms them (the confirmation is audited); changing a form that is already complete needs
a reason. Values are stored in SI units; a value typed in conventional units is converted and
the audit keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from msct_crf import access
from msct_crf.clock import Clock, utc_now
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
from msct_crf.storage.store import Store
from msct_crf.study.derive import derive
from msct_crf.study.dictionary import Field, FieldType, Form, MissingCode
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.units import UnitSystem
from msct_crf.study.validation import (
    Finding,
    SubjectContext,
    has_control_characters,
    parse_value,
    validate,
)

#: Record statuses, in lifecycle order (DESIGN.md).
DRAFT, COMPLETE, VERIFIED, SIGNED, LOCKED = "draft", "complete", "verified", "signed", "locked"
STATUSES = (DRAFT, COMPLETE, VERIFIED, SIGNED, LOCKED)
FROZEN_STATUSES = frozenset({SIGNED, LOCKED})


BAD_REASON = "The reason contains control or invalid characters; type it as plain text"


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    record_id: int | None = None
    subject: str | None = None
    findings: tuple[Finding, ...] = ()
    needs_confirmation: bool = False  # soft warnings the caller has not confirmed
    needs_reason: bool = False  # the form was complete; a reason for the change is needed
    message: str = ""

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


# --------------------------------------------------------------------------- reading


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
        return record_from_row(get_form("ENROL"), row, subjid) if row else None


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
        return record_from_row(form, row, subjid)


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
        return [record_from_row(form, row, subjid) for row in session.scalars(query)]


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
    session: Session, subject: Subject | None, exclude: tuple[str, int | None] = ("", None)
) -> tuple[SubjectContext, dict[str, Any]]:
    """What the rules and derivations need to know about a subject."""
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
        select(Visit.id, Visit.visit).where(Visit.subject_id == subject.id)
    ).all()
    taken = {
        code
        for visit_id, code in visits
        if code and not (exclude[0] == "VIS" and visit_id == exclude[1])
    }
    context = SubjectContext(
        consent_date=subject.rficdtc,
        enrolment_date=subject.enrldtc,
        death_date=disposition.dsstdtc if died and disposition else None,
        day0=min(starts).date() if starts else None,
        has_death_disposition=died,
        latest_data_date=_latest_date(session, subject.id, exclude),
        taken_visits=frozenset(taken),
    )
    facts = {
        "SEX": subject.sex,
        "DXCAT": subject.dxcat,
        "infusion_windows": [(s, e or s) for s, e in infusions if s is not None],
        "infusion_starts": sorted(starts),
    }
    return context, facts


def context_for(
    store: Store, subjid: str | None, form_code: str = "", record_id: int | None = None
) -> tuple[SubjectContext, dict[str, Any]]:
    """The subject context and derivation facts a save would use, for live validation."""
    with store.reading() as session:
        row = _subject_row(session, subjid) if subjid else None
        return subject_context(session, row, (form_code, record_id))


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


def _enrolment_vs_other_forms(
    session: Session, form_def: Form, subject_row: Subject, merged: Mapping[str, Any]
) -> list[Finding]:
    """Moving the consent or enrolment date of an enrolled subject must not leave a visit
    before consent or a disposition before enrolment."""
    out: list[Finding] = []
    consent, enrolled = merged.get("RFICDTC"), merged.get("ENRLDTC")
    first_visit = session.scalar(
        select(func.min(Visit.visdtc)).where(Visit.subject_id == subject_row.id)
    )
    if isinstance(consent, dt.date) and first_visit is not None and first_visit < consent:
        f = form_def.field("RFICDTC")
        out.append(
            Finding(
                "RFICDTC",
                "error",
                "VISIT_NOT_BEFORE_CONSENT",
                f"{f.label.en} (RFICDTC) must be on or before the first visit "
                f"({first_visit.isoformat()})",
                f"{f.label.zh}（RFICDTC）须早于或等于首次访视日期（{first_visit.isoformat()}）",
            )
        )
    ds_date = session.scalar(
        select(Disposition.dsstdtc).where(Disposition.subject_id == subject_row.id)
    )
    if isinstance(enrolled, dt.date) and ds_date is not None and ds_date < enrolled:
        f = form_def.field("ENRLDTC")
        out.append(
            Finding(
                "ENRLDTC",
                "error",
                "DS_NOT_BEFORE_ENROL",
                f"{f.label.en} (ENRLDTC) must be on or before the disposition date "
                f"({ds_date.isoformat()})",
                f"{f.label.zh}（ENRLDTC）须早于或等于研究结局日期（{ds_date.isoformat()}）",
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
    now: Clock = utc_now,
    actor: access.Actor | None = None,
) -> SaveResult:
    """Validate and save one form of one subject; see the module docstring."""
    with store.session() as session:
        result = save_in_session(
            session,
            user=user,
            form=form,
            values=values,
            subject=subject,
            record_id=record_id,
            parent_id=parent_id,
            units=units,
            missing=missing,
            complete=complete,
            confirm_warnings=confirm_warnings,
            reason=reason,
            now=now,
            actor=actor,
        )
        if not result.saved:
            session.rollback()
        return result


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
    now: Clock = utc_now,
    actor: access.Actor | None = None,
) -> SaveResult:
    """`save_form` inside a caller's transaction (used by the demo and bulk loads)."""
    form_def = get_form(form)
    if actor is None and (not user or not user.strip()):
        raise UserError("A user name is required to save (it goes into the audit trail)")
    # account mode: a logged-in Actor whose role may enter data (msct_crf.access)
    user = access.authorize(session, actor, access.Permission.ENTER_DATA, user=user)
    model: Any = FORM_MODELS[form]
    unit_map = {code: units for code in values} if isinstance(units, UnitSystem) else dict(units)
    missing = dict(missing or {})
    reason = (reason or "").strip() or None
    if reason is not None and has_control_characters(reason):
        return SaveResult(False, subject=subject, needs_reason=True, message=BAD_REASON)

    # -- which subject and which record
    subject_row = _subject_row(session, subject) if subject else None
    if form != "ENROL" and subject_row is None:
        return SaveResult(False, message=f"Subject {subject!r} does not exist")
    row: Any = None
    if form == "ENROL":
        row = subject_row
        if subject and row is None:
            return SaveResult(False, message=f"Subject {subject!r} does not exist")
    elif record_id is not None:
        row = session.get(model, record_id)
        if row is None or row.subject_id != subject_row.id:  # type: ignore[union-attr]
            return SaveResult(
                False,
                subject=subject,
                message=f"{form_def.label.en} record {record_id} of {subject} not found",
            )
    elif not form_def.repeating:
        row = session.scalars(select(model).where(model.subject_id == subject_row.id)).one_or_none()  # type: ignore[union-attr]
    if form == "VS":
        if row is not None and parent_id is not None and parent_id != row.infusion_id:
            return SaveResult(
                False,
                record_id=row.id,
                subject=subject,
                message=f"These vital signs belong to infusion {row.infusion_id}; they cannot "
                f"move to infusion {parent_id} (delete them and enter them there)",
            )
        parent_id = parent_id if parent_id is not None else (row.infusion_id if row else None)
        parent = session.get(Infusion, parent_id) if parent_id is not None else None
        if parent is None or parent.subject_id != subject_row.id:  # type: ignore[union-attr]
            return SaveResult(
                False,
                subject=subject,
                message="Vital signs belong to an infusion of this subject; "
                f"infusion {parent_id} not found",
            )
    if form == "AE" and parent_id is not None:  # opened from an infusion-reaction answer
        parent = session.get(Infusion, parent_id)
        if parent is None or parent.subject_id != subject_row.id:  # type: ignore[union-attr]
            return SaveResult(
                False, subject=subject, message=f"Infusion {parent_id} of {subject} not found"
            )
    if row is not None and row.status in FROZEN_STATUSES:
        return SaveResult(
            False,
            record_id=row.id,
            subject=subject,
            message=f"This {form_def.label.en} form is {row.status}; "
            "it must be unlocked (with a reason) before it can change",
        )

    # -- parse what was typed, merge with what is saved
    parsed, findings = _parse_all(form_def, values, unit_map)
    findings += _missing_findings(form_def, missing)
    old_values = (
        {f.code: getattr(row, f.column) for f in form_def.fields} if row is not None else {}
    )
    old_missing = dict(row.missing or {}) if row is not None else {}
    merged = {f.code: old_values.get(f.code) for f in form_def.entry_fields}
    merged.update(parsed)
    for code, value in missing.items():
        if not value or code not in merged:
            continue
        if parsed.get(code) is not None:  # a value and a missing-data code typed together
            f = form_def.field(code)
            findings.append(
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
    merged_missing = {k: v for k, v in {**old_missing, **missing}.items() if v}
    for code, value in parsed.items():  # typing a value clears an old missing-data code
        if value is not None and code not in missing:
            merged_missing.pop(code, None)
    merged_missing = {k: v for k, v in merged_missing.items() if merged.get(k) is None}

    context, facts = subject_context(
        session, subject_row, (form, row.id if row is not None else None)
    )
    if form == "ENROL":
        facts = {}
    merged.update(derive(form, merged, facts))
    if form == "EX":
        start = merged.get("EXSTDTC")
        earlier = [
            s
            for s in facts.get("infusion_starts", [])
            if start is not None and s < start and (row is None or s != old_values.get("EXSTDTC"))
        ]
        merged["EXNUM"] = len(earlier) + 1 if start is not None else old_values.get("EXNUM")
    findings += validate(
        form, merged, merged_missing, context=context, complete=complete, units=unit_map
    )
    if form == "ENROL" and row is not None:
        findings += _enrolment_vs_other_forms(session, form_def, row, merged)
    if form == "ENROL" and merged.get("SITEID") is None:
        site = form_def.field("SITEID")
        if not any(f.field == "SITEID" for f in findings):
            findings.append(
                Finding(
                    "SITEID",
                    "error",
                    "required",
                    f"{site.label.en} (SITEID) is needed to assign the subject ID, even for a "
                    f"draft; choose one of {', '.join(site.codelist.codes)}",  # type: ignore[union-attr]
                    f"{site.label.zh}（SITEID）用于分配受试者编号，草稿也须填写",
                )
            )
    if (
        form == "VIS"
        and merged.get("VISIT") not in (None, "UNSCHED")
        and merged["VISIT"] in context.taken_visits
    ):
        f = form_def.field("VISIT")
        findings.append(
            Finding(
                "VISIT",
                "error",
                "duplicate_visit",
                f"{f.label.en} (VISIT): {merged['VISIT']} is already entered for "
                "this subject; open that visit to change it",
                f"{f.label.zh}（VISIT）：该访视已录入",
            )
        )
    if form == "VS" and merged.get("VSTPT") is not None:
        taken = select(VitalSign.id).where(
            VitalSign.infusion_id == parent_id, VitalSign.vstpt == merged["VSTPT"]
        )
        if row is not None:
            taken = taken.where(VitalSign.id != row.id)
        if session.scalar(taken) is not None:
            f = form_def.field("VSTPT")
            findings.append(
                Finding(
                    "VSTPT",
                    "error",
                    "duplicate_timepoint",
                    f"{f.label.en} (VSTPT): {merged['VSTPT']} is already entered for this "
                    "infusion; open those vital signs to change them",
                    f"{f.label.zh}（VSTPT）：该时间点已录入",
                )
            )

    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if errors:
        return SaveResult(
            False,
            subject=subject,
            record_id=row.id if row is not None else None,
            findings=tuple(findings),
            message=f"{len(errors)} error(s); nothing saved",
        )
    if warnings and not confirm_warnings:
        return SaveResult(
            False,
            subject=subject,
            record_id=row.id if row is not None else None,
            findings=tuple(findings),
            needs_confirmation=True,
            message=f"{len(warnings)} warning(s) need confirmation",
        )

    new_status = COMPLETE if complete else DRAFT
    if row is not None and row.status != DRAFT:
        new_status = row.status if complete else DRAFT
    texts = {
        f.code: (audit.to_text(old_values.get(f.code)), audit.to_text(merged[f.code]))
        for f in form_def.fields
        if f.code in merged
    }
    changes = [audit.Change(code, old, new) for code, (old, new) in texts.items() if old != new]
    changes += [
        audit.Change(f"{code}.missing", old_missing.get(code), merged_missing.get(code))
        for code in sorted(set(old_missing) | set(merged_missing))
        if old_missing.get(code) != merged_missing.get(code)
    ]
    if new_status == VERIFIED and changes:
        new_status = COMPLETE  # changed data is no longer source-verified
    if row is not None and row.status != new_status:
        changes.append(audit.Change("status", row.status, new_status))
    if row is not None and row.status != DRAFT and changes and reason is None:
        return SaveResult(
            False,
            subject=subject,
            record_id=row.id,
            findings=tuple(findings),
            needs_reason=True,
            message=f"This {form_def.label.en} form is {row.status}; give a reason for the change",
        )
    if row is not None and not changes:
        return SaveResult(
            True, record_id=row.id, subject=subject, findings=tuple(findings), message="No changes"
        )

    # -- write
    stamp = audit.format_utc(now())
    inserting = row is None
    if inserting:
        row = model(
            created_at=stamp,
            created_by=user,
            updated_at=stamp,
            updated_by=user,
            status=new_status,
            missing={},
        )
        if form == "ENROL":
            row.subjid = _allocate_subjid(session, str(merged["SITEID"]))
            subject = row.subjid
        else:
            row.subject_id = subject_row.id  # type: ignore[union-attr]
        if form in ("VS", "AE") and parent_id is not None:
            row.infusion_id = parent_id
        row.id = fresh_record_id(session, model, form_def.table)
        session.add(row)
    for f in form_def.fields:
        if f.code in merged and f.code != "SUBJID":
            setattr(row, f.column, merged[f.code])
    row.missing = merged_missing
    row.status = new_status
    row.updated_at, row.updated_by = stamp, user
    session.flush()
    if inserting:
        changes = [
            audit.Change("status", None, new_status),
            *[c for c in changes if c.field != "status"],
        ]
        if getattr(row, "infusion_id", None) is not None:  # so that a replay rebuilds the link
            changes.append(audit.Change("infusion_id", None, row.infusion_id))
    audit.append(
        session,
        user=user,
        action="insert" if inserting else "update",
        table_name=form_def.table,
        record_id=str(row.id),
        subject_id=subject,
        changes=changes,
        reason=reason,
        now=now,
    )
    typed_in_conventional = [
        audit.Change(code, None, f"{values[code]} {form_def.field(code).conventional.unit}")  # type: ignore[union-attr]
        for code, system in unit_map.items()
        if system is UnitSystem.CONVENTIONAL
        and code in parsed
        and parsed[code] is not None
        and form_def.field(code).conventional is not None
    ]
    if typed_in_conventional:
        audit.append(
            session,
            user=user,
            action="unit_entry",
            table_name=form_def.table,
            record_id=str(row.id),
            subject_id=subject,
            changes=typed_in_conventional,
            now=now,
        )
    if warnings:
        audit.append(
            session,
            user=user,
            action="confirm_warning",
            table_name=form_def.table,
            record_id=str(row.id),
            subject_id=subject,
            changes=[audit.Change(w.field, None, w.message) for w in warnings],
            now=now,
        )
    changed_fields = {c.field for c in changes}
    if form == "EX" or (form == "ENROL" and not inserting and changed_fields & {"SEX", "DXCAT"}):
        owner = row if form == "ENROL" else subject_row
        assert isinstance(owner, Subject)
        refresh_dependents(
            session,
            owner,
            user=user,
            now=now,
            cause=f"{form_def.label.en} {row.id} changed",
            visits=form == "ENROL",
        )
    return SaveResult(
        True, record_id=row.id, subject=subject, findings=tuple(findings), message="Saved"
    )


def refresh_dependents(
    session: Session,
    subject_row: Subject,
    *,
    user: str,
    now: Clock,
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
            row.updated_at, row.updated_by = audit.format_utc(now()), user
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
                now=now,
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
    now: Clock = utc_now,
    actor: access.Actor | None = None,
) -> SaveResult:
    """Delete one record of a repeating form, with a reason; every value goes to the audit."""
    form_def = get_form(form)
    if not form_def.repeating:
        return SaveResult(False, message=f"The {form_def.label.en} form cannot be deleted")
    if not reason or not reason.strip():
        return SaveResult(False, needs_reason=True, message="Give a reason for the deletion")
    if has_control_characters(reason):
        return SaveResult(False, needs_reason=True, message=BAD_REASON)
    model: Any = FORM_MODELS[form]
    with store.session() as session:
        user = access.authorize(session, actor, access.Permission.DELETE_DATA, user=user)
        row = session.get(model, record_id)
        if row is None:
            return SaveResult(False, message=f"{form_def.label.en} record {record_id} not found")
        if row.status in FROZEN_STATUSES:
            return SaveResult(
                False, record_id=record_id, message=f"This form is {row.status}; unlock it first"
            )
        subjid = session.get(Subject, row.subject_id).subjid  # type: ignore[union-attr]
        if form == "EX":
            children = session.scalars(select(VitalSign).where(VitalSign.infusion_id == row.id))
            for child in children:
                _delete_row(session, get_form("VS"), child, subjid, user, reason, now)
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
                    now=now,
                )
        _delete_row(session, form_def, row, subjid, user, reason, now)
        if form == "EX":
            owner = session.get(Subject, row.subject_id)
            assert owner is not None
            refresh_dependents(
                session,
                owner,
                user=user,
                now=now,
                cause=f"{form_def.label.en} {record_id} deleted",
                visits=False,
            )
        return SaveResult(True, record_id=record_id, subject=subjid, message="Deleted")


def _delete_row(
    session: Session, form_def: Form, row: Any, subjid: str, user: str, reason: str, now: Clock
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
        now=now,
    )
    session.delete(row)
    session.flush()


def is_date_field(f: Field) -> bool:
    return f.type in (FieldType.DATE, FieldType.DATETIME, FieldType.PARTIAL_DATE)
