"""The msct-crf command end to end: demo, verify, scale and their answers to bad input.

Every failure must be one line on stderr, a non-zero exit status and no traceback.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from msct_crf.tools.cli import main


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    return path


@pytest.fixture
def copy_of_demo(demo_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.db"
    shutil.copyfile(demo_db, target)
    return target


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("msct-crf")
    return lines[0]


def _error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """verify's findings: one line each, no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("msct-crf verify: ") for line in lines), err
    return lines


def test_demo_then_verify(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["verify", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok:") and "chain intact" in out


def test_verify_verbose_lists_every_check(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["verify", "--db", str(demo_db), "-v"]) == 0
    out = capsys.readouterr().out
    for name in ("integrity_check", "foreign_key_check", "schema", "audit_chain"):
        assert f"{name}: ok" in out


def test_demo_refuses_an_existing_file(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["demo", "--db", str(demo_db)]) == 1
    assert "already exists" in _one_line_error(capsys)


def test_verify_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.db"
    assert main(["verify", "--db", str(missing)]) == 1
    assert "not found" in _one_line_error(capsys)
    assert not missing.exists()  # verify never creates a file


def test_verify_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    assert main(["verify", "--db", str(text)]) == 1
    assert "not an MSC-CRF database" in _one_line_error(capsys)


def test_verify_empty_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--db", ""]) == 1
    _one_line_error(capsys)


def test_verify_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert main(["verify", "--db", str(empty)]) == 1
    assert "not an MSC-CRF database" in _one_line_error(capsys)
    assert empty.stat().st_size == 0


def test_verify_truncated_database(copy_of_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = copy_of_demo.stat().st_size
    with copy_of_demo.open("r+b") as handle:
        handle.truncate(size // 2)
    assert main(["verify", "--db", str(copy_of_demo)]) == 1
    _one_line_error(capsys)
    assert copy_of_demo.stat().st_size == size // 2  # never written to


def test_verify_corrupted_pages(copy_of_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = copy_of_demo.stat().st_size
    with copy_of_demo.open("r+b") as handle:
        for offset in range(8192, size, size // 7):
            handle.seek(offset)
            handle.write(b"\xde\xad\xbe\xef" * 256)
    assert main(["verify", "--db", str(copy_of_demo)]) == 1
    _one_line_error(capsys)


def test_verify_newer_schema(copy_of_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(copy_of_demo) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    connection.close()
    assert main(["verify", "--db", str(copy_of_demo)]) == 1
    assert "newer" in _one_line_error(capsys)


def test_verify_catches_an_altered_audit_row(
    copy_of_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(copy_of_demo)
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET new_value = '99' WHERE id = 1234")
    connection.close()
    assert main(["verify", "--db", str(copy_of_demo)]) == 1
    lines = _error_lines(capsys)
    assert any("audit row 1234" in line and "altered" in line for line in lines), lines


def test_verify_catches_a_deleted_audit_row(
    copy_of_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(copy_of_demo)
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_delete")
        connection.execute("DELETE FROM audit_log WHERE id = 500")
    connection.close()
    assert main(["verify", "--db", str(copy_of_demo)]) == 1
    assert any("audit row 501" in line for line in _error_lines(capsys))


@pytest.mark.parametrize(
    "argv",
    [
        ["scale", "--db", "x.db", "--subjects", "abc"],
        ["scale", "--db", "x.db", "--subjects", "0"],
        ["scale", "--db", "x.db", "--subjects", "-5"],
        ["scale", "--db", "x.db", "--seed", "1.5"],
        ["verify"],
        ["demo", "--db"],
        ["frobnicate"],
    ],
)
def test_bad_arguments(
    argv: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    _one_line_error(capsys)
    assert not (tmp_path / "x.db").exists()


def test_scale_then_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scale.db"
    assert main(["scale", "--db", str(path), "--subjects", "40"]) == 0
    out = capsys.readouterr().out
    assert f"Scale study created at {path}: 40 subjects" in out
    assert main(["verify", "--db", str(path)]) == 0
    assert main(["scale", "--db", str(path), "--subjects", "40"]) == 1
    assert "already exists" in _one_line_error(capsys)
    assert main(["scale", "--db", str(path), "--subjects", "20", "--force"]) == 0


def test_scale_into_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scale", "--db", str(tmp_path / "no" / "such" / "s.db"), "--subjects", "5"]) == 1
    assert "does not exist" in _one_line_error(capsys)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msct_crf.tools.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_real_process(demo_db: Path, tmp_path: Path) -> None:
    ok = _run("verify", "--db", str(demo_db))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok:")
    bad = _run("verify", "--db", str(tmp_path / "missing.db"))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
