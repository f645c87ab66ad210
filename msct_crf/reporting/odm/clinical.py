"""ClinicalData: the subjects' records, each value with its AuditRecord, each signed form
with its Signature.

Both are made one SubjectData at a time (:func:`snapshot_subjects`,
:func:`transactional_subjects`), so the writer holds one subject in memory, never the study.

**Snapshot** (:func:`snapshot_subjects`): one SubjectData per subject, with its SiteRef; the
events of :data:`.oids.EVENTS`; a repeating form (medical history, infusions, adverse events,
medications) is one FormData per record and an unscheduled visit one StudyEventData per
record, keyed by the record's id (``FormRepeatKey``, ``StudyEventRepeatKey``: stable across
exports, so a later Transactional file names the same instances); the vital signs are
repeating ItemGroupData inside their infusion's FormData (``ItemGroupRepeatKey``). Each
ItemData carries the AuditRecord of the audit row that last set it: user, location (the
subject's site), UTC time, the reason for the change and ``SourceID`` = the audit row's id.

**Transactional** (:func:`transactional_subjects`, ``--odm-history``): every insert, update and
delete of the audit trail in order, one SubjectData per saved form with
``TransactionType`` on every element (``Insert``, ``Update``, ``Remove`` on what changed;
``Upsert`` or ``Context`` on the containers) and each ItemData the value it was given then.
ODM 1.3.2 has no element for an old value: the earlier values are the earlier transactions,
and replaying the file in order gives today's data. The signatures in force close the file.

**Missing-data codes** (ND, UNK, NA): an ItemData with ``IsNull="Yes"`` and no Value, and an
Annotation whose Flag has the code as its FlagValue in the code list ``CL.MISSING``: ODM
1.3.2 has no null flavours of its own, IsNull marks the value as deliberately absent, and
the flag says why. **Record status** (draft ... locked) is an Annotation Flag in
``CL.STATUS`` on the FormData (on the ItemGroupData for vital signs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from msct_crf.study.dictionary import FORMS
from msct_crf.study.dictionary.codelists import VS_TIMEPOINT

from . import oids
from .source import FORM_OF_TABLE, AuditRow, OdmSource, Record, SignatureRow
from .values import value_text
from .xml import Element, root, sub

STATUS_CODELIST = oids.STATUS_CODELIST
VS_TIMEPOINT_ORDER = {code: n for n, code in enumerate(VS_TIMEPOINT.codes)}


@dataclass
class Context:
    """What every element of one file needs: the source, the signature meanings' OIDs and
    the last audit row of each (table, record, field)."""

    source: OdmSource
    meaning_oids: dict[str, str]

    def __post_init__(self) -> None:
        self.last: dict[tuple[str, str, str], AuditRow] = {}
        for row in self.source.audit:
            if row.field:
                self.last[(row.table, row.record_id, row.field)] = row
        self.signed: dict[tuple[str, int], SignatureRow] = {
            (s.table, s.record_id): s for s in self.source.signatures
        }
        self.site = self.source.site_of_subject_id

    def last_change(self, record: Record, code: str) -> AuditRow | None:
        table, key = FORMS[record.form].table, str(record.id)
        rows = [self.last.get((table, key, code)), self.last.get((table, key, f"{code}.missing"))]
        found = [r for r in rows if r is not None]
        return max(found, key=lambda r: r.id) if found else None

    def shown(self, form: str, code: str) -> bool:
        return self.source.identifying or not FORMS[form].field(code).identifying


def audit_record(
    parent: Element, site: str, row: AuditRow | None, record: Record | None = None
) -> None:
    """The AuditRecord of `row` (or, for a value no audit row names, the record's last
    save)."""
    element = sub(parent, "AuditRecord")
    user = row.user if row else (record.updated_by if record else "")
    when = row.ts if row else (record.updated_at if record else "")
    sub(element, "UserRef", UserOID=oids.user(user))
    sub(element, "LocationRef", LocationOID=oids.location(site))
    sub(element, "DateTimeStamp", when)
    if row is not None and row.reason:
        sub(element, "ReasonForChange", row.reason)
    if row is not None:
        sub(element, "SourceID", f"audit row {row.id}")


def signature(parent: Element, ctx: Context, sig: SignatureRow, site: str) -> None:
    element = sub(parent, "Signature", ID=f"SIG.{sig.id}")
    sub(element, "UserRef", UserOID=oids.user(sig.signer))
    sub(element, "LocationRef", LocationOID=oids.location(site))
    sub(element, "SignatureRef", SignatureOID=ctx.meaning_oids[sig.meaning])
    sub(element, "DateTimeStamp", sig.signed_at)


def flag(parent: Element, codelist: str, code: str, transaction: str | None = None) -> None:
    annotation = sub(parent, "Annotation", SeqNum="1", TransactionType=transaction)
    sub(sub(annotation, "Flag"), "FlagValue", code, CodeListOID=codelist)


def _snapshot_items(parent: Element, ctx: Context, record: Record, site: str) -> None:
    for f in FORMS[record.form].fields:
        if not ctx.shown(record.form, f.code):
            continue
        value = value_text(f, record.values.get(f.code))
        code = record.missing.get(f.code)
        if value is None and code is None:
            continue
        item = sub(
            parent,
            "ItemData",
            ItemOID=oids.item(f.code),
            Value=value,
            IsNull="Yes" if value is None else None,
        )
        audit_record(item, site, ctx.last_change(record, f.code), record)
        if value is None and code is not None:
            flag(item, oids.MISSING_CODELIST, code)


def _form_data(
    parent: Element, ctx: Context, record: Record, site: str, children: list[Record]
) -> None:
    form = sub(
        parent,
        "FormData",
        FormOID=oids.form(record.form),
        FormRepeatKey=str(record.id) if record.form in oids.REPEATING_FORMS else None,
    )
    table = FORMS[record.form].table
    if (sig := ctx.signed.get((table, record.id))) is not None:
        signature(form, ctx, sig, site)
    flag(form, STATUS_CODELIST, record.status)
    group = sub(form, "ItemGroupData", ItemGroupOID=oids.group(record.form))
    _snapshot_items(group, ctx, record, site)
    for child in children:
        vs = sub(
            form, "ItemGroupData", ItemGroupOID=oids.group("VS"), ItemGroupRepeatKey=str(child.id)
        )
        if (sig := ctx.signed.get((FORMS["VS"].table, child.id))) is not None:
            signature(vs, ctx, sig, site)
        flag(vs, STATUS_CODELIST, child.status)
        _snapshot_items(vs, ctx, child, site)


def _timepoint(record: Record) -> tuple[int, int]:
    code = record.values.get("VSTPT")
    return (VS_TIMEPOINT_ORDER.get(str(code), len(VS_TIMEPOINT_ORDER)), record.id)


def _events_of(source: OdmSource) -> dict[int, dict[tuple[str, str | None], list[Record]]]:
    """subject key -> (event, repeat key) -> its records, in the dictionary's order."""
    out: dict[int, dict[tuple[str, str | None], list[Record]]] = defaultdict(dict)
    for code in ("ENROL", "MH", "EX", "VIS", "AE", "CM", "DS"):
        for record in source.records[code]:
            events = out[record.subject]
            if code == "VIS":
                event = oids.visit_event(record.values.get("VISIT"))
                key = (event, str(record.id) if event == "UNSCHED" else None)
                if event != "UNSCHED" and key in events:  # a scheduled visit entered twice
                    key = ("UNSCHED", str(record.id))
            else:
                key = (oids.EVENT_OF_FORM[code], None)
            events.setdefault(key, []).append(record)
    return out


