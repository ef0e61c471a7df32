"""Who watches the folder: native file-system events turned into change sets.

:class:`FolderWatcher` watches one folder with ``watchfiles`` (the Rust ``notify`` crate:
inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows).  Those watch
*directories*, so one watch per folder sees creations, deletions, renames and in-place
edits of every file inside; Qt's ``QFileSystemWatcher`` needed a watch per file to see an
in-place edit, and adding ``n`` of them cost O(n²), so a folder of 100,000 articles could
only have its newest 10,000 files watched and an edit to an older one waited for a rescan
stretched to tens of seconds.

Events are gathered on the watcher's own thread: ``watchfiles`` batches them in Rust
(a batch closes after :data:`STEP_MS` of quiet, or :data:`MAX_DELAY_MS` into a burst)
without holding the GIL, and the thread folds the batch into one :class:`ChangeSet` that
the GUI thread picks up in one queued call.  A change set names the article ids that may
have changed; the library stats and parses just those.  When an event cannot be mapped to
articles (a folder appeared, vanished or was renamed; the folder itself went) the change
set says ``rescan`` and the library walks the whole folder instead.

Events can still be missed (a network share, an overflowing kernel queue), so a periodic
reconcile asks for a full stat-only rescan as a safety net: every :data:`RECONCILE_MS`, or
longer for a folder whose scan is slow (the library stretches it).  If the system refuses
the watch (inotify's limits), the watcher says so once and the reconcile becomes the way
changes are found, every :data:`LIMITED_RECONCILE_MS`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from reader.index.scan import is_article_name

log = logging.getLogger(__name__)

STEP_MS = 50
"""Quiet time after the last event before a batch is handed on: one save is one batch."""

MAX_DELAY_MS = 300
"""Longest a batch is held during a continuous stream of events (a burst)."""

STOP_POLL_MS = 100
"""How long the watch waits for events before handing back an empty batch: its first one
says the watch is in place, so this is also how soon that is known."""

JOIN_TIMEOUT_S = 2.0
"""Longest :meth:`FolderWatcher.stop` waits for the watch thread when asked to."""

RECONCILE_MS = 5000
"""Periodic full rescan while events work: catches anything they missed."""

LIMITED_RECONCILE_MS = 2000
"""Periodic full rescan once the system refused the watch: it is then the way to see changes."""


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one or more batches of events say about the folder.

    ``ids`` are article ids (paths relative to the folder, ``/``-separated) whose files
    were created, written, replaced or deleted; ``rescan`` is True when something happened
    that ids cannot describe, and the whole folder must be walked again.
    """

    ids: frozenset[str]
    rescan: bool = False


