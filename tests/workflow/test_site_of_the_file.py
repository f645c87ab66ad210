"""A site's study file enrols only its own site's subjects (issue 13: subject IDs carry the
file's code); a file without a site (the demo, older files of several sites) is unchanged."""

from __future__ import annotations

import pytest
from exchange_factory import enrolment

from msct_crf.errors import UserError
from msct_crf.storage import study_identity
from msct_crf.workflow import records
from msct_crf.workflow.records import SaveOutcome


def test_a_site_file_refuses_a_subject_of_another_site(store):
    with store.session() as session:
        study_identity.set_site_code(session, "NJG")
    other = records.save_form(
        store, user="nurse", form="ENROL", values=enrolment("GZH", "AB"), confirm_warnings=True
    )
    assert other.outcome is SaveOutcome.REFUSED
    assert "belongs to site NJG, not GZH" in other.message
    own = records.save_form(
        store, user="nurse", form="ENROL", values=enrolment("NJG", "AB"), confirm_warnings=True
    )
    assert own.saved and own.subject == "NJG-001"


def test_a_file_without_a_site_takes_any(store):
    for number, site in enumerate(("GZH", "SHA")):
        saved = records.save_form(
            store,
            user="nurse",
            form="ENROL",
            values=enrolment(site, f"A{number}"),
            confirm_warnings=True,
        )
        assert saved.saved and saved.subject == f"{site}-001"


def test_the_centre_takes_no_clinical_data(store):
    with store.session() as session:
        study_identity.write_setting(
            session, study_identity.ROLE_KEY, study_identity.CENTRE, user="system"
        )
    with pytest.raises(UserError, match="the sites enter and review their own data"):
        records.save_form(
            store, user="mon", form="ENROL", values=enrolment("GZH", "AB"), confirm_warnings=True
        )
