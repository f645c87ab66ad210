"""Running an export: read, compute, write the workbook (CSV files, REDCap bundle), audit.

Qt-free. The desktop runs :func:`export_workbook` on a worker thread and the CLI calls it
directly; both pass ``progress`` (percent, message) and ``cancelled`` callbacks. The
workbook is written to a temporary file beside the target and renamed at the end, so a
cancelled or failed export leaves nothing behind. Every export is audited (action
``export``) in its own short transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from msct_crf import clock
from msct_crf.storage import audit, outputs
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS

if TYPE_CHECKING:
    from msct_crf.access import Actor

from .csv import csv_names, write_csv_files
from .data import StudyData, audit_frame, load_study, long_tables
from .deviations import Deviation
from .deviations import deviations as find_deviations
from .load import snapshot
from .options import (
    FORM_ORDER,
    SUMMARY_VISITS,
    ExportCancelled,
    ExportError,
    ExportOptions,
)
from .page_setup import PrintHeading
from .sheets import (
    Meta,
    mark_after_end,
    write_ae_summary,
    write_codebook,
    write_deviations,
    write_flow,
    write_readme,
    write_summary,
)
from .summary import CountRow, FlowRow, SummaryRow, ae_summary, efficacy_summary, flow
from .variables import AUDIT_COLUMNS, SCHEDULED_VISITS, SHEET_NAMES, WIDE_VARIABLES, Table
from .wide import BASELINE_FIELDS, FACT_VARS, wide_table
from .workbook import AUDIT_SHEET, WorkbookWriter

__all__ = [
    "FORM_ORDER",
    "SHEET_NAMES",
    "SUMMARY_VISITS",
    "ExportCancelled",
    "ExportError",
    "ExportOptions",
    "ExportReport",
    "export_csv",
    "export_workbook",
    "expected_sheets",
]

Progress = Callable[[int, str], None]
Cancelled = Callable[[], bool]


@dataclass
class ExportReport:
    """What an export wrote."""

    path: Path | None
    sheets: list[str]
    rows: dict[str, int]
    subjects: int
    seconds: float
    head_hash: str
    csv_files: list[Path] = field(default_factory=list)
    #: The REDCap import bundle's folder and its files (msct_crf.reporting.redcap).
    redcap_dir: Path | None = None
    redcap_files: list[Path] = field(default_factory=list)

    def text(self) -> str:
        written = [str(p) for p in ([self.path] if self.path else [])]
        written += [str(p) for p in self.csv_files]
        if self.redcap_dir:
            written.append(f"REDCap bundle in {self.redcap_dir}")
        return f"exported {self.subjects} subjects in {self.seconds:.1f} s: " + ", ".join(written)


def expected_sheets(options: ExportOptions) -> list[str]:
    """The sheet names, in order, an export with these options writes (no overflow parts)."""
    sheets = ["README", "Codebook", "Summary", "Wide"]
    sheets += [SHEET_NAMES[code] for code in options.selected_forms]
    sheets += ["Flow", "AE summary", "Deviations"]
    if options.include_audit:
        sheets.append(AUDIT_SHEET)
    return sheets


_SHEET_TEXT = {
    "README": ("This sheet: how the export was made", "本表：导出说明"),
    "Codebook": (
        "Every exported column: code, labels, type, unit, range, codes",
        "所有导出变量说明",
    ),
    "Summary": (
        "Efficacy table: n, mean ± SD, median [IQR], change from baseline, Wilcoxon p; charts",
        "疗效汇总表及图表",
    ),
    "Wide": (
        "One row per subject; variable x timepoint columns (e.g. TBIL_M6); AFTEREND_<VISIT> "
        "flags a visit after death or transplant",
        "每位受试者一行；AFTEREND_<访视> 标记死亡或肝移植后的访视",
    ),
    "Flow": ("Enrolled, MSC source and disposition counts with subject IDs", "受试者流程"),
    "AE summary": ("Adverse-event counts by grade, seriousness, relationship", "不良事件汇总"),
    "Deviations": (
        "Visits out of window, missed, and overdue (subjects in follow-up)",
        "访视超窗、缺失和逾期（仍在随访的受试者）",
    ),
    AUDIT_SHEET: ("Every audit row (who, what, when, old and new value, why)", "稽查轨迹"),
}


def _describe_sheet(name: str, language: str) -> str:
    if name in _SHEET_TEXT:
        en, zh = _SHEET_TEXT[name]
        return zh if language == "zh" else en
    return "一条记录一行" if language == "zh" else "One row per record"


class _Steps:
    """Progress and cancellation: ``progress`` gets whole percents, ``cancelled`` is polled."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.last = -1

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled()

    def report(self, percent: int, message: str) -> None:
        percent = max(0, min(100, int(percent)))
        if self.progress is not None and percent != self.last:
            self.last = percent
            self.progress(percent, message)
        self.check()


