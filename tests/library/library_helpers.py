"""A recorder that replays a Library's signals into the list a view would show, and waits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from reader.domain.article import ArticleSummary
from reader.library import Library


@dataclass
class Recorder:
    """Everything a Library said, and the list a view built from it would show now."""

    shown: dict[str, ArticleSummary] = field(default_factory=dict)
    opened: list[Path] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[ArticleSummary] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    progress: list[tuple[int, int]] = field(default_factory=list)
    finished: int = 0
    status: list[str] = field(default_factory=list)
    missing: list[bool] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    succeeded: list[tuple[str, bool]] = field(default_factory=list)
    rescans: int = 0
    ever_broken: set[str] = field(default_factory=set)
    seen_at: dict[str, float] = field(default_factory=dict)

    def connect(self, library: Library) -> None:
        library.folderOpened.connect(self._on_opened)
        library.articlesAdded.connect(self._on_added)
        library.articlesChanged.connect(self._on_changed)
        library.articlesRemoved.connect(self._on_removed)
        library.loadProgress.connect(lambda done, total: self.progress.append((done, total)))
        library.loadFinished.connect(self._on_finished)
        library.statusMessage.connect(self.status.append)
        library.folderMissing.connect(self.missing.append)
        library.publishFailed.connect(lambda i, m: self.failed.append((i, m)))
        library.publishSucceeded.connect(lambda i, v: self.succeeded.append((i, v)))
        library.rescanFinished.connect(self._on_rescan)

    def _on_opened(self, path: Path) -> None:
        self.opened.append(path)
        self.shown.clear()

    def _on_added(self, summaries: list[ArticleSummary]) -> None:
        now = time.monotonic()
        for summary in summaries:
            assert summary.id not in self.shown, f"{summary.id} added twice"
            self.shown[summary.id] = summary
            self.added.append(summary.id)
            self.seen_at[summary.id] = now
            if summary.is_error:
                self.ever_broken.add(summary.id)

    def _on_changed(self, summaries: list[ArticleSummary]) -> None:
        now = time.monotonic()
        for summary in summaries:
            assert summary.id in self.shown, f"{summary.id} changed before it was added"
            self.shown[summary.id] = summary
            self.changed.append(summary)
            self.seen_at[summary.id] = now
            if summary.is_error:
                self.ever_broken.add(summary.id)

    def _on_removed(self, ids: list[str]) -> None:
        now = time.monotonic()
        for article_id in ids:
            assert article_id in self.shown, f"{article_id} removed but never shown"
            del self.shown[article_id]
            self.removed.append(article_id)
            self.seen_at[article_id] = now

    def _on_finished(self) -> None:
        self.finished += 1

    def _on_rescan(self) -> None:
        self.rescans += 1


def open_and_settle(qtbot, library: Library, recorder: Recorder, folder: Path) -> None:
    """Open ``folder`` and wait until it is loaded and fully watched."""
    library.open_folder(folder)
    qtbot.waitUntil(lambda: recorder.finished >= 1 and library.is_settled(), timeout=10_000)


def settle(qtbot, library: Library) -> None:
    qtbot.waitUntil(library.is_settled, timeout=10_000)
