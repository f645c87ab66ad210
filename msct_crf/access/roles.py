"""Roles and what each may do; the logged-in person (`Actor`) as the core sees them.

Roles (DESIGN.md): ``admin`` manages accounts, settings and backups and may unlock records;
``pi`` enters data, answers and raises queries, signs, locks and unlocks; ``nurse`` enters
data and answers queries; ``monitor`` reads, verifies and raises queries. The table is
:data:`PERMISSIONS`; :func:`msct_crf.access.sessions.require` checks it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

ADMIN, PI, NURSE, MONITOR = "admin", "pi", "nurse", "monitor"
ROLES: tuple[str, ...] = (ADMIN, PI, NURSE, MONITOR)
ROLE_LABELS: dict[str, str] = {
    ADMIN: "administrator",
    PI: "principal investigator",
    NURSE: "study nurse",
    MONITOR: "monitor",
}


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
