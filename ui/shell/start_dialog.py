"""The start dialog: who is working, and on which study database.

Offers: create a new study database, open an existing one, open the demo study (created on
first use in the user's data folder), or one of the recent files. Until real accounts
exist it asks for a user name, remembered for next time; that name goes into every audit
row. A file that cannot be opened (damaged, not a database, a newer schema, locked) is
reported inside the dialog, which stays open: the app never starts on a bad file and never
crashes on one.

The file pickers and the opening itself are module functions, so the main window's File
menu reuses them and tests can answer the pickers with monkeypatch instead of a modal box.
Opening (migrations, quick_check) and creating the demo run off the GUI thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msct_crf.errors import DatabaseError, MsctError
from msct_crf.exchange.site_package import init_site
from msct_crf.storage.db.engine import default_database_path
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import STUDY_TITLE
from msct_crf.workflow import backup
from ui.common import background
from ui.common import settings as opts
from ui.common.i18n import dictionary_language
from ui.shell.new_study_fields import Identity, NewStudyFields

#: Environment variable that overrides where the demo study lives (tests, kiosks).
DEMO_ENV = "MSCT_CRF_DEMO_DB"
_FILTER = "MSC-CRF study (*.db *.sqlite);;All files (*)"


def demo_database_path() -> Path:
    """Where the demo study lives: the user's data folder unless ``MSCT_CRF_DEMO_DB`` says."""
    override = os.environ.get(DEMO_ENV)
    if override:
        return Path(override)
    return platformdirs.user_data_path("msct-crf", appauthor=False) / "demo.db"


def data_folder() -> Path:
    """The user's data folder (where `msct-crf` keeps its study by default), created if it
    is not there yet: on a fresh install it does not exist, and a file dialog cannot start
    in a missing folder."""
    folder = default_database_path().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def choose_new_database(parent: QWidget | None) -> Path | None:
    """Ask where to create a new study database (None when cancelled); the dialog starts
    in the user data folder, as the README says."""
    name, _filter = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("StartDialog", "Create a new study database"),
        str(data_folder() / "study.db"),
        _FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".db")


def choose_existing_database(parent: QWidget | None) -> Path | None:
    """Ask which study database to open (None when cancelled)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("StartDialog", "Open a study database"),
        str(data_folder()),
        _FILTER,
    )
    return Path(name) if name else None


def _open_store(path: Path, create: bool, demo: bool, identity: Identity | None = None) -> Store:
    """Runs on a worker thread: create the demo if asked and missing (or give a new file its
    study ID and site), then open."""
    if create and not demo and path.exists() and path.stat().st_size > 0:
        raise MsctError(
            QCoreApplication.translate(
                "StartDialog",
                "{path} already exists. Choose “Open an existing database” to open it, "
                "or pick a new file name.",
            ).format(path=path)
        )
    if demo and not path.exists():
        from msct_crf.tools.demo import create_demo

        path.parent.mkdir(parents=True, exist_ok=True)  # a fresh install has no data folder
        create_demo(path)
    if create and identity is not None:
        init_site(path, identity.site, identity.study, name=identity.name, name_zh=identity.name_zh)
    return Store.open_path(path, create=create)


def ask_restore(parent: QWidget, question: str) -> bool:
    """Yes/No: restore a backup over a damaged file (a function so tests can answer it)."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("StartDialog", "Damaged database"),
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_restore_login(parent: QWidget, backup_name: str, user: str) -> tuple[str, str] | None:
    """User name and password of an account of the backup that may restore it (the damaged
    study's own accounts cannot be read), or None when cancelled. A function so tests can
    answer it."""
    dialog = QDialog(parent)
    dialog.setObjectName("restoreLoginDialog")
    dialog.setWindowTitle(QCoreApplication.translate("StartDialog", "Log in to restore"))
    intro = QLabel(
        QCoreApplication.translate(
            "StartDialog",
            "The backup {backup} has user accounts: log in with one that may back up "
            "(administrator or PI) to restore it.",
        ).format(backup=backup_name),
        dialog,
    )
    intro.setWordWrap(True)
    from msct_crf import access
    from ui.shell.login_dialog import line_edit, password_edit

    name = line_edit(dialog, "restoreUserName", access.USERNAME_MAX)
    name.setText(user)
    password = password_edit(dialog, "restorePassword")
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout(dialog)
    form.addRow(intro)
    form.addRow(QCoreApplication.translate("StartDialog", "&User name:"), name)
    form.addRow(QCoreApplication.translate("StartDialog", "&Password:"), password)
    form.addRow(buttons)
    (password if name.text() else name).setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return name.text().strip(), password.text()


