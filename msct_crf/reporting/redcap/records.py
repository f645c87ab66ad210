"""The bundle's records file: REDCap's flat import format, one row per event or instance.

Columns: the record ID (``subjid``), ``redcap_event_name``, ``redcap_repeat_instrument``,
``redcap_repeat_instance``, then each instrument's variables in dictionary order followed by
its ``<instrument>_complete``. Rows (:mod:`.project` names the events):

* Baseline: the enrolment and the baseline visit in one row; each medical-history entry a
  ``medical_history`` instance;
* Infusions: each infusion an ``infusion`` instance (1, 2, ... by start time) and its vital
  signs, flattened, the ``vital_signs`` instance of the same number; ``vital_signs_complete``
  is the lowest status of its timepoints;
* Month 1 ... Month 24: that visit's row; a second visit with the same scheduled code (the
  app warns but a file may hold one) and every unscheduled visit are ``visit`` instances of
  the Unscheduled event, by date;
* Logs: each adverse event and each medication an instance; End of study: the disposition.

The bundle always holds every form, whatever ``--forms`` picks for the workbook's long
sheets (a REDCap project needs them all); the sites, subjects and date range do apply.

A value is written as the dictionary's validation reads it (:func:`cell`); a blank field
holding a missing-data code gets the code (ND, UNK, NA), which REDCap accepts in any field
once the project's missing data codes are set (the README's step 1).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from msct_crf.reporting.export.data import StudyData
from msct_crf.study.dictionary import FORMS, FieldType
from msct_crf.study.units import UnitSystem, from_si

from .project import (
    EVENTS,
    FORM_SEQUENCE,
    FORM_STATUS,
    RECORD_ID,
    SYSTEM_COLUMNS,
    UNSCHEDULED,
    VISIT_EVENT,
    Event,
    Variable,
    event_for_form,
    form_variables,
    instrument,
    number_text,
    redcap_code,
)


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(var: Variable, value: Any, missing: dict[str, str], units: UnitSystem) -> str:
    """One value as REDCap reads it; a blank is its missing-data code or empty."""
    f = var.field
    if _blank(value):
        return str(missing.get(f.code, ""))
    if f.type is FieldType.DATE:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if f.type is FieldType.DATETIME:
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if f.type is FieldType.INTEGER:
        return number_text(float(value), integer=True)
    if f.type is FieldType.FLOAT:
        return number_text(from_si(f, float(value), units))
    if f.type is FieldType.CODE:
        return redcap_code(f, str(value))
    return str(value)


@functools.cache
def exported_variables(form_code: str, include_identifying: bool) -> tuple[Variable, ...]:
    """A form's variables in the records file: all but the record ID (the first column)
    and, unless asked for, the identifying ones."""
    return tuple(
        v
        for v in form_variables(FORMS[form_code])
        if v.name != RECORD_ID and (include_identifying or not v.field.identifying)
    )


def header(include_identifying: bool) -> list[str]:
    columns = [RECORD_ID, *SYSTEM_COLUMNS]
    for code in FORM_SEQUENCE:
        columns += [v.name for v in exported_variables(code, include_identifying)]
        columns.append(f"{instrument(code)}_complete")
    return columns


class _Rows:
    """The rows being built, keyed by (record, event, repeat instrument, instance) so two
    instruments of one event (enrolment and the baseline visit) share a row."""

    def __init__(self, data: StudyData) -> None:
        self.units = data.options.units
        self.identifying = data.options.include_identifying
        self.rows: dict[tuple[str, str, str, str], dict[str, str]] = {}

    def put(
        self,
        subjid: str,
        event: Event,
        form_code: str,
        record: dict[str, Any],
        *,
        instance: int | None = None,
    ) -> None:
        repeat = instrument(form_code) if form_code in event.repeating else ""
        key = (subjid, event.unique_name, repeat, "" if instance is None else str(instance))
        row = self.rows.setdefault(
            key,
            {
                RECORD_ID: subjid,
                "redcap_event_name": key[1],
                "redcap_repeat_instrument": key[2],
                "redcap_repeat_instance": key[3],
            },
        )
        missing = record.get("missing") or {}
        for var in exported_variables(form_code, self.identifying):
            row[var.name] = cell(var, record.get(var.field.code), missing, self.units)
        row[f"{instrument(form_code)}_complete"] = str(FORM_STATUS.get(record["status"], 0))

    def put_vital_signs(self, subjid: str, instance: int, rows: list[dict[str, Any]]) -> None:
        event = event_for_form("VS")
        key = (subjid, event.unique_name, instrument("VS"), str(instance))
        row = self.rows.setdefault(
            key,
            {
                RECORD_ID: subjid,
                "redcap_event_name": key[1],
                "redcap_repeat_instrument": key[2],
                "redcap_repeat_instance": key[3],
            },
        )
        by_timepoint = {str(r["VSTPT"]): r for r in rows}
        for var in exported_variables("VS", self.identifying):
            record = by_timepoint.get(str(var.timepoint))
            if record is not None:
                missing = record.get("missing") or {}
                row[var.name] = cell(var, record.get(var.field.code), missing, self.units)
        status = min(FORM_STATUS.get(r["status"], 0) for r in rows)
        row[f"{instrument('VS')}_complete"] = str(status)


def _dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in record.items()} for record in frame.to_dict("records")]


def _records(frame: pd.DataFrame, order: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each subject's records, sorted by `order` then by id (the order they were entered)."""
    by: list[str] = [*order, "id"]
    ordered = frame.sort_values(by, kind="stable", na_position="last")
    out: dict[str, list[dict[str, Any]]] = {}
    for record in _dicts(ordered):
        out.setdefault(str(record["SUBJID"]), []).append(record)
    return out


