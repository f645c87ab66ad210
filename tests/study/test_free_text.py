"""Free text is stored as typed (NFC only), and every audited text has a field value's limits.

Issue 10: NFKC rewrote "×10⁹/L" to "×109/L" and "½" to "1⁄2", and only the rewritten text
was audited. Numbers, dates and codes still fold full-width input from a Chinese IME.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msct_crf.errors import UserError
from msct_crf.study import text
from msct_crf.study.dictionary import form
from msct_crf.study.parsing import parse_value

AS_TYPED = [
    "×10⁹/L",
    "½ tablet",
    "ﬁne",  # the fi ligature
    "Ⅳ",  # roman numeral four
    "ＵＣ２３０１",  # full-width lot number: text, so kept
    "低热 (37.8 °C)",
    "mg/m²",
    "™",
]


@pytest.mark.parametrize("typed", AS_TYPED)
def test_free_text_is_kept_as_typed(typed: str) -> None:
    assert parse_value(form("CM").field("CMDOSU"), typed).value == typed


def test_free_text_is_composed_to_nfc_and_trimmed() -> None:
    decomposed = "Cafe\u0301 au lait"
    value = parse_value(form("CM").field("CMINDC"), f"  {decomposed} ").value
    assert value == "Café au lait" == unicodedata.normalize("NFC", decomposed)


def test_numbers_dates_and_codes_still_fold_full_width_input() -> None:
    assert parse_value(form("CM").field("CMDOSE"), "１２.５").value == 12.5
    assert parse_value(form("CM").field("CMSTDTC"), "２０２３－０１").value == "2023-01"
    assert parse_value(form("ENROL").field("SEX"), "Ｆ").value == "F"
    assert parse_value(form("VIS").field("VISDTC"), "２０２３-０１-０５").value == date(2023, 1, 5)


@given(st.text(max_size=40))
def test_text_fields_never_apply_compatibility_folding(typed: str) -> None:
    parsed = parse_value(form("AE").field("AETERM"), typed)
    if parsed.value is not None:
        assert parsed.value == unicodedata.normalize("NFC", typed).strip()


# --------------------------------------------------------------------------- the limits


def test_clean_text_names_what_and_what_is_allowed() -> None:
    assert text.clean_text("  ok ", "reason") == "ok"
    assert text.clean_text("", "reason", required=False) is None
    with pytest.raises(UserError, match="Give the reason"):
        text.clean_text("  ", "reason")
    with pytest.raises(UserError, match=r"reason must have at most 500 characters \(got 501\)"):
        text.clean_text("x" * 501, "reason")
    for bad in ("a\x00b", "a\x1bb", "a\u2028b", "a\ud800b", "a\x85b"):
        with pytest.raises(UserError, match="reason contains control characters"):
            text.clean_text(bad, "reason")
    # several lines are fine in a reason, not in a one-line text
    assert text.clean_text("line 1\nline 2", "reason") == "line 1\nline 2"
    with pytest.raises(UserError, match="control characters"):
        text.clean_text("line 1\nline 2", "full name", multiline=False)
    assert text.clean_text("Dr  Li\n Wei", "name", collapse=True) == "Dr Li Wei"


def test_user_names_have_the_limits_of_a_field_value() -> None:
    assert text.check_user_name(" nurse ") == "nurse"
    with pytest.raises(UserError, match="at most 64"):
        text.check_user_name("n" * 65)
    with pytest.raises(UserError, match="user name contains control"):
        text.check_user_name("nurse\x07")
    with pytest.raises(UserError, match="user name contains control"):
        text.check_user_name("nurse\nadmin")
