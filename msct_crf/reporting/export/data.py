"""The study as an export sees it: read once, filtered by the options, ready to reshape.

:func:`load_study` reads the database (:mod:`.load`), keeps the subjects, records and audit
rows the :class:`ExportOptions` select (sites, subjects, a date range), maps the integer
subject keys to subject IDs, works out each subject's facts (day 0, MSC source, number of
infusions, disposition) and builds the long sheet of each chosen form
(:mod:`.long_sheets`). The other reshapings read the resulting :class:`StudyData`: the Wide
sheet (:mod:`.wide`), the summary, flow and AE counts (:mod:`.summary`) and the deviations
(:mod:`.deviations`).

Values stay *codes* here (``F``, ``UC-MSC``); the workbook shows their labels in the
chosen language, the CSV files keep the codes (which the REDCap dictionary explains).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from msct_crf.storage.audit import GENESIS_HASH
from msct_crf.storage.db.audit_table import AUDIT_TABLE
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS

from .load import head_hash, read_audit, read_form, read_sites, read_study
from .long_sheets import long_table
from .options import ExportError, ExportOptions
from .variables import WIDE_VARIABLES, Table

__all__ = ["DATE_FILTER_FIELD", "WITHHELD", "StudyData", "load_study", "long_tables"]

#: The date that places a record in the date range, by form.
DATE_FILTER_FIELD: dict[str, str] = {
    "EX": "EXSTDTC",
    "VIS": "VISDTC",
    "AE": "AESTDTC",
    "CM": "CMSTDTC",
    "DS": "DSSTDTC",
}

#: The visit fields the Summary, Wide and Deviations sheets read: all a streaming export
#: keeps of the visits while the long sheets are written (the summary variables are
#: among the Wide ones, tests/reporting/export/test_streaming.py).
VISIT_SUMMARY_FIELDS: tuple[str, ...] = ("VISIT", *WIDE_VARIABLES)

#: What the audit sheet shows instead of an identifying field's value.
WITHHELD = "[identifying field withheld]"

_AUDIT_NAMES = {
    "id": "AUDITID",
    "ts_utc": "TS",
    "user": "USER",
    "action": "ACTION",
    "table_name": "TABLE",
    "record_id": "RECORD",
    "subject_id": "SUBJID",
    "field": "FIELD",
    "old_value": "OLD",
    "new_value": "NEW",
    "reason": "REASON",
    "hash": "HASH",
}


@dataclass
class StudyData:
    """Everything an export needs, read once and filtered."""

    options: ExportOptions
    #: One row per kept subject: subject id (int key) -> SUBJID, site, facts.
    subjects: pd.DataFrame
    #: Coded, unit-converted record frames by form code (filters applied).
    forms: dict[str, Table]
    #: Filtered record frames in SI units with codes, by form code (all forms, whatever
    #: ``options.forms`` says: the summary, flow and AE counts need them).
    records: dict[str, pd.DataFrame]
    today: dt.date
    head_hash: str = GENESIS_HASH
    audit: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    #: Set when the study was read streaming (``load_study(..., cursor=...)``): ``forms``
    #: and ``audit`` are then empty, ``records["VIS"]`` holds only the columns the
    #: summaries read, and :func:`long_tables` reads each form's records in turn through
    #: this snapshot's cursor.
    stream: _Stream | None = None

    @property
    def visits_si(self) -> pd.DataFrame:
        return self.records["VIS"]


@dataclass
class _Stream:
    """What building the long sheets one at a time needs: the open snapshot, every
    infusion as read (vital signs are ordered by their infusion) and the kept subjects'
    keys."""

    cursor: Any
    infusions: pd.DataFrame
    subjid_of: dict[int, str]
    check: Callable[[], None]
    #: Rows of each form's table and of the audit trail, unfiltered (for progress).
    row_counts: dict[str, int] = field(default_factory=dict)


def load_study(
    store: Store,
    options: ExportOptions,
    *,
    today: dt.date,
    check: Callable[[], None] = lambda: None,
    cursor: Any = None,
) -> StudyData:
    """Read and filter everything the export writes. ``check`` is called between queries
    (it raises to cancel).

    With ``cursor`` (an open :func:`.load.snapshot`, which must stay open until the
    workbook is written) the study is read *streaming* (issue 14): only the subjects,
    infusions, adverse events, dispositions and the visit columns the summaries need are
    read now; :func:`long_tables` then builds each long sheet from its form's records,
    read in the same snapshot, one at a time, and the audit sheet is read last
    (:func:`audit_frame`). The cells are the same either way."""
    if cursor is not None:
        return _load_streaming(cursor, options, today, check)
    raw = read_study(store, include_audit=options.include_audit, check=check)
    options = replace(options, study_sites=raw.sites)  # checks the site filter
    enrolled = raw.forms["ENROL"]
    _check_subjects_known(enrolled, options)
    subjects = _kept_subjects(enrolled, options)
    subjid_of = dict(zip(subjects["id"].tolist(), subjects["SUBJID"].tolist(), strict=True))
    subjects = pd.concat([subjects, _subject_facts(subjects, raw.forms)], axis=1)
    records = _kept_records(raw.forms, subjects, subjid_of, options)
    infusions = raw.forms["EX"]
    # The records hold what is kept (copies): the frames as read are not needed again, and
    # letting them go before the sheets' tables are built lowers the peak (issue 14).
    raw.forms.clear()
    tables = {
        code: long_table(code, records[code], infusions, subjects, options)
        for code in options.selected_forms
    }
    audit = None
    if raw.audit is not None:
        audit = _kept_audit(raw.audit, set(subjid_of.values()), options)
    return StudyData(
        options=options,
        subjects=subjects,
        forms=tables,
        records=records,
        today=today,
        head_hash=raw.head_hash,
        audit=audit,
        notes=_notes(options),
    )


def _load_streaming(
    cursor: Any, options: ExportOptions, today: dt.date, check: Callable[[], None]
) -> StudyData:
    head = head_hash(cursor)
    options = replace(options, study_sites=read_sites(cursor))  # checks the site filter
    raw: dict[str, pd.DataFrame] = {}
    for code in ("ENROL", "EX", "DS", "AE"):
        raw[code] = read_form(cursor, code)
        check()
    raw["VIS"] = read_form(cursor, "VIS", only=VISIT_SUMMARY_FIELDS)
    check()
    enrolled = raw["ENROL"]
    _check_subjects_known(enrolled, options)
    subjects = _kept_subjects(enrolled, options)
    subjid_of = dict(zip(subjects["id"].tolist(), subjects["SUBJID"].tolist(), strict=True))
    subjects = pd.concat([subjects, _subject_facts(subjects, raw)], axis=1)
    records = _kept_records(raw, subjects, subjid_of, options)
    counts = {code: _count(cursor, FORMS[code].table) for code in options.selected_forms}
    if options.include_audit:
        counts["AUDIT"] = _count(cursor, AUDIT_TABLE)
    return StudyData(
        options=options,
        subjects=subjects,
        forms={},
        records=records,
        today=today,
        head_hash=head,
        notes=_notes(options),
        stream=_Stream(cursor, raw["EX"], subjid_of, check, counts),
    )


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return int(cursor.fetchone()[0])


def long_tables(data: StudyData) -> Iterator[Table]:
    """The long sheet of each chosen form, in order. Read streaming, each is built from
    its form's records (read then) when asked for, and nothing keeps it afterwards; the
    visits' compact copy is let go first (the summaries are computed by then)."""
    stream = data.stream
    if stream is None:
        yield from data.forms.values()
        return
    options = data.options
    data.records.pop("VIS", None)
    for code in options.selected_forms:
        # no name here keeps the records: long_table lets them go once they are sorted
        table = long_table(code, _records_of(data, code), stream.infusions, data.subjects, options)
        stream.check()
        yield table
        del table


