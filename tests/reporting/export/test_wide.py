"""The Wide sheet (msct_crf.reporting.export.wide): a visit dated after death or liver
transplantation keeps its values and is flagged; the Summary still leaves it out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from export_readback import Exported
from scale_readback import UnitExports, sql_frame

from msct_crf.study.dictionary import VISITS


def test_visit_after_transplant_flagged_and_kept(exported: Exported, ids: dict[str, str]) -> None:
    wide = exported["Wide"].set_index("SUBJID")
    # S3 was transplanted on 2023-12-01; its month-12 visit (2024-03-01) stays, flagged
    assert wide.loc[ids["S3"], "AFTEREND_M12"] == "Yes"
    assert wide.loc[ids["S3"], "TBIL_M12"] == 10
    assert wide.loc[ids["S3"], "AFTEREND_M6"] == "No"
    assert pd.isna(wide.loc[ids["S2"], "AFTEREND_M12"])  # no visit, no flag
    assert (wide["AFTEREND_BASELINE"] == "No").all()
    columns = list(wide.columns)
    dates = [columns.index(f"VISDTC_{v.code}") for v in VISITS]
    flags = [columns.index(f"AFTEREND_{v.code}") for v in VISITS]
    assert min(flags) == max(dates) + 1  # right after the visit dates
    summary = exported["Summary"]
    tbil = summary[summary["Variable"] == "Total bilirubin"].set_index("Visit")
    assert tbil.loc["Month 12", "Values excluded (after death or transplant)"] == 1
    codebook = exported["Codebook"].set_index("Variable")
    assert "Y = Yes" in codebook.loc["AFTEREND_M12", "Codes"]


def _flags_match(db: Path, out: Path) -> set[tuple[str, str]]:
    """Every flagged cell is a visit dated after the subject's death or transplant date, and
    every such visit is flagged; returns them."""
    visits = sql_frame(
        db,
        "SELECT s.subjid, v.visit, min(v.visdtc) AS visdtc, d.dsdecod, d.dsstdtc, d.dsltxdtc "
        "FROM visit v JOIN subject s ON s.id = v.subject_id "
        "LEFT JOIN disposition d ON d.subject_id = s.id "
        "WHERE v.visit != 'UNSCHED' GROUP BY s.subjid, v.visit",
    )
    end = visits["dsltxdtc"].fillna(visits["dsstdtc"].where(visits["dsdecod"] == "LTX"))
    end = end.fillna(visits["dsstdtc"].where(visits["dsdecod"] == "DIED"))
    after = visits[visits["visdtc"].str[:10] > end.astype("string").str[:10].fillna("9999")]
    expected = {(r.subjid, r.visit) for r in after.itertuples()}
    wide = pd.read_excel(out, sheet_name="Wide").set_index("SUBJID")
    flagged = {
        (subjid, column.removeprefix("AFTEREND_"))
        for column in wide.columns
        if column.startswith("AFTEREND_")
        for subjid in wide.index[wide[column] == "Yes"]
    }
    assert flagged == expected
    return expected


def test_flags_recomputed_from_sqlite(
    exported: Exported, demo_exports: UnitExports, ids: dict[str, str]
) -> None:
    assert _flags_match(exported.db, exported.out) == {(ids["S3"], "M12")}
    _flags_match(demo_exports.db, demo_exports.si)


def test_values_after_the_end_are_shaded(exported: Exported) -> None:
    """One conditional format per visit over that visit's value columns, true where its
    AFTEREND flag says Yes."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(exported.out)
    ws = book["Wide"]
    header = [c.value for c in ws[1]]
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
    book.close()
    flag = get_column_letter(header.index("AFTEREND_M12") + 1)
    (sqref,) = [ref for ref, formulas in rules.items() if formulas == [f'${flag}2="Yes"']]
    columns = {get_column_letter(header.index(n) + 1) for n in ("TBIL_M12", "ALB_M12")}
    covered = {part.split(":")[0].rstrip("0123456789") for part in sqref.split()}
    assert columns <= covered
    assert flag not in covered
    assert len(rules) == len(VISITS)
