# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""A nurse sees open queries on her subjects without opening Review: a badge on the subject
ID in the patient list and in the subject header (counts from the core's overview)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot
from trust_fixtures import accounts, fast_hasher, visit  # noqa: F401

from msct_crf.reporting import overview
from msct_crf.storage.store import Store
from msct_crf.workflow import queries
from ui.models.patient_list import Column, PatientListModel, Roles
from ui.views.subject_header import SubjectHeader


def test_list_and_header_show_the_open_queries(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    today = dt.date.today()
    for field in ("TBIL", "ALB"):
        queries.raise_query(
            store,
            visit.monitor,
            subject=visit.subject,
            form="VIS",
            record_id=visit.id,
            field=field,
            text="?",
        )
    model = PatientListModel()
    model.set_rows(overview.load_overview(store, today).rows)
    row = model.row_of(visit.subject)
    assert row is not None
    cell = model.index(row, Column.SUBJID)
    assert cell.data(Roles.OPEN_QUERIES) == 2
    assert isinstance(cell.data(Qt.ItemDataRole.DecorationRole), QPixmap)
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "2 open queries"

    header = SubjectHeader()
    qtbot.addWidget(header)
    header.show()
    header.set_subject(overview.subject_row(store, visit.subject, today), today)
    assert header.text("Queries") == "2 open queries"
    assert header.findChild(type(header._values["Queries"]), "headerQueries").isVisible()

    (first, second) = queries.list_queries(store, subject=visit.subject)
    queries.close_query(store, visit.monitor, first.id, None)
    queries.close_query(store, visit.monitor, second.id, None)
    model.set_rows(overview.load_overview(store, today).rows)
    assert model.index(row, Column.SUBJID).data(Qt.ItemDataRole.DecorationRole) is None
    header.set_subject(overview.subject_row(store, visit.subject, today), today)
    assert not header._values["Queries"].isVisible()
