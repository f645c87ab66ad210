"""Is an ODM file right? The official XSD, the OID references, the values, the consumers.

* **xsd**: the file against the CDISC ODM 1.3.2 schema that odmlib ships
  (``odmlib/schemas/odm/1.3.2/ODM1-3-2.xsd``, with its xml, xlink and xmldsig imports), with
  lxml.
* **reference**: every OID reference names a definition of the right kind (ItemOID an
  ItemDef, SignatureOID a SignatureDef, ...), no OID is defined twice, and the data follow
  the metadata: an ItemData's item belongs to its ItemGroupDef, an ItemGroupData's group to
  its FormDef, a FormData's form to its StudyEventDef.
* **value**: every ItemData Value fits its ItemDef: the data type, Length,
  SignificantDigits and the code list. (The XSD types Value as any string.)
* **consumer**: what independent consumers need and the XSD leaves optional: every
  Signature has an ID, every User a FirstName and a LastName, every SubjectData a SiteRef,
  every ItemData an AuditRecord.

A file is checked in one streaming pass (lxml's ``iterparse`` validating against the schema
as it reads, each SubjectData dropped once checked), so a file of any size needs the memory
of one subject. :func:`odm_errors` gives every problem; the export runs it on the file
before it is published.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from .oids import ODM_NS

NS = {"odm": ODM_NS}
_PREFIX = f"{{{ODM_NS}}}"

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

#: Data element -> (its reference attribute, its children's element and attribute, the
#: definition and the reference element that list which children may appear).
_STRUCTURE: dict[str, tuple[str, str, str, str]] = {
    "StudyEventData": ("StudyEventOID", "FormData", "FormOID", "FormRef"),
    "FormData": ("FormOID", "ItemGroupData", "ItemGroupOID", "ItemGroupRef"),
    "ItemGroupData": ("ItemGroupOID", "ItemData", "ItemOID", "ItemRef"),
}
_CHILD_REFS = {"StudyEventDef": "FormRef", "FormDef": "ItemGroupRef", "ItemGroupDef": "ItemRef"}


def schema_path() -> Path:
    """The ODM 1.3.2 XSD inside the installed odmlib."""
    return Path(str(resources.files("odmlib"))) / "schemas" / "odm" / "1.3.2" / "ODM1-3-2.xsd"


@cache
def _schema() -> Any:
    return etree.XMLSchema(etree.parse(str(schema_path())))


_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
_PATTERNS = {
    "date": (_DATE, "a date YYYY-MM-DD"),
    "partialDate": (_PARTIAL, "a partial date"),
    "datetime": (_DATETIME, "a date-time"),
    "integer": (_INTEGER, "an integer"),
}


@dataclass(frozen=True)
class ItemInfo:
    """What a value must fit: an ItemDef's DataType, Length, SignificantDigits, code list."""

    data_type: str
    length: int | None
    digits: int | None
    codelist: str | None


def _fits(value: str, item: Any, codes: set[str] | None) -> str | None:
    """Why `value` does not fit `item` (an ItemDef element or its ItemInfo), or None."""
    info = item if isinstance(item, ItemInfo) else _item_info(item)
    if codes is not None and value not in codes:
        return f"{value!r} is not in its code list"
    if info.data_type in _PATTERNS:
        pattern, words = _PATTERNS[info.data_type]
        if not pattern.match(value):
            return f"{value!r} is not {words}"
    if info.data_type == "float":
        match = _FLOAT.match(value)
        if not match:
            return f"{value!r} is not a decimal number"
        if info.digits is not None and len(match.group(2) or "") > info.digits:
            return f"{value!r} has more than {info.digits} decimals"
    if info.length is not None and info.data_type in ("text", "integer", "float"):
        size = len(value) if info.data_type == "text" else len(value.lstrip("+-").replace(".", ""))
        if size > info.length:
            return f"{value!r} is longer than {info.length}"
    return None


def _item_info(element: Any) -> ItemInfo:
    ref = element.find("odm:CodeListRef", NS)
    length, digits = element.get("Length"), element.get("SignificantDigits")
    return ItemInfo(
        data_type=str(element.get("DataType")),
        length=int(length) if length else None,
        digits=int(digits) if digits else None,
        codelist=ref.get("CodeListOID") if ref is not None else None,
    )


