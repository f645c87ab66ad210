"""Logging in and out, and checking every write against the person's live account.

Two modes, decided by the database itself:

* **Single-user (legacy) mode** — no administrator account exists yet (:func:`needs_admin`).
  Databases made by ``msct-crf demo`` / ``scale`` and by tests start like this: writes carry
  a user name only, which goes into the audit trail.
* **Account mode** — from the moment the first administrator is created
  (:func:`msct_crf.access.accounts.create_admin`), every write must come with an
  :class:`~msct_crf.access.roles.Actor` obtained from :func:`login` in this process, whose
  account is still active and unlocked and whose *current* role (read from the database at
  write time) has the permission. Anything else raises
  :class:`msct_crf.errors.PermissionDenied`.

Five consecutive failed logins lock the account until an administrator unlocks it. Every
login, failed login and logout is audited (actions ``login``, ``login_failed``, ``logout``);
a failed login with a user name that has no account is audited as :data:`UNKNOWN_USER`,
never with the name as typed (it may be a password typed into the wrong box).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf.access import signing_keys
from msct_crf.access.passwords import (
    AuthenticationError,
    PasswordPolicyError,
    burn_time,
    check_new_password,
    check_password,
    hash_password,
    hasher,
)
from msct_crf.access.roles import (
    ADMIN,
    PERMISSION_TEXT,
    PERMISSIONS,
    ROLE_LABELS,
    Actor,
    Permission,
)
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AppUser
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import is_centre, is_demo
from msct_crf.study.text import as_typed, check_user_name

MAX_FAILED_LOGINS = 5
#: Who a failed login with a user name that has no account is audited as.
UNKNOWN_USER = "(unknown user name)"
USER_TABLE = "app_user"
_LIVE: dict[str, tuple[str, int]] = {}  # token -> (database url, user id)
_LIVE_LOCK = threading.Lock()


def _db_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _mint(session: Session, row: AppUser) -> Actor:
    token = secrets.token_hex(16)
    with _LIVE_LOCK:
        _LIVE[token] = (_db_key(session), row.id)
    return Actor(row.id, row.username, row.full_name, row.role, token)


def can(actor: Actor | None, permission: Permission) -> bool:
    """Whether the actor's role has the permission (for enabling buttons in a UI)."""
    return actor is not None and actor.can(permission)


def require(actor: Actor | None, permission: Permission) -> None:
    """Raise PermissionDenied unless the actor's role has the permission."""
    if actor is None:
        raise PermissionDenied(f"Log in to {PERMISSION_TEXT[permission]}")
    if not actor.can(permission):
        raise PermissionDenied(
            f"{actor.username} ({actor.role_label}) may not {PERMISSION_TEXT[permission]}"
        )


ACCOUNTS_KEY = "msct_crf.accounts_enabled"


def accounts_enabled(session: Session) -> bool:
    """True once an administrator account exists (cached per session/transaction)."""
    cached = session.info.get(ACCOUNTS_KEY)
    if cached is None:
        cached = session.scalar(select(AppUser.id).where(AppUser.role == ADMIN).limit(1))
        cached = cached is not None
        session.info[ACCOUNTS_KEY] = cached
    return bool(cached)


def needs_admin(store: Store) -> bool:
    """First run: no administrator account exists yet (single-user mode)."""
    with store.reading() as session:
        return not accounts_enabled(session)


def current_account(session: Session, actor: Actor) -> AppUser:
    """The actor's account row, checked: minted by login() in this process for this
    database, still existing, active and unlocked. Raises PermissionDenied."""
    with _LIVE_LOCK:
        live = _LIVE.get(actor.token)
    if live is None or live != (_db_key(session), actor.user_id):
        raise PermissionDenied(f"{actor.username} is not logged in to this database; log in again")
    row = session.get(AppUser, actor.user_id)
    if row is None or row.username != actor.username:
        raise PermissionDenied(f"The account {actor.username!r} no longer exists")
    if not row.active:
        raise PermissionDenied(f"The account {row.username!r} is disabled")
    if row.locked:
        raise PermissionDenied(f"The account {row.username!r} is locked")
    return row


#: What only a site does to its own clinical data: never in the centre's pooled database.
_CLINICAL_WRITES = frozenset(
    {
        Permission.ENTER_DATA,
        Permission.DELETE_DATA,
        Permission.VERIFY,
        Permission.SIGN,
        Permission.LOCK,
        Permission.UNLOCK,
        Permission.RAISE_QUERY,
        Permission.ANSWER_QUERY,
        Permission.CLOSE_ANY_QUERY,
    }
)


