"""SI <-> conventional unit conversions: the factors, defined once, and the conversion.

Chinese laboratories report SI units, which the database stores; a value typed in the
conventional unit (e.g. bilirubin in mg/dL) is converted on entry. The factors are those of
DESIGN.md "Scores": bilirubin µmol/L / 17.1 = mg/dL; creatinine µmol/L / 88.4 = mg/dL;
albumin and haemoglobin g/L / 10 = g/dL.

Each factor is written here once, as a Decimal, because the scores compute in Decimal and
must meet their thresholds exactly (34.2 µmol/L is 2 mg/dL, not 1.9999999). The dictionary
gives each lab field its conventional unit from these constants (as the float
``Conventional.factor``, ``float(Decimal("17.1")) == 17.1``), and everything else — entry,
display, export, codebook — converts through that field's `Conventional`, so no other
module holds a factor or does the arithmetic.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # from model, not the package: the dictionary's forms import this module
    from msct_crf.study.dictionary.model import Field, N

#: µmol/L of bilirubin in 1 mg/dL.
BILIRUBIN_UMOL_L_PER_MG_DL: Final = Decimal("17.1")
#: µmol/L of creatinine in 1 mg/dL.
CREATININE_UMOL_L_PER_MG_DL: Final = Decimal("88.4")
#: g/L in 1 g/dL (albumin, haemoglobin).
G_L_PER_G_DL: Final = Decimal(10)


class UnitSystem(enum.StrEnum):
    SI = "si"
    CONVENTIONAL = "conventional"


def unit_of(field: Field, system: UnitSystem = UnitSystem.SI) -> str | None:
    """The unit a field is shown in under `system` (its SI unit when it has no other)."""
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.unit
    return field.unit


def converts(field: Field, system: UnitSystem) -> bool:
    """Whether `field`'s values differ between SI and `system`."""
    return system is UnitSystem.CONVENTIONAL and field.conventional is not None


def to_si(field: Field, value: N, system: UnitSystem = UnitSystem.SI) -> N:
    """A value (or column of values) typed in `system` as the SI value the database stores."""
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.to_si(value)
    return value


def from_si(field: Field, value: N, system: UnitSystem = UnitSystem.SI) -> N:
    """A stored SI value (or column of values) in the unit `system` shows it in."""
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.from_si(value)
    return value


def bilirubin_mg_dl(umol_l: float) -> float:
    return umol_l / float(BILIRUBIN_UMOL_L_PER_MG_DL)


def creatinine_mg_dl(umol_l: float) -> float:
    return umol_l / float(CREATININE_UMOL_L_PER_MG_DL)


def albumin_g_dl(g_l: float) -> float:
    return g_l / float(G_L_PER_G_DL)
