"""Apply Alembic migrations when a database is opened, and refuse a newer schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from msct_crf.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The advisory lock key that serialises migrations on PostgreSQL ("MIGR" in ASCII).
MIGRATE_LOCK = 0x4D494752


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (head by default); a newer schema is refused."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        # (script.get_revision raises CommandError for an unknown id instead of returning None)
        raise DatabaseError(
            f"This database was written by a newer version of MSC-CRF (schema {current}); "
            "update the app to open it."
        )
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # several clients opening a new server database at once: one migrates, the
            # others wait and find it done (Alembic reads the version after the lock)
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}
