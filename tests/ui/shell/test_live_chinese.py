# ruff: noqa: F811  (pytest fixtures imported from shell_fixtures)
"""Language › 简体中文 changes an open window at once: every menu, button, status text and
the open visit form (score notes, units, the lifecycle bar), without a restart."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabBar, QWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings, small_study, window  # noqa: F401

from ui.common import i18n, prompts
from ui.shell.main_window import MainWindow

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Texts that are the same in both languages: score names, SI units, subject IDs, names
#: of languages.
SAME = re.compile(
    r"^(MELD|MELD-Na|MELD 3\.0|Child-Pugh|ALBI|English|[µm]?mol/L|[A-Z]{3}-\d{3}\b.*|[-+−\d.]+)$"
)


def _open_visit(window: MainWindow) -> None:
    subjid = window.patients.model.row_at(0).subjid
    assert window.open_subject(subjid, "VIS")
    page = window.workspace.page("VIS")
    assert page.record_ids()
    assert page.open_record(page.record_ids()[-1])


def english_left(window: QWidget) -> list[str]:
    """Visible texts with words in them and no Chinese character."""
    texts: list[tuple[str, str]] = []
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if widget.isVisible():
            texts.append((widget.objectName() or type(widget).__name__, widget.text()))
    texts += [("group", g.title()) for g in window.findChildren(QGroupBox) if g.isVisible()]
    for bar in window.findChildren(QTabBar):
        texts += [("tab", bar.tabText(i)) for i in range(bar.count())]
    if hasattr(window, "menuBar"):
        for menu_action in window.menuBar().actions():
            texts.append(("menu", menu_action.text()))
            texts += [("action", a.text()) for a in menu_action.menu().actions() if a.text()]
    return [
        f"{name}: {text!r}"
        for name, text in texts
        if re.search("[A-Za-z]{2,}", text) and not CJK.search(text) and not SAME.match(text)
    ]


def test_switching_to_chinese_translates_the_open_visit_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    _open_visit(window)
    editor = window.workspace.page("VIS").editor
    assert "Save" in editor.findChild(QAbstractButton, "saveButton").text()
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: "保存" in editor.findChild(QAbstractButton, "saveButton").text())
    assert english_left(window) == []
    actions = {
        a.objectName(): a.text() for a in window.findChildren(type(window.menus.actions["quit"]))
    }
    for name in ("actExport", "actionBackUpNow", "actionBackups", "actVerify", "actLogOut"):
        assert CJK.search(actions[name]), name
    status = editor.findChild(QLabel, "statusLabel").text()
    assert CJK.search(status), status  # not "COMPLETE"
    window.set_language("en")
    qtbot.waitUntil(lambda: editor.findChild(QAbstractButton, "saveButton").text() == "Save")
    assert editor.findChild(QLabel, "statusLabel").text() == "COMPLETE"


def test_score_notes_and_units_in_chinese(qtbot: QtBot, window: MainWindow) -> None:
    from ui.forms.score_panel import ScorePanel

    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: i18n.current_language() == "zh_CN")
    panel = ScorePanel()
    qtbot.addWidget(panel)
    panel.set_language("zh")
    panel.set_subject(female=False, cholestatic=True)
    panel.update_values(
        {"TBIL": 10.0, "CREAT": 50.0, "INR": 0.9, "SODIUM": 150.0, "ALB": 40.0}
        | {"ASCITES": "0", "HE": "0", "DIALYSIS": "N"}
    )
    notes = " ".join(
        panel.findChild(QLabel, f"score_{k}_notes").text()
        for k in ("MELD", "MELD_NA", "CHILD_PUGH")
    )
    assert "肌酐" in notes and "floored" not in notes
    assert "胆汁淤积" in notes
    assert "级" in panel.findChild(QLabel, "score_ALBI").text()  # not "(grade 1)"


def test_the_unsaved_changes_box_is_chinese(qtbot: QtBot, window: MainWindow) -> None:
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: i18n.current_language() == "zh_CN")
    box, buttons = prompts.unsaved_box(window)
    qtbot.addWidget(box)
    assert CJK.search(box.windowTitle()) and CJK.search(box.text())
    assert [b.text() for b in buttons.values()] == ["保存(&S)", "放弃更改(&D)", "取消(&C)"]
