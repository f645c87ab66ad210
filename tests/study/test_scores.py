"""Tests for msct_crf.study.scores.

Every expected value below is worked out by hand in a comment from the published formula
(natural logs to 6 decimals), never by calling the code under test. Formulas:

- MELD, MELD-Na: OPTN Policy 9.1 and the UNOS "MELD calculation" document (MELD-Na since
  January 2016): MELD(i) = 0.957 ln Cr + 0.378 ln bili + 1.120 ln INR + 0.643, rounded to the
  tenth, x 10; MELD-Na = MELD(i) + 1.32 (137 - Na) - 0.033 MELD(i) (137 - Na) if MELD(i) > 11.
- MELD 3.0: Kim WR et al., Gastroenterology 2021;161:1887-1895.
- Child-Pugh: Pugh RNH et al., Br J Surg 1973;60:646-649 (INR bands as in DESIGN.md).
- ALBI: Johnson PJ et al., J Clin Oncol 2015;33:550-558.

Conversions: bilirubin mg/dL x 17.1 = µmol/L, creatinine mg/dL x 88.4 = µmol/L,
albumin g/dL x 10 = g/L.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msct_crf.errors import ScoreInputError
from msct_crf.study.scores import (
    SCORE_KEYS,
    Note,
    ScoreDetail,
    ScoreResult,
    _albi_grade,
    albi,
    albi_detail,
    child_pugh,
    child_pugh_detail,
    compute_all,
    meld,
    meld_3,
    meld_3_detail,
    meld_detail,
    meld_na,
    meld_na_detail,
)

BILI = 17.1  # µmol/L per mg/dL
CREAT = 88.4  # µmol/L per mg/dL


def texts(result: ScoreDetail[Any] | ScoreResult) -> tuple[str, ...]:
    """The notes of a score in English, as the command line and the exports say them."""
    return tuple(note.text for note in result.notes)


def test_notes_are_codes_with_values() -> None:
    """The GUI translates a note from its code and values; the English text is derived."""
    note = meld_detail(bilirubin_umol_l=10.0, creatinine_umol_l=120.0, inr=1.2).notes[0]
    assert isinstance(note, Note)
    assert (note.code, note.value("what"), note.value("value")) == ("floored", "bilirubin", "1.0")
    assert note.value("unit") == "mg/dL"
    assert str(note) == "bilirubin floored to 1.0 mg/dL"


# --------------------------------------------------------------------------- MELD


def test_meld_worked_example_calculatorlib() -> None:
    # Worked example of calculatorlib.com "MELD Score Calculator": bilirubin 1.9 mg/dL,
    # INR 1.2, creatinine 1.3 mg/dL -> 13 (the page shows 13.41 unrounded).
    # 0.957 x ln 1.3 = 0.957 x 0.262364 = 0.251083
    # 0.378 x ln 1.9 = 0.378 x 0.641854 = 0.242621
    # 1.120 x ln 1.2 = 1.120 x 0.182322 = 0.204201
    # sum + 0.643 = 1.340905 -> rounded to the tenth 1.3 -> x 10 = 13
    assert meld(bilirubin_umol_l=32.49, creatinine_umol_l=114.92, inr=1.2) == 13


def test_meld_worked_example_thecalculator() -> None:
    # Example case of thecalculator.co "MELD Calculator": INR 1.1, bilirubin 1.5 mg/dL
    # (25.65 µmol/L), creatinine 2.7 mg/dL (238.68 µmol/L), no dialysis, Na 135.
    # 0.957 x ln 2.7 = 0.957 x 0.993252 = 0.950542
    # 0.378 x ln 1.5 = 0.378 x 0.405465 = 0.153266
    # 1.120 x ln 1.1 = 1.120 x 0.095310 = 0.106747
    # sum + 0.643 = 1.853555 -> 1.9 -> MELD(i) 19
    # MELD-Na: 19 + 1.32 x 2 - 0.033 x 19 x 2 = 19 + 2.64 - 1.254 = 20.386 -> 20
    kwargs: dict[str, Any] = {"bilirubin_umol_l": 25.65, "creatinine_umol_l": 238.68, "inr": 1.1}
    assert meld(**kwargs) == 19
    assert meld_na(**kwargs, sodium_mmol_l=135) == 20


def test_meld_all_floors_is_6() -> None:
    # bilirubin 10 µmol/L = 0.585 mg/dL, creatinine 60 µmol/L = 0.679 mg/dL, INR 0.9: all
    # below 1.0, all set to 1.0, every ln is 0: 0.643 -> 0.6 -> 6.
    detail = meld_detail(bilirubin_umol_l=10, creatinine_umol_l=60, inr=0.9)
    assert detail.value == 6
    assert detail.text == "6"
    assert set(texts(detail)) == {
        "bilirubin floored to 1.0 mg/dL",
        "creatinine floored to 1.0 mg/dL",
        "INR floored to 1.0",
    }


def test_meld_capped_at_40() -> None:
    # bilirubin 30 mg/dL (513 µmol/L), INR 5, creatinine 4.0 mg/dL (353.6 µmol/L):
    # 0.957 x ln 4 = 0.957 x 1.386294 = 1.326684
    # 0.378 x ln 30 = 0.378 x 3.401197 = 1.285653
    # 1.120 x ln 5 = 1.120 x 1.609438 = 1.802571
    # sum + 0.643 = 5.057908 -> 5.1 -> 51 -> capped at 40
    detail = meld_detail(bilirubin_umol_l=513, creatinine_umol_l=353.6, inr=5)
    assert detail.value == 40
    assert "MELD capped at 40" in texts(detail)
    assert "creatinine capped at 4.0 mg/dL" not in texts(detail)  # exactly 4.0 is not capped


def test_meld_dialysis_sets_creatinine_to_4() -> None:
    # bilirubin 1 mg/dL, INR 1.0, creatinine 1.0 mg/dL (88.4 µmol/L).
    # Without dialysis every ln is 0: 0.643 -> 6.
    # With dialysis Cr = 4.0: 0.957 x 1.386294 + 0.643 = 1.969684 -> 2.0 -> 20.
    kwargs: dict[str, Any] = {"bilirubin_umol_l": 17.1, "creatinine_umol_l": 88.4, "inr": 1.0}
    assert meld(**kwargs) == 6
    detail = meld_detail(**kwargs, dialysis=True)
    assert detail.value == 20
    assert texts(detail) == ("dialysis: creatinine set to 4.0 mg/dL",)
    # Dialysis also replaces a creatinine below the floor (40 µmol/L = 0.45 mg/dL).
    assert meld(bilirubin_umol_l=17.1, creatinine_umol_l=40, inr=1.0, dialysis=True) == 20


def test_meld_creatinine_capped_at_4_without_dialysis() -> None:
    # creatinine 8.0 mg/dL (707.2 µmol/L) is used as 4.0: same 20 as the dialysis case above.
    detail = meld_detail(bilirubin_umol_l=17.1, creatinine_umol_l=707.2, inr=1.0)
    assert detail.value == 20
    assert texts(detail) == ("creatinine capped at 4.0 mg/dL",)


# --------------------------------------------------------------------------- MELD-Na


def test_meld_na_worked_examples() -> None:
    # MELD(i) 13 from the calculatorlib example (bilirubin 1.9, INR 1.2, Cr 1.3 mg/dL).
    kwargs: dict[str, Any] = {"bilirubin_umol_l": 32.49, "creatinine_umol_l": 114.92, "inr": 1.2}
    # Na 130: 13 + 1.32 x 7 - 0.033 x 13 x 7 = 13 + 9.24 - 3.003 = 19.237 -> 19
    assert meld_na(**kwargs, sodium_mmol_l=130) == 19
    # Na 137: (137 - Na) = 0 -> 13
    assert meld_na(**kwargs, sodium_mmol_l=137) == 13


def test_meld_na_sodium_bounded() -> None:
    kwargs: dict[str, Any] = {"bilirubin_umol_l": 32.49, "creatinine_umol_l": 114.92, "inr": 1.2}
    # Na 120 is used as 125: 13 + 1.32 x 12 - 0.033 x 13 x 12 = 13 + 15.84 - 5.148 = 23.692 -> 24
    low = meld_na_detail(**kwargs, sodium_mmol_l=120)
    assert low.value == 24
    assert "sodium bounded to 125 mmol/L" in texts(low)
    assert meld_na(**kwargs, sodium_mmol_l=125) == 24
    # Na 145 is used as 137 -> 13
    high = meld_na_detail(**kwargs, sodium_mmol_l=145)
    assert high.value == 13
    assert "sodium bounded to 137 mmol/L" in texts(high)


def test_meld_na_not_applied_when_meld_i_is_11_or_less() -> None:
    # bilirubin 1, INR 1, creatinine 1.6 mg/dL (141.44 µmol/L):
    # 0.957 x ln 1.6 = 0.957 x 0.470004 = 0.449794; + 0.643 = 1.092794 -> 1.1 -> 11.
    # 11 is not > 11, so even Na 125 leaves MELD-Na at 11.
    detail = meld_na_detail(
        bilirubin_umol_l=17.1, creatinine_umol_l=141.44, inr=1, sodium_mmol_l=125
    )
    assert detail.value == 11
    assert not any("sodium bounded" in note for note in texts(detail))
    # creatinine 1.8 mg/dL (159.12 µmol/L): 0.957 x 0.587787 = 0.562512; + 0.643 = 1.205512
    # -> 1.2 -> 12 > 11: 12 + 1.32 x 12 - 0.033 x 12 x 12 = 12 + 15.84 - 4.752 = 23.088 -> 23
    assert meld_na(bilirubin_umol_l=17.1, creatinine_umol_l=159.12, inr=1, sodium_mmol_l=125) == 23


def test_meld_na_capped_at_40() -> None:
    # MELD(i) 51 (see test_meld_capped_at_40) with Na 137 -> 51 -> capped at 40.
    detail = meld_na_detail(bilirubin_umol_l=513, creatinine_umol_l=353.6, inr=5, sodium_mmol_l=137)
    assert detail.value == 40
    assert "MELD-Na capped at 40" in texts(detail)


# --------------------------------------------------------------------------- MELD 3.0

MELD3_EXAMPLE: dict[str, Any] = {
    # bilirubin 2.5 mg/dL, INR 1.5, creatinine 1.2 mg/dL, Na 135, albumin 3.0 g/dL
    "bilirubin_umol_l": 42.75,
    "creatinine_umol_l": 106.08,
    "inr": 1.5,
    "sodium_mmol_l": 135,
    "albumin_g_l": 30,
}


def test_meld_3_worked_example() -> None:
    # Hand-computed from the Kim 2021 formula (ln 2.5 = 0.916291, ln 1.5 = 0.405465,
    # ln 1.2 = 0.182322; 137 - Na = 2; 3.5 - alb = 0.5):
    #   4.56 x 0.916291            =  4.178287
    #   0.82 x 2                   =  1.640000
    # - 0.24 x 2 x 0.916291        = -0.439820
    #   9.09 x 0.405465            =  3.685677
    #   11.14 x 0.182322           =  2.031067
    #   1.85 x 0.5                 =  0.925000
    # - 1.83 x 0.5 x 0.182322      = -0.166825
    #   + 6                        =  6.000000
    # male: 17.8534 -> 18; female: + 1.33 = 19.1834 -> 19
    assert meld_3(**MELD3_EXAMPLE, female=False) == 18
    assert meld_3(**MELD3_EXAMPLE, female=True) == 19


def test_meld_3_all_floors_and_female_term() -> None:
    # Every ln 0 (bilirubin, INR, creatinine below 1.0 set to 1.0), Na 140 -> 137,
    # albumin 4.0 g/dL -> 3.5: male 6; female 1.33 + 6 = 7.33 -> 7.
    kwargs: dict[str, Any] = {
        "bilirubin_umol_l": 10,
        "creatinine_umol_l": 60,
        "inr": 0.9,
        "sodium_mmol_l": 140,
        "albumin_g_l": 40,
    }
    male = meld_3_detail(**kwargs, female=False)
    assert male.value == 6
    assert {"sodium bounded to 137 mmol/L", "albumin bounded to 3.5 g/dL"} <= set(texts(male))
    assert meld_3(**kwargs, female=True) == 7


def test_meld_3_sodium_bilirubin_interaction_and_sodium_bound() -> None:
    # bilirubin 5 mg/dL (85.5 µmol/L), Na 120 -> 125 (137 - Na = 12), INR 1, Cr 1, alb 3.5:
    #   4.56 x ln 5 = 4.56 x 1.609438        =  7.339037
    #   0.82 x 12                            =  9.840000
    # - 0.24 x 12 x 1.609438                 = -4.635181
    #   + 6                                  -> 18.543856 -> 19
    kwargs: dict[str, Any] = {
        "bilirubin_umol_l": 85.5,
        "creatinine_umol_l": 88.4,
        "inr": 1,
        "albumin_g_l": 35,
        "female": False,
    }
    assert meld_3(**kwargs, sodium_mmol_l=120) == 19
    assert meld_3(**kwargs, sodium_mmol_l=125) == 19


def test_meld_3_albumin_creatinine_interaction() -> None:
    # creatinine 2.0 mg/dL (176.8 µmol/L), albumin 2.5 g/dL (25 g/L), others neutral, male:
    #   11.14 x ln 2 = 11.14 x 0.693147      =  7.721658
    #   1.85 x (3.5 - 2.5)                   =  1.850000
    # - 1.83 x 1.0 x 0.693147                = -1.268459
    #   + 6                                  -> 14.303199 -> 14
    assert (
        meld_3(
            bilirubin_umol_l=17.1,
            creatinine_umol_l=176.8,
            inr=1,
            sodium_mmol_l=137,
            albumin_g_l=25,
            female=False,
        )
        == 14
    )


def test_meld_3_albumin_bounds() -> None:
    # All lns 0, Na 137, male. Albumin 1.0 g/dL (10 g/L) is used as 1.5: 1.85 x 2 + 6 = 9.7 -> 10.
    kwargs: dict[str, Any] = {
        "bilirubin_umol_l": 17.1,
        "creatinine_umol_l": 88.4,
        "inr": 1,
        "sodium_mmol_l": 137,
        "female": False,
    }
    low = meld_3_detail(**kwargs, albumin_g_l=10)
    assert low.value == 10
    assert "albumin bounded to 1.5 g/dL" in texts(low)
    assert meld_3(**kwargs, albumin_g_l=15) == 10
    # Albumin 5.0 g/dL is used as 3.5: 6.
    assert meld_3(**kwargs, albumin_g_l=50) == 6


def test_meld_3_creatinine_cap_and_dialysis() -> None:
    # Creatinine 3.0 mg/dL: 11.14 x ln 3 = 11.14 x 1.098612 = 12.238538; + 6 -> 18.2385 -> 18.
    kwargs: dict[str, Any] = {
        "bilirubin_umol_l": 17.1,
        "inr": 1,
        "sodium_mmol_l": 137,
        "albumin_g_l": 35,
        "female": False,
    }
    # creatinine 5.0 mg/dL (442 µmol/L) is capped at 3.0
    capped = meld_3_detail(**kwargs, creatinine_umol_l=442)
    assert capped.value == 18
    assert "creatinine capped at 3.0 mg/dL" in texts(capped)
    # dialysis sets a normal creatinine (1.0 mg/dL) to 3.0
    dialysed = meld_3_detail(**kwargs, creatinine_umol_l=88.4, dialysis=True)
    assert dialysed.value == 18
    assert "dialysis: creatinine set to 3.0 mg/dL" in texts(dialysed)


def test_meld_3_rounds_half_up() -> None:
    # All lns 0, male, Na 131.6 (137 - Na = 5.4), albumin 23.8 g/L (3.5 - 2.38 = 1.12):
    # 0.82 x 5.4 + 1.85 x 1.12 + 6 = 4.428 + 2.072 + 6 = 12.5 exactly -> 13 (half up, not the
    # banker's 12; float arithmetic gives 12.500000000000005 or 12.499999999999998).
    kwargs: dict[str, Any] = {"bilirubin_umol_l": 10, "creatinine_umol_l": 50, "inr": 1}
    assert meld_3(**kwargs, sodium_mmol_l=131.6, albumin_g_l=23.8, female=False) == 13
    # Female, Na 132.5, albumin 27 g/L: 1.33 + 0.82 x 4.5 + 1.85 x 0.8 + 6
    # = 1.33 + 3.69 + 1.48 + 6 = 12.5 -> 13
    assert meld_3(**kwargs, sodium_mmol_l=132.5, albumin_g_l=27, female=True) == 13


def test_meld_3_capped_at_40() -> None:
    # female, bilirubin 30 mg/dL (513), INR 3, Cr 3.0 (265.2), Na 125, albumin 1.5 g/dL (15):
    #   1.33
    # + (4.56 - 0.24 x 12) x ln 30 = 1.68 x 3.401197 = 5.714011
    # + 0.82 x 12 = 9.84
    # + 9.09 x ln 3 = 9.09 x 1.098612 = 9.986383
    # + (11.14 - 1.83 x 2) x ln 3 = 7.48 x 1.098612 = 8.217618
    # + 1.85 x 2 = 3.7
    # + 6 -> 44.788 -> 45 -> capped at 40
    detail = meld_3_detail(
        bilirubin_umol_l=513,
        creatinine_umol_l=265.2,
        inr=3,
        sodium_mmol_l=125,
        albumin_g_l=15,
        female=True,
    )
    assert detail.value == 40
    assert "MELD 3.0 capped at 40" in texts(detail)


# --------------------------------------------------------------------------- Child-Pugh

# Best value of every Child-Pugh item: bilirubin 1 mg/dL, albumin 4.0 g/dL, INR 1.0,
# no ascites, no encephalopathy: 5 x 1 point = 5, class A.
CP_BEST: dict[str, Any] = {
    "bilirubin_umol_l": 17.1,
    "albumin_g_l": 40,
    "inr": 1.0,
    "ascites": 0,
    "encephalopathy": 0,
}


def _cp_points(**changes: Any) -> int:
    return child_pugh(**{**CP_BEST, **changes})[0]


def test_child_pugh_best_and_worst() -> None:
    assert child_pugh(**CP_BEST) == (5, "A")
    # bilirubin 100 µmol/L = 5.8 mg/dL (3), albumin 2.0 g/dL (3), INR 3.0 (3),
    # moderate-severe ascites (3), grade 4 encephalopathy (3) = 15, class C
    worst = child_pugh_detail(
        bilirubin_umol_l=100, albumin_g_l=20, inr=3.0, ascites=2, encephalopathy=4
    )
    assert worst.value == (15, "C")
    assert worst.text == "C (15)"


@pytest.mark.parametrize(
    ("bilirubin_umol_l", "points"),
    [
        (34.1, 1),  # 1.994 mg/dL < 2
        (34.2, 2),  # exactly 2.0 mg/dL
        (51.3, 2),  # exactly 3.0 mg/dL
        (51.4, 3),  # 3.006 mg/dL > 3
    ],
)
def test_child_pugh_bilirubin_bands(bilirubin_umol_l: float, points: int) -> None:
    assert _cp_points(bilirubin_umol_l=bilirubin_umol_l) == 4 + points


@pytest.mark.parametrize(
    ("bilirubin_umol_l", "points"),
    [
        (51.4, 1),  # 3.006 mg/dL: 3 points normally, < 4 for cholestatic disease
        (68.3, 1),  # 3.994 mg/dL
        (68.4, 2),  # exactly 4.0 mg/dL
        (171.0, 2),  # exactly 10.0 mg/dL
        (171.1, 3),  # 10.006 mg/dL
    ],
)
def test_child_pugh_cholestatic_bilirubin_bands(bilirubin_umol_l: float, points: int) -> None:
    assert _cp_points(bilirubin_umol_l=bilirubin_umol_l, cholestatic=True) == 4 + points


def test_child_pugh_cholestatic_note() -> None:
    detail = child_pugh_detail(**CP_BEST, cholestatic=True)
    assert texts(detail) == ("cholestatic disease: bilirubin bands 4 / 10 mg/dL",)
    assert texts(child_pugh_detail(**CP_BEST)) == ()


@pytest.mark.parametrize(
    ("albumin_g_l", "points"),
    [
        (35.1, 1),  # 3.51 g/dL > 3.5
        (35.0, 2),  # exactly 3.5 g/dL
        (28.0, 2),  # exactly 2.8 g/dL
        (27.9, 3),  # 2.79 g/dL < 2.8
    ],
)
def test_child_pugh_albumin_bands(albumin_g_l: float, points: int) -> None:
    assert _cp_points(albumin_g_l=albumin_g_l) == 4 + points


@pytest.mark.parametrize(
    ("inr", "points"),
    [(1.69, 1), (1.7, 2), (2.3, 2), (2.31, 3)],
)
def test_child_pugh_inr_bands(inr: float, points: int) -> None:
    assert _cp_points(inr=inr) == 4 + points


@pytest.mark.parametrize(("ascites", "points"), [(0, 1), (1, 2), (2, 3)])
def test_child_pugh_ascites(ascites: int, points: int) -> None:
    assert _cp_points(ascites=ascites) == 4 + points


@pytest.mark.parametrize(("encephalopathy", "points"), [(0, 1), (1, 2), (2, 2), (3, 3), (4, 3)])
def test_child_pugh_encephalopathy_west_haven(encephalopathy: int, points: int) -> None:
    assert _cp_points(encephalopathy=encephalopathy) == 4 + points


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ascites": 1}, (6, "A")),  # 5 + 1
        ({"ascites": 2}, (7, "B")),  # 5 + 2
        ({"ascites": 2, "encephalopathy": 3, "inr": 2.0}, (10, "C")),  # 5 + 2 + 2 + 1
        ({"ascites": 2, "encephalopathy": 3}, (9, "B")),  # 5 + 2 + 2
    ],
)
def test_child_pugh_class_boundaries(changes: dict[str, Any], expected: tuple[int, str]) -> None:
    assert child_pugh(**{**CP_BEST, **changes}) == expected


@pytest.mark.parametrize("bad", [3, -1, True, 1.0, "1", None])
def test_child_pugh_rejects_bad_ascites(bad: object) -> None:
    with pytest.raises(ScoreInputError, match="^ascites "):
        child_pugh(**{**CP_BEST, "ascites": bad})


@pytest.mark.parametrize("bad", [5, -1, False, 2.0, "2", None])
def test_child_pugh_rejects_bad_encephalopathy(bad: object) -> None:
    with pytest.raises(ScoreInputError, match="^encephalopathy "):
        child_pugh(**{**CP_BEST, "encephalopathy": bad})


# --------------------------------------------------------------------------- ALBI


def test_albi_worked_examples() -> None:
    # bilirubin 20 µmol/L, albumin 40 g/L: 0.66 x log10 20 - 0.085 x 40
    # = 0.66 x 1.301030 - 3.4 = 0.858680 - 3.4 = -2.541320 -> grade 2 (-2.60 < x <= -1.39)
    score, grade = albi(bilirubin_umol_l=20, albumin_g_l=40)
    assert score == pytest.approx(-2.541320, abs=1e-6)
    assert grade == 2
    assert albi_detail(bilirubin_umol_l=20, albumin_g_l=40).text == "-2.54 (grade 2)"
    # bilirubin 10, albumin 45: 0.66 x 1 - 3.825 = -3.165 -> grade 1
    assert albi(bilirubin_umol_l=10, albumin_g_l=45) == (pytest.approx(-3.165), 1)
    # bilirubin 100, albumin 25: 0.66 x 2 - 2.125 = -0.805 -> grade 3
    assert albi(bilirubin_umol_l=100, albumin_g_l=25) == (pytest.approx(-0.805), 3)


@pytest.mark.parametrize(
    ("albumin_g_l", "grade"),
    [
        # bilirubin 10 µmol/L, so 0.66 x log10 10 = 0.66 and ALBI = 0.66 - 0.085 x albumin:
        (38.36, 1),  # 0.66 - 3.26060 = -2.60060 <= -2.60
        (38.35, 2),  # 0.66 - 3.25975 = -2.59975  > -2.60 (shown as -2.60, graded unrounded)
        (24.12, 2),  # 0.66 - 2.05020 = -1.39020 <= -1.39
        (24.11, 3),  # 0.66 - 2.04935 = -1.38935  > -1.39
    ],
)
def test_albi_grade_boundaries(albumin_g_l: float, grade: int) -> None:
    assert albi(bilirubin_umol_l=10, albumin_g_l=albumin_g_l)[1] == grade


def test_albi_score_is_unrounded() -> None:
    score, grade = albi(bilirubin_umol_l=10, albumin_g_l=38.35)
    assert score == pytest.approx(-2.59975, abs=1e-12)
    assert (grade, albi_detail(bilirubin_umol_l=10, albumin_g_l=38.35).text) == (
        2,
        "-2.60 (grade 2)",
    )


@pytest.mark.parametrize(
    ("score", "grade"),
    [("-2.61", 1), ("-2.60", 1), ("-2.59", 2), ("-1.40", 2), ("-1.39", 2), ("-1.38", 3)],
)
def test_albi_grade_cut_points_inclusive(score: str, grade: int) -> None:
    # Exactly -2.60 and -1.39 cannot be reached from decimal lab values (log10 is irrational
    # there), so the cut points themselves are checked on the grading step.
    assert _albi_grade(Decimal(score)) == grade


# --------------------------------------------------------------------------- input errors

GOOD: dict[str, Any] = {
    "bilirubin_umol_l": 40.0,
    "creatinine_umol_l": 90.0,
    "inr": 1.3,
    "sodium_mmol_l": 134.0,
    "albumin_g_l": 32.0,
    "female": True,
    "ascites": 1,
    "encephalopathy": 0,
}

FUNCTIONS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "meld": (meld, ("bilirubin_umol_l", "creatinine_umol_l", "inr")),
    "meld_na": (meld_na, ("bilirubin_umol_l", "creatinine_umol_l", "inr", "sodium_mmol_l")),
    "meld_3": (
        meld_3,
        ("bilirubin_umol_l", "creatinine_umol_l", "inr", "sodium_mmol_l", "albumin_g_l", "female"),
    ),
    "child_pugh": (
        child_pugh,
        ("bilirubin_umol_l", "albumin_g_l", "inr", "ascites", "encephalopathy"),
    ),
    "albi": (albi, ("bilirubin_umol_l", "albumin_g_l")),
}

NUMERIC_CASES = [
    (function_name, name)
    for function_name, (_, names) in FUNCTIONS.items()
    for name in names
    if name not in ("female", "ascites", "encephalopathy")
]
BAD_NUMBERS: list[object] = [None, "abc", "1.5", math.nan, math.inf, -math.inf, 0, 0.0, -1, True]


@pytest.mark.parametrize(("function_name", "name"), NUMERIC_CASES)
@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=repr)
def test_bad_numeric_input_names_the_input(function_name: str, name: str, bad: object) -> None:
    function, names = FUNCTIONS[function_name]
    kwargs = {key: GOOD[key] for key in names}
    kwargs[name] = bad
    with pytest.raises(ValueError, match=f"^{name} ") as raised:
        function(**kwargs)
    assert isinstance(raised.value, ScoreInputError)
    assert raised.value.name == name


@pytest.mark.parametrize("bad", [None, 1, 0, "yes"])
def test_flags_must_be_bool(bad: Any) -> None:
    with pytest.raises(ScoreInputError, match="^female "):
        meld_3(**{key: GOOD[key] for key in FUNCTIONS["meld_3"][1]} | {"female": bad})
    with pytest.raises(ScoreInputError, match="^dialysis "):
        meld(bilirubin_umol_l=40, creatinine_umol_l=90, inr=1.3, dialysis=bad)
    with pytest.raises(ScoreInputError, match="^cholestatic "):
        child_pugh(**CP_BEST, cholestatic=bad)


def test_missing_input_message() -> None:
    with pytest.raises(ScoreInputError) as raised:
        meld(bilirubin_umol_l=None, creatinine_umol_l=90, inr=1.3)  # type: ignore[arg-type]
    assert str(raised.value) == "bilirubin_umol_l is missing (got None)"


def test_integers_and_decimals_are_numbers() -> None:
    # 1.9 mg/dL bilirubin etc. given as Decimal and int give the same 13 as the floats.
    decimals: dict[str, Any] = {
        "bilirubin_umol_l": Decimal("32.49"),
        "creatinine_umol_l": Decimal("114.92"),
        "inr": Decimal("1.2"),
    }
    assert meld(**decimals) == 13
    assert meld(bilirubin_umol_l=17, creatinine_umol_l=88, inr=1) == 6


def test_caller_decimal_context_does_not_change_results() -> None:
    # Run in the caller's 3-digit, round-down context, these formulas would give MELD-Na 19
    # (not 20) and the 12.5 MELD 3.0 case 12 (not 13); they run in their own context instead.
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        assert meld(bilirubin_umol_l=32.49, creatinine_umol_l=114.92, inr=1.2) == 13
        assert (
            meld_na(bilirubin_umol_l=25.65, creatinine_umol_l=238.68, inr=1.1, sodium_mmol_l=135)
            == 20
        )
        assert (
            meld_3(
                bilirubin_umol_l=10,
                creatinine_umol_l=50,
                inr=1,
                sodium_mmol_l=131.6,
                albumin_g_l=23.8,
                female=False,
            )
            == 13
        )


# --------------------------------------------------------------------------- compute_all


def test_compute_all_full() -> None:
    results = compute_all(**GOOD, dialysis=False, cholestatic=False)
    assert tuple(results) == SCORE_KEYS
    assert results["MELD"].value == meld(bilirubin_umol_l=40.0, creatinine_umol_l=90.0, inr=1.3)
    points, grade = child_pugh(
        bilirubin_umol_l=40.0, albumin_g_l=32.0, inr=1.3, ascites=1, encephalopathy=0
    )
    # bilirubin 2.34 mg/dL (2) + albumin 3.2 g/dL (2) + INR 1.3 (1) + mild ascites (2) + none (1)
    assert (points, grade) == (8, "B")
    assert results["CHILD_PUGH"].value == (8, "B")
    assert results["CHILD_PUGH"].text == "B (8)"
    for result in results.values():
        assert isinstance(result, ScoreResult)
        assert result.available
        assert result.missing == ()


def test_compute_all_missing_and_invalid_inputs() -> None:
    results = compute_all(bilirubin_umol_l=40.0, inr=math.nan, albumin_g_l=32.0, ascites=7)
    assert results["MELD"].value is None
    assert results["MELD"].text == "—"
    assert results["MELD"].missing == ("creatinine_umol_l", "inr")
    assert results["MELD_3"].missing == ("creatinine_umol_l", "inr", "sodium_mmol_l", "female")
    assert results["CHILD_PUGH"].missing == ("inr", "ascites", "encephalopathy")
    # ALBI needs only bilirubin and albumin, which are fine.
    assert results["ALBI"].missing == ()
    assert results["ALBI"].value == albi(bilirubin_umol_l=40.0, albumin_g_l=32.0)


def test_compute_all_notes_and_text() -> None:
    results = compute_all(
        bilirubin_umol_l=10,
        creatinine_umol_l=60,
        inr=0.9,
        sodium_mmol_l=140,
        albumin_g_l=40,
        female=False,
    )
    assert results["MELD"].text == "6"
    assert "creatinine floored to 1.0 mg/dL" in texts(results["MELD"])
    assert "MELD(i) 6 ≤ 11: sodium correction not applied" in texts(results["MELD_NA"])
    assert "albumin bounded to 3.5 g/dL" in texts(results["MELD_3"])


def test_results_are_frozen() -> None:
    result = compute_all()["MELD"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 7  # type: ignore[misc]
    detail = meld_detail(bilirubin_umol_l=10, creatinine_umol_l=60, inr=0.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        detail.value = 7  # type: ignore[misc]


# --------------------------------------------------------------------------- Hypothesis

si_bilirubin = st.floats(min_value=0.01, max_value=20_000, allow_nan=False, allow_infinity=False)
si_creatinine = st.floats(min_value=0.01, max_value=50_000, allow_nan=False, allow_infinity=False)
any_inr = st.floats(min_value=0.01, max_value=100, allow_nan=False, allow_infinity=False)
any_sodium = st.floats(min_value=50, max_value=200, allow_nan=False, allow_infinity=False)
any_albumin = st.floats(min_value=1, max_value=100, allow_nan=False, allow_infinity=False)


@given(
    bili=si_bilirubin,
    creat=si_creatinine,
    inr=any_inr,
    na=any_sodium,
    alb=any_albumin,
    female=st.booleans(),
    dialysis=st.booleans(),
)
def test_meld_scores_bounded_6_to_40(
    bili: float, creat: float, inr: float, na: float, alb: float, female: bool, dialysis: bool
) -> None:
    labs: dict[str, Any] = {"bilirubin_umol_l": bili, "creatinine_umol_l": creat, "inr": inr}
    assert 6 <= meld(**labs, dialysis=dialysis) <= 40
    assert 6 <= meld_na(**labs, sodium_mmol_l=na, dialysis=dialysis) <= 40
    assert (
        6
        <= meld_3(**labs, sodium_mmol_l=na, albumin_g_l=alb, female=female, dialysis=dialysis)
        <= 40
    )


def _all_melds(
    bili: float, creat: float, inr: float, na: float, alb: float, female: bool
) -> tuple[int, ...]:
    labs: dict[str, Any] = {"bilirubin_umol_l": bili, "creatinine_umol_l": creat, "inr": inr}
    return (
        meld(**labs),
        meld_na(**labs, sodium_mmol_l=na),
        meld_3(**labs, sodium_mmol_l=na, albumin_g_l=alb, female=female),
    )


@given(
    pair=st.lists(si_bilirubin, min_size=2, max_size=2).map(sorted),
    creat=si_creatinine,
    inr=any_inr,
    na=any_sodium,
    alb=any_albumin,
    female=st.booleans(),
)
def test_melds_non_decreasing_in_bilirubin(
    pair: list[float], creat: float, inr: float, na: float, alb: float, female: bool
) -> None:
    # MELD 3.0: d/d ln(bili) = 4.56 - 0.24 (137 - Na) >= 4.56 - 0.24 x 12 = 1.68 > 0.
    low, high = pair
    lower = _all_melds(low, creat, inr, na, alb, female)
    higher = _all_melds(high, creat, inr, na, alb, female)
    assert all(a <= b for a, b in zip(lower, higher, strict=True))


@given(
    pair=st.lists(any_inr, min_size=2, max_size=2).map(sorted),
    bili=si_bilirubin,
    creat=si_creatinine,
    na=any_sodium,
    alb=any_albumin,
    female=st.booleans(),
)
def test_melds_non_decreasing_in_inr(
    pair: list[float], bili: float, creat: float, na: float, alb: float, female: bool
) -> None:
    low, high = pair
    lower = _all_melds(bili, creat, low, na, alb, female)
    higher = _all_melds(bili, creat, high, na, alb, female)
    assert all(a <= b for a, b in zip(lower, higher, strict=True))


@given(
    pair=st.lists(si_creatinine, min_size=2, max_size=2).map(sorted),
    bili=si_bilirubin,
    inr=any_inr,
    na=any_sodium,
    alb=any_albumin,
    female=st.booleans(),
)
def test_melds_non_decreasing_in_creatinine(
    pair: list[float], bili: float, inr: float, na: float, alb: float, female: bool
) -> None:
    # MELD 3.0: d/d ln(Cr) = 11.14 - 1.83 (3.5 - alb) >= 11.14 - 1.83 x 2 = 7.48 > 0.
    low, high = pair
    lower = _all_melds(bili, low, inr, na, alb, female)
    higher = _all_melds(bili, high, inr, na, alb, female)
    assert all(a <= b for a, b in zip(lower, higher, strict=True))


# A small, independent reference in conventional units (mg/dL, g/dL), plain floats.


def _ref_half_up(x: float) -> int:
    # The epsilon turns float ties such as 12.499999999999998 back into 12.5 -> 13.
    return math.floor(x + 0.5 + 1e-9)


def _ref_meld_i(bili: float, creat: float, inr: float, dialysis: bool) -> int:
    bili, inr = max(bili, 1.0), max(inr, 1.0)
    creat = 4.0 if dialysis else min(max(creat, 1.0), 4.0)
    return _ref_half_up(
        10 * (0.957 * math.log(creat) + 0.378 * math.log(bili) + 1.120 * math.log(inr) + 0.643)
    )


def _ref_meld(bili: float, creat: float, inr: float, dialysis: bool) -> int:
    return min(_ref_meld_i(bili, creat, inr, dialysis), 40)


def _ref_meld_na(bili: float, creat: float, inr: float, na: float, dialysis: bool) -> int:
    m = _ref_meld_i(bili, creat, inr, dialysis)
    if m <= 11:
        return m
    gap = 137 - min(max(na, 125.0), 137.0)
    return min(_ref_half_up(m + 1.32 * gap - 0.033 * m * gap), 40)


def _ref_meld_3(
    bili: float, creat: float, inr: float, na: float, alb: float, female: bool, dialysis: bool
) -> int:
    bili, inr = max(bili, 1.0), max(inr, 1.0)
    creat = 3.0 if dialysis else min(max(creat, 1.0), 3.0)
    gap_na = 137 - min(max(na, 125.0), 137.0)
    gap_alb = 3.5 - min(max(alb, 1.5), 3.5)
    raw = (
        1.33 * female
        + 4.56 * math.log(bili)
        + 0.82 * gap_na
        - 0.24 * gap_na * math.log(bili)
        + 9.09 * math.log(inr)
        + 11.14 * math.log(creat)
        + 1.85 * gap_alb
        - 1.83 * gap_alb * math.log(creat)
        + 6
    )
    return min(max(_ref_half_up(raw), 6), 40)


mg_dl = st.integers(min_value=1, max_value=6000).map(lambda k: k / 100)  # 0.01-60.00
inr_grid = st.integers(min_value=50, max_value=1000).map(lambda k: k / 100)  # 0.50-10.00
sodium_grid = st.integers(min_value=1100, max_value=1600).map(lambda k: k / 10)  # 110.0-160.0
albumin_g_l_grid = st.integers(min_value=50, max_value=600).map(lambda k: k / 10)  # 5.0-60.0 g/L


@given(
    bili=mg_dl,
    creat=mg_dl,
    inr=inr_grid,
    na=sodium_grid,
    alb_g_l=albumin_g_l_grid,
    female=st.booleans(),
    dialysis=st.booleans(),
)
def test_si_inputs_agree_with_conventional_reference(
    bili: float, creat: float, inr: float, na: float, alb_g_l: float, female: bool, dialysis: bool
) -> None:
    si: dict[str, Any] = {
        "bilirubin_umol_l": bili * BILI,
        "creatinine_umol_l": creat * CREAT,
        "inr": inr,
        "dialysis": dialysis,
    }
    assert meld(**si) == _ref_meld(bili, creat, inr, dialysis)
    assert meld_na(**si, sodium_mmol_l=na) == _ref_meld_na(bili, creat, inr, na, dialysis)
    assert meld_3(**si, sodium_mmol_l=na, albumin_g_l=alb_g_l, female=female) == _ref_meld_3(
        bili, creat, inr, na, alb_g_l / 10, female, dialysis
    )


anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10**6),
    st.floats(),
    st.text(max_size=5),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def _public(function: Callable[..., Any], **kwargs: Any) -> object:
    try:
        return function(**kwargs)
    except ScoreInputError:
        return None


@given(
    bili=st.one_of(si_bilirubin, anything),
    creat=st.one_of(si_creatinine, anything),
    inr=st.one_of(any_inr, anything),
    na=st.one_of(any_sodium, anything),
    alb=st.one_of(any_albumin, anything),
    female=st.one_of(st.booleans(), anything),
    dialysis=st.one_of(st.booleans(), anything),
    ascites=st.one_of(st.integers(0, 2), anything),
    encephalopathy=st.one_of(st.integers(0, 4), anything),
    cholestatic=st.one_of(st.booleans(), anything),
)
def test_compute_all_agrees_with_public_functions_and_never_raises(
    bili: Any,
    creat: Any,
    inr: Any,
    na: Any,
    alb: Any,
    female: Any,
    dialysis: Any,
    ascites: Any,
    encephalopathy: Any,
    cholestatic: Any,
) -> None:
    results = compute_all(
        bilirubin_umol_l=bili,
        creatinine_umol_l=creat,
        inr=inr,
        sodium_mmol_l=na,
        albumin_g_l=alb,
        female=female,
        dialysis=dialysis,
        ascites=ascites,
        encephalopathy=encephalopathy,
        cholestatic=cholestatic,
    )
    labs = {"bilirubin_umol_l": bili, "creatinine_umol_l": creat, "inr": inr, "dialysis": dialysis}
    expected = {
        "MELD": _public(meld, **labs),
        "MELD_NA": _public(meld_na, **labs, sodium_mmol_l=na),
        "MELD_3": _public(meld_3, **labs, sodium_mmol_l=na, albumin_g_l=alb, female=female),
        "CHILD_PUGH": _public(
            child_pugh,
            bilirubin_umol_l=bili,
            albumin_g_l=alb,
            inr=inr,
            ascites=ascites,
            encephalopathy=encephalopathy,
            cholestatic=cholestatic,
        ),
        "ALBI": _public(albi, bilirubin_umol_l=bili, albumin_g_l=alb),
    }
    assert tuple(results) == SCORE_KEYS
    for key, value in expected.items():
        result = results[key]
        assert result.value == value
        if value is None:
            assert result.missing
            assert result.text == "—"
        else:
            assert result.missing == ()
            assert result.text != "—"
