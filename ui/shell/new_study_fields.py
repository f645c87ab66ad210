"""A new study's identity, asked by the start dialog and by File › New study database…

The study ID (the protocol number) and the site this file belongs to: one of the sites
every new file's registry starts with (the combo lists them), or any other code typed in
(2-6 capital letters or digits) with the site's name, which registers the site in the new
file (:func:`msct_crf.exchange.site_package.init_site`).
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from msct_crf.errors import UserError
from msct_crf.storage.study_identity import check_site_code, check_study_id
from msct_crf.study.dictionary.codelists import SITES
from ui.common.i18n import dictionary_language


class Identity(NamedTuple):
    """A new study's identity: study ID, site code, and the site's names (None: the site is
    one the new file's registry has already)."""

    study: str
    site: str
    name: str | None = None
    name_zh: str | None = None


class NewStudyFields:
    """The rows of a new study's identity, added to `form`; :meth:`identity` reads them."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self._study_id = QLineEdit(parent)
        self._study_id.setObjectName("newStudyId")
        self._study_id.setMaxLength(32)
        self._study_id_label = QLabel(parent)
        self._study_id_label.setBuddy(self._study_id)
        self._site = QComboBox(parent)
        self._site.setObjectName("newSiteCode")
        self._site.setEditable(True)
        self._site.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for site in SITES.items:
            self._site.addItem(f"{site.code} — {site.label.get(dictionary_language())}", site.code)
        self._site.setCurrentIndex(-1)
        self._site_label = QLabel(parent)
        self._site_label.setBuddy(self._site)
        self._name = QLineEdit(parent)
        self._name.setObjectName("newSiteName")
        self._name.setMaxLength(200)
        self._name_label = QLabel(parent)
        self._name_label.setBuddy(self._name)
        self._name_zh = QLineEdit(parent)
        self._name_zh.setObjectName("newSiteNameZh")
        self._name_zh.setMaxLength(200)
        self._name_zh_label = QLabel(parent)
        self._name_zh_label.setBuddy(self._name_zh)
        form.addRow(self._study_id_label, self._study_id)
        form.addRow(self._site_label, self._site)
        form.addRow(self._name_label, self._name)
        form.addRow(self._name_zh_label, self._name_zh)
        self.retranslate()

    def widgets(self) -> tuple[QWidget, ...]:
        return (self._study_id, self._site, self._name, self._name_zh)

    def retranslate(self) -> None:
        self._study_id_label.setText(
            QCoreApplication.translate("StartDialog", "Study &ID (new study):")
        )
        self._study_id.setPlaceholderText(
            QCoreApplication.translate("StartDialog", "the protocol number, e.g. MSCT-2026-01")
        )
        self._site_label.setText(QCoreApplication.translate("StartDialog", "&Site (new study):"))
        hint = QCoreApplication.translate(
            "StartDialog", "the site this file belongs to, e.g. GZH or BJ01"
        )
        self._site.setPlaceholderText(hint)
        line = self._site.lineEdit()
        if line is not None:
            line.setPlaceholderText(hint)
        self._name_label.setText(
            QCoreApplication.translate("StartDialog", "Site &name (a new site):")
        )
        self._name.setPlaceholderText(
            QCoreApplication.translate("StartDialog", "e.g. Beijing Friendship Hospital")
        )
        self._name_zh_label.setText(
            QCoreApplication.translate("StartDialog", "Site name in C&hinese:")
        )
        self._name_zh.setPlaceholderText(
            QCoreApplication.translate("StartDialog", "e.g. 北京友谊医院")
        )

    def site_code(self) -> str:
        """The chosen site's code: a listed site's, or the code typed in (upper case)."""
        index = self._site.findText(self._site.currentText())
        if index >= 0 and self._site.itemData(index):
            return str(self._site.itemData(index))
        return self._site.currentText().strip().upper()

    def identity(self) -> tuple[Identity | None, str]:
        """(the identity, "") or (None, what is missing or wrong, translated)."""
        try:
            study = check_study_id(self._study_id.text())
        except UserError:
            self._study_id.setFocus()
            return None, QCoreApplication.translate(
                "StartDialog",
                "The study ID must be the protocol number: letters and digits in groups "
                "joined by hyphens, at most 32 (e.g. MSCT-2026-01).",
            )
        code = self.site_code()
        if not code:
            self._site.setFocus()
            return None, QCoreApplication.translate(
                "StartDialog", "Choose the site this study file belongs to."
            )
        try:
            site = check_site_code(code)
        except UserError:
            self._site.setFocus()
            return None, QCoreApplication.translate(
                "StartDialog", "The site code must be 2 to 6 capital letters or digits (e.g. BJ01)."
            )
        name = self._name.text().strip() or None
        name_zh = self._name_zh.text().strip() or None
        if name is None and site not in SITES.codes:
            self._name.setFocus()
            return None, QCoreApplication.translate(
                "StartDialog", "Type the name of site {site}: a new site is registered with it."
            ).format(site=site)
        return Identity(study, site, name, name_zh), ""
