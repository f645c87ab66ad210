"""Bulk rows into the centre's tables: PostgreSQL's COPY where it pays, an executemany else.

The centre's import writes a package's new rows (the site's audit rows, the records, their
exchange map) in one transaction after every check has passed. Through SQLAlchemy's
``INSERT ... RETURNING`` in pages of VALUES, most of a large import went into building and
splitting those statements (``bench_centre.py``: 12x a COPY of the same rows). On
PostgreSQL the rows go through ``COPY ... FROM STDIN`` on the same connection, so the same
transaction, the same constraints (keys, foreign keys, unique indexes, NOT NULL) and the
same all-or-nothing; a row COPY refuses raises like the INSERT would. New records' ids are
drawn from the table's own sequence first (``nextval``, in order), so the caller knows each
row's id without RETURNING. SQLite (and a handful of rows) keep the plain statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert, text
from sqlalchemy import exc as sa_exc

#: Below this many rows the plain INSERT is as quick and simpler to follow.
COPY_MIN_ROWS = 50


def uses_copy(conn: Connection, count: int) -> bool:
    return conn.dialect.name == "postgresql" and count >= COPY_MIN_ROWS


def _adapt(value: Any) -> Any:
    """A JSON column's value as JSON text (None too: SQLAlchemy's JSON stores ``null``)."""
    from psycopg.types.json import Json

    return Json(value)


def copy_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY `rows` (dicts of column values, every row the same columns) into `table`, in the
    connection's transaction."""
    if not rows:
        return
    columns = [c.name for c in table.c if c.name in rows[0]]
    json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in columns)
    driver = conn.connection.driver_connection
    assert driver is not None
    sql = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    import psycopg

    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            if json_columns:
                for row in rows:
                    copy.write_row(
                        [
                            _adapt(row.get(name)) if name in json_columns else row.get(name)
                            for name in columns
                        ]
                    )
            else:
                for row in rows:
                    copy.write_row([row.get(name) for name in columns])
    except psycopg.Error as exc:  # as SQLAlchemy's own statements raise it (IntegrityError...)
        raise sa_exc.DBAPIError.instance(sql, None, exc, psycopg.Error) from exc


def next_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """`count` new ids from the table's id sequence, ascending (nobody else gets them)."""
    stmt = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")
    return sorted(int(i) for i in conn.execute(stmt, {"table": table.name, "n": count}).scalars())


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows whose ids the caller does not need (COPY on PostgreSQL)."""
    if uses_copy(conn, len(rows)):
        copy_rows(conn, table, rows)
    elif rows:
        conn.execute(insert(table), list(rows))


def insert_with_ids(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows on PostgreSQL by COPY with ids drawn first; their ids in row order."""
    assert uses_copy(conn, len(rows))
    ids = next_ids(conn, table, len(rows))
    copy_rows(conn, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids
