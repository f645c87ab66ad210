"""The ODM document: Study, AdminData and ClinicalData under one ODM root, written piece by
piece.

The metadata and admin data are small; the clinical data are written one SubjectData at a
time (each built, serialised with lxml, then dropped), so a 10,000-subject study never sits
in memory as one tree. Each piece is serialised on its own and indented to its depth; the
namespace is declared once, on the root.

The same database and the same clock give the same bytes: every list is in a fixed order
(the dictionary's, the subject IDs', the audit rows' ids), attributes are written in the
order given, and the only times are the clock's (CreationDateTime, AsOfDateTime) and the
database's. The root's ``Description`` records the audit chain head the snapshot saw, which
``msct-crf verify`` checks through the export's audit row like every export's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from msct_crf.storage.audit import format_utc

from . import oids
from .admin import admin_element, meanings, people
from .clinical import Context, snapshot_subjects, transactional_subjects
from .metadata import study_element
from .source import OdmSource
from .xml import Element, root, tag

SNAPSHOT, TRANSACTIONAL = "Snapshot", "Transactional"
_XMLNS = f' xmlns="{oids.ODM_NS}"'.encode()


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("msct-crf")
    except metadata.PackageNotFoundError:
        return "unknown"


def file_oid(source: OdmSource, moment: dt.datetime, history: bool) -> str:
    stamp = moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    kind = "H" if history else "S"
    return f"MSCT-CRF.{oids.safe(source.study_id or 'study')}.{stamp}.{kind}"


def _root(source: OdmSource, moment: dt.datetime, history: bool) -> Element:
    created = format_utc(moment)
    return root(
        "ODM",
        Description=f"MSC-CRF export of study {source.study_id or '-'}; "
        f"audit chain head {source.head_hash}",
        FileType=TRANSACTIONAL if history else SNAPSHOT,
        Granularity="All",
        FileOID=file_oid(source, moment, history),
        CreationDateTime=created,
        AsOfDateTime=created,
        ODMVersion="1.3.2",
        Originator="MSC-CRF",
        SourceSystem="MSC-CRF",
        SourceSystemVersion=_version(),
    )


def _bytes(element: Element, level: int) -> bytes:
    """`element` serialised, indented for `level`, without its own namespace declaration."""
    etree.indent(element, space="  ", level=level)
    data: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=False)
    return b"  " * level + data.replace(_XMLNS, b"", 1) + b"\n"


def _open_tag(element: Element, *, keep_namespace: bool = False) -> bytes:
    """The start tag of the empty `element`."""
    data: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=False)
    if not keep_namespace:
        data = data.replace(_XMLNS, b"", 1)
    return data.removesuffix(b"/>") + b">"


def _write_clinical(out: BinaryIO, subjects: Iterable[Element], check: Callable[[], None]) -> int:
    """The SubjectData one by one inside ClinicalData; returns the number of ItemData."""
    clinical = root("ClinicalData", StudyOID=oids.STUDY_OID, MetaDataVersionOID=oids.MDV_OID)
    out.write(b"  " + _open_tag(clinical) + b"\n")
    items = 0
    for number, subject in enumerate(subjects):
        items += sum(1 for _ in subject.iter(tag("ItemData")))
        out.write(_bytes(subject, 2))
        if number % 200 == 0:
            check()
    out.write(b"  </ClinicalData>\n")
    return items


def write_document(
    source: OdmSource,
    path: Path,
    *,
    moment: dt.datetime,
    history: bool = False,
    check: Callable[[], None] = lambda: None,
) -> int:
    """The ODM file of `source` as of `moment` (an aware datetime) into `path`; returns the
    number of ItemData written. ``check`` is called as subjects are written (it raises to
    cancel)."""
    holder = root("ODM")
    study = study_element(holder, source.sites)
    admin = admin_element(
        holder, source, people(source), source.first_day or format_utc(moment)[:10]
    )
    ctx = Context(source, meanings(source))
    subjects = transactional_subjects(ctx) if history else snapshot_subjects(ctx)
    with path.open("wb") as out:
        out.write(b"<?xml version='1.0' encoding='UTF-8'?>\n")
        out.write(_open_tag(_root(source, moment, history), keep_namespace=True) + b"\n")
        out.write(_bytes(study, 1))
        out.write(_bytes(admin, 1))
        items = _write_clinical(out, subjects, check)
        out.write(b"</ODM>\n")
    return items
