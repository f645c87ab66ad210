"""Process start to a usable main window, against a bare PySide6 QMainWindow.

Each sample is a fresh Python process (offscreen Qt) that prints, when its window has been
shown and painted, the seconds since the process started (measured from the parent, from
spawn to that line). The app child builds `ui.app.create_main_window` on a copy of the demo
study and waits until the patient list is filled (overviewLoaded) and painted; the floor
child imports PySide6.QtWidgets and shows an empty QMainWindow the same way. The two are
interleaved so both see the same machine load. Byte-code caching is on (in a temporary
folder) as on an installed system. Prints medians and the ratio; asserts nothing.

    uv run python benchmarks/bench_ui_startup.py [--n 7] [--db demo.db]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP_CHILD = r"""
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.app import create_main_window
from msct_crf.storage.db.engine import sqlite_url
app = QApplication([])
window = create_main_window(sqlite_url({db!r}), "bench")
def shown():
    window.repaint()
    print("shown", flush=True)
def ready():
    window.repaint()
    app.processEvents()
    print("ready", window.patients.model.rowCount(), flush=True)
    app.quit()
window.overviewLoaded.connect(ready)
window.show()
QTimer.singleShot(0, shown)
app.exec()
"""

FLOOR_CHILD = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
def ready():
    window.repaint()
    app.processEvents()
    print("ready", flush=True)
    app.quit()
window.show()
QTimer.singleShot(0, ready)
app.exec()
"""


def _run(code: str, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning the child to each line it prints ("shown", "ready")."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdout is not None
    seen: dict[str, float] = {}
    for line in proc.stdout:
        seen[line.split()[0].decode()] = time.perf_counter() - start
    proc.wait(timeout=60)
    if "ready" not in seen:
        raise SystemExit("child failed before its window was ready")
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=7)
    parser.add_argument("--db", help="study to open (default: a fresh demo study)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "study.db"
        if args.db:
            shutil.copy(args.db, db)
        else:
            from msct_crf.tools.demo import create_demo

            create_demo(db)
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            MSCT_CRF_SETTINGS=str(Path(tmp) / "settings.ini"),
            # Byte-code caching as on a user's machine (some shells set PYTHONDONTWRITEBYTECODE,
            # which recompiles SQLAlchemy and Alembic on every start); the caches go to a
            # temporary folder, not into the environment.
            PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        app_code = APP_CHILD.format(root=str(ROOT), db=str(db))
        _run(app_code, env)  # warm the file cache and .pyc files once
        _run(FLOOR_CHILD, env)
        shown, ready, floor = [], [], []
        for _ in range(args.n):
            times = _run(app_code, env)
            shown.append(times["shown"])
            ready.append(times["ready"])
            floor.append(_run(FLOOR_CHILD, env)["ready"])
    floor_median = statistics.median(floor)
    print(f"startup, process spawn to window, {args.n} runs each (medians, offscreen)")
    for label, values in (
        ("app: main window shown and painted", shown),
        ("app: patient list filled and painted", ready),
    ):
        median = statistics.median(values)
        print(f"  {label:40s} {median * 1000:7.0f} ms  ratio {median / floor_median:5.1f}x")
    print(f"  {'floor: bare QMainWindow shown and painted':40s} {floor_median * 1000:7.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
