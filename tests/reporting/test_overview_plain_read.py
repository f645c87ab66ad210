"""overview.read_first_screen: the list's first screen read with plain sqlite3 from a
read-only connection, before the Store and SQLAlchemy are needed (issue 14). It must give
exactly what load_first_screen gives through the Store, write nothing, and step aside
(None) for any file it cannot read that way."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from study_factory import TODAY, SmallStudy, build_small_study

from msct_crf.reporting import overview
from msct_crf.storage.store import Store


@pytest.fixture
def study(store: Store) -> SmallStudy:
    return build_small_study(store)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("limit", [1, 4, 60])
def test_plain_read_equals_the_store_read(store: Store, study: SmallStudy, limit: int) -> None:
    assert store.path is not None
    expected = overview.load_first_screen(store, TODAY, limit)
    assert overview.read_first_screen(store.path, TODAY, limit) == expected
    store.close()  # the WAL checkpointed and gone: the read-only open still works
    assert overview.read_first_screen(store.path, TODAY, limit) == expected


def test_plain_read_writes_nothing(store: Store, study: SmallStudy) -> None:
    assert store.path is not None
    store.close()
    before = _digest(store.path)
    assert overview.read_first_screen(store.path, TODAY, 4) is not None
    assert _digest(store.path) == before
    assert not Path(f"{store.path}-wal").exists() or Path(f"{store.path}-wal").stat().st_size == 0


def test_unreadable_files_give_none(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert overview.read_first_screen(missing, TODAY, 4) is None
    assert not missing.exists()  # read-only: not created
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    assert overview.read_first_screen(text, TODAY, 4) is None
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert overview.read_first_screen(empty, TODAY, 4) is None  # no tables yet
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as con:  # a schema without this version's columns
        con.execute("CREATE TABLE subject (id INTEGER PRIMARY KEY, subjid TEXT)")
    assert overview.read_first_screen(old, TODAY, 4) is None


def test_the_module_imports_no_sqlalchemy() -> None:
    """The window's list (ui.views.patient_list_view) imports overview before the Store."""
    code = (
        "import sys, msct_crf.reporting.overview, ui.views.patient_list_view;"
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
