"""The synthetic scale study: valid, derived like the write path, audited, reproducible."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import Visit
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.study.derive import derive
from msct_crf.study.dictionary import FORMS
from msct_crf.tools import scale
from msct_crf.workflow.records import get_record, save_form


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "scale.db"
    summary = scale.create_scale_study(path, subjects=50)
    assert "50 subjects" in summary
    return path


def _rows(path: Path, sql: str) -> list[sqlite3.Row]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_verify_passes(study: Path) -> None:
    assert all(c.ok for c in verify_database(study))


def test_shape(study: Path) -> None:
    visits = _rows(study, "SELECT * FROM visit")
    assert 6 * 50 <= len(visits) <= 14 * 50
    infusions = _rows(study, "SELECT id FROM infusion")
    vital = _rows(study, "SELECT infusion_id, count(*) AS n FROM vital_sign GROUP BY infusion_id")
    assert {r["infusion_id"] for r in vital} == {r["id"] for r in infusions}
    assert {r["n"] for r in vital} == {7}
    assert all(date.fromisoformat(r["visdtc"]) < scale.REFERENCE_DAY for r in visits)
    assert any(r["missing"] not in (None, "{}") for r in visits) or len(visits) < 400
    sequences = dict(
        (r["siteid"], r["last_number"]) for r in _rows(study, "SELECT * FROM site_sequence")
    )
    assert sum(sequences.values()) == 50


def test_values_are_stored_as_the_orm_stores_them(study: Path) -> None:
    for row in _rows(study, "SELECT exstdtc, exendtc, missing FROM infusion"):
        for text in (row["exstdtc"], row["exendtc"]):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", text)
        assert row["missing"] == "{}"
    for row in _rows(study, "SELECT visdtc, missing FROM visit"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["visdtc"])
        assert json.loads(row["missing"]) in ({}, {"IGG": "ND"})
    with Store.open_path(study) as store:
        infusion = get_record(store, "EX", 1)
        assert infusion is not None and isinstance(infusion.values["EXSTDTC"], datetime)


def test_every_record_has_one_audit_row_with_its_values(study: Path) -> None:
    audited = {
        (r["table_name"], r["record_id"]): json.loads(r["new_value"])
        for r in _rows(study, "SELECT * FROM audit_log WHERE action = 'bulk_insert'")
    }
    total = 0
    for form in FORMS.values():
        for row in _rows(study, f"SELECT * FROM {form.table}"):
            content = audited[(form.table, str(row["id"]))]
            assert content["status"] == "complete"
            for f in form.fields:
                stored = row[f.column]
                if stored is not None and f.type.value in ("integer", "float"):
                    assert float(content[f.code]) == pytest.approx(stored)
            total += 1
    assert total == len(audited)


def test_scores_are_those_of_the_write_path(study: Path) -> None:
    sex = {r["id"]: (r["sex"], r["dxcat"]) for r in _rows(study, "SELECT * FROM subject")}
    visit_form = FORMS["VIS"]
    for row in _rows(study, "SELECT * FROM visit"):
        values = {f.code: row[f.column] for f in visit_form.entry_fields}
        s, dx = sex[row["subject_id"]]
        expected = derive("VIS", values, {"SEX": s, "DXCAT": dx})
        assert row["meld"] == expected["MELD"]
        assert row["meld3"] == expected["MELD3"]
        assert row["cpclass"] == expected["CPCLASS"]


def test_no_adverse_event_within_24_hours_of_an_infusion(study: Path) -> None:
    assert not _rows(study, "SELECT * FROM adverse_event WHERE aeinfrel = 'Y'")


def test_same_seed_same_study(study: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    scale.create_scale_study(again, subjects=50)
    for form in FORMS.values():
        columns = ", ".join(f.column for f in form.fields if f.code != "SUBJID")
        sql = f"SELECT {columns} FROM {form.table} ORDER BY id"
        assert [tuple(r) for r in _rows(again, sql)] == [tuple(r) for r in _rows(study, sql)]


def test_worker_processes_give_the_same_study(
    study: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "PARALLEL_MIN_SUBJECTS", 10)
    monkeypatch.setattr(scale._SubjectSource, "CHUNK", 7)
    parallel = tmp_path / "parallel.db"
    scale.create_scale_study(parallel, subjects=50)
    sql = "SELECT subject_id, visit, visdtc, tbil, meld FROM visit ORDER BY id"
    assert [tuple(r) for r in _rows(parallel, sql)] == [tuple(r) for r in _rows(study, sql)]
    assert all(c.ok for c in verify_database(parallel))


def test_the_app_keeps_writing_after_a_scale_load(study: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(study.read_bytes())
    with Store.open_path(copy) as store:
        result = save_form(
            store,
            user="nurse",
            form="ENROL",
            values={
                "SITEID": "GZH",
                "INITIALS": "LXM",
                "SEX": "F",
                "BRTHDTC": "1970-05-01",
                "RFICDTC": "2026-11-20",
                "ENRLDTC": "2026-11-21",
                "DXCAT": "PBC",
            },
        )
        assert result.saved, result.findings
        with Session(store.engine) as session:
            assert session.get(Visit, 1) is not None
    sequences = {r["siteid"]: r["last_number"] for r in _rows(study, "SELECT * FROM site_sequence")}
    assert result.subject == f"GZH-{sequences['GZH'] + 1:03d}"
    assert all(c.ok for c in verify_database(copy))


def test_append_many_continues_the_chain(tmp_path: Path) -> None:
    with Store.open_path(tmp_path / "a.db") as store:
        with store.session() as session:
            audit.append(session, user="u", action="login")
        with store.engine.begin() as conn:
            rows = [
                {
                    "ts_utc": audit.format_utc(datetime(2024, 1, 1)),
                    "user": "u",
                    "action": "x",
                    "new_value": str(i),
                }
                for i in range(12)
            ]
            assert audit.append_many(conn, rows, batch_rows=5) == 12
        with store.session() as session:
            audit.append(session, user="u", action="logout")
            result = audit.verify(session)
    assert result.ok and result.rows_checked == 15  # with the study ID's row


def test_refuses_bad_requests(study: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="already exists"):
        scale.create_scale_study(study, subjects=5)
    with pytest.raises(UserError, match="at least 1"):
        scale.create_scale_study(tmp_path / "z.db", subjects=0)
    assert not (tmp_path / "z.db").exists()
