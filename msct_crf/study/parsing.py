"""What a person typed -> the field's Python value, or a finding that says what is allowed.

`parse_value` turns what a person typed (or a typed Python value from the demo or an import)
into the field's Python type, converting conventional units to SI. User data never raises
here. `Finding` is what every check of the core says about a field (parsing here, field and
cross-field rules in `msct_crf.study.rules` and `msct_crf.study.validation`), in English and
Chinese, naming the field and what is allowed.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from msct_crf.study.dictionary import Field, FieldType, Range
from msct_crf.study.text import as_typed, has_control_characters
from msct_crf.study.units import UnitSystem, to_si

Severity = Literal["error", "warning"]

#: Numbers beyond this magnitude are refused even where a field has no hard range.
MAX_MAGNITUDE = 1e12
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
# What a person may type as a number: plain ASCII decimal notation (full-width digits are
# folded to ASCII first by NFKC, which only numbers, dates and codes get). No "1_000", no
# hex, no other scripts' digits.
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
_NON_FINITE = re.compile(r"^[+-]?(?:nan|inf|infinity)$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?$", re.ASCII)


@dataclass(frozen=True)
class Finding:
    """One problem with one field (or with a rule over several fields)."""

    field: str
    severity: Severity
    rule: str
    message: str
    message_zh: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def field_name(f: Field) -> str:
    return f"{f.label.en} ({f.code})"


def field_name_zh(f: Field) -> str:
    return f"{f.label.zh}（{f.code}）"


def field_error(f: Field, rule: str, en: str, zh: str, severity: Severity = "error") -> Finding:
    return Finding(f.code, severity, rule, f"{field_name(f)} {en}", f"{field_name_zh(f)}{zh}")


@dataclass(frozen=True)
class Parsed:
    value: Any
    finding: Finding | None = None


def parse_value(f: Field, raw: object, units: UnitSystem = UnitSystem.SI) -> Parsed:
    """The field's value from `raw` (a string as typed, or a Python value); blank -> None.

    Free text is kept as typed (NFC only, trimmed: see :mod:`msct_crf.study.text`); numbers,
    dates and codes are also folded with NFKC, so full-width digits from a Chinese input
    method are digits."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, str):
        if f.type is FieldType.TEXT:
            raw = as_typed(raw).strip()
        else:
            raw = unicodedata.normalize("NFKC", raw).strip()
        if raw == "":
            return Parsed(None)
        if has_control_characters(raw):
            return Parsed(
                None,
                field_error(
                    f,
                    "type",
                    "contains control characters or invalid characters; type plain text",
                    "含有控制字符或无效字符，请输入普通文本",
                ),
            )
    parser = _PARSERS[f.type]
    return parser(f, raw, units)


