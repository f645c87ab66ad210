"""`msct-crf central init|add-site|import|status|raise-query|queries --url URL`: the
coordinating centre.

URL is a database URL (``postgresql+psycopg://user@host/db`` or ``sqlite:///centre.db``);
a plain file path is taken as an SQLite file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from msct_crf.tools import cli_auth


def database_url(text: str) -> str:
    """A URL as given, or a file path made into an SQLite URL."""
    from msct_crf.storage.db.engine import sqlite_url

    return text if "://" in text else sqlite_url(text)


def is_centre_location(text: str) -> bool:
    """Whether a ``--db`` names a coordinating centre's database, read without writing
    (False for anything that cannot be read: the ordinary verify then says why)."""
    from msct_crf.storage import study_identity

    if "://" not in text:
        return study_identity.is_centre_file(Path(text))
    from sqlalchemy import create_engine
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text as sql

    try:
        engine = create_engine(text)
    except (sa_exc.ArgumentError, ImportError):
        return False
    try:
        with engine.connect() as connection:
            value = connection.execute(
                sql("SELECT value FROM study_setting WHERE key = :key"),
                {"key": study_identity.ROLE_KEY},
            ).scalar()
    except sa_exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return value == study_identity.CENTRE


def _cmd_init(args: argparse.Namespace) -> int:
    from msct_crf.exchange.centre import init_centre

    passwords = cli_auth.Passwords(args.password_stdin)
    print(
        init_centre(
            database_url(args.url),
            args.study,
            lambda: passwords.new("Passphrase of the new centre key"),
        )
    )
    return 0


def _cmd_add_site(args: argparse.Namespace) -> int:
    from msct_crf.exchange.centre import add_site, open_centre

    with open_centre(database_url(args.url)) as store:
        changed = add_site(store, args.site, args.name, args.name_zh, user=args.user)
    print(f"ok: site {args.site} {'registered' if changed else 'unchanged'}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from msct_crf.exchange.centre import import_files, open_centre

    with open_centre(database_url(args.url)) as store:
        for line in import_files(store, [Path(p) for p in args.packages], user=args.user):
            print(line)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from msct_crf.exchange import centre_key
    from msct_crf.exchange.centre import open_centre, status

    with open_centre(database_url(args.url)) as store:
        rows = status(store)
        with store.reading() as session:
            public = centre_key.centre_public_key(session)
    print(f"{'site':<6} {'package':>7} {'subjects':>8} {'queries':>7}  last sent")
    for row in rows:
        number = f"{row.last_package:04d}" if row.last_package is not None else "-"
        sent = row.last_sent or "never"
        print(f"{row.code:<6} {number:>7} {row.subjects:>8} {row.open_queries:>7}  {sent}")
    if public is None:
        print("centre key: none yet (run msct-crf central init to make it)")
    else:  # what each site admin compares with what their first import printed
        print(f"centre key: {centre_key.fingerprint(public)}")
    return 0


def _cmd_raise_query(args: argparse.Namespace) -> int:
    from msct_crf.exchange.centre import open_centre
    from msct_crf.exchange.returns import find_record, raise_centre_query

    with open_centre(database_url(args.url)) as store:
        form = args.form.upper()
        record = find_record(
            store, subject=args.subject, form=form, visit=args.visit, record=args.record
        )
        number = raise_centre_query(
            store,
            form=form,
            record_id=record,
            field=args.field.upper() if args.field else None,
            text=args.text,
            user=args.user,
        )
    print(f"ok: centre query C{number} raised; it goes out with the site's next return package")
    return 0


def _cmd_queries(args: argparse.Namespace) -> int:
    from msct_crf.exchange.centre import open_centre
    from msct_crf.exchange.returns import write_return

    with open_centre(database_url(args.url)) as store:
        passwords = cli_auth.Passwords(args.password_stdin)
        path = write_return(
            store,
            args.site,
            Path(args.out),
            user=args.user,
            passphrase=lambda: passwords.existing("Passphrase of the centre key"),
        )
    print(f"ok: {path} written" if path else f"ok: no new queries for site {args.site}")
    return 0


def register(subparsers: Any) -> None:
    central = subparsers.add_parser(
        "central",
        help="the coordinating centre: init, add-site, import, status, raise-query, queries",
    )
    commands = central.add_subparsers(title="central commands", metavar="COMMAND", required=True)

    init = commands.add_parser("init", help="create or migrate the centre's database")
    init.add_argument("--url", required=True, help="database URL (postgresql+psycopg://...)")
    init.add_argument("--study", required=True, help="the study ID (protocol number)")
    init.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new centre key's passphrase from standard input (asked for only when "
        "the centre has no key yet)",
    )
    init.set_defaults(handler=_cmd_init)

    add = commands.add_parser("add-site", help="register a site (or rename one)")
    add.add_argument("--url", required=True, help="the centre's database URL")
    add.add_argument("--site", required=True, help="site code: 2-6 capital letters or digits")
    add.add_argument("--name", required=True, help="the site's name")
    add.add_argument("--name-zh", help="the site's name in Chinese")
    add.add_argument("--user", default=cli_auth.default_user(), help="who registers it")
    add.set_defaults(handler=_cmd_add_site)

    imp = commands.add_parser("import", help="import site packages (each in one transaction)")
    imp.add_argument("--url", required=True, help="the centre's database URL")
    imp.add_argument("packages", nargs="+", metavar="PKG", help="SITE-NNNN.msctpkg files")
    imp.add_argument("--user", default=cli_auth.default_user(), help="who imports them")
    imp.set_defaults(handler=_cmd_import)

    query = commands.add_parser("raise-query", help="raise a query on a pooled record")
    query.add_argument("--url", required=True, help="the centre's database URL")
    query.add_argument("--form", required=True, help="form code (ENROL, EX, VIS, ...)")
    query.add_argument("--subject", required=True, help="the subject ID, e.g. GZH-001")
    query.add_argument("--visit", help="the visit code of a VIS record, e.g. M6")
    query.add_argument("--record", type=int, help="the record's id at the centre")
    query.add_argument("--field", help="field code (default: the whole record)")
    query.add_argument("--text", required=True, help="the question")
    query.add_argument("--user", default=cli_auth.default_user(), help="the monitor")
    query.set_defaults(handler=_cmd_raise_query)

    back = commands.add_parser("queries", help="write a site's return package (queries back)")
    back.add_argument("--url", required=True, help="the centre's database URL")
    back.add_argument("--site", required=True, help="the site code")
    back.add_argument("--out", required=True, help="folder to write SITE-RNNNN.msctret to")
    back.add_argument("--user", default=cli_auth.default_user(), help="who sends it")
    back.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the centre key's passphrase from standard input (it signs the package)",
    )
    back.set_defaults(handler=_cmd_queries)

    stat = commands.add_parser("status", help="sites, last package, subjects, open queries")
    stat.add_argument("--url", required=True, help="the centre's database URL")
    stat.set_defaults(handler=_cmd_status)
