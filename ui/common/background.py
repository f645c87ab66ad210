"""Run core work off the GUI thread: a callable on the thread pool, its result back on the
GUI thread through signals (Anki's "operations", Picard's thread helper).

`run_task(fn, on_done=..., on_error=...)` runs ``fn(task)`` on QThreadPool; ``fn`` may call
``task.report(percent)`` and check ``task.cancelled``. The callbacks run on the GUI thread.
Tasks are kept referenced until they finish, and `wait_for_tasks()` lets tests and the
closing window make sure no thread is left running.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_running: set[Task] = set()


class _Relay(QObject):
    """Carries a task's outcome to the GUI thread (it lives there, so emits are queued)."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int)


class Task(QRunnable):
    """One piece of work for the pool. Signals: relay.done(result), relay.failed(exc),
    relay.progress(percent)."""

    def __init__(self, fn: Callable[[Task], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fn = fn
        self._cancel = threading.Event()
        self.relay = _Relay()
        self.finished = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, percent: int) -> None:
        self.relay.progress.emit(int(percent))

    def run(self) -> None:
        try:
            result = self._fn(self)
        except Exception as exc:  # handed to the GUI thread, which shows it
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)
        finally:
            self.finished.set()


def run_task(
    fn: Callable[[Task], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Task:
    """Start ``fn`` on the global thread pool; callbacks run on the GUI thread."""
    task = Task(fn)
    _running.add(task)

    def forget(*_args: object) -> None:
        _running.discard(task)

    if on_done is not None:
        task.relay.done.connect(on_done)
    if on_error is not None:
        task.relay.failed.connect(on_error)
    if on_progress is not None:
        task.relay.progress.connect(on_progress)
    task.relay.done.connect(forget)
    task.relay.failed.connect(forget)
    QThreadPool.globalInstance().start(task)
    return task


def running_tasks() -> int:
    return sum(1 for t in _running if not t.finished.is_set())


def wait_for_tasks(msecs: int = 30_000) -> bool:
    """Block until every started task has finished (closing the app, tests)."""
    for task in list(_running):
        task.cancel()
    return QThreadPool.globalInstance().waitForDone(msecs)
