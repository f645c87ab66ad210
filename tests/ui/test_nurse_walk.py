# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures / trust_fixtures)
"""The nurse's desktop in one scripted walk, as a new nurse meets it (issue 11's check):
a fresh install opens the demo from the start dialog; Ctrl+N and typing lands in the first
field; Language › 简体中文 turns every menu and button of the open visit form Chinese at
once; a query answered with a bad corrected value keeps the dialog, the text and the
message. The pieces have their own tests; this walks them in one session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401
from trust_fixtures import fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.storage.store import Store
from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD, create_accounts
from msct_crf.workflow import queries
from ui.common import background, i18n
from ui.common.session import UserSession
from ui.review import queries_panel
from ui.review.answer_query_dialog import AnswerDialog
from ui.review.queries_panel import QueriesPanel
from ui.shell import start_dialog
from ui.shell.main_window import MainWindow
from ui.shell.start_dialog import StartDialog

CJK = re.compile(r"[\u4e00-\u9fff]")
#: The same in both languages: score names, units, IDs, numbers, language names.
SAME = re.compile(
    r"^(MELD|MELD-Na|MELD 3\.0|Child-Pugh|ALBI|English|[µm]?mol/L|[A-Z]{3}-\d{3}\b.*|[-+−\d.]+)$"
)


@pytest.fixture
def demo_store(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Step 1: a fresh install (no data folder yet) opens the demo from the start dialog."""
    home = tmp_path / "fresh" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    demo = home / "msct-crf" / "demo.db"
    monkeypatch.setenv(start_dialog.DEMO_ENV, str(demo))
    assert not demo.parent.exists()
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText("nurse.wang")
    with qtbot.waitSignal(dialog.accepted, timeout=120_000):
        dialog.findChild(object, "openDemoButton").click()
    assert dialog.store is not None and dialog.error_text() == "" and demo.exists()
    yield dialog.store
    dialog.store.close()


def _english_left(window: MainWindow) -> list[str]:
    texts = [
        (w.objectName() or type(w).__name__, w.text())
        for w in window.findChildren(QAbstractButton) + window.findChildren(QLabel)
        if w.isVisible()
    ]
    for menu in window.menuBar().actions():
        texts.append(("menu", menu.text()))
        texts += [("action", a.text()) for a in menu.menu().actions() if a.text()]
    return [
        f"{name}: {text!r}"
        for name, text in texts
        if re.search("[A-Za-z]{2,}", text) and not CJK.search(text) and not SAME.match(text)
    ]


def _walk_ctrl_n_and_language(qtbot: QtBot, window: MainWindow) -> None:
    """Steps 2 and 3: Ctrl+N then typing; Language › 简体中文 on an open visit."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.showing_workspace)
    page = window.workspace.page("ENROL")
    first = next(iter(page._editors.values())).focus_widget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    qtbot.keyClicks(first, "G")
    assert page.editor(first.objectName().removeprefix("field_")).raw()
    page.load_record(None, None)  # leave nothing unsaved

    assert window.open_subject("GZH-003", "VIS")
    visits = window.workspace.page("VIS")
    assert visits.open_record(visits.record_ids()[-1])
    save = visits.editor.findChild(QAbstractButton, "saveButton")
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: "保存" in save.text())
    assert _english_left(window) == []
    window.set_language("en")
    qtbot.waitUntil(lambda: save.text() == "Save")


def _walk_bad_answer(qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 4: the monitor queries albumin; the nurse answers with a bad corrected value."""
    create_accounts(store)
    monitor = access.login(store, "monitor.chen", DEMO_PASSWORD)
    nurse = access.login(store, "nurse.wang", DEMO_PASSWORD)
    visit_id = queries_target(store)
    raised = queries.raise_query(
        store, monitor, subject="GZH-003", form="VIS", record_id=visit_id, field="ALB", text="?"
    )
    panel = QueriesPanel(store, UserSession("", nurse), subject="GZH-003")
    qtbot.addWidget(panel)
    assert panel.select_query(raised.id)
    seen: list[AnswerDialog] = []

    def answer(parent, query, can_correct, submit):  # type: ignore[no-untyped-def]
        dialog = AnswerDialog(query, can_correct, parent, submit=submit)
        seen.append(dialog)
        dialog.show()
        dialog.answer.setPlainText("re-read the printout")
        dialog.correction.setText("abc")
        dialog.ok_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(queries_panel, "ask_answer", answer)
    panel.findChild(QPushButton, "answerButton").click()  # type: ignore[union-attr]
    (dialog,) = seen
    assert dialog.isVisible()
    assert dialog.answer.toPlainText() == "re-read the printout"
    assert dialog.correction.text() == "abc"
    error = dialog.findChild(QLabel, "answerError")
    assert error is not None and error.isVisible() and "Albumin" in error.text()
    assert queries.get_query(store, raised.id).status == "open"  # type: ignore[union-attr]
    dialog.reject()


def queries_target(store: Store) -> int:
    from msct_crf.workflow import records

    return records.list_records(store, "VIS", "GZH-003")[-1].id


def test_a_new_nurse_walks_the_desktop(
    qtbot: QtBot, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(demo_store, "nurse.wang")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        window.show()
    try:
        _walk_ctrl_n_and_language(qtbot, window)
        _walk_bad_answer(qtbot, demo_store, monkeypatch)
    finally:
        i18n.set_language("en")
        background.wait_for_tasks()
        window.workspace.maybe_leave = lambda: True  # type: ignore[method-assign]
        window.close()
