"""Reading the study database for an export: a few bulk queries into plain typed frames.

Each form table is read with one query (never one per subject), in one read transaction so
every query sees the same data. Columns are renamed to the dictionary's field codes, dates
become datetime64, numbers float64, and the missing-data codes dicts; nothing is filtered,
converted or reshaped here (that is :mod:`.data`, :mod:`.long_sheets`, :mod:`.wide`, ...).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from msct_crf.storage.audit import GENESIS_HASH
from msct_crf.storage.db.audit_table import AUDIT_TABLE
from msct_crf.storage.site_registry import SITE_TABLE
from msct_crf.storage.store import Store
from msct_crf.study.dictionary import FORMS, CodeList, Form
from msct_crf.study.dictionary.codelists import SITES
from msct_crf.study.sites import site_list

from .variables import DATE_KINDS

__all__ = [
    "LOADED_FORMS",
    "RawStudy",
    "head_hash",
    "read_audit",
    "read_form",
    "read_sites",
    "read_study",
    "snapshot",
]

#: The forms an export reads, in the order they are queried.
LOADED_FORMS: tuple[str, ...] = ("ENROL", "EX", "VS", "VIS", "AE", "CM", "MH", "DS")

_AUDIT_QUERY = (
    'SELECT id, ts_utc, "user", action, table_name, record_id, subject_id, field, '
    f"old_value, new_value, reason, hash FROM {AUDIT_TABLE} ORDER BY id"
)


@dataclass(frozen=True)
class RawStudy:
    """The database as read, unfiltered: one frame per form (integer keys, SI units, codes),
    the audit rows when asked for, and the chain head the snapshot saw."""

    forms: dict[str, pd.DataFrame]
    head_hash: str
    audit: pd.DataFrame | None = None
    #: The study's registered sites (the site registry), read in the same snapshot.
    sites: CodeList = field(default_factory=lambda: site_list(()))


@contextmanager
def snapshot(store: Store) -> Iterator[Any]:
    """A DB-API cursor in one read transaction: every query sees the same data.

    On SQLite a plain deferred BEGIN (WAL readers never block the nurse's saves, unlike the
    app's BEGIN IMMEDIATE write transactions); on PostgreSQL a REPEATABLE READ, READ ONLY
    transaction (the engine's READ COMMITTED would let each query see newer saves).
    """
    raw = store.engine.raw_connection()
    try:
        if store.engine.dialect.name == "postgresql":
            raw.rollback()  # SET TRANSACTION must come first in its transaction
        cursor = raw.cursor()
        if store.engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")
        elif store.engine.dialect.name == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            yield cursor
        finally:
            cursor.close()
            raw.rollback()
    finally:
        raw.close()


def read_study(
    store: Store, *, include_audit: bool, check: Callable[[], None] = lambda: None
) -> RawStudy:
    """Every form table (and the audit trail if `include_audit`) in one snapshot.
    ``check`` is called between queries (it raises to cancel)."""
    forms: dict[str, pd.DataFrame] = {}
    audit: pd.DataFrame | None = None
    with snapshot(store) as cursor:
        head = head_hash(cursor)
        sites = read_sites(cursor)
        for code in LOADED_FORMS:
            forms[code] = read_form(cursor, code)
            check()
        if include_audit:
            audit = read_audit(cursor)
            check()
    return RawStudy(forms=forms, head_hash=head, audit=audit, sites=sites)


def read_sites(cursor: Any) -> CodeList:
    """The site registry (code, name, Chinese name) as SITEID's code list (a file older
    than migration 0004, read-only: the sites 0004 would seed it with)."""
    try:
        cursor.execute(f"SELECT code, name, name_zh FROM {SITE_TABLE} ORDER BY code")
        rows = cursor.fetchall()
    except sqlite3.OperationalError:  # no such table (a server is always migrated)
        rows = [(item.code, item.label.en, item.label.zh) for item in SITES.items]
    return site_list((str(code), str(name), name_zh) for code, name, name_zh in rows)


#: Rows fetched (as Python tuples) at a time while a table is read into a frame.
FETCH_ROWS = 20_000


def _read_frame(cursor: Any, sql: str, integer_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The query's rows as a frame, fetched :data:`FETCH_ROWS` at a time.

    ``fetchall`` of the 100,000 visits of a 10,000-subject study held about six million
    Python values at once (the peak memory of the whole export, issue 14); a block at a
    time holds a few hundred thousand, and pymalloc reuses them for the next block.
    ``integer_columns`` (nullable keys) are made numeric as one whole-table read would:
    a block where the column is all NULL reads as objects, the others as numbers.
    """
    cursor.execute(sql)
    names = [d[0] for d in cursor.description]
    frames = []
    shared = _SharedText(len(names))
    while rows := cursor.fetchmany(FETCH_ROWS):
        # copied: the text columns from_records makes are views of one array of every
        # value of the block, which kept all of the block's number objects alive
        # (about 20 MB a block of visits; issue 14)
        frames.append(pd.DataFrame.from_records(shared.rows(rows), columns=names).copy())
        del rows
    if not frames:
        return pd.DataFrame.from_records([], columns=names)
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    for name in integer_columns:
        column = frame[name]
        if column.dtype == object and column.notna().any():
            frame[name] = pd.to_numeric(column)
    return frame


#: Distinct texts of a column shared across its rows, at most; a column with more (free
#: text, audit values) keeps the objects as read.
SHARED_TEXTS = 4_096


class _SharedText:
    """One object per distinct text of a column (visit codes, dates as text, code-list
    values), across the blocks of a read.

    A text the database driver hands back is a new object in every row; the ones a frame
    keeps are spread over the memory of the block's numbers and pin it (CPython frees its
    small-object memory an arena at a time). The values are equal either way, so are
    the frames; the peak of the 10,000-subject export's read fell by a third (issue 14).
    """

    def __init__(self, columns: int) -> None:
        self.seen: list[dict[str, str] | None] = [{} for _ in range(columns)]

    def rows(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        columns = list(zip(*rows, strict=True))
        changed = False
        for i, column in enumerate(columns):
            seen = self.seen[i]
            if seen is None or type(next((v for v in column if v is not None), None)) is not str:
                continue  # numbers, or free text past the limit (identity only, never values)
            columns[i] = tuple(seen.setdefault(v, v) if type(v) is str else v for v in column)
            changed = True
            if len(seen) > SHARED_TEXTS:
                self.seen[i] = None
        return list(zip(*columns, strict=True)) if changed else rows


def read_audit(cursor: Any) -> pd.DataFrame:
    """The audit trail's rows, as read (the cursor's snapshot)."""
    return _read_frame(cursor, _AUDIT_QUERY)


def head_hash(cursor: Any) -> str:
    """The audit chain's head as msct_crf.storage.audit.head_hash reads it, in this snapshot."""
    cursor.execute(f"SELECT hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    return str(row[0]) if row and row[0] is not None else GENESIS_HASH


def _to_datetime(series: pd.Series) -> pd.Series:
    """SQLite hands back ISO text; other backends hand back date objects: both parse."""
    if series.empty:
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    return pd.to_datetime(series, format="ISO8601", errors="coerce")


def _parse_missing(series: pd.Series) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for raw in series.tolist():
        if raw is None or raw in ("{}", ""):
            out.append({})
        elif isinstance(raw, dict):
            out.append(raw)
        else:
            try:
                parsed = json.loads(raw)
            except (TypeError, ValueError):
                parsed = {}
            out.append(parsed if isinstance(parsed, dict) else {})
    return out


def read_form(cursor: Any, code: str, only: Collection[str] | None = None) -> pd.DataFrame:
    """Form `code`'s table in the cursor's snapshot: bookkeeping columns, then one typed
    column per field code. With ``only`` (field codes), just those fields and the keys,
    without status and missing-data codes: the compact copy the summaries read (issue 14)."""
    return _form_frame(cursor, FORMS[code], only)


def _form_frame(cursor: Any, form: Form, only: Collection[str] | None = None) -> pd.DataFrame:
    """One form's table: bookkeeping columns, then one typed column per field code."""
    extra = ["id"] if only is not None else ["id", "status", "missing"]
    if form.code != "ENROL":
        extra.append("subject_id")
    if form.code in ("VS", "AE"):
        extra.append("infusion_id")
    fields = [f for f in form.fields if only is None or f.code in only]
    columns = extra + [f.column for f in fields]
    keys = tuple(c for c in ("subject_id", "infusion_id") if c in extra)
    frame = _read_frame(cursor, f"SELECT {', '.join(columns)} FROM {form.table}", keys)
    rename = {f.column: f.code for f in fields}
    frame = frame.rename(columns=rename)
    if form.code == "ENROL":
        frame["subject_id"] = frame["id"]
    for f in fields:
        if f.type in DATE_KINDS:
            frame[f.code] = _to_datetime(frame[f.code])
        elif f.is_numeric:
            frame[f.code] = pd.to_numeric(frame[f.code], errors="coerce").astype("float64")
        else:
            frame[f.code] = frame[f.code].astype(object).where(frame[f.code].notna(), None)
    if only is not None:
        return frame
    frame["missing"] = pd.Series(_parse_missing(frame["missing"]), index=frame.index, dtype=object)
    return frame
