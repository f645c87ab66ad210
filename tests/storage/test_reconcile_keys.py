"""The replay of verify on a signed, anchored study: signing keys and the signatures' key
columns are rebuilt from the audit trail, checkpoint and upgrade rows raise nothing, and a
key or a signature's key changed in SQLite is a reconcile finding."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from faults import tampering

from msct_crf.storage.integrity import verify_database
from msct_crf.storage.reconcile import covered_tables


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tampering.fast_keys()
    path = tmp_path_factory.mktemp("signed") / "study.db"
    tampering.build_study(path, seed=7)
    return path


@pytest.fixture
def db(signed: Path, tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    shutil.copyfile(signed, path)
    return path


def _sql(path: Path, statement: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(statement)
    finally:
        connection.close()


def _reconcile(path: Path) -> list[str]:
    return [c.detail for c in verify_database(path) if c.name == "reconcile" and not c.ok]


def test_a_clean_signed_study_has_no_finding_at_all(signed: Path) -> None:
    assert "signing_key" in covered_tables()
    checks = verify_database(signed)
    assert [c for c in checks if not c.ok or c.warning] == []
    summary = next(c.detail for c in checks if c.name == "reconcile")
    assert "match the audit trail" in summary


@pytest.mark.parametrize(
    ("statement", "says"),
    [
        ("UPDATE signing_key SET public_key = 'AAAA' WHERE id = 2", "signing_key 2 public_key:"),
        ("UPDATE signing_key SET user_id = 1 WHERE id = 2", "signing_key 2 user_id:"),
        (
            "UPDATE signing_key SET retired_at = '2026-01-01T00:00:00.000000Z' WHERE id = 3",
            "signing_key 3 retired_at:",
        ),
        ("UPDATE signature SET key_id = 1 WHERE id = 1", "key_id: stored 1"),
        ("UPDATE signature SET signature = 'AAAA' WHERE id = 1", "signature: stored AAAA"),
        (
            "INSERT INTO signing_key (user_id, algorithm, public_key, wrapped_private_key, "
            "created_at) VALUES (1, 'ed25519', 'AAAA', 'x', '2026-01-01T00:00:00.000000Z')",
            "data without audit trail",
        ),
    ],
)
def test_a_key_or_a_signatures_key_changed_in_sqlite_is_a_reconcile_finding(
    db: Path, statement: str, says: str
) -> None:
    _sql(db, statement)
    assert any(says in line for line in _reconcile(db)), _reconcile(db)


def test_the_wrapped_private_key_is_not_compared(db: Path) -> None:
    """A secret, never audited: replacing it is the anchors' business (the key no longer
    opens), not the replay's."""
    _sql(db, "UPDATE signing_key SET wrapped_private_key = 'x' WHERE id = 2")
    assert _reconcile(db) == []
