"""A table row as JSON (what a package carries) and back, by the columns' types.

Dates and times travel as ISO 8601 text, JSON columns as JSON, numbers and text as they are,
so a row read back is equal to the row written, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Date, DateTime, Table


def to_json(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.c:
        value = row[column.name]
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        out[column.name] = value
    return out


def from_json(table: Table, content: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.c:
        value = content.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            value = dt.date.fromisoformat(value)
        out[column.name] = value
    return out
