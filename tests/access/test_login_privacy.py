# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""A password typed into the user-name box never reaches the audit trail or an export.

Issue 10: a failed login stored the typed user name verbatim; with --audit it was exported.
A name that has no account is now audited as access.UNKNOWN_USER.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from export_readback import all_cell_text
from trust_factory import ADMIN_PW, accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.access import AuthenticationError
from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.storage.store import Store

SECRET = "Tr0ub4dor&3-typed-in-the-wrong-box"


def _audit_text(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute("SELECT * FROM audit_log").fetchall()
    finally:
        connection.close()
    return "\n".join(str(value) for row in rows for value in row)


def test_an_unknown_user_name_is_not_stored(
    store: Store, db_path: Path, accounts: dict, tmp_path: Path
) -> None:
    for typed in (SECRET, f"  {SECRET}  ", SECRET.upper()):
        with pytest.raises(AuthenticationError, match="Wrong user name or password"):
            access.login(store, typed, ADMIN_PW)
    text = _audit_text(db_path)
    assert SECRET.casefold() not in text.casefold()
    assert text.count(access.UNKNOWN_USER) == 3
    # ... nor does it reach an export of the audit trail
    out = tmp_path / "with-audit.xlsx"
    export_workbook(
        store, out, ExportOptions(include_audit=True), user="admin", actor=accounts["admin"]
    )
    exported = all_cell_text(out)
    assert access.UNKNOWN_USER in exported
    assert SECRET.casefold() not in exported.casefold()


def test_a_known_user_with_a_wrong_password_is_still_named(
    store: Store, db_path: Path, accounts: dict
) -> None:
    with pytest.raises(AuthenticationError):
        access.login(store, "nurse1", SECRET)
    text = _audit_text(db_path)
    assert "nurse1" in text and "wrong password" in text
    assert SECRET not in text
