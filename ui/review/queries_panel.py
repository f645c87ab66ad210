"""Data queries in the desktop: the list (per record, per subject, study-wide), raising,
answering (optionally with a corrected value) and closing, and the marker on queried fields.

Who may do what is the core's rule (`msct_crf.workflow.queries`): a monitor or PI raises; a
nurse or PI answers; the raiser or a PI closes. The buttons follow the role; a refusal from
the core is shown in a message box. :func:`mark_queried_fields` puts a "?" badge beside each
field of a `FormPage` that has an unresolved query, with the questions in its tooltip.

On the coordinating centre's database (``UserSession.at_centre``) the list and Raise go to
`msct_crf.exchange.centre_queries`: a query raised there is a centre query for the site's
next return package, and its status column says where it is; answering and closing are the
site's.

Signals of :class:`QueriesPanel`:
    changed(): a query was raised, answered or closed (a correction may have changed data).
    openRecord(str, str, int): the user asked to see a query's record (subject, form, id).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Permission
from msct_crf.errors import MsctError
from msct_crf.exchange import centre_queries
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from msct_crf.workflow import queries
from msct_crf.workflow.queries import CLOSED, OPEN, QueryInfo
from msct_crf.workflow.records import EditConflict
from ui.common import session as sessions
from ui.common.edit_conflicts import answer_conflict_text
from ui.common.i18n import dictionary_language
from ui.common.session import UserSession
from ui.models.query_table import QUERY_ID_ROLE, QueryTableModel, form_label, query_summary
from ui.review.answer_query_dialog import AnswerDialog
from ui.review.raise_query_dialog import RaiseQueryDialog

BADGE_STYLE = (
    "QLabel { background: #ef6c00; color: white; border-radius: 8px; font-weight: bold;"
    " min-width: 16px; max-width: 16px; min-height: 16px; max-height: 16px; }"
)


# --------------------------------------------------------------------------- field marker


def mark_queried_fields(
    form_page: Any, queries_by_field: dict[str | None, list[QueryInfo]]
) -> None:
    """Mark the fields of ``form_page`` that have unresolved queries: property ``queried``,
    a "?" badge (objectName ``query_<CODE>``) and the questions in the tooltips."""
    for field in get_form(form_page.form_code).fields:
        try:
            editor = form_page.editor(field.code)
        except KeyError:
            continue
        pending = [q for q in queries_by_field.get(field.code, []) if q.is_open]
        badge = editor.findChild(QLabel, f"query_{field.code}")
        if badge is None and pending:
            badge = QLabel("?", editor)
            badge.setObjectName(f"query_{field.code}")
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            badge.setStyleSheet(BADGE_STYLE)
            row = editor.layout().itemAt(0).layout()
            if row is not None:
                row.insertWidget(1, badge)
        editor.setProperty("queried", bool(pending))
        label = editor.label_widget()
        if pending:
            text = "\n\n".join(query_summary(q) for q in pending)
            assert badge is not None
            badge.setToolTip(text)
            badge.show()
            label.setToolTip(f"{field.code}\n\n{text}")
            label.setStyleSheet("color: #ef6c00; font-weight: bold;")
        else:
            if badge is not None:
                badge.hide()
            label.setStyleSheet("")
            label.setToolTip(field.code)


# --------------------------------------------------------------------------- prompts


def ask_raise(parent: QWidget | None, form: str) -> tuple[str | None, str] | None:
    """(field or None, question), or None when cancelled. Module level: tests answer it."""
    dialog = RaiseQueryDialog(form, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_answer(
    parent: QWidget | None,
    query: QueryInfo,
    can_correct: bool,
    submit: Callable[[str, str | None], str | None],
) -> bool:
    """Whether the query was answered: the dialog calls ``submit`` and stays open with its
    message while the core refuses (see `AnswerDialog`)."""
    dialog = AnswerDialog(query, can_correct, parent, submit=submit)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_close_note(parent: QWidget | None, query: QueryInfo) -> str | None:
    """An optional closing note ("" for none), or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("QueriesPanel", "Close query #{id}").format(id=query.id),
        QCoreApplication.translate("QueriesPanel", "Closing note (optional):"),
    )
    return text.strip() if ok else None


