"""What feeds the list: the articles of one open folder, kept in step with the disk.

:class:`Library` is the window's only source of articles.  It loads a folder, follows
every change other programs make to it, and writes the editor's publish decisions, all
off the GUI thread, announcing each change as the narrowest signal (added, changed,
removed) so views never reset for one file.

Threads, and why each exists (see :mod:`reader.library.workers`):

* the *index* worker (one thread) owns the SQLite index cache and runs every load and
  rescan in order, so no two scans race and the cache has a single writer;
* the *publish* worker (one thread) writes ``published`` values one after another;
* the *detail* worker (two threads) reads single files for the detail pane;
* the *search* worker (one thread) asks the cache which bodies contain a text.

Results come back through :class:`~reader.library.workers.GuiPoster` and are tagged with
the folder's *generation*: opening another folder bumps it, and anything tagged with an
older one is dropped.  Only one load or rescan is in flight at a time; a request arriving
meanwhile is remembered and runs next, against the stamps the GUI thread then knows, so a
rescan's "removed" list is always computed against what the window actually shows.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from reader.domain import publish
from reader.domain.article import ArticleDetail, ArticleSummary
from reader.domain.parse import load_detail
from reader.domain.urls import normalise_url
from reader.index.cache import IndexCache
from reader.index.loader import load_folder, parse_files
from reader.index.scan import (
    FileStamp,
    ScanReport,
    read_summary,
    scan_folder_report,
    stamp_files,
)

from .watcher import LIMITED_RECONCILE_MS, RECONCILE_MS, ChangeSet, FolderWatcher
from .workers import GuiPoster, Worker, result_or_none

log = logging.getLogger(__name__)

EMIT_CHUNK = 1000
"""Most articles in one articlesAdded/Changed/Removed emit, so one slot call stays short."""

LOAD_BATCH = 2000
"""Articles per batch from the loader: the GUI thread stores one in a few ms.  Not fewer:
every batch is a few calls into Qt, each of which lets go of the GIL and may wait for it
to come back while the index thread decodes (500 a batch cost 0.7 s of such waits over a
warm start of 100,000)."""

LOAD_BATCH_PAUSE_S = 0.006
"""How long the loading thread pauses after handing a batch to the GUI thread.

Each of the list's paints calls back into Python for every cell and role (~1,200 times)
and must take the interpreter lock back each time; while the loading thread decodes
without a break, every one of those waits its turn, and a paint that takes 20 ms alone
took 150-250 ms.  A warm start of 100,000 from the snapshot, 4 runs each alternating:
every row 2.65/2.01/2.33/1.99 s and worst gap 159-181 ms without the pause,
1.79/1.96/1.99/2.10 s and 96-128 ms with it (50 batches: 0.3 s the loader can spare,
since the rows wait for the GUI thread anyway)."""

RECHECK_SECONDS = 0.3
"""How long a file that just failed to parse gets to finish being written."""

MISSING_POLL_MS = 1000
"""How often a vanished folder is looked for."""

BURST_PROGRESS_MIN = 100
"""A rescan that parses at least this many files reports loadProgress (a burst)."""

RESCAN_IN_PROCESS_LIMIT = 5000
"""A rescan parses up to this many files in the index thread, more in the loader's pool."""

RECONCILE_COST_FACTOR = 20
"""The periodic rescan waits at least this many times its own duration (huge folders)."""

LoadBatchSink = Callable[[list[ArticleSummary], int, int], None]
"""Receives a loaded batch: summaries, articles so far, total (0: unknown)."""

URL_KEYS_SLICE_S = 0.005
"""GUI-thread time per event-loop turn spent adding URL keys after a load."""
URL_KEYS_CHUNK = 100
"""Articles between two looks at the clock while adding URL keys."""
Entry = tuple[ArticleSummary, FileStamp]
CacheEntry = tuple[ArticleSummary, FileStamp, str]
"""A parsed file as the index cache stores it: summary, stamp, body."""


