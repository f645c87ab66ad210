# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Each account's Ed25519 signing key: made with the account, stored only wrapped under the
password, its public key audited; a wrong password cannot unwrap it; a password change
re-wraps it, a reset issues a new one (old signatures still verify); an account from before
keys gets one at its next login; every login signs a checkpoint of the chain."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import (  # noqa: F401  (fixtures)
    ADMIN_PW,
    MONITOR_PW,
    NURSE_PW,
    PI_PW,
    accounts,
    fast_hasher,
    visit,
)

from msct_crf import access
from msct_crf.access import signing_keys
from msct_crf.access.passwords import hash_password
from msct_crf.errors import PermissionDenied
from msct_crf.storage import signing
from msct_crf.storage.anchors import checkpoint_findings, key_findings
from msct_crf.storage.db.models import AppUser, AuditEntry, SigningKey
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle


def _copy(row: object, columns: list[str]) -> SimpleNamespace:
    return SimpleNamespace(**{name: getattr(row, name) for name in columns})


def _keys(store: Store, username: str) -> list[SimpleNamespace]:
    """The account's keys, oldest first (plain copies, readable after the session)."""
    columns = [c.name for c in SigningKey.__table__.columns]
    with store.reading() as session:
        user = session.scalars(select(AppUser).where(AppUser.username == username)).one()
        rows = session.scalars(
            select(SigningKey).where(SigningKey.user_id == user.id).order_by(SigningKey.id)
        )
        return [_copy(row, columns) for row in rows]


def _audit(store: Store) -> list[SimpleNamespace]:
    columns = [c.name for c in AuditEntry.__table__.columns]
    with store.reading() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [_copy(row, columns) for row in rows]


def test_every_account_gets_a_key_whose_public_half_is_audited(
    store: Store, accounts: dict
) -> None:
    for name in ("admin", "liwei", "nurse1", "mon1"):
        (key,) = _keys(store, name)
        assert key.algorithm == "ed25519" and key.retired_at is None
        audited = [
            r.new_value
            for r in _audit(store)
            if r.table_name == "signing_key" and r.record_id == str(key.id)
        ]
        assert key.public_key in audited
    with store.reading() as session:
        assert all(f.ok for f in key_findings(session))


def test_the_private_key_is_stored_only_wrapped(store: Store, accounts: dict) -> None:
    (key,) = _keys(store, "liwei")
    assert key.wrapped_private_key.startswith("argon2id$v=19$m=8,t=1,p=1$")  # the test cost
    private = signing_keys.unwrap(key.wrapped_private_key, key.public_key, PI_PW)
    assert private is not None
    raw = signing.b64(private.private_bytes_raw())
    assert raw not in key.wrapped_private_key
    assert all(raw not in (r.new_value or "") for r in _audit(store))


def test_a_wrong_password_or_a_damaged_key_does_not_unwrap(store: Store, accounts: dict) -> None:
    (key,) = _keys(store, "liwei")
    assert signing_keys.unwrap(key.wrapped_private_key, key.public_key, PI_PW + "x") is None
    assert signing_keys.unwrap(key.wrapped_private_key, key.public_key, NURSE_PW) is None
    (other,) = _keys(store, "nurse1")  # a wrapped key moved onto another public key
    assert signing_keys.unwrap(key.wrapped_private_key, other.public_key, PI_PW) is None
    damaged = key.wrapped_private_key[:-6] + "AAAAAA"
    assert signing_keys.unwrap(damaged, key.public_key, PI_PW) is None
    costly = key.wrapped_private_key.replace("m=8,", "m=99999999999,")
    assert signing_keys.unwrap(costly, key.public_key, PI_PW) is None  # refused, not run
    assert signing_keys.unwrap("not a key", key.public_key, PI_PW) is None


def test_change_password_rewraps_the_same_key(store: Store, accounts: dict) -> None:
    (before,) = _keys(store, "nurse1")
    access.change_password(store, accounts["nurse"], NURSE_PW, "brand-new-pw")
    (after,) = _keys(store, "nurse1")
    assert after.id == before.id and after.public_key == before.public_key
    assert after.wrapped_private_key != before.wrapped_private_key
    assert signing_keys.unwrap(after.wrapped_private_key, after.public_key, NURSE_PW) is None
    assert signing_keys.unwrap(after.wrapped_private_key, after.public_key, "brand-new-pw")


