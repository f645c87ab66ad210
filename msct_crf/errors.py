"""Typed errors: a UserError is something the person can fix; anything else is a bug."""

from __future__ import annotations

from pathlib import Path


class MsctError(Exception):
    """Base class of every error MSC-CRF raises on purpose."""


class UserError(MsctError):
    """Bad input, a missing or unreadable file, a refused action: shown to the user as one line."""


class DatabaseError(UserError):
    """The database cannot be opened or written (missing, damaged, locked, read-only, full disk)."""

    #: For a damaged file: the newest good backup found beside it (offered to the user).
    backup: Path | None = None


class PermissionDenied(UserError):
    """The current user's role may not do this."""


class ScoreInputError(ValueError, MsctError):
    """A score was asked for with a missing, non-numeric, non-finite or non-positive input."""

    def __init__(
        self, name: str, value: object, why: str = "must be a positive finite number"
    ) -> None:
        self.name = name
        self.value = value
        super().__init__(f"{name} {why} (got {value!r})")
