"""The study dictionary against crf-spec.md: forms, fields, units, ranges, code lists, labels,
cross-field rules and the visit schedule. The expected values below are typed from the spec,
not read from the dictionary, so a drift in either shows up here."""

from __future__ import annotations

import re

import pytest

from msct_crf.study import rules
from msct_crf.study.dictionary import (
    CHOLESTATIC_DIAGNOSES,
    CROSS_RULES,
    EFFICACY_LABS,
    EFFICACY_SCORES,
    FORMS,
    MISSING_LABELS,
    VISITS,
    FieldType,
    MissingCode,
    field,
    find_field,
    form,
    visit_def,
)

# crf-spec.md section 3: code, SI unit, hard (low, high), soft (low, high) or None,
# conventional (unit, factor) or None.
LAB_TABLE = {
    "ALT": ("U/L", (0, 10000), (5, 1000), None),
    "AST": ("U/L", (0, 10000), (5, 1000), None),
    "ALP": ("U/L", (0, 5000), (20, 1500), None),
    "GGT": ("U/L", (0, 5000), (5, 1500), None),
    "TBIL": ("µmol/L", (0, 1500), (2, 500), ("mg/dL", 17.1)),
    # the spec leaves DBIL's conventional column blank; the dictionary gives it TBIL's mg/dL
    # so a printout in mg/dL can be typed as is and DBIL <= TBIL compares like with like
    "DBIL": ("µmol/L", (0, 1500), None, ("mg/dL", 17.1)),
    "ALB": ("g/L", (5, 70), (15, 55), ("g/dL", 10.0)),
    "PT": ("s", (5, 150), (9, 40), None),
    "PTA": ("%", (0, 200), (20, 130), None),
    "INR": ("ratio", (0.5, 20), (0.8, 6), None),
    "CREAT": ("µmol/L", (10, 2500), (30, 700), ("mg/dL", 88.4)),
    "SODIUM": ("mmol/L", (90, 200), (120, 155), None),
    "PLT": ("x10^9/L", (0, 2000), (10, 600), None),
    "HGB": ("g/L", (20, 250), (50, 180), ("g/dL", 10.0)),
    "WBC": ("x10^9/L", (0, 500), (1, 30), None),
    "IGG": ("g/L", (0, 100), (5, 40), None),
}

# Every field code the spec names, per form (eligibility items and specify-fields included).
SPEC_FIELDS = {
    "ENROL": {
        "SITEID", "INITIALS", "HOSPNUM", "SEX", "BRTHDTC", "AGE", "HEIGHT", "WEIGHT", "BMI",
        "RFICDTC", "ENRLDTC", "DXCAT", "DXOTH", "DXDTC", "CIRRDTC", "CIRRMETH", "LSM",
        "DCASC", "DCVB", "DCHE", "DCJAUN", "IEWAIVER",
    },
    "MH": {"MHTERM", "MHSTDTC", "MHONGO"},
    "EX": {
        "EXNUM", "EXSTDTC", "EXENDTC", "EXDUR", "EXSRC", "EXLOT", "EXWT", "EXCELL", "EXDOSE",
        "EXPLAN", "EXVOL", "EXVIAB", "EXROUTE", "PREMED", "EXREACT", "EXCOMPL",
    },
    "VS": {"VSTPT", "TEMP", "PULSE", "SYSBP", "DIABP", "RESP", "SPO2"},
    "VIS": {
        "VISIT", "VISDTC", *LAB_TABLE, "ASCITES", "HE", "DIALYSIS", "VARBLEED",
        "MELD", "MELDNA", "MELD3", "CPS", "CPCLASS", "ALBI", "ALBIGR",
    },
    "AE": {
        "AETERM", "AESTDTC", "AEENDTC", "AEONGO", "AETOXGR", "AESER", "AESDTH", "AESLIFE",
        "AESHOSP", "AESDISAB", "AESCONG", "AESMIE", "AEREL", "AEACN", "AEOUT", "AEINFREL",
    },
    "CM": {
        "CMTRT", "CMCAT", "CMDOSE", "CMDOSU", "CMDOSFRQ", "CMROUTE", "CMSTDTC", "CMENDTC",
        "CMONGO", "CMINDC",
    },
    "DS": {"DSDECOD", "DSSTDTC", "DSLCDTC", "DSDTHCAU", "DSLTXDTC"},
}  # fmt: skip

ALL_FIELDS = [(f, fld) for f in FORMS.values() for fld in f.fields]


def _range(r):
    return None if r is None else (r.low, r.high)


# --------------------------------------------------------------------------- forms and fields


def test_every_form_of_the_spec_exists():
    assert set(FORMS) == {"ENROL", "MH", "EX", "VS", "VIS", "AE", "CM", "DS"}
    assert not form("ENROL").repeating and not form("DS").repeating
    for code in ("MH", "EX", "VS", "VIS", "AE", "CM"):
        assert form(code).repeating, code
    assert form("VS").parent == "EX"


