"""The casebook tests' study and the means to read a casebook back.

``casebook_demo`` is ``msct-crf demo --with-accounts`` (26 subjects; a third of the forms
verified, signed and locked, three unlocked again, so their signatures are voided; open and
answered queries), built once for the importing module with the fast password hasher.
The PDF is read back with pypdf (no poppler needed); :func:`squeeze` drops all white
space, so a label or value that wraps inside its table cell is still found whole.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from msct_crf import access
from msct_crf.study.dictionary import Field, FieldType
from msct_crf.study.dictionary import form as get_form
from msct_crf.tools.demo import create_demo
from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD

PI = "dr.li"
PASSWORD = DEMO_PASSWORD

#: (table, form code) of the forms a casebook prints, vital signs included.
TABLES = (
    ("subject", "ENROL"),
    ("medical_history", "MH"),
    ("infusion", "EX"),
    ("vital_sign", "VS"),
    ("visit", "VIS"),
    ("adverse_event", "AE"),
    ("conmed", "CM"),
    ("disposition", "DS"),
)


@pytest.fixture(scope="module")
def casebook_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    path = tmp_path_factory.mktemp("casebook_demo") / "demo.db"
    try:
        create_demo(path, with_accounts=True)
        yield path
    finally:
        access.set_hasher_factory(PasswordHasher)


def read_only(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    from pypdf import PdfReader

    with path.open("rb") as handle:
        return [page.extract_text() or "" for page in PdfReader(handle).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


def subject_pk(db: sqlite3.Connection, subjid: str) -> int:
    return int(db.execute("SELECT id FROM subject WHERE subjid = ?", (subjid,)).fetchone()[0])


def subject_rows(db: sqlite3.Connection, subjid: str) -> Iterator[tuple[str, sqlite3.Row]]:
    """(form code, row) of every record of the subject, straight from the SQLite file."""
    pk = subject_pk(db, subjid)
    for table, code in TABLES:
        column = "id" if table == "subject" else "subject_id"
        for row in db.execute(f"SELECT * FROM {table} WHERE {column} = ?", (pk,)):
            yield code, row


def python_value(f: Field, raw: Any) -> Any:
    """A column's SQLite value as the ORM gives it (dates and times are text in SQLite)."""
    if raw is None:
        return None
    if f.type is FieldType.DATE:
        return dt.date.fromisoformat(str(raw)[:10])
    if f.type is FieldType.DATETIME:
        return dt.datetime.fromisoformat(str(raw))
    if f.type is FieldType.FLOAT:
        return float(raw)
    if f.type is FieldType.INTEGER:
        return int(raw)
    return raw


def saved_values(form_code: str, row: sqlite3.Row) -> tuple[dict[Field, Any], dict[str, str]]:
    """The record's saved values (not None) by field, and its missing-data codes."""
    form_def = get_form(form_code)
    values = {
        f: python_value(f, row[f.column]) for f in form_def.fields if row[f.column] is not None
    }
    return values, json.loads(row["missing"] or "{}")


def subject_with(db: sqlite3.Connection, sql: str) -> str:
    """The first subject ID (by ID) that `sql` (selecting subject.id values) finds."""
    found = db.execute(
        f"SELECT subjid FROM subject WHERE id IN ({sql}) ORDER BY subjid LIMIT 1"
    ).fetchone()
    assert found is not None, f"the demo study has no subject for {sql}"
    return str(found[0])