def _ordered(
    events: dict[tuple[str, str | None], list[Record]],
) -> Iterator[tuple[str, str | None, list[Record]]]:
    rank = {ev.code: n for n, ev in enumerate(oids.EVENTS)}
    for (event, key), records in sorted(
        events.items(), key=lambda item: (rank[item[0][0]], int(item[0][1] or 0))
    ):
        yield event, key, records


def snapshot_subjects(ctx: Context) -> Iterator[Element]:
    """The SubjectData of a Snapshot file, one by one: every selected subject as the
    database holds it."""
    vital_signs: dict[int, list[Record]] = defaultdict(list)
    for vs in ctx.source.records["VS"]:
        if vs.infusion_id is not None:
            vital_signs[vs.infusion_id].append(vs)
    events_of = _events_of(ctx.source)
    for key, (subjid, site) in ctx.source.subjects.items():
        subject = root("SubjectData", SubjectKey=subjid)
        sub(subject, "SiteRef", LocationOID=oids.location(site))
        for event, repeat, records in _ordered(events_of.get(key, {})):
            data = sub(
                subject,
                "StudyEventData",
                StudyEventOID=oids.event(event),
                StudyEventRepeatKey=repeat,
            )
            for record in records:
                children = (
                    sorted(vital_signs.get(record.id, []), key=_timepoint)
                    if record.form == "EX"
                    else []
                )
                _form_data(data, ctx, record, site, children)
        yield subject


