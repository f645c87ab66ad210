"""``msct-crf demo --with-accounts``: the same cohort, four accounts and the lifecycle.

Built once for the module (password hashing and some 200 signatures); only read here.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from msct_crf import access
from msct_crf.storage.store import Store
from msct_crf.tools import cli
from msct_crf.tools.demo import create_demo
from msct_crf.tools.demo_lifecycle import (
    ACCOUNTS,
    DEMO_PASSWORD,
    UNLOCK_REASON,
    add_accounts_and_lifecycle,
)

FORM_TABLES = (
    "subject",
    "medical_history",
    "infusion",
    "vital_sign",
    "visit",
    "adverse_event",
    "conmed",
    "disposition",
)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("demo_accounts") / "demo.db"
    summary = create_demo(path, with_accounts=True)
    return path, summary


@pytest.fixture(scope="module")
def db(demo_path: tuple[Path, str]) -> Iterator[sqlite3.Connection]:
    path, _summary = demo_path
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    yield connection
    connection.close()


def _statuses(db: sqlite3.Connection) -> Counter[str]:
    counts: Counter[str] = Counter()
    for table in FORM_TABLES:
        counts.update(dict(db.execute(f"SELECT status, count(*) FROM {table} GROUP BY status")))
    return counts


def _table_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in FORM_TABLES}


def test_four_accounts_with_their_roles(db: sqlite3.Connection) -> None:
    rows = {u: (n, r) for u, n, r in db.execute("SELECT username, full_name, role FROM app_user")}
    assert rows == {username: (full, role) for username, full, role in ACCOUNTS}
    assert {role for _u, _n, role in ACCOUNTS} == {"admin", "pi", "nurse", "monitor"}


def test_every_account_logs_in_with_the_demo_password(
    demo_path: tuple[Path, str], tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    source, target = sqlite3.connect(demo_path[0]), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    with Store.open_path(copy) as store:
        for username, _full, role in ACCOUNTS:
            actor = access.login(store, username, DEMO_PASSWORD)
            assert (actor.username, actor.role) == (username, role)
            access.logout(store, actor)


def test_a_third_of_the_forms_signed_and_locked(db: sqlite3.Connection) -> None:
    statuses = _statuses(db)
    total = sum(statuses.values())
    assert statuses["locked"] + 3 == total // 3
    assert set(statuses) == {"complete", "locked"}
    signatures = db.execute(
        "SELECT count(*), count(voided_at), count(DISTINCT signer) FROM signature"
    ).fetchone()
    assert signatures == (total // 3, 3, 1)
    assert db.execute("SELECT DISTINCT signer, printed_name FROM signature").fetchall() == [
        ("dr.li", "Li Wei")
    ]


def test_verified_by_the_monitor_and_unlocked_with_a_reason(db: sqlite3.Connection) -> None:
    actions = dict(
        ((a, u), n)
        for a, u, n in db.execute(
            "SELECT action, user, count(DISTINCT table_name || '/' || record_id) FROM audit_log "
            "WHERE action IN ('verify', 'sign', 'lock', 'unlock') GROUP BY action, user"
        )
    )
    signed = db.execute("SELECT count(*) FROM signature").fetchone()[0]
    assert actions == {
        ("verify", "monitor.chen"): signed,
        ("sign", "dr.li"): signed,
        ("lock", "dr.li"): signed,
        ("unlock", "dr.li"): 3,
    }
    voided = db.execute(
        "SELECT DISTINCT void_reason, voided_by FROM signature WHERE voided_at IS NOT NULL"
    ).fetchall()
    assert voided == [(UNLOCK_REASON, "dr.li")]


def test_open_and_answered_queries(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT status, raised_by, answered_by FROM data_query").fetchall()
    assert Counter(rows) == {
        ("open", "monitor.chen", None): 4,
        ("answered", "monitor.chen", "nurse.wang"): 4,
    }


def test_the_cohort_is_the_plain_demo(db: sqlite3.Connection, demo_template: Path) -> None:
    plain = sqlite3.connect(f"{demo_template.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert _table_counts(plain) == _table_counts(db)
        query = "SELECT subjid, initials, brthdtc, weight FROM subject ORDER BY subjid"
        assert plain.execute(query).fetchall() == db.execute(query).fetchall()
        labs = "SELECT subject_id, visit, tbil, alb, pt FROM visit ORDER BY id"
        assert plain.execute(labs).fetchall() == db.execute(labs).fetchall()
        assert plain.execute("SELECT count(*) FROM app_user").fetchone()[0] == 0
        assert plain.execute("SELECT count(*) FROM signature").fetchone()[0] == 0
    finally:
        plain.close()


def test_same_lifecycle_every_time(
    db: sqlite3.Connection, demo_template: Path, tmp_path: Path
) -> None:
    """The lifecycle on a copy of the plain demo (the cohort is the same, checked above)
    picks the same records: no second cohort build."""
    again = tmp_path / "again.db"
    shutil.copy(demo_template, again)
    with Store.open_path(again) as store:
        add_accounts_and_lifecycle(store)
    other = sqlite3.connect(again)
    try:
        for query in (
            "SELECT form_table, record_id, voided_at IS NULL FROM signature ORDER BY id",
            "SELECT form_table, record_id, status FROM data_query ORDER BY id",
        ):
            assert other.execute(query).fetchall() == db.execute(query).fetchall()
    finally:
        other.close()


def test_summary_prints_the_accounts(demo_path: tuple[Path, str]) -> None:
    _path, summary = demo_path
    assert "3 unlocked with a reason, 4 open and 4 answered queries" in summary
    assert f"password {DEMO_PASSWORD}" in summary
    for username, full, _role in ACCOUNTS:
        assert username in summary and full in summary


def test_verify_passes_every_check(
    demo_path: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["verify", "--db", str(demo_path[0]), "-v"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    checks = [line.split(":", 1) for line in captured.out.splitlines()[:-1] if line.strip()]
    names = {name for name, _rest in checks}
    assert {"audit_chain", "reconcile", "signatures", "checkpoints", "signing_keys"} <= names
    assert [name for name, rest in checks if not rest.startswith(" ok")] == []
