"""Wording of the core's EditConflict (a save, a correction or a deletion over a record
someone changed or deleted since it was opened) in the UI language.

The core carries the facts (form, record, subject, who, when, kind: "changed" or
"deleted"); its English message is for the command line and the log only.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from msct_crf.workflow.records import EditConflict


def conflict_when(conflict: EditConflict) -> str:
    """The time of the other person's change, as shown: ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    return conflict.changed_at[:19].replace("T", " ")


def save_conflict_text(conflict: EditConflict) -> str:
    """Why a form's save over a changed record was refused."""
    when = conflict_when(conflict)
    if conflict.kind == "deleted":
        return QCoreApplication.translate(
            "FormPage",
            "Not saved: this record was deleted by {user} at {when} (UTC) since you opened it. "
            "What you typed is still on the form.",
        ).format(user=conflict.changed_by, when=when)
    return QCoreApplication.translate(
        "FormPage",
        "Not saved: this record was changed by {user} at {when} (UTC) since you opened it. "
        "Reload to see their change; what you typed is still on the form.",
    ).format(user=conflict.changed_by, when=when)


def answer_conflict_text(conflict: EditConflict) -> str:
    """Why a query's answer with a correction was refused: the record changed meanwhile."""
    when = conflict_when(conflict)
    if conflict.kind == "deleted":
        return QCoreApplication.translate(
            "EditConflict",
            "Not answered: record #{id} of {subject} was deleted by {user} at {when} (UTC) "
            "since you began the answer. Your answer is still here.",
        ).format(
            id=conflict.record_id,
            subject=conflict.subject or "",
            user=conflict.changed_by,
            when=when,
        )
    return QCoreApplication.translate(
        "EditConflict",
        "Not answered: record #{id} of {subject} was changed by {user} at {when} (UTC) since "
        "you began the answer, so the correction could be out of date. Nothing was saved; "
        "your answer is still here: look at the record, then answer again.",
    ).format(
        id=conflict.record_id, subject=conflict.subject or "", user=conflict.changed_by, when=when
    )


def delete_conflict_text(conflict: EditConflict) -> str:
    """Why a deletion was refused: someone changed (or deleted) the record since it was opened."""
    when = conflict_when(conflict)
    if conflict.kind == "deleted":
        return QCoreApplication.translate(
            "EditConflict",
            "Not deleted: record #{id} was already deleted by {user} at {when} (UTC).",
        ).format(id=conflict.record_id, user=conflict.changed_by, when=when)
    return QCoreApplication.translate(
        "EditConflict",
        "Not deleted: record #{id} was changed by {user} at {when} (UTC) since you opened it. "
        "Look at their change first; nothing was deleted.",
    ).format(id=conflict.record_id, user=conflict.changed_by, when=when)
