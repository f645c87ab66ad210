"""Accounts, roles and permissions, enforced in the core (not only hidden in the UI).

Two modes, decided by the database itself:

* **Single-user (legacy) mode** — no administrator account exists yet (:func:`needs_admin`).
  Databases made by ``msct-crf demo`` / ``scale`` and by tests start like this: writes carry
  a user name only, which goes into the audit trail.
* **Account mode** — from the moment the first administrator is created
  (:func:`create_admin`), every write must come with an :class:`Actor` obtained from
  :func:`login` in this process, whose account is still active and unlocked and whose
  *current* role (read from the database at write time) has the permission. Anything else
  raises :class:`msct_crf.errors.PermissionDenied`.

Roles (DESIGN.md): ``admin`` manages accounts, settings and backups and may unlock records;
``pi`` enters data, answers and raises queries, signs, locks and unlocks; ``nurse`` enters
data and answers queries; ``monitor`` reads, verifies and raises queries. The table is
:data:`PERMISSIONS`; ``require(actor, permission)`` checks it.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``); neither a password
nor its hash ever reaches the audit trail. Five consecutive failed logins lock the account
until an administrator unlocks it. Every login, failed login and account change is audited
(actions ``login``, ``login_failed``, ``logout``, ``account``, ``setting``).
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import audit
from msct_crf.db.models import AppUser, StudySetting
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.store import Store

Clock = Callable[[], dt.datetime]

ADMIN, PI, NURSE, MONITOR = "admin", "pi", "nurse", "monitor"
ROLES: tuple[str, ...] = (ADMIN, PI, NURSE, MONITOR)
ROLE_LABELS: dict[str, str] = {
    ADMIN: "administrator",
    PI: "principal investigator",
    NURSE: "study nurse",
    MONITOR: "monitor",
}

MAX_FAILED_LOGINS = 5
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
USERNAME_MAX = 64
FULL_NAME_MAX = 128

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
IDLE_LOCK_RANGE = (1, 240)

USER_TABLE = "app_user"
SETTING_TABLE = "study_setting"


class Permission(enum.StrEnum):
    READ = "read"
    ENTER_DATA = "enter_data"
    DELETE_DATA = "delete_data"
    VERIFY = "verify"
    SIGN = "sign"
    LOCK = "lock"
    UNLOCK = "unlock"
    RAISE_QUERY = "raise_query"
    ANSWER_QUERY = "answer_query"
    CLOSE_ANY_QUERY = "close_any_query"
    VIEW_AUDIT = "view_audit"
    EXPORT = "export"
    EXPORT_IDENTIFYING = "export_identifying"
    MANAGE_USERS = "manage_users"
    SETTINGS = "settings"
    BACKUP = "backup"


#: What each permission lets a person do, for PermissionDenied messages.
PERMISSION_TEXT: dict[Permission, str] = {
    Permission.READ: "read study data",
    Permission.ENTER_DATA: "enter or change study data",
    Permission.DELETE_DATA: "delete records",
    Permission.VERIFY: "verify records against source",
    Permission.SIGN: "sign records",
    Permission.LOCK: "lock records",
    Permission.UNLOCK: "unlock records",
    Permission.RAISE_QUERY: "raise data queries",
    Permission.ANSWER_QUERY: "answer data queries",
    Permission.CLOSE_ANY_QUERY: "close queries raised by others",
    Permission.VIEW_AUDIT: "view the audit trail",
    Permission.EXPORT: "export data",
    Permission.EXPORT_IDENTIFYING: "export identifying fields",
    Permission.MANAGE_USERS: "manage user accounts",
    Permission.SETTINGS: "change study settings",
    Permission.BACKUP: "back up or restore the database",
}

P = Permission
PERMISSIONS: dict[str, frozenset[Permission]] = {
    ADMIN: frozenset(
        {
            P.READ,
            P.UNLOCK,
            P.LOCK,
            P.VIEW_AUDIT,
            P.EXPORT,
            P.EXPORT_IDENTIFYING,
            P.MANAGE_USERS,
            P.SETTINGS,
            P.BACKUP,
        }
    ),
    PI: frozenset(
        {
            P.READ,
            P.ENTER_DATA,
            P.DELETE_DATA,
            P.SIGN,
            P.LOCK,
            P.UNLOCK,
            P.RAISE_QUERY,
            P.ANSWER_QUERY,
            P.CLOSE_ANY_QUERY,
            P.VIEW_AUDIT,
            P.EXPORT,
        }
    ),
    NURSE: frozenset({P.READ, P.ENTER_DATA, P.DELETE_DATA, P.ANSWER_QUERY, P.EXPORT}),
    MONITOR: frozenset({P.READ, P.VERIFY, P.RAISE_QUERY, P.VIEW_AUDIT, P.EXPORT}),
}
del P


class AuthenticationError(UserError):
    """A login or password confirmation was refused (wrong password, locked account)."""


class PasswordPolicyError(UserError):
    """A new password does not meet the policy."""


# --------------------------------------------------------------------------- hashing

HasherFactory = Callable[[], PasswordHasher]
_hasher_factory: HasherFactory = PasswordHasher
_hasher: PasswordHasher | None = None


def set_hasher_factory(factory: HasherFactory) -> None:
    """Replace the argon2id hasher (tests use a low ``time_cost``/``memory_cost`` to stay
    fast). Existing hashes keep verifying: argon2 reads the parameters from the hash."""
    global _hasher_factory, _hasher
    _hasher_factory = factory
    _hasher = None


def hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        _hasher = _hasher_factory()
    return _hasher


def hash_password(password: str) -> str:
    """argon2id hash (PHC string with salt and parameters)."""
    return hasher().hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _burn_time(password: str) -> None:
    """Spend the time of one verification so an unknown user name answers as slowly as a
    wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    check_password(_DUMMY_HASH, password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must have at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "Password must not start or end with a space"
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        return "Password must not contain control characters"
    if username and password.casefold() == username.casefold():
        return "Password must not be the user name"
    return None


def _check_new_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise PasswordPolicyError(problem)


def _clean_username(username: str) -> str:
    name = (username or "").strip()
    if not name:
        raise UserError("User name is required")
    if len(name) > USERNAME_MAX:
        raise UserError(f"User name must have at most {USERNAME_MAX} characters")
    if not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise UserError(
            f"User name {name[:USERNAME_MAX]!r} may contain only letters, digits and . _ - @"
        )
    return name


def _clean_full_name(full_name: str) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise UserError("Full name is required (it is printed with signatures)")
    if len(name) > FULL_NAME_MAX:
        raise UserError(f"Full name must have at most {FULL_NAME_MAX} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UserError("Full name must not contain control characters")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Role must be one of {', '.join(ROLES)} (got {str(role)[:20]!r})")
    return role


# --------------------------------------------------------------------------- actors

_LIVE: dict[str, tuple[str, int]] = {}  # token -> (database url, user id)
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Actor:
    """A logged-in person. Only :func:`login` makes one the core accepts."""

    user_id: int
    username: str
    full_name: str
    role: str
    token: str = field(default="", repr=False, compare=False)

    @property
    def printed_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def can(self, permission: Permission) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class UserInfo:
    """An account as shown to administrators (never the hash)."""

    username: str
    full_name: str
    role: str
    active: bool
    locked: bool
    failed_logins: int
    created_at: str


def _info(row: AppUser) -> UserInfo:
    return UserInfo(
        row.username,
        row.full_name,
        row.role,
        bool(row.active),
        bool(row.locked),
        int(row.failed_logins or 0),
        row.created_at,
    )


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


_ACCOUNTS_KEY = "msct_crf.accounts_enabled"


def accounts_enabled(session: Session) -> bool:
    """True once an administrator account exists (cached per session/transaction)."""
    cached = session.info.get(_ACCOUNTS_KEY)
    if cached is None:
        cached = session.scalar(select(AppUser.id).where(AppUser.role == ADMIN).limit(1))
        cached = cached is not None
        session.info[_ACCOUNTS_KEY] = cached
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


def authorize(
    session: Session, actor: Actor | None, permission: Permission, *, user: str | None = None
) -> str:
    """Check a write inside its transaction and return the user name for the audit trail.

    Single-user mode (no administrator yet): ``actor`` may be None and ``user`` is used.
    Account mode: ``actor`` is required, its account must be live and its *current* role
    (from the database) must have ``permission``; ``user``, when given, must be the
    actor's own name.
    """
    if actor is None:
        if accounts_enabled(session):
            raise PermissionDenied(
                f"This study has user accounts: log in to {PERMISSION_TEXT[permission]}"
            )
        if not user or not user.strip():
            raise UserError("A user name is required (it goes into the audit trail)")
        return user
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


# --------------------------------------------------------------------------- accounts


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user_row(session: Session, username: str) -> AppUser | None:
    return session.scalars(select(AppUser).where(AppUser.username == username)).one_or_none()


def _audit_account(
    session: Session,
    *,
    by: str,
    row: AppUser,
    changes: Iterable[audit.Change],
    reason: str | None = None,
    action: str = "account",
    now: Clock = _utc_now,
) -> None:
    audit.append(
        session,
        user=by,
        action=action,
        table_name=USER_TABLE,
        record_id=row.id,
        changes=list(changes),
        reason=reason,
        now=now,
    )


def _insert_user(
    session: Session,
    *,
    by: str | None,
    username: str,
    full_name: str,
    role: str,
    password: str,
    reason: str | None,
    now: Clock,
) -> AppUser:
    username = _clean_username(username)
    full_name = _clean_full_name(full_name)
    role = _check_role(role)
    _check_new_password(password, username)
    if _user_row(session, username) is not None:
        raise UserError(f"The user name {username!r} is already taken")
    row = AppUser(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        locked=False,
        created_at=audit.format_utc(now()),
    )
    session.add(row)
    session.flush()
    _audit_account(
        session,
        by=by or username,
        row=row,
        changes=[
            audit.Change("username", None, username),
            audit.Change("full_name", None, full_name),
            audit.Change("role", None, role),
            audit.Change("active", None, True),
        ],
        reason=reason,
        now=now,
    )
    if role == ADMIN:
        session.info[_ACCOUNTS_KEY] = True
    return row


def create_admin(
    store: Store, username: str, full_name: str, password: str, *, now: Clock = _utc_now
) -> UserInfo:
    """First run: create the administrator account; from then on the study is in account
    mode. Refused once an administrator exists."""
    with store.session() as session:
        if accounts_enabled(session):
            raise PermissionDenied("An administrator account already exists; log in as it")
        row = _insert_user(
            session,
            by=None,
            username=username,
            full_name=full_name,
            role=ADMIN,
            password=password,
            reason="first administrator account",
            now=now,
        )
        return _info(row)


def add_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    now: Clock = _utc_now,
) -> UserInfo:
    """An administrator creates an account (audited ``account``)."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        return _info(
            _insert_user(
                session,
                by=by,
                username=username,
                full_name=full_name,
                role=role,
                password=password,
                reason=None,
                now=now,
            )
        )


def list_users(store: Store) -> list[UserInfo]:
    with store.reading() as session:
        return [_info(r) for r in session.scalars(select(AppUser).order_by(AppUser.username))]


def get_user(store: Store, username: str) -> UserInfo | None:
    with store.reading() as session:
        row = _user_row(session, username)
        return _info(row) if row else None


def _target(session: Session, username: str) -> AppUser:
    row = _user_row(session, (username or "").strip())
    if row is None:
        raise UserError(f"No account named {username!r}")
    return row


def _usable_admins(session: Session, excluding: int | None = None) -> int:
    rows = session.scalars(
        select(AppUser.id).where(
            AppUser.role == ADMIN, AppUser.active.is_(True), AppUser.locked.is_(False)
        )
    ).all()
    return len([r for r in rows if r != excluding])


def _keep_an_admin(session: Session, row: AppUser, what: str) -> None:
    if row.role == ADMIN and row.active and not row.locked and _usable_admins(session, row.id) == 0:
        raise UserError(f"Cannot {what} the last usable administrator account")


def _reason(reason: str | None) -> str | None:
    return (reason or "").strip() or None


def set_role(
    store: Store,
    actor: Actor,
    username: str,
    role: str,
    *,
    reason: str | None = None,
    now: Clock = _utc_now,
) -> UserInfo:
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        role = _check_role(role)
        if row.role == role:
            return _info(row)
        if role != ADMIN:
            _keep_an_admin(session, row, "demote")
        old, row.role = row.role, role
        _audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("role", old, role)],
            reason=_reason(reason),
            now=now,
        )
        return _info(row)


def set_full_name(
    store: Store, actor: Actor, username: str, full_name: str, *, now: Clock = _utc_now
) -> UserInfo:
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        name = _clean_full_name(full_name)
        if name != row.full_name:
            old, row.full_name = row.full_name, name
            _audit_account(
                session, by=by, row=row, changes=[audit.Change("full_name", old, name)], now=now
            )
        return _info(row)


def set_active(
    store: Store,
    actor: Actor,
    username: str,
    active: bool,
    *,
    reason: str | None = None,
    now: Clock = _utc_now,
) -> UserInfo:
    """Disable or re-enable an account (accounts are never deleted: the audit names them)."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        if bool(row.active) == active:
            return _info(row)
        if not active:
            _keep_an_admin(session, row, "disable")
        row.active = active
        _audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("active", not active, active)],
            reason=_reason(reason),
            now=now,
        )
        return _info(row)


