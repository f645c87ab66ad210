"""Which study a file belongs to, and whether it is a demo: two audited study settings.

* ``study_id`` — every study file carries one, made when the file is created (a random
  UUID4, or the ID the caller gives: all sites of one study may share it) and, for a file made
  before study IDs existed, the first time it is opened for writing. Restoring refuses a
  backup whose study ID differs from the file it would replace.
* ``study_kind`` — ``demo`` or ``scale`` for the files ``msct-crf demo`` and ``msct-crf
  scale`` make (absent for a real study). ``demo --force`` and ``scale --force`` replace
  only such a file, an empty study or a file that is not an MSC-CRF study; demo accounts
  are exempt from the password-strength rule.

Both live in the ``study_setting`` table and are written like every setting
(:func:`msct_crf.access.study_settings.set_setting`): the row, and an audit row
``setting`` naming the key, the old and the new value. Here they are written by the system
(user ``system``), with no permission check: storage knows tables, not people.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AppUser, Subject
from msct_crf.storage.db.security_models import StudySetting

SETTING_TABLE = "study_setting"
STUDY_ID_KEY = "study_id"
STUDY_KIND_KEY = "study_kind"
DEMO, SCALE = "demo", "scale"
STUDY_KINDS = (DEMO, SCALE)
SYSTEM_USER = "system"
STUDY_ID_MAX = 64
_STUDY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", re.ASCII)


def check_study_id(text: str) -> str:
    """A study ID as given (the coordinating centre's): 1-64 letters, digits and . _ : -"""
    value = (text or "").strip()
    if not value or len(value) > STUDY_ID_MAX or not _STUDY_ID.match(value):
        raise UserError(
            f"study ID {value[:STUDY_ID_MAX]!r}: must be 1 to {STUDY_ID_MAX} letters, digits "
            "and . _ : - (starting with a letter or digit)"
        )
    return value


def read_setting(session: Session, key: str) -> str | None:
    row = session.get(StudySetting, key)
    return row.value if row is not None else None


def write_setting(session: Session, key: str, value: str, *, user: str) -> bool:
    """Store a setting and audit it (action ``setting``) in the caller's transaction, the one
    way every setting is written. Returns False when it already had that value."""
    row = session.get(StudySetting, key)
    old = row.value if row is not None else None
    if old == value:
        return False
    stamp = audit.format_utc(clock.now())
    if row is None:
        session.add(StudySetting(key=key, value=value, updated_at=stamp, updated_by=user))
    else:
        row.value, row.updated_at, row.updated_by = value, stamp, user
    audit.append(
        session,
        user=user,
        action="setting",
        table_name=SETTING_TABLE,
        record_id=key,
        changes=[audit.Change(key, old, value)],
    )
    return True


def ensure_study_id(session: Session, given: str | None = None) -> str:
    """The file's study ID; a file without one gets `given` (checked) or a new UUID4, audited.
    A file that already has one keeps it (`given` is only for a new file)."""
    current = read_setting(session, STUDY_ID_KEY)
    if current is not None:
        return current
    study_id = check_study_id(given) if given is not None else str(uuid.uuid4())
    write_setting(session, STUDY_ID_KEY, study_id, user=SYSTEM_USER)
    return study_id


def mark_study_kind(session: Session, kind: str) -> None:
    """Mark a file made by ``msct-crf demo`` or ``scale`` (audited)."""
    if kind not in STUDY_KINDS:
        raise ValueError(f"study kind must be one of {STUDY_KINDS}, got {kind!r}")
    write_setting(session, STUDY_KIND_KEY, kind, user=SYSTEM_USER)


def is_demo(session: Session) -> bool:
    return read_setting(session, STUDY_KIND_KEY) == DEMO


# --------------------------------------------------------------------------- files, read-only


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def file_settings(path: Path) -> dict[str, str]:
    """The study ID and kind of an SQLite file, read without writing ({} for a file made
    before study settings, or one that is not an MSC-CRF study)."""
    try:
        connection = _read_only(path)
        try:
            rows = connection.execute(
                f"SELECT key, value FROM {SETTING_TABLE} WHERE key IN (?, ?)",
                (STUDY_ID_KEY, STUDY_KIND_KEY),
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    return {str(key): str(value) for key, value in rows}


def file_contents(path: Path) -> tuple[int, int]:
    """(accounts, subjects) in an MSC-CRF file, read without writing."""
    connection = _read_only(path)
    try:
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in (AppUser.__tablename__, Subject.__tablename__)
        ]
    finally:
        connection.close()
    accounts, subjects = (int(row[0]) if row else 0 for row in counts)
    return accounts, subjects


def file_has_accounts(path: Path) -> bool:
    """Whether an SQLite file is in account mode (an administrator exists), read without
    writing; False for a missing, damaged or foreign file."""
    if not path.is_file():
        return False
    try:
        connection = _read_only(path)
        try:
            row = connection.execute(
                f"SELECT 1 FROM {AppUser.__tablename__} WHERE role = 'admin' LIMIT 1"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return row is not None
