"""The questions the forms ask: confirm warnings, give a reason, keep unsaved changes,
replace an existing file.

Module-level functions so tests can answer them with monkeypatch instead of clicking a modal
box. None of the boxes has a default button that Enter could press by accident except the
harmless choice (No / Cancel).
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("prompts", text)


class LeaveChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def confirm_warnings(parent: QWidget | None, messages: list[str]) -> bool:
    """Ask whether to save despite soft warnings; True means save (the answer is audited)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Confirm unusual values"))
    box.setText(_tr("These values are outside the expected range. Save them anyway?"))
    box.setInformativeText("\n".join(f"• {m}" for m in messages))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_reason(parent: QWidget | None, form_label: str) -> str | None:
    """A reason for changing a complete form; None when cancelled or left empty."""
    text, ok = QInputDialog.getText(
        parent,
        _tr("Reason for change"),
        _tr("The {form} form is complete. Why are you changing it?").format(form=form_label),
        QLineEdit.EchoMode.Normal,
        "",
    )
    return (text.strip() or None) if ok else None


def ask_unsaved(parent: QWidget | None) -> LeaveChoice:
    """Save, discard or stay when leaving a form with unsaved changes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_tr("Unsaved changes"))
    box.setText(_tr("This form has unsaved changes."))
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Cancel)
    answer = box.exec()
    if answer == buttons.Save:
        return LeaveChoice.SAVE
    if answer == buttons.Discard:
        return LeaveChoice.DISCARD
    return LeaveChoice.CANCEL


def ask_open_linked_ae(parent: QWidget | None) -> bool:
    """Offer to record an infusion reaction as an adverse event now."""
    answer = QMessageBox.question(
        parent,
        _tr("Infusion reaction"),
        _tr("An infusion reaction was recorded. Record it as an adverse event now?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_replace(parent: QWidget | None, path: str) -> bool:
    """Replace an existing file with an export? True means replace (No is the default)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("Replace the file?"))
    box.setText(_tr("{file} already exists. Replace it?").format(file=path))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)
