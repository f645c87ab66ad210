"""The coordinating centre's Ed25519 key: made at ``central init``, it signs the return
packages (the centre's queries back to a site), and each site pins its public half on the
first return package it imports.

Why: a return package raises queries in a site's file under the name of the person who
imports it. Unsigned, anyone who can put a file in front of the site admin could make
queries appear to come from the centre. Signed, a site accepts only packages from the key it
pinned the first time (trust on first use, like ssh): the site admin compares that key's
fingerprint, printed by ``msct-crf import``, with the one the centre's ``msct-crf central
status`` prints (by telephone, say) before answering the first queries.

The private key is kept like an account's (:mod:`msct_crf.access.signing_keys`): in the
centre database only encrypted (AES-GCM under an argon2id key) with the centre key's
passphrase, chosen at ``central init`` and asked for by ``central queries``; the centre has
no accounts, so the passphrase is the centre's own (its data manager's). The wrapped key is
the study setting :data:`PRIVATE_KEY` (not audited, not exported); its public half is the
audited setting :data:`PUBLIC_KEY`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.access import signing_keys
from msct_crf.access.passwords import strength_problem
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


#: Gives the centre key's passphrase when one is needed (a prompt, a line of stdin).
Passphrase = Callable[[], str]


def ensure_centre_key(
    session: Session, *, user: str, passphrase: Passphrase | None
) -> tuple[str | None, bool]:
    """The centre's public key, made now (True then) with the passphrase if it has none;
    (None, False) when it has none and no passphrase is given."""
    public = study_identity.read_setting(session, PUBLIC_KEY)
    if public is not None and session.get(StudySetting, PRIVATE_KEY) is not None:
        return public, False
    if passphrase is None:
        return None, False
    secret = passphrase()
    problem = strength_problem(secret, ("msct", "centre", "center"))
    if problem is not None:
        raise UserError(f"The centre key's passphrase: {problem}")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    public = signing_keys.public_text(private)
    stamp = audit.format_utc(clock.now())
    session.merge(
        StudySetting(
            key=PRIVATE_KEY,
            value=signing_keys.wrap(private, secret),
            updated_at=stamp,
            updated_by=user,
        )
    )
    study_identity.write_setting(session, PUBLIC_KEY, public, user=user)
    return public, True


def centre_public_key(session: Session) -> str | None:
    return study_identity.read_setting(session, PUBLIC_KEY)


def sign_return(session: Session, manifest_bytes: bytes, passphrase: Passphrase | None) -> str:
    """The centre's signature (base64) of a return package's manifest."""
    row = session.get(StudySetting, PRIVATE_KEY)
    public = centre_public_key(session)
    if row is None or public is None:
        raise UserError(
            "the centre database has no signing key yet: run `msct-crf central init --url URL "
            "--study ID` once to make it (return packages are signed with it)"
        )
    if passphrase is None:
        raise UserError("the centre key's passphrase is needed to sign the return package")
    private = signing_keys.unwrap(row.value, public, passphrase())
    if private is None:
        raise UserError("the centre key's passphrase is wrong; nothing was written")
    return signing_keys.sign(private, SIGNED_PREFIX + manifest_bytes)
