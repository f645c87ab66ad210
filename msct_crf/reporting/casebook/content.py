"""What a casebook shows, read from the database in one snapshot.

The records of one subject, every form in the order of the case report form (enrolment,
medical history, each infusion followed by its vital signs, visits, adverse events,
medications, disposition), with each record's status, its signatures (voided ones
included) and its queries, and the audit chain head, all from one read transaction, so
the head printed in the footer is the head the printed data belong to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf.storage import audit
from msct_crf.storage.db.models import FORM_MODELS, Subject
from msct_crf.storage.site_registry import registered_sites
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import STUDY_ID_KEY, read_setting
from msct_crf.study.dictionary import CodeList
from msct_crf.study.dictionary import form as get_form
from msct_crf.study.sites import site_list
from msct_crf.workflow import lifecycle, queries
from msct_crf.workflow.lifecycle import SignatureInfo
from msct_crf.workflow.queries import QueryInfo
from msct_crf.workflow.records import Record, record_from_row

#: The forms of a casebook, in the order of the case report form. Vital signs are printed
#: after the infusion they belong to, not as a form of their own.
CASEBOOK_FORMS: tuple[str, ...] = ("ENROL", "MH", "EX", "VIS", "AE", "CM", "DS")

#: Order of the repeating forms' records (as the record lists show them).
_ORDER = {
    "MH": ("id",),
    "EX": ("exstdtc", "id"),
    "VS": ("id",),
    "VIS": ("visdtc", "id"),
    "AE": ("aestdtc", "id"),
    "CM": ("id",),
    "DS": ("id",),
}


@dataclass(frozen=True)
class Entry:
    """One record with what the casebook prints beside it."""

    record: Record
    signatures: tuple[SignatureInfo, ...]
    queries: tuple[QueryInfo, ...]
    parent: Record | None = None  # the infusion of a vital-signs record


@dataclass
class SubjectBook:
    """Everything one subject's casebook prints."""

    subject: str
    site: str
    study_id: str
    head_hash: str
    entries: list[Entry] = field(default_factory=list)
    #: The study's registered sites: the site's name beside its code.
    sites: CodeList = field(default_factory=lambda: site_list(()))


def _rows(session: Session, form_code: str, subject_pk: int, parent_id: int | None) -> list[Any]:
    model: Any = FORM_MODELS[form_code]
    if model is Subject:
        row = session.get(Subject, subject_pk)
        return [row] if row is not None else []
    stmt = select(model).where(model.subject_id == subject_pk)
    if parent_id is not None:
        stmt = stmt.where(model.infusion_id == parent_id)
    for column in _ORDER[form_code]:
        stmt = stmt.order_by(getattr(model, column))
    return list(session.scalars(stmt))


def _entry(session: Session, form_code: str, row: Any, subjid: str, parent: Record | None) -> Entry:
    record = record_from_row(get_form(form_code), row, subjid)
    found = queries.record_queries(session, form_code, record.id)
    items = sorted((q for group in found.values() for q in group), key=lambda q: q.id)
    return Entry(
        record=record,
        signatures=tuple(lifecycle.signatures_in(session, form_code, record.id)),
        queries=tuple(items),
        parent=parent,
    )


def _wanted(only: Sequence[tuple[str, int]] | None, form_code: str, record_id: int) -> bool:
    return only is None or (form_code, record_id) in only


def read_subject_book(
    store: Store,
    subjid: str,
    *,
    only: Sequence[tuple[str, int]] | None = None,
    check: Callable[[], None] = lambda: None,
) -> SubjectBook | None:
    """The subject's casebook content, or None when there is no such subject.

    ``only`` limits it to these (form, record id) pairs (File › Save as PDF of one form);
    an infusion brings its vital signs along, as its form shows them. ``check`` is called between
    records (it raises to cancel)."""
    with store.reading() as session:
        subject = session.scalars(select(Subject).where(Subject.subjid == subjid)).one_or_none()
        if subject is None:
            return None
        book = SubjectBook(
            subject=subjid,
            site=subject.siteid,
            study_id=read_setting(session, STUDY_ID_KEY) or "",
            head_hash=audit.head_hash(session),
            sites=registered_sites(session),
        )
        for form_code in CASEBOOK_FORMS:
            for row in _rows(session, form_code, subject.id, None):
                check()
                entry = _entry(session, form_code, row, subjid, None)
                if _wanted(only, form_code, row.id):
                    book.entries.append(entry)
                if form_code == "EX":
                    for vs in _rows(session, "VS", subject.id, row.id):
                        if _wanted(only, "VS", vs.id) or _wanted(only, "EX", row.id):
                            book.entries.append(_entry(session, "VS", vs, subjid, entry.record))
        return book
