"""A 300-subject scale study exported in SI and in conventional units, and a small Excel
number formatter, for the export tests that recompute every cell from the SQLite file.

The scale study (``msct-crf scale --subjects 300``) has subjects still in follow-up with
overdue visits, ties and zero differences in the paired labs, and enough pairs for the
normal approximation; the export runs on the study's reference day. The fixtures are
registered by tests/reporting/export/conftest.py and built once per package.

:func:`excel_display` shows a number the way Excel shows it with the number formats the
export uses (``0``, ``0.0...``, and the journal-style p format with its two conditions),
written from Excel's rules, not from msct_crf.reporting.export.display.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from export_factory import NOW

from msct_crf.clock import use_clock
from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main
from msct_crf.tools.scale import REFERENCE_DAY

SCALE_SUBJECTS = 300


@dataclass(frozen=True)
class UnitExports:
    """One database exported twice: SI and conventional units."""

    db: Path
    si: Path
    conventional: Path


def export_both(db: Path, folder: Path) -> UnitExports:
    out = UnitExports(db, folder / "si.xlsx", folder / "conventional.xlsx")
    with Store.open_path(db) as store, use_clock(lambda: NOW):
        export_workbook(store, out.si, ExportOptions(), user="pi")
        export_workbook(store, out.conventional, ExportOptions(units="conventional"), user="pi")
    return out


@pytest.fixture(scope="package")
def scale_exports(tmp_path_factory: pytest.TempPathFactory) -> UnitExports:
    assert NOW.date() == REFERENCE_DAY  # the export's "today" is the scale study's
    folder = tmp_path_factory.mktemp("scale")
    db = folder / "scale.db"
    command = ["scale", "--db", str(db), "--subjects", str(SCALE_SUBJECTS)]
    assert cli_main(command) == 0
    return export_both(db, folder)


@pytest.fixture(scope="package")
def demo_exports(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> UnitExports:
    folder = tmp_path_factory.mktemp("demo_units")
    db = folder / "demo.db"
    shutil.copyfile(demo_template, db)
    return export_both(db, folder)


def sql_frame(db: Path, query: str) -> pd.DataFrame:
    with sqlite3.connect(db) as conn:
        return pd.read_sql_query(query, conn)


def sheet_cells(path: Path, sheet: str) -> list[list[openpyxl.cell.cell.Cell]]:
    """Every row of a sheet as openpyxl cells (value and number_format)."""
    book = openpyxl.load_workbook(path)
    rows = [list(row) for row in book[sheet].iter_rows()]
    book.close()
    return rows


# --------------------------------------------------------------------------- formatting

_CONDITION = re.compile(r"^\[(<=|>=|<|>|=)(-?[\d.]+)\](.*)$")


def _excel_fixed(value: float, places: int) -> str:
    """Excel's display: the value to 15 significant digits, rounded half away from zero."""
    exact = Decimal(repr(float(value)))
    digits = exact.adjusted() + 1  # digits before the point
    fifteen = exact.quantize(Decimal(1).scaleb(digits - 15), rounding=ROUND_HALF_UP)
    return str(fifteen.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _plain(value: float, section: str) -> str:
    if section.startswith('"') and section.endswith('"'):
        return section[1:-1]
    if section == "General":
        return repr(value)
    match = re.fullmatch(r"0(?:\.(0+))?", section)
    assert match, f"a number format this formatter does not know: {section!r}"
    return _excel_fixed(value, len(match.group(1) or ""))


def excel_display(value: float | None, number_format: str) -> str | None:
    """What Excel shows for `value` in a cell with `number_format` (the formats used here).

    With two conditional sections Excel uses the first whose condition holds, else the
    third section; a format without conditions is one section for every number.
    """
    if value is None:
        return None
    sections = number_format.split(";")
    for section in sections:
        match = _CONDITION.match(section)
        if match is None:
            return _plain(value, section)
        op, limit, fmt = match.group(1), float(match.group(2)), match.group(3)
        holds = {
            "<": value < limit,
            "<=": value <= limit,
            ">": value > limit,
            ">=": value >= limit,
            "=": value == limit,
        }[op]
        if holds:
            return _plain(value, fmt)
    raise AssertionError(f"no section of {number_format!r} applies to {value}")
