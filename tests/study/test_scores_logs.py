"""The remembered logarithms of the scores give exactly what Decimal's own do (issue 14)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from msct_crf.study import scores

positive = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("10000"), allow_nan=False, places=4
)


@given(positive)
def test_remembered_ln_and_log10_are_decimals_own(value: Decimal) -> None:
    with localcontext(scores._CONTEXT):
        expected_ln, expected_log10 = value.ln(), value.log10()
    for _ in range(2):  # computed, then remembered
        assert scores._ln(value) == expected_ln
        assert str(scores._ln(value)) == str(expected_ln)
        assert str(scores._log10(value)) == str(expected_log10)


def test_equal_numbers_written_differently_share_one_logarithm() -> None:
    assert str(scores._ln(Decimal("1.0"))) == str(scores._ln(Decimal("1.00"))) == "0"
    assert str(scores._ln(Decimal("2.50"))) == str(Decimal("2.5").ln(scores._CONTEXT.copy()))
