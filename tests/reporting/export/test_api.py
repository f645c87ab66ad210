"""Running an export (msct_crf.reporting.export.api): the sheets it writes, the audit row of
every export, cancel, progress, a target it cannot write, and who may export what."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from export_readback import Exported, _export_rows, run_export, sheet_frame

from msct_crf.reporting.export import (
    ExportCancelled,
    ExportError,
    ExportOptions,
    expected_sheets,
    export_workbook,
)
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main


def test_sheet_names_and_order(exported: Exported, small: Store, tmp_path: Path) -> None:
    names = exported.book.sheetnames
    assert names == [
        "README",
        "Codebook",
        "Summary",
        "Wide",
        "Enrolment",
        "Infusions",
        "Vital signs",
        "Visits",
        "Adverse events",
        "Conmeds",
        "Medical history",
        "Disposition",
        "Flow",
        "AE summary",
        "Deviations",
    ]
    assert names == expected_sheets(ExportOptions())
    out2 = run_export(small, tmp_path / "y.xlsx", include_audit=True, forms=("VIS", "AE"))
    names2 = openpyxl.load_workbook(out2, read_only=True).sheetnames
    assert names2 == [
        "README",
        "Codebook",
        "Summary",
        "Wide",
        "Visits",
        "Adverse events",
        "Flow",
        "AE summary",
        "Deviations",
        "Audit trail",
    ]


def test_every_export_is_audited(small: Store, tmp_path: Path) -> None:
    assert small.path is not None
    assert _export_rows(small.path) == []
    run_export(small, tmp_path / "first.xlsx")
    run_export(small, tmp_path / "second.xlsx", language="zh")
    rows = _export_rows(small.path)
    assert [user for user, _ in rows] == ["pi", "pi"]
    assert "first.xlsx" in rows[0][1] and "second.xlsx" in rows[1][1]
    assert "language=zh" in rows[1][1]
    with small.reading() as session:
        from msct_crf.storage.audit import verify

        assert verify(session).ok


def test_cancel_leaves_nothing_behind(small: Store, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls: list[int] = []

    def progress(percent: int, message: str) -> None:
        calls.append(percent)

    with pytest.raises(ExportCancelled):
        export_workbook(
            small,
            out_dir / "cancelled.xlsx",
            ExportOptions(),
            user="pi",
            progress=progress,
            cancelled=lambda: len(calls) >= 3,
        )
    assert len(calls) >= 3
    assert list(out_dir.iterdir()) == []
    assert small.path is not None
    assert _export_rows(small.path) == []


def test_progress_reaches_100(small: Store, tmp_path: Path) -> None:
    seen: list[int] = []
    export_workbook(
        small, tmp_path / "x.xlsx", ExportOptions(), user="pi", progress=lambda p, m: seen.append(p)
    )
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)


def test_unwritable_target_leaves_no_file_and_no_audit_row(
    small: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msct_crf.reporting.export.api as api

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(api.os, "replace", refuse)
    with pytest.raises(ExportError, match="cannot write"):
        run_export(small, tmp_path / "locked.xlsx")
    assert not list(tmp_path.glob("*.xlsx*")) and not list(tmp_path.glob(".*part"))
    assert small.path is not None
    assert _export_rows(small.path) == []


def test_roles_once_the_study_has_accounts(
    request: pytest.FixtureRequest,
    small: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from argon2 import PasswordHasher

    from msct_crf import access
    from msct_crf.errors import PermissionDenied

    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    request.addfinalizer(lambda: access.set_hasher_factory(PasswordHasher))
    admin_pw, nurse_pw = "Admin-Pass-2026!", "Nurse-Pass-2026!"
    access.create_admin(small, "admin", "Ada Admin", admin_pw)
    admin = access.login(small, "admin", admin_pw)
    access.add_user(
        small, admin, username="nurse1", full_name="Zhang Min", role="nurse", password=nurse_pw
    )
    nurse = access.login(small, "nurse1", nurse_pw)
    with pytest.raises(PermissionDenied, match="log in"):
        run_export(small, tmp_path / "anon.xlsx")
    options = ExportOptions(include_identifying=True)
    with pytest.raises(PermissionDenied, match="identifying"):
        export_workbook(small, tmp_path / "n.xlsx", options, user="", actor=nurse)
    with pytest.raises(PermissionDenied, match="audit"):
        export_workbook(
            small, tmp_path / "n.xlsx", ExportOptions(include_audit=True), user="", actor=nurse
        )
    assert not list(tmp_path.glob("*.xlsx"))
    export_workbook(small, tmp_path / "nurse.xlsx", ExportOptions(), user="", actor=nurse)
    export_workbook(small, tmp_path / "admin.xlsx", options, user="", actor=admin)
    assert "H-SECRET-0001" in sheet_frame(tmp_path / "admin.xlsx", "Enrolment").to_string()
    assert small.path is not None
    assert [u for u, _ in _export_rows(small.path)] == ["nurse1", "admin"]
    # the CLI logs in (password from standard input, never from the command line)
    monkeypatch.setattr("sys.stdin", io.StringIO(nurse_pw + "\n"))
    out = tmp_path / "cli.xlsx"
    args = ["export", "--db", str(small.path), "--out", str(out), "--user", "nurse1"]
    assert cli_main([*args, "--password-stdin", "--quiet"]) == 0, capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert cli_main([*args, "--password-stdin", "--quiet", "--identifying"]) == 1
    assert _export_rows(small.path)[-1][0] == "nurse1"
