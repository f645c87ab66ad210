"""The workbook as written (msct_crf.reporting.export.workbook): frozen headers, typed cells,
formula-like text kept as text, native charts, the README, Chinese labels, long sheets."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from export_factory import FORMULA_TERM, VISITS
from export_readback import Exported, run_export, sheet_frame

from msct_crf.storage.audit import head_hash
from msct_crf.storage.store import Store


def test_frozen_header_autofilter_and_widths(exported: Exported) -> None:
    book = exported.book
    for ws in book.worksheets:
        assert ws.freeze_panes in ("A2", "B2", "D2"), ws.title
        assert ws.auto_filter.ref, ws.title
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
    visits = book["Visits"]
    widths = [visits.column_dimensions[c].width for c in ("A", "B", "C")]
    assert all(w and w >= 6 for w in widths)


def test_cells_are_dates_and_numbers(exported: Exported) -> None:
    book = exported.book
    ws = book["Visits"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == [
        "Subject ID",
        "Visit",
        "Visit date",
        "Study day (day 0 = first infusion)",
    ]
    date_cell = ws.cell(2, 3)
    assert date_cell.is_date and isinstance(date_cell.value, dt.datetime)
    assert date_cell.number_format == "yyyy-mm-dd"
    tbil = ws.cell(2, headers.index("Total bilirubin (µmol/L)") + 1)
    assert tbil.data_type == "n" and isinstance(tbil.value, int | float)
    meld = ws.cell(2, headers.index("MELD") + 1)
    assert meld.data_type == "n"
    infusions = book["Infusions"]
    start = infusions.cell(2, [c.value for c in infusions[1]].index("Infusion start") + 1)
    assert start.is_date and start.value == dt.datetime(2023, 1, 10, 9, 0)
    summary = book["Summary"]
    assert summary.cell(2, 4).data_type == "n"  # n
    assert summary.cell(2, 5).data_type == "n"  # mean


def test_formula_like_text_stays_text(exported: Exported) -> None:
    book = exported.book
    ws = book["Adverse events"]
    terms = {ws.cell(r, 3).value: ws.cell(r, 3).data_type for r in range(2, ws.max_row + 1)}
    assert terms == {FORMULA_TERM: "s", "+1": "s"}
    mh = book["Medical history"]
    assert mh.cell(2, 3).value == "-hypertension" and mh.cell(2, 3).data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_summary_charts_are_native_excel_charts(exported: Exported) -> None:
    with zipfile.ZipFile(exported.out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 3
        xml = "".join(z.read(n).decode("utf-8") for n in charts)
    assert xml.count("<c:lineChart>") == 3
    assert "Summary!" in xml
    for title in ("Mean MELD", "Mean Total bilirubin", "Mean Albumin"):
        assert title in xml


def test_readme(small: Store, tmp_path: Path) -> None:
    with small.reading() as session:
        head = head_hash(session)
    out = run_export(small, tmp_path / "x.xlsx", sites=("GZH",))
    readme = sheet_frame(out, "README").set_index("Item")["Value"]
    assert readme["Audit-chain head hash"] == head
    assert readme["Exported by"] == "pi"
    assert readme["Exported (UTC)"] == "2026-11-25 10:00:00 UTC"
    assert readme["Database file"] == str(small.path)
    assert readme["Option: Sites"] == "GZH"
    assert readme["Subjects exported"] == 4
    assert "after death or liver transplantation" in " ".join(
        str(v) for v in readme[readme.index == "Exclusion applied"]
    )
    assert readme["Missing-data code UNK"] == "unknown"


def test_chinese_labels(small: Store, tmp_path: Path, ids: dict[str, str]) -> None:
    out = run_export(small, tmp_path / "x.xlsx", language="zh")
    visits = sheet_frame(out, "Visits")
    assert list(visits.columns[:3]) == ["受试者编号", "访视", "访视日期"]
    assert "总胆红素 (µmol/L)" in visits.columns
    assert visits["访视"].iloc[0] == "基线"
    enrol = sheet_frame(out, "Enrolment")
    assert set(enrol["性别"]) == {"女", "男"}
    conmeds = sheet_frame(out, "Conmeds")
    assert conmeds["药物名称"].tolist() == ["熊去氧胆酸"]
    summary = sheet_frame(out, "Summary")
    assert "总胆红素" in summary["变量"].tolist()
    flow = sheet_frame(out, "Flow")
    assert "死亡" in flow["类别"].tolist()
    codebook = sheet_frame(out, "Codebook")
    assert "总胆红素" in codebook["标签（中文）"].tolist()


def test_long_sheet_continues_past_the_row_limit(
    small: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msct_crf.reporting.export.workbook as workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 7)  # 6 data rows per sheet
    out = run_export(small, tmp_path / "x.xlsx", forms=("VIS",))
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names[4:7] == ["Visits", "Visits (2)", "Visits (3)"]
    parts = [sheet_frame(out, n) for n in names[4:7]]
    assert [len(p) for p in parts] == [6, 6, 4]
    assert sum(len(p) for p in parts) == len(VISITS)
    assert list(parts[1].columns) == list(parts[0].columns)
