"""identity: the site registry, site packages, the coordinating centre's bookkeeping

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00

Adds the ``site`` registry (the study's sites as configuration, seeded with the dictionary's
three), ``sent_package`` (a site file's packages), and the centre's ``imported_package``,
``site_audit_log`` (one audit chain per site, as sent), ``exchange_record`` (each record
named across sites by site, table and the site's id, beside its pooled id), and
``centre_query`` and ``return_package`` (queries the centre sends back to a site). Every existing
table and row is kept: a record is already named across sites by its file's site code and
its id, an audit row by the site code and its id (its sequence), so nothing chained or
signed changes.

A file whose subjects all belong to one site gets that site as its ``site_code`` setting
(audited like every setting); a file with none or several gets none (``msct-crf init
--site`` sets it). The downgrade drops the new tables; the setting and its audit row stay
(the trail is append-only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from msct_crf import clock
from msct_crf.storage import audit
from msct_crf.study.dictionary.codelists import SITES

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MIGRATION_USER = "msct-crf"
SITE_CODE_KEY = "site_code"


def _hashed_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("ts_utc", sa.String(length=32), nullable=False),
        sa.Column("user", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=True),
        sa.Column("record_id", sa.String(length=128), nullable=True),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("field", sa.String(length=128), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
    ]


def upgrade() -> None:
    site = op.create_table(
        "site",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=True),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_site")),
    )
    op.create_table(
        "sent_package",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("file_name", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_sent_package")),
    )
    op.create_table(
        "imported_package",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=6), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.Column("manifest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_package")),
        sa.UniqueConstraint("sha256", name=op.f("uq_imported_package_sha256")),
        sa.UniqueConstraint("site_code", "number", name=op.f("uq_imported_package_site_code")),
    )
    op.create_table(
        "site_audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=6), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        *_hashed_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_audit_log")),
        sa.UniqueConstraint("site_code", "seq", name=op.f("uq_site_audit_log_site_code")),
    )
    op.create_table(
        "exchange_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=6), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("site_record_id", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_record")),
        sa.UniqueConstraint(
            "site_code",
            "table_name",
            "site_record_id",
            name=op.f("uq_exchange_record_site_code"),
        ),
    )
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.create_index("ix_exchange_record_local", ["table_name", "local_id"], unique=False)
    _create_query_tables()
    _site_audit_triggers()
    stamp = audit.format_utc(clock.now())
    op.bulk_insert(
        site,
        [
            {
                "code": item.code,
                "name": item.label.en,
                "name_zh": item.label.zh,
                "added_at": stamp,
                "added_by": MIGRATION_USER,
            }
            for item in SITES.items
        ],
    )
    _site_code_from_subjects()


def _create_query_tables() -> None:
    """The centre's queries back to the sites and its return packages."""
    op.create_table(
        "centre_query",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=6), nullable=False),
        sa.Column("subjid", sa.String(length=12), nullable=False),
        sa.Column("form_table", sa.String(length=64), nullable=False),
        sa.Column("site_record_id", sa.Integer(), nullable=False),
        sa.Column("field_code", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.String(length=32), nullable=False),
        sa.Column("return_number", sa.Integer(), nullable=True),
        sa.Column("site_query_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre_query")),
    )
    with op.batch_alter_table("centre_query", schema=None) as batch_op:
        batch_op.create_index("ix_centre_query_site", ["site_code", "return_number"], unique=False)
    op.create_table(
        "return_package",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_code", sa.String(length=6), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_package")),
        sa.UniqueConstraint("site_code", "number", name=op.f("uq_return_package_site_code")),
    )


#: The site chains the centre holds are append-only like its own (SQLite, PostgreSQL).
_SITE_AUDIT_TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS site_audit_log_no_update BEFORE UPDATE ON site_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'site_audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS site_audit_log_no_delete BEFORE DELETE ON site_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'site_audit_log is append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION site_audit_log_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'site_audit_log is append-only'; END; $$",
        "DROP TRIGGER IF EXISTS site_audit_log_no_update ON site_audit_log",
        "CREATE TRIGGER site_audit_log_no_update BEFORE UPDATE OR DELETE ON site_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION site_audit_log_append_only()",
    ),
}


def _site_audit_triggers() -> None:
    connection = op.get_bind()
    for ddl in _SITE_AUDIT_TRIGGERS.get(connection.dialect.name, ()):
        connection.exec_driver_sql(ddl)


def _site_code_from_subjects() -> None:
    """A file whose subjects are all of one site belongs to that site (audited setting)."""
    connection = op.get_bind()
    sites = [
        str(row[0]) for row in connection.execute(sa.text("SELECT DISTINCT siteid FROM subject"))
    ]
    present = connection.execute(
        sa.text("SELECT 1 FROM study_setting WHERE key = :key"), {"key": SITE_CODE_KEY}
    ).first()
    if len(sites) != 1 or present is not None:
        return
    stamp = audit.format_utc(clock.now())
    connection.execute(
        sa.text(
            "INSERT INTO study_setting (key, value, updated_at, updated_by) "
            "VALUES (:key, :value, :stamp, :user)"
        ),
        {"key": SITE_CODE_KEY, "value": sites[0], "stamp": stamp, "user": MIGRATION_USER},
    )
    audit.append(
        connection,
        user=MIGRATION_USER,
        action="setting",
        table_name="study_setting",
        record_id=SITE_CODE_KEY,
        field=SITE_CODE_KEY,
        new_value=sites[0],
        reason="schema 0004: every subject of this file belongs to this site",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS site_audit_log_no_update ON site_audit_log")
        op.execute("DROP FUNCTION IF EXISTS site_audit_log_append_only()")
    with op.batch_alter_table("exchange_record", schema=None) as batch_op:
        batch_op.drop_index("ix_exchange_record_local")
    with op.batch_alter_table("centre_query", schema=None) as batch_op:
        batch_op.drop_index("ix_centre_query_site")
    for table in (
        "return_package",
        "centre_query",
        "exchange_record",
        "site_audit_log",
        "imported_package",
        "sent_package",
        "site",
    ):
        op.drop_table(table)
