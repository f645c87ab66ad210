"""Data queries: raised by a monitor or PI on a field, answered (or the value corrected) by
the site, closed by the raiser or a PI; listed per subject and for the study; audited."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import (  # noqa: F401  (fixtures)
    ADMIN_PW,
    ENROL,
    PI_PW,
    VISIT,
    accounts,
    fast_hasher,
    visit,
)

from msct_crf import access
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, queries, records


def _raise(store: Store, v: SimpleNamespace, who: str = "monitor", field: str | None = "TBIL"):  # type: ignore[no-untyped-def]
    return queries.raise_query(
        store,
        getattr(v, who),
        subject=v.subject,
        form="VIS",
        record_id=v.id,
        field=field,
        text="TBIL 30 µmol/L? The lab printout says 38.",
    )


def _audit(store: Store) -> list[SimpleNamespace]:
    names = ("user", "action", "table_name", "record_id", "subject_id", "field")
    names += ("old_value", "new_value", "reason")
    with store.reading() as session:
        return [
            SimpleNamespace(**{n: getattr(r, n) for n in names})
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_open_answer_with_correction_close(store: Store, visit: SimpleNamespace) -> None:  # noqa: F811
    v = visit
    query = _raise(store, v)
    assert (query.status, query.field, query.form, query.subject) == (
        "open",
        "TBIL",
        "VIS",
        v.subject,
    )
    assert query.raised_by == "mon1" and query.is_open
    assert [q.id for q in queries.list_open(store)] == [query.id]
    assert [q.id for q in queries.list_open(store, v.subject)] == [query.id]
    assert queries.list_open(store, "GZH-999") == []
    assert list(queries.queries_for_record(store, "VIS", v.id)) == ["TBIL"]

    result = queries.answer_query(
        store, v.nurse, query.id, "Transcription error, corrected", correction={"TBIL": "38"}
    )
    assert result.answered and result.save is not None and result.save.saved
    assert result.query.status == "answered" and result.query.answered_by == "nurse1"
    assert records.get_record(store, "VIS", v.id).values["TBIL"] == 38.0  # type: ignore[union-attr]
    assert [q.status for q in queries.list_open(store)] == ["answered"]  # not closed yet

    closed = queries.close_query(store, v.monitor, query.id, "Confirmed against source")
    assert closed.status == "closed" and closed.closed_by == "mon1"
    assert closed.close_note == "Confirmed against source"
    assert queries.list_open(store) == []
    assert [q.id for q in queries.list_queries(store, status="closed")] == [query.id]
    assert queries.get_query(store, query.id) == closed

    trail = _audit(store)
    by_action = {r.action for r in trail if r.table_name == "data_query"}
    assert by_action == {"query_open", "query_answer", "query_close"}
    assert all(r.subject_id == v.subject for r in trail if r.table_name == "data_query")
    opened = [r for r in trail if r.action == "query_open"]
    assert {(r.field, r.new_value) for r in opened} >= {
        ("target", f"visit/{v.id}/TBIL"),
        ("text", query.text),
    }
    fix = [r for r in trail if r.action == "update" and r.field == "TBIL"][-1]
    assert (fix.old_value, fix.new_value, fix.user) == ("30.0", "38.0", "nurse1")
    assert fix.reason == f"Query {query.id}: Transcription error, corrected"
    close_row = [r for r in trail if r.action == "query_close"][0]
    assert (close_row.old_value, close_row.new_value) == ("answered", "closed")
    with store.reading() as session:
        assert audit.verify(session).ok


def test_roles(store: Store, visit: SimpleNamespace) -> None:  # noqa: F811
    v = visit
    for role in ("nurse", "admin"):
        with pytest.raises(PermissionDenied, match="may not raise data queries"):
            _raise(store, v, role)
    query = _raise(store, v)
    for role in ("monitor", "admin"):
        with pytest.raises(PermissionDenied, match="may not answer"):
            queries.answer_query(store, getattr(v, role), query.id, "an answer")
    with pytest.raises(PermissionDenied, match="only mon1 who raised it"):
        queries.close_query(store, v.nurse, query.id)
    # a second monitor did not raise it and may not close it
    access.add_user(
        store, v.admin, username="mon2", full_name="M Two", role="monitor", password="mon2-pass-1"
    )
    mon2 = access.login(store, "mon2", "mon2-pass-1")
    with pytest.raises(PermissionDenied, match="only mon1"):
        queries.close_query(store, mon2, query.id)
    # the PI may answer and close anyone's query
    assert queries.answer_query(store, v.pi, query.id, "PI checked it").answered
    assert queries.close_query(store, v.pi, query.id).closed_by == "liwei"
    # a PI may raise too
    assert _raise(store, v, "pi").raised_by == "liwei"


def test_refused_correction_leaves_the_query_open(
    store: Store,
    visit: SimpleNamespace,  # noqa: F811
) -> None:
    v = visit
    query = _raise(store, v)
    before = len(_audit(store))
    result = queries.answer_query(store, v.nurse, query.id, "fixed", correction={"TBIL": "5000"})
    assert not result.answered and result.save is not None and not result.save.saved
    assert result.save.errors and result.save.errors[0].field == "TBIL"
    assert "errors" in result.message or "error" in result.message
    assert queries.get_query(store, query.id).status == "open"  # type: ignore[union-attr]
    assert len(_audit(store)) == before
    assert records.get_record(store, "VIS", v.id).values["TBIL"] == 30.0  # type: ignore[union-attr]
    # a soft warning needs confirmation, as in the form
    soft = queries.answer_query(store, v.nurse, query.id, "fixed", correction={"TBIL": "800"})
    assert not soft.answered and soft.save is not None and soft.save.needs_confirmation
    done = queries.answer_query(
        store, v.nurse, query.id, "fixed", correction={"TBIL": "800"}, confirm_warnings=True
    )
    assert done.answered


def test_correction_of_a_verified_or_signed_record(
    store: Store,
    visit: SimpleNamespace,  # noqa: F811
) -> None:
    v = visit
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    query = _raise(store, v)
    assert queries.answer_query(store, v.nurse, query.id, "corrected", correction={"ALB": "33"})
    assert lifecycle.status_of(store, "VIS", v.id) == records.COMPLETE  # needs re-verification
    queries.close_query(store, v.monitor, query.id)
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    late = _raise(store, v, field="ALB")
    refused = queries.answer_query(store, v.nurse, late.id, "again", correction={"ALB": "34"})
    assert not refused.answered and "signed" in refused.message
    assert queries.answer_query(store, v.nurse, late.id, "the value is right").answered


def test_bad_input_is_refused(store: Store, visit: SimpleNamespace) -> None:  # noqa: F811
    v = visit
    base = {"subject": v.subject, "form": "VIS", "record_id": v.id, "field": "TBIL"}
    with pytest.raises(UserError, match="query text is empty"):
        queries.raise_query(store, v.monitor, **base, text="   ")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="control characters"):
        queries.raise_query(store, v.monitor, **base, text="bad\x00text")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="at most 500"):
        queries.raise_query(store, v.monitor, **base, text="x" * 501)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="not a field of the Visit"):
        queries.raise_query(store, v.monitor, **{**base, "field": "NOPE"}, text="?")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="not found"):
        queries.raise_query(store, v.monitor, **{**base, "record_id": 999}, text="?")  # type: ignore[arg-type]
    with pytest.raises(UserError, match="does not exist"):
        queries.raise_query(store, v.monitor, **{**base, "subject": "GZH-999"}, text="?")  # type: ignore[arg-type]
    query = _raise(store, v)
    with pytest.raises(UserError, match="answer is empty"):
        queries.answer_query(store, v.nurse, query.id, "")
    with pytest.raises(UserError, match="not found"):
        queries.answer_query(store, v.nurse, 12345, "x")
    queries.close_query(store, v.monitor, query.id, "raised in error")
    with pytest.raises(UserError, match="already closed"):
        queries.close_query(store, v.monitor, query.id)
    with pytest.raises(UserError, match="only an open query"):
        queries.answer_query(store, v.nurse, query.id, "late answer")
    with pytest.raises(UserError, match="status must be one of"):
        queries.list_queries(store, status="pending")


def test_queries_on_the_enrolment_form_and_listing(
    store: Store,
    visit: SimpleNamespace,  # noqa: F811
) -> None:
    v = visit
    subject = records.get_subject(store, v.subject)
    assert subject is not None
    on_enrol = queries.raise_query(
        store,
        v.pi,
        subject=v.subject,
        form="ENROL",
        record_id=subject.id,
        field="HEIGHT",
        text="Height 165 cm? The notes say 156.",
    )
    answer = queries.answer_query(
        store, v.nurse, on_enrol.id, "Swapped digits", correction={"HEIGHT": "156"}
    )
    assert answer.answered
    assert records.get_subject(store, v.subject).values["HEIGHT"] == 156.0  # type: ignore[union-attr]
    on_visit = _raise(store, v, field=None)
    grouped = queries.queries_for_record(store, "VIS", v.id)
    assert list(grouped) == [None] and grouped[None][0].id == on_visit.id
    assert [q.form for q in queries.list_open(store, v.subject)] == ["ENROL", "VIS"]
    assert [q.id for q in queries.list_queries(store, form="ENROL")] == [on_enrol.id]
    with store.reading() as session:
        assert audit.verify(session).ok
