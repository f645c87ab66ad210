"""Application entry point: the QApplication, the start dialog and the main window.

``msct-crf`` (no arguments) opens the remembered database with the remembered user, or the
start dialog on first run; ``--db PATH`` and ``--user NAME`` skip the dialog. A database
that cannot be opened brings the start dialog back with the reason; nothing crashes.

For screenshots and demonstrations the environment variable ``MSCT_CRF_SCREEN`` opens a
given screen directly: comma-separated ``key=value`` pairs, e.g.
``MSCT_CRF_SCREEN="subject=GZH-003,tab=VIS,record=last,lang=zh_CN"``. Keys:

- ``start=1``           show the start dialog even with ``--db``;
- ``lang=CODE``         ``en`` or ``zh_CN`` for this run (not remembered);
- ``subject=ID``        open that subject's workspace;
- ``new=1``             open a blank enrolment form (new subject);
- ``tab=KEY``           ENROL, EX, VIS, AE, CM, MH, DS, schedule or trajectory;
- ``record=first|last`` open the first or last record of a list tab;
- ``scroll=bottom|middle`` scroll the tab's form down (e.g. to the vital signs);
- ``work=0|wide``       hide the today's-work dock, or give it half the window;
- ``size=WxH``          window size (default 1440x900);
- ``open=queries``      open Review › Queries (of the subject, when one is open);
- ``login=1``           offer the login / first-run dialog even with ``--user`` on a database
  without accounts (a database with accounts always asks for the password);
- ``login=demo``        on a demo study made with ``msct-crf demo --with-accounts`` only, log
  ``--user`` in with the published demo password (no dialog), so screens behind a login can
  be photographed. Any other study still asks for the password.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QScrollArea

from msct_crf.errors import MsctError
from msct_crf.storage.db.engine import is_server_url
from msct_crf.storage.store import Store
from ui.common import i18n
from ui.common import settings as opts
from ui.common.session import UserSession
from ui.shell.database_guard import claim_database
from ui.shell.main_window import MainWindow

SCREEN_ENV = "MSCT_CRF_SCREEN"


def _application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("MSC-CRF")
    app.setOrganizationName("msct-crf")
    app.setApplicationVersion("0.1.0")
    return app


def create_main_window(database_url: str, user: str) -> QMainWindow:
    """The main window on ``database_url`` for ``user`` (opened and migrated here)."""
    _application()
    if not i18n.translators_installed():
        i18n.set_language(i18n.current_language())
    store = Store.open(database_url)
    return MainWindow(store, user)


def parse_screen(spec: str) -> dict[str, str]:
    """``a=1,b=x`` -> {"a": "1", "b": "x"} (keys lower-case; bad pieces ignored)."""
    pairs: dict[str, str] = {}
    for piece in spec.split(","):
        key, sep, value = piece.partition("=")
        if sep and key.strip():
            pairs[key.strip().lower()] = value.strip()
    return pairs


def apply_screen(window: MainWindow, screen: dict[str, str]) -> None:
    """Open the screen asked for by ``MSCT_CRF_SCREEN`` (see the module docstring)."""
    if "size" in screen:
        width, _x, height = screen["size"].partition("x")
        if width.isdigit() and height.isdigit():
            window.resize(int(width), int(height))
    dock = window.findChild(QDockWidget, "todaysWorkDock")
    if dock is not None and screen.get("work") == "0":
        dock.hide()
    if dock is not None and screen.get("work") == "wide":
        window.resizeDocks([dock], [window.width() // 2], Qt.Orientation.Horizontal)
    if screen.get("new") == "1":
        window.new_subject()
        return
    subjid = screen.get("subject")
    if not subjid:
        if screen.get("open") == "queries":
            window.open_queries()
        return
    tab = screen.get("tab")
    if not window.open_subject(subjid, tab):
        return
    which = screen.get("record")
    if tab and which in ("first", "last"):
        page = window.workspace.page(tab)
        ids = page.record_ids() if hasattr(page, "record_ids") else []
        if ids:
            page.open_record(ids[0] if which == "first" else ids[-1])
    if screen.get("open") == "queries":
        window.open_queries(subject_only=True)
    if tab and screen.get("scroll") in ("bottom", "middle"):
        page = window.workspace.page(tab)
        for area in page.findChildren(QScrollArea):
            bar = area.verticalScrollBar()
            bar.setValue(bar.maximum() if screen["scroll"] == "bottom" else bar.maximum() // 2)


def _run_start_dialog(error: str | None) -> tuple[Store, str] | None:
    from ui.shell.start_dialog import StartDialog

    dialog = StartDialog(error=error)
    if dialog.exec() != StartDialog.DialogCode.Accepted or dialog.store is None:
        return None
    return dialog.store, dialog.user


def _open_direct(path: str) -> tuple[Store | None, str | None]:
    try:
        return Store.open_location(path, create=False), None
    except MsctError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{exc.strerror or exc}: {path}"


def main(database: str | None = None, user: str | None = None) -> int:
    """Start the desktop app; returns the exit status."""
    app = _application()
    settings = opts.Settings()
    screen = parse_screen(os.environ.get(SCREEN_ENV, ""))
    language = screen.get("lang") or settings.get(opts.LANGUAGE)
    if not i18n.set_language(language):
        i18n.set_language(i18n.DEFAULT_LANGUAGE)

    user = (user or "").strip() or settings.get(opts.LAST_USER).strip() or None
    if database and is_server_url(database):
        return _run_on_server(database, user, screen)
    path = database or settings.get(opts.LAST_DATABASE) or None
    store: Store | None = None
    error: str | None = None
    if path and user and screen.get("start") != "1":
        store, error = _open_direct(path)
    elif database and not user:
        error = None  # ask for the user name; the path is in the recent list
        settings.remember_database(os.path.abspath(database))
    interactive = store is None or user is None
    if store is None or user is None:
        chosen = _run_start_dialog(error)
        if chosen is None:
            return 0
        store, user = chosen
    else:
        settings.set(opts.LAST_USER, user)
        if store.path is not None:
            settings.remember_database(str(store.path))
    return _run_window(app, store, user, screen, settings, offer_first_run=interactive)


def _run_on_server(url: str, user: str | None, screen: dict[str, str]) -> int:
    """``--db URL``: a clinic's server. No start dialog (it chooses files) and no file lock
    (the server takes many users); the URL, which may hold a password, is never remembered.
    A server that cannot be opened is one line on stderr."""
    app = _application()
    store, error = _open_direct(url)
    if store is None:
        print(f"msct-crf: {error}", file=sys.stderr)
        return 1
    settings = opts.Settings()
    if user:
        settings.set(opts.LAST_USER, user)
    return _run_window(app, store, user or "", screen, settings, offer_first_run=not user)


def _run_window(
    app: QApplication,
    store: Store,
    user: str,
    screen: dict[str, str],
    settings: opts.Settings,
    *,
    offer_first_run: bool,
) -> int:
    """Log in on ``store`` and show the main window until the app quits."""
    from ui.shell.login_dialog import session_for_store

    lock = claim_database(store, None)  # before login, which already writes to the audit
    if lock is None:
        store.close()
        return 1
    session = _demo_session(store, user) if screen.get("login") == "demo" else None
    session = session or session_for_store(
        store, user, offer_first_run=offer_first_run or screen.get("login") == "1"
    )
    if session is None:
        lock.release()
        store.close()
        return 0
    if session.user_name != user:
        settings.set(opts.LAST_USER, session.user_name)
        settings.sync()
    window = MainWindow(store, session, instance_lock=lock)
    if screen:
        window.resize(1440, 900)  # screenshots fill the virtual screen
    window.show()
    if screen:
        _after_load(window, lambda: apply_screen(window, screen))
    return app.exec()


def _demo_session(store: Store, user: str) -> UserSession | None:
    """``user`` logged in with the demo password, on a demo study only (else None)."""
    from msct_crf import access
    from msct_crf.access import study_settings
    from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD

    if not study_settings.is_demo_study(store):
        return None
    try:
        return UserSession(user, access.login(store, user, DEMO_PASSWORD))
    except MsctError:
        return None


def _after_load(window: MainWindow, action: Callable[[], None]) -> None:
    """Run ``action`` once the first overview has loaded (so lists are filled)."""

    def once() -> None:
        window.overviewLoaded.disconnect(once)
        QTimer.singleShot(0, action)

    window.overviewLoaded.connect(once)
