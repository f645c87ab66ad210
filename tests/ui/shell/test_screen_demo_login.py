"""``MSCT_CRF_SCREEN=login=demo``: screens behind a login can be photographed on the demo
study, and only there (any other study still asks for the password)."""

from __future__ import annotations

import pytest
from trust_fixtures import NURSE_PW, accounts, fast_hasher  # noqa: F401

from msct_crf.storage import study_identity
from msct_crf.storage.store import Store
from msct_crf.tools import demo_lifecycle
from msct_crf.tools.demo_lifecycle import create_accounts
from ui import app


def test_login_demo_logs_the_user_in_on_a_demo_study(store: Store) -> None:
    with store.session() as session:
        study_identity.mark_study_kind(session, study_identity.DEMO)
    create_accounts(store)
    logged_in = app._demo_session(store, "nurse.wang")
    assert logged_in is not None and logged_in.actor is not None
    assert (logged_in.user_name, logged_in.role) == ("nurse.wang", "nurse")
    assert app._demo_session(store, "nobody") is None


def test_login_demo_does_nothing_on_a_real_study(
    store: Store,
    accounts: dict,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # even when the "demo password" is the account's real one, a real study asks for it
    monkeypatch.setattr(demo_lifecycle, "DEMO_PASSWORD", NURSE_PW)
    assert app._demo_session(store, "nurse1") is None
    with store.session() as session:
        study_identity.mark_study_kind(session, study_identity.DEMO)
    assert app._demo_session(store, "nurse1") is not None  # the same call on a demo study
    assert app.parse_screen("login=demo,subject=GZH-001")["login"] == "demo"
