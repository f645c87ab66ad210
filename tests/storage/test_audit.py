"""Audit trail: hash chain, append-only triggers, tamper detection."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from msct_crf.clock import use_clock
from msct_crf.storage import audit
from msct_crf.storage.audit import GENESIS_HASH, Change, append, head_hash, to_text, verify
from msct_crf.storage.db.audit_table import AuditEntry, drop_audit_triggers, install_audit_triggers
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import make_engine, sqlite_url

FIXED = dt.datetime(2024, 5, 1, 8, 30, 0, 123456, tzinfo=dt.UTC)


@pytest.fixture
def fixed_clock() -> Iterator[None]:
    """Audit rows written in the test are all dated FIXED."""
    with use_clock(lambda: FIXED):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    eng = make_engine(sqlite_url(db_path))
    with eng.begin() as conn:
        Base.metadata.create_all(conn, tables=[AuditEntry.__table__])  # type: ignore[list-item]
        install_audit_triggers(conn)
    yield eng
    eng.dispose()


def _fill(engine: Engine, n: int) -> None:
    with use_clock(lambda: FIXED), Session(engine) as session:
        for i in range(n):
            append(
                session,
                user="nurse1",
                action="update",
                table_name="visit",
                record_id=i,
                subject_id="S-001",
                changes=[Change("alt_u_l", i, i + 1)],
                reason="typo",
            )
        session.commit()


def _raw(db_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(db_path, isolation_level=None)


def test_append_chain_and_verify(fixed_clock: None, engine: Engine) -> None:
    with Session(engine) as session:
        assert head_hash(session) == GENESIS_HASH
        first = append(session, user="admin", action="login")
        rows = append(
            session,
            user="nurse1",
            action="update",
            table_name="visit",
            record_id=7,
            subject_id="S-001",
            changes=[
                Change("total_bilirubin_umol_l", 34.2, 30.1),
                Change("visit_date", dt.date(2024, 1, 2), dt.date(2024, 1, 3)),
                Change("ascites", None, "mild"),
            ],
            reason="transcription error",
        )
        session.commit()

        assert len(first) == 1 and len(rows) == 3
        assert first[0].prev_hash == GENESIS_HASH
        chain = first + rows
        for prev, cur in zip(chain, chain[1:], strict=False):
            assert cur.prev_hash == prev.hash
            assert cur.id == prev.id + 1
        assert head_hash(session) == rows[-1].hash
        assert rows[0].ts_utc == "2024-05-01T08:30:00.123456Z"
        assert rows[0].record_id == "7"
        assert (rows[0].old_value, rows[0].new_value) == ("34.2", "30.1")
        assert (rows[1].old_value, rows[1].new_value) == ("2024-01-02", "2024-01-03")
        assert (rows[2].old_value, rows[2].new_value) == (None, "mild")
        assert first[0].field is None and first[0].table_name is None

        result = verify(session)
    assert result.ok
    assert result.rows_checked == 4
    assert result.first_broken_id is None
    assert result.reason == "ok: 4 audit rows, chain intact"


def test_append_does_not_commit(engine: Engine) -> None:
    with Session(engine) as session:
        append(session, user="u", action="insert", table_name="subject", record_id="S-9")
        session.rollback()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_append_with_connection(fixed_clock: None, engine: Engine) -> None:
    with engine.begin() as conn:
        a = append(conn, user="u", action="export", reason="monthly")
        b = append(conn, user="u", action="backup")
    assert b[0].prev_hash == a[0].hash and b[0].id == a[0].id + 1
    with engine.connect() as conn:
        assert verify(conn).ok
        assert head_hash(conn) == b[0].hash


def test_default_timestamp_is_utc_z(engine: Engine) -> None:
    with Session(engine) as session:
        (entry,) = append(session, user="u", action="logout")
        ts = entry.ts_utc
        session.commit()
    parsed = dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    assert abs((dt.datetime.now(dt.UTC) - parsed).total_seconds()) < 60


def test_hash_is_sha256_of_canonical_json(fixed_clock: None, engine: Engine) -> None:
    with Session(engine) as session:
        (entry,) = append(session, user="pi", action="sign", table_name="visit", record_id=3)
        session.commit()
        fields = {name: getattr(entry, name) for name in audit.HASHED_FIELDS}
    assert "id" not in fields and "hash" not in fields and "prev_hash" in fields
    expected = hashlib.sha256(audit.canonical_json(fields).encode("utf-8")).hexdigest()
    assert entry.hash == expected == audit.compute_hash(fields)
    assert len(entry.hash) == 64


def test_update_and_delete_are_refused(engine: Engine, db_path: Path) -> None:
    _fill(engine, 3)
    with pytest.raises(sa_exc.DBAPIError, match="append-only"), Session(engine) as session:
        entry = session.get(AuditEntry, 2)
        assert entry is not None
        entry.new_value = "999"
        session.commit()
    with pytest.raises(sa_exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log WHERE id = 2")
    # Behind the app's back too, as long as the triggers exist.
    raw = _raw(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE audit_log SET reason = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_log")
    finally:
        raw.close()
    with Session(engine) as session:
        assert verify(session).ok


def test_install_triggers_is_idempotent(engine: Engine) -> None:
    with engine.begin() as conn:
        install_audit_triggers(conn)
        names = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            )
        }
    assert names == {"audit_log_no_update", "audit_log_no_delete"}


def test_altered_row_is_caught(engine: Engine, db_path: Path) -> None:
    _fill(engine, 5)
    with engine.begin() as conn:
        drop_audit_triggers(conn)
    raw = _raw(db_path)
    try:
        raw.execute("UPDATE audit_log SET new_value = '1.5' WHERE id = 3")
    finally:
        raw.close()
    with Session(engine) as session:
        result = verify(session)
    assert not result.ok
    assert result.first_broken_id == 3
    assert result.rows_checked == 3
    assert result.reason == "audit row 3: hash does not match its content (altered)"


def test_altered_row_with_recomputed_hash_is_caught_at_next_row(
    engine: Engine, db_path: Path
) -> None:
    _fill(engine, 5)
    with engine.begin() as conn:
        drop_audit_triggers(conn)
        row = dict(conn.exec_driver_sql("SELECT * FROM audit_log WHERE id = 2").mappings().one())
        row["new_value"] = "forged"
        conn.exec_driver_sql(
            "UPDATE audit_log SET new_value = ?, hash = ? WHERE id = 2",
            ("forged", audit.compute_hash(row)),
        )
    with Session(engine) as session:
        result = verify(session)
    assert not result.ok and result.first_broken_id == 3
    assert "audit row 3: previous-hash link broken" in result.reason


def test_non_text_value_behind_the_back_is_caught(engine: Engine, db_path: Path) -> None:
    _fill(engine, 2)
    with engine.begin() as conn:
        drop_audit_triggers(conn)
    raw = _raw(db_path)
    try:
        raw.execute("UPDATE audit_log SET new_value = 12 WHERE id = 1")  # stored as INTEGER
    finally:
        raw.close()
    with Session(engine) as session:
        result = verify(session)
    assert not result.ok and result.first_broken_id == 1


def test_deleted_middle_row_is_caught(engine: Engine, db_path: Path) -> None:
    _fill(engine, 6)
    with engine.begin() as conn:
        drop_audit_triggers(conn)
    raw = _raw(db_path)
    try:
        raw.execute("DELETE FROM audit_log WHERE id = 4")
    finally:
        raw.close()
    with Session(engine) as session:
        result = verify(session)
    assert not result.ok
    assert result.first_broken_id == 5
    assert result.reason == "audit row 5: previous-hash link broken (row deleted or inserted)"


def test_deleted_first_row_is_caught(engine: Engine, db_path: Path) -> None:
    _fill(engine, 3)
    with engine.begin() as conn:
        drop_audit_triggers(conn)
        conn.exec_driver_sql("DELETE FROM audit_log WHERE id = 1")
    with engine.connect() as conn:
        result = verify(conn)
    assert not result.ok and result.first_broken_id == 2


def test_unicode_values_hash_stably(fixed_clock: None, engine: Engine) -> None:
    with Session(engine) as session:
        rows = append(
            session,
            user="护士张",
            action="update",
            table_name="adverse_event",
            record_id="AE-1",
            subject_id="受试者-01",
            changes=[Change("term", "发热", "低热 (37.8 °C)")],
            reason="原始记录更正",
        )
        session.commit()
        stored = session.scalars(select(AuditEntry)).one()
        assert stored.new_value == "低热 (37.8 °C)"
        assert stored.user == "护士张"
        fields = {name: getattr(stored, name) for name in audit.HASHED_FIELDS}
        assert audit.compute_hash(fields) == rows[0].hash == stored.hash
        assert verify(session).ok
    # Same content -> same hash (no dependence on process, dict order or escaping).
    again = {**fields}
    assert audit.compute_hash(dict(reversed(list(again.items())))) == stored.hash
    assert "低热" in audit.canonical_json(fields)  # not \\u-escaped


def test_verify_empty(engine: Engine) -> None:
    with Session(engine) as session:
        result = verify(session)
    assert result.ok and result.rows_checked == 0 and result.first_broken_id is None
    assert result.reason == "ok: 0 audit rows, chain intact"


def test_verify_in_chunks_with_progress(engine: Engine) -> None:
    _fill(engine, 23)
    seen: list[int] = []
    with Session(engine) as session:
        result = verify(session, chunk_rows=5, progress=seen.append)
    assert result.ok and result.rows_checked == 23
    assert seen == [5, 10, 15, 20, 23]


def test_append_argument_checks(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(ValueError):
            append(session, user="", action="login")
        with pytest.raises(ValueError):
            append(session, user="u", action="")
        with pytest.raises(ValueError):
            append(session, user="u", action="update", changes=[Change("a", 1, 2)], field="b")
        (single,) = append(
            session, user="u", action="confirm_warning", field="alt", old_value=None, new_value=900
        )
        assert (single.field, single.old_value, single.new_value) == ("alt", None, "900")


def test_to_text() -> None:
    assert to_text(None) is None
    assert to_text("abc") == "abc"
    assert to_text(True) == "true" and to_text(False) == "false"
    assert to_text(42) == "42"
    assert to_text(0.1) == "0.1"
    assert to_text(1e-5) == "1e-05"
    assert to_text(0.1 + 0.2) == "0.30000000000000004"  # lossless
    assert to_text(100.0) == "100.0"
    assert to_text(Decimal("1.50")) == "1.50"
    assert to_text(dt.date(2024, 2, 29)) == "2024-02-29"
    assert to_text(dt.datetime(2024, 2, 29, 13, 5)) == "2024-02-29T13:05:00"
    assert to_text(FIXED) == "2024-05-01T08:30:00.123456+00:00"
    with pytest.raises(TypeError):
        to_text(object())


def test_format_utc() -> None:
    tz8 = dt.timezone(dt.timedelta(hours=8))
    local = dt.datetime(2024, 5, 1, 16, 30, 0, 5, tzinfo=tz8)
    assert audit.format_utc(local) == "2024-05-01T08:30:00.000005Z"
    assert audit.format_utc(dt.datetime(2024, 5, 1, 8, 30)) == "2024-05-01T08:30:00.000000Z"