class Library(QObject):
    """Owns the articles of one open folder; loads, watches and writes off the GUI thread."""

    folderOpened = Signal(object)
    articlesAdded = Signal(object)
    articlesChanged = Signal(object)
    articlesRemoved = Signal(object)
    loadProgress = Signal(int, int)
    loadFinished = Signal()
    statusMessage = Signal(str)
    folderMissing = Signal(bool)
    detailReady = Signal(object)
    publishFailed = Signal(str, str)
    publishSucceeded = Signal(str, bool)
    bodySearchFinished = Signal(str, object)

    rescanFinished = Signal()
    """A load or rescan has been applied (for tests and diagnostics; the UI needs none)."""

    def __init__(self, parent: QObject | None = None, *, watch: bool = True) -> None:
        super().__init__(parent)
        self._closed = False
        self._poster = GuiPoster(self)
        self._index = _IndexWorker()
        self._publisher = Worker("reader-publish")
        self._detail_worker = Worker("reader-detail", threads=2)
        self._search_worker = _SearchWorker(self._index)

        self._folder: Path | None = None
        self._generation = 0
        self._stop = threading.Event()
        self._articles: dict[str, ArticleSummary] = {}
        self._stamps: dict[str, FileStamp] = {}
        self._urls = _UrlIndex()
        self._urls_pending = False
        self._urls_queue: list[ArticleSummary] = []
        self._urls_timer = QTimer(self)
        self._urls_timer.setInterval(0)
        self._urls_timer.timeout.connect(self._index_urls_slice)

        self._job_running = False
        self._rescan_wanted = False
        self._wanted_ids: set[str] = set()
        self._reload_pending = False
        self._missing = False
        self._burst_total = 0
        self._burst_done = 0
        self._held: dict[str, float] = {}
        self._seen_in_rescan: set[str] = set()
        self._pending_writes: Counter[str] = Counter()
        self._skipped_while_writing: set[str] = set()
        self._detail_request = 0
        self._search_request = 0
        self._status_parts: dict[str, str] = {}
        self._last_status = ""

        self._watcher: FolderWatcher | None = None
        if watch:
            self._watcher = FolderWatcher(self)
            self._watcher.rescanNeeded.connect(self._on_watcher_rescan_needed)
            self._watcher.changed.connect(self._on_watcher_changed)
            self._watcher.watchLimitReached.connect(self._on_watcher_limit_reached)
        self._recheck_timer = QTimer(self)
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.timeout.connect(self._on_recheck_timer_timeout)
        self._missing_timer = QTimer(self)
        self._missing_timer.setInterval(MISSING_POLL_MS)
        self._missing_timer.timeout.connect(self._on_missing_timer_timeout)

        # A window deleted without being closed (its last reference simply dropped) takes
        # this object with it, but not the worker threads nor the open index cache: the
        # cache would then be closed by the garbage collector, from whatever thread it ran
        # in, after its file descriptor numbers had been handed to someone else (Qt's
        # inotify watcher, once: the event loop then spun on "Invalid socket").  So the
        # workers are released when this object goes, whether or not close() ran.
        self._release_workers = partial(
            _release_workers,
            threading.Event(),
            self._poster,
            self._publisher,
            self._detail_worker,
            self._search_worker,
            self._index,
            self._watcher.thread_stopper() if self._watcher is not None else _nothing,
        )
        self.destroyed.connect(self._release_workers)

    # -- the folder ------------------------------------------------------------------------

    def open_folder(self, folder: Path) -> None:
        """Replace the open folder: emits folderOpened, then articlesAdded batches, loadFinished."""
        if self._closed:
            return
        path = Path(os.path.abspath(Path(folder).expanduser()))
        self._generation += 1
        self._stop.set()
        self._stop = threading.Event()
        if self._watcher is not None:
            self._watcher.stop()
        self._recheck_timer.stop()
        self._missing_timer.stop()
        self._folder = path
        self._articles.clear()
        self._stamps.clear()
        self._urls.clear()
        self._stop_indexing_urls()
        self._held.clear()
        self._pending_writes.clear()
        self._skipped_while_writing.clear()
        self._rescan_wanted = False
        self._wanted_ids.clear()
        self._reload_pending = False
        self._burst_total = self._burst_done = 0
        self._status_parts.clear()
        was_missing, self._missing = self._missing, False
        self.folderOpened.emit(path)
        if was_missing:
            self.folderMissing.emit(False)
        self._publish_status()
        self._start_load()

    def reload(self) -> None:
        """Rescan now and re-parse what changed (F5); incremental signals, then loadFinished."""
        if self._closed or self._folder is None:
            return
        self._reload_pending = True
        self._request_rescan()

    def folder(self) -> Path | None:
        return self._folder

    def article(self, article_id: str) -> ArticleSummary | None:
        return self._articles.get(article_id)

    def articles(self) -> Mapping[str, ArticleSummary]:
        """A read-only live view of every article, keyed by id."""
        return MappingProxyType(self._articles)

    def article_for_url(self, url: str) -> str | None:
        """The id of an article in the folder published at ``url`` (scheme and slash blind)."""
        return self._urls.find(url, self._articles)

    def is_settled(self) -> bool:
        """True when no load, rescan, recheck or write is pending.

        The articles then match the disk as last scanned.  For tests and the benchmark;
        views never need to ask.
        """
        watcher = self._watcher
        watcher_settled = watcher is None or (
            watcher.is_settled()
            # Once a folder is shown, "settled" includes the native watch being in place.
            and (watcher.is_watching() or watcher.limited or watcher.root is None)
        )
        return (
            not self._job_running
            and not self._rescan_wanted
            and not self._wanted_ids
            and not self._held
            and not self._pending_writes
            and not self._urls_pending
            and watcher_settled
        )

    def path_of(self, article_id: str) -> Path:
        if self._folder is None:
            raise LookupError("no folder is open")
        return self._folder / article_id

    # -- detail, search ----------------------------------------------------------------------

    def request_detail(self, article_id: str) -> None:
        """Read one article in full in a worker; detailReady follows (newest request only)."""
        if self._closed or self._folder is None:
            return
        self._detail_request += 1
        request, generation, root = self._detail_request, self._generation, self._folder
        future = self._detail_worker.submit(load_detail, root, article_id)

        def deliver(done: Future[ArticleDetail]) -> None:
            if generation != self._generation or request != self._detail_request:
                return
            detail = result_or_none(done)
            if detail is not None:
                self.detailReady.emit(detail)

        self._poster.when_done(future, deliver)

    def search_bodies(self, *texts: str) -> None:
        """Find the articles whose body contains each of ``texts`` (one index scan each, a
        query's body words); bodySearchFinished follows per text.  A newer call
        supersedes the texts of older ones that have not run yet."""
        if self._closed or self._folder is None:
            return
        self._search_request += 1
        request, generation = self._search_request, self._generation
        for text in texts:
            future = self._search_worker.submit(
                self._folder, text, lambda: request != self._search_request
            )
            deliver = partial(self._deliver_search, text, request, generation)
            self._poster.when_done(future, deliver)

    def _deliver_search(
        self, text: str, request: int, generation: int, done: Future[set[str] | None]
    ) -> None:
        if generation != self._generation or request != self._search_request:
            return
        ids = result_or_none(done) or set()
        # The index's answer minus files gone meanwhile: a set intersection in C (a
        # comprehension over 60,000 ids was 23 ms of the GUI thread).
        self.bodySearchFinished.emit(text, ids & self._articles.keys())

    # -- publishing --------------------------------------------------------------------------

    def set_published(self, article_ids: list[str], value: bool) -> None:
        """Show ``value`` at once, then write it to each file, one after another, in a worker.

        A failed write puts the article back as the disk has it and emits publishFailed;
        a successful one records the stamp it wrote, so the watcher's rescan of that
        file finds nothing new and the list never flickers.
        """
        if self._closed or self._folder is None:
            return
        root, generation = self._folder, self._generation
        optimistic: list[ArticleSummary] = []
        for article_id in dict.fromkeys(article_ids):
            previous = self._articles.get(article_id)
            if previous is None:
                continue
            if previous.published != value and not previous.is_error:
                updated = previous._replace(published=value)
                self._articles[article_id] = updated
                optimistic.append(updated)
            self._pending_writes[article_id] += 1
            future = self._publisher.submit(_write_published, root, article_id, value)
            self._poster.when_done(
                future,
                lambda done, article_id=article_id, previous=previous: self._on_publish_done(
                    generation, article_id, value, previous, done
                ),
            )
        self._emit_chunked(self.articlesChanged, optimistic)

    # -- closing -----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop watching and wait for the workers; queued publish writes still land."""
        if self._closed:
            return
        self._closed = True
        self._generation += 1
        self._stop.set()
        if self._watcher is not None:
            self._watcher.stop()
        self._recheck_timer.stop()
        self._missing_timer.stop()
        self._release_workers()

    # -- loading -----------------------------------------------------------------------------

    def _start_load(self) -> None:
        assert self._folder is not None
        self._job_running = True
        generation, stop, root = self._generation, self._stop, self._folder

        def on_batch(batch: list[ArticleSummary], done: int, total: int) -> None:
            self._poster.post(lambda: self._on_load_batch(generation, batch, done, total))

        def on_removed(gone: list[str]) -> None:
            self._poster.post(lambda: self._on_load_removed(generation, gone))

        future = self._index.submit_load(root, on_batch, on_removed, stop.is_set)
        self._poster.when_done(future, lambda done: self._on_load_done(generation, done))

    def _on_load_batch(
        self, generation: int, batch: list[ArticleSummary], done: int, total: int
    ) -> None:
        if generation != self._generation:
            return
        articles = self._articles
        ids = [summary.id for summary in batch]
        if articles.keys().isdisjoint(ids) and len(set(ids)) == len(ids):
            # All new (every batch of a warm start): stored in one call, not one per
            # article; their URL keys come after the load (_index_urls) either way.
            articles.update(zip(ids, batch, strict=True))
            self._emit_chunked(self.articlesAdded, batch)
            self.loadProgress.emit(done, total)
            return
        added: list[ArticleSummary] = []
        changed: list[ArticleSummary] = []
        for summary in batch:
            # A known id is a cached row shown before the scan whose file has changed since.
            (changed if summary.id in self._articles else added).append(summary)
            self._store_article(summary, ())  # URL keys come after the load (_index_urls)
        self._emit_chunked(self.articlesAdded, added)
        self._emit_chunked(self.articlesChanged, changed)
        self.loadProgress.emit(done, total)

    def _on_load_removed(self, generation: int, gone: list[str]) -> None:
        """Cached rows shown before the scan whose files are no longer there."""
        if generation != self._generation:
            return
        known = [article_id for article_id in gone if article_id in self._articles]
        for article_id in known:
            self._forget_article(article_id)
        self._emit_chunked(self.articlesRemoved, known)

    def _on_load_done(self, generation: int, done: Future[_LoadOutcome]) -> None:
        if generation != self._generation:
            return
        self._job_running = False
        outcome = result_or_none(done)
        if outcome is not None and outcome.missing:
            self._enter_missing()
            self.loadFinished.emit()
            self.rescanFinished.emit()
            return
        if outcome is None:
            # A bug or an I/O failure the loader did not expect: say so, keep watching,
            # and let the next rescan try again.
            self._status_parts["load"] = f"Could not read the folder {self._folder}: see the log"
        else:
            self._status_parts.pop("load", None)
            self._stamps.update(outcome.stamps)
            self._set_unreadable_status(outcome.unreadable_dirs)
        self._publish_status()
        self.loadFinished.emit()
        self.rescanFinished.emit()
        self._index_urls()
        if self._watcher is not None:
            # Its first change set, once the watch stands, asks for the rescan that
            # catches anything changed while the load ran (or before the watch existed).
            self._watcher.start(self._folder, outcome.dirs if outcome is not None else ())
        self._run_wanted_rescan()

    def _index_urls(self) -> None:
        """Add the loaded articles' URLs to the lookup, in slices on the GUI thread.

        Not while loading: normalising four URLs of each of 100,000 articles is ~0.8 s of
        CPU.  Nor on a worker thread: the GUI thread then waited for the interpreter lock
        at each of its calls back from Qt, and the window froze for 0.22-0.37 s right after
        a warm start of 100,000 (0.08-0.1 s without).  Until it is done, a related link may
        not jump inside the folder; nothing else waits for it.
        """
        self._urls_queue = list(self._articles.values())
        self._urls_pending = bool(self._urls_queue)
        if self._urls_pending:
            self._urls_timer.start()

    def _index_urls_slice(self) -> None:
        deadline = time.perf_counter() + URL_KEYS_SLICE_S
        articles, urls, queue = self._articles, self._urls, self._urls_queue
        while queue and time.perf_counter() < deadline:
            chunk = queue[-URL_KEYS_CHUNK:]
            del queue[-URL_KEYS_CHUNK:]
            for summary in chunk:
                if articles.get(summary.id) is summary:  # not replaced or removed meanwhile
                    urls.add(summary, url_keys(summary))
        if not queue:
            self._stop_indexing_urls()

    def _stop_indexing_urls(self) -> None:
        self._urls_timer.stop()
        self._urls_queue = []
        self._urls_pending = False

    # -- rescanning --------------------------------------------------------------------------

    @Slot()
    def _on_watcher_rescan_needed(self) -> None:
        self._request_rescan()

    @Slot(object)
    def _on_watcher_changed(self, change: ChangeSet) -> None:
        if change.rescan:
            self._request_rescan()
        else:
            self._request_rescan(change.ids)

    @Slot()
    def _on_watcher_limit_reached(self) -> None:
        self._status_parts["watch"] = (
            "Watching the folder is not possible (system limit): "
            f"rescanning every {LIMITED_RECONCILE_MS // 1000} s"
        )
        self._publish_status()

    @Slot()
    def _on_recheck_timer_timeout(self) -> None:
        self._request_rescan(set(self._held))

    @Slot()
    def _on_missing_timer_timeout(self) -> None:
        self._request_rescan()

    def _request_rescan(self, ids: Iterable[str] | None = None) -> None:
        """Rescan the whole folder, or (``ids`` given) just those articles' files.

        A watched folder mostly needs the second kind: the watcher names the files an
        event was about, and stat-ing and parsing those few costs the same at 100,000
        articles as at ten, where a full walk of 100,000 takes half a second.
        """
        if self._closed or self._folder is None:
            return
        if ids is not None:
            self._wanted_ids.update(ids)
        if self._job_running:
            if ids is None:
                self._rescan_wanted = True
            return
        if self._missing:
            self._wanted_ids.clear()
            self._check_folder_back()
            return
        if ids is None:
            self._wanted_ids.clear()
            self._start_rescan(None)
        elif self._wanted_ids:
            only, self._wanted_ids = frozenset(self._wanted_ids), set()
            self._start_rescan(only)

    def _run_wanted_rescan(self) -> None:
        if self._rescan_wanted or self._reload_pending:
            self._rescan_wanted = False
            self._request_rescan()
        elif self._wanted_ids:
            self._request_rescan(())

    def _start_rescan(self, only: frozenset[str] | None) -> None:
        """Start a full rescan (``only`` None) or one of the named files."""
        assert self._folder is not None
        self._job_running = True
        self._seen_in_rescan = set()
        self._burst_total = self._burst_done = 0
        generation, stop, root = self._generation, self._stop, self._folder
        if only is None:
            known = dict(self._stamps)
        else:
            known = {i: self._stamps[i] for i in only if i in self._stamps}
        post = self._poster.post

        def on_removed(removed: list[str], to_parse: int) -> None:
            post(lambda: self._on_rescan_removed(generation, removed, to_parse))

        def on_batch(entries: list[Entry]) -> None:
            post(lambda: self._on_rescan_batch(generation, entries))

        future = self._index.submit_rescan(root, known, on_removed, on_batch, stop.is_set, only)
        self._poster.when_done(future, lambda done: self._on_rescan_done(generation, done))

    def _on_rescan_removed(self, generation: int, removed: list[str], to_parse: int) -> None:
        if generation != self._generation:
            return
        gone: list[str] = []
        for article_id in removed:
            self._held.pop(article_id, None)
            if self._pending_writes[article_id]:
                self._skipped_while_writing.add(article_id)
                continue
            if article_id not in self._articles:
                continue
            self._forget_article(article_id)
            gone.append(article_id)
        self._emit_chunked(self.articlesRemoved, gone)
        if to_parse >= BURST_PROGRESS_MIN:
            self._burst_total = to_parse
            self.loadProgress.emit(0, to_parse)

    def _on_rescan_batch(self, generation: int, entries: list[Entry]) -> None:
        if generation != self._generation:
            return
        added: list[ArticleSummary] = []
        changed: list[ArticleSummary] = []
        now = time.monotonic()
        for summary, stamp in entries:
            article_id = summary.id
            self._seen_in_rescan.add(article_id)
            if self._pending_writes[article_id]:
                self._skipped_while_writing.add(article_id)
                continue  # the write's own result settles this article
            current = self._articles.get(article_id)
            if current is not None and self._stamps.get(article_id) == stamp:
                continue  # already known: our own write, or an earlier rescan
            if summary.is_error and (current is None or not current.is_error):
                first_seen = self._held.setdefault(article_id, now)
                if now - first_seen < RECHECK_SECONDS:
                    continue  # maybe half-written: look again shortly before calling it broken
            self._held.pop(article_id, None)
            self._stamps[article_id] = stamp
            if current is None:
                added.append(summary)
            else:
                # Announced even when the summary is equal: the body may have changed, and
                # the detail pane showing this article must refresh.
                changed.append(summary)
            self._store_article(summary)
        self._emit_chunked(self.articlesAdded, added)
        self._emit_chunked(self.articlesChanged, changed)
        if self._burst_total:
            self._burst_done = min(self._burst_total, self._burst_done + len(entries))
            self.loadProgress.emit(self._burst_done, self._burst_total)

    def _on_rescan_done(self, generation: int, done: Future[_RescanOutcome]) -> None:
        if generation != self._generation:
            return
        self._job_running = False
        # Every run of loadProgress ends with loadFinished, so a burst's progress display
        # is taken down just like the initial load's.
        finish = self._burst_total > 0
        outcome = result_or_none(done)
        if outcome is not None and outcome.missing:
            self._enter_missing()
        elif outcome is not None:
            self._after_rescan(outcome)
        if self._reload_pending and not self._rescan_wanted:
            self._reload_pending = False
            finish = True
        if finish:
            self.loadFinished.emit()
        self.rescanFinished.emit()
        self._run_wanted_rescan()

    def _after_rescan(self, outcome: _RescanOutcome) -> None:
        if outcome.full:
            # A held (maybe half-written) file that this full rescan did not list is gone.
            for article_id in [i for i in self._held if i not in self._seen_in_rescan]:
                del self._held[article_id]
        if self._held and not self._recheck_timer.isActive():
            earliest = min(self._held.values())
            wait = RECHECK_SECONDS - (time.monotonic() - earliest)
            self._recheck_timer.start(max(10, int(wait * 1000) + 10))
        if self._burst_total:
            self.loadProgress.emit(self._burst_total, self._burst_total)
            self._burst_total = self._burst_done = 0
        if not outcome.full:
            return
        self._status_parts.pop("load", None)
        self._set_unreadable_status(outcome.unreadable_dirs)
        if self._watcher is not None:
            self._watcher.watch_directories(outcome.dirs)
            self._watcher.set_reconcile_interval(
                max(RECONCILE_MS, int(outcome.seconds * 1000 * RECONCILE_COST_FACTOR))
            )

    # -- a vanished folder -------------------------------------------------------------------

    def _enter_missing(self) -> None:
        if self._missing:
            return
        self._missing = True
        if self._watcher is not None:
            self._watcher.stop()
        self._recheck_timer.stop()
        gone = list(self._articles)
        self._articles.clear()
        self._stamps.clear()
        self._urls.clear()
        self._stop_indexing_urls()
        self._held.clear()
        self._emit_chunked(self.articlesRemoved, gone)
        self._status_parts.clear()
        self._status_parts["missing"] = "Folder missing: waiting for it to come back"
        self._publish_status()
        self.folderMissing.emit(True)
        self._missing_timer.start()

    def _check_folder_back(self) -> None:
        assert self._folder is not None
        self._job_running = True
        generation, root = self._generation, self._folder
        future = self._index.submit_exists(root)
        self._poster.when_done(future, lambda done: self._on_exists_checked(generation, done))

    def _on_exists_checked(self, generation: int, done: Future[bool]) -> None:
        if generation != self._generation:
            return
        self._job_running = False
        self._rescan_wanted = False
        if not result_or_none(done):
            if self._reload_pending:
                self._reload_pending = False
                self.loadFinished.emit()
            self.rescanFinished.emit()
            return
        self._missing = False
        self._missing_timer.stop()
        self._reload_pending = False
        self._status_parts.pop("missing", None)
        self._publish_status()
        self.folderMissing.emit(False)
        self._start_load()

    # -- publish results ---------------------------------------------------------------------

    def _on_publish_done(
        self,
        generation: int,
        article_id: str,
        value: bool,
        previous: ArticleSummary,
        done: Future[_PublishOutcome],
    ) -> None:
        if generation != self._generation:
            return
        self._pending_writes[article_id] -= 1
        if self._pending_writes[article_id] <= 0:
            del self._pending_writes[article_id]
        later_writes = self._pending_writes[article_id] > 0
        outcome = result_or_none(done) or _PublishOutcome(
            message=f"Could not change {article_id}: an unexpected error occurred (see the log)."
        )
        known = article_id in self._articles
        if known and outcome.summary is not None and outcome.stamp is not None:
            # What the file holds now, with the stamp of exactly that content: the next
            # rescan sees this stamp and finds nothing new, so an own write never flickers.
            self._stamps[article_id] = outcome.stamp
            self._index.submit_store(
                self._folder, [(outcome.summary, outcome.stamp, outcome.body or "")]
            )
        if known and not later_writes:
            if outcome.message is None and outcome.summary is not None:
                self._replace_article(outcome.summary)
            elif outcome.message is not None:
                readable = outcome.summary is not None and not outcome.summary.is_error
                self._replace_article(outcome.summary if readable else previous)
        if outcome.message is None:
            self.publishSucceeded.emit(article_id, value)
        else:
            self.publishFailed.emit(article_id, outcome.message)
        if article_id in self._skipped_while_writing and not later_writes:
            # A rescan saw this file change while the write was pending and left it alone.
            self._skipped_while_writing.discard(article_id)
            self._request_rescan()

    # -- bookkeeping -------------------------------------------------------------------------

    def _store_article(
        self, summary: ArticleSummary, url_keys: tuple[str, ...] | None = None
    ) -> None:
        old = self._articles.get(summary.id)
        if old is not None:
            self._urls.remove(old)
        self._articles[summary.id] = summary
        self._urls.add(summary, url_keys)

    def _forget_article(self, article_id: str) -> None:
        old = self._articles.pop(article_id, None)
        if old is not None:
            self._urls.remove(old)
        self._stamps.pop(article_id, None)

    def _replace_article(self, summary: ArticleSummary) -> None:
        current = self._articles.get(summary.id)
        if current is None:
            return
        if current != summary:
            self._store_article(summary)
            self.articlesChanged.emit([summary])

    def _emit_chunked(self, signal: Any, items: Sequence[Any]) -> None:
        for start in range(0, len(items), EMIT_CHUNK):
            signal.emit(list(items[start : start + EMIT_CHUNK]))

    def _set_unreadable_status(self, unreadable: Sequence[str]) -> None:
        if unreadable:
            shown = ", ".join(unreadable[:3]) + (" …" if len(unreadable) > 3 else "")
            noun = "subfolder" if len(unreadable) == 1 else "subfolders"
            self._status_parts["unreadable"] = (
                f"{len(unreadable)} {noun} could not be read ({shown}): check permissions"
            )
        else:
            self._status_parts.pop("unreadable", None)
        self._publish_status()

    def _publish_status(self) -> None:
        for key in ("missing", "load", "watch", "unreadable"):
            if key in self._status_parts:
                text = self._status_parts[key]
                break
        else:
            text = ""
        if text != self._last_status:
            self._last_status = text
            self.statusMessage.emit(text)


