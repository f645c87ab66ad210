"""Who runs a command: the one way every `msct-crf` command authenticates a person.

Once a study has accounts (an administrator exists), a command that writes to it, prunes
its backups, restores it or lists its accounts needs a user whose role may do that, and
their password: read from a hidden prompt, or one line of standard input with
``--password-stdin`` (never from the command line, where other users of the machine and the
shell history would see it). In single-user mode (no accounts yet) ``--user NAME`` only names
who did it in the audit trail.

A refused login (unknown user, wrong password, locked account) or a role that may not
(:class:`msct_crf.errors.PermissionDenied`) is one line and a non-zero exit status, and
nothing is written, pruned or restored.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from msct_crf.access import Actor, Permission
    from msct_crf.storage.store import Store


def default_user() -> str:
    """The operating-system user, the default --user in single-user mode."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def add_user_arguments(parser: Any, *, what: str = "the audit trail") -> None:
    """--user NAME and --password-stdin, as every authenticated command takes them."""
    parser.add_argument(
        "--user",
        default=default_user(),
        help=f"who does this: named in {what}; once the study has accounts, an account "
        "whose role may do it (its password is asked for)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from one line of standard input instead of a hidden prompt",
    )


class Passwords:
    """Reads passwords from standard-input lines or hidden prompts, never from argv."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def _line(self, what: str) -> str:
        from msct_crf.errors import UserError

        line = sys.stdin.readline()
        if not line:
            raise UserError(f"--password-stdin: no line for the {what} on standard input")
        return line.rstrip("\r\n")

    def existing(self, what: str) -> str:
        """A password the person already has."""
        from msct_crf.errors import UserError

        if self.from_stdin:
            return self._line(what)
        with warnings.catch_warnings():
            # without a terminal getpass would echo the password (and warn): refuse instead
            warnings.simplefilter("error", getpass.GetPassWarning)
            try:
                return getpass.getpass(f"{what}: ")
            except (EOFError, getpass.GetPassWarning):
                raise UserError(
                    f"{what}: no terminal to ask for it; pipe it with --password-stdin"
                ) from None

    def new(self, what: str) -> str:
        """A new password, typed twice at a prompt (once on standard input)."""
        from msct_crf.errors import UserError

        if self.from_stdin:
            return self._line(what)
        first = self.existing(what)
        if self.existing(f"{what} again") != first:
            raise UserError("The two passwords differ; nothing changed")
        return first


def has_accounts(store: Store) -> bool:
    from msct_crf import access

    return not access.needs_admin(store)


def authenticate(
    store: Store,
    user: str,
    permission: Permission,
    passwords: Passwords,
) -> Actor | None:
    """In account mode, log `user` in with their password and check their role has
    `permission` (the Actor); in single-user mode None (`user` names who did it)."""
    from msct_crf import access
    from msct_crf.errors import PermissionDenied

    if not has_accounts(store):
        return None
    password = passwords.existing(f"Password of {user}")
    actor = access.login(store, user, password)
    if not actor.can(permission):
        access.logout(store, actor)
        raise PermissionDenied(
            f"{actor.username} ({actor.role_label}) may not {access.PERMISSION_TEXT[permission]}"
        )
    return actor


@contextmanager
def logged_in(
    store: Store, args: argparse.Namespace, permission: Permission
) -> Iterator[Actor | None]:
    """:func:`authenticate` with ``args.user`` / ``args.password_stdin`` for the block, then
    log out (audited) however the block ends."""
    from msct_crf import access

    actor = authenticate(store, args.user, permission, Passwords(args.password_stdin))
    try:
        yield actor
    finally:
        if actor is not None:
            access.logout(store, actor)


def audit_name(args: argparse.Namespace, actor: Actor | None) -> str:
    """The name the audit trail gets: the account's, or the checked --user name."""
    from msct_crf.study.text import check_user_name

    return actor.username if actor is not None else check_user_name(args.user)
