"""The paper-style tables: efficacy summary, CONSORT-like flow, adverse-event counts.

Efficacy summary (DESIGN.md "Exports", Liang et al. 2017 Table 2 layout): for each
variable and timepoint, n, mean ± SD (sample SD), median [IQR] (25th-75th percentile,
linear interpolation), the mean change from baseline over subjects with both values and
the two-sided Wilcoxon signed-rank p-value on those pairs. Values measured after death or
after liver transplantation are excluded (a transplanted liver is no longer the liver
under study) and the number excluded is reported per row.

The Wilcoxon signed-rank test (Wilcoxon F. Individual comparisons by ranking methods.
Biometrics Bulletin 1945;1:80-83; Hollander M, Wolfe DA, Chicken E. Nonparametric
Statistical Methods, 3rd ed. Wiley 2014, section 3.1) ranks the absolute paired
differences. Which differences are equal must not depend on floating point: the SI and the
conventional-units export of one database must give the same p. So the differences are
taken between the stored SI values rounded to the field's decimals (the dictionary's
precision), as whole multiples of that precision, whatever units the export shows: equal
differences are exact ties and zero is exactly zero. Zero differences are dropped
(Wilcoxon's convention, ``zero_method="wilcox"``); the p-value is the exact null
distribution when at most :data:`EXACT_MAX` differences remain and none are tied, else
the normal approximation with the tie-corrected variance and no continuity correction
(``scipy.stats.wilcoxon(method="asymptotic", correction=False)``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from msct_crf.study.dictionary import FORMS, CodeList, Field, Label
from msct_crf.study.dictionary.codelists import (
    AE_GRADE,
    AE_RELATION,
    DS_STATUS,
    MSC_SOURCE,
    SITES,
    YN,
)
from msct_crf.study.units import converts, from_si, unit_of

from .data import StudyData
from .display import round_half_up
from .frames import lookup
from .options import ExportOptions

#: Variables of the summary table, in row order (visit-form field codes).
SUMMARY_VARIABLES: tuple[str, ...] = (
    "ALT",
    "AST",
    "TBIL",
    "ALB",
    "PT",
    "INR",
    "MELD",
    "MELDNA",
    "MELD3",
)

#: Variables drawn as native Excel line charts on the Summary sheet.
CHART_VARIABLES: tuple[str, ...] = ("MELD", "TBIL", "ALB")

#: Up to this many non-zero differences without ties, the exact p (scipy's own limit).
EXACT_MAX = 50

EXCLUSION_RULE = Label(
    "Values measured after death or after liver transplantation (visit date later than the "
    "date of death or of transplantation) are excluded from the summary.",
    "死亡或肝移植后（访视日期晚于死亡或肝移植日期）测得的数值不纳入汇总。",
)


class PMethod:
    """How a row's p-value was computed (the codes the Summary sheet translates)."""

    EXACT = "exact"
    NORMAL = "normal"


@dataclass(frozen=True)
class SummaryRow:
    variable: str
    label: Label
    unit: str | None
    visit: str
    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None
    n_paired: int
    mean_change: float | None
    sd_change: float | None
    p_value: float | None
    excluded: int
    decimals: int
    #: Pairs whose difference is zero at the stored precision (dropped from the test).
    zeros: int = 0
    #: PMethod.EXACT or PMethod.NORMAL; None when there is no p-value.
    p_method: str | None = None


@dataclass(frozen=True)
class WilcoxonResult:
    p_value: float | None
    zeros: int
    method: str | None


