"""The demo study: 26 subjects like the reference study (Liang et al., Int J Rheum Dis 2017).

23 UC-MSC, 2 CB-MSC and 1 BM-MSC recipients; 3 died of complications of cirrhosis, 2 had a
liver transplantation after MSC, 4 were lost to follow-up and 17 completed 24 months
(crf-spec.md "Demo cohort"). The labs follow the paper's abstract: mean ALT lower at 6, 12
and 24 months (not significantly), total bilirubin lower at 6 and 12 months, albumin higher
at 6, 12 and 24 months (significantly at 24), prothrombin time shorter at 6 months and MELD
better at 6, 12 and 24 months. One grade 1 infusion fever; no serious adverse event during
or within 24 h of an infusion.

Everything is drawn from ``random.Random(SEED)`` and dated 2014-2017, so the data are the same
every time (only the audit timestamps are real time). Every row goes through
:func:`msct_crf.workflow.records.save_in_session`, the app's one write path, so every row is
validated and audited; a row the rules refuse is a bug here and raises ``RuntimeError``.
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from msct_crf.errors import UserError
from msct_crf.storage.db.models import AdverseEvent, AuditEntry, Infusion, Visit
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import DEMO, mark_study_kind
from msct_crf.study.dictionary import visit_def
from msct_crf.workflow import records

SEED = 20170101
DEMO_USER = "demo"

#: (visit code, month) of the scheduled visits, in order.
SCHEDULE = ("BASELINE", "M1", "M3", "M6", "M12", "M18", "M24")
MONTH = {"BASELINE": 0, "M1": 1, "M3": 3, "M6": 6, "M12": 12, "M18": 18, "M24": 24}

# Share of the full treatment effect reached at each month (survivors' mean trajectory).
_TBIL_EFFECT = {1: 0.3, 3: 0.6, 6: 1.0, 12: 1.0, 18: 0.8, 24: 0.6}
_ALB_GAIN = {1: 0.2, 3: 0.4, 6: 0.6, 12: 0.9, 18: 1.8, 24: 3.2}  # g/L
_PT_EFFECT = {1: 0.3, 3: 0.7, 6: 1.0, 12: 0.6, 18: 0.4, 24: 0.4}
_ALT_EFFECT = {1: 0.08, 3: 0.12, 6: 0.2, 12: 0.2, 18: 0.16, 24: 0.16}

_DIAGNOSES = (
    ["AIH"] * 7
    + ["PBC"] * 7
    + ["AIH_PBC"] * 3
    + ["PSC"] * 2
    + ["AIH_PSC", "IGG4_SC", "SLE", "SLE", "PSS", "PSS", "SSC"]
)
_SURNAMES = "WLZCHYXGSMJDFTRQ"  # pinyin initials of common surnames (Wang, Li, Zhang, ...)
_GIVEN = "XYJHLMQWZSFCGTDB"
_HISTORY = (
    ("Hypertension", True),
    ("Type 2 diabetes mellitus", True),
    ("Hypothyroidism", True),
    ("Osteoporosis", True),
    ("Oesophageal varices", True),
    ("Cholecystectomy", False),
    ("Raynaud's phenomenon", True),
    ("Hashimoto thyroiditis", True),
    ("Appendicectomy", False),
)
_LATER_AES = (
    ("Fatigue", "1"),
    ("Pruritus", "1"),
    ("Upper respiratory tract infection", "1"),
    ("Diarrhoea", "1"),
    ("Rash", "1"),
    ("Insomnia", "1"),
    ("Peripheral oedema", "2"),
    ("Urinary tract infection", "2"),
)
_DEATH_CAUSES = (
    ("Variceal haemorrhage", "Complication of cirrhosis: variceal haemorrhage"),
    ("Hepatic failure", "Complication of cirrhosis: progressive liver failure"),
    ("Hepatorenal syndrome", "Complication of cirrhosis: hepatorenal syndrome"),
)


@dataclass
class _Plan:
    """One demo subject before it is saved: who, what happened, when."""

    number: int
    site: str
    sex: str
    diagnosis: str
    source: str
    outcome: str  # COMPLETED / DIED / LTX / LOST
    last_visit: str  # the last scheduled visit attended
    day0: datetime
    infusion_days: tuple[int, ...] = (0,)
    severity: float = 0.0
    response: float = 1.0
    fever: bool = False
    late_visits: dict[str, int] = field(default_factory=dict)  # visit -> days after window
    not_done: dict[str, tuple[str, ...]] = field(default_factory=dict)  # visit -> ND fields
    end_day: int = 0  # study day of death / transplant / loss
    cause: int = 0  # which of _DEATH_CAUSES, for those who died


class _Saver:
    """Saves through the one write path and stops loudly if the demo data are refused."""

    def __init__(self, session: Session, user: str) -> None:
        self.session = session
        self.user = user

    def __call__(
        self,
        form: str,
        values: Mapping[str, object],
        subject: str | None = None,
        *,
        parent_id: int | None = None,
        missing: Mapping[str, str] | None = None,
        confirm: bool = False,
    ) -> records.SaveResult:
        result = records.save_in_session(
            self.session,
            user=self.user,
            form=form,
            values=values,
            subject=subject,
            parent_id=parent_id,
            missing=missing,
            confirm_warnings=confirm,
        )
        if not result.saved:
            detail = "; ".join(f.message for f in result.findings) or result.message
            raise RuntimeError(f"demo data refused ({form} of {subject}): {detail}")
        return result


# --------------------------------------------------------------------------- the cohort


def _plans(rng: random.Random) -> list[_Plan]:
    """Who the 26 subjects are and what happens to them (no lab values yet)."""
    n = 26
    sources = ["UC-MSC"] * 23 + ["CB-MSC"] * 2 + ["BM-MSC"]
    rng.shuffle(sources)
    diagnoses = list(_DIAGNOSES)
    rng.shuffle(diagnoses)
    sexes = ["F"] * 22 + ["M"] * 4
    rng.shuffle(sexes)
    sites = ["GZH"] * 18 + ["NJG"] * 5 + ["SHA"] * 3
    rng.shuffle(sites)
    # (outcome, last scheduled visit attended, study day follow-up ended)
    outcomes = [
        ("DIED", "M3", 150),
        ("DIED", "M6", 290),
        ("DIED", "M12", 470),
        ("LTX", "M6", 262),
        ("LTX", "M12", 488),
        ("LOST", "M3", 0),
        ("LOST", "M6", 0),
        ("LOST", "M12", 0),
        ("LOST", "M18", 0),
    ] + [("COMPLETED", "M24", 0)] * 17
    rng.shuffle(outcomes)
    first = date(2014, 1, 6)
    span = (date(2015, 8, 28) - first).days
    starts = sorted(first + timedelta(days=rng.randrange(span)) for _ in range(n))

    plans = []
    for i in range(n):
        outcome, last, end_day = outcomes[i]
        start = datetime.combine(starts[i], time(9, 0)) + timedelta(minutes=15 * rng.randrange(7))
        while start.weekday() >= 5:  # infusions on working days
            start += timedelta(days=1)
        sick = outcome in ("DIED", "LTX")
        plan = _Plan(
            number=i,
            site=sites[i],
            sex=sexes[i],
            diagnosis=diagnoses[i],
            source=sources[i],
            outcome=outcome,
            last_visit=last,
            day0=start,
            severity=rng.gauss(1.3, 0.4) if sick else rng.gauss(0.0, 0.8),
            response=rng.gauss(-0.9, 0.3) if sick else rng.gauss(1.0, 0.5),
            end_day=end_day,
        )
        plans.append(plan)

    # Some centres repeat the infusion: days 0 and 7 at Nanjing, three infusions four weeks
    # apart at Shanghai.
    completed = [p for p in plans if p.outcome == "COMPLETED"]
    nanjing = [p for p in completed if p.site == "NJG"]
    shanghai = [p for p in completed if p.site == "SHA"]
    for p in nanjing[:3]:
        p.infusion_days = (0, 7)
    for p in shanghai[:1]:
        p.infusion_days = (0, 28, 56)
    for cause, p in enumerate(q for q in plans if q.outcome == "DIED"):
        p.cause = cause
    single = [p for p in completed if p.infusion_days == (0,) and p.source == "UC-MSC"]
    single[0].fever = True
    # Deviations: two visits out of window, two with not-done labs.
    single[1].late_visits["M3"] = 6
    single[2].late_visits["M12"] = 9
    single[3].not_done["M18"] = ("IGG",)
    single[4].not_done["M3"] = ("ALP", "GGT")
    return plans


def _initials(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def _visit_day(rng: random.Random, code: str, plan: _Plan) -> int:
    v = visit_def(code)
    if code in plan.late_visits:
        return v.last_day + plan.late_visits[code]
    if code == "BASELINE":
        return -rng.randint(1, 6)
    spread = max(1, v.window_after // 2)
    return v.target_day + rng.randint(-spread, spread)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _labs(
    rng: random.Random, plan: _Plan, month: int, base: dict[str, float], final: bool
) -> dict[str, Any]:
    """SI lab values of one visit; month 0 draws the subject's baseline into `base`."""
    cholestatic = plan.diagnosis in ("PBC", "PSC", "AIH_PBC", "AIH_PSC", "IGG4_SC")
    if month == 0:
        s = plan.severity
        base["TBIL"] = math.exp(math.log(30) + 0.45 * s + rng.gauss(0, 0.3)) * (
            1.3 if cholestatic else 1.0
        )
        base["ALB"] = 32.0 - 3.0 * s + rng.gauss(0, 2.5)
        base["PT"] = 14.3 + 1.3 * s + rng.gauss(0, 0.9)
        base["ALT"] = math.exp(math.log(60 if "AIH" in plan.diagnosis else 45) + rng.gauss(0, 0.45))
        base["CREAT"] = rng.uniform(52, 88) * (1.15 if plan.sex == "M" else 1.0)
        base["SODIUM"] = 139 - 1.5 * max(s, 0) + rng.gauss(0, 1.5)
        base["PLT"] = 95 - 20 * s + rng.gauss(0, 20)
        base["ALP"] = rng.uniform(220, 420) if cholestatic else rng.uniform(80, 160)
        base["GGT"] = rng.uniform(150, 380) if cholestatic else rng.uniform(40, 120)
        base["IGG"] = rng.uniform(18, 28) if "AIH" in plan.diagnosis else rng.uniform(12, 20)
    r = plan.response
    if month == 0:
        tbil, alb, pt, alt = base["TBIL"], base["ALB"], base["PT"], base["ALT"]
        creat = base["CREAT"]
    else:
        tbil = base["TBIL"] * math.exp(-0.28 * r * _TBIL_EFFECT[month] + rng.gauss(0, 0.15))
        alb = base["ALB"] + _ALB_GAIN[month] * r + rng.gauss(0, 2.4)
        pt = base["PT"] - 0.9 * r * _PT_EFFECT[month] + rng.gauss(0, 0.6)
        alt = base["ALT"] * max(0.35, 1 - _ALT_EFFECT[month] * max(r, 0) + rng.gauss(0, 0.3))
        creat = base["CREAT"] * math.exp(rng.gauss(0, 0.07))
        if final and plan.outcome == "DIED":  # the last visit before death: kidneys failing
            creat *= 1.6
    tbil = round(_clamp(tbil, 6, 420), 1)
    alb = round(_clamp(alb, 19, 48), 1)
    pt = round(_clamp(pt, 10.5, 32), 1)
    alt = round(_clamp(alt, 8, 600))
    inr = round(pt / 12.4, 2)
    ascites = "2" if alb < 24 else "1" if alb < 28 else "0"
    encephalopathy = "1" if final and plan.outcome == "DIED" else "0"
    return {
        "ALT": alt,
        "AST": round(_clamp(alt * rng.uniform(1.0, 1.6), 10, 900)),
        "ALP": round(base["ALP"] * rng.uniform(0.85, 1.1)),
        "GGT": round(base["GGT"] * rng.uniform(0.8, 1.1)),
        "TBIL": tbil,
        "DBIL": round(tbil * rng.uniform(0.45, 0.7), 1),
        "ALB": alb,
        "PT": pt,
        "PTA": round(_clamp(500 / (pt - 7.0), 25, 125)),
        "INR": inr,
        "CREAT": round(_clamp(creat, 35, 400)),
        "SODIUM": round(_clamp(base["SODIUM"] + rng.gauss(0, 1.2), 124, 146)),
        "PLT": round(_clamp(base["PLT"] + rng.gauss(0, 12), 25, 320)),
        "HGB": round(_clamp(rng.gauss(118, 12), 80, 160)),
        "WBC": round(_clamp(rng.gauss(4.6, 1.2), 2.0, 10.0), 1),
        "IGG": round(base["IGG"] * rng.uniform(0.9, 1.05), 1),
        "ASCITES": ascites,
        "HE": encephalopathy,
        "DIALYSIS": "N",
        "VARBLEED": "Y" if final and plan.outcome == "DIED" and plan.end_day < 200 else "N",
    }


