"""The save pipeline: one SaveRequest, an outcome for every way a save can end, the form
checks found live exactly as the save finds them, and an infusion saved with its vital
signs in one transaction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from msct_crf.storage import audit
from msct_crf.storage.db.models import FORM_MODELS, AuditEntry
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.validation import Finding, parse_value, validate
from msct_crf.workflow import records
from msct_crf.workflow.records import (
    SaveOutcome,
    SaveRequest,
    VitalSignsRow,
    save,
    save_form,
    save_infusion_with_vital_signs,
)

USER = "nurse.li"
ENROL = {
    "SITEID": "GZH",
    "INITIALS": "WXM",
    "SEX": "F",
    "BRTHDTC": "1968-03-15",
    "HEIGHT": "160",
    "WEIGHT": "55",
    "RFICDTC": "2023-01-02",
    "ENRLDTC": "2023-01-03",
    "DXCAT": "PBC",
}
INFUSION = {
    "EXSTDTC": "2023-01-10 09:00",
    "EXENDTC": "2023-01-10 09:45",
    "EXSRC": "UC-MSC",
    "EXLOT": "UC2301",
    "EXWT": "55",
    "EXCELL": "55",
    "EXPLAN": "1.0",
}
VISIT = {"VISIT": "BASELINE", "VISDTC": "2023-01-08"}
PRE = {"VSTPT": "PRE", "TEMP": "36.6", "PULSE": "72", "SYSBP": "120", "DIABP": "80"}


@pytest.fixture
def checked_store(store: Store) -> Iterator[Store]:
    """The shared store, whose audit chain must verify when the test ends."""
    yield store
    with store.reading() as session:
        result = audit.verify(session)
    assert result.ok, result.reason


def counts(store: Store) -> tuple[int, ...]:
    with store.reading() as session:
        rows = tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in FORM_MODELS.values()
        )
        return (*rows, session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def enrol(store: Store) -> str:
    result = save_form(store, user=USER, form="ENROL", values=ENROL)
    assert result.saved and result.subject, result.findings
    return result.subject


def infuse(store: Store, subject: str) -> int:
    result = save_form(store, user=USER, form="EX", subject=subject, values=INFUSION)
    assert result.saved and result.record_id is not None, result.findings
    return result.record_id


def parsed(form_code: str, raw: Mapping[str, object]) -> dict[str, Any]:
    form = get_form(form_code)
    return {code: parse_value(form.field(code), value).value for code, value in raw.items()}


# --------------------------------------------------------------------------- outcomes


def test_a_save_says_what_came_of_it(checked_store: Store) -> None:
    store = checked_store
    first = save(store, SaveRequest(form="ENROL", values=ENROL, user=USER))
    assert first.outcome is SaveOutcome.SAVED and first.saved and first.message == "Saved"
    subject = first.subject
    assert subject == "GZH-001"
    same = save(store, SaveRequest(form="ENROL", values=ENROL, user=USER, subject=subject))
    assert same.outcome is SaveOutcome.UNCHANGED and same.saved
    changed = SaveRequest(form="ENROL", values={"WEIGHT": "56"}, user=USER, subject=subject)
    needs_reason = save(store, changed)
    assert needs_reason.outcome is SaveOutcome.NEEDS_REASON and needs_reason.needs_reason
    assert not needs_reason.saved and not needs_reason.needs_confirmation
    assert save(store, replace(changed, reason="weighed again")).outcome is SaveOutcome.SAVED
    hard = save(store, SaveRequest(form="ENROL", values={**ENROL, "HEIGHT": "20"}, user=USER))
    assert hard.outcome is SaveOutcome.INVALID and not hard.saved and hard.errors
    soft = SaveRequest(form="ENROL", values={**ENROL, "WEIGHT": "160"}, user=USER)
    unconfirmed = save(store, soft)
    assert unconfirmed.outcome is SaveOutcome.NEEDS_CONFIRMATION
    assert unconfirmed.needs_confirmation and unconfirmed.warnings and not unconfirmed.saved
    assert save(store, replace(soft, confirm_warnings=True)).outcome is SaveOutcome.SAVED
    nobody = save(store, SaveRequest(form="EX", values=INFUSION, user=USER, subject="GZH-999"))
    assert nobody.outcome is SaveOutcome.REFUSED and "does not exist" in nobody.message
    infusion = infuse(store, subject)
    deleted = records.delete_record(
        store, user=USER, form="EX", record_id=infusion, reason="entered twice"
    )
    assert deleted.outcome is SaveOutcome.DELETED and deleted.saved


def test_the_keyword_calls_build_the_same_request(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    by_keywords = save_form(store, user=USER, form="VIS", subject=subject, values=VISIT)
    again = save(store, SaveRequest(form="VIS", values=VISIT, user=USER, subject=subject))
    assert by_keywords.outcome is SaveOutcome.SAVED
    assert again.outcome is SaveOutcome.INVALID  # the same request, now a duplicate visit
    with store.session() as session:
        inside = records.run_save(
            session,
            SaveRequest(
                form="VIS",
                values={"VISIT": "M1", "VISDTC": "2023-02-08"},
                user=USER,
                subject=subject,
            ),
        )
    assert inside.saved and records.get_record(store, "VIS", inside.record_id or 0)


# --------------------------------------------------------------------------- live = save


def live_finding(
    store: Store,
    form_code: str,
    values: Mapping[str, Any],
    field: str,
    context_args: tuple[Any, ...] = (),
) -> Finding:
    """The finding the open form shows while typing (a draft, with the page's context)."""
    context, _facts = records.context_for(store, *context_args)
    found = [
        f for f in validate(form_code, values, context=context, complete=False) if f.field == field
    ]
    assert len(found) == 1, found
    return found[0]


def saved_finding(result: records.SaveResult, field: str) -> Finding:
    assert result.outcome is SaveOutcome.INVALID, result
    found = [f for f in result.errors if f.field == field]
    assert len(found) == 1, result.findings
    return found[0]


def test_moving_consent_past_the_first_visit_shows_live_as_at_save(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    assert save_form(store, user=USER, form="VIS", subject=subject, values=VISIT).saved
    moved = {"RFICDTC": "2023-01-09", "ENRLDTC": "2023-01-09"}
    stored = records.get_subject(store, subject)
    assert stored is not None
    on_the_page = {**stored.values, **parsed("ENROL", moved)}
    live = live_finding(store, "ENROL", on_the_page, "RFICDTC", (subject,))
    at_save = save_form(
        store, user=USER, form="ENROL", subject=subject, values=moved, reason="date corrected"
    )
    assert live == saved_finding(at_save, "RFICDTC")
    assert live.rule == "VISIT_NOT_BEFORE_CONSENT" and "2023-01-08" in live.message


def test_enrolment_after_the_disposition_shows_live_as_at_save(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    done = {"DSDECOD": "WITHDREW", "DSSTDTC": "2023-03-01"}
    assert save_form(store, user=USER, form="DS", subject=subject, values=done).saved
    late = {"ENRLDTC": "2023-04-01"}
    stored = records.get_subject(store, subject)
    assert stored is not None
    live = live_finding(
        store, "ENROL", {**stored.values, **parsed("ENROL", late)}, "ENRLDTC", (subject,)
    )
    at_save = save_form(
        store, user=USER, form="ENROL", subject=subject, values=late, reason="date corrected"
    )
    assert live == saved_finding(at_save, "ENRLDTC")
    assert live.rule == "DS_NOT_BEFORE_ENROL"


def test_a_new_subject_without_a_site_shows_live_as_at_save(checked_store: Store) -> None:
    store = checked_store
    draft = {"INITIALS": "AB"}
    live = live_finding(store, "ENROL", parsed("ENROL", draft), "SITEID", (None,))
    at_save = save_form(store, user=USER, form="ENROL", values=draft, complete=False)
    assert live == saved_finding(at_save, "SITEID")
    assert records.list_subjects(store) == []


def test_a_visit_entered_twice_shows_live_as_at_save(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    first = save_form(store, user=USER, form="VIS", subject=subject, values=VISIT)
    assert first.saved
    again = {"VISIT": "BASELINE", "VISDTC": "2023-01-09"}
    live = live_finding(store, "VIS", parsed("VIS", again), "VISIT", (subject, "VIS", None))
    at_save = save_form(store, user=USER, form="VIS", subject=subject, values=again)
    assert live == saved_finding(at_save, "VISIT")
    assert live.rule == "duplicate_visit"
    # the visit itself, opened again, is no duplicate of itself
    context, _facts = records.context_for(store, subject, "VIS", first.record_id)
    own = validate("VIS", parsed("VIS", VISIT), context=context, complete=False)
    assert "duplicate_visit" not in {f.rule for f in own}


def test_a_timepoint_entered_twice_shows_live_as_at_save(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    infusion = infuse(store, subject)
    first = save_form(store, user=USER, form="VS", subject=subject, parent_id=infusion, values=PRE)
    assert first.saved
    live = live_finding(store, "VS", parsed("VS", PRE), "VSTPT", (subject, "VS", None, infusion))
    at_save = save_form(
        store, user=USER, form="VS", subject=subject, parent_id=infusion, values=PRE
    )
    assert live == saved_finding(at_save, "VSTPT")
    assert live.rule == "duplicate_timepoint"
    context, _facts = records.context_for(store, subject, "VS", first.record_id, infusion)
    assert context.taken_timepoints == frozenset()


# --------------------------------------------------------------------------- infusion + VS


def infusion_request(subject: str, **changes: Any) -> SaveRequest:
    return SaveRequest(form="EX", values=INFUSION, user=USER, subject=subject, **changes)


def test_an_infusion_and_its_vital_signs_are_saved_together(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    rows = [
        VitalSignsRow("PRE", PRE),
        VitalSignsRow("END", {**PRE, "VSTPT": "END"}, {"RESP": "ND"}),
    ]
    both = save_infusion_with_vital_signs(store, infusion_request(subject), rows)
    assert both.result.outcome is SaveOutcome.SAVED and both.timepoint == ""
    infusion = both.result.record_id
    saved = records.list_records(store, "VS", subject, parent_id=infusion)
    assert [r.values["VSTPT"] for r in saved] == ["PRE", "END"]
    assert saved[1].missing == {"RESP": "ND"}
    edit = [VitalSignsRow("PRE", {**PRE, "PULSE": "75"}, record_id=saved[0].id)]
    request = infusion_request(subject, record_id=infusion)
    asked = save_infusion_with_vital_signs(store, request, edit)
    assert asked.result.outcome is SaveOutcome.NEEDS_REASON  # the saved row is complete
    assert asked.timepoint == "PRE"
    fixed = save_infusion_with_vital_signs(store, replace(request, reason="re-read"), edit)
    assert fixed.result.outcome is SaveOutcome.UNCHANGED  # the infusion's own result
    pulse = records.get_record(store, "VS", saved[0].id)
    assert pulse is not None and pulse.values["PULSE"] == 75


def test_a_refused_vital_signs_row_writes_nothing_and_names_its_timepoint(
    checked_store: Store,
) -> None:
    store = checked_store
    subject = enrol(store)
    before = counts(store)
    rows = [
        VitalSignsRow("PRE", PRE),
        VitalSignsRow("END", {**PRE, "VSTPT": "END", "SYSBP": "80", "DIABP": "90"}),
    ]
    refused = save_infusion_with_vital_signs(store, infusion_request(subject), rows)
    assert refused.result.outcome is SaveOutcome.INVALID and refused.timepoint == "END"
    assert refused.result.errors[0].rule == "SYS_GT_DIA"
    assert counts(store) == before  # neither the infusion nor the PRE row


def test_a_refused_infusion_saves_none_of_its_vital_signs(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    before = counts(store)
    request = replace(infusion_request(subject), values={**INFUSION, "EXWT": "5000"})
    refused = save_infusion_with_vital_signs(store, request, [VitalSignsRow("PRE", PRE)])
    assert refused.result.outcome is SaveOutcome.INVALID and refused.timepoint == ""
    assert counts(store) == before


def test_confirming_warnings_covers_the_vital_signs_rows(checked_store: Store) -> None:
    store = checked_store
    subject = enrol(store)
    rows = [VitalSignsRow("END", {**PRE, "VSTPT": "END", "TEMP": "39.2"})]
    asked = save_infusion_with_vital_signs(store, infusion_request(subject), rows)
    assert asked.result.outcome is SaveOutcome.NEEDS_CONFIRMATION and asked.timepoint == "END"
    assert counts(store)[list(FORM_MODELS).index("EX")] == 0
    confirmed = save_infusion_with_vital_signs(
        store, infusion_request(subject, confirm_warnings=True), rows
    )
    assert confirmed.result.saved
    with store.reading() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.table_name).where(AuditEntry.action == "confirm_warning")
            )
        )
    assert get_form("VS").table in actions
