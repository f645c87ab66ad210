"""The app on the coordinating centre's database, as a monitor: every site's subjects in the
patient list (a Site column and filter), forms read only (no save; Verify, Sign, Lock and
Unlock disabled with the reason), and queries raised from the form's Queries button stored
as centre queries (``central raise-query``), listed with where they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from exchange_factory import (
    SteppingClock,
    build_sites,
    centre_passphrase,
    fast_hashing,
    new_centre,
)
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401  (autouse: settings at tmp_path)

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.exchange import centre, centre_queries, returns
from msct_crf.exchange.centre_queries import State
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.store import Store
from msct_crf.workflow import queries
from ui.common.session import UserSession
from ui.forms.form_page import FormPage
from ui.models.patient_list import Column
from ui.models.query_table import state_name
from ui.review import queries_panel
from ui.review.queries_panel import QueriesPanel
from ui.shell.main_window import MainWindow

MON_PW, ADMIN_PW = "monitor-pass-1", "centre-admin-1"


@pytest.fixture
def centre_store(tmp_path: Path) -> Iterator[Store]:
    """A centre (SQLite) holding the three sites' packages, with an admin and a monitor."""
    fast_hashing()
    with use_clock(SteppingClock()):
        built = build_sites(tmp_path / "sites")
        store = new_centre(sqlite_url(tmp_path / "centre.db"))
        centre.import_files(store, built.all_packages())
        access.create_admin(store, "cadmin", "Centre Admin", ADMIN_PW)
        admin = access.login(store, "cadmin", ADMIN_PW)
        access.add_user(
            store, admin, username="mon.chen", full_name="Chen", role="monitor", password=MON_PW
        )
        access.logout(store, admin)
        yield store
    store.close()
    access.set_hasher_factory(PasswordHasher)


def monitor_session(store: Store) -> UserSession:
    session = UserSession("mon.chen", access.login(store, "mon.chen", MON_PW))
    session.set_at_centre(True)  # what the main window's session controller finds
    return session


def test_the_patient_list_shows_every_site_with_a_site_filter(
    qtbot: QtBot, centre_store: Store
) -> None:
    user = UserSession("mon.chen", access.login(centre_store, "mon.chen", MON_PW))
    window = MainWindow(centre_store, user)
    qtbot.addWidget(window)
    assert window.session.at_centre  # found by the session controller
    assert "coordinating centre (read only)" in window.windowTitle()
    patients = window.patients
    qtbot.waitUntil(lambda: patients.model.rowCount() == 9, timeout=20_000)
    assert not patients.table.isColumnHidden(Column.SITE)
    sites = {str(patients.proxy.index(r, Column.SITE).data()) for r in range(9)}
    assert sites == {"GZH", "NJG", "SHA"}
    site_filter = patients.findChild(QComboBox, "siteFilter")
    assert site_filter is not None and site_filter.isVisibleTo(patients)
    patients.set_site("NJG")
    assert patients.visible_subjects() == ["NJG-001", "NJG-002", "NJG-003"]
    patients.set_site(None)
    assert len(patients.visible_subjects()) == 9
    new = patients.findChild(QPushButton, "newSubjectButton")
    assert new is not None and not new.isEnabled()  # the centre enrols nobody


def test_a_form_at_the_centre_is_read_only_with_the_reason(
    qtbot: QtBot, centre_store: Store
) -> None:
    session = monitor_session(centre_store)
    visit = returns.find_record(centre_store, subject="NJG-002", form="VIS")
    page = FormPage(centre_store, session, "VIS")
    qtbot.addWidget(page)
    page.show()
    page.load_record("NJG-002", visit)
    tbil = page.findChild(QLineEdit, "field_TBIL")
    assert tbil is not None and not tbil.isEnabled()
    assert "coordinating centre" in page.status_text()
    assert not page.save()
    for name in ("verifyButton", "signButton", "lockButton", "unlockButton"):
        button = page.findChild(QPushButton, name)
        assert button is not None and not button.isEnabled(), name
        assert "only the site" in button.toolTip()
    queries_button = page.findChild(QPushButton, "queriesButton")
    assert queries_button is not None and queries_button.isEnabled()


def test_a_query_raised_at_the_centre_is_a_centre_query(
    qtbot: QtBot, centre_store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    session = monitor_session(centre_store)
    visit = returns.find_record(centre_store, subject="NJG-002", form="VIS")
    panel = QueriesPanel(centre_store, session, subject="NJG-002", form="VIS", record_id=visit)
    qtbot.addWidget(panel)
    raise_button = panel.findChild(QPushButton, "raiseButton")
    assert raise_button is not None and raise_button.isEnabled()
    monkeypatch.setattr(queries_panel, "ask_raise", lambda *_a: ("TBIL", "Please check TBIL."))
    with qtbot.waitSignal(panel.changed):
        raise_button.click()
    (shown,) = panel.queries()
    assert (shown.field, shown.raised_by, shown.record_id) == ("TBIL", "mon.chen", visit)
    assert state_name(shown) == "not sent yet (next return package)"
    assert queries.list_queries(centre_store) == []  # no site query: the site writes those
    (stored,) = centre_queries.list_queries(centre_store, subject="NJG-002")
    assert stored.id == shown.id and stored.state is State.NOT_SENT
    for name in ("answerButton", "closeButton"):
        button = panel.findChild(QPushButton, name)
        assert button is not None and not button.isEnabled(), name
    out = tmp_path / "out"
    out.mkdir()
    returns.write_return(centre_store, "NJG", out, user="mon.chen", passphrase=centre_passphrase)
    panel.refresh()
    assert state_name(panel.queries()[0]) == "waiting for the site (return package 1)"
    study_wide = QueriesPanel(centre_store, session)  # Review › Queries
    qtbot.addWidget(study_wide)
    assert [(q.subject, q.id) for q in study_wide.queries()] == [("NJG-002", shown.id)]
    raise_study = study_wide.findChild(QPushButton, "raiseButton")
    assert raise_study is not None and not raise_study.isVisible()  # raised on a record
    # the form marks the queried field with the centre's query
    page = FormPage(centre_store, session, "VIS")
    qtbot.addWidget(page)
    page.show()
    page.load_record("NJG-002", visit)
    assert page.editor("TBIL").property("queried") is True
