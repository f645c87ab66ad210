"""Restoring sets a study back in time, so in account mode it needs an account that may
back up — also when the study file is damaged or missing and only the backup's accounts
can be read (checked without writing to the backup)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from trust_factory import ADMIN_PW, NURSE_PW, accounts, fast_hasher  # noqa: F401

from msct_crf.access import AuthenticationError
from msct_crf.errors import PermissionDenied
from msct_crf.storage.store import Store
from msct_crf.workflow import backup


def _backed_up(store: Store, admin: object) -> tuple[Path, Path]:
    info = backup.backup_database(store, user="admin", actor=admin)
    path = store.path
    assert path is not None
    store.close()
    return path, info.path


def test_restore_without_an_account_is_refused_in_account_mode(
    store: Store,
    accounts: dict,  # noqa: F811
) -> None:
    path, saved = _backed_up(store, accounts["admin"])
    assert backup.restore_needs_login(saved, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(PermissionDenied, match="log in"):
        backup.restore_backup(saved, path, user="anyone", force=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_damaged_study_is_restored_by_an_account_of_its_backup(
    store: Store,
    accounts: dict,  # noqa: F811
) -> None:
    path, saved = _backed_up(store, accounts["admin"])
    path.write_bytes(b"\xa5" * 4096)  # damaged: its accounts cannot be read
    assert backup.restore_needs_login(saved, path)  # the backup's accounts count
    backup_bytes = saved.read_bytes()
    with pytest.raises(AuthenticationError):
        backup.identify_in_backup(saved, "admin", "wrong password")
    with pytest.raises(PermissionDenied, match="may not"):
        backup.identify_in_backup(saved, "nurse1", NURSE_PW)
    admin = backup.identify_in_backup(saved, "admin", ADMIN_PW)
    assert saved.read_bytes() == backup_bytes  # checking the password wrote nothing
    info = backup.restore_backup(saved, path, user="ignored", force=True, actor=admin)
    assert info.kept_aside is not None
    with Store.open_path(path, create=False) as restored:
        assert restored.path == path


def test_a_study_without_accounts_restores_under_a_name(tmp_path: Path, store: Store) -> None:
    saved = backup.backup_database(store, user="nurse").path
    path = store.path
    assert path is not None
    store.close()
    assert not backup.restore_needs_login(saved, path)
    backup.restore_backup(saved, path, user="nurse", force=True)
