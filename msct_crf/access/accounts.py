"""User accounts: the first administrator, adding people, roles, disabling, locking, resets.

Accounts are never deleted (the audit trail names them); every change is audited
(action ``account``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.access import signing_keys
from msct_crf.access.passwords import check_new_password, hash_password
from msct_crf.access.roles import ADMIN, ROLES, Actor, Permission
from msct_crf.access.sessions import (
    ACCOUNTS_KEY,
    accounts_enabled,
    audit_account,
    authorize,
    user_row,
)
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AppUser
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import is_demo
from msct_crf.study.text import (
    FULL_NAME_MAX,
    TEXT_MAX,
    USERNAME_MAX,
    as_typed,
    check_user_name,
    clean_text,
)


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


def _clean_username(username: str) -> str:
    name = as_typed(username or "").strip()
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
    if not (full_name or "").strip():
        raise UserError("Full name is required (it is printed with signatures)")
    name = clean_text(full_name, "full name", limit=FULL_NAME_MAX, multiline=False, collapse=True)
    assert name is not None
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"Role must be one of {', '.join(ROLES)} (got {str(role)[:20]!r})")
    return role


def _insert_user(
    session: Session,
    *,
    by: str | None,
    username: str,
    full_name: str,
    role: str,
    password: str,
    reason: str | None,
) -> AppUser:
    username = _clean_username(username)
    full_name = _clean_full_name(full_name)
    role = _check_role(role)
    if user_row(session, username) is not None:
        raise UserError(f"The user name {username!r} is already taken")
    check_new_password(password, username, full_name=full_name, check_strength=not is_demo(session))
    row = AppUser(
        username=username,
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_logins=0,
        locked=False,
        created_at=audit.format_utc(clock.now()),
    )
    session.add(row)
    session.flush()
    audit_account(
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
    )
    signing_keys.issue_key(session, row, password, by=by or username, reason=reason)
    if role == ADMIN:
        session.info[ACCOUNTS_KEY] = True
    return row


def create_admin(store: Store, username: str, full_name: str, password: str) -> UserInfo:
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
            )
        )


def list_users(store: Store) -> list[UserInfo]:
    with store.reading() as session:
        return [_info(r) for r in session.scalars(select(AppUser).order_by(AppUser.username))]


def get_user(store: Store, username: str) -> UserInfo | None:
    with store.reading() as session:
        row = user_row(session, username)
        return _info(row) if row else None


def _target(session: Session, username: str) -> AppUser:
    row = user_row(session, (username or "").strip())
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
    return clean_text(reason, "reason", limit=TEXT_MAX, required=False)


def set_role(
    store: Store,
    actor: Actor,
    username: str,
    role: str,
    *,
    reason: str | None = None,
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
        audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("role", old, role)],
            reason=_reason(reason),
        )
        return _info(row)


def set_full_name(store: Store, actor: Actor, username: str, full_name: str) -> UserInfo:
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        name = _clean_full_name(full_name)
        if name != row.full_name:
            old, row.full_name = row.full_name, name
            audit_account(session, by=by, row=row, changes=[audit.Change("full_name", old, name)])
        return _info(row)


def set_active(
    store: Store,
    actor: Actor,
    username: str,
    active: bool,
    *,
    reason: str | None = None,
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
        audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("active", not active, active)],
            reason=_reason(reason),
        )
        return _info(row)


def lock_user(store: Store, actor: Actor, username: str, *, reason: str | None = None) -> UserInfo:
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        if row.locked:
            return _info(row)
        _keep_an_admin(session, row, "lock")
        row.locked = True
        audit_account(
            session,
            by=by,
            row=row,
            changes=[audit.Change("locked", False, True)],
            reason=_reason(reason),
        )
        return _info(row)


def _unlock_row(session: Session, row: AppUser, by: str, reason: str | None) -> UserInfo:
    changes = []
    if row.locked:
        changes.append(audit.Change("locked", True, False))
    if row.failed_logins:
        changes.append(audit.Change("failed_logins", row.failed_logins, 0))
    row.locked, row.failed_logins = False, 0
    if changes:
        audit_account(session, by=by, row=row, changes=changes, reason=reason)
    return _info(row)


def unlock_user(
    store: Store, actor: Actor, username: str, *, reason: str | None = None
) -> UserInfo:
    """Unlock an account (e.g. after five failed logins) and reset its failure count."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        return _unlock_row(session, _target(session, username), by, _reason(reason))


def recover_admin(
    store: Store,
    username: str,
    *,
    operator: str,
    reason: str,
    new_password: str | None = None,
) -> UserInfo:
    """The last administrator's way back in: unlock an administrator when no administrator
    can log in any more (all locked), or, with `new_password`, also set a new password for
    one who forgot it when no *other* administrator can log in.

    Meant for the command line (``msct-crf user unlock --recover`` / ``user passwd
    --recover``) run by someone with access to the database file, who could change the file
    anyway: the recovery is audited under ``<operator> (recovery)`` with the reason, and
    refused while another administrator could do it the normal way.
    """
    reason_text = _reason(reason)
    if reason_text is None:
        raise UserError("Give a reason for the recovery (it goes into the audit trail)")
    with store.session() as session:
        row = _target(session, username)
        if row.role != ADMIN or not row.active:
            raise UserError(f"{row.username!r} is not an active administrator account")
        excluding = row.id if new_password is not None else None
        if _usable_admins(session, excluding) > 0:
            raise PermissionDenied(
                "An administrator can still log in; ask them to unlock the account"
                + (" or reset the password" if new_password is not None else "")
            )
        by = check_user_name(f"{check_user_name(operator)[: USERNAME_MAX - 11]} (recovery)")
        if new_password is not None:
            _set_password(session, row, new_password, by=by, note="reset by recovery")
        return _unlock_row(session, row, by, reason_text)


def _set_password(session: Session, row: AppUser, new_password: str, *, by: str, note: str) -> None:
    """Set an account's password on behalf of someone else (an administrator's reset, a
    recovery), checked against the policy and audited; the password itself never is."""
    check_new_password(
        new_password,
        row.username,
        full_name=row.full_name,
        check_strength=not is_demo(session),
    )
    row.password_hash = hash_password(new_password)
    audit_account(session, by=by, row=row, changes=[audit.Change("password", None, note)])
    # a new key under the new password (the old one cannot be unwrapped without the old
    # password); the old key is retired and what it signed still verifies
    signing_keys.issue_key(session, row, new_password, by=by, reason=f"password {note}")


def reset_password(store: Store, actor: Actor, username: str, new_password: str) -> UserInfo:
    """An administrator sets a new password for someone (audited; the password is not)."""
    with store.session() as session:
        by = authorize(session, actor, Permission.MANAGE_USERS)
        row = _target(session, username)
        _set_password(session, row, new_password, by=by, note="reset by administrator")
        return _info(row)