def _check_target(out_path: Path) -> Path:
    out_path = Path(out_path).expanduser()
    if out_path.suffix.lower() != ".xlsx":
        raise ExportError(f"out: the workbook file must end in .xlsx, got {out_path.name!r}")
    parent = out_path.parent if str(out_path.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"out: folder {parent} does not exist")
    if out_path.is_dir():
        raise ExportError(f"out: {out_path} is a folder, not a file")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"out: cannot write to folder {parent}")
    return out_path.resolve()


def _check_outputs(
    store: Store,
    target: Path | None,
    options: ExportOptions,
    csv_dir: Path | str | None,
    redcap_dir: Path | str | None,
    overwrite: bool,
) -> None:
    """Every file the export will write, before anything is read or written: never the
    study or any SQLite file, an existing one only with `overwrite`, no two the same
    (msct_crf.storage.outputs)."""
    wanted: list[outputs.Output] = []
    if target is not None:
        wanted.append(outputs.Output("out", target))
    if csv_dir is not None:
        folder = outputs.check_output_folder("csv-dir", Path(csv_dir), study=store.path)
        wanted += outputs.files_in("csv-dir", folder, csv_names(options.selected_forms))
    if redcap_dir is not None:
        from msct_crf.reporting.redcap import BUNDLE_FILES

        bundle = outputs.check_output_folder("redcap-dir", Path(redcap_dir), study=store.path)
        if target is not None and bundle == target.resolve():
            raise outputs.OutputError(
                f"redcap-dir: {redcap_dir} is also the out file; give the bundle its own folder"
            )
        wanted += outputs.files_in("redcap-dir", bundle, BUNDLE_FILES)
    outputs.check_outputs(wanted, study=store.path, force=overwrite)


def _authorize(store: Store, actor: Actor | None, user: str, options: ExportOptions) -> str:
    """Who may export what (msct_crf.access); returns the name for the audit trail."""
    from msct_crf import access

    if actor is None and (not user or not user.strip()):
        raise ExportError("user: a user name is required (it goes into the audit trail)")
    needed = [access.Permission.EXPORT]
    if options.include_identifying:
        needed.append(access.Permission.EXPORT_IDENTIFYING)
    if options.include_audit:
        needed.append(access.Permission.VIEW_AUDIT)
    with store.reading() as session:
        name = user
        for permission in needed:
            name = access.authorize(
                session, actor, permission, user=None if actor is not None else user
            )
    return name


def _audit_export(
    store: Store,
    user: str,
    what: str,
    options: ExportOptions,
    publish: Callable[[], None] = lambda: None,
    *,
    head: str = "",
    actor: Actor | None = None,
) -> None:
    """Append the export's audit row (with the chain ``head`` the export saw, which verify
    checks) and, for a person, a signed checkpoint; inside the same transaction ``publish``
    the file (rename it into place): a file that cannot be put in place leaves no audit
    row, and an audit row that cannot be committed leaves no file."""
    from msct_crf import access

    seen = f"; head {head}" if head else ""
    with store.session() as session:
        audit.append(
            session,
            user=user,
            action="export",
            new_value=f"{what}; {options.summary_text()}{seen}",
        )
        access.checkpoint(session, actor, "export")
        session.flush()
        publish()


