"""`msct-crf export`: the export workbook (and CSV files, REDCap dictionary) from the shell.

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


def _cmd_export(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.errors import UserError
    from msct_crf.reporting.export.api import export_workbook
    from msct_crf.reporting.export.options import ExportOptions
    from msct_crf.storage.db.engine import sqlite_url
    from msct_crf.storage.store import Store

    if not args.out.lower().endswith(".xlsx"):
        raise UserError(f"--out: the workbook file must end in .xlsx, got {args.out!r}")
    options = ExportOptions(
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
    # a file, or a database URL (the coordinating centre's pooled database)
    url = args.db if "://" in args.db else sqlite_url(Path(args.db))
    with (
        Store.open(url, create=False) as store,
        cli_auth.logged_in(store, args, Permission.EXPORT) as actor,
    ):
        quiet = args.quiet or not sys.stderr.isatty()

        def progress(percent: int, message: str) -> None:
            if not quiet:
                print(f"\r{percent:3d}% {message:<45}", end="", file=sys.stderr, flush=True)

        try:
            report = export_workbook(
                store,
                Path(args.out),
                options,
                user=args.user,
                progress=progress,
                csv_dir=args.csv_dir,
                redcap_path=args.redcap,
                actor=actor,
                overwrite=args.force,
            )
        finally:
            if not quiet:
                print(file=sys.stderr)
    print(f"ok: {report.text()}")
    return 0


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write the Excel workbook (summary, wide, long sheets, flow, AEs, deviations)",
        description="Export the study to an Excel workbook a PI can send, optionally with one "
        "CSV file per form and a REDCap-style data dictionary. The export is audited.",
    )
    export.add_argument(
        "--db", required=True, help="study database file (or the coordinating centre's URL)"
    )
    export.add_argument("--out", required=True, help="workbook to write (FILE.xlsx)")
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
    export.add_argument("--redcap", metavar="FILE", help="also write a REDCap data dictionary")
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
