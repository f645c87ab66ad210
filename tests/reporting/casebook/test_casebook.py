"""The casebook of a demo subject with accounts: every saved value, status, signature and
query is in the PDF's text, on numbered pages with the export time and audit head.

The expected text is built from the SQLite file itself (sqlite3, not the core's reads), each
value formatted as the casebook prints it (msct_crf.reporting.casebook.text.value_text).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from casebook_factory import (
    PASSWORD,
    PI,
    pdf_pages,
    read_only,
    saved_values,
    squeeze,
    subject_pk,
    subject_rows,
    subject_with,
)

from msct_crf import access
from msct_crf.reporting.casebook import make_casebook
from msct_crf.reporting.casebook.text import missing_text, value_text
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import find_field
from msct_crf.study.dictionary import form as get_form

VOIDED = "SELECT subject_id FROM signature WHERE voided_at IS NOT NULL"
QUERIED = "SELECT subject_id FROM data_query WHERE answer IS NOT NULL"


@pytest.fixture(scope="module")
def study(casebook_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo, so the casebooks' audit rows stay in this module."""
    copy = tmp_path_factory.mktemp("casebooks") / "study.db"
    shutil.copyfile(casebook_demo, copy)
    return copy


@pytest.fixture(scope="module")
def db(study: Path) -> Iterator[sqlite3.Connection]:
    connection = read_only(study)
    yield connection
    connection.close()


def _casebook(study: Path, subject: str, language: str, name: str) -> tuple[Path, str]:
    """The PI makes the subject's casebook; returns it and the head the export recorded."""
    out = study.parent / name
    with Store.open_path(study, create=False) as store:
        actor = access.login(store, PI, PASSWORD)
        try:
            report = make_casebook(
                store, subject, out, user=PI, actor=actor, language=language, overwrite=True
            )
        finally:
            access.logout(store, actor)
    return out, report.head_hash


@pytest.fixture(scope="module")
def voided_subject(db: sqlite3.Connection) -> str:
    return subject_with(db, VOIDED)


@pytest.fixture(scope="module")
def english(study: Path, voided_subject: str) -> tuple[Path, str]:
    return _casebook(study, voided_subject, "en", "en.pdf")


_DERIVED = {"en": " (derived)", "zh": " (自动计算)"}


def _expected_cells(db: sqlite3.Connection, subject: str, language: str) -> Counter[str]:
    """'CODE label value' of every saved value and missing-data code, squeezed, counted
    over the subject's records (the same vital sign may recur)."""
    cells: Counter[str] = Counter()
    for form_code, row in subject_rows(db, subject):
        values, missing = saved_values(form_code, row)
        form_def = get_form(form_code)
        for f, value in values.items():
            if not f.identifying:
                label = f.label.get(language) + (_DERIVED[language] if f.derived else "")
                cells[squeeze(f"{f.code} {label} {value_text(f, value, language=language)}")] += 1
        for code, reason in missing.items():
            label = form_def.field(code).label.get(language)
            cells[squeeze(f"{code} {label} {missing_text(reason, language)}")] += 1
    return cells


def test_every_saved_value_of_the_subject_is_in_the_pdf(
    db: sqlite3.Connection, voided_subject: str, english: tuple[Path, str]
) -> None:
    text = squeeze("".join(pdf_pages(english[0])))
    expected = _expected_cells(db, voided_subject, "en")
    assert sum(expected.values()) > 100  # enrolment, infusions, vital signs, visits, ...
    missing = {cell: n for cell, n in expected.items() if text.count(cell) < n}
    assert not missing


def test_each_record_is_printed_with_its_status(
    db: sqlite3.Connection, voided_subject: str, english: tuple[Path, str]
) -> None:
    text = squeeze("".join(pdf_pages(english[0])))
    statuses = Counter(row["status"] for _form, row in subject_rows(db, voided_subject))
    assert {"locked", "complete"} <= set(statuses)
    for _form, row in subject_rows(db, voided_subject):
        assert squeeze(f"Status: {row['status']} · record {row['id']}") in text


def test_each_signature_shows_name_utc_time_and_meaning_voided_ones_as_voided(
    db: sqlite3.Connection, voided_subject: str, english: tuple[Path, str]
) -> None:
    text = squeeze("".join(pdf_pages(english[0])))
    signatures = db.execute(
        "SELECT * FROM signature WHERE subject_id = ?", (subject_pk(db, voided_subject),)
    ).fetchall()
    assert any(s["voided_at"] for s in signatures) and any(not s["voided_at"] for s in signatures)
    for s in signatures:
        when = f"{s['signed_at'][:10]} {s['signed_at'][11:19]} UTC"
        line = f"Signed by {s['printed_name']} ({s['signer']}) · {when} · Meaning: {s['meaning']}"
        if s["voided_at"]:
            voided = f"{s['voided_at'][:10]} {s['voided_at'][11:19]} UTC"
            line += f" · VOIDED {voided} by {s['voided_by']} · reason: {s['void_reason']}"
        assert squeeze(line) in text
    assert text.count(squeeze("Signed by Li Wei (dr.li)")) == len(signatures)


