"""The wide review dialogs fit the screen they open on (a 1280x800 laptop included): the
offscreen test screen is smaller than their preferred size, so they must shrink to it."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from msct_crf.storage.store import Store
from ui.common.screen_fit import SCREEN_SHARE
from ui.review.audit_viewer_dialog import AuditViewerDialog
from ui.review.queries_dialog import QueriesDialog


def test_queries_and_audit_dialogs_fit_the_screen(qtbot, store: Store) -> None:
    screen = QGuiApplication.primaryScreen()
    free = screen.availableGeometry()
    assert free.width() < 1300  # the test screen is narrower than the dialogs' wish
    for dialog in (QueriesDialog(store, "nurse"), AuditViewerDialog(store, "nurse")):
        qtbot.addWidget(dialog)
        assert dialog.width() <= int(free.width() * SCREEN_SHARE)
        assert dialog.height() <= int(free.height() * SCREEN_SHARE)
