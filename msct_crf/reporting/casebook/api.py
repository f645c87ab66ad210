"""Making a casebook: check who and where, read, lay out, write the PDF, audit.

Qt-free, so ``msct-crf casebook`` runs headless and the desktop runs the same function on a
worker thread. A casebook is an export like the workbook (msct_crf.reporting.export.api):
it needs the export permission (identifying fields the export-identifying one), its output
is checked by msct_crf.storage.outputs (never the study, never a database, an existing file
only when the person said so), the PDF is written to a temporary ``.part`` file beside the
target and renamed into place inside the transaction that appends its ``export`` audit row
(with the audit head it printed, which verify checks, and the person's signed checkpoint),
so a cancelled or failed casebook leaves no file and no audit row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit, outputs
from msct_crf.storage.store import Store
from msct_crf.study.units import UnitSystem

from .content import SubjectBook, read_subject_book
from .pdf import PdfMeta, write_pdf

if TYPE_CHECKING:
    from msct_crf.access import Actor

LANGUAGES: tuple[str, ...] = ("en", "zh")

Progress = Callable[[int, str], None]
#: Cancellation: a callable polled between steps, or a threading.Event.
Cancel = Callable[[], bool] | threading.Event


class CasebookError(UserError):
    """The casebook cannot be made as asked (unknown subject, bad output file, option)."""


class CasebookCancelled(UserError):
    """The person cancelled the casebook; no file was left behind."""

    def __init__(self) -> None:
        super().__init__("Casebook cancelled; no file was written")


@dataclass(frozen=True)
class CasebookReport:
    """What a casebook wrote."""

    path: Path
    subject: str
    records: int
    pages: int
    head_hash: str
    seconds: float

    def text(self) -> str:
        return (
            f"casebook of {self.subject}: {self.records} records on {self.pages} pages "
            f"in {self.seconds:.1f} s: {self.path}"
        )


class _Steps:
    """Progress in whole percents; cancellation polled at every report."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None) -> None:
        self._progress = progress
        if isinstance(cancel, threading.Event):
            event = cancel
            self._cancelled: Callable[[], bool] | None = event.is_set
        else:
            self._cancelled = cancel
        self._last = -1

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise CasebookCancelled()

    def report(self, percent: int, message: str, *, check: bool = True) -> None:
        percent = max(0, min(100, int(percent)))
        if self._progress is not None and percent != self._last:
            self._last = percent
            self._progress(percent, message)
        if check:
            self.check()


def check_target(store: Store, out_path: Path | str, *, overwrite: bool) -> Path:
    """The resolved PDF file to write, or a UserError naming ``out`` and the problem."""
    target = Path(out_path).expanduser()
    if target.suffix.lower() != ".pdf":
        raise CasebookError(f"out: the casebook file must end in .pdf, got {target.name!r}")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise CasebookError(f"out: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CasebookError(f"out: cannot write to folder {parent}")
    return outputs.check_outputs(
        [outputs.Output("out", target)], study=store.path, force=overwrite
    )[0]


def _authorize(store: Store, actor: Actor | None, user: str, identifying: bool) -> str:
    from msct_crf import access

    if actor is None and not (user or "").strip():
        raise CasebookError("user: a user name is required (it goes into the audit trail)")
    needed = [access.Permission.EXPORT]
    if identifying:
        needed.append(access.Permission.EXPORT_IDENTIFYING)
    name = user
    with store.reading() as session:
        for permission in needed:
            name = access.authorize(
                session, actor, permission, user=None if actor is not None else user
            )
    return name


def _publish(
    store: Store,
    *,
    user: str,
    actor: Actor | None,
    book: SubjectBook,
    what: str,
    part: Path,
    target: Path,
) -> None:
    """Append the export row and the checkpoint, and rename the PDF into place, in one
    transaction: no file without its audit row, no audit row without its file."""
    from msct_crf import access

    published = False
    try:
        with store.session() as session:
            audit.append(
                session,
                user=user,
                action="export",
                subject_id=book.subject,
                new_value=f"{what}; head {book.head_hash}",
            )
            access.checkpoint(session, actor, "export")
            session.flush()
            try:
                os.replace(part, target)
            except OSError as exc:
                raise CasebookError(f"out: cannot write {target}: {exc.strerror or exc}") from exc
            published = True
    except BaseException:
        if published:  # renamed, but the audit row did not commit: take the file back
            with contextlib.suppress(OSError):
                target.unlink()
        raise


def make_casebook(
    store: Store,
    subject: str,
    out_path: Path | str,
    *,
    user: str,
    actor: Actor | None = None,
    language: str = "en",
    units: UnitSystem = UnitSystem.SI,
    records: Sequence[tuple[str, int]] | None = None,
    include_identifying: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    overwrite: bool = False,
) -> CasebookReport:
    """Write the PDF casebook of ``subject`` to ``out_path`` and audit it.

    ``records`` limits it to these (form, record id) pairs (one form's PDF); ``progress``
    gets (percent, message); ``cancel`` is polled between records and while laying out
    (a callable or a threading.Event). Raises CasebookCancelled (nothing left behind),
    CasebookError (unknown subject, bad options or output), PermissionDenied, DatabaseError.
    """
    if language not in LANGUAGES:
        raise CasebookError(f"language: must be one of {', '.join(LANGUAGES)}, got {language!r}")
    subject = (subject or "").strip().upper()
    user = _authorize(store, actor, user, include_identifying)
    target = check_target(store, out_path, overwrite=overwrite)
    started = time.perf_counter()
    steps = _Steps(progress, cancel)
    steps.report(0, "Reading the subject's records")
    book = read_subject_book(store, subject, only=records, check=steps.check)
    if book is None:
        raise CasebookError(f"subject: there is no subject {subject!r} in this study")
    if records is not None and not book.entries:
        raise CasebookError(f"records: subject {subject} has none of the records asked for")
    steps.report(10, "Laying out the pages")
    meta = PdfMeta(
        language=language,
        units=units,
        exported_utc=clock.now().astimezone(dt.UTC),
        user=user,
        include_identifying=include_identifying,
    )
    fd, part_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=".pdf.part", dir=target.parent
    )
    os.close(fd)
    part = Path(part_name)
    try:
        try:
            pages = write_pdf(
                part,
                book,
                meta,
                on_entry=lambda done, total: steps.report(
                    10 + 85 * done // max(1, total), "Laying out the pages"
                ),
            )
        except OSError as exc:
            raise CasebookError(f"out: cannot write {target}: {exc.strerror or exc}") from exc
        steps.report(97, "Recording the export in the audit trail")
        forms = "all records" if records is None else f"{len(book.entries)} records"
        what = f"casebook {target.name}; subject {subject}; {forms}; language {language}"
        what += f"; units {units.value}" + ("; identifying" if include_identifying else "")
        what += f"; printed {meta.exported_text}"
        _publish(store, user=user, actor=actor, book=book, what=what, part=part, target=target)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    steps.report(100, "Done", check=False)  # published: too late to cancel
    return CasebookReport(
        path=target,
        subject=subject,
        records=len(book.entries),
        pages=pages,
        head_hash=book.head_hash,
        seconds=time.perf_counter() - started,
    )
