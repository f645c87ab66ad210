"""A Hypothesis state machine over the record lifecycle: save, edit with a reason, delete,
verify, sign, lock, unlock, and queries raised, answered (with a correction) and closed.

After every step:
- replaying the audit trail alone (insert/update/delete rows and the status changes of
  verify/sign/lock/unlock, field by field, old -> new) rebuilds every visit's current data
  exactly, and each row's old value is what the replay held before it;
- every audit row carries all its fields (UTC time, user, action, hashes; table, record and
  subject for a record's row; field for a change);
- the hash chain verifies;
- the database agrees with a plain model of what each step should have done (a refused
  step changes nothing).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import hypothesis.strategies as st
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)
from sqlalchemy import select

from faults.helpers import ENROL_VALUES
from msct_crf import access
from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AuditEntry, Visit
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from msct_crf.workflow import lifecycle, queries, records

PASSWORD = {"admin": "admin-pass-1", "pi": "pi-pass-123", "nurse": "nurse-pass-1"}
PASSWORD["monitor"] = "monitor-pass-1"
VISIT_FORM = get_form("VIS")
RECORD_ACTIONS = {"insert", "update", "delete", "verify", "sign", "lock", "unlock"}
STATUS_ONLY = {"verify", "sign", "lock", "unlock"}
FROZEN = {records.SIGNED, records.LOCKED}

#: lab -> (low, high) inside the hard range; values are whole numbers typed as text
LAB_RANGES = {
    "ALT": (5, 900),
    "AST": (5, 900),
    "TBIL": (5, 400),
    "ALB": (15, 55),
    "INR": (1, 5),
    "CREAT": (30, 700),
    "SODIUM": (120, 155),
    "PLT": (10, 600),
}
lab = st.sampled_from(sorted(LAB_RANGES))
lab_values = st.lists(
    lab.flatmap(lambda code: st.tuples(st.just(code), st.integers(*LAB_RANGES[code]).map(str))),
    min_size=1,
    max_size=4,
).map(dict)


class RecordLifecycle(RuleBasedStateMachine):
    visits = Bundle("visits")
    open_queries = Bundle("open_queries")

    def __init__(self) -> None:
        super().__init__()
        access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        self.folder = Path(tempfile.mkdtemp(prefix="lifecycle-"))
        self.store = Store.open_path(self.folder / "study.db")
        access.create_admin(self.store, "admin", "Ada Admin", PASSWORD["admin"])
        admin = access.login(self.store, "admin", PASSWORD["admin"])
        for name, role in (("liwei", "pi"), ("nurse1", "nurse"), ("mon1", "monitor")):
            access.add_user(
                self.store, admin, username=name, full_name=name, role=role, password=PASSWORD[role]
            )
        self.pi = access.login(self.store, "liwei", PASSWORD["pi"])
        self.nurse = access.login(self.store, "nurse1", PASSWORD["nurse"])
        self.monitor = access.login(self.store, "mon1", PASSWORD["monitor"])
        enrol = records.save_form(
            self.store, user="", actor=self.nurse, form="ENROL", values=ENROL_VALUES
        )
        assert enrol.saved and enrol.subject
        self.subject = enrol.subject
        self.day = 0
        # the model: visit id -> status and entered lab values; query id -> visit id
        self.status: dict[int, str] = {}
        self.labs: dict[int, dict[str, float]] = {}
        self.queries: dict[int, int] = {}

    def teardown(self) -> None:
        self.store.close()
        access.set_hasher_factory(PasswordHasher)
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def _open_on(self, visit_id: int) -> int:
        return sum(1 for v in self.queries.values() if v == visit_id)

    def _after_change(self, visit_id: int, changes: bool) -> None:
        """A saved edit completes a draft; changed verified data needs verifying again."""
        status = self.status[visit_id]
        if status == records.DRAFT or (changes and status == records.VERIFIED):
            self.status[visit_id] = records.COMPLETE

    # ------------------------------------------------------------------ rules

    @rule(target=visits, labs=lab_values, complete=st.booleans())
    def save_new(self, labs: dict[str, str], complete: bool) -> int:
        self.day += 1
        values = {
            "VISIT": "UNSCHED",
            "VISDTC": f"2024-{2 + self.day // 28:02d}-{1 + self.day % 28:02d}",
        }
        result = records.save_form(
            self.store,
            user="",
            actor=self.nurse,
            form="VIS",
            subject=self.subject,
            values={**values, **labs},
            complete=complete,
            confirm_warnings=True,
        )
        assert result.saved, (result.message, [f.message for f in result.findings])
        assert result.record_id is not None
        self.status[result.record_id] = records.COMPLETE if complete else records.DRAFT
        self.labs[result.record_id] = {k: float(v) for k, v in labs.items()}
        return result.record_id

    @rule(visit_id=visits, labs=lab_values, reason=st.sampled_from(["", "corrected from source"]))
    def edit(self, visit_id: int, labs: dict[str, str], reason: str) -> None:
        if visit_id not in self.status:
            return
        result = records.save_form(
            self.store,
            user="",
            actor=self.nurse,
            form="VIS",
            subject=self.subject,
            record_id=visit_id,
            values=labs,
            reason=reason or None,
            confirm_warnings=True,
        )
        status = self.status[visit_id]
        changes = any(self.labs[visit_id].get(k) != float(v) for k, v in labs.items())
        if status in FROZEN:
            assert not result.saved
        elif status != records.DRAFT and changes and not reason:
            assert not result.saved and result.needs_reason
        else:
            assert result.saved, result.message
            self.labs[visit_id].update({k: float(v) for k, v in labs.items()})
            self._after_change(visit_id, changes)

    @rule(visit_id=visits)
    def delete(self, visit_id: int) -> None:
        if visit_id not in self.status:
            return
        result = records.delete_record(
            self.store,
            user="",
            actor=self.nurse,
            form="VIS",
            record_id=visit_id,
            reason="entered twice",
        )
        if self.status[visit_id] in FROZEN:
            assert not result.saved
        else:
            assert result.saved, result.message
            del self.status[visit_id]
            del self.labs[visit_id]
            # its queries stay with the deleted record; ids are never reused, so no new
            # record inherits them (test_record_ids_are_not_reused)
            self.queries = {q: v for q, v in self.queries.items() if v != visit_id}

    @rule(visit_id=visits)
    def verify(self, visit_id: int) -> None:
        if visit_id not in self.status:
            return
        status = self.status[visit_id]
        allowed = status == records.VERIFIED or (
            status == records.COMPLETE and not self._open_on(visit_id)
        )
        try:
            lifecycle.verify_record(self.store, self.monitor, "VIS", visit_id)
        except UserError:
            assert not allowed
        else:
            assert allowed
            self.status[visit_id] = records.VERIFIED

    @rule(visit_id=visits)
    def sign(self, visit_id: int) -> None:
        if visit_id not in self.status:
            return
        allowed = self.status[visit_id] == records.VERIFIED and not self._open_on(visit_id)
        try:
            lifecycle.sign_record(self.store, self.pi, "VIS", visit_id, PASSWORD["pi"])
        except UserError:
            assert not allowed
        else:
            assert allowed
            self.status[visit_id] = records.SIGNED

    @rule(visit_id=visits)
    def lock(self, visit_id: int) -> None:
        if visit_id not in self.status:
            return
        allowed = self.status[visit_id] in (records.SIGNED, records.LOCKED)
        try:
            lifecycle.lock_record(self.store, self.pi, "VIS", visit_id)
        except UserError:
            assert not allowed
        else:
            assert allowed
            self.status[visit_id] = records.LOCKED

    @rule(visit_id=visits)
    def unlock(self, visit_id: int) -> None:
        if visit_id not in self.status:
            return
        allowed = self.status[visit_id] in FROZEN
        try:
            lifecycle.unlock_record(self.store, self.pi, "VIS", visit_id, "late lab result")
        except UserError:
            assert not allowed
        else:
            assert allowed
            self.status[visit_id] = records.COMPLETE

    @rule(target=open_queries, visit_id=visits, field=lab)
    def raise_query(self, visit_id: int, field: str) -> int:
        if visit_id not in self.status:
            return -1
        info = queries.raise_query(
            self.store,
            self.monitor,
            subject=self.subject,
            form="VIS",
            record_id=visit_id,
            field=field,
            text=f"Please check {field} against the lab printout",
        )
        self.queries[info.id] = visit_id
        return info.id

    @rule(query_id=consumes(open_queries), fix=st.none() | lab_values)
    def answer_and_close(self, query_id: int, fix: dict[str, str] | None) -> None:
        if query_id not in self.queries:
            return
        visit_id = self.queries[query_id]
        result = queries.answer_query(
            self.store,
            self.nurse,
            query_id,
            "checked against source",
            correction=fix,
            confirm_warnings=True,
        )
        if fix is not None and self.status[visit_id] in FROZEN:
            assert not result.answered
            return
        assert result.answered, result
        if fix is not None:
            changes = any(self.labs[visit_id].get(k) != float(v) for k, v in fix.items())
            self.labs[visit_id].update({k: float(v) for k, v in fix.items()})
            self._after_change(visit_id, changes)
        queries.close_query(self.store, self.monitor, query_id, "resolved")
        del self.queries[query_id]

    # ------------------------------------------------------------------ invariants

    def _audit_rows(self) -> list[SimpleNamespace]:
        names = [c.name for c in AuditEntry.__table__.columns]
        with self.store.reading() as session:
            return [
                SimpleNamespace(**{n: getattr(row, n) for n in names})
                for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            ]

    @invariant()
    def audit_replay_rebuilds_the_data(self) -> None:
        replayed: dict[str, dict[str, str | None]] = defaultdict(dict)
        for row in self._audit_rows():
            if row.table_name != VISIT_FORM.table or row.action not in RECORD_ACTIONS:
                continue
            assert row.record_id is not None
            if row.action == "delete":
                replayed.pop(row.record_id, None)
                continue
            if row.action in STATUS_ONLY and row.field != "status":
                continue  # the signature's own line; not a value of the record
            state = replayed[row.record_id]
            assert state.get(row.field or "") == row.old_value, (row.id, row.field)
            state[row.field or ""] = row.new_value
        expected: dict[str, dict[str, str | None]] = {}
        for record_id in self.status:
            record = records.get_record(self.store, "VIS", record_id)
            assert record is not None
            values: dict[str, str | None] = {
                f.code: audit.to_text(record.values[f.code])
                for f in VISIT_FORM.fields
                if record.values[f.code] is not None
            }
            values.update({f"{k}.missing": v for k, v in record.missing.items()})
            values["status"] = record.status
            expected[str(record_id)] = values
        cleaned = {
            key: {k: v for k, v in fields.items() if v is not None}
            for key, fields in replayed.items()
        }
        assert cleaned == expected

    @invariant()
    def every_audit_row_is_complete_and_chained(self) -> None:
        rows = self._audit_rows()
        for row in rows:
            assert row.ts_utc and row.ts_utc.endswith("Z"), row
            assert row.user and row.action, row
            assert len(row.hash) == 64 and len(row.prev_hash) == 64, row
            if row.action in RECORD_ACTIONS:
                assert row.table_name and row.record_id and row.subject_id, row
                assert row.field, row
            if row.action in ("delete", "unlock"):
                assert row.reason, row  # deleting and unlocking always say why
        with self.store.reading() as session:
            result = audit.verify(session)
        assert result.ok, result.reason
        assert result.rows_checked == len(rows)

    @invariant()
    def database_matches_the_model(self) -> None:
        with self.store.reading() as session:
            stored = {v.id: v.status for v in session.scalars(select(Visit))}
        assert stored == self.status
        for visit_id, labs in self.labs.items():
            record = records.get_record(self.store, "VIS", visit_id)
            assert record is not None
            assert {k: record.values[k] for k in labs} == labs


RecordLifecycle.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRecordLifecycle = RecordLifecycle.TestCase


# Fixed in msct_crf.workflow.records.fresh_record_id: a new record's id skips every id the audit
# trail knows, so a deleted record's id (and its history, queries, signatures) is never reused.
def test_record_ids_are_not_reused(tmp_path: Path) -> None:
    import random

    from faults.helpers import USER, new_study, visit_values

    db = tmp_path / "study.db"
    subjid = new_study(db)
    store = Store.open_path(db)
    try:
        ids = []
        for n in range(2):
            saved = records.save_form(
                store,
                user=USER,
                form="VIS",
                subject=subjid,
                values=visit_values(random.Random(n)),
                confirm_warnings=True,
            )
            ids.append(saved.record_id)
        records.delete_record(store, user=USER, form="VIS", record_id=ids[-1], reason="twice")
        again = records.save_form(
            store,
            user=USER,
            form="VIS",
            subject=subjid,
            values=visit_values(random.Random(5)),
            confirm_warnings=True,
        )
        assert again.record_id not in ids
    finally:
        store.close()