# -- the index worker ------------------------------------------------------------------------


@dataclass(slots=True)
class _LoadOutcome:
    missing: bool = False
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    unreadable_dirs: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _RescanOutcome:
    missing: bool = False
    full: bool = True
    """False for a rescan of named files only: it says nothing about the rest."""
    unreadable_dirs: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _prepare_parser() -> None:
    from reader.domain import fastyaml, parse  # noqa: F401 - importing is the point

    fastyaml.prepare()


class _IndexWorker:
    """The one thread that scans folders and owns the index cache connection.

    Every method named ``submit_*`` is called on the GUI thread and returns a future;
    the jobs run on the worker thread only, so loads, rescans and cache writes never
    overlap.  ``_open`` pairs the folder with its cache in one attribute, so the search
    thread reading it through :meth:`cache_of` never sees one folder with another's cache.
    """

    def __init__(self) -> None:
        self._worker = Worker("reader-index")
        self._open: tuple[Path, IndexCache] | None = None
        # While the window is still being built, import the parser and compile its tables
        # (~100 ms on first use) so a cold folder's first rows are not held up by them.
        self._worker.submit(_prepare_parser)

    def submit_load(
        self,
        root: Path,
        on_batch: LoadBatchSink,
        on_removed: Callable[[list[str]], None],
        should_stop: Callable[[], bool],
    ) -> Future[_LoadOutcome]:
        return self._worker.submit(self._load, root, on_batch, on_removed, should_stop)

    def submit_rescan(
        self,
        root: Path,
        known: dict[str, FileStamp],
        on_removed: Callable[[list[str], int], None],
        on_batch: Callable[[list[Entry]], None],
        should_stop: Callable[[], bool],
        only: frozenset[str] | None,
    ) -> Future[_RescanOutcome]:
        return self._worker.submit(
            self._rescan, root, known, on_removed, on_batch, should_stop, only
        )

    def submit_store(self, root: Path | None, entries: list[CacheEntry]) -> None:
        self._worker.submit(self._store, root, entries)

    def cache_of(self, root: Path) -> IndexCache | None:
        """The open cache of ``root``, for other threads (IndexCache locks internally)."""
        current = self._open
        return current[1] if current is not None and current[0] == root else None

    def submit_exists(self, root: Path) -> Future[bool]:
        return self._worker.submit(os.path.isdir, root)

    def shutdown(self) -> None:
        self._worker.submit(self._close_cache)
        self._worker.shutdown(cancel_pending=False)

    # -- worker thread ---------------------------------------------------------------------

    def _use(self, root: Path) -> IndexCache:
        current = self._open
        if current is not None and current[0] == root:
            return current[1]
        self._close_cache()
        cache = IndexCache.open(root)  # never raises: falls back to an in-memory cache
        self._open = (root, cache)
        return cache

    def _close_cache(self) -> None:
        current, self._open = self._open, None
        if current is not None:
            current[1].close()

    def _load(
        self,
        root: Path,
        on_batch: LoadBatchSink,
        on_removed: Callable[[list[str]], None],
        should_stop: Callable[[], bool],
    ) -> _LoadOutcome:
        if should_stop():
            return _LoadOutcome()
        if not os.path.isdir(root):
            return _LoadOutcome(missing=True)
        try:
            publish.cleanup_stray_temp_files(root)
        except OSError:
            log.exception("could not clean stray temp files under %s", root)
        cache = self._use(root)
        progress = _Progress(on_batch)
        try:
            result = load_folder(
                root,
                use_cache=True,
                on_batch=progress,
                batch_size=LOAD_BATCH,
                should_stop=should_stop,
                cache=cache,
                on_removed=on_removed,
            )
        except OSError:
            if not os.path.isdir(root):
                return _LoadOutcome(missing=True)
            raise
        return _LoadOutcome(
            stamps=dict(result.stamps),
            unreadable_dirs=list(result.unreadable_dirs),
            dirs=list(result.dirs),
        )

    def _rescan(
        self,
        root: Path,
        known: dict[str, FileStamp],
        on_removed: Callable[[list[str], int], None],
        on_batch: Callable[[list[Entry]], None],
        should_stop: Callable[[], bool],
        only: frozenset[str] | None,
    ) -> _RescanOutcome:
        started = time.monotonic()
        if should_stop():
            return _RescanOutcome(full=only is None)
        if only is not None:
            if not os.path.isdir(root):
                return _RescanOutcome(missing=True)
            report = ScanReport(files=stamp_files(root, only))
        else:
            try:
                report = scan_folder_report(root)
            except OSError:
                if not os.path.isdir(root):
                    return _RescanOutcome(missing=True)
                raise
        stamps = report.files
        removed = [i for i in known if i not in stamps]
        to_parse = [i for i, stamp in stamps.items() if known.get(i) != stamp]
        on_removed(removed, len(to_parse))
        cache = self._use(root)
        if removed:
            cache.forget(removed)
        if to_parse:
            # A live change is latency-bound: parsing in this thread shows the first files
            # at once, where a process pool would first spend a second starting up.
            workers = 1 if len(to_parse) <= RESCAN_IN_PROCESS_LIMIT else None
            for batch in parse_files(root, to_parse, workers=workers, should_stop=should_stop):
                cache.store(batch)
                on_batch([(summary, stamp) for summary, stamp, _body in batch])
                if should_stop():
                    break
        return _RescanOutcome(
            full=only is None,
            unreadable_dirs=report.unreadable_dirs,
            dirs=report.dirs,
            seconds=time.monotonic() - started,
        )

    def _store(self, root: Path | None, entries: list[CacheEntry]) -> None:
        cache = self.cache_of(root) if root is not None else None
        if cache is not None:
            cache.store(entries)


