"""The centre's bulk path: with COPY forced for every table (PostgreSQL; SQLite keeps its
INSERTs), the import holds the same rows, verify passes, the ids drawn for COPY leave the
tables' sequences where later INSERTs continue, and a refused package writes nothing."""

from __future__ import annotations

from exchange_factory import new_centre, package
from sqlalchemy import select

from msct_crf.exchange import bulk, centre
from msct_crf.exchange.centre_verify import verify_centre
from msct_crf.storage.db.models import ExchangeRecord, Subject, Visit
from msct_crf.storage.store import Store

from .test_centre import _counts, _refused, _site_counts, _subjids
from .test_returns import _as


def _visits(store: Store) -> list[tuple[str, str, float | None]]:
    with store.reading() as session:
        return sorted((v.subject.subjid, v.visit, v.tbil) for v in session.scalars(select(Visit)))


def test_copy_for_every_table_gives_the_same_centre(sites, centre_url, tmp_path, monkeypatch):
    from exchange_factory import NURSE_PW, add_subject

    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    with new_centre(centre_url) as store:
        centre.import_files(store, sites.all_packages())
        counts = _counts(store)
        expected = _site_counts(sites)
        assert {k: counts[k] for k in expected} == expected
        assert len(_subjids(store)) == 9
        assert all(c.ok for c in verify_centre(store)), [
            c.detail for c in verify_centre(store) if not c.ok
        ]
        copied = _visits(store)
    # the same packages through plain INSERTs: the same visits
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 10**9)
    with new_centre(f"sqlite:///{tmp_path / 'plain.db'}") as plain:
        centre.import_files(plain, sites.all_packages())
        assert _visits(plain) == copied
    # a later package through INSERT continues after the ids COPY drew
    site = sites.files["SHA"]
    _as(site, "nurse1", NURSE_PW, lambda s, a: add_subject(s, a, "SHA", "NW", "25"))
    out = tmp_path / "sha3"
    out.mkdir()
    third = package(site, out)
    with centre.open_centre(centre_url) as store:
        (line,) = centre.import_files(store, [third])
        assert "imported" in line
        with store.reading() as session:
            ids = list(session.scalars(select(Subject.id)))
            assert len(ids) == len(set(ids)) == 10
            mapped = session.scalars(select(ExchangeRecord.local_id)).all()
            assert mapped


def test_a_row_copy_refuses_rolls_the_whole_import_back(sites, pg_url, monkeypatch):
    """A key COPY breaks (ids drawn that are taken already) is one line, nothing written,
    and the same package imports cleanly afterwards."""
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    first, second = sites.packages["GZH"]
    with new_centre(pg_url) as store:
        centre.import_files(store, [first])
        drawn = bulk.next_ids
        monkeypatch.setattr(bulk, "next_ids", lambda conn, t, n: list(range(1, n + 1)))
        _refused(store, second, "import it again")
        monkeypatch.setattr(bulk, "next_ids", drawn)
        (line,) = centre.import_files(store, [second])
        assert "imported (site GZH, package 2" in line
        assert all(c.ok for c in verify_centre(store))
