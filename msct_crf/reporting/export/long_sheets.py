"""The long sheets: one row per record of a form, in a stable order, values in the chosen units.

Each form has its own arrangement (its sort order and the columns that lead it: infusion
number, visit and study day, a per-subject sequence number); after the lead columns come
the form's fields, each followed by its ``<CODE>_MISSING`` column when any record holds a
missing-data code for it, and the record status last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from msct_crf.study.dictionary import FORMS, CodeList, Field, Form
from msct_crf.study.dictionary.codelists import VISIT
from msct_crf.study.units import UnitSystem, from_si

from .frames import lookup
from .options import ExportOptions
from .variables import (
    AESEQ_VAR,
    CMSEQ_VAR,
    MHSEQ_VAR,
    SHEET_NAMES,
    STATUS_VAR,
    STUDYDAY_VAR,
    SUBJID_VAR,
    Table,
    Var,
    field_var,
    missing_var,
)

__all__ = ["in_units", "long_table", "study_day"]


def in_units(frame: pd.DataFrame, form: Form, units: UnitSystem) -> pd.DataFrame:
    """`frame` (SI, as stored) with the form's lab values in `units`."""
    if units is UnitSystem.SI:
        return frame
    frame = frame.copy()
    for f in form.fields:
        if f.conventional is not None and f.code in frame:
            frame[f.code] = from_si(f, frame[f.code], units)
    return frame


def study_day(dates: pd.Series, day0: pd.Series) -> pd.Series:
    """Days from day 0 (the first infusion) to each date's day."""
    days: pd.Series = (dates.dt.normalize() - day0).dt.days.astype("float64")
    return days


@dataclass(frozen=True)
class _Context:
    """What arranging one form's records needs besides the records."""

    form: Form
    options: ExportOptions
    day0_of: dict[str, Any]
    all_infusions: pd.DataFrame

    def var(self, f: Field) -> Var:
        return field_var(f, self.options.units, sites=self.options.study_sites)

    def study_day_of(self, frame: pd.DataFrame, date_code: str) -> pd.Series:
        return study_day(frame[date_code], pd.to_datetime(frame["SUBJID"].map(self.day0_of)))


# Each arrangement returns the sorted frame and the columns that lead the sheet.
_Arrangement = Callable[[pd.DataFrame, _Context], tuple[pd.DataFrame, list[Var]]]


