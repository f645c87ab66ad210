# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Accounts, roles, argon2id login with lockout, account management, settings and the
`msct-crf user` commands. Roles are enforced in msct_crf itself, not only in the UI."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from trust_factory import (  # noqa: F401  (fixtures)
    ADMIN_PW,
    ENROL,
    MONITOR_PW,
    NURSE_PW,
    PI_PW,
    accounts,
    fast_hasher,
)

from msct_crf import access
from msct_crf.access import AuthenticationError, Permission
from msct_crf.errors import PermissionDenied, UserError
from msct_crf.storage import audit
from msct_crf.storage.db.models import AppUser, AuditEntry
from msct_crf.storage.store import Store
from msct_crf.tools.cli import main as cli_main
from msct_crf.workflow import records


def _audit_rows(store: Store) -> list[SimpleNamespace]:
    """Audit rows as plain objects (usable after the read transaction ends)."""
    names = ("id", "user", "action", "table_name", "record_id", "subject_id", "field")
    names += ("old_value", "new_value", "reason")
    with store.reading() as session:
        return [
            SimpleNamespace(**{n: getattr(r, n) for n in names})
            for r in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def _enrol(store: Store, actor: access.Actor | None, user: str = "") -> records.SaveResult:
    return records.save_form(
        store,
        user=user or (actor.username if actor else "legacy"),
        actor=actor,
        form="ENROL",
        values=ENROL,
        confirm_warnings=True,
    )


# --------------------------------------------------------------------------- first run


def test_single_user_mode_until_the_first_admin(store: Store) -> None:
    assert access.needs_admin(store)
    assert _enrol(store, None).saved  # demo / scale / legacy databases: a user name only
    info = access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    assert info.role == "admin" and not access.needs_admin(store)
    with pytest.raises(PermissionDenied, match="log in"):
        _enrol(store, None)
    with pytest.raises(PermissionDenied, match="already exists"):
        access.create_admin(store, "admin2", "Second", ADMIN_PW)
    rows = [r for r in _audit_rows(store) if r.action == "account"]
    assert {r.field for r in rows} >= {"username", "role"} and rows[0].user == "admin"


def test_password_policy_and_names(store: Store) -> None:
    with pytest.raises(access.PasswordPolicyError, match="at least 8"):
        access.create_admin(store, "admin", "Ada", "short")
    with pytest.raises(access.PasswordPolicyError, match="user name"):
        access.create_admin(store, "administrator", "Ada", "Administrator")
    with pytest.raises(UserError, match="letters, digits"):
        access.create_admin(store, "bad name;", "Ada", ADMIN_PW)
    with pytest.raises(UserError, match="Full name"):
        access.create_admin(store, "admin", "  ", ADMIN_PW)
    assert access.needs_admin(store)  # nothing was created


def test_hash_is_argon2id_and_never_audited(store: Store, accounts: dict) -> None:
    with store.reading() as session:
        hashes = list(session.scalars(select(AppUser.password_hash)))
    assert all(h and h.startswith("$argon2id$") for h in hashes)
    text = " ".join(
        str(v)
        for r in _audit_rows(store)
        for v in (r.field, r.old_value, r.new_value, r.reason, r.user)
    )
    for secret in (ADMIN_PW, PI_PW, NURSE_PW, MONITOR_PW, *hashes):
        assert secret not in text


# --------------------------------------------------------------------------- login


def test_login_is_audited(store: Store, accounts: dict) -> None:
    logins = [r for r in _audit_rows(store) if r.action == "login"]
    assert {r.user for r in logins} == {"admin", "liwei", "nurse1", "mon1"}
    assert accounts["pi"].role == "pi" and accounts["pi"].printed_name == "Dr Li Wei"


def test_five_failures_lock_the_account(store: Store, accounts: dict) -> None:
    for attempt in range(1, 6):
        with pytest.raises(AuthenticationError) as failure:
            access.login(store, "nurse1", f"wrong-{attempt}")
        if attempt < 5:
            assert "Wrong user name or password" in str(failure.value)
    assert "locked" in str(failure.value)
    with pytest.raises(AuthenticationError, match="locked"):
        access.login(store, "nurse1", NURSE_PW)  # even the right password
    info = access.get_user(store, "nurse1")
    assert info is not None and info.locked
    rows = _audit_rows(store)
    failed = [r for r in rows if r.action == "login_failed" and r.user == "nurse1"]
    assert len(failed) == 6  # five wrong passwords, then the refused right one
    lock_rows = [r for r in rows if r.action == "account" and r.field == "locked"]
    assert lock_rows[-1].new_value == "true" and "5 consecutive" in (lock_rows[-1].reason or "")
    # the locked nurse's live session is refused too
    with pytest.raises(PermissionDenied, match="locked"):
        _enrol(store, accounts["nurse"])
    # only an admin unlocks
    with pytest.raises(PermissionDenied):
        access.unlock_user(store, accounts["pi"], "nurse1")
    access.unlock_user(store, accounts["admin"], "nurse1", reason="phoned, identity checked")
    actor = access.login(store, "nurse1", NURSE_PW)
    assert access.get_user(store, "nurse1").failed_logins == 0  # type: ignore[union-attr]
    assert _enrol(store, actor).saved
    with store.reading() as session:
        assert audit.verify(session).ok


def test_a_success_resets_the_failure_count(store: Store, accounts: dict) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            access.login(store, "mon1", "nope-nope")
    access.login(store, "mon1", MONITOR_PW)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            access.login(store, "mon1", "nope-nope")
    assert not access.get_user(store, "mon1").locked  # type: ignore[union-attr]


def test_unknown_user_is_audited_without_revealing_it(store: Store, accounts: dict) -> None:
    with pytest.raises(AuthenticationError, match="Wrong user name or password"):
        access.login(store, "ghost", "whatever-1")
    row = _audit_rows(store)[-1]
    assert (row.action, row.user, row.reason) == (
        "login_failed",
        access.UNKNOWN_USER,
        "unknown user name",
    )
    with pytest.raises(AuthenticationError, match="Enter your user name"):
        access.login(store, "", "")


def test_disabled_account_cannot_log_in(store: Store, accounts: dict) -> None:
    access.set_active(store, accounts["admin"], "mon1", False, reason="left the study")
    with pytest.raises(AuthenticationError, match="disabled"):
        access.login(store, "mon1", MONITOR_PW)
    with pytest.raises(PermissionDenied, match="disabled"):
        access.require(accounts["monitor"], Permission.RAISE_QUERY) or access.authorize_store(
            store, accounts["monitor"], Permission.RAISE_QUERY
        )


# --------------------------------------------------------------------------- roles


def test_permission_table() -> None:
    perms = access.PERMISSIONS
    assert Permission.ENTER_DATA in perms["nurse"] and Permission.ENTER_DATA in perms["pi"]
    assert Permission.ENTER_DATA not in perms["monitor"]
    assert Permission.ENTER_DATA not in perms["admin"]  # separation of duties
    assert {Permission.VERIFY, Permission.RAISE_QUERY} <= perms["monitor"]
    assert {Permission.SIGN, Permission.UNLOCK} <= perms["pi"]
    assert Permission.UNLOCK in perms["admin"] and Permission.SIGN not in perms["admin"]
    for role in ("nurse", "monitor", "pi"):
        assert Permission.MANAGE_USERS not in perms[role]
    assert not ({Permission.SIGN, Permission.VERIFY, Permission.UNLOCK} & perms["nurse"])


def test_who_may_enter_data(store: Store, accounts: dict) -> None:
    assert _enrol(store, accounts["nurse"]).saved
    assert _enrol(store, accounts["pi"]).saved
    for role in ("monitor", "admin"):
        with pytest.raises(PermissionDenied, match="may not enter or change"):
            _enrol(store, accounts[role])
    subject = records.list_subjects(store)[0]
    mh = records.save_form(
        store,
        user="nurse1",
        actor=accounts["nurse"],
        form="MH",
        subject=subject,
        values={"MHTERM": "Hypertension", "MHSTDTC": "2019", "MHONGO": "Y"},
    )
    assert mh.saved and mh.record_id is not None
    with pytest.raises(PermissionDenied, match="may not delete"):
        records.delete_record(
            store,
            user="mon1",
            actor=accounts["monitor"],
            form="MH",
            record_id=mh.record_id,
            reason="wrong patient",
        )
    assert records.delete_record(
        store,
        user="nurse1",
        actor=accounts["nurse"],
        form="MH",
        record_id=mh.record_id,
        reason="wrong patient",
    ).saved


def test_writes_carry_the_actors_own_name(store: Store, accounts: dict) -> None:
    with pytest.raises(PermissionDenied, match="not as 'someone'"):
        _enrol(store, accounts["nurse"], user="someone")
    result = records.save_form(
        store, user="", actor=accounts["nurse"], form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert result.saved
    assert {r.user for r in _audit_rows(store) if r.action == "insert"} == {"nurse1"}


def test_forged_or_logged_out_actor_is_refused(store: Store, accounts: dict) -> None:
    real = accounts["nurse"]
    forged = access.Actor(real.user_id, real.username, real.full_name, "pi", token="x" * 32)
    with pytest.raises(PermissionDenied, match="not logged in"):
        _enrol(store, forged)
    access.logout(store, real)
    with pytest.raises(PermissionDenied, match="not logged in"):
        _enrol(store, real)
    assert _audit_rows(store)[-1].action == "logout"


def test_actor_of_another_database_is_refused(store: Store, accounts: dict, tmp_path: Path) -> None:
    other = Store.open_path(tmp_path / "other.db")
    try:
        access.create_admin(other, "admin", "Ada Admin", ADMIN_PW)
        with pytest.raises(PermissionDenied, match="not logged in"):
            access.add_user(
                other,
                accounts["admin"],
                username="x1",
                full_name="X",
                role="nurse",
                password="quartz-pelican-9",
            )
    finally:
        other.close()


def test_role_change_applies_at_once(store: Store, accounts: dict) -> None:
    nurse = accounts["nurse"]
    access.set_role(store, accounts["admin"], "nurse1", "monitor", reason="now monitors")
    with pytest.raises(PermissionDenied, match="monitor"):
        _enrol(store, nurse)  # the database's role counts, not the one cached at login
    row = _audit_rows(store)[-1]
    assert (row.action, row.field, row.old_value, row.new_value, row.reason) == (
        "account",
        "role",
        "nurse",
        "monitor",
        "now monitors",
    )


def test_only_admins_manage_accounts(store: Store, accounts: dict) -> None:
    for role in ("pi", "nurse", "monitor"):
        actor = accounts[role]
        with pytest.raises(PermissionDenied, match="manage user accounts"):
            access.add_user(
                store,
                actor,
                username="new1",
                full_name="N",
                role="nurse",
                password="tulip-meadow-41",
            )
        with pytest.raises(PermissionDenied):
            access.set_role(store, actor, "nurse1", "pi")
        with pytest.raises(PermissionDenied):
            access.reset_password(store, actor, "nurse1", "another-kiwi-71")
        with pytest.raises(PermissionDenied):
            access.lock_user(store, actor, "nurse1")
    with pytest.raises(UserError, match="already taken"):
        access.add_user(
            store,
            accounts["admin"],
            username="nurse1",
            full_name="N",
            role="nurse",
            password="tulip-meadow-41",
        )
    with pytest.raises(UserError, match="Role must be one of"):
        access.add_user(
            store,
            accounts["admin"],
            username="n2",
            full_name="N",
            role="superuser",
            password="tulip-meadow-41",
        )


def test_the_last_admin_stays(store: Store, accounts: dict) -> None:
    admin = accounts["admin"]
    for action in (
        lambda: access.set_role(store, admin, "admin", "pi"),
        lambda: access.set_active(store, admin, "admin", False),
        lambda: access.lock_user(store, admin, "admin"),
    ):
        with pytest.raises(UserError, match="last usable administrator"):
            action()
    access.add_user(
        store, admin, username="admin2", full_name="Bo", role="admin", password="harbour-lantern-27"
    )
    access.set_role(store, admin, "admin2", "pi")  # another admin remains: fine


def test_admin_recovery_when_every_admin_is_locked(store: Store, accounts: dict) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            access.login(store, "admin", "not-it-at-all")
    with pytest.raises(UserError, match="reason"):
        access.recover_admin(store, "admin", operator="root", reason=" ")
    with pytest.raises(UserError, match="not an active administrator"):
        access.recover_admin(store, "nurse1", operator="root", reason="x")
    access.recover_admin(store, "admin", operator="it-desk", reason="admin forgot password")
    assert access.login(store, "admin", ADMIN_PW).role == "admin"
    row = [r for r in _audit_rows(store) if r.field == "locked"][-1]
    assert row.user == "it-desk (recovery)" and row.new_value == "false"
    with pytest.raises(PermissionDenied, match="can still log in"):
        access.recover_admin(store, "admin", operator="x", reason="again")


# --------------------------------------------------------------------------- passwords


def test_change_password(store: Store, accounts: dict) -> None:
    nurse = accounts["nurse"]
    with pytest.raises(AuthenticationError, match="current password is wrong"):
        access.change_password(store, nurse, "not-mine-1", "brand-new-pw")
    with pytest.raises(access.PasswordPolicyError):
        access.change_password(store, nurse, NURSE_PW, "short")
    access.change_password(store, nurse, NURSE_PW, "brand-new-pw")
    with pytest.raises(AuthenticationError):
        access.login(store, "nurse1", NURSE_PW)
    assert access.login(store, "nurse1", "brand-new-pw").username == "nurse1"
    changed = [r for r in _audit_rows(store) if r.field == "password"]
    assert changed[-1].new_value == "changed by its owner" and changed[-1].user == "nurse1"


def test_admin_resets_a_password(store: Store, accounts: dict) -> None:
    access.reset_password(store, accounts["admin"], "mon1", "fresh-pass-9")
    assert access.login(store, "mon1", "fresh-pass-9").role == "monitor"


def test_confirm_password_counts_failures(store: Store, accounts: dict) -> None:
    pi = accounts["pi"]
    access.confirm_password(store, pi, PI_PW)
    assert access.reauthenticate(store, pi, PI_PW) is pi  # idle-lock unlock
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="Wrong password"):
            access.confirm_password(store, pi, "wrong-pw-1")
    with pytest.raises(AuthenticationError, match="locked"):
        access.confirm_password(store, pi, "wrong-pw-1")
    assert access.get_user(store, "liwei").locked  # type: ignore[union-attr]


# --------------------------------------------------------------------------- settings


def test_idle_lock_setting(store: Store, accounts: dict) -> None:
    assert access.idle_lock_minutes(store) == access.DEFAULT_IDLE_LOCK_MINUTES == 15
    with pytest.raises(PermissionDenied, match="study settings"):
        access.set_idle_lock_minutes(store, accounts["nurse"], 5)
    for bad in (0, 241, -1, True):
        with pytest.raises(UserError, match="1 to 240"):
            access.set_idle_lock_minutes(store, accounts["admin"], bad)  # type: ignore[arg-type]
    access.set_idle_lock_minutes(store, accounts["admin"], 30)
    assert access.idle_lock_minutes(store) == 30
    row = _audit_rows(store)[-1]
    assert (row.action, row.field, row.old_value, row.new_value, row.user) == (
        "setting",
        "idle_lock_minutes",
        None,
        "30",
        "admin",
    )


def test_idle_lock_in_single_user_mode(store: Store) -> None:
    access.set_idle_lock_minutes(store, None, 20)
    assert access.idle_lock_minutes(store) == 20


def test_require_and_can(accounts: dict) -> None:
    assert access.can(accounts["monitor"], Permission.VERIFY)
    assert not access.can(None, Permission.READ)
    with pytest.raises(PermissionDenied, match=r"nurse1 \(study nurse\) may not sign"):
        access.require(accounts["nurse"], Permission.SIGN)
    with pytest.raises(PermissionDenied, match="Log in"):
        access.require(None, Permission.READ)


# --------------------------------------------------------------------------- CLI


def _cli(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli_main(list(argv))


def test_cli_user_commands(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.open_path(db_path).close()
    db = str(db_path)
    # the first account must be the administrator
    assert (
        _cli(monkeypatch, "pw-nurse-1\n", "user", "add", "--db", db, "--username", "n1",
             "--full-name", "Nurse One", "--role", "nurse", "--password-stdin")
        == 1
    )  # fmt: skip
    assert "first account must be the administrator" in capsys.readouterr().err
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\n", "user", "add", "--db", db, "--username", "admin",
             "--full-name", "Ada Admin", "--role", "admin", "--password-stdin")
        == 0
    )  # fmt: skip
    assert "created admin account admin" in capsys.readouterr().out
    # later accounts: --as an admin, admin password then the new one
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\npw-nurse-1\n", "user", "add", "--db", db, "--as", "admin",
             "--username", "n1", "--full-name", "Nurse One", "--role", "nurse", "--password-stdin")
        == 0
    )  # fmt: skip
    assert (
        _cli(monkeypatch, "wrong-admin-pw\npw-x-12345\n", "user", "add", "--db", db, "--as",
             "admin", "--username", "n2", "--full-name", "N", "--role", "nurse",
             "--password-stdin")
        == 1
    )  # fmt: skip
    assert "Wrong user name or password" in capsys.readouterr().err
    # own password change
    assert (
        _cli(monkeypatch, "pw-nurse-1\npw-nurse-2\n", "user", "passwd", "--db", db,
             "--username", "n1", "--password-stdin")
        == 0
    )  # fmt: skip
    # lock, list, unlock
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\n", "user", "lock", "--db", db, "--as", "admin",
             "--username", "n1", "--reason", "on leave", "--password-stdin")
        == 0
    )  # fmt: skip
    capsys.readouterr()
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\n", "user", "list", "--db", db, "--as", "admin",
             "--password-stdin")
        == 0
    )  # fmt: skip
    listing = capsys.readouterr().out
    assert "n1" in listing and "locked" in listing and "admin" in listing
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\n", "user", "unlock", "--db", db, "--as", "admin",
             "--username", "n1", "--password-stdin")
        == 0
    )  # fmt: skip
    # admin reset of someone else's password
    assert (
        _cli(monkeypatch, f"{ADMIN_PW}\npw-nurse-3\n", "user", "passwd", "--db", db, "--as",
             "admin", "--username", "n1", "--password-stdin")
        == 0
    )  # fmt: skip
    store = Store.open_path(db_path)
    try:
        assert access.login(store, "n1", "pw-nurse-3").role == "nurse"
        with store.reading() as session:
            assert audit.verify(session).ok
    finally:
        store.close()
    # missing stdin line, missing --as, missing file: one clear line each
    assert (
        _cli(monkeypatch, "", "user", "lock", "--db", db, "--as", "admin", "--username", "n1",
             "--password-stdin")
        == 1
    )  # fmt: skip
    assert "no line for the Password of admin" in capsys.readouterr().err
    assert _cli(monkeypatch, "", "user", "lock", "--db", db, "--username", "n1") == 1
    assert "--as ADMIN" in capsys.readouterr().err
    assert _cli(monkeypatch, "", "user", "list", "--db", str(db_path) + ".nope") == 1
    assert "not found" in capsys.readouterr().err


def test_cli_needs_accounts_first(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Store.open_path(db_path).close()
    assert _cli(monkeypatch, "", "user", "list", "--db", str(db_path)) == 0
    assert "single-user mode" in capsys.readouterr().out
    assert (
        _cli(monkeypatch, "x\n", "user", "passwd", "--db", str(db_path), "--username", "a",
             "--password-stdin")
        == 1
    )  # fmt: skip
    assert "no user accounts yet" in capsys.readouterr().err


def test_idle_lock_clock(store: Store) -> None:
    now = [1000.0]
    lock = access.IdleLock.for_store(store, clock=lambda: now[0])
    assert lock.seconds == 15 * 60 and not lock.expired()
    now[0] += 14 * 60
    lock.touch()  # input keeps the session open
    now[0] += 14 * 60
    assert not lock.expired() and lock.seconds_left() == 60
    now[0] += 60
    assert lock.expired()
    with pytest.raises(UserError, match="from 1 to 240"):
        access.IdleLock(0)
