"""`msct-crf init` (a site's study file: its study and site), `msct-crf package` (the
site's next package for the coordinating centre) and `msct-crf import` (the centre's return
package: its queries). The exchange code is imported when a
command runs, so registering them costs nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from msct_crf.tools import cli_auth


def _cmd_init(args: argparse.Namespace) -> int:
    """A new file needs nobody; a study with accounts, an account that may change study
    settings (its administrator), logged in for the change."""
    from msct_crf.access import Permission
    from msct_crf.exchange.site_package import init_site
    from msct_crf.storage.store import Store
    from msct_crf.storage.study_identity import file_has_accounts

    path = Path(args.db)
    names = {"name": args.site_name, "name_zh": args.site_name_zh, "registry": args.registry}
    if not file_has_accounts(path):
        print(init_site(path, args.site, args.study, **names))
        return 0
    with (
        Store.open_path(path, create=False) as store,
        cli_auth.logged_in(store, args, Permission.SETTINGS) as actor,
    ):
        user = cli_auth.audit_name(args, actor)
        print(init_site(path, args.site, args.study, **names, user=user))
    return 0


def _cmd_package(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.errors import UserError
    from msct_crf.exchange.site_package import write_package
    from msct_crf.storage.store import Store

    with Store.open_path(Path(args.db), create=False) as store:
        if not cli_auth.has_accounts(store):
            raise UserError(
                "package: a package is signed with an account's key; this study has no "
                "accounts yet (msct-crf user add --role admin ...)"
            )
        with cli_auth.logged_in(store, args, Permission.EXPORT) as actor:
            assert actor is not None
            report = write_package(store, actor, Path(args.out), full=args.full)
    print(f"ok: {report.text()}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from msct_crf.access import Permission
    from msct_crf.errors import UserError
    from msct_crf.exchange.returns import import_return
    from msct_crf.storage.store import Store

    with Store.open_path(Path(args.db), create=False) as store:
        if not cli_auth.has_accounts(store):
            raise UserError("import: this study has no accounts; a query needs a person")
        with cli_auth.logged_in(store, args, Permission.RAISE_QUERY) as actor:
            assert actor is not None
            for name in args.packages:
                path = Path(name)
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
                print(import_return(store, actor, data, path.name).text())
    return 0


def register(subparsers: Any) -> None:
    init = subparsers.add_parser(
        "init",
        help="make a site's study file: its study ID and its one site",
        description="Create the study file of one site (or give an existing file without a "
        "site its site). Subject IDs carry the site code; packages name both.",
    )
    init.add_argument("--db", required=True, help="the site's database file")
    init.add_argument("--site", required=True, help="the site code (2-6 capital letters/digits)")
    init.add_argument("--study", required=True, help="the study ID (protocol number)")
    init.add_argument("--site-name", help="the site's name (registers the site in the file)")
    init.add_argument("--site-name-zh", help="the site's name in Chinese")
    init.add_argument(
        "--registry",
        metavar="URL",
        help="the coordinating centre's database (URL or file): the site's name as registered",
    )
    cli_auth.add_user_arguments(init, what="the audit trail (a study with accounts: its admin)")
    init.set_defaults(handler=_cmd_init)

    package = subparsers.add_parser(
        "package",
        help="write the site's next package for the coordinating centre",
        description="Write SITE-NNNN.msctpkg into DIR: every audit event since the previous "
        "package (or all with --full), the records they produce, signatures and queries, "
        "signed with your key.",
    )
    package.add_argument("--db", required=True, help="the site's database file")
    package.add_argument("--out", required=True, help="folder (or USB stick) to write to")
    package.add_argument("--full", action="store_true", help="everything, not only what is new")
    cli_auth.add_user_arguments(package)
    package.set_defaults(handler=_cmd_package)

    imp = subparsers.add_parser(
        "import",
        help="import the coordinating centre's return package (its queries) into a site file",
    )
    imp.add_argument("--db", required=True, help="the site's database file")
    imp.add_argument("packages", nargs="+", metavar="PKG", help="SITE-RNNNN.msctret files")
    cli_auth.add_user_arguments(imp)
    imp.set_defaults(handler=_cmd_import)
