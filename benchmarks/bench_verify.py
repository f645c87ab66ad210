"""`msct-crf verify` with reconciliation vs a floor of reading the file once.

The app: `msct_crf.storage.integrity.verify_database` (integrity_check, foreign_key_check,
schema, the audit chain's SHA-256 hashes, the append-only triggers, the order of audit times,
and the replay of the audit trail compared with every covered table). The floor, measured in
the same run and interleaved with it: raw sqlite3 `PRAGMA integrity_check` +
`PRAGMA foreign_key_check` + reading every row of every table (audit_log and the data). Prints
the medians, their ratio, where verify's time goes, and the peak memory (RSS) of a process
that runs only verify next to one that only imports it. No assertions.

    uv run python benchmarks/bench_verify.py [--subjects 10000] [--db FILE] [--repeat 3]

With --db and an existing FILE that study is used (made by `msct-crf scale` or anything
else); otherwise a scale study of --subjects is created (at FILE, or in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from msct_crf.storage import reconcile
from msct_crf.storage.integrity import chain_pass, verify_database
from msct_crf.tools.scale import create_scale_study

_CHILD = """
import json, resource, sys, time
from msct_crf.storage.integrity import verify_database
started = time.perf_counter()
if sys.argv[2] == "verify":
    failed = [c for c in verify_database(sys.argv[1]) if not c.ok]
else:
    failed = []
print(json.dumps({"seconds": time.perf_counter() - started, "failed": len(failed),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def floor(path: Path) -> tuple[float, dict[str, float], int]:
    """integrity_check + foreign_key_check + every row of every table, raw sqlite3."""
    parts: dict[str, float] = {}
    started = time.perf_counter()
    connection = _read_only(path)
    try:
        connection.execute("PRAGMA integrity_check").fetchall()
        parts["integrity_check"] = time.perf_counter() - started
        mark = time.perf_counter()
        connection.execute("PRAGMA foreign_key_check").fetchall()
        parts["foreign_key_check"] = time.perf_counter() - mark
        mark = time.perf_counter()
        rows = 0
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            while batch := cursor.fetchmany(5000):
                rows += len(batch)
        parts["read every row"] = time.perf_counter() - mark
    finally:
        connection.close()
    return time.perf_counter() - started, parts, rows


def app(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    checks = verify_database(path)
    return time.perf_counter() - started, len([c for c in checks if not c.ok])


def breakdown(path: Path) -> dict[str, float]:
    """verify's own parts, each timed alone (integrity_check and foreign keys: see the floor)."""
    parts: dict[str, float] = {}
    connection = _read_only(path)
    try:
        started = time.perf_counter()
        chain_pass(connection)
        parts["audit chain (SHA-256 of every row) and time order"] = time.perf_counter() - started
        started = time.perf_counter()
        result = reconcile.reconcile(connection)
        parts[f"reconcile ({result.records} records)"] = time.perf_counter() - started
    finally:
        connection.close()
    return parts


def child(path: Path, what: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), what],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--db", help="an existing study to verify, or where to create one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "scale.db"
        if not path.exists():
            print(create_scale_study(path, subjects=args.subjects))
        size = path.stat().st_size / 1e6
        floors, apps = [], []
        floor_parts: dict[str, float] = {}
        rows = failed = 0
        for _ in range(args.repeat):
            seconds, floor_parts, rows = floor(path)
            floors.append(seconds)
            seconds, failed = app(path)
            apps.append(seconds)
        floor_s, app_s = statistics.median(floors), statistics.median(apps)
        print(f"study: {path.name}, {size:.0f} MB, {rows} rows; verify found {failed} problem(s)")
        print(
            f"floor: {floor_s:.2f} s  ("
            + ", ".join(f"{k} {v:.2f} s" for k, v in floor_parts.items())
            + ")"
        )
        print(f"verify: {app_s:.2f} s  (median of {args.repeat}, interleaved with the floor)")
        print(f"ratio: {app_s / floor_s:.2f}x  (goal <= 2x)")
        print(
            "where verify's time goes: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in breakdown(path).items())
        )
        verify_child, import_child = child(path, "verify"), child(path, "import")
        print(
            f"peak RSS: {verify_child['rss_mb']:.0f} MB for a process running verify "
            f"({verify_child['seconds']:.2f} s), {import_child['rss_mb']:.0f} MB for one "
            "that only imports it"
        )


if __name__ == "__main__":
    main()
