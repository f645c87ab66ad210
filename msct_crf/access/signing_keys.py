"""Each account's Ed25519 signing key: made, wrapped under the password, unlocked, used.

Why: a signature or a chain checkpoint must be impossible to make without the person's
password, even for someone who can edit the database file. So the private key is stored
only encrypted (AES-GCM, 256-bit) under a key derived from the password with argon2id
(:func:`argon2.low_level.hash_secret_raw`, a random 16-byte salt, the cost of the current
password hasher, so ``access.set_hasher_factory`` makes tests fast here too). The stored
form names its parameters, like an argon2 hash::

    argon2id$v=19$m=65536,t=3,p=4$<salt>$<nonce>$<ciphertext>       (base64 parts)

The public key is authenticated as associated data, so a wrapped key moved onto another
public key does not open. The public key is recorded in the audit trail when the key is
made (action ``account``, table ``signing_key``).

Life of a key: made when the account is created (:func:`issue_key`); for an account from
before keys existed, at its next successful login (:func:`start_session`); re-wrapped when
its owner changes the password (:func:`rewrap`); retired, and a new one issued, when an
administrator resets the password (the old public key stays, so what it signed stays
verifiable). After login the unwrapped key is held in this process for the session (like an
ssh agent) so that lock, unlock, backup and export can sign a checkpoint
(:func:`checkpoint`) without asking for the password again; logout forgets it.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from msct_crf import clock
from msct_crf.access.passwords import hasher
from msct_crf.access.roles import Actor
from msct_crf.errors import PermissionDenied
from msct_crf.storage import audit, signing
from msct_crf.storage.db.audit_table import AUDIT_TABLE, AuditEntry
from msct_crf.storage.db.models import AppUser, SigningKey

if TYPE_CHECKING:
    # argon2's KDF and cryptography load on first use, not when the app starts (issue 14)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_TABLE = "signing_key"
CHECKPOINT = "checkpoint"
_KDF = "argon2id"
_AAD = b"msct-crf signing key 1|"
_MAX_MEMORY_KIB = 4 * 1024 * 1024  # 4 GiB, far above any cost this app writes
#: A key row and its unwrapped private key.
UnlockedKey = tuple[SigningKey, "Ed25519PrivateKey"]
_HELD: dict[str, tuple[int, Ed25519PrivateKey]] = {}  # actor token -> (key id, private key)
_HELD_LOCK = threading.Lock()


# --------------------------------------------------------------------------- wrapping


def _derive(password: str, salt: bytes, *, m: int, t: int, p: int) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=t,
        memory_cost=m,
        parallelism=p,
        hash_len=32,
        type=Type.ID,
    )


def public_text(private: Ed25519PrivateKey) -> str:
    """The raw public key, base64 (what is stored and audited)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return signing.b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def wrap(private: Ed25519PrivateKey, password: str) -> str:
    """The private key encrypted under ``password`` (see the module docstring)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    current = hasher()
    m, t, p = current.memory_cost, current.time_cost, current.parallelism
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = private.private_bytes_raw()
    sealed = AESGCM(_derive(password, salt, m=m, t=t, p=p)).encrypt(
        nonce, raw, _AAD + public_text(private).encode("ascii")
    )
    parts = (signing.b64(salt), signing.b64(nonce), signing.b64(sealed))
    return f"{_KDF}$v=19$m={m},t={t},p={p}$" + "$".join(parts)


def unwrap(wrapped: str, public_key: str, password: str) -> Ed25519PrivateKey | None:
    """The private key, or None when ``password`` does not open it, the stored text is
    damaged, or it is not the private half of ``public_key``."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kdf, _version, params, salt_text, nonce_text, sealed_text = wrapped.split("$")
        settings = dict(item.split("=", 1) for item in params.split(","))
        m, t, p = int(settings["m"]), int(settings["t"]), int(settings["p"])
    except (ValueError, KeyError, AttributeError):
        return None
    if not (1 <= p <= 64 and 8 * p <= m <= _MAX_MEMORY_KIB and 1 <= t <= 64):
        return None  # parameters written behind our back must not exhaust the machine
    salt, nonce, sealed = (
        signing.unb64(salt_text),
        signing.unb64(nonce_text),
        signing.unb64(sealed_text),
    )
    if kdf != _KDF or salt is None or nonce is None or sealed is None:
        return None
    try:
        raw = AESGCM(_derive(password, salt, m=m, t=t, p=p)).decrypt(
            nonce, sealed, _AAD + public_key.encode("ascii")
        )
        private = Ed25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError, UnicodeEncodeError):
        return None
    return private if public_text(private) == public_key else None


def sign(private: Ed25519PrivateKey, message: bytes) -> str:
    """An Ed25519 signature of ``message``, base64."""
    return signing.b64(private.sign(message))


# --------------------------------------------------------------------------- keys in the database


def active_key(session: Session, user_id: int) -> SigningKey | None:
    """The account's newest key that is not retired."""
    return session.scalars(
        select(SigningKey)
        .where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.id.desc())
        .limit(1)
    ).first()


def _audit_key(
    session: Session,
    by: str,
    key: SigningKey,
    changes: list[audit.Change],
    reason: str | None,
) -> None:
    audit.append(
        session,
        user=by,
        action="account",
        table_name=KEY_TABLE,
        record_id=key.id,
        changes=changes,
        reason=reason,
    )