#: Whether a workbook without CSV files or REDCap bundle is written streaming: each
#: long sheet built from its form's records, written and let go before the next, in one
#: read snapshot (issue 14: the peak memory). The CSV files and the bundle need every
#: table at once, so an export with them reads everything first (as before). The tests
#: turn this off to compare the two.
STREAM_SHEETS = True


@dataclass
class _Contents:
    """The summary sheets' rows, computed before the file is opened (the data sheets are
    built one at a time while it is written)."""

    summary: list[SummaryRow]
    flow: list[FlowRow]
    ae: list[CountRow]
    deviations: list[Deviation]

    @classmethod
    def compute(cls, data: StudyData) -> _Contents:
        return cls(
            summary=efficacy_summary(data),
            flow=flow(data),
            ae=ae_summary(data),
            deviations=find_deviations(data),
        )


def _planned_cells(data: StudyData) -> int:
    """About how many data cells the workbook will hold (the progress bar's 100 %)."""
    options = data.options
    subjects = len(data.subjects)
    wide = len(BASELINE_FIELDS) + len(FACT_VARS) + 2
    wide += (len(WIDE_VARIABLES) + 1) * len(SCHEDULED_VISITS)
    cells = subjects * wide
    for code in options.selected_forms:
        rows = data.stream.row_counts.get(code, 0) if data.stream else data.forms[code].rows
        cells += rows * (len(FORMS[code].fields) + 4)
    if options.include_audit:
        audit_rows = data.stream.row_counts.get("AUDIT", 0) if data.stream else 0
        audit_rows = len(data.audit) if data.audit is not None else audit_rows
        cells += audit_rows * len(AUDIT_COLUMNS)
    return max(1, cells)


def _shape(table: Table) -> Table:
    """The table without its rows: what the codebook describes."""
    return Table(table.name, table.frame.iloc[:0], table.vars, table.form)


def _exclusion_notes(summary: list[SummaryRow], notes: list[str], language: str) -> list[str]:
    """What the README says was left out: values after death or transplant, and `notes`."""
    n_excluded = sum(r.excluded for r in summary)
    excluded_total = sum(r.excluded for r in summary if r.variable == "TBIL")
    if language == "zh":
        first = (
            f"疗效汇总：排除死亡或肝移植后测得的数值（共 {n_excluded} 个；"
            f"总胆红素 {excluded_total} 个）"
        )
    else:
        first = (
            f"Efficacy summary: values after death or liver transplantation excluded "
            f"({n_excluded} values; {excluded_total} total-bilirubin values)"
        )
    return [first, *notes]


