"""Backing up and restoring a study as a person does it: who may, and the audit rows.

The files themselves (names, sidecars, copying, checking, rotation) are
:mod:`msct_crf.storage.backup_files`; its public names are re-exported here.

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
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from msct_crf import clock
from msct_crf.errors import DatabaseError, PermissionDenied, UserError
from msct_crf.storage.backup_files import (
    DEFAULT_KEEP,
    STEP_PAGES,
    BackupCheck,
    BackupInfo,
    Progress,
    RestoreInfo,
    audit_head_on,
    backup_contains,
    copy_with_backup_api,
    damaged_file_hint,
    default_backup_dir,
    fsync_dir,
    fsync_file,
    info_from_sidecar,
    list_backups,
    newest_good_backup,
    os_error,
    remove_stale_temp_files,
    ro_connect,
    rotate,
    sidecar_of,
    snapshot,
    sqlite_errors,
    stamp_of,
    unique_target,
    verify_copy,
    write_sidecar,
)
from msct_crf.storage.db.engine import explain_db_error, is_server_url
from msct_crf.study.text import check_user_name

if TYPE_CHECKING:
    from msct_crf.access import Actor
    from msct_crf.storage.store import Store

__all__ = [
    "DEFAULT_KEEP",
    "BackupCheck",
    "BackupInfo",
    "RestoreInfo",
    "identify_in_backup",
    "restore_needs_login",
    "backup_database",
    "backup_if_due",
    "default_backup_dir",
    "list_backups",
    "newest_good_backup",
    "refuse_server",
    "restore_backup",
    "verify_backup",
    "damaged_file_hint",
]


# --------------------------------------------------------------------------- backup


def _authorized(actor: Actor | None, user: str) -> str:
    """The audit user name; with an actor, only after its role is checked."""
    if actor is None:
        return user
    from msct_crf import access

    access.require(actor, access.Permission.BACKUP)
    return actor.username


#: Why MSC-CRF makes no backup of a database on a server.
SERVER_BACKUP_REFUSAL = (
    "This study is on a database server: its administrator backs it up and restores it "
    "with the server's own tools (pg_dump, pg_restore); MSC-CRF backs up SQLite files only"
)


def refuse_server(location: Store | str | os.PathLike[str]) -> None:
    """Refuse a backup or restore of a study on a server (a URL), with the reason."""
    if isinstance(location, str | os.PathLike):
        server = is_server_url(location)
    else:
        server = location.is_server
    if server:
        raise UserError(SERVER_BACKUP_REFUSAL)


def _source_path(store_or_path: Store | str | os.PathLike[str]) -> Path:
    refuse_server(store_or_path)
    if isinstance(store_or_path, str | os.PathLike):
        return Path(os.path.abspath(os.fspath(store_or_path)))
    path = store_or_path.path
    if path is None:
        raise UserError("Only an SQLite database file can be backed up from the app")
    return path


def _audit(
    store_or_path: Store | str | os.PathLike[str],
    path: Path,
    *,
    user: str,
    action: str,
    new_value: str,
    reason: str | None,
    actor: Actor | None = None,
) -> str:
    """Append one audit row to the database (and, for a person, a signed checkpoint of the
    chain: :func:`msct_crf.access.checkpoint`) and return its new head hash."""
    from msct_crf.storage import audit
    from msct_crf.storage.store import Store

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
            )
            if actor is not None:
                from msct_crf import access

                access.checkpoint(session, actor, action)
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
) -> BackupInfo:
    """Write a verified backup of the database into `dest_dir` (default: beside it) and keep
    only the newest `keep` backups of that database there. Audited as "backup".

    A backup someone asks for passes their `actor` (the role must allow backups); the
    automatic daily and on-exit backups pass only the user name."""
    from msct_crf.storage.store import check_sqlite_file

    user = _authorized(actor, user)
    if keep < 1:
        raise UserError(f"The number of backups to keep must be at least 1 (got {keep})")
    if not user or not user.strip():
        raise UserError("A user name is required to back up (it goes into the audit trail)")
    user = check_user_name(user)
    source = _source_path(store_or_path)
    check_sqlite_file(source)  # never back up a missing or damaged file over good backups
    directory = _backup_folder(dest_dir, source)
    remove_stale_temp_files(directory, source.stem)
    moment = clock.now()
    target = unique_target(directory, source.stem, moment)
    tmp = _temporary_file(directory, target)
    try:
        counts, audit_rows, head = _copy_snapshot(source, tmp, directory, progress)
        check = verify_copy(tmp, counts, head)
        if not check.ok:
            raise DatabaseError(f"The backup failed its check and was not kept: {check.detail}")
        info = BackupInfo(
            path=target,
            created=moment.astimezone(dt.UTC),
            size=tmp.stat().st_size,
            verified=True,
            source=str(source),
            row_counts=counts,
            audit_rows=audit_rows,
            audit_head=head,
            detail=f"integrity ok; {sum(counts.values())} rows in {len(counts)} tables match",
        )
        _put_in_place(info, tmp, user, directory)
    finally:
        _remove_temporary(tmp)

    head_after = _audit(
        store_or_path,
        source,
        user=user,
        action="backup",
        new_value=target.name,
        reason=None,
        actor=actor,
    )
    info = dataclasses.replace(info, source_head_after=head_after)
    write_sidecar(info, user, directory)
    rotate(directory, source.stem, keep)
    return info


def _backup_folder(dest_dir: str | os.PathLike[str] | None, source: Path) -> Path:
    """`dest_dir` (default: the folder beside the database), created if need be."""
    directory = Path(dest_dir) if dest_dir is not None else default_backup_dir(source)
    if directory.exists() and not directory.is_dir():
        raise DatabaseError(f"Cannot write backups to {directory}: it is a file, not a folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(exc, "the backup folder", directory) from exc
    return directory


def _temporary_file(directory: Path, target: Path) -> Path:
    """A hidden file beside `target` to write the copy into: it never has a backup's name."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise os_error(exc, "the backup", directory) from exc
    return Path(tmp_name)


