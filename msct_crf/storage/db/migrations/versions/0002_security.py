"""trust layer: e-signatures, data queries, study settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:20:00

Adds three tables and leaves every existing table (app_user included) as it was, so a
database with data upgrades in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_study_setting")),
    )
    op.create_table(
        "data_query",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("form_table", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field_code", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.String(length=32), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_data_query_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_query")),
    )
    with op.batch_alter_table("data_query", schema=None) as batch_op:
        batch_op.create_index(
            "ix_data_query_form_record", ["form_table", "record_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_data_query_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_query_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("form_table", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("printed_name", sa.String(length=128), nullable=False),
        sa.Column("signed_at", sa.String(length=32), nullable=False),
        sa.Column("meaning", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("voided_at", sa.String(length=32), nullable=True),
        sa.Column("voided_by", sa.String(length=64), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_signature_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index("ix_signature_form_record", ["form_table", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signature_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signature_subject_id"))
        batch_op.drop_index("ix_signature_form_record")
    op.drop_table("signature")
    with op.batch_alter_table("data_query", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_query_subject_id"))
        batch_op.drop_index(batch_op.f("ix_data_query_status"))
        batch_op.drop_index("ix_data_query_form_record")
    op.drop_table("data_query")
    op.drop_table("study_setting")
