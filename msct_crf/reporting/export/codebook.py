"""The codebook of an export and a REDCap-style data dictionary, both from the dictionary.

The Codebook sheet lists every column the workbook writes (sheet by sheet), read from the
same :class:`~msct_crf.reporting.export.variables.Var` definitions the writers use. The REDCap data
dictionary describes the variables of the per-form CSV files with REDCap's 18 standard
columns, so the CSV files can be loaded into REDCap or read by its tools.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from msct_crf.study.dictionary import FORMS, Field, FieldType, Label
from msct_crf.study.units import UnitSystem, from_si, unit_of

from .options import ExportOptions
from .variables import Table, Var

#: The 18 standard columns of a REDCap data dictionary, in REDCap's order.
REDCAP_COLUMNS: tuple[str, ...] = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)

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


# --------------------------------------------------------------------------- REDCap


def _redcap_row(f: Field, form_name: str, options: ExportOptions) -> list[str]:
    language = options.language
    unit = unit_of(f, options.units) if f.is_numeric else None
    label = f.label.get(language) + (f" ({unit})" if unit else "")
    other = f.label.zh if language == "en" else f.label.en
    choices = ""
    validation = ""
    field_type = "text"
    note_parts = [other]
    if f.type is FieldType.CODE and f.codelist is not None:
        field_type = "radio" if len(f.codelist.items) <= 4 else "dropdown"
        choices = " | ".join(
            f"{item.code}, {item.label.get(language)}" for item in f.codelist.items
        )
    elif f.type is FieldType.INTEGER:
        validation = "integer"
    elif f.type is FieldType.FLOAT:
        validation = "number"
    elif f.type is FieldType.DATE:
        validation = "date_ymd"
    elif f.type is FieldType.DATETIME:
        validation = "datetime_ymd"
    elif f.type is FieldType.PARTIAL_DATE:
        note_parts.append("YYYY, YYYY-MM or YYYY-MM-DD")
    soft = _range(f, "soft", options.units)
    if soft:
        note_parts.append(f"expected {soft}")
    low = high = ""
    if f.is_numeric and f.hard is not None:
        hard_low, hard_high = f.hard.low, f.hard.high
        hard_low = None if hard_low is None else from_si(f, hard_low, options.units)
        hard_high = None if hard_high is None else from_si(f, hard_high, options.units)
        low = "" if hard_low is None else f"{hard_low:.6g}"
        high = "" if hard_high is None else f"{hard_high:.6g}"
    annotation = "@READONLY" if f.derived else ""
    if f.derived and f.code != "SUBJID":
        note_parts.append("derived by MSC-CRF")
    return [
        f.code.lower(),
        form_name,
        "",
        field_type,
        label,
        choices,
        "; ".join(p for p in note_parts if p),
        validation,
        low,
        high,
        "y" if f.identifying else "",
        "",
        "y" if f.required and not f.derived else "",
        "",
        "",
        "",
        "",
        annotation,
    ]


def redcap_rows(options: ExportOptions) -> list[list[str]]:
    """The data dictionary rows: record ID first, then every exported field of every form."""
    rows: list[list[str]] = []
    for code in (
        options.selected_forms
        if "ENROL" in options.selected_forms
        else (
            "ENROL",
            *options.selected_forms,
        )
    ):
        form = FORMS[code]
        form_name = form.label.en.lower().replace(" ", "_")
        for f in form.fields:
            if f.identifying and not options.include_identifying:
                continue
            rows.append(_redcap_row(f, form_name, options))
    return rows


def write_redcap_dictionary(path: Path, options: ExportOptions) -> Path:
    """Write the REDCap-style data dictionary CSV (UTF-8 with BOM, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REDCAP_COLUMNS)
    writer.writerows(redcap_rows(options))
    from .csv import atomic_write_text

    atomic_write_text(path, buffer.getvalue())
    return path
