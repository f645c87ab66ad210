"""The ODM file validates against the official ODM 1.3.2 XSD, its OID references resolve
(our check and odmlib's), and the checks catch a broken file."""

from __future__ import annotations

import copy
from pathlib import Path

import odmlib
import odmlib.loader as odm_loader_facade
import odmlib.odm_loader as odm_loader
import pytest
from lxml import etree
from odm_factory import NS, Exported
from odmlib.oid_generator import create_oid_checker

from msct_crf.reporting.odm import odm_errors, schema_path
from msct_crf.reporting.odm.validation import (
    consumer_errors,
    reference_errors,
    value_errors,
    xsd_errors,
)


def _official_schema() -> etree.XMLSchema:
    """The XSD as odmlib ships it, found from the installed package, not from our code."""
    path = Path(odmlib.__file__).parent / "schemas" / "odm" / "1.3.2" / "ODM1-3-2.xsd"
    assert path.is_file() and path == schema_path()
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.parametrize("history", [False, True], ids=["snapshot", "transactional"])
def test_the_file_validates_against_the_odm_132_xsd(odm_files: Exported, history: bool) -> None:
    tree = odm_files.tree(history)
    schema = _official_schema()
    assert schema.validate(tree), schema.error_log
    root = tree.getroot()
    assert root.get("ODMVersion") == "1.3.2"
    assert root.get("FileType") == ("Transactional" if history else "Snapshot")
    assert root.get("CreationDateTime", "").endswith("Z")


@pytest.mark.parametrize("history", [False, True], ids=["snapshot", "transactional"])
def test_every_check_passes(odm_files: Exported, history: bool) -> None:
    assert odm_errors(odm_files.history if history else odm_files.snapshot) == []


@pytest.mark.parametrize("history", [False, True], ids=["snapshot", "transactional"])
def test_odmlib_finds_every_oid_reference(odm_files: Exported, history: bool) -> None:
    loader = odm_loader_facade.ODMLoader(odm_loader.XMLODMLoader(model_package="odm_1_3_2"))
    loader.open_odm_document(str(odm_files.history if history else odm_files.snapshot))
    odm = loader.root()
    checker = create_oid_checker("odm_1_3_2")
    assert odm.verify_oids(checker) is True
    unused = odm.unreferenced_oids(checker)
    # only accounts that never entered data and meanings nobody chose are never referenced
    assert all(oid.startswith(("USR.", "SD.")) for oid in unused), unused


def test_the_snapshot_holds_the_demo(odm_files: Exported) -> None:
    root = odm_files.tree().getroot()
    subjects = root.findall(".//odm:SubjectData", NS)
    assert len(subjects) == 26 == odm_files.reports[0].subjects
    assert all(s.find("odm:SiteRef", NS) is not None for s in subjects)
    assert len(root.findall(".//odm:Signature", NS)) > 100
    assert len(root.findall(".//odm:ItemData", NS)) == odm_files.reports[0].item_data > 8000
    head = odm_files.reports[0].head_hash
    assert root.get("Description", "").endswith(f"audit chain head {head}")


def _broken(odm_files: Exported, xpath: str, change: str) -> etree._ElementTree:
    tree = copy.deepcopy(odm_files.tree())
    element = tree.getroot().find(xpath, NS)
    assert element is not None
    key, _, value = change.partition("=")
    if value == "<drop>":
        element.getparent().remove(element)
    else:
        element.set(key, value)
    return tree


def test_the_checks_catch_a_broken_file(odm_files: Exported) -> None:
    wrong_oid = _broken(odm_files, ".//odm:ItemData", "ItemOID=IT.NOSUCH")
    assert any("names no ItemDef" in e for e in reference_errors(wrong_oid))
    wrong_place = _broken(odm_files, ".//odm:ItemGroupData/odm:ItemData", "ItemOID=IT.TBIL")
    assert any("is not part of ItemGroupDef IG.ENROL" in e for e in reference_errors(wrong_place))
    not_a_code = _broken(odm_files, ".//odm:ItemData[@ItemOID='IT.SEX']", "Value=X")
    assert any("not in its code list" in e for e in value_errors(not_a_code))
    not_a_number = _broken(odm_files, ".//odm:ItemData[@ItemOID='IT.HEIGHT']", "Value=1.2.3")
    assert any("not a decimal number" in e for e in value_errors(not_a_number))
    no_site = _broken(odm_files, ".//odm:SiteRef", "x=<drop>")
    assert any("has no SiteRef" in e for e in consumer_errors(no_site))
    no_id = copy.deepcopy(odm_files.tree())
    del no_id.getroot().find(".//odm:Signature", NS).attrib["ID"]
    assert any("Signature without an ID" in e for e in consumer_errors(no_id))
    twice = _broken(odm_files, ".//odm:ItemDef[@OID='IT.AGE']", "OID=IT.SEX")
    assert any("OID 'IT.SEX' is defined twice" in e for e in reference_errors(twice))
    bad_type = _broken(odm_files, ".//odm:ItemDef", "DataType=number")
    assert xsd_errors(bad_type)
    no_audit = copy.deepcopy(odm_files.tree())
    item = no_audit.getroot().find(".//odm:ItemData", NS)
    item.remove(item.find("odm:AuditRecord", NS))
    assert any("has no AuditRecord" in e for e in consumer_errors(no_audit))


def test_a_file_on_disk_is_checked_in_one_streaming_pass(
    odm_files: Exported, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xml"
    text = odm_files.snapshot.read_text(encoding="utf-8")
    broken.write_text(
        text.replace('ItemOID="IT.SEX" Value="F"', 'ItemOID="IT.SEX" Value="W"', 1),
        encoding="utf-8",
    )
    assert [e.split(": ", 1)[1] for e in odm_errors(broken)] == [
        "IT.SEX: 'W' is not in its code list"
    ]
    invalid = tmp_path / "invalid.xml"
    invalid.write_text(text.replace("<SiteRef ", "<SiteReference ", 1), encoding="utf-8")
    problems = odm_errors(invalid)
    assert problems and "SiteReference" in problems[0]
