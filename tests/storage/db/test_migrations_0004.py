"""Migration 0004 (identity: site registry, packages, the centre's tables) upgrades a 0003
file in place: nothing lost, the sites of the dictionary registered, a file whose subjects
are all of one site given that site (audited, so verify's replay agrees), one with several
given none; and it goes down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from exchange_factory import SteppingClock, enrolment

from msct_crf.clock import use_clock
from msct_crf.storage import study_identity
from msct_crf.storage.db import migrate
from msct_crf.storage.db.engine import make_engine, sqlite_url
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.workflow import records

NEW_TABLES = {
    "site",
    "sent_package",
    "imported_package",
    "site_audit_log",
    "exchange_record",
    "centre_query",
    "return_package",
}


def _downgrade(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    try:
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
        assert migrate.current_revision(engine) == revision
    finally:
        engine.dispose()


def _make_0003(path: Path, sites: tuple[str, ...]) -> None:
    with Store.open_path(path) as store:
        for number, site in enumerate(sites):
            saved = records.save_form(
                store,
                user="nurse",
                form="ENROL",
                values=enrolment(site, f"A{chr(65 + number)}"),
                confirm_warnings=True,
            )
            assert saved.saved, saved.message
        with store.reading() as session:
            assert study_identity.site_code(session) is None  # subjects came after 0004
    _downgrade(path, "0003")


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }


def test_a_single_site_file_gets_its_site_and_the_registry(tmp_path):
    path = tmp_path / "one.db"
    with use_clock(SteppingClock()):
        _make_0003(path, ("NJG", "NJG"))
        assert not NEW_TABLES & _tables(path)
        with Store.open_path(path) as store:
            assert migrate.current_revision(store.engine) == migrate.head_revision()
            with store.reading() as session:
                assert study_identity.site_code(session) == "NJG"
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT count(*) FROM subject").fetchone() == (2,)
            assert [r[0] for r in connection.execute("SELECT code FROM site ORDER BY code")] == [
                "GZH",
                "NJG",
                "SHA",
            ]
            (row,) = connection.execute(
                "SELECT user, action, field, new_value FROM audit_log WHERE field = 'site_code'"
            ).fetchall()
            assert row == ("msct-crf", "setting", "site_code", "NJG")
        failed = [c.detail for c in verify_database(path) if not c.ok]
        assert failed == [], failed


def test_a_file_of_several_sites_gets_none(tmp_path):
    path = tmp_path / "two.db"
    with use_clock(SteppingClock()):
        _make_0003(path, ("GZH", "SHA"))
        with Store.open_path(path) as store, store.reading() as session:
            assert study_identity.site_code(session) is None
        assert [c.detail for c in verify_database(path) if not c.ok] == []


def test_down_and_up_again(tmp_path):
    path = tmp_path / "again.db"
    with use_clock(SteppingClock()):
        _make_0003(path, ("GZH",))
        Store.open_path(path).close()
        assert _tables(path) >= NEW_TABLES
        _downgrade(path, "0003")
        assert not NEW_TABLES & _tables(path)
        with Store.open_path(path) as store, store.reading() as session:
            assert study_identity.site_code(session) == "GZH"  # the setting stayed, once
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT count(*) FROM audit_log WHERE field = 'site_code'")
            assert rows.fetchone() == (1,)
