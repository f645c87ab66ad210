"""Queries back to the sites: the centre raises a query on a pooled record, the site imports
the return package (once, however often it is given), answers with a correction, and the
answer and the corrected value reach the centre in the site's next package."""

from __future__ import annotations

import pytest
from exchange_factory import NURSE_PW, PI_PW, centre_passphrase, new_centre, package
from sqlalchemy import select

from msct_crf import access
from msct_crf.errors import PermissionDenied
from msct_crf.exchange import centre, returns
from msct_crf.exchange.centre_verify import verify_centre
from msct_crf.exchange.package_format import PackageRefused
from msct_crf.storage.db.models import AuditEntry, CentreQuery, Query, Subject, Visit
from msct_crf.storage.store import Store
from msct_crf.workflow import queries


def _pooled_visit(store: Store, subjid: str) -> int:
    with store.reading() as session:
        return int(
            session.scalars(
                select(Visit.id)
                .join(Subject, Subject.id == Visit.subject_id)
                .where(Subject.subjid == subjid)
            ).one()
        )


def _as(path, username: str, password: str, work):
    with Store.open_path(path, create=False) as store:
        actor = access.login(store, username, password)
        try:
            return work(store, actor)
        finally:
            access.logout(store, actor)


def test_a_centre_query_goes_to_the_site_and_its_answer_comes_back(sites, centre_url, tmp_path):
    out = tmp_path / "returns"
    out.mkdir()
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        visit = _pooled_visit(store, "NJG-002")
        number = returns.raise_centre_query(
            store,
            form="VIS",
            record_id=visit,
            field="TBIL",
            text="Please check TBIL.",
            user="mon.chen",
        )
        path = returns.write_return(
            store, "NJG", out, user="mon.chen", passphrase=centre_passphrase
        )
        assert path is not None and path.name == "NJG-R0001.msctret"
        assert (
            returns.write_return(store, "NJG", out, user="mon.chen", passphrase=centre_passphrase)
            is None
        )  # nothing new
    site = sites.files["NJG"]

    def take(store, actor):
        return [returns.import_return(store, actor, path.read_bytes(), path.name) for _ in "12"]

    first, second = _as(site, "liwei", PI_PW, take)
    assert (first.raised, first.already, second.already) == (1, False, True)
    with Store.open_read_only(site) as store, store.reading() as session:
        (query,) = session.scalars(select(Query))
        assert query.text == f"[centre query C{number}, mon.chen] Please check TBIL."
        query_id = query.id

    def answer(store, actor):
        result = queries.answer_query(
            store,
            actor,
            query_id,
            "Typed wrong; corrected from the lab printout.",
            correction={"TBIL": "34"},
            confirm_warnings=True,
        )
        assert result.answered, result.message
        return result

    _as(site, "nurse1", NURSE_PW, answer)
    out3 = tmp_path / "njg3"
    out3.mkdir()
    third = package(site, out3)
    with centre.open_centre(centre_url) as store:
        centre.import_files(store, [third])
        with store.reading() as session:
            asked = session.get(CentreQuery, number)
            assert asked is not None
            assert (asked.status, asked.answer, asked.site_query_id) == (
                "answered",
                "Typed wrong; corrected from the lab printout.",
                query_id,
            )
            assert session.get(Visit, visit).tbil == 34.0  # the site's correction, pooled
            actions = set(session.scalars(select(AuditEntry.action)))
            assert {"query_open", "return_package", "package_import"} <= actions
        assert all(c.ok for c in verify_centre(store)), [
            c.detail for c in verify_centre(store) if not c.ok
        ]


def test_a_return_package_for_another_site_or_altered_is_refused(sites, centre_url, tmp_path):
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        returns.raise_centre_query(
            store,
            form="VIS",
            record_id=_pooled_visit(store, "GZH-001"),
            field=None,
            text="Visit date?",
            user="mon.chen",
        )
        path = returns.write_return(
            store, "GZH", tmp_path, user="mon.chen", passphrase=centre_passphrase
        )
        assert path is not None
    data = path.read_bytes()

    def take(data_):
        return lambda store, actor: returns.import_return(store, actor, data_, path.name)

    with pytest.raises(PackageRefused, match="for site GZH"):
        _as(sites.files["SHA"], "liwei", PI_PW, take(data))
    altered = bytearray(data)
    altered[len(data) // 2] ^= 1
    with pytest.raises(PackageRefused):
        _as(sites.files["GZH"], "liwei", PI_PW, take(bytes(altered)))
    with pytest.raises(PermissionDenied):
        _as(sites.files["GZH"], "nurse1", NURSE_PW, take(data))  # a nurse may not raise queries
