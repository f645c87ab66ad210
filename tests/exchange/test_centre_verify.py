"""`msct-crf verify` and `msct-crf export` on the pooled centre: verify passes and names a
record changed at the centre behind the app's back; the export is the union of the sites'."""

from __future__ import annotations

import pandas as pd
import pytest
from exchange_factory import ADMIN_PW, SITES, new_centre
from sqlalchemy import update

from msct_crf import access
from msct_crf.exchange import centre
from msct_crf.exchange.centre_verify import verify_centre
from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.db.models import Visit
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main


def _failed(store: Store) -> list[str]:
    return [c.detail for c in verify_centre(store) if not c.ok]


def test_verify_passes_on_the_pooled_centre_and_names_an_edited_record(sites, centre_url):
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        checks = verify_centre(store)
        assert all(c.ok for c in checks), [c.detail for c in checks if not c.ok]
        assert [c.detail.split(",")[0] for c in checks if c.name == "site_chain"] == [
            f"ok: site {site}" for site in SITES
        ]
        with store.engine.begin() as conn:  # behind the application's back
            conn.execute(update(Visit).where(Visit.id == 2).values(tbil=99.0))
        (finding,) = _failed(store)
        assert finding.startswith("visit 2 (site ") and "differs from what the site sent" in finding


def test_verify_command_on_the_centre_url(sites, centre_url, capsys):
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
    assert main(["verify", "--db", centre_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and "6 imported packages" in out


def _export(store: Store, path, actor=None) -> dict[str, pd.DataFrame]:
    export_workbook(store, path, ExportOptions(), user="pi", actor=actor)
    return pd.read_excel(path, sheet_name=None)


def _site_export(path, out) -> dict[str, pd.DataFrame]:
    with Store.open_path(path, create=False) as store:
        admin = access.login(store, "admin", ADMIN_PW)
        try:
            return _export(store, out, admin)
        finally:
            access.logout(store, admin)


@pytest.fixture
def exports(sites, centre_url, tmp_path) -> tuple[dict, list[dict]]:
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        pooled = _export(store, tmp_path / "centre.xlsx")
    return pooled, [_site_export(sites.files[s], tmp_path / f"{s}.xlsx") for s in SITES]


def test_the_centre_export_is_the_union_of_the_site_exports(exports):
    pooled, parts = exports
    for sheet in ("Wide", "Enrolment", "Infusions", "Visits"):
        union = pd.concat([p[sheet] for p in parts], ignore_index=True)
        key = next(c for c in union.columns if "SUBJID" in str(c) or "Subject ID" in str(c))
        mine = pooled[sheet].sort_values(key, kind="stable").reset_index(drop=True)
        theirs = union.sort_values(key, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs, obj=sheet)
        assert len(mine) == sum(len(p[sheet]) for p in parts) > 0
    assert pooled["Wide"]["SITEID"].nunique() == len(SITES)  # the Site column, labelled


def test_the_centre_flow_counts_are_the_sums_of_the_sites(exports):
    pooled, parts = exports
    keys = list(pooled["Flow"].columns[:2])
    mine = pooled["Flow"].set_index(keys)["n"]
    theirs = sum(p["Flow"].set_index(keys)["n"] for p in parts)
    pd.testing.assert_series_equal(mine, theirs, check_dtype=False)
    assert int(mine.iloc[0]) == 9  # enrolled: 2 + 3 + 4


def test_the_flow_sheet_counts_each_site(exports):
    pooled, parts = exports
    flow = pooled["Flow"]
    by_site = flow[flow.iloc[:, 0] == "Site"].set_index(flow.columns[1])["n"]
    assert by_site.tolist() == [2, 3, 4]  # GZH, NJG, SHA
    for part, n in zip(parts, (2, 3, 4), strict=True):
        own = part["Flow"][part["Flow"].iloc[:, 0] == "Site"]["n"]
        assert sorted(own.tolist()) == [0, 0, n]
