"""What the app imports before its first window: nothing it does not need yet (issue 14).

Alembic (no migration is due), argon2 and cryptography (no password is checked, nothing is
signed), QtCharts (no chart is open), and the export libraries load on first use. Each
check runs in a fresh process, since this test process has imported everything already."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

LAZY = ("alembic", "mako", "argon2", "cryptography", "xlsxwriter", "pandas", "scipy", "zxcvbn")

CHILD = """
import sys
from PySide6.QtWidgets import QApplication
from ui.app import create_main_window
from msct_crf.storage.db.engine import sqlite_url
app = QApplication([])
window = create_main_window(sqlite_url({db!r}), "nurse")
window.show()
app.processEvents()
loaded = {{m.split('.')[0] for m in sys.modules}} | set(sys.modules)
print(sorted(loaded & set({lazy!r}) | ({{'PySide6.QtCharts'}} & loaded)))
window.close()
"""


def test_main_window_opens_without_the_heavy_libraries(tmp_path, migrated_template):
    db = tmp_path / "study.db"
    shutil.copyfile(migrated_template, db)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MSCT_CRF_SETTINGS=str(tmp_path / "s.ini"))
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(db=str(db), lazy=LAZY)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
