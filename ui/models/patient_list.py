"""The patient list's table model and its filter proxy.

`PatientListModel` (a `ui.models.row_table.RowTableModel`) holds the
`msct_crf.reporting.overview.SubjectRow`s of the whole study (loaded in one pass off the GUI
thread by the view) and answers `data()` from them; texts that a filter or a language switch
needs are computed once per row, not per paint. Refreshing with new rows emits
``dataChanged`` for exactly the rows that changed when the list of subjects is the same, and
resets only when subjects were added or removed.

Sorting is done by the source model on precomputed keys (one Python sort instead of a
C++ sort calling back into Python for every comparison), so a 10,000-row list sorts and
filters without a visible pause.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from msct_crf.reporting.overview import SubjectRow
from msct_crf.study.dictionary import ENROLMENT, INFUSION
from msct_crf.study.schedule import VisitState
from ui.common import i18n, labels
from ui.models.row_table import Index, RowTableModel, TableColumn


class Roles(enum.IntEnum):
    """Custom data roles of the patient list."""

    SUBJECT_ID = Qt.ItemDataRole.UserRole + 1  # str: the subject ID of the row
    ROW = Qt.ItemDataRole.UserRole + 2  # SubjectRow
    OVERDUE = Qt.ItemDataRole.UserRole + 3  # bool
    SORT_KEY = Qt.ItemDataRole.UserRole + 4  # comparable key of the cell
    OPEN_QUERIES = Qt.ItemDataRole.UserRole + 5  # int: queries waiting for the site's answer


class Column(enum.IntEnum):
    SUBJID = 0
    INITIALS = 1
    SEX = 2
    AGE = 3
    DIAGNOSIS = 4
    SOURCE = 5
    INFUSIONS = 6
    LAST_VISIT = 7
    NEXT_VISIT = 8
    STATUS = 9
    SITE = 10  # shown when the list holds more than one site (the coordinating centre)


_SEX = ENROLMENT.field("SEX").codelist
_DX = ENROLMENT.field("DXCAT").codelist
_SOURCE = INFUSION.field("EXSRC").codelist
_ALL_LANGUAGES = ("en", "zh")


def _search_text(row: SubjectRow) -> str:
    """What the search box matches: subject ID, initials and the diagnosis in both languages
    (so a filter typed in English still matches after switching to Chinese and vice versa)."""
    parts = [row.subjid, row.initials or "", row.diagnosis or "", row.diagnosis_other or ""]
    if _DX is not None and row.diagnosis:
        parts += [_DX.label(row.diagnosis, lang) for lang in _ALL_LANGUAGES]
    return " ".join(parts).casefold()


def _by(key: Callable[[SubjectRow], Any]) -> Callable[[SubjectRow], Any]:
    """A sort key: the column's value, then the subject ID (a stable order for ties)."""
    return lambda row: (key(row), row.subjid)


#: Keys that sort blanks last and dates as dates, by column (sorting 10,000 rows calls the
#: asked column's key 10,000 times, so each is one small function).
_SORT_KEYS: dict[Column, Callable[[SubjectRow], Any]] = {
    Column.SUBJID: _by(lambda r: r.subjid),
    Column.INITIALS: _by(lambda r: r.initials or ""),
    Column.SEX: _by(lambda r: r.sex or ""),
    Column.AGE: _by(lambda r: r.age if r.age is not None else 10_000),
    Column.DIAGNOSIS: _by(lambda r: r.diagnosis or "~"),
    Column.SOURCE: _by(lambda r: r.msc_source or "~"),
    Column.INFUSIONS: _by(lambda r: r.infusions),
    Column.LAST_VISIT: _by(lambda r: r.last_visit or dt.date.min),
    Column.NEXT_VISIT: _by(
        lambda r: (0 if r.overdue else 1, r.next_visit_window_end or dt.date.max)
    ),
    Column.STATUS: _by(lambda r: r.status.value),
    Column.SITE: _by(lambda r: r.site),
}

_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _row_colour(row: SubjectRow) -> Any:
    if row.overdue:
        return labels.OVERDUE_ROW
    if row.due:
        return labels.DUE_ROW
    return None


