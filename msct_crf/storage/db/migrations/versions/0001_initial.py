"""initial schema: every form, users, audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:54:08.553757
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from msct_crf.storage.db.audit_table import drop_audit_triggers, install_audit_triggers

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Every table of the first schema, parents before children; the audit log's
    UPDATE/DELETE triggers straight after its table."""
    _create_app_user()
    _create_audit_log()
    install_audit_triggers(op.get_bind())
    _create_site_sequence()
    _create_subject()
    _create_conmed()
    _create_disposition()
    _create_infusion()
    _create_medical_history()
    _create_visit()
    _create_adverse_event()
    _create_vital_sign()


def _record_columns() -> list[sa.Column[Any]]:
    """The bookkeeping columns every form table ends with, as they were at revision 0001.

    Written out here, not taken from the models: a migration must stay what it was when
    later models change. Fresh Column objects on every call (a Column joins one table).
    """
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
    ]


def _create_app_user() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )


def _create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(
            "ix_audit_log_table_record", ["table_name", "record_id"], unique=False
        )


def _create_site_sequence() -> None:
    op.create_table(
        "site_sequence",
        sa.Column("siteid", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("siteid", name=op.f("pk_site_sequence")),
    )


def _create_subject() -> None:
    op.create_table(
        "subject",
        sa.Column("subjid", sa.String(length=12), nullable=False),
        sa.Column("siteid", sa.String(length=20), nullable=False),
        sa.Column("initials", sa.String(length=4), nullable=True),
        sa.Column("hospnum", sa.String(length=30), nullable=True),
        sa.Column("sex", sa.String(length=20), nullable=True),
        sa.Column("brthdtc", sa.Date(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("height", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("rficdtc", sa.Date(), nullable=True),
        sa.Column("enrldtc", sa.Date(), nullable=True),
        sa.Column("dxcat", sa.String(length=20), nullable=True),
        sa.Column("dxoth", sa.String(length=100), nullable=True),
        sa.Column("dxdtc", sa.String(length=10), nullable=True),
        sa.Column("cirrdtc", sa.Date(), nullable=True),
        sa.Column("cirrmeth", sa.String(length=20), nullable=True),
        sa.Column("lsm", sa.Float(), nullable=True),
        sa.Column("dcasc", sa.String(length=20), nullable=True),
        sa.Column("dcvb", sa.String(length=20), nullable=True),
        sa.Column("dche", sa.String(length=20), nullable=True),
        sa.Column("dcjaun", sa.String(length=20), nullable=True),
        sa.Column("iein01", sa.String(length=20), nullable=True),
        sa.Column("iein02", sa.String(length=20), nullable=True),
        sa.Column("iein03", sa.String(length=20), nullable=True),
        sa.Column("iein04", sa.String(length=20), nullable=True),
        sa.Column("ieex01", sa.String(length=20), nullable=True),
        sa.Column("ieex02", sa.String(length=20), nullable=True),
        sa.Column("ieex03", sa.String(length=20), nullable=True),
        sa.Column("ieex04", sa.String(length=20), nullable=True),
        sa.Column("ieex05", sa.String(length=20), nullable=True),
        sa.Column("iewaiver", sa.String(length=500), nullable=True),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject")),
        sa.UniqueConstraint("subjid", name=op.f("uq_subject_subjid")),
    )


def _create_conmed() -> None:
    op.create_table(
        "conmed",
        sa.Column("cmtrt", sa.String(length=200), nullable=True),
        sa.Column("cmcat", sa.String(length=20), nullable=True),
        sa.Column("cmdose", sa.Float(), nullable=True),
        sa.Column("cmdosu", sa.String(length=20), nullable=True),
        sa.Column("cmdosfrq", sa.String(length=20), nullable=True),
        sa.Column("cmroute", sa.String(length=20), nullable=True),
        sa.Column("cmstdtc", sa.String(length=10), nullable=True),
        sa.Column("cmendtc", sa.String(length=10), nullable=True),
        sa.Column("cmongo", sa.String(length=20), nullable=True),
        sa.Column("cmindc", sa.String(length=200), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_conmed_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conmed")),
    )
    with op.batch_alter_table("conmed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conmed_subject_id"), ["subject_id"], unique=False)


def _create_disposition() -> None:
    op.create_table(
        "disposition",
        sa.Column("dsdecod", sa.String(length=20), nullable=True),
        sa.Column("dsstdtc", sa.Date(), nullable=True),
        sa.Column("dsterm", sa.String(length=200), nullable=True),
        sa.Column("dslcdtc", sa.Date(), nullable=True),
        sa.Column("dsdthcau", sa.String(length=200), nullable=True),
        sa.Column("dsltxdtc", sa.Date(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_disposition_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition")),
        sa.UniqueConstraint("subject_id", name=op.f("uq_disposition_subject_id")),
    )
    with op.batch_alter_table("disposition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposition_subject_id"), ["subject_id"], unique=False)


def _create_infusion() -> None:
    op.create_table(
        "infusion",
        sa.Column("exnum", sa.Integer(), nullable=True),
        sa.Column("exstdtc", sa.DateTime(), nullable=True),
        sa.Column("exendtc", sa.DateTime(), nullable=True),
        sa.Column("exdur", sa.Integer(), nullable=True),
        sa.Column("exsrc", sa.String(length=20), nullable=True),
        sa.Column("exlot", sa.String(length=40), nullable=True),
        sa.Column("exwt", sa.Float(), nullable=True),
        sa.Column("excell", sa.Float(), nullable=True),
        sa.Column("exdose", sa.Float(), nullable=True),
        sa.Column("explan", sa.Float(), nullable=True),
        sa.Column("exvol", sa.Float(), nullable=True),
        sa.Column("exviab", sa.Float(), nullable=True),
        sa.Column("exroute", sa.String(length=20), nullable=True),
        sa.Column("exrouteo", sa.String(length=100), nullable=True),
        sa.Column("premed", sa.String(length=20), nullable=True),
        sa.Column("premedtx", sa.String(length=200), nullable=True),
        sa.Column("exreact", sa.String(length=20), nullable=True),
        sa.Column("excompl", sa.String(length=20), nullable=True),
        sa.Column("excomprs", sa.String(length=200), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_infusion_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infusion")),
    )
    with op.batch_alter_table("infusion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_infusion_subject_id"), ["subject_id"], unique=False)


def _create_medical_history() -> None:
    op.create_table(
        "medical_history",
        sa.Column("mhterm", sa.String(length=200), nullable=True),
        sa.Column("mhstdtc", sa.String(length=10), nullable=True),
        sa.Column("mhongo", sa.String(length=20), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_medical_history_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_history")),
    )
    with op.batch_alter_table("medical_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medical_history_subject_id"), ["subject_id"], unique=False
        )


def _create_visit() -> None:
    op.create_table(
        "visit",
        sa.Column("visit", sa.String(length=20), nullable=True),
        sa.Column("visdtc", sa.Date(), nullable=True),
        sa.Column("alt", sa.Float(), nullable=True),
        sa.Column("ast", sa.Float(), nullable=True),
        sa.Column("alp", sa.Float(), nullable=True),
        sa.Column("ggt", sa.Float(), nullable=True),
        sa.Column("tbil", sa.Float(), nullable=True),
        sa.Column("dbil", sa.Float(), nullable=True),
        sa.Column("alb", sa.Float(), nullable=True),
        sa.Column("pt", sa.Float(), nullable=True),
        sa.Column("pta", sa.Float(), nullable=True),
        sa.Column("inr", sa.Float(), nullable=True),
        sa.Column("creat", sa.Float(), nullable=True),
        sa.Column("sodium", sa.Float(), nullable=True),
        sa.Column("plt", sa.Float(), nullable=True),
        sa.Column("hgb", sa.Float(), nullable=True),
        sa.Column("wbc", sa.Float(), nullable=True),
        sa.Column("igg", sa.Float(), nullable=True),
        sa.Column("ascites", sa.String(length=20), nullable=True),
        sa.Column("he", sa.String(length=20), nullable=True),
        sa.Column("dialysis", sa.String(length=20), nullable=True),
        sa.Column("varbleed", sa.String(length=20), nullable=True),
        sa.Column("meld", sa.Integer(), nullable=True),
        sa.Column("meldna", sa.Integer(), nullable=True),
        sa.Column("meld3", sa.Integer(), nullable=True),
        sa.Column("cps", sa.Integer(), nullable=True),
        sa.Column("cpclass", sa.String(length=20), nullable=True),
        sa.Column("albi", sa.Float(), nullable=True),
        sa.Column("albigr", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_visit_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_visdtc"), ["visdtc"], unique=False)


def _create_adverse_event() -> None:
    op.create_table(
        "adverse_event",
        sa.Column("infusion_id", sa.Integer(), nullable=True),
        sa.Column("aeterm", sa.String(length=200), nullable=True),
        sa.Column("aestdtc", sa.DateTime(), nullable=True),
        sa.Column("aeendtc", sa.DateTime(), nullable=True),
        sa.Column("aeongo", sa.String(length=20), nullable=True),
        sa.Column("aetoxgr", sa.String(length=20), nullable=True),
        sa.Column("aeser", sa.String(length=20), nullable=True),
        sa.Column("aesdth", sa.String(length=20), nullable=True),
        sa.Column("aeslife", sa.String(length=20), nullable=True),
        sa.Column("aeshosp", sa.String(length=20), nullable=True),
        sa.Column("aesdisab", sa.String(length=20), nullable=True),
        sa.Column("aescong", sa.String(length=20), nullable=True),
        sa.Column("aesmie", sa.String(length=20), nullable=True),
        sa.Column("aerel", sa.String(length=20), nullable=True),
        sa.Column("aeacn", sa.String(length=20), nullable=True),
        sa.Column("aeout", sa.String(length=20), nullable=True),
        sa.Column("aeinfrel", sa.String(length=20), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["infusion_id"], ["infusion.id"], name=op.f("fk_adverse_event_infusion_id_infusion")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_adverse_event_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adverse_event_subject_id"), ["subject_id"], unique=False
        )


def _create_vital_sign() -> None:
    op.create_table(
        "vital_sign",
        sa.Column("infusion_id", sa.Integer(), nullable=False),
        sa.Column("vstpt", sa.String(length=20), nullable=True),
        sa.Column("temp", sa.Float(), nullable=True),
        sa.Column("pulse", sa.Integer(), nullable=True),
        sa.Column("sysbp", sa.Integer(), nullable=True),
        sa.Column("diabp", sa.Integer(), nullable=True),
        sa.Column("resp", sa.Integer(), nullable=True),
        sa.Column("spo2", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["infusion_id"], ["infusion.id"], name=op.f("fk_vital_sign_infusion_id_infusion")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_vital_sign_subject_id_subject")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vital_sign")),
        sa.UniqueConstraint("infusion_id", "vstpt", name=op.f("uq_vital_sign_infusion_id")),
    )
    with op.batch_alter_table("vital_sign", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vital_sign_infusion_id"), ["infusion_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vital_sign_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    drop_audit_triggers(op.get_bind())
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("vital_sign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vital_sign_subject_id"))
        batch_op.drop_index(batch_op.f("ix_vital_sign_infusion_id"))

    op.drop_table("vital_sign")
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_event_subject_id"))

    op.drop_table("adverse_event")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_visdtc"))
        batch_op.drop_index(batch_op.f("ix_visit_subject_id"))

    op.drop_table("visit")
    with op.batch_alter_table("medical_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_history_subject_id"))

    op.drop_table("medical_history")
    with op.batch_alter_table("infusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_infusion_subject_id"))

    op.drop_table("infusion")
    with op.batch_alter_table("disposition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposition_subject_id"))

    op.drop_table("disposition")
    with op.batch_alter_table("conmed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conmed_subject_id"))

    op.drop_table("conmed")
    op.drop_table("subject")
    op.drop_table("site_sequence")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_table_record")
        batch_op.drop_index(batch_op.f("ix_audit_log_subject_id"))

    op.drop_table("audit_log")
    op.drop_table("app_user")
    # ### end Alembic commands ###
