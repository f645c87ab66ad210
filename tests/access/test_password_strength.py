# ruff: noqa: F811  (pytest fixtures imported from trust_factory)
"""Common passwords are refused (zxcvbn), with a message that says why and what to do;
the demo study's accounts are exempt (issue 10, deliverable 6)."""

from __future__ import annotations

import hashlib

import pytest
from trust_factory import ADMIN_PW, accounts, fast_hasher  # noqa: F401

from msct_crf import access
from msct_crf.access import PasswordPolicyError
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import DEMO, mark_study_kind

COMMON = ["password1", "Password123!", "12345678", "qwertyuiop", "iloveyou2", "letmein!"]


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_with_a_reason(password: str) -> None:
    problem = access.password_problem(password, "nurse1")
    assert problem is not None and problem.startswith("Password is too easy to guess")
    assert "\n" not in problem


def test_names_and_the_app_make_a_password_weak() -> None:
    assert access.password_problem("zhangmin2024", "zhangmin") is not None
    assert access.password_problem("liwei-1970", "dr.li", full_name="Li Wei") is not None
    assert access.password_problem("liwei-1970", "dr.li", full_name="Zhang Min") is None


def test_strong_passwords_pass() -> None:
    for password in ("tulip-meadow-41", "correct horse battery", ADMIN_PW, "Tr0ub4dor&3"):
        assert access.password_problem(password, "nurse1") is None, password


def test_a_very_long_password_is_estimated_quickly() -> None:
    long = hashlib.sha256(b"x").hexdigest() * 4  # 256 characters; zxcvbn reads 72
    assert access.password_problem(long, "nurse1") is None


def test_every_way_of_setting_a_password_checks_it(store: Store, accounts: dict) -> None:
    admin = accounts["admin"]
    with pytest.raises(PasswordPolicyError, match="too easy to guess"):
        access.add_user(
            store, admin, username="new1", full_name="N N", role="nurse", password="password1"
        )
    with pytest.raises(PasswordPolicyError, match="too easy to guess"):
        access.reset_password(store, admin, "nurse1", "Password123!")
    with pytest.raises(PasswordPolicyError, match="too easy to guess"):
        access.change_password(store, admin, ADMIN_PW, "qwertyuiop")
    assert access.get_user(store, "new1") is None


def test_the_first_administrator_too(store: Store) -> None:
    with pytest.raises(PasswordPolicyError, match="too easy to guess"):
        access.create_admin(store, "admin", "Ada Admin", "admin1234")
    assert access.needs_admin(store)


def test_demo_accounts_are_exempt(store: Store) -> None:
    with store.session() as session:
        mark_study_kind(session, DEMO)
    assert access.study_kind(store) == DEMO
    access.create_admin(store, "admin", "Ada Admin", "password1")
    admin = access.login(store, "admin", "password1")
    access.add_user(
        store, admin, username="nurse1", full_name="N N", role="nurse", password="12345678"
    )
    # the other rules still hold
    with pytest.raises(PasswordPolicyError, match="at least 8"):
        access.reset_password(store, admin, "nurse1", "short")
