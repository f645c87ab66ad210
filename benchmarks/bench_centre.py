"""Coordinating-centre benchmark: N sites x M subjects, packaged and pooled in PostgreSQL.

    uv run python benchmarks/bench_centre.py [--sites 50] [--subjects 2000] [--insert]

Each site file is made by ``msct-crf scale --site CODE --study ID`` (one study ID for all,
:func:`msct_crf.tools.scale.create_scale_study`, untimed), given an administrator, and
packaged (``msct-crf package --full`` path, :func:`write_package`: timed, rows/s where a
row is an audit row or a record the package carries). Every package is then imported into
a centre database on a throwaway PostgreSQL cluster (started like ``tests/pg_cluster.py``)
one transaction each (:func:`msct_crf.exchange.centre.import_files`: timed).

Floors, measured in the same run:

* import: the very rows the import wrote (site_audit_log, every form table,
  exchange_record; read back untimed) written again with psycopg's ``cursor.copy`` (COPY
  FROM STDIN) into the same tables of a second centre database, in one transaction, with no
  checks. Goal: import <= 3x COPY.
* export: the pooled study's workbook (``msct-crf export --db URL``) in a fresh process,
  against the XlsxWriter constant_memory floor of ``bench_export.py`` (the same cells,
  no database read): time and peak RSS of each.

Site codes are ``S01``, ``S02``...: each site file registers its own code (``scale --site``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

STUDY = "MSCT-2026-01"
GOAL_IMPORT_RATIO = 3.0
ADMIN, ADMIN_PW = "admin", "bench-admin-pass-1"
#: What the import writes, in the order COPY writes it (parents first).
COPIED_AUDIT = "site_audit_log"
COPIED_MAP = "exchange_record"


def site_codes(count: int) -> list[str]:
    return [f"S{i:02d}" if count < 100 else f"S{i:03d}" for i in range(1, count + 1)]


def build_site(folder: Path, code: str, subjects: int) -> tuple[Path, float]:
    """The site's scale file (untimed) and its package; the seconds packaging took."""
    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.exchange.site_package import write_package
    from msct_crf.storage.store import Store
    from msct_crf.tools.scale import create_scale_study

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    db = folder / f"{code}.db"
    create_scale_study(db, subjects=subjects, site=code, study_id=STUDY, seed=1000 + len(code))
    out = folder / "packages"
    out.mkdir(exist_ok=True)
    with Store.open_path(db, create=False) as store:
        access.create_admin(store, ADMIN, "Bench Admin", ADMIN_PW)
        admin = access.login(store, ADMIN, ADMIN_PW)
        started = time.perf_counter()
        report = write_package(store, admin, out)
        seconds = time.perf_counter() - started
        access.logout(store, admin)
    return report.path, seconds


def _package_rows(path: Path) -> int:
    from msct_crf.exchange import package_format as fmt

    m = fmt.decode(path.read_bytes(), path.name).manifest
    return int(m["audit_rows"]) + int(m["records"])


def _new_centre(url: str, codes: list[str]) -> None:
    from msct_crf.exchange import centre

    centre.init_centre(url, STUDY)
    with centre.open_centre(url) as store:
        for code in codes:
            centre.add_site(store, code, f"Site {code}")


def _copied_tables() -> list[str]:
    from msct_crf.exchange.site_package import EXCHANGED_TABLES

    return [COPIED_AUDIT, *EXCHANGED_TABLES, COPIED_MAP]


def copy_floor(source_dsn: str, floor_dsn: str) -> tuple[int, float]:
    """The rows the import wrote, COPYed into the same tables of the floor database in one
    transaction; (rows, seconds). Read untimed; only the COPY is timed."""
    import psycopg

    held: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
    with psycopg.connect(source_dsn) as src:
        for name in _copied_tables():
            cur = src.execute(f"SELECT * FROM {name} ORDER BY 1")  # noqa: S608 - our names
            columns = [d.name for d in cur.description or ()]
            held.append((name, columns, [_adapted(row) for row in cur.fetchall()]))
    rows = sum(len(r) for _, _, r in held)
    with psycopg.connect(floor_dsn) as dst:
        started = time.perf_counter()
        with dst.cursor() as cur:
            for name, columns, table_rows in held:
                quoted = ", ".join(f'"{c}"' for c in columns)
                sql = f"COPY {name} ({quoted}) FROM STDIN"
                with cur.copy(sql) as copy:
                    for row in table_rows:
                        copy.write_row(row)
        dst.commit()
        seconds = time.perf_counter() - started
    return rows, seconds