def test_reset_issues_a_new_key_and_old_signatures_still_verify(
    store: Store, visit: SimpleNamespace
) -> None:
    v = visit
    lifecycle.verify_record(store, v.monitor, "VIS", v.id)
    signed = lifecycle.sign_record(store, v.pi, "VIS", v.id, PI_PW)
    assert signed.valid and signed.key_id is not None
    access.reset_password(store, v.admin, "liwei", "fresh-pass-9")
    old, new = _keys(store, "liwei")
    assert old.id == signed.key_id and old.retired_at is not None and new.retired_at is None
    assert signing_keys.unwrap(new.wrapped_private_key, new.public_key, "fresh-pass-9")
    assert lifecycle.signature_for(store, "VIS", v.id).valid  # type: ignore[union-attr]
    # the logged-in PI's old key signs no more: lock asks them to log in again
    with pytest.raises(PermissionDenied, match="log in again"):
        lifecycle.lock_record(store, v.pi, "VIS", v.id)
    pi = access.login(store, "liwei", "fresh-pass-9")
    assert lifecycle.lock_record(store, pi, "VIS", v.id) == "locked"
    with store.reading() as session:
        assert all(f.ok for f in checkpoint_findings(session))


def test_an_account_from_before_keys_gets_one_at_its_next_login(store: Store) -> None:
    access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    assert store.path is not None
    with sqlite3.connect(store.path) as db:  # as a file from before migration 0003 has it
        db.execute(
            "INSERT INTO app_user (username, full_name, role, password_hash, active, "
            "failed_logins, locked, created_at) VALUES ('mon1', 'Mo', 'monitor', ?, 1, 0, 0, "
            "'2024-01-01T00:00:00.000000Z')",
            (hash_password(MONITOR_PW),),
        )
    db.close()
    assert _keys(store, "mon1") == []
    with pytest.raises(access.AuthenticationError):
        access.login(store, "mon1", "wrong-password")
    assert _keys(store, "mon1") == []  # a failed login makes nothing
    access.login(store, "mon1", MONITOR_PW)
    (key,) = _keys(store, "mon1")
    made = [r for r in _audit(store) if r.table_name == "signing_key" and r.field == "public_key"]
    assert made[-1].new_value == key.public_key and made[-1].user == "mon1"
    assert "first login" in (made[-1].reason or "")


def test_a_key_that_does_not_open_is_replaced_at_login(store: Store, accounts: dict) -> None:
    (key,) = _keys(store, "mon1")
    assert store.path is not None
    with sqlite3.connect(store.path) as db:  # wrapped under some other password
        db.execute(
            "UPDATE signing_key SET wrapped_private_key = 'argon2id$junk' WHERE id = ?", (key.id,)
        )
    db.close()
    access.login(store, "mon1", MONITOR_PW)
    old, new = _keys(store, "mon1")
    assert old.retired_at is not None and new.retired_at is None
    assert any("does not open" in (r.reason or "") for r in _audit(store))


def test_every_login_signs_a_checkpoint(store: Store, accounts: dict) -> None:
    rows = _audit(store)
    logins = [r for r in rows if r.action == "login"]
    checkpoints = [r for r in rows if r.action == "checkpoint"]
    assert len(checkpoints) >= len(logins) == 4
    for row in checkpoints:
        assert row.reason == "login" and f'"head":"{row.prev_hash}"' in (row.new_value or "")
    with store.reading() as session:
        findings = checkpoint_findings(session)
    assert findings[0].ok and "4 of 4 checkpoints" in findings[0].detail


def test_logout_forgets_the_key(store: Store, accounts: dict) -> None:
    nurse = accounts["nurse"]
    with store.session() as session:
        assert access.checkpoint(session, nurse, "test") is not None
    access.logout(store, nurse)
    with store.session() as session:
        assert access.checkpoint(session, nurse, "test") is None
        assert access.checkpoint(session, None, "test") is None


def test_a_recovery_with_a_new_password_issues_a_new_key(store: Store, accounts: dict) -> None:
    """The key under the forgotten password cannot be unwrapped any more: the recovery (like
    an administrator's reset, both through ``accounts._set_password``) retires it and issues
    one under the new password, so the recovered administrator can sign checkpoints again."""
    (before,) = _keys(store, "admin")
    new_password = "Recovered kestrel harbour 58"
    access.recover_admin(
        store, "admin", operator="it-desk", reason="forgot the password", new_password=new_password
    )
    old, new = _keys(store, "admin")
    assert old.id == before.id and old.retired_at is not None and new.retired_at is None
    assert signing_keys.unwrap(new.wrapped_private_key, new.public_key, new_password)
    assert signing_keys.unwrap(new.wrapped_private_key, new.public_key, ADMIN_PW) is None
    admin = access.login(store, "admin", new_password)
    with store.session() as session:
        assert signing_keys.checkpoint(session, admin, "test", required=True) is not None
    with store.reading() as session:
        assert all(f.ok for f in key_findings(session))
        assert all(f.ok for f in checkpoint_findings(session))
