"""The ODM document: Study, AdminData and ClinicalData under one ODM root, written with lxml.

The same database and the same clock give the same bytes: every list is in a fixed order
(the dictionary's, the subject IDs', the audit rows' ids), attributes are written in the
order given, and the only times are the clock's (CreationDateTime, AsOfDateTime) and the
database's. The root's ``Description`` records the audit chain head the snapshot saw, which
``msct-crf verify`` checks through the export's audit row like every export's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lxml import etree

from msct_crf.storage.audit import format_utc

from . import oids
from .admin import admin_element, meanings, people
from .clinical import Context, snapshot_data, transactional_data
from .metadata import study_element
from .source import OdmSource
from .xml import tag

SNAPSHOT, TRANSACTIONAL = "Snapshot", "Transactional"


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


def build_document(source: OdmSource, *, moment: dt.datetime, history: bool = False) -> Any:
    """The ODM element tree of `source` as of `moment` (an aware datetime)."""
    created = format_utc(moment)
    root = etree.Element(tag("ODM"), nsmap={None: oids.ODM_NS})
    for key, value in (
        (
            "Description",
            f"MSC-CRF export of study {source.study_id or '-'}; "
            f"audit chain head {source.head_hash}",
        ),
        ("FileType", TRANSACTIONAL if history else SNAPSHOT),
        ("Granularity", "All"),
        ("FileOID", file_oid(source, moment, history)),
        ("CreationDateTime", created),
        ("AsOfDateTime", created),
        ("ODMVersion", "1.3.2"),
        ("Originator", "MSC-CRF"),
        ("SourceSystem", "MSC-CRF"),
        ("SourceSystemVersion", _version()),
    ):
        root.set(key, value)
    study_element(root)
    persons = people(source)
    admin_element(root, source, persons, source.first_day or created[:10])
    ctx = Context(source, meanings(source))
    if history:
        transactional_data(root, ctx)
    else:
        snapshot_data(root, ctx)
    return etree.ElementTree(root)


def write_document(tree: Any, path: Path) -> None:
    """`tree` as UTF-8 XML with a declaration, indented, into `path`."""
    etree.indent(tree, space="  ")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
