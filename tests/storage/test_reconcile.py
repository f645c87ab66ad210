"""verify replays the audit trail and compares it with the tables: studies made by every write
path reconcile; each kind of table and column that is changed behind the app's back is named
(table, record, field, stored value, audited value); the limits are stated by tests too."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faults.tampering import build_write_path_study, rechain_from

from msct_crf.storage import reconcile
from msct_crf.storage.integrity import Check, verify_database
from msct_crf.storage.store import Store


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reconcile") / "study.db"
    build_write_path_study(path)
    return path


@pytest.fixture
def db(clean: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.db"
    shutil.copyfile(clean, path)
    return path


@pytest.fixture(scope="module")
def scale_clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from msct_crf.tools.scale import create_scale_study

    path = tmp_path_factory.mktemp("scale") / "scale.db"
    create_scale_study(path, subjects=30)
    return path


def _sql(path: Path, *statements: str, params: tuple[object, ...] = ()) -> list[tuple]:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        rows: list[tuple] = []
        for statement in statements:
            rows = connection.execute(statement, params if "?" in statement else ()).fetchall()
        return rows
    finally:
        connection.close()


def _failed(path: Path) -> list[Check]:
    return [c for c in verify_database(path) if not c.ok]


def _findings(path: Path, name: str = "reconcile") -> list[str]:
    return [c.detail for c in _failed(path) if c.name == name]


@contextmanager
def unhooked(path: Path) -> Iterator[None]:
    """The append-only triggers dropped for an attacker's edits, and put back after."""
    from msct_crf.storage.db.audit_table import AUDIT_TRIGGERS_DDL

    _sql(path, "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete")
    try:
        yield
    finally:
        _sql(path, *AUDIT_TRIGGERS_DDL)


def _rechain(path: Path, start: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        rechain_from(connection, start)
    finally:
        connection.close()


# --------------------------------------------------------------------------- clean studies


def test_a_study_made_by_every_write_path_reconciles(clean: Path) -> None:
    before = clean.read_bytes()
    checks = verify_database(clean)
    assert [c for c in checks if not c.ok] == []
    summary = {c.name: c.detail for c in checks}
    assert (
        summary["reconcile"].startswith("ok: ") and "match the audit trail" in summary["reconcile"]
    )
    assert summary["audit_triggers"].startswith("ok")
    assert summary["audit_times"].startswith("ok")
    assert clean.read_bytes() == before  # read-only


def test_the_small_study_and_a_scale_study_reconcile(store: Store, scale_clean: Path) -> None:
    from study_factory import build_small_study

    build_small_study(store)
    assert store.path is not None
    assert _failed(store.path) == []
    assert _failed(scale_clean) == []


def test_a_study_edited_in_many_small_batches_reconciles(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconcile, "BATCH", 2)
    assert _failed(clean) == []


# --------------------------------------------------------------------------- data edited


def test_an_edited_lab_value_is_named_with_both_values(db: Path) -> None:
    (tbil,) = _sql(db, "SELECT tbil FROM visit WHERE id = 1")[0]
    _sql(db, "UPDATE visit SET tbil = tbil + 10 WHERE id = 1")
    assert _findings(db) == [
        f"visit 1 (GZH-001) TBIL: stored {float(tbil) + 10!r}, audited {tbil!r}"
    ]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("UPDATE subject SET sex = 'M' WHERE id = 1", "subject 1 (GZH-001) SEX: stored M"),
        ("UPDATE subject SET subjid = 'GZH-009' WHERE id = 2", "subject 2 (GZH-002) subjid"),
        ("UPDATE visit SET status = 'locked' WHERE id = 1", "visit 1 (GZH-001) status"),
        ('UPDATE visit SET missing = \'{"ALT": "ND"}\' WHERE id = 1', "missing-data codes"),
        ("UPDATE visit SET created_by = 'mallory' WHERE id = 1", "visit 1 (GZH-001) created_by"),
        ("UPDATE visit SET updated_by = 'mallory' WHERE id = 1", "visit 1 (GZH-001) updated_by"),
        (
            "UPDATE visit SET updated_at = '2020-01-01T00:00:00.000000Z' WHERE id = 1",
            "visit 1 (GZH-001) updated_at: stored 2020-01-01T00:00:00.000000Z, audited between",
        ),
        ("UPDATE visit SET subject_id = 2 WHERE id = 1", "visit 1 (GZH-001) subject_id"),
        ("UPDATE vital_sign SET infusion_id = 3 WHERE id = 1", "vital_sign 1 (GZH-001) infusion"),
        ("UPDATE adverse_event SET infusion_id = NULL WHERE id = 1", "adverse_event 1"),
        ("UPDATE conmed SET cmdose = 500 WHERE id = 1", "conmed 1 (GZH-001) CMDOSE"),
        ("UPDATE disposition SET dsdecod = 'DIED' WHERE id = 1", "disposition 1 (GZH-002)"),
        ("UPDATE infusion SET exstdtc = '2001-01-01 09:00:00.000000'", "infusion 1 (GZH-001)"),
        ("UPDATE signature SET meaning = 'I saw it' WHERE id = 2", "signature 2 (GZH-001) meaning"),
        ("UPDATE signature SET record_id = 2 WHERE id = 3", "signature 3 (GZH-001) record_id"),
        ("UPDATE signature SET voided_by = NULL WHERE id = 1", "signature 1 (GZH-001) voided_by"),
        ("UPDATE data_query SET text = 'nothing' WHERE id = 1", "data_query 1 (GZH-001) text"),
        ("UPDATE data_query SET status = 'closed' WHERE id = 2", "data_query 2 (GZH-002) status"),
        ("UPDATE app_user SET role = 'admin' WHERE username = 'nurse1'", "app_user 3 role"),
        ("UPDATE app_user SET locked = 1 WHERE username = 'liwei'", "app_user 2 locked"),
        ("UPDATE app_user SET failed_logins = 0 WHERE username = 'liwei'", ""),
        ("UPDATE study_setting SET value = '240'", "study_setting idle_lock_minutes value"),
        ("UPDATE site_sequence SET last_number = 1", "site_sequence GZH last_number"),
    ],
)
def test_each_table_and_bookkeeping_column_is_covered(
    db: Path, statement: str, expected: str
) -> None:
    before = _findings(db)
    _sql(db, statement)
    findings = _findings(db)
    if expected == "":  # liwei has no failed logins: setting 0 again changes nothing
        assert findings == before == []
        return
    assert any(expected in f for f in findings), findings


