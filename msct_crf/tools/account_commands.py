"""`msct-crf user add|passwd|list|lock|unlock --db PATH`: account management from the shell.

Kept light: the security module (argon2, SQLAlchemy) is imported only when a user command
runs. Passwords come from a hidden prompt (getpass) or, with ``--password-stdin``, one per
line from standard input, in the order the command asks for them:

* ``add``    — [acting admin's password,] the new account's password
* ``passwd`` — own change: current password, new password; admin reset (``--as ADMIN``):
  admin's password, new password
* ``list`` / ``lock`` / ``unlock`` — acting admin's password (``unlock --recover`` asks for
  none)
* ``passwd --recover`` — the new password only (the last administrator's way back in)

The first account of a study must be the administrator (``add --role admin``, no ``--as``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from msct_crf.tools import cli_auth

if TYPE_CHECKING:
    from msct_crf.access import Actor
    from msct_crf.storage.store import Store

ROLES = ("admin", "pi", "nurse", "monitor")


def _open(args: argparse.Namespace) -> Store:
    from msct_crf.storage.store import Store

    return Store.open_location(args.db, create=False)


def _no_accounts(store: Store) -> None:
    from msct_crf import access
    from msct_crf.errors import UserError

    if access.needs_admin(store):
        raise UserError(
            "This study has no user accounts yet; create the administrator first with "
            "`msct-crf user add --db PATH --username NAME --full-name NAME --role admin`"
        )


@contextmanager
def _logged_in_as(
    store: Store, args: argparse.Namespace, passwords: cli_auth.Passwords
) -> Iterator[Actor]:
    """The administrator named by ``--as``, logged in with their password for the block and
    logged out (audited) however the block ends."""
    from msct_crf import access
    from msct_crf.errors import UserError

    if not args.acting:
        raise UserError("Give --as ADMIN: the administrator who does this (asked for a password)")
    password = passwords.existing(f"Password of {args.acting}")
    actor = access.login(store, args.acting, password)
    try:
        yield actor
    finally:
        access.logout(store, actor)


def _status(info: Any) -> str:
    if not info.active:
        return "disabled"
    return "locked" if info.locked else "active"


def _cmd_add(args: argparse.Namespace) -> int:
    from msct_crf import access
    from msct_crf.errors import UserError

    passwords = cli_auth.Passwords(args.password_stdin)
    store = _open(args)
    try:
        if access.needs_admin(store):
            if args.role != "admin":
                raise UserError(
                    "This study has no administrator yet: the first account must be the "
                    "administrator (--role admin)"
                )
            password = passwords.new(f"Password for {args.username}")
            info = access.create_admin(store, args.username, args.full_name, password)
        else:
            with _logged_in_as(store, args, passwords) as actor:
                password = passwords.new(f"Password for {args.username}")
                info = access.add_user(
                    store,
                    actor,
                    username=args.username,
                    full_name=args.full_name,
                    role=args.role,
                    password=password,
                )
        print(f"created {info.role} account {info.username} ({info.full_name})")
        return 0
    finally:
        store.close()


def _cmd_passwd(args: argparse.Namespace) -> int:
    from msct_crf import access
    from msct_crf.errors import UserError

    passwords = cli_auth.Passwords(args.password_stdin)
    store = _open(args)
    try:
        _no_accounts(store)
        if args.recover:
            if not args.reason:
                raise UserError("--recover needs --reason (it goes into the audit trail)")
            new = passwords.new(f"New password for {args.username}")
            access.recover_admin(
                store,
                args.username,
                operator=cli_auth.default_user(),
                reason=args.reason,
                new_password=new,
            )
            print(f"password of {args.username} reset by recovery; the account is unlocked")
            return 0
        if args.acting and args.acting != args.username:
            with _logged_in_as(store, args, passwords) as actor:
                new = passwords.new(f"New password for {args.username}")
                access.reset_password(store, actor, args.username, new)
            print(f"password of {args.username} reset by {actor.username}")
            return 0
        current = passwords.existing(f"Current password of {args.username}")
        actor = access.login(store, args.username, current)
        try:
            new = passwords.new("New password")
            access.change_password(store, actor, current, new)
        finally:
            access.logout(store, actor)
        print(f"password of {args.username} changed")
        return 0
    finally:
        store.close()


def _cmd_list(args: argparse.Namespace) -> int:
    from msct_crf import access

    passwords = cli_auth.Passwords(args.password_stdin)
    store = _open(args)
    try:
        if access.needs_admin(store):
            print("no accounts (single-user mode): create the administrator with `user add`")
            return 0
        with _logged_in_as(store, args, passwords) as actor:
            access.require(actor, access.Permission.MANAGE_USERS)
            users = access.list_users(store)
        width = max(len(u.username) for u in users)
        for user in users:
            print(
                f"{user.username:<{width}}  {user.role:<7}  {_status(user):<8}  "
                f"failed={user.failed_logins}  {user.full_name}"
            )
        return 0
    finally:
        store.close()


def _cmd_lock(args: argparse.Namespace) -> int:
    from msct_crf import access

    passwords = cli_auth.Passwords(args.password_stdin)
    store = _open(args)
    try:
        _no_accounts(store)
        with _logged_in_as(store, args, passwords) as actor:
            access.lock_user(store, actor, args.username, reason=args.reason)
        print(f"account {args.username} locked")
        return 0
    finally:
        store.close()


def _cmd_unlock(args: argparse.Namespace) -> int:
    from msct_crf import access
    from msct_crf.errors import UserError

    passwords = cli_auth.Passwords(args.password_stdin)
    store = _open(args)
    try:
        _no_accounts(store)
        if args.recover:
            if not args.reason:
                raise UserError("--recover needs --reason (it goes into the audit trail)")
            access.recover_admin(
                store, args.username, operator=cli_auth.default_user(), reason=args.reason
            )
        else:
            with _logged_in_as(store, args, passwords) as actor:
                access.unlock_user(store, actor, args.username, reason=args.reason)
        print(f"account {args.username} unlocked")
        return 0
    finally:
        store.close()


def register(subparsers: Any) -> None:
    """Add `msct-crf user ...` to the command line."""
    user = subparsers.add_parser("user", help="manage user accounts (admin, pi, nurse, monitor)")
    commands = user.add_subparsers(title="user commands", metavar="ACTION", required=True)

    def common(parser: Any, *, acting: bool = True, password: bool = True) -> None:
        parser.add_argument("--db", required=True, help="study database file or server URL")
        if acting:
            parser.add_argument(
                "--as", dest="acting", metavar="ADMIN", help="administrator doing this"
            )
        if password:
            parser.add_argument(
                "--password-stdin",
                action="store_true",
                help="read passwords from standard input, one per line, instead of prompting",
            )

    add = commands.add_parser("add", help="create an account (the first one: the admin)")
    common(add)
    add.add_argument("--username", required=True)
    add.add_argument("--full-name", required=True, help="printed with signatures")
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(handler=_cmd_add)

    passwd = commands.add_parser("passwd", help="change a password (or reset it, with --as)")
    common(passwd)
    passwd.add_argument("--username", required=True)
    passwd.add_argument("--reason", help="why (recorded in the audit trail; for --recover)")
    passwd.add_argument(
        "--recover",
        action="store_true",
        help="set a new password for an administrator who forgot it, when no other "
        "administrator can log in (needs --reason; asks only for the new password)",
    )
    passwd.set_defaults(handler=_cmd_passwd)

    listing = commands.add_parser("list", help="list accounts, roles and their state")
    common(listing, acting=False)
    listing.add_argument(
        "--as", "--user", dest="acting", metavar="ADMIN", help="administrator doing this"
    )
    listing.set_defaults(handler=_cmd_list)

    lock = commands.add_parser("lock", help="lock an account")
    common(lock)
    lock.add_argument("--username", required=True)
    lock.add_argument("--reason", help="why (recorded in the audit trail)")
    lock.set_defaults(handler=_cmd_lock)

    unlock = commands.add_parser("unlock", help="unlock an account and reset failed logins")
    common(unlock)
    unlock.add_argument("--username", required=True)
    unlock.add_argument("--reason", help="why (recorded in the audit trail)")
    unlock.add_argument(
        "--recover",
        action="store_true",
        help="unlock an administrator when no administrator can log in (needs --reason)",
    )
    unlock.set_defaults(handler=_cmd_unlock)
