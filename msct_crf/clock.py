"""The one clock of the core: every audit row, signature and backup name takes its time here.

`Clock` is the type of an injectable clock (tests pass a fixed or stepping one); `utc_now`
is the real clock, timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)
