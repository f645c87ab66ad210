"""The patient list filters in its model (issue 14: no Python call per row from Qt): only
matching subjects are rows, the count still knows them all, rows that change follow the
search, and the selection follows its subject."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study)
from study_factory import TODAY, SmallStudy

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from ui.views.patient_list_view import PatientListView


def _view(qtbot: QtBot, store: Store) -> PatientListView:
    view = PatientListView()
    qtbot.addWidget(view)
    view.set_rows(overview.load_overview(store, TODAY).rows)
    return view


def test_only_matching_subjects_are_rows(qtbot: QtBot, store: Store, small_study: SmallStudy):
    view = _view(qtbot, store)
    view.set_search(small_study.died)
    assert view.model.rowCount() == 1 and view.model.total_count() == 6
    assert view.model.row_of(small_study.died) == 0
    assert view.model.row_of(small_study.due) is None  # filtered out
    assert view.model.search_text(0).startswith(small_study.died.casefold())
    assert "Showing 1 of 6" in view.findChild(object, "patientCount").text()
    view.set_search("")
    assert view.model.rowCount() == 6


def test_a_changed_row_follows_the_search(qtbot: QtBot, store: Store, small_study: SmallStudy):
    view = _view(qtbot, store)
    view.set_search("zz")
    assert view.visible_subjects() == []
    died = view.model.rows_of_all()[small_study.died]
    view.model.update_row(dataclasses.replace(died, initials="ZZ"))
    assert view.visible_subjects() == [small_study.died]
    view.model.update_row(dataclasses.replace(died, initials="DI"))
    assert view.visible_subjects() == []
    new = dataclasses.replace(died, subjid="GZH-099", initials="AB")
    view.model.update_row(new)  # a new subject that does not match: counted, not shown
    assert view.visible_subjects() == [] and view.model.total_count() == 7
    view.model.update_row(dataclasses.replace(new, subjid="GZH-098", initials="ZZ"))
    assert view.visible_subjects() == ["GZH-098"]


def test_the_selection_follows_its_subject(qtbot: QtBot, store: Store, small_study: SmallStudy):
    view = _view(qtbot, store)
    view.select_subject(small_study.died)
    view.set_search("cholang")  # PBC, PSC and the overlap: still shown, on another row
    assert view.current_subject() == small_study.died
    view.set_search("lupus")  # gone: no selection left behind on another subject
    assert view.current_subject() is None
