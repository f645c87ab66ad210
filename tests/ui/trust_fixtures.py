"""Fixtures for the accounts, lifecycle, queries and audit GUI tests: a study with an admin, a
PI, a nurse and a monitor (all logged in, fast argon2 parameters) and a complete baseline visit.

Imported by name from the test modules (``from trust_fixtures import ...``), like
shell_fixtures, so the forms' conftest stays theirs.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_security import (  # noqa: F401  (fixtures re-exported)
    ADMIN_PW,
    ENROL,
    MONITOR_PW,
    NURSE_PW,
    PI_PW,
    accounts,
    fast_hasher,
)

from msct_crf import records
from msct_crf.store import Store

VISIT = {
    "VISIT": "BASELINE",
    "VISDTC": "2024-01-08",
    "TBIL": "30",
    "ALB": "32",
    "ALT": "45",
    "PT": "14",
    "INR": "1.3",
    "CREAT": "70",
    "SODIUM": "138",
}


@pytest.fixture
def visit(store: Store, accounts: dict) -> SimpleNamespace:  # noqa: F811
    """A subject and a complete baseline visit entered by the nurse (nurse1)."""
    nurse = accounts["nurse"]
    enrol = records.save_form(
        store, user="", actor=nurse, form="ENROL", values=ENROL, confirm_warnings=True
    )
    assert enrol.saved and enrol.subject
    saved = records.save_form(
        store,
        user="",
        actor=nurse,
        form="VIS",
        subject=enrol.subject,
        values=VISIT,
        confirm_warnings=True,
    )
    assert saved.saved and saved.record_id is not None
    return SimpleNamespace(subject=enrol.subject, id=saved.record_id, **accounts)
