"""A nurse's whole day in the real main window, by keyboard: enrol a subject, log the
infusion, enter the month-6 visit and see the MELD the core computes; then the list,
schedule and trajectory follow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from shell_fixtures import *  # noqa: F403  (fixtures: isolated_settings)
from study_factory import TODAY

from msct_crf.storage.store import Store
from msct_crf.study import scores
from msct_crf.study.schedule import VisitState
from msct_crf.workflow import records
from ui.common import background
from ui.models.patient_list import Column
from ui.shell.main_window import MainWindow


@pytest.fixture
def empty_window(qtbot: QtBot, store: Store) -> Iterator[MainWindow]:
    assert store.path is not None
    shown = MainWindow(Store.open_path(store.path), "nurse.wang", today=lambda: TODAY)
    qtbot.addWidget(shown)
    with qtbot.waitSignal(shown.overviewLoaded, timeout=20_000):
        shown.show()
    shown.activateWindow()
    qtbot.waitExposed(shown)
    yield shown
    background.wait_for_tasks()
    if shown.isVisible():
        shown.workspace.maybe_leave = lambda: True  # type: ignore[method-assign]
        shown.close()


def _field(window: MainWindow, tab: str, code: str) -> QWidget:
    page = window.workspace.page(tab)
    widget = page.findChild(QWidget, f"field_{code}")
    assert widget is not None, code
    return widget


def _type(qtbot: QtBot, window: MainWindow, tab: str, values: dict[str, str]) -> None:
    """Type each value into its field; code lists are chosen with the keyboard."""
    for code, text in values.items():
        widget = _field(window, tab, code)
        widget.setFocus()
        if isinstance(widget, QComboBox):
            qtbot.keyClick(widget, Qt.Key.Key_Home)
            for _ in range(widget.count()):
                if widget.currentData() == text:
                    break
                qtbot.keyClick(widget, Qt.Key.Key_Down)
            assert widget.currentData() == text, code
        else:
            assert isinstance(widget, QLineEdit), code
            qtbot.keyClicks(widget, text)


def _ctrl(qtbot: QtBot, key: Qt.Key) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, Qt.KeyboardModifier.ControlModifier)


def test_whole_day_by_keyboard(qtbot: QtBot, empty_window: MainWindow, store: Store) -> None:
    window = empty_window
    window.patients.table.setFocus()

    # -- enrol (Ctrl+N, type, Ctrl+S)
    _ctrl(qtbot, Qt.Key.Key_N)
    assert window.showing_workspace() and window.workspace.current_key() == "ENROL"
    _type(
        qtbot,
        window,
        "ENROL",
        {
            "SITEID": "GZH",
            "INITIALS": "WXL",
            "SEX": "F",
            "BRTHDTC": "1968-04-12",
            "RFICDTC": "2026-05-02",
            "ENRLDTC": "2026-05-04",
            "DXCAT": "AIH",
            "HEIGHT": "158",
            "WEIGHT": "56",
        },
    )
    with qtbot.waitSignal(window.workspace.subjectCreated, timeout=10_000) as created:
        _ctrl(qtbot, Qt.Key.Key_S)
    subjid = created.args[0]
    assert subjid == "GZH-001"
    assert window.workspace.header.text("SubjectId").startswith("GZH-001")
    assert window.workspace.header.text("StudyDay") == "no infusion yet"
    assert window.patients.model.rowCount() == 1

    # -- the infusion (Ctrl+2, Alt+N, type, Ctrl+S)
    _ctrl(qtbot, Qt.Key.Key_2)
    assert window.workspace.current_key() == "EX"
    infusions = window.workspace.page("EX")
    qtbot.keyClick(infusions, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    _type(
        qtbot,
        window,
        "EX",
        {
            "EXSTDTC": "2026-05-10 09:00",
            "EXENDTC": "2026-05-10 09:45",
            "EXSRC": "UC-MSC",
            "EXLOT": "UC-2026-051",
            "EXWT": "56",
            "EXCELL": "56",
            "EXPLAN": "1.0",
        },
    )
    with qtbot.waitSignal(window.workspace.subjectChanged, timeout=10_000):
        _ctrl(qtbot, Qt.Key.Key_S)
    saved = records.list_records(store, "EX", subjid)
    assert len(saved) == 1 and saved[0].values["EXDOSE"] == 1.0
    assert saved[0].created_by == "nurse.wang"
    assert window.workspace.header.text("StudyDay") == "Study day 199"

    # -- the month-6 visit (Ctrl+3, Alt+N, type labs, watch MELD, Ctrl+S)
    _ctrl(qtbot, Qt.Key.Key_3)
    assert window.workspace.current_key() == "VIS"
    visits = window.workspace.page("VIS")
    qtbot.keyClick(visits, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    labs = {"TBIL": "41", "CREAT": "80", "INR": "1.35", "SODIUM": "134", "ALB": "33"}
    _type(qtbot, window, "VIS", {"VISIT": "M6", "VISDTC": "2026-11-06", **labs})
    expected = scores.meld(bilirubin_umol_l=41.0, creatinine_umol_l=80.0, inr=1.35)
    meld_label = visits.findChild(QLabel, "score_MELD")
    assert meld_label is not None and meld_label.text() == str(expected)
    with qtbot.waitSignal(window.workspace.subjectChanged, timeout=10_000):
        _ctrl(qtbot, Qt.Key.Key_S)
    stored = records.list_records(store, "VIS", subjid)
    assert [v.values["MELD"] for v in stored] == [expected]
    assert stored[0].created_by == "nurse.wang"

    # -- schedule and trajectory follow what was saved
    _ctrl(qtbot, Qt.Key.Key_8)
    schedule = window.workspace.page("schedule")
    assert schedule.states()["M6"] is VisitState.DONE
    assert schedule.states()["M1"] is VisitState.OVERDUE
    _ctrl(qtbot, Qt.Key.Key_9)
    chart = window.workspace.page("trajectory")
    assert chart.value_series("MELD").count() == 1
    assert chart.infusion_markers("MELD") == 1

    # -- back to the list (Ctrl+L): the row shows the infusion and the visit
    with qtbot.waitSignal(window.overviewLoaded, timeout=20_000):
        _ctrl(qtbot, Qt.Key.Key_L)
    assert not window.showing_workspace()
    model = window.patients.model
    assert model.index(0, Column.INFUSIONS).data() == "1"
    assert model.index(0, Column.LAST_VISIT).data() == "2026-11-06"
    assert model.index(0, Column.STATUS).data() == "active"
    assert window.todays_work.model.rowCount() >= 1  # month 1 and 3 are overdue


def test_unsaved_changes_guard_keeps_the_user_on_the_tab(
    qtbot: QtBot, empty_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.common import prompts

    window = empty_window
    window.new_subject()
    _type(qtbot, window, "ENROL", {"INITIALS": "AB"})
    asked: list[bool] = []

    def stay(_parent: object) -> prompts.LeaveChoice:
        asked.append(True)
        return prompts.LeaveChoice.CANCEL

    monkeypatch.setattr(prompts, "ask_unsaved", stay)
    assert not window.show_patient_list()
    assert window.showing_workspace() and asked == [True]
    window.close()
    assert window.isVisible()  # closing the app was refused too
    monkeypatch.setattr(prompts, "ask_unsaved", lambda _parent: prompts.LeaveChoice.DISCARD)
    assert window.show_patient_list()
    assert records.list_subjects(window.store) == []