def _release_workers(
    released: threading.Event,
    poster: GuiPoster,
    publisher: Worker,
    detail_worker: Worker,
    search_worker: _SearchWorker,
    index: _IndexWorker,
    stop_watching: Callable[[], None],
    *_destroyed: object,
) -> None:
    """Stop a library's threads and close its cache, once (see ``Library.__init__``).

    Queued publish writes still land; results that arrive after this are dropped.
    """
    if released.is_set():
        return
    released.set()
    stop_watching()
    poster.close()
    publisher.shutdown(cancel_pending=False)
    detail_worker.shutdown()
    search_worker.shutdown()
    index.shutdown()


def _nothing() -> None:
    """Stands in for a watch thread's stopper when the library does not watch."""


class _Progress:
    """Counts the loader's batches for loadProgress (the loader does not announce a total)."""

    def __init__(self, on_batch: LoadBatchSink) -> None:
        self._on_batch = on_batch
        self._done = 0

    def __call__(self, batch: list[ArticleSummary]) -> None:
        self._done += len(batch)
        self._on_batch(list(batch), self._done, 0)
        # The GUI thread is about to take this batch in and repaint: let it have the
        # interpreter lock for a moment rather than fight the next batch's decoding for it.
        time.sleep(LOAD_BATCH_PAUSE_S)


