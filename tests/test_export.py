"""The export workbook, CSV files, REDCap dictionary and `msct-crf export`.

Two studies: a small hand-built one whose expected numbers are written out here by hand
(five subjects: completed, lost, transplanted with a visit after the transplant, died,
completed with an out-of-window visit and a missing-data code), and the 26-subject demo.
Every sheet is read back with openpyxl / pandas and checked against the database read
with plain sqlite3 and pandas, never through msct_crf.reporting.export itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import statistics
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from export_factory import FORMULA_TERM, NOW, VISITS, build_small_study
from scipy import stats

from msct_crf.reporting.export import (
    REDCAP_COLUMNS,
    ExportCancelled,
    ExportError,
    ExportOptions,
    expected_sheets,
    export_csv,
    export_workbook,
)
from msct_crf.storage.audit import head_hash
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main


@pytest.fixture(scope="module")
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


@pytest.fixture(scope="module")
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
    export_workbook(store, out, ExportOptions(**options), user="pi", now=lambda: NOW)
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


# --------------------------------------------------------------------------- structure


def test_sheet_names_and_order(exported: Exported, small: Store, tmp_path: Path) -> None:
    names = exported.book.sheetnames
    assert names == [
        "README",
        "Codebook",
        "Summary",
        "Wide",
        "Enrolment",
        "Infusions",
        "Vital signs",
        "Visits",
        "Adverse events",
        "Conmeds",
        "Medical history",
        "Disposition",
        "Flow",
        "AE summary",
        "Deviations",
    ]
    assert names == expected_sheets(ExportOptions())
    out2 = run_export(small, tmp_path / "y.xlsx", include_audit=True, forms=("VIS", "AE"))
    names2 = openpyxl.load_workbook(out2, read_only=True).sheetnames
    assert names2 == [
        "README",
        "Codebook",
        "Summary",
        "Wide",
        "Visits",
        "Adverse events",
        "Flow",
        "AE summary",
        "Deviations",
        "Audit trail",
    ]


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


def test_identifying_fields_left_out_unless_asked(small: Store, tmp_path: Path) -> None:
    out = run_export(small, tmp_path / "x.xlsx", include_audit=True)
    text = all_cell_text(out)
    assert "H-SECRET-0001" not in text
    assert "Hospital record number" not in text
    assert "HOSPNUM" in text  # named in the README as left out, its value withheld
    out2 = run_export(small, tmp_path / "y.xlsx", include_audit=True, include_identifying=True)
    enrol = sheet_frame(out2, "Enrolment")
    assert "H-SECRET-0001" in enrol["Hospital record number"].tolist()


# --------------------------------------------------------------------------- summary


def test_summary_matches_hand_computation(exported: Exported) -> None:
    summary = exported["Summary"]
    rows = summary[summary["Variable"] == "Total bilirubin"].set_index("Visit")
    # baseline: all five subjects
    assert rows.loc["Baseline", "n"] == 5
    assert rows.loc["Baseline", "Mean"] == pytest.approx((40 + 60 + 80 + 100 + 20) / 5)
    assert rows.loc["Baseline", "SD"] == pytest.approx(statistics.stdev([40, 60, 80, 100, 20]))
    assert rows.loc["Baseline", "Median"] == pytest.approx(60)
    # month 12: S1 25, S4 150, S5 17 kept; S3 (after transplant) excluded
    assert rows.loc["Month 12", "n"] == 3
    assert rows.loc["Month 12", "Mean"] == pytest.approx((25 + 150 + 17) / 3)
    assert rows.loc["Month 12", "Values excluded (after death or transplant)"] == 1
    assert rows.loc["Month 12", "n paired with baseline"] == 3
    change = [25 - 40, 150 - 100, 17 - 20]
    assert rows.loc["Month 12", "Mean change from baseline"] == pytest.approx(
        statistics.mean(change)
    )
    assert rows.loc["Month 12", "p (Wilcoxon signed-rank)"] == pytest.approx(
        stats.wilcoxon(change).pvalue
    )
    # month 24: S1 22, S5 16
    assert rows.loc["Month 24", "n"] == 2
    assert rows.loc["Month 24", "Mean"] == pytest.approx(19)
    assert rows.loc["Month 24", "Mean ± SD"] == "19.00 ± 4.24"
    # ALT at month 6: S5 is ND, so four values
    alt = summary[summary["Variable"] == "Alanine aminotransferase"].set_index("Visit")
    assert alt.loc["Month 6", "n"] == 4
    assert alt.loc["Month 6", "Mean"] == pytest.approx((60 + 90 + 65 + 110) / 4)
    assert set(summary["Visit"].dropna().unique()) >= {
        "Baseline",
        "Month 6",
        "Month 12",
        "Month 24",
    }


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


def test_summary_against_database(exported: Exported) -> None:
    _check_summary_against_db(exported.out, exported.db)


def test_summary_charts_are_native_excel_charts(exported: Exported) -> None:
    with zipfile.ZipFile(exported.out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 3
        xml = "".join(z.read(n).decode("utf-8") for n in charts)
    assert xml.count("<c:lineChart>") == 3
    assert "Summary!" in xml
    for title in ("Mean MELD", "Mean Total bilirubin", "Mean Albumin"):
        assert title in xml


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


# --------------------------------------------------------------------------- other sheets


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


def test_flow_counts_match_dispositions(exported: Exported, ids: dict[str, str]) -> None:
    flow = exported["Flow"].set_index("Category")
    with sqlite3.connect(exported.db) as conn:
        ds = dict(
            conn.execute("SELECT dsdecod, count(*) FROM disposition GROUP BY dsdecod").fetchall()
        )
        enrolled = conn.execute("SELECT count(*) FROM subject").fetchone()[0]
    assert flow.loc["Enrolled", "n"] == enrolled == 5
    assert flow.loc["Completed", "n"] == ds["COMPLETED"] == 2
    assert flow.loc["Died", "n"] == ds["DIED"] == 1
    assert flow.loc["Liver transplantation", "n"] == ds["LTX"] == 1
    assert flow.loc["Lost to follow-up", "n"] == ds["LOST"] == 1
    assert flow.loc["Withdrew consent", "n"] == 0
    assert flow.loc["Umbilical cord MSC", "n"] == 3
    assert flow.loc["Cord blood MSC", "n"] == 1
    assert flow.loc["Bone marrow MSC", "n"] == 1
    assert flow.loc["Died", "Subject IDs"] == ids["S4"]


def test_ae_summary(exported: Exported) -> None:
    ae = exported["AE summary"]
    counts = {(g, c): (e, s) for g, c, e, s in ae.iloc[:, :4].itertuples(index=False)}
    assert counts[("All adverse events", "Any")] == (2, 2)
    assert counts[("CTCAE grade", "Grade 1 (mild)")] == (1, 1)
    assert counts[("CTCAE grade", "Grade 3 (severe)")] == (1, 1)
    assert counts[("CTCAE grade", "Grade 2 (moderate)")] == (0, 0)
    assert counts[("Serious", "Yes")] == (1, 1)
    assert counts[("Relationship to MSC", "Possible")] == (1, 1)
    infusion = "Infusion-related (within 24 h of an infusion)"
    assert counts[(infusion, "Yes")] == (1, 1)
    assert counts[(infusion, "No")] == (1, 1)
    assert counts[("Serious and infusion-related", "Yes")] == (0, 0)


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


def test_bad_options_are_refused(small: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="forms"):
        ExportOptions(forms=("XX",))
    with pytest.raises(ExportError, match="language"):
        ExportOptions(language="fr")
    with pytest.raises(ExportError, match="units"):
        ExportOptions(units="imperial")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="date range"):
        ExportOptions(date_from=dt.date(2024, 1, 2), date_to=dt.date(2024, 1, 1))
    with pytest.raises(ExportError, match="subjects"):
        run_export(small, tmp_path / "x.xlsx", subjects=("NOPE-1",))
    with pytest.raises(ExportError, match=r"\.xlsx"):
        run_export(small, tmp_path / "x.csv")
    with pytest.raises(ExportError, match="does not exist"):
        run_export(small, tmp_path / "no" / "x.xlsx")
    assert not list(tmp_path.glob("*.xlsx*")) and not list(tmp_path.glob(".*part"))


# --------------------------------------------------------------------------- audit, cancel


def _export_rows(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT user, new_value FROM audit_log WHERE action = 'export' ORDER BY id"
        ).fetchall()


def test_every_export_is_audited(small: Store, tmp_path: Path) -> None:
    assert small.path is not None
    assert _export_rows(small.path) == []
    run_export(small, tmp_path / "first.xlsx")
    run_export(small, tmp_path / "second.xlsx", language="zh")
    rows = _export_rows(small.path)
    assert [user for user, _ in rows] == ["pi", "pi"]
    assert "first.xlsx" in rows[0][1] and "second.xlsx" in rows[1][1]
    assert "language=zh" in rows[1][1]
    with small.reading() as session:
        from msct_crf.storage.audit import verify

        assert verify(session).ok


def test_cancel_leaves_nothing_behind(small: Store, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls: list[int] = []

    def progress(percent: int, message: str) -> None:
        calls.append(percent)

    with pytest.raises(ExportCancelled):
        export_workbook(
            small,
            out_dir / "cancelled.xlsx",
            ExportOptions(),
            user="pi",
            progress=progress,
            cancelled=lambda: len(calls) >= 3,
        )
    assert len(calls) >= 3
    assert list(out_dir.iterdir()) == []
    assert small.path is not None
    assert _export_rows(small.path) == []


def test_progress_reaches_100(small: Store, tmp_path: Path) -> None:
    seen: list[int] = []
    export_workbook(
        small, tmp_path / "x.xlsx", ExportOptions(), user="pi", progress=lambda p, m: seen.append(p)
    )
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)


# --------------------------------------------------------------------------- CSV, REDCap, CLI


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


def test_redcap_dictionary(small: Store, tmp_path: Path) -> None:
    export_csv(small, tmp_path / "csv", ExportOptions(), user="pi", redcap_path=tmp_path / "rc.csv")
    raw = (tmp_path / "rc.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(tmp_path / "rc.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == REDCAP_COLUMNS
    assert len(REDCAP_COLUMNS) == 18
    assert frame.iloc[0]["Variable / Field Name"] == "subjid"
    by_name = frame.set_index("Variable / Field Name")
    assert by_name.loc["tbil", "Text Validation Type OR Show Slider Number"] == "number"
    assert by_name.loc["tbil", "Text Validation Max"] == "1500"
    assert by_name.loc["sex", "Choices, Calculations, OR Slider Labels"] == "F, Female | M, Male"
    assert by_name.loc["visdtc", "Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert by_name.loc["meld", "Field Annotation"] == "@READONLY"
    assert by_name.loc["siteid", "Required Field?"] == "y"
    assert "hospnum" not in by_name.index
    assert small.path is not None
    assert len(_export_rows(small.path)) == 1


def test_cli_export(small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert small.path is not None
    db = str(small.path)
    out = tmp_path / "cli.xlsx"
    code = cli_main(
        [
            "export",
            "--db",
            db,
            "--out",
            str(out),
            "--language",
            "zh",
            "--forms",
            "VIS",
            "AE",
            "--csv-dir",
            str(tmp_path / "csv"),
            "--redcap",
            str(tmp_path / "rc.csv"),
            "--user",
            "cli-user",
            "--quiet",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.exists()
    assert "ok: exported 5 subjects" in capsys.readouterr().out
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[4:6] == [
        "Visits",
        "Adverse events",
    ]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "MSCT-AILD_AE.csv",
        "MSCT-AILD_VIS.csv",
    ]
    assert _export_rows(small.path)[-1][0] == "cli-user"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.xls"], ".xlsx"),
        (["--out", "x.xlsx", "--forms", "BAD"], "unknown form BAD"),
        (["--out", "x.xlsx", "--sites", "XYZ"], "unknown site XYZ"),
        (["--out", "x.xlsx", "--from", "2024-02-30"], "YYYY-MM-DD"),
        (["--out", "nowhere/x.xlsx"], "does not exist"),
    ],
)
def test_cli_bad_input_one_line(
    small: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert small.path is not None
    try:
        code = cli_main(["export", "--db", str(small.path), *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.xlsx*"))


def test_cli_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(
        ["export", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.xlsx")]
    )
    assert code == 1
    assert "not found" in capsys.readouterr().err


# --------------------------------------------------------------------------- demo study


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    shutil.copyfile(demo_template, db)  # the export appends an audit row: work on a copy
    out = folder / "demo.xlsx"
    assert cli_main(["export", "--db", str(db), "--out", str(out), "--quiet"]) == 0
    return db, out


def test_demo_flow(demo_export: tuple[Path, Path]) -> None:
    db, out = demo_export
    flow = sheet_frame(out, "Flow").set_index("Category")["n"]
    assert flow["Enrolled"] == 26
    assert flow["Died"] == 3
    assert flow["Liver transplantation"] == 2
    assert flow["Lost to follow-up"] == 4
    assert flow["Completed"] == 17
    assert (flow["Umbilical cord MSC"], flow["Cord blood MSC"], flow["Bone marrow MSC"]) == (
        23,
        2,
        1,
    )


def test_demo_summary_against_database(demo_export: tuple[Path, Path]) -> None:
    db, out = demo_export
    _check_summary_against_db(out, db)
    summary = sheet_frame(out, "Summary")
    meld = summary[summary["Variable"] == "MELD"]
    assert meld["Visit"].tolist()[:4] == ["Baseline", "Month 6", "Month 12", "Month 24"]


def test_demo_ae_and_wide(demo_export: tuple[Path, Path]) -> None:
    db, out = demo_export
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT count(*) FROM adverse_event").fetchone()[0]
        serious_infusion = conn.execute(
            "SELECT count(*) FROM adverse_event WHERE aeser = 'Y' AND aeinfrel = 'Y'"
        ).fetchone()[0]
        tbil = pd.read_sql_query(
            "SELECT s.subjid, v.tbil FROM visit v JOIN subject s ON s.id = v.subject_id "
            "WHERE v.visit = 'M6'",
            conn,
        ).set_index("subjid")["tbil"]
    ae = sheet_frame(out, "AE summary")
    assert ae.iloc[0]["Events"] == events
    row = ae[ae["Group"] == "Serious and infusion-related"].iloc[0]
    assert row["Events"] == serious_infusion == 0
    wide = sheet_frame(out, "Wide").set_index("SUBJID")
    assert len(wide) == 26
    pd.testing.assert_series_equal(
        wide.loc[tbil.index, "TBIL_M6"], tbil, check_names=False, check_dtype=False
    )


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


def test_unwritable_target_leaves_no_file_and_no_audit_row(
    small: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msct_crf.reporting.export.api as api

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(api.os, "replace", refuse)
    with pytest.raises(ExportError, match="cannot write"):
        run_export(small, tmp_path / "locked.xlsx")
    assert not list(tmp_path.glob("*.xlsx*")) and not list(tmp_path.glob(".*part"))
    assert small.path is not None
    assert _export_rows(small.path) == []


# --------------------------------------------------------------------------- roles


def test_roles_once_the_study_has_accounts(
    request: pytest.FixtureRequest,
    small: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.errors import PermissionDenied

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    request.addfinalizer(lambda: access.set_hasher_factory(PasswordHasher))
    admin_pw, nurse_pw = "Admin-Pass-2026!", "Nurse-Pass-2026!"
    access.create_admin(small, "admin", "Ada Admin", admin_pw)
    admin = access.login(small, "admin", admin_pw)
    access.add_user(
        small, admin, username="nurse1", full_name="Zhang Min", role="nurse", password=nurse_pw
    )
    nurse = access.login(small, "nurse1", nurse_pw)
    with pytest.raises(PermissionDenied, match="log in"):
        run_export(small, tmp_path / "anon.xlsx")
    options = ExportOptions(include_identifying=True)
    with pytest.raises(PermissionDenied, match="identifying"):
        export_workbook(small, tmp_path / "n.xlsx", options, user="", actor=nurse)
    with pytest.raises(PermissionDenied, match="audit"):
        export_workbook(
            small, tmp_path / "n.xlsx", ExportOptions(include_audit=True), user="", actor=nurse
        )
    assert not list(tmp_path.glob("*.xlsx"))
    export_workbook(small, tmp_path / "nurse.xlsx", ExportOptions(), user="", actor=nurse)
    export_workbook(small, tmp_path / "admin.xlsx", options, user="", actor=admin)
    assert "H-SECRET-0001" in sheet_frame(tmp_path / "admin.xlsx", "Enrolment").to_string()
    assert small.path is not None
    assert [u for u, _ in _export_rows(small.path)] == ["nurse1", "admin"]
    # the CLI logs in (password from standard input, never from the command line)
    monkeypatch.setattr("sys.stdin", io.StringIO(nurse_pw + "\n"))
    out = tmp_path / "cli.xlsx"
    args = ["export", "--db", str(small.path), "--out", str(out), "--user", "nurse1"]
    assert cli_main([*args, "--password-stdin", "--quiet"]) == 0, capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert cli_main([*args, "--password-stdin", "--quiet", "--identifying"]) == 1
    assert _export_rows(small.path)[-1][0] == "nurse1"
