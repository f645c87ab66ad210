"""The building blocks of the study dictionary: code lists, fields, forms, visits.

Everything the app knows about a field (type, unit, ranges, code list, labels) lives in one
`Field`; forms, validation, the database check, exports and the codebook all read it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol, Self, TypeVar


class FieldType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"
    DATE = "date"
    PARTIAL_DATE = "partial_date"  # YYYY, YYYY-MM or YYYY-MM-DD
    DATETIME = "datetime"
    CODE = "code"  # one value of a code list


class MissingCode(enum.StrEnum):
    """Why a field holds no value. A blank is not a value."""

    ND = "ND"
    UNK = "UNK"
    NA = "NA"


MISSING_LABELS: dict[MissingCode, tuple[str, str]] = {
    MissingCode.ND: ("not done", "未检测"),
    MissingCode.UNK: ("unknown", "不详"),
    MissingCode.NA: ("not applicable", "不适用"),
}


@dataclass(frozen=True)
class Label:
    en: str
    zh: str

    def get(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


@dataclass(frozen=True)
class CodeItem:
    code: str
    label: Label


@dataclass(frozen=True)
class CodeList:
    name: str
    items: tuple[CodeItem, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def label(self, code: str, language: str = "en") -> str:
        for item in self.items:
            if item.code == code:
                return item.label.get(language)
        return code


@dataclass(frozen=True)
class Range:
    """A closed interval; either end may be open-ended (None)."""

    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        if self.low is not None and value < self.low:
            return False
        return not (self.high is not None and value > self.high)

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low:g}-{self.high:g}"
        if self.low is not None:
            return f">= {self.low:g}"
        if self.high is not None:
            return f"<= {self.high:g}"
        return "any"


class Scalable(Protocol):
    """A number, or a column of numbers (a pandas Series converts as a whole)."""

    def __mul__(self, other: float, /) -> Self: ...

    def __truediv__(self, other: float, /) -> Self: ...


N = TypeVar("N", bound=Scalable)


@dataclass(frozen=True)
class Conventional:
    """A conventional (non-SI) unit: conventional value = SI value / factor.

    The one place the conversion is done; the factors themselves are the constants of
    msct_crf.study.units.
    """

    unit: str
    factor: float

    def to_si(self, value: N) -> N:
        return value * self.factor

    def from_si(self, value: N) -> N:
        return value / self.factor


@dataclass(frozen=True)
class Field:
    code: str
    label: Label
    type: FieldType
    unit: str | None = None
    conventional: Conventional | None = None
    hard: Range | None = None
    soft: Range | None = None
    codelist: CodeList | None = None
    required: bool = False
    derived: bool = False
    identifying: bool = False
    max_length: int = 200
    decimals: int | None = None  # display precision for numbers
    exclusive_low: bool = False  # hard range excludes its low end (e.g. total cells > 0)

    @property
    def is_numeric(self) -> bool:
        return self.type in (FieldType.INTEGER, FieldType.FLOAT)

    @property
    def column(self) -> str:
        """The database column that stores this field."""
        return self.code.lower()


@dataclass(frozen=True)
class Form:
    code: str
    table: str
    label: Label
    fields: tuple[Field, ...]
    repeating: bool
    parent: str | None = None  # code of the form this one belongs to (vital signs -> infusion)
    rules: tuple[str, ...] = field(default=())  # codes of the cross-field rules that apply

    def field(self, code: str) -> Field:
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(f"{self.code} has no field {code}")

    @property
    def entry_fields(self) -> tuple[Field, ...]:
        """Fields the user types (not derived)."""
        return tuple(f for f in self.fields if not f.derived)


@dataclass(frozen=True)
class CrossRule:
    """A rule over several fields; its logic lives in msct_crf.study.validation."""

    code: str
    form: str
    fields: tuple[str, ...]
    label: Label
    severity: str = "error"  # "error" refuses the save, "warning" asks for confirmation


@dataclass(frozen=True)
class VisitDef:
    """A scheduled visit: target day after day 0 (start of the first infusion) and its window."""

    code: str
    label: Label
    target_day: int
    window_before: int
    window_after: int
    month: int | None  # months after day 0; None for unscheduled

    @property
    def first_day(self) -> int:
        return self.target_day - self.window_before

    @property
    def last_day(self) -> int:
        return self.target_day + self.window_after
