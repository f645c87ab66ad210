"""The raise-query dialog returns the field chosen and the question typed, trimmed."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.review.raise_query_dialog import RaiseQueryDialog


def test_dialog_returns_what_was_typed(qtbot: QtBot) -> None:
    raise_dialog = RaiseQueryDialog("VIS")
    qtbot.addWidget(raise_dialog)
    raise_dialog.field.setCurrentIndex(raise_dialog.field.findData("ALB"))
    raise_dialog.text.setPlainText("  Albumin looks low  ")
    assert raise_dialog.values() == ("ALB", "Albumin looks low")
