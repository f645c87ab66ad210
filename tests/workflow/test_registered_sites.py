"""Data entry takes SITEID from the study's site registry (the ``site`` table), not from a
code list in the code: a registered site enrols (its subject IDs numbered per site, never
reused), a code the registry lacks is refused naming the field and the registered sites."""

from __future__ import annotations

from exchange_factory import enrolment
from sqlalchemy import select

from msct_crf.storage import site_registry, study_identity
from msct_crf.storage.db.models import SiteSequence
from msct_crf.workflow import records, sites
from msct_crf.workflow.records import SaveOutcome


def _enrol(store, site: str, initials: str = "AB") -> records.SaveResult:
    return records.save_form(
        store, user="nurse", form="ENROL", values=enrolment(site, initials), confirm_warnings=True
    )


def test_a_new_file_has_the_three_sites_migration_0004_seeded(store):
    registered = sites.study_sites(store)
    assert registered.codes == ("GZH", "NJG", "SHA")
    assert registered.label("NJG", "zh") == "南京鼓楼医院"


def test_a_registered_site_enrols_and_its_numbers_are_never_reused(store):
    with store.session() as session:
        assert site_registry.register_site(
            session, "BJ01", "Beijing Friendship Hospital", "北京友谊医院", user="admin"
        )
    first, second = _enrol(store, "BJ01", "AA"), _enrol(store, "BJ01", "BB")
    assert (first.subject, second.subject) == ("BJ01-001", "BJ01-002")
    assert _enrol(store, "GZH").subject == "GZH-001"  # numbered per site
    refused = _enrol(store, "BJ01", "")  # initials are required: nothing saved
    assert not refused.saved
    assert _enrol(store, "BJ01", "CC").subject == "BJ01-003"
    with store.reading() as session:
        numbers = dict(session.execute(select(SiteSequence.siteid, SiteSequence.last_number)).all())
    assert numbers == {"BJ01": 3, "GZH": 1}


def test_a_code_the_registry_lacks_is_refused_naming_the_registered_sites(store):
    result = _enrol(store, "WUH")
    assert result.outcome is SaveOutcome.INVALID and result.subject is None
    messages = [f.message for f in result.findings if f.field == "SITEID"]
    assert messages and all("WUH" not in m.split("got")[0] for m in messages), messages
    assert any("GZH" in m and "NJG" in m and "SHA" in m for m in messages), messages
    with store.session() as session:
        site_registry.register_site(session, "WUH", "Wuhan Union Hospital", user="admin")
    assert _enrol(store, "WUH").subject == "WUH-001"


def test_registering_is_audited_and_a_rename_changes_only_the_name(store):
    with store.session() as session:
        assert site_registry.register_site(session, "CD02", "Chengdu West", user="admin")
        assert not site_registry.register_site(session, "CD02", "Chengdu West", user="admin")
        assert site_registry.register_site(session, "CD02", "Chengdu West China", "华西", user="a")
    registered = sites.study_sites(store)
    assert registered.codes == ("CD02", "GZH", "NJG", "SHA")
    assert registered.label("CD02", "zh") == "华西"
    from msct_crf.storage.db.audit_table import AuditEntry

    with store.reading() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.field, AuditEntry.new_value)
            .where(AuditEntry.record_id == "CD02")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(r) for r in rows] == [  # one row per changed field
        ("site", "name", "Chengdu West"),
        ("site", "name", "Chengdu West China"),
        ("site", "name_zh", "华西"),
    ]


def test_the_entry_form_lists_the_registered_sites(store):
    with store.session() as session:
        site_registry.register_site(session, "BJ01", "Beijing", "北京", user="admin")
        study_identity.set_site_code(session, "BJ01")
    form = sites.entry_form(store, "ENROL")
    assert form.field("SITEID").codelist is not None
    assert form.field("SITEID").codelist.codes == ("BJ01", "GZH", "NJG", "SHA")
    assert sites.entry_form(store, "VIS") is sites.entry_form(store, "VIS")


def test_a_draft_without_a_site_names_the_registered_sites(store):
    with store.session() as session:
        site_registry.register_site(session, "BJ01", "Beijing", "北京", user="admin")
    values = {k: v for k, v in enrolment("BJ01", "AB").items() if k != "SITEID"}
    result = records.save_form(store, user="nurse", form="ENROL", values=values, complete=False)
    assert not result.saved
    (finding,) = [f for f in result.findings if f.field == "SITEID"]
    assert "choose one of BJ01, GZH, NJG, SHA" in finding.message
