"""The coordinating centre's Ed25519 key: made at ``central init``, it signs the return
packages (the centre's queries back to a site), and each site pins its public half on the
first return package it imports.

Why: a return package raises queries in a site's file under the name of the person who
imports it. Unsigned, anyone who can put a file in front of the site admin could make
queries appear to come from the centre. Signed, a site accepts only packages from the key it
pinned the first time (trust on first use, like ssh): the site admin compares that key's
fingerprint, printed by ``msct-crf import``, with the one the centre's ``msct-crf central
status`` prints (by telephone, say) before answering the first queries.

The centre has no accounts (its writers are the import and the monitors' commands on its
server), so the private key is kept in the centre database itself (study setting
:data:`PRIVATE_KEY`, never audited, never exported: the export reads the form tables); its
public half is the audited setting :data:`PUBLIC_KEY`. Whoever can write the centre's
database is the centre: the signature protects the package on its way to the site, and
against a package made elsewhere.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.errors import UserError
from msct_crf.storage import audit, signing, study_identity
from msct_crf.storage.db.models import StudySetting

PUBLIC_KEY = "centre_public_key"  # at the centre: its key; at a site: the key it pinned
PRIVATE_KEY = "centre_signing_key"  # at the centre only
#: What a return package's signature covers: this prefix, then the manifest's bytes.
SIGNED_PREFIX = b"msct-crf return 1|"


def fingerprint(public_key: str) -> str:
    """What a person compares: ``SHA256:`` and the first 128 bits of the SHA-256 of the raw
    public key, in groups of four hex digits."""
    raw = signing.unb64(public_key) or public_key.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def ensure_centre_key(session: Session, *, user: str) -> tuple[str, bool]:
    """The centre's public key, made now if it has none (True then)."""
    public = study_identity.read_setting(session, PUBLIC_KEY)
    if public is not None and session.get(StudySetting, PRIVATE_KEY) is not None:
        return public, False
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    stamp = audit.format_utc(clock.now())
    session.merge(
        StudySetting(key=PRIVATE_KEY, value=signing.b64(raw), updated_at=stamp, updated_by=user)
    )
    public = signing.b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    study_identity.write_setting(session, PUBLIC_KEY, public, user=user)
    return public, True


def centre_public_key(session: Session) -> str | None:
    return study_identity.read_setting(session, PUBLIC_KEY)


def sign_return(session: Session, manifest_bytes: bytes) -> str:
    """The centre's signature (base64) of a return package's manifest."""
    row = session.get(StudySetting, PRIVATE_KEY)
    raw = signing.unb64(row.value if row is not None else None)
    if raw is None or len(raw) != 32:
        raise UserError(
            "the centre database has no signing key yet: run `msct-crf central init --url URL "
            "--study ID` once to make it (return packages are signed with it)"
        )
    return signing.b64(
        Ed25519PrivateKey.from_private_bytes(raw).sign(SIGNED_PREFIX + manifest_bytes)
    )
