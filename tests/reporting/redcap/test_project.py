"""The REDCap project's names and design (msct_crf.reporting.redcap.project), from the
study dictionary alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msct_crf.reporting.redcap import project
from msct_crf.study.dictionary import FORMS

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def test_variable_names_are_redcap_names_and_unique() -> None:
    names = [v.name for v in project.all_variables()]
    assert names[0] == project.RECORD_ID == "subjid"
    assert len(names) == len(set(names))
    assert all(NAME.match(n) and len(n) <= 26 for n in names), names
    forms = {project.instrument(code) for code in project.FORM_SEQUENCE}
    assert not {f"{form}_complete" for form in forms} & set(names)
    assert set(project.FORM_SEQUENCE) == set(FORMS)


def test_every_code_list_keeps_distinct_redcap_codes() -> None:
    for form in FORMS.values():
        for f in form.fields:
            if f.codelist is None:
                continue
            codes = [project.redcap_code(f, code) for code in f.codelist.codes]
            assert len(set(codes)) == len(codes), f.code
            assert all(re.fullmatch(r"[A-Za-z0-9_]+", c) for c in codes), codes
    assert project.choice_code("UC-MSC") == "UC_MSC" and project.choice_code("15MIN") == "15MIN"


def test_unique_event_names_are_what_redcap_derives() -> None:
    unique = [e.unique_name for e in project.EVENTS]
    assert len(set(unique)) == len(unique)
    for event in project.EVENTS:
        # REDCap: lowercase, spaces to underscores, other characters dropped, 18 characters
        derived = re.sub(r"[^a-z0-9_]", "", event.name.lower().replace(" ", "_"))
        assert len(derived) <= 18 and event.unique_name == f"{derived}_arm_1"
    assert unique[:3] == ["baseline_arm_1", "infusions_arm_1", "month_1_arm_1"]


def test_every_form_is_designated_and_the_logs_repeat() -> None:
    designated = {row[2] for row in project.mapping_rows()[1:]}
    assert designated == {project.instrument(code) for code in FORMS}
    repeating = {(row[0], row[1]) for row in project.repeating_rows()[1:]}
    for code, form in FORMS.items():
        if code in ("EX", "VS", "AE", "CM", "MH"):
            assert any(form_name == project.instrument(code) for _, form_name in repeating)
        elif not form.repeating:
            assert all(form_name != project.instrument(code) for _, form_name in repeating)
    assert ("unscheduled_arm_1", "visit") in repeating
    assert ("month_6_arm_1", "visit") not in repeating


def test_vital_signs_are_flattened_per_timepoint() -> None:
    names = [v.name for v in project.form_variables(FORMS["VS"])]
    assert len(names) == 7 * 6
    assert names[:2] == ["temp_pre", "pulse_pre"] and names[-1] == "spo2_24h"


@pytest.mark.parametrize(
    ("value", "integer", "text"),
    [
        (1.2000000000000002, False, "1.2"),
        (0.00001, False, "0.00001"),
        (2000.0, False, "2000"),
        (-1.1176, False, "-1.1176"),
        (-0.0, False, "0"),
        (41.0, True, "41"),
        (20.0 / 17.1, False, "1.169590643"),
    ],
)
def test_numbers_are_written_as_redcap_validates_them(
    value: float, integer: bool, text: str
) -> None:
    assert project.number_text(value, integer=integer) == text


def test_form_status_and_missing_codes() -> None:
    assert project.FORM_STATUS == {
        "draft": 0,
        "complete": 1,
        "verified": 2,
        "signed": 2,
        "locked": 2,
    }
    assert project.MISSING_DATA_CODES == "ND, Not done | UNK, Unknown | NA, Not applicable"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_number_text_is_plain_and_keeps_ten_significant_digits(value: float) -> None:
    text = project.number_text(value)
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text
    assert float(text) == pytest.approx(value, rel=1e-9, abs=1e-300)