def authorize(
    session: Session, actor: Actor | None, permission: Permission, *, user: str | None = None
) -> str:
    """Check a write inside its transaction and return the user name for the audit trail.

    Single-user mode (no administrator yet): ``actor`` may be None and ``user`` is used.
    Account mode: ``actor`` is required, its account must be live and its *current* role
    (from the database) must have ``permission``; ``user``, when given, must be the
    actor's own name. In the coordinating centre's pooled database no clinical write is
    allowed to anyone: a site is the only writer of its data (issue 13).
    """
    if permission in _CLINICAL_WRITES and is_centre(session):
        raise UserError(
            "This is the coordinating centre's pooled database: the sites enter and review "
            "their own data (raise a centre query with msct-crf central raise-query)"
        )
    if actor is None:
        if accounts_enabled(session):
            raise PermissionDenied(
                f"This study has user accounts: log in to {PERMISSION_TEXT[permission]}"
            )
        if not user or not user.strip():
            raise UserError("A user name is required (it goes into the audit trail)")
        return check_user_name(user)
    row = current_account(session, actor)
    if permission not in PERMISSIONS.get(row.role, frozenset()):
        raise PermissionDenied(
            f"{row.username} ({ROLE_LABELS.get(row.role, row.role)}) may not "
            f"{PERMISSION_TEXT[permission]}"
        )
    if user and user != row.username:
        raise PermissionDenied(f"Logged in as {row.username!r}, not as {user!r}")
    return row.username


def authorize_store(store: Store, actor: Actor | None, permission: Permission) -> str:
    """:func:`authorize` in a read transaction (for checks before a long read, e.g. export)."""
    with store.reading() as session:
        return authorize(session, actor, permission, user=actor.username if actor else None)


def user_row(session: Session, username: str) -> AppUser | None:
    return session.scalars(select(AppUser).where(AppUser.username == username)).one_or_none()


def audit_account(
    session: Session,
    *,
    by: str,
    row: AppUser,
    changes: Iterable[audit.Change],
    reason: str | None = None,
    action: str = "account",
) -> None:
    audit.append(
        session,
        user=by,
        action=action,
        table_name=USER_TABLE,
        record_id=row.id,
        changes=list(changes),
        reason=reason,
    )


def _record_failure(
    store: Store, username: str, why: str
) -> tuple[bool, int]:  # (now locked, failures)
    """Count and audit a failed login in its own committed transaction."""
    with store.session() as session:
        row = user_row(session, username)
        if row is None:
            # Never the name as typed: a password typed into the user-name box would
            # otherwise sit in the audit trail and in every export of it.
            audit.append(
                session,
                user=UNKNOWN_USER,
                action="login_failed",
                table_name=USER_TABLE,
                reason=why,
            )
            return False, 0
        row.failed_logins = int(row.failed_logins or 0) + 1
        audit.append(
            session,
            user=row.username,
            action="login_failed",
            table_name=USER_TABLE,
            record_id=row.id,
            changes=[audit.Change("failed_logins", row.failed_logins - 1, row.failed_logins)],
            reason=why,
        )
        locked_now = False
        if not row.locked and row.failed_logins >= MAX_FAILED_LOGINS:
            row.locked = True
            locked_now = True
            audit_account(
                session,
                by=row.username,
                row=row,
                changes=[audit.Change("locked", False, True)],
                reason=f"{MAX_FAILED_LOGINS} consecutive failed logins",
            )
        return locked_now, row.failed_logins


def _refusal(username: str, why: str, store: Store) -> AuthenticationError:
    locked_now, _n = _record_failure(store, username, why)
    if locked_now:
        return AuthenticationError(
            f"Wrong password. After {MAX_FAILED_LOGINS} failed attempts the account is locked; "
            "ask an administrator to unlock it"
        )
    return AuthenticationError("Wrong user name or password")


def login(store: Store, username: str, password: str) -> Actor:
    """Check the password and return an :class:`Actor` (audited ``login``). Failures are
    audited ``login_failed``; the fifth in a row locks the account."""
    name = as_typed(username or "").strip()
    if not name or not password:
        raise AuthenticationError("Enter your user name and password")
    with store.reading() as session:
        row = user_row(session, name)
        state = None if row is None else (row.password_hash, row.active, row.locked)
    if state is None:
        burn_time(password)
        raise _refusal(name, "unknown user name", store)
    stored_hash, active, locked = state
    if locked:
        burn_time(password)
        _record_failure(store, name, "account locked")
        raise AuthenticationError(
            "This account is locked (too many failed logins or by an administrator); "
            "ask an administrator to unlock it"
        )
    if not active:
        burn_time(password)
        _record_failure(store, name, "account disabled")
        raise AuthenticationError("This account is disabled; ask an administrator")
    if not check_password(stored_hash, password):
        raise _refusal(name, "wrong password", store)
    with store.session() as session:
        row = user_row(session, name)
        if row is None or row.locked or not row.active:  # changed meanwhile
            raise AuthenticationError("This account cannot log in now; try again")
        changes = []
        if row.failed_logins:
            changes.append(audit.Change("failed_logins", row.failed_logins, 0))
            row.failed_logins = 0
        if row.password_hash and hasher().check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        audit.append(
            session,
            user=row.username,
            action="login",
            table_name=USER_TABLE,
            record_id=row.id,
            changes=changes,
        )
        actor = _mint(session, row)
        signing_keys.start_session(session, row, actor, password)  # key + checkpoint
        return actor