@pytest.mark.parametrize("form_code", sorted(SPEC_FIELDS))
def test_every_spec_field_is_in_its_form(form_code):
    codes = {f.code for f in form(form_code).fields}
    assert SPEC_FIELDS[form_code] <= codes, SPEC_FIELDS[form_code] - codes


@pytest.mark.parametrize("code", sorted(LAB_TABLE))
def test_lab_table_matches_spec_section_3(code):
    unit, hard, soft, conventional = LAB_TABLE[code]
    f = field("VIS", code)
    assert f.type is FieldType.FLOAT
    assert f.unit == unit
    assert _range(f.hard) == hard
    assert _range(f.soft) == soft
    if conventional is None:
        assert f.conventional is None
    else:
        assert f.conventional is not None
        assert (f.conventional.unit, f.conventional.factor) == conventional
    assert f.decimals is not None


def test_only_the_spec_labs_have_conventional_units():
    with_conventional = {fld.code for _f, fld in ALL_FIELDS if fld.conventional is not None}
    assert with_conventional == {c for c, row in LAB_TABLE.items() if row[3]}


@pytest.mark.parametrize(
    ("form_code", "code", "unit", "hard", "soft"),
    [
        ("ENROL", "AGE", "years", (14, 100), (18, 80)),
        ("ENROL", "HEIGHT", "cm", None, (120, 210)),
        ("ENROL", "WEIGHT", "kg", None, (30, 150)),
        ("ENROL", "LSM", "kPa", (2, 75), None),
        ("EX", "EXWT", "kg", (30, 150), None),
        ("EX", "EXDOSE", "x10^6 cells/kg", (0.01, 100), (0.3, 5)),
        ("EX", "EXVOL", "mL", (1, 1000), None),
        ("EX", "EXVIAB", "%", (0, 100), (70, 100)),
        ("VS", "TEMP", "°C", (30, 45), (35, 38.5)),
        ("VS", "PULSE", "/min", (20, 250), (40, 130)),
        ("VS", "SYSBP", "mmHg", (40, 300), None),
        ("VS", "DIABP", "mmHg", (20, 200), None),
        ("VS", "RESP", "/min", (4, 60), None),
        ("VS", "SPO2", "%", (50, 100), (90, 100)),
    ],
)
def test_units_and_ranges_of_other_forms(form_code, code, unit, hard, soft):
    f = field(form_code, code)
    assert f.unit == unit
    if hard is not None:
        assert _range(f.hard) == hard
    assert _range(f.soft) == soft


def test_total_cells_must_be_positive():
    f = field("EX", "EXCELL")
    assert f.unit == "x10^6"
    assert f.hard is not None and f.hard.low == 0 and f.exclusive_low


@pytest.mark.parametrize(
    ("form_code", "code", "expected"),
    [
        ("ENROL", "SEX", {"F", "M"}),
        ("ENROL", "SITEID", None),
        (
            "ENROL",
            "DXCAT",
            {"AIH", "PBC", "PSC", "AIH_PBC", "AIH_PSC", "IGG4_SC", "SLE", "PSS", "SSC", "OTHER"},
        ),
        ("ENROL", "CIRRMETH", {"BIOPSY", "IMAGING", "ELASTO", "CLINICAL"}),
        ("EX", "EXSRC", {"UC-MSC", "CB-MSC", "BM-MSC"}),
        ("EX", "EXROUTE", {"PIV", "OTHER"}),
        ("VS", "VSTPT", {"PRE", "15MIN", "30MIN", "60MIN", "END", "2H", "24H"}),
        ("VIS", "VISIT", {"BASELINE", "M1", "M3", "M6", "M12", "M18", "M24", "UNSCHED"}),
        ("VIS", "ASCITES", {"0", "1", "2"}),
        ("VIS", "HE", {"0", "1", "2", "3", "4"}),
        ("VIS", "DIALYSIS", {"Y", "N"}),
        ("VIS", "VARBLEED", {"Y", "N"}),
        ("VIS", "CPCLASS", {"A", "B", "C"}),
        ("AE", "AETOXGR", {"1", "2", "3", "4", "5"}),
        ("AE", "AEREL", {"NOT", "UNLIKELY", "POSSIBLE", "PROBABLE", "DEFINITE"}),
        (
            "AE",
            "AEOUT",
            {"RECOVERED", "RECOVERING", "NOT_RECOVERED", "SEQUELAE", "FATAL", "UNKNOWN"},
        ),
        (
            "CM",
            "CMCAT",
            {
                "UDCA",
                "STEROID",
                "AZA",
                "MMF",
                "IMMUNO",
                "DIURETIC",
                "BETABLOCK",
                "ANTIVIRAL",
                "OTHER",
            },
        ),  # fmt: skip
        (
            "DS",
            "DSDECOD",
            {"COMPLETED", "DIED", "LTX", "LOST", "WITHDREW", "INVESTIGATOR", "OTHER"},
        ),
    ],
)
def test_code_lists_match_spec(form_code, code, expected):
    f = field(form_code, code)
    assert f.type is FieldType.CODE and f.codelist is not None
    if expected is None:
        assert f.codelist.codes  # sites: at least one
    else:
        assert set(f.codelist.codes) == expected
    assert len(set(f.codelist.codes)) == len(f.codelist.codes), "duplicate codes"