def lock_user(
    store: Store, actor: Actor, username: str, *, reason: str | None = None, now: Clock = _utc_now
) -> UserInfo:
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        if row.locked:
            return _info(row)
        _keep_an_admin(session, row, "lock")
        row.locked = True
        _audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("locked", False, True)],
            reason=_reason(reason),
            now=now,
        )
        return _info(row)


def _unlock_row(
    session: Session, row: AppUser, by: str, reason: str | None, now: Clock
) -> UserInfo:
    changes = []
    if row.locked:
        changes.append(audit.Change("locked", True, False))
    if row.failed_logins:
        changes.append(audit.Change("failed_logins", row.failed_logins, 0))
    row.locked, row.failed_logins = False, 0
    if changes:
        _audit_account(session, by=by, row=row, changes=changes, reason=reason, now=now)
    return _info(row)


def unlock_user(
    store: Store, actor: Actor, username: str, *, reason: str | None = None, now: Clock = _utc_now
) -> UserInfo:
    """Unlock an account (e.g. after five failed logins) and reset its failure count."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        return _unlock_row(session, _target(session, username), by, _reason(reason), now)


def recover_admin(
    store: Store, username: str, *, operator: str, reason: str, now: Clock = _utc_now
) -> UserInfo:
    """Unlock an administrator when no administrator can log in any more (all locked).

    Meant for the command line run by someone with access to the database file; refused
    while any other administrator is usable. Audited under ``operator`` with the reason.
    """
    reason_text = _reason(reason)
    if reason_text is None:
        raise UserError("Give a reason for the recovery (it goes into the audit trail)")
    with store.session() as session:
        row = _target(session, username)
        if row.role != ADMIN or not row.active:
            raise UserError(f"{row.username!r} is not an active administrator account")
        if _usable_admins(session) > 0:
            raise PermissionDenied(
                "An administrator can still log in; ask them to unlock the account"
            )
        return _unlock_row(session, row, f"{operator} (recovery)"[:USERNAME_MAX], reason_text, now)


def reset_password(
    store: Store, actor: Actor, username: str, new_password: str, *, now: Clock = _utc_now
) -> UserInfo:
    """An administrator sets a new password for someone (audited; the password is not)."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        _check_new_password(new_password, row.username)
        row.password_hash = hash_password(new_password)
        _audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("password", None, "reset by administrator")],
            now=now,
        )
        return _info(row)