def _vital_signs(rng: random.Random, fever: bool) -> list[dict[str, Any]]:
    rows = []
    for timepoint in ("PRE", "15MIN", "30MIN", "60MIN", "END", "2H", "24H"):
        temp = round(rng.uniform(36.3, 37.0), 1)
        pulse = rng.randint(66, 90)
        if fever and timepoint == "END":
            temp, pulse = 37.6, 96
        elif fever and timepoint == "2H":
            temp, pulse = 38.4, 104
        systolic = rng.randint(104, 134)
        rows.append(
            {
                "VSTPT": timepoint,
                "TEMP": temp,
                "PULSE": pulse,
                "SYSBP": systolic,
                "DIABP": systolic - rng.randint(35, 50),
                "RESP": rng.randint(14, 20),
                "SPO2": rng.randint(95, 99),
            }
        )
    return rows


def _conmeds(plan: _Plan, consent: date, stop: date | None) -> list[dict[str, Any]]:
    dx = plan.diagnosis
    since = f"{consent.year - 2:04d}-{consent.month:02d}"
    meds: list[tuple[str, str, float, str, str, str]] = []
    if dx in ("PBC", "PSC", "AIH_PBC", "AIH_PSC", "IGG4_SC"):
        meds.append(("Ursodeoxycholic acid", "UDCA", 250, "mg", "TID", dx))
    if "AIH" in dx or dx in ("IGG4_SC", "SLE"):
        meds.append(("Prednisone", "STEROID", 10, "mg", "QD", dx))
    if "AIH" in dx:
        meds.append(("Azathioprine", "AZA", 50, "mg", "QD", dx))
    if dx in ("SLE", "PSS"):
        meds.append(("Hydroxychloroquine", "IMMUNO", 200, "mg", "BID", dx))
    if dx == "SSC":
        meds.append(("Mycophenolate mofetil", "MMF", 500, "mg", "BID", dx))
    if plan.severity > 0.8:
        meds.append(("Spironolactone", "DIURETIC", 40, "mg", "QD", "Ascites"))
        meds.append(("Propranolol", "BETABLOCK", 10, "mg", "BID", "Oesophageal varices"))
    out = []
    for name, category, dose, unit, frequency, indication in meds:
        row: dict[str, Any] = {
            "CMTRT": name,
            "CMCAT": category,
            "CMDOSE": dose,
            "CMDOSU": unit,
            "CMDOSFRQ": frequency,
            "CMROUTE": "PO",
            "CMSTDTC": since,
            "CMINDC": indication,
        }
        if stop is None:
            row["CMONGO"] = "Y"
        else:
            row["CMONGO"] = "N"
            row["CMENDTC"] = stop.isoformat()
        out.append(row)
    return out


