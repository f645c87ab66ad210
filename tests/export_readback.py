"""The export tests' two studies and the means to read an export back.

Two studies: a small hand-built one whose expected numbers are written out by hand in the
tests (five subjects: completed, lost, transplanted with a visit after the transplant, died,
completed with an out-of-window visit and a missing-data code; see export_factory), and the
26-subject demo. Every sheet is read back with openpyxl / pandas and checked against the
database read with plain sqlite3 and pandas, never through msct_crf.reporting.export itself.

The fixtures are registered by the conftest.py of tests/reporting/export and tests/tools
(``from export_readback import small, ...``); the studies are built once per package and
tests only read them (``small`` is a fresh copy per test). The helpers are imported by name.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from export_factory import NOW, build_small_study

from msct_crf.clock import use_clock
from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main


@pytest.fixture(scope="package")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("small") / "small.db"
    ids = build_small_study(path)
    return path, ids


@pytest.fixture
def small(tmp_path: Path, small_template: tuple[Path, dict[str, str]]) -> Iterator[Store]:
    path = tmp_path / "small.db"
    shutil.copy(small_template[0], path)
    with Store.open_path(path) as store:
        yield store


@pytest.fixture
def ids(small_template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return small_template[1]


class Exported:
    """One export read back once: the database, the file, every sheet as a DataFrame."""

    def __init__(self, db: Path, out: Path) -> None:
        self.db = db
        self.out = out
        self.sheets: dict[str, pd.DataFrame] = pd.read_excel(out, sheet_name=None)
        self.book = openpyxl.load_workbook(out)

    def __getitem__(self, sheet: str) -> pd.DataFrame:
        return self.sheets[sheet]


@pytest.fixture(scope="package")
def exported(
    tmp_path_factory: pytest.TempPathFactory, small_template: tuple[Path, dict[str, str]]
) -> Exported:
    """The small study exported once with default options (tests only read it)."""
    folder = tmp_path_factory.mktemp("exported")
    db = folder / "small.db"
    shutil.copy(small_template[0], db)
    with Store.open_path(db) as store:
        run_export(store, folder / "default.xlsx")
    return Exported(db, folder / "default.xlsx")


def run_export(store: Store, out: Path, **options: Any) -> Path:
    with use_clock(lambda: NOW):
        export_workbook(store, out, ExportOptions(**options), user="pi")
    return out


def sheet_frame(path: Path, sheet: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=sheet)


def all_cell_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    parts = []
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    book.close()
    return "\n".join(parts)


def raw_visits(db: Path) -> pd.DataFrame:
    """Visits with SUBJID and the exclusion cut-off, straight from sqlite3."""
    with sqlite3.connect(db) as conn:
        return pd.read_sql_query(
            "SELECT s.subjid, v.visit, v.visdtc, v.alt, v.ast, v.tbil, v.alb, v.pt, v.inr, "
            "v.meld, v.meldna, v.meld3, d.dsdecod, d.dsstdtc, d.dsltxdtc "
            "FROM visit v JOIN subject s ON s.id = v.subject_id "
            "LEFT JOIN disposition d ON d.subject_id = s.id",
            conn,
        )


def kept_visits(db: Path) -> pd.DataFrame:
    frame = raw_visits(db)
    death = frame["dsstdtc"].where(frame["dsdecod"] == "DIED")
    transplant = frame["dsltxdtc"]
    cutoff = pd.concat([death, transplant], axis=1).min(axis=1)
    after = frame["visdtc"] > cutoff  # ISO strings compare as dates
    frame["after"] = after.fillna(False)
    return frame


def _check_summary_against_db(out: Path, db: Path) -> None:
    summary = sheet_frame(out, "Summary")
    visits = kept_visits(db)
    labels = {
        "alt": "Alanine aminotransferase",
        "ast": "Aspartate aminotransferase",
        "tbil": "Total bilirubin",
        "alb": "Albumin",
        "pt": "Prothrombin time",
        "inr": "International normalized ratio",
        "meld": "MELD",
        "meldna": "MELD-Na",
        "meld3": "MELD 3.0",
    }
    names = {"BASELINE": "Baseline", "M6": "Month 6", "M12": "Month 12", "M24": "Month 24"}
    kept = visits[~visits["after"] & visits["visit"].isin(names)]
    excluded = visits[visits["after"] & visits["visit"].isin(names)]
    checked = 0
    for column, label in labels.items():
        expected = (
            kept.dropna(subset=[column]).groupby("visit")[column].agg(["count", "mean", "median"])
        )
        rows = summary[summary["Variable"] == label].set_index("Visit")
        for code, name in names.items():
            n = int(expected.loc[code, "count"]) if code in expected.index else 0
            assert rows.loc[name, "n"] == n, (label, code)
            if n:
                assert rows.loc[name, "Mean"] == pytest.approx(expected.loc[code, "mean"])
                assert rows.loc[name, "Median"] == pytest.approx(expected.loc[code, "median"])
                checked += 1
            n_excl = int(excluded[excluded["visit"] == code][column].notna().sum())
            assert rows.loc[name, "Values excluded (after death or transplant)"] == n_excl
    assert checked >= 30


def _export_rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT user, new_value FROM audit_log WHERE action = 'export' ORDER BY id"
        ).fetchall()


@pytest.fixture(scope="package")
def demo_export(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    shutil.copyfile(demo_template, db)  # the export appends an audit row: work on a copy
    out = folder / "demo.xlsx"
    assert cli_main(["export", "--db", str(db), "--out", str(out), "--quiet"]) == 0
    return db, out
