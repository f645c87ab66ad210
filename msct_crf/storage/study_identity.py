"""Which study a file belongs to, and whether it is a demo: two audited study settings.

* ``study_id`` — every study file carries one, made when the file is created (a random
  UUID4, or the ID the caller gives: all sites of one study may share it) and, for a file made
  before study IDs existed, the first time it is opened for writing. Restoring refuses a
  backup whose study ID differs from the file it would replace.
* ``site_code`` — the one site a site file belongs to (2-6 capital letters or digits), set
  by ``msct-crf init --site`` or, for a file whose subjects all belong to one site, by
  migration 0004. Its subjects' IDs carry it, and its packages name it.
* ``database_role`` — ``centre`` for the coordinating centre's pooled database
  (``msct-crf central init``), absent for a site file.
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

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AppUser, Subject
from msct_crf.storage.db.security_models import StudySetting

SETTING_TABLE = "study_setting"
STUDY_ID_KEY = "study_id"
STUDY_KIND_KEY = "study_kind"
SITE_CODE_KEY = "site_code"
ROLE_KEY = "database_role"
CENTRE = "centre"
DEMO, SCALE = "demo", "scale"
STUDY_KINDS = (DEMO, SCALE)
SYSTEM_USER = "system"
STUDY_ID_MAX = 64
PROTOCOL_ID_MAX = 32
# A protocol number, e.g. MSCT-2026-01: letters and digits in groups joined by single hyphens.
_PROTOCOL_ID = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$", re.ASCII)
_SITE_CODE = re.compile(r"^[A-Z0-9]{2,6}$", re.ASCII)


def check_study_id(text: str) -> str:
    """A new study ID: the protocol number, chosen once for the whole study (``MSCT-2026-01``:
    letters, digits and single hyphens, at most 32). Files made before this rule keep the
    ID they have (a UUID4 or an older free form): only new IDs are checked."""
    value = (text or "").strip()
    if not value or len(value) > PROTOCOL_ID_MAX or not _PROTOCOL_ID.match(value):
        raise UserError(
            f"study ID {value[:STUDY_ID_MAX]!r}: must be the protocol number, 1 to "
            f"{PROTOCOL_ID_MAX} letters and digits in groups joined by hyphens "
            "(e.g. MSCT-2026-01)"
        )
    return value


def check_site_code(text: str) -> str:
    """A site code: 2 to 6 capital letters or digits (``GZH``, ``BJ01``)."""
    value = (text or "").strip()
    if not _SITE_CODE.match(value):
        raise UserError(f"site code {value[:20]!r}: must be 2 to 6 capital letters or digits")
    return value


def site_code(session: Session) -> str | None:
    """The site this file belongs to (None: not set, e.g. a demo with three sites)."""
    return read_setting(session, SITE_CODE_KEY)


def set_site_code(session: Session, code: str) -> None:
    """Give the file its one site (audited); a file that has another already is refused,
    and so is one holding subjects of another site."""
    code = check_site_code(code)
    current = site_code(session)
    if current is not None and current != code:
        raise UserError(f"site code: this file belongs to site {current}, not {code}")
    others = sorted(str(s) for s in session.scalars(select(Subject.siteid).distinct()) if s != code)
    if others:
        raise UserError(
            f"site code {code}: this file holds subjects of site {', '.join(others)}; "
            "a site file belongs to one site"
        )
    write_setting(session, SITE_CODE_KEY, code, user=SYSTEM_USER)


def is_centre(session: Session) -> bool:
    return read_setting(session, ROLE_KEY) == CENTRE


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
    A file that already has one keeps it (`given` is only for a new file: see
    :func:`check_study_id`; a file that has another ID refuses it)."""
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


def is_centre_file(path: Path) -> bool:
    """Whether an SQLite file is a coordinating centre's database, read without writing."""
    if not path.is_file():
        return False
    try:
        connection = _read_only(path)
        try:
            row = connection.execute(
                f"SELECT value FROM {SETTING_TABLE} WHERE key = ?", (ROLE_KEY,)
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == CENTRE


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
