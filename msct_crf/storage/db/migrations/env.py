"""Alembic environment: runs on the connection msct_crf.storage.db.migrate hands over."""

from __future__ import annotations

from alembic import context

from msct_crf.storage.db import models  # noqa: F401  (registers every table on Base.metadata)
from msct_crf.storage.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used by `alembic` on the command line
    from msct_crf.storage.db.engine import make_engine

    connection = make_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
