"""`msct-crf export` (msct_crf.tools.export_commands): options, bad input in one line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from export_readback import _export_rows

from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main


def test_cli_export(small: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert small.path is not None
    db = str(small.path)
    out = tmp_path / "cli.xlsx"
    code = cli_main(
        [
            "export",
            "--db",
            db,
            "--out",
            str(out),
            "--language",
            "zh",
            "--forms",
            "VIS",
            "AE",
            "--csv-dir",
            str(tmp_path / "csv"),
            "--redcap-dir",
            str(tmp_path / "rc"),
            "--user",
            "cli-user",
            "--quiet",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.exists()
    assert "ok: exported 5 subjects" in capsys.readouterr().out
    assert openpyxl.load_workbook(out, read_only=True).sheetnames[4:6] == [
        "Visits",
        "Adverse events",
    ]
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "MSCT-AILD_AE.csv",
        "MSCT-AILD_VIS.csv",
    ]
    assert _export_rows(small.path)[-1][0] == "cli-user"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.xls"], ".xlsx"),
        (["--out", "x.xlsx", "--forms", "BAD"], "unknown form BAD"),
        (["--out", "x.xlsx", "--sites", "XYZ"], "unknown site XYZ"),
        (["--out", "x.xlsx", "--from", "2024-02-30"], "YYYY-MM-DD"),
        (["--out", "nowhere/x.xlsx"], "does not exist"),
    ],
)
def test_cli_bad_input_one_line(
    small: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert small.path is not None
    try:
        code = cli_main(["export", "--db", str(small.path), *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.xlsx*"))


def test_cli_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(
        ["export", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.xlsx")]
    )
    assert code == 1
    assert "not found" in capsys.readouterr().err
