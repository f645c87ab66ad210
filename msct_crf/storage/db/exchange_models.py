"""Tables of the exchange between sites and the coordinating centre (migration 0004).

A site file sends numbered packages (:class:`SentPackage`); the coordinating centre keeps the
sites it knows (:class:`Site`), the packages it imported (:class:`ImportedPackage`), each
site's audit chain as the site wrote it (:class:`SiteAuditEntry`: one chain per site, apart
from the centre's own ``audit_log``) and, for every record a site sent, its identity across
sites — site code, table and the site's id — beside the id it has in the pooled tables
(:class:`ExchangeRecord`). A record is thus named across sites by (site, table, id) and an
audit row by (site, sequence): both are what the site file already had, so nothing a site
signed or chained changes.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

__all__ = [
    "CentreQuery",
    "ExchangeRecord",
    "ImportedPackage",
    "ReturnPackage",
    "SentPackage",
    "Site",
    "SiteAuditEntry",
]

SITE_CODE = String(6)
HASH = String(64)
STAMP = String(32)


class Site(Base):
    """One site of the study: study configuration, not code (``central add-site``)."""

    __tablename__ = "site"

    code: Mapped[str] = mapped_column(SITE_CODE, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[str] = mapped_column(STAMP)
    added_by: Mapped[str] = mapped_column(String(64))


class SentPackage(Base):
    """A package this site file wrote; the next one continues from the newest."""

    __tablename__ = "sent_package"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    file_name: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(HASH)  # of the manifest, which holds the payload's
    previous_sha256: Mapped[str] = mapped_column(HASH)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    chain_head: Mapped[str] = mapped_column(HASH)
    full: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[str] = mapped_column(STAMP)
    created_by: Mapped[str] = mapped_column(String(64))


class ImportedPackage(Base):
    """A package the coordinating centre imported (its manifest, as sent)."""

    __tablename__ = "imported_package"
    __table_args__ = (UniqueConstraint("site_code", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(SITE_CODE)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(HASH, unique=True)
    previous_sha256: Mapped[str] = mapped_column(HASH)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    chain_head: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[str] = mapped_column(STAMP)
    imported_at: Mapped[str] = mapped_column(STAMP)
    imported_by: Mapped[str] = mapped_column(String(64))
    manifest: Mapped[str] = mapped_column(Text)


class SiteAuditEntry(Base):
    """One row of a site's audit chain, as the site wrote it (``seq`` is its id there)."""

    __tablename__ = "site_audit_log"
    __table_args__ = (UniqueConstraint("site_code", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(SITE_CODE)
    seq: Mapped[int] = mapped_column(Integer)
    ts_utc: Mapped[str] = mapped_column(STAMP)
    user: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    table_name: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(128))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(128))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)


class ExchangeRecord(Base):
    """A record a site sent: its identity across sites, its id in the pooled table
    (``local_id``) and its content as last sent (canonical JSON, site ids)."""

    __tablename__ = "exchange_record"
    __table_args__ = (
        UniqueConstraint("site_code", "table_name", "site_record_id"),
        Index("ix_exchange_record_local", "table_name", "local_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(SITE_CODE)
    table_name: Mapped[str] = mapped_column(String(64))
    site_record_id: Mapped[int] = mapped_column(Integer)
    local_id: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(HASH)


class CentreQuery(Base):
    """A query the coordinating centre raised on a site's record (named by the site's ids),
    sent back in a return package; ``site_query_id`` is the site's query once the site's
    next package brings it, with its status and answer."""

    __tablename__ = "centre_query"
    __table_args__ = (Index("ix_centre_query_site", "site_code", "return_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(SITE_CODE)
    subjid: Mapped[str] = mapped_column(String(12))
    form_table: Mapped[str] = mapped_column(String(64))
    site_record_id: Mapped[int] = mapped_column(Integer)
    field_code: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[str] = mapped_column(STAMP)
    return_number: Mapped[int | None] = mapped_column(Integer)
    site_query_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    answer: Mapped[str | None] = mapped_column(Text)


class ReturnPackage(Base):
    """A return package the centre wrote for a site (queries back)."""

    __tablename__ = "return_package"
    __table_args__ = (UniqueConstraint("site_code", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(SITE_CODE)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(HASH)
    previous_sha256: Mapped[str] = mapped_column(HASH)
    created_at: Mapped[str] = mapped_column(STAMP)
    created_by: Mapped[str] = mapped_column(String(64))
