"""The study dictionary: every form, field, code list and visit of crf-spec.md, defined once.

Forms, validation, the database check, exports and the codebook all read from here.
"""

from __future__ import annotations

from .codelists import CHOLESTATIC_DIAGNOSES
from .forms import (
    ADVERSE_EVENT,
    CONMED,
    CROSS_RULES,
    DISPOSITION,
    ENROLMENT,
    EXCLUSION,
    FORMS,
    INCLUSION,
    INFUSION,
    MEDICAL_HISTORY,
    VISIT_FORM,
    VISITS,
    VITAL_SIGNS,
)
from .model import (
    MISSING_LABELS,
    CodeItem,
    CodeList,
    Conventional,
    CrossRule,
    Field,
    FieldType,
    Form,
    Label,
    MissingCode,
    Range,
    VisitDef,
)

STUDY_TITLE = Label(
    "MSC transplantation in cirrhosis caused by autoimmune liver disease",
    "间充质干细胞移植治疗自身免疫性肝病所致肝硬化",
)
STUDY_CODE = "MSCT-AILD"

#: Lab fields whose trajectories the summary tables and charts follow.
EFFICACY_LABS = ("ALT", "AST", "TBIL", "ALB", "PT", "INR")
#: Derived scores followed alongside the labs.
EFFICACY_SCORES = ("MELD", "MELDNA", "MELD3")


def form(code: str) -> Form:
    """The form with this code (ENROL, MH, EX, VS, VIS, AE, CM, DS)."""
    try:
        return FORMS[code]
    except KeyError:
        raise KeyError(f"unknown form {code!r}; forms are {', '.join(FORMS)}") from None


def field(form_code: str, field_code: str) -> Field:
    return form(form_code).field(field_code)


def find_field(field_code: str) -> tuple[Form, Field]:
    """The form holding a field code (field codes are unique across the study)."""
    for f in FORMS.values():
        for fld in f.fields:
            if fld.code == field_code:
                return f, fld
    raise KeyError(f"unknown field {field_code!r}")


def visit_def(code: str) -> VisitDef:
    for v in VISITS:
        if v.code == code:
            return v
    raise KeyError(f"unknown visit {code!r}")


__all__ = [
    "ADVERSE_EVENT",
    "CHOLESTATIC_DIAGNOSES",
    "CONMED",
    "CROSS_RULES",
    "DISPOSITION",
    "EFFICACY_LABS",
    "EFFICACY_SCORES",
    "ENROLMENT",
    "EXCLUSION",
    "FORMS",
    "INCLUSION",
    "INFUSION",
    "MEDICAL_HISTORY",
    "MISSING_LABELS",
    "STUDY_CODE",
    "STUDY_TITLE",
    "VISITS",
    "VISIT_FORM",
    "VITAL_SIGNS",
    "CodeItem",
    "CodeList",
    "Conventional",
    "CrossRule",
    "Field",
    "FieldType",
    "Form",
    "Label",
    "MissingCode",
    "Range",
    "VisitDef",
    "field",
    "find_field",
    "form",
    "visit_def",
]
