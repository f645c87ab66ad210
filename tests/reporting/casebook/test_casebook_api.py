"""make_casebook on a small study with accounts: missing-data codes spelled out, a field
query answered and closed, conventional units, one record, cancelling, who may, and where
it may write (msct_crf.reporting.casebook.api)."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from casebook_factory import pdf_pages, read_only, squeeze
from trust_factory import ENROL, VISIT

from msct_crf.errors import PermissionDenied, UserError
from msct_crf.reporting.casebook import CasebookCancelled, CasebookError, make_casebook
from msct_crf.storage.store import Store
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import queries, records


def _exports(store: Store) -> list[str]:
    assert store.path is not None
    with read_only(store.path) as db:
        rows = db.execute("SELECT new_value FROM audit_log WHERE action = 'export'").fetchall()
    return [str(row[0]) for row in rows]


@pytest.fixture
def queried(store: Store, visit: SimpleNamespace) -> SimpleNamespace:
    """The baseline visit with GGT not done, and a query on TBIL answered and closed."""
    saved = records.save_form(
        store,
        user="",
        actor=visit.nurse,
        form="VIS",
        subject=visit.subject,
        record_id=visit.id,
        values=VISIT,
        missing={"GGT": "ND"},
        reason="GGT was not measured",
        confirm_warnings=True,
    )
    assert saved.saved, saved.message
    query = queries.raise_query(
        store,
        visit.monitor,
        subject=visit.subject,
        form="VIS",
        record_id=visit.id,
        field="TBIL",
        text="总胆红素 please confirm",
    )
    assert queries.answer_query(store, visit.nurse, query.id, "Confirmed: 30 µmol/L").answered
    queries.close_query(store, visit.monitor, query.id, "OK")
    return visit


def test_missing_codes_and_a_field_query_with_its_answer_and_closing(
    store: Store, queried: SimpleNamespace, tmp_path: Path
) -> None:
    out = tmp_path / "book.pdf"
    make_casebook(store, queried.subject, out, user="", actor=queried.pi)
    text = squeeze("".join(pdf_pages(out)))
    assert squeeze("GGT Gamma-glutamyl transferase ND — not done") in text
    assert squeeze("· TBIL Total bilirubin · closed · raised by mon1") in text
    assert squeeze(": 总胆红素 please confirm") in text
    assert squeeze("Answer by nurse1") in text and squeeze(": Confirmed: 30 µmol/L") in text
    assert squeeze("Closed by mon1") in text and squeeze("UTC: OK") in text


def test_conventional_units_are_converted_and_named(
    store: Store,
    visit: SimpleNamespace,
    tmp_path: Path,
) -> None:
    out = tmp_path / "conv.pdf"
    make_casebook(store, visit.subject, out, user="", actor=visit.pi, units=UnitSystem.CONVENTIONAL)
    text = squeeze("".join(pdf_pages(out)))
    assert squeeze("TBIL Total bilirubin 1.754 mg/dL") in text
    assert squeeze("ALT Alanine aminotransferase 45 U/L") in text


def test_one_record_only(store: Store, visit: SimpleNamespace, tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    report = make_casebook(
        store, visit.subject, out, user="", actor=visit.nurse, records=[("VIS", visit.id)]
    )
    text = squeeze("".join(pdf_pages(out)))
    assert report.records == 1 and report.pages == 1
    assert squeeze("TBIL Total bilirubin 30 µmol/L") in text
    assert "SITEID" not in text
    assert "1 records; language en" in _exports(store)[-1]


@pytest.mark.parametrize("when", ["before", "while laying out"])
def test_cancelling_leaves_no_file_and_no_audit_row(
    store: Store,
    visit: SimpleNamespace,
    tmp_path: Path,
    when: str,
) -> None:
    out = tmp_path / "cancelled.pdf"
    cancel = threading.Event()
    if when == "before":
        cancel.set()

    seen: list[int] = []

    def progress(percent: int, _message: str) -> None:
        seen.append(percent)
        if percent > 10:  # the first record is laid out: cancel in the middle of the PDF
            cancel.set()

    with pytest.raises(CasebookCancelled):
        make_casebook(
            store, visit.subject, out, user="", actor=visit.pi, cancel=cancel, progress=progress
        )
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert _exports(store) == []
    assert seen == ([0] if when == "before" else [0, 10, 52])


def test_identifying_fields_need_the_permission(
    store: Store,
    visit: SimpleNamespace,
    tmp_path: Path,
) -> None:
    with pytest.raises(PermissionDenied, match="identifying"):
        make_casebook(
            store,
            visit.subject,
            tmp_path / "id.pdf",
            user="",
            actor=visit.pi,
            include_identifying=True,
        )
    with pytest.raises(PermissionDenied, match="log in"):
        make_casebook(store, visit.subject, tmp_path / "anon.pdf", user="someone")
    assert not list(tmp_path.glob("*.pdf"))


def test_single_user_mode_names_the_user(store: Store, tmp_path: Path) -> None:
    saved = records.save_form(
        store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert saved.saved and saved.subject
    report = make_casebook(store, saved.subject.lower(), tmp_path / "s.pdf", user="ward nurse")
    assert report.subject == saved.subject
    assert _exports(store)[-1].startswith(f"casebook s.pdf; subject {saved.subject}")
    with pytest.raises(CasebookError, match="user name"):
        make_casebook(store, saved.subject, tmp_path / "t.pdf", user=" ")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("book.txt", "must end in .pdf"),
        ("nowhere/book.pdf", "does not exist"),
        ("study.pdf", "is an SQLite database"),
        ("existing.pdf", "already exists"),
    ],
)
def test_bad_outputs_are_refused_before_anything_is_written(
    store: Store,
    visit: SimpleNamespace,
    tmp_path: Path,
    name: str,
    message: str,
) -> None:
    assert store.path is not None
    (tmp_path / "study.pdf").write_bytes(store.path.read_bytes()[:4096])
    (tmp_path / "existing.pdf").write_text("keep me")
    with pytest.raises(UserError, match=message):
        make_casebook(store, visit.subject, tmp_path / name, user="", actor=visit.pi)
    assert (tmp_path / "existing.pdf").read_text() == "keep me"
    assert _exports(store) == []


def test_an_unknown_subject_is_named(store: Store, visit: SimpleNamespace, tmp_path: Path) -> None:
    with pytest.raises(CasebookError, match="no subject 'GZH-999'"):
        make_casebook(store, "GZH-999", tmp_path / "x.pdf", user="", actor=visit.pi)
    assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob("*.part"))
