"""Derived fields: age on birthday boundaries, BMI, infusion dose and duration, visit scores,
infusion-related adverse events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msct_crf.study import scores
from msct_crf.study.derive import INFUSION_RELATED, age_years, bmi, derive, visit_scores


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1970, 5, 10), date(2020, 5, 9), 49),
        (date(1970, 5, 10), date(2020, 5, 10), 50),  # the birthday itself counts
        (date(1970, 5, 10), date(2020, 5, 11), 50),
        (date(1970, 12, 31), date(2021, 1, 1), 50),
        (date(1970, 1, 1), date(2020, 12, 31), 50),
        (date(2000, 2, 29), date(2018, 2, 28), 17),  # leap-day birth: birthday not yet
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2020, 1, 1), date(2020, 1, 1), 0),
    ],
)
def test_age_on_birthday_boundaries(birth, on, age):
    assert age_years(birth, on) == age


@settings(max_examples=200, deadline=None)
@given(birth=st.dates(date(1900, 1, 1), date(2050, 1, 1)), days=st.integers(0, 40_000))
def test_age_is_monotonic_and_close_to_days_over_365(birth, days):
    on = birth + timedelta(days=days)
    age = age_years(birth, on)
    assert 0 <= age <= days / 365 + 1
    assert age >= days // 366
    assert age_years(birth, on + timedelta(days=1)) in (age, age + 1)


def test_bmi():
    assert bmi(170, 70) == pytest.approx(24.221, abs=1e-3)
    assert bmi(160, 55) == pytest.approx(55 / 1.6**2)


def test_enrolment_derivation():
    values = {
        "BRTHDTC": date(1970, 5, 10),
        "RFICDTC": date(2020, 5, 10),
        "HEIGHT": 170.0,
        "WEIGHT": 70.0,
    }
    assert derive("ENROL", values) == {"AGE": 50, "BMI": 24.2}
    assert derive("ENROL", {**values, "BRTHDTC": date(2021, 1, 1)})["AGE"] is None
    assert derive("ENROL", {"HEIGHT": 170.0}) == {"AGE": None, "BMI": None}


def test_infusion_dose_and_duration():
    start = datetime(2023, 1, 10, 9, 0)
    values = {
        "EXSTDTC": start,
        "EXENDTC": start + timedelta(minutes=45, seconds=40),
        "EXCELL": 66.0,
        "EXWT": 55.0,
    }
    derived = derive("EX", values)
    assert derived == {"EXDUR": 46, "EXDOSE": 1.2}
    assert derive("EX", {**values, "EXENDTC": start})["EXDUR"] is None  # end must be after
    assert derive("EX", {**values, "EXENDTC": None})["EXDUR"] is None
    assert derive("EX", {**values, "EXWT": None})["EXDOSE"] is None
    assert derive("EX", {**values, "EXCELL": 1.0, "EXWT": 3.0})["EXDOSE"] == 0.3333


def test_visit_scores_match_the_scores_module():
    values = {
        "TBIL": 51.3,
        "CREAT": 176.8,
        "INR": 1.8,
        "SODIUM": 130.0,
        "ALB": 28.0,
        "ASCITES": "2",
        "HE": "1",
        "DIALYSIS": "N",
    }
    derived = derive("VIS", values, {"SEX": "M", "DXCAT": "AIH"})
    labs = {"bilirubin_umol_l": 51.3, "creatinine_umol_l": 176.8, "inr": 1.8}
    assert derived["MELD"] == scores.meld(**labs)
    assert derived["MELDNA"] == scores.meld_na(**labs, sodium_mmol_l=130.0)
    assert derived["MELD3"] == scores.meld_3(
        **labs, sodium_mmol_l=130.0, albumin_g_l=28.0, female=False
    )
    cp = scores.child_pugh(
        bilirubin_umol_l=51.3, albumin_g_l=28.0, inr=1.8, ascites=2, encephalopathy=1
    )
    assert (derived["CPS"], derived["CPCLASS"]) == cp
    score, grade = scores.albi(bilirubin_umol_l=51.3, albumin_g_l=28.0)
    assert derived["ALBI"] == round(score, 4) and derived["ALBIGR"] == grade


def test_dialysis_and_cholestasis_change_the_scores():
    values = {"TBIL": 60.0, "CREAT": 100.0, "INR": 1.2, "ALB": 35.0, "ASCITES": "0", "HE": "0"}
    plain = derive("VIS", values, {"SEX": "F", "DXCAT": "AIH"})
    dialysed = derive("VIS", {**values, "DIALYSIS": "Y"}, {"SEX": "F", "DXCAT": "AIH"})
    assert dialysed["MELD"] > plain["MELD"]
    cholestatic = derive("VIS", values, {"SEX": "F", "DXCAT": "PBC"})
    assert cholestatic["CPS"] < plain["CPS"]  # 3.5 mg/dL: 3 points, cholestatic 2 points


def test_meld3_needs_sex_and_missing_inputs_give_none():
    values = {"TBIL": 40.0, "CREAT": 80.0, "INR": 1.3, "SODIUM": 135.0, "ALB": 30.0}
    unknown_sex = derive("VIS", values, {})
    assert unknown_sex["MELD"] is not None and unknown_sex["MELD3"] is None
    assert derive("VIS", {}, {}) == dict.fromkeys(
        ("MELD", "MELDNA", "MELD3", "CPS", "CPCLASS", "ALBI", "ALBIGR")
    )
    results = visit_scores({"TBIL": 40.0}, female=True, cholestatic=False)
    assert results["MELD"].value is None and results["MELD"].missing


def test_adverse_event_infusion_relatedness():
    start = datetime(2023, 1, 10, 9, 0)
    end = datetime(2023, 1, 10, 10, 0)
    facts = {"infusion_windows": [(start, end)]}

    def related(onset):
        return derive("AE", {"AESTDTC": onset}, facts)["AEINFREL"]

    assert related(start) == "Y"
    assert related(end + INFUSION_RELATED) == "Y"
    assert related(end + INFUSION_RELATED + timedelta(minutes=1)) == "N"
    assert related(start - timedelta(minutes=1)) == "N"
    assert derive("AE", {"AESTDTC": None}, facts)["AEINFREL"] is None
    assert derive("AE", {"AESTDTC": start}, {})["AEINFREL"] == "N"


def test_forms_without_derived_fields():
    for code in ("MH", "VS", "CM", "DS"):
        assert derive(code, {"anything": 1}) == {}
