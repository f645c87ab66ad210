"""FormPage's parts: the body built from the dictionary, the save controller that makes one
core call per attempt and words its outcome, and the form checks shown while typing."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.units import UnitSystem
from msct_crf.workflow import records
from msct_crf.workflow.records import SaveOutcome, SaveResult, VitalSignsRow
from ui.common.session import UserSession
from ui.forms.form_body import FormBody
from ui.forms.form_page import FormPage
from ui.forms.save_controller import SaveController, outcome_text

Answer = Callable[[str, object], list[tuple[object, ...]]]
ROOT = Path(__file__).resolve().parents[3]
W = TypeVar("W", bound=QWidget)


def make_page(qtbot: QtBot, store: Store, form: str) -> FormPage:
    page = FormPage(store, "nurse", form)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def child(page: QWidget, kind: type[W], name: str) -> W:
    found = page.findChild(kind, name)
    assert found is not None, name
    return found


def choose(qtbot: QtBot, box: QComboBox, code: str) -> None:
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == code:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    raise AssertionError(f"{code} not in {box.objectName()}")


def save_enabled(page: FormPage) -> bool:
    return child(page, QPushButton, "saveButton").isEnabled()


# --------------------------------------------------------------------------- the body


def test_the_body_has_an_editor_per_field_named_by_its_code(qtbot: QtBot) -> None:
    form = get_form("VIS")
    body = FormBody(form)
    qtbot.addWidget(body)
    entered = [f.code for f in form.fields if not f.derived]
    assert list(body.editors) == entered
    for code in entered:
        assert body.findChild(QWidget, f"field_{code}") is not None
    assert body.vital_signs is None
    titles = [box.title() for box in body.findChildren(QGroupBox)]
    assert titles == ["Visit", "Laboratory", "Clinical status"]


def test_an_infusion_body_has_its_vital_signs_grid(qtbot: QtBot) -> None:
    body = FormBody(get_form("EX"))
    qtbot.addWidget(body)
    assert body.vital_signs is not None
    assert set(body.displays) == {"EXNUM", "EXDUR", "EXDOSE"}
    assert body.findChild(QLineEdit, "vs_PRE_TEMP") is not None


# --------------------------------------------------------------------------- the controller


def test_the_request_holds_what_is_typed(qtbot: QtBot, store: Store, subject: str) -> None:
    page = make_page(qtbot, store, "VIS")
    page.load_record(subject, None)
    choose(qtbot, child(page, QComboBox, "field_VISIT"), "M1")
    qtbot.keyClicks(child(page, QLineEdit, "field_VISDTC"), "2025-02-10")
    page.set_units(UnitSystem.CONVENTIONAL)
    qtbot.keyClicks(child(page, QLineEdit, "field_TBIL"), "2")  # mg/dL
    controller = SaveController(store, UserSession.coerce("nurse"), get_form("VIS"), page)
    editors = {code: page.editor(code) for code in ("VISIT", "VISDTC", "TBIL")}
    request = controller.request(editors, None, subject, parent_id=7)
    assert request.form == "VIS" and request.user == "nurse" and request.subject == subject
    assert request.values == {"VISIT": "M1", "VISDTC": "2025-02-10", "TBIL": "2"}
    assert request.units == {
        "VISIT": UnitSystem.SI,
        "VISDTC": UnitSystem.SI,
        "TBIL": UnitSystem.CONVENTIONAL,
    }
    assert request.record_id is None and request.parent_id == 7
    assert request.missing == {} and not request.confirm_warnings and request.reason is None
    saved = records.Record("VIS", 3, subject, {}, {"TBIL": "ND"}, "complete", parent_id=7)
    edit = controller.request(editors, saved, subject, parent_id=7)
    assert edit.record_id == 3 and edit.parent_id is None
    assert edit.missing == {"TBIL": ""}  # the code is cleared on the saved record


def test_outcomes_are_worded_by_the_ui() -> None:
    assert outcome_text(SaveResult(SaveOutcome.SAVED, message="Saved")) == "Saved."
    assert outcome_text(SaveResult(SaveOutcome.UNCHANGED, message="No changes")) == "No changes"
    refused = SaveResult(SaveOutcome.REFUSED, message="Subject 'X' does not exist")
    assert outcome_text(refused) == "Subject 'X' does not exist"


def test_declined_warnings_leave_nothing_written(
    qtbot: QtBot, store: Store, subject: str, answer: Answer
) -> None:
    calls = answer("confirm_warnings", False)
    page = make_page(qtbot, store, "EX")
    page.load_record(subject, None)
    controller = SaveController(store, UserSession.coerce("nurse"), get_form("EX"), page)
    infusion = {
        "EXSTDTC": "2025-02-07 09:00",
        "EXENDTC": "2025-02-07 09:45",
        "EXSRC": "UC-MSC",
        "EXLOT": "L-002",
        "EXWT": "60",
        "EXCELL": "60",
        "EXPLAN": "1.0",
    }
    request = records.SaveRequest(form="EX", values=infusion, user="nurse", subject=subject)
    rows = [VitalSignsRow("END", {"VSTPT": "END", "TEMP": "39.2"})]
    before = records.list_records(store, "EX", subject)
    attempt = controller.save(
        request,
        rows,
        form_label="Infusion",
        warning_lines=lambda result, where: [f"{where}: {f.message}" for f in result.warnings],
    )
    assert attempt.declined == "Not saved: warnings were not confirmed."
    assert attempt.timepoint == "END"
    assert calls and str(calls[0][1][0]).startswith("END: Temperature")
    assert records.list_records(store, "EX", subject) == before


# --------------------------------------------------------------------------- live form checks


def test_a_new_subject_without_a_site_is_refused_while_typing(qtbot: QtBot, store: Store) -> None:
    page = make_page(qtbot, store, "ENROL")
    qtbot.keyClicks(child(page, QLineEdit, "field_INITIALS"), "AB")
    assert "even for a draft" in child(page, QLabel, "error_SITEID").text()
    assert not save_enabled(page)
    qtbot.keyClicks(child(page, QComboBox, "field_SITEID"), "G")
    assert child(page, QLabel, "error_SITEID").text() == ""
    assert save_enabled(page)


def test_a_visit_entered_twice_is_refused_while_typing(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    baseline = {"VISIT": "BASELINE", "VISDTC": "2025-01-09"}
    assert records.save_form(store, user="nurse", form="VIS", subject=subject, values=baseline)
    page = make_page(qtbot, store, "VIS")
    page.load_record(subject, None)
    choose(qtbot, child(page, QComboBox, "field_VISIT"), "BASELINE")
    assert "already entered" in child(page, QLabel, "error_VISIT").text()
    assert not save_enabled(page)
    choose(qtbot, child(page, QComboBox, "field_VISIT"), "UNSCHED")
    assert child(page, QLabel, "error_VISIT").text() == ""


def test_consent_moved_past_the_first_visit_is_refused_while_typing(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    first = {"VISIT": "BASELINE", "VISDTC": "2025-01-09"}
    assert records.save_form(store, user="nurse", form="VIS", subject=subject, values=first)
    page = make_page(qtbot, store, "ENROL")
    page.load_record(subject, None)
    for code in ("RFICDTC", "ENRLDTC"):  # both a day after the first visit
        editor = child(page, QLineEdit, f"field_{code}")
        editor.selectAll()
        qtbot.keyClicks(editor, "2025-01-10")
    assert "first visit (2025-01-09)" in child(page, QLabel, "error_RFICDTC").text()
    assert not save_enabled(page)


# --------------------------------------------------------------------------- layers


def test_no_ui_module_imports_sqlalchemy() -> None:
    """The UI writes no SQL and opens no transaction: it reaches the database through
    msct_crf only."""
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] == "sqlalchemy"
            ]
    assert offenders == []


def test_each_forms_module_holds_at_most_one_widget_class() -> None:
    widget_bases = {"QWidget", "QDialog", "QComboBox", "QFrame", "QLineEdit"}
    for path in sorted((ROOT / "ui" / "forms").glob("*.py")):
        classes = [
            node.name
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in widget_bases for b in node.bases)
        ]
        assert len(classes) <= 1, (path.name, classes)
