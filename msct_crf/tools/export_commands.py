"""`msct-crf export`: the workbook, the ODM file, CSV files, REDCap bundle from the shell.

The module stays light: pandas, scipy and XlsxWriter are imported inside the handler, so
registering the command costs nothing when the app starts through the same CLI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from msct_crf.reporting.export.options import FORM_ORDER, LANGUAGES
from msct_crf.tools import cli_auth


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, got {text!r}") from None


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _flatten(values: list[list[str]] | None, upper: bool = True) -> tuple[str, ...]:
    out: list[str] = []
    for group in values or []:
        out += [v.upper() if upper else v for v in group]
    return tuple(out)


#: The outputs `export` can write; it needs at least one.
OUTPUT_OPTIONS = "--out FILE.xlsx, --odm FILE.xml, --redcap-dir DIR or --csv-dir DIR"


def _check_outputs_named(args: argparse.Namespace) -> None:
    """At least one output, each of the right kind, before the database is opened."""
    from msct_crf.errors import UserError
    from msct_crf.reporting.odm import check_odm_target

    if args.old_redcap is not None:
        raise UserError(
            "--redcap: replaced by --redcap-dir DIR, a folder for the REDCap import bundle"
        )
    if args.odm_history and args.odm is None:
        raise UserError("--odm-history: give the ODM file with --odm FILE.xml")
    if not any([args.out, args.odm, args.redcap_dir, args.csv_dir]):
        raise UserError(f"export: name at least one output: {OUTPUT_OPTIONS}")
    if args.out is not None and not args.out.lower().endswith(".xlsx"):
        raise UserError(f"--out: the workbook file must end in .xlsx, got {args.out!r}")
    if args.odm is not None:
        check_odm_target(Path(args.odm))


def _options(args: argparse.Namespace) -> Any:
    from msct_crf.reporting.export.options import ExportOptions

    return ExportOptions(
        forms=_flatten(args.forms),
        sites=_flatten(args.sites),
        subjects=_flatten(args.subjects),
        date_from=args.date_from,
        date_to=args.date_to,
        language=args.language,
        units=args.units,
        include_identifying=args.identifying,
        include_audit=args.audit,
    )


def _check_odm_apart(store: Any, args: argparse.Namespace, options: Any) -> None:
    """The ODM file is none of the other outputs' files (each export checks its own)."""
    from msct_crf.reporting.export.csv import csv_names
    from msct_crf.storage import outputs

    if args.odm is None:
        return
    wanted = [outputs.Output("odm", Path(args.odm))]
    if args.out is not None:
        wanted.append(outputs.Output("out", Path(args.out)))
    if args.csv_dir is not None:
        names = csv_names(options.selected_forms)
        wanted += outputs.files_in("csv-dir", Path(args.csv_dir), names)
    if args.redcap_dir is not None:
        from msct_crf.reporting.redcap import BUNDLE_FILES

        wanted += outputs.files_in("redcap-dir", Path(args.redcap_dir), BUNDLE_FILES)
    outputs.check_outputs(wanted, study=store.path, force=True)


def _cmd_export(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.reporting.export.api import export_csv, export_workbook
    from msct_crf.reporting.odm import export_odm
    from msct_crf.storage.store import Store

    _check_outputs_named(args)
    options = _options(args)
    texts: list[str] = []
    with (
        Store.open_location(args.db, create=False) as store,
        cli_auth.logged_in(store, args, Permission.EXPORT) as actor,
    ):
        _check_odm_apart(store, args, options)
        quiet = args.quiet or not sys.stderr.isatty()

        def progress(percent: int, message: str) -> None:
            if not quiet:
                print(f"\r{percent:3d}% {message:<45}", end="", file=sys.stderr, flush=True)

        try:
            if args.out is not None:
                report = export_workbook(
                    store,
                    Path(args.out),
                    options,
                    user=args.user,
                    progress=progress,
                    csv_dir=args.csv_dir,
                    redcap_dir=args.redcap_dir,
                    actor=actor,
                    overwrite=args.force,
                )
                texts.append(report.text())
            elif args.csv_dir is not None or args.redcap_dir is not None:
                report = export_csv(
                    store,
                    Path(args.csv_dir) if args.csv_dir is not None else None,
                    options,
                    user=args.user,
                    redcap_dir=args.redcap_dir,
                    actor=actor,
                    overwrite=args.force,
                )
                texts.append(report.text())
            if args.odm is not None:
                odm = export_odm(
                    store,
                    Path(args.odm),
                    options,
                    user=args.user,
                    history=args.odm_history,
                    progress=progress,
                    actor=actor,
                    overwrite=args.force,
                )
                texts.append(odm.text())
        finally:
            if not quiet:
                print(file=sys.stderr)
    for text in texts:
        print(f"ok: {text}")
    return 0


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the Excel workbook (summary, wide, long sheets, flow, AEs, deviations)",
        description="Export the study to an Excel workbook a PI can send, a CDISC ODM 1.3.2 "
        "file, one CSV file per form and a REDCap import bundle: any one or more of "
        f"{OUTPUT_OPTIONS}. Every export is audited.",
    )
    export.add_argument("--db", required=True, help="study database file or server URL")
    export.add_argument("--out", help="workbook to write (FILE.xlsx)")
    export.add_argument(
        "--odm",
        metavar="FILE",
        help="write a CDISC ODM 1.3.2 file (FILE.xml; a Snapshot unless --odm-history)",
    )
    export.add_argument(
        "--odm-history",
        action="store_true",
        help="make the ODM file Transactional: every change of the audit trail, in order",
    )
    export.add_argument(
        "--forms",
        nargs="+",
        type=_codes,
        metavar="FORM",
        help=f"forms whose long sheets to write (default all): {' '.join(FORM_ORDER)}",
    )
    export.add_argument(
        "--sites", nargs="+", type=_codes, metavar="SITE", help="only these sites (e.g. GZH NJG)"
    )
    export.add_argument(
        "--subjects",
        nargs="+",
        type=_codes,
        metavar="SUBJID",
        help="only these subjects (e.g. GZH-001 GZH-002)",
    )
    export.add_argument(
        "--from",
        dest="date_from",
        type=_date,
        metavar="DATE",
        help="keep records dated on or after DATE (YYYY-MM-DD)",
    )
    export.add_argument(
        "--to",
        dest="date_to",
        type=_date,
        metavar="DATE",
        help="keep records dated on or before DATE (YYYY-MM-DD)",
    )
    export.add_argument("--language", choices=LANGUAGES, default="en", help="label language")
    export.add_argument(
        "--units", choices=("si", "conventional"), default="si", help="units of lab values"
    )
    export.add_argument("--csv-dir", metavar="DIR", help="also write one CSV per form here")
    export.add_argument(
        "--redcap-dir",
        metavar="DIR",
        help="also write a REDCap import bundle here (dictionary, events, records, README)",
    )
    # the old dictionary-only option: refused by name (argparse would take it for an
    # abbreviation of --redcap-dir and make a folder named like the old CSV file)
    export.add_argument("--redcap", dest="old_redcap", help=argparse.SUPPRESS)
    export.add_argument("--audit", action="store_true", help="add the Audit trail sheet")
    export.add_argument(
        "--identifying", action="store_true", help="include identifying fields (hospital number)"
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace output files that exist (never the study or another database)",
    )
    cli_auth.add_user_arguments(export)
    export.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    export.set_defaults(handler=_cmd_export)