def test_a_copied_signature_is_data_without_audit(db: Path) -> None:
    _sql(
        db,
        "INSERT INTO signature (subject_id, form_table, record_id, signer, printed_name, "
        "signed_at, meaning, content_hash) SELECT subject_id, 'visit', 3, signer, printed_name, "
        "signed_at, meaning, content_hash FROM signature WHERE id = 2",
    )
    assert _findings(db) == ["signature 4: data without audit trail (no sign row made it)"]


def test_the_password_hash_is_not_compared(db: Path) -> None:
    """A secret that is never audited (only that it was set or changed): not covered."""
    _sql(db, "UPDATE app_user SET password_hash = 'x' WHERE username = 'nurse1'")
    assert _findings(db) == []
    assert "password_hash" in reconcile.USER_EXCLUDED


def test_a_row_added_or_removed_behind_the_apps_back(db: Path) -> None:
    _sql(
        db,
        "INSERT INTO conmed (id, subject_id, status, missing, created_at, created_by, "
        "updated_at, updated_by, cmtrt) VALUES (99, 1, 'complete', '{}', 'x', 'x', 'x', 'x', 'X')",
        "DELETE FROM medical_history WHERE id = 1",
        "DELETE FROM data_query WHERE id = 2",
    )
    assert set(_findings(db)) == {
        "conmed 99: data without audit trail",
        "medical_history 1 (GZH-001): in the audit trail but not in the table "
        "(deleted without audit)",
        "data_query 2 (GZH-002): in the audit trail but not in the table (deleted without audit)",
    }


def test_a_deleted_record_put_back_is_caught(db: Path, clean: Path) -> None:
    (visit_id,) = _sql(
        db,
        "SELECT record_id FROM audit_log WHERE action = 'delete' AND table_name = 'visit' LIMIT 1",
    )[0]
    _sql(
        db,
        "INSERT INTO visit (id, subject_id, status, missing, created_at, created_by, "
        f"updated_at, updated_by) VALUES ({visit_id}, 1, 'complete', '{{}}', 'x', 'x', 'x', 'x')",
    )
    assert _findings(db) == [
        f"visit {visit_id} (GZH-001): deleted in the audit trail but still in the table"
    ]


# --------------------------------------------------------------------------- audit rewritten


def _row(path: Path, where: str) -> int:
    return int(_sql(path, f"SELECT id FROM audit_log WHERE {where} ORDER BY id LIMIT 1")[0][0])


