"""The Study element is the dictionary: events per visit, forms, groups, items with units,
range checks and code lists, English and Chinese text everywhere."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from odm_factory import NS, Exported

from msct_crf.reporting.odm.metadata import study_element
from msct_crf.reporting.odm.oids import ODM_NS, XML_LANG
from msct_crf.reporting.odm.validation import xsd_errors
from msct_crf.study.dictionary import FORMS, VISITS, find_field

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def mdv(odm_files: Exported) -> etree._Element:
    found = odm_files.tree().getroot().find(".//odm:MetaDataVersion", NS)
    assert found is not None
    return found


def _texts(element: etree._Element, child: str) -> dict[str, str]:
    holder = element.find(f"odm:{child}", NS)
    assert holder is not None, (element.get("OID"), child)
    return {t.get(XML_LANG, ""): t.text or "" for t in holder.findall("odm:TranslatedText", NS)}


def test_a_study_event_per_scheduled_visit(mdv: etree._Element) -> None:
    events = {e.get("OID"): e for e in mdv.findall("odm:StudyEventDef", NS)}
    for visit in VISITS:
        event = events[f"SE.{visit.code}"]
        assert (event.get("Type"), event.get("Repeating")) == ("Scheduled", "No")
        assert [r.get("FormOID") for r in event.findall("odm:FormRef", NS)] == ["FM.VIS"]
        assert _texts(event, "Description") == {"en": visit.label.en, "zh-CN": visit.label.zh}
    assert events["SE.UNSCHED"].get("Repeating") == "Yes"
    protocol = [r.get("StudyEventOID") for r in mdv.findall("odm:Protocol/odm:StudyEventRef", NS)]
    assert protocol == list(events)


def test_repeating_forms_and_the_vital_signs_group(mdv: etree._Element) -> None:
    forms = {f.get("OID"): f for f in mdv.findall("odm:FormDef", NS)}
    repeating = {oid for oid, f in forms.items() if f.get("Repeating") == "Yes"}
    assert repeating == {"FM.MH", "FM.EX", "FM.AE", "FM.CM"}
    groups = [r.get("ItemGroupOID") for r in forms["FM.EX"].findall("odm:ItemGroupRef", NS)]
    assert groups == ["IG.EX", "IG.VS"]
    vs = mdv.find("odm:ItemGroupDef[@OID='IG.VS']", NS)
    assert vs is not None and vs.get("Repeating") == "Yes"


def test_every_field_has_an_item_with_both_languages(mdv: etree._Element) -> None:
    items = {i.get("OID"): i for i in mdv.findall("odm:ItemDef", NS)}
    fields = [f for form in FORMS.values() for f in form.fields]
    assert len(items) == len(fields)
    for f in fields:
        question = _texts(items[f"IT.{f.code}"], "Question")
        assert question == {"en": f.label.en, "zh-CN": f.label.zh}
        assert CJK.search(question["zh-CN"]), f.code
    for item in mdv.iter(f"{{{ODM_NS}}}CodeListItem"):
        decode = _texts(item, "Decode")
        assert set(decode) == {"en", "zh-CN"} and all(decode.values())


def test_units_ranges_and_code_lists(mdv: etree._Element) -> None:
    tbil = mdv.find("odm:ItemDef[@OID='IT.TBIL']", NS)
    assert tbil is not None and tbil.get("DataType") == "float"
    assert tbil.find("odm:MeasurementUnitRef", NS).get("MeasurementUnitOID") == "MU._B5mol_2FL"
    checks = [
        (c.get("SoftHard"), c.get("Comparator"), c.findtext("odm:CheckValue", namespaces=NS))
        for c in tbil.findall("odm:RangeCheck", NS)
    ]
    assert checks == [
        ("Hard", "GE", "0"),
        ("Hard", "LE", "1500"),
        ("Soft", "GE", "2"),
        ("Soft", "LE", "500"),
    ]
    message = _texts(tbil.find("odm:RangeCheck", NS), "ErrorMessage")
    assert message["en"].endswith("allowed range 0-1500 µmol/L") and "总胆红素" in message["zh-CN"]
    cells = mdv.find("odm:ItemDef[@OID='IT.EXCELL']/odm:RangeCheck", NS)
    assert cells is not None and cells.get("Comparator") == "GT"
    sex = mdv.find("odm:ItemDef[@OID='IT.SEX']", NS)
    assert sex.find("odm:CodeListRef", NS).get("CodeListOID") == "CL.SEX"
    codes = mdv.findall("odm:CodeList[@OID='CL.SEX']/odm:CodeListItem", NS)
    assert [c.get("CodedValue") for c in codes] == list(find_field("SEX")[1].codelist.codes)
    unit = mdv.getparent().find(".//odm:MeasurementUnit[@OID='MU._B5mol_2FL']", NS)
    assert unit is not None and unit.get("Name") == "µmol/L"


def test_the_metadata_alone_is_a_valid_file() -> None:
    root = etree.Element(f"{{{ODM_NS}}}ODM", nsmap={None: ODM_NS})
    for key, value in (
        ("FileType", "Snapshot"),
        ("FileOID", "F.1"),
        ("CreationDateTime", "2025-01-01T00:00:00Z"),
        ("ODMVersion", "1.3.2"),
    ):
        root.set(key, value)
    study_element(root)
    assert xsd_errors(etree.ElementTree(root)) == []
