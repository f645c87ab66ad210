"""Field and cross-field rules -> findings. User data never raises here.

`parse_value` turns what a person typed (or a typed Python value from the demo or an import)
into the field's Python type, converting conventional units to SI. `validate` checks the
parsed values of one form against the dictionary's required flags, hard and soft ranges,
code lists and the cross-field rules of crf-spec.md. Every finding names the field and what
is allowed, in English and Chinese.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from msct_crf.study import schedule
from msct_crf.study.dictionary import (
    CROSS_RULES,
    EXCLUSION,
    INCLUSION,
    Field,
    FieldType,
    Form,
    MissingCode,
    Range,
)
from msct_crf.study.dictionary import (
    form as get_form,
)
from msct_crf.study.units import UnitSystem, to_si

Severity = Literal["error", "warning"]

#: Numbers beyond this magnitude are refused even where a field has no hard range.
MAX_MAGNITUDE = 1e12
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Control characters, line/paragraph separators, and lone surrogates (not encodable as UTF-8,
# so SQLite could not store them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
# What a person may type as a number: plain ASCII decimal notation (full-width digits are
# folded to ASCII first by NFKC). No "1_000", no hex, no other scripts' digits.
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
_NON_FINITE = re.compile(r"^[+-]?(?:nan|inf|infinity)$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?$", re.ASCII)


@dataclass(frozen=True)
class Finding:
    """One problem with one field (or with a rule over several fields)."""

    field: str
    severity: Severity
    rule: str
    message: str
    message_zh: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _name(f: Field) -> str:
    return f"{f.label.en} ({f.code})"


def _name_zh(f: Field) -> str:
    return f"{f.label.zh}（{f.code}）"


def _error(f: Field, rule: str, en: str, zh: str, severity: Severity = "error") -> Finding:
    return Finding(f.code, severity, rule, f"{_name(f)} {en}", f"{_name_zh(f)}{zh}")


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Parsed:
    value: Any
    finding: Finding | None = None


def parse_value(f: Field, raw: object, units: UnitSystem = UnitSystem.SI) -> Parsed:
    """The field's value from `raw` (a string as typed, or a Python value); blank -> None."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFKC", raw).strip()  # full-width digits from Chinese IMEs
        if raw == "":
            return Parsed(None)
        if _CONTROL.search(raw):
            return Parsed(
                None,
                _error(
                    f,
                    "type",
                    "contains control characters or invalid characters; type plain text",
                    "含有控制字符或无效字符，请输入普通文本",
                ),
            )
    parser = _PARSERS[f.type]
    return parser(f, raw, units)