def test_yes_no_fields():
    yn = [
        "DCASC", "DCVB", "DCHE", "DCJAUN", "PREMED", "EXREACT", "EXCOMPL", "AESER", "AESDTH",
        "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE", "AEINFREL", "MHONGO", "CMONGO",
        "AEONGO",
    ]  # fmt: skip
    for code in yn:
        _form, f = find_field(code)
        assert f.codelist is not None and set(f.codelist.codes) == {"Y", "N"}, code


@pytest.mark.parametrize(
    ("form_code", "code"),
    [
        ("ENROL", "SITEID"),
        ("ENROL", "SEX"),
        ("ENROL", "RFICDTC"),
        ("ENROL", "ENRLDTC"),
        ("ENROL", "DXCAT"),
        ("EX", "EXSRC"),
        ("EX", "EXLOT"),
        ("EX", "EXSTDTC"),
        ("VIS", "VISDTC"),
        ("DS", "DSDECOD"),
        ("DS", "DSSTDTC"),
    ],
)
def test_required_fields(form_code, code):
    assert field(form_code, code).required


@pytest.mark.parametrize(
    "code",
    ["AGE", "BMI", "EXNUM", "EXDUR", "EXDOSE", "MELD", "MELDNA", "MELD3", "CPS", "CPCLASS",
     "ALBI", "ALBIGR", "AEINFREL"],
)  # fmt: skip
def test_derived_fields(code):
    _form, f = find_field(code)
    assert f.derived
    assert f not in _form.entry_fields


def test_field_types_of_dates():
    assert field("ENROL", "DXDTC").type is FieldType.PARTIAL_DATE
    for code in ("BRTHDTC", "RFICDTC", "ENRLDTC", "CIRRDTC"):
        assert field("ENROL", code).type is FieldType.DATE
    for code in ("EXSTDTC", "EXENDTC"):
        assert field("EX", code).type is FieldType.DATETIME
    for code in ("AESTDTC", "AEENDTC"):
        assert field("AE", code).type is FieldType.DATETIME
    assert field("VIS", "VISDTC").type is FieldType.DATE


def test_hospital_number_is_identifying_and_optional():
    f = field("ENROL", "HOSPNUM")
    assert f.identifying and not f.required
    assert [fld.code for _f, fld in ALL_FIELDS if fld.identifying] == ["HOSPNUM"]


def test_field_codes_are_unique_across_the_study():
    codes = [fld.code for _f, fld in ALL_FIELDS]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[A-Z][A-Z0-9]*", code), code
    # column names are lower-case codes, so they are unique per table as well
    for f in FORMS.values():
        columns = [fld.column for fld in f.fields]
        assert len(columns) == len(set(columns))
        assert all(c == c.lower() for c in columns)


def test_find_field_and_errors():
    assert find_field("TBIL")[0].code == "VIS"
    with pytest.raises(KeyError, match="NOPE"):
        find_field("NOPE")
    with pytest.raises(KeyError, match="forms are"):
        form("XX")
    with pytest.raises(KeyError):
        field("VIS", "AGE")


@pytest.mark.parametrize(("form_code", "fld"), ALL_FIELDS, ids=lambda x: getattr(x, "code", x))
def test_every_field_is_well_formed(form_code, fld):
    assert fld.label.en.strip() and fld.label.zh.strip()
    assert re.search(r"[\u4e00-\u9fff]", fld.label.zh), f"{fld.code}: Chinese label expected"
    assert fld.label.get("zh_CN") == fld.label.zh and fld.label.get("en") == fld.label.en
    if fld.type is FieldType.CODE:
        assert fld.codelist is not None
        for item in fld.codelist.items:
            assert item.label.en.strip() and item.label.zh.strip(), (fld.code, item.code)
    else:
        assert fld.codelist is None
    if fld.hard is not None:
        assert fld.is_numeric
        if fld.hard.low is not None and fld.hard.high is not None:
            assert fld.hard.low < fld.hard.high
    if fld.soft is not None:
        assert fld.is_numeric
        # the soft range lies within the hard range
        if fld.hard is not None:
            for end in (fld.soft.low, fld.soft.high):
                if end is not None:
                    assert fld.hard.contains(end), fld.code
    if fld.conventional is not None:
        assert fld.type is FieldType.FLOAT and fld.conventional.factor > 0
    assert fld.max_length > 0


