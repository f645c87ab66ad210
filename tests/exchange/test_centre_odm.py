"""The pooled centre's CDISC ODM file validates like a site's: every name its audit
records and signatures refer to is a User, though the sites' accounts stay at the sites."""

from __future__ import annotations

from exchange_factory import new_centre
from lxml import etree

from msct_crf.exchange import centre
from msct_crf.reporting.odm.api import export_odm

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


def test_the_centres_odm_file_validates_and_names_every_user(sites, centre_url, tmp_path):
    target = tmp_path / "centre.xml"
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        export_odm(store, target, user="monitor")  # validated against the XSD before written
    root = etree.parse(str(target)).getroot()
    users = {u.get("OID") for u in root.iter(f"{ODM}User")}
    referred = {r.get("UserOID") for r in root.iter(f"{ODM}UserRef")}
    assert referred and referred <= users
    assert len(list(root.iter(f"{ODM}SubjectData"))) == 9
