"""Fixtures for the accounts, lifecycle, queries and audit GUI tests: a study with an admin, a
PI, a nurse and a monitor (all logged in, fast argon2 parameters) and a complete baseline visit.

Imported by name from the test modules (``from trust_fixtures import ...``), like
shell_fixtures, so the forms' conftest stays theirs.
"""

from __future__ import annotations

from trust_factory import (  # noqa: F401  (fixtures re-exported: the same study the core tests use)
    ADMIN_PW,
    ENROL,
    MONITOR_PW,
    NURSE_PW,
    PI_PW,
    VISIT,
    accounts,
    fast_hasher,
    visit,
)
