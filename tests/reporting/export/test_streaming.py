"""The workbook written streaming (issue 14: each long sheet built, written and let go in
turn, in one read snapshot) is cell for cell the workbook of the old path that read the
whole study first (``api.STREAM_SHEETS`` off, still the path of an export with CSV files).
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import sqlite3
import weakref
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_readback import run_export

import msct_crf.reporting.export.api as api
from msct_crf.reporting.export import ExportOptions
from msct_crf.reporting.export import data as data_module
from msct_crf.reporting.export.data import VISIT_SUMMARY_FIELDS, load_study, long_tables
from msct_crf.reporting.export.load import snapshot
from msct_crf.reporting.export.summary import SUMMARY_VARIABLES
from msct_crf.storage.store import Store

OPTION_SETS: list[dict[str, Any]] = [
    {},
    {"include_audit": True, "language": "zh", "units": "conventional"},
    {"include_identifying": True, "include_audit": True, "sites": ("GZH",)},
    {"date_from": dt.date(2023, 6, 1), "date_to": dt.date(2024, 6, 30), "forms": ("VS", "VIS")},
]


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet, in order: each cell's place, value and number format, the widths and
    the frozen panes."""
    book = openpyxl.load_workbook(path)
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    for ws in book.worksheets:
        cells: list[tuple[Any, ...]] = [("freeze", ws.freeze_panes, ws.auto_filter.ref)]
        cells += [("width", k, d.width) for k, d in sorted(ws.column_dimensions.items())]
        for row in ws.iter_rows():
            cells += [(c.coordinate, c.value, c.number_format) for c in row if c.value is not None]
        sheets[ws.title] = cells
    return sheets


def _export_both_ways(
    template: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> tuple[Path, Path]:
    """The same study file (same path, so the README is the same) exported the old way
    and streaming, each from a fresh copy (an export appends an audit row)."""
    db = folder / "study.db"
    outs = []
    for stream in (False, True):
        for leftover in folder.glob("study.db*"):
            leftover.unlink()
        shutil.copyfile(template, db)
        monkeypatch.setattr(api, "STREAM_SHEETS", stream)
        with Store.open_path(db) as store:
            outs.append(run_export(store, folder / f"stream-{stream}.xlsx", **options))
    return outs[0], outs[1]


@pytest.mark.parametrize("options", OPTION_SETS, ids=["default", "zh-audit", "site", "dates"])
def test_streaming_workbook_is_cell_for_cell_the_old_one(
    small_template: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
) -> None:
    reference, streamed = _export_both_ways(small_template[0], tmp_path, monkeypatch, options)
    old, new = _cells(reference), _cells(streamed)
    assert list(new) == list(old)
    assert "Codebook" in new and len(new["Codebook"]) > 20  # filled last, still there
    for name in old:
        assert new[name] == old[name], name


def test_streaming_demo_is_cell_for_cell_the_old_one(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = {"include_audit": True, "units": "conventional"}
    reference, streamed = _export_both_ways(demo_template, tmp_path, monkeypatch, options)
    assert _cells(streamed) == _cells(reference)


def test_the_summaries_read_only_columns_the_compact_visits_hold() -> None:
    assert set(SUMMARY_VARIABLES) <= set(VISIT_SUMMARY_FIELDS)
    assert {"VISIT", "VISDTC"} <= set(VISIT_SUMMARY_FIELDS)


def test_each_long_table_is_let_go_before_the_next_is_built(small: Store) -> None:
    options = ExportOptions()
    with snapshot(small) as cursor:
        data = load_study(small, options, today=dt.date(2026, 11, 25), cursor=cursor)
        assert data.forms == {} and "VS" not in data.records
        alive: list[weakref.ref[Any]] = []
        names = []
        for table in long_tables(data):
            gc.collect()
            assert all(ref() is None for ref in alive), names[-1]
            alive.append(weakref.ref(table.frame))
            names.append(table.name)
            del table
        assert "VIS" not in data.records  # the compact visits went before the long sheets
    assert len(names) == len(options.selected_forms)


def test_a_save_during_a_streaming_export_is_not_in_the_workbook(
    small: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot stays open while the sheets are written: a conmed changed after the
    first sheets are out does not reach the Conmeds sheet, which is read later."""
    assert small.path is not None
    real = data_module.read_form
    changed: list[str] = []

    def read_form(cursor: Any, code: str, only: Any = None) -> Any:
        if code == "CM" and not changed:
            with sqlite3.connect(small.path) as other:  # another connection, committed
                other.execute("UPDATE conmed SET cmtrt = 'CHANGED AFTER THE SNAPSHOT'")
            changed.append(code)
        return real(cursor, code, only)

    monkeypatch.setattr(data_module, "read_form", read_form)
    out = run_export(small, tmp_path / "x.xlsx")
    assert changed == ["CM"]
    book = openpyxl.load_workbook(out, read_only=True)
    values = [v for row in book["Conmeds"].iter_rows(values_only=True) for v in row]
    book.close()
    assert "CHANGED AFTER THE SNAPSHOT" not in values
    assert len(values) > 10
