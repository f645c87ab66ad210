"""The patient list sorts once per request (a header click asks twice), and again once
its rows changed (issue 14: sorting 100,000 subjects)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study)
from study_factory import TODAY, SmallStudy

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from ui.models.patient_list import Column, PatientListModel, Roles


def _ages(model: PatientListModel) -> list[int | None]:
    return [model.index(r, 0).data(Roles.ROW).age for r in range(6)]


def test_a_repeated_sort_is_skipped_until_the_rows_change(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    model = PatientListModel()
    rows = overview.load_overview(store, TODAY).rows
    model.set_rows(rows)
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    assert len(layouts) == 1
    ages = _ages(model)
    assert ages == sorted(ages, key=lambda a: 10_000 if a is None else a)
    youngest = model.index(0, 0).data(Roles.ROW)
    model.update_row(dataclasses.replace(youngest, age=120))  # now the oldest
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    assert len(layouts) == 2
    assert model.index(model.rowCount() - 1, 0).data(Roles.ROW).age == 120
    model.set_rows(rows)  # the same subjects, the old age back: sorted again on request
    model.sort(Column.AGE, Qt.SortOrder.AscendingOrder)
    assert len(layouts) == 3 and _ages(model) == ages
