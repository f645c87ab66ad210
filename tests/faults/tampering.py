"""Tampering with a study file from outside, as someone with the file and sqlite3 would, and
checking that `verify` notices (tests/faults/test_tampering.py; the full counts in
benchmarks/tampering_full.py).

Each kind works on a copy of a clean study with plain sqlite3. Where the tamper needs the
append-only triggers out of the way it drops them and puts them back afterwards, as a careful
attacker would, so that detection never rests on the missing trigger alone (except for the
kind that leaves them dropped). Each tamper returns what verify must report: the check that
must fail and, where it can be named, a text the finding must contain.

The second half (SIGNED_KINDS, build_study, tamper_signed, run_signed) tampers with a signed,
anchored study, for the signature and anchor fault tests (tests/faults/test_signature_tampering.py
runs 30 of each kind; benchmarks/faults_signatures.py 1,000).

The study has accounts of every role; subjects whose enrolment and visits were verified,
signed (one of them unlocked with a reason and signed again), mostly locked; an export; and,
last, a backup in the study's own backup folder. Every tamper works on a copy with raw
sqlite3 (the append-only triggers dropped and put back where the audit table is touched),
exactly what an attacker without a password can do, and then ``verify_database`` must say
so. Nothing in the application is mocked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
import shutil
import sqlite3
import string
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Date, DateTime, Float, Integer, select

from msct_crf import access
from msct_crf.errors import DatabaseError
from msct_crf.reporting.export import ExportOptions, export_csv
from msct_crf.storage import audit, signing
from msct_crf.storage.backup_files import default_backup_dir
from msct_crf.storage.db.audit_table import AUDIT_TRIGGER_NAMES, AUDIT_TRIGGERS_DDL
from msct_crf.storage.db.models import FORM_MODELS, Subject
from msct_crf.storage.integrity import Check, verify_database
from msct_crf.storage.reconcile import covered_tables
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS
from msct_crf.workflow import backup, lifecycle, records

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


# --------------------------------------------------------------------------- signed studies

SIGNATURE_KINDS = ("copy", "signer", "printed_name", "meaning", "time")
CHAIN_KINDS = ("rechain", "truncate")
SIGNED_KINDS = SIGNATURE_KINDS + CHAIN_KINDS
#: The checks of verify that each kind must trip (any of them).
EXPECTED = {kind: {"signature"} for kind in SIGNATURE_KINDS} | {
    "rechain": {"backup", "checkpoint", "export"},
    "truncate": {"backup", "checkpoint"},
}


def fast_keys() -> None:
    """argon2id at its smallest cost: the same code path for passwords and key wrapping."""
    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _login_all(store: Store) -> dict[str, access.Actor]:
    access.create_admin(store, "admin", "Ada Admin", PASSWORDS["admin"])
    admin = access.login(store, "admin", PASSWORDS["admin"])
    for name, full, role in (
        ("liwei", "Dr Li Wei", "pi"),
        ("nurse1", "Zhang Min", "nurse"),
        ("mon1", "Mona Monitor", "monitor"),
    ):
        access.add_user(
            store, admin, username=name, full_name=full, role=role, password=PASSWORDS[name]
        )
    people = {
        name: access.login(store, name, PASSWORDS[name]) for name in PASSWORDS if name != "admin"
    }
    return {"admin": admin, **people}


def _enter(store: Store, nurse: access.Actor, rng: random.Random) -> list[tuple[str, int]]:
    """Subjects with an enrolment and a baseline visit; the records, (form, id)."""
    items: list[tuple[str, int]] = []
    for _ in range(rng.randint(2, 4)):
        values = ENROL | {"INITIALS": rng.choice(["AB", "CD", "EF", "LW"])}
        enrol = records.save_form(
            store, user="", actor=nurse, form="ENROL", values=values, confirm_warnings=True
        )
        assert enrol.saved and enrol.subject and enrol.record_id is not None
        visit = VISIT | {"TBIL": str(rng.randint(10, 80))}
        saved = records.save_form(
            store,
            user="",
            actor=nurse,
            form="VIS",
            subject=enrol.subject,
            values=visit,
            confirm_warnings=True,
        )
        assert saved.saved and saved.record_id is not None
        infusion = records.save_form(
            store,
            user="",
            actor=nurse,
            form="EX",
            subject=enrol.subject,
            values=INFUSION,
            confirm_warnings=True,
        )
        assert infusion.saved and infusion.record_id is not None
        items += [("ENROL", enrol.record_id), ("VIS", saved.record_id), ("EX", infusion.record_id)]
    return items


def build_study(path: Path, *, seed: int = 20261201) -> None:
    """The signed, anchored study described in the module docstring, at ``path``."""
    rng = random.Random(seed)
    with Store.open_path(path) as store:
        people = _login_all(store)
        items = _enter(store, people["nurse1"], rng)
        for form, record_id in items:
            lifecycle.verify_record(store, people["mon1"], form, record_id)
        lifecycle.sign_records(store, people["liwei"], items, PASSWORDS["liwei"])
        for form, record_id in items[:-1]:
            lifecycle.lock_record(store, people["liwei"], form, record_id)
        form, record_id = items[0]
        lifecycle.unlock_record(store, people["admin"], form, record_id, "source corrected")
        lifecycle.verify_record(store, people["mon1"], form, record_id)
        meaning = rng.choice(lifecycle.MEANINGS)
        lifecycle.sign_record(
            store, people["liwei"], form, record_id, PASSWORDS["liwei"], meaning=meaning
        )
        with tempfile.TemporaryDirectory() as folder:
            export_csv(store, folder, ExportOptions(), user="", actor=people["mon1"])
        backup.backup_database(store, user="", actor=people["admin"])
        for actor in people.values():
            access.logout(None, actor)  # forget the keys; no row after the backup
    _write_records(path)


def _write_records(path: Path) -> None:
    """Every record's (table, id, subject pk, content hash), beside the study: what the
    copy tamper needs to recompute a hash the way an attacker would."""
    out: list[list[object]] = []
    with Store.open_path(path) as store, store.reading() as session:
        for form_def in FORMS.values():
            model = FORM_MODELS[form_def.code]
            for row in session.scalars(select(model)):
                owner = row if isinstance(row, Subject) else session.get(Subject, row.subject_id)
                assert owner is not None
                digest = signing.content_hash(form_def, row, owner.subjid)
                out.append([form_def.table, row.id, owner.id, digest])
    _records_file(path).write_text(json.dumps(out), encoding="utf-8")


def _records_file(path: Path) -> Path:
    return path.with_name(path.name + ".records.json")


def copy_study(template: Path, folder: Path) -> Path:
    """A copy of the study with its backup folder and records list, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / template.name
    shutil.copyfile(template, target)
    shutil.copyfile(_records_file(template), _records_file(target))
    if default_backup_dir(target).exists():
        shutil.rmtree(default_backup_dir(target))
    shutil.copytree(default_backup_dir(template), default_backup_dir(target))
    return target


