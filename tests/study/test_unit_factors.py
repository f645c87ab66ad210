"""Each SI <-> conventional factor is defined once, in msct_crf.study.units, and every user
(the dictionary, the scores, entry, display, export) reads it from there."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

import msct_crf
from msct_crf.study import scores
from msct_crf.study.dictionary import field
from msct_crf.study.units import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    G_L_PER_G_DL,
    UnitSystem,
    converts,
    from_si,
    to_si,
)

CONV = UnitSystem.CONVENTIONAL
PACKAGE = Path(msct_crf.__file__).parent
FACTORS = {"17.1", "88.4"}


def test_the_factors_are_design_md_s():
    assert str(BILIRUBIN_UMOL_L_PER_MG_DL) == "17.1"
    assert str(CREATININE_UMOL_L_PER_MG_DL) == "88.4"
    assert str(G_L_PER_G_DL) == "10"


@pytest.mark.parametrize(
    ("code", "factor"),
    [
        ("TBIL", BILIRUBIN_UMOL_L_PER_MG_DL),
        ("DBIL", BILIRUBIN_UMOL_L_PER_MG_DL),
        ("CREAT", CREATININE_UMOL_L_PER_MG_DL),
        ("ALB", G_L_PER_G_DL),
        ("HGB", G_L_PER_G_DL),
    ],
)
def test_the_dictionary_takes_its_factors_from_units(code, factor):
    conventional = field("VIS", code).conventional
    assert conventional is not None
    assert conventional.factor == float(factor)


def test_scores_use_the_same_constants():
    assert scores.BILIRUBIN_UMOL_L_PER_MG_DL is BILIRUBIN_UMOL_L_PER_MG_DL
    assert scores.CREATININE_UMOL_L_PER_MG_DL is CREATININE_UMOL_L_PER_MG_DL
    assert scores.G_L_PER_G_DL is G_L_PER_G_DL


def test_a_column_converts_like_each_of_its_values():
    """The export converts whole columns; each value must equal the one-value conversion."""
    tbil = field("VIS", "TBIL")
    values = [0.0, 17.1, 34.2, 51.3, 123.456, float("nan")]
    column = from_si(tbil, pd.Series(values), CONV)
    expected = [from_si(tbil, v, CONV) for v in values]
    pd.testing.assert_series_equal(column, pd.Series(expected))
    back = to_si(tbil, column, CONV)
    pd.testing.assert_series_equal(back, pd.Series([to_si(tbil, v, CONV) for v in expected]))
    assert converts(tbil, CONV) and not converts(tbil, UnitSystem.SI)
    assert not converts(field("VIS", "ALT"), CONV)


def _literal_factors(path: Path) -> list[int]:
    """Lines of `path` whose code (not comments or docstrings) holds 17.1 or 88.4."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Constant):
            continue
        value = node.value
        text = repr(value) if isinstance(value, float) else value
        if isinstance(text, str) and text.strip() in FACTORS:
            found.append(node.lineno)
    return found


def test_no_other_module_writes_a_factor():
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "units.py" and (lines := _literal_factors(path))
    }
    assert offenders == {}