def test_an_intermediate_value_rewritten_and_re_chained_is_caught(db: Path) -> None:
    """The chain is intact again, but the next change's old value no longer follows."""
    row = _row(db, "action = 'insert' AND table_name = 'visit' AND field = 'TBIL'")
    with unhooked(db):
        _sql(db, f"UPDATE audit_log SET new_value = '31.0' WHERE id = {row}")
        _rechain(db, row)
    checks = {c.name: c for c in verify_database(db)}
    assert checks["audit_chain"].ok
    assert any(
        "TBIL" in f and "says it was 30.0, but the rows before it leave 31.0" in f
        for f in _findings(db)
    ), _findings(db)


def test_a_final_value_rewritten_and_re_chained_is_caught(db: Path) -> None:
    row = _row(db, "action = 'insert' AND table_name = 'subject' AND field = 'INITIALS'")
    with unhooked(db):
        _sql(db, f"UPDATE audit_log SET new_value = 'ZZ' WHERE id = {row}")
        _rechain(db, row)
    assert _findings(db) == ["subject 1 (GZH-001) INITIALS: stored AB, audited ZZ"]


def test_audit_time_going_backwards_is_caught(db: Path) -> None:
    row = _row(db, "action = 'sign'")
    with unhooked(db):
        _sql(db, f"UPDATE audit_log SET ts_utc = '2001-01-01T00:00:00.000000Z' WHERE id >= {row}")
        _rechain(db, row)
    times = _findings(db, "audit_times")
    assert len(times) == 1 and times[0].startswith(f"audit row {row}: time 2001-01-01T00:00"), times
    assert "time went backwards" in times[0]
    # the bookkeeping times written after it no longer fit between their audit rows either
    assert any("audited between" in f or "signed at" in f for f in _findings(db))


def test_an_audit_time_in_another_format_is_caught(db: Path) -> None:
    with unhooked(db):
        _sql(db, "UPDATE audit_log SET ts_utc = '2026-13-01 10:00' WHERE id = 3")
        _rechain(db, 3)
    assert any("is not an ISO 8601 UTC time" in f for f in _findings(db, "audit_times"))


def test_an_emptied_trail_is_caught(db: Path) -> None:
    with unhooked(db):
        _sql(db, "DELETE FROM audit_log")
    findings = _findings(db)
    assert "subject 1: data without audit trail" in findings
    assert "app_user 1: data without audit trail" in findings


def test_a_deleted_tail_is_caught_where_the_data_then_has_no_audit(db: Path) -> None:
    """The last change to data (a deletion) removed from the end of the trail: the chain is
    still intact, the table no longer matches."""
    last = _row(db, "action = 'delete' AND table_name = 'visit'")
    with unhooked(db):
        _sql(db, f"DELETE FROM audit_log WHERE id >= {last}")
    checks = {c.name: c for c in verify_database(db)}
    assert checks["audit_chain"].ok
    assert any("in the audit trail but not in the table" in f for f in _findings(db))


def test_a_deleted_tail_without_data_is_not_detected_yet(db: Path) -> None:
    """The known limit until the chain is anchored (issue 10, deliverable 3): rows that change
    no data (here the last logout) can be cut from the end unnoticed."""
    (last,) = _sql(db, "SELECT max(id) FROM audit_log")[0]
    assert _sql(db, f"SELECT action FROM audit_log WHERE id = {last}")[0] == ("logout",)
    with unhooked(db):
        _sql(db, f"DELETE FROM audit_log WHERE id = {last}")
    assert _failed(db) == []


# --------------------------------------------------------------------------- triggers


def test_dropped_triggers_are_reported_and_reinstalled_with_an_audit_row(db: Path) -> None:
    _sql(db, "DROP TRIGGER audit_log_no_delete")
    failed = _failed(db)
    assert [(c.name, c.detail) for c in failed] == [
        (
            "audit_triggers",
            "the append-only trigger audit_log_no_delete is missing (dropped behind the app's "
            "back)",
        )
    ]
    with Store.open_path(db):
        pass
    repair = _sql(db, "SELECT user, action, reason FROM audit_log ORDER BY id DESC LIMIT 1")
    assert repair == [
        ("system", "repair", "append-only trigger(s) audit_log_no_delete were missing; reinstalled")
    ]
    assert _failed(db) == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        _sql(db, "DELETE FROM audit_log WHERE id = 1")


# --------------------------------------------------------------------------- older files, limits


def test_an_infusion_link_that_was_never_audited_is_tolerated(db: Path) -> None:
    """Files written before inserts audited the infusion link of vital signs."""
    row = _row(db, "action = 'insert' AND table_name = 'vital_sign' AND field = 'infusion_id'")
    with unhooked(db):
        _sql(db, f"DELETE FROM audit_log WHERE id = {row}")
        _rechain(db, row)
    assert _failed(db) == []