def _save_subject(save: _Saver, rng: random.Random, plan: _Plan) -> None:
    """Every form of one subject, in the order a site would enter them.

    The steps draw from `rng` in a fixed order (enrolment, history, infusions, visits, later
    AEs, the transplant AE, the fatal AE): the demo is the same cohort every time.
    """
    subjid, consent, weight = _enrol(save, rng, plan)
    _medical_history(save, rng, subjid, consent)
    infusion_windows = _infusions(save, rng, plan, subjid, weight)
    visit_dates = _scheduled_visits(save, rng, plan, subjid)
    last_visit_date = visit_dates[-1]
    end_date = _end_of_follow_up(plan, last_visit_date)
    _later_adverse_events(save, rng, plan, subjid, last_visit_date, infusion_windows)
    if plan.outcome == "LTX":
        _decompensation_before_transplant(save, rng, subjid, end_date)
    stop = end_date if plan.outcome in ("DIED", "LTX") else None
    for med in _conmeds(plan, consent, stop):
        save("CM", med, subjid)
    # Disposition before the fatal event, so the death it needs is already on file.
    _disposition(save, plan, subjid, end_date, last_visit_date)
    if plan.outcome == "DIED":
        _fatal_event(save, rng, plan, subjid, end_date)


def _enrol(save: _Saver, rng: random.Random, plan: _Plan) -> tuple[str, date, float]:
    """The enrolment form; returns the new subject ID, the consent date and the weight."""
    day0 = plan.day0
    consent = day0.date() - timedelta(days=rng.randint(10, 21))
    enrolment = consent + timedelta(days=rng.randint(0, 3))
    age = rng.randint(28, 66)
    birth = date(consent.year - age, rng.randint(1, 12), rng.randint(1, 28))
    height = round(rng.gauss(158 if plan.sex == "F" else 169, 5), 1)
    weight = round(_clamp(rng.gauss(54 if plan.sex == "F" else 63, 7), 40, 85), 1)
    dx_year = consent.year - rng.randint(2, 9)
    decompensated = plan.severity > 0.8
    enrol: dict[str, Any] = {
        "SITEID": plan.site,
        "INITIALS": _initials(rng),
        "HOSPNUM": f"{rng.randint(100000, 999999)}",
        "SEX": plan.sex,
        "BRTHDTC": birth,
        "HEIGHT": height,
        "WEIGHT": weight,
        "RFICDTC": consent,
        "ENRLDTC": enrolment,
        "DXCAT": plan.diagnosis,
        "DXDTC": f"{dx_year:04d}-{rng.randint(1, 12):02d}" if rng.random() < 0.7 else f"{dx_year}",
        "CIRRDTC": date(consent.year - rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28)),
        "CIRRMETH": rng.choice(("BIOPSY", "IMAGING", "ELASTO", "ELASTO", "CLINICAL")),
        "LSM": round(_clamp(rng.gauss(22 + 6 * plan.severity, 5), 12.5, 60), 1),
        "DCASC": "Y" if decompensated or rng.random() < 0.2 else "N",
        "DCVB": "Y" if decompensated and rng.random() < 0.5 else "N",
        "DCHE": "N",
        "DCJAUN": "Y" if decompensated else "N",
        "IEIN01": "Y",
        "IEIN02": "Y",
        "IEIN03": "Y",
        "IEIN04": "Y",
        "IEEX01": "N",
        "IEEX02": "N",
        "IEEX03": "N",
        "IEEX04": "N",
        "IEEX05": "N",
    }
    if enrol["CIRRDTC"] > consent:
        enrol["CIRRDTC"] = consent - timedelta(days=30)
    subjid = save("ENROL", enrol).subject
    assert subjid is not None
    return subjid, consent, weight


