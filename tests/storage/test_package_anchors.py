"""verify on a site file checks the heads its packages recorded, and their bookings."""

from __future__ import annotations

import sqlite3

from exchange_factory import SteppingClock, build_site, fast_hashing

from msct_crf.clock import use_clock
from msct_crf.storage.integrity import verify_database


def _site(tmp_path):
    fast_hashing()
    with use_clock(SteppingClock()):
        path, _packages = build_site(tmp_path, "GZH", 1)
    return path


def test_a_site_files_packages_are_anchors_verify_checks(tmp_path):
    path = _site(tmp_path)
    checks = verify_database(path)
    assert [c.detail for c in checks if not c.ok] == []
    assert [c.detail for c in checks if c.name == "packages"] == [
        "ok: 2 site packages, their heads in the chain"
    ]
    with sqlite3.connect(path) as connection:  # a head and a booking changed behind the app
        connection.execute("UPDATE sent_package SET chain_head = 'x' || substr(chain_head, 2)")
        connection.execute(
            "UPDATE sent_package SET sha256 = 'x' || substr(sha256, 2) WHERE number = 2"
        )
    connection.close()
    failed = [c.detail for c in verify_database(path) if not c.ok]
    assert sum("the history before it was rewritten" in f for f in failed) == 2
    assert [f for f in failed if "no audit row" in f] == [
        "site package GZH-0002.msctpkg has no audit row of its own"
    ]
