"""The one clock of the core: every audit row, signature, backup name and export takes its time
here, and nowhere else.

No write function of the core takes a time or a clock argument: a caller cannot date a save
2001 after rows of 2026. :func:`now` reads the process clock, which is :func:`utc_now` (the
system time, UTC) unless a test replaces it for a block with :func:`use_clock`::

    with use_clock(SteppingClock(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))):
        records.save_form(store, ...)   # audited at 2024-05-01T00:00:00Z, then +1 s, ...

`use_clock` is meant for tests and benchmarks (the GUI and the command line never call it);
it swaps the clock of the whole process, including background threads, and restores the
previous one when the block ends, so blocks nest.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current system time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


_lock = threading.Lock()
_current: Clock = utc_now


def now() -> dt.datetime:
    """The time of the process clock, timezone-aware UTC (a naive time is taken as UTC)."""
    moment = _current()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def current_clock() -> Clock:
    """The clock :func:`now` reads."""
    return _current


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the process clock for the block (tests and benchmarks only)."""
    global _current
    with _lock:
        previous, _current = _current, clock
    try:
        yield clock
    finally:
        with _lock:
            _current = previous


class SteppingClock:
    """A test clock: `start`, then `step` later at every reading (never standing still, so
    every audit row of a test has its own time and they never go backwards)."""

    def __init__(
        self,
        start: dt.datetime = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC),
        step: dt.timedelta = dt.timedelta(seconds=1),
    ) -> None:
        self.current = start
        self.step = step

    def __call__(self) -> dt.datetime:
        moment = self.current
        self.current = moment + self.step
        return moment