def _adapted(row: tuple[Any, ...]) -> tuple[Any, ...]:
    from psycopg.types.json import Json

    return tuple(Json(v) if isinstance(v, dict | list) else v for v in row)


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _run_child(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(HERE / "bench_export.py"), "--child", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"benchmark child {args[0]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--subjects", type=int, default=2000, help="per site")
    parser.add_argument("--no-export", action="store_true", help="skip the export part")
    parser.add_argument(
        "--packages", help="a folder of packages made by an earlier run: import only those"
    )
    parser.add_argument(
        "--insert", action="store_true", help="import with INSERTs only (no COPY), to compare"
    )
    args = parser.parse_args()
    if args.insert:
        from msct_crf.exchange import bulk

        bulk.COPY_MIN_ROWS = 10**12
    reuse = sorted(Path(args.packages).glob("*.msctpkg")) if args.packages else []
    codes = [p.name.split("-")[0] for p in reuse] if reuse else site_codes(args.sites)

    import pg_cluster

    from msct_crf.exchange import centre

    cluster = pg_cluster.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench_centre_") as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            packages, pack_seconds = list(reuse), 0.0
            for code in codes if not reuse else ():
                path, seconds = build_site(folder, code, args.subjects)
                packages.append(path)
                pack_seconds += seconds
                (folder / f"{code}.db").unlink()  # the centre needs only the package
                for extra in folder.glob(f"{code}.db-*"):
                    extra.unlink()
            build = time.perf_counter() - started
            pack_rows = sum(_package_rows(p) for p in packages)
            size_mb = sum(p.stat().st_size for p in packages) / 1024 / 1024
            mode = "INSERT only" if args.insert else "COPY for bulk rows"
            print(
                f"{len(codes)} sites x {args.subjects} subjects (built in {build:.0f} s); "
                f"centre import: {mode}"
            )
            if not reuse:
                print(
                    f"packaging: {pack_rows:,} rows in {pack_seconds:.1f} s = "
                    f"{pack_rows / pack_seconds:,.0f} rows/s ({size_mb:.0f} MB of packages)",
                    flush=True,
                )

            admin = psycopg_admin(cluster.url())
            for name in ("centre", "floor"):
                admin.execute(f"CREATE DATABASE {name}")
            admin.close()
            url, floor_url = cluster.url("centre"), cluster.url("floor")
            _new_centre(url, codes)
            _new_centre(floor_url, codes)
            with centre.open_centre(url) as store:
                started = time.perf_counter()
                centre.import_files(store, packages)
                import_seconds = time.perf_counter() - started
            copy_rows, copy_seconds = copy_floor(_dsn(url), _dsn(floor_url))
            ratio = import_seconds / copy_seconds
            print(
                f"centre import: {pack_rows:,} package rows in {import_seconds:.1f} s = "
                f"{pack_rows / import_seconds:,.0f} rows/s ({copy_rows:,} table rows written)"
            )
            print(
                f"floor (COPY of the same {copy_rows:,} rows into the same tables): "
                f"{copy_seconds:.1f} s = {copy_rows / copy_seconds:,.0f} rows/s"
            )
            verdict = "met" if ratio <= GOAL_IMPORT_RATIO else "NOT met"
            print(f"ratio import/COPY: {ratio:.2f}x (goal <= {GOAL_IMPORT_RATIO}x: {verdict})")
            if not args.no_export:
                _export(url, folder, len(codes) * args.subjects)
    finally:
        cluster.stop()
    return 0


def psycopg_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(_dsn(url), autocommit=True)


def _export(url: str, folder: Path, subjects: int) -> None:
    out, floor_out = str(folder / "export.xlsx"), str(folder / "floor.xlsx")
    export = _run_child("export", url, out)
    floor = _run_child("floor", url, floor_out)
    ratio = float(export["seconds"]) / float(floor["seconds"])
    print(
        f"centre export ({subjects:,} subjects, {floor['cells']:,} cells, "
        f"{os.path.getsize(out) / 1024 / 1024:.0f} MB): {float(export['seconds']):.1f} s, "
        f"peak RSS {float(export['maxrss_mb']):.0f} MB"
    )
    print(
        f"floor (XlsxWriter constant_memory, same cells): {float(floor['seconds']):.1f} s, "
        f"peak RSS {float(floor['maxrss_mb']):.0f} MB; ratio {ratio:.2f}x"
    )


if __name__ == "__main__":
    sys.exit(main())