def _parse_text(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if not isinstance(raw, str):
        raw = str(raw)
    if len(raw) > f.max_length:
        return Parsed(
            None,
            field_error(
                f,
                "length",
                f"must be at most {f.max_length} characters (got {len(raw)})",
                f"最多 {f.max_length} 个字符",
            ),
        )
    return Parsed(raw)


def _number(raw: object) -> float | None:
    """A float from a typed or Python number; None when it is not a number at all.
    Non-finite and overflowing input comes back as inf/nan for the caller to refuse."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        try:
            return float(raw)
        except OverflowError:
            return math.inf
    if isinstance(raw, float):
        return raw
    if isinstance(raw, str) and (_NUMBER.match(raw) or _NON_FINITE.match(raw)):
        try:
            return float(raw)
        except (ValueError, OverflowError):
            return math.inf
    if isinstance(raw, numbers.Real | Decimal):  # Decimal, Fraction, numpy numbers
        try:
            return float(raw)
        except (ValueError, OverflowError):
            return math.inf
    return None


def _shown(raw: object) -> str:
    """What was typed, shortened for a message (never raises, even for a huge int)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 128:
        return "a number with more than 38 digits"
    text = raw if isinstance(raw, str) else repr(raw)
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def describe_range(f: Field, rng: Range, units: UnitSystem, *, exclusive_low: bool = False) -> str:
    """`rng` in the field's SI unit and, for conventional input, also in the conventional unit."""
    unit = f" {f.unit}" if f.unit else ""
    if exclusive_low and rng.low is not None and rng.high is None:
        text = f"> {rng.low:g}{unit}"
    elif exclusive_low and rng.low is not None and rng.high is not None:
        text = f"> {rng.low:g} and <= {rng.high:g}{unit}"
    else:
        text = f"{rng.describe()}{unit}"
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        conv = Range(
            None if rng.low is None else f.conventional.from_si(rng.low),
            None if rng.high is None else f.conventional.from_si(rng.high),
        )
        described = (
            conv.describe()
            if conv.low is None or conv.high is None
            else (f"{conv.low:.3g}-{conv.high:.3g}")
        )
        text += f" ({described} {f.conventional.unit})"
    return text


def describe_allowed(f: Field, units: UnitSystem) -> str:
    if f.hard is None:
        return "a number"
    return describe_range(f, f.hard, units, exclusive_low=f.exclusive_low)


def _parse_number(f: Field, raw: object, units: UnitSystem) -> Parsed:
    number = _number(raw)
    if number is None:
        kind = "a whole number" if f.type is FieldType.INTEGER else "a number"
        return Parsed(
            None,
            field_error(
                f,
                "type",
                f"must be {kind}; allowed {describe_allowed(f, units)} (got {_shown(raw)})",
                f"须为数字，允许 {describe_allowed(f, units)}（输入为 {_shown(raw)}）",
            ),
        )
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        return Parsed(
            None,
            field_error(
                f,
                "type",
                f"must be a finite number; allowed "
                f"{describe_allowed(f, units)} (got {_shown(raw)})",
                f"须为有限数值，允许 {describe_allowed(f, units)}（输入为 {_shown(raw)}）",
            ),
        )
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        number = round(to_si(f, number, units), 6)  # 3.0 mg/dL -> 51.3, not 51.300000000000004
    if f.type is FieldType.INTEGER:
        if number != math.floor(number):
            return Parsed(
                None,
                field_error(
                    f,
                    "type",
                    f"must be a whole number; allowed {describe_allowed(f, units)} "
                    f"(got {_shown(raw)})",
                    f"须为整数（输入为 {_shown(raw)}）",
                ),
            )
        return Parsed(int(number))
    return Parsed(number)


def _parse_date(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if isinstance(raw, datetime):
        raw = raw.date()
    if not isinstance(raw, date):
        try:
            raw = date.fromisoformat(raw) if isinstance(raw, str) and _DATE.match(raw) else None
        except ValueError:
            raw = None
    if not isinstance(raw, date) or not EARLIEST_DATE <= raw <= LATEST_DATE:
        return Parsed(
            None,
            field_error(
                f,
                "type",
                "must be a real date written YYYY-MM-DD between 1900-01-01 and 2100-12-31",
                "须为有效日期（YYYY-MM-DD）",
            ),
        )
    return Parsed(raw)


def _parse_partial_date(f: Field, raw: object, units: UnitSystem) -> Parsed:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        raw = raw.isoformat()
    match = PARTIAL_DATE.match(str(raw))
    valid = False
    if match:
        year, month, day = match.groups()
        try:
            date(int(year), int(month or 1), int(day or 1))
            valid = 1900 <= int(year) <= 2100
        except ValueError:
            valid = False
    if not valid:
        return Parsed(
            None,
            field_error(
                f,
                "type",
                "must be a date written YYYY, YYYY-MM or YYYY-MM-DD",
                "须为日期（YYYY、YYYY-MM 或 YYYY-MM-DD）",
            ),
        )
    return Parsed(str(raw))


def _parse_datetime(f: Field, raw: object, units: UnitSystem) -> Parsed:
    value: datetime | None = None
    if isinstance(raw, datetime):
        # local clinic time; an aware datetime is refused like "10:00+08:00" typed as text,
        # rather than silently dropping its offset
        value = raw.replace(microsecond=0) if raw.tzinfo is None else None
    elif isinstance(raw, str) and _DATETIME.match(raw):
        try:
            value = datetime.fromisoformat(raw.replace(" ", "T", 1)).replace(microsecond=0)
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            value = None
    if value is None or not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        return Parsed(
            None,
            field_error(
                f,
                "type",
                "must be a real date and time written YYYY-MM-DD HH:MM",
                "须为有效日期时间（YYYY-MM-DD HH:MM）",
            ),
        )
    return Parsed(value)


def _parse_code(f: Field, raw: object, units: UnitSystem) -> Parsed:
    assert f.codelist is not None
    code = str(raw) if not isinstance(raw, bool) else ""
    if code not in f.codelist.codes:
        allowed = ", ".join(f"{c} ({f.codelist.label(c)})" for c in f.codelist.codes)
        return Parsed(
            None,
            field_error(
                f,
                "codelist",
                f"must be one of: {allowed} (got {code[:40]!r})",
                f"须为以下之一：{', '.join(f.codelist.codes)}",
            ),
        )
    return Parsed(code)


_PARSERS = {
    FieldType.TEXT: _parse_text,
    FieldType.INTEGER: _parse_number,
    FieldType.FLOAT: _parse_number,
    FieldType.DATE: _parse_date,
    FieldType.PARTIAL_DATE: _parse_partial_date,
    FieldType.DATETIME: _parse_datetime,
    FieldType.CODE: _parse_code,
}
