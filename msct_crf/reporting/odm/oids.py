"""The OIDs of the ODM file, made in one place so a definition and its references agree.

Every OID is a prefix naming its kind and a code from the dictionary or the database:
``SE.M6`` (a study event), ``FM.VIS`` (a form), ``IG.VS`` (an item group), ``IT.TBIL`` (an
item), ``CL.AEOUT`` (a code list), ``MU.`` + the unit (a measurement unit), ``USR.`` + the
login name, ``LOC.`` + the site code, ``SD.1`` (a signature meaning). The prefixes keep the
OIDs unique across the whole document, which odmlib's reference checker requires. Characters
other than ASCII letters and digits in a unit or a user name are written as ``_`` and their
hexadecimal code point (``%`` -> ``_25``), so two different names never share an OID.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from msct_crf.study.dictionary import STUDY_CODE, VISITS, Label

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

STUDY_OID = f"ST.{STUDY_CODE}"
MDV_OID = f"MDV.{STUDY_CODE}.1"
MISSING_CODELIST = "CL.MISSING"
STATUS_CODELIST = "CL.STATUS"


@cache
def safe(text: str) -> str:
    """`text` with everything but ASCII letters and digits escaped as ``_XX``."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):X}" for c in text)


def event(code: str) -> str:
    return f"SE.{code}"


def form(code: str) -> str:
    return f"FM.{code}"


def group(code: str) -> str:
    return f"IG.{code}"


def item(code: str) -> str:
    return f"IT.{code}"


def codelist(name: str) -> str:
    return f"CL.{name}"


def unit(symbol: str) -> str:
    return f"MU.{safe(symbol)}"


def user(login: str) -> str:
    return f"USR.{safe(login)}"


def location(site: str) -> str:
    return f"LOC.{safe(site)}"


def signature_def(number: int) -> str:
    return f"SD.{number}"


@dataclass(frozen=True)
class EventDef:
    """One StudyEventDef: the dictionary's visits, plus the events that hold the forms a
    visit does not (enrolment, the infusions, the logs, the end of the study)."""

    code: str
    label: Label
    forms: tuple[str, ...]
    repeating: bool = False
    type: str = "Scheduled"


EVENTS: tuple[EventDef, ...] = (
    EventDef("ENROL", Label("Enrolment", "入组"), ("ENROL", "MH")),
    *(EventDef(v.code, v.label, ("VIS",)) for v in VISITS),
    EventDef("TREATMENT", Label("MSC infusions", "干细胞输注"), ("EX",)),
    EventDef(
        "UNSCHED",
        Label("Unscheduled visit", "计划外访视"),
        ("VIS",),
        repeating=True,
        type="Unscheduled",
    ),
    EventDef(
        "LOGS",
        Label("Adverse events and medications", "不良事件和合并用药"),
        ("AE", "CM"),
        type="Common",
    ),
    EventDef("END", Label("End of study", "研究结束"), ("DS",), type="Common"),
)

#: The event holding each form's records (the visit form: its VISIT value decides).
EVENT_OF_FORM: dict[str, str] = {
    "ENROL": "ENROL",
    "MH": "ENROL",
    "EX": "TREATMENT",
    "VS": "TREATMENT",
    "AE": "LOGS",
    "CM": "LOGS",
    "DS": "END",
}

#: Forms whose records are repeating FormData (FormRepeatKey = the record's id).
REPEATING_FORMS = frozenset({"MH", "EX", "AE", "CM"})

SCHEDULED_VISITS = frozenset(v.code for v in VISITS)


def visit_event(visit_code: object) -> str:
    """The event of a visit record: its scheduled visit, or the unscheduled one."""
    return str(visit_code) if visit_code in SCHEDULED_VISITS else "UNSCHED"