def issue_key(
    session: Session,
    row: AppUser,
    password: str,
    *,
    by: str,
    reason: str | None,
) -> UnlockedKey:
    """A new key pair for the account, wrapped under ``password``; any key it had is retired.
    Both are audited, the public key in full."""
    stamp = audit.format_utc(clock.now())
    for old in session.scalars(
        select(SigningKey).where(SigningKey.user_id == row.id, SigningKey.retired_at.is_(None))
    ):
        old.retired_at = stamp
        _audit_key(session, by, old, [audit.Change("retired_at", None, stamp)], reason)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    key = SigningKey(
        user_id=row.id,
        algorithm=signing.ALGORITHM,
        public_key=public_text(private),
        wrapped_private_key=wrap(private, password),
        created_at=stamp,
    )
    session.add(key)
    session.flush()
    changes = [
        audit.Change("user_id", None, row.id),
        audit.Change("algorithm", None, key.algorithm),
        audit.Change("public_key", None, key.public_key),
        audit.Change("created_at", None, stamp),
    ]
    _audit_key(session, by, key, changes, reason)
    return key, private


def open_key(session: Session, row: AppUser, password: str) -> UnlockedKey:
    """The account's key, unwrapped with ``password`` (already checked by the caller).

    An account without a key (a file from before keys) gets one now; a stored key the right
    password cannot open (damaged or replaced behind the application's back) is retired
    and a new one issued. Both are audited, with why."""
    key = active_key(session, row.id)
    if key is not None:
        private = unwrap(key.wrapped_private_key, key.public_key, password)
        if private is not None:
            return key, private
        why = "the stored signing key does not open with the account's password; new key issued"
    else:
        why = "signing key made at the first login since keyed signatures"
    return issue_key(session, row, password, by=row.username, reason=why)


def rewrap(session: Session, row: AppUser, old_password: str, new_password: str) -> SigningKey:
    """Wrap the account's key under its new password (the key pair stays the same)."""
    key = active_key(session, row.id)
    private = (
        unwrap(key.wrapped_private_key, key.public_key, old_password) if key is not None else None
    )
    if key is None or private is None:
        why = "no signing key opened with the old password; new key issued"
        return issue_key(session, row, new_password, by=row.username, reason=why)[0]
    key.wrapped_private_key = wrap(private, new_password)
    return key


# --------------------------------------------------------------------------- held for the session


def start_session(session: Session, row: AppUser, actor: Actor, password: str) -> None:
    """At login: unlock (or make) the account's key, hold it for the session and sign a
    checkpoint of the chain."""
    key, private = open_key(session, row, password)
    hold(actor, key, private)
    checkpoint(session, actor, "login")


def hold(actor: Actor, key: SigningKey, private: Ed25519PrivateKey) -> None:
    with _HELD_LOCK:
        _HELD[actor.token] = (key.id, private)


def forget(token: str) -> None:
    """Drop the key held for a login (at logout)."""
    with _HELD_LOCK:
        _HELD.pop(token, None)


def _held_key(session: Session, actor: Actor) -> tuple[int, Ed25519PrivateKey] | None:
    with _HELD_LOCK:
        held = _HELD.get(actor.token)
    if held is None:
        return None
    key = session.get(SigningKey, held[0])
    if key is None or key.retired_at is not None or key.user_id != actor.user_id:
        forget(actor.token)  # reset by an administrator meanwhile: the old key signs no more
        return None
    return held


def held_signer(session: Session, actor: Actor) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The actor's key held for this login and its private half, for signing what leaves
    the file (a site package); PermissionDenied when none is unlocked."""
    held = _held_key(session, actor)
    key = session.get(SigningKey, held[0]) if held is not None else None
    if held is None or key is None:
        raise PermissionDenied(
            f"{actor.username}: your signing key is not unlocked in this session; log in again"
        )
    return key, held[1]


def _head(session: Session) -> tuple[str, int | None]:
    session.flush()
    connection = session.connection(bind_arguments={"mapper": AuditEntry})
    audit.lock_chain(connection)  # the head it signs stays the head until the row is in
    last = connection.execute(
        select(AuditEntry.hash, AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (str(last[0]), int(last[1])) if last is not None else (audit.GENESIS_HASH, None)


def checkpoint(
    session: Session,
    actor: Actor | None,
    event: str,
    *,
    required: bool = False,
) -> AuditEntry | None:
    """Sign the chain head with the actor's held key: one audit row (action ``checkpoint``,
    field ``checkpoint``, ``record_id`` the row it covers, ``reason`` the event) whose new
    value is ``{"head", "head_row", "key_id", "ed25519"}`` (canonical JSON). The row is
    chained like any other, so rewriting history before it needs a new signature, hence the
    password. None (nothing written) without an actor or a held key; with ``required``
    (lock, unlock: verify expects their checkpoint) a missing key raises PermissionDenied."""
    if actor is None:
        return None
    held = _held_key(session, actor)
    if held is None:
        if required:
            raise PermissionDenied(
                f"{actor.username}: your signing key is not unlocked in this session "
                "(password reset or database restored); log in again"
            )
        return None
    key_id, private = held
    head, head_row = _head(session)

    def signed_value(stamp: str) -> str:
        message = signing.checkpoint_message(
            head=head, head_row=head_row, user=actor.username, key_id=key_id, at=stamp, event=event
        )
        value = {
            "head": head,
            "head_row": head_row,
            "key_id": key_id,
            "ed25519": sign(private, message),
        }
        return audit.canonical_json(value)

    (entry,) = audit.append(
        session,
        user=actor.username,
        action=CHECKPOINT,
        table_name=AUDIT_TABLE,
        record_id=head_row,
        field=CHECKPOINT,
        value_at=signed_value,  # the time signed is the time stored
        reason=event,
    )
    return entry
