"""The sign dialog: the password again and the meaning, as stored."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from msct_crf.workflow import lifecycle
from ui.review.sign_dialog import SignDialog


def test_sign_dialog_returns_password_and_meaning(qtbot: QtBot) -> None:
    dialog = SignDialog("Dr Li Wei", "Visit of GZH-001")
    qtbot.addWidget(dialog)
    dialog.password.setText("secret-123")
    dialog.meaning.setCurrentIndex(2)
    assert dialog.values() == ("secret-123", lifecycle.MEANINGS[2])