# --------------------------------------------------------------------------- login


def _record_failure(
    store: Store, username: str, why: str, now: Clock
) -> tuple[bool, int]:  # (now locked, failures)
    """Count and audit a failed login in its own committed transaction."""
    with store.session() as session:
        row = _user_row(session, username)
        if row is None:
            audit.append(
                session,
                user=username[:USERNAME_MAX] or "?",
                action="login_failed",
                table_name=USER_TABLE,
                reason=why,
                now=now,
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
            now=now,
        )
        locked_now = False
        if not row.locked and row.failed_logins >= MAX_FAILED_LOGINS:
            row.locked = True
            locked_now = True
            _audit_account(
                session,
                by=row.username,
                row=row,
                changes=[audit.Change("locked", False, True)],
                reason=f"{MAX_FAILED_LOGINS} consecutive failed logins",
                now=now,
            )
        return locked_now, row.failed_logins


def _refusal(username: str, why: str, store: Store, now: Clock) -> AuthenticationError:
    locked_now, _n = _record_failure(store, username, why, now)
    if locked_now:
        return AuthenticationError(
            f"Wrong password. After {MAX_FAILED_LOGINS} failed attempts the account is locked; "
            "ask an administrator to unlock it"
        )
    return AuthenticationError("Wrong user name or password")


