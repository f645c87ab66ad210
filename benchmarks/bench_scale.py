"""`msct-crf scale` rows per second vs raw sqlite3 executemany of the same rows.

The app: `msct_crf.tools.scale.create_scale_study` (generate, derive the scores, validate,
hash-chain the audit rows, bulk-insert in one transaction). The floor: the very rows it wrote (every
form table, site_sequence and audit_log, read back untimed) inserted with raw sqlite3
executemany into an empty database with the same schema and pragmas (WAL, synchronous=FULL,
foreign_keys=ON), in one transaction. Also times `verify` (integrity_check, foreign keys,
schema, audit chain) against a floor of PRAGMA integrity_check + foreign_key_check + reading
every audit row. Prints both rates and the ratios; no assertions.

    uv run python benchmarks/bench_scale.py [--subjects 10000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from msct_crf.storage.integrity import verify_database
from msct_crf.tools.scale import create_scale_study

TABLES = (
    "subject",
    "medical_history",
    "infusion",
    "vital_sign",
    "visit",
    "adverse_event",
    "conmed",
    "disposition",
    "site_sequence",
    "audit_log",
)


def _raw_connection(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection = sqlite3.connect(path, isolation_level=None, timeout=5)
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app_path, floor_path = Path(folder) / "scale.db", Path(folder) / "floor.db"

        started = time.perf_counter()
        summary = create_scale_study(app_path, subjects=args.subjects)
        app_seconds = time.perf_counter() - started

        source = _raw_connection(app_path, read_only=True)
        # The same schema, empty: the app's own CREATE statements (a store opened on a new
        # file would already hold its study-ID audit row, whose id the copied rows reuse).
        empty = _raw_connection(floor_path)
        for (create,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type = 'trigger', rowid"
        ):
            empty.execute(create)
        empty.close()
        rows: dict[str, tuple[str, list[tuple[object, ...]]]] = {}
        for table in TABLES:
            columns = [r[1] for r in source.execute(f"PRAGMA table_info({table})")]
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            rows[table] = (sql, source.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
        source.close()
        total = sum(len(r) for _, r in rows.values())

        floor = _raw_connection(floor_path)
        started = time.perf_counter()
        floor.execute("BEGIN IMMEDIATE")
        for sql, table_rows in rows.values():
            floor.executemany(sql, table_rows)
        floor.execute("COMMIT")
        floor_seconds = time.perf_counter() - started
        floor.close()
        del rows

        started = time.perf_counter()
        checks = verify_database(app_path)
        verify_seconds = time.perf_counter() - started
        assert all(c.ok for c in checks), checks
        started = time.perf_counter()
        reader = _raw_connection(app_path, read_only=True)
        reader.execute("PRAGMA integrity_check").fetchall()
        reader.execute("PRAGMA foreign_key_check").fetchall()
        audit_rows = sum(1 for _ in reader.execute("SELECT * FROM audit_log ORDER BY id"))
        reader.close()
        verify_floor = time.perf_counter() - started
        size_mb = os.path.getsize(app_path) / 1e6

    print(summary)
    print(
        f"scale, {args.subjects} subjects: {total} rows ({audit_rows} of them audit), "
        f"database {size_mb:.0f} MB"
    )
    print(f"  app   create_scale_study: {app_seconds:.1f} s, {total / app_seconds:,.0f} rows/s")
    print(
        f"  floor raw sqlite3 executemany of the same rows, one transaction: "
        f"{floor_seconds:.1f} s, {total / floor_seconds:,.0f} rows/s"
    )
    print(f"  ratio app/floor (time): {app_seconds / floor_seconds:.1f}x")
    print(
        f"verify: {verify_seconds:.1f} s; floor (integrity_check + foreign_key_check + read "
        f"every audit row): {verify_floor:.1f} s; ratio {verify_seconds / verify_floor:.1f}x"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
