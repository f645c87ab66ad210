"""Export benchmark: the 10,000-subject scale study to Excel, against a floor.

    uv run python benchmarks/bench_export.py [--db /tmp/scale10k.db] [--subjects 10000]

The floor is measured in the same run: the very cells the export writes (captured, untimed,
by running the export against stand-in worksheets: numbers, text, dates as Excel serial
numbers with a date format) written again with XlsxWriter in constant-memory mode, with no
database read and no computation - the cost of producing the file at all. The export is timed from
the call to ``export_workbook`` to its return (database read, pandas, statistics, schedule,
writing, atomic rename and the audit row), each side in its own fresh process so the peak
resident memory (ru_maxrss) of each can be reported. Goal: ratio <= 1.5, peak < 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_RATIO = 1.5
GOAL_MB = 1024


def _maxrss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / 1024 / 1024


def _open(db: str) -> Any:
    """The study at `db`: a file, or a database URL (bench_centre.py's PostgreSQL centre)."""
    from msct_crf.storage.store import Store

    return Store.open(db, create=False) if "://" in db else Store.open_path(db, create=False)


def child_export(db: str, out: str) -> dict[str, object]:
    import msct_crf.reporting.export.api as api  # import cost is not part of the export
    from msct_crf.reporting.export import ExportOptions

    with _open(db) as store:
        start = time.perf_counter()
        report = api.export_workbook(
            store, Path(out), ExportOptions(), user="bench", overwrite=True
        )
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "maxrss_mb": _maxrss_mb(), "rows": report.rows}


def _capture_cells(
    db: str, out: str
) -> dict[str, tuple[list[int], list[int], list[object], list[str]]]:
    """The exact cells the export writes, captured (untimed) by running the export against
    stand-in worksheets: per sheet, parallel lists of row, column, value and kind
    ("s" text, "n" number, "d" date or date-time number, "b" boolean)."""
    import xlsxwriter

    import msct_crf.reporting.export.api as api
    from msct_crf.reporting.export import ExportOptions

    captured: dict[str, tuple[list[int], list[int], list[object], list[str]]] = {}
    epoch = dt.datetime(1899, 12, 30)

    class Sheet:
        def __init__(self, name: str) -> None:
            self.rows, self.cols, self.vals, self.kinds = captured.setdefault(
                name, ([], [], [], [])
            )

        def _add(self, r: int, c: int, v: object, kind: str) -> None:
            self.rows.append(r)
            self.cols.append(c)
            self.vals.append(v)
            self.kinds.append(kind)

        def write_number(self, r: int, c: int, v: float, fmt: object = None) -> None:
            dated = fmt is not None and "yy" in str(getattr(fmt, "num_format", ""))
            self._add(r, c, v, "d" if dated else "n")

        def write_string(self, r: int, c: int, v: str, fmt: object = None) -> None:
            self._add(r, c, v, "s")

        def write_boolean(self, r: int, c: int, v: bool, fmt: object = None) -> None:
            self._add(r, c, v, "b")

        def write_datetime(self, r: int, c: int, v: dt.date, fmt: object = None) -> None:
            if not isinstance(v, dt.datetime):
                v = dt.datetime(v.year, v.month, v.day)
            self._add(r, c, (v - epoch).total_seconds() / 86400, "d")

        _write_number = write_number
        _write_string = write_string

        def __getattr__(self, name: str) -> object:  # set_column, freeze_panes, ... : no-op
            return lambda *args, **kwargs: None

    real_add, real_close = xlsxwriter.Workbook.add_worksheet, xlsxwriter.Workbook.close
    xlsxwriter.Workbook.add_worksheet = lambda self, name=None: Sheet(str(name))  # type: ignore[assignment,method-assign,misc]
    xlsxwriter.Workbook.close = lambda self: None  # type: ignore[assignment,method-assign]
    try:
        with _open(db) as store:
            api.export_workbook(store, Path(out), ExportOptions(), user="bench-capture")
    finally:
        xlsxwriter.Workbook.add_worksheet = real_add  # type: ignore[method-assign]
        xlsxwriter.Workbook.close = real_close  # type: ignore[method-assign]
    if os.path.exists(out):
        os.unlink(out)
    return captured


def child_floor(db: str, out: str) -> dict[str, object]:
    import xlsxwriter

    sheets = _capture_cells(db, out + ".capture.xlsx")  # untimed
    cells = sum(len(rows) for rows, _c, _v, _k in sheets.values())
    start = time.perf_counter()
    book = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, (rows, cols, vals, kinds) in sheets.items():
        ws = book.add_worksheet(name)
        write_number, write_string = ws.write_number, ws.write_string
        write_boolean = ws.write_boolean
        for r, c, v, kind in zip(rows, cols, vals, kinds, strict=True):
            if kind == "s":
                write_string(r, c, v)
            elif kind == "n":
                write_number(r, c, v)
            elif kind == "d":
                write_number(r, c, v, date)
            else:
                write_boolean(r, c, v)
    book.close()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "maxrss_mb": _maxrss_mb(), "cells": cells}


def _run_child(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"benchmark child {args[0]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/scale10k.db")
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; best counts")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_export(*rest) if kind == "export" else child_floor(*rest)
        print(json.dumps(result))
        return 0

    db = Path(args.db)
    if not db.exists():
        from msct_crf.tools.scale import create_scale_study

        print(f"creating the scale study at {db} ({args.subjects} subjects)...", flush=True)
        print(create_scale_study(db, subjects=args.subjects), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_export_") as folder:
        out = os.path.join(folder, "export.xlsx")
        floor_out = os.path.join(folder, "floor.xlsx")
        # the export appends an audit row: work on a copy so the study file stays as it was
        copy = os.path.join(folder, "study.db")
        import sqlite3

        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        exports, floors = [], []
        for _ in range(args.repeat):  # alternate, so a busy machine hurts both alike
            exports.append(_run_child("export", copy, out))
            floors.append(_run_child("floor", copy, floor_out))
        export = min(exports, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        floor = min(floors, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        export["maxrss_mb"] = max(float(r["maxrss_mb"]) for r in exports)  # type: ignore[arg-type]
        size_mb = os.path.getsize(out) / 1024 / 1024
    rows = export["rows"]
    assert isinstance(rows, dict)
    ratio = float(export["seconds"]) / float(floor["seconds"])  # type: ignore[arg-type]
    print(f"study: {db} ({args.subjects} subjects), best of {args.repeat}")
    print("sheets: " + ", ".join(f"{name} {n}" for name, n in rows.items()))
    print(f"cells written: {floor['cells']:,}; workbook {size_mb:.1f} MB")
    print(f"export: {float(export['seconds']):.2f} s, peak RSS {float(export['maxrss_mb']):.0f} MB")  # type: ignore[arg-type]
    print(
        f"floor (XlsxWriter constant_memory, same cells): {float(floor['seconds']):.2f} s, "  # type: ignore[arg-type]
        f"peak RSS {float(floor['maxrss_mb']):.0f} MB"
    )  # type: ignore[arg-type]
    ok_time = ratio <= GOAL_RATIO
    ok_mem = float(export["maxrss_mb"]) < GOAL_MB  # type: ignore[arg-type]
    print(
        f"ratio export/floor: {ratio:.2f}x "
        f"(goal <= {GOAL_RATIO}x: {'met' if ok_time else 'NOT met'})"
    )
    print(f"peak memory goal < {GOAL_MB} MB: {'met' if ok_mem else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
