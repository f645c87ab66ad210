"""The five form checks that used to run only inside a save are rules now: `validate` gives
them to any caller that passes the subject's context, so the live validation of an open form
(a draft: ``complete=False``) shows them while the person types."""

from __future__ import annotations

from datetime import date

import pytest

from msct_crf.study import rules
from msct_crf.study.dictionary import form
from msct_crf.study.validation import SubjectContext, validate


def rules_on(findings: list, field: str) -> list[str]:
    return [f.rule for f in findings if f.field == field]


def one(findings: list, field: str):
    mine = [f for f in findings if f.field == field]
    assert len(mine) == 1, mine
    assert mine[0].severity == "error"
    return mine[0]


def test_the_form_checks_are_registered_in_the_rules_module() -> None:
    checks = {code: len(found) for code, found in rules.FORM_CHECKS.items()}
    assert checks == {"ENROL": 3, "VIS": 1, "VS": 1}
    for code in rules.FORM_CHECKS:
        assert form(code)  # a real form


# --------------------------------------------------------------------------- enrolment


ENROL = {
    "SITEID": "GZH",
    "RFICDTC": date(2023, 1, 9),
    "ENRLDTC": date(2023, 1, 9),
}


def test_consent_after_the_first_visit_is_found_live() -> None:
    context = SubjectContext(first_visit_date=date(2023, 1, 8))
    finding = one(validate("ENROL", ENROL, context=context, complete=False), "RFICDTC")
    assert finding.rule == "VISIT_NOT_BEFORE_CONSENT"
    assert finding.message == (
        "Informed consent date (RFICDTC) must be on or before the first visit (2023-01-08)"
    )
    assert "2023-01-08" in finding.message_zh
    on_the_day = SubjectContext(first_visit_date=date(2023, 1, 9))
    assert rules_on(validate("ENROL", ENROL, context=on_the_day, complete=False), "RFICDTC") == []
    assert rules_on(validate("ENROL", ENROL, complete=False), "RFICDTC") == []  # no visit yet


def test_enrolment_after_the_disposition_is_found_live() -> None:
    context = SubjectContext(disposition_date=date(2023, 1, 5))
    finding = one(validate("ENROL", ENROL, context=context, complete=False), "ENRLDTC")
    assert finding.rule == "DS_NOT_BEFORE_ENROL"
    assert finding.message.endswith(
        "(ENRLDTC) must be on or before the disposition date (2023-01-05)"
    )
    later = SubjectContext(disposition_date=date(2023, 3, 1))
    assert rules_on(validate("ENROL", ENROL, context=later, complete=False), "ENRLDTC") == []


def test_a_draft_enrolment_without_a_site_is_found_live() -> None:
    finding = one(validate("ENROL", {"INITIALS": "AB"}, complete=False), "SITEID")
    assert finding.rule == "required"
    assert "even for a draft" in finding.message and "GZH, NJG, SHA" in finding.message
    assert rules_on(validate("ENROL", {"SITEID": "GZH"}, complete=False), "SITEID") == []


def test_the_site_check_adds_nothing_where_the_site_already_has_a_finding() -> None:
    complete = validate("ENROL", {"INITIALS": "AB"}, complete=True)
    assert one(complete, "SITEID").message.startswith("Site (SITEID) is required; enter a value")
    # typed but refused at parsing: the parse finding is the one the person sees
    refused = validate("ENROL", {"SITEID": None}, complete=False, reported={"SITEID"})
    assert rules_on(refused, "SITEID") == []
    # a missing-data code does not give a subject a site
    unknown = validate("ENROL", {}, {"SITEID": "UNK"}, complete=False)
    assert "even for a draft" in one(unknown, "SITEID").message


# --------------------------------------------------------------------------- visits


@pytest.mark.parametrize("visit", ["BASELINE", "M6"])
def test_a_scheduled_visit_entered_twice_is_found_live(visit: str) -> None:
    context = SubjectContext(taken_visits=frozenset({"BASELINE", "M6"}))
    finding = one(validate("VIS", {"VISIT": visit}, context=context, complete=False), "VISIT")
    assert finding.rule == "duplicate_visit"
    assert finding.message == (
        f"Visit (VISIT): {visit} is already entered for this subject; open that visit to change it"
    )
    fresh = validate("VIS", {"VISIT": "M12"}, context=context, complete=False)
    assert rules_on(fresh, "VISIT") == []


def test_unscheduled_visits_may_repeat() -> None:
    context = SubjectContext(taken_visits=frozenset({"UNSCHED"}))
    assert rules_on(validate("VIS", {"VISIT": "UNSCHED"}, context=context), "VISIT") == []


# --------------------------------------------------------------------------- vital signs


def test_a_vital_signs_timepoint_entered_twice_is_found_live() -> None:
    context = SubjectContext(taken_timepoints=frozenset({"PRE", "END"}))
    finding = one(validate("VS", {"VSTPT": "END"}, context=context, complete=False), "VSTPT")
    assert finding.rule == "duplicate_timepoint"
    assert "END is already entered for this infusion" in finding.message
    other = validate("VS", {"VSTPT": "2H"}, context=context, complete=False)
    assert rules_on(other, "VSTPT") == []
