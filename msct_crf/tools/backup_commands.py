"""`msct-crf backup` and `msct-crf restore`. Imports of the backup machinery stay inside the
handlers so `msct-crf --help` stays quick.

Once a study has accounts, both need an account whose role may back up (an administrator)
and its password (msct_crf.tools.cli_auth): a backup prunes old backups (``--keep``) and a
restore sets the study back in time, so neither may be run by just naming someone.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msct_crf.tools import cli_auth
from msct_crf.tools.arguments import positive_int

if TYPE_CHECKING:
    from msct_crf.access import Actor


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _cmd_backup(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.storage.store import Store
    from msct_crf.workflow.backup import backup_database, list_backups, refuse_server

    refuse_server(args.db)
    with (
        Store.open_path(Path(args.db), create=False) as store,
        cli_auth.logged_in(store, args, Permission.BACKUP) as actor,
    ):
        info = backup_database(
            store, args.dir, user=cli_auth.audit_name(args, actor), keep=args.keep, actor=actor
        )
    kept = list_backups(info.path.parent, info.stem)
    print(
        f"ok: backup {info.path} ({_size(info.size)}, verified: {info.detail}); "
        f"{len(kept)} backup(s) kept in {info.path.parent}"
    )
    return 0


def _restore_actor(args: argparse.Namespace, target: Path, source: Path) -> Actor | None:
    """Who restores. A study with accounts: an account of it that may back up, logged in
    (audited in the file that is kept aside). A missing or damaged study whose backup has
    accounts: an account of the backup, checked without writing to the backup. Else None."""
    from msct_crf import access
    from msct_crf.storage.store import Store
    from msct_crf.storage.study_identity import file_has_accounts
    from msct_crf.workflow.backup import identify_in_backup

    passwords = cli_auth.Passwords(args.password_stdin)
    if file_has_accounts(target):
        with Store.open_path(target, create=False) as store:
            actor = cli_auth.authenticate(store, args.user, access.Permission.BACKUP, passwords)
            if actor is not None:
                access.logout(store, actor)
            return actor
    if source.is_file() and file_has_accounts(source):
        return identify_in_backup(source, args.user, passwords.existing(f"Password of {args.user}"))
    return None


def _cmd_restore(args: argparse.Namespace) -> int:
    from msct_crf.workflow.backup import refuse_server, restore_backup

    refuse_server(args.db)
    target, source = Path(args.db), Path(args.source)
    actor = _restore_actor(args, target, source)
    info = restore_backup(
        source, target, user=cli_auth.audit_name(args, actor), force=args.force, actor=actor
    )
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
        "--keep",
        type=positive_int,
        default=10,
        help="how many backups to keep; older ones are deleted (default 10)",
    )
    cli_auth.add_user_arguments(backup)
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
    cli_auth.add_user_arguments(restore)
    restore.set_defaults(handler=_cmd_restore)
