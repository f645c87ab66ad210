"""Casebook benchmark: one subject's PDF casebook, against a floor.

    uv run python benchmarks/bench_casebook.py [--db demo.db] [--subject ID] [--n 5]

The app side is ``make_casebook`` from call to return: the read of the subject's records,
signatures, queries and audit head in one transaction, the layout of every table with
ReportLab's platypus, the PDF written to a .part file, the audit row and the rename. The
floor is ReportLab alone writing the same text: the lines pypdf extracts from each page of
the casebook (captured untimed) drawn again with ``drawString`` on as many pages, in
Helvetica with the CJK font for the runs it cannot set, no database, no layout, no tables.
Runs are interleaved and the medians compared. Without ``--db`` the demo study with
accounts is made in a temporary folder (``msct-crf demo --with-accounts``), and the subject
with the most records is used.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from pathlib import Path


def _lines_per_page(pdf: Path) -> list[list[str]]:
    from pypdf import PdfReader

    with pdf.open("rb") as handle:
        return [(page.extract_text() or "").splitlines() for page in PdfReader(handle).pages]


def floor(pages: list[list[str]], out: Path) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from msct_crf.reporting.casebook import pdf as casebook_pdf

    casebook_pdf._register_fonts()
    start = time.perf_counter()
    canvas = Canvas(str(out), pagesize=A4)
    for lines in pages:
        y = A4[1] - 48
        for line in lines:
            x = 42.0
            for latin, chars in itertools.groupby(line, key=casebook_pdf._latin):
                run = "".join(chars)
                font = casebook_pdf.LATIN_FONT if latin else casebook_pdf.CJK_FONT
                canvas.setFont(font, 9)
                canvas.drawString(x, y, run)
                x += canvas.stringWidth(run, font, 9)
            y -= 11.5
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def _largest_subject(db: Path) -> str:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        tables = ("medical_history", "infusion", "vital_sign", "visit", "adverse_event", "conmed")
        union = " UNION ALL ".join(f"SELECT subject_id FROM {t}" for t in tables)
        row = connection.execute(
            f"SELECT s.subjid FROM ({union}) r JOIN subject s ON s.id = r.subject_id "
            "GROUP BY s.subjid ORDER BY count(*) DESC, s.subjid LIMIT 1"
        ).fetchone()
        return str(row[0])
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--subject")
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args()
    from msct_crf import access
    from msct_crf.reporting.casebook import make_casebook
    from msct_crf.storage.store import Store
    from msct_crf.tools.demo import create_demo
    from msct_crf.tools.demo_lifecycle import DEMO_PASSWORD

    folder = Path(tempfile.mkdtemp(prefix="bench-casebook-"))
    db = args.db
    if db is None:
        db = folder / "demo.db"
        create_demo(db, with_accounts=True)
    subject = args.subject or _largest_subject(db)
    app_times: list[float] = []
    floor_times: list[float] = []
    with Store.open_path(db, create=False) as store:
        actor = (
            access.login(store, "dr.li", DEMO_PASSWORD) if not access.needs_admin(store) else None
        )
        for _run in range(args.n):
            start = time.perf_counter()
            report = make_casebook(
                store, subject, folder / "app.pdf", user="bench", actor=actor, overwrite=True
            )
            app_times.append(time.perf_counter() - start)
            floor_times.append(floor(_lines_per_page(report.path), folder / "floor.pdf"))
        if actor is not None:
            access.logout(store, actor)
    app, base = statistics.median(app_times), statistics.median(floor_times)
    print(f"subject {subject}: {report.records} records, {report.pages} pages")
    print(f"casebook   {app * 1000:8.1f} ms (median of {args.n})")
    print(f"floor      {base * 1000:8.1f} ms (ReportLab drawString of the same text)")
    print(f"ratio      {app / base:8.1f}x")


if __name__ == "__main__":
    main()
