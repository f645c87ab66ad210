"""Issue 13: 20 clients on the clinic's server writing for 30 s, each with its own engine.

Every client keeps changing its own subject's visit and, in turn with the others, one visit
they all share, each save typed over the version it last read (as a form page does). After
the run: no acknowledged save is lost (each is in the data and in the audit trail, in
order), no save refused as a conflict left anything behind, every acknowledged save of the
shared visit was based on the state the previous one left (so none overwrote another
unseen), and `verify` passes (one valid chain, the data replayed from the trail)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from study_factory import enrol, infuse, visit

from msct_crf.storage.db.models import AuditEntry
from msct_crf.storage.server_verify import verify_location
from msct_crf.storage.store import Store
from msct_crf.workflow import records
from msct_crf.workflow.records import EditConflict, SaveRequest

CLIENTS = 20
DURATION_S = 30.0


@dataclass
class _Ack:
    """One acknowledged save: on which visit, which value, typed over which version."""

    record_id: int
    tbil: str
    reason: str
    based_on: int


@dataclass
class _Client:
    number: int
    own: int  # the visit only this client changes
    acks: list[_Ack] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # reasons of the refused saves
    errors: list[BaseException] = field(default_factory=list)


def _save(store: Store, client: _Client, record_id: int, seq: int) -> None:
    record = records.get_record(store, "VIS", record_id)
    assert record is not None
    tbil = f"{20 + client.number}.{seq % 10}{seq // 10 % 10}"
    reason = f"client {client.number} save {seq}"
    request = SaveRequest(
        form="VIS",
        values={"TBIL": tbil},
        user=f"nurse{client.number:02d}",
        subject=record.subject,
        record_id=record_id,
        confirm_warnings=True,
        reason=reason,
        based_on=record.version,
    )
    try:
        result = records.save(store, request)
    except EditConflict:
        client.conflicts.append(reason)
        return
    assert result.saved, result.message
    if result.outcome is records.SaveOutcome.SAVED:
        client.acks.append(_Ack(record_id, tbil, reason, record.version))


def _run(url: str, client: _Client, shared: int, start: threading.Barrier) -> None:
    try:
        with Store.open(url) as store:
            start.wait()
            deadline = time.monotonic() + DURATION_S
            seq = 0
            while time.monotonic() < deadline:
                _save(store, client, client.own, seq)
                _save(store, client, shared, seq + 1)
                seq += 2
    except BaseException as exc:  # reported by the test, not lost in a thread
        client.errors.append(exc)


def _audit_saves(store: Store, record_id: int) -> dict[str, tuple[int, int, list[str]]]:
    """Per save reason: (its first and last audit row id, the TBIL values it wrote)."""
    query = (
        select(AuditEntry.id, AuditEntry.reason, AuditEntry.field, AuditEntry.new_value)
        .where(AuditEntry.table_name == "visit", AuditEntry.record_id == str(record_id))
        .order_by(AuditEntry.id)
    )
    out: dict[str, tuple[int, int, list[str]]] = {}
    with store.reading() as session:
        for row_id, reason, field_code, new in session.execute(query):
            first, _last, values = out.get(reason, (row_id, row_id, []))
            if field_code == "TBIL":
                values = [*values, new]
            out[reason] = (first, row_id, values)
    return out


def test_twenty_clients_for_thirty_seconds_lose_nothing(pg_store: Store) -> None:
    url = pg_store.engine.url.render_as_string(hide_password=False)
    subjects = [enrol(pg_store, initials=f"C{n:02d}"[:4]) for n in range(CLIENTS)]
    own = []
    for subject in subjects:
        infuse(pg_store, subject, dt.datetime(2025, 1, 10, 9, 0))
        own.append(visit(pg_store, subject, "M1", dt.date(2025, 2, 10)))
    shared = visit(pg_store, subjects[0], "M3", dt.date(2025, 4, 10))
    initial = {r.id: r.version for s in subjects for r in records.list_records(pg_store, "VIS", s)}

    clients = [_Client(n, own[n]) for n in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    threads = [
        threading.Thread(target=_run, args=(url, c, shared, start), daemon=True) for c in clients
    ]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join(timeout=DURATION_S + 300)
    assert not any(t.is_alive() for t in threads), "a client hung"
    errors = [e for c in clients for e in c.errors]
    assert errors == [], errors[:3]

    acks = [a for c in clients for a in c.acks]
    conflicts = [r for c in clients for r in c.conflicts]
    assert len(acks) > 2 * CLIENTS and conflicts, (len(acks), len(conflicts))

    # every acknowledged save is in the data and in the audit trail, in order
    by_record: dict[int, list[_Ack]] = defaultdict(list)
    for ack in acks:
        by_record[ack.record_id].append(ack)
    for record_id in [*own, shared]:
        trail = _audit_saves(pg_store, record_id)
        mine = sorted(by_record[record_id], key=lambda a: trail[a.reason][0])
        for ack in mine:
            assert [float(v) for v in trail[ack.reason][2]] == [float(ack.tbil)], ack
        stored = records.get_record(pg_store, "VIS", record_id)
        assert stored is not None
        if mine:
            assert stored.values["TBIL"] == float(mine[-1].tbil)
        # each save was typed over the state the previous one left: none overwrote unseen
        previous = initial[record_id]
        for ack in mine:
            assert ack.based_on == previous, (record_id, ack)
            previous = trail[ack.reason][1]
    # a refused save left nothing behind
    with pg_store.reading() as session:
        written = set(session.scalars(select(AuditEntry.reason).distinct()))
        rows = session.scalar(select(func.count()).select_from(AuditEntry))
    assert not written & set(conflicts)

    checks = verify_location(url)
    failed = [c for c in checks if not c.ok]
    assert failed == [], failed
    chain = next(c for c in checks if c.name == "audit_chain")
    assert chain.detail == f"ok: {rows} audit rows, chain intact"
    shared_acks = len(by_record[shared])
    print(f"{len(acks)} saves acknowledged ({shared_acks} of the shared visit), {len(conflicts)} ")
    print(f"refused as conflicts, {rows} audit rows, in {DURATION_S:.0f} s by {CLIENTS} clients")
