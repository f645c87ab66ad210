"""The Summary, Flow and AE summary sheets (msct_crf.reporting.export.summary), checked by hand
on the small study and against the database on the small and the demo study."""

from __future__ import annotations

import math
import sqlite3
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from export_readback import Exported, _check_summary_against_db, sheet_frame
from scipy import stats


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


def test_summary_against_database(exported: Exported) -> None:
    _check_summary_against_db(exported.out, exported.db)


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


# --------------------------------------------------------------------------- Wilcoxon


def test_wilcoxon_published_example_exact() -> None:
    """Hollander, Wolfe & Chicken, Nonparametric Statistical Methods (3rd ed., 2014),
    Example 3.1 (Hamilton depression scale before and after tranquilizer, n = 9), also the
    example of R's wilcox.test: T+ = 40, one-sided exact p = 10/512 = 0.01953, so the
    two-sided exact p is 20/512. The differences are in steps of 0.001."""
    from msct_crf.reporting.export.summary import PMethod, wilcoxon_signed_rank

    first = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    second = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    steps = [round((a - b) * 1000) for a, b in zip(first, second, strict=True)]
    assert steps == [952, -147, 1022, 430, 620, 590, 490, -80, 10]
    result = wilcoxon_signed_rank(np.array(steps))
    assert result.method == PMethod.EXACT
    assert result.zeros == 0
    assert result.p_value == pytest.approx(20 / 512, rel=1e-12)


def test_wilcoxon_ties_and_zeros_normal_approximation() -> None:
    """Zeros dropped (Wilcoxon 1945); ties get mid-ranks and the variance
    n(n+1)(2n+1)/24 - sum(t^3 - t)/48 (Hollander, Wolfe & Chicken 2014, eq. 3.13), no
    continuity correction, worked out by hand here."""
    from msct_crf.reporting.export.summary import PMethod, wilcoxon_signed_rank

    steps = np.array([1, 1, 2, -3, 4, 4, 4, 5, 0, 0])
    # |d| ranks: 1, 1 -> 1.5 each; 2 -> 3; 3 -> 4; 4, 4, 4 -> 6 each; 5 -> 8
    t_plus, n = 1.5 + 1.5 + 3 + 6 + 6 + 6 + 8, 8
    variance = n * (n + 1) * (2 * n + 1) / 24 - ((2**3 - 2) + (3**3 - 3)) / 48
    z = (t_plus - n * (n + 1) / 4) / math.sqrt(variance)
    result = wilcoxon_signed_rank(steps)
    assert result.method == PMethod.NORMAL
    assert result.zeros == 2
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-12)
    assert wilcoxon_signed_rank(np.array([0, 0])).p_value is None
