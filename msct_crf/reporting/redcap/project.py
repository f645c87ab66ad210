"""The REDCap project the bundle describes, from the study dictionary alone.

REDCap's rules these names follow (REDCap's data dictionary and Data Import Tool help;
PyCap's and REDCapR's import methods for the arms, events, mapping and repeating
instruments files):

* variable and instrument names are lowercase letters, digits and underscores and start with
  a letter; the first field of the first instrument is the record ID. Each variable is the
  dictionary's field code in lowercase (``TBIL`` -> ``tbil``), the record ID is ``subjid``.
* a multiple-choice field's raw codes are letters, digits and underscores: a code with any
  other character has it replaced by ``_`` (``UC-MSC`` -> ``UC_MSC``); Y/N fields are
  REDCap ``yesno`` fields, whose codes are ``1`` (yes) and ``0`` (no).
* a longitudinal project's unique event name is the event name in lowercase, spaces as
  underscores, at most 18 characters, then ``_arm_<n>`` (``Month 1`` -> ``month_1_arm_1``);
  the event names below are short enough that REDCap derives exactly these names.
* ``<instrument>_complete`` is 0 Incomplete, 1 Unverified, 2 Complete (:data:`FORM_STATUS`).

Vital signs are one row per infusion and timepoint in MSC-CRF, a repeating form inside a
repeating form, which REDCap cannot hold: the bundle flattens them into one ``vital_signs``
instance per infusion (same instance number as its infusion), one variable per measurement
and timepoint (``temp_pre``, ``pulse_15min``, ..., ``spo2_24h``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from msct_crf.study.dictionary import FORMS, VISITS, Field, FieldType, Form, MissingCode

#: The bundle's files, in upload order (step 1, the four files of step 2, step 3, README).
DICTIONARY_FILE = "1_data_dictionary.csv"
ARMS_FILE = "2a_arms.csv"
EVENTS_FILE = "2b_events.csv"
MAPPING_FILE = "2c_instrument_event_mapping.csv"
REPEATING_FILE = "2d_repeating_instruments.csv"
RECORDS_FILE = "3_records.csv"
README_FILE = "README.txt"
BUNDLE_FILES: tuple[str, ...] = (
    DICTIONARY_FILE,
    ARMS_FILE,
    EVENTS_FILE,
    MAPPING_FILE,
    REPEATING_FILE,
    RECORDS_FILE,
    README_FILE,
)

#: The 18 standard columns of a REDCap data dictionary, in REDCap's order.
REDCAP_COLUMNS: tuple[str, ...] = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)

#: The columns REDCap itself adds before the fields of a longitudinal project's records.
SYSTEM_COLUMNS: tuple[str, ...] = (
    "redcap_event_name",
    "redcap_repeat_instrument",
    "redcap_repeat_instance",
)

RECORD_ID = "subjid"

#: MSC-CRF form status -> REDCap's <instrument>_complete: a draft is Incomplete, a form
#: marked complete is Unverified, one a monitor verified (or a PI signed or locked) Complete.
FORM_STATUS: dict[str, int] = {"draft": 0, "complete": 1, "verified": 2, "signed": 2, "locked": 2}

#: Fields marked "Identifier?" in the dictionary: initials, date of birth and whatever the
#: study dictionary marks identifying (the hospital record number).
IDENTIFIER_CODES = frozenset(
    {"INITIALS", "BRTHDTC"}
    | {f.code for form in FORMS.values() for f in form.fields if f.identifying}
)

#: REDCap's project-level missing data codes, as typed into Project Setup.
MISSING_DATA_CODES = " | ".join(
    f"{code.value}, {label}"
    for code, label in (
        (MissingCode.ND, "Not done"),
        (MissingCode.UNK, "Unknown"),
        (MissingCode.NA, "Not applicable"),
    )
)

#: Instruments in dictionary order (REDCap keeps a form's fields together).
FORM_SEQUENCE: tuple[str, ...] = ("ENROL", "MH", "EX", "VS", "VIS", "AE", "CM", "DS")


def instrument(form_code: str) -> str:
    """The REDCap instrument name of a form: its English label, lowercase, underscored."""
    return re.sub(r"[^a-z0-9]+", "_", FORMS[form_code].label.en.lower()).strip("_")


def variable(f: Field) -> str:
    return f.code.lower()


def choice_code(code: str) -> str:
    """A code-list code as a REDCap raw choice value (letters, digits, underscores)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", code)


def is_yesno(f: Field) -> bool:
    return f.type is FieldType.CODE and f.codelist is not None and f.codelist.name == "YN"


def redcap_code(f: Field, code: str) -> str:
    """The raw value REDCap stores for `code` of `f` (yesno: 1/0)."""
    if is_yesno(f):
        return "1" if code == "Y" else "0"
    return choice_code(code)


def number_text(value: float, *, integer: bool = False) -> str:
    """A number as REDCap's ``integer`` / ``number`` validation reads it: no exponent, at
    most 10 significant digits (a converted value's float noise such as 1.2000000000000002
    goes), no trailing zeros."""
    if integer:
        return str(round(value))
    text = f"{value:.10g}"  # already without trailing zeros
    if "e" in text:  # very small or large: written out in full
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------- vital signs


