"""Accounts of every role and a complete baseline visit: the study that the access,
lifecycle, queries and audit-history tests and the GUI trust tests (tests/ui/trust_fixtures.py)
share. Imported by name (``from trust_factory import accounts, fast_hasher``); importing
``fast_hasher`` switches it on for the importing module, since it is autouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

from msct_crf import access
from msct_crf.storage.store import Store
from msct_crf.workflow import records

ADMIN_PW = "admin-pass-1"
NURSE_PW = "nurse-pass-1"
PI_PW = "pi-pass-123"
MONITOR_PW = "monitor-pass-1"

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "AB",
    "SEX": "F",
    "BRTHDTC": "1970-03-01",
    "RFICDTC": "2024-01-05",
    "ENRLDTC": "2024-01-05",
    "DXCAT": "AIH",
    "HEIGHT": "165",
    "WEIGHT": "60",
    "IEIN01": "Y",
    "IEIN02": "Y",
    "IEIN03": "Y",
    "IEIN04": "Y",
    "IEEX01": "N",
    "IEEX02": "N",
    "IEEX03": "N",
    "IEEX04": "N",
    "IEEX05": "N",
}


@pytest.fixture(autouse=True)
def fast_hasher() -> Iterator[None]:
    """argon2id with the smallest parameters: the same code path, fast tests."""
    access.set_hasher_factory(lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    access.set_hasher_factory(PasswordHasher)


@pytest.fixture
def accounts(store: Store) -> dict[str, access.Actor]:
    """An admin, a PI, a nurse and a monitor, all logged in."""
    access.create_admin(store, "admin", "Ada Admin", ADMIN_PW)
    admin = access.login(store, "admin", ADMIN_PW)
    for name, full, role, pw in (
        ("liwei", "Dr Li Wei", "pi", PI_PW),
        ("nurse1", "Zhang Min", "nurse", NURSE_PW),
        ("mon1", "Mona Monitor", "monitor", MONITOR_PW),
    ):
        access.add_user(store, admin, username=name, full_name=full, role=role, password=pw)
    return {
        "admin": admin,
        "pi": access.login(store, "liwei", PI_PW),
        "nurse": access.login(store, "nurse1", NURSE_PW),
        "monitor": access.login(store, "mon1", MONITOR_PW),
    }


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
def visit(store: Store, accounts: dict) -> SimpleNamespace:
    """A subject and a complete baseline visit entered by the nurse."""
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
