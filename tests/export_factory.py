"""A small study for the export tests, built through the real write path.

Five subjects with numbers chosen so the expected summary can be written out by hand:
completed, lost to follow-up (a missed month-12 visit), transplanted with a visit after the
transplant (excluded from the summary), died, and completed with an out-of-window month-6
visit and a missing-data code. The AE terms and a medical-history term look like formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from msct_crf.storage.store import Store
from msct_crf.workflow import records

USER = "builder"
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
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
FORMULA_TERM = '=HYPERLINK("http://example.invalid","click")'

# subject -> (site, sex, diagnosis, consent date, MSC source, infusion start)
SUBJECTS = {
    "S1": ("GZH", "F", "AIH", "2023-01-05", "UC-MSC", "2023-01-10 09:00"),
    "S2": ("GZH", "M", "PBC", "2023-02-01", "CB-MSC", "2023-02-10 09:00"),
    "S3": ("GZH", "F", "PSC", "2023-02-20", "UC-MSC", "2023-03-01 09:00"),
    "S4": ("GZH", "M", "AIH", "2023-03-20", "BM-MSC", "2023-04-01 09:00"),
    "S5": ("NJG", "F", "AIH", "2023-04-20", "UC-MSC", "2023-05-01 09:00"),
}
# (subject, visit, date, ALT, TBIL, ALB, PT, INR); CREAT 80, SODIUM 138, AST = ALT + 10
VISITS = [
    ("S1", "BASELINE", "2023-01-08", 80, 40.0, 30.0, 15.0, 1.40),
    ("S1", "M6", "2023-07-11", 60, 30.0, 33.0, 14.0, 1.30),
    ("S1", "M12", "2024-01-10", 50, 25.0, 35.0, 13.5, 1.20),
    ("S1", "M24", "2025-01-09", 45, 22.0, 36.0, 13.0, 1.10),
    ("S2", "BASELINE", "2023-02-05", 100, 60.0, 28.0, 16.0, 1.50),
    ("S2", "M6", "2023-08-11", 90, 50.0, 30.0, 15.5, 1.45),
    ("S3", "BASELINE", "2023-02-25", 70, 80.0, 26.0, 18.0, 1.70),
    ("S3", "M6", "2023-08-30", 65, 90.0, 25.0, 19.0, 1.80),
    ("S3", "M12", "2024-03-01", 30, 10.0, 42.0, 12.0, 1.00),  # after the transplant
    ("S4", "BASELINE", "2023-03-28", 120, 100.0, 24.0, 20.0, 2.00),
    ("S4", "M6", "2023-09-30", 110, 120.0, 23.0, 21.0, 2.10),
    ("S4", "M12", "2024-04-01", 130, 150.0, 22.0, 22.0, 2.30),
    ("S5", "BASELINE", "2023-04-28", 60, 20.0, 38.0, 12.5, 1.05),
    ("S5", "M6", "2023-11-20", None, 18.0, 39.0, 12.0, 1.00),  # day 203: out of window; ALT ND
    ("S5", "M12", "2024-04-30", 50, 17.0, 40.0, 12.0, 1.00),
    ("S5", "M24", "2025-05-01", 40, 16.0, 41.0, 11.5, 0.95),
]


def _ok(result: records.SaveResult) -> records.SaveResult:
    assert result.saved, (result.message, [f.message for f in result.findings])
    return result


def build_small_study(path: Path) -> dict[str, str]:
    """The hand-built study; returns fixture subject key -> SUBJID."""
    ids: dict[str, str] = {}
    with Store.open_path(path) as store:

        def save(form: str, values: dict[str, Any], **kwargs: Any) -> records.SaveResult:
            return _ok(
                records.save_form(
                    store, user=USER, form=form, values=values, confirm_warnings=True, **kwargs
                )
            )

        for key, (site, sex, dx, consent, source, start) in SUBJECTS.items():
            values = {
                "SITEID": site,
                "INITIALS": f"X{key[-1]}",
                "SEX": sex,
                "BRTHDTC": "1968-06-15",
                "RFICDTC": consent,
                "ENRLDTC": consent,
                "DXCAT": dx,
                "HEIGHT": "165",
                "WEIGHT": "60",
                **ELIGIBLE,
            }
            if key == "S1":
                values["HOSPNUM"] = "H-SECRET-0001"
            subjid = save("ENROL", values).subject
            assert subjid is not None
            ids[key] = subjid
            begin = dt.datetime.fromisoformat(start)
            ex = save(
                "EX",
                {
                    "EXSTDTC": start,
                    "EXENDTC": (begin + dt.timedelta(minutes=60)).isoformat(sep=" "),
                    "EXSRC": source,
                    "EXLOT": f"LOT-{key}",
                    "EXWT": "60",
                    "EXCELL": "60",
                    "EXPLAN": "1.0",
                },
                subject=subjid,
            )
            for tpt, temp in (("PRE", "36.5"), ("15MIN", "36.8")):
                save(
                    "VS",
                    {"VSTPT": tpt, "TEMP": temp, "PULSE": "80", "SYSBP": "120", "DIABP": "75"},
                    subject=subjid,
                    parent_id=ex.record_id,
                )
        for key, visit, when, alt, tbil, alb, pt, inr in VISITS:
            values: dict[str, Any] = {
                "VISIT": visit,
                "VISDTC": when,
                "TBIL": str(tbil),
                "ALB": str(alb),
                "PT": str(pt),
                "INR": str(inr),
                "CREAT": "80",
                "SODIUM": "138",
            }
            missing = {}
            if alt is None:
                missing["ALT"] = "ND"
            else:
                values["ALT"] = str(alt)
                values["AST"] = str(alt + 10)
            save("VIS", values, subject=ids[key], missing=missing)
        s1, s2 = ids["S1"], ids["S2"]
        save(
            "AE",
            {
                "AETERM": FORMULA_TERM,
                "AESTDTC": "2023-01-10 14:00",
                "AEENDTC": "2023-01-10 20:00",
                "AETOXGR": "1",
                "AESER": "N",
                "AEREL": "POSSIBLE",
                "AEOUT": "RECOVERED",
            },
            subject=s1,
        )
        save(
            "AE",
            {
                "AETERM": "+1",
                "AESTDTC": "2023-05-01 08:00",
                "AEENDTC": "2023-05-09 08:00",
                "AETOXGR": "3",
                "AESER": "Y",
                "AESHOSP": "Y",
                "AEREL": "NOT",
                "AEOUT": "RECOVERED",
            },
            subject=s2,
        )
        save(
            "CM",
            {"CMTRT": "熊去氧胆酸", "CMCAT": "UDCA", "CMDOSE": "250", "CMSTDTC": "2022-06"},
            subject=ids["S5"],
        )
        save("MH", {"MHTERM": "-hypertension", "MHONGO": "Y"}, subject=s1)
        save("DS", {"DSDECOD": "COMPLETED", "DSSTDTC": "2025-01-15"}, subject=s1)
        save(
            "DS",
            {"DSDECOD": "LOST", "DSSTDTC": "2024-06-01", "DSLCDTC": "2023-09-01"},
            subject=s2,
        )
        save(
            "DS",
            {"DSDECOD": "LTX", "DSSTDTC": "2023-12-01", "DSLTXDTC": "2023-12-01"},
            subject=ids["S3"],
        )
        save(
            "DS",
            {"DSDECOD": "DIED", "DSSTDTC": "2024-05-01", "DSDTHCAU": "Variceal bleeding"},
            subject=ids["S4"],
        )
        save("DS", {"DSDECOD": "COMPLETED", "DSSTDTC": "2025-05-10"}, subject=ids["S5"])
    return ids
