"""A study with no subjects, no infusion or no visit yet (every new study) exports a valid
workbook whose sheets are empty, and `msct-crf export` says ok instead of a pandas traceback
(issue 10, deliverable 5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from export_factory import ELIGIBLE

from msct_crf.reporting.export import ExportOptions, expected_sheets, export_csv, export_workbook
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main
from msct_crf.workflow import records

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "EM",
    "SEX": "F",
    "BRTHDTC": "1970-03-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "AIH",
    "HEIGHT": "165",
    "WEIGHT": "60",
    **ELIGIBLE,
}
INFUSION = {
    "EXSTDTC": "2024-01-10 09:00",
    "EXENDTC": "2024-01-10 10:00",
    "EXSRC": "UC-MSC",
    "EXLOT": "LOT-1",
    "EXWT": "60",
    "EXCELL": "60",
    "EXPLAN": "1.0",
}
VISIT = {
    "VISIT": "BASELINE",
    "VISDTC": "2024-01-08",
    "TBIL": "30",
    "ALB": "32",
    "PT": "14",
    "INR": "1.3",
    "CREAT": "70",
    "SODIUM": "138",
}


def _saved(result: records.SaveResult) -> records.SaveResult:
    assert result.saved, (result.message, [f.message for f in result.findings])
    return result


def _study(path: Path, stage: str) -> Path:
    """A fresh study: 'empty', 'enrolled' (one subject, nothing else), 'infused' (and an
    infusion, no visit) or 'visited' (a visit, no infusion)."""
    with Store.open_path(path) as store:
        if stage == "empty":
            return path
        subject = _saved(
            records.save_form(
                store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
            )
        ).subject
        if stage == "infused":
            _saved(
                records.save_form(
                    store,
                    user="nurse",
                    form="EX",
                    subject=subject,
                    values=INFUSION,
                    confirm_warnings=True,
                )
            )
        if stage == "visited":
            _saved(
                records.save_form(
                    store,
                    user="nurse",
                    form="VIS",
                    subject=subject,
                    values=VISIT,
                    confirm_warnings=True,
                )
            )
    return path


STAGES = ("empty", "enrolled", "infused", "visited")


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("audit", [False, True])
def test_an_early_study_exports_a_valid_workbook(tmp_path: Path, stage: str, audit: bool) -> None:
    db = _study(tmp_path / "early.db", stage)
    out = tmp_path / "early.xlsx"
    options = ExportOptions(include_audit=audit, units="conventional" if audit else "si")
    with Store.open_path(db, create=False) as store:
        report = export_workbook(
            store, out, options, user="pi", csv_dir=tmp_path / "csv", redcap_dir=tmp_path / "rc"
        )
    assert report.subjects == (0 if stage == "empty" else 1)
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        assert book.sheetnames == expected_sheets(options)
    finally:
        book.close()
    assert len(report.csv_files) > 0 and all(p.exists() for p in report.csv_files)


@pytest.mark.parametrize("stage", STAGES)
def test_export_csv_of_an_early_study(tmp_path: Path, stage: str) -> None:
    db = _study(tmp_path / "early.db", stage)
    with Store.open_path(db, create=False) as store:
        report = export_csv(store, tmp_path / "csv", ExportOptions(), user="pi")
    assert report.csv_files


def test_the_command_line_exports_a_new_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _study(tmp_path / "new.db", "enrolled")
    code = cli_main(["export", "--db", str(db), "--out", str(tmp_path / "new.xlsx"), "-q"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("ok: ") and err == ""
    assert "Traceback" not in out + err


def test_filters_that_keep_nothing_still_export(tmp_path: Path) -> None:
    db = _study(tmp_path / "some.db", "infused")
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    with Store.open_path(copy, create=False) as store:
        report = export_workbook(
            store, tmp_path / "none.xlsx", ExportOptions(sites=("NJG",)), user="pi"
        )
    assert report.subjects == 0
