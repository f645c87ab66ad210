"""Running an ODM export: check the target, read, build, write, validate, audit, publish.

Like the workbook (:mod:`msct_crf.reporting.export.api`): who may export is checked first
(the ODM file carries the audit trail, so it also needs the view-audit permission, and
identifying fields the export-identifying one); the target goes through
:mod:`msct_crf.storage.outputs` (never the study, never a database, an existing file only
when the person confirmed it); the file is written beside the target as ``.part``,
validated (:func:`.validation.odm_errors`: a file that fails is never published) and renamed
into place inside the transaction of its audit row (action ``export``, with the chain head
the file records), so a file never exists without its audit row, nor the row without it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from msct_crf import clock
from msct_crf.reporting.export.api import _audit_export, _authorize, _Steps
from msct_crf.reporting.export.options import ExportError, ExportOptions
from msct_crf.storage import outputs
from msct_crf.storage.store import Store

from .source import read_source
from .validation import odm_errors
from .writer import SNAPSHOT, TRANSACTIONAL, write_document

if TYPE_CHECKING:
    from msct_crf.access import Actor

Progress = Callable[[int, str], None]
Cancelled = Callable[[], bool]
OPTION = "odm"


@dataclass(frozen=True)
class OdmReport:
    """What an ODM export wrote."""

    path: Path
    file_type: str
    subjects: int
    item_data: int
    seconds: float
    head_hash: str

    def text(self) -> str:
        return (
            f"wrote CDISC ODM 1.3.2 ({self.file_type}) of {self.subjects} subjects, "
            f"{self.item_data} values: {self.path}"
        )


def check_odm_target(path: Path | str) -> Path:
    """The ODM file's name and folder, before anything is read: an .xml file in a folder
    that exists and may be written."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xml":
        raise ExportError(f"{OPTION}: the ODM file must end in .xml, got {target.name!r}")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"{OPTION}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"{OPTION}: cannot write to folder {parent}")
    return target


def _publish(
    store: Store,
    user: str,
    what: str,
    options: ExportOptions,
    part: Path,
    target: Path,
    *,
    head: str,
    actor: Actor | None,
) -> None:
    published = False

    def publish() -> None:
        nonlocal published
        try:
            os.replace(part, target)
        except OSError as exc:
            raise ExportError(f"{OPTION}: cannot write {target}: {exc.strerror or exc}") from exc
        published = True

    try:
        _audit_export(store, user, what, options, publish, head=head, actor=actor)
    except BaseException:
        if published:  # renamed, but the audit row did not commit: take the file back
            with contextlib.suppress(OSError):
                target.unlink()
        raise


def export_odm(
    store: Store,
    out_path: Path | str,
    options: ExportOptions | None = None,
    *,
    user: str,
    history: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    actor: Actor | None = None,
    overwrite: bool = False,
) -> OdmReport:
    """Write the study as a CDISC ODM 1.3.2 file: a Snapshot (today's data), or with
    ``history`` a Transactional file (every change of the audit trail in order).

    ``options`` selects the sites and subjects and whether identifying fields are included
    (its forms, dates, language and units do not apply: the file holds every form, SI
    units and both languages' labels). Raises like
    :func:`msct_crf.reporting.export.api.export_workbook`.
    """
    options = dataclasses.replace(options or ExportOptions(), include_audit=True)
    user = _authorize(store, actor, user, options)
    target = check_odm_target(out_path)
    (target,) = outputs.check_outputs(
        [outputs.Output(OPTION, target)], study=store.path, force=overwrite
    )
    started = time.perf_counter()
    steps = _Steps(progress, cancelled)
    moment = clock.now()
    steps.report(0, "Reading the database")
    source = read_source(
        store,
        sites=options.sites,
        subjects=options.subjects,
        identifying=options.include_identifying,
        check=steps.check,
    )
    steps.report(30, "Writing the ODM file")
    fd, part_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=".xml.part", dir=target.parent
    )
    os.close(fd)
    part = Path(part_name)
    try:
        try:
            items = write_document(source, part, moment=moment, history=history, check=steps.check)
        except OSError as exc:
            raise ExportError(f"{OPTION}: cannot write {target}: {exc.strerror or exc}") from exc
        steps.report(70, "Validating against the ODM 1.3.2 schema")
        problems = odm_errors(part)
        if problems:
            raise ExportError(
                f"{OPTION}: the file does not validate ({len(problems)} problems); "
                f"first: {problems[0]}"
            )
        steps.report(99, "Recording the export in the audit trail")
        file_type = TRANSACTIONAL if history else SNAPSHOT
        what = f"{target.name} (CDISC ODM 1.3.2 {file_type})"
        _publish(store, user, what, options, part, target, head=source.head_hash, actor=actor)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    steps.report(100, "Done")
    return OdmReport(
        path=target,
        file_type=TRANSACTIONAL if history else SNAPSHOT,
        subjects=len(source.subjects),
        item_data=items,
        seconds=time.perf_counter() - started,
        head_hash=source.head_hash,
    )