def _by_subject(frame: pd.DataFrame, _ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
    return frame.sort_values("SUBJID", kind="stable"), []


def _infusions(frame: pd.DataFrame, ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
    frame = frame.sort_values(["SUBJID", "EXSTDTC", "id"], kind="stable")
    return frame, [ctx.var(ctx.form.field("EXNUM"))]


def _vital_signs(frame: pd.DataFrame, ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
    """By infusion (in time order), then by timepoint in the code list's order."""
    ex = ctx.all_infusions.set_index("id")
    frame = frame.assign(
        EXNUM=lookup(frame["infusion_id"], ex["EXNUM"]).astype("float64"),
        _start=lookup(frame["infusion_id"], ex["EXSTDTC"]),
        _tpt=_codelist_order(ctx.form.field("VSTPT").codelist, frame["VSTPT"]),  # type: ignore[arg-type]
    ).sort_values(["SUBJID", "_start", "infusion_id", "_tpt"], kind="stable")
    return frame, [ctx.var(FORMS["EX"].field("EXNUM")), ctx.var(ctx.form.field("VSTPT"))]


def _visits(frame: pd.DataFrame, ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
    """By visit in schedule order; led by the visit, its date and its study day."""
    frame = frame.assign(
        _vis=_codelist_order(VISIT, frame["VISIT"]),
    ).sort_values(["SUBJID", "_vis", "VISDTC", "id"], kind="stable")
    frame["STUDYDAY"] = ctx.study_day_of(frame, "VISDTC")
    lead = [ctx.var(ctx.form.field("VISIT")), ctx.var(ctx.form.field("VISDTC")), STUDYDAY_VAR]
    return frame, lead


def _numbered(order: list[str], seq: Var) -> _Arrangement:
    """Sorted by `order`, led by a per-subject sequence number 1, 2, ..."""

    def arrange(frame: pd.DataFrame, _ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
        frame = frame.sort_values(order, kind="stable")
        frame[seq.name] = frame.groupby("SUBJID", sort=False).cumcount().astype("float64") + 1
        return frame, [seq]

    return arrange


def _adverse_events(frame: pd.DataFrame, ctx: _Context) -> tuple[pd.DataFrame, list[Var]]:
    frame, lead = _numbered(["SUBJID", "AESTDTC", "id"], AESEQ_VAR)(frame, ctx)
    frame["STUDYDAY"] = ctx.study_day_of(frame, "AESTDTC")
    return frame, lead


_ARRANGEMENTS: dict[str, _Arrangement] = {
    "ENROL": _by_subject,
    "EX": _infusions,
    "VS": _vital_signs,
    "VIS": _visits,
    "AE": _adverse_events,
    "CM": _numbered(["SUBJID", "id"], CMSEQ_VAR),
    "MH": _numbered(["SUBJID", "id"], MHSEQ_VAR),
    "DS": _by_subject,
}


def long_table(
    code: str,
    records: pd.DataFrame,
    all_infusions: pd.DataFrame,
    subjects: pd.DataFrame,
    options: ExportOptions,
) -> Table:
    """The long sheet of form `code` from its kept records (SI, with SUBJID).

    ``all_infusions`` are every infusion, kept or not (vital signs are ordered by their
    infusion's start); ``subjects`` give each subject's day 0.
    """
    form = FORMS[code]
    ctx = _Context(
        form=form,
        options=options,
        day0_of=dict(zip(subjects["SUBJID"].tolist(), subjects["DAY0"].tolist(), strict=True)),
        all_infusions=all_infusions,
    )
    frame, lead = _ARRANGEMENTS[code](in_units(records, form, options.units), ctx)
    del records  # the sorted copy is all that is needed now (a streaming export's peak)
    fields = [f for f in form.fields if options.include_identifying or not f.identifying]
    built, vars_ = _ordered_with_missing(frame, [SUBJID_VAR, *lead], fields, options, {"SUBJID"})
    if code == "AE":  # study day of onset right after the onset
        position = [v.name for v in vars_].index("AESTDTC") + 1
        vars_.insert(position, STUDYDAY_VAR)
        built["STUDYDAY"] = frame["STUDYDAY"].to_numpy()
    return Table(SHEET_NAMES[code], built, vars_, form=code)


def _codelist_order(codelist: CodeList, series: pd.Series) -> pd.Series:
    order = {code: i for i, code in enumerate(codelist.codes)}
    return series.map(order).fillna(len(order))


def _missing_columns(frame: pd.DataFrame, fields: Sequence[Field]) -> dict[str, pd.Series]:
    """``<CODE>_MISSING`` columns for the fields that hold a missing-data code anywhere."""
    codes = frame["missing"]
    used: set[str] = set()
    for item in codes.tolist():
        if item:
            used.update(item)
    out: dict[str, pd.Series] = {}
    for f in fields:
        if f.code in used:
            out[f.code] = pd.Series(
                [item.get(f.code) if item else None for item in codes.tolist()],
                index=frame.index,
                dtype=object,
            )
    return out


def _ordered_with_missing(
    frame: pd.DataFrame,
    lead: list[Var],
    fields: Sequence[Field],
    options: ExportOptions,
    skip: Iterable[str] = (),
) -> tuple[pd.DataFrame, list[Var]]:
    """Frame columns: lead columns, then each field followed by its _MISSING column."""
    skip_set = set(skip) | {v.name for v in lead}
    missing = _missing_columns(frame, fields)
    vars_: list[Var] = list(lead)
    added: dict[str, Any] = {"STATUS": frame["status"]}
    for f in fields:
        if f.code in skip_set:
            continue
        vars_.append(field_var(f, options.units, sites=options.study_sites))
        if f.code in missing:
            mv = missing_var(f)
            vars_.append(mv)
            added[mv.name] = missing[f.code]
    vars_.append(STATUS_VAR)
    # the columns picked from the frame, not copied into a new one (copy on write): a
    # streaming export holds one copy of the largest sheet's records, not two (issue 14)
    frame = frame.assign(**added)
    return frame[[v.name for v in vars_]].reset_index(drop=True), vars_