class PatientListModel(RowTableModel[SubjectRow]):
    """One row per subject; see the module docstring."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search: list[str] = []
        self._row_of: dict[str, int] = {}
        self._texts: list[tuple[str, ...] | None] = []  # display texts, filled when painted
        self._texts_generation = i18n.generation()  # the language the texts are in
        self._overdue = 0
        right = {_ALIGNMENT: lambda _row: _RIGHT}
        display: dict[Column, tuple[Callable[[], str], Callable[[SubjectRow], str]]] = {
            Column.SUBJID: (lambda: self.tr("Subject ID"), lambda r: r.subjid),
            Column.INITIALS: (lambda: self.tr("Initials"), lambda r: r.initials or ""),
            Column.SEX: (lambda: self.tr("Sex"), lambda r: labels.code_label(_SEX, r.sex)),
            Column.AGE: (lambda: self.tr("Age"), lambda r: "" if r.age is None else str(r.age)),
            Column.DIAGNOSIS: (
                lambda: self.tr("Diagnosis"),
                lambda r: labels.code_label(_DX, r.diagnosis),
            ),
            Column.SOURCE: (lambda: self.tr("MSC source"), lambda r: r.msc_source or ""),
            Column.INFUSIONS: (lambda: self.tr("Infusions"), lambda r: str(r.infusions)),
            Column.LAST_VISIT: (
                lambda: self.tr("Last visit"),
                lambda r: labels.date_text(r.last_visit),
            ),
            Column.NEXT_VISIT: (lambda: self.tr("Next due visit"), self._next_visit),
            Column.STATUS: (lambda: self.tr("Status"), lambda r: labels.status_label(r.status)),
            Column.SITE: (lambda: self.tr("Site"), lambda r: r.site),
        }
        extra: dict[Column, dict[int, Callable[[SubjectRow], Any]]] = {
            Column.SUBJID: {
                int(Qt.ItemDataRole.DecorationRole): lambda r: (
                    labels.query_badge(r.open_queries) if r.open_queries else None
                ),
                _TOOLTIP: lambda r: labels.open_queries_text(r.open_queries) or None,
                int(Roles.OPEN_QUERIES): lambda r: r.open_queries,
            },
            Column.AGE: right,
            Column.INFUSIONS: right,
            Column.NEXT_VISIT: {_TOOLTIP: self._next_tooltip},
        }
        self.set_columns(
            [
                TableColumn(
                    title,
                    text,
                    {**extra.get(column, {}), int(Roles.SORT_KEY): _SORT_KEYS[column]},
                )
                for column, (title, text) in display.items()
            ],
            row_roles={
                Qt.ItemDataRole.BackgroundRole: _row_colour,
                Roles.SUBJECT_ID: lambda r: r.subjid,
                Roles.ROW: lambda r: r,
                Roles.OVERDUE: lambda r: r.overdue,
            },
        )

    # ------------------------------------------------------------------ data in

    def set_rows(self, rows: Sequence[SubjectRow]) -> None:
        """Show ``rows``; exact ``dataChanged`` when the same subjects, in the same order."""
        rows = list(rows)
        same_subjects = [r.subjid for r in rows] == [r.subjid for r in self._rows]
        if not same_subjects:
            self.beginResetModel()
            self._rows = rows
            self._search = [_search_text(r) for r in rows]
            self._texts = [None] * len(rows)
            self._row_of = {r.subjid: i for i, r in enumerate(rows)}
            self._overdue = sum(1 for r in rows if r.overdue)
            self.endResetModel()
            return
        last = self.columnCount() - 1
        for i, row in enumerate(rows):
            if row != self._rows[i]:
                self._rows[i] = row
                self._search[i] = _search_text(row)
                self._texts[i] = None
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        self._overdue = sum(1 for r in self._rows if r.overdue)

    def update_row(self, row: SubjectRow) -> None:
        """Replace one subject's row (after a save) with an exact ``dataChanged``."""
        i = self._row_of.get(row.subjid)
        if i is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(row)
            self._search.append(_search_text(row))
            self._texts.append(None)
            self._row_of[row.subjid] = len(self._rows) - 1
            self._overdue += row.overdue
            self.endInsertRows()
            return
        self._overdue += int(row.overdue) - int(self._rows[i].overdue)
        self._rows[i] = row
        self._search[i] = _search_text(row)
        self._texts[i] = None
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def retranslate(self) -> None:
        """Labels changed language: headers and every labelled cell repaint."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        self._texts = [None] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.SEX),
                self.index(len(self._rows) - 1, Column.STATUS),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    # ------------------------------------------------------------------ lookups

    def row_of(self, subjid: str) -> int | None:
        return self._row_of.get(subjid)

    def search_text(self, row: int) -> str:
        return self._search[row]

    def sites(self) -> list[str]:
        """The sites of the subjects shown, sorted."""
        return sorted({r.site for r in self._rows if r.site})

    def site_of(self, row: int) -> str:
        return self._rows[row].site

    def search_texts(self) -> list[str]:
        return self._search

    def overdue_count(self) -> int:
        return self._overdue

    # ------------------------------------------------------------------ Qt model API

    def display_text(self, row: int, column: int) -> str:
        # Served from a per-row cache, filled when the row is first painted in a language.
        if self._texts_generation != i18n.generation():
            self._texts = [None] * len(self._rows)
            self._texts_generation = i18n.generation()
        texts = self._texts[row]
        if texts is None:
            subject = self._rows[row]
            texts = self._texts[row] = tuple(c.display(subject) for c in self._columns)
        return texts[column]

    def _next_visit(self, row: SubjectRow) -> str:
        if row.next_visit is None or row.next_visit_state is None:
            return ""
        when = (
            row.next_visit_window_end
            if row.next_visit_state is VisitState.OVERDUE
            else row.next_visit_target
        )
        return self.tr("{visit}, {date} ({state})").format(
            visit=labels.visit_label(row.next_visit),
            date=labels.date_text(when),
            state=labels.state_label(row.next_visit_state),
        )

    def _next_tooltip(self, row: SubjectRow) -> str | None:
        if row.next_visit is None:
            return None
        return self.tr("Target {target}; window closes {end}").format(
            target=labels.date_text(row.next_visit_target),
            end=labels.date_text(row.next_visit_window_end),
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on precomputed keys, keeping persistent indexes (selection) on their rows."""
        if not self._rows or not 0 <= column < len(Column):
            return
        key = _SORT_KEYS[Column(column)]
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        old_subjects = [self._rows[i.row()].subjid for i in before]
        rows = self._rows
        order_rows = sorted(
            range(len(rows)),
            key=lambda i: key(rows[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [rows[i] for i in order_rows]
        self._search = [self._search[i] for i in order_rows]
        self._texts = [self._texts[i] for i in order_rows]
        self._row_of = {r.subjid: i for i, r in enumerate(self._rows)}
        after = [
            self.index(self._row_of[s], i.column())
            for s, i in zip(old_subjects, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class PatientFilterProxy(QSortFilterProxyModel):
    """Filters on the search text (ID, initials, diagnosis); sorting goes to the source.

    The match of every row is computed in one Python pass when the search changes, so the
    per-row callback Qt makes is a list lookup; the change is announced as one layout
    change rather than a rowsRemoved/rowsInserted pair per range of rows (thousands with
    10,000 subjects).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._site: str | None = None
        self._accept: list[bool] | None = None

    def setSourceModel(self, model: Any) -> None:  # noqa: N802 - Qt override
        old = self.sourceModel()
        if old is not None:
            for signal in (old.modelReset, old.rowsInserted, old.dataChanged, old.layoutChanged):
                signal.disconnect(self._forget)
        super().setSourceModel(model)
        for signal in (
            model.modelReset,
            model.rowsInserted,
            model.dataChanged,
            model.layoutChanged,
        ):
            signal.connect(self._forget)

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self._accept = None
        self.invalidate()

    def search(self) -> str:
        return self._needle

    def set_site(self, site: str | None) -> None:
        """Show only the subjects of `site` (None: every site)."""
        if site == self._site:
            return
        self._site = site
        self._accept = None
        self.invalidate()

    def site(self) -> str | None:
        return self._site

    def _forget(self, *_args: object) -> None:
        self._accept = None  # the rows changed: recompute the matches on the next callback

    def _matches(self) -> list[bool]:
        model = self.sourceModel()
        assert isinstance(model, PatientListModel)
        needle, site = self._needle, self._site
        self._accept = [
            needle in text and (site is None or model.site_of(i) == site)
            for i, text in enumerate(model.search_texts())
        ]
        return self._accept

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._needle and self._site is None:
            return True
        accept = self._accept if self._accept is not None else self._matches()
        return source_row < len(accept) and accept[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts itself on precomputed keys; the proxy keeps its order.
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
