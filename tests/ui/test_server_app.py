"""The desktop app on a clinic's PostgreSQL server (`msct-crf --db postgresql+psycopg://…`):
no start dialog and no file lock, the password never shown or remembered, File › Verify
database checks the server, and a server that cannot be reached is one line."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shell_fixtures import isolated_settings  # noqa: F401  (autouse: settings at tmp_path)
from sqlalchemy.engine import make_url
from study_factory import build_small_study

from msct_crf.storage.store import Store
from ui import app as app_module
from ui.common import settings as opts
from ui.shell.database_guard import NoLock, claim_database
from ui.shell.main_window import MainWindow

SECRET = "s3cret-Pa55"


@pytest.fixture
def server_url(pg_store: Store) -> str:
    build_small_study(pg_store)
    url = make_url(pg_store.engine.url.render_as_string(hide_password=False))
    return url.set(password=SECRET).render_as_string(hide_password=False)


def test_the_app_starts_on_a_server_url(
    qtbot: QtBot, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[MainWindow] = []

    def window(*args: object, **kwargs: object) -> MainWindow:
        made = MainWindow(*args, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(made)
        shown.append(made)
        return made

    monkeypatch.setattr(app_module, "MainWindow", window)
    monkeypatch.setattr(QApplication, "exec", lambda _app: 0)  # return once it is shown
    assert app_module.main(database=server_url, user="nurse.li") == 0
    [main] = shown
    qtbot.waitUntil(lambda: main.patients.model.rowCount() == 6, timeout=20_000)
    title = main.windowTitle()
    assert "postgresql+psycopg://msct:***@127.0.0.1" in title and "nurse.li" in title
    assert SECRET not in title
    settings = opts.Settings()
    assert SECRET not in str(settings.get(opts.LAST_DATABASE))
    assert settings.get(opts.LAST_USER) == "nurse.li"
    main.store.close()


def test_no_file_lock_and_verify_checks_the_server(
    qtbot: QtBot, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.shell.main_window as main_window_module

    window = app_module.create_main_window(server_url, "nurse.li")
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert isinstance(claim_database(window.store, None), NoLock)
    shown: list[tuple[str, str]] = []
    box = main_window_module.QMessageBox
    monkeypatch.setattr(box, "information", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(box, "critical", lambda _p, title, text: shown.append((title, text)))
    window.findChild(QAction, "actVerify").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    title, text = shown[0]
    assert title == "Verify database"
    assert "passed every check" in text and "audit_chain" in text and "pg_amcheck" in text
    window.store.close()


def test_an_unreachable_server_is_one_line(
    pg_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = make_url(pg_server).set(port=1, password=SECRET)
    assert app_module.main(database=closed.render_as_string(hide_password=False)) == 1
    err = capsys.readouterr().err
    assert err.startswith("msct-crf: Cannot reach the database server") and SECRET not in err
    assert err.count("\n") == 1
