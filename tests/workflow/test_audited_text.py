# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Every text that reaches the audit trail is stored as typed (NFC) and has a field value's
limits: reasons of a save, a deletion or an unlock, query texts, signature meanings, full
names and the user name typed in single-user mode (issue 10, deliverable 6)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import ENROL, PI_PW, accounts, fast_hasher, visit  # noqa: F401

from msct_crf import access
from msct_crf.errors import UserError
from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, queries, records

TOO_LONG = "x" * 501


def _audited(store: Store, table: str) -> dict[str | None, str | None]:
    with store.reading() as session:
        return {
            r.field: r.new_value
            for r in session.scalars(select(AuditEntry).where(AuditEntry.table_name == table))
        }


def test_the_audit_keeps_free_text_as_typed(store: Store) -> None:
    enrol = records.save_form(store, user="nurse", form="ENROL", values=ENROL)
    assert enrol.saved, enrol.message
    saved = records.save_form(
        store,
        user="nurse",
        form="CM",
        subject=enrol.subject,
        values={"CMTRT": "Thymosin α1", "CMCAT": "OTHER", "CMDOSE": "1.6", "CMDOSU": "×10⁹/L"},
        confirm_warnings=True,
    )
    assert saved.saved and saved.record_id is not None, saved.message
    stored = records.get_record(store, "CM", saved.record_id)
    assert stored is not None and stored.values["CMDOSU"] == "×10⁹/L"
    audited = _audited(store, "conmed")
    assert audited["CMDOSU"] == "×10⁹/L" and audited["CMTRT"] == "Thymosin α1"


def test_single_user_names_have_the_limits_of_a_field_value(store: Store) -> None:
    for bad, why in (("n" * 65, "at most 64"), ("nurse\x1b[2J", "control"), ("a\nb", "control")):
        with pytest.raises(UserError, match=why):
            records.save_form(store, user=bad, form="ENROL", values=ENROL)
    saved = records.save_form(store, user=" nurse ", form="ENROL", values=ENROL)
    assert saved.saved
    with store.reading() as session:
        users = set(session.scalars(select(AuditEntry.user)))
    assert "nurse" in users and not any(u.startswith("n" * 65) for u in users)


def test_save_and_delete_reasons_have_the_limits(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    change = {"TBIL": "31"}
    common = {"user": "", "actor": v.nurse, "form": "VIS", "subject": v.subject}
    too_long = records.save_form(
        store, **common, record_id=v.id, values=change, reason=TOO_LONG, confirm_warnings=True
    )
    assert too_long.needs_reason and "at most 500" in (too_long.message or "")
    control = records.save_form(
        store, **common, record_id=v.id, values=change, reason="typo\x00", confirm_warnings=True
    )
    assert control.needs_reason and "control" in (control.message or "")
    ok = records.save_form(
        store, **common, record_id=v.id, values=change, reason="½ of it", confirm_warnings=True
    )
    assert ok.saved
    with store.reading() as session:
        reasons = set(session.scalars(select(AuditEntry.reason)))
    assert "½ of it" in reasons
    refused = records.delete_record(
        store, user="", actor=v.nurse, form="VIS", record_id=v.id, reason=TOO_LONG
    )
    assert not refused.saved and "at most 500" in (refused.message or "")


def test_query_texts_and_unlock_reasons_have_the_limits(
    store: Store, visit: SimpleNamespace
) -> None:
    v = visit
    base = {"subject": v.subject, "form": "VIS", "record_id": v.id, "field": "TBIL"}
    with pytest.raises(UserError, match="query text must have at most 500"):
        queries.raise_query(store, v.monitor, **base, text=TOO_LONG)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="query text contains control"):
        queries.raise_query(store, v.monitor, **base, text="what\u2028now")  # type: ignore[arg-type]
    query = queries.raise_query(store, v.monitor, **base, text="×10⁹/L?")  # type: ignore[arg-type]
    assert query.text == "×10⁹/L?"
    with pytest.raises(UserError, match="answer must have at most 500"):
        queries.answer_query(store, v.nurse, query.id, TOO_LONG)
    queries.close_query(store, v.monitor, query.id, "fine")
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    with pytest.raises(UserError, match="reason for unlocking must have at most 500"):
        lifecycle.unlock_record(store, v.pi, "VIS", v.id, TOO_LONG)
    with pytest.raises(UserError, match="reason for unlocking contains control"):
        lifecycle.unlock_record(store, v.pi, "VIS", v.id, "oops\x07")
    assert lifecycle.unlock_record(store, v.pi, "VIS", v.id, "re-check") == "complete"


def test_account_texts_have_the_limits(store: Store, accounts: dict) -> None:
    admin = accounts["admin"]
    with pytest.raises(UserError, match="full name contains control"):
        access.set_full_name(store, admin, "nurse1", "Zhang\x00Min")
    with pytest.raises(UserError, match="full name must have at most 128"):
        access.set_full_name(store, admin, "nurse1", "Z" * 129)
    with pytest.raises(UserError, match="reason must have at most 500"):
        access.lock_user(store, admin, "nurse1", reason=TOO_LONG)
    with pytest.raises(UserError, match="reason contains control"):
        access.lock_user(store, admin, "nurse1", reason="left\x1b")
    info = access.set_full_name(store, admin, "nurse1", "Zhang  Mi\u0301n")
    assert info.full_name == "Zhang Mín"
