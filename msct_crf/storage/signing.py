"""What a signature and a chain checkpoint sign, and checking them with a public key.

The bytes signed are canonical JSON (sorted keys, no spaces, UTF-8: the same encoding as
the audit chain, :func:`msct_crf.storage.audit.canonical_json`) of a small object that
starts with its own version tag, so a record signature can never be replayed as a
checkpoint or the other way round:

* a record signature (:func:`signature_message`)::

    {"v": "msct-crf signature 1", "table": "visit", "record_id": 12, "subject": "GZH-001",
     "content_sha256": "<hex>", "signer": "liwei", "printed_name": "Dr Li Wei",
     "meaning": "I approve this data", "signed_at": "2026-11-25T13:05:00.000000Z",
     "key_id": 3}

* a checkpoint of the audit chain (:func:`checkpoint_message`)::

    {"v": "msct-crf checkpoint 1", "head": "<hash of the row before it>", "head_row": 41,
     "user": "liwei", "key_id": 3, "at": "<the checkpoint row's ts_utc>", "event": "sign"}

Signing needs the private key, which only :mod:`msct_crf.access.signing_keys` can unwrap
with the person's password; checking needs only the public key, so it lives down here,
where ``verify`` (storage) can use it. The content hash is here too, for the same reason:
it depends on the dictionary and the tables only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from msct_crf.storage import audit
from msct_crf.study.dictionary import Form

SIGNATURE_VERSION = "msct-crf signature 1"
CHECKPOINT_VERSION = "msct-crf checkpoint 1"
ALGORITHM = "ed25519"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str | None) -> bytes | None:
    """The bytes of a base64 text, or None when it is missing or not base64."""
    if not text:
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _encode(content: dict[str, Any]) -> bytes:
    return audit.canonical_json(content).encode("utf-8")


# --------------------------------------------------------------------------- content


def record_content(form_def: Form, row: Any, subjid: str) -> dict[str, Any]:
    """A record's values and missing-data codes as signed (status and bookkeeping left out,
    so locking keeps the signature valid)."""
    return {
        "form": form_def.code,
        "table": form_def.table,
        "record_id": row.id,
        "subject": subjid,
        "parent_id": getattr(row, "infusion_id", None),
        "values": {f.code: audit.to_text(getattr(row, f.column)) for f in form_def.fields},
        "missing": {code: str(value) for code, value in sorted(dict(row.missing or {}).items())},
    }


def content_hash(form_def: Form, row: Any, subjid: str) -> str:
    """SHA-256 (hex) of the canonical JSON of :func:`record_content`."""
    return hashlib.sha256(_encode(record_content(form_def, row, subjid))).hexdigest()


# --------------------------------------------------------------------------- messages


def signature_message(
    *,
    table: str,
    record_id: int,
    subject: str,
    content_sha256: str,
    signer: str,
    printed_name: str,
    meaning: str,
    signed_at: str,
    key_id: int,
) -> bytes:
    """The bytes a record signature signs (see the module docstring)."""
    return _encode(
        {
            "v": SIGNATURE_VERSION,
            "table": table,
            "record_id": int(record_id),
            "subject": subject,
            "content_sha256": content_sha256,
            "signer": signer,
            "printed_name": printed_name,
            "meaning": meaning,
            "signed_at": signed_at,
            "key_id": int(key_id),
        }
    )


def checkpoint_message(
    *, head: str, head_row: int | None, user: str, key_id: int, at: str, event: str
) -> bytes:
    """The bytes a checkpoint signs: the chain head it covers, who, with which key, when."""
    return _encode(
        {
            "v": CHECKPOINT_VERSION,
            "head": head,
            "head_row": head_row,
            "user": user,
            "key_id": int(key_id),
            "at": at,
            "event": event,
        }
    )


def verify(public_key: str | None, signature: str | None, message: bytes) -> bool:
    """Whether ``signature`` (base64) is a valid Ed25519 signature of ``message`` by
    ``public_key`` (base64 of the raw 32 bytes). Anything malformed is simply invalid.
    (cryptography is imported here, on first use, not when the app starts.)"""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw_key, raw_signature = unb64(public_key), unb64(signature)
    if raw_key is None or raw_signature is None or len(raw_key) != 32:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(raw_signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
