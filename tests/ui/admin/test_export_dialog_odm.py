# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The export dialog's CDISC ODM 1.3.2 choice: written after the workbook in the same
background task, Transactional on request, offered only to people who may view the audit
trail, a bad file named before anything runs."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_factory import build_small_study
from lxml import etree
from PySide6.QtWidgets import QWidget
from trust_fixtures import accounts, fast_hasher  # noqa: F401

from msct_crf.reporting.odm import odm_errors
from msct_crf.storage.store import Store
from ui.admin.export_dialog import ExportDialog
from ui.common import background


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("odm_dialog") / "small.db"
    build_small_study(path)
    return path


@pytest.fixture
def study(tmp_path: Path, template: Path) -> Iterator[Store]:
    path = tmp_path / "study.db"
    shutil.copy(template, path)
    with Store.open_path(path) as store:
        yield store
    background.wait_for_tasks()


def _exports(store: Store) -> list[str]:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute("SELECT new_value FROM audit_log WHERE action='export'").fetchall()
    conn.close()
    return [row[0] for row in rows]


@pytest.mark.parametrize("history", [False, True], ids=["snapshot", "transactional"])
def test_the_odm_file_beside_the_workbook(
    qtbot, study: Store, tmp_path: Path, history: bool
) -> None:
    dialog = ExportDialog(study, "pi")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.odm_path() is None and not dialog.findChild(QWidget, "odmEdit").isEnabled()
    dialog.set_output_path(tmp_path / "book.xlsx")
    dialog.set_odm(tmp_path / "study.xml", history=history)
    assert dialog.findChild(QWidget, "odmEdit").isEnabled()
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000):
        dialog.start_export()
    odm = dialog.last_odm_report()
    assert odm is not None and odm.path == (tmp_path / "study.xml").resolve()
    assert odm_errors(odm.path) == []
    kind = "Transactional" if history else "Snapshot"
    assert etree.parse(str(odm.path)).getroot().get("FileType") == kind
    assert str(odm.path) in dialog.findChild(QWidget, "exportStatus").text()
    assert [row.split(";")[0] for row in _exports(study)] == [
        "book.xlsx",
        f"study.xml (CDISC ODM 1.3.2 {kind})",
    ]
    assert dialog.findChild(QWidget, "odmHistoryCheck").isEnabled()


def test_a_bad_odm_file_is_named_before_anything_runs(qtbot, study: Store, tmp_path: Path) -> None:
    dialog = ExportDialog(study, "pi")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_output_path(tmp_path / "book.xlsx")
    dialog.set_odm(tmp_path / "study.txt")
    dialog.start_export()
    assert not dialog.is_running()
    assert "must end in .xml" in dialog.findChild(QWidget, "exportStatus").text()
    assert _exports(study) == [] and not (tmp_path / "book.xlsx").exists()


def test_only_for_those_who_may_view_the_audit_trail(qtbot, store: Store, accounts: dict) -> None:
    nurse = ExportDialog(store, "nurse1", actor=accounts["nurse"])
    qtbot.addWidget(nurse)
    nurse.show()
    assert nurse.findChild(QWidget, "odmCheck").isHidden()
    nurse.set_odm("anything.xml")
    assert nurse.odm_path() is None
    monitor = ExportDialog(store, "mon1", actor=accounts["monitor"])
    qtbot.addWidget(monitor)
    monitor.show()
    assert monitor.findChild(QWidget, "odmCheck").isVisible()
    assert monitor.findChild(QWidget, "odmEdit").text().endswith(".xml")
