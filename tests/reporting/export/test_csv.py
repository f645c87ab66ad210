"""Per-form CSV files (msct_crf.reporting.export.csv): UTF-8 with BOM, codes, defused formulas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from export_factory import FORMULA_TERM

from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.store import Store


def test_csv_files(small: Store, tmp_path: Path, ids: dict[str, str]) -> None:
    report = export_workbook(
        small, tmp_path / "x.xlsx", ExportOptions(), user="pi", csv_dir=tmp_path / "csv"
    )
    names = sorted(p.name for p in report.csv_files)
    assert len(names) == 8
    for path in report.csv_files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    visits = pd.read_csv(tmp_path / "csv" / "MSCT-AILD_VIS.csv", encoding="utf-8-sig")
    assert list(visits.columns[:4]) == ["SUBJID", "VISIT", "VISDTC", "STUDYDAY"]
    assert visits["VISIT"].iloc[0] == "BASELINE"
    assert visits["TBIL"].iloc[0] == 40
    assert visits["VISDTC"].iloc[0] == "2023-01-08"
    ae = pd.read_csv(tmp_path / "csv" / "MSCT-AILD_AE.csv", encoding="utf-8-sig")
    assert sorted(ae["AETERM"]) == ["'+1", "'" + FORMULA_TERM]
    cm = pd.read_csv(tmp_path / "csv" / "MSCT-AILD_CM.csv", encoding="utf-8-sig")
    assert cm["CMTRT"].tolist() == ["熊去氧胆酸"]
    enrol = pd.read_csv(tmp_path / "csv" / "MSCT-AILD_ENROL.csv", encoding="utf-8-sig")
    assert "HOSPNUM" not in enrol.columns
