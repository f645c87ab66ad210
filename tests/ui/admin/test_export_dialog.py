"""File > Export to Excel…: the dialog runs the export off the GUI thread and can cancel."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from export_factory import build_small_study
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QWidget

from msct_crf.reporting.export import ExportOptions
from msct_crf.storage.store import Store
from ui.admin.export_dialog import ExportDialog, add_export_action
from ui.common import background


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dialog") / "small.db"
    build_small_study(path)
    return path


@pytest.fixture
def study(tmp_path: Path, template: Path) -> Iterator[Store]:
    path = tmp_path / "study.db"
    shutil.copy(template, path)
    with Store.open_path(path) as store:
        yield store
    background.wait_for_tasks()


def _exports(store: Store) -> int:
    assert store.path is not None
    with sqlite3.connect(store.path) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE action='export'").fetchone()[0]


def test_export_runs_and_offers_folder(qtbot, study: Store, tmp_path: Path, monkeypatch) -> None:
    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "from-dialog.xlsx"
    dialog.set_output_path(out)
    dialog.set_forms(["VIS", "AE"])
    dialog.findChild(QWidget, "languageCombo").setCurrentIndex(1)  # 中文
    dialog.findChild(QWidget, "auditCheck").setChecked(True)
    options = dialog.options()
    assert options.forms == ("VIS", "AE") and options.language == "zh" and options.include_audit
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000) as blocker:
        qtbot.mouseClick(dialog.findChild(QWidget, "exportButton"), Qt.MouseButton.LeftButton)
        assert dialog.is_running()
        assert not dialog.findChild(QWidget, "exportButton").isEnabled()
        assert dialog.findChild(QWidget, "cancelButton").isEnabled()
    report = blocker.args[0]
    assert report.path == out.resolve()
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[4:6] == ["Visits", "Adverse events"] and names[-1] == "Audit trail"
    assert dialog.findChild(QWidget, "progressBar").isHidden()
    assert dialog.findChild(QWidget, "openFolderButton").isVisible()
    assert str(out) in dialog.findChild(QWidget, "exportStatus").text()
    assert _exports(study) == 1
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    qtbot.mouseClick(dialog.findChild(QWidget, "openFolderButton"), Qt.MouseButton.LeftButton)
    assert opened == [str(out.resolve().parent)]


def test_cancel_leaves_no_file(qtbot, study: Store, tmp_path: Path, monkeypatch) -> None:
    import msct_crf.reporting.export.api as api

    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    dialog.set_output_path(out_dir / "cancelled.xlsx")
    real = api.load_study

    def slow_load(*args, **kwargs):
        data = real(*args, **kwargs)
        # the export has started: cancel from the GUI thread while it runs

        gate.wait(10)
        return data

    gate = threading.Event()
    monkeypatch.setattr(api, "load_study", slow_load)
    with qtbot.waitSignal(dialog.exportCancelled, timeout=60_000):
        dialog.start_export()
        qtbot.waitUntil(lambda: dialog.is_running())
        qtbot.mouseClick(dialog.findChild(QWidget, "cancelButton"), Qt.MouseButton.LeftButton)
        gate.set()
    assert not dialog.is_running()
    assert list(out_dir.iterdir()) == []
    assert "cancelled" in dialog.findChild(QWidget, "exportStatus").text()
    assert _exports(study) == 0
    assert dialog.findChild(QWidget, "exportButton").isEnabled()


def test_bad_options_show_a_message(qtbot, study: Store, tmp_path: Path) -> None:
    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_forms([])
    dialog.start_export()
    assert not dialog.is_running()
    assert "form" in dialog.findChild(QWidget, "exportStatus").text()
    dialog.set_forms(["VIS"])
    dialog.set_output_path(tmp_path / "missing-folder" / "x.xlsx")
    with qtbot.waitSignal(dialog.exportFailed, timeout=60_000) as blocker:
        dialog.start_export()
    assert "does not exist" in blocker.args[0]
    dialog.findChild(QWidget, "subjectsEdit").setText("GZH-001, NOPE-9")
    dialog.set_output_path(tmp_path / "x.xlsx")
    with qtbot.waitSignal(dialog.exportFailed, timeout=60_000) as blocker:
        dialog.start_export()
    assert "NOPE-9" in blocker.args[0]
    assert not (tmp_path / "x.xlsx").exists()


def test_default_options_are_everything(qtbot, study: Store) -> None:
    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.options() == ExportOptions()
    assert dialog.output_path().suffix == ".xlsx"
    assert dialog.output_path().parent == study.path.parent
    assert dialog.findChild(QWidget, "identifyingCheck").isHidden()


def test_add_export_action(qtbot, study: Store) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = QMenu(parent)
    action = add_export_action(menu, parent, lambda: study, lambda: "nurse")
    assert action.text() == "Export to Excel…"
    assert action.shortcut().toString() == "Ctrl+E"
    assert action in menu.actions()
    action.trigger()
    dialogs = parent.findChildren(ExportDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()


def test_an_existing_file_is_replaced_only_when_the_person_says_so(
    qtbot, study: Store, tmp_path: Path, answer
) -> None:
    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    out = tmp_path / "older.xlsx"
    out.write_bytes(b"an older export")
    dialog.set_output_path(out)
    asked = answer("confirm_replace", False)
    dialog.start_export()
    assert len(asked) == 1 and str(out) in str(asked[0][1])
    assert not dialog.is_running() and out.read_bytes() == b"an older export"
    assert _exports(study) == 0
    answer("confirm_replace", True)
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000):
        dialog.start_export()
    assert out.read_bytes()[:2] == b"PK" and _exports(study) == 1


def test_the_study_itself_is_never_an_output(qtbot, study: Store, answer) -> None:
    assert study.path is not None
    before = study.path.read_bytes()
    dialog = ExportDialog(study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_output_path(study.path.with_suffix(".xlsx"))
    copy = study.path.with_suffix(".xlsx")
    shutil.copy(study.path, copy)  # a database named like a workbook: not even asked
    asked = answer("confirm_replace", True)
    with qtbot.waitSignal(dialog.exportFailed, timeout=60_000) as blocker:
        dialog.start_export()
    assert asked == [] and "is an SQLite database" in blocker.args[0]
    assert study.path.read_bytes() == before and copy.read_bytes()[:6] == b"SQLite"