def _copy_snapshot(
    source: Path, tmp: Path, directory: Path, progress: Progress | None
) -> tuple[dict[str, int], int, str]:
    """Copy `source` into `tmp` and read its row counts, audit rows and head, all inside one
    read transaction: the numbers describe exactly the pages copied."""
    try:
        src = ro_connect(source)
        try:
            src.execute("BEGIN")  # one snapshot for counts, head and pages
            counts, audit_rows, head = snapshot(src)
            copy_with_backup_api(src, tmp, progress, journal_mode="DELETE")
            src.execute("ROLLBACK")
        finally:
            src.close()
        fsync_file(tmp)
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"The backup could not be written to {directory}. " + explain_db_error(exc)
        ) from exc
    except OSError as exc:
        raise os_error(exc, "the backup", directory) from exc
    return counts, audit_rows, head


def _put_in_place(info: BackupInfo, tmp: Path, user: str, directory: Path) -> None:
    """Give the checked copy its backup name, its verification record first: a file with a
    backup's name always has one."""
    write_sidecar(info, user, directory)
    try:
        os.replace(tmp, info.path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            info.sidecar.unlink(missing_ok=True)
        raise os_error(exc, "the backup", directory) from exc
    fsync_dir(directory)


def _remove_temporary(tmp: Path) -> None:
    """The temporary copy and any journal SQLite left beside it (gone once renamed)."""
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
    for extra in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{tmp}{extra}").unlink(missing_ok=True)


def backup_if_due(
    db_path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str] | None = None,
    *,
    user: str,
    every: dt.timedelta = dt.timedelta(days=1),
    keep: int = DEFAULT_KEEP,
    store: Store | None = None,
) -> BackupInfo | None:
    """Back up when the newest backup is older than `every` and the data changed since it.

    The daily backup calls this with the default; the app calls it on exit with
    ``every=timedelta(0)`` (back up whenever something changed). Returns None when no
    backup was due."""
    source = Path(os.path.abspath(os.fspath(db_path)))
    directory = Path(dest_dir) if dest_dir is not None else default_backup_dir(source)
    newest = next((b for b in list_backups(directory, source.stem) if b.verified), None)
    if newest is not None:
        if clock.now() - newest.created < every:
            return None
        try:
            connection = ro_connect(source)
            try:
                head = audit_head_on(connection)
            finally:
                connection.close()
        except sqlite3.Error as exc:
            raise DatabaseError(explain_db_error(exc, source)) from exc
        if head and head == newest.source_head_after:
            return None  # nothing changed since the newest backup
    return backup_database(store if store is not None else source, directory, user=user, keep=keep)


# --------------------------------------------------------------------------- verify / restore