# -- the search worker -----------------------------------------------------------------------


class _SearchWorker:
    """One thread for body searches, on the index worker's cache (which is thread-safe).

    Sharing that one cache object means a search sees exactly what the library has
    stored, even when the cache had to fall back to memory; SQLite runs the scan without
    the GIL, so the GUI thread is not held up meanwhile.
    """

    def __init__(self, index: _IndexWorker) -> None:
        self._worker = Worker("reader-search")
        self._index = index

    def submit(
        self, root: Path, text: str, superseded: Callable[[], bool]
    ) -> Future[set[str] | None]:
        return self._worker.submit(self._search, root, text, superseded)

    def shutdown(self) -> None:
        self._worker.shutdown()

    def _search(self, root: Path, text: str, superseded: Callable[[], bool]) -> set[str] | None:
        if superseded():
            return None  # the editor typed on; only the newest query is worth running
        cache = self._index.cache_of(root)
        if cache is None:
            return set()
        return cache.search_bodies(text)


# -- the publish worker ----------------------------------------------------------------------


@dataclass(slots=True)
class _PublishOutcome:
    message: str | None = None
    """None on success, else the sentence for publishFailed."""
    summary: ArticleSummary | None = None
    stamp: FileStamp | None = None
    body: str | None = None


def _write_published(root: Path, article_id: str, value: bool) -> _PublishOutcome:
    """Write one value, then read the file back so the library knows what it now holds."""
    try:
        publish.set_published(root / article_id, value, display_name=article_id)
    except publish.PublishError as exc:
        message: str | None = exc.message
    else:
        message = None
    summary, stamp, body = read_summary(root, article_id)
    if stamp is None:
        return _PublishOutcome(message=message)
    return _PublishOutcome(message=message, summary=summary, stamp=stamp, body=body)