def login(store: Store, username: str, password: str, *, now: Clock = _utc_now) -> Actor:
    """Check the password and return an :class:`Actor` (audited ``login``). Failures are
    audited ``login_failed``; the fifth in a row locks the account."""
    name = (username or "").strip()
    if not name or not password:
        raise AuthenticationError("Enter your user name and password")
    with store.reading() as session:
        row = _user_row(session, name)
        state = None if row is None else (row.password_hash, row.active, row.locked)
    if state is None:
        _burn_time(password)
        raise _refusal(name, "unknown user name", store, now)
    stored_hash, active, locked = state
    if locked:
        _burn_time(password)
        _record_failure(store, name, "account locked", now)
        raise AuthenticationError(
            "This account is locked (too many failed logins or by an administrator); "
            "ask an administrator to unlock it"
        )
    if not active:
        _burn_time(password)
        _record_failure(store, name, "account disabled", now)
        raise AuthenticationError("This account is disabled; ask an administrator")
    if not check_password(stored_hash, password):
        raise _refusal(name, "wrong password", store, now)
    with store.session() as session:
        row = _user_row(session, name)
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
            now=now,
        )
        return _mint(session, row)


def confirm_password(store: Store, actor: Actor, password: str, *, now: Clock = _utc_now) -> None:
    """Ask a logged-in person for their password again (signing, unlocking an idle session).

    A wrong password counts as a failed login (audited, and the fifth locks the account).
    """
    with store.reading() as session:
        row = current_account(session, actor)
        stored_hash = row.password_hash
    if not password or not check_password(stored_hash, password):
        locked_now, _n = _record_failure(
            store, actor.username, "wrong password (confirmation)", now
        )
        if locked_now:
            logout(store, actor, now=now, audit_it=False)
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
                now=now,
            )
            row.failed_logins = 0