# --------------------------------------------------------------------------- transactions


@dataclass(frozen=True)
class Place:
    """Where a record's data sit: its event (and repeat key) and, for vital signs, the
    infusion whose FormData holds them."""

    event: str
    event_key: str | None
    infusion: int | None = None


def _places(source: OdmSource) -> dict[tuple[str, int], Place]:
    """(form, record id) -> Place, from today's records and, for deleted ones, the last
    VISIT and infusion the audit trail gave them."""
    visit_of: dict[int, str | None] = {}
    parent_of: dict[int, int] = {}
    for row in source.audit:
        form = FORM_OF_TABLE.get(row.table)
        if form == "VIS" and row.field == "VISIT":
            visit_of[int(row.record_id)] = row.new
        if form == "VS" and row.field == "infusion_id" and row.new:
            parent_of[int(row.record_id)] = int(row.new)
    for r in source.records["VIS"]:
        visit_of[r.id] = r.values.get("VISIT")
    for r in source.records["VS"]:
        if r.infusion_id is not None:
            parent_of[r.id] = r.infusion_id
    places: dict[tuple[str, int], Place] = {}
    for row in source.audit:
        form, key = FORM_OF_TABLE[row.table], int(row.record_id)
        if form == "VIS":
            event = oids.visit_event(visit_of.get(key))
            places[(form, key)] = Place(event, str(key) if event == "UNSCHED" else None)
        elif form == "VS":
            places[(form, key)] = Place("TREATMENT", None, parent_of.get(key))
        else:
            places[(form, key)] = Place(oids.EVENT_OF_FORM[form], None)
    return places


def _place_of(record: Record) -> Place:
    """The Place of a record the audit trail does not name."""
    if record.form == "VIS":
        event = oids.visit_event(record.values.get("VISIT"))
        return Place(event, str(record.id) if event == "UNSCHED" else None)
    return Place(oids.EVENT_OF_FORM[record.form], None, record.infusion_id)


def _transactions(rows: list[AuditRow]) -> Iterator[list[AuditRow]]:
    """Consecutive audit rows of one save: same time, user, action, table and record."""
    batch: list[AuditRow] = []
    for row in rows:
        if batch and (row.ts, row.user, row.action, row.table, row.record_id) != (
            batch[0].ts,
            batch[0].user,
            batch[0].action,
            batch[0].table,
            batch[0].record_id,
        ):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _containers(
    subjid: str,
    site: str,
    place: Place,
    form: str,
    record_id: int,
    kinds: tuple[str, str, str],
) -> tuple[Element, Element]:
    """SubjectData > StudyEventData > FormData (> ItemGroupData of vital signs): the
    SubjectData and the innermost element, whose TransactionType is ``kinds[2]``."""
    outer, inner, own = kinds
    subject = root("SubjectData", SubjectKey=subjid, TransactionType=outer)
    sub(subject, "SiteRef", LocationOID=oids.location(site))
    event = sub(
        subject,
        "StudyEventData",
        StudyEventOID=oids.event(place.event),
        StudyEventRepeatKey=place.event_key,
        TransactionType=outer,
    )
    if form == "VS":
        holder = sub(
            event,
            "FormData",
            FormOID=oids.form("EX"),
            FormRepeatKey=str(place.infusion) if place.infusion is not None else "0",
            TransactionType=inner,
        )
        vital_signs = sub(
            holder,
            "ItemGroupData",
            ItemGroupOID=oids.group("VS"),
            ItemGroupRepeatKey=str(record_id),
            TransactionType=own,
        )
        return subject, vital_signs
    return subject, sub(
        event,
        "FormData",
        FormOID=oids.form(form),
        FormRepeatKey=str(record_id) if form in oids.REPEATING_FORMS else None,
        TransactionType=own,
    )