def _records_of(data: StudyData, code: str) -> pd.DataFrame:
    """Form `code`'s kept records: kept already, or read now through the stream."""
    if code in data.records:
        return data.records[code]
    assert data.stream is not None
    options = data.options
    records = _kept_form(code, read_form(data.stream.cursor, code), data.stream.subjid_of, options)
    if code == "VS" and (options.date_from or options.date_to):
        records = _with_kept_infusions(records, data.records["EX"])
    return records


def audit_frame(data: StudyData) -> pd.DataFrame | None:
    """The audit sheet's rows when asked for: kept already, or (streaming) read now."""
    if data.stream is None or not data.options.include_audit:
        return data.audit
    subjids = set(data.stream.subjid_of.values())
    return _kept_audit(read_audit(data.stream.cursor), subjids, data.options)


# --------------------------------------------------------------------------- subjects


def _check_subjects_known(enrolled: pd.DataFrame, options: ExportOptions) -> None:
    known_ids = set(enrolled["SUBJID"].tolist())
    unknown = [s for s in options.subjects if s not in known_ids]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise ExportError(f"subjects: not in this study: {shown}")


def _kept_subjects(enrolled: pd.DataFrame, options: ExportOptions) -> pd.DataFrame:
    """The enrolment rows of the chosen sites and subjects, by subject ID."""
    keep = pd.Series(True, index=enrolled.index)
    if options.sites:
        keep &= enrolled["SITEID"].isin(options.sites)
    if options.subjects:
        keep &= enrolled["SUBJID"].isin(options.subjects)
    return enrolled[keep].sort_values("SUBJID", kind="stable").reset_index(drop=True)


