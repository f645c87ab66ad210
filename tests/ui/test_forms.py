"""FormPage: enrolment, saving, validation as the user types, the guards and shortcuts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.study.dictionary import field as dict_field
from msct_crf.study.validation import field_findings, parse_value
from msct_crf.workflow import records
from ui.common import prompts
from ui.forms import save_controller
from ui.forms.form_page import FormPage
from ui.forms.save_controller import EmptyVisitChoice

Answer = Callable[[str, object], list[tuple[object, ...]]]


@pytest.fixture(autouse=True)
def _sparse_visits_are_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests save visits with one or two labs to show something else; the question a
    mostly empty visit asks is tested in tests/ui/forms/test_honest_status.py."""
    monkeypatch.setattr(save_controller, "ask_save_draft", lambda _p: EmptyVisitChoice.COMPLETE)


def make_page(qtbot: QtBot, store: Store, form: str) -> FormPage:
    page = FormPage(store, "nurse", form)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def line(page: FormPage, code: str) -> QLineEdit:
    widget = page.findChild(QLineEdit, f"field_{code}")
    assert widget is not None, code
    return widget


def combo(page: FormPage, code: str) -> QComboBox:
    widget = page.findChild(QComboBox, f"field_{code}")
    assert widget is not None, code
    return widget


def save_button(page: FormPage) -> QPushButton:
    button = page.findChild(QPushButton, "saveButton")
    assert button is not None
    return button


def error_text(page: FormPage, code: str) -> str:
    label = page.findChild(QLabel, f"error_{code}")
    assert label is not None
    return label.text()


def choose(qtbot: QtBot, box: QComboBox, code: str) -> None:
    """Pick a code-list entry the way a keyboard user does: arrow down to it."""
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == code:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{code} not in {box.objectName()}")


def new_visit(qtbot: QtBot, store: Store, subject: str, visit: str = "M6") -> FormPage:
    page = make_page(qtbot, store, "VIS")
    page.load_record(subject, None)
    choose(qtbot, combo(page, "VISIT"), visit)
    qtbot.keyClicks(line(page, "VISDTC"), "2025-07-11")
    return page


def test_enrol_a_subject_by_keyboard(qtbot: QtBot, store: Store) -> None:
    page = make_page(qtbot, store, "ENROL")
    page.load_record(None, None)
    qtbot.keyClicks(combo(page, "SITEID"), "G")
    qtbot.keyClicks(line(page, "INITIALS"), "ZXY")
    qtbot.keyClicks(combo(page, "SEX"), "M")
    qtbot.keyClicks(line(page, "BRTHDTC"), "1970-06-15")
    qtbot.keyClicks(line(page, "RFICDTC"), "2025-02-01")
    qtbot.keyClicks(line(page, "ENRLDTC"), "2025-02-03")
    qtbot.keyClicks(combo(page, "DXCAT"), "Primary b")
    assert combo(page, "DXCAT").currentData() == "PBC"
    assert line(page, "AGE").text() == "54"  # derived live, read-only
    assert page.is_dirty()
    with qtbot.waitSignal(page.saved) as blocker:
        assert page.save()
    assert blocker.args == ["GZH-001", 1]
    subject = records.get_subject(store, "GZH-001")
    assert subject is not None
    assert subject.values["INITIALS"] == "ZXY"
    assert subject.values["SEX"] == "M"
    assert subject.values["AGE"] == 54
    assert line(page, "SUBJID").text() == "GZH-001"
    assert not page.is_dirty()


def test_required_fields_are_marked_and_reported_at_save(qtbot: QtBot, store: Store) -> None:
    page = make_page(qtbot, store, "ENROL")
    label = page.findChild(QLabel, "label_SITEID")
    assert label is not None and label.text().endswith("*")
    qtbot.keyClicks(line(page, "INITIALS"), "AB")
    assert not page.save()
    assert "required" in error_text(page, "SITEID")
    assert records.list_subjects(store) == []


def test_hard_range_error_blocks_save_and_names_the_range(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "TBIL"), "3000")
    tbil = dict_field("VIS", "TBIL")
    expected = field_findings(tbil, parse_value(tbil, "3000").value)[0].message
    assert error_text(page, "TBIL") == expected
    assert "0-1500" in expected
    assert not save_button(page).isEnabled()
    assert not page.save()
    assert "error" in page.status_text()
    assert records.list_records(store, "VIS", subject) == []
    line(page, "TBIL").selectAll()
    qtbot.keyClicks(line(page, "TBIL"), "30")
    assert error_text(page, "TBIL") == ""
    assert save_button(page).isEnabled()


