"""What each exported column is: one definition the workbook, CSV files and codebook read.

A :class:`Var` names a column of a sheet with its header label, type, unit and code list,
taken from the study dictionary, so the three outputs can never describe a column
differently. A :class:`Table` is one sheet's frame of coded values with its Vars.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from msct_crf.study.dictionary import (
    FORMS,
    VISITS,
    CodeList,
    Field,
    FieldType,
    Label,
)
from msct_crf.study.sites import with_sites
from msct_crf.study.units import UnitSystem, converts, unit_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AUDIT_COLUMNS",
    "DATE_KINDS",
    "SCHEDULED_VISITS",
    "SHEET_NAMES",
    "WIDE_VARIABLES",
    "Table",
    "Var",
    "extra_var",
    "field_var",
    "missing_var",
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

DATE_KINDS = (FieldType.DATE, FieldType.DATETIME)


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


def extra_var(name: str, en: str, zh: str, kind: FieldType, **kwargs: Any) -> Var:
    """A column that is no dictionary field (sequence numbers, study day, audit columns)."""
    return Var(name, Label(en, zh), kind, **kwargs)


def field_var(
    f: Field, units: UnitSystem, name: str | None = None, sites: CodeList | None = None
) -> Var:
    """The column of a dictionary field, in `units`; a site field lists `sites` (the
    study's registered sites)."""
    f = with_sites(f, sites)
    unit = unit_of(f, units) if f.is_numeric else None
    decimals = f.decimals
    if converts(f, units):
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


def missing_var(f: Field) -> Var:
    """The ``<CODE>_MISSING`` column that says why a field is empty."""
    return extra_var(
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


SUBJID_VAR = extra_var("SUBJID", "Subject ID", "受试者编号", FieldType.TEXT)
STATUS_VAR = extra_var("STATUS", "Record status", "记录状态", FieldType.TEXT)
STUDYDAY_VAR = extra_var(
    "STUDYDAY",
    "Study day (day 0 = first infusion)",
    "研究日（首次输注为第 0 天）",
    FieldType.INTEGER,
    unit=None,
    decimals=0,
)
AESEQ_VAR = extra_var(
    "AESEQ", "Adverse event number", "不良事件序号", FieldType.INTEGER, decimals=0
)
CMSEQ_VAR = extra_var("CMSEQ", "Medication number", "用药序号", FieldType.INTEGER, decimals=0)
MHSEQ_VAR = extra_var("MHSEQ", "Condition number", "病史序号", FieldType.INTEGER, decimals=0)

AUDIT_COLUMNS: list[Var] = [
    extra_var("AUDITID", "Audit row", "审计记录号", FieldType.INTEGER, decimals=0),
    extra_var("TS", "Time (UTC)", "时间（UTC）", FieldType.DATETIME),
    extra_var("USER", "User", "用户", FieldType.TEXT),
    extra_var("ACTION", "Action", "操作", FieldType.TEXT),
    extra_var("TABLE", "Table", "数据表", FieldType.TEXT),
    extra_var("RECORD", "Record", "记录", FieldType.TEXT),
    extra_var("SUBJID", "Subject ID", "受试者编号", FieldType.TEXT),
    extra_var("FIELD", "Field", "字段", FieldType.TEXT),
    extra_var("OLD", "Old value", "原值", FieldType.TEXT),
    extra_var("NEW", "New value", "新值", FieldType.TEXT),
    extra_var("REASON", "Reason", "原因", FieldType.TEXT),
    extra_var("HASH", "Hash", "哈希值", FieldType.TEXT),
]
