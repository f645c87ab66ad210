"""The application shell: main window, start dialog, workspace, language, bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QListWidget, QTableView, QTabWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings, small_study, window)
from study_factory import SmallStudy

from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.store import Store
from ui import app as app_module
from ui.common import i18n
from ui.common import settings as opts
from ui.shell import start_dialog
from ui.shell.main_window import MainWindow
from ui.shell.start_dialog import StartDialog
from ui.views.subject_workspace import TAB_KEYS


def test_create_main_window_shows_every_subject(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    shown = app_module.create_main_window(sqlite_url(store.path), "nurse.li")
    qtbot.addWidget(shown)
    assert isinstance(shown, MainWindow)
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    table = shown.findChild(QTableView, "patientTable")
    assert table is not None and table.model().rowCount() == len(small_study.all)
    assert "study.db" in shown.windowTitle() and "nurse.li" in shown.windowTitle()
    assert shown.findChild(QLabel, "statusUser").text().endswith("nurse.li")
    shown.close()


def test_opening_a_subject_shows_header_and_tabs(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    assert window.open_subject(small_study.died)
    assert window.showing_workspace()
    header = window.workspace.header
    assert header.text("SubjectId").startswith(small_study.died)
    assert header.text("Age") == "54 years"
    assert header.text("Sex") == "Male"
    assert header.text("Diagnosis") == "Primary sclerosing cholangitis"
    # stops at the end of follow-up: 2025-01-06 -> died 2025-09-01 (not today, 2026-11-25)
    assert header.text("StudyDay") == "Study day 238"
    assert header.text("Status").startswith("died 2025-09-01")
    tabs = window.findChild(QTabWidget, "subjectTabs")
    assert [tabs.widget(i).objectName() for i in range(tabs.count())] == [
        f"tab_{k}" for k in TAB_KEYS
    ]
    assert all(tabs.isTabEnabled(i) for i in range(tabs.count()))


def test_back_to_list_by_keyboard(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    window.open_subject(small_study.due)
    assert window.show_patient_list()
    assert not window.showing_workspace()


def test_new_subject_opens_blank_enrolment(qtbot: QtBot, window: MainWindow) -> None:
    window.patients.findChild(object, "newSubjectButton").click()
    assert window.showing_workspace() and window.workspace.is_new_subject()
    assert window.workspace.current_key() == "ENROL"
    tabs = window.workspace.tabs
    assert [tabs.isTabEnabled(i) for i in range(tabs.count())] == [True] + [False] * 8
    assert window.workspace.header.text("SubjectId") == "New subject"


def test_language_switch_relabels(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    table = window.patients.table
    assert table.model().headerData(0, table.horizontalHeader().orientation()) == "Subject ID"
    window.set_language("zh_CN")
    assert i18n.current_language() == "zh_CN"
    assert table.model().headerData(0, table.horizontalHeader().orientation()) == "受试者编号"
    assert window.menuBar().actions()[0].text() == "文件(&F)"
    row = window.patients.model.row_of(small_study.died)
    assert row is not None
    assert window.patients.model.index(row, 4).data() == "原发性硬化性胆管炎"
    assert opts.Settings().get(opts.LANGUAGE) == "zh_CN"
    window.set_language("en")
    assert window.menuBar().actions()[0].text() == "&File"


# ---------------------------------------------------------------------- start dialog


def _dialog(qtbot: QtBot, user: str = "nurse.wang") -> StartDialog:
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.findChild(object, "userName").setText(user)
    return dialog


def test_start_dialog_creates_a_new_database(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new-study.db"
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _parent: target)
    dialog = _dialog(qtbot)
    dialog.findChild(object, "newStudyId").setText("MSCT-2026-01")
    site = dialog.findChild(object, "newSiteCode")
    site.setCurrentIndex(site.findData("NJG"))
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.findChild(object, "createDatabaseButton").click()
    assert dialog.store is not None and dialog.user == "nurse.wang"
    assert target.exists()
    from msct_crf.storage import study_identity

    with dialog.store.reading() as session:  # the new study's ID and site, asked for both
        assert study_identity.site_code(session) == "NJG"
        assert study_identity.read_setting(session, study_identity.STUDY_ID_KEY) == "MSCT-2026-01"
    settings = opts.Settings()
    assert settings.get(opts.LAST_DATABASE) == str(target)
    assert settings.get(opts.LAST_USER) == "nurse.wang"
    dialog.store.close()


def test_start_dialog_asks_a_new_study_for_its_id_and_site(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[object] = []
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _parent: chosen.append(1))
    dialog = _dialog(qtbot)
    dialog.findChild(object, "createDatabaseButton").click()
    assert "protocol number" in dialog.error_text()
    dialog.findChild(object, "newStudyId").setText("MSCT-2026-01")
    dialog.findChild(object, "createDatabaseButton").click()
    assert "Choose the site" in dialog.error_text()
    assert chosen == []  # asked before the file dialog


def test_start_dialog_opens_an_existing_database(
    qtbot: QtBot, store: Store, small_study: SmallStudy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: store.path)
    dialog = _dialog(qtbot)
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        dialog.findChild(object, "openDatabaseButton").click()
    assert dialog.store is not None
    dialog.store.close()


def test_create_refuses_to_overwrite(
    qtbot: QtBot, store: Store, small_study: SmallStudy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start_dialog, "choose_new_database", lambda _parent: store.path)
    dialog = _dialog(qtbot)
    dialog.findChild(object, "newStudyId").setText("MSCT-2026-01")
    dialog.findChild(object, "newSiteCode").setCurrentIndex(0)
    dialog.findChild(object, "createDatabaseButton").click()
    qtbot.waitUntil(lambda: "already exists" in dialog.error_text(), timeout=20_000)
    assert dialog.result() == 0 and dialog.store is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is not a database at all" * 100, "not an MSC-CRF database"),
        (b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 4000, "damaged"),
    ],
    ids=["not-sqlite", "damaged"],
)
def test_start_dialog_reports_a_bad_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = bad.read_bytes()
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: bad)
    dialog = _dialog(qtbot)
    dialog.findChild(object, "openDatabaseButton").click()
    qtbot.waitUntil(lambda: dialog.error_text() != "", timeout=20_000)
    assert dialog.store is None and not dialog.is_busy()
    assert expected in dialog.error_text() or "database" in dialog.error_text().lower()
    assert bad.read_bytes() == before  # never written to


def test_start_dialog_needs_a_user_name(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, user="  ")
    dialog.open_path(tmp_path / "x.db", create=True)
    assert "user name" in dialog.error_text()
    assert not (tmp_path / "x.db").exists()


def test_start_dialog_creates_and_opens_the_demo(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot)
    with qtbot.waitSignal(dialog.accepted, timeout=120_000):
        dialog.findChild(object, "openDemoButton").click()
    assert dialog.store is not None
    assert (tmp_path / "demo.db").exists()
    from msct_crf.workflow.records import list_subjects

    assert len(list_subjects(dialog.store)) == 26
    dialog.store.close()


def test_main_goes_back_to_the_start_dialog_on_a_damaged_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "damaged.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 4000)
    seen: list[str | None] = []

    def fake_dialog(error: str | None) -> None:
        seen.append(error)
        return None  # the user closed the dialog

    monkeypatch.setattr(app_module, "_run_start_dialog", fake_dialog)
    assert app_module.main(database=str(bad), user="nurse") == 0
    assert seen and seen[0] is not None and str(bad) in seen[0]


def test_main_asks_when_nothing_is_remembered(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []
    monkeypatch.setattr(app_module, "_run_start_dialog", lambda error: seen.append(error))
    assert app_module.main() == 0
    assert seen == [None]


def test_locked_database_gives_a_message(
    qtbot: QtBot, store: Store, small_study: SmallStudy, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.path is not None
    store.close()
    holder = sqlite3.connect(store.path, timeout=0.1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: store.path)
        dialog = _dialog(qtbot)
        dialog.findChild(object, "openDatabaseButton").click()
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60_000)
        assert dialog.store is None
        assert dialog.error_text() != ""
    finally:
        holder.rollback()
        holder.close()


def test_screen_spec_parsing() -> None:
    assert app_module.parse_screen("subject=GZH-001, tab=VIS,bad,lang=zh_CN") == {
        "subject": "GZH-001",
        "tab": "VIS",
        "lang": "zh_CN",
    }


def test_screen_opens_subject_tab(
    qtbot: QtBot, window: MainWindow, small_study: SmallStudy
) -> None:
    app_module.apply_screen(window, {"subject": small_study.died, "tab": "schedule", "work": "0"})
    assert window.showing_workspace()
    assert window.workspace.current_key() == "schedule"


def test_verify_database_runs_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.shell.main_window as main_window_module

    shown: list[tuple[str, str]] = []
    box = main_window_module.QMessageBox
    monkeypatch.setattr(box, "information", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(box, "critical", lambda _p, title, text: shown.append((title, text)))
    window.findChild(QAction, "actVerify").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    title, text = shown[0]
    assert title == "Verify database"
    assert "passed every check" in text and "audit_chain" in text


def test_open_another_database_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.db"
    Store.open_path(other).close()
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: other)
    with qtbot.waitSignal(window.databaseChanged, timeout=30_000):
        window.findChild(QAction, "actOpenDb").trigger()
    qtbot.waitUntil(lambda: not window.is_loading(), timeout=30_000)
    assert window.store.path == other
    assert "other.db" in window.windowTitle()
    assert window.patients.model.rowCount() == 0
    assert opts.Settings().get(opts.LAST_DATABASE) == str(other)


def test_opening_a_damaged_file_from_the_menu_keeps_the_current_study(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.shell.main_window as main_window_module

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 50)
    warnings: list[str] = []
    monkeypatch.setattr(start_dialog, "choose_existing_database", lambda _parent: bad)
    monkeypatch.setattr(
        main_window_module.QMessageBox, "warning", lambda _p, _t, text: warnings.append(text)
    )
    before = window.store.path
    window.findChild(QAction, "actOpenDb").trigger()
    qtbot.waitUntil(lambda: bool(warnings), timeout=30_000)
    assert "not an MSC-CRF database" in warnings[0]
    assert window.store.path == before


# ---------------------------------------------------------------------- settings


def test_settings_defaults_and_round_trips(qtbot: QtBot) -> None:
    settings = opts.Settings()
    assert settings.get(opts.LANGUAGE) == "en"
    assert settings.get(opts.RECENT_DATABASES) == []
    settings.set(opts.CHART_SERIES, ["MELD"])  # a one-item list survives the INI file
    settings.sync()
    assert opts.Settings().get(opts.CHART_SERIES) == ["MELD"]
    with pytest.raises(TypeError):
        settings.set(opts.LANGUAGE, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="declared twice"):
        opts._declare("ui/language", str, "en")


def test_recent_databases_newest_first(qtbot: QtBot, tmp_path: Path) -> None:
    settings = opts.Settings()
    for name in ("a.db", "b.db", "a.db"):
        settings.remember_database(str(tmp_path / name))
    assert settings.get(opts.RECENT_DATABASES) == [str(tmp_path / "a.db"), str(tmp_path / "b.db")]
    assert settings.get(opts.LAST_DATABASE) == str(tmp_path / "a.db")


def test_start_dialog_opens_a_recent_database(
    qtbot: QtBot, store: Store, small_study: SmallStudy
) -> None:
    opts.Settings().remember_database(str(store.path))
    dialog = _dialog(qtbot)
    recent = dialog.findChild(QListWidget, "recentDatabases")
    assert recent.count() == 1
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        recent.itemActivated.emit(recent.item(0))
    assert dialog.store is not None and dialog.store.path == store.path
    dialog.store.close()
