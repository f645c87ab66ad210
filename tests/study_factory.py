"""A small study built through the real write path, for overview and desktop tests.

Faster than the 26-subject demo and with states chosen on purpose: relative to TODAY one
subject is overdue for month 1, one is due, one died, one was transplanted, one completed,
one has no infusion yet. Every value goes through `msct_crf.workflow.records.save_form`, so the rows
are audited exactly as the app's would be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from msct_crf.storage.store import Store
from msct_crf.workflow import records

TODAY = dt.date(2026, 11, 25)
USER = "factory"

ELIGIBLE = {
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


def _ok(result: records.SaveResult) -> records.SaveResult:
    assert result.saved, (result.message, [f.message for f in result.findings])
    return result


def enrol(
    store: Store,
    *,
    initials: str,
    sex: str = "F",
    dx: str = "AIH",
    consent: dt.date = dt.date(2024, 1, 5),
    birth: dt.date = dt.date(1970, 3, 1),
) -> str:
    values = {
        "SITEID": "GZH",
        "INITIALS": initials,
        "SEX": sex,
        "BRTHDTC": birth.isoformat(),
        "RFICDTC": consent.isoformat(),
        "ENRLDTC": consent.isoformat(),
        "DXCAT": dx,
        "HEIGHT": "165",
        "WEIGHT": "60",
        **ELIGIBLE,
    }
    result = _ok(
        records.save_form(store, user=USER, form="ENROL", values=values, confirm_warnings=True)
    )
    assert result.subject is not None
    return result.subject


def infuse(store: Store, subjid: str, start: dt.datetime, source: str = "UC-MSC") -> int:
    values = {
        "EXSTDTC": start.isoformat(sep=" ", timespec="minutes"),
        "EXENDTC": (start + dt.timedelta(minutes=45)).isoformat(sep=" ", timespec="minutes"),
        "EXSRC": source,
        "EXLOT": "LOT-1",
        "EXWT": "60",
        "EXCELL": "60",
        "EXPLAN": "1.0",
    }
    result = _ok(
        records.save_form(
            store, user=USER, form="EX", subject=subjid, values=values, confirm_warnings=True
        )
    )
    assert result.record_id is not None
    return result.record_id


def visit(
    store: Store,
    subjid: str,
    code: str,
    when: dt.date,
    *,
    tbil: float = 30.0,
    alb: float = 32.0,
    alt: float = 45.0,
    pt: float = 14.0,
    inr: float = 1.3,
    creat: float = 70.0,
    sodium: float = 138.0,
) -> int:
    values = {
        "VISIT": code,
        "VISDTC": when.isoformat(),
        "TBIL": str(tbil),
        "ALB": str(alb),
        "ALT": str(alt),
        "PT": str(pt),
        "INR": str(inr),
        "CREAT": str(creat),
        "SODIUM": str(sodium),
    }
    result = _ok(
        records.save_form(
            store, user=USER, form="VIS", subject=subjid, values=values, confirm_warnings=True
        )
    )
    assert result.record_id is not None
    return result.record_id


def dispose(store: Store, subjid: str, status: str, when: dt.date) -> None:
    values: dict[str, str] = {"DSDECOD": status, "DSSTDTC": when.isoformat()}
    if status == "DIED":
        values["DSDTHCAU"] = "Liver failure"
    if status == "LTX":
        values["DSLTXDTC"] = when.isoformat()
    _ok(
        records.save_form(
            store, user=USER, form="DS", subject=subjid, values=values, confirm_warnings=True
        )
    )


@dataclass(frozen=True)
class SmallStudy:
    overdue: str  # active, month-1 window closed without a visit
    due: str  # active, month-1 window open today
    died: str
    transplanted: str
    completed: str
    not_infused: str  # enrolled, no infusion yet

    @property
    def all(self) -> list[str]:
        return [
            self.overdue,
            self.due,
            self.died,
            self.transplanted,
            self.completed,
            self.not_infused,
        ]


def build_small_study(store: Store) -> SmallStudy:
    """Six subjects whose states on TODAY are known (see the module docstring)."""
    # overdue: day 0 = 2026-09-01; M1 window 24-37 -> closed 2026-10-08; baseline done
    overdue = enrol(store, initials="OD", sex="M", dx="PBC", consent=dt.date(2026, 8, 20))
    visit(store, overdue, "BASELINE", dt.date(2026, 8, 30), tbil=40.0)
    infuse(store, overdue, dt.datetime(2026, 9, 1, 9, 0))

    # due: day 0 = 2026-10-25 -> M1 window 2026-11-17..2026-12-01 open on TODAY
    due = enrol(store, initials="DU", sex="F", dx="AIH", consent=dt.date(2026, 10, 10))
    visit(store, due, "BASELINE", dt.date(2026, 10, 20))
    infuse(store, due, dt.datetime(2026, 10, 25, 10, 0), source="CB-MSC")

    # died after month 6; visits with a trajectory to chart
    died = enrol(store, initials="DI", sex="M", dx="PSC", consent=dt.date(2024, 12, 20))
    infuse(store, died, dt.datetime(2025, 1, 6, 9, 30))
    infuse(store, died, dt.datetime(2025, 1, 13, 9, 30))
    visit(store, died, "BASELINE", dt.date(2025, 1, 2), tbil=60.0, alb=28.0)
    visit(store, died, "M1", dt.date(2025, 2, 5), tbil=55.0, alb=29.0)
    visit(store, died, "M3", dt.date(2025, 4, 7), tbil=50.0, alb=30.0)
    visit(store, died, "M6", dt.date(2025, 7, 7), tbil=45.0, alb=31.0)
    dispose(store, died, "DIED", dt.date(2025, 9, 1))

    transplanted = enrol(store, initials="TX", sex="F", dx="AIH_PBC", consent=dt.date(2025, 1, 2))
    infuse(store, transplanted, dt.datetime(2025, 1, 10, 9, 0), source="BM-MSC")
    visit(store, transplanted, "BASELINE", dt.date(2025, 1, 8))
    dispose(store, transplanted, "LTX", dt.date(2025, 3, 1))

    completed = enrol(store, initials="CO", sex="F", dx="SLE", consent=dt.date(2024, 1, 5))
    infuse(store, completed, dt.datetime(2024, 1, 10, 9, 0))
    for code, days in (("BASELINE", -2), ("M1", 30), ("M3", 91), ("M6", 182), ("M12", 365)):
        visit(store, completed, code, dt.date(2024, 1, 10) + dt.timedelta(days=days))
    visit(store, completed, "M18", dt.date(2025, 7, 10))
    visit(store, completed, "M24", dt.date(2026, 1, 9))
    dispose(store, completed, "COMPLETED", dt.date(2026, 1, 9))

    not_infused = enrol(store, initials="NI", sex="M", dx="AIH", consent=dt.date(2026, 11, 20))
    return SmallStudy(overdue, due, died, transplanted, completed, not_infused)
