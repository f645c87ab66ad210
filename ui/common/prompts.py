"""The questions the forms ask: confirm warnings, give a reason, keep unsaved changes,
replace an existing file.

Module-level functions so tests can answer them with monkeypatch instead of clicking a modal
box. None of the boxes has a default button that Enter could press by accident except the
harmless choice (No / Cancel).
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QPushButton, QWidget


class LeaveChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def confirm_warnings(parent: QWidget | None, messages: list[str]) -> bool:
    """Ask whether to save despite soft warnings; True means save (the answer is audited)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("prompts", "Confirm unusual values"))
    box.setText(
        QCoreApplication.translate(
            "prompts", "These values are outside the expected range. Save them anyway?"
        )
    )
    box.setInformativeText("\n".join(f"• {m}" for m in messages))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_reason(parent: QWidget | None, form_label: str) -> str | None:
    """A reason for changing a complete form; None when cancelled or left empty."""
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("prompts", "Reason for change"),
        QCoreApplication.translate(
            "prompts", "The {form} form is complete. Why are you changing it?"
        ).format(form=form_label),
        QLineEdit.EchoMode.Normal,
        "",
    )
    return (text.strip() or None) if ok else None


def unsaved_box(parent: QWidget | None) -> tuple[QMessageBox, dict[LeaveChoice, QPushButton]]:
    """The unsaved-changes box and its buttons, not yet shown.

    Our own buttons rather than Qt's standard ones: their texts carry an Alt key (Alt+S,
    Alt+D, Alt+C) in both languages, and say what happens ("Discard changes").
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("prompts", "Unsaved changes"))
    box.setText(QCoreApplication.translate("prompts", "This form has unsaved changes."))
    role = QMessageBox.ButtonRole
    buttons = {
        LeaveChoice.SAVE: box.addButton(
            QCoreApplication.translate("prompts", "&Save"), role.AcceptRole
        ),
        LeaveChoice.DISCARD: box.addButton(
            QCoreApplication.translate("prompts", "&Discard changes"), role.DestructiveRole
        ),
        LeaveChoice.CANCEL: box.addButton(
            QCoreApplication.translate("prompts", "&Cancel"), role.RejectRole
        ),
    }
    box.setDefaultButton(buttons[LeaveChoice.CANCEL])
    box.setEscapeButton(buttons[LeaveChoice.CANCEL])
    return box, buttons


def ask_unsaved(parent: QWidget | None) -> LeaveChoice:
    """Save, discard or stay when leaving a form with unsaved changes."""
    box, buttons = unsaved_box(parent)
    box.exec()
    clicked = box.clickedButton()
    return next((c for c, b in buttons.items() if b is clicked), LeaveChoice.CANCEL)


def ask_open_linked_ae(parent: QWidget | None) -> bool:
    """Offer to record an infusion reaction as an adverse event now."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("prompts", "Infusion reaction"),
        QCoreApplication.translate(
            "prompts", "An infusion reaction was recorded. Record it as an adverse event now?"
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_replace(parent: QWidget | None, path: str) -> bool:
    """Replace an existing file with an export? True means replace (No is the default)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("prompts", "Replace the file?"))
    box.setText(
        QCoreApplication.translate("prompts", "{file} already exists. Replace it?").format(
            file=path
        )
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)