def verify_backup(path: str | os.PathLike[str]) -> BackupCheck:
    """Full check of a backup before it is restored: every check of ``msct-crf verify``
    (:func:`msct_crf.storage.integrity.verify_database`: SQLite integrity and foreign keys, a
    known schema, the audit chain and whatever else verify checks, such as the data against
    the audit trail) must pass, and (when its sidecar exists) the recorded counts match."""
    from msct_crf.storage.integrity import verify_database

    backup = Path(path)
    try:
        checks = verify_database(backup)
    except DatabaseError as exc:
        return BackupCheck(False, str(exc))
    failed = [c for c in checks if not c.ok]
    if failed:
        return BackupCheck(False, f"{failed[0].name}: {failed[0].detail}")
    sidecar = sidecar_of(backup)
    if sidecar.exists():
        info = info_from_sidecar(backup)
        if info.row_counts:
            check = verify_copy(backup, info.row_counts, info.audit_head)
            if not check.ok:
                return BackupCheck(False, check.detail)
    return BackupCheck(True, "; ".join(f"{c.name} ok" for c in checks))


def _head_of(path: Path) -> tuple[bool, str]:
    """(healthy, audit head) of an existing database file."""
    from msct_crf.storage.store import check_sqlite_file

    try:
        check_sqlite_file(path)
        if path.stat().st_size == 0:
            return True, ""
        connection = ro_connect(path)
        try:
            return True, audit_head_on(connection)
        finally:
            connection.close()
    except (DatabaseError, sqlite3.Error):
        return False, ""


