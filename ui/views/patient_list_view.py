"""The patient list page: search box, New subject, the table and a count line; a Site
column and filter when the list holds more than one site (the coordinating centre).

Signals:
    openSubject(str): the user chose a subject (double-click, Enter, or Enter in the search
        box when exactly one subject matches).
    newSubjectRequested(): the New subject button was pressed.

The rows come from `msct_crf.reporting.overview` via `set_rows`; the main window loads them off the
GUI thread and hands them over, so this widget never reads the database itself.

Typing in the search box is coalesced: each keystroke only restarts a short timer
(:data:`SEARCH_DELAY_MS`), and the filter runs once when typing pauses, so a burst of keys
filters once and the text box never waits for a 10,000- or 100,000-row filter (issue 14).
Enter and Down in the box, and :meth:`PatientListView.set_search`, filter at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.reporting.overview import SubjectRow
from ui.models.patient_list import Column, PatientFilterProxy, PatientListModel, Roles

#: How long typing must pause before the list is filtered (a fast typist's keys come about
#: 100-150 ms apart; a filter of 100,000 rows takes about as long, so it waits for a pause).
SEARCH_DELAY_MS = 150


class PatientListView(QWidget):
    """See the module docstring."""

    openSubject = Signal(str)
    newSubjectRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PatientListModel(self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self._title = QLabel()
        self._title.setObjectName("patientListTitle")
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._title.setFont(font)

        self._search = QLineEdit()
        self._search.setObjectName("patientSearch")
        self._search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._search.textChanged.connect(self._search_timer.start)
        self._search.installEventFilter(self)

        self._site = QComboBox()
        self._site.setObjectName("siteFilter")
        self._site.currentIndexChanged.connect(self._on_site)
        self._site.hide()

        self._new = QPushButton()
        self._new.setObjectName("newSubjectButton")
        self._new.clicked.connect(self.newSubjectRequested)

        self._count = QLabel()
        self._count.setObjectName("patientCount")

        self.table = QTableView()
        self.table.setObjectName("patientTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)  # one line per cell; also a cheaper repaint
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.SUBJID, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(self._on_activated)
        self._wanted_widths: dict[int, int] = {}
        self._least_widths: dict[int, int] = {}
        self.table.viewport().installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(self._title)
        top.addStretch(1)
        top.addWidget(self._site)
        top.addWidget(self._search, 2)
        top.addWidget(self._new)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self._count)

        focus = QShortcut(QKeySequence.StandardKey.Find, self)
        focus.activated.connect(self.focus_search)

        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.dataChanged.connect(self._update_count)
        self.retranslate()

    # ------------------------------------------------------------------ public

    def set_rows(self, rows: Sequence[SubjectRow]) -> None:
        """Show the study's subjects (keeps the search, sort and selection)."""
        self.model.set_rows(rows)
        self._show_sites()
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._update_count()

    def set_site(self, site: str | None) -> None:
        """Show only `site`'s subjects (None: all); the Site filter follows."""
        index = self._site.findData(site) if site is not None else 0
        self._site.setCurrentIndex(max(index, 0))

    def set_can_enrol(self, allowed: bool) -> None:
        """Offer New subject only where data may be entered (not on a read-only file)."""
        self._new.setEnabled(allowed)

    def focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def set_search(self, text: str) -> None:
        """Put ``text`` in the search box and filter at once."""
        self._search.setText(text)
        self._apply_search()

    def search_pending(self) -> bool:
        """Whether typed text is waiting for the filter (the coalescing timer runs)."""
        return self._search_timer.isActive()

    def visible_subjects(self) -> list[str]:
        return [
            str(self.proxy.index(r, 0).data(Roles.SUBJECT_ID)) for r in range(self.proxy.rowCount())
        ]

    def select_subject(self, subjid: str) -> None:
        row = self.model.row_of(subjid)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def current_subject(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(Roles.SUBJECT_ID)) if index.isValid() else None

    def retranslate(self) -> None:
        self._title.setText(self.tr("Patients"))
        self._search.setPlaceholderText(
            self.tr("Search subject ID, initials or diagnosis (Ctrl+F)")
        )
        self._show_sites()
        self._new.setText(self.tr("&New subject"))
        self._new.setToolTip(self.tr("Enrol a new subject (Ctrl+N)"))
        self.model.retranslate()
        self._set_default_widths()
        self._update_count()

    # ------------------------------------------------------------------ events

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_widths()
        if watched is self._search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self._apply_search()  # act on what was typed, not on the last filter
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.proxy.rowCount() == 1:
                    self._on_activated(self.proxy.index(0, 0))
                elif self.proxy.rowCount() > 1:
                    self._focus_table()
                return True
            if key == Qt.Key.Key_Down and self.proxy.rowCount():
                self._focus_table()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ private

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
            self.table.selectRow(0)

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.proxy.set_search(self._search.text())
        self._update_count()

    def _show_sites(self) -> None:
        """The Site column and filter, when the list holds more than one site (at the
        coordinating centre); the filter keeps its site while it is still there."""
        sites = self.model.sites()
        many = len(sites) > 1
        self.table.setColumnHidden(Column.SITE, not many)
        self._site.setVisible(many)
        current = self._site.currentData()
        self._site.blockSignals(True)
        self._site.clear()
        self._site.addItem(self.tr("All sites"), None)
        for code in sites:
            self._site.addItem(code, code)
        self._site.setCurrentIndex(max(self._site.findData(current), 0) if current else 0)
        self._site.blockSignals(False)
        self._on_site()
        self._fit_widths()

    def _on_site(self, *_args: object) -> None:
        site = self._site.currentData()
        self.proxy.set_site(str(site) if site else None)
        self._update_count()

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openSubject.emit(str(index.data(Roles.SUBJECT_ID)))

    def _set_default_widths(self) -> None:
        """Widths from the font and typical texts (measuring 10,000 rows would be slow)."""
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        samples = {
            Column.SUBJID: "GZH-0000",
            Column.INITIALS: "WWW",
            Column.SEX: "Female",
            Column.AGE: "100",
            Column.DIAGNOSIS: "Primary biliary chol…",
            Column.SOURCE: "UC-MSC",
            Column.INFUSIONS: "10",
            Column.LAST_VISIT: "2026-12-31",
            Column.NEXT_VISIT: "Month 12, 2026-12-31 (overdue)",
            Column.STATUS: "lost to follow-up",
            Column.SITE: "GZH",
        }
        for column, sample in samples.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(
                metrics.horizontalAdvance(sample) + 16,
                header_metrics.horizontalAdvance(title) + 28,
            )
            self._wanted_widths[column] = width
            self._least_widths[column] = header_metrics.horizontalAdvance(title) + 28
        self._fit_widths()

    def _fit_widths(self) -> None:
        """The wanted widths, or, when the table is narrower than their sum (1280x800 with
        Today's work beside it), Diagnosis and Next due visit narrowed (their text elides)
        so every column, Status included, stays in view without scrolling sideways."""
        if not self._wanted_widths:
            return
        elastic = (Column.DIAGNOSIS, Column.NEXT_VISIT)
        widths = {c: w for c, w in self._wanted_widths.items() if not self.table.isColumnHidden(c)}
        shortage = sum(widths.values()) - self.table.viewport().width()
        room = sum(widths[c] - self._least_widths[c] for c in elastic)
        if shortage > 0 and room > 0:
            share = min(1.0, shortage / room)
            for column in elastic:
                widths[column] -= int((widths[column] - self._least_widths[column]) * share + 0.5)
        for index, width in widths.items():
            self.table.setColumnWidth(index, width)

    def _update_count(self, *_args: object) -> None:
        total = self.model.total_count()
        shown = self.proxy.rowCount()
        overdue = self.model.overdue_count()
        if shown == total:
            text = self.tr("%n subject(s)", "", total)
        else:
            text = self.tr("Showing %1 of %n subject(s)", "", total).replace("%1", str(shown))
        if overdue:
            text += " · " + self.tr("%n with overdue visits", "", overdue)
        self._count.setText(text)
