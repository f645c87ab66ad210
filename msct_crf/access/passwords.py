"""Password hashing (argon2id, argon2-cffi's ``PasswordHasher``) and the password policy.

Neither a password nor its hash ever reaches the audit trail.

The policy: 8 to 1024 characters, no surrounding spaces or control characters, not the user
name, and not easy to guess: zxcvbn (Dropbox's strength estimator, maintained on PyPI as
``zxcvbn``) must score it at least :data:`MIN_STRENGTH` of 4, which refuses common passwords
and their variants ("Password123!"), keyboard walks, dates and the person's own names. The
accounts of the demo study (a study marked ``study_kind = demo``) are exempt.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from msct_crf.errors import UserError

if TYPE_CHECKING:
    # argon2 loads with the first hash, not when the app starts (issue 14)
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
#: The lowest zxcvbn score accepted (0-4; 3 = "safely unguessable" against an online attack
#: and a slow offline one such as argon2id).
MIN_STRENGTH = 3
#: zxcvbn reads at most this many characters (a longer password is strong anyway).
_STRENGTH_PREFIX = 72
#: Words of this application that a password should not be built from.
_APP_WORDS = ("msct", "msc-crf", "msccrf", "crf", "study", "liver", "cirrhosis")


class AuthenticationError(UserError):
    """A login or password confirmation was refused (wrong password, locked account)."""


class PasswordPolicyError(UserError):
    """A new password does not meet the policy."""


HasherFactory = Callable[[], "PasswordHasher"]


def _default_hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


_hasher_factory: HasherFactory = _default_hasher
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
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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


def strength_problem(password: str, user_inputs: Sequence[str] = ()) -> str | None:
    """Why zxcvbn finds ``password`` easy to guess (with its advice), or None."""
    from zxcvbn import zxcvbn  # about 50 ms to import: only when a password is set

    words = [w for w in (*user_inputs, *_APP_WORDS) if w]
    result = zxcvbn(password[:_STRENGTH_PREFIX], user_inputs=words)
    if int(result["score"]) >= MIN_STRENGTH:
        return None
    feedback = result.get("feedback") or {}
    warning = str(feedback.get("warning") or "").strip().rstrip(".")
    advice = " ".join(str(s).strip() for s in feedback.get("suggestions") or [] if s)
    text = "Password is too easy to guess"
    text += f" ({warning.lower()})" if warning else ""
    return f"{text}; {advice or 'Use a longer phrase of unusual words.'}"


def password_problem(
    password: str,
    username: str = "",
    *,
    full_name: str = "",
    check_strength: bool = True,
) -> str | None:
    """Why ``password`` is not acceptable, or None. ``check_strength`` False (demo
    accounts only) skips the strength estimate."""
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
    if check_strength:
        names = (username, full_name.replace(" ", ""), *full_name.split())
        return strength_problem(password, names)
    return None


def check_new_password(
    password: str, username: str, *, full_name: str = "", check_strength: bool = True
) -> None:
    problem = password_problem(
        password, username, full_name=full_name, check_strength=check_strength
    )
    if problem:
        raise PasswordPolicyError(problem)
