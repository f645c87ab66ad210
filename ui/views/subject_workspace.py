"""One subject's workspace: the header and a tab per form, plus schedule and trajectory.

Signals:
    backRequested(): the user asked to go back to the patient list (after the guard).
    subjectChanged(str): something of this subject was saved (the list refreshes its row).
    subjectCreated(str): a new subject's enrolment was saved; the workspace now shows it.

The form pages (`ui.forms.form_page.FormPage`, `ui.forms.record_list_page.RecordListPage`)
are created the first time their tab is shown and reused for the next subject; a tab loads
the current subject when it becomes visible. Every way out of a page (another tab, another
subject, back to the list, closing the app) goes through the page's ``maybe_leave()``, so
unsaved input is never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from msct_crf.errors import DatabaseError
from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from ui.common.i18n import dictionary_language
from ui.common.session import UserSession
from ui.views.schedule_view import ScheduleView
from ui.views.subject_header import SubjectHeader


@dataclass(frozen=True)
class TabDef:
    """One tab: its key (objectName ``tab_<key>``), what it holds and its title."""

    key: str
    kind: str  # "form" (FormPage), "list" (RecordListPage), "schedule", "chart"
    title: Callable[[], str]


TABS: tuple[TabDef, ...] = (
    TabDef("ENROL", "form", lambda: QCoreApplication.translate("SubjectWorkspace", "&Enrolment")),
    TabDef("EX", "list", lambda: QCoreApplication.translate("SubjectWorkspace", "&Infusions")),
    TabDef("VIS", "list", lambda: QCoreApplication.translate("SubjectWorkspace", "Visi&ts")),
    TabDef("AE", "list", lambda: QCoreApplication.translate("SubjectWorkspace", "A&dverse events")),
    TabDef(
        "CM",
        "list",
        lambda: QCoreApplication.translate("SubjectWorkspace", "&Concomitant medications"),
    ),
    TabDef(
        "MH", "list", lambda: QCoreApplication.translate("SubjectWorkspace", "&Medical history")
    ),
    TabDef("DS", "form", lambda: QCoreApplication.translate("SubjectWorkspace", "Dis&position")),
    TabDef(
        "schedule", "schedule", lambda: QCoreApplication.translate("SubjectWorkspace", "Sched&ule")
    ),
    TabDef(
        "trajectory", "chart", lambda: QCoreApplication.translate("SubjectWorkspace", "Tra&jectory")
    ),
)
TAB_KEYS = tuple(t.key for t in TABS)


class SubjectWorkspace(QWidget):
    """See the module docstring."""

    backRequested = Signal()
    subjectChanged = Signal(str)
    subjectCreated = Signal(str)

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._user = user
        self._today = today
        self._subjid: str | None = None
        self._new_subject = False
        self._pages: dict[str, Any] = {}
        self._loaded: dict[str, str | None] = {}
        self._containers: dict[str, QWidget] = {}
        self._current = 0
        self._reverting = False

        self._back = QPushButton()
        self._back.setObjectName("backButton")
        self._back.clicked.connect(self.request_back)
        self.header = SubjectHeader()
        top = QHBoxLayout()
        top.addWidget(self._back)
        top.addWidget(self.header, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("subjectTabs")
        self.tabs.setDocumentMode(True)
        for tab in TABS:
            container = QWidget()
            container.setObjectName(f"tab_{tab.key}")
            box = QVBoxLayout(container)
            box.setContentsMargins(0, 0, 0, 0)
            self._containers[tab.key] = container
            self.tabs.addTab(container, tab.title())
        self.tabs.currentChanged.connect(self._on_tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        for n in range(min(9, len(TABS))):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n + 1}"), self)
            shortcut.activated.connect(lambda n=n: self.tabs.setCurrentIndex(n))
        self.retranslate()

    # ------------------------------------------------------------------ public

    def current_subject(self) -> str | None:
        return self._subjid

    def is_new_subject(self) -> bool:
        return self._new_subject

    def page(self, key: str) -> Any:
        """The page of a tab, created if needed (FormPage, RecordListPage, ScheduleView or
        TrajectoryChart)."""
        if key not in self._pages:
            self._pages[key] = self._create_page(key)
        return self._pages[key]

    def current_key(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    def open_subject(self, subjid: str, tab: str | None = None) -> bool:
        """Show ``subjid`` (after the unsaved-changes guard); False if the user stayed."""
        if not self.maybe_leave():
            return False
        self._subjid = subjid
        self._new_subject = False
        self._loaded.clear()
        self._set_tabs_enabled(True)
        self.refresh_header()
        index = TAB_KEYS.index(tab) if tab in TAB_KEYS else self.tabs.currentIndex()
        self._go_to(index)
        return True

    def new_subject(self) -> bool:
        """A blank enrolment form; the subject exists once it is saved."""
        if not self.maybe_leave():
            return False
        self._subjid = None
        self._new_subject = True
        self._loaded.clear()
        self.header.set_new_subject()
        self._set_tabs_enabled(False)
        self._go_to(TAB_KEYS.index("ENROL"))
        return True

    def focus_form(self) -> bool:
        """The cursor into the first field of the form shown (a form tab, or a list tab's
        editor), so keys typed right after Ctrl+N or opening a form are not lost."""
        page: Any = self._pages.get(self.current_key())
        if not hasattr(page, "focus_first_field"):
            page = getattr(page, "editor", None)  # a list tab: its record editor
        return bool(hasattr(page, "focus_first_field") and page.focus_first_field())

    def show_tab(self, key: str) -> bool:
        """Switch to a tab (through the guard); False if the user stayed."""
        before = self.tabs.currentIndex()
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))
        return self.tabs.currentIndex() != before or TAB_KEYS[before] == key

    def maybe_leave(self) -> bool:
        """True when every open page may be left (nothing unsaved, saved, or discarded)."""
        current = TAB_KEYS[self.tabs.currentIndex()]
        keys = [current] + [k for k in self._pages if k != current]
        return all(self._page_may_leave(self._pages.get(k)) for k in keys)

    def request_back(self) -> None:
        if self.maybe_leave():
            self.backRequested.emit()

    def refresh_header(self) -> None:
        if self._subjid is None:
            return
        try:
            row = overview.subject_row(self._store, self._subjid, self._today())
        except DatabaseError as exc:
            self.header.set_subject(None, self._today())
            self.header.setToolTip(str(exc))
            return
        self.header.set_subject(row, self._today())

    def retranslate(self) -> None:
        self._back.setText(self.tr("← Patient list"))
        self._back.setToolTip(self.tr("Back to the patient list (Ctrl+L)"))
        for i, tab in enumerate(TABS):
            self.tabs.setTabText(i, tab.title())
        language = dictionary_language()
        for page in self._pages.values():
            if hasattr(page, "set_language"):
                page.set_language(language)

    # ------------------------------------------------------------------ events

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ private

    def _go_to(self, index: int) -> None:
        if self.tabs.currentIndex() == index:
            self._ensure_loaded(index)
        else:
            self._reverting = True  # the guard already ran for the whole workspace
            self.tabs.setCurrentIndex(index)
            self._reverting = False
            self._current = index
            self._ensure_loaded(index)

    def _set_tabs_enabled(self, enabled: bool) -> None:
        for i, key in enumerate(TAB_KEYS):
            self.tabs.setTabEnabled(i, enabled or key == "ENROL")

    def _page_may_leave(self, page: Any) -> bool:
        if page is None or not hasattr(page, "maybe_leave"):
            return True
        return bool(page.maybe_leave())

    def _on_tab_changed(self, index: int) -> None:
        if self._reverting:
            return
        previous = self._current
        if previous != index and not self._page_may_leave(self._pages.get(TAB_KEYS[previous])):
            self._reverting = True
            self.tabs.setCurrentIndex(previous)
            self._reverting = False
            return
        self._current = index
        self._ensure_loaded(index)
        self.focus_form()

    def _ensure_loaded(self, index: int) -> None:
        key = TAB_KEYS[index]
        page = self.page(key)
        wanted = self._subjid
        if key in self._loaded and self._loaded[key] == wanted:
            return
        tab = TABS[index]
        if tab.kind == "form":
            if self._new_subject and key == "ENROL":
                page.load_record(None, None)
            elif wanted is not None:
                page.load_record(wanted, None)
        elif tab.kind == "list" and wanted is not None:
            page.set_subject(wanted)
        elif tab.kind == "schedule" and wanted is not None:
            today = self._today()
            row = overview.subject_row(self._store, wanted, today)
            page.set_schedule(
                overview.subject_schedule(self._store, wanted, today),
                row.day0 if row else None,
                today,
            )
        elif tab.kind == "chart" and wanted is not None:
            page.set_trajectory(overview.trajectory(self._store, wanted))
        self._loaded[key] = wanted

    def _create_page(self, key: str) -> Any:
        tab = TABS[TAB_KEYS.index(key)]
        page: Any
        if tab.kind == "form":
            from ui.forms.form_page import FormPage

            page = FormPage(self._store, self._user, key)
            page.saved.connect(self._on_saved)
        elif tab.kind == "list":
            from ui.forms.record_list_page import RecordListPage

            page = RecordListPage(self._store, self._user, key)
            page.changed.connect(self._on_list_changed)
        elif tab.kind == "schedule":
            page = ScheduleView()
        else:
            # QtCharts loads with the first chart opened, not when the app starts (issue 14)
            from ui.views.trajectory_chart import TrajectoryChart

            page = TrajectoryChart()
        if hasattr(page, "set_language"):
            page.set_language(dictionary_language())
        container = self._containers[key]
        layout = container.layout()
        assert layout is not None
        layout.addWidget(page)
        page.show()  # at once, not queued: the keyboard may reach it before the next event loop
        return page

    def _on_saved(self, subjid: str, _record_id: int) -> None:
        if self._new_subject:
            self._new_subject = False
            self._subjid = subjid
            self._loaded = {"ENROL": subjid}
            self._set_tabs_enabled(True)
            self.refresh_header()
            self.subjectCreated.emit(subjid)
            return
        self._changed()

    def _on_list_changed(self) -> None:
        self._changed()

    def _changed(self) -> None:
        """Saved data can move day 0, the schedule and the trajectory: reload them lazily."""
        current = self.current_key()
        for key in ("schedule", "trajectory", "ENROL", "DS", "EX", "VIS", "AE"):
            if key != current:
                self._loaded.pop(key, None)
        self.refresh_header()
        if self._subjid is not None:
            self.subjectChanged.emit(self._subjid)
