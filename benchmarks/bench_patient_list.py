"""The patient list with 10,000 (or 100,000) subjects: load, per-keystroke filter, sort.

Load: `msct_crf.reporting.overview.load_overview` (four bulk queries, schedules of the
subjects still in follow-up, today's work) plus filling the Qt model, against a floor of raw sqlite3
fetching the same columns of the same four tables. Filter: typing a search one key at a
time into `patientSearch`: the keystroke itself (the box takes the key and restarts the
coalescing timer; the filter does not run) and the filter once typing pauses (the
QSortFilterProxyModel behind `patientTable` on the precomputed search keys, the count line,
the repaint), for every prefix, as if the typist paused after each key; against a floor of a
plain Python scan of the same precomputed search strings, and a second floor of repainting
the unchanged table once (what any keystroke costs at least). Sort: clicking a column header.
Prints medians and ratios; asserts nothing.

    uv run python benchmarks/bench_patient_list.py [--subjects 10000] [--db F] [--repeat 5]

Without --db it reuses /tmp/scale<N>k.db (copied, never written) or creates an N-subject
study with `msct_crf.tools.scale.create_scale_study` (minutes; 100,000 subjects: much longer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from msct_crf.reporting import overview  # noqa: E402
from msct_crf.storage.store import Store  # noqa: E402
from ui.models.patient_list import Column  # noqa: E402
from ui.views.patient_list_view import PatientListView  # noqa: E402

TODAY = dt.date(2026, 11, 25)
QUERIES = "gzh-12", "primary", "aih", "x"


def _study(path_arg: str | None, subjects: int, workdir: Path) -> Path:
    source = Path(path_arg) if path_arg else Path(f"/tmp/scale{subjects // 1000}k.db")
    target = workdir / "list.db"
    if source.exists():
        shutil.copy(source, target)
        return target
    from msct_crf.tools.scale import create_scale_study

    print(f"creating a {subjects:,}-subject study (this takes minutes)…", flush=True)
    create_scale_study(target, subjects=subjects)
    return target


def _raw_fetch(path: Path) -> int:
    """Floor: the same columns of the same tables, raw sqlite3, no processing."""
    con = sqlite3.connect(path)
    try:
        n = len(
            con.execute(
                "SELECT id, subjid, siteid, initials, sex, age, dxcat, dxoth, status "
                "FROM subject ORDER BY subjid"
            ).fetchall()
        )
        con.execute(
            "SELECT subject_id, exstdtc, exsrc FROM infusion ORDER BY subject_id, exstdtc"
        ).fetchall()
        con.execute("SELECT subject_id, visit, visdtc FROM visit").fetchall()
        con.execute("SELECT subject_id, dsdecod, dsstdtc FROM disposition").fetchall()
        return n
    finally:
        con.close()


def _median(times: list[float]) -> float:
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000, help="study size (10000)")
    parser.add_argument("--db", help="a scale study to copy (default /tmp/scale<N>k.db)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = _study(args.db, args.subjects, Path(tmp))
        store = Store.open_path(path)
        view = PatientListView()
        view.resize(1200, 800)
        view.show()
        app.processEvents()

        floor_load, app_load, model_fill = [], [], []
        rows: list[overview.SubjectRow] = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            count = _raw_fetch(path)
            floor_load.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            rows = overview.load_overview(store, TODAY).rows
            t1 = time.perf_counter()
            view.model.set_rows([])
            view.set_rows(rows)
            app.processEvents()  # first paint of the table
            t2 = time.perf_counter()
            app_load.append(t2 - t0)
            model_fill.append(t2 - t1)
        assert count == len(rows)

        texts = [view.model.search_text(i) for i in range(view.model.rowCount())]
        key_app, key_floor, key_typed = [], [], []
        search = view.findChild(object, "patientSearch")
        for _ in range(args.repeat):
            for query in QUERIES:
                view.set_search("")
                app.processEvents()
                for n in range(1, len(query) + 1):
                    needle = query[:n]
                    t0 = time.perf_counter()
                    search.setText(needle)  # the keystroke: the box + the coalescing timer
                    app.processEvents()
                    key_typed.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    view.set_search(needle)  # typing paused: filter + count + repaint
                    app.processEvents()
                    key_app.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    _ = [i for i, text in enumerate(texts) if needle in text]
                    key_floor.append(time.perf_counter() - t0)
        view.set_search("")
        app.processEvents()
        paint = []
        for _ in range(args.repeat * 5):
            t0 = time.perf_counter()
            view.table.viewport().repaint()  # what any keystroke costs at least
            paint.append(time.perf_counter() - t0)

        sort_times = []
        for column in (Column.AGE, Column.NEXT_VISIT, Column.DIAGNOSIS, Column.SUBJID):
            t0 = time.perf_counter()
            view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            app.processEvents()
            sort_times.append(time.perf_counter() - t0)
        store.close()

    load_floor, load_app = _median(floor_load), _median(app_load)
    print(f"patient list, {len(rows):,} subjects, {args.repeat} runs (medians)")
    typed = _median(key_typed)
    fill = _median(model_fill)
    print(
        f"  load  : app {load_app * 1000:8.1f} ms  (overview {(load_app - fill) * 1000:.1f} ms"
        f" + model/paint {fill * 1000:.1f} ms)"
    )
    print(f"          floor (raw sqlite3 fetch of the same columns) {load_floor * 1000:8.1f} ms")
    print(f"          ratio {load_app / load_floor:6.1f}x")
    k_app, k_floor = _median(key_app), _median(key_floor)
    print(
        f"  typing: {typed * 1000:8.2f} ms per keystroke (p90 "
        f"{sorted(key_typed)[int(len(key_typed) * 0.9)] * 1000:.2f} ms): the box, filter coalesced"
    )
    print(
        f"  filter: app {k_app * 1000:8.2f} ms per filter (p90 "
        f"{sorted(key_app)[int(len(key_app) * 0.9)] * 1000:.2f} ms, {len(key_app)} keystrokes)"
    )
    print(f"          floor (Python scan of the same strings) {k_floor * 1000:8.2f} ms")
    print(f"          ratio {k_app / k_floor:6.1f}x")
    p = _median(paint)
    print(f"          floor 2 (repainting the unchanged table once) {p * 1000:8.2f} ms")
    print(f"          ratio {k_app / p:6.1f}x")
    print(f"  sort  : {max(sort_times) * 1000:.1f} ms worst of 4 columns (no floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