def reauthenticate(store: Store, actor: Actor, password: str, *, now: Clock = _utc_now) -> Actor:
    """Unlock an idle-locked session for the same person (the UI keeps unsaved input)."""
    confirm_password(store, actor, password, now=now)
    return actor


def logout(
    store: Store | None, actor: Actor, *, now: Clock = _utc_now, audit_it: bool = True
) -> None:
    """Forget the actor's login (audited ``logout`` when a store is given)."""
    with _LIVE_LOCK:
        live = _LIVE.pop(actor.token, None)
    if live is None or store is None or not audit_it:
        return
    with store.session() as session:
        audit.append(
            session,
            user=actor.username,
            action="logout",
            table_name=USER_TABLE,
            record_id=actor.user_id,
            now=now,
        )


def change_password(
    store: Store, actor: Actor, old_password: str, new_password: str, *, now: Clock = _utc_now
) -> None:
    """A person changes their own password (audited; no password is ever recorded)."""
    with store.reading() as session:
        row = current_account(session, actor)
        stored_hash = row.password_hash
    if not check_password(stored_hash, old_password):
        _record_failure(store, actor.username, "wrong password (password change)", now)
        raise AuthenticationError("The current password is wrong")
    _check_new_password(new_password, actor.username)
    if new_password == old_password:
        raise PasswordPolicyError("The new password must differ from the current one")
    with store.session() as session:
        row = current_account(session, actor)
        row.password_hash = hash_password(new_password)
        row.failed_logins = 0
        _audit_account(
            session,
            by=row.username,
            row=row,
            changes=[audit.Change("password", None, "changed by its owner")],
            now=now,
        )


