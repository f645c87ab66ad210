"""The site field takes the study's registered sites (msct_crf.study.sites): the dictionary
defines SITEID once; which codes it takes is configuration the caller passes in."""

from __future__ import annotations

from msct_crf.study.dictionary import ENROLMENT, VISIT_FORM
from msct_crf.study.dictionary.codelists import SITES
from msct_crf.study.parsing import parse_value
from msct_crf.study.sites import SITE_LIST, form_with_sites, site_list, uses_sites, with_sites

REGISTRY = site_list([("WUH", "Wuhan Union Hospital", "武汉协和医院"), ("BJ01", "Beijing 1", None)])


def test_the_list_is_by_code_and_a_missing_chinese_name_shows_the_english_one():
    assert REGISTRY.name == SITE_LIST == SITES.name
    assert REGISTRY.codes == ("BJ01", "WUH")
    assert REGISTRY.label("BJ01", "zh") == "Beijing 1"
    assert REGISTRY.label("WUH", "zh") == "武汉协和医院"
    assert REGISTRY.label("WUH") == "Wuhan Union Hospital"


def test_siteid_takes_the_registered_sites_and_refuses_others_naming_them():
    field = with_sites(ENROLMENT.field("SITEID"), REGISTRY)
    assert parse_value(field, "BJ01").value == "BJ01"
    refused = parse_value(field, "GZH")
    assert refused.value is None and refused.finding is not None
    assert refused.finding.field == "SITEID"
    assert "BJ01" in refused.finding.message and "WUH" in refused.finding.message
    # without a registry at hand (a pure check), the dictionary's seed sites
    assert parse_value(ENROLMENT.field("SITEID"), "GZH").value == "GZH"
    assert parse_value(ENROLMENT.field("SITEID"), "BJ01").finding is not None


def test_only_site_fields_change_and_a_form_without_one_is_the_same_object():
    assert [f.code for f in ENROLMENT.fields if uses_sites(f)] == ["SITEID"]
    assert form_with_sites(VISIT_FORM, REGISTRY) is VISIT_FORM
    assert form_with_sites(ENROLMENT, None) is ENROLMENT
    changed = form_with_sites(ENROLMENT, REGISTRY)
    assert changed.field("SITEID").codelist == REGISTRY
    assert changed.field("SEX") is ENROLMENT.field("SEX")
    assert ENROLMENT.field("SITEID").codelist == SITES  # the dictionary itself is unchanged


def test_sixty_sites_are_a_list_like_three():
    many = site_list((f"S{n:02d}", f"Site {n}", f"中心 {n}") for n in range(60, 0, -1))
    assert len(many.items) == 60 and many.codes[0] == "S01" and many.codes[-1] == "S60"
    field = with_sites(ENROLMENT.field("SITEID"), many)
    assert all(parse_value(field, code).value == code for code in many.codes)