def _visits(rows: _Rows, visits: list[dict[str, Any]], subjid: str) -> None:
    used: set[str] = set()
    unscheduled = 0
    for visit in visits:
        code = str(visit.get("VISIT") or "")
        if code in VISIT_EVENT and code not in used:
            used.add(code)
            rows.put(subjid, VISIT_EVENT[code], "VIS", visit)
        else:
            unscheduled += 1
            rows.put(subjid, UNSCHEDULED, "VIS", visit, instance=unscheduled)


def _infusions(rows: _Rows, data: StudyData, subjid: str, infusions: list[dict[str, Any]]) -> None:
    vs = data.records["VS"]
    instance_of: dict[int, int] = {}
    for number, infusion in enumerate(infusions, start=1):
        rows.put(subjid, event_for_form("EX"), "EX", infusion, instance=number)
        instance_of[int(infusion["id"])] = number
    if not instance_of:
        return
    mine = vs[vs["infusion_id"].isin(instance_of)]
    for infusion_id, group in mine.groupby("infusion_id", sort=True):
        rows.put_vital_signs(subjid, instance_of[int(str(infusion_id))], _dicts(group))


def record_rows(data: StudyData) -> list[dict[str, str]]:
    """Every row of the records file, by subject, event, instrument and instance."""
    rows = _Rows(data)
    records = data.records
    logs = {
        "MH": _records(records["MH"], ()),
        "EX": _records(records["EX"], ("EXSTDTC",)),
        "VIS": _records(records["VIS"], ("VISDTC",)),
        "AE": _records(records["AE"], ("AESTDTC",)),
        "CM": _records(records["CM"], ()),
        "DS": _records(records["DS"], ()),
    }
    for subject in _dicts(data.subjects):
        subjid = str(subject["SUBJID"])
        rows.put(subjid, event_for_form("ENROL"), "ENROL", subject)
        _visits(rows, logs["VIS"].get(subjid, []), subjid)
        _infusions(rows, data, subjid, logs["EX"].get(subjid, []))
        for code in ("MH", "AE", "CM"):
            for number, record in enumerate(logs[code].get(subjid, []), start=1):
                rows.put(subjid, event_for_form(code), code, record, instance=number)
        for record in logs["DS"].get(subjid, [])[:1]:
            rows.put(subjid, event_for_form("DS"), "DS", record)
    return _sorted(rows.rows, [str(s) for s in data.subjects["SUBJID"].tolist()])


def _sorted(
    rows: dict[tuple[str, str, str, str], dict[str, str]], subjects: list[str]
) -> list[dict[str, str]]:
    subject_order = {s: i for i, s in enumerate(subjects)}
    event_order = {e.unique_name: i for i, e in enumerate(EVENTS)}
    form_order = {instrument(code): i for i, code in enumerate(FORM_SEQUENCE)}

    def key(item: tuple[str, str, str, str]) -> tuple[int, int, int, int]:
        subjid, event, repeat, instance = item
        return (
            subject_order[subjid],
            event_order[event],
            form_order.get(repeat, -1),
            int(instance) if instance else 0,
        )

    return [rows[k] for k in sorted(rows, key=key)]
