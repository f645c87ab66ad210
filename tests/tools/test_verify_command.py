"""`msct-crf verify` on a tampered study: one line per finding on stderr, each naming what
is wrong, exit status 1, no traceback, and the file left as it was."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from faults.tampering import KINDS, build_write_path_study, rechain_from, tamper

from msct_crf.storage.db.audit_table import AUDIT_TRIGGER_NAMES, AUDIT_TRIGGERS_DDL
from msct_crf.tools.cli import main


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("verify-cli") / "study.db"
    build_write_path_study(path)
    return path


@pytest.fixture
def db(clean: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tampered.db"
    shutil.copyfile(clean, path)
    return path


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


def _time_backwards(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for name in AUDIT_TRIGGER_NAMES:
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(
            "UPDATE audit_log SET ts_utc = '2001-01-01T00:00:00.000000Z' WHERE id = 40"
        )
        rechain_from(connection, 40)
        for ddl in AUDIT_TRIGGERS_DDL:
            connection.execute(ddl)
    finally:
        connection.close()


#: Finding kinds that are not random tampers: (how to make it, what the line says).
EXTRA = {
    "data_without_audit": (
        lambda p: _sql(
            p,
            "INSERT INTO conmed (id, subject_id, status, missing, created_at, created_by, "
            "updated_at, updated_by) VALUES (77, 1, 'complete', '{}', 'x', 'x', 'x', 'x')",
        ),
        "reconcile failed: conmed 77: data without audit trail",
    ),
    "audit_without_data": (
        lambda p: _sql(p, "DELETE FROM medical_history WHERE id = 1"),
        "reconcile failed: medical_history 1 (GZH-001): in the audit trail but not in the table",
    ),
    "time_backwards": (_time_backwards, "audit_times failed: audit row 40: time 2001-01-01"),
}

#: What at least one line says for each random tamper kind.
SAYS = {
    "data_edit": "reconcile failed: ",
    "audit_edit": "audit_chain failed: audit row ",
    "audit_delete": "audit_chain failed: audit row ",
    "reorder": "audit_chain failed: audit row ",
    "rechain": "reconcile failed: ",
    "all_deleted": "reconcile failed: subject 1: data without audit trail",
    "triggers_dropped": "audit_triggers failed: the append-only trigger audit_log_no_",
}


def _finding_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines, "no finding reported"
    assert all(line.startswith("msct-crf verify: ") for line in lines), lines
    assert len(lines) == len(set(lines)), lines
    return lines


@pytest.mark.parametrize("kind", [*KINDS, *EXTRA])
def test_each_finding_is_one_line_and_the_exit_status_is_1(
    kind: str, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind in EXTRA:
        make, says = EXTRA[kind]
        make(db)
    else:
        tamper(db, kind, random.Random(kind))
        says = SAYS[kind]
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["verify", "--db", str(db)]) == 1
    lines = _finding_lines(capsys)
    assert any(line.startswith(f"msct-crf verify: {says}") for line in lines), lines
    assert db.read_bytes() == before  # verify never writes


def test_verbose_lists_the_new_checks(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["verify", "--db", str(clean), "-v"]) == 0
    out = capsys.readouterr().out
    for name in ("audit_triggers", "audit_times", "reconcile"):
        assert f"{name}: ok" in out
    assert out.splitlines()[-1].endswith("match the audit trail")


def test_a_real_process_reports_a_data_edit_without_traceback(db: Path) -> None:
    _sql(db, "UPDATE visit SET alt = 999 WHERE id = 1")
    done = subprocess.run(
        [sys.executable, "-m", "msct_crf.tools.cli", "verify", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "msct-crf verify: reconcile failed: visit 1 (GZH-001) ALT: stored 999.0, audited 46.0"
    ]
