"""How the casebook words values and sets its fonts (msct_crf.reporting.casebook.text, pdf)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msct_crf.reporting.casebook.pdf import CJK_FONT, markup
from msct_crf.reporting.casebook.text import missing_text, number_text, utc_text, value_text
from msct_crf.study.dictionary import field
from msct_crf.study.units import UnitSystem


@pytest.mark.parametrize(
    ("form", "code", "value", "units", "language", "text"),
    [
        ("VIS", "TBIL", 51.3, UnitSystem.SI, "en", "51.3"),
        ("VIS", "TBIL", 34.2, UnitSystem.CONVENTIONAL, "en", "2"),
        ("VIS", "ALB", 32.0, UnitSystem.CONVENTIONAL, "en", "3.2"),
        ("VIS", "INR", 1.25, UnitSystem.SI, "en", "1.25"),
        ("ENROL", "AGE", 33, UnitSystem.SI, "en", "33"),
        ("ENROL", "SEX", "F", UnitSystem.SI, "zh", "女"),
        ("ENROL", "BRTHDTC", dt.date(1981, 5, 3), UnitSystem.SI, "en", "1981-05-03"),
        ("EX", "EXSTDTC", dt.datetime(2024, 1, 2, 9, 30), UnitSystem.SI, "en", "2024-01-02 09:30"),
        ("ENROL", "DXDTC", "2005-02", UnitSystem.SI, "en", "2005-02"),
    ],
)
def test_values_as_the_form_shows_them(
    form: str, code: str, value: object, units: UnitSystem, language: str, text: str
) -> None:
    assert value_text(field(form, code), value, units, language=language) == text


@given(st.floats(min_value=0, max_value=1500, allow_nan=False))
def test_si_numbers_are_printed_exactly(value: float) -> None:
    """The stored number can be read back from the PDF unchanged (10 significant digits,
    what the form's editor shows, and more than a lab value carries)."""
    printed = number_text(field("VIS", "TBIL"), value)
    assert float(printed) == float(f"{value:.10g}")


def test_missing_codes_are_spelled_out() -> None:
    assert missing_text("ND", "en") == "ND — not done"
    assert missing_text("UNK", "zh") == "UNK — 不详"
    assert missing_text("NA", "en") == "NA — not applicable"


def test_utc_times_to_the_second() -> None:
    assert utc_text("2026-11-25T13:05:22.123456Z") == "2026-11-25 13:05:22 UTC"
    assert utc_text(None) == ""


def test_only_what_helvetica_cannot_set_goes_to_the_cjk_font() -> None:
    assert markup("Sjögren's µmol/L kg/m² <5 & >2") == "Sjögren's µmol/L kg/m² &lt;5 &amp; &gt;2"
    assert markup("总胆红素 TBIL") == f'<font face="{CJK_FONT}">总胆红素</font> TBIL'
    assert markup("a\nb") == "a<br/>b"
