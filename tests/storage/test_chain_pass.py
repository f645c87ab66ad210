"""verify's own pass over the audit chain (raw sqlite3, about twice as fast) gives exactly what
msct_crf.storage.audit.verify gives, on intact and on tampered trails, for any text."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from faults.tampering import build_write_path_study, tamper
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from msct_crf.storage import audit
from msct_crf.storage.integrity import chain_pass
from msct_crf.storage.store import Store


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chain") / "study.db"
    build_write_path_study(path)
    return path


def _both(path: Path) -> tuple[audit.VerifyResult, audit.VerifyResult]:
    connection = sqlite3.connect(path)
    try:
        fast, _times = chain_pass(connection, chunk_rows=7)
    finally:
        connection.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            reference = audit.verify(conn, chunk_rows=7)
    finally:
        engine.dispose()
    return fast, reference


def test_an_intact_trail(clean: Path) -> None:
    fast, reference = _both(clean)
    assert fast == reference and fast.ok


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("kind", ["audit_edit", "audit_delete", "reorder", "rechain"])
def test_a_tampered_trail(kind: str, seed: int, clean: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    shutil.copyfile(clean, path)
    tamper(path, kind, random.Random(seed))
    fast, reference = _both(path)
    assert fast == reference


@pytest.mark.parametrize("value", ["5", "x'", "1.5"])
def test_a_value_that_is_not_text(value: str, clean: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    shutil.copyfile(clean, path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TRIGGER audit_log_no_update")
    literal = {"5": "5", "x'": "x'00ff'", "1.5": "1.5"}[value]
    connection.execute(f"UPDATE audit_log SET user = {literal} WHERE id = 9")
    connection.close()
    fast, reference = _both(path)
    assert fast == reference and not fast.ok and fast.first_broken_id == 9


_TEXT = st.one_of(st.none(), st.text(max_size=40))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, _TEXT), min_size=1, max_size=5))
def test_any_text_hashes_the_same(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:
    path = tmp_path_factory.mktemp("any") / "t.db"
    with Store.open_path(path) as store, store.session() as session:
        for field, old, new, reason in rows:
            audit.append(
                session,
                user='u\u00e9\u2028"\\',
                action="update",
                table_name="visit",
                record_id="1",
                field=field,
                old_value=old,
                new_value=new,
                reason=reason,
            )
    fast, reference = _both(path)
    assert fast == reference and fast.ok
