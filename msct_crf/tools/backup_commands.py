"""`msct-crf backup` and `msct-crf restore`. Imports of the backup machinery stay inside the
handlers so `msct-crf --help` stays quick."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def _keep(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _cmd_backup(args: argparse.Namespace) -> int:
    from msct_crf.workflow.backup import backup_database, list_backups

    info = backup_database(Path(args.db), args.dir, user=args.user, keep=args.keep)
    kept = list_backups(info.path.parent, info.stem)
    print(
        f"ok: backup {info.path} ({_size(info.size)}, verified: {info.detail}); "
        f"{len(kept)} backup(s) kept in {info.path.parent}"
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from msct_crf.workflow.backup import restore_backup

    info = restore_backup(Path(args.source), Path(args.db), user=args.user, force=args.force)
    print(f"ok: {info.detail}")
    return 0


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup", help="write a verified backup of a database (kept in rotation)"
    )
    backup.add_argument("--db", required=True, help="database file to back up")
    backup.add_argument(
        "--dir", default=None, help="folder for backups (default: 'backups' beside the database)"
    )
    backup.add_argument(
        "--keep", type=_keep, default=10, help="how many backups to keep (default 10)"
    )
    backup.add_argument("--user", default=_default_user(), help="user recorded in the audit trail")
    backup.set_defaults(handler=_cmd_backup)

    restore = subparsers.add_parser(
        "restore", help="restore a database from a verified backup (the current file is kept)"
    )
    restore.add_argument("--db", required=True, help="database file to restore")
    restore.add_argument("--from", dest="source", required=True, help="backup file to restore")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even if the database has changes made after the backup "
        "(they stay in the file kept aside)",
    )
    restore.add_argument("--user", default=_default_user(), help="user recorded in the audit trail")
    restore.set_defaults(handler=_cmd_restore)
