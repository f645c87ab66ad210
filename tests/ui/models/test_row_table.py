"""The shared table-model base: columns by accessor, roles by column and by row, resets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from ui.models.row_table import RowTableModel, TableColumn

TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Item:
    name: str
    size: int


class ItemModel(RowTableModel[Item]):
    RETRANSLATED_ROLES = (int(Qt.ItemDataRole.DisplayRole),)

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.set_columns(
            [
                TableColumn(lambda: "Name", self._name),
                TableColumn(lambda: "Size", lambda i: i.size, {TOOLTIP: lambda i: "size tip"}),
            ],
            row_roles={TOOLTIP: lambda i: f"row {i.name}", NAME_ROLE: lambda i: i.name},
        )

    def _name(self, item: Item) -> str:
        self.calls += 1
        return item.name.upper()


def _model(qtbot: QtBot) -> ItemModel:
    model = ItemModel()
    model.set_rows([Item("a", 1), Item("b", 2)])
    return model


def test_headers_and_counts(qtbot: QtBot) -> None:
    model = _model(qtbot)
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in range(model.columnCount())] == [
        "Name",
        "Size",
    ]
    assert model.headerData(2, horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(0, horizontal, TOOLTIP) is None
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    parent = model.index(0, 0)
    assert (model.rowCount(parent), model.columnCount(parent)) == (0, 0)


def test_display_and_roles_by_column_then_row(qtbot: QtBot) -> None:
    model = _model(qtbot)
    assert [model.index(1, c).data() for c in range(2)] == ["B", 2]
    assert model.index(1, 0).data(TOOLTIP) == "row b"  # the row's role
    assert model.index(1, 1).data(TOOLTIP) == "size tip"  # the column's own wins
    assert model.index(0, 1).data(NAME_ROLE) == "a"  # a row role answers in every column


def test_roles_nobody_answers_are_none_without_reading_a_row(qtbot: QtBot) -> None:
    model = _model(qtbot)
    before = model.calls
    for role in (BACKGROUND, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.UserRole + 99):
        assert model.index(0, 0).data(role) is None
    assert model.calls == before
    assert model.data(QModelIndex()) is None


def test_set_rows_resets_and_rows_are_a_copy(qtbot: QtBot) -> None:
    model = _model(qtbot)
    with qtbot.waitSignal(model.modelReset):
        model.set_rows([Item("c", 3)])
    assert model.rowCount() == 1 and model.row_at(0) == Item("c", 3)
    rows = model.rows()
    rows.append(Item("d", 4))
    assert model.rowCount() == 1


def test_retranslate_repaints_headers_and_every_cell(qtbot: QtBot) -> None:
    model = _model(qtbot)
    seen: list[Any] = []
    model.headerDataChanged.connect(lambda *args: seen.append(("header", *args)))
    model.dataChanged.connect(
        lambda top, bottom, roles: seen.append(
            ("data", top.row(), top.column(), bottom.row(), bottom.column(), list(roles))
        )
    )
    model.retranslate()
    assert seen == [
        ("header", Qt.Orientation.Horizontal, 0, 1),
        ("data", 0, 0, 1, 1, [int(Qt.ItemDataRole.DisplayRole)]),
    ]