def test_many_differences_are_counted_beyond_the_listed_ones(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconcile, "MAX_DIFFERENCES", 10)
    _sql(db, "UPDATE app_user SET full_name = full_name || '!'")
    _sql(db, "UPDATE visit SET alt = 1, ast = 2, alp = 3, ggt = 4, tbil = 5, dbil = 6, alb = 7")
    _sql(db, "UPDATE visit SET pt = 8, inr = 9, creat = 10, sodium = 11, plt = 12, hgb = 13")
    _sql(db, "UPDATE subject SET initials = 'Q', height = 1, weight = 2, hospnum = 'H'")
    findings = _findings(db)
    assert len(findings) == reconcile.MAX_DIFFERENCES + 1
    summary = findings[-1]
    assert "difference(s) between the tables and the audit trail" in summary
    assert "not listed" in summary


def test_a_difference_reads_as_one_line() -> None:
    difference = reconcile.Difference("visit", "7", "ALT", "45.0\n", None, subject="GZH-001")
    assert difference.text == "visit 7 (GZH-001) ALT: stored 45.0, audited (blank)"


# --------------------------------------------------------------------------- scale studies


def test_scale_rows_are_compared_inside_sqlite_and_an_edit_is_named(
    scale_clean: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scale.db"
    shutil.copyfile(scale_clean, db)
    _sql(db, "UPDATE visit SET alb = alb + 1 WHERE id = 5")
    _sql(db, "UPDATE vital_sign SET infusion_id = 2, vstpt = 'ZZ' WHERE id = 1")
    findings = _findings(db)
    assert len(findings) == 3, findings
    assert findings[0].endswith(" VSTPT: stored ZZ, audited PRE")
    assert findings[1].endswith(" infusion_id: stored 2, audited 1")
    assert findings[2].startswith("visit 5 (") and " ALB: stored " in findings[2]


def test_a_scale_study_without_the_vital_signs_link_is_tolerated(
    scale_clean: Path, tmp_path: Path
) -> None:
    """scale wrote no infusion_id into vital signs' bulk_insert rows before."""
    import json

    from msct_crf.storage import audit

    db = tmp_path / "old-scale.db"
    shutil.copyfile(scale_clean, db)
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("DROP TRIGGER audit_log_no_update")
        rows = connection.execute(
            "SELECT id, new_value FROM audit_log WHERE table_name = 'vital_sign' "
            "AND action = 'bulk_insert'"
        ).fetchall()
        for row_id, content in rows:
            values = json.loads(content)
            del values["infusion_id"]
            connection.execute(
                "UPDATE audit_log SET new_value = ? WHERE id = ?",
                (audit.canonical_json(values), row_id),
            )
        rechain_from(connection, rows[0][0])
    finally:
        connection.close()
    assert _failed(db) == [
        Check(
            "audit_triggers",
            False,
            "the append-only trigger audit_log_no_update is missing (dropped behind the app's "
            "back)",
        )
    ]


@pytest.mark.parametrize("content", ["NULL", "5", "'[1]'", "'{}'", "'not json'"])
def test_a_bulk_row_emptied_and_re_chained_is_not_cleared(
    content: str, scale_clean: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scale.db"
    shutil.copyfile(scale_clean, db)
    row = _row(db, "action = 'bulk_insert' AND table_name = 'visit'")
    with unhooked(db):
        _sql(db, f"UPDATE audit_log SET new_value = {content} WHERE id = {row}")
        _rechain(db, row)
    findings = _findings(db)
    assert findings and all(f.startswith("visit ") for f in findings), findings


@pytest.mark.parametrize(
    "missing",
    [
        "{}",
        '{"IGG": "UNK"}',
        '{"IGG": "ND", "ALT": "ND"}',
        '{"IGG": null}',
        '{"IGG": 1}',
        '{"IG\\"G": "ND"}',
        '["IGG"]',
        "not json",
    ],
)
def test_scale_missing_codes_are_compared_inside_sqlite(
    missing: str, scale_clean: Path, tmp_path: Path
) -> None:
    db = tmp_path / "scale.db"
    shutil.copyfile(scale_clean, db)
    (visit_id,) = _sql(db, "SELECT id FROM visit WHERE missing != '{}' ORDER BY id LIMIT 1")[0]
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("UPDATE visit SET missing = ? WHERE id = ?", (missing, visit_id))
    connection.close()
    findings = _findings(db)
    assert len(findings) == 1 and findings[0].startswith(f"visit {visit_id} ("), findings
    assert " missing-data codes: stored " in findings[0]