def identify(store: Store, username: str, password: str) -> Actor:
    """Check a user name and password without writing anything: no audit row, no failure
    count. For a file that must not change, such as a backup about to be restored over a
    missing or damaged study. The Actor is not logged in: it carries the name and role for
    :func:`require`, and every write with it is refused (:func:`current_account`)."""
    name = as_typed(username or "").strip()
    if not name or not password:
        raise AuthenticationError("Enter your user name and password")
    with store.reading() as session:
        row = user_row(session, name)
        state = None if row is None else (row.password_hash, row.active, row.locked)
        actor = None if row is None else Actor(row.id, row.username, row.full_name, row.role)
    if state is None or actor is None:
        burn_time(password)
        raise AuthenticationError("Wrong user name or password")
    stored_hash, active, locked = state
    if not check_password(stored_hash, password):
        raise AuthenticationError("Wrong user name or password")
    if locked or not active:
        raise AuthenticationError(f"The account {actor.username!r} is locked or disabled")
    return actor


def confirm_password(store: Store, actor: Actor, password: str) -> None:
    """Ask a logged-in person for their password again (signing, unlocking an idle session).

    A wrong password counts as a failed login (audited, and the fifth locks the account).
    """
    with store.reading() as session:
        row = current_account(session, actor)
        stored_hash = row.password_hash
    if not password or not check_password(stored_hash, password):
        locked_now, _n = _record_failure(store, actor.username, "wrong password (confirmation)")
        if locked_now:
            logout(store, actor, audit_it=False)
            raise AuthenticationError(
                f"Wrong password. After {MAX_FAILED_LOGINS} failed attempts the account is "
                "locked; ask an administrator to unlock it"
            )
        raise AuthenticationError("Wrong password")
    with store.session() as session:
        row = current_account(session, actor)
        if row.failed_logins:
            audit.append(
                session,
                user=row.username,
                action="login",
                table_name=USER_TABLE,
                record_id=row.id,
                changes=[audit.Change("failed_logins", row.failed_logins, 0)],
                reason="password confirmed",
            )
            row.failed_logins = 0


def reauthenticate(store: Store, actor: Actor, password: str) -> Actor:
    """Unlock an idle-locked session for the same person (the UI keeps unsaved input)."""
    confirm_password(store, actor, password)
    return actor


def logout(store: Store | None, actor: Actor, *, audit_it: bool = True) -> None:
    """Forget the actor's login (audited ``logout`` when a store is given)."""
    with _LIVE_LOCK:
        live = _LIVE.pop(actor.token, None)
    signing_keys.forget(actor.token)
    if live is None or store is None or not audit_it:
        return
    with store.session() as session:
        audit.append(
            session,
            user=actor.username,
            action="logout",
            table_name=USER_TABLE,
            record_id=actor.user_id,
        )


def change_password(store: Store, actor: Actor, old_password: str, new_password: str) -> None:
    """A person changes their own password (audited; no password is ever recorded)."""
    with store.reading() as session:
        row = current_account(session, actor)
        stored_hash, full_name, demo = row.password_hash, row.full_name, is_demo(session)
    if not check_password(stored_hash, old_password):
        _record_failure(store, actor.username, "wrong password (password change)")
        raise AuthenticationError("The current password is wrong")
    check_new_password(new_password, actor.username, full_name=full_name, check_strength=not demo)
    if new_password == old_password:
        raise PasswordPolicyError("The new password must differ from the current one")
    with store.session() as session:
        row = current_account(session, actor)
        row.password_hash = hash_password(new_password)
        changes = [audit.Change("password", None, "changed by its owner")]
        if row.failed_logins:  # the reset is audited like every other change of the account
            changes.insert(0, audit.Change("failed_logins", row.failed_logins, 0))
        row.failed_logins = 0
        signing_keys.rewrap(session, row, old_password, new_password)
        audit_account(session, by=row.username, row=row, changes=changes)