def test_not_a_number_is_an_error_beside_the_field(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "ALB"), "3O")
    assert "must be a number" in error_text(page, "ALB")
    assert not save_button(page).isEnabled()


def test_soft_warning_needs_confirmation(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "ALT"), "2000")
    assert "confirm" in error_text(page, "ALT")
    assert save_button(page).isEnabled()
    refused = answer("confirm_warnings", False)
    assert not page.save()
    assert records.list_records(store, "VIS", subject) == []
    assert any("ALT" in line_ for line_ in refused[0][1])  # type: ignore[union-attr]
    confirmed = answer("confirm_warnings", True)
    assert page.save()
    assert len(confirmed) == 1
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.values["ALT"] == 2000


def test_saved_values_come_back_after_reopening(
    qtbot: QtBot, store: Store, subject: str, db_path: object
) -> None:
    page = new_visit(qtbot, store, subject)
    for code, text in {"TBIL": "25.6", "CREAT": "80", "INR": "1.25", "ALB": "33.5"}.items():
        qtbot.keyClicks(line(page, code), text)
    qtbot.keyClicks(combo(page, "ASCITES"), "Mild")
    assert page.save()
    record_id = page.record_id()
    reopened_store = Store.open_path(str(db_path))
    try:
        again = make_page(qtbot, reopened_store, "VIS")
        again.load_record(subject, record_id)
        assert line(again, "TBIL").text() == "25.6"
        assert line(again, "INR").text() == "1.25"
        assert line(again, "ALB").text() == "33.5"
        assert line(again, "VISDTC").text() == "2025-07-11"
        assert combo(again, "ASCITES").currentData() == "1"
        assert combo(again, "VISIT").currentData() == "M6"
        assert not again.is_dirty()
    finally:
        reopened_store.close()


def test_changing_a_complete_form_asks_for_a_reason(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "TBIL"), "25")
    assert page.save()
    line(page, "TBIL").selectAll()
    qtbot.keyClicks(line(page, "TBIL"), "26")
    answer("ask_reason", None)
    assert not page.save()
    assert "reason" in page.status_text()
    asked = answer("ask_reason", "transcription error")
    assert page.save()
    assert len(asked) == 1
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.values["TBIL"] == 26


def test_unsaved_changes_guard(qtbot: QtBot, store: Store, subject: str, answer: Answer) -> None:
    page = new_visit(qtbot, store, subject)
    assert page.is_dirty()  # chose a visit and typed its date
    answer("ask_unsaved", prompts.LeaveChoice.CANCEL)
    assert page.maybe_leave() is False
    assert page.is_dirty()
    assert line(page, "VISDTC").text() == "2025-07-11"
    answer("ask_unsaved", prompts.LeaveChoice.DISCARD)
    assert page.maybe_leave() is True
    assert not page.is_dirty()
    assert line(page, "VISDTC").text() == ""
    qtbot.keyClicks(line(page, "TBIL"), "25")
    answer("ask_unsaved", prompts.LeaveChoice.SAVE)
    assert page.maybe_leave() is False  # save refused: visit and date are required
    assert page.is_dirty()


