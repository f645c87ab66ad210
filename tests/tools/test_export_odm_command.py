"""`msct-crf export --odm` (msct_crf.tools.export_commands): the ODM file from the shell,
any one or more outputs, and every refusal in one line with nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from export_readback import _export_rows
from lxml import etree

from msct_crf.reporting.odm import odm_errors
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = cli_main(["export", "--db", str(db), "--user", "cli-user", "--quiet", *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_odm_alone(small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert small.path is not None
    target = tmp_path / "study.xml"
    code, out, err = _run(capsys, small.path, "--odm", str(target))
    assert (code, err) == (0, "")
    values = _values(target)
    assert out == f"ok: wrote CDISC ODM 1.3.2 (Snapshot) of 5 subjects, {values} values: {target}\n"
    assert odm_errors(target) == []
    user, row = _export_rows(small.path)[-1]
    head = etree.parse(str(target)).getroot().get("Description", "").rsplit(" ", 1)[-1]
    assert user == "cli-user" and row.startswith("study.xml (CDISC ODM 1.3.2 Snapshot); ")
    assert row.endswith(f"; head {head}") and "audit trail=included" in row
    with sqlite3.connect(small.path) as connection:
        assert connection.execute("SELECT 1 FROM audit_log WHERE hash = ?", (head,)).fetchone()
    connection.close()
    assert cli_main(["verify", "--db", str(small.path)]) == 0


def _values(path: Path) -> int:
    return sum(1 for _ in etree.parse(str(path)).getroot().iter(f"{ODM}ItemData"))


def test_workbook_and_transactional_odm_together(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.path is not None
    before = len(_export_rows(small.path))
    out_file, odm_file = tmp_path / "x.xlsx", tmp_path / "h.xml"
    code, out, err = _run(
        capsys, small.path, "--out", str(out_file), "--odm", str(odm_file), "--odm-history"
    )
    assert (code, err) == (0, "")
    assert out.count("ok: ") == 2 and "(Transactional)" in out
    assert out_file.exists() and odm_errors(odm_file) == []
    assert etree.parse(str(odm_file)).getroot().get("FileType") == "Transactional"
    assert len(_export_rows(small.path)) == before + 2


def test_csv_files_without_a_workbook(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.path is not None
    code, out, err = _run(capsys, small.path, "--csv-dir", str(tmp_path / "csv"), "--forms", "VIS")
    assert (code, err) == (0, "")
    assert [p.name for p in (tmp_path / "csv").iterdir()] == ["MSCT-AILD_VIS.csv"]


def test_a_redcap_bundle_alone(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from msct_crf.reporting.redcap import BUNDLE_FILES

    assert small.path is not None
    folder = tmp_path / "redcap"
    code, out, err = _run(capsys, small.path, "--redcap-dir", str(folder))
    assert (code, err) == (0, "") and out.startswith("ok: ")
    assert sorted(p.name for p in folder.iterdir()) == sorted(BUNDLE_FILES)
    assert _export_rows(small.path)[-1][1].startswith("REDCap bundle in redcap")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "export: name at least one output: --out FILE.xlsx, --odm FILE.xml, "
            "--redcap-dir DIR or --csv-dir DIR",
        ),
        (["--odm", "x.txt"], "odm: the ODM file must end in .xml, got 'x.txt'"),
        (["--odm", "nowhere/x.xml"], "odm: folder nowhere does not exist"),
        (["--odm-history"], "--odm-history: give the ODM file with --odm FILE.xml"),
        (
            ["--odm", "old.xml"],
            "already exists; choose another file or confirm replacing it (--force)",
        ),
        (["--odm", "x.xml", "--sites", "XYZ"], "unknown site XYZ"),
        (["--odm", "x.xml", "--subjects", "NOPE-9"], "subjects: not in this study: NOPE-9"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    small: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    assert small.path is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.xml").write_text("keep me", encoding="utf-8")
    before = len(_export_rows(small.path))
    code, out, err = _run(capsys, small.path, *args)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.suffix != ".db" and "-" not in p.name
    ) == ["old.xml"]
    assert (tmp_path / "old.xml").read_text(encoding="utf-8") == "keep me"
    assert len(_export_rows(small.path)) == before


def test_force_replaces_an_old_file(
    small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert small.path is not None
    old = tmp_path / "old.xml"
    old.write_text("old", encoding="utf-8")
    code, _out, err = _run(capsys, small.path, "--odm", str(old), "--force")
    assert (code, err) == (0, "")
    assert odm_errors(old) == []
