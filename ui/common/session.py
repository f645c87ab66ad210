"""Who is working: the user name for the audit trail and, in account mode, the logged-in Actor.

One :class:`UserSession` is made at start (by the login dialog, or from a plain user name in
single-user mode) and the same object is handed to every page that writes, so the pages never
pass a bare name where the core wants an :class:`msct_crf.access.Actor`.

:func:`show_refusal` is how the UI reports a step the core refused (a role without the
permission, a record in the wrong state): a window-modal message box that never blocks tests.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from msct_crf.access import ROLES, Actor, Permission

#: Permissions a single-user (legacy, no accounts) session has: data entry only. Lifecycle
#: steps and queries need a real account (the core refuses them without an Actor).
SINGLE_USER_PERMISSIONS = frozenset(
    {
        Permission.READ,
        Permission.ENTER_DATA,
        Permission.DELETE_DATA,
        Permission.EXPORT,
        Permission.VIEW_AUDIT,
    }
)

#: What a session on the coordinating centre's pooled database may still be offered: the
#: sites write their own data; a query raised there is a centre query (exchange.centre_queries).
CENTRE_PERMISSIONS = frozenset(
    {
        Permission.READ,
        Permission.RAISE_QUERY,
        Permission.VIEW_AUDIT,
        Permission.EXPORT,
        Permission.EXPORT_IDENTIFYING,
        Permission.MANAGE_USERS,
        Permission.SETTINGS,
        Permission.BACKUP,
    }
)


def role_name(role: str) -> str:
    """The translated name of a role (admin, pi, nurse, monitor)."""
    names = {
        "admin": QCoreApplication.translate("UserSession", "administrator"),
        "pi": QCoreApplication.translate("UserSession", "principal investigator"),
        "nurse": QCoreApplication.translate("UserSession", "study nurse"),
        "monitor": QCoreApplication.translate("UserSession", "monitor"),
    }
    return names.get(role, role)


class UserSession:
    """The current user: ``user_name`` always, ``actor`` when logged in to an account."""

    def __init__(
        self, user_name: str, actor: Actor | None = None, *, read_only: bool = False
    ) -> None:
        if actor is not None:
            user_name = actor.username
        self._user_name = user_name
        self._actor = actor
        self._read_only = read_only
        self._at_centre = False

    @classmethod
    def coerce(cls, user: str | UserSession) -> UserSession:
        """Accept what older callers pass (a user name) as well as a session."""
        return user if isinstance(user, UserSession) else cls(str(user))

    @property
    def user_name(self) -> str:
        return self._user_name

    @property
    def actor(self) -> Actor | None:
        return self._actor

    @property
    def role(self) -> str | None:
        return self._actor.role if self._actor is not None else None

    @property
    def has_account(self) -> bool:
        return self._actor is not None

    @property
    def read_only(self) -> bool:
        """Looking at a file opened read-only (File › Open read-only…): nothing is offered
        that would write."""
        return self._read_only

    @property
    def at_centre(self) -> bool:
        """Working on the coordinating centre's pooled database: every site's data, read
        only; queries raised go to the sites as centre queries."""
        return self._at_centre

    def set_at_centre(self, at_centre: bool) -> None:
        self._at_centre = at_centre

    def can(self, permission: Permission) -> bool:
        """Whether the UI should offer ``permission`` (the core checks again on every write)."""
        if self._read_only:
            return permission is Permission.READ
        if self._at_centre and permission not in CENTRE_PERMISSIONS:
            return False
        if self._actor is None:
            return permission in SINGLE_USER_PERMISSIONS
        return self._actor.can(permission)

    def display_name(self) -> str:
        """'Dr Li Wei (principal investigator)' or the plain user name in single-user mode."""
        if self._actor is None:
            return self._user_name
        return f"{self._actor.printed_name} ({role_name(self._actor.role)})"

    def end(self) -> None:
        """Forget the actor (after logout); the name stays for display."""
        self._actor = None

    def __str__(self) -> str:
        return self._user_name

    def __repr__(self) -> str:
        return f"UserSession({self._user_name!r}, role={self.role!r})"


def refusal_box(parent: QWidget | None, title: str, exc: BaseException) -> QMessageBox:
    """A window-modal warning naming what was refused; opened, not exec'd (never blocks)."""
    box = QMessageBox(parent)
    box.setObjectName("refusalBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(str(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def show_refusal(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """Report an action the core refused (PermissionDenied, UserError) without crashing."""
    refusal_box(parent, title or QCoreApplication.translate("UserSession", "Not allowed"), exc)


__all__ = [
    "CENTRE_PERMISSIONS",
    "ROLES",
    "SINGLE_USER_PERMISSIONS",
    "UserSession",
    "role_name",
    "show_refusal",
]
