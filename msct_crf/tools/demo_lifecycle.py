"""The demo study with accounts: four people and the whole record lifecycle.

``msct-crf demo --with-accounts`` adds to the demo cohort an administrator, a PI, a nurse
and a monitor (all with :data:`DEMO_PASSWORD`; the demo study is exempt from the strength
rule) and then, through the same write API the app uses with logged-in actors, has the
monitor verify about a third of the forms, the PI sign and lock them, unlock a few with a
reason, and the monitor raise queries that the nurse answers in part. Every step is audited,
signed with the PI's key and checkpointed exactly as in the app. The records are drawn from
``random.Random(LIFECYCLE_SEED)`` so the study is the same every time; each person logs in
once (password hashing is what costs time here).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from msct_crf import access
from msct_crf.access import ADMIN, MONITOR, NURSE, PI, Actor
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle, queries
from msct_crf.workflow.lifecycle import RecordRef
from msct_crf.workflow.records import COMPLETE

DEMO_PASSWORD = "Demo-2026!"
LIFECYCLE_SEED = 20260101

#: (user name, full name, role) of the demo accounts, the administrator first.
ACCOUNTS = (
    ("admin", "Demo Administrator", ADMIN),
    ("dr.li", "Li Wei", PI),
    ("nurse.wang", "Wang Fang", NURSE),
    ("monitor.chen", "Chen Jie", MONITOR),
)
UNLOCKED = 3
OPEN_QUERIES = 4
ANSWERED_QUERIES = 4
UNLOCK_REASON = "Source document re-checked after signing: values to be reviewed again"
_QUERY_TEXT = "Please confirm this value against the source document."
_ANSWER_TEXT = "Checked against the source document: the value is correct."


@dataclass(frozen=True)
class LifecycleSummary:
    """What :func:`add_accounts_and_lifecycle` did, for the command's output."""

    locked: int
    unlocked: int
    open_queries: int
    answered_queries: int


def create_accounts(store: Store) -> dict[str, Actor]:
    """The four demo accounts, each logged in once; returns the actors by user name."""
    (admin_name, admin_full, _role), *others = ACCOUNTS
    access.create_admin(store, admin_name, admin_full, DEMO_PASSWORD)
    admin = access.login(store, admin_name, DEMO_PASSWORD)
    for username, full_name, role in others:
        access.add_user(
            store, admin, username=username, full_name=full_name, role=role, password=DEMO_PASSWORD
        )
    actors = {admin_name: admin}
    for username, _full, _role in others:
        actors[username] = access.login(store, username, DEMO_PASSWORD)
    return actors


def _choose(store: Store, rng: random.Random) -> tuple[list[RecordRef], list[RecordRef]]:
    """About a third of the complete forms to verify, sign and lock, and a few others to
    query (a record with an open query cannot be verified)."""
    complete = lifecycle.records_in_status(store, COMPLETE)
    to_lock = rng.sample(complete, len(complete) // 3)
    chosen = {(r.form, r.record_id) for r in to_lock}
    rest = [r for r in complete if (r.form, r.record_id) not in chosen]
    to_query = rng.sample(rest, OPEN_QUERIES + ANSWERED_QUERIES)
    order = {(r.form, r.record_id): i for i, r in enumerate(complete)}
    to_lock.sort(key=lambda r: order[(r.form, r.record_id)])
    return to_lock, to_query


def verify_sign_lock(store: Store, monitor: Actor, pi: Actor, refs: list[RecordRef]) -> None:
    """The monitor verifies each record, the PI signs them all with one password entry
    (one key unlock and one checkpoint) and then locks each."""
    for ref in refs:
        lifecycle.verify_record(store, monitor, ref.form, ref.record_id)
    lifecycle.sign_records(store, pi, [(r.form, r.record_id) for r in refs], DEMO_PASSWORD)
    for ref in refs:
        lifecycle.lock_record(store, pi, ref.form, ref.record_id)


def unlock_some(store: Store, pi: Actor, refs: list[RecordRef], rng: random.Random) -> int:
    """The PI unlocks a few locked records with a reason (their signatures are voided)."""
    for ref in rng.sample(refs, UNLOCKED):
        lifecycle.unlock_record(store, pi, ref.form, ref.record_id, UNLOCK_REASON)
    return UNLOCKED


#: The value the monitor queries on each kind of record (one the demo cohort fills in).
QUERIED_FIELD = {
    "ENROL": "WEIGHT",
    "MH": "MHSTDTC",
    "EX": "EXDOSE",
    "VS": "SYSBP",
    "VIS": "ALB",
    "AE": "AETOXGR",
    "CM": "CMDOSE",
    "DS": "DSSTDTC",
}


def raise_and_answer(store: Store, monitor: Actor, nurse: Actor, refs: list[RecordRef]) -> None:
    """The monitor queries a value of each record; the nurse answers the first
    ANSWERED_QUERIES."""
    raised = [
        queries.raise_query(
            store,
            monitor,
            subject=ref.subject,
            form=ref.form,
            record_id=ref.record_id,
            field=QUERIED_FIELD[ref.form],
            text=_QUERY_TEXT,
        )
        for ref in refs
    ]
    for query in raised[:ANSWERED_QUERIES]:
        result = queries.answer_query(store, nurse, query.id, _ANSWER_TEXT)
        if not result.answered:
            raise RuntimeError(f"demo query {query.id} not answered")


def add_accounts_and_lifecycle(store: Store) -> LifecycleSummary:
    """Add the demo accounts to a freshly made demo cohort and take a third of its forms
    through verification, signature and locking, with a few unlocks and queries."""
    actors = create_accounts(store)
    rng = random.Random(LIFECYCLE_SEED)
    to_lock, to_query = _choose(store, rng)
    monitor, pi, nurse = actors["monitor.chen"], actors["dr.li"], actors["nurse.wang"]
    verify_sign_lock(store, monitor, pi, to_lock)
    unlocked = unlock_some(store, pi, to_lock, rng)
    raise_and_answer(store, monitor, nurse, to_query)
    for actor in actors.values():
        access.logout(store, actor)
    return LifecycleSummary(
        locked=len(to_lock) - unlocked,
        unlocked=unlocked,
        open_queries=OPEN_QUERIES,
        answered_queries=ANSWERED_QUERIES,
    )


def accounts_text() -> str:
    """The accounts and their password, printed by the command."""
    lines = [f"Accounts (password {DEMO_PASSWORD}):"]
    lines += [f"  {username:<13} {role:<8} {full}" for username, full, role in ACCOUNTS]
    return "\n".join(lines)
