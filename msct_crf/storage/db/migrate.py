"""Apply Alembic migrations when a database is opened, and refuse a newer schema.

Opening a study that is already at the newest schema is the common case, so it costs one
query and no Alembic: the file's revision is read with plain SQL and compared with the
newest revision named in the migration scripts (read as text, not imported). Alembic
(about 75 ms to import, with Mako and Pygments) is imported only when a migration is due
(issue 14). ``tests/storage/db/test_migrations.py`` checks that this reading agrees with
Alembic's own.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text

from msct_crf.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The advisory lock key that serialises migrations on PostgreSQL ("MIGR" in ASCII).
MIGRATE_LOCK = 0x4D494752
_VERSION_TABLE = "alembic_version"
_ASSIGNMENT = re.compile(
    r"^(?P<name>revision|down_revision)\s*(?::[^=]*)?=\s*(?P<value>None|['\"][^'\"]*['\"])",
    re.MULTILINE,
)


def __getattr__(name: str) -> Any:
    # ``migrate.ScriptDirectory`` for the tests that walk the scripts, imported on demand
    if name == "ScriptDirectory":
        from alembic.script import ScriptDirectory

        return ScriptDirectory
    raise AttributeError(name)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def _revision_links() -> dict[str, str | None]:
    """Each revision of the scripts with its ``down_revision``, read as text."""
    links: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = {
            m["name"]: (None if m["value"] == "None" else m["value"][1:-1])
            for m in _ASSIGNMENT.finditer(script.read_text(encoding="utf-8"))
        }
        revision = found.get("revision")
        if revision is not None:
            links[revision] = found.get("down_revision")
    return links


def head_revision() -> str:
    links = _revision_links()
    heads = set(links) - {down for down in links.values() if down is not None}
    assert len(heads) == 1, f"expected one head revision, found {sorted(heads)}"
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database records (None for a new database): one query."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(_VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).all()
    if len(rows) > 1:
        raise DatabaseError(f"This database records {len(rows)} schema revisions, expected one.")
    return str(rows[0][0]) if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (head by default); a newer schema is refused."""
    current = current_revision(engine)
    if current == revision or (revision == "head" and current == head_revision()):
        return  # nothing to do: Alembic is not even imported
    if current is not None and current not in known_revisions():
        # (script.get_revision raises CommandError for an unknown id instead of returning None)
        raise DatabaseError(
            f"This database was written by a newer version of MSC-CRF (schema {current}); "
            "update the app to open it."
        )
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # several clients opening a new server database at once: one migrates, the
            # others wait and find it done (Alembic reads the version after the lock)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def known_revisions() -> set[str]:
    return set(_revision_links())
