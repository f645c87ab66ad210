"""Per-form CSV files (msct_crf.reporting.export.csv): UTF-8 with BOM, codes, defused formulas."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from export_factory import FORMULA_TERM
from export_readback import Exported
from scale_readback import UnitExports, sql_frame

from msct_crf.reporting.export import ExportOptions, export_csv, export_workbook
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


def test_conventional_csv_rounded_to_the_fields_precision(
    scale_exports: UnitExports, tmp_path: Path
) -> None:
    """Converted values carry the column's decimals (the Codebook's), rounded half up, and
    agree with the stored SI value converted; SI values are written as stored."""
    from msct_crf.study.dictionary import FORMS

    with Store.open_path(scale_exports.db) as store:
        export_csv(store, tmp_path, ExportOptions(units="conventional"), user="pi")
    text = (tmp_path / "MSCT-AILD_VIS.csv").read_text(encoding="utf-8-sig")
    visits = pd.read_csv(tmp_path / "MSCT-AILD_VIS.csv", encoding="utf-8-sig", dtype=str)
    stored = sql_frame(
        scale_exports.db,
        "SELECT s.subjid, v.visit, v.visdtc, v.id, v.tbil, v.alb, v.alt FROM visit v "
        "JOIN subject s ON s.id = v.subject_id",
    )
    assert len(visits) == len(stored)
    for code, places in (("TBIL", 3), ("ALB", 3)):
        f = FORMS["VIS"].field(code)
        assert f.conventional is not None and (f.decimals or 0) + 2 == places
        shown = visits[code].dropna()
        assert shown.str.fullmatch(r"-?\d+(\.\d{1,3})?").all(), code
        quantum = Decimal(1).scaleb(-places)
        expected = sorted(
            float(Decimal(repr(v / f.conventional.factor)).quantize(quantum, ROUND_HALF_UP))
            for v in stored[code.lower()].dropna()
        )
        assert sorted(shown.astype(float)) == pytest.approx(expected, abs=1e-12)
    assert "1.9649122807017543" not in text
    alt = dict(zip(stored["id"], stored["alt"], strict=True))  # not converted: as stored
    assert sorted(visits["ALT"].dropna().astype(float)) == sorted(v for v in alt.values() if v == v)


def test_readme_and_codebook_explain_the_apostrophe(exported: Exported) -> None:
    readme = exported["README"].set_index("Item")["Value"]
    assert "apostrophe (')" in readme["CSV files"]
    codebook = exported["Codebook"]
    notes = codebook.set_index(["Sheet", "Variable"])["Note"]
    assert "apostrophe (')" in notes[("Adverse events", "AETERM")]
    assert "= + - @" in notes[("Adverse events", "AETERM")]
    assert pd.isna(notes[("Visits", "TBIL")])  # numbers get no such note
