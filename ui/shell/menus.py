"""The main window's menu bar: File, Subject, View, Account, Review, Language and Help.

The menus hold no behaviour of their own: each action calls the command the window hands in
under its key (:data:`ACTIONS`), so what a menu offers and what the window does stay apart.
Which actions a person may use follows their session (accounts, role) and whether a subject
is open; :meth:`MainMenus.update_enabled` is called when the Review menu opens and on every
retranslation. Export and backup add their own actions to the File menu.

Signals:
    languageChosen(str): a language was picked in the Language menu (its code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from msct_crf.access import Permission
from ui.admin.backup_dialog import add_backup_actions
from ui.admin.export_dialog import add_export_action
from ui.admin.import_return_dialog import add_import_return_action
from ui.admin.send_package_dialog import add_send_package_action
from ui.common import i18n
from ui.shell.session_controller import SessionController

_Key = QKeySequence.StandardKey
#: key -> (objectName, shortcut) of every action the window hands a command for.
ACTIONS: dict[str, tuple[str, Any]] = {
    "new_db": ("actNewDb", "Ctrl+Shift+N"),
    "open_db": ("actOpenDb", _Key.Open),
    "open_read_only": ("actOpenReadOnly", None),
    "demo": ("actOpenDemo", None),
    "verify": ("actVerify", None),
    "quit": ("actQuit", _Key.Quit),
    "new_subject": ("actNewSubject", "Ctrl+N"),
    "list": ("actPatientList", "Ctrl+L"),
    "refresh": ("actRefresh", _Key.Refresh),
    "about": ("actAbout", None),
    "password": ("actChangePassword", None),
    "users": ("actManageUsers", None),
    "idle": ("actIdleLock", None),
    "lock_now": ("actLockNow", "Ctrl+Shift+L"),
    "logout": ("actLogOut", None),
    "queries": ("actOpenQueries", None),
    "subject_queries": ("actSubjectQueries", None),
    "audit": ("actAuditTrail", None),
    "subject_audit": ("actSubjectAudit", None),
    "print_form": ("actPrintForm", _Key.Print),
    "save_pdf": ("actSaveFormPdf", None),
    "casebook": ("actCasebook", None),
}
#: The actions of each menu, in order ("-": a separator; "export+backup": their actions).
LAYOUT: dict[str, tuple[str, ...]] = {
    "file": (
        "new_db",
        "open_db",
        "open_read_only",
        "demo",
        "-",
        "verify",
        "-",
        "export+backup",
        "-",
        "print_form",
        "save_pdf",
        "-",
        "quit",
    ),
    "subject": ("new_subject", "list", "-", "casebook"),
    "view": ("work", "refresh"),
    "account": ("password", "users", "idle", "lock_now", "-", "logout"),
    "review": ("queries", "subject_queries", "audit", "subject_audit"),
    "language": (),
    "help": ("about",),
}


class MainMenus(QObject):
    """See the module docstring. ``actions`` and ``menus`` are by key."""

    languageChosen = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        commands: Mapping[str, Callable[[], object]],
        sessions: SessionController,
        *,
        work: QAction,
        has_subject: Callable[[], bool],
        on_restored: Callable[[object], None],
    ) -> None:
        """``work`` is the today's-work dock's toggle; ``has_subject`` says whether a
        subject's workspace is shown; ``on_restored`` runs after a backup was restored."""
        super().__init__(window)
        self._sessions = sessions
        self._has_subject = has_subject
        self.actions: dict[str, QAction] = {
            key: self._action(window, commands[key], name, shortcut)
            for key, (name, shortcut) in ACTIONS.items()
        }
        work.setShortcut(QKeySequence("Ctrl+T"))
        self.actions["work"] = work
        self.menus: dict[str, QMenu] = {}
        self._file_actions: list[QAction] = []
        for key, items in LAYOUT.items():
            menu = window.menuBar().addMenu("")
            menu.setObjectName(f"{key}Menu")
            for item in items:
                if item == "-":
                    menu.addSeparator()
                elif item == "export+backup":
                    self._add_file_actions(menu, window, on_restored)
                else:
                    menu.addAction(self.actions[item])
            self.menus[key] = menu
        self.menus["review"].aboutToShow.connect(self.update_enabled)
        self.menus["file"].aboutToShow.connect(self.update_enabled)
        self.menus["subject"].aboutToShow.connect(self.update_enabled)
        self.language_actions = self._add_languages(window, self.menus["language"])

    # ------------------------------------------------------------------ public

    def update_enabled(self) -> None:
        """Enable what the session's account and role allow, and the per-subject actions
        while a subject is shown."""
        session = self._sessions.session
        account = session.has_account
        self.actions["password"].setEnabled(account)
        self.actions["users"].setEnabled(session.can(Permission.MANAGE_USERS))
        self.actions["idle"].setEnabled(account)
        self.actions["lock_now"].setEnabled(account)
        self.actions["new_subject"].setEnabled(not session.read_only)
        has_subject = self._has_subject()
        self.actions["subject_queries"].setEnabled(has_subject)
        audit_ok = session.can(Permission.VIEW_AUDIT)
        self.actions["audit"].setEnabled(audit_ok)
        self.actions["subject_audit"].setEnabled(audit_ok and has_subject)
        # Print (Ctrl+P) and Save as PDF stay enabled with the permission, so the shortcut
        # works whatever was opened since a menu last showed; with no saved form shown
        # they say so (ui.shell.casebook_actions)
        export_ok = session.can(Permission.EXPORT)
        self.actions["casebook"].setEnabled(export_ok and has_subject)
        self.actions["print_form"].setEnabled(export_ok)
        self.actions["save_pdf"].setEnabled(export_ok)

    def retranslate(self) -> None:
        titles = {
            "file": self.tr("&File"),
            "subject": self.tr("&Subject"),
            "view": self.tr("&View"),
            "account": self.tr("&Account"),
            "review": self.tr("&Review"),
            "language": self.tr("&Language"),
            "help": self.tr("&Help"),
        }
        for key, text in titles.items():
            self.menus[key].setTitle(text)
        texts = {
            "new_db": self.tr("&New study database…"),
            "open_db": self.tr("&Open study database…"),
            "open_read_only": self.tr("Open read-onl&y…"),
            "demo": self.tr("Open the &demo study"),
            "verify": self.tr("&Verify database"),
            "quit": self.tr("&Quit"),
            "new_subject": self.tr("&New subject"),
            "list": self.tr("&Patient list"),
            "work": self.tr("&Today's work"),
            "refresh": self.tr("&Refresh"),
            "about": self.tr("&About MSC-CRF"),
            "password": self.tr("&Change password…"),
            "users": self.tr("&Manage users…"),
            "idle": self.tr("&Idle lock…"),
            "lock_now": self.tr("&Lock the screen now"),
            "logout": self.tr("Log &out"),
            "queries": self.tr("Open &queries (study)…"),
            "subject_queries": self.tr("Open queries of this &subject…"),
            "audit": self.tr("&Audit trail…"),
            "subject_audit": self.tr("Audit trail of this s&ubject…"),
            "print_form": self.tr("&Print…"),
            "save_pdf": self.tr("Save &as PDF…"),
            "casebook": self.tr("&Casebook (PDF)…"),
        }
        for key, text in texts.items():
            self.actions[key].setText(text)
        # export and backup add their actions themselves; their texts are theirs
        translate = QCoreApplication.translate
        own = {
            "actExport": translate("ExportDialog", "Export to Excel…"),
            "actionBackUpNow": translate("BackupDialog", "Back &up now"),
            "actionBackups": translate("BackupDialog", "&Backups…"),
            "actSendToCentre": translate("SendPackageDialog", "Send to coordinating centre…"),
            "actImportFromCentre": translate(
                "ImportReturnDialog", "Import from coordinating centre…"
            ),
        }
        for action in self._file_actions:
            action.setText(own.get(action.objectName(), action.text()))
        self.update_enabled()
        for code, action in self.language_actions.items():
            action.setChecked(code == i18n.current_language())

    # ------------------------------------------------------------------ building

    @staticmethod
    def _action(
        window: QMainWindow, slot: Callable[[], object], name: str, shortcut: Any
    ) -> QAction:
        action = QAction(window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _add_file_actions(
        self, menu: QMenu, window: QMainWindow, on_restored: Callable[[object], None]
    ) -> None:
        sessions = self._sessions
        export = add_export_action(
            menu,
            window,
            lambda: sessions.store,
            lambda: sessions.user,
            lambda: sessions.session.actor,
        )
        backups = add_backup_actions(
            menu,
            window,
            lambda: sessions.store,
            lambda: sessions.user,
            actor_getter=lambda: sessions.session.actor,
            on_restored=on_restored,
        )
        send = add_send_package_action(
            menu, window, lambda: sessions.store, lambda: sessions.session.actor
        )
        receive = add_import_return_action(
            menu, window, lambda: sessions.store, lambda: sessions.session.actor
        )
        self._file_actions = [export, *backups, send, receive]

    def _add_languages(self, window: QMainWindow, menu: QMenu) -> dict[str, QAction]:
        group = QActionGroup(window)
        group.setExclusive(True)
        actions: dict[str, QAction] = {}
        for code, name in i18n.LANGUAGES.items():
            action = QAction(name, window)
            action.setObjectName(f"actLanguage_{code}")
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.languageChosen.emit(c))
            group.addAction(action)
            menu.addAction(action)
            actions[code] = action
        return actions
