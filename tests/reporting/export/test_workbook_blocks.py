"""Data sheets are written a block of rows at a time (issue 14: the memory of a large
export); the cells do not depend on the block size."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from export_factory import VISITS
from export_readback import run_export

from msct_crf.storage.store import Store


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: list(ws.iter_rows(values_only=True))
            for ws in book.worksheets
            if ws.title != "README"  # names the audit head, which the first export moved on
        }
    finally:
        book.close()


def test_cells_are_the_same_whatever_the_block_size(
    small: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msct_crf.reporting.export.workbook as workbook

    whole = _cells(run_export(small, tmp_path / "whole.xlsx", include_audit=True))
    monkeypatch.setattr(workbook, "BLOCK_ROWS", 3)
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 8)  # 7 rows a sheet: blocks cross parts
    blocks = _cells(run_export(small, tmp_path / "blocks.xlsx", include_audit=True))
    assert len(VISITS) > 7
    visits = [row for name, rows in blocks.items() if name.startswith("Visits") for row in rows]
    headers = whole["Visits"][0]
    assert [r for r in visits if r != headers] == whole["Visits"][1:]
    for name in ("Wide", "Infusions", "Adverse events"):
        assert blocks[name] == whole[name], name
    audit = [row for name, rows in blocks.items() if name.startswith("Audit") for row in rows]
    # the second export also sees the first one's audit row
    assert [r for r in audit if r != whole["Audit trail"][0]][: len(whole["Audit trail"]) - 1] == (
        whole["Audit trail"][1:]
    )
