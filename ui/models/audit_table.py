"""The audit trail as a table: one row per `msct_crf.reporting.audit_history.AuditRow`.

Form and field show the dictionary's labels with their codes, so "TBIL" and "Total
bilirubin" both find a bilirubin change; :class:`AuditFilterProxy` keeps the rows where
every column filter (one case-insensitive substring per column) matches.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from msct_crf.reporting.audit_history import AuditRow
from msct_crf.study.dictionary import form as get_form
from ui.common.i18n import dictionary_language
from ui.models.row_table import Index, RowTableModel, TableColumn

#: Custom role: the row's AuditRow.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("time", "user", "action", "subject", "form", "record", "field", "change", "reason")
_ALERT = QColor("#c62828")


def action_name(action: str) -> str:
    names = {
        "insert": QCoreApplication.translate("AuditViewer", "created"),
        "update": QCoreApplication.translate("AuditViewer", "changed"),
        "delete": QCoreApplication.translate("AuditViewer", "deleted"),
        "verify": QCoreApplication.translate("AuditViewer", "verified"),
        "sign": QCoreApplication.translate("AuditViewer", "signed"),
        "lock": QCoreApplication.translate("AuditViewer", "locked"),
        "unlock": QCoreApplication.translate("AuditViewer", "unlocked"),
        "login": QCoreApplication.translate("AuditViewer", "logged in"),
        "login_failed": QCoreApplication.translate("AuditViewer", "login failed"),
        "logout": QCoreApplication.translate("AuditViewer", "logged out"),
        "export": QCoreApplication.translate("AuditViewer", "exported"),
        "query_open": QCoreApplication.translate("AuditViewer", "query raised"),
        "query_answer": QCoreApplication.translate("AuditViewer", "query answered"),
        "query_close": QCoreApplication.translate("AuditViewer", "query closed"),
        "account": QCoreApplication.translate("AuditViewer", "account changed"),
        "setting": QCoreApplication.translate("AuditViewer", "setting changed"),
        "confirm_warning": QCoreApplication.translate("AuditViewer", "warning confirmed"),
        "unit_entry": QCoreApplication.translate("AuditViewer", "typed in conventional units"),
        "backup": QCoreApplication.translate("AuditViewer", "backup"),
        "restore": QCoreApplication.translate("AuditViewer", "restore"),
    }
    return f"{names[action]} ({action})" if action in names else action


def form_text(row: AuditRow) -> str:
    code = row.form
    if code is None:
        other = {
            "data_query": QCoreApplication.translate("AuditViewer", "Query"),
            "app_user": QCoreApplication.translate("AuditViewer", "User account"),
            "study_setting": QCoreApplication.translate("AuditViewer", "Study setting"),
        }
        table = row.table_name or ""
        return f"{other[table]} ({table})" if table in other else table
    return f"{get_form(code).label.get(dictionary_language())} ({code})"


def field_text(row: AuditRow) -> str:
    if row.field is None:
        return ""
    code = row.form
    if code is not None:
        try:
            label = get_form(code).field(row.field).label.get(dictionary_language())
        except (KeyError, ValueError):
            return row.field
        return f"{label} ({row.field})"
    return row.field


def _change_text(row: AuditRow) -> str:
    if row.old_value is None and row.new_value is None:
        return ""
    return row.change_text.replace(" -> ", " → ")


def _alert_colour(row: AuditRow) -> QColor | None:
    return _ALERT if row.action in ("unlock", "login_failed", "delete") else None


class AuditTableModel(RowTableModel[AuditRow]):
    """Audit rows, newest first; ``ROW_ROLE`` gives the :class:`AuditRow`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        tooltip = int(Qt.ItemDataRole.ToolTipRole)
        self.set_columns(
            [
                TableColumn(
                    lambda: self.tr("When (UTC)"), lambda r: r.ts_utc[:19].replace("T", " ")
                ),
                TableColumn(lambda: self.tr("Who"), lambda r: r.user),
                TableColumn(lambda: self.tr("Action"), lambda r: action_name(r.action)),
                TableColumn(lambda: self.tr("Subject"), lambda r: r.subject or ""),
                TableColumn(lambda: self.tr("Form"), form_text),
                TableColumn(lambda: self.tr("Record"), lambda r: r.record_id or ""),
                TableColumn(lambda: self.tr("Field"), field_text),
                # long texts: the tooltip shows what the cell elides
                TableColumn(lambda: self.tr("Old → new"), _change_text, {tooltip: _change_text}),
                TableColumn(
                    lambda: self.tr("Why"),
                    lambda r: r.reason or "",
                    {tooltip: lambda r: r.reason or ""},
                ),
            ],
            row_roles={Qt.ItemDataRole.ForegroundRole: _alert_colour, ROW_ROLE: lambda r: r},
        )


class AuditFilterProxy(QSortFilterProxyModel):
    """One case-insensitive substring per column; a row shows when every one matches."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needles: dict[int, str] = {}

    def set_column_filter(self, column: str, text: str) -> None:
        index = COLUMNS.index(column)
        needle = text.strip().casefold()
        self.beginFilterChange()
        if needle:
            self._needles[index] = needle
        else:
            self._needles.pop(index, None)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        for column, needle in self._needles.items():
            text = model.data(model.index(source_row, column, source_parent))
            if needle not in str(text or "").casefold():
                return False
        return True
