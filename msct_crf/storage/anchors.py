"""Is the audit chain anchored? Checkpoints, signing keys, backups and exports, for verify.

The hash chain alone proves only that the rows agree with each other: anyone who can edit
the file can rewrite a row and recompute every hash after it, or cut off the tail. Anchors
are what such a person cannot recompute:

* **Checkpoints** (:func:`msct_crf.access.checkpoint`): at every login, sign, lock, unlock,
  backup and export the acting person's Ed25519 key signs the chain head. Rewriting any row
  before a checkpoint changes the head it covers, and a new signature needs that person's
  password. Each must cover the row just before it, name a key of its own user and verify
  with the public key recorded (and audited) for that key.
* **Signing keys**: each key's public key must be the one the audit trail recorded when the
  key was made, so a key swapped in behind the application's back is seen.
* **Backups** (in the study's own backup folder, and any folder given): the head each one
  recorded (its sidecar's ``audit_head`` and ``source_head_after`` and the backup file's own
  newest row) must still be in the chain. This catches a tail cut off or history rewritten
  after the last checkpoint, up to the newest backup.
* **Exports**: each export row records the head it saw; it must be a row before it.

What stays undetectable inside one file is listed in the README ("Threat model").
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf.storage import signing
from msct_crf.storage.backup_files import (
    BackupInfo,
    audit_head_on,
    default_backup_dir,
    list_backups,
    ro_connect,
)
from msct_crf.storage.db.audit_table import AuditEntry
from msct_crf.storage.db.models import AppUser, SigningKey
from msct_crf.storage.package_anchors import package_findings
from msct_crf.storage.signature_checks import Finding, signature_findings

KEY_TABLE = "signing_key"
CHECKPOINT = "checkpoint"
_HEX = frozenset("0123456789abcdef")


def _short(head: str) -> str:
    return head[:12] + "…" if len(head) > 12 else head


def _row_of_hash(session: Session, head: str) -> int | None:
    return session.scalar(select(AuditEntry.id).where(AuditEntry.hash == head))


def _admin_exists(session: Session) -> bool:
    return session.scalar(select(AppUser.id).where(AppUser.role == "admin").limit(1)) is not None


# --------------------------------------------------------------------------- checkpoints


def _checkpoint_problem(session: Session, row: Any, keys: dict[int, SigningKey | None]) -> str:
    """Why the checkpoint row does not hold, or '' when it does."""
    try:
        value = json.loads(row.new_value or "")
        head, head_row, key_id = str(value["head"]), value["head_row"], int(value["key_id"])
        signature = str(value["ed25519"])
    except (ValueError, KeyError, TypeError):
        return "its content is unreadable"
    if head != row.prev_hash or _row_of_hash(session, head) != head_row:
        return (
            f"the head it signed ({_short(head)}) is no longer the row before it: "
            "the history before it was rewritten"
        )
    if key_id not in keys:
        keys[key_id] = session.get(SigningKey, key_id)
    key = keys[key_id]
    owner = session.get(AppUser, key.user_id) if key is not None else None
    if key is None or owner is None or owner.username != row.user:
        return f"it names key {key_id}, which is not a key of {row.user!r}"
    message = signing.checkpoint_message(
        head=head, head_row=head_row, user=row.user, key_id=key_id, at=row.ts_utc, event=row.reason
    )
    if not signing.verify(key.public_key, signature, message):
        return "its Ed25519 signature does not verify (the row was rewritten)"
    if key.retired_at is not None and row.ts_utc > key.retired_at:
        return f"it was signed with a key retired at {key.retired_at}"
    return ""


def checkpoint_findings(session: Session) -> list[Finding]:
    """One finding per checkpoint that does not hold, and a summary line."""
    rows = session.execute(
        select(
            AuditEntry.id,
            AuditEntry.ts_utc,
            AuditEntry.user,
            AuditEntry.new_value,
            AuditEntry.reason,
            AuditEntry.prev_hash,
        )
        .where(AuditEntry.action == CHECKPOINT)
        .order_by(AuditEntry.id)
    ).all()
    keys: dict[int, SigningKey | None] = {}
    out = [
        Finding("checkpoint", False, f"checkpoint audit row {row.id} by {row.user}: {problem}")
        for row in rows
        if (problem := _checkpoint_problem(session, row, keys))
    ]
    if not rows:
        return [Finding("checkpoints", True, "no signed checkpoint yet", warning=True)]
    last = int(rows[-1].id)
    after = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or last
    people = len({row.user for row in rows})
    summary = (
        f"{len(rows) - len(out)} of {len(rows)} checkpoints by {people} account(s) verify; "
        f"the newest is audit row {last}, {int(after) - last} row(s) after it not yet anchored"
    )
    return [Finding("checkpoints", not out, summary), *out]


#: Actions that end with a checkpoint by the same person (login: not a password confirmation).
CHECKPOINTED = frozenset({"login", "sign", "lock", "unlock"})
#: Rows the same person writes between such an action and its checkpoint (one transaction:
#: more rows of the same action, one per changed field, and key rows at login).
_SAME_STEP = frozenset({"sign", "account"})


def event_findings(session: Session) -> list[Finding]:
    """Since keys exist, every login, sign, lock and unlock is followed by its checkpoint:
    deleting the checkpoints (and re-chaining) leaves these unsigned, which is a finding."""
    start = session.scalar(
        select(AuditEntry.id).where(AuditEntry.table_name == KEY_TABLE).order_by(AuditEntry.id)
    )
    if start is None:
        return []
    out: list[Finding] = []
    pending: Any = None
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.user, AuditEntry.action, AuditEntry.reason)
        .where(AuditEntry.id >= start)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=5000)
    )
    for row in rows:
        if pending is not None:
            if row.user == pending.user and row.action == CHECKPOINT:
                pending = None
                continue
            if row.user == pending.user and row.action in _SAME_STEP | {pending.action}:
                continue
            out.append(_unsigned(pending))
            pending = None
        if row.action in CHECKPOINTED and not (row.action == "login" and row.reason):
            pending = row
    if pending is not None:
        out.append(_unsigned(pending))
    return out


def _unsigned(row: Any) -> Finding:
    return Finding(
        "checkpoint",
        False,
        f"audit row {row.id} ({row.action} by {row.user}) has no signed checkpoint after it: "
        "checkpoints were removed",
    )


# --------------------------------------------------------------------------- keys


def key_findings(session: Session) -> list[Finding]:
    """Each signing key's public key and owner are the ones the audit trail recorded."""
    recorded: dict[tuple[str, str], str | None] = {}
    for record_id, field, value in session.execute(
        select(AuditEntry.record_id, AuditEntry.field, AuditEntry.new_value).where(
            AuditEntry.table_name == KEY_TABLE, AuditEntry.field.in_(("public_key", "user_id"))
        )
    ):
        recorded[(str(record_id), str(field))] = value
    out: list[Finding] = []
    count = 0
    for key in session.scalars(select(SigningKey).order_by(SigningKey.id)):
        count += 1
        audited_key = recorded.get((str(key.id), "public_key"))
        audited_user = recorded.get((str(key.id), "user_id"))
        if audited_key != key.public_key or audited_user != str(key.user_id):
            out.append(
                Finding(
                    "signing_key",
                    False,
                    f"signing key {key.id} (user id {key.user_id}): its public key or owner is "
                    "not the one the audit trail recorded (replaced, or its audit rows removed)",
                )
            )
    return [
        Finding("signing_keys", not out, f"{count - len(out)} of {count} keys as audited"),
        *out,
    ]


