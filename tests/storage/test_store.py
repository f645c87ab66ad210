"""Opening a study database: a new file, a missing one, a folder, a text file, an empty file,
a truncated or corrupted database (detected at open, the file left untouched), another
program's SQLite file, read-only files, and what the error messages say."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from msct_crf.errors import DatabaseError
from msct_crf.storage.db import migrate
from msct_crf.storage.db.audit_table import AUDIT_TRIGGER_NAMES
from msct_crf.storage.db.base import Base
from msct_crf.storage.db.engine import explain_db_error
from msct_crf.storage.db.models import Subject
from msct_crf.storage.store import Store, check_sqlite_file
from msct_crf.workflow import records

ENROL = {
    "SITEID": "GZH",
    "INITIALS": "AB",
    "SEX": "M",
    "BRTHDTC": "1970-01-01",
    "RFICDTC": "2023-01-01",
    "ENRLDTC": "2023-01-01",
    "DXCAT": "AIH",
}


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> Path:
    """A closed study database with a few subjects and visits (several pages long)."""
    path = tmp_path_factory.mktemp("populated") / "study.db"
    with Store.open_path(path) as store:
        for _ in range(12):
            subject = records.save_form(store, user="t", form="ENROL", values=ENROL).subject
            for month, day in (("BASELINE", "2023-01-02"), ("UNSCHED", "2023-03-01")):
                records.save_form(
                    store,
                    user="t",
                    form="VIS",
                    subject=subject,
                    values={"VISIT": month, "VISDTC": day, "ALT": "40", "TBIL": "20"},
                )
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _assert_refused_untouched(path: Path, *match: str) -> DatabaseError:
    before = _snapshot(path)
    with pytest.raises(DatabaseError) as info:
        Store.open_path(path)
    assert _snapshot(path) == before, "a refused file must not be written to"
    message = str(info.value)
    for part in match:
        assert part in message, message
    assert "Traceback" not in message and "\n" not in message.strip()
    return info.value


def _assert_schema_at_head(path: Path) -> None:
    """Read with plain sqlite3, not through the app: every table of the models and the audit
    triggers exist, and alembic_version names the newest migration."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        objects = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
        versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()
    tables = {n for kind, n in objects if kind == "table" and not n.startswith("sqlite_")}
    triggers = {name for kind, name in objects if kind == "trigger"}
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert set(AUDIT_TRIGGER_NAMES) <= triggers
    assert versions == [(migrate.head_revision(),)]


def test_open_creates_a_new_database(tmp_path):
    path = tmp_path / "sub" / "dir" / "new.db"
    with Store.open_path(path) as store:
        assert path.exists() and store.path == path
        assert records.list_subjects(store) == []
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_pragmas_are_set_on_connections(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_missing_file_with_create_false(tmp_path):
    path = tmp_path / "absent.db"
    with pytest.raises(DatabaseError, match="not found"):
        Store.open_path(path, create=False)
    assert not path.exists()


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="is a folder"):
        Store.open_path(tmp_path)


def test_a_text_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("subject,alt\nGZH-001,40\n", encoding="utf-8")
    _assert_refused_untouched(path, "not an MSC-CRF database")


def test_a_file_under_a_file_is_refused(tmp_path):
    parent = tmp_path / "plain.txt"
    parent.write_text("x")
    with pytest.raises(DatabaseError):
        Store.open_path(parent / "study.db")


def test_an_empty_file_becomes_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open_path(path) as store:
        assert records.list_subjects(store) == []
    check_sqlite_file(path)
    _assert_schema_at_head(path)


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        connection.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    connection.close()
    _assert_refused_untouched(path, "another program")
    with sqlite3.connect(path) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert "subject" not in tables


def test_an_empty_sqlite_database_is_initialised(tmp_path):
    path = tmp_path / "blank.db"
    sqlite3.connect(path).close()  # valid header only once something is written
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 0")
    connection.close()
    Store.open_path(path).close()
    _assert_schema_at_head(path)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_a_truncated_database_is_refused_untouched(tmp_path, populated, fraction):
    path = tmp_path / "truncated.db"
    data = populated.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    _assert_refused_untouched(path, str(path))


