"""The questions user management asks before it changes an account: the new account's
details, a role, a new password, a reason for the audit trail.

Module-level functions so tests can answer them without a modal dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QWidget

from msct_crf.access import ROLES
from ui.admin.new_user_dialog import NewUserDialog
from ui.common.session import role_name


def ask_new_user(parent: QWidget | None) -> dict[str, str] | None:
    """The new account's details, or None when cancelled."""
    dialog = NewUserDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_role(parent: QWidget | None, username: str, current: str) -> str | None:
    names = [role_name(r) for r in ROLES]
    chosen, ok = QInputDialog.getItem(
        parent,
        QCoreApplication.translate("AccountDialogs", "Change role"),
        QCoreApplication.translate("AccountDialogs", "New role of {user}:").format(user=username),
        names,
        ROLES.index(current) if current in ROLES else 0,
        False,
    )
    return ROLES[names.index(chosen)] if ok and chosen in names else None


def ask_new_password(parent: QWidget | None, username: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("AccountDialogs", "Reset password"),
        QCoreApplication.translate(
            "AccountDialogs", "New password for {user} (tell them to change it at first login):"
        ).format(user=username),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def ask_account_reason(parent: QWidget | None, what: str) -> str | None:
    """An optional reason ("" for none) for an account change, or None when cancelled."""
    text, ok = QInputDialog.getText(
        parent, what, QCoreApplication.translate("AccountDialogs", "Reason (optional, audited):")
    )
    return text.strip() if ok else None
