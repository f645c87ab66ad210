"""How stored values are shown as text in the forms and record lists.

Numbers are shown with their shortest exact text so that opening and saving a record without
editing never changes a value; conventional units get a few more digits than the SI display.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from msct_crf.study.dictionary import Field, FieldType
from msct_crf.study.units import UnitSystem, from_si


def number_text(f: Field, value: float, units: UnitSystem = UnitSystem.SI) -> str:
    """A stored SI number as text in `units` (exact in SI, rounded in conventional units)."""
    if f.type is FieldType.INTEGER and units is UnitSystem.SI:
        return str(int(value))
    if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
        digits = max(2, (f.decimals or 0) + 2)
        text = f"{from_si(f, value, units):.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:.10g}"


def value_text(
    f: Field, value: Any, units: UnitSystem = UnitSystem.SI, *, language: str = "en"
) -> str:
    """Any stored value as the text an editor holds (code lists: the code)."""
    if value is None:
        return ""
    if f.is_numeric and isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(f, value, units)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def display_text(
    f: Field, value: Any, units: UnitSystem = UnitSystem.SI, *, language: str = "en"
) -> str:
    """A stored value for reading (code lists: the label in `language`)."""
    if value is None:
        return ""
    if f.codelist is not None:
        return f.codelist.label(str(value), language)
    if f.is_numeric and isinstance(value, float) and f.decimals is not None:
        if units is UnitSystem.CONVENTIONAL and f.conventional is not None:
            return number_text(f, value, units)
        return f"{value:.{f.decimals}f}"
    return value_text(f, value, units, language=language)