def _parse_text(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if not isinstance(raw, str):
        raw = str(raw)
    if len(raw) > f.max_length:
        return Parsed(
            None,
            _error(
                f,
                "length",
                f"must be at most {f.max_length} characters (got {len(raw)})",
                f"最多 {f.max_length} 个字符",
            ),
        )
    return Parsed(raw)


def _number(raw: object) -> float | None:
    """A float from a typed or Python number; None when it is not a number at all.
    Non-finite and overflowing input comes back as inf/nan for the caller to refuse."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        try:
            return float(raw)
        except OverflowError:
            return math.inf
    if isinstance(raw, float):
        return raw
    if isinstance(raw, str) and (_NUMBER.match(raw) or _NON_FINITE.match(raw)):
        try:
            return float(raw)
        except (ValueError, OverflowError):
            return math.inf
    if isinstance(raw, numbers.Real | Decimal):  # Decimal, Fraction, numpy numbers
        try:
            return float(raw)
        except (ValueError, OverflowError):
            return math.inf
    return None


def _shown(raw: object) -> str:
    """What was typed, shortened for a message (never raises, even for a huge int)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 128:
        return "a number with more than 38 digits"
    text = raw if isinstance(raw, str) else repr(raw)
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def _describe_range(f: Field, rng: Range, units: UnitSystem, *, exclusive_low: bool = False) -> str:
    """`rng` in the field's SI unit and, for conventional input, also in the conventional unit."""
    unit = f" {f.unit}" if f.unit else ""
    if exclusive_low and rng.low is not None and rng.high is None:
        text = f"> {rng.low:g}{unit}"
    elif exclusive_low and rng.low is not None and rng.high is not None:
        text = f"> {rng.low:g} and <= {rng.high:g}{unit}"
    else:
        text = f"{rng.describe()}{unit}"
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        conv = Range(
            None if rng.low is None else f.conventional.from_si(rng.low),
            None if rng.high is None else f.conventional.from_si(rng.high),
        )
        described = (
            conv.describe()
            if conv.low is None or conv.high is None
            else (f"{conv.low:.3g}-{conv.high:.3g}")
        )
        text += f" ({described} {f.conventional.unit})"
    return text


def _describe_allowed(f: Field, units: UnitSystem) -> str:
    if f.hard is None:
        return "a number"
    return _describe_range(f, f.hard, units, exclusive_low=f.exclusive_low)


def _parse_number(f: Field, raw: object, units: UnitSystem) -> Parsed:
    number = _number(raw)
    if number is None:
        kind = "a whole number" if f.type is FieldType.INTEGER else "a number"
        return Parsed(
            None,
            _error(
                f,
                "type",
                f"must be {kind}; allowed {_describe_allowed(f, units)} (got {_shown(raw)})",
                f"须为数字，允许 {_describe_allowed(f, units)}（输入为 {_shown(raw)}）",
            ),
        )
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        return Parsed(
            None,
            _error(
                f,
                "type",
                f"must be a finite number; allowed "
                f"{_describe_allowed(f, units)} (got {_shown(raw)})",
                f"须为有限数值，允许 {_describe_allowed(f, units)}（输入为 {_shown(raw)}）",
            ),
        )
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        number = round(to_si(f, number, units), 6)  # 3.0 mg/dL -> 51.3, not 51.300000000000004
    if f.type is FieldType.INTEGER:
        if number != math.floor(number):
            return Parsed(
                None,
                _error(
                    f,
                    "type",
                    f"must be a whole number; allowed {_describe_allowed(f, units)} "
                    f"(got {_shown(raw)})",
                    f"须为整数（输入为 {_shown(raw)}）",
                ),
            )
        return Parsed(int(number))
    return Parsed(number)


def _parse_date(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if isinstance(raw, datetime):
        raw = raw.date()
    if not isinstance(raw, date):
        try:
            raw = date.fromisoformat(raw) if isinstance(raw, str) and _DATE.match(raw) else None
        except ValueError:
            raw = None
    if not isinstance(raw, date) or not EARLIEST_DATE <= raw <= LATEST_DATE:
        return Parsed(
            None,
            _error(
                f,
                "type",
                "must be a real date written YYYY-MM-DD between 1900-01-01 and 2100-12-31",
                "须为有效日期（YYYY-MM-DD）",
            ),
        )
    return Parsed(raw)


def _parse_partial_date(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        raw = raw.isoformat()
    match = _PARTIAL.match(str(raw))
    valid = False
    if match:
        year, month, day = match.groups()
        try:
            date(int(year), int(month or 1), int(day or 1))
            valid = 1900 <= int(year) <= 2100
        except ValueError:
            valid = False
    if not valid:
        return Parsed(
            None,
            _error(
                f,
                "type",
                "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
                "须为日期（YYYY、YYYY-MM 或 YYYY-MM-DD）",
            ),
        )
    return Parsed(str(raw))


def _parse_datetime(f: Field, raw: object, units: UnitSystem) -> Parsed:
    value: datetime | None = None
    if isinstance(raw, datetime):
        # local clinic time; an aware datetime is refused like "10:00+08:00" typed as text,
        # rather than silently dropping its offset
        value = raw.replace(microsecond=0) if raw.tzinfo is None else None
    elif isinstance(raw, str) and _DATETIME.match(raw):
        try:
            value = datetime.fromisoformat(raw.replace(" ", "T", 1)).replace(microsecond=0)
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            value = None
    if value is None or not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        return Parsed(
            None,
            _error(
                f,
                "type",
                "must be a real date and time written YYYY-MM-DD HH:MM",
                "须为有效日期时间（YYYY-MM-DD HH:MM）",
            ),
        )
    return Parsed(value)


def _parse_code(f: Field, raw: object, units: UnitSystem) -> Parsed:
    assert f.codelist is not None
    code = str(raw) if not isinstance(raw, bool) else ""
    if code not in f.codelist.codes:
        allowed = ", ".join(f"{c} ({f.codelist.label(c)})" for c in f.codelist.codes)
        return Parsed(
            None,
            _error(
                f,
                "codelist",
                f"must be one of: {allowed} (got {code[:40]!r})",
                f"须为以下之一：{', '.join(f.codelist.codes)}",
            ),
        )
    return Parsed(code)


_PARSERS = {
    FieldType.TEXT: _parse_text,
    FieldType.INTEGER: _parse_number,
    FieldType.FLOAT: _parse_number,
    FieldType.DATE: _parse_date,
    FieldType.PARTIAL_DATE: _parse_partial_date,
    FieldType.DATETIME: _parse_datetime,
    FieldType.CODE: _parse_code,
}


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class SubjectContext:
    """What the cross-field rules need to know about the subject beyond the form itself."""

    consent_date: date | None = None
    enrolment_date: date | None = None
    death_date: date | None = None
    day0: date | None = None
    has_death_disposition: bool = False
    latest_data_date: date | None = None  # newest date on any other form of the subject
    taken_visits: frozenset[str] = field(default_factory=frozenset)  # scheduled visits entered


# --------------------------------------------------------------------------- validation


def field_findings(f: Field, value: Any, units: UnitSystem = UnitSystem.SI) -> list[Finding]:
    """Hard and soft range findings of one parsed (SI) value. With conventional `units` the
    messages also give the range (and the value) in the conventional unit."""
    if value is None or not f.is_numeric:
        return []
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return [
            _error(
                f,
                "type",
                f"must be a finite number; allowed {_describe_allowed(f, units)}",
                f"须为有限数值，允许 {_describe_allowed(f, units)}",
            )
        ]
    shown = _fmt_value(f, value, units)
    if f.hard is not None and (
        not f.hard.contains(value)
        or (f.exclusive_low and f.hard.low is not None and value <= f.hard.low)
    ):
        bound = _describe_allowed(f, units)
        return [
            _error(
                f,
                "hard_range",
                f"must be {bound}; got {shown}",
                f"超出允许范围 {bound}（输入 {shown}）",
            )
        ]
    if f.soft is not None and not f.soft.contains(value):
        expected = _describe_range(f, f.soft, units)
        return [
            _error(
                f,
                "soft_range",
                f"is {shown}, outside the expected {expected}; confirm it is correct",
                f"为 {shown}，超出常见范围 {expected}，请确认",
                severity="warning",
            )
        ]
    return []


def _fmt_value(f: Field, value: float, units: UnitSystem) -> str:
    unit = f" {f.unit}" if f.unit else ""
    text = f"{_fmt(value)}{unit}"
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        text = f"{_fmt(f.conventional.from_si(value))} {f.conventional.unit} = {text}"
    return text


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def validate(
    form_code: str,
    values: Mapping[str, Any],
    missing: Mapping[str, str] | None = None,
    *,
    context: SubjectContext | None = None,
    complete: bool = True,
    units: UnitSystem | Mapping[str, UnitSystem] = UnitSystem.SI,
) -> list[Finding]:
    """Findings for one form's parsed SI `values` (derived fields included).

    `units` says in which unit system each value was typed (one for all, or per field code),
    so a range message can also give the range in the unit the person typed."""
    form = get_form(form_code)
    missing = missing or {}
    unit_of_field = (
        (lambda code: units)
        if isinstance(units, UnitSystem)
        else (lambda code: units.get(code, UnitSystem.SI))
    )
    context = context or SubjectContext()
    findings: list[Finding] = []
    for f in form.fields:
        value = values.get(f.code)
        code = missing.get(f.code)
        if code is not None and code not in MissingCode.__members__:
            findings.append(
                _error(
                    f,
                    "missing_code",
                    "missing-data code must be ND, UNK or NA",
                    "缺失代码须为 ND、UNK 或 NA",
                )
            )
        elif code is not None and value is not None:
            findings.append(
                _error(
                    f,
                    "missing_code",
                    f"has both a value and the missing-data code {code}; clear one",
                    f"同时有数值和缺失代码 {code}",
                )
            )
        if value is None and code is None and f.required and complete and not f.derived:
            findings.append(
                _error(
                    f,
                    "required",
                    "is required; enter a value or a missing-data code (ND, UNK, NA)",
                    "为必填项，请输入数值或缺失代码",
                )
            )
        findings.extend(field_findings(f, value, unit_of_field(f.code)))
    for rule in form.rules:
        target = _SPECIFY_TARGETS.get(rule)
        if target is not None and missing.get(target) in MissingCode.__members__:
            continue  # "specify ..." answered with a missing-data code (e.g. cause UNK)
        findings.extend(_RULES[rule](form, values, context))
    return findings


# --------------------------------------------------------------------------- cross-field rules


def _rule(code: str, f: Field, severity: Severity | None = None, detail: str = "") -> Finding:
    rule = CROSS_RULES[code]
    return Finding(
        f.code,
        severity or ("warning" if rule.severity == "warning" else "error"),
        code,
        f"{_name(f)}: {rule.label.en}{detail}",
        f"{_name_zh(f)}：{rule.label.zh}",
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _PARTIAL.match(value)
        if match and match.group(3):  # only complete dates take part in date rules
            return date.fromisoformat(value)
    return None


def _partial_key(value: Any) -> str | None:
    """A partial date as a comparable prefix string (YYYY, YYYY-MM, YYYY-MM-DD)."""
    return value if isinstance(value, str) and _PARTIAL.match(value) else None


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
_SPECIFY_TARGETS: dict[str, str] = {}


def _specify(code: str, trigger: str, trigger_value: str, target: str) -> Rule:
    _SPECIFY_TARGETS[code] = target

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


_RULES = {
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


def has_control_characters(text: str) -> bool:
    """True when `text` holds characters no field may store (control, separators, surrogates)."""
    return _CONTROL.search(text) is not None


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "warning"]
