"""Liver scores: MELD, MELD-Na, MELD 3.0, Child-Pugh and ALBI, from SI inputs.

Pure functions, no Qt, no I/O. Inputs are in the SI units the study stores (bilirubin and
creatinine in µmol/L, albumin in g/L, sodium in mmol/L); each formula converts to the
conventional units it was published in *first*, then floors and caps, exactly as the
definitions in DESIGN.md "Scores" say.

Arithmetic is done in `decimal` at 34 significant digits, starting from the shortest decimal
text of each float (``repr``). That is why a typed INR of 1.7 is exactly 1.7 when it meets a
Child-Pugh threshold, 34.2 µmol/L of bilirubin is exactly 2 mg/dL, and a result that is
exactly x.5 rounds half up instead of falling to x.4999999 and rounding down.

Two layers share one implementation per formula:

- ``meld`` / ``meld_na`` / ``meld_3`` / ``child_pugh`` / ``albi`` return the bare value and
  raise `ScoreInputError` (a ``ValueError``) naming the first bad input;
- ``*_detail`` return a `ScoreDetail` that also lists which floors and caps applied, and
  `compute_all` returns a `ScoreResult` per score that never raises: a score whose inputs
  are missing or invalid has ``value None`` and names them in ``missing``.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Final, Generic, ParamSpec, TypeVar

from msct_crf.errors import ScoreInputError
from msct_crf.study.units import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    G_L_PER_G_DL,
)

__all__ = [
    "MISSING_TEXT",
    "NOTE_TEXTS",
    "SCORE_KEYS",
    "Note",
    "ScoreDetail",
    "ScoreResult",
    "ScoreValue",
    "albi",
    "albi_detail",
    "child_pugh",
    "child_pugh_detail",
    "compute_all",
    "meld",
    "meld_3",
    "meld_3_detail",
    "meld_detail",
    "meld_na",
    "meld_na_detail",
]

V = TypeVar("V")
ScoreValue = int | tuple[int, str] | tuple[float, int]

MISSING_TEXT: Final = "—"
SCORE_KEYS: Final = ("MELD", "MELD_NA", "MELD_3", "CHILD_PUGH", "ALBI")

# Conversions (DESIGN.md "Scores"): µmol/L / 17.1 = mg/dL bilirubin, µmol/L / 88.4 = mg/dL
# creatinine, g/L / 10 = g/dL albumin; the factors are msct_crf.study.units's.

_ONE: Final = Decimal(1)
_MELD_MAX: Final = 40
_MELD_MIN: Final = 6
_SODIUM_LOW: Final = Decimal(125)
_SODIUM_HIGH: Final = Decimal(137)

# 34 digits is far more than any score needs; a private context keeps other code's
# decimal settings from changing our results.
_CONTEXT: Final = Context(prec=34)


@functools.lru_cache(maxsize=4096)
def _ln(value: Decimal) -> Decimal:
    """ln(value) in `_CONTEXT`, remembered.

    MELD, MELD-Na and MELD 3.0 take the logarithms of the same floored labs, so a visit
    asked for nine where three or four differ, and a 34-digit ln is the slowest step of
    deriving a visit's scores (about 50 µs each; issue 14). The result depends only on the
    number and the context (correctly rounded), so a remembered one is the same Decimal.
    """
    return value.ln(_CONTEXT.copy())


@functools.lru_cache(maxsize=4096)
def _log10(value: Decimal) -> Decimal:
    """log10(value) in `_CONTEXT`, remembered (see `_ln`)."""
    return value.log10(_CONTEXT.copy())


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _in_decimal_context(formula: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a formula (conversions, floors, logs, rounding) entirely in `_CONTEXT`."""

    @functools.wraps(formula)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CONTEXT):
            return formula(*args, **kwargs)

    return run


#: The English sentence of each note code, for the command line and the exports; the GUI
#: translates the code itself (`ui.forms.score_panel`).
NOTE_TEXTS: Final = {
    "floored": "{what} floored to {value}{unit}",
    "capped": "{what} capped at {value}{unit}",
    "bounded": "{what} bounded to {value}{unit}",
    "dialysis": "dialysis: creatinine set to {value}{unit}",
    "no_sodium_correction": "MELD(i) {value} ≤ 11: sodium correction not applied",
    "cholestatic": "cholestatic disease: bilirubin bands {low} / {high}{unit}",
}


