"""SI <-> conventional unit conversions for every field that has a conventional unit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msct_crf.study.dictionary import FORMS, field
from msct_crf.study.units import (
    UnitSystem,
    albumin_g_dl,
    bilirubin_mg_dl,
    creatinine_mg_dl,
    from_si,
    to_si,
    unit_of,
)
from msct_crf.study.validation import parse_value

CONVENTIONAL_FIELDS = [f for form in FORMS.values() for f in form.fields if f.conventional]
SI, CONV = UnitSystem.SI, UnitSystem.CONVENTIONAL


def test_the_conventional_fields():
    assert {f.code for f in CONVENTIONAL_FIELDS} == {"TBIL", "DBIL", "ALB", "CREAT", "HGB"}


@pytest.mark.parametrize(
    ("code", "si", "conventional", "unit"),
    [
        ("TBIL", 17.1, 1.0, "mg/dL"),
        ("TBIL", 51.3, 3.0, "mg/dL"),
        ("DBIL", 34.2, 2.0, "mg/dL"),
        ("CREAT", 88.4, 1.0, "mg/dL"),
        ("CREAT", 353.6, 4.0, "mg/dL"),
        ("ALB", 35.0, 3.5, "g/dL"),
        ("HGB", 120.0, 12.0, "g/dL"),
    ],
)
def test_known_conversions(code, si, conventional, unit):
    f = field("VIS", code)
    assert unit_of(f, CONV) == unit
    assert from_si(f, si, CONV) == pytest.approx(conventional)
    assert to_si(f, conventional, CONV) == pytest.approx(si)
    # in SI nothing changes
    assert to_si(f, si, SI) == si and from_si(f, si, SI) == si
    assert unit_of(f, SI) == f.unit


def test_fields_without_a_conventional_unit_are_unchanged():
    alt = field("VIS", "ALT")
    assert unit_of(alt, CONV) == "U/L"
    assert to_si(alt, 40.0, CONV) == 40.0 and from_si(alt, 40.0, CONV) == 40.0
    assert unit_of(field("VIS", "VISDTC"), CONV) is None


def test_helper_conversions_match_design():
    assert bilirubin_mg_dl(34.2) == pytest.approx(2.0)
    assert creatinine_mg_dl(176.8) == pytest.approx(2.0)
    assert albumin_g_dl(28.0) == pytest.approx(2.8)


@pytest.mark.parametrize("f", CONVENTIONAL_FIELDS, ids=lambda f: f.code)
@settings(max_examples=100, deadline=None)
@given(value=st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False))
def test_round_trip(f, value):
    assert from_si(f, to_si(f, value, CONV), CONV) == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert to_si(f, from_si(f, value, CONV), CONV) == pytest.approx(value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("f", CONVENTIONAL_FIELDS, ids=lambda f: f.code)
@settings(max_examples=100, deadline=None)
@given(conventional=st.decimals(min_value=0, max_value=100, places=2).map(lambda d: format(d, "f")))
def test_typed_conventional_values_parse_to_si(f, conventional):
    parsed = parse_value(f, conventional, CONV)
    assert parsed.finding is None
    expected = float(conventional) * f.conventional.factor
    assert parsed.value == pytest.approx(expected, abs=1e-6)
    # shown again in the conventional unit, it is what was typed
    assert from_si(f, parsed.value, CONV) == pytest.approx(float(conventional), abs=1e-6)


@pytest.mark.parametrize("f", CONVENTIONAL_FIELDS, ids=lambda f: f.code)
def test_conventional_ranges_agree_with_si_ranges(f):
    """A value at the hard limit typed in conventional units lands at the SI limit."""
    for limit in (f.hard.low, f.hard.high):
        typed = from_si(f, limit, CONV)
        assert to_si(f, typed, CONV) == pytest.approx(limit)
