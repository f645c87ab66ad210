"""Study settings (audited ``setting``), the study's ID and kind, and the idle-lock policy."""

from __future__ import annotations

import time
from collections.abc import Callable

from msct_crf.access.roles import Actor, Permission
from msct_crf.access.sessions import authorize
from msct_crf.errors import UserError
from msct_crf.storage.db.models import StudySetting
from msct_crf.storage.store import Store
from msct_crf.storage.study_identity import (
    DEMO,
    SETTING_TABLE,
    STUDY_ID_KEY,
    STUDY_KIND_KEY,
    write_setting,
)

__all__ = [
    "DEFAULT_IDLE_LOCK_MINUTES",
    "IDLE_LOCK_KEY",
    "IDLE_LOCK_RANGE",
    "SETTING_TABLE",
    "STUDY_ID_KEY",
    "STUDY_KIND_KEY",
    "IdleLock",
    "get_setting",
    "idle_lock_minutes",
    "is_demo_study",
    "set_idle_lock_minutes",
    "set_setting",
    "study_id",
    "study_kind",
]

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
IDLE_LOCK_RANGE = (1, 240)


def get_setting(store: Store, key: str, default: str | None = None) -> str | None:
    with store.reading() as session:
        row = session.get(StudySetting, key)
        return row.value if row is not None else default


def set_setting(store: Store, actor: Actor | None, key: str, value: str) -> None:
    """Store a study setting (audited ``setting``); needs the SETTINGS permission in
    account mode. The study ID and kind are set when the file is made, never changed."""
    if key in (STUDY_ID_KEY, STUDY_KIND_KEY):
        raise UserError(f"The setting {key} is set when the study file is made; it cannot change")
    with store.session() as session:
        by = authorize(
            session, actor, Permission.SETTINGS, user="system" if actor is None else None
        )
        write_setting(session, key, value, user=by)


def study_id(store: Store) -> str | None:
    """The study ID of the file (every file opened for writing has one)."""
    return get_setting(store, STUDY_ID_KEY)


def study_kind(store: Store) -> str | None:
    """``demo`` or ``scale`` for the files those commands make; None for a real study."""
    return get_setting(store, STUDY_KIND_KEY)


def is_demo_study(store: Store) -> bool:
    """True for a study made by ``msct-crf demo``: the app marks it so people do not take
    its data (or its published demo passwords) for a real study's."""
    return study_kind(store) == DEMO


def idle_lock_minutes(store: Store) -> int:
    """Minutes without input after which the app locks the session (15 by default)."""
    raw = get_setting(store, IDLE_LOCK_KEY)
    try:
        value = int(raw) if raw is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    low, high = IDLE_LOCK_RANGE
    return value if low <= value <= high else DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(store: Store, actor: Actor | None, minutes: int) -> None:
    low, high = IDLE_LOCK_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise UserError(f"Idle lock time must be a whole number of minutes from {low} to {high}")
    set_setting(store, actor, IDLE_LOCK_KEY, str(minutes))


class IdleLock:
    """The idle-lock policy as a clock, for the UI: call :meth:`touch` on user input and
    poll :meth:`expired` (e.g. from a timer); when it expires, lock the screen (keeping
    unsaved input) and unlock with :func:`reauthenticate`, then :meth:`touch` again."""

    def __init__(self, minutes: int, clock: Callable[[], float] = time.monotonic) -> None:
        low, high = IDLE_LOCK_RANGE
        if not low <= minutes <= high:
            raise UserError(f"Idle lock time must be from {low} to {high} minutes")
        self.seconds = minutes * 60.0
        self._clock = clock
        self._last = clock()

    @classmethod
    def for_store(cls, store: Store, clock: Callable[[], float] = time.monotonic) -> IdleLock:
        return cls(idle_lock_minutes(store), clock)

    def touch(self) -> None:
        self._last = self._clock()

    def seconds_left(self) -> float:
        return max(0.0, self.seconds - (self._clock() - self._last))

    def expired(self) -> bool:
        return self.seconds_left() <= 0.0
