"""Reading the study into pandas for export: a few bulk queries, one column definition.

Each form table is read with one query (never one per subject), the integer subject keys
are mapped to subject IDs, dates become datetime64, values are converted to the chosen
unit system, and the filters of :class:`ExportOptions` are applied. What each column is
(its header, type, unit and code list) comes from the study dictionary through
:class:`Var`, which the workbook, the CSV files and the codebook all read, so the three can
never describe a column differently.

Values stay *codes* here (``F``, ``UC-MSC``); the workbook shows their labels in the
chosen language, the CSV files keep the codes (which the REDCap dictionary explains).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from msct_crf.storage.audit import GENESIS_HASH
from msct_crf.storage.db.audit_table import AUDIT_TABLE
from msct_crf.storage.store import Store
from msct_crf.study import schedule as sched
from msct_crf.study.dictionary import (
    FORMS,
    VISITS,
    CodeList,
    Field,
    FieldType,
    Form,
    Label,
)
from msct_crf.study.dictionary.codelists import DS_STATUS, MSC_SOURCE, VISIT
from msct_crf.study.units import UnitSystem, unit_of

from .options import ExportError, ExportOptions

__all__ = [
    "AUDIT_COLUMNS",
    "SCHEDULED_VISITS",
    "SHEET_NAMES",
    "WIDE_VARIABLES",
    "StudyData",
    "Table",
    "Var",
    "load_study",
]

#: Long-sheet name of each form.
SHEET_NAMES: dict[str, str] = {
    "ENROL": "Enrolment",
    "EX": "Infusions",
    "VS": "Vital signs",
    "VIS": "Visits",
    "AE": "Adverse events",
    "CM": "Conmeds",
    "MH": "Medical history",
    "DS": "Disposition",
}

#: Scheduled visit codes, in schedule order (UNSCHED is not a timepoint).
SCHEDULED_VISITS: tuple[str, ...] = tuple(v.code for v in VISITS)

#: Visit-form variables that get one Wide column per timepoint (dates, labs, scores).
WIDE_VARIABLES: tuple[str, ...] = tuple(
    f.code
    for f in FORMS["VIS"].fields
    if f.code != "VISIT" and (f.is_numeric or f.type is FieldType.DATE or f.code == "CPCLASS")
)

_DATE_KINDS = (FieldType.DATE, FieldType.DATETIME)


@dataclass(frozen=True)
class Var:
    """One exported column: its name in the frame, header label, type, unit and codes.

    ``unit`` is the unit the values are in (after any conversion to conventional units).
    """

    name: str
    label: Label
    kind: FieldType
    field: Field | None = None
    unit: str | None = None
    codelist: CodeList | None = None
    decimals: int | None = None
    note: Label | None = None
    #: The header is the variable name itself (the Wide sheet: ``TBIL_M6``).
    name_header: bool = False

    def header(self, language: str) -> str:
        if self.name_header:
            return self.name
        text = self.label.get(language)
        return f"{text} ({self.unit})" if self.unit else text


@dataclass
class Table:
    """One sheet's data: a frame of coded values and the definition of its columns."""

    name: str
    frame: pd.DataFrame
    vars: list[Var]
    form: str | None = None

    @property
    def rows(self) -> int:
        return len(self.frame)


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

    @property
    def visits_si(self) -> pd.DataFrame:
        return self.records["VIS"]


# --------------------------------------------------------------------------- helpers


def _extra(name: str, en: str, zh: str, kind: FieldType, **kwargs: Any) -> Var:
    return Var(name, Label(en, zh), kind, **kwargs)


SUBJID_VAR = _extra("SUBJID", "Subject ID", "受试者编号", FieldType.TEXT)
STATUS_VAR = _extra("STATUS", "Record status", "记录状态", FieldType.TEXT)
STUDYDAY_VAR = _extra(
    "STUDYDAY",
    "Study day (day 0 = first infusion)",
    "研究日（首次输注为第 0 天）",
    FieldType.INTEGER,
    unit=None,
    decimals=0,
)
AESEQ_VAR = _extra("AESEQ", "Adverse event number", "不良事件序号", FieldType.INTEGER, decimals=0)
CMSEQ_VAR = _extra("CMSEQ", "Medication number", "用药序号", FieldType.INTEGER, decimals=0)
MHSEQ_VAR = _extra("MHSEQ", "Condition number", "病史序号", FieldType.INTEGER, decimals=0)


