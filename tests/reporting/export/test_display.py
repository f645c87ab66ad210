"""Numbers as the export shows them (msct_crf.reporting.export.display): text rounded as
Excel rounds a number cell, and p-values in journal style."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scale_readback import excel_display

from msct_crf.reporting.export.display import (
    P_FORMAT,
    decimal_format,
    fixed,
    p_text,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (58.25, 1, "58.3"),  # Python's f"{58.25:.1f}" gives 58.2
        (-6.54, 1, "-6.5"),
        (-0.0475, 3, "-0.048"),
        (0.554, 2, "0.55"),
        (2.675, 2, "2.68"),  # 2.67499999999999982236431605997495353221893310546875
        (1.005, 2, "1.01"),
        (-2.5, 0, "-3"),
        (40.0, 2, "40.00"),
    ],
)
def test_fixed_rounds_half_away_from_zero_like_excel(value: float, places: int, shown: str) -> None:
    assert fixed(value, places) == shown
    assert excel_display(value, decimal_format(places)) == shown


@pytest.mark.parametrize(
    ("p", "shown"),
    [
        (0.0018, "0.002"),  # showed 0.00 with format 0.00
        (0.0004, "<0.001"),
        (0.001, "0.001"),
        (0.00999, "0.010"),
        (0.01, "0.01"),
        (0.0894, "0.09"),
        (0.045, "0.05"),
        (0.5, "0.50"),
        (1.0, "1.00"),
    ],
)
def test_p_in_journal_style(p: float, shown: str) -> None:
    assert p_text(p) == shown
    assert excel_display(p, P_FORMAT) == shown


@given(st.floats(min_value=0, max_value=1))
def test_p_text_and_p_format_agree_and_never_show_zero(p: float) -> None:
    assert p_text(p) == excel_display(p, P_FORMAT)
    assert p_text(p) not in {"0.00", "0.000"}


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=4),
)
def test_text_matches_the_number_format(value: float, places: int) -> None:
    assert fixed(value, places) == excel_display(value, decimal_format(places))


def test_round_half_up_of_converted_values() -> None:
    values = np.array([33.6 / 17.1, 21.05, -21.05, 2.675, np.nan, 0.0004])
    rounded = round_half_up(values, 1)
    assert rounded[:4].tolist() == [2.0, 21.1, -21.1, 2.7]
    assert math.isnan(rounded[4])
    assert math.copysign(1, round_half_up(np.array([-0.0004]), 3)[0]) == 1  # no -0.0
    assert round_half_up(np.array([33.6 / 17.1]), 3).tolist() == [1.965]
