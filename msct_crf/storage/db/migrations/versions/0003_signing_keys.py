"""signing keys: an Ed25519 key pair per account, keyed signatures

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:11:26

Adds the ``signing_key`` table (public key, private key wrapped under the password) and,
on ``signature``, the key and the Ed25519 signature over every signed field. Every existing
row is kept; accounts get their key at their next login (the password is needed to wrap it).

Signatures made before this revision have no key: the upgrade lists their ids in one audit
row (action ``upgrade``, field ``unkeyed_signatures``), so verify can tell these from a
keyless row added later behind the application's back. The downgrade drops the keys and the
signatures' key columns (what was signed stays; the audit row stays, the trail is
append-only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from msct_crf.storage import audit

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UNKEYED_FIELD = "unkeyed_signatures"


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("wrapped_private_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("retired_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_signing_key_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
    )
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signing_key_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("signature", sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f("ix_signature_key_id"), ["key_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_signature_key_id_signing_key"), "signing_key", ["key_id"], ["id"]
        )
    _record_unkeyed_signatures()


def _record_unkeyed_signatures() -> None:
    connection = op.get_bind()
    ids = [
        str(row[0])
        for row in connection.execute(
            sa.text("SELECT id FROM signature WHERE key_id IS NULL ORDER BY id")
        )
    ]
    if ids:
        audit.append(
            connection,
            user="msct-crf",
            action="upgrade",
            field=UNKEYED_FIELD,
            new_value=",".join(ids),
            reason="schema 0003: signatures made before signing keys; bound to their content only",
        )


def downgrade() -> None:
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_signature_key_id_signing_key"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_signature_key_id"))
        batch_op.drop_column("signature")
        batch_op.drop_column("key_id")

    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_key_user_id"))

    op.drop_table("signing_key")
