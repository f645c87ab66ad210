"""What an ItemData's Value looks like for each of the dictionary's field types.

ODM 1.3.2 data types (ODM 1.3.2 specification, section 2.13 "Data Formats"): ``integer``
(digits), ``float`` (a decimal; ``SignificantDigits`` digits after the point at most),
``date`` (ISO 8601 ``YYYY-MM-DD``), ``partialDate`` (``YYYY``, ``YYYY-MM`` or a date),
``datetime`` (ISO 8601 ``YYYY-MM-DDThh:mm:ss``) and ``text``. A code-list field is ``text``
and its value one of the list's CodedValues.

Floats are written with at most :data:`FLOAT_DIGITS` decimals (rounded half-even; the
database keeps any precision a conversion from conventional units gives, e.g. 1.23 mg/dL x
17.1 = 21.033 µmol/L), without an exponent and without trailing zeros. Clinical date-times
(an infusion's start, an adverse event's onset) are the site's local clock time as entered
and carry no zone, which ``xs:dateTime`` allows; every time the system records (file
creation, audit records, signatures) is UTC and ends in ``Z``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from msct_crf.study.dictionary import Field, FieldType

FLOAT_DIGITS = 6
FLOAT_LENGTH = 20
INTEGER_LENGTH = 12

DATA_TYPES: dict[FieldType, str] = {
    FieldType.TEXT: "text",
    FieldType.INTEGER: "integer",
    FieldType.FLOAT: "float",
    FieldType.DATE: "date",
    FieldType.PARTIAL_DATE: "partialDate",
    FieldType.DATETIME: "datetime",
    FieldType.CODE: "text",
}


def length(f: Field) -> int | None:
    """The ItemDef's Length: characters of text, digits of a number; None for dates."""
    if f.codelist is not None:
        return max((len(code) for code in f.codelist.codes), default=1)
    if f.type is FieldType.TEXT:
        return f.max_length
    if f.type is FieldType.INTEGER:
        return INTEGER_LENGTH
    if f.type is FieldType.FLOAT:
        return FLOAT_LENGTH
    return None


def _float_text(raw: object) -> str | None:
    try:
        number = float(str(raw)) if not isinstance(raw, int | float) else float(raw)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    try:
        rounded = Decimal(repr(number)).quantize(
            Decimal(1).scaleb(-FLOAT_DIGITS), rounding=ROUND_HALF_EVEN
        )
    except InvalidOperation:
        return None
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _integer_text(raw: object) -> str | None:
    text = _float_text(raw)
    if text is None:
        return None
    return str(int(Decimal(text).to_integral_value(rounding=ROUND_HALF_EVEN)))


def _date_text(raw: object) -> str | None:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return dt.date.fromisoformat(str(raw)[:10]).isoformat()
    except ValueError:
        return None


def _datetime_text(raw: object) -> str | None:
    if isinstance(raw, dt.datetime):
        moment = raw
    else:
        try:
            moment = dt.datetime.fromisoformat(str(raw).strip().replace(" ", "T"))
        except ValueError:
            return None
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def value_text(f: Field, raw: object) -> str | None:
    """The Value of `f` holding `raw` (a database value or an audit row's text); None when
    there is no value to write."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if f.type is FieldType.FLOAT:
        return _float_text(raw)
    if f.type is FieldType.INTEGER:
        return _integer_text(raw)
    if f.type is FieldType.DATE:
        return _date_text(raw)
    if f.type is FieldType.DATETIME:
        return _datetime_text(raw)
    return str(raw)
