"""SI <-> conventional unit conversions, read from the dictionary.

Chinese laboratories report SI units, which the database stores; a value typed in the
conventional unit (e.g. bilirubin in mg/dL) is converted on entry. Factors (DESIGN.md):
bilirubin µmol/L / 17.1 = mg/dL; creatinine µmol/L / 88.4 = mg/dL; albumin and haemoglobin
g/L / 10 = g/dL.
"""

from __future__ import annotations

import enum

from msct_crf.study.dictionary import Field


class UnitSystem(enum.StrEnum):
    SI = "si"
    CONVENTIONAL = "conventional"


def unit_of(field: Field, system: UnitSystem = UnitSystem.SI) -> str | None:
    """The unit a field is shown in under `system` (its SI unit when it has no other)."""
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.unit
    return field.unit


def to_si(field: Field, value: float, system: UnitSystem = UnitSystem.SI) -> float:
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.to_si(value)
    return value


def from_si(field: Field, value: float, system: UnitSystem = UnitSystem.SI) -> float:
    if system is UnitSystem.CONVENTIONAL and field.conventional is not None:
        return field.conventional.from_si(value)
    return value


def bilirubin_mg_dl(umol_l: float) -> float:
    return umol_l / 17.1


def creatinine_mg_dl(umol_l: float) -> float:
    return umol_l / 88.4


def albumin_g_dl(g_l: float) -> float:
    return g_l / 10.0