def _write_workbook(
    path: Path, target: Path, data: StudyData, contents: _Contents, meta: Meta, steps: _Steps
) -> WorkbookWriter:
    """Every sheet, in order, into `path`; progress runs from 12 to 97 % by cells written.

    The data sheets (Wide, the long sheets, the audit trail) are built, written and let go
    one at a time; the Codebook sheet, second in the workbook, is filled last, from their
    columns."""
    options = data.options
    total_cells = _planned_cells(data)

    def on_cells(cells: int) -> None:
        steps.report(12 + 85 * min(cells, total_cells) // total_cells, "Writing the workbook")

    heading = PrintHeading(meta.exported_utc, meta.head_hash, options.language)
    writer = WorkbookWriter(str(path), options, on_cells, heading)
    sheets = expected_sheets(options)
    write_readme(writer, data, meta, [(s, _describe_sheet(s, options.language)) for s in sheets])
    writer.reserve("Codebook")
    write_summary(writer, contents.summary, options, sum(r.excluded for r in contents.summary))
    wide = wide_table(data)
    writer.data_table(wide)
    mark_after_end(writer, wide)
    described = [_shape(wide)]
    del wide
    for table in long_tables(data):
        writer.data_table(table)
        described.append(_shape(table))
        del table
    write_flow(writer, contents.flow, len(data.subjects))
    write_ae_summary(writer, contents.ae, len(data.subjects))
    write_deviations(writer, contents.deviations)
    audit_rows = audit_frame(data)
    if audit_rows is not None:
        audit = Table(AUDIT_SHEET, audit_rows, list(AUDIT_COLUMNS))
        del audit_rows
        writer.data_table(audit, freeze_cols=0)
        described.append(_shape(audit))
        del audit
    write_codebook(writer, described, options)
    steps.report(97, "Saving the file")
    try:
        writer.close()
    except (OSError, xlsx_errors()) as exc:
        raise ExportError(f"out: cannot write {target}: {exc}") from exc
    return writer


def _write_read_study(
    store: Store,
    part: Path,
    target: Path,
    data: StudyData,
    moment: dt.datetime,
    user: str,
    steps: _Steps,
) -> WorkbookWriter:
    """The summaries computed, then the workbook written into `part`."""
    steps.report(8, "Computing summaries")
    contents = _Contents.compute(data)
    steps.report(12, "Writing the workbook")
    meta = Meta(
        exported_utc=moment.astimezone(dt.UTC),
        exported_local=moment.astimezone(),
        user=user,
        database=str(store.path) if store.path else store.url,
        head_hash=data.head_hash,
        exclusions=_exclusion_notes(contents.summary, data.notes, data.options.language),
    )
    return _write_workbook(part, target, data, contents, meta, steps)


def _write_companions(
    data: StudyData,
    csv_dir: Path | str | None,
    redcap_dir: Path | str | None,
    written: list[Path],
    moment: dt.datetime,
    check: Callable[[], None] = lambda: None,
) -> tuple[list[Path], list[Path]]:
    """The CSV files and the REDCap import bundle, if asked for; each file is added to
    `written` as soon as it exists, so a later failure can take it back."""
    csv_files: list[Path] = []
    redcap_files: list[Path] = []
    if csv_dir is not None:
        csv_files = write_csv_files(data, Path(csv_dir))
        written += csv_files
    if redcap_dir is not None:
        from msct_crf.reporting.redcap.bundle import write_bundle

        utc = moment.astimezone(dt.UTC)
        redcap_files = write_bundle(data, Path(redcap_dir), utc, written, check)
    return csv_files, redcap_files


def _what(
    first: str, csv_files: list[Path], csv_dir: Path | str | None, redcap_dir: Path | str | None
) -> str:
    """The audit row's description of what was written."""
    parts = [first] if first else []
    if csv_dir is not None:
        parts.append(f"{len(csv_files)} CSV files in {Path(csv_dir).name}")
    if redcap_dir is not None:
        parts.append(f"REDCap bundle in {Path(redcap_dir).name}")
    return " + ".join(parts)


def publish_audited(
    store: Store,
    user: str,
    what: str,
    options: ExportOptions,
    part: Path,
    target: Path,
    *,
    head: str,
    actor: Actor | None,
    option: str = "out",
) -> None:
    """Rename the finished file (workbook, ODM) into place inside the audit row's
    transaction; if the row does not commit, the file is taken back. ``option`` names the
    command-line option in a message."""
    published = False

    def publish() -> None:
        nonlocal published
        try:
            os.replace(part, target)
        except OSError as exc:
            raise ExportError(f"{option}: cannot write {target}: {exc.strerror or exc}") from exc
        published = True

    try:
        _audit_export(store, user, what, options, publish, head=head, actor=actor)
    except BaseException:
        if published:  # renamed, but the audit row did not commit: take the file back
            with contextlib.suppress(OSError):
                target.unlink()
        raise


def export_workbook(
    store: Store,
    out_path: Path | str,
    options: ExportOptions,
    *,
    user: str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    csv_dir: Path | str | None = None,
    redcap_dir: Path | str | None = None,
    actor: Actor | None = None,
    overwrite: bool = False,
) -> ExportReport:
    """Write the export workbook (and optionally the CSV files and the REDCap import
    bundle, :mod:`msct_crf.reporting.redcap`, into the folder ``redcap_dir``).

    No output may be the study file or any SQLite database, nor two outputs the same file;
    an existing file is replaced only with ``overwrite`` (the person confirmed it).

    ``actor`` is the logged-in person once the study has accounts (msct_crf.access):
    exporting needs the export permission, identifying fields the export-identifying one
    (administrators) and the audit trail sheet the view-audit one. In single-user mode
    (no administrator account yet) ``user`` alone names who exported.

    Raises ExportCancelled when ``cancelled()`` turns true (nothing is left behind),
    ExportError for bad options or an unwritable target, PermissionDenied when the role
    may not, DatabaseError when the database cannot be read or the audit row written.
    """
    user = _authorize(store, actor, user, options)
    target = _check_target(Path(out_path))
    _check_outputs(store, target, options, csv_dir, redcap_dir, overwrite)
    started = time.perf_counter()
    steps = _Steps(progress, cancelled)
    moment = clock.now()
    streaming = STREAM_SHEETS and csv_dir is None and redcap_dir is None
    fd, part_name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=".xlsx.part", dir=target.parent
    )
    os.close(fd)
    part = Path(part_name)
    written: list[Path] = []
    try:
        with snapshot(store) if streaming else contextlib.nullcontext() as cursor:
            steps.report(0, "Reading the database")
            data = load_study(
                store, options, today=moment.astimezone().date(), check=steps.check, cursor=cursor
            )
            writer = _write_read_study(store, part, target, data, moment, user, steps)
        data.stream = None  # the snapshot is closed
        steps.check()
        if redcap_dir is not None:
            steps.report(98, "Writing the REDCap import bundle")
        csv_files, redcap_files = _write_companions(
            data, csv_dir, redcap_dir, written, moment, steps.check
        )
        steps.report(99, "Recording the export in the audit trail")
        what = _what(target.name, csv_files, csv_dir, redcap_dir)
        publish_audited(store, user, what, options, part, target, head=data.head_hash, actor=actor)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    steps.report(100, "Done")
    return ExportReport(
        path=target,
        sheets=list(writer.sheet_rows),
        rows=dict(writer.sheet_rows),
        subjects=len(data.subjects),
        seconds=time.perf_counter() - started,
        head_hash=data.head_hash,
        csv_files=csv_files,
        redcap_dir=Path(redcap_dir) if redcap_dir is not None else None,
        redcap_files=redcap_files,
    )