# --------------------------------------------------------------------------- panel


class QueriesPanel(QWidget):
    """See the module docstring. Scope: a record (form + record_id), a subject, or the study."""

    changed = Signal()
    openRecord = Signal(str, str, int)

    def __init__(
        self,
        store: Store,
        user: str | UserSession,
        *,
        subject: str | None = None,
        form: str | None = None,
        record_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queriesPanel")
        self._store = store
        self._session = UserSession.coerce(user)
        self._subject, self._form, self._record_id = subject, form, record_id
        self._scope = QLabel(self)
        self._scope.setObjectName("queryScope")
        self.open_only = QCheckBox(self)
        self.open_only.setObjectName("openOnlyCheck")
        self.open_only.setChecked(record_id is None)
        self.open_only.toggled.connect(lambda _on: self.refresh())
        self.filter = QLineEdit(self)
        self.filter.setObjectName("queryFilter")
        self.filter.setClearButtonEnabled(True)
        self.model = QueryTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setObjectName("queryTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in ("text", "answer"):  # long free text: share the width, elided
            header.setSectionResizeMode(
                QueryTableModel.COLUMNS.index(column), QHeaderView.ResizeMode.Stretch
            )
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(self._double_clicked)
        self.buttons: dict[str, QPushButton] = {}
        for key, name in (
            ("raise", "raiseButton"),
            ("answer", "answerButton"),
            ("close", "closeButton"),
            ("refresh", "refreshButton"),
        ):
            button = QPushButton(self)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self._clicked(k))
            self.buttons[key] = button
        top = QHBoxLayout()
        top.addWidget(self._scope, 1)
        top.addWidget(self.filter)
        top.addWidget(self.open_only)
        bottom = QHBoxLayout()
        for key in ("raise", "answer", "close"):
            bottom.addWidget(self.buttons[key])
        bottom.addStretch(1)
        bottom.addWidget(self.buttons["refresh"])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------ public

    def refresh(self) -> None:
        selected = self.selected_query()
        source = centre_queries if self._session.at_centre else queries
        try:
            rows: list[QueryInfo] = list(
                source.list_queries(
                    self._store,
                    subject=self._subject,
                    form=self._form,
                    record_id=self._record_id,
                    open_only=self.open_only.isChecked(),
                )
            )
        except MsctError as exc:
            sessions.show_refusal(self, exc)
            rows = []
        self.model.set_rows(rows)
        if selected is not None:
            self.select_query(selected.id)
        self._update_buttons()

    def queries(self) -> list[QueryInfo]:
        return [self.model.row_at(r) for r in range(self.model.rowCount())]

    def selected_query(self) -> QueryInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_query(self, query_id: int) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(QUERY_ID_ROLE) == query_id:
                self.table.selectRow(row)
                return True
        return False

    def retranslate(self) -> None:
        if self._record_id is not None and self._form is not None:
            scope = self.tr("Queries on {form} #{id} of {subject}").format(
                form=form_label(self._form), id=self._record_id, subject=self._subject or ""
            )
        elif self._subject is not None:
            scope = self.tr("Queries of {subject}").format(subject=self._subject)
        else:
            scope = self.tr("Queries of the whole study")
        self._scope.setText(f"<b>{scope}</b>")
        self.open_only.setText(self.tr("Unresolved only"))
        self.filter.setPlaceholderText(self.tr("Filter…"))
        texts = {
            "raise": self.tr("&Raise query…"),
            "answer": self.tr("&Answer…"),
            "close": self.tr("&Close query…"),
            "refresh": self.tr("Re&fresh"),
        }
        for key, text in texts.items():
            self.buttons[key].setText(text)
        self._update_buttons()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "buttons"):
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ internals

    def _update_buttons(self) -> None:
        can = self._session.can
        query = self.selected_query()
        raise_ok = self._record_id is not None and can(Permission.RAISE_QUERY)
        self.buttons["raise"].setEnabled(raise_ok)
        self.buttons["raise"].setVisible(self._record_id is not None)
        self.buttons["answer"].setEnabled(
            query is not None and query.status == OPEN and can(Permission.ANSWER_QUERY)
        )
        own = query is not None and query.raised_by == self._session.user_name
        self.buttons["close"].setEnabled(
            query is not None
            and query.status != CLOSED
            and self._session.has_account
            and not self._session.at_centre  # the site closes it; its package says so
            and ((own and can(Permission.RAISE_QUERY)) or can(Permission.CLOSE_ANY_QUERY))
        )

    def _clicked(self, key: str) -> None:
        if key == "refresh":
            self.refresh()
            return
        actor = self._session.actor
        if actor is None:
            sessions.show_refusal(
                self, MsctError(self.tr("Log in with a user account to work on queries."))
            )
            return
        try:
            if key == "raise":
                done = self._raise(actor)
            elif key == "answer":
                done = self._answer(actor)
            else:
                done = self._close(actor)
        except MsctError as exc:
            sessions.show_refusal(self, exc)
            self.refresh()
            return
        if done:
            self.refresh()
            self.changed.emit()

    def _raise(self, actor: Any) -> bool:
        assert self._form is not None and self._record_id is not None
        answer = ask_raise(self, self._form)
        if answer is None:
            return False
        field, text = answer
        # at the centre a query goes to the site as a centre query (the centre writes no
        # clinical data, so the site-query path is refused there)
        raise_query = centre_queries.raise_query if self._session.at_centre else queries.raise_query
        created = raise_query(
            self._store,
            actor,
            subject=self._subject or "",
            form=self._form,
            record_id=self._record_id,
            field=field,
            text=text,
        )
        self.refresh()
        self.select_query(created.id)
        return True

    def _answer(self, actor: Any) -> bool:
        query = self.selected_query()
        if query is None:
            return False
        base = queries.correction_base(self._store, query.id)  # the record as it is now
        return ask_answer(
            self,
            query,
            self._session.can(Permission.ENTER_DATA),
            lambda text, correction: self._submit_answer(actor, query, text, correction, base),
        )

    def _submit_answer(
        self, actor: Any, query: QueryInfo, text: str, correction: str | None, base: int
    ) -> str | None:
        """None once answered, else the refusal's message for the dialog to show. A
        correction is based on the record as it was when the answer began (`base`)."""
        from ui.common import prompts

        values = {query.field: correction} if correction is not None and query.field else None
        answer = functools.partial(
            queries.answer_query, self._store, actor, query.id, text, correction=values
        )
        try:
            result = answer(based_on=base)
            if not result.answered and result.save is not None and result.save.needs_confirmation:
                lines = [self._finding(f) for f in result.save.warnings]
                if not prompts.confirm_warnings(self, lines):
                    return self.tr("The warnings were not confirmed; nothing was saved.")
                result = answer(based_on=base, confirm_warnings=True)
        except EditConflict as conflict:
            return answer_conflict_text(conflict)
        except MsctError as exc:
            return str(exc)
        if not result.answered:
            save = result.save
            details = [self._finding(f) for f in save.findings] if save is not None else []
            return "\n".join([result.message, *details])
        return None

    def _close(self, actor: Any) -> bool:
        query = self.selected_query()
        if query is None:
            return False
        note = ask_close_note(self, query)
        if note is None:
            return False
        queries.close_query(self._store, actor, query.id, note or None)
        return True

    @staticmethod
    def _finding(finding: Any) -> str:
        zh = dictionary_language() == "zh"
        return str(finding.message_zh if zh else finding.message)

    def _double_clicked(self, index: QModelIndex) -> None:
        query = self.model.row_at(self.proxy.mapToSource(index).row())
        self.openRecord.emit(query.subject, query.form, query.record_id)
