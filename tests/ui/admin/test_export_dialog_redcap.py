"""File > Export to Excel…: the REDCap import bundle option (issue 12), written by the same
export off the GUI thread, with the replace question for a folder that holds a bundle."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from export_factory import build_small_study
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from redcap_readback import bundle_problems

from msct_crf.reporting.redcap import BUNDLE_FILES
from msct_crf.storage.store import Store
from ui.admin.export_dialog import ExportDialog
from ui.common import background


@pytest.fixture(scope="module")
def redcap_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dialog_redcap") / "small.db"
    build_small_study(path)
    return path


@pytest.fixture
def redcap_study(tmp_path: Path, redcap_template: Path) -> Iterator[Store]:
    path = tmp_path / "study.db"
    shutil.copy(redcap_template, path)
    with Store.open_path(path) as store:
        yield store
    background.wait_for_tasks()


def test_the_bundle_is_off_until_asked_for(qtbot, redcap_study: Store) -> None:
    dialog = ExportDialog(redcap_study, "nurse")
    qtbot.addWidget(dialog)
    assert dialog.redcap_dir() is None
    assert not dialog.findChild(QWidget, "redcapDirEdit").isEnabled()
    assert not dialog.findChild(QWidget, "redcapBrowseButton").isEnabled()
    dialog.findChild(QWidget, "redcapCheck").setChecked(True)
    assert dialog.findChild(QWidget, "redcapDirEdit").isEnabled()
    assert dialog.redcap_dir() is not None and dialog.redcap_dir().name.startswith("study_redcap_")


def test_the_export_writes_the_bundle(qtbot, redcap_study: Store, tmp_path: Path) -> None:
    dialog = ExportDialog(redcap_study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_output_path(tmp_path / "x.xlsx")
    bundle = tmp_path / "bundle"
    dialog.set_redcap_dir(bundle)
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000) as blocker:
        qtbot.mouseClick(dialog.findChild(QWidget, "exportButton"), Qt.MouseButton.LeftButton)
        assert not dialog.findChild(QWidget, "redcapCheck").isEnabled()
        assert not dialog.findChild(QWidget, "redcapDirEdit").isEnabled()
    report = blocker.args[0]
    assert report.redcap_dir == bundle and len(report.redcap_files) == len(BUNDLE_FILES)
    assert sorted(p.name for p in bundle.iterdir()) == sorted(BUNDLE_FILES)
    assert bundle_problems(bundle) == []
    assert str(bundle) in dialog.findChild(QWidget, "exportStatus").text()
    assert dialog.findChild(QWidget, "redcapDirEdit").isEnabled()


def test_a_folder_holding_a_bundle_is_replaced_only_when_confirmed(
    qtbot, redcap_study: Store, tmp_path: Path, answer
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / BUNDLE_FILES[0]).write_text("an older dictionary")
    dialog = ExportDialog(redcap_study, "nurse")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_output_path(tmp_path / "x.xlsx")
    dialog.set_redcap_dir(bundle)
    asked = answer("confirm_replace", False)
    dialog.start_export()
    assert len(asked) == 1 and str(bundle) in str(asked[0][1])
    assert not dialog.is_running() and not (tmp_path / "x.xlsx").exists()
    assert (bundle / BUNDLE_FILES[0]).read_text() == "an older dictionary"
    answer("confirm_replace", True)
    with qtbot.waitSignal(dialog.exportFinished, timeout=60_000):
        dialog.start_export()
    assert (bundle / BUNDLE_FILES[0]).read_text().startswith("Variable / Field Name,")