def test_a_damaged_header_is_refused_untouched(tmp_path, populated):
    path = tmp_path / "header.db"
    data = bytearray(populated.read_bytes())
    data[0:16] = b"SQLite format 4\x00"
    path.write_bytes(bytes(data))
    _assert_refused_untouched(path, "not an MSC-CRF database")


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_over_pages_are_detected_at_open(tmp_path, populated, seed):
    """Overwrite whole b-tree pages (not the first) with random bytes: quick_check catches it
    and the file is not modified."""
    path = tmp_path / f"corrupt{seed}.db"
    data = bytearray(populated.read_bytes())
    page_size = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page_size
    assert pages > 4
    rng = random.Random(seed)
    for page in rng.sample(range(1, pages), k=min(3, pages - 1)):
        start = page * page_size
        data[start : start + page_size] = rng.randbytes(page_size)
    path.write_bytes(bytes(data))
    _assert_refused_untouched(path, str(path))


def test_a_good_copy_opens_and_keeps_its_data(tmp_path, populated):
    path = tmp_path / "copy.db"
    shutil.copyfile(populated, path)
    with Store.open_path(path) as store:
        assert len(records.list_subjects(store)) == 12
        with store.reading() as session:
            assert session.scalar(select(func.count()).select_from(Subject)) == 12


def test_session_commits_and_rolls_back(store):
    with store.session() as session:
        session.execute(text("INSERT INTO site_sequence (siteid, last_number) VALUES ('X', 1)"))
    with pytest.raises(RuntimeError), store.session() as session:
        session.execute(text("INSERT INTO site_sequence (siteid, last_number) VALUES ('Y', 1)"))
        raise RuntimeError("boom")
    with store.reading() as session:
        sites = set(session.scalars(text("SELECT siteid FROM site_sequence")))
    assert sites == {"X"}


def test_reading_never_keeps_changes(store):
    with store.reading() as session:
        session.execute(text("INSERT INTO site_sequence (siteid, last_number) VALUES ('Z', 1)"))
    with store.reading() as session:
        assert session.scalar(text("SELECT count(*) FROM site_sequence")) == 0


# --------------------------------------------------------------------------- read-only


def _make_immutable(path: Path) -> bool:
    """chattr +i blocks writes even for root; False where the file system refuses it."""
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    return done.returncode == 0


def _clear_immutable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


def test_a_read_only_file_gives_a_clear_message(tmp_path, populated):
    path = tmp_path / "ro.db"
    shutil.copyfile(populated, path)
    if os.geteuid() != 0:
        path.chmod(0o444)
        protected = True
    else:  # root ignores permission bits; the immutable attribute still binds root
        protected = _make_immutable(path)
    if not protected:
        pytest.skip("running as root where chattr +i is unavailable: cannot make a file read-only")
    try:
        before = path.read_bytes()
        try:
            store = Store.open_path(path)
        except DatabaseError as exc:  # refused at open: must say why
            assert "read-only" in str(exc) or "cannot be opened" in str(exc), str(exc)
        else:
            try:
                with pytest.raises(DatabaseError, match="read-only"):
                    records.save_form(store, user="t", form="ENROL", values=ENROL)
            finally:
                store.close()
        assert path.read_bytes() == before
    finally:
        _clear_immutable(path)
        path.chmod(0o644)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.OperationalError("database is locked"), "busy"),
        (sqlite3.OperationalError("database or disk is full"), "disk is full"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
        (sqlite3.OperationalError("unable to open database file"), "cannot be opened"),
        (sqlite3.OperationalError("disk I/O error"), "disk reported an error"),
        (sqlite3.OperationalError("something else"), "Database error: something else"),
    ],
)
def test_database_errors_are_explained(error, expected):
    message = explain_db_error(error, "/data/study.db")
    assert expected in message
    assert "\n" not in message


def test_database_error_from_a_session_is_explained(store):
    with pytest.raises(DatabaseError, match="damaged|Database error"), store.session() as session:
        session.execute(text("SELECT * FROM no_such_table"))
