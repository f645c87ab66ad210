"""The cheap schema-revision reading of ``migrate`` (no Alembic on an up-to-date open)
agrees with Alembic's own reading of the scripts and of the database (issue 14)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from msct_crf.storage.db import migrate
from msct_crf.storage.db.engine import make_engine, sqlite_url


def test_scripts_read_as_text_agree_with_alembic():
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    links = {rev.revision: rev.down_revision for rev in script.walk_revisions()}
    assert migrate._revision_links() == links
    assert migrate.known_revisions() == set(links)


def test_current_revision_agrees_with_alembic(db_path, migrated_template):
    engine = make_engine(sqlite_url(db_path))
    try:
        assert migrate.current_revision(engine) is None  # a new, empty file
    finally:
        engine.dispose()
    shutil.copyfile(migrated_template, db_path)
    engine = make_engine(sqlite_url(db_path))
    try:
        with engine.connect() as connection:
            expected = MigrationContext.configure(connection).get_current_revision()
        assert migrate.current_revision(engine) == expected == migrate.head_revision()
    finally:
        engine.dispose()


def test_a_second_revision_row_is_refused(db_path, migrated_template):
    shutil.copyfile(migrated_template, db_path)
    with sqlite3.connect(db_path) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.close()
    engine = make_engine(sqlite_url(db_path))
    try:
        try:
            migrate.current_revision(engine)
        except migrate.DatabaseError as exc:
            assert "2 schema revisions" in str(exc)
        else:
            raise AssertionError("two revision rows were accepted")
    finally:
        engine.dispose()


def test_opening_an_up_to_date_study_imports_no_alembic(db_path, migrated_template):
    shutil.copyfile(migrated_template, db_path)
    code = (
        "import sys\n"
        "from msct_crf.storage.store import Store\n"
        f"Store.open_path({str(db_path)!r}).close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"
