"""Tampering with a study file from outside, as someone with the file and sqlite3 would, and
checking that `verify` notices (tests/faults/test_tampering.py; the full counts in
benchmarks/tampering_full.py).

Each kind works on a copy of a clean study with plain sqlite3. Where the tamper needs the
append-only triggers out of the way it drops them and puts them back afterwards, as a careful
attacker would, so that detection never rests on the missing trigger alone (except for the
kind that leaves them dropped). Each tamper returns what verify must report: the check that
must fail and, where it can be named, a text the finding must contain.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Float, Integer

from msct_crf.errors import DatabaseError
from msct_crf.storage import audit
from msct_crf.storage.db.audit_table import AUDIT_TRIGGER_NAMES, AUDIT_TRIGGERS_DDL
from msct_crf.storage.db.models import FORM_MODELS
from msct_crf.storage.integrity import Check, verify_database
from msct_crf.storage.reconcile import covered_tables
from msct_crf.study.dictionary import FORMS

KINDS = (
    "data_edit",
    "audit_edit",
    "audit_delete",
    "reorder",
    "rechain",
    "all_deleted",
    "triggers_dropped",
)

_AUDIT_COLUMNS = ("id", *audit.HASHED_FIELDS, "hash")
#: Audit rows whose values the replay rebuilds data from (the others only document).
REPLAYED_ACTIONS = frozenset(
    {
        "insert",
        "update",
        "delete",
        "bulk_insert",
        "verify",
        "sign",
        "lock",
        "unlock",
        "query_open",
        "query_answer",
        "query_close",
        "account",
        "setting",
        "login",
        "login_failed",
    }
)


@dataclass(frozen=True)
class Expectation:
    """What verify must report: a failed check of this name whose detail contains `text`."""

    check: str
    text: str = ""
    description: str = ""

    def met_by(self, checks: Sequence[Check]) -> bool:
        return any(not c.ok and c.name == self.check and self.text in c.detail for c in checks)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _without_triggers(conn: sqlite3.Connection, action: Callable[[], None]) -> None:
    """Run `action` with the append-only triggers dropped, then put them back."""
    for name in AUDIT_TRIGGER_NAMES:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        action()
    finally:
        for ddl in AUDIT_TRIGGERS_DDL:
            conn.execute(ddl)


def _audit_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT max(id) FROM audit_log").fetchone()[0] or 0)


def _changed_value(kind: Any, value: Any) -> Any:
    """A different value of the same column type (never one that reads back the same)."""
    if isinstance(kind, Float):
        return 7.25 if not isinstance(value, int | float) else float(value) + 1.0
    if isinstance(kind, Integer):
        return 7 if not isinstance(value, int) else value + 1
    if isinstance(kind, DateTime):
        return (
            "2001-02-03 04:05:06.000000"
            if value != "2001-02-03 04:05:06.000000"
            else ("2001-02-04 04:05:06.000000")
        )
    if isinstance(kind, Date):
        return "2001-02-03" if value != "2001-02-03" else "2001-02-04"
    return "X" if value is None else f"{value}X"


def data_edit(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """A random field of a random form row changed directly in SQLite."""
    tables = []
    for code, form_def in FORMS.items():
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {form_def.table}")]
        tables += [(code, i) for i in ids]
    code, record_id = rng.choice(tables)
    form_def = FORMS[code]
    model: Any = FORM_MODELS[code]
    target = rng.choice([f for f in form_def.fields if f.code != "SUBJID"])
    column = target.column
    (value,) = conn.execute(
        f"SELECT {column} FROM {form_def.table} WHERE id = ?", (record_id,)
    ).fetchone()
    new = _changed_value(model.__table__.c[column].type, value)
    conn.execute(f"UPDATE {form_def.table} SET {column} = ? WHERE id = ?", (new, record_id))
    return Expectation(
        "reconcile",
        f"{form_def.table} {record_id} ",
        f"{form_def.table} {record_id} {target.code}: {value!r} -> {new!r}",
    )


def audit_edit(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """One column of a random audit row changed (hashes left alone)."""
    row_id = rng.randint(1, _audit_count(conn))
    column = rng.choice(_AUDIT_COLUMNS[1:])
    (value,) = conn.execute(f'SELECT "{column}" FROM audit_log WHERE id = ?', (row_id,)).fetchone()
    new = "x" if value is None else f"{value}x"
    _without_triggers(
        conn,
        lambda: conn.execute(f'UPDATE audit_log SET "{column}" = ? WHERE id = ?', (new, row_id)),
    )
    return Expectation("audit_chain", "", f"audit row {row_id} {column}: {value!r} -> {new!r}")


def audit_delete(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """A random audit row deleted (not the newest: that is a truncated tail)."""
    row_id = rng.randint(1, _audit_count(conn) - 1)
    _without_triggers(conn, lambda: conn.execute("DELETE FROM audit_log WHERE id = ?", (row_id,)))
    return Expectation("audit_chain", "", f"audit row {row_id} deleted")


def reorder(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """Two random audit rows swapped (their ids, so the order of the trail, exchanged)."""
    last = _audit_count(conn)
    first = rng.randint(1, last)
    second = rng.choice(
        [i for i in range(max(1, first - 50), min(last, first + 50) + 1) if i != first]
    )
    cols = ", ".join(f'"{c}"' for c in _AUDIT_COLUMNS[1:])

    def swap() -> None:
        a = conn.execute(f"SELECT {cols} FROM audit_log WHERE id = ?", (first,)).fetchone()
        b = conn.execute(f"SELECT {cols} FROM audit_log WHERE id = ?", (second,)).fetchone()
        sets = ", ".join(f'"{c}" = ?' for c in _AUDIT_COLUMNS[1:])
        conn.execute("UPDATE audit_log SET hash = 'swapping' WHERE id = ?", (first,))
        conn.execute(f"UPDATE audit_log SET {sets} WHERE id = ?", (*a, second))
        conn.execute(f"UPDATE audit_log SET {sets} WHERE id = ?", (*b, first))

    _without_triggers(conn, swap)
    return Expectation("audit_chain", "", f"audit rows {first} and {second} swapped")


def rechain_from(conn: sqlite3.Connection, start: int) -> None:
    """Recompute prev_hash and hash of every row from `start` on (what an attacker's script
    does after rewriting history, so the chain is intact again)."""
    cols = ", ".join(f'"{c}"' for c in audit.HASHED_FIELDS)
    row = conn.execute("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", (start,))
    previous = (row.fetchone() or (audit.GENESIS_HASH,))[0]
    rows = conn.execute(f"SELECT id, {cols} FROM audit_log WHERE id >= ? ORDER BY id", (start,))
    updates = []
    for values in rows.fetchall():
        content = dict(zip(audit.HASHED_FIELDS, values[1:], strict=True))
        content["prev_hash"] = previous
        previous = audit.compute_hash(content)
        updates.append((content["prev_hash"], previous, values[0]))
    conn.execute("BEGIN")
    conn.executemany("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", updates)
    conn.execute("COMMIT")


def _rewritten(value: str | None, action: str, column: str) -> str:
    if action == "bulk_insert" and column == "new_value" and value:
        content = json.loads(value)
        key = sorted(content)[len(content) // 2]
        content[key] = f"{content[key]}9"
        return audit.canonical_json(content)
    return "tampered" if value is None else f"{value}9"


def rechain(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """A random audit row that data is rebuilt from rewritten (its old or new value), and the
    chain recomputed from it so that it is intact again."""
    covered = covered_tables()
    marks = ", ".join("?" for _ in covered)
    actions = ", ".join("?" for _ in REPLAYED_ACTIONS)
    candidates = [
        r
        for r in conn.execute(
            f"SELECT id, action FROM audit_log WHERE table_name IN ({marks}) "
            f"AND action IN ({actions}) AND record_id IS NOT NULL "
            "AND (field IS NOT NULL OR action = 'bulk_insert') "
            "AND coalesce(field, '') != 'password'",
            (*covered, *sorted(REPLAYED_ACTIONS)),
        )
    ]
    row_id, action = rng.choice(candidates)
    column = "new_value" if action == "bulk_insert" else rng.choice(("old_value", "new_value"))
    (value,) = conn.execute(f"SELECT {column} FROM audit_log WHERE id = ?", (row_id,)).fetchone()
    new = _rewritten(value, action, column)

    def rewrite() -> None:
        conn.execute(f"UPDATE audit_log SET {column} = ? WHERE id = ?", (new, row_id))
        rechain_from(conn, row_id)

    _without_triggers(conn, rewrite)
    return Expectation(
        "reconcile", "", f"audit row {row_id} ({action}) {column}: {value!r} -> {new!r}, re-chained"
    )


def all_deleted(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """Every audit row deleted."""
    _without_triggers(conn, lambda: conn.execute("DELETE FROM audit_log"))
    return Expectation("reconcile", "data without audit trail", "all audit rows deleted")


def triggers_dropped(conn: sqlite3.Connection, rng: random.Random) -> Expectation:
    """One or both append-only triggers dropped (and left dropped)."""
    names = rng.choice([list(AUDIT_TRIGGER_NAMES), *([n] for n in AUDIT_TRIGGER_NAMES)])
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    return Expectation("audit_triggers", names[0], f"dropped {', '.join(names)}")


TAMPERS: dict[str, Callable[[sqlite3.Connection, random.Random], Expectation]] = {
    "data_edit": data_edit,
    "audit_edit": audit_edit,
    "audit_delete": audit_delete,
    "reorder": reorder,
    "rechain": rechain,
    "all_deleted": all_deleted,
    "triggers_dropped": triggers_dropped,
}


def tamper(path: Path, kind: str, rng: random.Random) -> Expectation:
    conn = _connect(path)
    try:
        return TAMPERS[kind](conn, rng)
    finally:
        conn.close()


@dataclass
class TamperReport:
    kind: str
    tampers: int = 0
    detected: int = 0
    missed: list[str] = field(default_factory=list)  # description: what verify said


def run_tampers(
    sources: Sequence[Path], kind: str, count: int, seed: int, folder: Path
) -> TamperReport:
    """`count` tampers of one kind, on copies of the clean `sources` in turn."""
    rng = random.Random(f"{seed}-{kind}")
    report = TamperReport(kind)
    target = folder / f"tampered-{kind}.db"
    for number in range(count):
        shutil.copyfile(sources[number % len(sources)], target)
        expectation = tamper(target, kind, rng)
        try:
            checks = verify_database(target)
        except DatabaseError as exc:
            checks = [Check("open", False, str(exc))]
        report.tampers += 1
        if expectation.met_by(checks):
            report.detected += 1
        else:
            said = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.ok) or "all ok"
            report.missed.append(
                f"{sources[number % len(sources)].name}: {expectation.description} -> {said}"
            )
    return report


def false_alarms(paths: Sequence[Path]) -> list[str]:
    """Every failed check on studies that nobody tampered with (must be none)."""
    out = []
    for path in paths:
        out += [f"{path.name}: {c.name}: {c.detail}" for c in verify_database(path) if not c.ok]
    return out


# --------------------------------------------------------------------------- clean studies

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "AB",
    "SEX": "F",
    "BRTHDTC": "1970-03-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "AIH",
    "HEIGHT": "165",
    "WEIGHT": "60",
    **{f"IEIN0{i}": "Y" for i in range(1, 5)},
    **{f"IEEX0{i}": "N" for i in range(1, 6)},
}
INFUSION = {
    "EXSTDTC": "2024-01-10 09:00",
    "EXENDTC": "2024-01-10 09:45",
    "EXSRC": "UC-MSC",
    "EXLOT": "L-1",
    "EXWT": "60",
    "EXCELL": "60",
    "EXPLAN": "1.0",
}
VISIT = {
    "VISIT": "BASELINE",
    "VISDTC": "2024-01-08",
    "TBIL": "30",
    "ALB": "32",
    "ALT": "45",
    "PT": "14",
    "INR": "1.3",
    "CREAT": "70",
    "SODIUM": "138",
}
PASSWORDS = {"admin": "admin-pass-1", "liwei": "pi-pass-123", "nurse1": "nurse-pass-1"}
PASSWORDS["mon1"] = "monitor-pass-1"


def build_write_path_study(path: Path) -> None:
    """A study made by every write path: accounts (created, renamed, role changed, disabled
    and enabled, locked by failed logins and unlocked, passwords reset and changed), study
    settings, every form with its vital signs and an infusion-linked adverse event, values
    typed in conventional units and missing-data codes, updates with reasons, a query raised,
    answered with a correction and closed, verify, sign, lock, unlock (voiding the signature),
    signing again, and deletions (an infusion with its vital signs; a visit)."""
    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.storage.store import Store
    from msct_crf.study.units import UnitSystem
    from msct_crf.workflow import lifecycle, queries, records

    def ok(result: records.SaveResult) -> records.SaveResult:
        assert result.saved, (result.message, [f.message for f in result.findings])
        return result

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        with Store.open_path(path) as store:
            access.create_admin(store, "admin", "Ada Admin", PASSWORDS["admin"])
            admin = access.login(store, "admin", PASSWORDS["admin"])
            for name, full, role in (
                ("liwei", "Dr Li (Wei)", "pi"),
                ("nurse1", "Zhang Min", "nurse"),
                ("mon1", "Mona Monitor", "monitor"),
            ):
                access.add_user(
                    store, admin, username=name, full_name=full, role=role, password=PASSWORDS[name]
                )
            access.set_full_name(store, admin, "nurse1", "Zhang Min-Hua")
            access.set_role(store, admin, "mon1", "pi", reason="cover")
            access.set_role(store, admin, "mon1", "monitor", reason="back")
            access.set_active(store, admin, "mon1", False, reason="leave")
            access.set_active(store, admin, "mon1", True)
            for _ in range(access.MAX_FAILED_LOGINS):
                with contextlib.suppress(access.AuthenticationError):
                    access.login(store, "nurse1", "wrong-password")
            with contextlib.suppress(access.AuthenticationError):
                access.login(store, "nobody", "whatever")
            access.unlock_user(store, admin, "nurse1", reason="forgot")
            access.reset_password(store, admin, "nurse1", "nurse-pass-2")
            nurse = access.login(store, "nurse1", "nurse-pass-2")
            with contextlib.suppress(access.AuthenticationError):
                access.confirm_password(store, nurse, "wrong-again")
            access.change_password(store, nurse, "nurse-pass-2", PASSWORDS["nurse1"])
            pi = access.login(store, "liwei", PASSWORDS["liwei"])
            monitor = access.login(store, "mon1", PASSWORDS["mon1"])
            access.set_idle_lock_minutes(store, admin, 20)
            access.set_idle_lock_minutes(store, admin, 30)

            def save(form: str, values: dict[str, str], **kw: Any) -> records.SaveResult:
                return ok(
                    records.save_form(
                        store,
                        user="",
                        actor=nurse,
                        form=form,
                        values=values,
                        confirm_warnings=True,
                        **kw,
                    )
                )

            subjects = [save("ENROL", ENROL).subject for _ in range(2)]
            first, second = subjects[0], subjects[1]
            assert first and second
            save("ENROL", {"WEIGHT": "62"}, subject=first, reason="re-weighed")
            save("MH", {"MHTERM": "Hypertension", "MHSTDTC": "2015", "MHONGO": "Y"}, subject=first)
            infusion = save("EX", INFUSION, subject=first).record_id
            save(
                "VS",
                {"VSTPT": "PRE", "TEMP": "36.5", "PULSE": "70"},
                subject=first,
                parent_id=infusion,
            )
            save(
                "AE",
                {"AETERM": "Fever", "AESTDTC": "2024-01-10 10:00", "AESER": "N"},
                subject=first,
                parent_id=infusion,
                complete=False,
            )
            later = save(
                "EX",
                {**INFUSION, "EXSTDTC": "2024-01-03 09:00", "EXENDTC": "2024-01-03 09:40"},
                subject=first,
            ).record_id
            save("VS", {"VSTPT": "PRE", "TEMP": "36.6"}, subject=first, parent_id=later)
            visit = save("VIS", VISIT, subject=first, missing={"IGG": "ND"}).record_id
            save(
                "VIS",
                {"TBIL": "2.0", "IGG": "15"},
                subject=first,
                record_id=visit,
                units={"TBIL": UnitSystem.CONVENTIONAL},
                reason="typo",
            )
            extra = save(
                "VIS", {**VISIT, "VISIT": "UNSCHED", "VISDTC": "2024-02-01"}, subject=first
            ).record_id
            save(
                "CM",
                {
                    "CMTRT": "UDCA",
                    "CMCAT": "UDCA",
                    "CMDOSE": "250",
                    "CMDOSU": "mg",
                    "CMSTDTC": "2023-01",
                },
                subject=first,
                complete=False,
            )
            save("VIS", VISIT, subject=second)
            save(
                "DS",
                {"DSDECOD": "LOST", "DSSTDTC": "2024-06-01", "DSLCDTC": "2024-02-01"},
                subject=second,
            )

            query = queries.raise_query(
                store,
                monitor,
                subject=first,
                form="VIS",
                record_id=visit,
                field="ALT",
                text="please check ALT",
            )
            queries.answer_query(
                store, nurse, query.id, "corrected", correction={"ALT": "46"}, confirm_warnings=True
            )
            queries.close_query(store, monitor, query.id, "thanks")
            open_query = queries.raise_query(
                store,
                monitor,
                subject=second,
                form="ENROL",
                record_id=2,
                field=None,
                text="consent copy?",
            )
            queries.answer_query(store, nurse, open_query.id, "filed")

            lifecycle.verify_record(store, monitor, "VIS", visit)
            lifecycle.sign_record(store, pi, "VIS", visit, PASSWORDS["liwei"])
            lifecycle.lock_record(store, pi, "VIS", visit)
            lifecycle.unlock_record(store, pi, "VIS", visit, "late lab result")
            save("VIS", {"PLT": "120"}, subject=first, record_id=visit, reason="late lab")
            lifecycle.verify_record(store, monitor, "VIS", visit)
            lifecycle.sign_record(
                store, pi, "VIS", visit, PASSWORDS["liwei"], meaning=lifecycle.MEANINGS[1]
            )
            lifecycle.verify_record(store, monitor, "MH", 1)
            lifecycle.sign_records(store, pi, [("MH", 1)], PASSWORDS["liwei"])
            lifecycle.lock_record(store, pi, "MH", 1)

            records.delete_record(
                store, user="", actor=nurse, form="EX", record_id=later, reason="entered twice"
            )
            records.delete_record(
                store, user="", actor=nurse, form="VIS", record_id=extra, reason="duplicate"
            )
            access.logout(store, nurse)
    finally:
        access.set_hasher_factory(PasswordHasher)
