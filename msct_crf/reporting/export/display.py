"""How the export shows a number: Excel number formats, and text rounded the way Excel rounds.

A number cell holds the full value and its number format decides what the reader sees; a
text cell (the paper's "mean ± SD", "median [IQR]") is written here, so it must round the
way the number cells beside it are displayed. Excel rounds what it shows half away from
zero, on the value taken to 15 significant digits (58.25 shows 58.3 with format ``0.0``;
Python's ``f"{58.25:.1f}"`` gives 58.2, because it rounds the exact binary value half to
even). :func:`fixed` does what Excel does, so the text and the number agree.

p-values are shown in journal style (e.g. the AMA Manual of Style, 11th ed., 2020, §19.5:
two decimals, three below 0.01, "<0.001" below that; never "0.00"): :data:`P_FORMAT` as an
Excel format with conditions, :func:`p_text` as text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

__all__ = [
    "COUNT_FORMAT",
    "P_FORMAT",
    "decimal_format",
    "fixed",
    "p_text",
    "round_half_up",
]

#: Counts (n, values excluded): whole numbers.
COUNT_FORMAT = "0"

#: Journal-style p: "<0.001", three decimals below 0.01, else two.
P_FORMAT = '[<0.001]"<0.001";[<0.01]0.000;0.00'


def decimal_format(places: int) -> str:
    """The Excel number format showing `places` decimals (``0``, ``0.0``, ``0.00``, ...)."""
    return "0" if places <= 0 else "0." + "0" * places


def fixed(value: float, places: int) -> str:
    """`value` with `places` decimals, rounded as Excel displays it (half away from zero,
    on the value taken to 15 significant digits)."""
    quantum = Decimal(1).scaleb(-max(places, 0))
    return str(Decimal(f"{value:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))


def p_text(p: float) -> str:
    """A p-value as :data:`P_FORMAT` shows it."""
    if p < 0.001:
        return "<0.001"
    return fixed(p, 3 if p < 0.01 else 2)


def round_half_up(values: np.ndarray, places: int) -> np.ndarray:
    """`values` rounded to `places` decimals, half away from zero (NaN stays NaN).

    Vectorised for whole columns. The scaled value is first cut to 6 decimals so that the
    binary noise of a conversion (21.05 * 10 = 210.49999999999997) does not decide the
    rounding; stored values carry at most 6 decimals (msct_crf.study.parsing).
    """
    arr = np.asarray(values, dtype="float64")
    scale = 10.0**places
    magnitude = np.floor(np.round(np.abs(arr) * scale, 6) + 0.5)
    rounded: np.ndarray = np.sign(arr) * magnitude / scale + 0.0  # no -0.0
    return rounded