def restore_backup(
    backup_path: str | os.PathLike[str],
    db_path: str | os.PathLike[str],
    *,
    user: str,
    force: bool = False,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> RestoreInfo:
    """Replace the database at `db_path` with a verified backup, keeping the current file.

    Without `force`, a healthy current database whose audit trail has changes the backup
    does not contain is not replaced (those changes would go back in time); the current file
    is kept aside either way. Close the app's connections' transactions first; another
    process writing to the database makes this fail with a clear "busy" message. In the app
    pass the logged-in `actor`: only a role allowed to back up may restore.
    """
    refuse_server(db_path)
    user = _authorized(actor, user)
    if not user or not user.strip():
        raise UserError("A user name is required to restore (it goes into the audit trail)")
    user = check_user_name(user)
    backup = Path(os.path.abspath(os.fspath(backup_path)))
    target = Path(os.path.abspath(os.fspath(db_path)))
    if not backup.is_file():
        raise UserError(f"Backup file not found: {backup}")
    if actor is None and restore_needs_login(backup, target):
        raise PermissionDenied(
            "This study has user accounts: log in with an account that may back up "
            "(administrator or PI) to restore it"
        )
    if backup == target:
        raise UserError("A database cannot be restored from itself")
    check = verify_backup(backup)
    if not check.ok:
        raise DatabaseError(
            f"The backup {backup.name} failed its check and was not restored: {check.detail}"
        )
    _refuse_another_study(backup, target)

    aside = _keep_current_aside(target, backup, force=force, stamp=stamp_of(clock.now()))
    kept = f"; the previous database is kept as {aside.name}" if aside is not None else ""
    # The restore's audit row goes into a staged copy first, which then replaces the
    # database in one transaction: a crash never leaves the restored data without the row
    # that says so (verify would take the backups made after it for a cut-off tail).
    staged = _staged_path(target)
    try:
        _copy_in(backup, staged, None)
        _audit(
            staged,
            staged,
            user=user,
            action="restore",
            new_value=backup.name,
            reason=f"restored from backup {backup.name}{kept}",
            actor=actor,
        )
        _copy_in(staged, target, progress)
    finally:
        _remove_database_file(staged)
    return RestoreInfo(
        database=target,
        backup=backup,
        kept_aside=aside,
        detail=f"Restored {target.name} from {backup.name}{kept}.",
    )


def restore_needs_login(
    backup_path: str | os.PathLike[str], db_path: str | os.PathLike[str]
) -> bool:
    """Whether restoring needs an account: the study, or (for a missing or damaged study)
    the backup, is in account mode. Read without writing."""
    from msct_crf.storage.study_identity import file_has_accounts

    return file_has_accounts(Path(db_path)) or file_has_accounts(Path(backup_path))


def identify_in_backup(backup_path: str | os.PathLike[str], username: str, password: str) -> Actor:
    """An account of the backup that may back up, its password checked without writing to
    the backup: who restores a missing or damaged study (its own accounts cannot be read)."""
    from msct_crf import access
    from msct_crf.storage.db.engine import make_engine, sqlite_url
    from msct_crf.storage.store import Store

    backup = Store(make_engine(sqlite_url(Path(backup_path)), read_only=True))
    try:
        actor = access.identify(backup, username, password)
    finally:
        backup.close()
    if not actor.can(access.Permission.BACKUP):
        raise PermissionDenied(
            f"{actor.username} ({actor.role_label}) may not "
            f"{access.PERMISSION_TEXT[access.Permission.BACKUP]}"
        )
    return actor


def _refuse_another_study(backup: Path, target: Path) -> None:
    """A backup of another study (another study ID) never replaces a study. A backup made
    before study IDs existed has none and is not refused for it (it still had to verify,
    data against audit trail included)."""
    from msct_crf.storage.study_identity import STUDY_ID_KEY, file_settings

    if not target.exists() or not _head_of(target)[0]:
        return  # nothing healthy to compare with: a missing or damaged file
    ours = file_settings(target).get(STUDY_ID_KEY)
    theirs = file_settings(backup).get(STUDY_ID_KEY)
    if ours and theirs and ours != theirs:
        raise UserError(
            f"The backup {backup.name} is of another study (study ID {theirs}) than "
            f"{target.name} (study ID {ours}); it was not restored"
        )


def _aside_name(target: Path, stamp: str, n: int = 0) -> Path:
    """``<name>.before-restore-<stamp>[-n].db``, beside the database."""
    number = f"-{n}" if n else ""
    return target.with_name(f"{target.stem}.before-restore-{stamp}{number}{target.suffix or '.db'}")


def _keep_current_aside(target: Path, backup: Path, *, force: bool, stamp: str) -> Path | None:
    """Keep the database about to be replaced (None when there is none), refusing, unless
    `force`, a healthy one with changes the backup does not contain.

    A healthy file is copied consistently (WAL included) and then restored in place, where
    SQLite's own journal makes the copy all-or-nothing; a damaged one is moved aside byte
    for byte with its journal files; an empty file is simply moved aside."""
    if not (target.exists() and target.stat().st_size > 0):
        if not target.exists():
            return None
        with sqlite_errors(target, "The empty database file could not be moved aside"):
            aside = _aside_name(target, stamp)
            os.replace(target, aside)
        return aside
    healthy, head = _head_of(target)
    if healthy and not force and not backup_contains(backup, head):
        raise UserError(
            f"{target.name} has changes made after this backup; restoring would set them "
            "aside. Confirm the restore (--force) to go ahead; the current file is kept as "
            f"{target.stem}.before-restore-<time>{target.suffix}."
        )
    aside = _aside_name(target, stamp)
    n = 1
    while aside.exists():
        aside = _aside_name(target, stamp, n)
        n += 1
    if healthy:
        with sqlite_errors(target, "The current database could not be kept aside"):
            src = ro_connect(target)
            try:
                copy_with_backup_api(src, aside, None, journal_mode="DELETE")
            finally:
                src.close()
            fsync_file(aside)
    else:
        with sqlite_errors(target, "The damaged database could not be moved aside"):
            for extra in ("-wal", "-shm", "-journal"):
                companion = Path(f"{target}{extra}")
                if companion.exists():
                    os.replace(companion, Path(f"{aside}{extra}"))
            os.replace(target, aside)
    fsync_dir(target.parent)
    return aside


#: Staged copies older than this are left over from a crash and are removed.
_STALE_STAGED_SECONDS = 3600.0


def _staged_path(target: Path) -> Path:
    """A hidden file beside the database for the copy being restored; stale ones that a
    crash left behind are removed first."""
    pattern = f".{target.stem}.restoring-*.db"
    for leftover in target.parent.glob(pattern):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < time.time() - _STALE_STAGED_SECONDS:
                _remove_database_file(leftover)
    return target.with_name(f".{target.stem}.restoring-{os.getpid()}-{time.time_ns()}.db")


def _remove_database_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _copy_in(backup: Path, target: Path, progress: Progress | None) -> None:
    """Copy the backup over the database with the backup API, then back to WAL mode."""
    with sqlite_errors(target, "The backup could not be copied in"):
        target.parent.mkdir(parents=True, exist_ok=True)
        src = ro_connect(backup)
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