# -- url lookup ------------------------------------------------------------------------------


class _UrlIndex:
    """Which article lives at a URL, so related links can jump inside the folder.

    Each article's keys are remembered, so removing it never normalises its URLs again;
    a load adds its articles with no keys and their keys later, made on a worker
    (normalising four URLs per article was 1.3 s of the GUI thread's time in a warm start
    of 100,000).

    Keys are kept as their hashes, not their text: four normalised URLs of each of
    100,000 articles were ~40 MB of strings.  A hit is checked against the article's own
    keys (:meth:`find`), so two URLs of equal hash can only miss a jump, never make a
    wrong one.
    """

    def __init__(self) -> None:
        self._ids: dict[int, str] = {}
        self._keys_of: dict[str, tuple[int, ...]] = {}

    def clear(self) -> None:
        self._ids.clear()
        self._keys_of.clear()

    def add(self, summary: ArticleSummary, keys: tuple[str, ...] | None = None) -> None:
        if keys is None:
            keys = url_keys(summary)
        if not keys:
            return
        hashes = tuple(map(_url_hash, keys))
        self._keys_of[summary.id] = hashes
        for key in hashes:
            self._ids.setdefault(key, summary.id)

    def remove(self, summary: ArticleSummary) -> None:
        for key in self._keys_of.pop(summary.id, ()):
            if self._ids.get(key) == summary.id:
                del self._ids[key]

    def find(self, url: str, articles: Mapping[str, ArticleSummary]) -> str | None:
        key = normalise_url(url)
        if not key:
            return None
        article_id = self._ids.get(_url_hash(key))
        summary = articles.get(article_id) if article_id is not None else None
        if summary is None or key not in url_keys(summary):
            return None
        return article_id


_url_hash: Callable[[str], int] = hash
"""What :class:`_UrlIndex` keeps of a key (a name of its own, so a test can make keys collide)."""


def url_keys(summary: ArticleSummary) -> tuple[str, ...]:
    """The lookup keys of an article's own URLs (see :meth:`Library.article_for_url`)."""
    urls = (summary.url, summary.web_url, summary.amp_url, summary.cdn_amp_url)
    return tuple(key for key in map(normalise_url, filter(None, urls)) if key)

