"""The one read-only table-model base of the GUI: a list of rows shown through columns.

Every table in the application (patient list, today's work, schedule, queries, audit trail)
is a list of core objects of one type, one object per row. :class:`RowTableModel` holds that
list and answers Qt's model API from :class:`TableColumn` accessors, so a model says only
what its columns are: a header, what a row displays, and what it gives for other roles
(tooltip, colour, a custom role). Roles no column or row accessor names answer ``None``
before any row is looked at, which keeps repaints of thousands of rows cheap.

A new list replaces the old with a model reset (``set_rows``); a model that can do better
(exact ``dataChanged`` when the same rows come back) overrides it, as the patient list does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
Accessor = Callable[[Any], Any]

DISPLAY = int(Qt.ItemDataRole.DisplayRole)


@dataclass(frozen=True)
class TableColumn(Generic[RowT]):
    """One column: its header (translated when asked), the text a row displays in it, and
    what the row gives in it for other roles (e.g. ``{ToolTipRole: ...}``)."""

    title: Callable[[], str]
    display: Callable[[RowT], Any]
    roles: Mapping[int, Callable[[RowT], Any]] = field(default_factory=dict)


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows of one type through a fixed list of columns; see the module docstring.

    A subclass calls :meth:`set_columns` once in its constructor. ``row_roles`` answer a role
    the same way in every column (a row colour, the row object under a custom role); a
    column's own ``roles`` win over them.
    """

    #: Roles announced by :meth:`retranslate` (empty: every role).
    RETRANSLATED_ROLES: tuple[int, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []
        self._columns: tuple[TableColumn[RowT], ...] = ()
        self._row_roles: dict[int, Accessor] = {}
        self._column_roles: tuple[dict[int, Accessor], ...] = ()
        self._handled: frozenset[int] = frozenset({DISPLAY})

    def set_columns(
        self,
        columns: Sequence[TableColumn[RowT]],
        row_roles: Mapping[int, Callable[[RowT], Any]] | None = None,
    ) -> None:
        """The model's columns, in order, and the roles answered alike in every column."""
        self.beginResetModel()
        self._columns = tuple(columns)
        self._row_roles = {int(role): get for role, get in (row_roles or {}).items()}
        self._column_roles = tuple(
            {int(role): get for role, get in c.roles.items()} for c in self._columns
        )
        handled = {DISPLAY, *self._row_roles}
        for roles in self._column_roles:
            handled.update(roles)
        self._handled = frozenset(handled)
        self.endResetModel()

    # ------------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Show ``rows`` instead of the current ones (a model reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RowT:
        """The object shown in source row ``row``."""
        return self._rows[row]

    def rows(self) -> list[RowT]:
        """A copy of the rows, in their current order."""
        return list(self._rows)

    def retranslate(self) -> None:
        """The UI language changed: headers and every cell repaint."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(self._columns) - 1),
                list(self.RETRANSLATED_ROLES),
            )

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._columns[section].title() if 0 <= section < len(self._columns) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: the roles nobody
        # answers go first, before any lookup.
        if role not in self._handled:
            return None
        i = index.row()
        if not 0 <= i < len(self._rows) or not index.isValid():
            return None
        column = index.column()
        if role == DISPLAY:
            return self.display_text(i, column)
        get = self._column_roles[column].get(role) or self._row_roles.get(role)
        return None if get is None else get(self._rows[i])

    def display_text(self, row: int, column: int) -> Any:
        """What cell (``row``, ``column``) displays; a model that caches its texts overrides
        this."""
        return self._columns[column].display(self._rows[row])
