"""AdminData: a User with a first and a last name for every name the file refers to, the
sites, and the signature meanings."""

from __future__ import annotations

import pytest
from odm_factory import NS, Exported

from msct_crf.reporting.odm.admin import LEGAL_REASON, split_name
from msct_crf.workflow.lifecycle import MEANINGS


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Li Wei", ("Wei", "Li")),
        ("Dr Li Wei", ("Wei", "Li")),
        ("Wang Fang", ("Fang", "Wang")),
        ("Demo Administrator", ("Demo", "Administrator")),
        ("Mona Anne Monitor", ("Mona Anne", "Monitor")),
        ("李伟", ("伟", "李")),
        ("Madonna", ("Madonna", "Madonna")),
        ("", ("demo", "demo")),
        ("  Dr.  ", ("demo", "demo")),
    ],
)
def test_split_name(full: str, expected: tuple[str, str]) -> None:
    assert split_name(full, "demo") == expected


def test_users_sites_and_signature_meanings(odm_files: Exported) -> None:
    admin = odm_files.tree().getroot().find("odm:AdminData", NS)
    assert admin is not None
    users = {u.findtext("odm:LoginName", namespaces=NS): u for u in admin.findall("odm:User", NS)}
    assert {"admin", "dr.li", "nurse.wang", "monitor.chen", "demo"} <= set(users)
    for user in users.values():
        assert user.findtext("odm:FirstName", namespaces=NS)
        assert user.findtext("odm:LastName", namespaces=NS)
    pi = users["dr.li"]
    assert pi.get("OID") == "USR.dr_2Eli" and pi.get("UserType") == "Investigator"
    names = [pi.findtext(f"odm:{n}", namespaces=NS) for n in ("FullName", "FirstName", "LastName")]
    assert names == ["Li Wei", "Wei", "Li"]
    assert users["demo"].findtext("odm:FirstName", namespaces=NS) == "demo"  # no account
    sites = {loc.get("OID"): loc.get("LocationType") for loc in admin.findall("odm:Location", NS)}
    assert sites == {"LOC.GZH": "Site", "LOC.NJG": "Site", "LOC.SHA": "Site"}
    definitions = admin.findall("odm:SignatureDef", NS)
    assert [d.findtext("odm:Meaning", namespaces=NS) for d in definitions] == list(MEANINGS)
    assert all(d.findtext("odm:LegalReason", namespaces=NS) == LEGAL_REASON for d in definitions)
