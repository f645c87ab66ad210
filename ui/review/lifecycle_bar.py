"""The lifecycle bar of a form: status, signature and the steps the current user may take.

Shows the record's status (draft, complete, verified, signed, locked), its signature (printed
name, date and time, meaning; a voided or invalid signature is shown struck through in red)
and the buttons Verify, Sign…, Lock and Unlock…, enabled exactly when the core allows them
for the logged-in person; all of it comes from one read, `msct_crf.workflow.lifecycle.
record_state`. Sign asks for the password again and the meaning (`ui.review.sign_dialog`);
Unlock asks for a reason (`ui.review.reason_dialog`). The Queries button opens the
record's queries (raise, answer, close). Every refusal of the core is shown in a message box.

Signals:
    changed(): a step changed the record (the form reloads it).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from msct_crf.access import Permission
from msct_crf.errors import MsctError
from msct_crf.exchange import centre_queries
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle
from msct_crf.workflow.lifecycle import LOCK, SIGN, UNLOCK, VERIFY, SignatureInfo
from msct_crf.workflow.queries import QueryInfo
from msct_crf.workflow.records import COMPLETE, DRAFT, LOCKED, SIGNED, VERIFIED
from ui.common import session as sessions
from ui.common.session import UserSession
from ui.review.queries_dialog import QueriesDialog
from ui.review.reason_dialog import ReasonDialog
from ui.review.sign_dialog import SignDialog, meanings

STATUS_COLOURS = {
    DRAFT: "#6d6d6d",
    COMPLETE: "#1565c0",
    VERIFIED: "#00838f",
    SIGNED: "#2e7d32",
    LOCKED: "#4a148c",
}
VOID_COLOUR = "#c62828"


def status_name(status: str) -> str:
    names = {
        DRAFT: QCoreApplication.translate("LifecycleBar", "draft"),
        COMPLETE: QCoreApplication.translate("LifecycleBar", "complete"),
        VERIFIED: QCoreApplication.translate("LifecycleBar", "verified"),
        SIGNED: QCoreApplication.translate("LifecycleBar", "signed"),
        LOCKED: QCoreApplication.translate("LifecycleBar", "locked"),
    }
    return names.get(status, status)


def local_time(iso_utc: str | None) -> str:
    """'2026-11-25 21:05 (UTC+08:00)' from a stored ISO UTC time."""
    if not iso_utc:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return iso_utc
    local = moment.astimezone()
    offset = local.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{local:%Y-%m-%d %H:%M} ({zone})"


def signature_text(signature: SignatureInfo) -> str:
    """The signature line as rich text: name, user, date and time, meaning; voided struck."""
    line = QCoreApplication.translate(
        "LifecycleBar", "Signed by {name} ({user}) on {when} — {meaning}"
    ).format(
        name=signature.printed_name,
        user=signature.signer,
        when=local_time(signature.signed_at),
        meaning=dict(meanings()).get(signature.meaning, signature.meaning),
    )
    line = line.replace("&", "&amp;").replace("<", "&lt;")
    if not signature.active:
        why = QCoreApplication.translate(
            "LifecycleBar", "VOIDED {when} by {user}: {reason}"
        ).format(
            when=local_time(signature.voided_at),
            user=signature.voided_by or "",
            reason=signature.void_reason or "",
        )
        why = why.replace("&", "&amp;").replace("<", "&lt;")
        return f'<span style="color:{VOID_COLOUR}"><s>{line}</s> <b>{why}</b></span>'
    if not signature.valid:
        bad = QCoreApplication.translate(
            "LifecycleBar", "INVALID: the data no longer match what was signed"
        )
        if signature.altered:
            bad = QCoreApplication.translate(
                "LifecycleBar",
                "INVALID: this signature was not made on this record as it reads "
                "(copied or altered)",
            )
        return f'<span style="color:{VOID_COLOUR}"><s>{line}</s> <b>{bad}</b></span>'
    return f'<span style="color:{STATUS_COLOURS[SIGNED]}">✔ {line}</span>'


# --------------------------------------------------------------------------- prompts


def ask_signature(parent: QWidget | None, printed_name: str, what: str) -> tuple[str, str] | None:
    """(password, meaning) or None when cancelled. Module level so tests can answer it."""
    dialog = SignDialog(printed_name, what, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_unlock_reason(parent: QWidget | None, what: str) -> str | None:
    """The reason for unlocking, or None when cancelled."""
    dialog = ReasonDialog(
        QCoreApplication.translate("LifecycleBar", "Unlock"),
        QCoreApplication.translate(
            "LifecycleBar",
            "Unlocking {what} voids its signature; the form returns to complete and can be "
            "changed. Give the reason (it goes into the audit trail):",
        ).format(what=what),
        parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.text() or None


# --------------------------------------------------------------------------- the bar


class LifecycleBar(QWidget):
    """See the module docstring."""

    changed = Signal()

    def __init__(
        self, store: Store, user: str | UserSession, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lifecycleBar")
        self._store = store
        self._session = UserSession.coerce(user)
        self._subject: str | None = None
        self._form: str | None = None
        self._record_id: int | None = None
        self._status: str | None = None
        self._actions: frozenset[str] = frozenset()
        self._queries: dict[str | None, list[QueryInfo]] = {}
        self._dirty = False

        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.signature_label = QLabel(self)
        self.signature_label.setObjectName("signatureLabel")
        self.signature_label.setWordWrap(True)
        self.signature_label.setTextFormat(Qt.TextFormat.RichText)
        self.signature_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        for key, name in (
            ("queries", "queriesButton"),
            (VERIFY, "verifyButton"),
            (SIGN, "signButton"),
            (LOCK, "lockButton"),
            (UNLOCK, "unlockButton"),
        ):
            button = QPushButton(self)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self._clicked(k))
            self.buttons[key] = button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status_label)
        layout.addWidget(self.signature_label, 1)
        for button in self.buttons.values():
            layout.addWidget(button)
        self.retranslate()
        self.set_record(None, None, None)

    # ------------------------------------------------------------------ public

    def set_session(self, user: str | UserSession) -> None:
        self._session = UserSession.coerce(user)
        self.reload()

    def set_record(self, subject: str | None, form: str | None, record_id: int | None) -> None:
        """Show the lifecycle of a saved record (record_id None: a new, unsaved one)."""
        self._subject, self._form, self._record_id = subject, form, record_id
        self.reload()

    def reload(self) -> None:
        """Read the record's lifecycle again (one read: status, steps, signature, queries)."""
        form, record_id = self._form, self._record_id
        self._status, self._actions, self._queries = None, frozenset(), {}
        signature: SignatureInfo | None = None
        if form is not None and record_id is not None:
            try:
                state = lifecycle.record_state(self._store, self._session.actor, form, record_id)
            except MsctError as exc:
                self.signature_label.setText(str(exc))
            else:
                if state is not None:
                    self._status, self._actions = state.status, state.actions
                    self._queries = state.queries
                    signature = state.signature
            if self._session.at_centre:
                self._queries = self._centre_queries(form, record_id)
        self._show(signature)

    def _centre_queries(self, form: str, record_id: int) -> dict[str | None, list[QueryInfo]]:
        """At the centre the form shows the centre's own queries on the record."""
        grouped: dict[str | None, list[QueryInfo]] = {}
        try:
            found = centre_queries.list_queries(self._store, form=form, record_id=record_id)
        except MsctError as exc:
            self.signature_label.setText(str(exc))
            return grouped
        for query in found:
            grouped.setdefault(query.field, []).append(query)
        return grouped

    def status(self) -> str | None:
        return self._status

    def allowed_actions(self) -> frozenset[str]:
        return self._actions

    def queries_by_field(self) -> dict[str | None, list[QueryInfo]]:
        """The record's queries grouped by field (None: the whole record)."""
        return dict(self._queries)

    def open_query_count(self) -> int:
        return sum(1 for items in self._queries.values() for q in items if q.is_open)

    def set_dirty(self, dirty: bool) -> None:
        """Unsaved input on the form: no lifecycle step until it is saved or discarded."""
        self._dirty = dirty
        self._update_buttons()

    def retranslate(self) -> None:
        texts = {
            # mnemonics clear of the menu bar (F S V A R L H) and the workspace tabs
            VERIFY: self.tr("Verif&y"),
            SIGN: self.tr("Si&gn…"),
            LOCK: self.tr("Loc&k"),
            UNLOCK: self.tr("Unl&ock…"),
        }
        for key, text in texts.items():
            self.buttons[key].setText(text)
        self._update_buttons()

    def changeEvent(self, event: QEvent) -> None:
        """A language switch: the buttons, and the status and signature read again."""
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "buttons"):
            self.retranslate()
            self.reload()
        super().changeEvent(event)

    # ------------------------------------------------------------------ display

    def _show(self, signature: SignatureInfo | None) -> None:
        status = self._status
        if status is None:
            self.status_label.setText(self.tr("Not saved yet"))
            self.status_label.setStyleSheet("color: #6d6d6d;")
        else:
            self.status_label.setText(status_name(status).upper())
            self.status_label.setStyleSheet(
                f"color: white; background: {STATUS_COLOURS.get(status, '#6d6d6d')};"
                " border-radius: 3px; padding: 2px 8px; font-weight: bold;"
            )
        self.status_label.setProperty("status", status or "")
        if signature is None:
            if status is not None and not self._session.has_account:
                self.signature_label.setText(
                    self.tr("Not signed. Log in with a user account to verify, sign or lock.")
                )
            else:
                self.signature_label.setText(self.tr("Not signed") if status else "")
        else:
            self.signature_label.setText(signature_text(signature))
        self.signature_label.setProperty("voided", signature is not None and not signature.active)
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = self.open_query_count()
        saved = self._record_id is not None and self._status is not None
        queries_button = self.buttons["queries"]
        queries_button.setText(
            self.tr("&Queries ({n})…").format(n=count) if count else self.tr("&Queries…")
        )
        queries_button.setEnabled(saved and not self._dirty)
        queries_button.setStyleSheet("font-weight: bold; color: #a15c00;" if count else "")
        queries_button.setToolTip(self.tr("Open, raise, answer and close queries on this form"))
        for key in (VERIFY, SIGN, LOCK, UNLOCK):
            allowed = key in self._actions and not self._dirty and not self._session.at_centre
            self.buttons[key].setEnabled(allowed)
            self.buttons[key].setToolTip("" if allowed else self._why_not(key))

    def _why_not(self, key: str) -> str:
        if self._session.at_centre:
            return self.tr(
                "The coordinating centre's database: only the site verifies, signs and locks "
                "its data; raise a query instead"
            )
        if self._record_id is None:
            return self.tr("Save the form first")
        if self._dirty:
            return self.tr("Save or discard your changes first")
        if not self._session.has_account:
            return self.tr("Log in with a user account for this step")
        permission = {
            VERIFY: Permission.VERIFY,
            SIGN: Permission.SIGN,
            LOCK: Permission.LOCK,
            UNLOCK: Permission.UNLOCK,
        }[key]
        if not self._session.can(permission):
            return self.tr("Your role ({role}) may not do this").format(
                role=sessions.role_name(self._session.role or "")
            )
        needs = {
            VERIFY: self.tr("Only a complete form without open queries can be verified"),
            SIGN: self.tr("Only a verified form without open queries can be signed"),
            LOCK: self.tr("Only a signed form with a valid signature can be locked"),
            UNLOCK: self.tr("Only a signed or locked form can be unlocked"),
        }
        return needs[key]

    # ------------------------------------------------------------------ steps

    def _what(self) -> str:
        from msct_crf.study.dictionary import form as get_form
        from ui.common.i18n import dictionary_language

        assert self._form is not None
        label = get_form(self._form).label.get(dictionary_language())
        return self.tr("{form} of {subject}").format(form=label, subject=self._subject or "")

    def _clicked(self, key: str) -> None:
        form, record_id, actor = self._form, self._record_id, self._session.actor
        if form is None or record_id is None:
            return
        if key == "queries":
            self._open_queries()
            return
        if actor is None:
            return
        try:
            if key == VERIFY:
                lifecycle.verify_record(self._store, actor, form, record_id)
            elif key == SIGN:
                answer = ask_signature(self, actor.printed_name, self._what())
                if answer is None:
                    return
                password, meaning = answer
                lifecycle.sign_record(
                    self._store, actor, form, record_id, password, meaning=meaning
                )
            elif key == LOCK:
                lifecycle.lock_record(self._store, actor, form, record_id)
            elif key == UNLOCK:
                reason = ask_unlock_reason(self, self._what())
                if not reason:
                    return
                lifecycle.unlock_record(self._store, actor, form, record_id, reason)
        except MsctError as exc:
            sessions.show_refusal(self, exc)
            self.reload()
            return
        self.reload()
        self.changed.emit()

    def _open_queries(self) -> None:
        assert self._form is not None and self._record_id is not None
        dialog = QueriesDialog(
            self._store,
            self._session,
            subject=self._subject,
            form=self._form,
            record_id=self._record_id,
            parent=self,
        )
        dialog.panel.changed.connect(self._queries_changed)
        dialog.finished.connect(dialog.deleteLater)
        self.queries_dialog = dialog
        dialog.open()

    def _queries_changed(self) -> None:
        self.reload()
        self.changed.emit()
