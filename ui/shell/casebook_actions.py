"""What Subject › Casebook (PDF)…, File › Save as PDF… and File › Print… do.

Kept apart from the main window: these commands find the subject and the form record
shown (an infusion brings its vital signs along in the core), and open the casebook dialog
or the form printer (ui.admin) on them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from msct_crf.errors import UserError
from ui.admin.casebook_dialog import CasebookDialog
from ui.admin.print_form import FormPrinter
from ui.common.session import show_refusal
from ui.forms.form_page import FormPage
from ui.forms.record_list_page import RecordListPage
from ui.shell.session_controller import SessionController
from ui.views.subject_workspace import SubjectWorkspace


def shown_record(workspace: SubjectWorkspace) -> tuple[str, str, int] | None:
    """(subject, form, record id) of the saved record on the workspace's current tab, or
    None (a list, the schedule, a record not saved yet)."""
    subject = workspace.current_subject()
    if subject is None:
        return None
    page = workspace.page(workspace.current_key())
    if isinstance(page, RecordListPage):  # a record list shows its record in a FormPage
        page = page.editor
    if not isinstance(page, FormPage):
        return None
    record_id = page.record_id()
    return None if record_id is None else (subject, page.form_code, record_id)


class CasebookActions(QObject):
    """The three commands, with the window's store, session and workspace."""

    def __init__(
        self,
        window: QWidget,
        sessions: SessionController,
        workspace: Callable[[], SubjectWorkspace | None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._sessions = sessions
        self._workspace = workspace
        self.printer = FormPrinter(window)
        self.dialog: CasebookDialog | None = None

    def current_subject(self) -> str | None:
        workspace = self._workspace()
        return workspace.current_subject() if workspace is not None else None

    def current_record(self) -> tuple[str, str, int] | None:
        workspace = self._workspace()
        return shown_record(workspace) if workspace is not None else None

    def casebook(self) -> CasebookDialog | None:
        """Subject › Casebook (PDF)… for the subject shown."""
        subject = self.current_subject()
        return self._open(subject, None) if subject else None

    def save_pdf(self) -> CasebookDialog | None:
        """File › Save as PDF… for the form record shown."""
        shown = self._shown_or_say()
        return self._open(shown[0], [(shown[1], shown[2])]) if shown else None

    def print_form(self) -> bool:
        """File › Print… for the form record shown."""
        shown = self._shown_or_say()
        if shown is None:
            return False
        sessions = self._sessions
        subject, form, record_id = shown
        self.printer.print_records(
            sessions.store, sessions.user, sessions.session.actor, subject, [(form, record_id)]
        )
        return True

    def _shown_or_say(self) -> tuple[str, str, int] | None:
        """The record shown, or None after saying that a saved form must be shown."""
        shown = self.current_record()
        if shown is None:
            message = self.tr(
                "Open a subject's saved form first: Print and Save as PDF work on the form shown."
            )
            show_refusal(self._window, UserError(message), self.tr("No form shown"))
        return shown

    def _open(self, subject: str, records: list[tuple[str, int]] | None) -> CasebookDialog:
        sessions = self._sessions
        dialog = CasebookDialog(
            sessions.store,
            sessions.user,
            subject,
            self._window,
            actor=sessions.session.actor,
            records=records,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        return dialog
