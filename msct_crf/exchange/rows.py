"""A table row as JSON (what a package carries) and back, by the columns' types.

Dates and times travel as ISO 8601 text, JSON columns as JSON, numbers and text as they are,
so a row read back is equal to the row written, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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


def _parsers(table: Table) -> tuple[tuple[str, Callable[[str], Any] | None], ...]:
    """Each column's name and how its ISO text is read back (None: as it is); once a table
    (the centre reads every row of a package through this)."""
    found = _PARSERS.get(table.name)
    if found is None:
        found = tuple(
            (
                column.name,
                dt.datetime.fromisoformat
                if isinstance(column.type, DateTime)
                else dt.date.fromisoformat
                if isinstance(column.type, Date)
                else None,
            )
            for column in table.c
        )
        _PARSERS[table.name] = found
    return found


_PARSERS: dict[str, tuple[tuple[str, Callable[[str], Any] | None], ...]] = {}


def from_json(table: Table, content: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    get = content.get
    for name, parse in _parsers(table):
        value = get(name)
        if parse is not None and isinstance(value, str):
            value = parse(value)
        out[name] = value
    return out
