"""File > Import from coordinating centre…: the centre's return package (its queries)
raised in this site's file, off the GUI thread, by
:func:`msct_crf.exchange.returns.import_return`. Importing the same package again changes
nothing; the queries then show in Review › Open queries like any other.
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

from msct_crf.access import Actor, Permission
from msct_crf.exchange import returns
from msct_crf.storage.store import Store
from ui.common import background


class ImportReturnDialog(QDialog):
    """Import one return package.

    Signals: ``imported(int)`` the number of queries raised.
    """

    imported = Signal(int)

    def __init__(self, store: Store, actor: Actor | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReturnDialog")
        self.setWindowTitle(self.tr("Import from coordinating centre"))
        self._store, self._actor = store, actor
        self._task: background.Task | None = None
        self._file = QLineEdit(self)
        self._file.setObjectName("returnPackageFile")
        self._file.setPlaceholderText(self.tr("Return package (.msctret)"))
        self._file.textChanged.connect(self._update_buttons)
        browse = QPushButton(self.tr("&Choose…"), self)
        browse.setObjectName("chooseReturnPackage")
        browse.clicked.connect(self._choose)
        self._import = QPushButton(self.tr("&Import"), self)
        self._import.setObjectName("importReturnPackage")
        self._import.clicked.connect(self.start)
        self._status = QLabel(self)
        self._status.setObjectName("returnStatus")
        self._status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self._file, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self._import)
        layout.addWidget(self._status)
        layout.addWidget(buttons)
        if actor is None or not actor.can(Permission.RAISE_QUERY):
            self._status.setText(
                self.tr("Importing the centre's queries needs an account that may raise queries.")
            )
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return self._task is not None

    def set_file(self, path: str) -> None:
        self._file.setText(path)

    def _allowed(self) -> bool:
        return self._actor is not None and self._actor.can(Permission.RAISE_QUERY)

    def _update_buttons(self) -> None:
        ready = self._allowed() and bool(self._file.text().strip())
        self._import.setEnabled(ready and self._task is None)

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Return package"), "", self.tr("Return packages (*.msctret)")
        )
        if path:
            self._file.setText(path)

    def start(self) -> None:
        if not self._allowed() or self._task is not None:
            return
        store, actor, path = self._store, self._actor, Path(self._file.text().strip())
        assert actor is not None

        def job(_task: Any) -> returns.ReturnImport:
            return returns.import_return(store, actor, path.read_bytes(), path.name)

        def done(result: returns.ReturnImport) -> None:
            self._task = None
            if result.already:
                self._status.setText(self.tr("{name}: already imported.").format(name=result.name))
            else:
                text = self.tr("{name}: {n} queries from the coordinating centre.").format(
                    name=result.name, n=result.raised
                )
                if result.pinned is not None:  # the first import: the site now trusts this key
                    text += "\n" + self.tr(
                        "This site now accepts return packages signed with the centre's key "
                        "{fingerprint} only. Check with the centre that msct-crf central "
                        "status shows the same fingerprint before answering."
                    ).format(fingerprint=result.pinned)
                self._status.setText(text)
            self._update_buttons()
            self.imported.emit(result.raised)

        def failed(exc: BaseException) -> None:
            self._task = None
            self._status.setText(str(exc) or type(exc).__name__)
            self._update_buttons()

        self._status.setText(self.tr("Importing…"))
        self._task = background.run_task(job, on_done=done, on_error=failed)
        self._update_buttons()


def add_import_return_action(
    menu: QMenu,
    parent: QWidget,
    store_getter: Callable[[], Store],
    actor_getter: Callable[[], Actor | None],
) -> QAction:
    """Add "Import from coordinating centre…" to `menu` (the File menu) and return it."""

    def open_dialog() -> None:
        dialog = ImportReturnDialog(store_getter(), actor_getter(), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action = QAction(
        QCoreApplication.translate("ImportReturnDialog", "Import from coordinating centre…"),
        parent,
    )
    action.setObjectName("actImportFromCentre")
    action.triggered.connect(open_dialog)
    menu.addAction(action)
    return action
