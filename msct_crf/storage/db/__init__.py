"""Database layer: SQLAlchemy 2.0 models, the engine factory and Alembic migrations."""
