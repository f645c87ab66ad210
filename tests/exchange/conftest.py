"""Fixtures of the exchange tests.

``centre_url`` is the coordinating centre's database URL. Today it is an SQLite file; the
PostgreSQL test cluster (branch i13-postgres) is to parametrize it with a
``postgresql+psycopg`` URL, so every test that takes it runs on both.
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


@pytest.fixture
def centre_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "centre.db")


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
