"""The bundle's REDCap data dictionary: one row per variable, REDCap's 18 columns.

Moved here from the export's codebook (issue 12), where it described the per-form CSV
files; it now describes the bundle's records file, which is built from the same
:func:`~.project.all_variables`, so the two cannot disagree.

What each field becomes:

* a code list: ``radio`` (up to four choices) or ``dropdown``, choices ``code, label``
  joined by `` | ``; a Y/N field: ``yesno``;
* an integer, a number, a date, a date and time: ``text`` validated as ``integer``,
  ``number``, ``date_ymd`` (Y-M-D), ``datetime_ymd`` (Y-M-D H:M); a partial date (year,
  or year and month, allowed) and free text: ``text`` without validation;
* Text Validation Min / Max: the *soft* range (what is plausible), in the export's units.
  REDCap treats min and max as a warning it lets the person confirm, like MSC-CRF's soft
  range; the hard range (what is impossible) is stated in the Field Note;
* ``Identifier?`` ``y`` for initials, date of birth and the hospital record number;
* derived values (age, BMI, dose, scores) carry ``@READONLY``: REDCap stores what MSC-CRF
  computed and does not let anyone type over it.
"""

from __future__ import annotations

from dataclasses import replace

from msct_crf.study.dictionary import FORMS, CodeList, Field, FieldType, Range
from msct_crf.study.sites import with_sites
from msct_crf.study.units import UnitSystem, from_si, unit_of

from .project import (
    IDENTIFIER_CODES,
    RECORD_ID,
    Variable,
    all_variables,
    choice_code,
    instrument,
    is_yesno,
    number_text,
)

_VALIDATION = {
    FieldType.INTEGER: "integer",
    FieldType.FLOAT: "number",
    FieldType.DATE: "date_ymd",
    FieldType.DATETIME: "datetime_ymd",
}


def field_type(f: Field) -> str:
    if is_yesno(f):
        return "yesno"
    if f.type is FieldType.CODE and f.codelist is not None:
        return "radio" if len(f.codelist.items) <= 4 else "dropdown"
    return "text"


def validation(f: Field) -> str:
    return _VALIDATION.get(f.type, "") if field_type(f) == "text" else ""


def choices(f: Field, language: str) -> str:
    if field_type(f) not in ("radio", "dropdown") or f.codelist is None:
        return ""
    return " | ".join(
        f"{choice_code(item.code)}, {item.label.get(language)}" for item in f.codelist.items
    )


def _bounds(f: Field, rng: Range | None, units: UnitSystem) -> tuple[str, str]:
    if rng is None or not f.is_numeric:
        return "", ""
    integer = f.type is FieldType.INTEGER
    low = "" if rng.low is None else number_text(from_si(f, rng.low, units), integer=integer)
    high = "" if rng.high is None else number_text(from_si(f, rng.high, units), integer=integer)
    return low, high


def _note(var: Variable, language: str, units: UnitSystem) -> str:
    f = var.field
    parts = [f.label.zh if language == "en" else f.label.en]
    if f.type is FieldType.PARTIAL_DATE:
        parts.append("YYYY, YYYY-MM or YYYY-MM-DD")
    low, high = _bounds(f, f.hard, units)
    if low or high:
        sign = ">" if f.exclusive_low else ""
        parts.append(f"allowed {sign}{low} - {high}".rstrip(" -"))
    if f.codelist is not None and not is_yesno(f):
        renamed = [
            f"{i.code} = {choice_code(i.code)}"
            for i in f.codelist.items
            if choice_code(i.code) != i.code
        ]
        if renamed:
            parts.append("MSC-CRF codes " + ", ".join(renamed))
    if f.derived and var.name != RECORD_ID:
        parts.append("derived by MSC-CRF")
    return "; ".join(p for p in parts if p)


def _label(var: Variable, language: str, units: UnitSystem) -> str:
    f = var.field
    unit = unit_of(f, units) if f.is_numeric else None
    label = f.label.get(language) + (f" ({unit})" if unit else "")
    if var.timepoint is not None:
        tpt = FORMS["VS"].field("VSTPT").codelist
        assert tpt is not None
        label = f"{label}, {tpt.label(var.timepoint, language)}"
    return label


def dictionary_row(var: Variable, language: str, units: UnitSystem) -> list[str]:
    f = var.field
    low, high = _bounds(f, f.soft, units)
    derived = f.derived and var.name != RECORD_ID
    return [
        var.name,
        instrument(var.form),
        "",
        field_type(f),
        _label(var, language, units),
        choices(f, language),
        _note(var, language, units),
        validation(f),
        low,
        high,
        "y" if f.code in IDENTIFIER_CODES else "",
        "",
        "y" if f.required and not f.derived and var.timepoint is None else "",
        "",
        "",
        "",
        "",
        "@READONLY" if derived else "",
    ]


def dictionary_rows(
    language: str, units: UnitSystem, sites: CodeList | None = None
) -> list[list[str]]:
    """Every variable of every instrument, the record ID first (header not included); the
    site field's choices are `sites` (the study's registered sites) when given."""
    return [
        dictionary_row(replace(var, field=with_sites(var.field, sites)), language, units)
        for var in all_variables()
    ]
