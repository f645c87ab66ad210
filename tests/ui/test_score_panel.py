"""The live score panel shows exactly what msct_crf.study.scores computes, key by key."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from msct_crf.storage.store import Store
from msct_crf.study import scores
from msct_crf.study.scores import MISSING_TEXT
from msct_crf.workflow import records
from ui.forms.form_page import FormPage
from ui.forms.score_panel import ScorePanel


def label(widget: object, name: str) -> QLabel:
    found = widget.findChild(QLabel, name)  # type: ignore[attr-defined]
    assert found is not None, name
    return found


def test_meld_follows_each_keystroke_of_bilirubin(qtbot: QtBot, store: Store, subject: str) -> None:
    page = FormPage(store, "nurse", "VIS")
    qtbot.addWidget(page)
    page.load_record(subject, None)
    for code, text in {"CREAT": "97", "INR": "1.6", "SODIUM": "131", "ALB": "29"}.items():
        qtbot.keyClicks(page.findChild(QLineEdit, f"field_{code}"), text)
    meld = label(page, "score_MELD")
    assert meld.text() == MISSING_TEXT
    assert "Total bilirubin" in label(page, "score_MELD_notes").text()
    tbil = page.findChild(QLineEdit, "field_TBIL")
    seen = []
    typed = ""
    for char in "58.6":
        qtbot.keyClicks(tbil, char)
        typed += char
        expected = scores.meld(
            bilirubin_umol_l=float(typed), creatinine_umol_l=97.0, inr=1.6, dialysis=False
        )
        assert meld.text() == str(expected), typed
        seen.append(meld.text())
    assert len(set(seen)) > 1  # MELD moved as bilirubin was typed
    assert label(page, "score_MELD_NA").text() == str(
        scores.meld_na(bilirubin_umol_l=58.6, creatinine_umol_l=97, inr=1.6, sodium_mmol_l=131)
    )
    assert label(page, "score_MELD_3").text() == str(
        scores.meld_3(
            bilirubin_umol_l=58.6,
            creatinine_umol_l=97,
            inr=1.6,
            sodium_mmol_l=131,
            albumin_g_l=29,
            female=True,
        )
    )
    albi, grade = scores.albi(bilirubin_umol_l=58.6, albumin_g_l=29)
    assert f"{albi:.2f}" in label(page, "score_ALBI").text()
    assert str(grade) in label(page, "score_ALBI").text()
    # Child-Pugh still needs ascites and encephalopathy
    assert label(page, "score_CHILD_PUGH").text() == MISSING_TEXT
    assert "Ascites" in label(page, "score_CHILD_PUGH_notes").text()


def test_child_pugh_and_dialysis_from_the_code_lists(
    qtbot: QtBot, store: Store, subject: str
) -> None:
    page = FormPage(store, "nurse", "VIS")
    qtbot.addWidget(page)
    page.load_record(subject, None)
    for code, text in {"TBIL": "60", "CREAT": "300", "INR": "2.0", "ALB": "30"}.items():
        page.editor(code).set_raw(text)
    for code, value in {"ASCITES": "1", "HE": "2", "DIALYSIS": "Y"}.items():
        page.editor(code).set_raw(value)
        page.editor(code).edited.emit(code)
    points, grade = scores.child_pugh(
        bilirubin_umol_l=60, albumin_g_l=30, inr=2.0, ascites=1, encephalopathy=2
    )
    assert label(page, "score_CHILD_PUGH").text() == f"{grade} ({points})"
    assert label(page, "score_MELD").text() == str(
        scores.meld(bilirubin_umol_l=60, creatinine_umol_l=300, inr=2.0, dialysis=True)
    )
    assert "dialysis" in label(page, "score_MELD_notes").text()


def test_out_of_range_input_does_not_score(qtbot: QtBot, store: Store, subject: str) -> None:
    page = FormPage(store, "nurse", "VIS")
    qtbot.addWidget(page)
    page.load_record(subject, None)
    for code, text in {"CREAT": "80", "INR": "1.2"}.items():
        qtbot.keyClicks(page.findChild(QLineEdit, f"field_{code}"), text)
    qtbot.keyClicks(page.findChild(QLineEdit, "field_TBIL"), "3000")
    assert label(page, "score_MELD").text() == MISSING_TEXT


def test_change_from_baseline(qtbot: QtBot, store: Store, subject: str) -> None:
    baseline = records.save_form(
        store,
        user="nurse",
        form="VIS",
        subject=subject,
        values={
            "VISIT": "BASELINE",
            "VISDTC": "2025-01-08",
            "TBIL": "80",
            "CREAT": "90",
            "INR": "1.8",
            "ALB": "28",
            "SODIUM": "133",
        },
    )
    assert baseline.saved, baseline
    stored = records.get_record(store, "VIS", baseline.record_id or 0)
    assert stored is not None
    page = FormPage(store, "nurse", "VIS")
    qtbot.addWidget(page)
    page.load_record(subject, None)
    for code, text in {"TBIL": "40", "CREAT": "90", "INR": "1.4", "ALB": "33"}.items():
        qtbot.keyClicks(page.findChild(QLineEdit, f"field_{code}"), text)
    now = scores.meld(bilirubin_umol_l=40, creatinine_umol_l=90, inr=1.4)
    delta = now - stored.values["MELD"]
    assert delta < 0
    assert f"−{abs(delta)}" in label(page, "score_MELD_change").text()


def test_panel_alone_lists_missing_inputs(qtbot: QtBot) -> None:
    panel = ScorePanel()
    qtbot.addWidget(panel)
    panel.set_subject(female=None, cholestatic=False)
    panel.update_values({"TBIL": 30.0, "CREAT": 80.0, "INR": 1.1, "SODIUM": 138.0, "ALB": 40.0})
    assert label(panel, "score_MELD").text() == str(
        scores.meld(bilirubin_umol_l=30, creatinine_umol_l=80, inr=1.1)
    )
    assert label(panel, "score_MELD_3").text() == MISSING_TEXT
    assert "Sex" in label(panel, "score_MELD_3_notes").text()
    assert panel.results()["MELD_3"].missing == ("female",)


@pytest.mark.parametrize("cholestatic", [False, True])
def test_cholestatic_bands_follow_the_subject(qtbot: QtBot, cholestatic: bool) -> None:
    panel = ScorePanel()
    qtbot.addWidget(panel)
    panel.set_subject(female=True, cholestatic=cholestatic)
    panel.update_values({"TBIL": 90.0, "ALB": 30.0, "INR": 1.5, "ASCITES": "0", "HE": "0"})
    points, grade = scores.child_pugh(
        bilirubin_umol_l=90,
        albumin_g_l=30,
        inr=1.5,
        ascites=0,
        encephalopathy=0,
        cholestatic=cholestatic,
    )
    assert label(panel, "score_CHILD_PUGH").text() == f"{grade} ({points})"
