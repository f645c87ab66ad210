"""A study of many sites (issue 13): the centre registers 60 sites with ``central add-site``;
three site files with codes outside the first three (BJ01, CD02, WUH) enrol, package and are
imported; the pooled export lists the registered sites (Codebook, Flow, ODM CodeList and
Locations) and verify passes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from exchange_factory import ADMIN_PW, SteppingClock, build_site, fast_hashing, new_centre

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.exchange import centre
from msct_crf.exchange.centre_verify import verify_centre
from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.reporting.odm.api import export_odm
from msct_crf.storage.db.engine import sqlite_url
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main

NEW_SITES = {
    "BJ01": ("Beijing Friendship Hospital", "北京友谊医院"),
    "CD02": ("Chengdu West China Hospital", "华西医院"),
    "WUH": ("Wuhan Union Hospital", "武汉协和医院"),
}
#: 60 codes added at the centre: the three new sites' and 57 more (2 to 6 characters).
OTHER_CODES = [f"S{n:02d}" for n in range(1, 55)] + ["AB", "X1Y2Z3", "HZ9"]
ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory):
    """(centre URL, site files by code, every package) after add-site x 60 and the imports."""
    folder = tmp_path_factory.mktemp("many")
    url = sqlite_url(folder / "centre.db")
    fast_hashing()
    files: dict[str, Path] = {}
    packages: list[Path] = []
    with use_clock(SteppingClock()):
        for n, (code, (name, _zh)) in enumerate(NEW_SITES.items(), start=1):
            files[code], made = build_site(folder, code, n, name=name)
            packages += made
        new_centre(url).close()
        codes = [*NEW_SITES, *OTHER_CODES]
        assert len(codes) == 60 and len(set(codes)) == 60
        for code in codes:
            name, zh = NEW_SITES.get(code, (f"Hospital {code}", f"医院 {code}"))
            args = ["central", "add-site", "--url", url, "--site", code, "--name", name]
            assert main([*args, "--name-zh", zh, "--user", "coordinator"]) == 0
        with centre.open_centre(url) as store:
            lines = centre.import_files(store, packages)
    access.set_hasher_factory(PasswordHasher)
    assert len(lines) == 6, lines
    return url, files, packages


def test_the_centre_holds_sixty_three_sites_and_their_subjects(many, capsys):
    url, _files, _packages = many
    assert main(["central", "status", "--url", url]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines()[1:] if line.strip()]
    assert lines[-1].startswith("centre key: ")  # the key a site pins, printed last
    assert len(lines[:-1]) == 63  # 60 + GZH NJG SHA
    with centre.open_centre(url) as store:
        statuses = {row.code: row.subjects for row in centre.status(store)}
        assert {code: statuses[code] for code in NEW_SITES} == {"BJ01": 2, "CD02": 3, "WUH": 4}
        assert all(c.ok for c in verify_centre(store)), [
            c.detail for c in verify_centre(store) if not c.ok
        ]


def test_the_pooled_export_lists_the_registered_sites(many, tmp_path):
    url, _files, _packages = many
    with use_clock(SteppingClock()), centre.open_centre(url) as store:
        export_workbook(store, tmp_path / "centre.xlsx", ExportOptions(), user="monitor")
    sheets = pd.read_excel(tmp_path / "centre.xlsx", sheet_name=None)
    wide = sheets["Wide"]
    assert sorted(set(wide["SITEID"])) == sorted(n for n, _zh in NEW_SITES.values())  # labels
    assert sorted(wide["SUBJID"]) == sorted(
        [*(f"BJ01-00{i}" for i in (1, 2)), *(f"CD02-00{i}" for i in (1, 2, 3))]
        + [f"WUH-00{i}" for i in (1, 2, 3, 4)]
    )
    codebook = sheets["Codebook"]
    listed = codebook.loc[codebook["Variable"] == "SITEID", "Codes"].astype(str).tolist()
    assert len(listed) == 2  # the Wide and the Enrolment sheet's SITEID
    for codes in listed:
        assert codes.count(" = ") == 63 and "X1Y2Z3 = Hospital X1Y2Z3" in codes
        assert "BJ01 = Beijing Friendship Hospital" in codes and "GZH = Guangzhou" in codes
    flow = sheets["Flow"]
    per_site = flow.loc[flow["Group"] == "Site"].set_index("Category")["n"]
    assert len(per_site) == 63 and per_site.sum() == 9
    assert per_site["Wuhan Union Hospital"] == 4 and per_site["Hospital S01"] == 0


def test_a_site_files_odm_file_lists_its_registered_sites(many, tmp_path):
    _url, files, _packages = many
    target = tmp_path / "wuh.xml"
    with Store.open_path(files["WUH"], create=False) as store, use_clock(SteppingClock()):
        admin = access.login(store, "admin", ADMIN_PW)
        try:
            export_odm(store, target, user="", actor=admin)
        finally:
            access.logout(store, admin)
    root = ET.parse(target).getroot()
    (site_list,) = [cl for cl in root.iter(f"{ODM}CodeList") if cl.get("Name") == "SITE"]
    codes = [item.get("CodedValue") for item in site_list.iter(f"{ODM}CodeListItem")]
    assert codes == ["GZH", "NJG", "SHA", "WUH"]
    locations = {loc.get("Name") for loc in root.iter(f"{ODM}Location")}
    assert "Wuhan Union Hospital" in locations and len(locations) == 4
    values = {
        i.get("Value") for i in root.iter(f"{ODM}ItemData") if i.get("ItemOID") == "IT.SITEID"
    }
    assert values == {"WUH"}


def test_a_site_file_knows_its_own_site(many):
    _url, files, _packages = many
    with Store.open_path(files["WUH"], create=False) as store, use_clock(SteppingClock()):
        from msct_crf.workflow.sites import study_sites

        registered = study_sites(store)
        assert registered.codes == ("GZH", "NJG", "SHA", "WUH")
        assert registered.label("WUH", "zh") == "Wuhan Union Hospital"  # no Chinese name given
