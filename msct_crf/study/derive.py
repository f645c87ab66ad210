"""Derived fields: age, BMI, infusion duration and dose, the liver scores of a visit.

Computed from the entered SI values before validation, so derived values are range-checked
like typed ones, stored with the record and exported as they were at save time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from msct_crf.study import scores
from msct_crf.study.dictionary import CHOLESTATIC_DIAGNOSES

#: An adverse event is infusion-related when its onset is during or within 24 h after an
#: infusion (crf-spec.md section 4).
INFUSION_RELATED = timedelta(hours=24)


def age_years(birth: date, on: date) -> int:
    """Completed years of age on a date (the birthday itself counts)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def bmi(height_cm: float, weight_kg: float) -> float:
    """Body mass index, kg/m² (WHO)."""
    return weight_kg / (height_cm / 100.0) ** 2


def _enrolment(values: Mapping[str, Any], subject: Mapping[str, Any]) -> dict[str, Any]:
    birth, consent = values.get("BRTHDTC"), values.get("RFICDTC")
    height, weight = values.get("HEIGHT"), values.get("WEIGHT")
    return {
        "AGE": age_years(birth, consent) if birth and consent and birth <= consent else None,
        "BMI": round(bmi(height, weight), 1) if height and weight else None,
    }


def _infusion(values: Mapping[str, Any], subject: Mapping[str, Any]) -> dict[str, Any]:
    start, end = values.get("EXSTDTC"), values.get("EXENDTC")
    cells, weight = values.get("EXCELL"), values.get("EXWT")
    duration = None
    if isinstance(start, datetime) and isinstance(end, datetime) and end > start:
        duration = round((end - start).total_seconds() / 60)
    return {
        "EXDUR": duration,
        "EXDOSE": round(cells / weight, 4) if cells and weight else None,
    }


def visit_scores(
    values: Mapping[str, Any], *, female: bool | None, cholestatic: bool
) -> dict[str, scores.ScoreResult]:
    """The five liver scores of a visit's SI lab values (never raises)."""

    def code_int(code: str) -> int | None:
        raw = values.get(code)
        return int(raw) if isinstance(raw, str) and raw.isdigit() else None

    return scores.compute_all(
        bilirubin_umol_l=values.get("TBIL"),
        creatinine_umol_l=values.get("CREAT"),
        inr=values.get("INR"),
        sodium_mmol_l=values.get("SODIUM"),
        albumin_g_l=values.get("ALB"),
        female=female,
        dialysis=values.get("DIALYSIS") == "Y",
        ascites=code_int("ASCITES"),
        encephalopathy=code_int("HE"),
        cholestatic=cholestatic,
    )


def _visit(values: Mapping[str, Any], subject: Mapping[str, Any]) -> dict[str, Any]:
    sex = subject.get("SEX")
    results = visit_scores(
        values,
        female=None if sex is None else sex == "F",
        cholestatic=subject.get("DXCAT") in CHOLESTATIC_DIAGNOSES,
    )
    child_pugh = results["CHILD_PUGH"].value
    albi = results["ALBI"].value
    assert child_pugh is None or isinstance(child_pugh, tuple)
    assert albi is None or isinstance(albi, tuple)
    return {
        "MELD": results["MELD"].value,
        "MELDNA": results["MELD_NA"].value,
        "MELD3": results["MELD_3"].value,
        "CPS": child_pugh[0] if child_pugh else None,
        "CPCLASS": child_pugh[1] if child_pugh else None,
        "ALBI": round(albi[0], 4) if albi else None,
        "ALBIGR": albi[1] if albi else None,
    }


def _adverse_event(values: Mapping[str, Any], subject: Mapping[str, Any]) -> dict[str, Any]:
    onset = values.get("AESTDTC")
    windows: list[tuple[datetime, datetime]] = subject.get("infusion_windows", [])
    if not isinstance(onset, datetime):
        return {"AEINFREL": None}
    related = any(start <= onset <= end + INFUSION_RELATED for start, end in windows)
    return {"AEINFREL": "Y" if related else "N"}


_DERIVERS = {
    "ENROL": _enrolment,
    "EX": _infusion,
    "VIS": _visit,
    "AE": _adverse_event,
}


def derive(
    form_code: str, values: Mapping[str, Any], subject: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Derived field values of a form from its entered SI values.

    `subject` carries what the derivation needs from elsewhere: SEX and DXCAT for the scores,
    `infusion_windows` ((start, end) datetimes) for whether an adverse event is infusion-related.
    """
    deriver = _DERIVERS.get(form_code)
    return deriver(values, subject or {}) if deriver else {}