# --------------------------------------------------------------------------- tampers


def _text(rng: random.Random, n: int = 12) -> str:
    return "".join(rng.choice(string.ascii_letters + " ") for _ in range(n)).strip() or "x"


def _signature(db: sqlite3.Connection, rng: random.Random) -> dict[str, object]:
    db.row_factory = sqlite3.Row
    rows = db.execute("SELECT * FROM signature WHERE voided_at IS NULL").fetchall()
    db.row_factory = None
    return dict(rng.choice(rows))


def _copy(db: sqlite3.Connection, rng: random.Random, path: Path) -> str:
    sig = _signature(db, rng)
    others = [
        r
        for r in json.loads(_records_file(path).read_text(encoding="utf-8"))
        if (r[0], r[1]) != (sig["form_table"], sig["record_id"])
    ]
    table, record_id, subject_pk, digest = rng.choice(others)
    row = sig | {"form_table": table, "record_id": record_id, "subject_id": subject_pk}
    row["content_hash"] = digest  # recomputed, as anyone can
    if rng.random() < 0.5:  # copy
        del row["id"]
        names = ", ".join(row)
        db.execute(
            f"INSERT INTO signature ({names}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        how = "copied"
    else:  # moved
        db.execute(
            "UPDATE signature SET form_table=?, record_id=?, subject_id=?, content_hash=? "
            "WHERE id=?",
            (table, record_id, subject_pk, digest, sig["id"]),
        )
        how = "moved"
    db.execute(f"UPDATE {table} SET status='signed' WHERE id=?", (record_id,))
    return f"signature {sig['id']} {how} to {table} {record_id}"


def _signer(db: sqlite3.Connection, rng: random.Random, path: Path) -> str:
    sig = _signature(db, rng)
    other = rng.choice([name for name in PASSWORDS if name != sig["signer"]])
    db.execute("UPDATE signature SET signer=? WHERE id=?", (other, sig["id"]))
    if rng.random() < 0.5:  # and the other person's key, too
        db.execute(
            "UPDATE signature SET key_id=(SELECT k.id FROM signing_key k JOIN app_user u "
            "ON u.id = k.user_id WHERE u.username=? ORDER BY k.id DESC LIMIT 1) WHERE id=?",
            (other, sig["id"]),
        )
    return f"signature {sig['id']} signer -> {other}"


def _field(name: str) -> Callable[[sqlite3.Connection, random.Random, Path], str]:
    def tamper(db: sqlite3.Connection, rng: random.Random, path: Path) -> str:
        sig = _signature(db, rng)
        old = str(sig[name])
        if name == "signed_at":
            moment = dt.datetime.fromisoformat(old.replace("Z", "+00:00"))
            step = rng.choice([1e-6, 1, 60, 86400, 365 * 86400]) * rng.choice([-1, 1])
            new = audit.format_utc(moment + dt.timedelta(seconds=step * rng.randint(1, 5)))
        elif name == "meaning" and rng.random() < 0.5:
            new = rng.choice([m for m in lifecycle.MEANINGS if m != old])
        else:
            new = old + " " + _text(rng, rng.randint(1, 6)) if rng.random() < 0.5 else _text(rng)
        if new == old:
            new = old + "."
        db.execute(f"UPDATE signature SET {name}=? WHERE id=?", (new, sig["id"]))
        return f"signature {sig['id']} {name} {old!r} -> {new!r}"

    return tamper


def _drop_triggers(db: sqlite3.Connection) -> None:
    db.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    db.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def _with_triggers(db: sqlite3.Connection) -> None:
    for ddl in AUDIT_TRIGGERS_DDL:
        db.execute(ddl)


_COLUMNS = ("id", "hash", *audit.HASHED_FIELDS)


def _rechain(db: sqlite3.Connection, rng: random.Random, path: Path) -> str:
    rows = [
        dict(zip(_COLUMNS, r, strict=True))
        for r in db.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_log ORDER BY id")
    ]
    k = rng.randrange(len(rows))
    name = rng.choice(["user", "new_value", "old_value", "reason", "field"])
    old = rows[k][name]
    rows[k][name] = (str(old) if old is not None else "") + "~" + _text(rng, 4)
    _drop_triggers(db)
    prev = rows[k - 1]["hash"] if k else audit.GENESIS_HASH
    for row in rows[k:]:
        row["prev_hash"] = prev
        prev = row["hash"] = audit.compute_hash(row)
        db.execute(
            f"UPDATE audit_log SET {', '.join(f'{c}=?' for c in _COLUMNS[1:])} WHERE id=?",
            (*(row[c] for c in _COLUMNS[1:]), row["id"]),
        )
    _with_triggers(db)
    return f"audit row {rows[k]['id']} {name} rewritten, {len(rows) - k} rows re-chained"


def _truncate(db: sqlite3.Connection, rng: random.Random, path: Path) -> str:
    total = int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    n = rng.choice([1, 2, rng.randint(1, 50), rng.randint(1, total - 1)])
    _drop_triggers(db)
    db.execute(
        "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT ?)",
        (n,),
    )
    _with_triggers(db)
    return f"last {n} of {total} audit rows deleted"


SIGNED_TAMPERS: dict[str, Callable[[sqlite3.Connection, random.Random, Path], str]] = {
    "copy": _copy,
    "signer": _signer,
    "printed_name": _field("printed_name"),
    "meaning": _field("meaning"),
    "time": _field("signed_at"),
    "rechain": _rechain,
    "truncate": _truncate,
}


@dataclass(frozen=True)
class Outcome:
    kind: str
    what: str
    failed: tuple[Check, ...]  # the checks verify failed

    @property
    def detected(self) -> bool:
        return bool({c.name for c in self.failed} & EXPECTED[self.kind])

    @property
    def caught_by(self) -> str:
        return ",".join(sorted({c.name for c in self.failed} & EXPECTED[self.kind])) or "-"


def tamper_signed(path: Path, kind: str, rng: random.Random) -> str:
    """Apply one tamper of ``kind`` to the study at ``path`` (raw sqlite3, committed)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        what = SIGNED_TAMPERS[kind](db, rng, path)
        db.execute("COMMIT")
    finally:
        db.close()
    return what


def run_signed(template: Path, folder: Path, kind: str, rng: random.Random) -> Outcome:
    """A fresh copy of the study, one tamper, then verify."""
    path = copy_study(template, folder)
    what = tamper_signed(path, kind, rng)
    failed = tuple(c for c in verify_database(path) if not c.ok)
    return Outcome(kind, what, failed)
