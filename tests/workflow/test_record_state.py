# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""`lifecycle.record_state`: what a form shows of its record's lifecycle in one read. At every
step of a record's life, and for every role, it agrees with the four separate reads it
replaces (status_of, available_actions, signature_history, queries_for_record)."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

from trust_factory import (  # noqa: F401
    ENROL,
    PI_PW,
    accounts,
    fast_hasher,
    visit,  # noqa: F401  (fixture: a complete baseline visit)
)

from msct_crf.access import Actor
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, queries, records

ROLES = ("admin", "pi", "nurse", "monitor")


def _agrees_with_the_separate_reads(
    store: Store, actor: Actor | None, form: str, record_id: int
) -> lifecycle.RecordState:
    state = lifecycle.record_state(store, actor, form, record_id)
    assert state is not None
    assert state.status == lifecycle.status_of(store, form, record_id)
    assert state.actions == lifecycle.available_actions(store, actor, form, record_id)
    assert list(state.signatures) == lifecycle.signature_history(store, form, record_id)
    assert state.queries == queries.queries_for_record(store, form, record_id)
    return state


def _states(store: Store, v: SimpleNamespace) -> dict[str, lifecycle.RecordState]:
    _agrees_with_the_separate_reads(store, None, "VIS", v.id)
    return {
        role: _agrees_with_the_separate_reads(store, getattr(v, role), "VIS", v.id)
        for role in ROLES
    }


def test_every_step_of_a_record_reads_as_the_four_calls(
    store: Store, visit: SimpleNamespace
) -> None:
    v = visit
    states = _states(store, v)
    assert states["monitor"].status == records.COMPLETE
    assert states["monitor"].actions == {lifecycle.VERIFY}
    assert states["nurse"].actions == {lifecycle.EDIT}
    assert states["pi"].signature is None and states["pi"].open_queries == 0

    raised = queries.raise_query(
        store, v.monitor, subject=v.subject, form="VIS", record_id=v.id, field="TBIL", text="?"
    )
    states = _states(store, v)
    assert states["monitor"].actions == frozenset()  # an open query blocks verifying
    assert states["monitor"].open_queries == 1
    assert [q.id for q in states["monitor"].queries["TBIL"]] == [raised.id]

    queries.close_query(store, v.monitor, raised.id, "fine")
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    states = _states(store, v)
    assert states["pi"].status == records.VERIFIED and lifecycle.SIGN in states["pi"].actions
    assert states["pi"].open_queries == 0 and len(states["pi"].queries["TBIL"]) == 1

    signed = lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    states = _states(store, v)
    assert states["pi"].signature == signed and states["pi"].signature.valid
    assert states["pi"].actions == {lifecycle.LOCK, lifecycle.UNLOCK}

    lifecycle.lock_record(store, v.pi, "VIS", v.id)
    lifecycle.unlock_record(store, v.pi, "VIS", v.id, "corrected lab report")
    states = _states(store, v)
    shown = states["pi"].signature
    assert states["pi"].status == records.COMPLETE
    assert shown is not None and not shown.active and shown.id == signed.id  # voided, shown

    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    again = lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    states = _states(store, v)
    assert len(states["pi"].signatures) == 2
    assert states["pi"].signature == again  # the active one wins over the voided one


def test_a_tampered_record_offers_no_lock(store: Store, visit: SimpleNamespace) -> None:
    v = visit
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    assert store.path is not None
    connection = sqlite3.connect(store.path)
    connection.execute("UPDATE visit SET tbil = 99 WHERE id = ?", (v.id,))
    connection.commit()
    connection.close()
    state = _agrees_with_the_separate_reads(store, v.pi, "VIS", v.id)
    assert state.signature is not None and not state.signature.valid
    assert state.actions == {lifecycle.UNLOCK}


def test_single_user_mode_and_missing_records(store: Store) -> None:
    saved = records.save_form(
        store, user="legacy", form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert saved.saved and saved.record_id is not None
    state = _agrees_with_the_separate_reads(store, None, "ENROL", saved.record_id)
    assert state.actions == {lifecycle.EDIT} and state.signatures == ()
    assert state.queries == {} and state.open_queries == 0
    assert lifecycle.record_state(store, None, "VIS", 999) is None


def test_without_an_actor_an_account_database_offers_nothing(
    store: Store, visit: SimpleNamespace
) -> None:
    state = _agrees_with_the_separate_reads(store, None, "VIS", visit.id)
    assert state.status == records.COMPLETE and state.actions == frozenset()