@dataclass
class _Checker:
    """The checks, fed one finished element at a time (children before their parent)."""

    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    defined: dict[str, str] = field(default_factory=dict)  # OID -> defining element
    children: dict[str, set[str]] = field(default_factory=dict)  # def OID -> allowed children
    items: dict[str, ItemInfo] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    pending: list[tuple[int, str, str, str]] = field(default_factory=list)

    def add(self, kind: str, line: int | None, text: str) -> None:
        self.errors[kind].append(f"line {line}: {text}" if line else text)

    def element(self, element: Any, name: str) -> None:
        oid = element.get("OID")
        if oid is not None:
            self._definition(element, name, oid)
        for attr, value in element.items():
            kind = REFERENCES.get(attr)
            if kind is not None and self.defined.get(value) != kind:
                self.pending.append((element.sourceline, name, attr, value))
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, element)
        if name in _STRUCTURE:
            self._structure(element, name)

    def _definition(self, element: Any, name: str, oid: str) -> None:
        if oid in self.defined:
            self.add("reference", element.sourceline, f"OID {oid!r} is defined twice")
        self.defined[oid] = name
        if name in _CHILD_REFS:
            ref, attr = _CHILD_REFS[name], _STRUCTURE_ATTR[name]
            self.children[oid] = {str(r.get(attr)) for r in element.findall(f"odm:{ref}", NS)}
        elif name == "ItemDef":
            self.items[oid] = _item_info(element)
        elif name == "CodeList":
            self.codes[oid] = {
                str(c.get("CodedValue")) for c in element.findall("odm:CodeListItem", NS)
            }

    def _structure(self, element: Any, name: str) -> None:
        attr, child_name, child_attr, _ref = _STRUCTURE[name]
        owner = str(element.get(attr))
        allowed = self.children.get(owner, set())
        for child in element.findall(f"odm:{child_name}", NS):
            if child.get(child_attr) not in allowed:
                self.add(
                    "reference",
                    child.sourceline,
                    f"{child_name} {child.get(child_attr)} is not part of {_DEF_OF[name]} {owner}",
                )

    def _ItemData(self, element: Any) -> None:  # noqa: N802 - named after the element
        if element.find("odm:AuditRecord", NS) is None:
            self.add(
                "consumer",
                element.sourceline,
                f"ItemData {element.get('ItemOID')} has no AuditRecord",
            )
        value, oid = element.get("Value"), element.get("ItemOID")
        info = self.items.get(str(oid))
        if value is None or info is None:
            return
        problem = _fits(value, info, self.codes.get(info.codelist) if info.codelist else None)
        if problem:
            self.add("value", element.sourceline, f"{oid}: {problem}")

    def _Signature(self, element: Any) -> None:  # noqa: N802
        if not element.get("ID"):
            self.add("consumer", element.sourceline, "Signature without an ID")

    def _User(self, element: Any) -> None:  # noqa: N802
        for part in ("FirstName", "LastName"):
            if not (element.findtext(f"odm:{part}", namespaces=NS) or "").strip():
                self.add("consumer", element.sourceline, f"User {element.get('OID')} has no {part}")

    def _SubjectData(self, element: Any) -> None:  # noqa: N802
        if element.find("odm:SiteRef", NS) is None:
            key = element.get("SubjectKey")
            self.add("consumer", element.sourceline, f"SubjectData {key} has no SiteRef")

    def finish(self) -> dict[str, list[str]]:
        """The references to definitions that came later (or never)."""
        for line, name, attr, value in self.pending:
            kind = REFERENCES[attr]
            if self.defined.get(value) != kind:
                self.add("reference", line, f"{name} {attr}={value!r} names no {kind}")
        self.pending = []
        return self.errors


_HANDLERS = {
    "ItemData": _Checker._ItemData,
    "Signature": _Checker._Signature,
    "User": _Checker._User,
    "SubjectData": _Checker._SubjectData,
}
_STRUCTURE_ATTR = {"StudyEventDef": "FormOID", "FormDef": "ItemGroupOID", "ItemGroupDef": "ItemOID"}
_DEF_OF = {
    "StudyEventData": "StudyEventDef",
    "FormData": "FormDef",
    "ItemGroupData": "ItemGroupDef",
}


def _feed(checker: _Checker, events: Iterable[tuple[str, Any]], *, drop: bool) -> None:
    for _event, element in events:
        if not isinstance(element.tag, str) or not element.tag.startswith(_PREFIX):
            continue
        name = element.tag[len(_PREFIX) :]
        checker.element(element, name)
        if drop and name == "SubjectData":
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]


def check_odm(document: Path | str | Any) -> dict[str, list[str]]:
    """The problems of a file (a path: one streaming pass) or an in-memory tree, by kind:
    ``xsd``, ``reference``, ``value``, ``consumer``."""
    checker = _Checker()
    if isinstance(document, Path | str):
        events: Iterator[tuple[str, Any]] = etree.iterparse(
            str(document), events=("end",), schema=_schema(), huge_tree=True,
            resolve_entities=False, no_network=True,
        )  # fmt: skip
        try:
            _feed(checker, events, drop=True)
        except etree.XMLSyntaxError as exc:
            checker.add("xsd", getattr(exc, "lineno", None), str(exc))
    else:
        schema = _schema()
        if not schema.validate(document):
            for e in schema.error_log:
                checker.add("xsd", e.line, e.message)
        _feed(checker, etree.iterwalk(document, events=("end",)), drop=False)
    return checker.finish()


def xsd_errors(document: Path | str | Any) -> list[str]:
    return check_odm(document)["xsd"]


def reference_errors(document: Path | str | Any) -> list[str]:
    return check_odm(document)["reference"]


def value_errors(document: Path | str | Any) -> list[str]:
    return check_odm(document)["value"]


def consumer_errors(document: Path | str | Any) -> list[str]:
    return check_odm(document)["consumer"]


def odm_errors(document: Path | str | Any) -> list[str]:
    """Every problem of the four checks, XSD first (an empty list: the file is right)."""
    found = check_odm(document)
    return [e for kind in ("xsd", "reference", "value", "consumer") for e in found[kind]]
