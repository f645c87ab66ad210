"""The `msct-crf` command line. No arguments starts the desktop app, through the
`start_gui` callback that the entry point above both layers passes in (ui.launch): the core
never imports the GUI.

Every command answers bad input (a missing file, not a database, a newer schema, bad
arguments) with one clear line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from msct_crf.errors import UserError
from msct_crf.tools.arguments import positive_int

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"msct-crf: {message} (see msct-crf --help)\n")


def one_line(message: object, limit: int = 400) -> str:
    """A message as one line: SQLite's multi-line reports (integrity_check) keep their
    first problem lines, joined with "; ", and very long text is cut."""
    lines = [line.strip() for line in str(message).splitlines()]
    text = "; ".join(line for line in lines if line and not line.startswith("***"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cmd_demo(args: argparse.Namespace) -> int:
    from msct_crf.tools.demo import create_demo

    summary = create_demo(
        args.db, user=args.user, overwrite=args.force, with_accounts=args.with_accounts
    )
    print(summary)
    return EXIT_OK


def _verify_checks(args: argparse.Namespace) -> list[Any]:
    """A coordinating centre's database (its URL, or a file marked so) gets the centre's
    checks, one chain per site; anything else what verify_location checks."""
    from msct_crf.storage.server_verify import verify_location
    from msct_crf.tools.central_commands import database_url, is_centre_location

    if is_centre_location(args.db):
        from msct_crf.exchange.centre_verify import verify_centre_url

        return verify_centre_url(database_url(args.db))
    return verify_location(args.db, backup_dirs=args.backups or ())


def _cmd_verify(args: argparse.Namespace) -> int:
    from msct_crf.storage.db.engine import is_server_url, masked_url

    checks = _verify_checks(args)
    where = masked_url(args.db) if "://" in args.db or is_server_url(args.db) else args.db
    failed = [c for c in checks if not c.ok]
    for check in checks if args.verbose else []:
        print(one_line(f"{check.name}: {'ok' if check.ok else 'FAILED'} - {check.detail}"))
    for check in failed:  # one line per finding
        print(one_line(f"msct-crf verify: {check.name} failed: {check.detail}"), file=sys.stderr)
    if not failed:
        names = ("audit_chain", "reconcile", "packages")
        summary = [c.detail for c in checks if c.name in names]
        print(one_line(f"ok: {where} - " + "; ".join(summary)))
    for check in [] if args.verbose else [c for c in checks if c.warning or c.name == "backups"]:
        print(one_line(f"{'warning' if check.warning else check.name}: {check.detail}"))
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_scale(args: argparse.Namespace) -> int:
    from msct_crf.tools.scale import create_scale_study

    summary = create_scale_study(
        args.db,
        subjects=args.subjects,
        seed=args.seed,
        overwrite=args.force,
        site=args.site,
        study_id=args.study,
    )
    print(summary)
    return EXIT_OK


#: Starts the desktop app with (database, user); given by the entry point (ui.launch).
GuiStarter = Callable[[str | None, str | None], int]


def _no_gui(database: str | None, user: str | None) -> int:
    print(
        "msct-crf: the desktop app is not available from here; run `msct-crf` "
        "(or choose a command: see msct-crf --help)",
        file=sys.stderr,
    )
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="msct-crf",
        description="MSC-CRF: electronic case report form for "
        "MSC transplantation in autoimmune-liver-disease cirrhosis.",
    )
    parser.add_argument(
        "--db",
        help="database file, or a clinic server's URL (postgresql+psycopg://USER@HOST/DB), "
        "to open in the app (default: per-user file)",
    )
    parser.add_argument("--user", help="user name for the audit trail")
    parser.set_defaults(handler=None)
    commands: Any = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="create the 26-subject demo study")
    demo.add_argument(
        "--db", required=True, help="database file to create, or a new empty server database's URL"
    )
    demo.add_argument("--user", default="demo", help="user recorded in the audit trail")
    demo.add_argument("--force", action="store_true", help="replace an existing file")
    demo.add_argument(
        "--with-accounts",
        action="store_true",
        help="add four demo accounts (password Demo-2026!) and the verify/sign/lock lifecycle",
    )
    demo.set_defaults(handler=_cmd_demo)

    verify = commands.add_parser(
        "verify", help="check integrity, foreign keys, the audit chain and the data against it"
    )
    verify.add_argument(
        "--db",
        required=True,
        help="database file or server URL to check (or the coordinating centre's URL)",
    )
    verify.add_argument("-v", "--verbose", action="store_true", help="print every check")
    verify.add_argument(
        "--backups",
        action="append",
        metavar="DIR",
        help="also check the backups in DIR (repeatable; the study's own backup folder always)",
    )
    verify.set_defaults(handler=_cmd_verify)

    scale = commands.add_parser("scale", help="create a large synthetic study for benchmarks")
    scale.add_argument(
        "--db", required=True, help="database file to create, or a new empty server database's URL"
    )
    scale.add_argument("--subjects", type=positive_int, default=10_000)
    scale.add_argument("--seed", type=int, default=20170101)
    scale.add_argument("--force", action="store_true", help="replace an existing file")
    scale.add_argument("--site", help="one site for every subject (a site file): its code")
    scale.add_argument("--study", help="the study ID (protocol number, e.g. MSCT-2026-01)")
    scale.set_defaults(handler=_cmd_scale)

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


#: Commands contributed by other modules (export, backup, restore): each adds its subparser.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


def _register_extra_commands() -> None:
    from msct_crf.tools import commands

    _EXTRA_COMMANDS[:] = commands.REGISTRARS


def main(argv: Sequence[str] | None = None, *, start_gui: GuiStarter = _no_gui) -> int:
    """Run one command (or, with none, `start_gui`); returns the exit status."""
    _register_extra_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.handler is None:
            return int(start_gui(args.db, args.user))
        return int(args.handler(args))
    except UserError as exc:
        print(one_line(f"msct-crf: {exc}"), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("msct-crf: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        text = f"msct-crf: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        print(one_line(text), file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
