"""The patient list: model roles, search, highlighting, exact updates, keyboard opening."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study, window)
from study_factory import TODAY, SmallStudy

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from ui.common import labels
from ui.models.patient_list import Column, PatientListModel, Roles
from ui.shell.main_window import MainWindow
from ui.views.patient_list_view import PatientListView


def _view(qtbot: QtBot, store: Store) -> PatientListView:
    view = PatientListView()
    qtbot.addWidget(view)
    view.set_rows(overview.load_overview(store, TODAY).rows)
    return view


def test_rows_and_columns(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    view = _view(qtbot, store)
    model = view.model
    assert model.rowCount() == 6 and model.columnCount() == len(Column)
    row = model.row_of(small_study.died)
    assert row is not None
    texts = [model.index(row, c).data() for c in range(model.columnCount())]
    assert texts[:7] == [
        small_study.died,
        "DI",
        "Male",
        "54",
        "Primary sclerosing cholangitis",
        "UC-MSC",
        "2",
    ]
    assert texts[7] == "2025-07-07" and texts[9] == "died"
    assert model.index(row, 0).data(Roles.SUBJECT_ID) == small_study.died
    assert model.index(row, 0).data(Roles.ROW).infusions == 2
    assert model.index(row, 0).data(Qt.ItemDataRole.UserRole + 99) is None


def test_next_due_text(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    view = _view(qtbot, store)
    model = view.model
    late = model.row_of(small_study.overdue)
    assert model.index(late, Column.NEXT_VISIT).data() == "Month 1, 2026-10-08 (overdue)"
    assert "window closes 2026-10-08" in model.index(late, Column.NEXT_VISIT).data(
        Qt.ItemDataRole.ToolTipRole
    )


def test_overdue_rows_are_red_and_due_rows_amber(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _view(qtbot, store)
    model = view.model
    background = Qt.ItemDataRole.BackgroundRole
    for column in (0, Column.STATUS):
        assert model.index(model.row_of(small_study.overdue), column).data(background) == (
            labels.OVERDUE_ROW
        )
        assert model.index(model.row_of(small_study.due), column).data(background) == (
            labels.DUE_ROW
        )
        assert model.index(model.row_of(small_study.completed), column).data(background) is None
    assert model.index(model.row_of(small_study.overdue), 0).data(Roles.OVERDUE) is True


def test_search_filters_by_id_initials_and_diagnosis(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _view(qtbot, store)
    view.set_search(small_study.died)
    assert view.visible_subjects() == [small_study.died]
    view.set_search("tx")
    assert view.visible_subjects() == [small_study.transplanted]
    view.set_search("lupus")
    assert view.visible_subjects() == [small_study.completed]
    view.set_search("狼疮")  # the Chinese diagnosis label matches too
    assert view.visible_subjects() == [small_study.completed]
    view.set_search("cholang")  # PBC, PSC and the AIH-PBC overlap
    assert set(view.visible_subjects()) == {
        small_study.overdue,
        small_study.died,
    }
    view.set_search("")
    assert len(view.visible_subjects()) == 6
    assert view.findChild(object, "patientCount").text().startswith("6 subjects")


def test_typing_in_the_search_box(qtbot: QtBot, store: Store, small_study: SmallStudy) -> None:
    view = _view(qtbot, store)
    search = view.findChild(object, "patientSearch")
    qtbot.keyClicks(search, "GZH-00")
    assert len(view.visible_subjects()) == 6
    qtbot.keyClicks(search, "4")
    qtbot.waitUntil(lambda: view.visible_subjects() == [small_study.transplanted])
    assert "Showing 1 of 6" in view.findChild(object, "patientCount").text()


def test_a_burst_of_typing_filters_once(
    qtbot: QtBot, store: Store, small_study: SmallStudy, monkeypatch
) -> None:
    view = _view(qtbot, store)
    searches: list[str] = []
    original = view.proxy.set_search
    monkeypatch.setattr(view.proxy, "set_search", lambda t: (searches.append(t), original(t)))
    search = view.findChild(object, "patientSearch")
    qtbot.keyClicks(search, small_study.transplanted)
    assert search.text() == small_study.transplanted  # the box took every key at once
    assert view.search_pending() and searches == []
    qtbot.waitUntil(lambda: not view.search_pending())
    assert searches == [small_study.transplanted]
    assert view.visible_subjects() == [small_study.transplanted]


def test_enter_in_search_opens_the_single_match(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _view(qtbot, store)
    search = view.findChild(object, "patientSearch")
    qtbot.keyClicks(search, small_study.due)
    with qtbot.waitSignal(view.openSubject) as opened:
        qtbot.keyClick(search, Qt.Key.Key_Return)
    assert opened.args == [small_study.due]


def test_enter_on_the_table_opens_the_subject(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _view(qtbot, store)
    view.show()
    search = view.findChild(object, "patientSearch")
    qtbot.keyClicks(search, "cholang")
    qtbot.keyClick(search, Qt.Key.Key_Down)  # into the table, first row
    assert view.table.hasFocus() or view.table.currentIndex().isValid()
    with qtbot.waitSignal(view.openSubject) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args[0] in (small_study.overdue, small_study.died)


def test_sorting_by_a_column_keeps_the_selection(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    view = _view(qtbot, store)
    view.select_subject(small_study.completed)
    view.table.sortByColumn(Column.AGE, Qt.SortOrder.DescendingOrder)
    ages = [view.proxy.index(r, Column.AGE).data() for r in range(view.proxy.rowCount())]
    assert ages == sorted(ages, key=int, reverse=True)
    assert view.current_subject() == small_study.completed
    view.table.sortByColumn(Column.NEXT_VISIT, Qt.SortOrder.AscendingOrder)
    assert view.proxy.index(0, 0).data() == small_study.overdue


def test_set_rows_emits_exact_data_changed(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    model = PatientListModel()
    rows = overview.load_overview(store, TODAY).rows
    model.set_rows(rows)
    changed: list[tuple[int, int, int, int]] = []
    resets: list[bool] = []
    model.dataChanged.connect(
        lambda a, b, _roles=(): changed.append((a.row(), a.column(), b.row(), b.column()))
    )
    model.modelReset.connect(lambda: resets.append(True))
    edited = list(rows)
    i = model.row_of(small_study.due)
    edited[i] = dataclasses.replace(edited[i], infusions=5)
    model.set_rows(edited)
    assert changed == [(i, 0, i, len(Column) - 1)] and not resets
    model.set_rows(edited[:-1])  # a subject fewer: a reset, not a wrong dataChanged
    assert resets == [True]


def test_update_row_appends_a_new_subject(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    model = PatientListModel()
    rows = overview.load_overview(store, TODAY).rows
    model.set_rows(rows[:-1])
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    model.update_row(rows[-1])
    assert inserted == [5] and model.rowCount() == 6


def test_invalid_index_and_header(qtbot: QtBot) -> None:
    model = PatientListModel()
    assert model.data(QModelIndex()) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(99, Qt.Orientation.Horizontal) is None
    assert model.rowCount(model.index(0, 0)) == 0


def test_window_double_click_opens_workspace(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    view = window.patients
    index = view.proxy.mapFromSource(view.model.index(view.model.row_of(small_study.due), 1))
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(window.showing_workspace)
    assert window.workspace.current_subject() == small_study.due