# --------------------------------------------------------------------------- backups


def _start(connection: sqlite3.Connection) -> tuple[Any, ...] | None:
    row = connection.execute("SELECT ts_utc, user, action FROM audit_log ORDER BY id LIMIT 1")
    first = row.fetchone()
    return tuple(first) if first is not None else None


def _backup_heads(info: BackupInfo) -> tuple[tuple[Any, ...] | None, set[str]] | None:
    """(the first audit row's time, user and action; every head the backup recorded), or
    None when the backup cannot be read."""
    heads = {head for head in (info.audit_head, info.source_head_after) if head}
    try:
        connection = ro_connect(info.path)
        try:
            start = _start(connection)
            newest = audit_head_on(connection)
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    if newest:
        heads.add(newest)
    return start, heads


def _folders(db_path: Path, extra: Iterable[str | Path]) -> list[Path]:
    folders = [default_backup_dir(db_path)]
    for folder in extra:
        resolved = Path(folder).expanduser().resolve()
        if resolved not in folders:
            folders.append(resolved)
    return folders


def _one_backup(
    session: Session, info: BackupInfo, start: tuple[Any, ...] | None, restores: list[str]
) -> Finding | None:
    read = _backup_heads(info)
    name = info.path.name
    if read is None:
        return Finding("backup", True, f"backup {name} cannot be read: not checked", warning=True)
    backup_start, heads = read
    if backup_start is not None and start is not None and tuple(backup_start) != tuple(start):
        return Finding(
            "backup",
            True,
            f"backup {name}: its audit trail starts differently (another study, or the start "
            "of this one was rewritten): not compared",
            warning=True,
        )
    missing = sorted(head for head in heads if _row_of_hash(session, head) is None)
    if not missing:
        return None
    created = info.created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    later = [moment for moment in restores if moment > created]
    if later:
        return Finding(
            "backup",
            True,
            f"backup {name}: its head {_short(missing[0])} was set aside by the restore at "
            f"{later[0]}",
            warning=True,
        )
    return Finding(
        "backup",
        False,
        f"backup {name} ({created}) recorded audit head {_short(missing[0])}, which is no "
        "longer in the chain: rows were removed or rewritten after it",
    )


