"""Signatures and the anchored chain under attack from someone with the file but no
password: 30 seeded random tampers of each kind (benchmarks/faults_signatures.py runs 1,000),
each detected by verify; clean signed studies give no finding at all.

Kinds: a signature copied or moved to another record with its hash recomputed; its signer
(with or without the other person's key), printed name, meaning or time rewritten; an audit
row rewritten and the chain recomputed after it, with a backup present; the tail of the
audit trail cut off, with a backup present.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from faults import tampering
from msct_crf import access
from msct_crf.storage.integrity import verify_database
from msct_crf.storage.store import Store
from msct_crf.workflow import lifecycle
from msct_crf.workflow.lifecycle import LifecycleError

PER_KIND = 30


@pytest.fixture(autouse=True)
def _fast_keys() -> Iterator[None]:
    tampering.fast_keys()
    yield
    access.set_hasher_factory(PasswordHasher)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tampering.fast_keys()
    path = tmp_path_factory.mktemp("signed") / "study.db"
    tampering.build_study(path)
    access.set_hasher_factory(PasswordHasher)
    yield path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clean_signed_studies_verify_without_a_finding(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "study.db"
    tampering.build_study(path, seed=seed)
    checks = verify_database(path)
    assert [c for c in checks if not c.ok] == []
    names = {c.name for c in checks}
    assert {"signatures", "checkpoints", "signing_keys", "backups"} <= names
    assert not any(c.warning for c in checks if c.name == "anchoring")  # accounts: anchored


@pytest.mark.parametrize("kind", tampering.SIGNED_KINDS)
def test_every_tamper_is_detected(template: Path, tmp_path: Path, kind: str) -> None:
    rng = random.Random(f"{kind}-20261201")
    missed = []
    for i in range(PER_KIND):
        outcome = tampering.run_signed(template, tmp_path / f"{i}", kind, rng)
        if not outcome.detected:
            missed.append(outcome)
    assert missed == [], missed[:3]


@pytest.mark.parametrize("kind", tampering.CHAIN_KINDS)
def test_the_chain_alone_misses_what_the_anchors_catch(
    template: Path, tmp_path: Path, kind: str
) -> None:
    outcome = tampering.run_signed(template, tmp_path, kind, random.Random(kind))
    assert outcome.detected
    assert "audit_chain" not in {c.name for c in outcome.failed}  # re-chained: consistent


def test_a_copied_signature_shows_invalid_and_cannot_be_locked(
    template: Path, tmp_path: Path
) -> None:
    rng = random.Random(7)
    while True:  # a copy (not a move) onto a record that is not locked
        path = tampering.copy_study(template, tmp_path)
        what = tampering.tamper_signed(path, "copy", rng)
        if " copied to " in what:
            break
    table, record_id = what.split(" to ")[1].split()
    form = next(
        code for code, model in lifecycle.FORM_MODELS.items() if model.__tablename__ == table
    )
    with Store.open_path(path) as store:
        copied = lifecycle.signature_for(store, form, int(record_id))
        assert copied is not None and not copied.valid and "INVALID" in copied.text
        tampering.fast_keys()
        pi = access.login(store, "liwei", tampering.PASSWORDS["liwei"])
        with pytest.raises(LifecycleError, match="no longer matches the record"):
            lifecycle.lock_record(store, pi, form, int(record_id))
        assert lifecycle.LOCK not in lifecycle.available_actions(store, pi, form, int(record_id))