def missing_var(f: Field) -> Var:
    return _extra(
        f"{f.code}_MISSING",
        f"{f.label.en}: missing-data code",
        f"{f.label.zh}：缺失代码",
        FieldType.TEXT,
        field=None,
        note=Label(
            f"Why {f.code} is empty: ND not done, UNK unknown, NA not applicable",
            f"{f.code} 为空的原因：ND 未检测，UNK 不详，NA 不适用",
        ),
    )


def field_var(f: Field, units: UnitSystem, name: str | None = None) -> Var:
    unit = unit_of(f, units) if f.is_numeric else None
    decimals = f.decimals
    if f.conventional is not None and units is UnitSystem.CONVENTIONAL:
        decimals = (decimals or 0) + 2  # µmol/L -> mg/dL loses magnitude; keep precision
    return Var(
        name or f.code,
        f.label,
        f.type,
        field=f,
        unit=unit,
        codelist=f.codelist,
        decimals=decimals,
    )


def _exported_fields(form: Form, options: ExportOptions) -> list[Field]:
    return [f for f in form.fields if options.include_identifying or not f.identifying]


@contextmanager
def snapshot(store: Store) -> Iterator[Any]:
    """A DB-API cursor in one read transaction: every query sees the same data.

    On SQLite a plain deferred BEGIN (WAL readers never block the nurse's saves, unlike the
    app's BEGIN IMMEDIATE write transactions); elsewhere the driver's own transaction.
    """
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if store.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        try:
            yield cursor
        finally:
            cursor.close()
            raw.rollback()
    finally:
        raw.close()


def _read(cursor: Any, sql: str) -> tuple[list[str], list[Any]]:
    cursor.execute(sql)
    rows = cursor.fetchall()
    return [d[0] for d in cursor.description], rows


