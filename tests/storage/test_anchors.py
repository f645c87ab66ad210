# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""The anchors verify checks: signed checkpoints, audited signing keys, the heads recorded by
backups (the study's folder and --backups folders) and exports; a single-user study is said
to be unanchored, without failing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from trust_factory import (  # noqa: F401  (fixtures)
    ENROL,
    PI_PW,
    accounts,
    fast_hasher,
    visit,
)

from msct_crf import access
from msct_crf.access import signing_keys
from msct_crf.storage.db.audit_table import AUDIT_TRIGGERS_DDL
from msct_crf.storage.integrity import Check, verify_database
from msct_crf.storage.store import Store
from msct_crf.workflow import backup, lifecycle, records


def _failed(path: Path, *dirs: Path) -> list[Check]:
    return [c for c in verify_database(path, backup_dirs=dirs) if not c.ok]


def _by_name(path: Path, *dirs: Path) -> dict[str, list[Check]]:
    out: dict[str, list[Check]] = {}
    for check in verify_database(path, backup_dirs=dirs):
        out.setdefault(check.name, []).append(check)
    return out


def _raw(path: Path, *statements: str) -> None:
    """Statements on the audit table, its triggers dropped and put back (as an attacker)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            db.execute(statement)
        for ddl in AUDIT_TRIGGERS_DDL:
            db.execute(ddl)
    finally:
        db.close()


def _lifecycle(store: Store, v: SimpleNamespace) -> None:
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    lifecycle.lock_record(store, v.pi, "VIS", v.id)


def test_single_user_study_is_said_to_be_unanchored(store: Store) -> None:
    saved = records.save_form(
        store, user="nurse", form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert saved.saved
    assert store.path is not None
    checks = _by_name(store.path)
    assert not [c for group in checks.values() for c in group if not c.ok]
    (mode,) = checks["anchoring"]
    assert mode.warning and "NOT anchored" in mode.detail
    assert "checkpoints" not in checks  # nothing to check without accounts


def test_a_clean_account_study_has_no_finding(store: Store, visit: SimpleNamespace) -> None:
    _lifecycle(store, visit)
    lifecycle.unlock_record(store, visit.admin, "VIS", visit.id, "re-check the source")
    backup.backup_database(store, user="", actor=visit.admin)
    assert store.path is not None
    checks = _by_name(store.path)
    assert [c for group in checks.values() for c in group if not c.ok] == []
    assert "anchoring" not in checks
    assert "0 row(s) after it not yet anchored" in checks["checkpoints"][0].detail
    assert "backups checked: 1 in" in checks["backups"][0].detail


def test_removed_trailing_checkpoints_are_found(store: Store, visit: SimpleNamespace) -> None:
    _lifecycle(store, visit)  # ends with the lock's checkpoint
    assert store.path is not None
    _raw(store.path, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    (finding,) = [c for c in _failed(store.path) if c.name == "checkpoint"]
    assert "(lock by liwei) has no signed checkpoint after it" in finding.detail


def test_a_swapped_public_key_is_found(store: Store, accounts: dict) -> None:
    access.logout(store, accounts["nurse"])
    assert store.path is not None
    other = signing_keys.public_text(Ed25519PrivateKey.generate())
    db = sqlite3.connect(store.path)
    db.execute("UPDATE signing_key SET public_key = ? WHERE id = 3", (other,))
    db.commit()
    db.close()
    names = {c.name for c in _failed(store.path)}
    assert {"signing_key", "checkpoint"} <= names  # not as audited; its checkpoints fail


def test_removing_the_accounts_is_not_single_user_mode(store: Store, accounts: dict) -> None:
    assert store.path is not None
    db = sqlite3.connect(store.path)
    db.execute("UPDATE app_user SET role = 'nurse'")
    db.commit()
    db.close()
    (finding,) = [c for c in _failed(store.path) if c.name == "anchoring"]
    assert "accounts were removed" in finding.detail


def test_backups_in_another_folder_are_checked_when_named(
    store: Store, visit: SimpleNamespace, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "usb-stick"
    info = backup.backup_database(store, elsewhere, user="", actor=visit.admin)
    assert store.path is not None
    _raw(store.path, f"DELETE FROM audit_log WHERE id > {info.audit_rows - 3}")  # cut the tail
    assert "backup" not in {c.name for c in _failed(store.path)}  # not seen without the folder
    backups = _by_name(store.path, elsewhere)["backups"][0]
    assert not backups.ok and f"1 in {elsewhere}" in backups.detail
    (finding,) = [c for c in _failed(store.path, elsewhere) if c.name == "backup"]
    assert info.path.name in finding.detail and "no longer in the chain" in finding.detail


def test_backups_of_another_study_and_restored_timelines_are_warnings(
    store: Store, visit: SimpleNamespace, tmp_path: Path
) -> None:
    assert store.path is not None
    first = backup.backup_database(store, user="", actor=visit.admin)
    _lifecycle(store, visit)
    backup.backup_database(store, user="", actor=visit.admin)
    folder = first.path.parent
    stranger = tmp_path / "other" / store.path.name  # a different study with the same name
    stranger.parent.mkdir()
    with Store.open_path(stranger) as other:
        saved = records.save_form(
            other, user="x", form="ENROL", values=ENROL, confirm_warnings=True
        )
        assert saved.saved
        backup.backup_database(other, folder, user="x")
    backup.restore_backup(first.path, store.path, user="", actor=visit.admin, force=True)
    checks = verify_database(store.path)
    assert [c for c in checks if not c.ok] == []
    warnings = [c.detail for c in checks if c.name == "backup" and c.warning]
    assert any("set aside by the restore" in w for w in warnings)
    assert any("starts differently" in w for w in warnings)


def test_an_export_records_the_head_it_saw(
    store: Store, visit: SimpleNamespace, tmp_path: Path
) -> None:
    from msct_crf.reporting.export import ExportOptions, export_csv

    ex = records.save_form(
        store,
        user="",
        actor=visit.nurse,
        form="EX",
        subject=visit.subject,
        values={
            "EXSTDTC": "2024-01-10 09:00",
            "EXENDTC": "2024-01-10 09:45",
            "EXSRC": "UC-MSC",
            "EXLOT": "LOT-1",
            "EXWT": "60",
            "EXCELL": "60",
            "EXPLAN": "1.0",
        },
        confirm_warnings=True,
    )
    assert ex.saved
    report = export_csv(store, tmp_path / "csv", ExportOptions(), user="", actor=visit.monitor)
    assert store.path is not None
    db = sqlite3.connect(store.path)
    (value,) = db.execute("SELECT new_value FROM audit_log WHERE action = 'export'").fetchone()
    (after,) = db.execute(
        "SELECT action FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)"
    ).fetchone()
    db.close()
    assert value.endswith(f"head {report.head_hash}") and after == "checkpoint"
    assert _failed(store.path) == []
    shutil.rmtree(tmp_path / "csv")
