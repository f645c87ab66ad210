"""A correction made while answering a query is a save like the form's: it passes the
version of the record the answer was begun over, and a record changed meanwhile refuses
it with an EditConflict (nothing written, the query still open). SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from trust_factory import accounts, fast_hasher, visit  # noqa: F401  (fixtures)

from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.store import Store
from msct_crf.workflow import queries, records
from msct_crf.workflow.records import EditConflict


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path
) -> Iterator[Store]:
    """The study on a file and on a server: the trust fixtures' accounts and visit on each."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_store")
        return
    path = tmp_path / "study.db"
    shutil.copyfile(migrated_template, path)
    opened = Store.open_path(path)
    yield opened
    opened.close()


def _query(store: Store, v: SimpleNamespace) -> queries.QueryInfo:
    return queries.raise_query(
        store,
        v.monitor,
        subject=v.subject,
        form="VIS",
        record_id=v.id,
        field="TBIL",
        text="TBIL 30? The printout says 38.",
    )


def _audit_rows(store: Store) -> int:
    with store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_a_correction_over_a_record_changed_meanwhile_is_refused(store, visit) -> None:  # noqa: F811
    v = visit
    query = _query(store, v)
    base = queries.correction_base(store, query.id)
    assert base == records.get_record(store, "VIS", v.id).version  # type: ignore[union-attr]
    changed = records.save_form(  # the PI corrects the visit on the form meanwhile
        store,
        user="",
        actor=v.pi,
        form="VIS",
        subject=v.subject,
        record_id=v.id,
        values={"ALB": "33"},
        confirm_warnings=True,
        reason="lab printout",
    )
    assert changed.saved
    before = _audit_rows(store)
    with pytest.raises(EditConflict) as refused:
        queries.answer_query(
            store, v.nurse, query.id, "Typo", correction={"TBIL": "38"}, based_on=base
        )
    conflict = refused.value
    assert (conflict.form, conflict.record_id, conflict.subject) == ("VIS", v.id, v.subject)
    assert conflict.changed_by == "liwei" and not conflict.deleted
    assert conflict.kind == "changed" and conflict.changed_at.startswith("20")
    assert _audit_rows(store) == before  # nothing written: not the value, not the answer
    assert queries.get_query(store, query.id).status == "open"  # type: ignore[union-attr]
    record = records.get_record(store, "VIS", v.id)
    assert record is not None and record.values["TBIL"] == 30


def test_a_correction_over_the_state_it_was_begun_on_is_saved(store, visit) -> None:  # noqa: F811
    v = visit
    query = _query(store, v)
    base = queries.correction_base(store, query.id)
    done = queries.answer_query(
        store, v.nurse, query.id, "Typo", correction={"TBIL": "38"}, based_on=base
    )
    assert done.answered and done.save is not None and done.save.saved
    record = records.get_record(store, "VIS", v.id)
    assert record is not None and record.values["TBIL"] == 38
    assert record.version > base


def test_an_answer_without_a_correction_needs_no_base(store, visit) -> None:  # noqa: F811
    v = visit
    query = _query(store, v)
    records.save_form(
        store,
        user="",
        actor=v.pi,
        form="VIS",
        subject=v.subject,
        record_id=v.id,
        values={"ALB": "33"},
        confirm_warnings=True,
        reason="lab printout",
    )
    done = queries.answer_query(store, v.nurse, query.id, "Checked: 30 is right", based_on=1)
    assert done.answered
