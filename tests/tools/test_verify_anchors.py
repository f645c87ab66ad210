"""`msct-crf verify` on anchors: a single-user study verifies with a plain warning that its
chain is not anchored; a signed study names the backup folders it checked (its own and
``--backups DIR``) and reports a cut-off tail found only against a backup elsewhere, one
line per finding, without a traceback."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from faults import tampering

from msct_crf import access
from msct_crf.storage.backup_files import default_backup_dir
from msct_crf.storage.db.audit_table import AUDIT_TRIGGERS_DDL
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main
from msct_crf.workflow import records


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tampering.fast_keys()
    path = tmp_path_factory.mktemp("signed") / "study.db"
    tampering.build_study(path)
    access.set_hasher_factory(PasswordHasher)
    yield path


def test_single_user_verify_warns_that_nothing_is_anchored(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = records.save_form(
        store, user="nurse", form="ENROL", values=tampering.ENROL, confirm_warnings=True
    )
    assert saved.saved and store.path is not None
    assert main(["verify", "--db", str(store.path)]) == 0
    out = capsys.readouterr()
    assert out.err == "" and out.out.startswith("ok:")
    assert any(
        line.startswith("warning: single-user study") and "NOT anchored" in line
        for line in out.out.splitlines()
    )


def test_verify_names_the_backup_folders_it_checked(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tampering.copy_study(signed, tmp_path / "here")
    elsewhere = tmp_path / "usb"
    shutil.move(default_backup_dir(path), elsewhere)  # the only backup is on a stick now
    db = sqlite3.connect(path)  # the backup's row and its checkpoint, cut off the tail
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)")
    db.execute(AUDIT_TRIGGERS_DDL[1])  # and the trigger put back
    db.commit()
    db.close()
    assert main(["verify", "--db", str(path)]) == 0  # nothing to compare with: not seen
    out = capsys.readouterr().out
    assert f"backups: backups checked: 0 in {default_backup_dir(path)}" in out
    assert main(["verify", "--db", str(path), "--backups", str(elsewhere)]) == 1
    captured = capsys.readouterr()
    assert f"1 in {elsewhere}" in captured.out
    errors = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err and all(e.startswith("msct-crf verify:") for e in errors)
    assert any("backup study-" in e and "no longer in the chain" in e for e in errors)


def test_a_forged_signature_is_one_line(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tampering.copy_study(signed, tmp_path)
    db = sqlite3.connect(path)
    db.execute("UPDATE signature SET meaning = 'I did not approve this' WHERE id = 1")
    db.commit()
    db.close()
    assert main(["verify", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "msct-crf verify: signature failed: signature 1 (" in err and "Traceback" not in err
