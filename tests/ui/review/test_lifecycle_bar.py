# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""The lifecycle bar on a form: status, signature and the steps each role may take."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import PI_PW, accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle
from ui.common.session import UserSession
from ui.forms.form_page import FormPage
from ui.review import lifecycle_bar


def page_for(qtbot: QtBot, store: Store, v: SimpleNamespace, who: str) -> FormPage:
    page = FormPage(store, UserSession("", getattr(v, who)), "VIS")
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    page.load_record(v.subject, v.id)
    return page


def button(page: FormPage, name: str) -> QPushButton:
    found = page.findChild(QPushButton, name)
    assert found is not None, name
    return found


def label(page: FormPage, name: str) -> QLabel:
    found = page.findChild(QLabel, name)
    assert found is not None, name
    return found


def refusal(widget: FormPage) -> QMessageBox:
    box = widget.findChild(QMessageBox, "refusalBox")
    assert box is not None, "no refusal message was shown"
    return box


def test_monitor_verifies_but_cannot_save(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    page = page_for(qtbot, store, visit, "monitor")
    assert label(page, "statusLabel").property("status") == "complete"
    verify = button(page, "verifyButton")
    assert verify.isEnabled()
    assert not button(page, "saveButton").isEnabled()
    tbil = page.findChild(QLineEdit, "field_TBIL")
    assert tbil is not None and not tbil.isEnabled()
    assert page.status_text().startswith("Read only: mon1 (monitor) may not enter")
    assert not page.save()
    assert "may not enter or change study data" in page.status_text()
    assert "monitor" in page.status_text()
    verify.click()
    assert lifecycle.status_of(store, "VIS", visit.id) == "verified"
    assert label(page, "statusLabel").property("status") == "verified"
    assert not verify.isEnabled()
    assert not button(page, "signButton").isEnabled()  # monitors do not sign


def test_nurse_cannot_sign(qtbot: QtBot, store: Store, visit: SimpleNamespace) -> None:
    lifecycle.verify_record(store, visit.monitor, "VIS", visit.id)
    page = page_for(qtbot, store, visit, "nurse")
    sign = button(page, "signButton")
    assert not sign.isEnabled()
    assert "may not" in sign.toolTip()
    assert not button(page, "verifyButton").isEnabled()
    assert not button(page, "unlockButton").isEnabled()


def test_pi_signs_locks_and_unlock_voids(
    qtbot: QtBot,
    store: Store,
    visit: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lifecycle.verify_record(store, visit.monitor, "VIS", visit.id)
    page = page_for(qtbot, store, visit, "pi")
    asked: list[tuple[str, str]] = []

    def sign_answer(_parent: object, name: str, what: str) -> tuple[str, str]:
        asked.append((name, what))
        return PI_PW, "I have reviewed this data"

    monkeypatch.setattr(lifecycle_bar, "ask_signature", sign_answer)
    with qtbot.waitSignal(page.lifecycleChanged):
        button(page, "signButton").click()
    assert asked and asked[0][0] == "Dr Li Wei" and visit.subject in asked[0][1]
    signature = label(page, "signatureLabel").text()
    assert "Dr Li Wei" in signature and "liwei" in signature
    assert "I have reviewed this data" in signature
    stored = lifecycle.signature_for(store, "VIS", visit.id)
    assert stored is not None and stored.signed_at[:10] in signature
    assert label(page, "statusLabel").property("status") == "signed"
    assert not button(page, "saveButton").isEnabled()  # a signed form is frozen

    button(page, "lockButton").click()
    assert lifecycle.status_of(store, "VIS", visit.id) == "locked"

    reasons: list[str] = []

    def reason_answer(_parent: object, what: str) -> str:
        reasons.append(what)
        return "Lab sent a corrected bilirubin"

    monkeypatch.setattr(lifecycle_bar, "ask_unlock_reason", reason_answer)
    button(page, "unlockButton").click()
    assert reasons
    assert lifecycle.status_of(store, "VIS", visit.id) == "complete"
    voided = label(page, "signatureLabel")
    assert voided.property("voided") is True
    assert "VOIDED" in voided.text() and "Lab sent a corrected bilirubin" in voided.text()
    assert "<s>" in voided.text()
    assert label(page, "statusLabel").property("status") == "complete"
    assert button(page, "saveButton").isEnabled()  # the PI may correct it now


def test_wrong_password_is_refused_with_a_message(
    qtbot: QtBot,
    store: Store,
    visit: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lifecycle.verify_record(store, visit.monitor, "VIS", visit.id)
    page = page_for(qtbot, store, visit, "pi")
    monkeypatch.setattr(lifecycle_bar, "ask_signature", lambda *_a: ("not-my-password", "x"))
    button(page, "signButton").click()
    assert "Wrong password" in refusal(page).text()
    assert lifecycle.status_of(store, "VIS", visit.id) == "verified"
    refusal(page).close()


def test_buttons_wait_for_unsaved_input(qtbot: QtBot, store: Store, visit: SimpleNamespace) -> None:
    page = page_for(qtbot, store, visit, "pi")
    unlocked_actions = button(page, "queriesButton")
    assert unlocked_actions.isEnabled()
    tbil = page.findChild(QLineEdit, "field_TBIL")
    assert tbil is not None
    qtbot.keyClicks(tbil, "1")
    assert page.is_dirty() and not unlocked_actions.isEnabled()


def test_single_user_mode_shows_status_only(qtbot: QtBot, store: Store) -> None:
    from trust_fixtures import ENROL

    from msct_crf.workflow import records

    saved = records.save_form(
        store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
    )
    page = FormPage(store, "nurse", "ENROL")
    qtbot.addWidget(page)
    page.load_record(saved.subject, None)
    assert label(page, "statusLabel").property("status") == "complete"
    assert "Log in" in label(page, "signatureLabel").text()
    for name in ("verifyButton", "signButton", "lockButton", "unlockButton"):
        assert not button(page, name).isEnabled()