def _medical_history(save: _Saver, rng: random.Random, subjid: str, consent: date) -> None:
    for term, ongoing in rng.sample(_HISTORY, rng.randint(1, 3)):
        since = f"{consent.year - rng.randint(1, 12):04d}"
        if rng.random() < 0.5:
            since += f"-{rng.randint(1, 12):02d}"
        save("MH", {"MHTERM": term, "MHSTDTC": since, "MHONGO": "Y" if ongoing else "N"}, subjid)


def _infusions(
    save: _Saver, rng: random.Random, plan: _Plan, subjid: str, weight: float
) -> list[tuple[datetime, datetime]]:
    """Each infusion with its seven vital-sign timepoints (and the fever, for the one
    subject who has it); returns the (start, end) of each infusion."""
    day0 = plan.day0
    infusion_windows: list[tuple[datetime, datetime]] = []
    lot = f"{plan.source[:2]}{day0:%Y%m}{rng.randint(1, 9):02d}"
    for n, day in enumerate(plan.infusion_days, start=1):
        start = day0 + timedelta(days=day)
        end = start + timedelta(minutes=rng.choice((35, 40, 45, 50, 60)))
        fever_here = plan.fever and n == 1
        cells = round(weight * rng.uniform(0.95, 1.08), 1)
        infusion = save(
            "EX",
            {
                "EXSTDTC": start,
                "EXENDTC": end,
                "EXSRC": plan.source,
                "EXLOT": f"{lot}-{n}",
                "EXWT": weight,
                "EXCELL": cells,
                "EXPLAN": 1.0,
                "EXVOL": 100,
                "EXVIAB": rng.randint(88, 97),
                "EXROUTE": "PIV",
                "PREMED": "N",
                "EXREACT": "Y" if fever_here else "N",
                "EXCOMPL": "Y",
            },
            subjid,
        )
        for vs in _vital_signs(rng, fever_here):
            save("VS", vs, subjid, parent_id=infusion.record_id)
        infusion_windows.append((start, end))
        if fever_here:
            _infusion_fever(save, subjid, end)
    return infusion_windows