def test_queries_with_their_answers(db: sqlite3.Connection, study: Path) -> None:
    subject = subject_with(db, QUERIED)
    path, _head = _casebook(study, subject, "en", "queries.pdf")
    text = squeeze("".join(pdf_pages(path)))
    rows = db.execute(
        "SELECT * FROM data_query WHERE subject_id = ?", (subject_pk(db, subject),)
    ).fetchall()
    assert rows
    for q in rows:
        raised = f"{q['raised_at'][:10]} {q['raised_at'][11:19]} UTC"
        code = q["field_code"]
        target = f"{code} {find_field(code)[1].label.get('en')}" if code else "whole record"
        assert squeeze(f"Query #{q['id']} · {target} · {q['status']}") in text
        assert squeeze(f"raised by {q['raised_by']} {raised}: {q['text']}") in text
        answered = f"{q['answered_at'][:10]} {q['answered_at'][11:19]} UTC"
        assert squeeze(f"Answer by {q['answered_by']} {answered}: {q['answer']}") in text


def test_every_page_has_the_footer(
    db: sqlite3.Connection, voided_subject: str, english: tuple[Path, str]
) -> None:
    path, head = english
    pages = pdf_pages(path)
    assert len(pages) > 3
    exports = db.execute(
        "SELECT new_value, ts_utc FROM audit_log WHERE action = 'export' ORDER BY id"
    ).fetchall()
    recorded = [row for row in exports if "casebook en.pdf" in row["new_value"]][-1]
    assert recorded["new_value"].endswith(f"head {head}")
    printed = recorded["new_value"].split("; printed ")[1].split(";")[0]
    assert printed <= f"{recorded['ts_utc'][:10]} {recorded['ts_utc'][11:19]} UTC"
    exported = f"exported {printed}"
    for number, page in enumerate(pages, start=1):
        flat = squeeze(page)
        assert squeeze(f"page {number} of {len(pages)}") in flat
        assert squeeze("MSC-CRF · MSC transplantation") in flat
        assert squeeze(f"{voided_subject} ·") in flat
        assert squeeze(f"{exported} · audit head {head[:12]}") in flat
    assert "Enrolment" in pages[0].splitlines()[-1]


def test_the_chinese_casebook_keeps_the_chinese_text(
    db: sqlite3.Connection, study: Path, voided_subject: str
) -> None:
    path, _head = _casebook(study, voided_subject, "zh", "zh.pdf")
    pages = pdf_pages(path)
    text = squeeze("".join(pages))
    for words in (
        "病例报告",
        "入组",
        "随访",
        "总胆红素",
        "白蛋白",
        "已锁定",
        "电子签名",
        "签名含义",
    ):
        assert words in text
    assert squeeze(f"第 1 页，共 {len(pages)} 页") in squeeze(pages[0])
    expected = _expected_cells(db, voided_subject, "zh")
    assert not {cell: n for cell, n in expected.items() if text.count(cell) < n}


def test_the_casebook_is_an_audited_export_that_verify_accepts(
    study: Path, english: tuple[Path, str]
) -> None:
    _path, head = english
    failed = [check for check in verify_database(study) if not check.ok]
    assert not failed
    with read_only(study) as db:
        hashes = {row[0] for row in db.execute("SELECT hash FROM audit_log")}
        users = [row[0] for row in db.execute("SELECT user FROM audit_log WHERE action='export'")]
    assert head in hashes and PI in users


def test_an_infusion_brings_its_vital_signs_and_progress_reaches_100(
    db: sqlite3.Connection, study: Path, voided_subject: str
) -> None:
    pk = subject_pk(db, voided_subject)
    infusion = db.execute("SELECT id FROM infusion WHERE subject_id = ? LIMIT 1", (pk,)).fetchone()
    vital_signs = db.execute(
        "SELECT id FROM vital_sign WHERE infusion_id = ?", (infusion["id"],)
    ).fetchall()
    assert vital_signs
    seen: list[int] = []
    with Store.open_path(study, create=False) as store:
        actor = access.login(store, PI, PASSWORD)
        try:
            report = make_casebook(
                store,
                voided_subject,
                study.parent / "infusion.pdf",
                user=PI,
                actor=actor,
                records=[("EX", infusion["id"])],
                progress=lambda percent, _message: seen.append(percent),
            )
        finally:
            access.logout(store, actor)
    assert report.records == 1 + len(vital_signs)
    text = squeeze("".join(pdf_pages(report.path)))
    assert text.count(squeeze("Vital signs — infusion 1 ·")) >= len(vital_signs)
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 100 and len(seen) > 5
