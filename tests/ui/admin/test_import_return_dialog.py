"""File > Import from coordinating centre…: the centre's queries raised in the site file off
the GUI thread, once however often imported; a role that may not raise queries cannot."""

from __future__ import annotations

from pathlib import Path

from exchange_factory import (
    NURSE_PW,
    PI_PW,
    SteppingClock,
    build_site,
    centre_passphrase,
    fast_hashing,
    new_centre,
)
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.exchange import centre, returns
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.db.models import Visit
from msct_crf.storage.store import Store
from ui.admin.import_return_dialog import ImportReturnDialog
from ui.common import background


def _return_package(tmp_path: Path) -> tuple[Path, Path]:
    fast_hashing()
    site, packages = build_site(tmp_path / "site", "GZH", 1)
    with new_centre(sqlite_url(tmp_path / "centre.db")) as store:
        centre.import_files(store, packages)
        with store.reading() as session:
            visit = session.scalars(select(Visit.id)).first()
        assert visit is not None
        returns.raise_centre_query(
            store, form="VIS", record_id=visit, field="ALT", text="ALT?", user="mon"
        )
        path = returns.write_return(
            store, "GZH", tmp_path, user="mon", passphrase=centre_passphrase
        )
    assert path is not None
    return site, path


def test_imports_the_centres_queries_once(qtbot: QtBot, tmp_path: Path) -> None:
    with use_clock(SteppingClock()):
        site, path = _return_package(tmp_path)
        store = Store.open_path(site)
        actor = access.login(store, "liwei", PI_PW)
        try:
            dialog = ImportReturnDialog(store, actor)
            qtbot.addWidget(dialog)
            dialog.set_file(str(path))
            button = dialog.findChild(QPushButton, "importReturnPackage")
            status = dialog.findChild(QLabel, "returnStatus")
            for expected in (1, 0):
                with qtbot.waitSignal(dialog.imported, timeout=30_000) as got:
                    button.click()
                assert background.wait_for_tasks()
                assert got.args == [expected]
                if expected:  # the first import names the centre key the site now trusts
                    assert "centre's key SHA256:" in status.text()
                    assert "central status" in status.text()
            assert "already imported" in status.text()
        finally:
            access.logout(store, actor)
            store.close()


def test_a_nurse_cannot_import(qtbot: QtBot, tmp_path: Path) -> None:
    with use_clock(SteppingClock()):
        site, path = _return_package(tmp_path)
        store = Store.open_path(site)
        actor = access.login(store, "nurse1", NURSE_PW)
        try:
            dialog = ImportReturnDialog(store, actor)
            qtbot.addWidget(dialog)
            dialog.set_file(str(path))
            assert not dialog.findChild(QPushButton, "importReturnPackage").isEnabled()
            assert "may raise queries" in dialog.findChild(QLabel, "returnStatus").text()
        finally:
            access.logout(store, actor)
            store.close()
