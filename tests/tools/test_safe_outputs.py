"""Safe outputs (issue 10, deliverable 5): no output may be the study file or any SQLite file,
an existing file is replaced only with --force, and two outputs may not be the same file.

`msct-crf export --redcap study.db` replaced the study database with a 13 KB CSV and printed
"ok"; now it is one line on stderr and the study is untouched. (Issue 12 replaced
`--redcap FILE` with `--redcap-dir DIR`, a folder for the REDCap import bundle; the same
checks hold for every file of the bundle.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from msct_crf.reporting.export import ExportOptions, export_workbook
from msct_crf.reporting.redcap import BUNDLE_FILES
from msct_crf.storage.outputs import Output, OutputError, check_outputs
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import STUDY_CODE
from msct_crf.tools.cli import main as cli_main


def _export(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli_main(["export", "--db", str(db), "-q", "--user", "pi", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def _refused(result: tuple[int, str, str], *phrases: str) -> None:
    code, out, err = result
    assert code == 1, (code, out, err)
    assert err.count("\n") == 1 and err.startswith("msct-crf: "), err
    assert "Traceback" not in out + err and out == ""
    for phrase in phrases:
        assert phrase in err, (phrase, err)


@pytest.fixture
def study(small: Store) -> Path:
    assert small.path is not None
    return small.path


def test_no_output_may_be_the_study(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = study.read_bytes()
    out = str(tmp_path / "x.xlsx")
    for option, value in (
        ("--redcap-dir", str(study)),
        ("--redcap-dir", f"{study}-wal"),
        ("--redcap-dir", f"{study}-shm"),
        ("--redcap-dir", str(study.parent / "sub" / ".." / study.name)),
        ("--csv-dir", str(study)),
    ):
        (study.parent / "sub").mkdir(exist_ok=True)
        _refused(
            _export(capsys, study, "--out", out, option, value, "--force"),
            "is the study database itself",
        )
    assert study.read_bytes() == before
    assert not Path(out).exists()


def test_a_link_to_the_study_is_the_study(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "link"
    os.symlink(study, link)
    _refused(
        _export(capsys, study, "--out", str(tmp_path / "x.xlsx"), "--redcap-dir", str(link),
                "--force"),
        "is the study database itself",
    )  # fmt: skip


def test_no_output_may_be_any_sqlite_file(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-study.xlsx"  # a database, whatever its name says
    shutil.copy(study, other)
    before = other.read_bytes()
    _refused(_export(capsys, study, "--out", str(other), "--force"), "is an SQLite database")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    shutil.copy(study, bundle / BUNDLE_FILES[0])  # a database where the dictionary goes
    _refused(
        _export(capsys, study, "--out", str(tmp_path / "y.xlsx"), "--redcap-dir", str(bundle),
                "--force"),
        f"redcap-dir ({BUNDLE_FILES[0]}): ", "is an SQLite database",
    )  # fmt: skip
    assert other.read_bytes() == before


def test_an_existing_file_is_replaced_only_with_force(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, bundle = tmp_path / "x.xlsx", tmp_path / "bundle"
    bundle.mkdir()
    redcap = bundle / BUNDLE_FILES[0]
    out.write_text("an older export")
    _refused(_export(capsys, study, "--out", str(out)), "already exists", "--force")
    assert out.read_text() == "an older export"
    redcap.write_text("keep me")
    _refused(
        _export(capsys, study, "--out", str(tmp_path / "z.xlsx"), "--redcap-dir", str(bundle)),
        f"redcap-dir ({BUNDLE_FILES[0]})", "already exists",
    )  # fmt: skip
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    (csv_dir / f"{STUDY_CODE}_VIS.csv").write_text("old")
    _refused(
        _export(capsys, study, "--out", str(tmp_path / "w.xlsx"), "--csv-dir", str(csv_dir)),
        f"{STUDY_CODE}_VIS.csv", "already exists",
    )  # fmt: skip
    assert not (tmp_path / "z.xlsx").exists() and not (tmp_path / "w.xlsx").exists()
    code, stdout, err = _export(
        capsys, study, "--out", str(out), "--redcap-dir", str(bundle), "--csv-dir", str(csv_dir),
        "--force",
    )  # fmt: skip
    assert code == 0 and stdout.startswith("ok: "), err
    assert out.read_bytes()[:2] == b"PK" and redcap.read_text() != "keep me"


def test_two_outputs_may_not_be_the_same_file(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "same.xlsx"
    with pytest.raises(OutputError, match="is also the out file"):
        check_outputs([Output("out", out), Output("redcap-dir (README.txt)", out)], study=study)
    csv_dir = tmp_path / "csv"
    _refused(
        _export(capsys, study, "--out", str(out), "--csv-dir", str(csv_dir),
                "--redcap-dir", str(out)),
        "redcap-dir: ", "is also the out file",
    )  # fmt: skip
    assert not out.exists() and not csv_dir.exists()


def test_the_core_refuses_too(small: Store, tmp_path: Path) -> None:
    """The app's export goes through the same checks (the dialog asks before overwrite)."""
    assert small.path is not None
    with pytest.raises(OutputError, match="redcap-dir: .* is the study database itself"):
        export_workbook(
            small, tmp_path / "a.xlsx", ExportOptions(), user="pi", redcap_dir=small.path
        )
    out = tmp_path / "b.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(OutputError, match="already exists"):
        export_workbook(small, out, ExportOptions(), user="pi")
    report = export_workbook(small, out, ExportOptions(), user="pi", overwrite=True)
    assert report.path == out.resolve() and out.read_bytes()[:2] == b"PK"


def test_check_outputs_names_the_option_and_the_file(tmp_path: Path) -> None:
    study = tmp_path / "s.db"
    Store.open_path(study).close()
    with pytest.raises(OutputError, match=r"^--backup-dir: .*s\.db-journal is the study"):
        check_outputs([Output("--backup-dir", Path(f"{study}-journal"))], study=study)
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a folder, not a file"):
        check_outputs([Output("--out", folder)], study=study)
    assert check_outputs([Output("--out", tmp_path / "new.xlsx")], study=study) == [
        (tmp_path / "new.xlsx").resolve()
    ]


def test_backup_never_writes_into_the_study_file(
    study: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = study.read_bytes()
    capsys.readouterr()
    code = cli_main(["backup", "--db", str(study), "--dir", str(study), "--user", "admin"])
    _refused((code, *capsys.readouterr()), "is a file, not a folder")
    assert study.read_bytes() == before


def test_the_refusal_in_a_real_process(study: Path, tmp_path: Path) -> None:
    before = study.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "msct_crf.tools.cli", "export", "--db", str(study), "--out",
         str(tmp_path / "x.xlsx"), "--redcap-dir", str(study), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("msct-crf: redcap-dir: ") and done.stderr.count("\n") == 1
    assert "is the study database itself" in done.stderr and "Traceback" not in done.stderr
    assert study.read_bytes() == before
