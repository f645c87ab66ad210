"""A non-modal window around the queries panel, for a record, a subject or the study."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from msct_crf.storage.store import Store
from ui.common.screen_fit import resize_within_screen
from ui.common.session import UserSession
from ui.review.queries_panel import QueriesPanel


class QueriesDialog(QDialog):
    """A non-modal window around a :class:`QueriesPanel` (``panel``)."""

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        *,
        subject: str | None = None,
        form: str | None = None,
        record_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queriesDialog")
        self.setWindowTitle(self.tr("Queries"))
        self.panel = QueriesPanel(
            store, user, subject=subject, form=form, record_id=record_id, parent=self
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 1300, 520)
