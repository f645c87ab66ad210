"""One form's parsed values -> findings: required fields, ranges, missing-data codes, rules.

`validate` checks the parsed values of one form against the dictionary's required flags,
hard and soft ranges and code lists, then runs the form's cross-field rules and checks
(`msct_crf.study.rules`). The write path and the live validation of an open form call the
same function with the same subject context, so both see the same findings. Every finding
names the field and what is allowed, in English and Chinese. User data never raises here.

Parsing lives in `msct_crf.study.parsing`; its names are re-exported here for callers that
parse and validate together.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from msct_crf.study import rules
from msct_crf.study.dictionary import CodeList, Field, MissingCode
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.parsing import (
    Finding,
    Parsed,
    Severity,
    describe_allowed,
    describe_range,
    field_error,
    parse_value,
)
from msct_crf.study.rules import SubjectContext
from msct_crf.study.sites import form_with_sites
from msct_crf.study.text import has_control_characters
from msct_crf.study.units import UnitSystem

__all__ = [
    "Finding",
    "Parsed",
    "Severity",
    "SubjectContext",
    "errors",
    "field_findings",
    "has_control_characters",
    "parse_value",
    "validate",
    "warnings",
]


def field_findings(f: Field, value: Any, units: UnitSystem = UnitSystem.SI) -> list[Finding]:
    """Hard and soft range findings of one parsed (SI) value. With conventional `units` the
    messages also give the range (and the value) in the conventional unit."""
    if value is None or not f.is_numeric:
        return []
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return [
            field_error(
                f,
                "type",
                f"must be a finite number; allowed {describe_allowed(f, units)}",
                f"须为有限数值，允许 {describe_allowed(f, units)}",
            )
        ]
    if f.hard is not None and (
        not f.hard.contains(value)
        or (f.exclusive_low and f.hard.low is not None and value <= f.hard.low)
    ):
        bound = describe_allowed(f, units)
        shown = _fmt_value(f, value, units)
        return [
            field_error(
                f,
                "hard_range",
                f"must be {bound}; got {shown}",
                f"超出允许范围 {bound}（输入 {shown}）",
            )
        ]
    if f.soft is not None and not f.soft.contains(value):
        expected = describe_range(f, f.soft, units)
        shown = _fmt_value(f, value, units)  # only for a finding (most values have none)
        return [
            field_error(
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
    reported: Collection[str] = (),
    sites: CodeList | None = None,
) -> list[Finding]:
    """Findings for one form's parsed SI `values` (derived fields included).

    `units` says in which unit system each value was typed (one for all, or per field code),
    so a range message can also give the range in the unit the person typed. `reported` are
    fields that already have a finding from parsing (their value is None here), so that a
    check saying a value is needed stays quiet about a value that was typed but refused.
    `sites` are the study's registered sites (the caller loads them from the site registry),
    which the site field takes; without them, the dictionary's own three."""
    form = form_with_sites(get_form(form_code), sites)
    missing = missing or {}
    per_field = {} if isinstance(units, UnitSystem) else units
    default_units = units if isinstance(units, UnitSystem) else UnitSystem.SI

    def unit_of_field(code: str) -> UnitSystem:
        return per_field.get(code, default_units)

    context = context or SubjectContext()
    findings: list[Finding] = []
    for f in form.fields:
        value = values.get(f.code)
        code = missing.get(f.code)
        if code is not None and code not in MissingCode.__members__:
            findings.append(
                field_error(
                    f,
                    "missing_code",
                    "missing-data code must be ND, UNK or NA",
                    "缺失代码须为 ND、UNK 或 NA",
                )
            )
        elif code is not None and value is not None:
            findings.append(
                field_error(
                    f,
                    "missing_code",
                    f"has both a value and the missing-data code {code}; clear one",
                    f"同时有数值和缺失代码 {code}",
                )
            )
        if value is None and code is None and f.required and complete and not f.derived:
            findings.append(
                field_error(
                    f,
                    "required",
                    "is required; enter a value or a missing-data code (ND, UNK, NA)",
                    "为必填项，请输入数值或缺失代码",
                )
            )
        findings.extend(field_findings(f, value, unit_of_field(f.code)))
    findings.extend(rules.cross_field_findings(form, values, missing, context))
    reported = {*reported, *(f.field for f in findings)}
    findings.extend(rules.form_check_findings(form, values, context, reported))
    return findings


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "warning"]
