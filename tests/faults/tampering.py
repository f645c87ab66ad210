"""Tampering with a signed, anchored study the way someone with the file would, for the
signature and anchor fault tests (tests/faults/test_signature_tampering.py runs 30 of each
kind; benchmarks/faults_signatures.py 1,000).

The study has accounts of every role; subjects whose enrolment and visits were verified,
signed (one of them unlocked with a reason and signed again), mostly locked; an export; and,
last, a backup in the study's own backup folder. Every tamper works on a copy with raw
sqlite3 (the append-only triggers dropped and put back where the audit table is touched),
exactly what an attacker without a password can do, and then ``verify_database`` must say
so. Nothing in the application is mocked.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import select

from msct_crf import access
from msct_crf.reporting.export import ExportOptions, export_csv
from msct_crf.storage import audit, signing
from msct_crf.storage.backup_files import default_backup_dir
from msct_crf.storage.db.audit_table import AUDIT_TRIGGERS_DDL
from msct_crf.storage.db.models import FORM_MODELS, Subject
from msct_crf.storage.integrity import Check, verify_database
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS
from msct_crf.workflow import backup, lifecycle, records

PASSWORDS = {"admin": "admin-pass-1", "liwei": "pi-pass-123", "nurse1": "nurse-pass-1"}
PASSWORDS |= {"mon1": "monitor-pass-1"}
ENROL = {
    "SITEID": "GZH",
    "INITIALS": "TT",
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
INFUSION = {
    "EXSTDTC": "2024-01-10 09:00",
    "EXENDTC": "2024-01-10 09:45",
    "EXSRC": "UC-MSC",
    "EXLOT": "LOT-1",
    "EXWT": "60",
    "EXCELL": "60",
    "EXPLAN": "1.0",
}
SIGNATURE_KINDS = ("copy", "signer", "printed_name", "meaning", "time")
CHAIN_KINDS = ("rechain", "truncate")
KINDS = SIGNATURE_KINDS + CHAIN_KINDS
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


def _without_triggers(db: sqlite3.Connection) -> None:
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
    _without_triggers(db)
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
    _without_triggers(db)
    db.execute(
        "DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT ?)",
        (n,),
    )
    _with_triggers(db)
    return f"last {n} of {total} audit rows deleted"


TAMPERS: dict[str, Callable[[sqlite3.Connection, random.Random, Path], str]] = {
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


def tamper(path: Path, kind: str, rng: random.Random) -> str:
    """Apply one tamper of ``kind`` to the study at ``path`` (raw sqlite3, committed)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        what = TAMPERS[kind](db, rng, path)
        db.execute("COMMIT")
    finally:
        db.close()
    return what


def run(template: Path, folder: Path, kind: str, rng: random.Random) -> Outcome:
    """A fresh copy of the study, one tamper, then verify."""
    path = copy_study(template, folder)
    what = tamper(path, kind, rng)
    failed = tuple(c for c in verify_database(path) if not c.ok)
    return Outcome(kind, what, failed)
