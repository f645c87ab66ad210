"""File > Send to coordinating centre…: the site's next package, written to a folder or a
USB stick, and when the last one was made.

The package is written off the GUI thread (``ui.common.background``) by
:func:`msct_crf.exchange.site_package.write_package`, signed with the logged-in account's
key; the dialog only shows what the core answers. Single-user mode has no key, so the
dialog says that packages need an account.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Actor
from msct_crf.exchange import site_package
from msct_crf.storage.store import Store
from ui.common import background


class SendPackageDialog(QDialog):
    """Write the next package into a chosen folder.

    Signals: ``sent(str)`` the path of the package written.
    """

    sent = Signal(str)

    def __init__(self, store: Store, actor: Actor | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendPackageDialog")
        self.setWindowTitle(self.tr("Send to coordinating centre"))
        self._store, self._actor = store, actor
        self._task: background.Task | None = None
        self._last = QLabel(self)
        self._last.setObjectName("lastPackage")
        self._last.setWordWrap(True)
        self._folder = QLineEdit(self)
        self._folder.setObjectName("packageFolder")
        self._folder.setPlaceholderText(self.tr("Folder or USB stick"))
        self._folder.textChanged.connect(self._update_buttons)
        browse = QPushButton(self.tr("&Choose…"), self)
        browse.setObjectName("choosePackageFolder")
        browse.clicked.connect(self._choose)
        self._send = QPushButton(self.tr("&Write package"), self)
        self._send.setObjectName("writePackage")
        self._send.clicked.connect(self.send)
        self._status = QLabel(self)
        self._status.setObjectName("packageStatus")
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self._folder, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self._last)
        layout.addLayout(row)
        layout.addWidget(self._send)
        layout.addWidget(self._status)
        layout.addWidget(buttons)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._task is not None

    def set_folder(self, folder: str) -> None:
        self._folder.setText(folder)

    def refresh(self) -> None:
        last = site_package.last_package_text(self._store)
        if last is None:
            self._last.setText(self.tr("No package has been sent to the coordinating centre yet."))
        else:
            _number, name, made = last
            self._last.setText(
                self.tr("Last package: {name}, made {time} (UTC).").format(
                    name=name, time=made.replace("T", " ")[:19]
                )
            )
        if self._actor is None:
            self._status.setText(
                self.tr("Packages are signed with your account's key: log in to an account.")
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self._actor is not None and bool(self._folder.text().strip())
        self._send.setEnabled(ready and self._task is None)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Write the package to"))
        if folder:
            self._folder.setText(folder)

    def send(self) -> None:
        if self._actor is None or self._task is not None or not self._folder.text().strip():
            return
        store, actor, folder = self._store, self._actor, Path(self._folder.text().strip())

        def job(_task: Any) -> site_package.PackageReport:
            return site_package.write_package(store, actor, folder)

        def done(report: site_package.PackageReport) -> None:
            self._task = None
            self._status.setText(
                self.tr("Written {path}: {rows} audit rows, {records} records.").format(
                    path=report.path, rows=report.audit_rows, records=report.records
                )
            )
            self.refresh()
            self.sent.emit(str(report.path))

        def failed(exc: BaseException) -> None:
            self._task = None
            self._status.setText(str(exc) or type(exc).__name__)
            self._update_buttons()

        self._status.setText(self.tr("Writing the package…"))
        self._task = background.run_task(job, on_done=done, on_error=failed)
        self._update_buttons()


def add_send_package_action(
    menu: QMenu,
    parent: QWidget,
    store_getter: Callable[[], Store],
    actor_getter: Callable[[], Actor | None],
) -> QAction:
    """Add "Send to coordinating centre…" to `menu` (the File menu) and return it."""

    def open_dialog() -> None:
        dialog = SendPackageDialog(store_getter(), actor_getter(), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action = QAction(
        QCoreApplication.translate("SendPackageDialog", "Send to coordinating centre…"), parent
    )
    action.setObjectName("actSendToCentre")
    action.triggered.connect(open_dialog)
    menu.addAction(action)
    return action
