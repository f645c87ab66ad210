"""Parsing what a person types, range findings, and every cross-field rule of crf-spec.md.

User input never raises: anything that is not a valid value comes back as a finding that
names the field and what is allowed, and nothing out of the hard range is ever accepted.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msct_crf.study.dictionary import FORMS, Field, FieldType, field
from msct_crf.study.units import UnitSystem
from msct_crf.study.validation import (
    Finding,
    SubjectContext,
    errors,
    field_findings,
    parse_value,
    validate,
    warnings,
)

SI, CONV = UnitSystem.SI, UnitSystem.CONVENTIONAL
ALL_FIELDS = [fld for f in FORMS.values() for fld in f.fields]

BAD_TEXT = [
    "nan",
    "NaN",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "9" * 400,
    "abc",
    "1,5",
    "1_000",
    "0x10",
    "٣",  # Arabic-Indic digit
    "12 34",
    "1e",
    ".",
    "--1",
    "=cmd()",
    "'; DROP TABLE subject;--",
    "\x00",
    "1\x07",
    "a" * 10_000,
]


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("40", 40.0),
        (" 40 ", 40.0),
        ("40.5", 40.5),
        ("+3", 3.0),
        ("0", 0.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e2", 100.0),
        ("１２３", 123.0),  # full-width digits from a Chinese input method
        ("１２．５", 12.5),
        (12, 12.0),
        (12.5, 12.5),
        (Decimal("7.25"), 7.25),
    ],
)
def test_parse_float_accepts(raw, expected):
    parsed = parse_value(field("VIS", "ALT"), raw)
    assert parsed.finding is None
    assert parsed.value == expected


@pytest.mark.parametrize("raw", BAD_TEXT + [math.nan, math.inf, -math.inf, 10**400, True])
def test_parse_float_refuses(raw):
    parsed = parse_value(field("VIS", "ALT"), raw)
    assert parsed.value is None
    assert parsed.finding is not None and parsed.finding.severity == "error"
    message = parsed.finding.message
    assert "Alanine aminotransferase (ALT)" in message
    if not isinstance(raw, str) or "\x00" not in raw and "\x07" not in raw:
        assert "0-10000 U/L" in message
    assert len(message) < 400  # a 10,000-character input is not echoed back whole
    assert parsed.finding.message_zh


@pytest.mark.parametrize("raw", ["", "   ", "\t", "\u3000", None])
def test_blank_is_no_value(raw):
    for code in ("ALT", "VISDTC", "VISIT"):
        assert parse_value(field("VIS", code), raw) == parse_value(field("VIS", code), None)
        assert parse_value(field("VIS", code), raw).value is None
        assert parse_value(field("VIS", code), raw).finding is None


def test_parse_integer():
    f = field("VS", "PULSE")
    assert parse_value(f, "72").value == 72
    assert isinstance(parse_value(f, "72").value, int)
    assert parse_value(f, "72.0").value == 72
    assert parse_value(f, 72.0).value == 72
    bad = parse_value(f, "72.5")
    assert bad.value is None and "whole number" in bad.finding.message
    assert "20-250 /min" in bad.finding.message
    assert parse_value(f, "1e12").value == 10**12  # parsed; the range check refuses it
    assert parse_value(f, "1e13").finding is not None


@pytest.mark.parametrize(
    ("code", "typed", "si"),
    [("TBIL", "3.0", 51.3), ("CREAT", "1.2", 106.08), ("ALB", "3.5", 35.0), ("HGB", "12", 120.0)],
)
def test_conventional_input_is_converted_to_si(code, typed, si):
    parsed = parse_value(field("VIS", code), typed, CONV)
    assert parsed.finding is None
    assert parsed.value == pytest.approx(si, abs=1e-9)
    # a field without a conventional unit ignores the unit system
    assert parse_value(field("VIS", "ALT"), "40", CONV).value == 40.0


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-02-28", date(2023, 2, 28)),
        ("2024-02-29", date(2024, 2, 29)),
        (" 2023-01-05 ", date(2023, 1, 5)),
        ("２０２３-０１-０５", date(2023, 1, 5)),
        (date(2023, 1, 5), date(2023, 1, 5)),
        (datetime(2023, 1, 5, 10, 30), date(2023, 1, 5)),
    ],
)
def test_parse_date_accepts(raw, expected):
    assert parse_value(field("VIS", "VISDTC"), raw).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2023-02-30",
        "2023-02-29",
        "2023-13-01",
        "2023-00-10",
        "2023-1-5",
        "20230105",
        "2023-W01-1",
        "05/01/2023",
        "1899-12-31",
        "2101-01-01",
        "2023-01-05 10:00",
        "2023",
        "yesterday",
        "'; DROP TABLE subject;--",
        "=TODAY()",
        "a" * 10_000,
        20230105,
    ],
)
def test_parse_date_refuses(raw):
    parsed = parse_value(field("VIS", "VISDTC"), raw)
    assert parsed.value is None
    assert "Visit date (VISDTC)" in parsed.finding.message
    assert "YYYY-MM-DD" in parsed.finding.message


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("2020", True),
        ("2020-06", True),
        ("2020-06-15", True),
        ("2020-13", False),
        ("2020-00", False),
        ("2020-02-30", False),
        ("2020-6", False),
        ("20", False),
        ("1899", False),
        ("2020-06-15T00:00", False),
    ],
)
def test_parse_partial_date(raw, ok):
    parsed = parse_value(field("ENROL", "DXDTC"), raw)
    if ok:
        assert parsed.value == raw and parsed.finding is None
    else:
        assert parsed.value is None and "YYYY, YYYY-MM or YYYY-MM-DD" in parsed.finding.message
    assert parse_value(field("ENROL", "DXDTC"), date(2020, 6, 15)).value == "2020-06-15"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-01-05 10:30", datetime(2023, 1, 5, 10, 30)),
        ("2023-01-05T10:30", datetime(2023, 1, 5, 10, 30)),
        ("2023-01-05 10:30:15", datetime(2023, 1, 5, 10, 30, 15)),
        ("2023-01-05 10:30:15.25", datetime(2023, 1, 5, 10, 30, 15)),
        (datetime(2023, 1, 5, 10, 30, 0, 999), datetime(2023, 1, 5, 10, 30)),
    ],
)
def test_parse_datetime_accepts(raw, expected):
    assert parse_value(field("EX", "EXSTDTC"), raw).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2023-01-05",
        "2023-01-05 25:00",
        "2023-01-05 10:60",
        "2023-02-30 10:00",
        "2023-01-05 10:30+08:00",
        "2023-W01-1 10:00",
        "2023-01-05 10",
        "1899-12-31 10:00",
        date(2023, 1, 5),
        datetime(2023, 1, 5, 10, 30, tzinfo=UTC),
        "x" * 10_000,
    ],
)
def test_parse_datetime_refuses(raw):
    parsed = parse_value(field("EX", "EXSTDTC"), raw)
    assert parsed.value is None
    assert "Infusion start (EXSTDTC)" in parsed.finding.message
    assert "YYYY-MM-DD HH:MM" in parsed.finding.message


# --------------------------------------------------------------------------- text and codes


@pytest.mark.parametrize(
    "raw",
    ["=cmd()", "+1", "-1", "@SUM(A1)", "'; DROP TABLE subject;--", "王小明", "line1\nline2"],
)
def test_text_is_kept_as_typed(raw):
    f = field("AE", "AETERM")
    parsed = parse_value(f, raw)
    assert parsed.finding is None and parsed.value == raw


def test_text_length_and_control_characters():
    f = field("ENROL", "INITIALS")
    assert parse_value(f, "ABCD").value == "ABCD"
    too_long = parse_value(f, "ABCDE")
    assert too_long.value is None and "at most 4 characters" in too_long.finding.message
    huge = parse_value(field("AE", "AETERM"), "x" * 10_000)
    assert huge.value is None and "at most 200 characters (got 10000)" in huge.finding.message
    for raw in ("a\x00b", "a\x1bb", "a\x7fb", "a\u2028b", "a\x0cb", "\x00", "a\ud800b"):
        parsed = parse_value(field("AE", "AETERM"), raw)
        assert parsed.value is None and "control characters" in parsed.finding.message


def test_code_lists():
    f = field("ENROL", "SEX")
    assert parse_value(f, "F").value == "F"
    assert parse_value(f, " M ").value == "M"
    bad = parse_value(f, "X")
    assert bad.value is None
    assert "Sex (SEX) must be one of: F (Female), M (Male)" in bad.finding.message
    assert parse_value(f, "f").finding is not None  # codes are exact
    assert parse_value(f, True).finding is not None
    assert parse_value(field("VIS", "HE"), 2).value == "2"
    long = parse_value(f, "Z" * 10_000)
    assert long.value is None and len(long.finding.message) < 300


# --------------------------------------------------------------------------- ranges


def test_hard_range_message_names_field_and_range():
    [finding] = field_findings(field("VIS", "TBIL"), 2000.0)
    assert finding.severity == "error" and finding.rule == "hard_range"
    assert "Total bilirubin (TBIL) must be 0-1500 µmol/L" in finding.message
    assert "2000" in finding.message
    assert "总胆红素（TBIL）" in finding.message_zh and "0-1500" in finding.message_zh


def test_hard_range_message_in_conventional_units():
    tbil = field("VIS", "TBIL")
    parsed = parse_value(tbil, "100", CONV)  # 100 mg/dL = 1710 µmol/L
    [finding] = field_findings(tbil, parsed.value, CONV)
    assert "0-1500 µmol/L (0-87.7 mg/dL)" in finding.message
    assert "100 mg/dL = 1710 µmol/L" in finding.message


def test_soft_range_message_in_si_and_conventional_units():
    alb = field("VIS", "ALB")
    [si] = field_findings(alb, 12.0)
    assert si.severity == "warning" and si.rule == "soft_range"
    assert "Albumin (ALB) is 12 g/L, outside the expected 15-55 g/L" in si.message
    [conv] = field_findings(alb, 12.0, CONV)
    assert "1.2 g/dL = 12 g/L" in conv.message and "15-55 g/L (1.5-5.5 g/dL)" in conv.message


def test_range_boundaries():
    alt = field("VIS", "ALT")
    assert field_findings(alt, 0.0) and field_findings(alt, 0.0)[0].severity == "warning"
    assert field_findings(alt, 10000.0)[0].severity == "warning"  # soft high is 1000
    assert field_findings(alt, 10000.01)[0].rule == "hard_range"
    assert field_findings(alt, -0.01)[0].rule == "hard_range"
    assert field_findings(alt, 5.0) == [] and field_findings(alt, 1000.0) == []
    cells = field("EX", "EXCELL")
    [zero] = field_findings(cells, 0.0)
    assert zero.rule == "hard_range" and "> 0 x10^6" in zero.message
    assert field_findings(cells, 0.001) == []
    dose = field("CM", "CMDOSE")
    assert "> 0 and <= 100000" in field_findings(dose, 0.0)[0].message
    # non-numeric fields have no range findings
    assert field_findings(field("VIS", "VISDTC"), date(2020, 1, 1)) == []


def test_field_findings_on_non_finite_values():
    for value in (math.nan, math.inf):
        [finding] = field_findings(field("VIS", "ALT"), value)
        assert finding.severity == "error"


def test_validate_required_and_complete():
    found = validate("VIS", {})
    assert {f.field for f in errors(found) if f.rule == "required"} == {"VISIT", "VISDTC"}
    assert validate("VIS", {}, complete=False) == []
    # a missing-data code satisfies "required"
    assert validate("VIS", {"VISIT": "M6"}, {"VISDTC": "UNK"}) == []


def test_validate_missing_codes():
    found = validate("VIS", {"VISIT": "M6", "VISDTC": date(2020, 1, 1)}, {"ALT": "XX"})
    assert "missing_code" in rules_of(found)
    both = validate("VIS", {"VISIT": "M6", "VISDTC": date(2020, 1, 1), "ALT": 5.0}, {"ALT": "ND"})
    [finding] = [f for f in both if f.rule == "missing_code"]
    assert "both a value and the missing-data code ND" in finding.message


def test_validate_reports_conventional_range_per_field():
    values = {"VISIT": "M6", "VISDTC": date(2020, 1, 1), "TBIL": 1710.0, "ALT": 20000.0}
    found = validate("VIS", values, units={"TBIL": CONV})
    by_field = {f.field: f for f in found}
    assert "mg/dL" in by_field["TBIL"].message
    assert "mg/dL" not in by_field["ALT"].message


# --------------------------------------------------------------------------- cross-field rules

D = date


def _vis(**values):
    base = {"VISIT": "UNSCHED", "VISDTC": D(2023, 6, 1)}
    base.update(values)
    return base


def test_dbil_le_tbil():
    assert "DBIL_LE_TBIL" in rules_of(validate("VIS", _vis(DBIL=30.0, TBIL=20.0)))
    assert "DBIL_LE_TBIL" not in rules_of(validate("VIS", _vis(DBIL=20.0, TBIL=20.0)))
    assert "DBIL_LE_TBIL" not in rules_of(validate("VIS", _vis(DBIL=30.0)))
    [finding] = [f for f in validate("VIS", _vis(DBIL=30.0, TBIL=20.0)) if f.rule == "DBIL_LE_TBIL"]
    assert finding.field == "DBIL" and "Direct bilirubin (DBIL)" in finding.message


def test_systolic_above_diastolic():
    assert "SYS_GT_DIA" in rules_of(validate("VS", {"VSTPT": "PRE", "SYSBP": 80, "DIABP": 80}))
    assert "SYS_GT_DIA" in rules_of(validate("VS", {"VSTPT": "PRE", "SYSBP": 70, "DIABP": 90}))
    assert validate("VS", {"VSTPT": "PRE", "SYSBP": 120, "DIABP": 80}) == []


def _ex(**values):
    base = {
        "EXSTDTC": datetime(2023, 1, 1, 9, 0),
        "EXSRC": "UC-MSC",
        "EXLOT": "L1",
    }
    base.update(values)
    return base


def test_infusion_end_after_start():
    start = datetime(2023, 1, 1, 9, 0)
    assert "EX_END_AFTER_START" in rules_of(validate("EX", _ex(EXENDTC=start)))
    assert "EX_END_AFTER_START" in rules_of(validate("EX", _ex(EXENDTC=datetime(2023, 1, 1, 8))))
    assert validate("EX", _ex(EXENDTC=datetime(2023, 1, 1, 9, 45))) == []


def test_dose_vs_plan_warns_beyond_20_percent():
    def found(dose):
        return [f for f in validate("EX", _ex(EXDOSE=dose, EXPLAN=1.0)) if f.rule.startswith("EX_")]

    assert found(1.2) == [] and found(0.8) == []
    [high] = found(1.25)
    assert high.severity == "warning" and "1.25 vs 1.00" in high.message
    assert found(0.7)[0].severity == "warning"
    assert validate("EX", _ex(EXDOSE=3.0)) == []  # no plan, no comparison


def test_specify_other_rules_and_missing_code_answers():
    assert "EX_ROUTE_OTHER" in rules_of(validate("EX", _ex(EXROUTE="OTHER")))
    assert validate("EX", _ex(EXROUTE="OTHER", EXROUTEO="intra-arterial")) == []
    assert "EX_NOT_COMPLETED_REASON" in rules_of(validate("EX", _ex(EXCOMPL="N")))
    assert validate("EX", _ex(EXCOMPL="N", EXCOMPRS="fever")) == []
    assert validate("EX", _ex(EXCOMPL="Y")) == []
    ds = {"DSDECOD": "DIED", "DSSTDTC": D(2024, 1, 1)}
    [cause] = validate("DS", ds)
    assert cause.rule == "DS_DEATH_CAUSE" and cause.field == "DSDTHCAU"
    assert validate("DS", ds, {"DSDTHCAU": "UNK"}) == []  # cause unknown is an answer
    assert validate("DS", {**ds, "DSDTHCAU": "variceal bleeding"}) == []
    assert rules_of(validate("DS", {"DSDECOD": "LTX", "DSSTDTC": D(2024, 1, 1)})) == {"DS_LTX_DATE"}
    assert rules_of(validate("DS", {"DSDECOD": "LOST", "DSSTDTC": D(2024, 1, 1)})) == {
        "DS_LOST_CONTACT"
    }


def _enrol(**values):
    base = {
        "SITEID": "GZH",
        "INITIALS": "WXM",
        "SEX": "F",
        "BRTHDTC": D(1970, 5, 1),
        "RFICDTC": D(2023, 1, 1),
        "ENRLDTC": D(2023, 1, 2),
        "DXCAT": "AIH",
    }
    base.update(values)
    return base


def test_enrolment_rules():
    assert validate("ENROL", _enrol()) == []
    assert validate("ENROL", _enrol(ENRLDTC=D(2023, 1, 1))) == []  # same day is fine
    assert "CONSENT_BEFORE_ENROL" in rules_of(validate("ENROL", _enrol(RFICDTC=D(2023, 1, 3))))
    assert "DXDTC_BEFORE_ENROL" in rules_of(validate("ENROL", _enrol(DXDTC="2023-02")))
    assert "DXDTC_BEFORE_ENROL" not in rules_of(validate("ENROL", _enrol(DXDTC="2023-01")))
    assert "DXDTC_BEFORE_ENROL" not in rules_of(validate("ENROL", _enrol(DXDTC="2023")))
    assert "DXDTC_BEFORE_ENROL" in rules_of(validate("ENROL", _enrol(DXDTC="2024")))
    assert "DXOTH_SPECIFY" in rules_of(validate("ENROL", _enrol(DXCAT="OTHER")))
    assert validate("ENROL", _enrol(DXCAT="OTHER", DXOTH="autoimmune cholangitis")) == []
    assert "AGE_FROM_DOB" in rules_of(validate("ENROL", _enrol(BRTHDTC=D(2023, 6, 1))))


def test_eligibility_needs_a_waiver_when_a_criterion_fails():
    ok = {c: "Y" for c in ("IEIN01", "IEIN02", "IEIN03", "IEIN04")}
    ok.update({c: "N" for c in ("IEEX01", "IEEX02", "IEEX03", "IEEX04", "IEEX05")})
    assert validate("ENROL", _enrol(**ok)) == []
    for code, bad in (("IEIN02", "N"), ("IEEX03", "Y")):
        found = validate("ENROL", _enrol(**{**ok, code: bad}))
        [finding] = [f for f in found if f.rule == "ELIGIBILITY"]
        assert finding.severity == "error" and code in finding.message
        waived = validate("ENROL", _enrol(**{**ok, code: bad, "IEWAIVER": "PI approval 2023-01"}))
        assert waived == []


def test_visit_not_before_consent():
    context = SubjectContext(consent_date=D(2023, 1, 10))
    found = validate("VIS", _vis(VISDTC=D(2023, 1, 9)), context=context)
    assert "VISIT_NOT_BEFORE_CONSENT" in rules_of(found)
    assert validate("VIS", _vis(VISDTC=D(2023, 1, 10)), context=context) == []


def test_dates_after_death():
    context = SubjectContext(death_date=D(2024, 3, 1), has_death_disposition=True)
    assert "NOT_AFTER_DEATH" in rules_of(
        validate("VIS", _vis(VISDTC=D(2024, 3, 2)), context=context)
    )
    assert validate("VIS", _vis(VISDTC=D(2024, 3, 1)), context=context) == []
    ex = _ex(EXSTDTC=datetime(2024, 3, 2, 9))
    assert "NOT_AFTER_DEATH" in rules_of(validate("EX", ex, context=context))
    ae = {
        "AETERM": "fever",
        "AESTDTC": datetime(2024, 2, 1, 8),
        "AEENDTC": datetime(2024, 3, 5, 8),
        "AETOXGR": "1",
        "AESER": "N",
        "AEREL": "NOT",
    }
    [after] = validate("AE", ae, context=context)
    assert after.rule == "NOT_AFTER_DEATH" and after.field == "AEENDTC"
    assert "2024-03-01" in after.message


def test_nothing_after_death_on_disposition():
    ds = {"DSDECOD": "DIED", "DSSTDTC": D(2024, 3, 1), "DSDTHCAU": "liver failure"}
    later = SubjectContext(latest_data_date=D(2024, 4, 1))
    assert rules_of(validate("DS", ds, context=later)) == {"NOTHING_AFTER_DEATH"}
    assert validate("DS", ds, context=SubjectContext(latest_data_date=D(2024, 3, 1))) == []
    lost = {"DSDECOD": "LOST", "DSSTDTC": D(2024, 3, 1), "DSLCDTC": D(2024, 3, 1)}
    assert validate("DS", lost, context=later) == []  # only death forbids later data


def test_disposition_not_before_enrolment():
    ds = {"DSDECOD": "COMPLETED", "DSSTDTC": D(2022, 12, 31)}
    context = SubjectContext(enrolment_date=D(2023, 1, 1))
    assert rules_of(validate("DS", ds, context=context)) == {"DS_NOT_BEFORE_ENROL"}


def test_visit_window_warning():
    context = SubjectContext(day0=D(2023, 1, 1))
    in_window = validate("VIS", _vis(VISIT="M6", VISDTC=D(2023, 7, 2)), context=context)
    assert in_window == []  # day 182
    [late] = validate("VIS", _vis(VISIT="M6", VISDTC=D(2023, 8, 1)), context=context)
    assert late.rule == "VISIT_WINDOW" and late.severity == "warning"
    assert "window 2023-06-18 to 2023-07-16" in late.message
    assert validate("VIS", _vis(VISIT="UNSCHED", VISDTC=D(2030, 1, 1)), context=context) == []
    assert validate("VIS", _vis(VISIT="M6", VISDTC=D(2030, 1, 1))) == []  # no day 0 yet


def _ae(**values):
    base = {
        "AETERM": "fever",
        "AESTDTC": datetime(2023, 1, 1, 12),
        "AETOXGR": "1",
        "AESER": "N",
        "AEREL": "POSSIBLE",
    }
    base.update(values)
    return base


def test_adverse_event_rules():
    assert validate("AE", _ae()) == []
    onset = datetime(2023, 1, 1, 12)
    assert validate("AE", _ae(AEENDTC=onset)) == []  # end may equal onset
    assert "AE_END_AFTER_START" in rules_of(validate("AE", _ae(AEENDTC=datetime(2023, 1, 1, 11))))
    assert "AE_SERIOUS_CRITERIA" in rules_of(validate("AE", _ae(AESER="Y")))
    assert validate("AE", _ae(AESER="Y", AESHOSP="Y")) == []
    [fatal] = validate("AE", _ae(AETOXGR="5"))
    assert fatal.rule == "AE_FATAL_NEEDS_DEATH" and fatal.severity == "warning"
    assert rules_of(validate("AE", _ae(AEOUT="FATAL"))) == {"AE_FATAL_NEEDS_DEATH"}
    died = SubjectContext(has_death_disposition=True, death_date=D(2023, 1, 2))
    assert validate("AE", _ae(AEOUT="FATAL"), context=died) == []


def test_conmed_stop_after_start_with_partial_dates():
    cm = {"CMTRT": "UDCA", "CMCAT": "UDCA"}
    assert validate("CM", {**cm, "CMSTDTC": "2023-05", "CMENDTC": "2023-05-20"}) == []
    assert validate("CM", {**cm, "CMSTDTC": "2023", "CMENDTC": "2023-01"}) == []
    bad = validate("CM", {**cm, "CMSTDTC": "2023-06", "CMENDTC": "2023-05-20"})
    assert rules_of(bad) == {"CM_END_AFTER_START"}


def test_findings_are_separated_by_severity():
    found = validate("VIS", _vis(ALT=2000.0, TBIL=5000.0))
    assert [f.field for f in errors(found)] == ["TBIL"]
    assert [f.field for f in warnings(found)] == ["ALT"]


# --------------------------------------------------------------------------- properties


def _strategy_for_raw():
    return st.one_of(
        st.text(max_size=60),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.sampled_from(BAD_TEXT),
        st.dates().map(str),
        st.datetimes().map(str),
        st.none(),
        st.booleans(),
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(raw=_strategy_for_raw(), units=st.sampled_from([SI, CONV]))
def _never_raises_and_never_accepts_out_of_range(fld: Field, raw, units) -> None:
    parsed = parse_value(fld, raw, units)
    if parsed.finding is not None:
        assert parsed.value is None
        assert parsed.finding.severity == "error"
        assert fld.code in parsed.finding.message
        return
    value = parsed.value
    if value is None:
        return
    if fld.type is FieldType.TEXT:
        assert isinstance(value, str) and len(value) <= fld.max_length
    elif fld.is_numeric:
        assert isinstance(value, int | float) and math.isfinite(value)
        found = field_findings(fld, value, units)
        hard_ok = fld.hard is None or (
            fld.hard.contains(value)
            and not (fld.exclusive_low and fld.hard.low is not None and value <= fld.hard.low)
        )
        if not hard_ok:  # out of the hard range: refused with a finding, never silently
            assert any(f.rule == "hard_range" and f.severity == "error" for f in found)
        else:
            assert all(f.severity == "warning" for f in found)
    elif fld.type is FieldType.CODE:
        assert value in fld.codelist.codes
    elif fld.type is FieldType.DATE:
        assert isinstance(value, date) and not isinstance(value, datetime)
    elif fld.type is FieldType.DATETIME:
        assert isinstance(value, datetime) and value.tzinfo is None
    elif fld.type is FieldType.PARTIAL_DATE:
        assert isinstance(value, str)
    # validating the form with just this value never raises either
    form_code = next(f.code for f in FORMS.values() if fld in f.fields)
    validate(form_code, {fld.code: value}, units={fld.code: units})


@pytest.mark.parametrize("fld", ALL_FIELDS, ids=lambda f: f.code)
def test_any_input_never_raises_and_is_never_silently_out_of_range(fld):
    _never_raises_and_never_accepts_out_of_range(fld)


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    code=st.sampled_from([f.code for f in ALL_FIELDS if f.is_numeric and f.hard is not None]),
)
def test_typed_numbers_in_or_out_of_the_hard_range(value, code):
    fld = next(f for f in ALL_FIELDS if f.code == code)
    raw = str(int(value)) if fld.type is FieldType.INTEGER else repr(value)
    parsed = parse_value(fld, raw)
    assert parsed.finding is None
    found = field_findings(fld, parsed.value)
    inside = fld.hard.contains(parsed.value) and not (
        fld.exclusive_low and parsed.value <= fld.hard.low
    )
    assert inside == (not any(f.rule == "hard_range" for f in found))


@settings(max_examples=100, deadline=None)
@given(values=st.dictionaries(st.sampled_from([f.code for f in ALL_FIELDS]), st.text(max_size=12)))
def test_validate_on_arbitrary_parsed_forms_never_raises(values):
    for form_code, form in FORMS.items():
        parsed = {}
        for code, raw in values.items():
            if any(f.code == code for f in form.fields):
                parsed[code] = parse_value(form.field(code), raw).value
        found = validate(form_code, parsed, context=SubjectContext(day0=D(2023, 1, 1)))
        # whatever was typed, each finding names one of the form's fields and says what is
        # wrong in both languages, so the form can put it beside that field
        codes = {f.code for f in form.fields}
        for finding in found:
            assert finding.field in codes, (form_code, finding)
            assert finding.severity in ("error", "warning")
            assert finding.message.strip() and finding.message_zh.strip()


def test_full_width_input_is_folded_to_ascii():
    # NFKC for numbers, dates and codes: what a Chinese input method types in full width
    # becomes ASCII; free text stays as typed (tests/study/test_free_text.py)
    assert parse_value(field("ENROL", "SEX"), "Ｆ").value == "F"
    assert parse_value(field("VIS", "VISDTC"), "２０２３－０１－０５").value == date(2023, 1, 5)
    assert parse_value(field("EX", "EXSTDTC"), "2023-01-05 10：30").value == datetime(
        2023, 1, 5, 10, 30
    )
    assert parse_value(field("EX", "EXLOT"), "ＵＣ２３０１").value == "ＵＣ２３０１"
    assert parse_value(field("AE", "AETERM"), "发热").value == "发热"


def test_partial_dates_after_death():
    context = SubjectContext(death_date=D(2024, 6, 30), has_death_disposition=True)
    cm = {"CMTRT": "UDCA", "CMCAT": "UDCA", "CMSTDTC": "2023-01"}
    assert validate("CM", cm, context=context) == []
    for stop in ("2024-07", "2025", "2024-07-01"):
        [after] = validate("CM", {**cm, "CMENDTC": stop}, context=context)
        assert after.rule == "NOT_AFTER_DEATH" and after.field == "CMENDTC"
    for stop in ("2024", "2024-06", "2024-06-30"):  # not known to be after the death
        assert validate("CM", {**cm, "CMENDTC": stop}, context=context) == []
    mh = {"MHTERM": "hypertension", "MHSTDTC": "2025"}
    assert rules_of(validate("MH", mh, context=context)) == {"NOT_AFTER_DEATH"}
