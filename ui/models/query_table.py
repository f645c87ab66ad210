"""Data queries as a table, and the words that describe a query wherever it is shown.

:class:`QueryTableModel` has one row per `msct_crf.workflow.queries.QueryInfo`; its tooltip
is the query's summary (question, who, answer), and the status is coloured red while open,
amber once answered, green when closed. The panel filters it with a QSortFilterProxyModel
over every column's display text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from msct_crf.exchange.centre_queries import CentreQueryInfo, State
from msct_crf.study.dictionary import form as get_form
from msct_crf.workflow.queries import ANSWERED, CLOSED, OPEN, QueryInfo
from ui.common.i18n import dictionary_language
from ui.models.row_table import RowTableModel, TableColumn

#: Custom role: the query's id.
QUERY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_STATUS_COLOURS = {OPEN: QColor("#c62828"), ANSWERED: QColor("#a15c00")}
_CLOSED_COLOUR = QColor("#2e7d32")


def status_name(status: str) -> str:
    return {
        OPEN: QCoreApplication.translate("QueriesPanel", "open"),
        ANSWERED: QCoreApplication.translate("QueriesPanel", "answered"),
        CLOSED: QCoreApplication.translate("QueriesPanel", "closed"),
    }.get(status, status)


def centre_state_name(query: CentreQueryInfo) -> str:
    """Where a centre query is: not sent, waiting for the site, answered in its package N."""
    translate = QCoreApplication.translate
    n = query.package_number
    texts = {
        State.NOT_SENT: translate("QueriesPanel", "not sent yet (next return package)"),
        State.SENT: translate("QueriesPanel", "waiting for the site (return package {n})").format(
            n=query.return_number
        ),
        State.AT_SITE: translate("QueriesPanel", "waiting for the site's answer"),
        State.ANSWERED: translate("QueriesPanel", "answered in package {n}").format(n=n),
        State.CLOSED: translate("QueriesPanel", "closed in package {n}").format(n=n),
    }
    return texts[query.state]


def state_name(query: QueryInfo) -> str:
    """The status column: a site query's status, or where a centre query is."""
    if isinstance(query, CentreQueryInfo):
        return centre_state_name(query)
    return status_name(query.status)


def field_label(form: str, field: str | None) -> str:
    if field is None:
        return QCoreApplication.translate("QueriesPanel", "(whole form)")
    try:
        return f"{get_form(form).field(field).label.get(dictionary_language())} ({field})"
    except (KeyError, ValueError):
        return field


def form_label(form: str) -> str:
    try:
        return get_form(form).label.get(dictionary_language())
    except KeyError:
        return form


def query_summary(query: QueryInfo) -> str:
    """Plain text of one query for tooltips: question, who, answer."""
    lines = [
        QCoreApplication.translate("QueriesPanel", "#{id} {status} — {who}: {text}").format(
            id=query.id, status=state_name(query), who=query.raised_by, text=query.text
        )
    ]
    if query.answer:
        lines.append(
            QCoreApplication.translate("QueriesPanel", "Answer by {who}: {text}").format(
                who=query.answered_by or "", text=query.answer
            )
        )
    return "\n".join(lines)


def _closed(q: QueryInfo) -> str:
    return f"{q.closed_by} {(q.closed_at or '')[:16].replace('T', ' ')}" if q.closed_by else ""


class QueryTableModel(RowTableModel[QueryInfo]):
    """Queries as rows; ``QUERY_ID_ROLE`` gives the query id."""

    COLUMNS = ("id", "subject", "form", "field", "status", "text", "raised", "answer", "closed")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        status_colour = {
            int(Qt.ItemDataRole.ForegroundRole): lambda q: _STATUS_COLOURS.get(
                q.status, _CLOSED_COLOUR
            )
        }
        self.set_columns(  # in COLUMNS order
            [
                TableColumn(lambda: self.tr("#"), lambda q: q.id),  # an int: sorts as a number
                TableColumn(lambda: self.tr("Subject"), lambda q: q.subject),
                TableColumn(
                    lambda: self.tr("Form"), lambda q: f"{form_label(q.form)} #{q.record_id}"
                ),
                TableColumn(lambda: self.tr("Field"), lambda q: field_label(q.form, q.field)),
                TableColumn(lambda: self.tr("Status"), state_name, status_colour),
                TableColumn(lambda: self.tr("Question"), lambda q: q.text),
                TableColumn(
                    lambda: self.tr("Raised"),
                    lambda q: f"{q.raised_by} {q.raised_at[:16].replace('T', ' ')}",
                ),
                TableColumn(
                    lambda: self.tr("Answer"),
                    lambda q: f"{q.answered_by}: {q.answer}" if q.answer else "",
                ),
                TableColumn(lambda: self.tr("Closed"), _closed),
            ],
            row_roles={
                QUERY_ID_ROLE: lambda q: q.id,
                Qt.ItemDataRole.ToolTipRole: query_summary,
            },
        )