def test_form_labels_are_bilingual():
    for f in FORMS.values():
        assert f.label.en and re.search(r"[\u4e00-\u9fff]", f.label.zh)
        assert f.table and f.table == f.table.lower()


def test_missing_codes():
    assert {m.value for m in MissingCode} == {"ND", "UNK", "NA"}
    for code in MissingCode:
        en, zh = MISSING_LABELS[code]
        assert en and zh


def test_cholestatic_diagnoses_are_pbc_psc_and_overlaps():
    assert frozenset({"PBC", "PSC", "AIH_PBC", "AIH_PSC"}) == CHOLESTATIC_DIAGNOSES
    assert set(field("ENROL", "DXCAT").codelist.codes) >= CHOLESTATIC_DIAGNOSES


def test_efficacy_variables_exist():
    for code in EFFICACY_LABS + EFFICACY_SCORES:
        assert field("VIS", code)


# --------------------------------------------------------------------------- cross-field rules


def test_every_rule_referenced_by_a_form_exists_and_is_implemented():
    for f in FORMS.values():
        assert len(set(f.rules)) == len(f.rules), f.code
        for code in f.rules:
            assert code in CROSS_RULES, (f.code, code)
            rule = CROSS_RULES[code]
            assert rule.form in (f.code, "*"), (f.code, code)
            assert code in rules.RULES, f"{code} has no implementation"


def test_every_rule_is_used_and_names_real_fields():
    used = {code for f in FORMS.values() for code in f.rules}
    assert set(CROSS_RULES) == used
    assert set(rules.RULES) == set(CROSS_RULES)
    for rule in CROSS_RULES.values():
        assert rule.severity in ("error", "warning")
        assert rule.label.en and re.search(r"[\u4e00-\u9fff]", rule.label.zh)
        if rule.form != "*":
            for code in rule.fields:
                assert form(rule.form).field(code)


@pytest.mark.parametrize(
    ("form_code", "rule"),
    [
        ("ENROL", "CONSENT_BEFORE_ENROL"),
        ("ENROL", "DXDTC_BEFORE_ENROL"),
        ("ENROL", "ELIGIBILITY"),
        ("ENROL", "DXOTH_SPECIFY"),
        ("EX", "EX_END_AFTER_START"),
        ("EX", "EX_DOSE_VS_PLAN"),
        ("EX", "NOT_AFTER_DEATH"),
        ("VS", "SYS_GT_DIA"),
        ("VIS", "VISIT_NOT_BEFORE_CONSENT"),
        ("VIS", "NOT_AFTER_DEATH"),
        ("VIS", "DBIL_LE_TBIL"),
        ("VIS", "VISIT_WINDOW"),
        ("AE", "AE_END_AFTER_START"),
        ("AE", "AE_FATAL_NEEDS_DEATH"),
        ("AE", "NOT_AFTER_DEATH"),
        ("DS", "NOTHING_AFTER_DEATH"),
    ],
)
def test_spec_rules_are_attached(form_code, rule):
    assert rule in form(form_code).rules


def test_rule_severities():
    # out-of-window visits are saved and flagged, never refused; dose vs plan warns
    assert CROSS_RULES["VISIT_WINDOW"].severity == "warning"
    assert CROSS_RULES["EX_DOSE_VS_PLAN"].severity == "warning"
    for code in ("DBIL_LE_TBIL", "SYS_GT_DIA", "EX_END_AFTER_START", "NOT_AFTER_DEATH"):
        assert CROSS_RULES[code].severity == "error"


# --------------------------------------------------------------------------- visit schedule


def test_visit_windows_match_spec():
    expected = {
        "BASELINE": (0, -28, 0, 0),
        "M1": (30, 23, 37, 1),
        "M3": (91, 77, 105, 3),
        "M6": (182, 168, 196, 6),
        "M12": (365, 335, 395, 12),
        "M18": (547, 517, 577, 18),
        "M24": (730, 700, 760, 24),
    }
    assert [v.code for v in VISITS] == list(expected)
    for v in VISITS:
        assert (v.target_day, v.first_day, v.last_day, v.month) == expected[v.code], v.code
        assert v.label.en and v.label.zh
        assert visit_def(v.code) is v
    with pytest.raises(KeyError):
        visit_def("M99")


def test_visits_and_visit_code_list_agree():
    codes = field("VIS", "VISIT").codelist.codes
    assert [v.code for v in VISITS] == [c for c in codes if c != "UNSCHED"]
    # windows do not overlap, so a date belongs to at most one scheduled visit
    for a, b in zip(VISITS, VISITS[1:], strict=False):
        assert a.last_day < b.first_day
