"""ODM benchmark: the CDISC ODM 1.3.2 export of a scale study, against a floor.

    uv run python benchmarks/bench_odm.py [--db /tmp/scale1k.db] [--subjects 1000] [--history]

The app is ``export_odm`` from the call to its return: one read snapshot, the metadata, each
SubjectData built and written, the streaming check against the XSD (and references, values,
consumer needs), the atomic rename and the audit row. The floor is measured in the same run
and is the least any validated ODM export of the same data must do: read the same rows with
raw sqlite3 (every form table and the data's audit rows), write the very bytes the app wrote,
and validate them against the same XSD with lxml (one iterparse pass). Each side runs in its
own fresh process, so the peak resident memory (ru_maxrss) of each is reported too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _maxrss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / 1024 / 1024


def child_app(db: str, out: str, history: bool) -> dict[str, object]:
    from msct_crf.reporting.odm import export_odm  # import cost is not part of the export
    from msct_crf.storage.store import Store

    with Store.open_path(db, create=False) as store:
        start = time.perf_counter()
        report = export_odm(store, Path(out), user="bench", history=history, overwrite=True)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "maxrss_mb": _maxrss_mb(), "values": report.item_data}


def child_floor(db: str, source: str, out: str) -> dict[str, object]:
    import sqlite3

    from lxml import etree

    from msct_crf.reporting.odm import schema_path
    from msct_crf.study.dictionary import FORMS

    schema = etree.XMLSchema(etree.parse(str(schema_path())))
    data = Path(source).read_bytes()  # the app's output, read before the clock starts
    start = time.perf_counter()
    connection = sqlite3.connect(db)
    rows = 0
    for form in FORMS.values():
        rows += len(connection.execute(f"SELECT * FROM {form.table}").fetchall())
    tables = ", ".join(f"'{f.table}'" for f in FORMS.values())
    audit = f"SELECT * FROM audit_log WHERE table_name IN ({tables}) ORDER BY id"
    rows += len(connection.execute(audit).fetchall())
    connection.close()
    Path(out).write_bytes(data)
    for _event, element in etree.iterparse(out, events=("end",), schema=schema, huge_tree=True):
        if element.tag.endswith("}SubjectData"):
            element.clear()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "maxrss_mb": _maxrss_mb(), "rows": rows}


def _child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing scale study (default: make one)")
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--history", action="store_true", help="a Transactional file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "app":
            result = child_app(rest[0], rest[1], rest[2] == "1")
        else:
            result = child_floor(rest[0], rest[1], rest[2])
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "scale.db")
        if not args.db:
            from msct_crf.tools.scale import create_scale_study

            print(create_scale_study(Path(db), subjects=args.subjects))
        out, floor_out = str(Path(folder) / "app.xml"), str(Path(folder) / "floor.xml")
        app = _child("app", db, out, "1" if args.history else "0")
        floor = _child("floor", db, out, floor_out)
        size = Path(out).stat().st_size / 1e6
    ratio = float(app["seconds"]) / float(floor["seconds"])  # type: ignore[arg-type]
    kind = "Transactional" if args.history else "Snapshot"
    print(f"ODM {kind}: {app['values']} values, {size:.0f} MB")
    print(f"app   {app['seconds']:.1f} s, peak {app['maxrss_mb']:.0f} MB")
    print(f"floor {floor['seconds']:.1f} s, peak {floor['maxrss_mb']:.0f} MB", end="")
    print(f" ({floor['rows']} rows read)")
    print(f"ratio {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
