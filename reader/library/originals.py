"""Reader view in the window: originals fetched and extracted off the GUI thread.

:func:`reader.domain.original.read_original` takes up to ten seconds of network and a
few hundred milliseconds of extraction; here it runs on worker threads (at most
:data:`MAX_THREADS` at once) and each answer comes back to the GUI thread through the
library's :class:`~reader.library.workers.GuiPoster`, as a queued call.  The service
knows nothing of which article is shown: every answer carries its article id and the
pane drops one it no longer wants.  ``cancel`` stops a read at its next step (between
URLs, before extraction) so an abandoned read neither extracts nor caches.

Fetching ahead (View ▸ Fetch Originals Ahead) goes through the same service at a lower
priority: at most :data:`MAX_AHEAD_AT_ONCE` ahead reads run together, so one slot is
always free for the article the editor asked for, and an ahead read's answer only fills
the cache (and is announced, for a pane that meanwhile moved to that article).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader import paths
from reader.domain.article import ArticleSummary
from reader.domain.original import (
    FetchLimits,
    OriginalError,
    OriginalText,
    article_name,
    read_original,
)
from reader.domain.original_cache import OriginalCache
from reader.library.workers import GuiPoster

MAX_THREADS = 3
MAX_AHEAD_AT_ONCE = 2
MAX_AHEAD_QUEUED = 3
"""Ahead reads waiting: the few rows the editor reaches next, never the whole list."""


@dataclass
class _Job:
    summary: ArticleSummary
    refresh: bool
    ahead: bool
    cancelled: threading.Event = field(default_factory=threading.Event)


class OriginalService(QObject):
    """Reads originals for the window; one per window, closed with it."""

    originalStarted = Signal(str)
    """An article id whose original is now being read (not for cache hits known at once)."""
    originalReady = Signal(str, object)
    """An article id and its :class:`~reader.domain.original.OriginalText`."""
    originalFailed = Signal(str, str)
    """An article id and the one sentence saying why its original could not be read."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cache_dir: Path | None = None,
        limits: FetchLimits | None = None,
        reader: Callable[..., OriginalText] = read_original,
    ) -> None:
        super().__init__(parent)
        self._cache = OriginalCache(cache_dir or paths.cache_dir() / "originals")
        self._limits = limits or FetchLimits()
        self._read = reader
        self._executor = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="originals")
        self._poster = GuiPoster(self)
        self._jobs: dict[str, _Job] = {}
        self._ahead_waiting: deque[ArticleSummary] = deque()
        self._closed = False

    def request(self, summary: ArticleSummary, *, refresh: bool = False) -> None:
        """Read ``summary``'s original for the editor; answered by a signal either way."""
        if self._closed:
            return
        self._ahead_waiting = deque(s for s in self._ahead_waiting if s.id != summary.id)
        running = self._jobs.get(summary.id)
        if running is not None and not running.cancelled.is_set():
            if running.ahead and not refresh:
                running.ahead = False  # the editor now waits for it: announce it as theirs
                self.originalStarted.emit(summary.id)
                return
            if not refresh:
                return
            running.cancelled.set()
        self._start(_Job(summary, refresh, ahead=False))

    def fetch_ahead(self, summaries: Iterable[ArticleSummary]) -> None:
        """Read these (bodyless) articles' originals into the cache, a few at a time.

        Replaces the previous ahead list: only what the editor will reach next matters.
        """
        if self._closed:
            return
        wanted = [s for s in summaries if s.id not in self._jobs][:MAX_AHEAD_QUEUED]
        self._ahead_waiting = deque(wanted)
        self._start_ahead()

    def stop_ahead(self) -> None:
        """Fetching ahead was switched off: nothing more starts, running reads stop."""
        self._ahead_waiting.clear()
        for job in self._jobs.values():
            if job.ahead:
                job.cancelled.set()

    def cancel(self, article_id: str) -> None:
        """The editor no longer wants this original: its read stops at its next step."""
        job = self._jobs.get(article_id)
        if job is not None and not job.ahead:
            job.cancelled.set()

    def is_reading(self, article_id: str) -> bool:
        job = self._jobs.get(article_id)
        return job is not None and not job.cancelled.is_set()

    def close(self) -> None:
        """Stop everything; answers still on their way are dropped. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._poster.close()
        self._ahead_waiting.clear()
        for job in self._jobs.values():
            job.cancelled.set()
        # Not waiting: a read blocked on a dead host ends by its own deadline.
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- internals ---------------------------------------------------------------------------

    def _start(self, job: _Job) -> None:
        self._jobs[job.summary.id] = job
        if not job.ahead:
            self.originalStarted.emit(job.summary.id)
        self._executor.submit(self._run, job)

    def _start_ahead(self) -> None:
        running = sum(1 for job in self._jobs.values() if job.ahead)
        while self._ahead_waiting and running < MAX_AHEAD_AT_ONCE:
            summary = self._ahead_waiting.popleft()
            if summary.id in self._jobs:
                continue
            self._start(_Job(summary, refresh=False, ahead=True))
            running += 1

    def _run(self, job: _Job) -> None:
        """On a worker thread: read, then post the answer to the GUI thread."""
        try:
            original = self._read(
                job.summary,
                cache=self._cache,
                refresh=job.refresh,
                limits=self._limits,
                should_stop=job.cancelled.is_set,
            )
        except OriginalError as exc:
            message = str(exc)
            self._poster.post(lambda: self._finish(job, None, message))
        except Exception as exc:  # a bug in extraction must still end the wait in the pane
            message = (
                f"Could not read the original of {article_name(job.summary)}: "
                f"the page could not be processed ({type(exc).__name__})."
            )
            self._poster.post(lambda: self._finish(job, None, message))
        else:
            self._poster.post(lambda: self._finish(job, original, ""))

    def _finish(self, job: _Job, original: OriginalText | None, message: str) -> None:
        """On the GUI thread."""
        if self._jobs.get(job.summary.id) is job:
            del self._jobs[job.summary.id]
        if not job.cancelled.is_set():
            if original is not None:
                self.originalReady.emit(job.summary.id, original)
            elif not job.ahead:
                self.originalFailed.emit(job.summary.id, message)
        self._start_ahead()
