"""One press of Save on a form page, through the core.

The controller collects what is typed into a `SaveRequest`, makes one core call per attempt
(`records.save`, or `records.save_infusion_with_vital_signs` for an infusion and its vital
signs, which commit together or not at all), and asks the person to confirm warnings or give
a reason when the core's outcome says one is needed. It opens no transaction and checks
nothing itself; `outcome_text` words what came of a save.

Each request says which state of the record it was typed over (`based_on`, the version the
page loaded), so a save over a record someone else changed meanwhile (another window, a
colleague on the clinic's server) is refused by the core; `conflict_text` words that
refusal, and the page keeps what was typed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from msct_crf.errors import UserError
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import Form
from msct_crf.workflow import records
from msct_crf.workflow.records import (
    EditConflict,
    Record,
    SaveOutcome,
    SaveRequest,
    SaveResult,
    VitalSignsRow,
)
from ui.common import prompts
from ui.common.edit_conflicts import save_conflict_text
from ui.common.session import UserSession

from .field_editor import FieldEditor

#: How often one press of Save asks the core: a first try, then after each answer given.
ATTEMPTS = 4


@dataclass(frozen=True)
class SaveAttempt:
    """What came of pressing Save: the core's last answer; `timepoint` names the vital-signs
    row that refused the save; `declined` is the status line when the person declined to
    confirm warnings or to give a reason."""

    result: SaveResult
    timepoint: str = ""
    declined: str = ""


def outcome_text(result: SaveResult) -> str:
    """The status line of a finished save, in the UI language."""
    if result.outcome is SaveOutcome.SAVED:
        return QCoreApplication.translate("FormPage", "Saved.")
    if result.outcome is SaveOutcome.UNCHANGED:
        return QCoreApplication.translate("FormPage", "No changes")
    return result.message


def conflict_text(conflict: EditConflict) -> str:
    """Why a save over a changed record was refused, in the UI language."""
    return save_conflict_text(conflict)


#: Fields that only say which visit this is: a visit with nothing else is still empty.
_IDENTIFYING = frozenset({"VISIT", "VISDTC"})


def mostly_empty(request: SaveRequest) -> bool:
    """True when more than three quarters of the form's values are blank (no value, no
    missing-data code): saved as complete, such a visit would look done in the schedule and
    the lists though its labs are still to come."""
    missing = request.missing or {}
    codes = [c for c in request.values if c not in _IDENTIFYING]
    blank = [c for c in codes if str(request.values[c] or "").strip() == "" and not missing.get(c)]
    return bool(codes) and len(blank) * 4 > len(codes) * 3


class EmptyVisitChoice(enum.Enum):
    """What to do with a visit saved with most values empty."""

    DRAFT = "draft"  # save it, still a draft (the default)
    COMPLETE = "complete"  # the labs were not done: save it as complete anyway
    CANCEL = "cancel"


def ask_save_draft(parent: QWidget | None) -> EmptyVisitChoice:
    """How to save a mostly empty visit (module level: tests answer it)."""
    box = QMessageBox(parent)
    box.setObjectName("saveDraftBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("FormPage", "Most values are empty"))
    box.setText(
        QCoreApplication.translate(
            "FormPage",
            "Most values of this visit are empty. Save it as a draft, to be completed later?",
        )
    )
    draft = box.addButton(
        QCoreApplication.translate("FormPage", "Save as &draft"), QMessageBox.ButtonRole.AcceptRole
    )
    complete = box.addButton(
        QCoreApplication.translate("FormPage", "Save as &complete"), QMessageBox.ButtonRole.YesRole
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(draft)
    box.exec()
    clicked = box.clickedButton()
    if clicked is draft:
        return EmptyVisitChoice.DRAFT
    if clicked is complete:
        return EmptyVisitChoice.COMPLETE
    return EmptyVisitChoice.CANCEL


class SaveController:
    """Saves one form page's record (and, for an infusion, its vital signs) through the core."""

    def __init__(self, store: Store, session: UserSession, form: Form, parent: QWidget) -> None:
        self._store = store
        self._session = session
        self._form = form
        self._parent = parent  # the page: the prompts are its dialogs

    def request(
        self,
        editors: Mapping[str, FieldEditor],
        record: Record | None,
        subject: str | None,
        parent_id: int | None,
    ) -> SaveRequest:
        """The save of what is typed in `editors`: raw text, the unit system of each value,
        missing-data codes (a code cleared on a saved record is sent as "")."""
        missing = {
            code: e.missing() or ""
            for code, e in editors.items()
            if e.missing() or (record and code in record.missing)
        }
        return SaveRequest(
            form=self._form.code,
            values={code: e.raw() for code, e in editors.items()},
            user=self._session.user_name,
            actor=self._session.actor,
            subject=subject,
            record_id=record.id if record else None,
            parent_id=parent_id if record is None else None,
            units={code: e.raw_units() for code, e in editors.items()},
            missing=missing,
            based_on=record.version if record else 0,
        )

    def save(
        self,
        request: SaveRequest,
        vital_signs: list[VitalSignsRow] | None,
        *,
        form_label: str,
        warning_lines: Callable[[SaveResult, str], list[str]],
    ) -> SaveAttempt:
        """Save `request` (with `vital_signs` under the infusion when not None). Warnings
        the core asks about are confirmed with the person (`warning_lines` words them, given
        the result and the refusing timepoint); a change that needs a reason asks for one."""
        attempt = SaveAttempt(SaveResult(SaveOutcome.REFUSED))
        for _try in range(ATTEMPTS):
            attempt = self._write(request, vital_signs)
            result = attempt.result
            if result.saved:
                return attempt
            if result.needs_confirmation and not request.confirm_warnings:
                lines = warning_lines(result, attempt.timepoint)
                if not prompts.confirm_warnings(self._parent, lines):
                    return replace(
                        attempt,
                        declined=QCoreApplication.translate(
                            "FormPage", "Not saved: warnings were not confirmed."
                        ),
                    )
                request = replace(request, confirm_warnings=True)
            elif result.needs_reason and request.reason is None:
                reason = prompts.ask_reason(self._parent, form_label)
                if not reason:
                    declined = QCoreApplication.translate(
                        "FormPage", "Not saved: a reason for the change is required."
                    )
                    return replace(attempt, declined=declined)
                request = replace(request, reason=reason)
            else:
                return attempt
        return SaveAttempt(attempt.result)

    def _write(self, request: SaveRequest, vital_signs: list[VitalSignsRow] | None) -> SaveAttempt:
        """One core call; a database that cannot be written is a refusal with its reason."""
        try:
            if vital_signs is None:
                return SaveAttempt(records.save(self._store, request))
            both = records.save_infusion_with_vital_signs(self._store, request, vital_signs)
            return SaveAttempt(both.result, both.timepoint)
        except EditConflict as conflict:
            message = conflict_text(conflict)
            return SaveAttempt(SaveResult(SaveOutcome.REFUSED, message=message))
        except UserError as exc:
            message = QCoreApplication.translate("FormPage", "Not saved: {error}").format(error=exc)
            return SaveAttempt(SaveResult(SaveOutcome.REFUSED, message=message))