def _subject_facts(subjects: pd.DataFrame, forms: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Day 0, MSC source, number of infusions and disposition of each subject, row-aligned
    with `subjects`. From all the subject's records, whatever the date range."""
    infusions = forms["EX"][forms["EX"]["subject_id"].isin(set(subjects["id"].tolist()))]
    ex_sorted = infusions.sort_values(["subject_id", "EXSTDTC", "id"], kind="stable")
    first = ex_sorted.dropna(subset=["EXSTDTC"]).groupby("subject_id", sort=False).first()
    facts = pd.DataFrame(index=subjects["id"])
    facts["DAY0"] = first["EXSTDTC"].dt.normalize().reindex(facts.index)
    first_src = ex_sorted.dropna(subset=["EXSRC"]).groupby("subject_id", sort=False)["EXSRC"]
    facts["EXSRC"] = first_src.first().reindex(facts.index)
    facts["EXN"] = infusions.groupby("subject_id").size().reindex(facts.index).fillna(0)
    disposition = forms["DS"].drop_duplicates("subject_id").set_index("subject_id")
    for code in ("DSDECOD", "DSSTDTC", "DSLTXDTC"):
        facts[code] = disposition[code].reindex(facts.index)
    facts = facts.reset_index(drop=True)
    for column in ("DAY0", "DSSTDTC", "DSLTXDTC"):
        facts[column] = pd.to_datetime(facts[column])
    for column in ("EXSRC", "DSDECOD"):
        facts[column] = facts[column].astype(object).where(facts[column].notna(), None)
    return facts


# --------------------------------------------------------------------------- records


def _kept_records(
    forms: dict[str, pd.DataFrame],
    subjects: pd.DataFrame,
    subjid_of: dict[int, str],
    options: ExportOptions,
) -> dict[str, pd.DataFrame]:
    """Each form's records of the kept subjects, with SUBJID, within the date range.

    Vital signs follow their infusion: they are kept when it is.
    """
    kept: dict[str, pd.DataFrame] = {}
    for code, frame in forms.items():
        kept[code] = subjects if code == "ENROL" else _kept_form(code, frame, subjid_of, options)
    if "VS" in kept and (options.date_from or options.date_to):
        kept["VS"] = _with_kept_infusions(kept["VS"], kept["EX"])
    return kept


def _kept_form(
    code: str, frame: pd.DataFrame, subjid_of: dict[int, str], options: ExportOptions
) -> pd.DataFrame:
    """One form's records (not enrolment) of the kept subjects, with SUBJID, in the range."""
    frame = frame[frame["subject_id"].isin(subjid_of)]  # a new frame (copy on write)
    frame.insert(0, "SUBJID", frame["subject_id"].map(subjid_of))
    date_field = DATE_FILTER_FIELD.get(code)
    if date_field and (options.date_from or options.date_to):
        dates = frame[date_field]
        if code == "CM":
            dates = _partial_start(dates)
        frame = frame[_in_range(dates, options)]
    return frame


def _with_kept_infusions(vs: pd.DataFrame, infusions: pd.DataFrame) -> pd.DataFrame:
    """The vital signs whose infusion is kept."""
    return vs[vs["infusion_id"].isin(set(infusions["id"].tolist()))]


def _partial_start(series: pd.Series) -> pd.Series:
    """A partial date (YYYY, YYYY-MM) taken at the first day of its period."""
    text = series.astype("string")
    padded = text.where(text.str.len() != 4, text + "-01-01")
    padded = padded.where(padded.str.len() != 7, padded + "-01")
    return pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce")


def _in_range(dates: pd.Series, options: ExportOptions) -> pd.Series:
    keep = pd.Series(True, index=dates.index)
    if options.date_from is not None:
        keep &= dates >= pd.Timestamp(options.date_from)
    if options.date_to is not None:
        keep &= dates < pd.Timestamp(options.date_to) + pd.Timedelta(days=1)
    return keep


# --------------------------------------------------------------------------- audit trail


def _identifying_codes() -> list[str]:
    return [f.code for form in FORMS.values() for f in form.fields if f.identifying]


def _kept_audit(audit: pd.DataFrame, subjids: set[str], options: ExportOptions) -> pd.DataFrame:
    """The audit rows of the kept subjects and date range, identifying values withheld."""
    frame = audit.rename(columns=_AUDIT_NAMES)
    if options.sites or options.subjects:
        frame = frame[frame["SUBJID"].isin(subjids)]
    ts = pd.to_datetime(frame["TS"].str.rstrip("Z"), format="ISO8601", errors="coerce")
    frame = frame.assign(TS=ts, AUDITID=frame["AUDITID"].astype("float64"))
    if options.date_from or options.date_to:
        frame = frame[_in_range(frame["TS"], options)]
    if not options.include_identifying:
        base = frame["FIELD"].fillna("").str.split(".", n=1).str[0]
        mask = base.isin(set(_identifying_codes()))
        frame = frame.copy()
        for column in ("OLD", "NEW"):
            frame.loc[mask & frame[column].notna(), column] = WITHHELD
    return frame.reset_index(drop=True)


def _notes(options: ExportOptions) -> list[str]:
    """What the README says was left out."""
    if options.include_identifying:
        return []
    lead = "未导出可识别身份字段：" if options.language == "zh" else "Identifying fields left out: "
    return [lead + ", ".join(_identifying_codes())]
