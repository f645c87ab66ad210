# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""Subject › Casebook (PDF)…, File › Save as PDF… and File › Print…: the core's casebook run
off the GUI thread with progress and Cancel; the print dialog is injected, never shown."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from casebook_factory import pdf_pages, squeeze
from PySide6.QtWidgets import QCheckBox, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401

from msct_crf.reporting.casebook import CasebookCancelled
from ui.admin.casebook_dialog import CasebookDialog
from ui.shell.main_window import MainWindow


def _open_visit(window: MainWindow) -> str:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, "VIS")
    page = window.workspace.page("VIS")
    assert page.record_ids()
    assert page.open_record(page.record_ids()[-1])
    window.menus.update_enabled()  # as opening the menu does
    return subjid


def test_the_actions_follow_what_is_shown(qtbot: QtBot, window: MainWindow) -> None:
    actions = window.menus.actions
    assert actions["casebook"] in window.menus.menus["subject"].actions()
    file_menu = window.menus.menus["file"].actions()
    assert actions["print_form"] in file_menu and actions["save_pdf"] in file_menu
    window.menus.update_enabled()
    assert not actions["casebook"].isEnabled()
    assert actions["print_form"].isEnabled()  # Ctrl+P works once a form is shown
    actions["print_form"].trigger()  # nothing shown: it says so, in a box that never blocks
    box = window.findChild(QMessageBox, "refusalBox")
    assert box is not None and "saved form" in box.text()
    assert not window.casebooks.printer.is_running() and window.casebooks.dialog is None
    box.close()
    _open_visit(window)
    assert actions["casebook"].isEnabled()


def _dialog(window: MainWindow) -> CasebookDialog:
    dialog = window.casebooks.dialog
    assert isinstance(dialog, CasebookDialog) and dialog.isVisible()
    return dialog


def test_subject_casebook_is_written_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    subjid = _open_visit(window)
    window.menus.actions["casebook"].trigger()
    dialog = _dialog(window)
    out = tmp_path / "book.pdf"
    dialog.set_output_path(out)
    dialog.set_language("zh")
    with qtbot.waitSignal(dialog.casebookFinished, timeout=60_000) as finished:
        dialog.findChild(QPushButton, "writeButton").click()
        assert dialog.is_running()
    report = finished.args[0]
    assert report.subject == subjid and report.records > 2
    pages = pdf_pages(out)
    assert squeeze(f"第 1 页，共 {len(pages)} 页") in squeeze(pages[0])
    assert "随访" in "".join(pages) and not dialog.is_running()


def test_cancel_leaves_no_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow(*_args: object, cancel: object, **_kw: object) -> None:
        started.set()
        while not cancel():  # type: ignore[operator]
            threading.Event().wait(0.01)
        raise CasebookCancelled()

    monkeypatch.setattr("msct_crf.reporting.casebook.make_casebook", slow)
    _open_visit(window)
    window.menus.actions["casebook"].trigger()
    dialog = _dialog(window)
    dialog.set_output_path(tmp_path / "never.pdf")
    dialog.start()
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.casebookCancelled, timeout=20_000):
        dialog.cancel()
    assert not (tmp_path / "never.pdf").exists() and not dialog.is_running()


def test_save_as_pdf_writes_the_current_form_only(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _open_visit(window)
    window.menus.actions["save_pdf"].trigger()
    dialog = _dialog(window)
    out = tmp_path / "visit.pdf"
    dialog.set_output_path(out)
    dialog.set_language("en")
    with qtbot.waitSignal(dialog.casebookFinished, timeout=60_000) as finished:
        dialog.start()
    assert finished.args[0].records == 1
    text = squeeze("".join(pdf_pages(out)))
    assert squeeze("TBIL Total bilirubin") in text and "SITEID" not in text


def test_print_renders_the_form_pages_on_the_chosen_printer(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printed_to = tmp_path / "printed.pdf"
    asked: list[QPrinter] = []

    def choose_pdf_printer(_parent: object, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        printer.setResolution(96)
        asked.append(printer)
        return True

    window.casebooks.printer._ask = choose_pdf_printer
    _open_visit(window)
    with qtbot.waitSignal(window.casebooks.printer.printed, timeout=60_000) as printed:
        window.menus.actions["print_form"].trigger()
    assert asked and printed.args[0] >= 1
    assert len(pdf_pages(printed_to)) == printed.args[0]
    assert not window.casebooks.printer.is_running()


def test_identifying_fields_are_offered_to_administrators_only(
    qtbot: QtBot, window: MainWindow
) -> None:
    from msct_crf.access import Actor

    admin = Actor(user_id=1, username="admin", full_name="Ada", role="admin")
    nurse = Actor(user_id=2, username="nurse1", full_name="Zhang", role="nurse")
    for actor, offered in ((admin, True), (nurse, False), (None, False)):
        dialog = CasebookDialog(window.store, "x", "GZH-001", actor=actor)
        qtbot.addWidget(dialog)
        dialog.show()
        check = dialog.findChild(QCheckBox, "identifyingCheck")
        assert check is not None and check.isVisible() is offered
