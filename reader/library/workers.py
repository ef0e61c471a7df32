"""Background work for the library, and the one way its results come back to the GUI thread.

The pattern is anki's ``taskman``: a job runs on a plain Python worker thread (a
``ThreadPoolExecutor``), and whatever it wants the GUI thread to see is *posted* as a
callable through a queued Qt signal.  The GUI thread therefore never waits on a worker,
and a worker never touches a QObject that lives on the GUI thread.

Python threads rather than ``QThread``: they need no event loop, they shut down with
``Executor.shutdown`` (so ``close()`` can never leave a "QThread destroyed while running"
behind), and the heavy parsing they drive runs in the loader's process pool anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


class GuiPoster(QObject):
    """Runs callables posted from any thread on the thread this object lives in.

    ``post`` is safe to call from worker threads: the callables wait in a queue and run
    later, in order, from this object's event loop.  Callables posted after :meth:`close`
    are dropped, which is how late results of a closed library disappear without each one
    checking.

    The queue is drained with a time budget rather than one queued signal per callable:
    Qt delivers every posted event that is waiting before it looks at timers, input or
    painting again, so twenty batches of a warm start posted in one go (each ~20 ms on
    the GUI thread) ran back to back as one 400 ms freeze.  Past :data:`DRAIN_BUDGET_S`
    the rest waits for the next turn of the event loop.
    """

    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._closed = False
        self._queue: deque[Callable[[], Any]] = deque()
        self._lock = threading.Lock()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._next_turn = QTimer(self)
        self._next_turn.setSingleShot(True)
        self._next_turn.setInterval(0)
        self._next_turn.timeout.connect(self._drain)

    def post(self, callback: Callable[[], Any]) -> None:
        """Queue ``callback`` to run on this object's thread."""
        if self._closed:
            return
        with self._lock:
            # Only the first callable of a batch wakes the GUI thread: the drain that
            # wake-up starts runs until the queue is empty or reschedules itself.
            wake = not self._queue
            self._queue.append(callback)
        if wake:
            self._wake.emit()

    def when_done(self, future: Future[T], callback: Callable[[Future[T]], Any]) -> None:
        """Run ``callback(future)`` on this object's thread once ``future`` has finished."""
        future.add_done_callback(lambda done: self.post(lambda: callback(done)))

    def close(self) -> None:
        """Drop everything posted from now on (already queued callables are dropped too)."""
        self._closed = True
        self._next_turn.stop()
        with self._lock:
            self._queue.clear()

    def pending(self) -> int:
        """Callables waiting for the GUI thread (for tests and diagnostics)."""
        with self._lock:
            return len(self._queue)

    @Slot()
    def _drain(self) -> None:
        deadline = time.perf_counter() + DRAIN_BUDGET_S
        while not self._closed:
            with self._lock:
                if not self._queue:
                    return
                callback = self._queue.popleft()
            try:
                callback()
            except Exception:
                # A bug in one result handler must not take the event loop down with it.
                log.exception("a background result could not be applied")
            if time.perf_counter() >= deadline:
                with self._lock:
                    more = bool(self._queue)
                if more and not self._closed:
                    self._next_turn.start()
                return


DRAIN_BUDGET_S = 0.02
"""Longest the GUI thread spends on posted results before it lets the event loop run."""


class Worker:
    """A named pool of worker threads; ``threads=1`` makes it a serial queue.

    Serial workers are how the library keeps order without locks: every job that touches
    the index cache runs on one thread, and publish writes run one after another.
    """

    def __init__(self, name: str, threads: int = 1) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        self._name = name
        self._shut_down = False

    def submit(self, job: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``job`` on this worker; the returned future holds its result or exception."""
        return self._executor.submit(_logged, self._name, job, *args, **kwargs)

    def shutdown(self, *, cancel_pending: bool = True) -> None:
        """Wait for the running job; drop queued ones unless ``cancel_pending`` is False."""
        if self._shut_down:
            return
        self._shut_down = True
        self._executor.shutdown(wait=True, cancel_futures=cancel_pending)


def _logged(name: str, job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return job(*args, **kwargs)
    except Exception:
        log.exception("background job on the %s worker failed", name)
        raise


def result_or_none(future: Future[T]) -> T | None:
    """The future's result, or None when it was cancelled or failed (failures are logged)."""
    if future.cancelled():
        return None
    if future.exception() is not None:
        return None
    return future.result()