# --------------------------------------------------------------------------- settings


def get_setting(store: Store, key: str, default: str | None = None) -> str | None:
    with store.reading() as session:
        row = session.get(StudySetting, key)
        return row.value if row is not None else default


def set_setting(
    store: Store, actor: Actor | None, key: str, value: str, *, now: Clock = _utc_now
) -> None:
    """Store a study setting (audited ``setting``); needs the SETTINGS permission in
    account mode."""
    with store.session() as session:
        by = authorize(
            session, actor, Permission.SETTINGS, user="system" if actor is None else None
        )
        row = session.get(StudySetting, key)
        old = row.value if row is not None else None
        if old == value:
            return
        stamp = audit.format_utc(now())
        if row is None:
            session.add(StudySetting(key=key, value=value, updated_at=stamp, updated_by=by))
        else:
            row.value, row.updated_at, row.updated_by = value, stamp, by
        audit.append(
            session,
            user=by,
            action="setting",
            table_name=SETTING_TABLE,
            record_id=key,
            changes=[audit.Change(key, old, value)],
            now=now,
        )


def idle_lock_minutes(store: Store) -> int:
    """Minutes without input after which the app locks the session (15 by default)."""
    raw = get_setting(store, IDLE_LOCK_KEY)
    try:
        value = int(raw) if raw is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    low, high = IDLE_LOCK_RANGE
    return value if low <= value <= high else DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(
    store: Store, actor: Actor | None, minutes: int, *, now: Clock = _utc_now
) -> None:
    low, high = IDLE_LOCK_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise UserError(f"Idle lock time must be a whole number of minutes from {low} to {high}")
    set_setting(store, actor, IDLE_LOCK_KEY, str(minutes), now=now)


class IdleLock:
    """The idle-lock policy as a clock, for the UI: call :meth:`touch` on user input and
    poll :meth:`expired` (e.g. from a timer); when it expires, lock the screen (keeping
    unsaved input) and unlock with :func:`reauthenticate`, then :meth:`touch` again."""

    def __init__(self, minutes: int, clock: Callable[[], float] = time.monotonic) -> None:
        low, high = IDLE_LOCK_RANGE
        if not low <= minutes <= high:
            raise UserError(f"Idle lock time must be from {low} to {high} minutes")
        self.seconds = minutes * 60.0
        self._clock = clock
        self._last = clock()

    @classmethod
    def for_store(cls, store: Store, clock: Callable[[], float] = time.monotonic) -> IdleLock:
        return cls(idle_lock_minutes(store), clock)

    def touch(self) -> None:
        self._last = self._clock()

    def seconds_left(self) -> float:
        return max(0.0, self.seconds - (self._clock() - self._last))

    def expired(self) -> bool:
        return self.seconds_left() <= 0.0