def backup_findings(
    session: Session, db_path: Path, extra: Iterable[str | Path] = ()
) -> list[Finding]:
    """Every backup of this study in its backup folder and in ``extra`` folders: the heads
    they recorded are still in the chain. Says which folders and how many it checked."""
    first = session.execute(
        select(AuditEntry.ts_utc, AuditEntry.user, AuditEntry.action)
        .order_by(AuditEntry.id)
        .limit(1)
    ).first()
    start = tuple(first) if first is not None else None
    restores = list(
        session.scalars(select(AuditEntry.ts_utc).where(AuditEntry.action == "restore"))
    )
    out: list[Finding] = []
    seen: list[str] = []
    for folder in _folders(db_path, extra):
        backups = list_backups(folder, db_path.stem)
        seen.append(f"{len(backups)} in {folder}")
        out.extend(f for info in backups if (f := _one_backup(session, info, start, restores)))
    bad = sum(1 for f in out if not f.ok)
    summary = "backups checked: " + "; ".join(seen)
    return [Finding("backups", bad == 0, summary), *out]


# --------------------------------------------------------------------------- exports


def _export_head(value: str | None) -> str | None:
    text = value or ""
    marker = text.rfind("head ")
    head = text[marker + 5 : marker + 69] if marker >= 0 else ""
    return head if len(head) == 64 and set(head) <= _HEX else None


def export_findings(session: Session) -> list[Finding]:
    """Each export row's recorded head is a row before it."""
    out: list[Finding] = []
    for row_id, value in session.execute(
        select(AuditEntry.id, AuditEntry.new_value).where(AuditEntry.action == "export")
    ):
        head = _export_head(value)
        if head is None:
            continue  # an export from before exports recorded their head
        found = _row_of_hash(session, head)
        if found is None or found >= row_id:
            out.append(
                Finding(
                    "export",
                    False,
                    f"export audit row {row_id} saw head {_short(head)}, which is no longer in "
                    "the chain before it: the history before it was rewritten",
                )
            )
    return out


# --------------------------------------------------------------------------- all


def _mode(session: Session) -> list[Finding]:
    anchored_once = session.scalar(
        select(AuditEntry.id)
        .where((AuditEntry.action == CHECKPOINT) | (AuditEntry.table_name == KEY_TABLE))
        .limit(1)
    )
    if _admin_exists(session):
        return []
    if anchored_once is not None:
        return [
            Finding(
                "anchoring",
                False,
                "the audit trail has signing keys or checkpoints but the study has no "
                "administrator any more: accounts were removed behind the application's back",
            )
        ]
    return [
        Finding(
            "anchoring",
            True,
            "single-user study (no accounts): the audit chain is NOT anchored; a rewritten and "
            "re-chained history or a cut-off tail is caught only against a backup or an export",
            warning=True,
        )
    ]


def trust_checks(
    session: Session, db_path: Path, backup_dirs: Iterable[str | Path] = ()
) -> list[Finding]:
    """Signatures, checkpoints, signing keys, backups and exports, for ``verify``."""
    mode = _mode(session)
    single_user = bool(mode) and mode[0].ok
    out = [*signature_findings(session)]
    if not single_user:
        out += checkpoint_findings(session) + event_findings(session) + key_findings(session)
    out += package_findings(session)
    return out + backup_findings(session, db_path, backup_dirs) + export_findings(session) + mode
