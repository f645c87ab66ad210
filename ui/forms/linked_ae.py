"""A dialog to record an infusion reaction as an adverse event linked to its infusion."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.common.screen_fit import resize_within_screen
from ui.common.session import UserSession

from .form_page import FormPage


def needs_linked_ae(store: Store, subjid: str, infusion_id: int) -> bool:
    """True when the infusion records a reaction and no adverse event is linked to it yet."""
    infusion = records.get_record(store, "EX", infusion_id)
    if infusion is None or infusion.values.get("EXREACT") != "Y":
        return False
    linked = [ae for ae in records.list_records(store, "AE", subjid) if ae.parent_id == infusion_id]
    return not linked


class LinkedAeDialog(QDialog):
    """An adverse-event form for one infusion, onset prefilled with the infusion start.

    The embedded page is `page` (a `FormPage` for AE); the dialog accepts when it saves and
    asks about unsaved input when closed.
    """

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        subjid: str,
        infusion_id: int,
        onset: datetime | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkedAeDialog")
        self.setWindowTitle(self.tr("Adverse event for infusion reaction"))
        self.page = FormPage(store, user, "AE", self)
        self.page.load_record(subjid, None, parent_id=infusion_id)
        if onset is not None:
            self.page.prefill({"AESTDTC": onset.strftime("%Y-%m-%d %H:%M")})
        self.page.saved.connect(lambda _s, _r: self.accept())
        close = QPushButton(self.tr("Close"), self)
        close.setAutoDefault(False)
        close.setDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addLayout(buttons)
        resize_within_screen(self, 760, 640)

    def reject(self) -> None:
        if self.page.maybe_leave():
            super().reject()
