"""The study read for export (msct_crf.reporting.export.data): identifying fields, units, the
wide sheet, deviations, one row per record, missing-data code columns, filters."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from export_factory import VISITS
from export_readback import Exported, all_cell_text, run_export, sheet_frame

from msct_crf.storage.store import Store


def test_identifying_fields_left_out_unless_asked(small: Store, tmp_path: Path) -> None:
    out = run_export(small, tmp_path / "x.xlsx", include_audit=True)
    text = all_cell_text(out)
    assert "H-SECRET-0001" not in text
    assert "Hospital record number" not in text
    assert "HOSPNUM" in text  # named in the README as left out, its value withheld
    out2 = run_export(small, tmp_path / "y.xlsx", include_audit=True, include_identifying=True)
    enrol = sheet_frame(out2, "Enrolment")
    assert "H-SECRET-0001" in enrol["Hospital record number"].tolist()


def test_conventional_units(small: Store, tmp_path: Path) -> None:
    out = run_export(small, tmp_path / "x.xlsx", units="conventional")
    visits = sheet_frame(out, "Visits")
    assert "Total bilirubin (mg/dL)" in visits.columns
    assert "Albumin (g/dL)" in visits.columns
    first = visits.iloc[0]
    assert first["Total bilirubin (mg/dL)"] == pytest.approx(40 / 17.1)
    assert first["Albumin (g/dL)"] == pytest.approx(3.0)
    summary = sheet_frame(out, "Summary")
    tbil = summary[summary["Variable"] == "Total bilirubin"].set_index("Visit")
    assert tbil.loc["Baseline", "Unit"] == "mg/dL"
    assert tbil.loc["Baseline", "Mean"] == pytest.approx(60 / 17.1)
    wide = sheet_frame(out, "Wide")
    assert wide.loc[0, "TBIL_BASELINE"] == pytest.approx(40 / 17.1)


def test_wide_sheet(exported: Exported, ids: dict[str, str]) -> None:
    wide = exported["Wide"]
    assert len(wide) == 5
    columns = list(wide.columns)
    assert columns[0] == "SUBJID"
    assert columns.index("SEX") < columns.index("TBIL_BASELINE")
    assert columns.index("TBIL_BASELINE") < columns.index("TBIL_M6") < columns.index("TBIL_M24")
    row = wide.set_index("SUBJID").loc[ids["S1"]]
    assert row["TBIL_BASELINE"] == 40 and row["TBIL_M6"] == 30 and row["TBIL_M24"] == 22
    assert row["ALB_M12"] == 35
    assert row["VISDTC_M6"] == pd.Timestamp("2023-07-11")
    assert pd.isna(wide.set_index("SUBJID").loc[ids["S2"], "TBIL_M12"])
    assert row["EXSRC"] == "Umbilical cord MSC"


def test_deviations(exported: Exported, ids: dict[str, str]) -> None:
    dev = exported["Deviations"]
    found = {(r["Subject ID"], r["Visit"], r["Deviation"]) for _, r in dev.iterrows()}
    assert (ids["S5"], "Month 6", "Visit out of window") in found
    s5 = dev[(dev["Subject ID"] == ids["S5"]) & (dev["Visit"] == "Month 6")].iloc[0]
    assert s5["Days outside window"] == 7  # day 203, window closes day 196
    assert s5["Visit date"] == pd.Timestamp("2023-11-20")
    assert (ids["S2"], "Month 12", "Visit missed") in found  # lost 2024-06-01
    assert all(subject != ids["S3"] or visit != "Month 24" for subject, visit, _ in found)


def test_long_sheets_one_row_per_record(exported: Exported) -> None:
    with sqlite3.connect(exported.db) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "subject",
                "infusion",
                "vital_sign",
                "visit",
                "adverse_event",
                "conmed",
                "medical_history",
                "disposition",
            )
        }
    for sheet, table in {
        "Enrolment": "subject",
        "Infusions": "infusion",
        "Vital signs": "vital_sign",
        "Visits": "visit",
        "Adverse events": "adverse_event",
        "Conmeds": "conmed",
        "Medical history": "medical_history",
        "Disposition": "disposition",
    }.items():
        assert len(exported[sheet]) == counts[table], sheet
    vs = exported["Vital signs"]
    assert list(vs.columns[:3]) == ["Subject ID", "Infusion number", "Timepoint"]
    assert vs["Timepoint"].tolist()[:2] == ["Pre-infusion", "15 min"]


def test_missing_data_code_column(exported: Exported, ids: dict[str, str]) -> None:
    visits = exported["Visits"]
    columns = list(visits.columns)
    code_col = "Alanine aminotransferase: missing-data code"
    assert columns.index(code_col) == columns.index("Alanine aminotransferase (U/L)") + 1
    row = visits[(visits["Subject ID"] == ids["S5"]) & (visits["Visit"] == "Month 6")].iloc[0]
    assert pd.isna(row["Alanine aminotransferase (U/L)"])
    assert row[code_col] == "ND"
    readme = " ".join(str(v) for v in exported["README"]["Value"])
    assert "not done" in readme and "_MISSING" in readme


def test_filters(small: Store, tmp_path: Path, ids: dict[str, str]) -> None:
    out = run_export(small, tmp_path / "x.xlsx", subjects=(ids["S1"], ids["S5"]))
    assert sheet_frame(out, "Wide")["SUBJID"].tolist() == [ids["S1"], ids["S5"]]
    out = run_export(small, tmp_path / "y.xlsx", sites=("NJG",))
    assert sheet_frame(out, "Enrolment")["Subject ID"].tolist() == [ids["S5"]]
    out = run_export(
        small,
        tmp_path / "z.xlsx",
        date_from=dt.date(2023, 7, 1),
        date_to=dt.date(2023, 12, 31),
    )
    visits = sheet_frame(out, "Visits")
    expected = sorted(v[2] for v in VISITS if "2023-07-01" <= v[2] <= "2023-12-31")
    assert sorted(visits["Visit date"].dt.strftime("%Y-%m-%d")) == expected
    assert len(sheet_frame(out, "Infusions")) == 0
    assert len(sheet_frame(out, "Enrolment")) == 5
