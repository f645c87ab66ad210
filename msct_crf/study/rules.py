"""The cross-field rules of crf-spec.md, and the form checks that need the rest of the subject.

A rule sees one form's parsed SI values and a `SubjectContext`: what the subject's other
forms say (consent and enrolment dates, day 0, death, visits and timepoints already
entered). `records.subject_context` computes the context from the database, both for a save
and for the live validation of an open form, so a person sees every finding while typing
that the save would give. Every finding names the field and what is allowed.

`RULES` holds the dictionary's cross-field rules (a form lists the ones that apply);
`FORM_CHECKS` the checks of one form that are not in the dictionary: a consent or enrolment
date that would leave other forms behind, the site a subject ID needs, a scheduled visit or
vital-signs timepoint entered twice.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from msct_crf.study import schedule
from msct_crf.study.dictionary import (
    CROSS_RULES,
    EXCLUSION,
    INCLUSION,
    Field,
    FieldType,
    Form,
    MissingCode,
)
from msct_crf.study.parsing import PARTIAL_DATE, Finding, Severity, field_name, field_name_zh


@dataclass(frozen=True)
class SubjectContext:
    """What the rules need to know about the subject beyond the form itself."""

    consent_date: date | None = None
    enrolment_date: date | None = None
    death_date: date | None = None
    day0: date | None = None
    has_death_disposition: bool = False
    latest_data_date: date | None = None  # newest date on any other form of the subject
    taken_visits: frozenset[str] = field(default_factory=frozenset)  # scheduled visits entered
    first_visit_date: date | None = None  # the subject's earliest visit
    disposition_date: date | None = None  # the subject's disposition (any outcome)
    #: timepoints of the infusion's other vital signs (for a vital-signs record)
    taken_timepoints: frozenset[str] = field(default_factory=frozenset)


def _rule(code: str, f: Field, severity: Severity | None = None, detail: str = "") -> Finding:
    rule = CROSS_RULES[code]
    return Finding(
        f.code,
        severity or ("warning" if rule.severity == "warning" else "error"),
        code,
        f"{field_name(f)}: {rule.label.en}{detail}",
        f"{field_name_zh(f)}：{rule.label.zh}",
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = PARTIAL_DATE.match(value)
        if match and match.group(3):  # only complete dates take part in date rules
            return date.fromisoformat(value)
    return None


def _partial_key(value: Any) -> str | None:
    """A partial date as a comparable prefix string (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return value if isinstance(value, str) and PARTIAL_DATE.match(value) else None


def _before(
    form: Form, values: Mapping[str, Any], first: str, second: str, code: str, strict: bool = False
) -> list[Finding]:
    a, b = values.get(first), values.get(second)
    if a is None or b is None:
        return []
    if isinstance(a, str) or isinstance(b, str):  # partial dates: compare common prefix
        ka = a if isinstance(a, str) else _as_date(a).isoformat()  # type: ignore[union-attr]
        kb = b if isinstance(b, str) else _as_date(b).isoformat()  # type: ignore[union-attr]
        n = min(len(ka), len(kb))
        bad = ka[:n] > kb[:n]
    else:
        bad = a >= b if strict else a > b
    return (
        [_rule(code, form.field(second if code.endswith("AFTER_START") else first))] if bad else []
    )


def _consent_before_enrol(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    return _before(form, v, "RFICDTC", "ENRLDTC", "CONSENT_BEFORE_ENROL")


def _dx_before_enrol(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    return _before(form, v, "DXDTC", "ENRLDTC", "DXDTC_BEFORE_ENROL")


def _eligibility(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    failed = [f.code for f in INCLUSION if v.get(f.code) == "N"]
    failed += [f.code for f in EXCLUSION if v.get(f.code) == "Y"]
    if failed and not v.get("IEWAIVER"):
        return [
            _rule("ELIGIBILITY", form.field("IEWAIVER"), detail=f" (not met: {', '.join(failed)})")
        ]
    return []


Rule = Callable[[Form, Mapping[str, Any], SubjectContext], list[Finding]]


#: rule code -> the field a "specify ..." rule asks for; a missing-data code answers it.
SPECIFY_TARGETS: dict[str, str] = {}


def _specify(code: str, trigger: str, trigger_value: str, target: str) -> Rule:
    SPECIFY_TARGETS[code] = target

    def check(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
        if v.get(trigger) == trigger_value and not v.get(target):
            return [_rule(code, form.field(target))]
        return []

    return check


def _age_from_dob(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    dob, consent = v.get("BRTHDTC"), v.get("RFICDTC")
    if isinstance(dob, date) and isinstance(consent, date) and dob > consent:
        return [
            Finding(
                "BRTHDTC",
                "error",
                "AGE_FROM_DOB",
                "Date of birth (BRTHDTC) must be before the informed consent date",
                "出生日期（BRTHDTC）须早于知情同意日期",
            )
        ]
    return []


def _ex_end_after_start(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    return _before(form, v, "EXSTDTC", "EXENDTC", "EX_END_AFTER_START", strict=True)


def _ex_dose_vs_plan(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    dose, plan = v.get("EXDOSE"), v.get("EXPLAN")
    if dose is None or not plan:
        return []
    if abs(dose - plan) / plan > 0.20:
        return [
            _rule(
                "EX_DOSE_VS_PLAN",
                form.field("EXDOSE"),
                detail=f" ({dose:.2f} vs {plan:.2f} x10^6 cells/kg)",
            )
        ]
    return []


def _sys_gt_dia(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    sys_bp, dia_bp = v.get("SYSBP"), v.get("DIABP")
    if sys_bp is not None and dia_bp is not None and sys_bp <= dia_bp:
        return [_rule("SYS_GT_DIA", form.field("SYSBP"), detail=f" ({sys_bp}/{dia_bp} mmHg)")]
    return []


def _visit_not_before_consent(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    visit_date = v.get("VISDTC")
    if visit_date and c.consent_date and visit_date < c.consent_date:
        return [
            _rule(
                "VISIT_NOT_BEFORE_CONSENT",
                form.field("VISDTC"),
                detail=f" ({c.consent_date.isoformat()})",
            )
        ]
    return []


def _not_after_death(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    if c.death_date is None:
        return []
    out = []
    death = c.death_date.isoformat()
    for f in form.fields:
        value = v.get(f.code)
        if f.type in (FieldType.DATE, FieldType.DATETIME):
            d = _as_date(value)
            after = d is not None and d > c.death_date
        elif f.type is FieldType.PARTIAL_DATE and _partial_key(value):
            # "2025" or "2024-07" is after a death on 2024-06-30; "2024" is not known to be
            after = str(value) > death[: len(str(value))]
        else:
            after = False
        if after:
            out.append(_rule("NOT_AFTER_DEATH", f, detail=f" ({death})"))
    return out


def _dbil_le_tbil(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    dbil, tbil = v.get("DBIL"), v.get("TBIL")
    if dbil is not None and tbil is not None and dbil > tbil:
        return [_rule("DBIL_LE_TBIL", form.field("DBIL"), detail=f" ({dbil:g} > {tbil:g} µmol/L)")]
    return []


def _visit_window(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    visit, visit_date = v.get("VISIT"), v.get("VISDTC")
    if not visit or visit == "UNSCHED" or visit_date is None or c.day0 is None:
        return []
    start, _target, end = schedule.window_for(visit, c.day0)
    if not start <= visit_date <= end:
        return [
            _rule(
                "VISIT_WINDOW",
                form.field("VISDTC"),
                detail=f" (window {start.isoformat()} to {end.isoformat()})",
            )
        ]
    return []


def _ae_end_after_start(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    return _before(form, v, "AESTDTC", "AEENDTC", "AE_END_AFTER_START")


SERIOUS_CRITERIA = ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")


def _ae_serious_criteria(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    if v.get("AESER") == "Y" and not any(v.get(code) == "Y" for code in SERIOUS_CRITERIA):
        return [_rule("AE_SERIOUS_CRITERIA", form.field("AESER"))]
    return []


def _ae_fatal_needs_death(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    if (v.get("AETOXGR") == "5" or v.get("AEOUT") == "FATAL") and not c.has_death_disposition:
        return [_rule("AE_FATAL_NEEDS_DEATH", form.field("AEOUT"))]
    return []


def _cm_end_after_start(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    return _before(form, v, "CMSTDTC", "CMENDTC", "CM_END_AFTER_START")


def _ds_not_before_enrol(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    ds_date = v.get("DSSTDTC")
    if ds_date and c.enrolment_date and ds_date < c.enrolment_date:
        return [
            _rule(
                "DS_NOT_BEFORE_ENROL",
                form.field("DSSTDTC"),
                detail=f" ({c.enrolment_date.isoformat()})",
            )
        ]
    return []


def _nothing_after_death(form: Form, v: Mapping[str, Any], c: SubjectContext) -> list[Finding]:
    ds_date = v.get("DSSTDTC")
    if (
        v.get("DSDECOD") == "DIED"
        and ds_date
        and c.latest_data_date
        and c.latest_data_date > ds_date
    ):
        return [
            _rule(
                "NOTHING_AFTER_DEATH",
                form.field("DSSTDTC"),
                detail=f" (latest data {c.latest_data_date.isoformat()})",
            )
        ]
    return []


#: rule code -> its check; every rule of the dictionary's CROSS_RULES has one.
RULES: dict[str, Rule] = {
    "CONSENT_BEFORE_ENROL": _consent_before_enrol,
    "DXDTC_BEFORE_ENROL": _dx_before_enrol,
    "ELIGIBILITY": _eligibility,
    "DXOTH_SPECIFY": _specify("DXOTH_SPECIFY", "DXCAT", "OTHER", "DXOTH"),
    "AGE_FROM_DOB": _age_from_dob,
    "EX_END_AFTER_START": _ex_end_after_start,
    "EX_DOSE_VS_PLAN": _ex_dose_vs_plan,
    "EX_ROUTE_OTHER": _specify("EX_ROUTE_OTHER", "EXROUTE", "OTHER", "EXROUTEO"),
    "EX_NOT_COMPLETED_REASON": _specify("EX_NOT_COMPLETED_REASON", "EXCOMPL", "N", "EXCOMPRS"),
    "SYS_GT_DIA": _sys_gt_dia,
    "VISIT_NOT_BEFORE_CONSENT": _visit_not_before_consent,
    "NOT_AFTER_DEATH": _not_after_death,
    "DBIL_LE_TBIL": _dbil_le_tbil,
    "VISIT_WINDOW": _visit_window,
    "AE_END_AFTER_START": _ae_end_after_start,
    "AE_SERIOUS_CRITERIA": _ae_serious_criteria,
    "AE_FATAL_NEEDS_DEATH": _ae_fatal_needs_death,
    "CM_END_AFTER_START": _cm_end_after_start,
    "DS_DEATH_CAUSE": _specify("DS_DEATH_CAUSE", "DSDECOD", "DIED", "DSDTHCAU"),
    "DS_LTX_DATE": _specify("DS_LTX_DATE", "DSDECOD", "LTX", "DSLTXDTC"),
    "DS_LOST_CONTACT": _specify("DS_LOST_CONTACT", "DSDECOD", "LOST", "DSLCDTC"),
    "DS_NOT_BEFORE_ENROL": _ds_not_before_enrol,
    "NOTHING_AFTER_DEATH": _nothing_after_death,
}


def cross_field_findings(
    form: Form, values: Mapping[str, Any], missing: Mapping[str, str], context: SubjectContext
) -> list[Finding]:
    """Findings of the dictionary's cross-field rules that apply to `form`."""
    findings: list[Finding] = []
    for rule in form.rules:
        target = SPECIFY_TARGETS.get(rule)
        if target is not None and missing.get(target) in MissingCode.__members__:
            continue  # "specify ..." answered with a missing-data code (e.g. cause UNK)
        findings.extend(RULES[rule](form, values, context))
    return findings


# --------------------------------------------------------------------------- form checks

#: A check of one form: (form, values, context, fields that already have a finding).
FormCheck = Callable[[Form, Mapping[str, Any], SubjectContext, Collection[str]], list[Finding]]


def _consent_not_after_first_visit(
    form: Form, v: Mapping[str, Any], c: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    """Moving the consent date of an enrolled subject must not leave a visit before consent."""
    consent, first_visit = v.get("RFICDTC"), c.first_visit_date
    if isinstance(consent, date) and first_visit is not None and first_visit < consent:
        f = form.field("RFICDTC")
        return [
            Finding(
                "RFICDTC",
                "error",
                "VISIT_NOT_BEFORE_CONSENT",
                f"{f.label.en} (RFICDTC) must be on or before the first visit "
                f"({first_visit.isoformat()})",
                f"{f.label.zh}（RFICDTC）须早于或等于首次访视日期（{first_visit.isoformat()}）",
            )
        ]
    return []


def _enrolment_not_after_disposition(
    form: Form, v: Mapping[str, Any], c: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    """Moving the enrolment date must not leave the disposition before enrolment."""
    enrolled, ds_date = v.get("ENRLDTC"), c.disposition_date
    if isinstance(enrolled, date) and ds_date is not None and ds_date < enrolled:
        f = form.field("ENRLDTC")
        return [
            Finding(
                "ENRLDTC",
                "error",
                "DS_NOT_BEFORE_ENROL",
                f"{f.label.en} (ENRLDTC) must be on or before the disposition date "
                f"({ds_date.isoformat()})",
                f"{f.label.zh}（ENRLDTC）须早于或等于研究结局日期（{ds_date.isoformat()}）",
            )
        ]
    return []


def _site_for_subject_id(
    form: Form, v: Mapping[str, Any], c: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    """The subject ID is numbered per site, so even a draft enrolment needs its site
    (unless something is already said about the site, such as a code it does not know)."""
    if v.get("SITEID") is not None or "SITEID" in reported:
        return []
    site = form.field("SITEID")
    assert site.codelist is not None
    return [
        Finding(
            "SITEID",
            "error",
            "required",
            f"{site.label.en} (SITEID) is required to assign the subject ID, even for a "
            f"draft; choose one of {', '.join(site.codelist.codes)}",
            f"{site.label.zh}（SITEID）用于分配受试者编号，草稿也须填写",
        )
    ]


def _visit_not_entered_twice(
    form: Form, v: Mapping[str, Any], c: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    visit = v.get("VISIT")
    if visit in (None, "UNSCHED") or visit not in c.taken_visits:
        return []
    f = form.field("VISIT")
    return [
        Finding(
            "VISIT",
            "error",
            "duplicate_visit",
            f"{f.label.en} (VISIT): {visit} is already entered for "
            "this subject; open that visit to change it",
            f"{f.label.zh}（VISIT）：该访视已录入",
        )
    ]


def _timepoint_not_entered_twice(
    form: Form, v: Mapping[str, Any], c: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    timepoint = v.get("VSTPT")
    if timepoint is None or timepoint not in c.taken_timepoints:
        return []
    f = form.field("VSTPT")
    return [
        Finding(
            "VSTPT",
            "error",
            "duplicate_timepoint",
            f"{f.label.en} (VSTPT): {timepoint} is already entered for this "
            "infusion; open those vital signs to change them",
            f"{f.label.zh}（VSTPT）：该时间点已录入",
        )
    ]


#: form code -> its checks beyond the dictionary's rules, in the order they report.
FORM_CHECKS: dict[str, tuple[FormCheck, ...]] = {
    "ENROL": (
        _consent_not_after_first_visit,
        _enrolment_not_after_disposition,
        _site_for_subject_id,
    ),
    "VIS": (_visit_not_entered_twice,),
    "VS": (_timepoint_not_entered_twice,),
}


def form_check_findings(
    form: Form, values: Mapping[str, Any], context: SubjectContext, reported: Collection[str]
) -> list[Finding]:
    """Findings of the form's own checks; `reported` are the fields that already have one."""
    findings: list[Finding] = []
    for check in FORM_CHECKS.get(form.code, ()):
        findings.extend(check(form, values, context, reported))
    return findings