def _infusion_fever(save: _Saver, subjid: str, infusion_end: datetime) -> None:
    """The reference study's one infusion reaction: grade 1 fever, possibly related."""
    onset = infusion_end + timedelta(minutes=95)
    save(
        "AE",
        {
            "AETERM": "Fever",
            "AESTDTC": onset,
            "AEENDTC": onset + timedelta(hours=9),
            "AEONGO": "N",
            "AETOXGR": "1",
            "AESER": "N",
            "AEREL": "POSSIBLE",
            "AEACN": "NONE",
            "AEOUT": "RECOVERED",
        },
        subjid,
    )


def _scheduled_visits(save: _Saver, rng: random.Random, plan: _Plan, subjid: str) -> list[date]:
    """The scheduled visits until the end of follow-up; returns their dates."""
    last = SCHEDULE.index(plan.last_visit)
    base: dict[str, float] = {}
    visit_dates: list[date] = []
    for code in SCHEDULE[: last + 1]:
        day = _visit_day(rng, code, plan)
        when = plan.day0.date() + timedelta(days=day)
        labs = _labs(rng, plan, MONTH[code], base, final=code == plan.last_visit)
        nd = plan.not_done.get(code, ())
        for lab in nd:
            labs.pop(lab)
        save(
            "VIS",
            {"VISIT": code, "VISDTC": when, **labs},
            subjid,
            missing=dict.fromkeys(nd, "ND"),
            confirm=code in plan.late_visits,  # out of window: a deviation, confirmed
        )
        visit_dates.append(when)
    return visit_dates


