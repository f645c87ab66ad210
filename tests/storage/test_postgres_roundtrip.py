"""A study on a clinic's PostgreSQL server through the commands a user runs: saved through
the write path, `msct-crf verify --db URL` (every check, on a snapshot of the server's rows),
`msct-crf export --db URL`, a backup refused with the reason, and the URL's password never
printed."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import make_url
from study_factory import build_small_study
from trust_factory import ADMIN_PW, fast_hasher  # noqa: F401  (autouse: quick argon2id)

from msct_crf import access
from msct_crf.errors import UserError
from msct_crf.storage import audit
from msct_crf.storage.db.engine import is_server_url, masked_url
from msct_crf.storage.server_verify import SERVER_BACKUPS, SERVER_INTEGRITY, verify_location
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main
from msct_crf.workflow import backup, records

#: Trust authentication ignores it, so it only has to stay out of every message.
SECRET = "s3cret-Pa55"


@pytest.fixture
def server_url(pg_store: Store) -> str:
    """The URL of a migrated study on the server, with a password in it."""
    url = make_url(pg_store.engine.url.render_as_string(hide_password=False))
    return url.set(password=SECRET).render_as_string(hide_password=False)


def test_server_urls_are_told_from_files_and_masked(server_url: str, tmp_path: Path) -> None:
    assert is_server_url(server_url)
    assert not is_server_url(tmp_path / "study.db")
    assert not is_server_url(f"sqlite:///{tmp_path / 'study.db'}")
    assert SECRET not in masked_url(server_url) and "***" in masked_url(server_url)
    with Store.open_location(server_url) as store:
        assert store.is_server and store.path is None
        assert SECRET not in store.url


def test_save_verify_export_round_trip(
    pg_store: Store, server_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small = build_small_study(pg_store)
    with pg_store.reading() as session:
        assert audit.verify(session).ok
    checks = verify_location(server_url)
    failed = [c for c in checks if not c.ok]
    assert failed == [], failed
    by_name = {c.name: c for c in checks}
    assert by_name["integrity_check"].detail == SERVER_INTEGRITY
    assert by_name["backups"].detail == SERVER_BACKUPS
    assert "append-only" in by_name["audit_triggers"].detail
    assert by_name["reconcile"].ok and "record" in by_name["reconcile"].detail

    assert cli_main(["verify", "--db", server_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: postgresql+psycopg://msct:***@127.0.0.1")
    assert "chain intact" in out

    workbook = tmp_path / "server.xlsx"
    code = cli_main(
        ["export", "--db", server_url, "--out", str(workbook), "--user", "pi", "--quiet"]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "ok: exported 6 subjects" in captured.out
    sheets = openpyxl.load_workbook(workbook, read_only=True)
    try:
        assert "Visits" in sheets.sheetnames
    finally:
        sheets.close()
    assert records.list_subjects(pg_store) == sorted(small.all)
    with pg_store.reading() as session:
        exports = [e for e in audit_rows(session) if e[0] == "export"]
    assert len(exports) == 1 and SECRET not in str(exports)
    assert cli_main(["verify", "--db", server_url]) == 0, capsys.readouterr().err
    assert SECRET not in capsys.readouterr().out


def audit_rows(session) -> list[tuple[str, str | None, str | None]]:
    from sqlalchemy import select

    from msct_crf.storage.db.models import AuditEntry

    query = select(AuditEntry.action, AuditEntry.new_value, AuditEntry.reason)
    return [tuple(row) for row in session.execute(query.order_by(AuditEntry.id))]


def test_verify_finds_a_row_altered_behind_the_app(
    pg_store: Store, server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    build_small_study(pg_store)
    with pg_store.engine.begin() as connection:  # a superuser can switch the trigger off
        connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        connection.exec_driver_sql("UPDATE audit_log SET new_value = '99' WHERE id = 5")
    failed = {c.name: c.detail for c in verify_location(server_url) if not c.ok}
    assert failed["audit_chain"] == "audit row 5: hash does not match its content (altered)"
    assert "audit_log_no_update is missing on the server" in failed["audit_triggers"]
    assert cli_main(["verify", "--db", server_url]) == 1
    err = capsys.readouterr().err
    assert "audit_chain failed: audit row 5" in err and SECRET not in err


def test_backups_are_refused_with_the_reason(
    pg_store: Store, server_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UserError, match="pg_dump"):
        backup.backup_database(pg_store, tmp_path, user="admin")
    assert cli_main(["backup", "--db", server_url, "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert "administrator backs it up" in err and "pg_dump" in err and SECRET not in err
    assert cli_main(["restore", "--db", server_url, "--from", str(tmp_path / "x.db")]) == 1
    assert "pg_restore" in capsys.readouterr().err


def test_a_missing_database_or_server_is_one_clear_line(
    pg_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = make_url(pg_server).set(database="no_such_study", password=SECRET)
    url = missing.render_as_string(hide_password=False)
    assert cli_main(["verify", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "does not exist on the server" in err and SECRET not in err
    closed = make_url(url).set(port=1, database="postgres").render_as_string(hide_password=False)
    assert cli_main(["export", "--db", closed, "--out", "x.xlsx", "--user", "pi"]) == 1
    err = capsys.readouterr().err
    assert "Cannot reach the database server" in err and SECRET not in err
    assert err.count("\n") == 1


def test_the_export_reads_one_snapshot_on_the_server(pg_store: Store) -> None:
    """READ COMMITTED would let each of the export's queries see newer saves."""
    from msct_crf.reporting.export.load import snapshot

    with snapshot(pg_store) as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "repeatable read"
        cursor.execute("SHOW transaction_read_only")
        assert cursor.fetchone()[0] == "on"


def test_accounts_are_managed_on_the_server(
    pg_store: Store,
    server_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PW + "\n"))
    argv = ["user", "add", "--db", server_url, "--username", "admin"]
    assert cli_main([*argv, "--full-name", "Ada Admin", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN_PW + "\n"))
    argv = ["user", "list", "--db", server_url, "--as", "admin", "--password-stdin"]
    assert cli_main(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "Ada Admin" in out and SECRET not in out
    assert access.login(pg_store, "admin", ADMIN_PW).role == "admin"
