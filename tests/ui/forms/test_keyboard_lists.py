"""Keyboard everywhere in a form: list fields choose by typed label (spaces included),
code or leading digit; Ctrl+M opens the missing-data menu with an item highlighted and
Return chooses it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from ui.forms.code_combo_box import CodeComboBox, match_index
from ui.forms.form_page import FormPage


@pytest.fixture
def visit(qtbot: QtBot, store: Store, subject: str) -> FormPage:
    page = FormPage(store, "nurse", "VIS")
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.load_record(subject, None)
    page.show()
    qtbot.waitExposed(page)
    return page


def _combo(page: FormPage, code: str) -> QComboBox:
    widget = page.findChild(QComboBox, f"field_{code}")
    assert isinstance(widget, CodeComboBox), code
    return widget


def test_typing_a_label_with_a_space_chooses_it(qtbot: QtBot, visit: FormPage) -> None:
    box = _combo(visit, "VISIT")
    box.setFocus()
    qtbot.keyClicks(box, "Month 6")
    assert box.currentData() == "M6"
    assert not box.view().isVisible()  # the space did not open the list
    assert visit.editor("VISIT").raw() == "M6"


def test_a_digit_chooses_the_grade_of_that_number(qtbot: QtBot, visit: FormPage) -> None:
    box = _combo(visit, "HE")
    box.setFocus()
    for digit in "30241":  # quickly: "30" names nothing, so the search starts again at "0"
        qtbot.keyClick(box, digit)
        assert box.currentData() == digit


def test_match_order_code_then_label_then_word() -> None:
    items = [("", ""), ("Month 1", "M1"), ("Month 12", "M12"), ("Unscheduled", "UNSCHED")]
    assert match_index(items, "m12") == 2  # a code, typed
    assert match_index(items, "Month 1") == 1
    assert match_index(items, "Month 12") == 2
    assert match_index(items, "12") == 2  # a word of the label
    assert match_index(items, "un") == 3
    assert match_index(items, "zz") == -1 and match_index(items, " ") == -1


def test_ctrl_m_highlights_a_code_and_return_chooses_it(qtbot: QtBot, visit: FormPage) -> None:
    field = visit.findChild(QLineEdit, "field_TBIL")
    assert field is not None
    visit.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    qtbot.keyClick(field, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    button = visit.findChild(QToolButton, "missing_TBIL")
    assert button is not None
    menu = button.menu()
    assert isinstance(menu, QMenu)
    qtbot.waitUntil(menu.isVisible)
    assert menu.activeAction() is not None and menu.activeAction().data() == "ND"
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    assert menu.activeAction().data() == "UNK"
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert visit.editor("TBIL").missing() == "UNK"
