"""A window around the audit trail viewer, for the whole study or one subject."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from msct_crf.storage.store import Store
from ui.common.screen_fit import resize_within_screen
from ui.common.session import UserSession
from ui.review.audit_viewer import AuditViewer


class AuditViewerDialog(QDialog):
    """A window around an :class:`AuditViewer` (``viewer``)."""

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        subject: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewerDialog")
        self.setWindowTitle(
            self.tr("Audit trail of {subject}").format(subject=subject)
            if subject
            else self.tr("Audit trail")
        )
        self.viewer = AuditViewer(store, user, subject, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.viewer, 1)
        layout.addWidget(buttons)
        resize_within_screen(self, 1360, 680)
