"""The Wide sheet: one row per subject, baseline characteristics, then variable x timepoint.

The columns a statistician asks for first: the baseline characteristics from enrolment,
the subject's facts (day 0, MSC source, number of infusions, disposition), then one column
per visit-form variable and scheduled visit (``TBIL_M6``), taken from the subject's first
visit of that code. The header of every column is its variable name.

A visit dated after the subject's death or liver transplantation keeps its values here
(the Wide sheet is the data as recorded) and is flagged in ``AFTEREND_<VISIT>`` right after
the visit dates: Yes when it is, No for a visit that is not; the Summary leaves those
values out (msct_crf.reporting.export.summary).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from msct_crf.study.dictionary import FORMS, Field, FieldType, Label
from msct_crf.study.dictionary.codelists import DS_STATUS, MSC_SOURCE, VISIT, YN

from .data import StudyData
from .long_sheets import in_units
from .options import ExportOptions
from .summary import after_end
from .variables import (
    DATE_KINDS,
    SCHEDULED_VISITS,
    SUBJID_VAR,
    WIDE_VARIABLES,
    Table,
    Var,
    extra_var,
    field_var,
)

__all__ = ["wide_table"]

#: Enrolment fields of the Wide sheet, in column order (HOSPNUM after SUBJID when allowed).
BASELINE_FIELDS: tuple[str, ...] = (
    "SITEID",
    "SEX",
    "AGE",
    "HEIGHT",
    "WEIGHT",
    "BMI",
    "DXCAT",
    "ENRLDTC",
    "LSM",
    "DCASC",
    "DCVB",
    "DCHE",
    "DCJAUN",
)

#: The subject facts of StudyData.subjects shown after the baseline fields.
FACT_VARS: tuple[Var, ...] = (
    extra_var("DAY0", "Day 0 (first infusion)", "第 0 天（首次输注）", FieldType.DATE),
    extra_var(
        "EXSRC",
        "MSC source (first infusion)",
        "干细胞来源（首次输注）",
        FieldType.CODE,
        codelist=MSC_SOURCE,
    ),
    extra_var("EXN", "Number of infusions", "输注次数", FieldType.INTEGER, decimals=0),
    extra_var("DSDECOD", "Disposition", "研究结局", FieldType.CODE, codelist=DS_STATUS),
    extra_var("DSSTDTC", "Disposition date", "结局日期", FieldType.DATE),
    extra_var("DSLTXDTC", "Transplant date", "肝移植日期", FieldType.DATE),
)


def wide_table(data: StudyData) -> Table:
    """One row per subject: baseline characteristics, then variable x timepoint columns."""
    vars_: list[Var] = [SUBJID_VAR]
    columns: dict[str, Any] = {"SUBJID": data.subjects["SUBJID"].to_numpy()}
    _add_subject_columns(vars_, columns, data.subjects, data.options)
    _add_timepoint_columns(vars_, columns, data)
    vars_ = [replace(v, name_header=True) for v in vars_]
    return Table("Wide", pd.DataFrame(columns), vars_)


def _add_subject_columns(
    vars_: list[Var], columns: dict[str, Any], subjects: pd.DataFrame, options: ExportOptions
) -> None:
    """Baseline fields from enrolment, then the subject facts."""
    enrol = FORMS["ENROL"]
    base_codes = list(BASELINE_FIELDS)
    if options.include_identifying:
        base_codes.insert(1, "HOSPNUM")
    for code in base_codes:
        vars_.append(field_var(enrol.field(code), options.units, sites=options.study_sites))
        columns[code] = subjects[code].to_numpy()
    for var in FACT_VARS:
        vars_.append(var)
        columns[var.name] = subjects[var.name].to_numpy()


def _add_timepoint_columns(vars_: list[Var], columns: dict[str, Any], data: StudyData) -> None:
    """``<CODE>_<VISIT>`` for every Wide variable and scheduled visit (first visit wins)."""
    options = data.options
    visits = in_units(data.visits_si, FORMS["VIS"], options.units)
    visits = visits[visits["VISIT"].isin(SCHEDULED_VISITS)]
    visits = visits.sort_values(["SUBJID", "VISDTC", "id"], kind="stable").drop_duplicates(
        ["SUBJID", "VISIT"]
    )
    rows = pd.Index(data.subjects["SUBJID"]).get_indexer(visits["SUBJID"])
    cols = visits["VISIT"].map({v: i for i, v in enumerate(SCHEDULED_VISITS)}).to_numpy()
    vis_form = FORMS["VIS"]
    for code in WIDE_VARIABLES:
        f = vis_form.field(code)
        base = field_var(f, options.units, sites=options.study_sites)
        grid = _grid(f, len(data.subjects))
        grid[rows, cols] = visits[code].to_numpy(dtype=grid.dtype)
        for j, visit in enumerate(SCHEDULED_VISITS):
            vars_.append(_timepoint_var(f, base, visit))
            columns[f"{code}_{visit}"] = grid[:, j]
        if code == "VISDTC":
            _add_after_end_flags(vars_, columns, visits, data, (rows, cols))


def _add_after_end_flags(
    vars_: list[Var],
    columns: dict[str, Any],
    visits: pd.DataFrame,
    data: StudyData,
    cells: tuple[np.ndarray, np.ndarray],
) -> None:
    """``AFTEREND_<VISIT>``: Y when the visit is dated after death or transplantation, N
    for another visit, blank where there is no visit."""
    grid = np.full((len(data.subjects), len(SCHEDULED_VISITS)), None, dtype=object)
    grid[cells] = np.where(after_end(visits, data), "Y", "N")
    for j, visit in enumerate(SCHEDULED_VISITS):
        visit_label = VISIT.items[VISIT.codes.index(visit)].label
        vars_.append(
            extra_var(
                f"AFTEREND_{visit}",
                f"{visit_label.en}: dated after death or liver transplantation "
                "(values kept here, excluded from the Summary)",
                f"{visit_label.zh}：日期晚于死亡或肝移植（此处保留数值，汇总表不纳入）",
                FieldType.CODE,
                codelist=YN,
            )
        )
        columns[f"AFTEREND_{visit}"] = grid[:, j]


def _grid(f: Field, subjects: int) -> np.ndarray:
    """An empty subjects x timepoints grid of the field's kind (NaT, NaN or None)."""
    shape = (subjects, len(SCHEDULED_VISITS))
    if f.type in DATE_KINDS:
        return np.full(shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    if f.is_numeric:
        return np.full(shape, np.nan)
    return np.full(shape, None, dtype=object)


def _timepoint_var(f: Field, base: Var, visit: str) -> Var:
    visit_label = VISIT.items[VISIT.codes.index(visit)].label
    return Var(
        f"{f.code}_{visit}",
        Label(f"{f.label.en}, {visit_label.en}", f"{f.label.zh}，{visit_label.zh}"),
        f.type,
        field=f,
        unit=base.unit,
        codelist=f.codelist,
        decimals=base.decimals,
    )
