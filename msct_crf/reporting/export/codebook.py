"""The codebook of an export, from the dictionary.

The Codebook sheet lists every column the workbook writes (sheet by sheet), read from the
same :class:`~msct_crf.reporting.export.variables.Var` definitions the writers use. The REDCap
data dictionary is part of the REDCap import bundle (:mod:`msct_crf.reporting.redcap`).
"""

from __future__ import annotations

from collections.abc import Iterable

from msct_crf.study.dictionary import Field, FieldType, Label
from msct_crf.study.units import UnitSystem, from_si

from .options import ExportOptions
from .variables import Table, Var

CODEBOOK_HEADERS = Label(
    "Sheet|Column|Variable|Label (English)|Label (Chinese)|Type|Unit|SI unit|"
    "Conversion|Hard range|Soft range|Codes|Derived|Required|Identifying|Note",
    "工作表|列名|变量|标签（英文）|标签（中文）|类型|单位|国际单位|换算|硬范围|软范围|代码|"
    "派生|必填|可识别身份|说明",
)

_TYPE_NAMES = {
    FieldType.TEXT: "text",
    FieldType.INTEGER: "integer",
    FieldType.FLOAT: "number",
    FieldType.DATE: "date",
    FieldType.PARTIAL_DATE: "partial date (YYYY, YYYY-MM or YYYY-MM-DD)",
    FieldType.DATETIME: "date and time",
    FieldType.CODE: "code",
}


def _range(f: Field | None, which: str, units: UnitSystem) -> str:
    if f is None:
        return ""
    rng = getattr(f, which)
    if rng is None:
        return ""
    low, high = rng.low, rng.high
    low = None if low is None else from_si(f, low, units)
    high = None if high is None else from_si(f, high, units)
    lo = "" if low is None else f"{low:.4g}"
    hi = "" if high is None else f"{high:.4g}"
    if which == "hard" and f.exclusive_low and lo:
        lo = f">{lo}"
    return f"{lo} - {hi}".strip(" -") if lo or hi else ""


def codes_text(var: Var, language: str) -> str:
    if var.codelist is None:
        return ""
    return "; ".join(f"{item.code} = {item.label.get(language)}" for item in var.codelist.items)


def _note(var: Var, language: str) -> str:
    """The column's own note; a free-text column also says what the CSV apostrophe is."""
    if var.note:
        return var.note.get(language)
    if var.field is not None and var.kind is FieldType.TEXT and var.codelist is None:
        from .csv import APOSTROPHE_NOTE

        return APOSTROPHE_NOTE.get(language)
    return ""


def codebook_rows(tables: Iterable[Table], options: ExportOptions) -> list[list[str]]:
    """One row per column of every data sheet (header row not included)."""
    rows: list[list[str]] = []
    for table in tables:
        for var in table.vars:
            f = var.field
            conversion = ""
            if f is not None and f.conventional is not None:
                conversion = f"{f.conventional.unit} = {f.unit} / {f.conventional.factor:g}"
            rows.append(
                [
                    table.name,
                    var.header(options.language),
                    var.name,
                    var.label.en,
                    var.label.zh,
                    _TYPE_NAMES[var.kind],
                    var.unit or "",
                    (f.unit or "") if f is not None and f.is_numeric else "",
                    conversion,
                    _range(f, "hard", options.units),
                    _range(f, "soft", options.units),
                    codes_text(var, options.language),
                    "yes" if f is not None and f.derived else "",
                    "yes" if f is not None and f.required else "",
                    "yes" if f is not None and f.identifying else "",
                    _note(var, options.language),
                ]
            )
    return rows