def test_clean_page_leaves_without_asking(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_page(qtbot, store, "VIS")
    page.load_record(subject, None)
    assert page.maybe_leave() is True


def test_ctrl_s_saves_and_enter_does_not(qtbot: QtBot, store: Store, subject: str) -> None:
    page = new_visit(qtbot, store, subject)
    page.activateWindow()
    tbil = line(page, "TBIL")
    tbil.setFocus()
    qtbot.waitUntil(tbil.hasFocus)
    qtbot.keyClicks(tbil, "25")
    qtbot.keyClick(tbil, Qt.Key.Key_Return)
    qtbot.keyClick(tbil, Qt.Key.Key_Enter)
    assert records.list_records(store, "VIS", subject) == []
    assert page.is_dirty()
    focused = page.focusWidget()
    assert focused is not None
    with qtbot.waitSignal(page.saved):
        qtbot.keyClick(focused, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.values["TBIL"] == 25


def test_enter_moves_to_the_next_field(qtbot: QtBot, store: Store, subject: str) -> None:
    page = new_visit(qtbot, store, subject)
    page.activateWindow()
    alt = line(page, "ALT")
    alt.setFocus()
    qtbot.waitUntil(alt.hasFocus)
    qtbot.keyClick(alt, Qt.Key.Key_Return)
    assert line(page, "AST").hasFocus()


def test_missing_data_code_from_the_button_is_saved(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = new_visit(qtbot, store, subject)
    button = page.findChild(QToolButton, "missing_PT")
    assert button is not None
    [nd] = [a for a in button.menu().actions() if a.data() == "ND"]
    nd.trigger()
    assert button.text() == "ND"
    assert not line(page, "PT").isEnabled()
    assert page.save()
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.missing == {"PT": "ND"}
    assert visit.values["PT"] is None
    # clearing the code of a complete form is a change that needs a reason
    [clear] = [a for a in button.menu().actions() if a.text().startswith("Clear")]
    clear.trigger()
    assert line(page, "PT").isEnabled()
    answer("ask_reason", "lab result found")
    assert page.save()
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.missing == {}


def test_units_toggle_converts_displayed_values(qtbot: QtBot, store: Store, subject: str) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "TBIL"), "34.2")
    qtbot.keyClicks(line(page, "ALB"), "35")
    qtbot.keyClicks(line(page, "ALT"), "40")
    toggle = page.findChild(QCheckBox, "unitsToggle")
    assert toggle is not None and toggle.isVisible()
    toggle.click()
    assert line(page, "TBIL").text() == "2"
    assert line(page, "ALB").text() == "3.5"
    assert line(page, "ALT").text() == "40"  # U/L has no conventional unit
    unit = page.findChild(QLabel, "unit_TBIL")
    assert unit is not None and unit.text() == "mg/dL"
    line(page, "TBIL").selectAll()
    qtbot.keyClicks(line(page, "TBIL"), "3")  # typed in mg/dL
    assert page.save()
    [visit] = records.list_records(store, "VIS", subject)
    assert visit.values["TBIL"] == pytest.approx(51.3)
    assert visit.values["ALB"] == 35  # not edited: kept exactly as typed in g/L
    toggle.click()
    assert line(page, "TBIL").text() == "51.3"


def test_conventional_value_out_of_range_names_both_units(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    page = new_visit(qtbot, store, subject)
    page.set_units(page.units().CONVENTIONAL)
    qtbot.keyClicks(line(page, "TBIL"), "100")  # 1710 µmol/L
    assert "mg/dL" in error_text(page, "TBIL")
    assert not save_button(page).isEnabled()


def test_cross_field_rule_shows_on_its_field(qtbot: QtBot, store: Store, subject: str) -> None:
    page = new_visit(qtbot, store, subject)
    qtbot.keyClicks(line(page, "TBIL"), "20")
    qtbot.keyClicks(line(page, "DBIL"), "30")
    assert "must not exceed total bilirubin" in error_text(page, "DBIL")
    assert not save_button(page).isEnabled()


def test_visit_window_warning_is_live(qtbot: QtBot, store: Store, subject: str) -> None:
    page = new_visit(qtbot, store, subject)
    line(page, "VISDTC").selectAll()
    qtbot.keyClicks(line(page, "VISDTC"), "2025-09-30")
    assert "window" in error_text(page, "VISDTC")


def test_chinese_labels(qtbot: QtBot, store: Store) -> None:
    page = make_page(qtbot, store, "ENROL")
    page.set_language("zh")
    label = page.findChild(QLabel, "label_SEX")
    assert label is not None and label.text().startswith("性别")
    assert combo(page, "SEX").itemText(1) == "女"


def test_tab_goes_top_to_bottom_through_the_fields(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    page = make_page(qtbot, store, "VIS")
    page.load_record(subject, None)
    page.activateWindow()
    start = combo(page, "VISIT")
    start.setFocus()
    qtbot.waitUntil(start.hasFocus)
    order = []
    for _ in range(6):
        focused = page.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        order.append(page.focusWidget().objectName())  # type: ignore[union-attr]
    assert order == [
        "field_VISDTC",
        "field_ALT",
        "field_AST",
        "field_ALP",
        "field_GGT",
        "field_TBIL",
    ]


@pytest.mark.parametrize("form_code", ["ENROL", "MH", "EX", "VIS", "AE", "CM", "DS"])
def test_every_entry_field_has_its_widget(
    qtbot: QtBot, store: Store, subject: str, form_code: str
) -> None:
    from msct_crf.study.dictionary import form as get_form

    page = FormPage(store, "nurse", form_code)
    qtbot.addWidget(page)
    page.load_record(subject, None)
    for f in get_form(form_code).entry_fields:
        assert page.findChild(QWidget, f"field_{f.code}") is not None, f.code
        assert page.findChild(QToolButton, f"missing_{f.code}") is not None, f.code
    assert save_button(page).isEnabled()
    assert not page.is_dirty()
