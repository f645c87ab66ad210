"""`msct-crf casebook`: one subject's PDF casebook from the shell, headless.

The module stays light: ReportLab is imported inside the handler (by
msct_crf.reporting.casebook's writer), so registering the command costs nothing when the
app starts through the same CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from msct_crf.tools import cli_auth

LANGUAGES = ("en", "zh")


def _cmd_casebook(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.reporting.casebook import make_casebook
    from msct_crf.storage.store import Store
    from msct_crf.study.units import UnitSystem

    with (
        Store.open_path(Path(args.db), create=False) as store,
        cli_auth.logged_in(store, args, Permission.EXPORT) as actor,
    ):
        quiet = args.quiet or not sys.stderr.isatty()

        def progress(percent: int, message: str) -> None:
            if not quiet:
                print(f"\r{percent:3d}% {message:<45}", end="", file=sys.stderr, flush=True)

        try:
            report = make_casebook(
                store,
                args.subject,
                Path(args.out),
                user=args.user,
                actor=actor,
                language=args.language,
                units=UnitSystem(args.units),
                include_identifying=args.identifying,
                progress=progress,
                overwrite=args.force,
            )
        finally:
            if not quiet:
                print(file=sys.stderr)
    print(f"ok: {report.text()}")
    return 0


def register(subparsers: Any) -> None:
    casebook = subparsers.add_parser(
        "casebook",
        help="write one subject's casebook as a PDF (values, status, signatures, queries)",
        description="Write the casebook of one subject as a PDF: every form with its fields, "
        "values, units and missing-data codes, its status, signatures (voided ones marked) "
        "and queries, and on every page a footer with the subject, form, page, export time "
        "and audit head. The casebook is an audited export.",
    )
    casebook.add_argument("--db", required=True, help="study database file")
    casebook.add_argument("--subject", required=True, metavar="SUBJID", help="e.g. GZH-003")
    casebook.add_argument("--out", required=True, help="PDF file to write (FILE.pdf)")
    casebook.add_argument("--language", choices=LANGUAGES, default="en", help="label language")
    casebook.add_argument(
        "--units",
        choices=("si", "conventional"),
        default="si",
        help="units of lab values (SI as stored, or conventional)",
    )
    casebook.add_argument(
        "--identifying", action="store_true", help="include identifying fields (hospital number)"
    )
    casebook.add_argument(
        "--force",
        action="store_true",
        help="replace the PDF if it exists (never the study or another database)",
    )
    cli_auth.add_user_arguments(casebook)
    casebook.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    casebook.set_defaults(handler=_cmd_casebook)
