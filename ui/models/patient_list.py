"""The patient list's table model and its filter proxy.

`PatientListModel` holds the `msct_crf.reporting.overview.SubjectRow`s of the whole study (loaded in
one pass off the GUI thread by the view) and answers `data()` from them; texts that a
filter or a language switch needs are computed once per row, not per paint. Refreshing
with new rows emits ``dataChanged`` for exactly the rows that changed when the list of
subjects is the same, and resets only when subjects were added or removed.

Sorting is done by the source model on precomputed keys (one Python sort instead of a
C++ sort calling back into Python for every comparison), so a 10,000-row list sorts and
filters without a visible pause.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from msct_crf.reporting.overview import SubjectRow
from msct_crf.study.dictionary import ENROLMENT, INFUSION
from msct_crf.study.schedule import VisitState
from ui.common import i18n, labels

Index = QModelIndex | QPersistentModelIndex


class Roles(enum.IntEnum):
    """Custom data roles of the patient list."""

    SUBJECT_ID = Qt.ItemDataRole.UserRole + 1  # str: the subject ID of the row
    ROW = Qt.ItemDataRole.UserRole + 2  # SubjectRow
    OVERDUE = Qt.ItemDataRole.UserRole + 3  # bool
    SORT_KEY = Qt.ItemDataRole.UserRole + 4  # comparable key of the cell


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


def _sort_key(row: SubjectRow, column: Column) -> Any:
    """A key that sorts blanks last and dates as dates (only the asked column is built:
    sorting 10,000 rows calls this 10,000 times)."""
    if column == Column.SUBJID:
        key: Any = row.subjid
    elif column == Column.INITIALS:
        key = row.initials or ""
    elif column == Column.SEX:
        key = row.sex or ""
    elif column == Column.AGE:
        key = row.age if row.age is not None else 10_000
    elif column == Column.DIAGNOSIS:
        key = row.diagnosis or "~"
    elif column == Column.SOURCE:
        key = row.msc_source or "~"
    elif column == Column.INFUSIONS:
        key = row.infusions
    elif column == Column.LAST_VISIT:
        key = row.last_visit or dt.date.min
    elif column == Column.NEXT_VISIT:
        key = (0 if row.overdue else 1, row.next_visit_window_end or dt.date.max)
    else:
        key = row.status.value
    return (key, row.subjid)


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_HANDLED_ROLES = frozenset({_DISPLAY, _BACKGROUND, _TOOLTIP, _ALIGNMENT, *(int(r) for r in Roles)})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class PatientListModel(QAbstractTableModel):
    """One row per subject; see the module docstring."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[SubjectRow] = []
        self._search: list[str] = []
        self._row_of: dict[str, int] = {}
        self._texts: list[tuple[str, ...] | None] = []  # display texts, filled when painted
        self._texts_generation = i18n.generation()  # the language the texts are in
        self._overdue = 0

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

    def subject_row(self, row: int) -> SubjectRow:
        return self._rows[row]

    def row_of(self, subjid: str) -> int | None:
        return self._row_of.get(subjid)

    def search_text(self, row: int) -> str:
        return self._search[row]

    def search_texts(self) -> list[str]:
        return self._search

    def rows(self) -> list[SubjectRow]:
        return list(self._rows)

    def overdue_count(self) -> int:
        return self._overdue

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            Column.SUBJID: self.tr("Subject ID"),
            Column.INITIALS: self.tr("Initials"),
            Column.SEX: self.tr("Sex"),
            Column.AGE: self.tr("Age"),
            Column.DIAGNOSIS: self.tr("Diagnosis"),
            Column.SOURCE: self.tr("MSC source"),
            Column.INFUSIONS: self.tr("Infusions"),
            Column.LAST_VISIT: self.tr("Last visit"),
            Column.NEXT_VISIT: self.tr("Next due visit"),
            Column.STATUS: self.tr("Status"),
        }
        return titles.get(Column(section)) if 0 <= section < len(Column) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: answer the roles we
        # do not handle first, and serve texts from a per-row cache.
        if role not in _HANDLED_ROLES:
            return None
        i = index.row()
        if not 0 <= i < len(self._rows) or not index.isValid():
            return None
        row = self._rows[i]
        if role == _DISPLAY:
            if self._texts_generation != i18n.generation():
                self._texts = [None] * len(self._rows)
                self._texts_generation = i18n.generation()
            texts = self._texts[i]
            if texts is None:
                texts = self._texts[i] = tuple(self._display(row, c) for c in Column)
            return texts[index.column()]
        if role == _BACKGROUND:
            if row.overdue:
                return labels.OVERDUE_ROW
            if row.due:
                return labels.DUE_ROW
            return None
        column = index.column()
        if role == _TOOLTIP:
            return self._next_tooltip(row) if column == Column.NEXT_VISIT else None
        if role == _ALIGNMENT:
            return _RIGHT if column in (Column.AGE, Column.INFUSIONS) else None
        if role == Roles.SUBJECT_ID:
            return row.subjid
        if role == Roles.ROW:
            return row
        if role == Roles.OVERDUE:
            return row.overdue
        return _sort_key(row, Column(column))

    def _display(self, row: SubjectRow, column: Column) -> str:
        if column == Column.SUBJID:
            return row.subjid
        if column == Column.INITIALS:
            return row.initials or ""
        if column == Column.SEX:
            return labels.code_label(_SEX, row.sex)
        if column == Column.AGE:
            return "" if row.age is None else str(row.age)
        if column == Column.DIAGNOSIS:
            return labels.code_label(_DX, row.diagnosis)
        if column == Column.SOURCE:
            return row.msc_source or ""
        if column == Column.INFUSIONS:
            return str(row.infusions)
        if column == Column.LAST_VISIT:
            return labels.date_text(row.last_visit)
        if column == Column.NEXT_VISIT:
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
        return labels.status_label(row.status)

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
        col = Column(column)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        old_subjects = [self._rows[i.row()].subjid for i in before]
        order_rows = sorted(
            range(len(self._rows)),
            key=lambda i: _sort_key(self._rows[i], col),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [self._rows[i] for i in order_rows]
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

    def _forget(self, *_args: object) -> None:
        self._accept = None  # the rows changed: recompute the matches on the next callback

    def _matches(self) -> list[bool]:
        model = self.sourceModel()
        assert isinstance(model, PatientListModel)
        needle = self._needle
        self._accept = [needle in text for text in model.search_texts()]
        return self._accept

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._needle:
            return True
        accept = self._accept if self._accept is not None else self._matches()
        return source_row < len(accept) and accept[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts itself on precomputed keys; the proxy keeps its order.
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)
