"""The app's view of the centre's queries: a monitor's account at the centre raises a centre
query (never a site query: the centre writes no clinical data), and the list says where the
query is, from "not sent" to "answered in the site's package N"."""

from __future__ import annotations

import pytest
from exchange_factory import NURSE_PW, PI_PW, centre_passphrase, new_centre, package
from sqlalchemy import func, select

from msct_crf import access
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.exchange import centre, centre_queries, returns
from msct_crf.exchange.centre_queries import State
from msct_crf.storage.db.models import AuditEntry, CentreQuery, Query
from msct_crf.storage.store import Store
from msct_crf.workflow import queries

from .test_returns import _as, _pooled_visit

MON_PW, ADMIN_PW = "monitor-pass-1", "centre-admin-1"


def _centre_accounts(store: Store) -> None:
    access.create_admin(store, "cadmin", "Centre Admin", ADMIN_PW)
    admin = access.login(store, "cadmin", ADMIN_PW)
    access.add_user(
        store, admin, username="mon.chen", full_name="Chen Mon", role="monitor", password=MON_PW
    )
    access.logout(store, admin)


def test_a_monitor_raises_a_centre_query_and_follows_it_to_the_answer(sites, centre_url, tmp_path):
    out = tmp_path / "returns"
    out.mkdir()
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        assert centre_queries.is_centre_store(store)
        _centre_accounts(store)
        visit = _pooled_visit(store, "NJG-002")
        monitor = access.login(store, "mon.chen", MON_PW)
        raised = centre_queries.raise_query(
            store,
            monitor,
            subject="NJG-002",
            form="VIS",
            record_id=visit,
            field="TBIL",
            text="Please check TBIL.",
        )
        assert (raised.site, raised.state, raised.record_id) == ("NJG", State.NOT_SENT, visit)
        assert raised.raised_by == "mon.chen"
        with store.reading() as session:
            assert session.scalar(select(func.count()).select_from(Query)) == 0  # no site query
            row = session.scalars(
                select(AuditEntry).where(AuditEntry.table_name == "centre_query")
            ).first()
            assert row is not None and (row.user, row.action) == ("mon.chen", "query_open")
        # the site-query path stays refused at the centre
        with pytest.raises(UserError, match="coordinating centre"):
            queries.raise_query(
                store, monitor, subject="NJG-002", form="VIS", record_id=visit, field="TBIL",
                text="x",
            )  # fmt: skip
        path = returns.write_return(
            store, "NJG", out, user="mon.chen", passphrase=centre_passphrase
        )
        assert path is not None
        (sent,) = centre_queries.list_queries(store, form="VIS", record_id=visit)
        assert (sent.state, sent.return_number) == (State.SENT, 1)
        assert centre_queries.list_queries(store, subject="GZH-001") == []
        access.logout(store, monitor)
    site = sites.files["NJG"]
    _as(site, "liwei", PI_PW, lambda s, a: returns.import_return(s, a, path.read_bytes(), "r"))
    with Store.open_read_only(site) as store, store.reading() as session:
        query_id = session.scalars(select(Query.id)).one()

    def answer(store, actor):
        result = queries.answer_query(store, actor, query_id, "Checked: 30 is right.")
        assert result.answered, result.message

    _as(site, "nurse1", NURSE_PW, answer)
    out3 = tmp_path / "njg3"
    out3.mkdir()
    third = package(site, out3)
    with centre.open_centre(centre_url) as store:
        centre.import_files(store, [third])
        (answered,) = centre_queries.list_queries(store, subject="NJG-002")
        assert (answered.state, answered.package_number) == (State.ANSWERED, 3)
        assert (answered.answer, answered.answered_by) == ("Checked: 30 is right.", "nurse1")
        assert centre_queries.list_queries(store, open_only=True) == [answered]


def test_only_an_account_that_may_raise_queries_raises_one(sites, centre_url):
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        _centre_accounts(store)
        visit = _pooled_visit(store, "NJG-002")
        admin = access.login(store, "cadmin", ADMIN_PW)
        for who in (None, admin):
            with pytest.raises(PermissionDenied):
                centre_queries.raise_query(
                    store, who, subject="NJG-002", form="VIS", record_id=visit, field=None,
                    text="Why?",
                )  # fmt: skip
        with store.reading() as session:
            assert session.scalar(select(func.count()).select_from(CentreQuery)) == 0
    with Store.open_path(sites.files["NJG"], create=False) as site:
        assert not centre_queries.is_centre_store(site)
