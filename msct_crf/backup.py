"""Verified online backups of a study database, rotation, and restore.

A backup is a consistent copy taken with SQLite's online backup API while the app keeps
working: the source is read inside one read transaction, so the copy, the row counts and
the audit head hash all describe the same moment. The copy is written to a hidden temporary
file, switched to a self-contained rollback journal (no ``-wal`` file beside it), checked
(``PRAGMA integrity_check``, row counts per table and the audit head equal to the source's at
the backup moment) and only then renamed into place, so a half-written backup never carries
a backup's name. A small JSON sidecar (``<backup>.json``) records what was verified; the
newest N backups of a database are kept (rotation), and the backup is audited in the source.

Restoring never deletes user data: the current file is first copied aside as
``<name>.before-restore-<timestamp>.db`` (a damaged file is moved aside as it is), then
the verified backup is copied in with the backup API and the restore is audited in the
restored database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msct_crf.db.engine import explain_db_error
from msct_crf.errors import DatabaseError, UserError

if TYPE_CHECKING:
    from msct_crf.security import Actor
    from msct_crf.store import Store

__all__ = [
    "DEFAULT_KEEP",
    "BackupCheck",
    "BackupInfo",
    "RestoreInfo",
    "backup_database",
    "backup_if_due",
    "default_backup_dir",
    "list_backups",
    "newest_good_backup",
    "restore_backup",
    "verify_backup",
]

DEFAULT_KEEP = 10
BACKUP_DIRNAME = "backups"
SIDECAR_SUFFIX = ".json"
AUDIT_TABLE = "audit_log"
#: Pages copied per backup step; between steps the progress callback runs.
STEP_PAGES = 1024

_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
# <stem>-<YYYYMMDDTHHMMSSZ>[-n].db
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?\.db$")

Clock = Callable[[], dt.datetime]
Progress = Callable[[int, int], None]  # (pages done, pages total)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
        return _sidecar_of(self.path)

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


def _sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(_STAMP_FORMAT)


# --------------------------------------------------------------------------- sqlite helpers


def _ro_connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
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


def _snapshot(connection: sqlite3.Connection) -> tuple[dict[str, int], int, str]:
    """Row counts per table, audit row count and audit head hash, in the current read txn."""
    tables = _user_tables(connection)
    counts = {
        name: int(connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])
        for name in tables
    }
    head = ""
    if AUDIT_TABLE in tables:
        row = connection.execute(
            f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        head = str(row[0]) if row else ""
    return counts, counts.get(AUDIT_TABLE, 0), head


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _os_error(exc: OSError, what: str, where: Path) -> DatabaseError:
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


def _copy_with_backup_api(
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


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


# --------------------------------------------------------------------------- listing


def _info_from_sidecar(path: Path) -> BackupInfo:
    sidecar = _sidecar_of(path)
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
        found.append(_info_from_sidecar(path))
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
            connection = _ro_connect(info.path)
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


# --------------------------------------------------------------------------- backup


def _authorized(actor: Actor | None, user: str) -> str:
    """The audit user name; with an actor, only after its role is checked."""
    if actor is None:
        return user
    from msct_crf import security

    security.require(actor, security.Permission.BACKUP)
    return actor.username


def _source_path(store_or_path: Store | str | os.PathLike[str]) -> Path:
    if isinstance(store_or_path, str | os.PathLike):
        return Path(os.path.abspath(os.fspath(store_or_path)))
    path = store_or_path.path
    if path is None:
        raise UserError("Only an SQLite database file can be backed up from the app")
    return path


def _unique_target(directory: Path, stem: str, moment: dt.datetime) -> Path:
    base = f"{stem}-{_stamp(moment)}"
    candidate = directory / f"{base}.db"
    n = 1
    while candidate.exists() or _sidecar_of(candidate).exists():
        candidate = directory / f"{base}-{n}.db"
        n += 1
    return candidate


def _audit(
    store_or_path: Store | str | os.PathLike[str],
    path: Path,
    *,
    user: str,
    action: str,
    new_value: str,
    reason: str | None,
    now: Clock,
) -> str:
    """Append one audit row to the database and return its new head hash."""
    from msct_crf import audit
    from msct_crf.store import Store

    own = isinstance(store_or_path, str | os.PathLike)
    store = Store.open_path(path, create=False) if own else store_or_path
    assert isinstance(store, Store)
    try:
        with store.session() as session:
            audit.append(
                session,
                user=user,
                action=action,
                table_name=None,
                new_value=new_value,
                reason=reason,
                now=now,
            )
            return audit.head_hash(session)
    except DatabaseError:
        raise
    except Exception as exc:  # SQLAlchemy / sqlite3 errors: explain them
        from sqlalchemy import exc as sa_exc

        if isinstance(exc, sa_exc.DBAPIError | sqlite3.Error):
            raise DatabaseError(explain_db_error(exc, path)) from exc
        raise
    finally:
        if own:
            store.close()


def backup_database(
    store_or_path: Store | str | os.PathLike[str],
    dest_dir: str | os.PathLike[str] | None = None,
    *,
    user: str,
    keep: int = DEFAULT_KEEP,
    actor: Actor | None = None,
    progress: Progress | None = None,
    now: Clock = _utc_now,
) -> BackupInfo:
    """Write a verified backup of the database into `dest_dir` (default: beside it) and keep
    only the newest `keep` backups of that database there. Audited as "backup".

    A backup someone asks for passes their `actor` (the role must allow backups); the
    automatic daily and on-exit backups pass only the user name."""
    from msct_crf.store import check_sqlite_file

    user = _authorized(actor, user)
    if keep < 1:
        raise UserError(f"The number of backups to keep must be at least 1 (got {keep})")
    if not user or not user.strip():
        raise UserError("A user name is required to back up (it goes into the audit trail)")
    source = _source_path(store_or_path)
    check_sqlite_file(source)  # never back up a missing or damaged file over good backups
    directory = Path(dest_dir) if dest_dir is not None else default_backup_dir(source)
    if directory.exists() and not directory.is_dir():
        raise DatabaseError(f"Cannot write backups to {directory}: it is a file, not a folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(exc, "the backup folder", directory) from exc

    _remove_stale_temp_files(directory, source.stem)
    moment = now()
    target = _unique_target(directory, source.stem, moment)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise _os_error(exc, "the backup", directory) from exc
    tmp = Path(tmp_name)
    try:
        try:
            src = _ro_connect(source)
            try:
                src.execute("BEGIN")  # one snapshot for counts, head and pages
                counts, audit_rows, head = _snapshot(src)
                _copy_with_backup_api(src, tmp, progress, journal_mode="DELETE")
                src.execute("ROLLBACK")
            finally:
                src.close()
            _fsync_file(tmp)
        except sqlite3.Error as exc:
            raise DatabaseError(
                f"The backup could not be written to {directory}. " + explain_db_error(exc)
            ) from exc
        except OSError as exc:
            raise _os_error(exc, "the backup", directory) from exc

        check = _verify_copy(tmp, counts, head)
        if not check.ok:
            raise DatabaseError(f"The backup failed its check and was not kept: {check.detail}")
        size = tmp.stat().st_size
        created = moment.astimezone(dt.UTC)
        info = BackupInfo(
            path=target,
            created=created,
            size=size,
            verified=True,
            source=str(source),
            row_counts=counts,
            audit_rows=audit_rows,
            audit_head=head,
            detail=f"integrity ok; {sum(counts.values())} rows in {len(counts)} tables match",
        )
        # The verification record goes first: a file with a backup's name always has one.
        _write_sidecar(info, user, directory)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                info.sidecar.unlink(missing_ok=True)
            raise _os_error(exc, "the backup", directory) from exc
        _fsync_dir(directory)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        for extra in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{tmp}{extra}").unlink(missing_ok=True)

    head_after = _audit(
        store_or_path,
        source,
        user=user,
        action="backup",
        new_value=target.name,
        reason=None,
        now=now,
    )
    info = dataclasses.replace(info, source_head_after=head_after)
    _write_sidecar(info, user, directory)
    _rotate(directory, source.stem, keep)
    return info


def _write_sidecar(info: BackupInfo, user: str, directory: Path) -> None:
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
        raise _os_error(exc, "the backup's verification record", directory) from exc


def _remove_stale_temp_files(directory: Path, stem: str, older_than: float = 3600.0) -> None:
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


def _verify_copy(path: Path, counts: dict[str, int], head: str) -> BackupCheck:
    try:
        connection = _ro_connect(path)
        try:
            integrity = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
            copy_counts, _rows, copy_head = _snapshot(connection)
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


def _rotate(directory: Path, stem: str, keep: int) -> None:
    for old in list_backups(directory, stem)[keep:]:
        for path in (old.path, old.sidecar):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def backup_if_due(
    db_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str] | None = None,
    *,
    user: str,
    every: dt.timedelta = dt.timedelta(days=1),
    keep: int = DEFAULT_KEEP,
    store: Store | None = None,
    now: Clock = _utc_now,
) -> BackupInfo | None:
    """Back up when the newest backup is older than `every` and the data changed since it.

    The daily backup calls this with the default; the app calls it on exit with
    ``every=timedelta(0)`` (back up whenever something changed). Returns None when no
    backup was due."""
    source = Path(os.path.abspath(os.fspath(db_path)))
    directory = Path(dest_dir) if dest_dir is not None else default_backup_dir(source)
    newest = next((b for b in list_backups(directory, source.stem) if b.verified), None)
    if newest is not None:
        if now() - newest.created < every:
            return None
        try:
            connection = _ro_connect(source)
            try:
                row = connection.execute(
                    f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1"
                ).fetchone()
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise DatabaseError(explain_db_error(exc, source)) from exc
        if row is not None and str(row[0]) == newest.source_head_after:
            return None  # nothing changed since the newest backup
    return backup_database(
        store if store is not None else source, directory, user=user, keep=keep, now=now
    )


# --------------------------------------------------------------------------- verify / restore


def verify_backup(path: str | os.PathLike[str]) -> BackupCheck:
    """Full check of a backup before it is restored: SQLite integrity and foreign keys, a
    known schema, an intact audit chain, and (when its sidecar exists) the recorded counts."""
    from msct_crf.integrity import verify_database

    backup = Path(path)
    try:
        checks = verify_database(backup)
    except DatabaseError as exc:
        return BackupCheck(False, str(exc))
    failed = [c for c in checks if not c.ok]
    if failed:
        return BackupCheck(False, f"{failed[0].name}: {failed[0].detail}")
    sidecar = _sidecar_of(backup)
    if sidecar.exists():
        info = _info_from_sidecar(backup)
        if info.row_counts:
            check = _verify_copy(backup, info.row_counts, info.audit_head)
            if not check.ok:
                return BackupCheck(False, check.detail)
    return BackupCheck(True, "; ".join(f"{c.name} ok" for c in checks))


def _head_of(path: Path) -> tuple[bool, str]:
    """(healthy, audit head) of an existing database file."""
    from msct_crf.store import check_sqlite_file

    try:
        check_sqlite_file(path)
        if path.stat().st_size == 0:
            return True, ""
        connection = _ro_connect(path)
        try:
            row = connection.execute(
                f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            connection.close()
        return True, str(row[0]) if row else ""
    except (DatabaseError, sqlite3.Error):
        return False, ""


def _backup_contains(backup: Path, head: str) -> bool:
    if not head:
        return True
    connection = _ro_connect(backup)
    try:
        return (
            connection.execute(f"SELECT 1 FROM {AUDIT_TABLE} WHERE hash = ?", (head,)).fetchone()
            is not None
        )
    finally:
        connection.close()


@contextlib.contextmanager
def _sqlite_errors(path: Path, what: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise DatabaseError(f"{what}: {explain_db_error(exc, path)}") from exc
    except OSError as exc:
        raise _os_error(exc, what.lower(), path) from exc


def restore_backup(
    backup_path: str | os.PathLike[str],
    db_path: str | os.PathLike[str],
    *,
    user: str,
    force: bool = False,
    actor: Actor | None = None,
    progress: Progress | None = None,
    now: Clock = _utc_now,
) -> RestoreInfo:
    """Replace the database at `db_path` with a verified backup, keeping the current file.

    Without `force`, a healthy current database whose audit trail has changes the backup
    does not contain is not replaced (those changes would go back in time); the current file
    is kept aside either way. Close the app's connections' transactions first; another
    process writing to the database makes this fail with a clear "busy" message. In the app
    pass the logged-in `actor`: only a role allowed to back up may restore.
    """
    user = _authorized(actor, user)
    if not user or not user.strip():
        raise UserError("A user name is required to restore (it goes into the audit trail)")
    backup = Path(os.path.abspath(os.fspath(backup_path)))
    target = Path(os.path.abspath(os.fspath(db_path)))
    if not backup.is_file():
        raise UserError(f"Backup file not found: {backup}")
    if backup == target:
        raise UserError("A database cannot be restored from itself")
    check = verify_backup(backup)
    if not check.ok:
        raise DatabaseError(
            f"The backup {backup.name} failed its check and was not restored: {check.detail}"
        )

    stamp = _stamp(now())
    aside: Path | None = None
    exists = target.exists() and target.stat().st_size > 0
    if exists:
        healthy, head = _head_of(target)
        if healthy and not force and not _backup_contains(backup, head):
            raise UserError(
                f"{target.name} has changes made after this backup; restoring would set them "
                "aside. Confirm the restore (--force) to go ahead; the current file is kept as "
                f"{target.stem}.before-restore-<time>{target.suffix}."
            )
        aside = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix or '.db'}")
        n = 1
        while aside.exists():
            aside = target.with_name(
                f"{target.stem}.before-restore-{stamp}-{n}{target.suffix or '.db'}"
            )
            n += 1
        if healthy:
            # A consistent copy of the current data (WAL included), then restore in place:
            # SQLite's own journal makes the in-place copy all-or-nothing.
            with _sqlite_errors(target, "The current database could not be kept aside"):
                src = _ro_connect(target)
                try:
                    _copy_with_backup_api(src, aside, None, journal_mode="DELETE")
                finally:
                    src.close()
                _fsync_file(aside)
        else:
            # A damaged file is moved aside byte for byte, with its journal files.
            with _sqlite_errors(target, "The damaged database could not be moved aside"):
                for extra in ("-wal", "-shm", "-journal"):
                    companion = Path(f"{target}{extra}")
                    if companion.exists():
                        os.replace(companion, Path(f"{aside}{extra}"))
                os.replace(target, aside)
        _fsync_dir(target.parent)
    elif target.exists():
        with _sqlite_errors(target, "The empty database file could not be moved aside"):
            aside = target.with_name(
                f"{target.stem}.before-restore-{stamp}{target.suffix or '.db'}"
            )
            os.replace(target, aside)

    with _sqlite_errors(target, "The backup could not be copied in"):
        target.parent.mkdir(parents=True, exist_ok=True)
        src = _ro_connect(backup)
        try:
            dst = sqlite3.connect(os.fspath(target), isolation_level=None, timeout=5.0)
            try:

                def _step(status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(total - remaining, total)

                src.backup(dst, pages=STEP_PAGES, progress=_step)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()

    kept = f"; the previous database is kept as {aside.name}" if aside is not None else ""
    _audit(
        target,
        target,
        user=user,
        action="restore",
        new_value=backup.name,
        reason=f"restored from backup {backup.name}{kept}",
        now=now,
    )
    return RestoreInfo(
        database=target,
        backup=backup,
        kept_aside=aside,
        detail=f"Restored {target.name} from {backup.name}{kept}.",
    )
