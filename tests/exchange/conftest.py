"""Fixtures of the exchange tests.

``centre_url`` is the coordinating centre's database URL: every test that takes it runs on
an SQLite file and on PostgreSQL (the test cluster's ``pg_url``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from exchange_factory import SiteFiles, SteppingClock, build_sites, copy_sites, fast_hashing

from msct_crf import access
from msct_crf.clock import use_clock
from msct_crf.storage.db.engine import sqlite_url

#: After every time build_sites stamps, so a test's audit times never go backwards.
AFTER_BUILD = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def centre_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The centre on an SQLite file, and on a fresh database of the test PostgreSQL cluster
    (``pg_url`` of tests/conftest.py: skipped with the reason where PostgreSQL is missing,
    failing in CI)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "centre.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="module")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteFiles]:
    built = build_sites(tmp_path_factory.mktemp("sites"))
    access.set_hasher_factory(PasswordHasher)
    yield built


@pytest.fixture
def sites(built_sites: SiteFiles, tmp_path: Path) -> Iterator[SiteFiles]:
    """The three site files and their packages, copied for this test, under a stepping clock."""
    fast_hashing()
    with use_clock(SteppingClock(AFTER_BUILD)):
        yield copy_sites(built_sites, tmp_path / "sites")
    access.set_hasher_factory(PasswordHasher)