def vs_timepoints() -> tuple[str, ...]:
    codelist = FORMS["VS"].field("VSTPT").codelist
    assert codelist is not None
    return codelist.codes


def vs_measurements() -> tuple[Field, ...]:
    return tuple(f for f in FORMS["VS"].fields if f.code != "VSTPT")


def vs_variable(f: Field, timepoint: str) -> str:
    """``temp_pre``, ``pulse_15min``: one variable per measurement and timepoint."""
    return f"{variable(f)}_{timepoint.lower()}"


@dataclass(frozen=True)
class Variable:
    """One variable of the REDCap project: the dictionary field it holds and, for the
    flattened vital signs, the timepoint."""

    name: str
    form: str
    field: Field
    timepoint: str | None = None


def form_variables(form: Form) -> list[Variable]:
    """A form's variables in dictionary order (the flattened ones for vital signs)."""
    if form.code == "VS":
        return [
            Variable(vs_variable(f, tp), "VS", f, tp)
            for tp in vs_timepoints()
            for f in vs_measurements()
        ]
    return [Variable(variable(f), form.code, f) for f in form.fields]


def all_variables() -> list[Variable]:
    return [v for code in FORM_SEQUENCE for v in form_variables(FORMS[code])]


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    """One event of arm 1: its instruments, and those that repeat within it."""

    name: str
    day_offset: int
    offset_min: int
    offset_max: int
    forms: tuple[str, ...] = ()
    repeating: tuple[str, ...] = ()
    visit: str | None = None  # the scheduled visit code this event holds

    @property
    def unique_name(self) -> str:
        base = re.sub(r"[^a-z0-9_]", "", self.name.lower().replace(" ", "_"))[:18]
        return f"{base.rstrip('_')}_arm_{ARM_NUMBER}"

    @property
    def all_forms(self) -> tuple[str, ...]:
        return self.forms + self.repeating


ARM_NUMBER = 1
ARM_NAME = "Study"


def _events() -> tuple[Event, ...]:
    """Baseline (enrolment, its visit, the medical history), the infusions with their
    vital signs, one event per scheduled follow-up visit, unscheduled visits, the
    adverse-event and medication logs, and the end of study. The last three have no
    target day: their day offsets only keep REDCap's order (events sort by day offset)."""
    baseline, *follow_up = VISITS
    scheduled = [
        Event(
            v.label.en,
            v.target_day,
            v.window_before,
            v.window_after,
            forms=("VIS",),
            visit=v.code,
        )
        for v in follow_up
    ]
    last = follow_up[-1].target_day
    return (
        Event(
            "Baseline",
            baseline.target_day,
            baseline.window_before,
            baseline.window_after,
            forms=("ENROL", "VIS"),
            repeating=("MH",),
            visit=baseline.code,
        ),
        Event("Infusions", 0, 0, 0, repeating=("EX", "VS")),
        *scheduled,
        Event("Unscheduled", last + 1, 0, 0, repeating=("VIS",)),
        Event("Logs", last + 2, 0, 0, repeating=("AE", "CM")),
        Event("End of study", last + 3, 0, 0, forms=("DS",)),
    )


EVENTS: tuple[Event, ...] = _events()

#: The event holding each scheduled visit code; every other visit goes to Unscheduled.
VISIT_EVENT: dict[str, Event] = {e.visit: e for e in EVENTS if e.visit is not None}
UNSCHEDULED = next(e for e in EVENTS if e.name == "Unscheduled")


def event_for_form(form_code: str) -> Event:
    """The one event a form other than the visit belongs to."""
    return next(e for e in EVENTS if form_code in e.all_forms)


def arms_rows() -> list[list[str]]:
    return [["arm_num", "name"], [str(ARM_NUMBER), ARM_NAME]]


def events_rows() -> list[list[str]]:
    header = [
        "event_name",
        "arm_num",
        "day_offset",
        "offset_min",
        "offset_max",
        "unique_event_name",
        "custom_event_label",
    ]
    return [header] + [
        [
            e.name,
            str(ARM_NUMBER),
            str(e.day_offset),
            str(e.offset_min),
            str(e.offset_max),
            e.unique_name,
            "",
        ]
        for e in EVENTS
    ]


def mapping_rows() -> list[list[str]]:
    """REDCap's instrument designation: which instrument is collected at which event."""
    rows = [["arm_num", "unique_event_name", "form"]]
    for e in EVENTS:
        for code in FORM_SEQUENCE:
            if code in e.all_forms:
                rows.append([str(ARM_NUMBER), e.unique_name, instrument(code)])
    return rows


def repeating_rows() -> list[list[str]]:
    """The repeating instruments of each event (REDCap's repeating instruments file)."""
    rows = [["event_name", "form_name", "custom_form_label"]]
    labels = {
        "EX": "[exnum]",
        "VIS": "[visdtc]",
        "AE": "[aeterm]",
        "CM": "[cmtrt]",
        "MH": "[mhterm]",
    }
    for e in EVENTS:
        for code in e.repeating:
            rows.append([e.unique_name, instrument(code), labels.get(code, "")])
    return rows
