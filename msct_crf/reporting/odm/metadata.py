"""The Study element: the dictionary as ODM 1.3.2 metadata.

One StudyEventDef per scheduled visit (and the events that hold enrolment, the infusions,
the logs and the end of study: :data:`.oids.EVENTS`), one FormDef and ItemGroupDef per form
(the vital signs are a repeating ItemGroupDef inside the infusion form, as they are
entered), one ItemDef per field with its unit, hard and soft range checks and code list,
and English and Chinese TranslatedText for every label. Nothing here reads the database.
"""

from __future__ import annotations

from msct_crf.study.dictionary import (
    FORMS,
    MISSING_LABELS,
    STUDY_CODE,
    STUDY_TITLE,
    CodeList,
    Field,
    FieldType,
    Label,
    Range,
)
from msct_crf.study.sites import with_sites

from . import oids
from .values import DATA_TYPES, FLOAT_DIGITS, length
from .xml import Element, sub, translated

#: The lifecycle of a record (msct_crf.workflow.records.STATUSES), as a code list.
STATUS_LABELS: dict[str, Label] = {
    "draft": Label("Draft", "草稿"),
    "complete": Label("Complete", "已完成"),
    "verified": Label("Source-verified", "已核查"),
    "signed": Label("Signed", "已签名"),
    "locked": Label("Locked", "已锁定"),
}

#: The item groups of each form: its own, and the vital signs inside the infusion form.
GROUPS_OF_FORM: dict[str, tuple[str, ...]] = {
    code: (code, "VS") if code == "EX" else (code,) for code in FORMS if code != "VS"
}
REPEATING_GROUPS = frozenset({"VS"})


def units() -> list[str]:
    """Every unit of the dictionary, sorted."""
    return sorted({f.unit for form in FORMS.values() for f in form.fields if f.unit})


def codelists(sites: CodeList | None = None) -> list[CodeList]:
    """Every code list of the dictionary, by name; the site list is `sites` (the study's
    registered sites) when given."""
    found = {
        f.codelist.name: f.codelist
        for form in FORMS.values()
        for f in (with_sites(g, sites) for g in form.fields)
        if f.codelist
    }
    return [found[name] for name in sorted(found)]


def _range_checks(parent: Element, f: Field, kind: str, bounds: Range) -> None:
    unit_label = f" {f.unit}" if f.unit else ""
    ends = (
        ("GT" if kind == "Hard" and f.exclusive_low else "GE", bounds.low),
        ("LE", bounds.high),
    )
    words = {"Hard": ("allowed range", "允许范围"), "Soft": ("expected range", "合理范围")}[kind]
    for comparator, value in ends:
        if value is None:
            continue
        check = sub(parent, "RangeCheck", Comparator=comparator, SoftHard=kind)
        sub(check, "CheckValue", f"{value:g}")
        if f.unit:
            sub(check, "MeasurementUnitRef", MeasurementUnitOID=oids.unit(f.unit))
        message = Label(
            f"{f.label.en} ({f.code}): {words[0]} {bounds.describe()}{unit_label}",
            f"{f.label.zh}（{f.code}）：{words[1]} {bounds.describe()}{unit_label}",
        )
        translated(check, "ErrorMessage", message)


def _item_def(parent: Element, f: Field) -> None:
    item = sub(
        parent,
        "ItemDef",
        OID=oids.item(f.code),
        Name=f.code,
        DataType=DATA_TYPES[f.type],
        Length=str(n) if (n := length(f)) is not None else None,
        SignificantDigits=str(FLOAT_DIGITS) if f.type is FieldType.FLOAT else None,
        SASFieldName=f.code[:8],
        Origin="Derived" if f.derived else "CRF",
    )
    translated(item, "Question", f.label)
    if f.unit:
        sub(item, "MeasurementUnitRef", MeasurementUnitOID=oids.unit(f.unit))
    for kind, bounds in (("Hard", f.hard), ("Soft", f.soft)):
        if bounds is not None:
            _range_checks(item, f, kind, bounds)
    if f.codelist is not None:
        sub(item, "CodeListRef", CodeListOID=oids.codelist(f.codelist.name))
    sub(item, "Alias", Context="CDASH", Name=f.code)