def describe_error(exc: BaseException) -> str:
    """One line a user can act on: our errors carry it; anything else is named plainly."""
    if isinstance(exc, MsctError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
    return QCoreApplication.translate(
        "StartDialog", "Unexpected error while opening the database: {error}"
    ).format(error=f"{type(exc).__name__}: {exc}")


def open_store_with_progress(
    parent: QWidget,
    path: Path,
    *,
    create: bool,
    demo: bool = False,
    on_opened: Callable[[Store], object],
    on_error: Callable[[str], object],
    on_damaged: Callable[[Path, str, Path], object] | None = None,
    identity: Identity | None = None,
) -> background.Task:
    """Open (or create) ``path`` off the GUI thread behind a busy progress dialog."""
    text = (
        QCoreApplication.translate("StartDialog", "Creating the demo study (26 subjects)…")
        if demo and not path.exists()
        else QCoreApplication.translate("StartDialog", "Opening {name}…").format(name=path.name)
    )
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setObjectName("openProgress")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(200)
    progress.setAutoClose(False)

    def done(store: Store) -> None:
        progress.close()
        progress.deleteLater()
        on_opened(store)

    def failed(exc: BaseException) -> None:
        progress.close()
        progress.deleteLater()
        backup_path = getattr(exc, "backup", None)
        if on_damaged is not None and isinstance(exc, DatabaseError) and backup_path:
            on_damaged(path, describe_error(exc), Path(backup_path))
            return
        on_error(describe_error(exc))

    return background.run_task(
        lambda _task: _open_store(path, create, demo, identity), on_done=done, on_error=failed
    )


class StartDialog(QDialog):
    """See the module docstring. After ``exec()`` returns Accepted, ``store`` is open and
    ``user`` is the name typed."""

    def __init__(self, parent: QWidget | None = None, error: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startDialog")
        self.store: Store | None = None
        self.user = ""
        self._settings = opts.Settings()
        self._busy = False

        self._title = QLabel()
        self._title.setObjectName("startTitle")
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self._title.setFont(font)
        self._study = QLabel()
        self._study.setWordWrap(True)

        self._user = QLineEdit(self._settings.get(opts.LAST_USER))
        self._user.setObjectName("userName")
        self._user.setMaxLength(64)
        self._user_label = QLabel()
        self._user_label.setBuddy(self._user)
        form = QFormLayout()
        form.addRow(self._user_label, self._user)
        # a new study's identity: the protocol number and this file's one site
        self._new_study = NewStudyFields(self, form)

        self._create = QPushButton()
        self._create.setObjectName("createDatabaseButton")
        self._create.clicked.connect(self._on_create)
        self._open = QPushButton()
        self._open.setObjectName("openDatabaseButton")
        self._open.clicked.connect(self._on_open)
        self._demo = QPushButton()
        self._demo.setObjectName("openDemoButton")
        self._demo.clicked.connect(self._on_demo)
        for button in (self._create, self._open, self._demo):
            button.setAutoDefault(False)
            button.setMinimumHeight(34)

        self._recent_label = QLabel()
        self._recent = QListWidget()
        self._recent.setObjectName("recentDatabases")
        self._recent.setMaximumHeight(110)
        self._recent.itemActivated.connect(self._on_recent)
        self._recent_label.setBuddy(self._recent)
        for name in self._settings.get(opts.RECENT_DATABASES):
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self._recent.addItem(item)

        self._error = QLabel()
        self._error.setObjectName("startError")
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #a61b1b;")
        self._error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._study)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(self._create)
        layout.addWidget(self._open)
        layout.addWidget(self._demo)
        layout.addSpacing(8)
        layout.addWidget(self._recent_label)
        layout.addWidget(self._recent)
        layout.addWidget(self._error)
        self.setMinimumWidth(520)
        self._recent_label.setVisible(self._recent.count() > 0)
        self._recent.setVisible(self._recent.count() > 0)
        self.retranslate()
        self.show_error(error or "")
        self._user.setFocus()

    # ------------------------------------------------------------------ public

    def show_error(self, message: str) -> None:
        self._error.setText(message)
        self._error.setVisible(bool(message))

    def error_text(self) -> str:
        return self._error.text()

    def is_busy(self) -> bool:
        return self._busy

    def open_path(
        self, path: Path, *, create: bool, demo: bool = False, identity: Identity | None = None
    ) -> None:
        """Open ``path`` for the typed user; accepts the dialog when it opened."""
        user = self._user_or_ask()
        if not user:
            return
        self.show_error("")
        self._set_busy(True)
        open_store_with_progress(
            self,
            path,
            create=create,
            demo=demo,
            on_opened=lambda store: self._opened(store, user),
            on_error=self._failed,
            on_damaged=lambda damaged, message, good: self._offer_restore(
                damaged, message, good, user
            ),
            identity=identity,
        )

    def _offer_restore(self, path: Path, message: str, good: Path, user: str) -> None:
        """A damaged file: offer the newest good backup (the damaged file is kept aside)."""
        question = self.tr(
            "{message}\n\nRestore the newest good backup, {backup}? The damaged file is kept "
            "beside it, renamed, so nothing is deleted."
        ).format(message=message, backup=good.name)
        if not ask_restore(self, question):
            self._failed(message)
            return

        credentials: tuple[str, str] | None = None
        if backup.restore_needs_login(good, path):
            credentials = ask_restore_login(self, good.name, user)
            if credentials is None:
                self._failed(message)
                return

        def restore(_task: object) -> backup.RestoreInfo:
            actor = backup.identify_in_backup(good, *credentials) if credentials else None
            return backup.restore_backup(good, path, user=user, force=True, actor=actor)

        def done(_info: object) -> None:
            self._set_busy(False)
            self.open_path(path, create=False)

        def failed(exc: BaseException) -> None:
            self._failed(describe_error(exc))

        background.run_task(restore, on_done=done, on_error=failed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("MSC-CRF — start"))
        self._title.setText(self.tr("MSC-CRF electronic case report form"))
        self._study.setText(STUDY_TITLE.get(dictionary_language()))
        self._user_label.setText(self.tr("Your &user name:"))
        self._user.setPlaceholderText(self.tr("e.g. nurse.wang"))
        self._create.setText(self.tr("&Create a new study database…"))
        self._open.setText(self.tr("&Open an existing database…"))
        self._demo.setText(self.tr("Open the &demo study (26 subjects)"))
        self._recent_label.setText(self.tr("&Recent databases:"))
        self._new_study.retranslate()

    # ------------------------------------------------------------------ events

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    # ------------------------------------------------------------------ private

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self._create, self._open, self._demo, self._recent, self._user):
            widget.setEnabled(not busy)

    def _user_or_ask(self) -> str:
        """The typed user name, or "" after saying it is needed (asked before any file
        dialog, so a chosen file is never thrown away for want of a name)."""
        user = self._user.text().strip()
        if not user:
            self.show_error(self.tr("Type your user name first: it is recorded with every change."))
            self._user.setFocus()
        return user

    def _identity_or_ask(self) -> Identity | None:
        """The new study's ID and site, or None after saying what is missing (asked before
        the file dialog, like the user name)."""
        identity, problem = self._new_study.identity()
        if identity is None:
            self.show_error(problem)
        return identity

    def _on_create(self) -> None:
        if not self._user_or_ask():
            return
        identity = self._identity_or_ask()
        if identity is None:
            return
        path = choose_new_database(self)
        if path is not None:
            self.open_path(path, create=True, identity=identity)

    def _on_open(self) -> None:
        if not self._user_or_ask():
            return
        path = choose_existing_database(self)
        if path is not None:
            self.open_path(path, create=False)

    def _on_demo(self) -> None:
        self.open_path(demo_database_path(), create=True, demo=True)

    def _on_recent(self, item: QListWidgetItem) -> None:
        self.open_path(Path(str(item.data(Qt.ItemDataRole.UserRole))), create=False)

    def _opened(self, store: Store, user: str) -> None:
        self._set_busy(False)
        self.store = store
        self.user = user
        self._settings.set(opts.LAST_USER, user)
        if store.path is not None:
            self._settings.remember_database(str(store.path))
        self._settings.sync()
        self.accept()

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.show_error(message)
