"""Password hashing (argon2id, argon2-cffi's ``PasswordHasher``) and the password policy.

Neither a password nor its hash ever reaches the audit trail.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from msct_crf.errors import UserError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


class AuthenticationError(UserError):
    """A login or password confirmation was refused (wrong password, locked account)."""


class PasswordPolicyError(UserError):
    """A new password does not meet the policy."""


HasherFactory = Callable[[], PasswordHasher]
_hasher_factory: HasherFactory = PasswordHasher
_hasher: PasswordHasher | None = None


def set_hasher_factory(factory: HasherFactory) -> None:
    """Replace the argon2id hasher (tests use a low ``time_cost``/``memory_cost`` to stay
    fast). Existing hashes keep verifying: argon2 reads the parameters from the hash."""
    global _hasher_factory, _hasher
    _hasher_factory = factory
    _hasher = None


def hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        _hasher = _hasher_factory()
    return _hasher


def hash_password(password: str) -> str:
    """argon2id hash (PHC string with salt and parameters)."""
    return hasher().hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    """Spend the time of one verification so an unknown user name answers as slowly as a
    wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    check_password(_DUMMY_HASH, password)


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must have at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip() != password:
        return "Password must not start or end with a space"
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        return "Password must not contain control characters"
    if username and password.casefold() == username.casefold():
        return "Password must not be the user name"
    return None


def check_new_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise PasswordPolicyError(problem)
