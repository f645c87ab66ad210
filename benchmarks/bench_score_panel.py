"""The visit form's live score panel: time per keystroke vs calling msct_crf.study.scores directly.

App: a real `ui.forms.form_page.FormPage` for a month-6 visit (offscreen), lab values typed
one key at a time into `field_TBIL`, `field_CREAT`, `field_INR`, `field_SODIUM` and
`field_ALB` with QTest; each keystroke re-parses and re-validates the form and redraws the
five scores (`score_MELD` ...), timed until the events are processed. Floor: for the same
sequence of partial values, `msct_crf.study.scores.compute_all` on the parsed numbers, which is the
arithmetic the panel shows. Prints medians and the ratio; asserts nothing.

    uv run python benchmarks/bench_score_panel.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit  # noqa: E402

from msct_crf.storage.store import Store  # noqa: E402
from msct_crf.study import scores
from msct_crf.workflow import records  # noqa: E402

LABS = {"TBIL": "41.5", "CREAT": "88", "INR": "1.35", "SODIUM": "134", "ALB": "33.2"}
SUBJECT = {
    "SITEID": "GZH",
    "INITIALS": "BEN",
    "SEX": "F",
    "BRTHDTC": "1965-03-02",
    "RFICDTC": "2025-01-05",
    "ENRLDTC": "2025-01-06",
    "DXCAT": "AIH",
}
INFUSION = {
    "EXSTDTC": "2025-01-10 09:00",
    "EXENDTC": "2025-01-10 09:40",
    "EXSRC": "UC-MSC",
    "EXLOT": "L-1",
    "EXWT": "55",
    "EXCELL": "55",
    "EXPLAN": "1.0",
}


def _floor(typed: dict[str, str]) -> object:
    def number(code: str) -> float | None:
        try:
            return float(typed[code]) if typed.get(code) else None
        except ValueError:
            return None

    return scores.compute_all(
        bilirubin_umol_l=number("TBIL"),
        creatinine_umol_l=number("CREAT"),
        inr=number("INR"),
        sodium_mmol_l=number("SODIUM"),
        albumin_g_l=number("ALB"),
        female=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from ui.forms.form_page import FormPage

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open_path(Path(tmp) / "bench.db")
        subject = records.save_form(store, user="bench", form="ENROL", values=SUBJECT).subject
        assert subject is not None
        records.save_form(store, user="bench", form="EX", subject=subject, values=INFUSION)
        page = FormPage(store, "bench", "VIS")
        page.resize(1200, 900)
        page.show()
        app.processEvents()
        meld = page.findChild(QLabel, "score_MELD")
        app_times: list[float] = []
        floor_times: list[float] = []
        for _ in range(args.rounds):
            page.load_record(subject, None)
            app.processEvents()
            typed: dict[str, str] = {}
            for code, text in LABS.items():
                edit = page.findChild(QLineEdit, f"field_{code}")
                assert edit is not None, code
                edit.setFocus()
                for char in text:
                    t0 = time.perf_counter()
                    QTest.keyClick(edit, char)
                    app.processEvents()
                    app_times.append(time.perf_counter() - t0)
                    typed[code] = typed.get(code, "") + char
                    t0 = time.perf_counter()
                    _floor(typed)
                    floor_times.append(time.perf_counter() - t0)
            expected = scores.meld(bilirubin_umol_l=41.5, creatinine_umol_l=88, inr=1.35)
            shown = meld.text() if meld is not None else None
            if shown != str(expected):
                raise SystemExit(f"score panel shows {shown}, the core {expected}")
        store.close()
    a, f = statistics.median(app_times), statistics.median(floor_times)
    p90 = sorted(app_times)[int(len(app_times) * 0.9)]
    print(f"score panel, {len(app_times)} keystrokes (medians)")
    print(f"  app  : {a * 1000:7.2f} ms per keystroke (p90 {p90 * 1000:.2f} ms), panel = core MELD")
    print(f"  floor: {f * 1000:7.3f} ms (msct_crf.study.scores.compute_all on the same values)")
    print(f"  ratio: {a / f:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
