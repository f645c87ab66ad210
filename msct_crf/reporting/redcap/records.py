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

A value is written as the dictionary's validation reads it (:func:`column_text`); a blank field
holding a missing-data code gets the code (ND, UNK, NA), which REDCap accepts in any field
once the project's missing data codes are set (the README's step 1).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import pandas as pd

from msct_crf.reporting.export.data import StudyData
from msct_crf.study.dictionary import FORMS, Field, FieldType
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


def _text(f: Field, values: pd.Series, units: UnitSystem) -> pd.Series:
    """Values that are not blank, as REDCap's validation of `f` reads them."""
    if f.type is FieldType.DATE:
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d")
    if f.type is FieldType.DATETIME:
        return pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M")
    if f.type is FieldType.INTEGER:
        return values.map(lambda v: number_text(float(v), integer=True))
    if f.type is FieldType.FLOAT:
        return from_si(f, values.astype("float64"), units).map(number_text)
    if f.type is FieldType.CODE:
        known = {code: redcap_code(f, code) for code in (f.codelist.codes if f.codelist else ())}
        return values.map(lambda code: known.get(code) or redcap_code(f, str(code)))
    return values.map(str)


def column_text(f: Field, frame: pd.DataFrame, units: UnitSystem) -> pd.Series:
    """One field's column as the records file writes it: each value as REDCap reads it, a
    blank as its missing-data code (ND, UNK, NA) or empty. Column by column, so pandas
    formats dates and numbers in bulk."""
    values = frame[f.code]
    blank = values.isna()
    out = pd.Series("", index=frame.index, dtype=object)
    if blank.any():
        codes = frame.loc[blank, "missing"]
        out[blank] = codes.map(lambda missing: str((missing or {}).get(f.code, "")))
    if (~blank).any():
        out[~blank] = _text(f, values[~blank], units)
    return out


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
        for var in exported_variables(form_code, self.identifying):
            row[var.name] = record[_TEXT + var.field.code]
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
                row[var.name] = record[_TEXT + var.field.code]
        status = min(FORM_STATUS.get(r["status"], 0) for r in rows)
        row[f"{instrument('VS')}_complete"] = str(status)


#: The prefix of a field's text column beside its value column (``text:TBIL``).
_TEXT = "text:"
#: The raw columns that place a record in the file (besides the fields' texts).
_PLACING = ("SUBJID", "id", "status", "VISIT", "VSTPT", "infusion_id")


def _dicts(frame: pd.DataFrame, form_code: str, units: UnitSystem) -> list[dict[str, Any]]:
    """The form's records as dicts, each field's text beside its value (:func:`column_text`)."""
    texts = {_TEXT + f.code: column_text(f, frame, units) for f in FORMS[form_code].fields}
    keep = [c for c in _PLACING if c in frame.columns]
    frame = pd.concat([frame[keep], pd.DataFrame(texts, index=frame.index)], axis=1)
    columns = [str(c) for c in frame.columns]
    return [
        dict(zip(columns, row, strict=True)) for row in frame.itertuples(index=False, name=None)
    ]


def _records(
    frame: pd.DataFrame, form_code: str, order: Iterable[str], units: UnitSystem
) -> dict[str, list[dict[str, Any]]]:
    """Each subject's records, sorted by `order` then by id (the order they were entered)."""
    by: list[str] = [*order, "id"]
    ordered = frame.sort_values(by, kind="stable", na_position="last")
    out: dict[str, list[dict[str, Any]]] = {}
    for record in _dicts(ordered, form_code, units):
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


def _infusions(
    rows: _Rows,
    subjid: str,
    infusions: list[dict[str, Any]],
    vital_signs: dict[int, list[dict[str, Any]]],
) -> None:
    """Each infusion an instance, and its vital signs (by infusion id) the same instance."""
    for number, infusion in enumerate(infusions, start=1):
        rows.put(subjid, event_for_form("EX"), "EX", infusion, instance=number)
        timepoints = vital_signs.get(int(infusion["id"]))
        if timepoints:
            rows.put_vital_signs(subjid, number, timepoints)


def record_rows(data: StudyData) -> list[dict[str, str]]:
    """Every row of the records file, by subject, event, instrument and instance."""
    rows = _Rows(data)
    records = data.records
    units = data.options.units
    order = {"EX": ("EXSTDTC",), "VIS": ("VISDTC",), "AE": ("AESTDTC",)}
    logs = {
        code: _records(records[code], code, order.get(code, ()), units)
        for code in ("MH", "EX", "VIS", "AE", "CM", "DS")
    }
    vital_signs: dict[int, list[dict[str, Any]]] = {}
    for record in _dicts(records["VS"], "VS", units):
        vital_signs.setdefault(int(record["infusion_id"]), []).append(record)
    for subject in _dicts(data.subjects, "ENROL", units):
        subjid = str(subject["SUBJID"])
        rows.put(subjid, event_for_form("ENROL"), "ENROL", subject)
        _visits(rows, logs["VIS"].get(subjid, []), subjid)
        _infusions(rows, subjid, logs["EX"].get(subjid, []), vital_signs)
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
