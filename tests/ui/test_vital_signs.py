"""Infusion form: vital-signs grid, live dose, record list and the linked adverse event."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.study.derive import derive
from msct_crf.workflow import records
from ui.forms.record_list_page import RecordListPage
from ui.forms.vital_signs_grid import MEASURES, TIMEPOINTS

Answer = Callable[[str, object], list[tuple[object, ...]]]


def make_list(qtbot: QtBot, store: Store, subject: str, form: str = "EX") -> RecordListPage:
    page = RecordListPage(store, "nurse", form)
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.set_subject(subject)
    return page


def line(widget: RecordListPage, name: str) -> QLineEdit:
    found = widget.findChild(QLineEdit, name)
    assert found is not None, name
    return found


def choose(qtbot: QtBot, widget: RecordListPage, code: str, value: str) -> None:
    box = widget.findChild(QComboBox, f"field_{code}")
    assert box is not None, code
    qtbot.keyClick(box, Qt.Key.Key_Home)
    while box.currentData() != value:
        qtbot.keyClick(box, Qt.Key.Key_Down)


def fill_infusion(qtbot: QtBot, page: RecordListPage, start: str = "2025-02-07 09:00") -> None:
    qtbot.keyClicks(line(page, "field_EXSTDTC"), start)
    qtbot.keyClicks(line(page, "field_EXENDTC"), start[:11] + "09:45")
    choose(qtbot, page, "EXSRC", "UC-MSC")
    qtbot.keyClicks(line(page, "field_EXLOT"), "L-002")
    qtbot.keyClicks(line(page, "field_EXWT"), "60")
    qtbot.keyClicks(line(page, "field_EXCELL"), "66")
    qtbot.keyClicks(line(page, "field_EXPLAN"), "1.0")


def test_grid_has_every_timepoint_and_measure(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_list(qtbot, store, subject)
    assert TIMEPOINTS == ("PRE", "15MIN", "30MIN", "60MIN", "END", "2H", "24H")
    for tpt in TIMEPOINTS:
        for code in MEASURES:
            assert page.findChild(QLineEdit, f"vs_{tpt}_{code}") is not None


def test_record_an_infusion_with_vital_signs(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_list(qtbot, store, subject)
    assert page.record_ids() == [1]  # the fixture's first infusion
    fill_infusion(qtbot, page)
    dose = line(page, "field_EXDOSE")
    assert dose.isReadOnly()
    expected = derive("EX", {"EXCELL": 66.0, "EXWT": 60.0})["EXDOSE"]
    assert dose.text() == f"{expected:.2f}" == "1.10"
    assert line(page, "field_EXDUR").text() == "45"
    for code, text in {"TEMP": "36.6", "PULSE": "78", "SYSBP": "122", "DIABP": "76"}.items():
        qtbot.keyClicks(line(page, f"vs_PRE_{code}"), text)
    qtbot.keyClicks(line(page, "vs_END_TEMP"), "37.0")
    qtbot.keyClicks(line(page, "vs_END_SPO2"), "ND")
    with qtbot.waitSignal(page.changed):
        assert page.editor.save()
    infusion_id = page.editor.record_id()
    assert infusion_id is not None and infusion_id != 1
    infusion = records.get_record(store, "EX", infusion_id)
    assert infusion is not None
    assert infusion.values["EXDOSE"] == expected
    assert infusion.values["EXNUM"] == 2
    vitals = {v.values["VSTPT"]: v for v in records.list_records(store, "VS", subject, infusion_id)}
    assert set(vitals) == {"PRE", "END"}
    assert vitals["PRE"].values["SYSBP"] == 122
    assert vitals["PRE"].parent_id == infusion_id
    assert vitals["END"].missing == {"SPO2": "ND"}
    table = page.findChild(QTableWidget, "recordTable")
    assert table is not None and table.rowCount() == 2
    # the saved grid comes back
    assert line(page, "vs_PRE_PULSE").text() == "78"
    assert line(page, "vs_END_SPO2").text() == "ND"
    assert not page.editor.is_dirty()


def test_grid_errors_block_saving(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_list(qtbot, store, subject)
    fill_infusion(qtbot, page)
    qtbot.keyClicks(line(page, "vs_PRE_SYSBP"), "70")
    qtbot.keyClicks(line(page, "vs_PRE_DIABP"), "80")
    messages = page.findChild(QLabel, "vsMessages")
    assert messages is not None
    assert "Systolic pressure must be higher than diastolic" in messages.text()
    qtbot.keyClicks(line(page, "vs_15MIN_TEMP"), "47")
    assert "30-45" in line(page, "vs_15MIN_TEMP").toolTip()
    assert not page.editor.save()
    assert page.record_ids() == [1]


def test_fever_in_the_grid_needs_confirmation(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = make_list(qtbot, store, subject)
    fill_infusion(qtbot, page)
    qtbot.keyClicks(line(page, "vs_2H_TEMP"), "38.9")
    asked = answer("confirm_warnings", True)
    assert page.editor.save()
    assert any("38.9" in str(message) for message in asked[0][1])  # type: ignore[union-attr]


def test_editing_a_saved_infusion_updates_its_vital_signs(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = make_list(qtbot, store, subject)
    assert page.open_record(1)
    assert line(page, "field_EXLOT").text() == "L-001"
    qtbot.keyClicks(line(page, "vs_PRE_PULSE"), "80")
    answer("ask_reason", "vital signs from the nursing chart")
    assert page.editor.save()
    [pre] = records.list_records(store, "VS", subject, 1)
    assert pre.values["PULSE"] == 80


def test_infusion_reaction_opens_a_linked_adverse_event(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    page = make_list(qtbot, store, subject)
    fill_infusion(qtbot, page)
    choose(qtbot, page, "EXREACT", "Y")
    offered = answer("ask_open_linked_ae", True)
    assert page.editor.save()
    assert len(offered) == 1
    infusion_id = page.editor.record_id()
    dialog = page.ae_dialog
    assert dialog is not None and dialog.isVisible()
    ae_page = dialog.page
    onset = ae_page.findChild(QLineEdit, "field_AESTDTC")
    assert onset is not None and onset.text() == "2025-02-07 09:00"
    qtbot.keyClicks(ae_page.findChild(QLineEdit, "field_AETERM"), "Fever")
    for code, value in {"AETOXGR": "1", "AESER": "N", "AEREL": "POSSIBLE"}.items():
        box = ae_page.findChild(QComboBox, f"field_{code}")
        assert box is not None
        box.setCurrentIndex(box.findData(value))
    with qtbot.waitSignal(dialog.accepted):
        assert ae_page.save()
    [event] = records.list_records(store, "AE", subject)
    assert event.parent_id == infusion_id
    assert event.values["AETERM"] == "Fever"
    assert event.values["AEINFREL"] == "Y"
    # saving the infusion again does not offer a second event
    page.editor.load_record(subject, infusion_id)
    qtbot.keyClicks(line(page, "field_EXVOL"), "100")
    answer("ask_reason", "volume added")
    assert page.editor.save()
    assert len(offered) == 1


def test_selecting_a_row_opens_that_record(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_list(qtbot, store, subject, form="VIS")
    for visit, day in (("BASELINE", "2025-01-08"), ("M1", "2025-02-09")):
        result = records.save_form(
            store,
            user="nurse",
            form="VIS",
            subject=subject,
            values={"VISIT": visit, "VISDTC": day, "TBIL": "30"},
        )
        assert result.saved, result
    page.set_subject(subject)
    table = page.findChild(QTableWidget, "recordTable")
    assert table is not None and table.rowCount() == 2
    assert table.item(1, 0).text() == "Month 1"
    table.selectRow(1)
    assert page.editor.record_id() == page.record_ids()[1]
    assert line(page, "field_VISDTC").text() == "2025-02-09"