class FolderWatcher(QObject):
    """Reports changes under one folder as change sets, and asks for periodic rescans."""

    changed = Signal(object)
    """A :class:`ChangeSet`, on the GUI thread; batches that arrive together are merged."""

    rescanNeeded = Signal()
    """The periodic reconcile is due (or the watch ended and only a rescan can tell)."""

    watchLimitReached = Signal()
    """The system refused the watch; emitted once per :meth:`start`."""

    _wake = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        reconcile_ms: int = RECONCILE_MS,
        limited_reconcile_ms: int = LIMITED_RECONCILE_MS,
    ) -> None:
        super().__init__(parent)
        self._reconcile_ms = reconcile_ms
        self._limited_reconcile_ms = limited_reconcile_ms
        self._root: str | None = None
        self._limited = False
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._lock = threading.Lock()
        self._pending_ids: set[str] = set()
        self._pending_rescan = False
        self._limited_pending = False
        self._watching = threading.Event()
        self._directories: frozenset[str] = frozenset()
        self._threads = _WatchThreads()

        self._wake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._reconcile_timer = QTimer(self)
        self._reconcile_timer.timeout.connect(self._on_reconcile_timer_timeout)

    # -- public API ------------------------------------------------------------------------

    @property
    def limited(self) -> bool:
        """True once the system refused the watch: changes are then found by rescans."""
        return self._limited

    @property
    def root(self) -> str | None:
        return self._root

    def start(self, root: Path, directories: Iterable[str] = ()) -> None:
        """Watch ``root`` and its subfolders ``directories`` (ids relative to ``root``).

        One non-recursive watch per folder, given by the caller's scan rather than found
        by the watch itself: a recursive watch walks the whole tree when it starts, in
        Rust but holding the GIL (190 ms of frozen window at 100,000 files).  Folders that
        appear later are added by :meth:`watch_directories` after the rescan they cause.
        """
        self.stop()
        self._root = os.path.abspath(root)
        self._directories = frozenset(directories)
        # Whatever changed between the caller's scan and the watch being in place is only
        # found by a rescan: one is asked for as soon as the watch stands.
        self._start_thread(announce=True)
        self._restart_reconcile_timer()

    def watch_directories(self, directories: Iterable[str]) -> None:
        """Make the watched subfolders those of the latest full scan.

        A new set restarts the watch; if it gained folders, a full rescan is asked for
        once the new watch is in place, so files written into a new folder between the
        scan that found it and its watch are not missed.
        """
        if self._root is None or self._limited:
            return
        wanted = frozenset(directories)
        alive = self._thread is not None and self._thread.is_alive()
        if wanted == self._directories and alive:
            return
        gained = bool(wanted - self._directories) or not alive
        self._directories = wanted
        self._stop_event.set()
        self._start_thread(announce=gained)

    def _start_thread(self, *, announce: bool) -> None:
        assert self._root is not None
        self._stop_event = threading.Event()
        self._watching = threading.Event()
        paths = [self._root, *(os.path.join(self._root, d) for d in sorted(self._directories))]
        thread = threading.Thread(
            target=self._watch,
            args=(self._root, paths, self._stop_event, self._watching, announce),
            name="reader-watch",
            daemon=True,
        )
        self._thread = thread
        self._threads.add(self._stop_event, thread)
        thread.start()

    def stop(self, *, wait: bool = False) -> None:
        """Stop watching; no signal is emitted after this.

        The watch thread notices within a few milliseconds and ends on its own; switching
        folders does not wait for it (whatever it posts later is dropped, because its stop
        flag is set), closing does (``wait``), so no thread outlives the library.
        """
        self._reconcile_timer.stop()
        self._stop_event.set()
        thread, self._thread = self._thread, None
        if wait and thread is not None:
            thread.join(JOIN_TIMEOUT_S)
        with self._lock:
            self._pending_ids.clear()
            self._pending_rescan = False
        self._limited = False
        self._root = None
        self._directories = frozenset()

    def thread_stopper(self) -> Callable[[], None]:
        """A plain callable that stops and joins every watch thread this watcher started.

        For the library's release path, which runs while this QObject is being destroyed
        and must not call into it.
        """
        return self._threads.stop_all

    def is_watching(self) -> bool:
        """True once the native watch is in place (it takes a moment after :meth:`start`)."""
        return self._watching.is_set() and not self._stop_event.is_set()

    def set_reconcile_interval(self, interval_ms: int) -> None:
        """Change the periodic rescan's interval (the library stretches it for huge folders)."""
        self._reconcile_ms = max(interval_ms, 100)
        if self._reconcile_timer.isActive():
            self._restart_reconcile_timer()

    def is_settled(self) -> bool:
        """True when no change set is waiting to be handed on."""
        with self._lock:
            return not (self._pending_ids or self._pending_rescan)

    # -- the watch thread ------------------------------------------------------------------

    def _open_watch(self, paths: list[str], stop_event: threading.Event):  # type: ignore[no-untyped-def]
        """The stream of event batches for ``paths`` (a seam for tests that refuse it).

        Imported here, on the watch thread: the window's start-up does not wait for it.
        """
        import watchfiles

        return watchfiles.watch(
            *paths,
            recursive=False,
            watch_filter=None,
            debounce=MAX_DELAY_MS,
            step=STEP_MS,
            stop_event=stop_event,
            rust_timeout=STOP_POLL_MS,
            yield_on_timeout=True,
            ignore_permission_denied=True,
            raise_interrupt=False,
        )

    def _watch(
        self,
        root: str,
        paths: list[str],
        stop_event: threading.Event,
        watching: threading.Event,
        announce: bool,
    ) -> None:
        try:
            for batch in self._open_watch(paths, stop_event):
                # The first (empty) batch comes once the watch is in place.  The rescan
                # is posted before "watching" is set, so nobody sees the library settled
                # in between.
                if not watching.is_set():
                    if announce:
                        self._post(stop_event, set(), rescan=True)
                    watching.set()
                if stop_event.is_set():
                    return
                if batch:
                    self._take(root, stop_event, batch)
        except FileNotFoundError:
            # A subfolder went between the scan and its watch (or the folder itself): the
            # rescan this asks for finds out which, and watches again.
            self._post(stop_event, set(), rescan=True)
            return
        except OSError as exc:
            if stop_event.is_set():
                return
            if os.path.isdir(root):
                log.warning(
                    "cannot watch %s (%s): falling back to rescans every %d s",
                    root,
                    exc,
                    LIMITED_RECONCILE_MS // 1000,
                )
                self._post(stop_event, set(), rescan=True, limited=True)
            else:
                self._post(stop_event, set(), rescan=True)
            return
        except Exception as exc:  # watchfiles' own errors (a full kernel queue, a limit)
            log.warning("watching %s failed (%s): falling back to rescans", root, exc)
            self._post(stop_event, set(), rescan=True, limited=True)
            return
        if not stop_event.is_set():
            # The stream ended without being asked to: the folder went, most likely.
            self._post(stop_event, set(), rescan=True)

    def _take(self, root: str, stop_event: threading.Event, batch: set[tuple]) -> None:
        """Turn one batch of (change, absolute path) into article ids, or a full rescan."""
        ids: set[str] = set()
        rescan = False
        prefix = root + os.sep
        for _change, path in batch:
            if not path.startswith(prefix):
                rescan = True  # the folder itself was deleted or renamed
                continue
            relative = path[len(prefix) :]
            parts = relative.split(os.sep)
            if any(part.startswith(".") for part in parts):
                continue  # hidden: publish temp files, editors' swap files, .git
            if is_article_name(parts[-1]):
                ids.add("/".join(parts))
            elif os.path.isdir(path) or not os.path.lexists(path):
                # A folder appeared, went or was renamed (its articles move with it); or a
                # non-article file was deleted, which cannot be told apart from a folder.
                rescan = True
        if ids or rescan:
            self._post(stop_event, ids, rescan=rescan)

    def _post(
        self, stop_event: threading.Event, ids: set[str], *, rescan: bool, limited: bool = False
    ) -> None:
        with self._lock:
            if stop_event.is_set():
                return
            wake = not (self._pending_ids or self._pending_rescan)
            self._pending_ids |= ids
            self._pending_rescan = self._pending_rescan or rescan
            if limited:
                self._limited_pending = True
        if wake:
            self._wake.emit()

    # -- the GUI thread --------------------------------------------------------------------

    @Slot()
    def _on_wake(self) -> None:
        with self._lock:
            if self._stop_event.is_set():
                return
            ids, self._pending_ids = self._pending_ids, set()
            rescan, self._pending_rescan = self._pending_rescan, False
            limited, self._limited_pending = self._limited_pending, False
        if limited and not self._limited:
            self._limited = True
            self._restart_reconcile_timer()
            self.watchLimitReached.emit()
        if ids or rescan:
            self.changed.emit(ChangeSet(frozenset(ids), rescan))

    def _restart_reconcile_timer(self) -> None:
        interval = self._reconcile_ms
        if self._limited:
            interval = min(interval, self._limited_reconcile_ms)
        self._reconcile_timer.start(interval)

    @Slot()
    def _on_reconcile_timer_timeout(self) -> None:
        self.rescanNeeded.emit()


class _WatchThreads:
    """The watch threads started so far, each with its stop flag (plain Python, no Qt)."""

    def __init__(self) -> None:
        self._started: list[tuple[threading.Event, threading.Thread]] = []

    def add(self, stop_event: threading.Event, thread: threading.Thread) -> None:
        self._started = [(e, t) for e, t in self._started if t.is_alive() or not t.ident]
        self._started.append((stop_event, thread))

    def stop_all(self) -> None:
        for stop_event, _thread in self._started:
            stop_event.set()
        for _stop_event, thread in self._started:
            if thread.ident is not None:
                thread.join(JOIN_TIMEOUT_S)
        self._started.clear()
