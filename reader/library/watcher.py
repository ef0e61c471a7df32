"""Who watches the folder: file-system notifications turned into "rescan now" requests.

:class:`FolderWatcher` never decides *what* changed.  Notifications coalesce, get lost
under load and say little (Qt's directory watch reports no in-place edits of the files
inside), so every notification only schedules a rescan, and the library compares a cheap
directory scan with the stamps it knows.  The watcher's jobs are to make that rescan
happen soon after a change settles (debounced, so a burst of thousands of events is one
rescan), to happen periodically anyway (so a lost event is caught), and to keep the set of
watched paths in step with the folder: new subfolders are added, removed ones dropped, and
a file replaced by a rename-over save is watched again.

Qt's watcher keeps its paths in a list it searches on every add and removal, so adding
``n`` paths costs O(n²).  Paths are therefore added and removed in small chunks from the
event loop, and at most
:data:`FILE_WATCH_LIMIT` files (the library passes the newest) get a watch of their own;
the others are covered by their folder's watch (creations, deletions, renames) and by the
periodic rescan (in-place edits).
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)

SETTLE_MS = 120
"""Quiet time after the last notification before rescanning: one save is one rescan."""

MAX_DELAY_MS = 400
"""Longest a rescan waits during a continuous stream of notifications (a burst)."""

RECONCILE_MS = 5000
"""Periodic rescan while notifications work: catches anything they missed."""

LIMITED_RECONCILE_MS = 2000
"""Periodic rescan once the system refused a watch: it is now the main way to see changes."""

FILE_WATCH_LIMIT = 10_000
"""Files that get a watch of their own; beyond it in-place edits wait for the periodic rescan."""

WATCH_CHUNK = 250
"""Paths added per event-loop turn, so a big folder never stalls the GUI thread."""


class FolderWatcher(QObject):
    """Asks for a rescan of one folder whenever something under it may have changed."""

    rescanNeeded = Signal()
    """Something changed (debounced), or the periodic reconcile is due."""

    watchLimitReached = Signal()
    """The system refused a watch that should have worked; emitted once per :meth:`start`."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        settle_ms: int = SETTLE_MS,
        max_delay_ms: int = MAX_DELAY_MS,
        reconcile_ms: int = RECONCILE_MS,
        limited_reconcile_ms: int = LIMITED_RECONCILE_MS,
    ) -> None:
        super().__init__(parent)
        self._settle_ms = settle_ms
        self._max_delay_ms = max_delay_ms
        self._reconcile_ms = reconcile_ms
        self._limited_reconcile_ms = limited_reconcile_ms
        self._root: str | None = None
        self._parent: str | None = None
        self._qt_watcher: QFileSystemWatcher | None = None
        self._limited = False
        self._first_event_at: float | None = None
        self._pending_adds: deque[str] = deque()
        self._pending_set: set[str] = set()
        self._pending_removes: deque[str] = deque()

        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.timeout.connect(self._on_settle_timer_timeout)
        self._reconcile_timer = QTimer(self)
        self._reconcile_timer.timeout.connect(self._on_reconcile_timer_timeout)
        self._add_timer = QTimer(self)
        self._add_timer.setInterval(0)
        self._add_timer.timeout.connect(self._on_add_timer_timeout)

    # -- public API ------------------------------------------------------------------------

    @property
    def limited(self) -> bool:
        """True once the system refused a watch: changes are then found by periodic rescans."""
        return self._limited

    @property
    def root(self) -> str | None:
        return self._root

    def start(self, root: Path) -> None:
        """Watch ``root`` (subfolders and files follow through :meth:`sync`)."""
        self.stop()
        self._root = os.path.abspath(root)
        parent = os.path.dirname(self._root)
        # Renaming the folder itself is reported to its parent's watch, not its own.
        self._parent = parent if parent != self._root else None
        self._qt_watcher = QFileSystemWatcher()
        self._qt_watcher.directoryChanged.connect(self._on_directory_changed)
        self._qt_watcher.fileChanged.connect(self._on_path_changed)
        self._add_now([self._root])
        if self._parent is not None:
            # Best effort: without it, a renamed folder is noticed by the periodic rescan.
            self._add_paths([self._parent])
        self._restart_reconcile_timer()

    def stop(self) -> None:
        """Stop watching and forget every path; no signal is emitted after this."""
        self._settle_timer.stop()
        self._reconcile_timer.stop()
        self._add_timer.stop()
        self._pending_adds.clear()
        self._pending_set.clear()
        self._pending_removes.clear()
        self._first_event_at = None
        self._limited = False
        if self._qt_watcher is not None:
            self._qt_watcher.directoryChanged.disconnect(self._on_directory_changed)
            self._qt_watcher.fileChanged.disconnect(self._on_path_changed)
            # Unparented: dropping the last reference deletes it and closes its inotify handle.
            self._qt_watcher = None
        self._root = None
        self._parent = None

    def sync(self, directories: Iterable[str], files: Iterable[str]) -> None:
        """Make the watched paths match a fresh scan (absolute path strings).

        Called after every rescan, which is also what re-arms a watch lost to a
        rename-over save: Qt drops the watch of a replaced file, the scan still lists it.
        """
        watcher = self._qt_watcher
        if watcher is None or self._root is None:
            return
        wanted_dirs = set(directories)
        wanted_dirs.add(self._root)
        wanted_files = set(files)
        watched_dirs = set(watcher.directories())
        watched_dirs.discard(self._parent)
        watched_files = set(watcher.files())

        # Stale watches: folders that went away, files moved elsewhere or no longer among
        # the newest.  Removed in chunks too (Qt's removal is linear per path as well).
        stale = (watched_dirs - wanted_dirs) | (watched_files - wanted_files)
        self._pending_removes = deque(stale)
        if self._pending_set:
            still_wanted = wanted_dirs | wanted_files
            dropped = self._pending_set - still_wanted
            if dropped:
                self._pending_set -= dropped
                self._pending_adds = deque(p for p in self._pending_adds if p not in dropped)
        if self._limited:
            # The system said no; the periodic rescan covers what is not watched.
            if self._pending_removes and not self._add_timer.isActive():
                self._add_timer.start()
            return
        # Folders first: a new subfolder's creations must be seen before its files' edits.
        new = sorted(wanted_dirs - watched_dirs - self._pending_set)
        new += [p for p in wanted_files - watched_files - self._pending_set]
        for path in new:
            self._pending_adds.append(path)
            self._pending_set.add(path)
        if (self._pending_adds or self._pending_removes) and not self._add_timer.isActive():
            self._add_timer.start()

    def set_reconcile_interval(self, interval_ms: int) -> None:
        """Change the periodic rescan's interval (the library stretches it for huge folders)."""
        self._reconcile_ms = max(interval_ms, 100)
        if self._reconcile_timer.isActive():
            self._restart_reconcile_timer()

    def watched_paths(self) -> tuple[list[str], list[str]]:
        """(directories, files) currently watched; for tests and diagnostics."""
        if self._qt_watcher is None:
            return [], []
        return list(self._qt_watcher.directories()), list(self._qt_watcher.files())

    def is_settled(self) -> bool:
        """True when no debounced rescan and no watch additions are pending."""
        return not (self._settle_timer.isActive() or self._pending_adds or self._pending_removes)

    # -- internals -------------------------------------------------------------------------

    def _add_paths(self, paths: list[str]) -> list[str]:
        """Ask Qt to watch ``paths``; returns those it could not watch."""
        assert self._qt_watcher is not None
        return list(self._qt_watcher.addPaths(paths))

    def _add_now(self, paths: list[str]) -> None:
        if not paths or self._qt_watcher is None:
            return
        failed = self._add_paths(paths)
        # A path that vanished since the scan fails harmlessly; one that still exists
        # failed because the system refused (inotify's watch limit, most likely).
        refused = [p for p in failed if os.path.exists(p)]
        if refused and not self._limited:
            log.warning(
                "cannot watch %d path(s) under %s (system limit?): falling back to rescans",
                len(refused),
                self._root,
            )
            self._limited = True
            self._pending_adds.clear()
            self._pending_set.clear()
            self._restart_reconcile_timer()
            self.watchLimitReached.emit()

    def _restart_reconcile_timer(self) -> None:
        interval = self._reconcile_ms
        if self._limited:
            interval = min(interval, self._limited_reconcile_ms)
        self._reconcile_timer.start(interval)

    @Slot(str)
    def _on_directory_changed(self, path: str) -> None:
        if path == self._parent and self._root is not None and os.path.isdir(self._root):
            return  # a sibling of the folder changed, not the folder
        self._on_path_changed(path)

    @Slot(str)
    def _on_path_changed(self, _path: str) -> None:
        now = time.monotonic()
        if self._first_event_at is None or not self._settle_timer.isActive():
            self._first_event_at = now
        waited_ms = (now - self._first_event_at) * 1000
        remaining_ms = max(0, int(self._max_delay_ms - waited_ms))
        self._settle_timer.start(min(self._settle_ms, remaining_ms))

    @Slot()
    def _on_settle_timer_timeout(self) -> None:
        self._first_event_at = None
        self.rescanNeeded.emit()

    @Slot()
    def _on_reconcile_timer_timeout(self) -> None:
        if not self._settle_timer.isActive():
            self.rescanNeeded.emit()

    @Slot()
    def _on_add_timer_timeout(self) -> None:
        if self._pending_removes:
            count = min(WATCH_CHUNK, len(self._pending_removes))
            stale = [self._pending_removes.popleft() for _ in range(count)]
            if self._qt_watcher is not None:
                self._qt_watcher.removePaths(stale)
            return
        chunk: list[str] = []
        while self._pending_adds and len(chunk) < WATCH_CHUNK:
            path = self._pending_adds.popleft()
            self._pending_set.discard(path)
            chunk.append(path)
        self._add_now(chunk)
        if not self._pending_adds and not self._pending_removes:
            self._add_timer.stop()
