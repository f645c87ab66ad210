"""Saving one visit through the app's write path vs a bare insert + commit of the same row.

The app path is `msct_crf.workflow.records.save_form`: parse, derive the scores, validate, write the
row, write its audit rows (hash chain), commit, in one BEGIN IMMEDIATE transaction. The floor
is raw sqlite3 inserting the very row the app stored (same columns and values) and the very
audit rows the save wrote (hashes precomputed: read back from the app's file) into a copy of
the same database, with the same pragmas (WAL, synchronous=FULL, foreign_keys=ON,
busy_timeout), and committing; a second floor is the bare row insert + commit alone (the
figure of earlier versions). The three are interleaved op by op so all see the same machine
load. Prints the median and 90th-percentile time per save and the ratios; no assertions.

    uv run python benchmarks/bench_save_visit.py [--n 200]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from msct_crf.storage.store import Store
from msct_crf.workflow.records import save_form

LABS = {
    "ALT": "48",
    "AST": "61",
    "ALP": "210",
    "GGT": "150",
    "TBIL": "34.2",
    "DBIL": "18.5",
    "ALB": "31.5",
    "PT": "14.8",
    "PTA": "64",
    "INR": "1.19",
    "CREAT": "71",
    "SODIUM": "137",
    "PLT": "96",
    "HGB": "118",
    "WBC": "4.4",
    "IGG": "18.2",
    "ASCITES": "1",
    "HE": "0",
    "DIALYSIS": "N",
    "VARBLEED": "N",
}


def _setup(path: Path) -> str:
    with Store.open_path(path) as store:
        enrol = save_form(
            store,
            user="bench",
            form="ENROL",
            values={
                "SITEID": "GZH",
                "INITIALS": "LXM",
                "SEX": "F",
                "BRTHDTC": "1968-04-02",
                "RFICDTC": "2020-01-02",
                "ENRLDTC": "2020-01-03",
                "DXCAT": "PBC",
            },
        )
        assert enrol.saved and enrol.subject
        infusion = save_form(
            store,
            user="bench",
            form="EX",
            subject=enrol.subject,
            values={
                "EXSTDTC": "2020-01-10 09:00",
                "EXENDTC": "2020-01-10 09:45",
                "EXSRC": "UC-MSC",
                "EXLOT": "UC2020-01",
                "EXWT": "55",
                "EXCELL": "55",
                "EXPLAN": "1.0",
            },
        )
        assert infusion.saved, infusion.findings
        return enrol.subject


def _raw_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, timeout=5)
    connection.execute("PRAGMA busy_timeout = 5000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="saves to time (default 200)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app_path, floor_path = Path(folder) / "app.db", Path(folder) / "floor.db"
        bare_path = Path(folder) / "bare.db"
        subject = _setup(app_path)
        shutil.copyfile(app_path, floor_path)  # closed, so the WAL is checkpointed
        shutil.copyfile(app_path, bare_path)

        store = Store.open_path(app_path)
        reader = sqlite3.connect(app_path)
        floor = _raw_connection(floor_path)
        columns = [r[1] for r in reader.execute("PRAGMA table_info(visit)") if r[1] != "id"]
        insert = (
            f"INSERT INTO visit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        audit_columns = [r[1] for r in reader.execute("PRAGMA table_info(audit_log)")]
        audit_insert = (
            f"INSERT INTO audit_log ({', '.join(audit_columns)}) "
            f"VALUES ({', '.join('?' * len(audit_columns))})"
        )
        last_audit = reader.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        app_times: list[float] = []
        floor_times: list[float] = []
        bare_times: list[float] = []
        bare = _raw_connection(bare_path)
        first = date(2020, 1, 20)
        for i in range(args.n):
            values = {"VISIT": "UNSCHED", "VISDTC": (first + timedelta(days=i)).isoformat()}
            values.update(LABS)
            started = time.perf_counter()
            result = save_form(store, user="bench", form="VIS", subject=subject, values=values)
            app_times.append(time.perf_counter() - started)
            assert result.saved, result.findings
            row = reader.execute(
                f"SELECT {', '.join(columns)} FROM visit WHERE id = ?", (result.record_id,)
            ).fetchone()
            trail = reader.execute(
                f"SELECT {', '.join(audit_columns)} FROM audit_log WHERE id > ? ORDER BY id",
                (last_audit,),
            ).fetchall()
            last_audit = trail[-1][0]
            started = time.perf_counter()
            floor.execute("BEGIN IMMEDIATE")
            floor.execute(insert, row)
            floor.executemany(audit_insert, trail)
            floor.execute("COMMIT")
            floor_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            bare.execute("BEGIN IMMEDIATE")
            bare.execute(insert, row)
            bare.execute("COMMIT")
            bare_times.append(time.perf_counter() - started)
        audit_rows = reader.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        reader.close()
        floor.close()
        bare.close()
        store.close()

    def p90(values: list[float]) -> float:
        return statistics.quantiles(values, n=10)[8] * 1000

    app_median = statistics.median(app_times) * 1000
    floor_median = statistics.median(floor_times) * 1000
    bare_median = statistics.median(bare_times) * 1000
    print(f"save one visit, n={args.n} (interleaved)")
    print(
        f"  app   records.save_form (parse, derive, validate, write, audit, commit): "
        f"median {app_median:.2f} ms, p90 {p90(app_times):.2f} ms"
    )
    print(
        f"  floor raw sqlite3 INSERT of the same row and its audit rows (hashes precomputed)"
        f" + COMMIT: median {floor_median:.2f} ms, p90 {p90(floor_times):.2f} ms"
    )
    print(
        f"  floor 2: the bare row INSERT + COMMIT (WAL, synchronous=FULL): "
        f"median {bare_median:.2f} ms, p90 {p90(bare_times):.2f} ms"
    )
    print(f"  ratio app/floor (median): {app_median / floor_median:.1f}x")
    print(f"  ratio app/floor 2 (median): {app_median / bare_median:.1f}x")
    print(f"  audit rows written: {audit_rows} (about {audit_rows // (args.n + 2)} per save)")


if __name__ == "__main__":
    main()