def _changed_items(
    parent: Element, ctx: Context, form: str, batch: list[AuditRow], site: str, kind: str
) -> None:
    fields = {f.code: f for f in FORMS[form].fields}
    values = {row.field: row for row in batch if row.field in fields}
    for row in batch:
        code = (row.field or "").removesuffix(".missing")
        if code not in fields or not ctx.shown(form, code):
            continue
        if row.field == code:
            value = value_text(fields[code], row.new)
            item = sub(
                parent,
                "ItemData",
                ItemOID=oids.item(code),
                TransactionType=kind if value is not None else "Remove",
                Value=value,
            )
            audit_record(item, site, row)
        elif code not in values or values[code].new is None:
            if not row.new:  # a missing-data code taken back, no value typed: blank again
                audit_record(
                    sub(parent, "ItemData", ItemOID=oids.item(code), TransactionType="Remove"),
                    site,
                    row,
                )
                continue
            item = sub(
                parent, "ItemData", ItemOID=oids.item(code), TransactionType="Upsert", IsNull="Yes"
            )
            audit_record(item, site, row)
            flag(item, oids.MISSING_CODELIST, row.new, "Upsert")


def _transaction(ctx: Context, batch: list[AuditRow], place: Place) -> Element:
    """The SubjectData of one save."""
    first = batch[0]
    form, record_id = FORM_OF_TABLE[first.table], int(first.record_id)
    site = ctx.site.get(first.subject, "")
    own = {"insert": "Insert", "update": "Update", "delete": "Remove"}[first.action]
    outer = "Upsert" if first.action == "insert" else "Context"
    subject, holder = _containers(
        first.subject, site, place, form, record_id, (outer, "Context", own)
    )
    if first.action == "delete":
        audit_record(holder, site, first)
        return subject
    status = next((row.new for row in batch if row.field == "status" and row.new), None)
    if status:
        flag(holder, STATUS_CODELIST, status, "Upsert")
    kind = "Insert" if first.action == "insert" else "Update"
    group = (
        holder
        if form == "VS"
        else sub(holder, "ItemGroupData", ItemGroupOID=oids.group(form), TransactionType=own)
    )
    _changed_items(group, ctx, form, batch, site, kind)
    return subject


def transactional_subjects(ctx: Context) -> Iterator[Element]:
    """The SubjectData of a Transactional file, one by one: the audit trail's saves in
    order, then the signatures in force."""
    places = _places(ctx.source)
    for batch in _transactions(ctx.source.audit):
        yield _transaction(
            ctx, batch, places[(FORM_OF_TABLE[batch[0].table], int(batch[0].record_id))]
        )
    subject_of = {key: subjid for key, (subjid, _) in ctx.source.subjects.items()}
    records = {(FORMS[f].table, r.id): r for f, rows in ctx.source.records.items() for r in rows}
    for sig in ctx.source.signatures:
        record = records.get((sig.table, sig.record_id))
        if record is None:
            continue
        subjid = subject_of[record.subject]
        site = ctx.site.get(subjid, "")
        place = places.get((record.form, record.id)) or _place_of(record)
        context = ("Context", "Context", "Context")
        subject, holder = _containers(subjid, site, place, record.form, record.id, context)
        signature(holder, ctx, sig, site)
        yield subject