def _codelist(parent: Element, oid: str, name: str, items: list[tuple[str, Label]]) -> None:
    element = sub(parent, "CodeList", OID=oid, Name=name, DataType="text")
    for number, (code, label) in enumerate(items, start=1):
        entry = sub(element, "CodeListItem", CodedValue=code, OrderNumber=str(number))
        translated(entry, "Decode", label)


def _events(mdv: Element) -> None:
    protocol = sub(mdv, "Protocol")
    for number, ev in enumerate(oids.EVENTS, start=1):
        sub(
            protocol,
            "StudyEventRef",
            StudyEventOID=oids.event(ev.code),
            OrderNumber=str(number),
            Mandatory="Yes" if ev.code == "ENROL" else "No",
        )
    for ev in oids.EVENTS:
        element = sub(
            mdv,
            "StudyEventDef",
            OID=oids.event(ev.code),
            Name=ev.label.en,
            Repeating="Yes" if ev.repeating else "No",
            Type=ev.type,
        )
        translated(element, "Description", ev.label)
        for number, code in enumerate(ev.forms, start=1):
            mandatory = "Yes" if code in ("ENROL", "VIS") else "No"
            sub(
                element,
                "FormRef",
                FormOID=oids.form(code),
                OrderNumber=str(number),
                Mandatory=mandatory,
            )


def _forms_and_groups(mdv: Element) -> None:
    for code, groups in GROUPS_OF_FORM.items():
        form = FORMS[code]
        element = sub(
            mdv,
            "FormDef",
            OID=oids.form(code),
            Name=form.label.en,
            Repeating="Yes" if code in oids.REPEATING_FORMS else "No",
        )
        translated(element, "Description", form.label)
        for number, group in enumerate(groups, start=1):
            sub(
                element,
                "ItemGroupRef",
                ItemGroupOID=oids.group(group),
                OrderNumber=str(number),
                Mandatory="Yes" if group == code else "No",
            )
    for code, form in FORMS.items():
        element = sub(
            mdv,
            "ItemGroupDef",
            OID=oids.group(code),
            Name=form.label.en,
            Repeating="Yes" if code in REPEATING_GROUPS else "No",
            SASDatasetName=code,
        )
        translated(element, "Description", form.label)
        for number, f in enumerate(form.fields, start=1):
            sub(
                element,
                "ItemRef",
                ItemOID=oids.item(f.code),
                OrderNumber=str(number),
                Mandatory="Yes" if f.required else "No",
            )


def study_element(parent: Element, sites: CodeList | None = None) -> Element:
    """The Study: global variables, the units, and the one MetaDataVersion."""
    study = sub(parent, "Study", OID=oids.STUDY_OID)
    variables = sub(study, "GlobalVariables")
    sub(variables, "StudyName", STUDY_CODE)
    sub(variables, "StudyDescription", f"{STUDY_TITLE.en} / {STUDY_TITLE.zh}")
    sub(variables, "ProtocolName", STUDY_CODE)
    basic = sub(study, "BasicDefinitions")
    for symbol in units():
        measurement = sub(basic, "MeasurementUnit", OID=oids.unit(symbol), Name=symbol)
        translated(measurement, "Symbol", Label(symbol, symbol))
    mdv = sub(
        study,
        "MetaDataVersion",
        OID=oids.MDV_OID,
        Name=f"{STUDY_CODE} data dictionary",
        Description="Derived from the MSC-CRF study dictionary (crf-spec.md)",
    )
    _events(mdv)
    _forms_and_groups(mdv)
    for form in FORMS.values():
        for f in form.fields:
            _item_def(mdv, with_sites(f, sites))
    for cl in codelists(sites):
        _codelist(mdv, oids.codelist(cl.name), cl.name, [(i.code, i.label) for i in cl.items])
    missing = [(code.value, Label(*labels)) for code, labels in MISSING_LABELS.items()]
    _codelist(mdv, oids.MISSING_CODELIST, "Missing-data codes", missing)
    _codelist(mdv, oids.STATUS_CODELIST, "Record status", list(STATUS_LABELS.items()))
    return study