def _f(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def efficacy_cutoffs(data: StudyData) -> pd.Series:
    """Per subject ID, the date after which values are excluded (death or transplant)."""
    s = data.subjects
    death = s["DSSTDTC"].where(s["DSDECOD"] == "DIED")
    transplant = s["DSLTXDTC"].where(
        s["DSLTXDTC"].notna(), s["DSSTDTC"].where(s["DSDECOD"] == "LTX")
    )
    cutoff = pd.concat([death, transplant], axis=1).min(axis=1)
    return pd.Series(cutoff.to_numpy(), index=s["SUBJID"].to_numpy())


def after_end(visits: pd.DataFrame, data: StudyData) -> np.ndarray:
    """Per visit row, whether it is dated after the subject's death or transplantation."""
    cutoff = lookup(visits["SUBJID"], efficacy_cutoffs(data))
    return (visits["VISDTC"] > cutoff).fillna(False).to_numpy(dtype=bool)


def wilcoxon_signed_rank(steps: np.ndarray) -> WilcoxonResult:
    """The two-sided Wilcoxon signed-rank test of paired differences given as whole
    multiples of the stored precision (so ties and zeros are exact); see the module."""
    steps = np.asarray(steps, dtype="float64")
    nonzero = steps[steps != 0]
    zeros = int(steps.size - nonzero.size)
    if nonzero.size == 0:
        return WilcoxonResult(None, zeros, None)
    tied = np.unique(np.abs(nonzero)).size < nonzero.size
    method = PMethod.EXACT if nonzero.size <= EXACT_MAX and not tied else PMethod.NORMAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns that n is small for the approximation
        result = stats.wilcoxon(
            nonzero,
            zero_method="wilcox",
            correction=False,
            method="exact" if method == PMethod.EXACT else "asymptotic",
        )
    return WilcoxonResult(_f(float(result.pvalue)), zeros, method)


def _summary_visits(data: StudyData) -> pd.DataFrame:
    """The first visit of each subject and summary timepoint, with ``_after`` (dated after
    death or transplantation)."""
    visits = data.visits_si
    visits = visits[visits["VISIT"].isin(data.options.summary_visits)]
    visits = visits.sort_values(["SUBJID", "VISDTC", "id"], kind="stable").drop_duplicates(
        ["SUBJID", "VISIT"]
    )
    return visits.assign(_after=after_end(visits, data))


def efficacy_summary(data: StudyData) -> list[SummaryRow]:
    """The summary rows (variable-major, timepoint-minor)."""
    visits = _summary_visits(data)
    form = FORMS["VIS"]
    rows: list[SummaryRow] = []
    for code in SUMMARY_VARIABLES:
        rows += _variable_rows(form.field(code), visits, data.options)
    return rows


def _variable_rows(f: Field, visits: pd.DataFrame, options: ExportOptions) -> list[SummaryRow]:
    """One variable's rows: descriptive statistics in the export's units, the test on the
    stored SI values in whole steps of the field's precision."""
    si = visits[f.code].astype("float64").to_numpy()
    places = f.decimals or 0
    frame = pd.DataFrame(
        {
            "SUBJID": visits["SUBJID"].to_numpy(),
            "VISIT": visits["VISIT"].to_numpy(),
            "value": from_si(f, si, options.units),
            "steps": round_half_up(si, places) * 10.0**places,
            "after": visits["_after"].to_numpy(),
        }
    )
    frame["steps"] = np.round(frame["steps"])  # whole numbers, exactly
    excluded = frame[frame["after"] & frame["value"].notna()].groupby("VISIT").size()
    kept = frame[~frame["after"] & frame["value"].notna()]
    by_visit = {v: g.set_index("SUBJID")[["value", "steps"]] for v, g in kept.groupby("VISIT")}
    empty = pd.DataFrame({"value": [], "steps": []}, dtype="float64")
    baseline = by_visit.get("BASELINE", empty)
    decimals = places + 1 + (1 if converts(f, options.units) else 0)
    unit = unit_of(f, options.units) if f.unit else None
    rows = []
    for visit in options.summary_visits:
        current = by_visit.get(visit, empty)
        arr = current["value"].to_numpy(dtype="float64")
        n = int(arr.size)
        paired = _paired(baseline, current) if visit != "BASELINE" else _Paired()
        rows.append(
            SummaryRow(
                variable=f.code,
                label=f.label,
                unit=unit,
                visit=visit,
                n=n,
                mean=float(arr.mean()) if n else None,
                sd=float(arr.std(ddof=1)) if n > 1 else None,
                median=float(np.median(arr)) if n else None,
                q1=float(np.percentile(arr, 25)) if n else None,
                q3=float(np.percentile(arr, 75)) if n else None,
                n_paired=paired.n,
                mean_change=paired.mean,
                sd_change=paired.sd,
                p_value=paired.test.p_value,
                excluded=int(excluded.get(visit, 0)),
                decimals=decimals,
                zeros=paired.test.zeros,
                p_method=paired.test.method,
            )
        )
    return rows


@dataclass(frozen=True)
class _Paired:
    n: int = 0
    mean: float | None = None
    sd: float | None = None
    test: WilcoxonResult = WilcoxonResult(None, 0, None)


def _paired(baseline: pd.DataFrame, current: pd.DataFrame) -> _Paired:
    """Change from baseline over the subjects with both values."""
    both = baseline.add_suffix("_0").join(current.add_suffix("_1"), how="inner")
    if both.empty:
        return _Paired()
    change = (both["value_1"] - both["value_0"]).to_numpy(dtype="float64")
    steps = (both["steps_1"] - both["steps_0"]).to_numpy(dtype="float64")
    return _Paired(
        n=len(both),
        mean=float(change.mean()),
        sd=float(change.std(ddof=1)) if len(both) > 1 else None,
        test=wilcoxon_signed_rank(steps),
    )


# --------------------------------------------------------------------------- flow


@dataclass(frozen=True)
class FlowRow:
    group: Label
    category: Label
    subjects: list[str]


_NO_INFUSION = Label("No infusion recorded", "未记录输注")
_ONGOING = Label("In follow-up (no disposition yet)", "随访中（尚无结局）")


def _site_rows(s: pd.DataFrame, sites: CodeList) -> list[FlowRow]:
    """Enrolled per site: the study's registered sites, then any other a pooled centre
    holds (so the coordinating centre's counts are the sum of the sites')."""
    group = Label("Site", "研究中心")
    present = [str(code) for code in s["SITEID"].dropna().unique()]
    items = [(item.code, item.label) for item in sites.items]
    items += [(code, Label(code, code)) for code in sorted(present) if code not in sites.codes]
    return [
        FlowRow(group, label, s.loc[s["SITEID"] == code, "SUBJID"].tolist())
        for code, label in items
    ]


def flow(data: StudyData) -> list[FlowRow]:
    """CONSORT-like counts: enrolled, by MSC source (of the first infusion), dispositions."""
    s = data.subjects
    ids = s["SUBJID"].tolist()
    rows = [FlowRow(Label("Enrolment", "入组"), Label("Enrolled", "入组"), ids)]
    rows += _site_rows(s, data.options.study_sites or SITES)
    source_group = Label("MSC source (first infusion)", "干细胞来源（首次输注）")
    for item in MSC_SOURCE.items:
        rows.append(
            FlowRow(source_group, item.label, s.loc[s["EXSRC"] == item.code, "SUBJID"].tolist())
        )
    no_source = s.loc[s["EXSRC"].isna(), "SUBJID"].tolist()
    if no_source:
        rows.append(FlowRow(source_group, _NO_INFUSION, no_source))
    ds_group = Label("Disposition", "研究结局")
    for item in DS_STATUS.items:
        rows.append(
            FlowRow(ds_group, item.label, s.loc[s["DSDECOD"] == item.code, "SUBJID"].tolist())
        )
    rows.append(FlowRow(ds_group, _ONGOING, s.loc[s["DSDECOD"].isna(), "SUBJID"].tolist()))
    return rows


# --------------------------------------------------------------------------- adverse events


@dataclass(frozen=True)
class CountRow:
    group: Label
    category: Label
    events: int
    subjects: int


_NOT_RECORDED = Label("Not recorded", "未记录")


def ae_summary(data: StudyData, ae: pd.DataFrame | None = None) -> list[CountRow]:
    """Events and subjects with at least one event, by grade, seriousness, relationship and
    infusion-related (onset within 24 h after an infusion, the derived AEINFREL)."""
    if ae is None:
        ae = _ae_frame(data)
    rows = [
        CountRow(
            Label("All adverse events", "全部不良事件"),
            Label("Any", "任何"),
            len(ae),
            int(ae["SUBJID"].nunique()),
        )
    ]
    groups = [
        ("AETOXGR", Label("CTCAE grade", "CTCAE 分级"), AE_GRADE),
        ("AESER", Label("Serious", "严重不良事件"), YN),
        ("AEREL", Label("Relationship to MSC", "与干细胞的关系"), AE_RELATION),
        (
            "AEINFREL",
            Label("Infusion-related (within 24 h of an infusion)", "输注相关（输注后 24 小时内）"),
            YN,
        ),
    ]
    for code, group, codelist in groups:
        for item in codelist.items:
            sub = ae[ae[code] == item.code]
            rows.append(CountRow(group, item.label, len(sub), int(sub["SUBJID"].nunique())))
        unknown = ae[ae[code].isna()]
        if len(unknown):
            rows.append(
                CountRow(group, _NOT_RECORDED, len(unknown), int(unknown["SUBJID"].nunique()))
            )
    serious_infusion = ae[(ae["AESER"] == "Y") & (ae["AEINFREL"] == "Y")]
    rows.append(
        CountRow(
            Label("Serious and infusion-related", "严重且输注相关"),
            Label("Yes", "是"),
            len(serious_infusion),
            int(serious_infusion["SUBJID"].nunique()),
        )
    )
    return rows


def _ae_frame(data: StudyData) -> pd.DataFrame:
    return data.records["AE"]
