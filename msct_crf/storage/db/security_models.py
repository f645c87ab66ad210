"""Tables of the trust layer: e-signatures, signing keys, data queries and study settings.

Times are ISO 8601 UTC text with microseconds and a trailing Z, like the audit trail
(:func:`msct_crf.storage.audit.format_utc`). A record is named by its form's table and its id
(``form_table``, ``record_id``), so one table serves every form.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

__all__ = ["Query", "Signature", "SigningKey", "StudySetting"]


class Signature(Base):
    """An electronic signature of one record.

    ``content_hash`` is the SHA-256 of the canonical JSON of the record's values and
    missing-data codes at signing (:func:`msct_crf.storage.signing.content_hash`); a record whose
    content no longer hashes to it has an invalid signature. Unlocking never deletes a
    signature: it sets ``voided_at``/``voided_by``/``void_reason``.

    ``signature`` is the signer's Ed25519 signature (base64) with the key ``key_id`` over
    every signed field: the record's identity (table, id, subject), ``content_hash``, signer,
    printed name, meaning and ``signed_at`` (:func:`msct_crf.storage.signing.signature_message`),
    so a row copied to another record or edited no longer verifies. Both are None only for
    signatures made before migration 0003, which that migration listed in the audit trail.
    """

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_form_record", "form_table", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    form_table: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    signer: Mapped[str] = mapped_column(String(64))
    printed_name: Mapped[str] = mapped_column(String(128))
    signed_at: Mapped[str] = mapped_column(String(32))
    meaning: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    voided_at: Mapped[str | None] = mapped_column(String(32))
    voided_by: Mapped[str | None] = mapped_column(String(64))
    void_reason: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_key.id"), index=True)
    signature: Mapped[str | None] = mapped_column(String(128))


class SigningKey(Base):
    """One Ed25519 key pair of an account.

    ``public_key`` is the raw public key (base64), also recorded in the audit trail when the
    key is made; ``wrapped_private_key`` is the private key encrypted with AES-GCM under a
    key derived from the account's password with argon2id
    (:mod:`msct_crf.access.signing_keys`), never stored in clear. A key is never deleted:
    a password reset retires it (``retired_at``) and issues a new one, and what it signed
    stays verifiable with its public key.
    """

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="ed25519")
    public_key: Mapped[str] = mapped_column(String(64))
    wrapped_private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    retired_at: Mapped[str | None] = mapped_column(String(32))


class Query(Base):
    """A data query raised on a field (or a whole record when ``field_code`` is None)."""

    __tablename__ = "data_query"
    __table_args__ = (Index("ix_data_query_form_record", "form_table", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    form_table: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    field_code: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    # open -> answered -> closed (a query may also be closed while still open)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    raised_by: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[str | None] = mapped_column(String(32))
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[str | None] = mapped_column(String(32))
    close_note: Mapped[str | None] = mapped_column(Text)


class StudySetting(Base):
    """One study-wide setting (e.g. ``idle_lock_minutes``), stored as text."""

    __tablename__ = "study_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(64))
