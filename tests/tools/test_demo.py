"""The demo study matches the cohort of crf-spec.md, checked from the raw database rows."""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from scipy.stats import wilcoxon

from msct_crf.errors import UserError
from msct_crf.storage.integrity import verify_database
from msct_crf.study import scores
from msct_crf.study.dictionary import FORMS, VISITS
from msct_crf.study.schedule import classify_visit_date
from msct_crf.tools.demo import create_demo

SCHEDULED = {v.code for v in VISITS}
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_db(demo_template: Path) -> Path:
    return demo_template  # built once per run in tests/conftest.py; only read here


@pytest.fixture(scope="module")
def db(demo_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{demo_db.resolve().as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _visits(db: sqlite3.Connection) -> dict[str, dict[int, sqlite3.Row]]:
    by_visit: dict[str, dict[int, sqlite3.Row]] = defaultdict(dict)
    for row in db.execute("SELECT * FROM visit"):
        by_visit[row["visit"]][row["subject_id"]] = row
    return by_visit


def test_subjects_by_msc_source(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT count(*) FROM subject").fetchone()[0] == 26
    sources = {
        subject: source
        for subject, source in db.execute("SELECT subject_id, exsrc FROM infusion ORDER BY exstdtc")
    }
    assert Counter(sources.values()) == {"UC-MSC": 23, "CB-MSC": 2, "BM-MSC": 1}
    per_subject = db.execute(
        "SELECT count(DISTINCT exsrc) FROM infusion GROUP BY subject_id"
    ).fetchall()
    assert {n for (n,) in per_subject} == {1}  # one product per subject


def test_dispositions(db: sqlite3.Connection) -> None:
    counts = dict(db.execute("SELECT dsdecod, count(*) FROM disposition GROUP BY dsdecod"))
    assert counts == {"COMPLETED": 17, "DIED": 3, "LTX": 2, "LOST": 4}
    for row in db.execute("SELECT * FROM disposition"):
        assert date.fromisoformat(row["dsstdtc"]) < TODAY
        if row["dsdecod"] == "DIED":
            assert "cirrhosis" in row["dsdthcau"]
        if row["dsdecod"] == "LTX":
            assert row["dsltxdtc"] == row["dsstdtc"]
        if row["dsdecod"] == "LOST":
            assert row["dslcdtc"] is not None


def test_enrolment_eligible_and_plausible(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT * FROM subject").fetchall()
    assert all(r["iein01"] == r["iein02"] == r["iein03"] == r["iein04"] == "Y" for r in rows)
    assert all(
        r["ieex01"] == r["ieex02"] == r["ieex03"] == r["ieex04"] == r["ieex05"] == "N" for r in rows
    )
    assert Counter(r["sex"] for r in rows)["F"] > 18
    assert len({r["dxcat"] for r in rows}) >= 6
    assert len({r["siteid"] for r in rows}) >= 2
    assert all(18 <= r["age"] <= 80 for r in rows)
    assert all(r["initials"].isalpha() and r["initials"].isupper() for r in rows)
    assert all(r["enrldtc"] >= "2014-01-01" and r["enrldtc"] < "2016-01-01" for r in rows)


def test_infusions_and_vital_signs(db: sqlite3.Connection) -> None:
    infusions = db.execute("SELECT * FROM infusion").fetchall()
    per_subject = Counter(r["subject_id"] for r in infusions)
    assert Counter(per_subject.values())[1] >= 20
    assert max(per_subject.values()) >= 2  # some centres repeat the infusion
    for row in infusions:
        assert 0.8 <= row["exdose"] <= 1.2
        timepoints = {
            tpt
            for (tpt,) in db.execute(
                "SELECT vstpt FROM vital_sign WHERE infusion_id = ?", (row["id"],)
            )
        }
        assert timepoints == {"PRE", "15MIN", "30MIN", "60MIN", "END", "2H", "24H"}


def test_visits_follow_the_schedule(db: sqlite3.Connection) -> None:
    day0 = {
        sid: _ts(start).date()
        for sid, start in db.execute("SELECT subject_id, min(exstdtc) FROM infusion GROUP BY 1")
    }
    ends = dict(db.execute("SELECT subject_id, dsstdtc FROM disposition"))
    outcome = dict(db.execute("SELECT subject_id, dsdecod FROM disposition"))
    codes: dict[int, set[str]] = defaultdict(set)
    out_of_window = 0
    for row in db.execute("SELECT * FROM visit"):
        assert row["visit"] in SCHEDULED
        visit_date = date.fromisoformat(row["visdtc"])
        assert visit_date <= date.fromisoformat(ends[row["subject_id"]])
        codes[row["subject_id"]].add(row["visit"])
        if classify_visit_date(row["visit"], day0[row["subject_id"]], visit_date) != 0:
            out_of_window += 1
    assert out_of_window == 2  # for the deviations sheet
    for subject, visits in codes.items():
        assert "BASELINE" in visits
        assert (visits == SCHEDULED) == (outcome[subject] == "COMPLETED")
    missing = [m for (m,) in db.execute("SELECT missing FROM visit") if m not in (None, "{}")]
    assert len(missing) == 2 and all('"ND"' in m for m in missing)


def test_one_infusion_fever_and_no_early_serious_event(db: sqlite3.Connection) -> None:
    windows: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for sid, start, end in db.execute("SELECT subject_id, exstdtc, exendtc FROM infusion"):
        windows[sid].append((_ts(start), _ts(end)))
    related = []
    for ae in db.execute("SELECT * FROM adverse_event"):
        onset = _ts(ae["aestdtc"])
        near = any(s <= onset <= e + timedelta(hours=24) for s, e in windows[ae["subject_id"]])
        assert (ae["aeinfrel"] == "Y") == near
        if near:
            related.append(ae)
            assert ae["aeser"] == "N"  # no serious event during or within 24 h of infusion
    assert len(related) == 1
    fever = related[0]
    assert fever["aeterm"] == "Fever"
    assert fever["aetoxgr"] == "1"
    assert fever["aerel"] == "POSSIBLE"


def test_deaths_have_a_fatal_serious_event(db: sqlite3.Connection) -> None:
    died = {sid for (sid,) in db.execute("SELECT subject_id FROM disposition WHERE dsdecod='DIED'")}
    fatal = db.execute("SELECT * FROM adverse_event WHERE aetoxgr = '5'").fetchall()
    assert {r["subject_id"] for r in fatal} == died
    assert all(
        r["aeser"] == "Y" and r["aesdth"] == "Y" and r["aeout"] == "FATAL" and r["aerel"] == "NOT"
        for r in fatal
    )


def test_conmeds_match_the_diagnoses(db: sqlite3.Connection) -> None:
    categories: dict[int, set[str]] = defaultdict(set)
    for sid, category in db.execute("SELECT subject_id, cmcat FROM conmed"):
        categories[sid].add(category)
    for sid, dx in db.execute("SELECT id, dxcat FROM subject"):
        if dx == "PBC":
            assert "UDCA" in categories[sid]
        if dx == "AIH":
            assert {"STEROID", "AZA"} <= categories[sid]


def test_stored_meld_is_the_score(db: sqlite3.Connection) -> None:
    for row in db.execute("SELECT * FROM visit"):
        expected = scores.meld(
            bilirubin_umol_l=row["tbil"], creatinine_umol_l=row["creat"], inr=row["inr"]
        )
        assert row["meld"] == expected


def _mean(rows: dict[int, sqlite3.Row], column: str) -> float:
    return statistics.mean(r[column] for r in rows.values() if r[column] is not None)


def test_trends_follow_the_paper(db: sqlite3.Connection) -> None:
    visits = _visits(db)
    base = visits["BASELINE"]
    for visit in ("M6", "M12", "M24"):
        assert _mean(visits[visit], "alt") < _mean(base, "alt")
        assert _mean(visits[visit], "alb") > _mean(base, "alb")
        assert _mean(visits[visit], "meld") < _mean(base, "meld")
    for visit in ("M6", "M12"):
        assert _mean(visits[visit], "tbil") < _mean(base, "tbil")
    assert _mean(visits["M6"], "pt") < _mean(base, "pt")


def _paired_p(db: sqlite3.Connection, column: str, visit: str) -> float:
    visits = _visits(db)
    pairs = [
        (visits["BASELINE"][sid][column], row[column])
        for sid, row in visits[visit].items()
        if sid in visits["BASELINE"]
    ]
    return float(wilcoxon([a for a, _ in pairs], [b for _, b in pairs]).pvalue)


def test_albumin_rises_significantly_by_month_24(db: sqlite3.Connection) -> None:
    assert _paired_p(db, "alb", "M24") < 0.05
    # higher at 6 and 12 months too, but (as in the paper) not yet significantly
    assert _paired_p(db, "alb", "M6") > 0.05
    assert _paired_p(db, "alb", "M12") > 0.05


def test_alt_change_is_not_significant(db: sqlite3.Connection) -> None:
    for visit in ("M6", "M12", "M24"):
        assert _paired_p(db, "alt", visit) > 0.05


def test_every_row_is_audited(db: sqlite3.Connection) -> None:
    audited = {
        (table, record)
        for table, record in db.execute(
            "SELECT table_name, record_id FROM audit_log WHERE action = 'insert'"
        )
    }
    for form in FORMS.values():
        for (record_id,) in db.execute(f"SELECT id FROM {form.table}"):
            assert (form.table, str(record_id)) in audited
    confirmed = db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'confirm_warning'"
    ).fetchone()[0]
    assert confirmed == 2  # the two out-of-window visits


def test_verify_passes(demo_db: Path) -> None:
    checks = verify_database(demo_db)
    assert all(c.ok for c in checks), checks


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        dump = {}
        for form in FORMS.values():
            columns = [
                r[1]
                for r in connection.execute(f"PRAGMA table_info({form.table})")
                if r[1] not in ("created_at", "updated_at")
            ]
            dump[form.table] = connection.execute(
                f"SELECT {', '.join(columns)} FROM {form.table} ORDER BY id"
            ).fetchall()
        return dump
    finally:
        connection.close()


def test_same_data_every_time(demo_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    create_demo(again, user="demo")
    assert _dump(again) == _dump(demo_db)


def test_existing_file_is_refused(demo_db: Path) -> None:
    before = demo_db.stat().st_size
    with pytest.raises(UserError, match="already exists"):
        create_demo(demo_db)
    assert demo_db.stat().st_size == before