def _end_of_follow_up(plan: _Plan, last_visit_date: date) -> date:
    """Death or transplant on the planned day; loss a month after the missed visit's window;
    otherwise the last visit."""
    day0 = plan.day0.date()
    if plan.outcome in ("DIED", "LTX"):
        return day0 + timedelta(days=plan.end_day)
    if plan.outcome == "LOST":
        next_code = SCHEDULE[SCHEDULE.index(plan.last_visit) + 1]
        return day0 + timedelta(days=visit_def(next_code).last_day + 30)
    return last_visit_date


def _later_adverse_events(
    save: _Saver,
    rng: random.Random,
    plan: _Plan,
    subjid: str,
    last_visit_date: date,
    infusion_windows: list[tuple[datetime, datetime]],
) -> None:
    """Mild AEs during follow-up: none within 24 h of an infusion, all before it ended."""
    day0 = plan.day0
    follow_up = (last_visit_date - day0.date()).days
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        term, grade = rng.choice(_LATER_AES)
        day = rng.randint(60, max(61, follow_up - 5))
        onset = datetime.combine(day0.date() + timedelta(days=day), time(rng.randint(8, 20), 0))
        assert all(not (s <= onset <= e + timedelta(hours=24)) for s, e in infusion_windows)
        ended = onset + timedelta(days=rng.randint(3, 14))
        save(
            "AE",
            {
                "AETERM": term,
                "AESTDTC": onset,
                "AEENDTC": ended,
                "AEONGO": "N",
                "AETOXGR": grade,
                "AESER": "N",
                "AEREL": rng.choice(("NOT", "UNLIKELY", "UNLIKELY")),
                "AEACN": "TREATED" if grade == "2" else "NONE",
                "AEOUT": "RECOVERED",
            },
            subjid,
        )