@dataclass(frozen=True)
class Note:
    """A floor, cap or rule that shaped a score, as a code and its values.

    Structured rather than a sentence so the GUI can say it in the reader's language;
    ``what`` is a lab or score name ("creatinine", "MELD 3.0"), ``unit`` is "" or a unit.
    """

    code: str
    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **values: str) -> Note:
        return cls(code, tuple(values.items()))

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")

    @property
    def text(self) -> str:
        """The note in English ("creatinine floored to 1.0 mg/dL")."""
        fields = dict(self.values)
        unit = fields.get("unit", "")
        fields["unit"] = f" {unit}" if unit else ""
        return NOTE_TEXTS[self.code].format_map(fields)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ScoreDetail(Generic[V]):
    """One computed score with the display text and the floors/caps that shaped it."""

    name: str
    value: V
    text: str
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    """One score as `compute_all` reports it: a value, or the inputs that kept it from one."""

    name: str
    value: ScoreValue | None
    text: str
    notes: tuple[Note, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.value is not None


# --------------------------------------------------------------------------- input checks


def _positive(name: str, value: object) -> Decimal:
    """A positive finite number as an exact Decimal of its shortest text, or ScoreInputError."""
    if value is None:
        raise ScoreInputError(name, value, "is missing")
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ScoreInputError(name, value, "must be a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, numbers.Integral):
        number = Decimal(int(value))
    else:
        try:
            as_float = float(value)
        except OverflowError:
            raise ScoreInputError(name, value, "must be a finite number") from None
        if not math.isfinite(as_float):
            raise ScoreInputError(name, value, "must be a finite number")
        number = Decimal(repr(as_float))
    if not number.is_finite():
        raise ScoreInputError(name, value, "must be a finite number")
    if number <= 0:
        raise ScoreInputError(name, value, "must be greater than zero")
    return number


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ScoreInputError(name, value, "must be True or False")
    return value


def _grade(name: str, value: object, highest: int, meaning: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ScoreInputError(name, value, f"must be an integer {meaning}")
    number = int(value)
    if not 0 <= number <= highest:
        raise ScoreInputError(name, value, f"must be an integer {meaning}")
    return number


_ASCITES_MEANING: Final = "0 (none), 1 (mild) or 2 (moderate-severe)"
_ENCEPHALOPATHY_MEANING: Final = "0-4 (West Haven grade; 0 = none)"


def _ascites(value: object) -> int:
    return _grade("ascites", value, 2, _ASCITES_MEANING)


def _encephalopathy(value: object) -> int:
    return _grade("encephalopathy", value, 4, _ENCEPHALOPATHY_MEANING)


# --------------------------------------------------------------------------- shared steps


def _round_half_up(value: Decimal, places: int = 0) -> Decimal:
    return value.quantize(_ONE.scaleb(-places), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    """1.0, 3.5, 125: what a note shows for a floor or cap."""
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _floor_one(value: Decimal, label: str, unit: str, notes: list[Note]) -> Decimal:
    if value < _ONE:
        notes.append(Note.of("floored", what=label, value="1.0", unit=unit))
        return _ONE
    return value


def _meld_labs(
    bilirubin_umol_l: Decimal,
    creatinine_umol_l: Decimal,
    inr: Decimal,
    dialysis: bool,
    creatinine_cap: Decimal,
    notes: list[Note],
) -> tuple[Decimal, Decimal, Decimal]:
    """Bilirubin, creatinine (mg/dL) and INR after conversion, floors at 1.0 and the Cr cap.

    OPTN Policy 9.1 / UNOS "MELD Serum Sodium policy" calculation: values < 1.0 are set to
    1.0; creatinine is capped (4.0 for MELD and MELD-Na, 3.0 for MELD 3.0) and set to the cap
    with dialysis at least twice in the past week or 24 h of CVVHD.
    """
    bilirubin = _floor_one(
        bilirubin_umol_l / BILIRUBIN_UMOL_L_PER_MG_DL, "bilirubin", "mg/dL", notes
    )
    international_ratio = _floor_one(inr, "INR", "", notes)
    creatinine = creatinine_umol_l / CREATININE_UMOL_L_PER_MG_DL
    cap = _fmt(creatinine_cap)
    if dialysis:
        notes.append(Note.of("dialysis", value=cap, unit="mg/dL"))
        creatinine = creatinine_cap
    elif creatinine > creatinine_cap:
        notes.append(Note.of("capped", what="creatinine", value=cap, unit="mg/dL"))
        creatinine = creatinine_cap
    else:
        creatinine = _floor_one(creatinine, "creatinine", "mg/dL", notes)
    return bilirubin, creatinine, international_ratio


def _bounded(
    value: Decimal, low: Decimal, high: Decimal, label: str, unit: str, notes: list[Note]
) -> Decimal:
    if value < low:
        notes.append(Note.of("bounded", what=label, value=_fmt(low), unit=unit))
        return low
    if value > high:
        notes.append(Note.of("bounded", what=label, value=_fmt(high), unit=unit))
        return high
    return value


def _sodium(sodium_mmol_l: Decimal, notes: list[Note]) -> Decimal:
    return _bounded(sodium_mmol_l, _SODIUM_LOW, _SODIUM_HIGH, "sodium", "mmol/L", notes)


def _meld_i(
    bilirubin_umol_l: Decimal,
    creatinine_umol_l: Decimal,
    inr: Decimal,
    dialysis: bool,
    notes: list[Note],
) -> int:
    """MELD(i), the rounded and uncapped MELD of OPTN Policy 9.1 (UNOS MELD calculation).

    MELD(i) = 0.957 ln(Cr) + 0.378 ln(bilirubin) + 1.120 ln(INR) + 0.643, rounded to the
    tenth decimal place and multiplied by 10 (Cr, bilirubin in mg/dL).
    """
    bilirubin, creatinine, international_ratio = _meld_labs(
        bilirubin_umol_l, creatinine_umol_l, inr, dialysis, Decimal(4), notes
    )
    raw = (
        Decimal("0.957") * _ln(creatinine)
        + Decimal("0.378") * _ln(bilirubin)
        + Decimal("1.120") * _ln(international_ratio)
        + Decimal("0.643")
    )
    return int(_round_half_up(raw, 1) * 10)


def _cap(value: int, label: str, notes: list[Note]) -> int:
    if value > _MELD_MAX:
        notes.append(Note.of("capped", what=label, value=str(_MELD_MAX), unit=""))
        return _MELD_MAX
    return value


def _int_detail(name: str, value: int, notes: list[Note]) -> ScoreDetail[int]:
    return ScoreDetail(name, value, str(value), tuple(notes))


# --------------------------------------------------------------------------- the formulas


@_in_decimal_context
def _meld(
    bilirubin_umol_l: Decimal, creatinine_umol_l: Decimal, inr: Decimal, dialysis: bool
) -> ScoreDetail[int]:
    """MELD as defined by OPTN Policy 9.1 / the UNOS MELD calculation document.

    MELD(i) (see `_meld_i`), maximum 40. With every value floored the result is 6
    (0.643 -> 0.6 -> 6), so no explicit minimum is needed.
    """
    notes: list[Note] = []
    value = _cap(_meld_i(bilirubin_umol_l, creatinine_umol_l, inr, dialysis, notes), "MELD", notes)
    return _int_detail("MELD", value, notes)


@_in_decimal_context
def _meld_na(
    bilirubin_umol_l: Decimal,
    creatinine_umol_l: Decimal,
    inr: Decimal,
    sodium_mmol_l: Decimal,
    dialysis: bool,
) -> ScoreDetail[int]:
    """MELD-Na as introduced by OPTN/UNOS in January 2016 (OPTN Policy 9.1, UNOS MELD calculation).

    If MELD(i) > 11: MELD = MELD(i) + 1.32 (137 - Na) - 0.033 MELD(i) (137 - Na), with Na
    bounded to 125-137 mmol/L and MELD(i) the rounded value; the result is rounded to a whole
    number. Otherwise MELD = MELD(i). Maximum 40.
    """
    notes: list[Note] = []
    meld_i = _meld_i(bilirubin_umol_l, creatinine_umol_l, inr, dialysis, notes)
    if meld_i > 11:
        sodium_gap = _SODIUM_HIGH - _sodium(sodium_mmol_l, notes)
        raw = meld_i + Decimal("1.32") * sodium_gap - Decimal("0.033") * meld_i * sodium_gap
        value = int(_round_half_up(raw))
    else:
        notes.append(Note.of("no_sodium_correction", value=str(meld_i)))
        value = meld_i
    return _int_detail("MELD-Na", _cap(value, "MELD-Na", notes), notes)


@_in_decimal_context
def _meld_3(
    bilirubin_umol_l: Decimal,
    creatinine_umol_l: Decimal,
    inr: Decimal,
    sodium_mmol_l: Decimal,
    albumin_g_l: Decimal,
    female: bool,
    dialysis: bool,
) -> ScoreDetail[int]:
    """MELD 3.0: Kim WR et al., Gastroenterology 2021;161:1887-1895 (OPTN Policy 9.1, 2023).

    MELD 3.0 = 1.33 (female) + 4.56 ln(bili) + 0.82 (137 - Na) - 0.24 (137 - Na) ln(bili)
    + 9.09 ln(INR) + 11.14 ln(Cr) + 1.85 (3.5 - alb) - 1.83 (3.5 - alb) ln(Cr) + 6,
    bilirubin and creatinine in mg/dL, albumin in g/dL. Bilirubin, INR and creatinine are
    floored at 1.0; creatinine is capped at 3.0 (3.0 with dialysis); Na is bounded to
    125-137 mmol/L and albumin to 1.5-3.5 g/dL; the result is rounded and bounded to 6-40.

    The interaction terms are grouped by their logarithm, (4.56 - 0.24 (137 - Na)) ln(bili)
    and (11.14 - 1.83 (3.5 - alb)) ln(Cr): the same sum, written so the score is visibly
    non-decreasing in bilirubin and creatinine (both brackets stay positive within the bounds).
    """
    notes: list[Note] = []
    bilirubin, creatinine, international_ratio = _meld_labs(
        bilirubin_umol_l, creatinine_umol_l, inr, dialysis, Decimal(3), notes
    )
    sodium_gap = _SODIUM_HIGH - _sodium(sodium_mmol_l, notes)
    albumin = _bounded(
        albumin_g_l / G_L_PER_G_DL,
        Decimal("1.5"),
        Decimal("3.5"),
        "albumin",
        "g/dL",
        notes,
    )
    albumin_gap = Decimal("3.5") - albumin
    raw = (
        (Decimal("1.33") if female else Decimal(0))
        + (Decimal("4.56") - Decimal("0.24") * sodium_gap) * _ln(bilirubin)
        + Decimal("0.82") * sodium_gap
        + Decimal("9.09") * _ln(international_ratio)
        + (Decimal("11.14") - Decimal("1.83") * albumin_gap) * _ln(creatinine)
        + Decimal("1.85") * albumin_gap
        + Decimal(6)
    )
    value = int(_round_half_up(raw))
    if value < _MELD_MIN:
        notes.append(Note.of("bounded", what="MELD 3.0", value=str(_MELD_MIN), unit=""))
        value = _MELD_MIN
    return _int_detail("MELD 3.0", _cap(value, "MELD 3.0", notes), notes)


def _points(value: Decimal, low: Decimal, high: Decimal) -> int:
    """1 below ``low``, 2 from ``low`` to ``high`` inclusive, 3 above ``high``."""
    if value < low:
        return 1
    return 2 if value <= high else 3


@_in_decimal_context
def _child_pugh(
    bilirubin_umol_l: Decimal,
    albumin_g_l: Decimal,
    inr: Decimal,
    ascites: int,
    encephalopathy: int,
    cholestatic: bool,
) -> ScoreDetail[tuple[int, str]]:
    """Child-Pugh: Pugh RNH et al., Br J Surg 1973;60:646-649, with INR for prothrombin time.

    Points 1/2/3 for bilirubin < 2 / 2-3 / > 3 mg/dL (cholestatic disease, PBC/PSC:
    < 4 / 4-10 / > 10), albumin > 3.5 / 2.8-3.5 / < 2.8 g/dL, INR < 1.7 / 1.7-2.3 / > 2.3,
    ascites none / mild / moderate-severe, encephalopathy none / West Haven 1-2 / 3-4;
    both ends of each middle band score 2. Class A 5-6, B 7-9, C 10-15.
    """
    notes: list[Note] = []
    bilirubin = bilirubin_umol_l / BILIRUBIN_UMOL_L_PER_MG_DL
    if cholestatic:
        notes.append(Note.of("cholestatic", low="4", high="10", unit="mg/dL"))
        bilirubin_points = _points(bilirubin, Decimal(4), Decimal(10))
    else:
        bilirubin_points = _points(bilirubin, Decimal(2), Decimal(3))
    albumin = albumin_g_l / G_L_PER_G_DL
    # Albumin runs the other way (higher is better): > 3.5 is 1 point, 2.8-3.5 is 2, < 2.8 is 3.
    albumin_points = 1 if albumin > Decimal("3.5") else (2 if albumin >= Decimal("2.8") else 3)
    inr_points = _points(inr, Decimal("1.7"), Decimal("2.3"))
    ascites_points = ascites + 1
    encephalopathy_points = 1 if encephalopathy == 0 else (2 if encephalopathy <= 2 else 3)
    total = bilirubin_points + albumin_points + inr_points + ascites_points + encephalopathy_points
    grade = "A" if total <= 6 else ("B" if total <= 9 else "C")
    return ScoreDetail("Child-Pugh", (total, grade), f"{grade} ({total})", tuple(notes))


def _albi_grade(score: Decimal) -> int:
    """Grade 1 <= -2.60 < grade 2 <= -1.39 < grade 3 (Johnson 2015), on the unrounded score."""
    if score <= Decimal("-2.60"):
        return 1
    return 2 if score <= Decimal("-1.39") else 3


@_in_decimal_context
def _albi(bilirubin_umol_l: Decimal, albumin_g_l: Decimal) -> ScoreDetail[tuple[float, int]]:
    """ALBI: Johnson PJ et al., J Clin Oncol 2015;33:550-558.

    ALBI = 0.66 log10(bilirubin µmol/L) - 0.085 albumin g/L; grade 1 <= -2.60 < grade 2
    <= -1.39 < grade 3, graded on the unrounded score.
    """
    score = Decimal("0.66") * _log10(bilirubin_umol_l) - Decimal("0.085") * albumin_g_l
    grade = _albi_grade(score)
    value = float(score)
    return ScoreDetail("ALBI", (value, grade), f"{value:.2f} (grade {grade})")


# --------------------------------------------------------------------------- public API


def meld_detail(
    *, bilirubin_umol_l: float, creatinine_umol_l: float, inr: float, dialysis: bool = False
) -> ScoreDetail[int]:
    """MELD (OPTN Policy 9.1 / UNOS MELD calculation) with the floors and caps it applied."""
    return _meld(
        _positive("bilirubin_umol_l", bilirubin_umol_l),
        _positive("creatinine_umol_l", creatinine_umol_l),
        _positive("inr", inr),
        _flag("dialysis", dialysis),
    )


def meld(
    *, bilirubin_umol_l: float, creatinine_umol_l: float, inr: float, dialysis: bool = False
) -> int:
    """MELD (OPTN Policy 9.1 / UNOS MELD calculation), 6-40. Raises ScoreInputError."""
    return meld_detail(
        bilirubin_umol_l=bilirubin_umol_l,
        creatinine_umol_l=creatinine_umol_l,
        inr=inr,
        dialysis=dialysis,
    ).value


def meld_na_detail(
    *,
    bilirubin_umol_l: float,
    creatinine_umol_l: float,
    inr: float,
    sodium_mmol_l: float,
    dialysis: bool = False,
) -> ScoreDetail[int]:
    """MELD-Na (OPTN/UNOS 2016, Policy 9.1) with the floors and caps it applied."""
    return _meld_na(
        _positive("bilirubin_umol_l", bilirubin_umol_l),
        _positive("creatinine_umol_l", creatinine_umol_l),
        _positive("inr", inr),
        _positive("sodium_mmol_l", sodium_mmol_l),
        _flag("dialysis", dialysis),
    )


def meld_na(
    *,
    bilirubin_umol_l: float,
    creatinine_umol_l: float,
    inr: float,
    sodium_mmol_l: float,
    dialysis: bool = False,
) -> int:
    """MELD-Na (OPTN/UNOS 2016, Policy 9.1), 6-40. Raises ScoreInputError."""
    return meld_na_detail(
        bilirubin_umol_l=bilirubin_umol_l,
        creatinine_umol_l=creatinine_umol_l,
        inr=inr,
        sodium_mmol_l=sodium_mmol_l,
        dialysis=dialysis,
    ).value


def meld_3_detail(
    *,
    bilirubin_umol_l: float,
    creatinine_umol_l: float,
    inr: float,
    sodium_mmol_l: float,
    albumin_g_l: float,
    female: bool,
    dialysis: bool = False,
) -> ScoreDetail[int]:
    """MELD 3.0 (Kim WR et al., Gastroenterology 2021) with the floors and caps it applied."""
    return _meld_3(
        _positive("bilirubin_umol_l", bilirubin_umol_l),
        _positive("creatinine_umol_l", creatinine_umol_l),
        _positive("inr", inr),
        _positive("sodium_mmol_l", sodium_mmol_l),
        _positive("albumin_g_l", albumin_g_l),
        _flag("female", female),
        _flag("dialysis", dialysis),
    )


def meld_3(
    *,
    bilirubin_umol_l: float,
    creatinine_umol_l: float,
    inr: float,
    sodium_mmol_l: float,
    albumin_g_l: float,
    female: bool,
    dialysis: bool = False,
) -> int:
    """MELD 3.0 (Kim WR et al., Gastroenterology 2021;161:1887-1895), 6-40.

    Raises ScoreInputError.
    """
    return meld_3_detail(
        bilirubin_umol_l=bilirubin_umol_l,
        creatinine_umol_l=creatinine_umol_l,
        inr=inr,
        sodium_mmol_l=sodium_mmol_l,
        albumin_g_l=albumin_g_l,
        female=female,
        dialysis=dialysis,
    ).value


def child_pugh_detail(
    *,
    bilirubin_umol_l: float,
    albumin_g_l: float,
    inr: float,
    ascites: int,
    encephalopathy: int,
    cholestatic: bool = False,
) -> ScoreDetail[tuple[int, str]]:
    """Child-Pugh (Pugh RNH et al., Br J Surg 1973) as (points, class) with display text."""
    return _child_pugh(
        _positive("bilirubin_umol_l", bilirubin_umol_l),
        _positive("albumin_g_l", albumin_g_l),
        _positive("inr", inr),
        _ascites(ascites),
        _encephalopathy(encephalopathy),
        _flag("cholestatic", cholestatic),
    )


def child_pugh(
    *,
    bilirubin_umol_l: float,
    albumin_g_l: float,
    inr: float,
    ascites: int,
    encephalopathy: int,
    cholestatic: bool = False,
) -> tuple[int, str]:
    """Child-Pugh points (5-15) and class ("A", "B", "C"). Raises ScoreInputError.

    ``ascites``: 0 none, 1 mild, 2 moderate-severe. ``encephalopathy``: West Haven grade
    0-4. ``cholestatic``: PBC, PSC or their overlaps, which use the 4 / 10 mg/dL bilirubin bands.
    """
    return child_pugh_detail(
        bilirubin_umol_l=bilirubin_umol_l,
        albumin_g_l=albumin_g_l,
        inr=inr,
        ascites=ascites,
        encephalopathy=encephalopathy,
        cholestatic=cholestatic,
    ).value


def albi_detail(*, bilirubin_umol_l: float, albumin_g_l: float) -> ScoreDetail[tuple[float, int]]:
    """ALBI (Johnson PJ et al., J Clin Oncol 2015) as (score, grade) with display text."""
    return _albi(
        _positive("bilirubin_umol_l", bilirubin_umol_l), _positive("albumin_g_l", albumin_g_l)
    )


def albi(*, bilirubin_umol_l: float, albumin_g_l: float) -> tuple[float, int]:
    """ALBI score (unrounded) and grade 1-3 (Johnson PJ et al., J Clin Oncol 2015).

    Raises ScoreInputError.
    """
    return albi_detail(bilirubin_umol_l=bilirubin_umol_l, albumin_g_l=albumin_g_l).value


# --------------------------------------------------------------------------- compute_all

_Checked = Decimal | bool | int


@dataclass(frozen=True)
class _Spec:
    name: str
    inputs: tuple[str, ...]
    compute: Callable[
        ..., ScoreDetail[int] | ScoreDetail[tuple[int, str]] | ScoreDetail[tuple[float, int]]
    ]


_SPECS: Final[Mapping[str, _Spec]] = {
    "MELD": _Spec("MELD", ("bilirubin_umol_l", "creatinine_umol_l", "inr", "dialysis"), _meld),
    "MELD_NA": _Spec(
        "MELD-Na",
        ("bilirubin_umol_l", "creatinine_umol_l", "inr", "sodium_mmol_l", "dialysis"),
        _meld_na,
    ),
    "MELD_3": _Spec(
        "MELD 3.0",
        (
            "bilirubin_umol_l",
            "creatinine_umol_l",
            "inr",
            "sodium_mmol_l",
            "albumin_g_l",
            "female",
            "dialysis",
        ),
        _meld_3,
    ),
    "CHILD_PUGH": _Spec(
        "Child-Pugh",
        ("bilirubin_umol_l", "albumin_g_l", "inr", "ascites", "encephalopathy", "cholestatic"),
        _child_pugh,
    ),
    "ALBI": _Spec("ALBI", ("bilirubin_umol_l", "albumin_g_l"), _albi),
}

_CHECKS: Final[Mapping[str, Callable[[object], _Checked]]] = {
    "bilirubin_umol_l": lambda v: _positive("bilirubin_umol_l", v),
    "creatinine_umol_l": lambda v: _positive("creatinine_umol_l", v),
    "inr": lambda v: _positive("inr", v),
    "sodium_mmol_l": lambda v: _positive("sodium_mmol_l", v),
    "albumin_g_l": lambda v: _positive("albumin_g_l", v),
    "female": lambda v: _flag("female", v),
    "dialysis": lambda v: _flag("dialysis", v),
    "ascites": _ascites,
    "encephalopathy": _encephalopathy,
    "cholestatic": lambda v: _flag("cholestatic", v),
}


def compute_all(
    *,
    bilirubin_umol_l: float | None = None,
    creatinine_umol_l: float | None = None,
    inr: float | None = None,
    sodium_mmol_l: float | None = None,
    albumin_g_l: float | None = None,
    female: bool | None = None,
    dialysis: bool = False,
    ascites: int | None = None,
    encephalopathy: int | None = None,
    cholestatic: bool = False,
) -> dict[str, ScoreResult]:
    """Every score the inputs allow, keyed by `SCORE_KEYS`; never raises on bad input.

    A score with a missing or invalid input gets ``value None``, text "—" and the names of
    those inputs (the keyword names above) in ``missing``. The numbers come from the same
    private formulas the public functions use.
    """
    raw: dict[str, object] = {
        "bilirubin_umol_l": bilirubin_umol_l,
        "creatinine_umol_l": creatinine_umol_l,
        "inr": inr,
        "sodium_mmol_l": sodium_mmol_l,
        "albumin_g_l": albumin_g_l,
        "female": female,
        "dialysis": dialysis,
        "ascites": ascites,
        "encephalopathy": encephalopathy,
        "cholestatic": cholestatic,
    }
    checked: dict[str, _Checked] = {}
    for name, check in _CHECKS.items():
        try:
            checked[name] = check(raw[name])
        except ScoreInputError:
            continue
    results: dict[str, ScoreResult] = {}
    for key, spec in _SPECS.items():
        missing = tuple(name for name in spec.inputs if name not in checked)
        if missing:
            results[key] = ScoreResult(spec.name, None, MISSING_TEXT, missing=missing)
            continue
        detail = spec.compute(*(checked[name] for name in spec.inputs))
        results[key] = ScoreResult(detail.name, detail.value, detail.text, detail.notes)
    return results
