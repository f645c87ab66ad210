"""Is an ODM file right? The official XSD, the OID references, the values, the consumers.

* :func:`xsd_errors`: the file against the CDISC ODM 1.3.2 schema that odmlib ships
  (``odmlib/schemas/odm/1.3.2/ODM1-3-2.xsd``, with its xml, xlink and xmldsig imports), with
  lxml.
* :func:`reference_errors`: every OID reference names a definition of the right kind
  (ItemOID an ItemDef, SignatureOID a SignatureDef, ...), and the data follow the metadata:
  an ItemData's item belongs to its ItemGroupDef, an ItemGroupData's group to its FormDef, a
  FormData's form to its StudyEventDef.
* :func:`value_errors`: every ItemData Value fits its ItemDef: the data type, Length,
  SignificantDigits and the code list. (The XSD types Value as any string.)
* :func:`consumer_errors`: what independent consumers need and the XSD leaves optional:
  every Signature has an ID, every User a FirstName and a LastName, every SubjectData a
  SiteRef, every ItemData an AuditRecord.

:func:`odm_errors` runs all four; the export runs it on the file before it is published.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from .oids import ODM_NS

NS = {"odm": ODM_NS}

#: Reference attribute -> the element that defines it.
REFERENCES: dict[str, str] = {
    "StudyOID": "Study",
    "MetaDataVersionOID": "MetaDataVersion",
    "StudyEventOID": "StudyEventDef",
    "FormOID": "FormDef",
    "ItemGroupOID": "ItemGroupDef",
    "ItemOID": "ItemDef",
    "CodeListOID": "CodeList",
    "MeasurementUnitOID": "MeasurementUnit",
    "UserOID": "User",
    "LocationOID": "Location",
    "SignatureOID": "SignatureDef",
    "MethodOID": "MethodDef",
    "CollectionExceptionConditionOID": "ConditionDef",
}


def schema_path() -> Path:
    """The ODM 1.3.2 XSD inside the installed odmlib."""
    return Path(str(resources.files("odmlib"))) / "schemas" / "odm" / "1.3.2" / "ODM1-3-2.xsd"


@cache
def _schema() -> Any:
    return etree.XMLSchema(etree.parse(str(schema_path())))


def _parse(document: Path | Any) -> Any:
    if isinstance(document, Path | str):
        return etree.parse(str(document), etree.XMLParser(resolve_entities=False, no_network=True))
    return document


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def xsd_errors(document: Path | Any) -> list[str]:
    schema = _schema()
    if schema.validate(_parse(document)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _definitions(tree: Any) -> dict[str, dict[str, Any]]:
    """Defining element name -> OID -> the element."""
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for element in tree.iter(f"{{{ODM_NS}}}*"):
        oid = element.get("OID")
        if oid is not None:
            found[_local(element)][oid] = element
    return found


def _children_refs(definition: Any, ref: str, attr: str) -> set[str]:
    return {str(r.get(attr)) for r in definition.findall(f"odm:{ref}", NS)}


def _structure_errors(tree: Any, defs: dict[str, dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    checks = (
        ("StudyEventData", "StudyEventOID", "FormData", "FormOID", "StudyEventDef", "FormRef"),
        ("FormData", "FormOID", "ItemGroupData", "ItemGroupOID", "FormDef", "ItemGroupRef"),
        ("ItemGroupData", "ItemGroupOID", "ItemData", "ItemOID", "ItemGroupDef", "ItemRef"),
    )
    for outer, outer_attr, inner, inner_attr, definition, ref in checks:
        allowed = {
            oid: _children_refs(element, ref, inner_attr)
            for oid, element in defs.get(definition, {}).items()
        }
        for element in tree.iter(f"{{{ODM_NS}}}{outer}"):
            owner = str(element.get(outer_attr))
            for child in element.findall(f"odm:{inner}", NS):
                if child.get(inner_attr) not in allowed.get(owner, set()):
                    errors.append(
                        f"line {child.sourceline}: {inner} {child.get(inner_attr)} is not "
                        f"part of {definition} {owner}"
                    )
    return errors


def reference_errors(document: Path | Any) -> list[str]:
    tree = _parse(document)
    defs = _definitions(tree)
    errors: list[str] = []
    for element in tree.iter(f"{{{ODM_NS}}}*"):
        for attr, kind in REFERENCES.items():
            value = element.get(attr)
            if value is not None and value not in defs.get(kind, {}):
                errors.append(
                    f"line {element.sourceline}: {_local(element)} {attr}={value!r} names no {kind}"
                )
    duplicates = [
        oid
        for kind in defs.values()
        for oid in kind
        if sum(oid in other for other in defs.values()) > 1
    ]
    errors += [
        f"OID {oid!r} is defined by more than one kind of element"
        for oid in sorted(set(duplicates))
    ]
    return errors + _structure_errors(tree, defs)


_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")


def _fits(value: str, item: Any, codes: set[str] | None) -> str | None:
    """Why `value` does not fit `item` (an ItemDef), or None."""
    data_type, length = item.get("DataType"), item.get("Length")
    digits = item.get("SignificantDigits")
    if codes is not None and value not in codes:
        return f"{value!r} is not in its code list"
    if data_type == "integer" and not _INTEGER.match(value):
        return f"{value!r} is not an integer"
    if data_type == "float":
        match = _FLOAT.match(value)
        if not match:
            return f"{value!r} is not a decimal number"
        if digits is not None and len(match.group(2) or "") > int(digits):
            return f"{value!r} has more than {digits} decimals"
    if data_type == "date" and not _DATE.match(value):
        return f"{value!r} is not a date YYYY-MM-DD"
    if data_type == "partialDate" and not _PARTIAL.match(value):
        return f"{value!r} is not a partial date"
    if data_type == "datetime" and not _DATETIME.match(value):
        return f"{value!r} is not a date-time"
    if length is not None and data_type in ("text", "integer", "float"):
        size = len(value.lstrip("+-").replace(".", "")) if data_type != "text" else len(value)
        if size > int(length):
            return f"{value!r} is longer than {length}"
    return None


def value_errors(document: Path | Any) -> list[str]:
    tree = _parse(document)
    defs = _definitions(tree)
    items, lists = defs.get("ItemDef", {}), defs.get("CodeList", {})
    errors: list[str] = []
    for data in tree.iter(f"{{{ODM_NS}}}ItemData"):
        value, oid = data.get("Value"), data.get("ItemOID")
        item = items.get(oid)
        if value is None or item is None:
            continue
        ref = item.find("odm:CodeListRef", NS)
        codes = None
        if ref is not None and ref.get("CodeListOID") in lists:
            codes = {
                str(c.get("CodedValue"))
                for c in lists[ref.get("CodeListOID")].findall("odm:CodeListItem", NS)
            }
        problem = _fits(value, item, codes)
        if problem:
            errors.append(f"line {data.sourceline}: {oid}: {problem}")
    return errors


def consumer_errors(document: Path | Any) -> list[str]:
    tree = _parse(document)
    errors: list[str] = []
    for element in tree.iter(f"{{{ODM_NS}}}Signature"):
        if not element.get("ID"):
            errors.append(f"line {element.sourceline}: Signature without an ID")
    for element in tree.iter(f"{{{ODM_NS}}}User"):
        for name in ("FirstName", "LastName"):
            if not (element.findtext(f"odm:{name}", namespaces=NS) or "").strip():
                errors.append(f"line {element.sourceline}: User {element.get('OID')} has no {name}")
    for element in tree.iter(f"{{{ODM_NS}}}SubjectData"):
        if element.find("odm:SiteRef", NS) is None:
            errors.append(
                f"line {element.sourceline}: SubjectData {element.get('SubjectKey')} has no SiteRef"
            )
    for element in tree.iter(f"{{{ODM_NS}}}ItemData"):
        if element.find("odm:AuditRecord", NS) is None:
            errors.append(
                f"line {element.sourceline}: ItemData {element.get('ItemOID')} has no AuditRecord"
            )
    return errors


def odm_errors(document: Path | Any) -> list[str]:
    """Every problem of the four checks, XSD first (an empty list: the file is right)."""
    tree = _parse(document)
    return xsd_errors(tree) + reference_errors(tree) + value_errors(tree) + consumer_errors(tree)
