"""The audit_log table and the triggers that make it append-only.

Rows are written only by :func:`msct_crf.storage.audit.append`; each row's ``hash`` is the
SHA-256 of its own content plus ``prev_hash`` (the previous row's ``hash``), so
:func:`msct_crf.storage.audit.verify` detects an altered, deleted or inserted row.
The triggers refuse UPDATE and DELETE at the database level; they are installed by
the Alembic migration through :func:`install_audit_triggers`.
"""

from __future__ import annotations

from sqlalchemy import Connection, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from msct_crf.storage.db.base import Base

AUDIT_TABLE = "audit_log"
APPEND_ONLY_MESSAGE = "audit_log is append-only"

# Actions the application writes. Kept open (a str column, no CHECK constraint) so a
# new action never needs a migration; this tuple documents the known ones.
AUDIT_ACTIONS: tuple[str, ...] = (
    "insert",
    "update",
    "delete",
    "sign",
    "verify",
    "lock",
    "unlock",
    "login",
    "login_failed",
    "logout",
    "export",
    "confirm_warning",
    "backup",
    "restore",
    "query_open",
    "query_answer",
    "query_close",
    "account",
    "repair",
    "checkpoint",  # the chain head signed by the acting person's key (access.signing_keys)
    "upgrade",  # a schema migration's note (0003: the signatures made before keys)
)


class AuditEntry(Base):
    """One audit row. All values are text (see :func:`msct_crf.storage.audit.to_text`)."""

    __tablename__ = AUDIT_TABLE
    __table_args__ = (
        Index("ix_audit_log_table_record", "table_name", "record_id"),
        # AUTOINCREMENT: ids are never reused, so id order is insertion order.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # ISO 8601 UTC with microseconds and a trailing Z: 2024-05-01T08:30:00.123456Z
    ts_utc: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(128))
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)
    field: Mapped[str | None] = mapped_column(String(128))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return (
            f"AuditEntry(id={self.id!r}, ts_utc={self.ts_utc!r}, user={self.user!r}, "
            f"action={self.action!r}, table_name={self.table_name!r}, "
            f"record_id={self.record_id!r}, field={self.field!r})"
        )


# --------------------------------------------------------------------------- triggers

AUDIT_TRIGGER_NAMES: tuple[str, ...] = ("audit_log_no_update", "audit_log_no_delete")

AUDIT_TRIGGERS_DDL: tuple[str, ...] = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
)

# PostgreSQL (a clinic's server, the coordinating centre); tests/storage/test_postgres_*.py
# run them on a throwaway cluster. One plpgsql function raises; row triggers cover
# UPDATE/DELETE, a statement trigger covers TRUNCATE (which row triggers do not see).
# DROP ... IF EXISTS + CREATE keeps it idempotent on PostgreSQL < 14 (no CREATE OR REPLACE TRIGGER).
POSTGRESQL_AUDIT_TRIGGERS_DDL: tuple[str, ...] = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; "
    "END; $$",
    "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)

POSTGRESQL_AUDIT_TRIGGER_NAMES: tuple[str, ...] = ("audit_log_no_update", "audit_log_no_truncate")

POSTGRESQL_DROP_AUDIT_TRIGGERS_DDL: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
)


def install_audit_triggers(connection: Connection) -> None:
    """Create the append-only triggers (idempotent). Call from an Alembic migration
    (``install_audit_triggers(op.get_bind())``) after the table exists."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statements = AUDIT_TRIGGERS_DDL
    elif dialect == "postgresql":
        statements = POSTGRESQL_AUDIT_TRIGGERS_DDL
    else:  # no other backend is supported; nothing to install
        return
    for ddl in statements:
        connection.exec_driver_sql(ddl)


def missing_audit_triggers(connection: Connection) -> list[str]:
    """The append-only triggers a database lacks (dropped behind the app's back)."""
    if connection.dialect.name == "postgresql":
        enabled = set(
            connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%(table)s) "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                {"table": AUDIT_TABLE},
            ).scalars()
        )
        return [name for name in POSTGRESQL_AUDIT_TRIGGER_NAMES if name not in enabled]
    if connection.dialect.name != "sqlite":
        return []
    present = set(
        connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (AUDIT_TABLE,),
        ).scalars()
    )
    return [name for name in AUDIT_TRIGGER_NAMES if name not in present]


def drop_audit_triggers(connection: Connection) -> None:
    """Remove the triggers (for an Alembic downgrade)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statements: tuple[str, ...] = tuple(
            f"DROP TRIGGER IF EXISTS {name}" for name in AUDIT_TRIGGER_NAMES
        )
    elif dialect == "postgresql":
        statements = POSTGRESQL_DROP_AUDIT_TRIGGERS_DDL
    else:
        return
    for ddl in statements:
        connection.exec_driver_sql(ddl)
