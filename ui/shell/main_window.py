"""The main window: a thin shell that composes the pages and owns the open database.

A QStackedWidget switches between the patient list and the subject workspace; today's work
sits in a dock. The study overview (list rows and today's work) is read off the GUI thread
with `msct_crf.reporting.overview.load_overview` and handed to both views. Menus: File (new / open
database, demo study, verify, quit), Subject (new subject, patient list), View, Account
(change password, manage users, idle lock), Review (open queries, audit trail), Language and
Help. With user accounts the idle lock (`ui.shell.idle_lock`) is installed. The title and status
bar show the database file and the user.

Signals:
    overviewLoaded(): the patient list and today's work were (re)filled.
    databaseChanged(str): another database was opened (its path).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QWidget,
)

from msct_crf.access import Permission
from msct_crf.errors import MsctError
from msct_crf.reporting import overview
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import STUDY_CODE, STUDY_TITLE
from ui.admin.backup_dialog import add_backup_actions
from ui.admin.export_dialog import add_export_action
from ui.common import background, i18n
from ui.common import settings as opts
from ui.common.session import UserSession, show_refusal
from ui.shell import start_dialog
from ui.shell.database_guard import NoLock, automatic_backup, claim_database
from ui.shell.idle_lock import IdleLockGuard
from ui.shell.instance_lock import InstanceLock
from ui.views.patient_list_view import PatientListView
from ui.views.subject_workspace import SubjectWorkspace
from ui.views.todays_work import TodaysWorkView

VERSION = "0.1.0"


class _Cancelled(Exception):
    """Raised inside a background task when the user pressed Cancel."""


class MainWindow(QMainWindow):
    """See the module docstring."""

    overviewLoaded = Signal()
    databaseChanged = Signal(str)

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
        instance_lock: InstanceLock | NoLock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._store = store
        # held by the real app (ui.app.main): one writer per file, automatic backups
        self._instance_lock = instance_lock
        self._session = UserSession.coerce(user)
        self._user = self._session.user_name
        self._force_close = False
        self._windows: list[QWidget] = []
        self._today = today
        self._settings = opts.Settings()
        self._loading: background.Task | None = None
        self._reload_again = False
        self._closing = False

        self.patients = PatientListView()
        self.patients.openSubject.connect(self.open_subject)
        self.patients.newSubjectRequested.connect(self.new_subject)
        self.workspace = self._make_workspace()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.patients)
        self._stack.addWidget(self.workspace)
        self.setCentralWidget(self._stack)

        self.todays_work = TodaysWorkView()
        self.todays_work.openSubject.connect(self.open_subject)
        self._dock = QDockWidget()
        self._dock.setObjectName("todaysWorkDock")
        self._dock.setWidget(self.todays_work)
        self._dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._dock)
        self.resizeDocks([self._dock], [400], Qt.Orientation.Horizontal)

        self._status_user = QLabel()
        self._status_user.setObjectName("statusUser")
        self._status_db = QLabel()
        self._status_db.setObjectName("statusDatabase")
        self.statusBar().addPermanentWidget(self._status_user)
        self.statusBar().addPermanentWidget(self._status_db)

        self._build_menus()
        self.idle_lock = self._make_idle_lock()
        self.retranslate()
        self.resize(1280, 800)
        if self._instance_lock is not None:
            QTimer.singleShot(0, self._daily_backup)
        geometry = self._settings.get(opts.WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.refresh()

    # ------------------------------------------------------------------ public

    @property
    def store(self) -> Store:
        return self._store

    @property
    def user(self) -> str:
        return self._user

    @property
    def session(self) -> UserSession:
        return self._session

    def today(self) -> dt.date:
        return self._today()

    def is_loading(self) -> bool:
        return self._loading is not None

    def refresh(self) -> None:
        """Reload the patient list and today's work off the GUI thread."""
        if self._loading is not None:
            self._reload_again = True
            return
        store, today = self._store, self._today()
        self.statusBar().showMessage(self.tr("Loading the study…"))
        self._loading = background.run_task(
            lambda _task: overview.load_overview(store, today),
            on_done=self._on_overview,
            on_error=self._on_overview_error,
        )

    def open_subject(self, subjid: str, tab: str | None = None) -> bool:
        if not self.workspace.open_subject(subjid, tab):
            return False
        self._stack.setCurrentWidget(self.workspace)
        self.patients.select_subject(subjid)
        return True

    def new_subject(self) -> bool:
        if not self.workspace.new_subject():
            return False
        self._stack.setCurrentWidget(self.workspace)
        return True

    def show_patient_list(self) -> bool:
        if self._stack.currentWidget() is self.workspace and not self.workspace.maybe_leave():
            return False
        self._stack.setCurrentWidget(self.patients)
        self.patients.table.setFocus()
        self.refresh()
        return True

    def showing_workspace(self) -> bool:
        return self._stack.currentWidget() is self.workspace

    def switch_store(self, store: Store) -> bool:
        """Show another database; False (and ``store`` closed) when the user stayed."""
        if not self.workspace.maybe_leave():
            store.close()
            return False
        new_lock = claim_database(store, self) if self._instance_lock is not None else None
        if self._instance_lock is not None and new_lock is None:
            store.close()
            return False
        from ui.shell.login_dialog import session_for_store

        session = session_for_store(store, self._user, self, offer_first_run=False)
        if session is None:
            if new_lock is not None:
                new_lock.release()
            store.close()
            return False
        if self._instance_lock is not None:
            automatic_backup(self._store, self._user, every=dt.timedelta(0))
            self._instance_lock.release()
            self._instance_lock = new_lock
            QTimer.singleShot(0, self._daily_backup)
        old = self._store
        self._end_session()
        self._session, self._user = session, session.user_name
        self._store = store
        self.idle_lock = self._make_idle_lock()
        self._stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace = self._make_workspace()
        self._stack.addWidget(self.workspace)
        self._stack.setCurrentWidget(self.patients)
        self.patients.set_rows([])
        self.todays_work.set_work([], {}, self._today())
        background.wait_for_tasks()
        self._loading = None
        old.close()
        if store.path is not None:
            self._settings.remember_database(str(store.path))
        self.retranslate()
        self.refresh()
        self.databaseChanged.emit(str(store.path or store.url))
        return True

    # ------------------------------------------------------------------ events

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._force_close and not self.workspace.maybe_leave():
            event.ignore()
            return
        self._closing = True
        self._end_session()
        self._settings.set(opts.WINDOW_GEOMETRY, self.saveGeometry())
        self._settings.sync()
        background.wait_for_tasks()
        self._loading = None
        if self._instance_lock is not None:
            automatic_backup(self._store, self._user, every=dt.timedelta(0))  # on exit
            self._instance_lock.release()
        self._store.close()
        event.accept()

    # ------------------------------------------------------------------ building

    def _make_workspace(self) -> SubjectWorkspace:
        workspace = SubjectWorkspace(self._store, self._session, self._today)
        workspace.backRequested.connect(self._back_to_list)
        workspace.subjectChanged.connect(self._on_subject_changed)
        workspace.subjectCreated.connect(self._on_subject_changed)
        return workspace

    def _action(self, slot: Callable[[], Any], shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._menus: dict[str, Any] = {}
        self._acts: dict[str, QAction] = {
            "new_db": self._action(self._new_database, "Ctrl+Shift+N", "actNewDb"),
            "open_db": self._action(
                self._open_database, QKeySequence.StandardKey.Open, "actOpenDb"
            ),
            "demo": self._action(self._open_demo, None, "actOpenDemo"),
            "verify": self._action(self._verify, None, "actVerify"),
            "quit": self._action(self.close, QKeySequence.StandardKey.Quit, "actQuit"),
            "new_subject": self._action(self.new_subject, "Ctrl+N", "actNewSubject"),
            "list": self._action(self.show_patient_list, "Ctrl+L", "actPatientList"),
            "refresh": self._action(self.refresh, QKeySequence.StandardKey.Refresh, "actRefresh"),
            "about": self._action(self._about, None, "actAbout"),
            "password": self._action(self._change_password, None, "actChangePassword"),
            "users": self._action(self._manage_users, None, "actManageUsers"),
            "idle": self._action(self._idle_lock_settings, None, "actIdleLock"),
            "lock_now": self._action(self._lock_now, "Ctrl+Shift+L", "actLockNow"),
            "queries": self._action(self._open_queries, None, "actOpenQueries"),
            "subject_queries": self._action(
                lambda: self._open_queries(subject_only=True), None, "actSubjectQueries"
            ),
            "audit": self._action(self._open_audit, None, "actAuditTrail"),
            "subject_audit": self._action(
                lambda: self._open_audit(subject_only=True), None, "actSubjectAudit"
            ),
        }
        file_menu = bar.addMenu("")
        for key in ("new_db", "open_db", "demo"):
            file_menu.addAction(self._acts[key])
        file_menu.addSeparator()
        file_menu.addAction(self._acts["verify"])
        file_menu.addSeparator()
        add_export_action(
            file_menu, self, lambda: self._store, lambda: self._user, lambda: self._session.actor
        )
        add_backup_actions(
            file_menu,
            self,
            lambda: self._store,
            lambda: self._user,
            actor_getter=lambda: self._session.actor,
            on_restored=lambda _info: self.refresh(),
        )
        file_menu.addSeparator()
        file_menu.addAction(self._acts["quit"])
        subject_menu = bar.addMenu("")
        subject_menu.addAction(self._acts["new_subject"])
        subject_menu.addAction(self._acts["list"])
        view_menu = bar.addMenu("")
        self._acts["work"] = self._dock.toggleViewAction()
        self._acts["work"].setShortcut(QKeySequence("Ctrl+T"))
        view_menu.addAction(self._acts["work"])
        view_menu.addAction(self._acts["refresh"])
        account_menu = bar.addMenu("")
        account_menu.setObjectName("accountMenu")
        for key in ("password", "users", "idle", "lock_now"):
            account_menu.addAction(self._acts[key])
        review_menu = bar.addMenu("")
        review_menu.setObjectName("reviewMenu")
        for key in ("queries", "subject_queries", "audit", "subject_audit"):
            review_menu.addAction(self._acts[key])
        review_menu.aboutToShow.connect(self._update_session_actions)
        language_menu = bar.addMenu("")
        language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self._language_actions: dict[str, QAction] = {}
        for code, name in i18n.LANGUAGES.items():
            action = QAction(name, self)
            action.setObjectName(f"actLanguage_{code}")
            action.setCheckable(True)
            action.setChecked(code == i18n.current_language())
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            language_menu.addAction(action)
            self._language_actions[code] = action
        help_menu = bar.addMenu("")
        help_menu.addAction(self._acts["about"])
        self._menus = {
            "file": file_menu,
            "subject": subject_menu,
            "view": view_menu,
            "account": account_menu,
            "review": review_menu,
            "language": language_menu,
            "help": help_menu,
        }

    def retranslate(self) -> None:
        path = self._store.path
        where = path.name if path is not None else self._store.url
        self.setWindowTitle(
            self.tr("MSC-CRF — {database} — {user}").format(database=where, user=self._user)
        )
        self._status_user.setText(self.tr("User: {user}").format(user=self._session.display_name()))
        self._status_db.setText(
            self.tr("Database: {path}").format(path=str(path) if path else self._store.url)
        )
        self._dock.setWindowTitle(self.tr("Today's work"))
        menus = {
            "file": self.tr("&File"),
            "subject": self.tr("&Subject"),
            "view": self.tr("&View"),
            "account": self.tr("&Account"),
            "review": self.tr("&Review"),
            "language": self.tr("&Language"),
            "help": self.tr("&Help"),
        }
        for key, text in menus.items():
            self._menus[key].setTitle(text)
        texts = {
            "new_db": self.tr("&New study database…"),
            "open_db": self.tr("&Open study database…"),
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
            "queries": self.tr("Open &queries (study)…"),
            "subject_queries": self.tr("Open queries of this &subject…"),
            "audit": self.tr("&Audit trail…"),
            "subject_audit": self.tr("Audit trail of this s&ubject…"),
        }
        for key, text in texts.items():
            self._acts[key].setText(text)
        self._update_session_actions()
        for code, action in self._language_actions.items():
            action.setChecked(code == i18n.current_language())

    # ------------------------------------------------------------------ slots

    def set_language(self, code: str) -> None:
        if not i18n.set_language(code):
            QMessageBox.warning(
                self,
                self.tr("Language"),
                self.tr("The translation file for {language} is missing.").format(
                    language=i18n.LANGUAGES.get(code, code)
                ),
            )
            return
        self._settings.set(opts.LANGUAGE, code)
        self._settings.sync()
        self.retranslate()

    def _on_overview(self, loaded: overview.Overview) -> None:
        self._loading = None
        if self._closing:
            return
        if self._reload_again:
            self._reload_again = False
            self.refresh()
            return
        self.patients.set_rows(loaded.rows)
        self.todays_work.set_work(loaded.work, {r.subjid: r for r in loaded.rows}, loaded.today)
        self.statusBar().showMessage(self.tr("%n subject(s) loaded", "", len(loaded.rows)), 4000)
        self.overviewLoaded.emit()

    def _on_overview_error(self, exc: BaseException) -> None:
        self._loading = None
        self._reload_again = False
        self.statusBar().showMessage(self.tr("Could not read the study: {error}").format(error=exc))

    def _back_to_list(self) -> None:
        self._stack.setCurrentWidget(self.patients)
        self.patients.table.setFocus()
        self.refresh()

    def _on_subject_changed(self, subjid: str) -> None:
        try:
            row = overview.subject_row(self._store, subjid, self._today())
        except MsctError:
            row = None
        if row is not None:
            self.patients.model.update_row(row)

    def _new_database(self) -> None:
        path = start_dialog.choose_new_database(self)
        if path is not None:
            self._open_in_background(path, create=True)

    def _open_database(self) -> None:
        path = start_dialog.choose_existing_database(self)
        if path is not None:
            self._open_in_background(path, create=False)

    def _open_demo(self) -> None:
        self._open_in_background(start_dialog.demo_database_path(), create=True, demo=True)

    def _open_in_background(self, path: Path, *, create: bool, demo: bool = False) -> None:
        if self._store.path is not None and path.resolve() == self._store.path.resolve():
            self.show_patient_list()
            return
        start_dialog.open_store_with_progress(
            self,
            path,
            create=create,
            demo=demo,
            on_opened=self.switch_store,
            on_error=lambda message: QMessageBox.warning(
                self, self.tr("Cannot open the database"), message
            ),
        )

    def _verify(self) -> None:
        path = self._store.path
        if path is None:
            QMessageBox.information(
                self,
                self.tr("Verify database"),
                self.tr("Only SQLite study files can be verified here."),
            )
            return
        progress = QProgressDialog(
            self.tr("Verifying the database…"), self.tr("Cancel"), 0, 100, self
        )
        progress.setObjectName("verifyProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def work(task: background.Task) -> Any:
            def report(percent: int) -> None:
                if task.cancelled:
                    raise _Cancelled
                task.report(percent)

            return verify_database(path, progress=report)

        def done(checks: Any) -> None:
            progress.close()
            failed = [c for c in checks if not c.ok]
            lines = "\n".join(f"{'✔' if c.ok else '✘'} {c.name}: {c.detail}" for c in checks)
            if failed:
                QMessageBox.critical(
                    self,
                    self.tr("Verify database"),
                    self.tr("The database FAILED verification:") + "\n\n" + lines,
                )
            else:
                QMessageBox.information(
                    self,
                    self.tr("Verify database"),
                    self.tr("The database passed every check:") + "\n\n" + lines,
                )

        def failed(exc: BaseException) -> None:
            progress.close()
            if isinstance(exc, _Cancelled):
                self.statusBar().showMessage(self.tr("Verification cancelled."), 4000)
                return
            QMessageBox.critical(self, self.tr("Verify database"), str(exc))

        task = background.run_task(
            work, on_done=done, on_error=failed, on_progress=progress.setValue
        )
        progress.canceled.connect(task.cancel)

    def _daily_backup(self) -> None:
        """The automatic daily backup, off the GUI thread; the result goes to the status bar."""
        store, user = self._store, self._user

        def report(message: Any) -> None:
            if message:
                self.statusBar().showMessage(message, 8000)

        background.run_task(
            lambda _task: automatic_backup(store, user, every=dt.timedelta(days=1)),
            on_done=report,
            on_error=lambda exc: report(str(exc)),
        )

    # ------------------------------------------------------------------ accounts and review

    def _make_idle_lock(self) -> IdleLockGuard | None:
        """The idle lock, for a session with an account (single-user mode has no password)."""
        if not self._session.has_account:
            return None
        guard = IdleLockGuard(self._store, self._session, self)
        guard.quitRequested.connect(self._quit_from_lock)
        guard.install()
        return guard

    def _end_session(self) -> None:
        """Stop the idle lock and log the account out (audited)."""
        from msct_crf import access

        guard, self.idle_lock = getattr(self, "idle_lock", None), None
        if guard is not None:
            guard.uninstall()
            guard.deleteLater()
        actor = self._session.actor
        if actor is not None:
            # the database may be unwritable now; the login then simply lapses
            with contextlib.suppress(MsctError):
                access.logout(self._store, actor)

    def _quit_from_lock(self) -> None:
        self._force_close = True
        self.close()

    def _update_session_actions(self) -> None:
        session = self._session
        account = session.has_account
        self._acts["password"].setEnabled(account)
        self._acts["users"].setEnabled(session.can(Permission.MANAGE_USERS))
        self._acts["idle"].setEnabled(account)
        self._acts["lock_now"].setEnabled(account)
        has_subject = self.showing_workspace() and self.workspace.current_subject() is not None
        self._acts["subject_queries"].setEnabled(has_subject)
        audit_ok = session.can(Permission.VIEW_AUDIT)
        self._acts["audit"].setEnabled(audit_ok)
        self._acts["subject_audit"].setEnabled(audit_ok and has_subject)

    def _show_window(self, dialog: QWidget) -> None:
        """Keep a non-modal window alive while it is open."""
        self._windows = [w for w in self._windows if w.isVisible()]
        self._windows.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def _change_password(self) -> None:
        from ui.admin.account_dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(self._store, self._session, self)
        if dialog.exec():
            self.statusBar().showMessage(self.tr("Your password was changed."), 4000)

    def _manage_users(self) -> None:
        from ui.admin.account_dialogs import UserManagementDialog

        try:
            dialog = UserManagementDialog(self._store, self._session, self)
        except MsctError as exc:
            show_refusal(self, exc)
            return
        dialog.exec()

    def _idle_lock_settings(self) -> None:
        from msct_crf import access
        from ui.admin.account_dialogs import IdleLockDialog

        dialog = IdleLockDialog(self._store, self._session, self)
        if dialog.exec() and self.idle_lock is not None:
            self.idle_lock.set_minutes(access.idle_lock_minutes(self._store))

    def _lock_now(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def _current_subject(self) -> str | None:
        return self.workspace.current_subject() if self.showing_workspace() else None

    def _open_queries(self, subject_only: bool = False) -> None:
        from ui.review.queries_dialog import QueriesDialog

        subject = self._current_subject() if subject_only else None
        dialog = QueriesDialog(self._store, self._session, subject=subject, parent=self)
        dialog.panel.openRecord.connect(self._open_record)
        dialog.panel.changed.connect(self._reload_workspace)
        self._show_window(dialog)

    def _open_audit(self, subject_only: bool = False) -> None:
        from ui.review.audit_viewer_dialog import AuditViewerDialog

        subject = self._current_subject() if subject_only else None
        self._show_window(AuditViewerDialog(self._store, self._session, subject, self))

    def _open_record(self, subjid: str, form: str, record_id: int) -> None:
        """Show a record named by a query list (subject, form tab, record)."""
        from ui.views.subject_workspace import TAB_KEYS

        tab = form if form in TAB_KEYS else None
        if not self.open_subject(subjid, tab):
            return
        page = self.workspace.page(tab) if tab else None
        if page is not None and hasattr(page, "open_record"):
            page.open_record(record_id)
        self.activateWindow()

    def _reload_workspace(self) -> None:
        """A query answer may have corrected data: reload the page shown, if it is clean."""
        subjid = self._current_subject()
        if subjid is None:
            return
        page = self.workspace.page(self.workspace.current_key())
        editor = getattr(page, "editor", page)
        if hasattr(editor, "is_dirty") and not editor.is_dirty() and editor.record_id():
            editor.load_record(subjid, editor.record_id())

    def _about(self) -> None:
        language = i18n.dictionary_language()
        QMessageBox.about(
            self,
            self.tr("About MSC-CRF"),
            self.tr(
                "<b>MSC-CRF</b> {version}<br>{code}: {title}<br><br>"
                "Electronic case report form for mesenchymal stem cell transplantation in "
                "cirrhosis caused by autoimmune liver disease. Data stay on this computer; "
                "every change is kept in an audit trail."
            ).format(version=VERSION, code=STUDY_CODE, title=STUDY_TITLE.get(language)),
        )