def _decompensation_before_transplant(
    save: _Saver, rng: random.Random, subjid: str, end_date: date
) -> None:
    """The serious AE that led to the liver transplantation, still ongoing."""
    onset = datetime.combine(end_date - timedelta(days=rng.randint(20, 40)), time(10, 0))
    save(
        "AE",
        {
            "AETERM": "Hepatic decompensation",
            "AESTDTC": onset,
            "AEONGO": "Y",
            "AETOXGR": "3",
            "AESER": "Y",
            "AESHOSP": "Y",
            "AEREL": "NOT",
            "AEACN": "OTHER",
            "AEOUT": "NOT_RECOVERED",
        },
        subjid,
    )


def _disposition(
    save: _Saver, plan: _Plan, subjid: str, end_date: date, last_visit_date: date
) -> None:
    disposition: dict[str, Any] = {"DSDECOD": plan.outcome, "DSSTDTC": end_date}
    if plan.outcome == "DIED":
        disposition["DSDTHCAU"] = _DEATH_CAUSES[plan.cause][1]
    elif plan.outcome == "LTX":
        disposition["DSLTXDTC"] = end_date
    elif plan.outcome == "LOST":
        disposition["DSLCDTC"] = last_visit_date
    save("DS", disposition, subjid)


def _fatal_event(
    save: _Saver, rng: random.Random, plan: _Plan, subjid: str, end_date: date
) -> None:
    """The grade 5 complication of cirrhosis the subject died of."""
    onset = datetime.combine(end_date - timedelta(days=rng.randint(2, 6)), time(3, 30))
    save(
        "AE",
        {
            "AETERM": _DEATH_CAUSES[plan.cause][0],
            "AESTDTC": onset,
            "AEENDTC": datetime.combine(end_date, time(6, 10)),
            "AEONGO": "N",
            "AETOXGR": "5",
            "AESER": "Y",
            "AESDTH": "Y",
            "AEREL": "NOT",
            "AEACN": "TREATED",
            "AEOUT": "FATAL",
        },
        subjid,
    )


# --------------------------------------------------------------------------- entry point