def _head_hash(cursor: Any) -> str:
    """The audit chain's head as msct_crf.storage.audit.head_hash reads it, in this snapshot."""
    cursor.execute(f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    return str(row[0]) if row and row[0] is not None else GENESIS_HASH


def _to_datetime(series: pd.Series) -> pd.Series:
    """SQLite hands back ISO text; other backends hand back date objects: both parse."""
    if series.empty:
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    return pd.to_datetime(series, format="ISO8601", errors="coerce")


def _parse_missing(series: pd.Series) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for raw in series.tolist():
        if raw is None or raw in ("{}", ""):
            out.append({})
        elif isinstance(raw, dict):
            out.append(raw)
        else:
            try:
                parsed = json.loads(raw)
            except (TypeError, ValueError):
                parsed = {}
            out.append(parsed if isinstance(parsed, dict) else {})
    return out


def _load_form_frame(cursor: Any, form: Form) -> pd.DataFrame:
    extra = ["id", "status", "missing"]
    if form.code != "ENROL":
        extra.append("subject_id")
    if form.code in ("VS", "AE"):
        extra.append("infusion_id")
    columns = extra + [f.column for f in form.fields]
    names, rows = _read(cursor, f"SELECT {', '.join(columns)} FROM {form.table}")
    frame = pd.DataFrame.from_records(rows, columns=names)
    rename = {f.column: f.code for f in form.fields}
    frame = frame.rename(columns=rename)
    if form.code == "ENROL":
        frame["subject_id"] = frame["id"]
    for f in form.fields:
        if f.type in _DATE_KINDS:
            frame[f.code] = _to_datetime(frame[f.code])
        elif f.is_numeric:
            frame[f.code] = pd.to_numeric(frame[f.code], errors="coerce").astype("float64")
        else:
            frame[f.code] = frame[f.code].astype(object).where(frame[f.code].notna(), None)
    frame["missing"] = pd.Series(_parse_missing(frame["missing"]), index=frame.index, dtype=object)
    return frame


def _convert_units(frame: pd.DataFrame, form: Form, units: UnitSystem) -> pd.DataFrame:
    if units is UnitSystem.SI:
        return frame
    frame = frame.copy()
    for f in form.fields:
        if f.conventional is not None and f.code in frame:
            frame[f.code] = frame[f.code] / f.conventional.factor
    return frame


def _partial_start(series: pd.Series) -> pd.Series:
    """A partial date (YYYY, YYYY-MM) taken at the first day of its period."""
    text = series.astype("string")
    padded = text.where(text.str.len() != 4, text + "-01-01")
    padded = padded.where(padded.str.len() != 7, padded + "-01")
    return pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce")


#: The date that places a record in the date range, by form.
DATE_FILTER_FIELD: dict[str, str] = {
    "EX": "EXSTDTC",
    "VIS": "VISDTC",
    "AE": "AESTDTC",
    "CM": "CMSTDTC",
    "DS": "DSSTDTC",
}


def _in_range(dates: pd.Series, options: ExportOptions) -> pd.Series:
    keep = pd.Series(True, index=dates.index)
    if options.date_from is not None:
        keep &= dates >= pd.Timestamp(options.date_from)
    if options.date_to is not None:
        keep &= dates < pd.Timestamp(options.date_to) + pd.Timedelta(days=1)
    return keep


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
    data: dict[str, Any] = {v.name: frame[v.name] for v in lead}
    for f in fields:
        if f.code in skip_set:
            continue
        vars_.append(field_var(f, options.units))
        data[f.code] = frame[f.code]
        if f.code in missing:
            mv = missing_var(f)
            vars_.append(mv)
            data[mv.name] = missing[f.code]
    vars_.append(STATUS_VAR)
    data["STATUS"] = frame["status"]
    return pd.DataFrame(data, index=frame.index).reset_index(drop=True), vars_


def _codelist_order(codelist: CodeList, series: pd.Series) -> pd.Series:
    order = {code: i for i, code in enumerate(codelist.codes)}
    return series.map(order).fillna(len(order))


# --------------------------------------------------------------------------- loading


def load_study(
    store: Store,
    options: ExportOptions,
    *,
    today: dt.date,
    check: Callable[[], None] = lambda: None,
) -> StudyData:
    """Read and filter everything the export writes. ``check`` is called between queries
    (it raises to cancel)."""
    raw: dict[str, pd.DataFrame] = {}
    audit: pd.DataFrame | None = None
    with snapshot(store) as cursor:
        head = _head_hash(cursor)
        for code in ("ENROL", "EX", "VS", "VIS", "AE", "CM", "MH", "DS"):
            raw[code] = _load_form_frame(cursor, FORMS[code])
            check()
        if options.include_audit:
            names, rows = _read(
                cursor,
                'SELECT id, ts_utc, "user", action, table_name, record_id, subject_id, field, '
                f"old_value, new_value, reason, hash FROM {AUDIT_TABLE} ORDER BY id",
            )
            audit = pd.DataFrame.from_records(rows, columns=names)
            check()

    subjects = raw["ENROL"]
    known_ids = set(subjects["SUBJID"].tolist())
    if options.subjects:
        unknown = [s for s in options.subjects if s not in known_ids]
        if unknown:
            shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise ExportError(f"subjects: not in this study: {shown}")
    keep = pd.Series(True, index=subjects.index)
    if options.sites:
        keep &= subjects["SITEID"].isin(options.sites)
    if options.subjects:
        keep &= subjects["SUBJID"].isin(options.subjects)
    subjects = subjects[keep].sort_values("SUBJID", kind="stable").reset_index(drop=True)
    subjid_of = dict(zip(subjects["id"].tolist(), subjects["SUBJID"].tolist(), strict=True))

    # subject facts from unfiltered-by-date records: day 0, source, disposition
    ex_all = raw["EX"][raw["EX"]["subject_id"].isin(subjid_of)]
    ex_sorted = ex_all.sort_values(["subject_id", "EXSTDTC", "id"], kind="stable")
    first = ex_sorted.dropna(subset=["EXSTDTC"]).groupby("subject_id", sort=False).first()
    facts = pd.DataFrame(index=subjects["id"])
    facts["DAY0"] = first["EXSTDTC"].dt.normalize().reindex(facts.index)
    first_src = ex_sorted.dropna(subset=["EXSRC"]).groupby("subject_id", sort=False)["EXSRC"]
    facts["EXSRC"] = first_src.first().reindex(facts.index)
    facts["EXN"] = ex_all.groupby("subject_id").size().reindex(facts.index).fillna(0)
    ds_all = raw["DS"].drop_duplicates("subject_id").set_index("subject_id")
    for code in ("DSDECOD", "DSSTDTC", "DSLTXDTC"):
        facts[code] = ds_all[code].reindex(facts.index)
    facts = facts.reset_index(drop=True)
    for column in ("DAY0", "DSSTDTC", "DSLTXDTC"):
        facts[column] = pd.to_datetime(facts[column])
    facts["EXSRC"] = facts["EXSRC"].astype(object).where(facts["EXSRC"].notna(), None)
    facts["DSDECOD"] = facts["DSDECOD"].astype(object).where(facts["DSDECOD"].notna(), None)
    subjects = pd.concat([subjects, facts], axis=1)

    frames: dict[str, pd.DataFrame] = {}
    for code, frame in raw.items():
        if code == "ENROL":
            frames[code] = subjects
            continue
        frame = frame[frame["subject_id"].isin(subjid_of)].copy()
        frame.insert(0, "SUBJID", frame["subject_id"].map(subjid_of))
        date_field = DATE_FILTER_FIELD.get(code)
        if date_field and (options.date_from or options.date_to):
            dates = frame[date_field]
            if code == "CM":
                dates = _partial_start(dates)
            frame = frame[_in_range(dates, options)]
        frames[code] = frame
    if options.date_from or options.date_to:
        kept_infusions = set(frames["EX"]["id"].tolist())
        vs = frames["VS"]
        frames["VS"] = vs[vs["infusion_id"].isin(kept_infusions)]

    tables = {
        code: _build_table(code, frames, raw["EX"], subjects, options)
        for code in options.selected_forms
    }
    if audit is not None:
        audit = _prepare_audit(audit, set(subjid_of.values()), options)
    notes = []
    if not options.include_identifying:
        hidden = [f.code for form in FORMS.values() for f in form.fields if f.identifying]
        notes.append(
            (
                "未导出可识别身份字段："
                if options.language == "zh"
                else "Identifying fields left out: "
            )
            + ", ".join(hidden)
        )
    return StudyData(
        options=options,
        subjects=subjects,
        forms=tables,
        records=frames,
        today=today,
        head_hash=head,
        audit=audit,
        notes=notes,
    )


def _study_day(dates: pd.Series, day0: pd.Series) -> pd.Series:
    return (dates.dt.normalize() - day0).dt.days.astype("float64")


def _build_table(
    code: str,
    frames: dict[str, pd.DataFrame],
    all_infusions: pd.DataFrame,
    subjects: pd.DataFrame,
    options: ExportOptions,
) -> Table:
    form = FORMS[code]
    frame = _convert_units(frames[code], form, options.units)
    fields = _exported_fields(form, options)
    day0_of = dict(zip(subjects["SUBJID"].tolist(), subjects["DAY0"].tolist(), strict=True))
    lead: list[Var] = [SUBJID_VAR]
    if code == "ENROL":
        frame = frame.sort_values("SUBJID", kind="stable")
    elif code == "EX":
        frame = frame.sort_values(["SUBJID", "EXSTDTC", "id"], kind="stable")
        lead += [field_var(form.field("EXNUM"), options.units)]
    elif code == "VS":
        ex = all_infusions.set_index("id")
        frame = frame.assign(
            EXNUM=frame["infusion_id"].map(ex["EXNUM"]).astype("float64"),
            _start=frame["infusion_id"].map(ex["EXSTDTC"]),
            _tpt=_codelist_order(form.field("VSTPT").codelist, frame["VSTPT"]),  # type: ignore[arg-type]
        ).sort_values(["SUBJID", "_start", "infusion_id", "_tpt"], kind="stable")
        lead += [
            field_var(FORMS["EX"].field("EXNUM"), options.units),
            field_var(form.field("VSTPT"), options.units),
        ]
    elif code == "VIS":
        frame = frame.assign(
            _vis=_codelist_order(VISIT, frame["VISIT"]),
        ).sort_values(["SUBJID", "_vis", "VISDTC", "id"], kind="stable")
        day0 = frame["SUBJID"].map(day0_of)
        frame["STUDYDAY"] = _study_day(frame["VISDTC"], pd.to_datetime(day0))
        lead += [field_var(form.field("VISIT"), options.units)]
        lead += [field_var(form.field("VISDTC"), options.units), STUDYDAY_VAR]
    elif code in ("AE", "CM", "MH"):
        order = {"AE": ["SUBJID", "AESTDTC", "id"], "CM": ["SUBJID", "id"], "MH": ["SUBJID", "id"]}
        frame = frame.sort_values(order[code], kind="stable")
        seq = {"AE": AESEQ_VAR, "CM": CMSEQ_VAR, "MH": MHSEQ_VAR}[code]
        frame[seq.name] = frame.groupby("SUBJID", sort=False).cumcount().astype("float64") + 1
        lead.append(seq)
        if code == "AE":
            day0 = frame["SUBJID"].map(day0_of)
            frame["STUDYDAY"] = _study_day(frame["AESTDTC"], pd.to_datetime(day0))
    elif code == "DS":
        frame = frame.sort_values("SUBJID", kind="stable")
    built, vars_ = _ordered_with_missing(frame, lead, fields, options, skip=("SUBJID",))
    if code == "AE":  # study day of onset right after the onset
        position = [v.name for v in vars_].index("AESTDTC") + 1
        vars_.insert(position, STUDYDAY_VAR)
        built["STUDYDAY"] = frame["STUDYDAY"].to_numpy()
    return Table(SHEET_NAMES[code], built, vars_, form=code)


# --------------------------------------------------------------------------- audit trail

AUDIT_COLUMNS: list[Var] = [
    _extra("AUDITID", "Audit row", "审计记录号", FieldType.INTEGER, decimals=0),
    _extra("TS", "Time (UTC)", "时间（UTC）", FieldType.DATETIME),
    _extra("USER", "User", "用户", FieldType.TEXT),
    _extra("ACTION", "Action", "操作", FieldType.TEXT),
    _extra("TABLE", "Table", "数据表", FieldType.TEXT),
    _extra("RECORD", "Record", "记录", FieldType.TEXT),
    _extra("SUBJID", "Subject ID", "受试者编号", FieldType.TEXT),
    _extra("FIELD", "Field", "字段", FieldType.TEXT),
    _extra("OLD", "Old value", "原值", FieldType.TEXT),
    _extra("NEW", "New value", "新值", FieldType.TEXT),
    _extra("REASON", "Reason", "原因", FieldType.TEXT),
    _extra("HASH", "Hash", "哈希值", FieldType.TEXT),
]

WITHHELD = "[identifying field withheld]"


def _prepare_audit(audit: pd.DataFrame, subjids: set[str], options: ExportOptions) -> pd.DataFrame:
    frame = audit.rename(
        columns={
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
    )
    if options.sites or options.subjects:
        frame = frame[frame["SUBJID"].isin(subjids)]
    ts = pd.to_datetime(frame["TS"].str.rstrip("Z"), format="ISO8601", errors="coerce")
    frame = frame.assign(TS=ts, AUDITID=frame["AUDITID"].astype("float64"))
    if options.date_from or options.date_to:
        frame = frame[_in_range(frame["TS"], options)]
    if not options.include_identifying:
        hidden = {f.code for form in FORMS.values() for f in form.fields if f.identifying}
        base = frame["FIELD"].fillna("").str.split(".", n=1).str[0]
        mask = base.isin(hidden)
        frame = frame.copy()
        for column in ("OLD", "NEW"):
            frame.loc[mask & frame[column].notna(), column] = WITHHELD
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- wide


def wide_table(data: StudyData) -> Table:
    """One row per subject: baseline characteristics, then variable x timepoint columns."""
    options = data.options
    subjects = data.subjects
    enrol = FORMS["ENROL"]
    base_codes = [
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
    ]
    if options.include_identifying:
        base_codes.insert(1, "HOSPNUM")
    vars_: list[Var] = [SUBJID_VAR]
    columns: dict[str, Any] = {"SUBJID": subjects["SUBJID"].to_numpy()}
    for code in base_codes:
        vars_.append(field_var(enrol.field(code), options.units))
        columns[code] = subjects[code].to_numpy()
    extras = [
        (
            _extra("DAY0", "Day 0 (first infusion)", "第 0 天（首次输注）", FieldType.DATE),
            subjects["DAY0"],
        ),
        (
            _extra(
                "EXSRC",
                "MSC source (first infusion)",
                "干细胞来源（首次输注）",
                FieldType.CODE,
                codelist=MSC_SOURCE,
            ),
            subjects["EXSRC"],
        ),
        (
            _extra("EXN", "Number of infusions", "输注次数", FieldType.INTEGER, decimals=0),
            subjects["EXN"],
        ),
        (
            _extra("DSDECOD", "Disposition", "研究结局", FieldType.CODE, codelist=DS_STATUS),
            subjects["DSDECOD"],
        ),
        (_extra("DSSTDTC", "Disposition date", "结局日期", FieldType.DATE), subjects["DSSTDTC"]),
        (
            _extra("DSLTXDTC", "Transplant date", "肝移植日期", FieldType.DATE),
            subjects["DSLTXDTC"],
        ),
    ]
    for var, series in extras:
        vars_.append(var)
        columns[var.name] = series.to_numpy()

    visits = _convert_units(data.visits_si, FORMS["VIS"], options.units)
    visits = visits[visits["VISIT"].isin(SCHEDULED_VISITS)]
    visits = visits.sort_values(["SUBJID", "VISDTC", "id"], kind="stable").drop_duplicates(
        ["SUBJID", "VISIT"]
    )
    n = len(subjects)
    rows = pd.Index(subjects["SUBJID"]).get_indexer(visits["SUBJID"])
    cols = visits["VISIT"].map({v: i for i, v in enumerate(SCHEDULED_VISITS)}).to_numpy()
    vis_form = FORMS["VIS"]
    for code in WIDE_VARIABLES:
        f = vis_form.field(code)
        base = field_var(f, options.units)
        grid: np.ndarray
        if f.type in _DATE_KINDS:
            grid = np.full((n, len(SCHEDULED_VISITS)), np.datetime64("NaT"), dtype="datetime64[ns]")
            grid[rows, cols] = visits[code].to_numpy(dtype="datetime64[ns]")
        elif f.is_numeric:
            grid = np.full((n, len(SCHEDULED_VISITS)), np.nan)
            grid[rows, cols] = visits[code].to_numpy(dtype="float64")
        else:
            grid = np.full((n, len(SCHEDULED_VISITS)), None, dtype=object)
            grid[rows, cols] = visits[code].to_numpy(dtype=object)
        for j, visit in enumerate(SCHEDULED_VISITS):
            visit_label = VISIT.items[VISIT.codes.index(visit)].label
            vars_.append(
                Var(
                    f"{code}_{visit}",
                    Label(f"{f.label.en}, {visit_label.en}", f"{f.label.zh}，{visit_label.zh}"),
                    f.type,
                    field=f,
                    unit=base.unit,
                    codelist=f.codelist,
                    decimals=base.decimals,
                )
            )
            columns[f"{code}_{visit}"] = grid[:, j]
    vars_ = [replace(v, name_header=True) for v in vars_]
    return Table("Wide", pd.DataFrame(columns), vars_)


# --------------------------------------------------------------------------- deviations


@dataclass(frozen=True)
class Deviation:
    subjid: str
    site: str
    visit: str
    kind: sched.VisitState
    window_start: dt.date | None
    target: dt.date | None
    window_end: dt.date | None
    visit_date: dt.date | None
    days_off: int | None


def _dates(series: pd.Series) -> list[dt.date | None]:
    """datetime64 values as datetime.date (None where missing), converted in numpy."""
    days = pd.to_datetime(series).to_numpy(dtype="datetime64[D]")
    return days.astype(object).tolist()


def deviations(data: StudyData) -> list[Deviation]:
    """Out-of-window and missed visits of every kept subject (msct_crf.study.schedule)."""
    visits = data.visits_si
    by_subject: dict[str, list[tuple[str, dt.date]]] = {}
    scheduled = set(SCHEDULED_VISITS)
    for subjid, code, when in zip(
        visits["SUBJID"].tolist(),
        visits["VISIT"].tolist(),
        _dates(visits["VISDTC"]),
        strict=True,
    ):
        if code in scheduled and when is not None:
            by_subject.setdefault(subjid, []).append((code, when))
    out: list[Deviation] = []
    s = data.subjects
    for subjid, site, day0, status, end in zip(
        s["SUBJID"].tolist(),
        s["SITEID"].tolist(),
        _dates(s["DAY0"]),
        s["DSDECOD"].tolist(),
        _dates(s["DSSTDTC"]),
        strict=True,
    ):
        if day0 is None:
            continue
        plan = sched.subject_schedule(
            day0=day0,
            visits=by_subject.get(subjid, ()),
            end_status=status,
            end_date=end,
            today=data.today,
        )
        for sv in sched.deviations(plan):
            out.append(
                Deviation(
                    subjid,
                    site,
                    sv.code,
                    sv.state,
                    sv.window_start,
                    sv.target,
                    sv.window_end,
                    sv.visit_date,
                    sv.days_off,
                )
            )
    return out


def to_excel_serial(series: pd.Series) -> np.ndarray:
    """datetime64 -> Excel serial day numbers (1900 date system), NaN where missing."""
    values = pd.to_datetime(series)
    epoch = np.datetime64("1899-12-30", "ns")
    delta = values.to_numpy(dtype="datetime64[ns]") - epoch
    return delta.astype("timedelta64[ns]").astype("int64") / 86_400e9 + np.where(
        values.isna().to_numpy(), np.nan, 0.0
    )
