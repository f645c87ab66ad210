"""The main window: a thin shell that composes the pages.

A QStackedWidget switches between the patient list and the subject workspace; today's work
sits in a dock. The study overview (list rows and today's work) is read off the GUI thread
with `msct_crf.reporting.overview.load_overview` and handed to both views (on the first
load of a large study, its first screen of subjects comes first, `load_first_screen`, so
the list paints before the rest is read). The menus are
`ui.shell.menus.MainMenus`; who works on which database (login, logout, idle lock, switching
database, the Account menu) is `ui.shell.session_controller.SessionController`. The title
and status bar show the database file and the user.

Signals:
    overviewLoaded(): the patient list and today's work were (re)filled.
    databaseChanged(str): another database was opened (its path).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from msct_crf.access import study_settings
from msct_crf.errors import MsctError
from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import STUDY_CODE, STUDY_TITLE
from ui.common import background, i18n
from ui.common import settings as opts
from ui.common.session import UserSession
from ui.shell import new_study_dialog, start_dialog
from ui.shell.casebook_actions import CasebookActions
from ui.shell.database_guard import NoLock
from ui.shell.idle_lock import IdleLockGuard
from ui.shell.instance_lock import InstanceLock
from ui.shell.menus import MainMenus
from ui.shell.new_study_fields import Identity
from ui.shell.session_controller import SessionController
from ui.shell.verify_database import DatabaseVerifier
from ui.views.patient_list_view import PatientListView
from ui.views.subject_workspace import TAB_KEYS, SubjectWorkspace
from ui.views.todays_work import TodaysWorkView

VERSION = "0.1.0"


#: Subjects read for the patient list's first screen before the whole study (issue 14).
FIRST_SCREEN_ROWS = 60


class MainWindow(QMainWindow):
    """See the module docstring."""

    overviewLoaded = Signal()
    databaseChanged = Signal(str)

    patients: PatientListView
    workspace: SubjectWorkspace  # replaced when another database is opened
    todays_work: TodaysWorkView
    _stack: QStackedWidget

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
        instance_lock: InstanceLock | NoLock | None = None,
    ) -> None:
        """``instance_lock`` is held by the real app (`ui.app.main`): one writer per file,
        automatic backups."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.sessions = SessionController(store, UserSession.coerce(user), self, instance_lock)
        self.sessions.quitRequested.connect(self._quit_from_lock)
        self.sessions.message.connect(self.statusBar().showMessage)
        self._force_close = False
        self._windows: list[QWidget] = []
        self._today = today
        self._settings = opts.Settings()
        self._loading: background.Task | None = None
        self._reload_again = False
        self._closing = False
        self._verifier = DatabaseVerifier(self)
        self.casebooks = CasebookActions(
            self, self.sessions, lambda: self.workspace if self.showing_workspace() else None
        )
        self._build_pages()
        self.menus = self._build_menus()
        self.sessions.start()
        self.retranslate()
        self.resize(1280, 800)
        geometry = self._settings.get(opts.WINDOW_GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self.refresh()

    # ------------------------------------------------------------------ public

    @property
    def store(self) -> Store:
        return self.sessions.store

    @property
    def user(self) -> str:
        return self.sessions.user

    @property
    def session(self) -> UserSession:
        return self.sessions.session

    @property
    def idle_lock(self) -> IdleLockGuard | None:
        return self.sessions.idle_lock

    def today(self) -> dt.date:
        return self._today()

    def is_loading(self) -> bool:
        return self._loading is not None

    def refresh(self) -> None:
        """Reload the patient list and today's work off the GUI thread."""
        if self._loading is not None:
            self._reload_again = True
            return
        store, today = self.store, self._today()
        self.statusBar().showMessage(self.tr("Loading the study…"))
        if self.patients.model.total_count() == 0:
            # an empty list (the first load): its first screen first, then the rest
            self._loading = background.run_task(
                lambda _task: overview.load_first_screen(store, today, FIRST_SCREEN_ROWS),
                on_done=self._on_first_screen,
                on_error=self._on_overview_error,
            )
            return
        self._load_all()

    def _load_all(self) -> None:
        store, today = self.store, self._today()
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
        self.workspace.focus_form()
        return True

    def open_due_visit(self, subjid: str, visit: str) -> bool:
        """A line of Today's work: the subject's Visits tab with a new record of that visit."""
        if not self.open_subject(subjid, "VIS"):
            return False
        page = self.workspace.page("VIS")
        if not page.new_record():
            return True  # the person kept an unsaved visit open
        page.editor.prefill({"VISIT": visit})
        return True

    def new_subject(self) -> bool:
        if self.session.read_only or not self.workspace.new_subject():
            return False
        self._stack.setCurrentWidget(self.workspace)
        self.workspace.focus_form()
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
        if getattr(store, "read_only", False):
            old = self.sessions.view_read_only(store)
        else:
            old = self.sessions.switch_to(store)
        if old is None:
            return False
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
        if store.path is not None and not store.read_only:
            self._settings.remember_database(str(store.path))
        self.retranslate()
        self.refresh()
        self.databaseChanged.emit(str(store.path or store.url))
        return True

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
        self.statusBar().clearMessage()  # a passing message in the language left behind
        self.retranslate()

    @staticmethod
    def _demo_study(store: Store) -> bool:
        """True for a study made by ``msct-crf demo`` (marked so in its settings)."""
        try:
            return study_settings.is_demo_study(store)
        except MsctError:
            return False  # an unreadable setting never stops the window from showing

    def retranslate(self) -> None:
        store = self.store
        path = store.path
        where = path.name if path is not None else store.url
        title = self.tr("MSC-CRF — {database} — {user}").format(database=where, user=self.user)
        if store.read_only:
            title += " — " + self.tr("read-only")
        if self._demo_study(store):
            title += " — " + self.tr("DEMO")
        if self.session.at_centre:
            title += " — " + self.tr("coordinating centre (read only)")
        self.setWindowTitle(title)
        self.patients.set_can_enrol(not self.session.read_only and not self.session.at_centre)
        self._status_user.setText(self.tr("User: {user}").format(user=self.session.display_name()))
        self._status_db.setText(
            self.tr("Database: {path}").format(path=str(path) if path else store.url)
        )
        self._dock.setWindowTitle(self.tr("Today's work"))
        self.menus.retranslate()

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
        self.sessions.end()
        self._settings.set(opts.WINDOW_GEOMETRY, self.saveGeometry())
        self._settings.sync()
        background.wait_for_tasks()
        self._loading = None
        self.sessions.close_database()
        event.accept()

    # ------------------------------------------------------------------ building

    def _build_pages(self) -> None:
        self.patients = PatientListView()
        self.patients.openSubject.connect(self.open_subject)
        self.patients.newSubjectRequested.connect(self.new_subject)
        self.workspace = self._make_workspace()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.patients)
        self._stack.addWidget(self.workspace)
        self.setCentralWidget(self._stack)

        self.todays_work = TodaysWorkView()
        self.todays_work.openVisit.connect(self.open_due_visit)
        self._dock = QDockWidget()
        self._dock.setObjectName("todaysWorkDock")
        self._dock.setWidget(self.todays_work)
        self._dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self._dock)
        # narrow enough at 1280x800 for the two lab columns of a visit beside the scores
        self.resizeDocks([self._dock], [300], Qt.Orientation.Horizontal)

        self._status_user = QLabel()
        self._status_user.setObjectName("statusUser")
        self._status_db = QLabel()
        self._status_db.setObjectName("statusDatabase")
        self.statusBar().addPermanentWidget(self._status_user)
        self.statusBar().addPermanentWidget(self._status_db)

    def _make_workspace(self) -> SubjectWorkspace:
        workspace = SubjectWorkspace(self.store, self.session, self._today)
        workspace.backRequested.connect(self._back_to_list)
        workspace.subjectChanged.connect(self._on_subject_changed)
        workspace.subjectCreated.connect(self._on_subject_changed)
        return workspace

    def _build_menus(self) -> MainMenus:
        sessions = self.sessions
        commands: dict[str, Callable[[], object]] = {
            "new_db": self._new_database,
            "open_db": self._open_database,
            "open_read_only": self._open_read_only,
            "demo": self._open_demo,
            "verify": lambda: self._verifier.run(self.store.location),
            "quit": self.close,
            "new_subject": self.new_subject,
            "list": self.show_patient_list,
            "refresh": self.refresh,
            "about": self._about,
            "password": sessions.change_password,
            "users": sessions.manage_users,
            "idle": sessions.idle_lock_settings,
            "lock_now": sessions.lock_now,
            "logout": self._log_out,
            "queries": self.open_queries,
            "subject_queries": lambda: self.open_queries(subject_only=True),
            "audit": self._open_audit,
            "subject_audit": lambda: self._open_audit(subject_only=True),
            "print_form": self.casebooks.print_form,
            "save_pdf": self.casebooks.save_pdf,
            "casebook": self.casebooks.casebook,
        }
        menus = MainMenus(
            self,
            commands,
            sessions,
            work=self._dock.toggleViewAction(),
            has_subject=lambda: self._current_subject() is not None,
            on_restored=lambda _info: self.refresh(),
        )
        menus.languageChosen.connect(self.set_language)
        return menus

    # ------------------------------------------------------------------ slots

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

    def _on_first_screen(self, loaded: tuple[overview.Overview, bool]) -> None:
        first, complete = loaded
        if complete or self._closing:
            self._on_overview(first)  # a small study: that was all of it
            return
        self._loading = None
        if self.patients.model.total_count() == 0:
            self.patients.set_rows(first.rows)
        self._reload_again = False  # the full load starts now and sees the newest data
        self._load_all()

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
            row = overview.subject_row(self.store, subjid, self._today())
        except MsctError:
            row = None
        if row is not None:
            self.patients.model.update_row(row)
        self.refresh()  # today's work (and the list) as the save left them

    def _new_database(self) -> None:
        """File › New study database…: the study ID and site first, then the file."""
        identity = new_study_dialog.ask_new_study(self)
        if identity is None:
            return
        path = start_dialog.choose_new_database(self)
        if path is not None:
            self._open_in_background(path, create=True, identity=identity)

    def _open_database(self) -> None:
        path = start_dialog.choose_existing_database(self)
        if path is not None:
            self._open_in_background(path, create=False)

    def _open_read_only(self) -> bool:
        """View an archived or read-only copy without writing anything (for monitors)."""
        path = start_dialog.choose_existing_database(self)
        if path is None:
            return False
        try:
            store = Store.open_read_only(path)
        except MsctError as exc:
            QMessageBox.warning(self, self.tr("Cannot open the database"), str(exc))
            return False
        return self.switch_store(store)

    def _open_demo(self) -> None:
        self._open_in_background(start_dialog.demo_database_path(), create=True, demo=True)

    def _open_in_background(
        self, path: Path, *, create: bool, demo: bool = False, identity: Identity | None = None
    ) -> None:
        current = self.store.path
        if current is not None and path.resolve() == current.resolve():
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
            identity=identity,
        )

    def _log_out(self) -> None:
        """Account › Log out: after the unsaved-changes guard, the next person logs in and
        the pages are rebuilt for their session (role, name)."""
        if not self.workspace.maybe_leave():
            return
        if not self.sessions.log_out():
            return
        self._stack.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace = self._make_workspace()
        self._stack.addWidget(self.workspace)
        self._stack.setCurrentWidget(self.patients)
        self.retranslate()
        self.refresh()

    def _quit_from_lock(self) -> None:
        self._force_close = True
        self.close()

    # ------------------------------------------------------------------ review

    def _show_window(self, dialog: QWidget) -> None:
        """Keep a non-modal window alive while it is open."""
        self._windows = [w for w in self._windows if w.isVisible()]
        self._windows.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def _current_subject(self) -> str | None:
        return self.workspace.current_subject() if self.showing_workspace() else None

    def open_queries(self, subject_only: bool = False) -> None:
        subject = self._current_subject() if subject_only else None
        from ui.review.queries_dialog import QueriesDialog  # loaded on first use (issue 14)

        dialog = QueriesDialog(self.store, self.session, subject=subject, parent=self)
        dialog.panel.openRecord.connect(self._open_record)
        dialog.panel.changed.connect(self._reload_workspace)
        dialog.panel.changed.connect(self.refresh)  # the open-query badges
        self._show_window(dialog)

    def _open_audit(self, subject_only: bool = False) -> None:
        subject = self._current_subject() if subject_only else None
        from ui.review.audit_viewer_dialog import AuditViewerDialog  # loaded on first use

        self._show_window(AuditViewerDialog(self.store, self.session, subject, self))

    def _open_record(self, subjid: str, form: str, record_id: int) -> None:
        """Show a record named by a query list (subject, form tab, record)."""
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
        self.workspace.refresh_header()
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