def remove_database(path: Path) -> None:
    """Delete a database file with its -wal, -shm and -journal companions, if present."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        target = path.with_name(path.name + suffix)
        if target.exists():
            target.unlink()


def prepare_new_database(path: Path, overwrite: bool, *, command: str = "demo") -> None:
    """Refuse an existing file unless `overwrite`; then remove it (and its WAL files).

    Even with `overwrite`, an MSC-CRF study is replaced only when it is a demo or scale
    study (marked so when it was made) or holds neither accounts nor subjects: `--force`
    must never throw away a real study."""
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a database file name")
    if path.exists() and not overwrite:
        raise UserError(f"{path} already exists; use --force to replace it")
    if not path.parent.exists():
        raise UserError(f"Folder {path.parent} does not exist")
    if path.exists():
        refuse_replacing_a_study(path, command)
    try:
        remove_database(path)
    except OSError as exc:
        raise UserError(f"Cannot replace {path}: {exc.strerror or exc}") from exc


def prepare_new_server_database(url: str, *, command: str = "demo") -> None:
    """Refuse a server database (a clinic server's, a centre's test database) that already
    holds tables: `--force` never drops anything on a server, where one database may be a
    real study; the administrator makes a new, empty database for it (``createdb``)."""
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import inspect

    from msct_crf.storage.db.engine import make_engine, masked_url

    where = masked_url(url)
    try:
        engine = make_engine(url)
    except (sa_exc.ArgumentError, ImportError) as exc:
        raise UserError(f"--db {where}: not a database URL that can be opened ({exc})") from exc
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
    except sa_exc.DBAPIError as exc:
        raise UserError(f"--db {where}: cannot connect ({str(exc.orig).strip()})") from exc
    finally:
        engine.dispose()
    if tables:
        raise UserError(
            f"--db {where}: the database is not empty ({len(tables)} tables); `{command}` "
            "fills only a new, empty database on a server (--force never drops one): "
            "create one (createdb) and give its URL"
        )


def refuse_replacing_a_study(path: Path, command: str) -> None:
    """UserError when `path` is an MSC-CRF study that `command --force` must not replace."""
    from msct_crf.storage import study_identity
    from msct_crf.storage.store import SQLITE_HEADER

    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise UserError(f"Cannot replace {path}: {exc.strerror or exc}") from exc
    if header != SQLITE_HEADER:
        return  # not a database: --force replaces it as asked
    refusal = f"{path} is an MSC-CRF study"
    advice = (
        f"`{command} --force` replaces only a demo or scale study; choose another file "
        "(or move this one away yourself if it is really not needed)"
    )
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        finally:
            connection.close()
        if "alembic_version" not in tables:
            return  # an SQLite file of another program (refused by Store.open anyway)
        kind = study_identity.file_settings(path).get(study_identity.STUDY_KIND_KEY)
        if kind in study_identity.STUDY_KINDS:
            return  # everything in it, accounts included, is demo data
        accounts, subjects = study_identity.file_contents(path)
    except sqlite3.Error as exc:
        raise UserError(
            f"{path} is a database that cannot be read ({exc}); it is not replaced: {advice}"
        ) from exc
    if accounts:
        raise UserError(f"{refusal} with {accounts} user account(s): {advice}")
    if subjects:
        raise UserError(f"{refusal} with {subjects} subject(s): {advice}")


def create_demo(
    path: str | Path,
    *,
    user: str = DEMO_USER,
    overwrite: bool = False,
    with_accounts: bool = False,
) -> str:
    """Create the demo study at `path` (a file, or a new empty database on a server: its
    URL) and return a one-paragraph summary of it.

    ``with_accounts`` adds the four demo accounts and takes a third of the forms through the
    lifecycle (:mod:`msct_crf.tools.demo_lifecycle`); the cohort itself is the same."""
    from msct_crf.storage.db.engine import is_server_url, masked_url

    if not user or not user.strip():
        raise UserError("A user name is required (it goes into the audit trail)")
    if is_server_url(path):
        prepare_new_server_database(str(path))
        where: Path | str = masked_url(str(path))
    else:
        path = where = Path(path)
        prepare_new_database(path, overwrite)
    rng = random.Random(SEED)
    plans = _plans(rng)
    with Store.open_location(path) as store:
        with store.session() as session:
            mark_study_kind(session, DEMO)
        for plan in plans:
            with store.session() as session:
                _save_subject(_Saver(session, user), rng, plan)
        with store.reading() as session:
            infusions = session.scalar(select(func.count()).select_from(Infusion))
            visits = session.scalar(select(func.count()).select_from(Visit))
            events = session.scalar(select(func.count()).select_from(AdverseEvent))
        lifecycle_text = _lifecycle(store) if with_accounts else ""
        with store.reading() as session:
            audit_rows = session.scalar(select(func.count()).select_from(AuditEntry))
    sources = Counter(p.source for p in plans)
    outcomes = Counter(p.outcome for p in plans)
    return (
        f"Demo study created at {where}: {len(plans)} subjects "
        f"({sources['UC-MSC']} UC-MSC, {sources['CB-MSC']} CB-MSC, {sources['BM-MSC']} BM-MSC), "
        f"{outcomes['DIED']} died, {outcomes['LTX']} liver transplantation, "
        f"{outcomes['LOST']} lost to follow-up, {outcomes['COMPLETED']} completed 24 months; "
        f"{infusions} infusions, {visits} visits, {events} adverse events; "
        f"{audit_rows} audit rows"
    ) + lifecycle_text


def _lifecycle(store: Store) -> str:
    """Accounts and lifecycle steps for ``--with-accounts``; the text the command adds."""
    from msct_crf.tools import demo_lifecycle

    done = demo_lifecycle.add_accounts_and_lifecycle(store)
    return (
        f"; {done.locked} forms verified, signed and locked, {done.unlocked} unlocked with a "
        f"reason, {done.open_queries} open and {done.answered_queries} answered queries\n"
        + demo_lifecycle.accounts_text()
    )