def export_csv(
    store: Store,
    directory: Path | str | None,
    options: ExportOptions,
    *,
    user: str,
    redcap_dir: Path | str | None = None,
    actor: Actor | None = None,
    overwrite: bool = False,
) -> ExportReport:
    """CSV files (and the REDCap import bundle; or the bundle alone, ``directory`` None)
    without a workbook; audited like any export. The outputs are checked like
    :func:`export_workbook`'s; a failure takes back every file already written."""
    user = _authorize(store, actor, user, options)
    _check_outputs(store, None, options, directory, redcap_dir, overwrite)
    started = time.perf_counter()
    moment = clock.now()
    data: StudyData = load_study(store, options, today=moment.astimezone().date())
    written: list[Path] = []
    try:
        files, redcap_files = _write_companions(data, directory, redcap_dir, written, moment)
        what = _what("", files, directory, redcap_dir)
        _audit_export(store, user, what, options, head=data.head_hash, actor=actor)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return ExportReport(
        path=None,
        sheets=[],
        rows={},
        subjects=len(data.subjects),
        seconds=time.perf_counter() - started,
        head_hash=data.head_hash,
        csv_files=files,
        redcap_dir=Path(redcap_dir) if redcap_dir is not None else None,
        redcap_files=redcap_files,
    )


def xlsx_errors() -> type[Exception]:
    from xlsxwriter.exceptions import XlsxWriterException

    error: type[Exception] = XlsxWriterException
    return error
