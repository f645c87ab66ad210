"""One record of one form: fields from the dictionary, live validation, save with audit.

The page composes the form's body (`FormBody`: the fields, laid out from the dictionary),
its lifecycle bar, the score panel of a visit, and a save button whose press goes through
`SaveController` to the core in one call (the infusion and its vital signs commit together
or not at all). Hard errors keep the save button disabled; soft warnings are confirmed at
save; a complete form needs a reason to change. Nothing here computes a score or checks a
range itself: the core answers, this page shows the answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from msct_crf.access import Permission
from msct_crf.errors import DatabaseError
from msct_crf.storage.store import Store
from msct_crf.study.derive import derive
from msct_crf.study.dictionary import CHOLESTATIC_DIAGNOSES
from msct_crf.study.sites import uses_sites
from msct_crf.study.units import UnitSystem
from msct_crf.study.validation import Finding, SubjectContext, validate
from msct_crf.workflow import records, sites
from msct_crf.workflow.records import Record, SaveResult
from ui.common import prompts
from ui.common.session import UserSession, role_name
from ui.review.lifecycle_bar import LifecycleBar, status_name
from ui.review.queries_panel import mark_queried_fields

from . import save_controller
from .field_editor import ERROR_COLOUR, WARNING_COLOUR, FieldEditor
from .form_body import FormBody
from .save_controller import EmptyVisitChoice, SaveController, mostly_empty, outcome_text
from .score_panel import ScorePanel
from .vital_signs_grid import VitalSignsGrid

#: At most this much of the window is kept for the form beside the score panel.
FORM_MIN_WIDTH_CAP = 720


class FormPage(QWidget):
    """Editor for one record of one form.

    Signals:
        saved(str, int): subject ID and record id after a successful save.
        dirtyChanged(bool): the page gained or lost unsaved changes.
        lifecycleChanged(str, int): verified, signed, locked, unlocked or a query answered.
    """

    saved = Signal(str, int)
    dirtyChanged = Signal(bool)
    lifecycleChanged = Signal(str, int)

    def __init__(
        self, store: Store, user: str | UserSession, form_code: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._session = UserSession.coerce(user)
        self._form = sites.entry_form(store, form_code)  # the site field: registered sites
        self._sites = next((f.codelist for f in self._form.fields if uses_sites(f)), None)
        self._language = "en"
        self._units = UnitSystem.SI
        self._subjid: str | None = None
        self._record: Record | None = None
        self._parent_id: int | None = None
        self._context = SubjectContext()
        self._facts: dict[str, Any] = {}
        self._snapshot: dict[str, tuple[str, str, str | None]] = {}
        self._dirty = False
        self._findings: list[Finding] = []
        self._unplaced: list[Finding] = []
        self._editable = True
        self._saver = SaveController(store, self._session, self._form, self)
        self.score_panel: ScorePanel | None = ScorePanel(self) if form_code == "VIS" else None
        self._body = FormBody(self._form, self)
        self._body.edited.connect(self._edited)
        self._editors: dict[str, FieldEditor] = self._body.editors
        self._displays: dict[str, FieldEditor] = self._body.displays
        self.vital_signs: VitalSignsGrid | None = self._body.vital_signs
        self._build()
        self.load_record(None, None)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        """Header (title, record, units), lifecycle bar, the body with the score panel
        beside it, and the footer (status line, save button)."""
        self._title = QLabel(self)
        title_font = QFont(self._title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        self._title.setFont(title_font)
        self._record_info = QLabel(self)
        self._record_info.setObjectName("recordInfo")
        self._units_toggle = QCheckBox(self)
        self._units_toggle.setObjectName("unitsToggle")
        self._units_toggle.setVisible(any(f.conventional for f in self._form.fields))
        self._units_toggle.toggled.connect(self._units_toggled)
        header = QHBoxLayout()
        header.addWidget(self._title)
        header.addWidget(self._record_info, 1)
        header.addWidget(self._units_toggle)
        self.lifecycle = LifecycleBar(self._store, self._session, self)
        self.lifecycle.changed.connect(self._lifecycle_changed)
        self.dirtyChanged.connect(self.lifecycle.set_dirty)

        scroll = QScrollArea(self)
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._body)
        # the body's width, so the score panel beside it gives way before the form scrolls
        # sideways (a few pixels at 1280x800 once the change from baseline shows)
        scroll.setMinimumWidth(
            min(
                FORM_MIN_WIDTH_CAP,
                self._body.minimumSizeHint().width()
                + scroll.verticalScrollBar().sizeHint().width()
                + 2 * scroll.frameWidth(),
            )
        )
        middle = QHBoxLayout()
        middle.addWidget(scroll, 1)
        if self.score_panel is not None:
            middle.addWidget(self.score_panel)

        self._status = QLabel(self)
        self._status.setObjectName("formStatus")
        self._status.setWordWrap(True)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._save_button = QPushButton(self)
        self._save_button.setObjectName("saveButton")
        self._save_button.setAutoDefault(False)
        self._save_button.setDefault(False)
        self._save_button.clicked.connect(self.save)
        footer = QHBoxLayout()
        footer.addWidget(self._status, 1)
        footer.addWidget(self._save_button)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.lifecycle)
        layout.addLayout(middle, 1)
        layout.addLayout(footer)
        self._chain_tab_order()
        self._retranslate()

    def _retranslate(self) -> None:
        """The page's own texts in the interface language (field labels: set_language)."""
        self._units_toggle.setText(self.tr("Conventional units (mg/dL, g/dL)"))
        self._save_button.setText(self.tr("Save"))
        self._save_button.setToolTip(self.tr("Save this form (Ctrl+S)"))
        self._retitle()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_save_button"):
            self._retranslate()
            if hasattr(self, "_snapshot"):
                self._record_info.setText(self._describe_record())
                self._revalidate()
            saved = getattr(self, "_saved_result", None)
            if saved is not None and self._status.property("saved"):
                self._status.setText(outcome_text(saved))
        super().changeEvent(event)

    def _chain_tab_order(self) -> None:
        """Tab runs through the fields, the vital-signs cells, Save, then the units toggle.

        The chain is of the field editors, not their inputs: Qt moves a compound widget with
        all its children, whereas moving the inputs alone left the editors' labels and
        buttons behind, so Tab from the last field went back into the form (Save, the
        tabs and Today's work were never reached)."""
        chain: list[QWidget] = list(self._editors.values())
        if self.vital_signs is not None:
            chain += self.vital_signs.cells()
        chain.append(self._save_button)
        if self._units_toggle.isVisible():
            chain.append(self._units_toggle)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _retitle(self) -> None:
        self._title.setText(self._form.label.get(self._language))

    # ------------------------------------------------------------------ public

    @property
    def form_code(self) -> str:
        return self._form.code

    def subject(self) -> str | None:
        return self._subjid

    def record_id(self) -> int | None:
        return self._record.id if self._record else None

    def record_version(self) -> int | None:
        """The shown record's version as loaded (what a save or deletion is based on)."""
        return self._record.version if self._record else None

    def focus_first_field(self) -> bool:
        """Put the cursor in the first field that takes input (False: none does, e.g. a
        signed record), so what the nurse types right after New lands in the form."""
        for editor in self._editors.values():
            widget = editor.focus_widget()
            if widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def editor(self, code: str) -> FieldEditor:
        return self._editors.get(code) or self._displays[code]

    def load_record(
        self, subjid: str | None, record_id: int | None, parent_id: int | None = None
    ) -> None:
        """Show a saved record, or a blank new one (record_id None). A non-repeating form
        (enrolment, disposition) opens the subject's existing record when there is one."""
        record: Record | None = None
        try:
            if record_id is not None:
                record = records.get_record(self._store, self._form.code, record_id)
            elif subjid and not self._form.repeating:
                found = records.list_records(self._store, self._form.code, subjid)
                record = found[0] if found else None
            if subjid and self._form.code != "ENROL":
                self._context, self._facts = records.context_for(
                    self._store,
                    subjid,
                    self._form.code,
                    record.id if record else None,
                    parent_id if parent_id is not None else (record.parent_id if record else None),
                )
            elif subjid:
                self._context, self._facts = records.context_for(self._store, subjid)
                self._facts = {}
            else:
                self._context, self._facts = SubjectContext(), {}
        except DatabaseError as exc:
            self._set_status(self.tr("Cannot read the database: {error}").format(error=exc), True)
            return
        self._subjid = subjid if subjid else (record.subject if record else None)
        self._record = record
        self._parent_id = (
            parent_id if parent_id is not None else (record.parent_id if record else None)
        )
        for code, editor in self._editors.items():
            value = record.values.get(code) if record else None
            editor.set_value(value, record.missing.get(code) if record else None)
            editor.set_finding(None)
        if record is None:
            self._apply_defaults()
        for code, display in self._displays.items():
            display.set_value(record.values.get(code) if record else None)
        if self.vital_signs is not None:
            children: list[Record] = []
            if record is not None and self._subjid:
                children = records.list_records(self._store, "VS", self._subjid, record.id)
            self.vital_signs.load(children)
        if self.score_panel is not None:
            self._load_score_context()
        self._snapshot = self._state()
        self._editable = self._can_edit()
        for editor in self._editors.values():
            editor.set_editable(self._editable)
        if self.vital_signs is not None:
            self.vital_signs.set_editable(self._editable)
        self._record_info.setText(self._describe_record())
        self.lifecycle.set_record(self._subjid, self._form.code, self.record_id())
        mark_queried_fields(self, self.lifecycle.queries_by_field())
        self._set_status("")
        self._revalidate()
        self._set_dirty(False)
        if self._session.read_only:
            self._set_status(self.tr("Read only: this file was opened read-only."))
        elif self._session.at_centre:
            self._set_status(self._role_refusal())
        elif self._role_refusal():
            self._set_status(
                self.tr("Read only: {user} ({role}) may not enter or change study data.").format(
                    user=self._session.user_name, role=role_name(self._session.role or "")
                )
            )

    def prefill(self, values: dict[str, str]) -> None:
        """Fill in a new record's fields as if typed, keeping them as its starting state."""
        for code, text in values.items():
            self._editors[code].set_raw(text)
        self._snapshot = self._state()
        self._revalidate()
        self._set_dirty(False)

    def is_dirty(self) -> bool:
        return self._dirty

    def maybe_leave(self) -> bool:
        """True when it is fine to leave: nothing unsaved, saved now, or discarded."""
        if not self._dirty:
            return True
        choice = prompts.ask_unsaved(self)
        if choice is prompts.LeaveChoice.SAVE:
            return self.save()
        if choice is prompts.LeaveChoice.DISCARD:
            self.load_record(self._subjid, self.record_id(), self._parent_id)
            return True
        return False

    def set_units(self, units: UnitSystem) -> None:
        """Show lab values in SI or conventional units (typed values are kept as typed)."""
        self._units = units
        self._units_toggle.blockSignals(True)
        self._units_toggle.setChecked(units is UnitSystem.CONVENTIONAL)
        self._units_toggle.blockSignals(False)
        for editor in self._editors.values():
            editor.set_units(units)
        self._revalidate()

    def units(self) -> UnitSystem:
        return self._units

    def set_language(self, language: str) -> None:
        """Field labels, code-list labels and messages in English or Chinese."""
        self._language = language
        for editor in (*self._editors.values(), *self._displays.values()):
            editor.set_language(language)
        if self.vital_signs is not None:
            self.vital_signs.set_language(language)
        if self.score_panel is not None:
            self.score_panel.set_language(language)
        self._retitle()
        self._revalidate()

    def findings(self) -> list[Finding]:
        """The live findings of what is on the page now."""
        return list(self._findings)

    def status_text(self) -> str:
        return self._status.text()

    # ------------------------------------------------------------------ saving

    def save(self) -> bool:
        """Validate and save; asks to confirm warnings and for a reason when needed."""
        if not self._editable:
            refusal = self._role_refusal()
            self._set_status(refusal or self.tr("This form cannot be edited here."), True)
            return False
        if self._form.code != "ENROL" and not self._subjid:
            self._set_status(self.tr("Choose a subject first."), True)
            return False
        self._revalidate()
        if self._error_count():
            self._set_status(
                self.tr("Not saved: correct the {n} error(s) marked in red.").format(
                    n=self._error_count()
                ),
                True,
            )
            self._focus_first_error()
            return False
        request = self._saver.request(self._editors, self._record, self._subjid, self._parent_id)
        if self._form.code == "VIS" and mostly_empty(request):
            choice = save_controller.ask_save_draft(self)
            if choice is EmptyVisitChoice.CANCEL:
                self._set_status(self.tr("Not saved."), True)
                return False
            request = replace(request, complete=choice is EmptyVisitChoice.COMPLETE)
        rows = self.vital_signs.rows_to_save() if self.vital_signs is not None else None
        attempt = self._saver.save(
            request,
            rows,
            form_label=self._form.label.get(self._language),
            warning_lines=self._warning_lines,
        )
        result = attempt.result
        if attempt.declined:
            self._set_status(attempt.declined, True)
            return False
        if not result.saved or result.record_id is None or result.subject is None:
            self._show_save_findings(result, attempt.timepoint)
            return False
        self.load_record(result.subject, result.record_id, self._parent_id)
        self._set_status(outcome_text(result), False)
        self._status.setProperty("saved", True)
        self._saved_result = result  # its line is worded again after a language switch
        self.saved.emit(result.subject, result.record_id)
        return True

    # ------------------------------------------------------------------ validation

    def _edited(self) -> None:
        if self._status.property("saved"):  # "Saved." described the record before this edit
            self._set_status("")
        self._revalidate()
        self._set_dirty(self._state() != self._snapshot)

    def _parsed(self) -> tuple[dict[str, Any], dict[str, Finding], dict[str, str]]:
        values: dict[str, Any] = {}
        parse_findings: dict[str, Finding] = {}
        for code, editor in self._editors.items():
            parsed = editor.parsed()
            values[code] = parsed.value
            if parsed.finding is not None:
                parse_findings[code] = parsed.finding
        missing = {code: m for code, e in self._editors.items() if (m := e.missing())}
        return values, parse_findings, missing

    def _revalidate(self) -> None:
        values, parse_findings, missing = self._parsed()
        derived = derive(self._form.code, values, self._facts)
        values.update(derived)
        for code, display in self._displays.items():
            if code in derived:
                display.set_value(derived[code])
        findings = list(parse_findings.values())
        findings += validate(
            self._form.code,
            values,
            missing,
            context=self._context,
            complete=False,
            units=self._units,
            reported=parse_findings.keys(),
            sites=self._sites,
        )
        self._findings = findings
        self._show_findings(findings, parse_findings)
        if self.score_panel is not None:  # scores only from values that pass the hard checks
            refused = {f.field for f in findings if f.is_error}
            self.score_panel.update_values(
                {code: None if code in refused else v for code, v in values.items()}
            )
        errors = self._error_count()
        self._show_summary(errors)
        self._save_button.setEnabled(self._editable and errors == 0)
        self._save_button.setToolTip(
            self.tr("Save this form (Ctrl+S)")
            if errors == 0
            else self.tr("Correct the errors marked in red first")
        )

    def _show_findings(
        self, findings: list[Finding], first: dict[str, Finding] | None = None
    ) -> None:
        first = first or {}
        for code, editor in (*self._editors.items(), *self._displays.items()):
            mine = [f for f in findings if f.field == code]
            worst = first.get(code) or next((f for f in mine if f.is_error), None)
            editor.set_finding(worst or (mine[0] if mine else None))
        self._unplaced = [
            f for f in findings if f.field not in self._editors and f.field not in self._displays
        ]

    def _show_summary(self, errors: int) -> None:
        """A one-line count of what stands between the page and a save."""
        warnings = sum(1 for f in self._findings if not f.is_error)
        if self.vital_signs is not None:
            warnings += sum(
                1 for items in self.vital_signs.findings().values() for f in items if not f.is_error
            )
        extra = [self._text(f) for f in self._unplaced]
        if errors:
            line = self.tr("{n} error(s) to correct before saving.").format(n=errors)
            self._set_status("\n".join([line, *extra]), True)
        elif warnings and not self._editable:  # signed, locked or another role: no save
            line = self.tr("{n} unusual value(s), marked in amber.").format(n=warnings)
            self._set_status("\n".join([line, *extra]))
            self._status.setStyleSheet(f"color: {WARNING_COLOUR};")
        elif warnings:
            line = self.tr("{n} unusual value(s): you will be asked to confirm at save.").format(
                n=warnings
            )
            self._set_status("\n".join([line, *extra]))
            self._status.setStyleSheet(f"color: {WARNING_COLOUR};")
        elif self._status.property("live"):
            self._set_status("")
        self._status.setProperty("live", bool(errors or warnings))

    def _show_save_findings(self, result: SaveResult, where: str) -> None:
        if where and self.vital_signs is not None:
            lines = [f"{where}: {self._text(f)}" for f in result.findings]
            self._set_status("\n".join([result.message, *lines]), True)
            return
        if result.findings:
            self._show_findings(list(result.findings))
        placed = {*self._editors, *self._displays}
        extra = [self._text(f) for f in result.findings if f.field not in placed]
        self._set_status("\n".join([result.message or self.tr("Not saved."), *extra]), True)
        self._focus_first_error(result.findings)

    def _warning_lines(self, result: SaveResult, where: str) -> list[str]:
        lines: list[str] = []
        for f in result.warnings:
            lines.append(f"{where}: {self._text(f)}" if where else self._text(f))
        for f in self._findings:
            if not f.is_error and self._text(f) not in lines:
                lines.append(self._text(f))
        if self.vital_signs is not None:
            for tpt, items in self.vital_signs.findings().items():
                for f in items:
                    line = f"{tpt}: {self._text(f)}"
                    if not f.is_error and line not in lines:
                        lines.append(line)
        return lines

    def _error_count(self) -> int:
        count = sum(1 for f in self._findings if f.is_error)
        if self.vital_signs is not None:
            count += self.vital_signs.error_count()
        return count

    def _focus_first_error(self, findings: tuple[Finding, ...] | None = None) -> None:
        pool = findings if findings is not None else tuple(self._findings)
        for f in pool:
            if f.is_error and f.field in self._editors:
                self._editors[f.field].focus_widget().setFocus()
                return

    def _text(self, finding: Finding) -> str:
        return finding.message_zh if self._language.startswith("zh") else finding.message

    # ------------------------------------------------------------------ state

    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = {code: e.state() for code, e in self._editors.items()}
        if self.vital_signs is not None:
            state["__vs__"] = self.vital_signs.is_dirty()
        return state

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def _set_status(self, text: str, error: bool = False) -> None:
        self._status.setProperty("saved", False)
        self._status.setText(text)
        self._status.setStyleSheet(f"color: {ERROR_COLOUR};" if error and text else "")

    def _units_toggled(self, checked: bool) -> None:
        self.set_units(UnitSystem.CONVENTIONAL if checked else UnitSystem.SI)

    def _can_edit(self) -> bool:
        if self._form.code != "ENROL" and not self._subjid:
            return False
        if self._role_refusal():
            return False
        return self._record is None or self._record.status not in records.FROZEN_STATUSES

    def _role_refusal(self) -> str:
        """Why the logged-in role may not enter data ("" when it may)."""
        if self._session.can(Permission.ENTER_DATA):
            return ""
        if self._session.at_centre:
            return self.tr(
                "Read only: the coordinating centre's database holds the sites' data; only "
                "the site changes it (raise a query)."
            )
        return self.tr("Not saved: {user} ({role}) may not enter or change study data.").format(
            user=self._session.user_name, role=role_name(self._session.role or "")
        )

    def _lifecycle_changed(self) -> None:
        """A lifecycle step or a query answer changed the record: show it as stored now."""
        record_id = self.record_id()
        if record_id is None:
            return
        self.load_record(self._subjid, record_id, self._parent_id)
        if self._subjid:
            self.lifecycleChanged.emit(self._subjid, record_id)

    def _apply_defaults(self) -> None:
        if self._form.code == "EX" and "EXROUTE" in self._editors:
            self._editors["EXROUTE"].set_value("PIV")

    def _load_score_context(self) -> None:
        assert self.score_panel is not None
        subject = records.get_subject(self._store, self._subjid) if self._subjid else None
        sex = subject.values.get("SEX") if subject else None
        self.score_panel.set_subject(
            female=None if sex is None else sex == "F",
            cholestatic=subject is not None
            and subject.values.get("DXCAT") in CHOLESTATIC_DIAGNOSES,
        )
        baseline = None
        if self._subjid:
            for visit in records.list_records(self._store, "VIS", self._subjid):
                own = self._record is not None and visit.id == self._record.id
                if visit.values.get("VISIT") == "BASELINE" and not own:
                    baseline = visit.values
                    break
        self.score_panel.set_baseline(baseline)

    def _describe_record(self) -> str:
        record = self._record
        if record is None:
            if self._form.code == "ENROL":
                return self.tr("New subject (the ID is assigned when saved)")
            if not self._subjid:
                return self.tr("No subject chosen")
            return self.tr("New record for {subject}").format(subject=self._subjid)
        return self.tr("{subject} · {status} · last saved {when} by {user}").format(
            subject=record.subject,
            status=status_name(record.status),
            when=record.updated_at[:16].replace("T", " "),
            user=record.updated_by,
        )
