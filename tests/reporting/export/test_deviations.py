"""The Deviations sheet (msct_crf.reporting.export.deviations) recomputed from the SQLite
file: every visit out of window, every window missed before follow-up ended and every visit
overdue of a subject still in follow-up, on the 300-subject scale study."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from export_factory import NOW
from export_readback import Exported
from scale_readback import UnitExports, sql_frame

from msct_crf.study.dictionary import VISITS
from msct_crf.study.dictionary.codelists import VISIT

KINDS = {
    "out of window": "Visit out of window",
    "missed": "Visit missed",
    "overdue": "Visit overdue (subject in follow-up)",
}


def _date(text: str | None) -> dt.date | None:
    return None if text is None or pd.isna(text) else dt.date.fromisoformat(str(text)[:10])


def expected_deviations(db: Path) -> set[tuple[str, str, str]]:
    """(subject, visit, kind) from plain SQL and the dictionary's windows."""
    today = NOW.date()
    subjects = sql_frame(
        db,
        "SELECT s.id, s.subjid, min(e.exstdtc) AS day0, d.id AS ds, d.dsstdtc "
        "FROM subject s LEFT JOIN infusion e ON e.subject_id = s.id "
        "LEFT JOIN disposition d ON d.subject_id = s.id GROUP BY s.id",
    )
    visits = sql_frame(
        db,
        "SELECT subject_id, visit, min(visdtc) AS visdtc FROM visit GROUP BY subject_id, visit",
    )
    entered = {(r.subject_id, r.visit): _date(r.visdtc) for r in visits.itertuples()}
    out: set[tuple[str, str, str]] = set()
    for s in subjects.itertuples():
        day0 = _date(s.day0)
        if day0 is None:
            continue
        ended = not pd.isna(s.ds)
        end = _date(s.dsstdtc)
        cutoff = today if end is None else min(end, today)
        for v in VISITS:
            first = day0 + dt.timedelta(days=v.first_day)
            last = day0 + dt.timedelta(days=v.last_day)
            when = entered.get((s.id, v.code))
            if when is not None:
                if not first <= when <= last:
                    out.add((s.subjid, v.code, "out of window"))
            elif ended and last < cutoff:
                out.add((s.subjid, v.code, "missed"))
            elif not ended and last < today:
                out.add((s.subjid, v.code, "overdue"))
    return out


def listed_deviations(path: Path) -> set[tuple[str, str, str]]:
    sheet = pd.read_excel(path, sheet_name="Deviations")
    visit_code = {VISIT.label(c, "en"): c for c in VISIT.codes}
    kind_code = {label: code for code, label in KINDS.items()}
    listed = {
        (r["Subject ID"], visit_code[r["Visit"]], kind_code[r["Deviation"]])
        for _, r in sheet.iterrows()
    }
    assert len(listed) == len(sheet)
    return listed


def test_small_study_deviations(exported: Exported, ids: dict[str, str]) -> None:
    expected = expected_deviations(exported.db)
    assert listed_deviations(exported.out) == expected
    assert (ids["S2"], "M12", "missed") in expected  # lost to follow-up
    assert (ids["S5"], "M6", "out of window") in expected


def test_every_deviation_of_every_subject(scale_exports: UnitExports) -> None:
    expected = expected_deviations(scale_exports.db)
    assert listed_deviations(scale_exports.si) == expected
    overdue = {(s, v) for s, v, k in expected if k == "overdue"}
    active = sql_frame(
        scale_exports.db,
        "SELECT subjid FROM subject WHERE id NOT IN (SELECT subject_id FROM disposition)",
    )["subjid"]
    assert {s for s, _ in overdue} <= set(active)
    assert len(overdue) >= 40 and len({s for s, _ in overdue}) >= 15
    assert {k for _, _, k in expected} == {"out of window", "overdue"}


def test_overdue_rows_show_the_window_and_no_visit(scale_exports: UnitExports) -> None:
    sheet = pd.read_excel(scale_exports.si, sheet_name="Deviations")
    overdue = sheet[sheet["Deviation"] == KINDS["overdue"]]
    assert overdue["Visit date"].isna().all()
    assert (overdue["Window end"] < pd.Timestamp(NOW.date())).all()
    assert overdue["Window start"].notna().all() and overdue["Target date"].notna().all()
