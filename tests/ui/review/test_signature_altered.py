# ruff: noqa: F811  (pytest fixtures imported from trust_fixtures)
"""A signature altered in the file (here its meaning) shows on the form as invalid, struck
through, with its own reason, and the form offers no Lock."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from trust_fixtures import PI_PW, accounts, fast_hasher, visit  # noqa: F401

from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle
from ui.common.session import UserSession
from ui.forms.form_page import FormPage


def test_an_altered_signature_is_shown_invalid(
    qtbot: QtBot, store: Store, visit: SimpleNamespace
) -> None:
    lifecycle.verify_record(store, visit.monitor, "VIS", visit.id)
    signed = lifecycle.sign_record(store, visit.pi, "VIS", visit.id, PI_PW)
    assert store.path is not None
    db = sqlite3.connect(store.path)
    db.execute(
        "UPDATE signature SET meaning = 'I have reviewed this data' WHERE id = ?", (signed.id,)
    )
    db.commit()
    db.close()
    page = FormPage(store, UserSession("", visit.pi), "VIS")
    qtbot.addWidget(page)
    page.show()
    page.load_record(visit.subject, visit.id)
    shown = page.findChild(QLabel, "signatureLabel")
    assert shown is not None
    assert "copied or altered" in shown.text() and "<s>" in shown.text()
    lock = page.findChild(QPushButton, "lockButton")
    assert lock is None or not lock.isEnabled() or not lock.isVisible()
