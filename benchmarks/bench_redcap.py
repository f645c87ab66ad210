"""REDCap bundle benchmark: the records and dictionary of a scale study, against a floor.

    uv run python benchmarks/bench_redcap.py [--db /tmp/scale.db] [--subjects 2000] [--rounds 3]

The study is read once (``load_study``, untimed: the workbook export shares that read).
The app is :func:`msct_crf.reporting.redcap.bundle.bundle_texts`: every file of the bundle
as text, the records built row by row from the export's frames (events, instances,
flattened vital signs, codes, number and date text). The floor is the least work that
produces the same records file: its very cells, captured untimed, written again with
``csv.writer`` into a string. The two are interleaved round by round so both see the same
load; the medians and their ratio are printed. Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing study (default: a new scale study)")
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from msct_crf.reporting.export.data import load_study
    from msct_crf.reporting.export.options import ExportOptions
    from msct_crf.reporting.redcap.bundle import bundle_texts
    from msct_crf.storage.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "scale.db"
        if not args.db:
            from msct_crf.tools.scale import create_scale_study

            print(create_scale_study(db, subjects=args.subjects))
        moment = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        with Store.open_path(db, create=False) as store:
            data = load_study(store, ExportOptions(), today=moment.date())
        cells = list(csv.reader(io.StringIO(bundle_texts(data, moment)["3_records.csv"])))
        app, floor = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            texts = bundle_texts(data, moment)
            app.append(time.perf_counter() - start)
            start = time.perf_counter()
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerows(cells)
            floor.append(time.perf_counter() - start)
        assert buffer.getvalue() == texts["3_records.csv"]  # the floor writes the same file
    a, f = statistics.median(app), statistics.median(floor)
    print(
        f"{len(data.subjects)} subjects, {len(cells) - 1} records rows x {len(cells[0])} columns, "
        f"{len(texts['3_records.csv']) / 1e6:.1f} MB: bundle {a:.2f} s, floor {f:.2f} s, "
        f"ratio {a / f:.1f}x (median of {args.rounds})"
    )


if __name__ == "__main__":
    main()
