"""The paper-style tables: efficacy summary, CONSORT-like flow, adverse-event counts.

Efficacy summary (DESIGN.md "Exports", Liang et al. 2017 Table 2 layout): for each
variable and timepoint, n, mean ± SD (sample SD), median [IQR] (25th-75th percentile,
linear interpolation), the mean change from baseline over subjects with both values and
the two-sided Wilcoxon signed-rank p-value on those pairs (``scipy.stats.wilcoxon``,
zero differences dropped, exact distribution for small samples). Values measured after
death or after liver transplantation are excluded (a transplanted liver is no longer the
liver under study) and the number excluded is reported per row.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from msct_crf.study.dictionary import FORMS, Label
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
from .frames import lookup

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

EXCLUSION_RULE = Label(
    "Values measured after death or after liver transplantation (visit date later than the "
    "date of death or of transplantation) are excluded from the summary.",
    "死亡或肝移植后（访视日期晚于死亡或肝移植日期）测得的数值不纳入汇总。",
)


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


def _wilcoxon(diff: np.ndarray) -> float | None:
    if diff.size == 0 or not np.any(diff != 0):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = stats.wilcoxon(diff)
        except ValueError:
            return None
    return _f(float(result.pvalue))


def efficacy_summary(data: StudyData) -> list[SummaryRow]:
    """The summary rows (variable-major, timepoint-minor)."""
    options = data.options
    form = FORMS["VIS"]
    visits = data.visits_si
    visits = visits[visits["VISIT"].isin(options.summary_visits)]
    visits = visits.sort_values(["SUBJID", "VISDTC", "id"], kind="stable").drop_duplicates(
        ["SUBJID", "VISIT"]
    )
    cutoff = lookup(visits["SUBJID"], efficacy_cutoffs(data))
    after = (visits["VISDTC"] > cutoff).fillna(False).to_numpy(dtype=bool)
    rows: list[SummaryRow] = []
    for code in SUMMARY_VARIABLES:
        f = form.field(code)
        values = from_si(f, visits[code].astype("float64"), options.units)
        frame = pd.DataFrame(
            {
                "SUBJID": visits["SUBJID"].to_numpy(),
                "VISIT": visits["VISIT"].to_numpy(),
                "value": values.to_numpy(),
                "after": after,
            }
        )
        excluded = frame[frame["after"] & frame["value"].notna()].groupby("VISIT").size()
        kept = frame[~frame["after"] & frame["value"].notna()]
        by_visit = {v: g.set_index("SUBJID")["value"] for v, g in kept.groupby("VISIT")}
        baseline = by_visit.get("BASELINE", pd.Series(dtype="float64"))
        decimals = (f.decimals or 0) + 1
        if converts(f, options.units):
            decimals += 1
        for visit in options.summary_visits:
            series = by_visit.get(visit, pd.Series(dtype="float64"))
            arr = series.to_numpy(dtype="float64")
            n = int(arr.size)
            mean_change = sd_change = p = None
            n_paired = 0
            if visit != "BASELINE":
                paired = pd.concat([baseline, series], axis=1, join="inner").dropna()
                n_paired = len(paired)
                if n_paired:
                    diff = (paired.iloc[:, 1] - paired.iloc[:, 0]).to_numpy(dtype="float64")
                    mean_change = float(diff.mean())
                    sd_change = float(diff.std(ddof=1)) if n_paired > 1 else None
                    p = _wilcoxon(diff)
            rows.append(
                SummaryRow(
                    variable=code,
                    label=f.label,
                    unit=unit_of(f, options.units) if f.unit else None,
                    visit=visit,
                    n=n,
                    mean=float(arr.mean()) if n else None,
                    sd=float(arr.std(ddof=1)) if n > 1 else None,
                    median=float(np.median(arr)) if n else None,
                    q1=float(np.percentile(arr, 25)) if n else None,
                    q3=float(np.percentile(arr, 75)) if n else None,
                    n_paired=n_paired,
                    mean_change=mean_change,
                    sd_change=sd_change,
                    p_value=p,
                    excluded=int(excluded.get(visit, 0)),
                    decimals=decimals,
                )
            )
    return rows


# --------------------------------------------------------------------------- flow


@dataclass(frozen=True)
class FlowRow:
    group: Label
    category: Label
    subjects: list[str]


_NO_INFUSION = Label("No infusion recorded", "未记录输注")
_ONGOING = Label("In follow-up (no disposition yet)", "随访中（尚无结局）")


def _site_rows(s: pd.DataFrame) -> list[FlowRow]:
    """Enrolled per site: the dictionary's sites, then any other a pooled centre holds (so
    the coordinating centre's counts are the sum of the sites')."""
    group = Label("Site", "研究中心")
    present = [str(code) for code in s["SITEID"].dropna().unique()]
    items = [(item.code, item.label) for item in SITES.items]
    items += [(code, Label(code, code)) for code in sorted(present) if code not in SITES.codes]
    return [
        FlowRow(group, label, s.loc[s["SITEID"] == code, "SUBJID"].tolist())
        for code, label in items
    ]


def flow(data: StudyData) -> list[FlowRow]:
    """CONSORT-like counts: enrolled, by MSC source (of the first infusion), dispositions."""
    s = data.subjects
    ids = s["SUBJID"].tolist()
    rows = [FlowRow(Label("Enrolment", "入组"), Label("Enrolled", "入组"), ids)]
    rows += _site_rows(s)
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
