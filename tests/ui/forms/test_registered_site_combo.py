"""The enrolment form's site combo lists the study's registered sites (issue 13: sites are
configuration): a subject enrols at a new site BJ01 from the form, and the combo shows the
registry's names in English and in Chinese."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from msct_crf.storage import site_registry, study_identity
from msct_crf.storage.store import Store
from msct_crf.workflow import records
from ui.forms.form_page import FormPage


def _register_bj01(store: Store) -> None:
    with store.session() as session:
        site_registry.register_site(
            session, "BJ01", "Beijing Friendship Hospital", "北京友谊医院", user="admin"
        )
        study_identity.set_site_code(session, "BJ01")


def _page(qtbot: QtBot, store: Store) -> FormPage:
    page = FormPage(store, "nurse", "ENROL")
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    page.load_record(None, None)
    return page


def _combo(page: FormPage, code: str) -> QComboBox:
    widget = page.findChild(QComboBox, f"field_{code}")
    assert widget is not None, code
    return widget


def _line(page: FormPage, code: str) -> QLineEdit:
    widget = page.findChild(QLineEdit, f"field_{code}")
    assert widget is not None, code
    return widget


def _entries(box: QComboBox) -> list[tuple[str, str]]:
    return [(str(box.itemData(i)), box.itemText(i)) for i in range(box.count()) if box.itemData(i)]


def test_the_site_combo_lists_the_registered_sites_in_both_languages(
    qtbot: QtBot, store: Store
) -> None:
    _register_bj01(store)
    page = _page(qtbot, store)
    site = _combo(page, "SITEID")
    assert _entries(site) == [
        ("BJ01", "Beijing Friendship Hospital"),
        ("GZH", "Guangzhou, Sun Yat-sen Memorial Hospital"),
        ("NJG", "Nanjing Drum Tower Hospital"),
        ("SHA", "Shanghai Renji Hospital"),
    ]
    page.set_language("zh_CN")
    assert _entries(site)[0] == ("BJ01", "北京友谊医院")
    assert ("NJG", "南京鼓楼医院") in _entries(site)


def test_a_subject_enrols_at_the_new_site_bj01_from_the_form(qtbot: QtBot, store: Store) -> None:
    _register_bj01(store)
    page = _page(qtbot, store)
    site = _combo(page, "SITEID")
    qtbot.keyClick(site, Qt.Key.Key_Home)
    while site.currentData() != "BJ01":
        qtbot.keyClick(site, Qt.Key.Key_Down)
    qtbot.keyClicks(_line(page, "INITIALS"), "ZXY")
    qtbot.keyClicks(_combo(page, "SEX"), "F")
    qtbot.keyClicks(_line(page, "BRTHDTC"), "1970-06-15")
    qtbot.keyClicks(_line(page, "RFICDTC"), "2025-02-01")
    qtbot.keyClicks(_line(page, "ENRLDTC"), "2025-02-03")
    qtbot.keyClicks(_combo(page, "DXCAT"), "Primary b")
    with qtbot.waitSignal(page.saved) as blocker:
        assert page.save()
    assert blocker.args == ["BJ01-001", 1]
    subject = records.get_subject(store, "BJ01-001")
    assert subject is not None and subject.values["SITEID"] == "BJ01"
    assert _line(page, "SUBJID").text() == "BJ01-001"
