"""Backup files of a study database: names, sidecars, copying with SQLite's online backup
API, checking a copy, listing and rotation.

This module knows files and tables, not people: who may back up or restore, and the audit rows
those actions write, are in :mod:`msct_crf.workflow.backup`. A backup is written to a hidden
temporary file, switched to a self-contained rollback journal (no ``-wal`` file beside it),
checked (``PRAGMA integrity_check``, row counts per table and the audit head equal to the
source's at the backup moment) and only then renamed into place, so a half-written backup
never carries a backup's name. A small JSON sidecar (``<backup>.json``) records what was
verified; the newest N backups of a database are kept (rotation).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msct_crf.errors import DatabaseError
from msct_crf.storage.db.engine import explain_db_error

if TYPE_CHECKING:
    pass

DEFAULT_KEEP = 10
BACKUP_DIRNAME = "backups"
SIDECAR_SUFFIX = ".json"
AUDIT_TABLE = "audit_log"
#: Pages copied per backup step; between steps the progress callback runs.
STEP_PAGES = 1024

_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# <stem>-<YYYYMMDDTHHMMSSZ>[-n].db
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db$")

Progress = Callable[[int, int], None]  # (pages done, pages total)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BackupInfo:
    """One backup file and what was verified about it when it was written."""

    path: Path
    created: dt.datetime  # UTC
    size: int
    verified: bool
    source: str = ""  # the database file it was taken from
    row_counts: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    audit_head: str = ""
    source_head_after: str = ""  # the source's audit head after the "backup" row was added
    detail: str = ""

    @property
    def sidecar(self) -> Path:
        return sidecar_of(self.path)

    @property
    def stem(self) -> str:
        match = _NAME.match(self.path.name)
        return match.group("stem") if match else self.path.stem


@dataclass(frozen=True)
class BackupCheck:
    ok: bool
    detail: str


@dataclass(frozen=True)
class RestoreInfo:
    database: Path
    backup: Path
    kept_aside: Path | None  # the previous database file (None when there was none)
    detail: str


# --------------------------------------------------------------------------- locations


def default_backup_dir(db_path: str | os.PathLike[str]) -> Path:
    """A ``backups`` folder beside the database file."""
    return Path(os.path.abspath(os.fspath(db_path))).parent / BACKUP_DIRNAME


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def stamp_of(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(_STAMP_FORMAT)


# --------------------------------------------------------------------------- sqlite helpers


def ro_connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout, isolation_level=None
    )
    return connection


def _user_tables(connection: sqlite3.Connection) -> list[str]:
    return [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot(connection: sqlite3.Connection) -> tuple[dict[str, int], int, str]:
    """Row counts per table, audit row count and audit head hash, in the current read txn."""
    tables = _user_tables(connection)
    counts = {
        name: int(connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])
        for name in tables
    }
    head = audit_head_on(connection) if AUDIT_TABLE in tables else ""
    return counts, counts.get(AUDIT_TABLE, 0), head


def audit_head_on(connection: sqlite3.Connection) -> str:
    """The newest audit row's hash on a plain sqlite3 connection ("" when the trail is empty)."""
    row = connection.execute(f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else ""


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def os_error(exc: OSError, what: str, where: Path) -> DatabaseError:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return DatabaseError(
            f"The disk is full: {what} could not be written to {where}. Free some disk space "
            "and try again; nothing already saved was lost."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseError(
            f"{what[:1].upper()}{what[1:]} cannot be written to {where}: the folder is "
            "read-only or you do not have permission to write there."
        )
    return DatabaseError(f"{what[:1].upper()}{what[1:]} failed at {where}: {exc.strerror or exc}")


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def copy_with_backup_api(
    source: sqlite3.Connection,
    target_path: Path,
    progress: Progress | None,
    *,
    journal_mode: str,
) -> None:
    target = sqlite3.connect(os.fspath(target_path), isolation_level=None)
    try:

        def _step(status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(target, pages=STEP_PAGES, progress=_step)
        target.execute(f"PRAGMA journal_mode={journal_mode}")
    finally:
        target.close()


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


# --------------------------------------------------------------------------- listing


def info_from_sidecar(path: Path) -> BackupInfo:
    sidecar = sidecar_of(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        created = dt.datetime.fromisoformat(str(data["created_utc"]).replace("Z", "+00:00"))
        verified = bool(data.get("verified")) and int(data.get("size", -1)) == size
        detail = str(data.get("detail", ""))
        if bool(data.get("verified")) and not verified:
            detail = "the file's size changed after it was verified"
        return BackupInfo(
            path=path,
            created=created,
            size=size,
            verified=verified,
            source=str(data.get("source", "")),
            row_counts={str(k): int(v) for k, v in dict(data.get("row_counts", {})).items()},
            audit_rows=int(data.get("audit_rows", 0)),
            audit_head=str(data.get("audit_head", "")),
            source_head_after=str(data.get("source_head_after", "")),
            detail=detail,
        )
    except (OSError, ValueError, KeyError, TypeError):
        match = _NAME.match(path.name)
        if match:
            created = dt.datetime.strptime(match.group("stamp"), _STAMP_FORMAT).replace(
                tzinfo=dt.UTC
            )
        else:
            created = dt.datetime.fromtimestamp(path.stat().st_mtime if size else 0, dt.UTC)
        return BackupInfo(
            path=path,
            created=created,
            size=size,
            verified=False,
            detail="no verification record (sidecar missing or unreadable)",
        )


def list_backups(directory: str | os.PathLike[str], stem: str | None = None) -> list[BackupInfo]:
    """The backups in `directory` (of the database named `stem`, if given), newest first."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found: list[BackupInfo] = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        if stem is not None and match.group("stem") != stem:
            continue
        found.append(info_from_sidecar(path))
    found.sort(key=lambda info: (info.created, info.path.name), reverse=True)
    return found


def newest_good_backup(
    directory: str | os.PathLike[str], stem: str | None = None
) -> BackupInfo | None:
    """The newest backup that was verified when written and still passes a quick check."""
    for info in list_backups(directory, stem):
        if not info.verified:
            continue
        try:
            connection = ro_connect(info.path)
            try:
                ok = connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            finally:
                connection.close()
        except sqlite3.Error:
            ok = False
        if ok:
            return info
    return None


def damaged_file_hint(db_path: Path) -> tuple[str, Path | None]:
    """A sentence pointing to the newest good backup of a damaged `db_path`, and its path."""
    try:
        info = newest_good_backup(default_backup_dir(db_path), db_path.stem)
    except OSError:
        info = None
    if info is None:
        return "", None
    when = info.created.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f" The newest good backup is {info.path} ({when}); restore it with "
        f'"msct-crf restore --db {db_path} --from {info.path}" or File > Backups.',
        info.path,
    )


def unique_target(directory: Path, stem: str, moment: dt.datetime) -> Path:
    base = f"{stem}-{stamp_of(moment)}"
    candidate = directory / f"{base}.db"
    n = 1
    while candidate.exists() or sidecar_of(candidate).exists():
        candidate = directory / f"{base}-{n}.db"
        n += 1
    return candidate


def write_sidecar(info: BackupInfo, user: str, directory: Path) -> None:
    try:
        _write_json_atomic(
            info.sidecar,
            {
                "created_utc": info.created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "source": info.source,
                "size": info.size,
                "verified": True,
                "row_counts": info.row_counts,
                "audit_rows": info.audit_rows,
                "audit_head": info.audit_head,
                "source_head_after": info.source_head_after,
                "detail": info.detail,
                "by": user,
            },
        )
    except OSError as exc:
        raise os_error(exc, "the backup's verification record", directory) from exc


def remove_stale_temp_files(directory: Path, stem: str, older_than: float = 3600.0) -> None:
    """Temporary files of a backup that was killed (power cut, kill -9) an hour ago or more."""
    import time

    limit = time.time() - older_than
    for leftover in directory.glob(f".{stem}-*.tmp*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
    for sidecar in directory.glob(f"{stem}-*.db{SIDECAR_SUFFIX}"):  # its backup never landed
        with contextlib.suppress(OSError):
            orphan = not sidecar.with_name(sidecar.name.removesuffix(SIDECAR_SUFFIX)).exists()
            if orphan and sidecar.stat().st_mtime < limit:
                sidecar.unlink()


def verify_copy(path: Path, counts: dict[str, int], head: str) -> BackupCheck:
    try:
        connection = ro_connect(path)
        try:
            integrity = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            copy_counts, _rows, copy_head = snapshot(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return BackupCheck(False, explain_db_error(exc, path))
    if integrity != ["ok"]:
        return BackupCheck(False, f"integrity_check: {'; '.join(integrity[:3])}")
    if copy_counts != counts:
        differ = sorted(
            k for k in set(counts) | set(copy_counts) if counts.get(k) != copy_counts.get(k)
        )
        return BackupCheck(False, f"row counts differ from the source in {', '.join(differ)}")
    if copy_head != head:
        return BackupCheck(False, "the audit trail's newest row differs from the source's")
    return BackupCheck(True, f"integrity ok; {sum(counts.values())} rows in {len(counts)} tables")


def rotate(directory: Path, stem: str, keep: int) -> None:
    for old in list_backups(directory, stem)[keep:]:
        for path in (old.path, old.sidecar):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def backup_contains(backup: Path, head: str) -> bool:
    if not head:
        return True
    connection = ro_connect(backup)
    try:
        return (
            connection.execute(f"SELECT 1 FROM {AUDIT_TABLE} WHERE hash = ?", (head,)).fetchone()
            is not None
        )
    finally:
        connection.close()


@contextlib.contextmanager
def sqlite_errors(path: Path, what: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise DatabaseError(f"{what}: {explain_db_error(exc, path)}") from exc
    except OSError as exc:
        raise os_error(exc, what.lower(), path) from exc
