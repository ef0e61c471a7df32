"""Tallies over the article list that follow its changes, never its size, on the GUI thread.

The timeline (articles per day), the saved searches (articles per search) and the search
completer (the folder's sources, topics and categories) each need a summary of every
article.  Judging all 100,000 on every change cost the GUI thread 1.2-1.7 s per change.
A :class:`LiveTally` remembers what each article contributed (a tuple of hashable keys)
and, when the list model says which ids were added, changed or removed
(``ArticleTableModel.articlesTouched``), takes back the old contribution and adds the new
one: the cost follows the change.  A full count (a new folder, a new query) runs in
slices of :data:`SLICE_SECONDS` per event-loop turn into a fresh picture; the old
picture stays what callers see until the new one is complete.

Nothing per article is allocated that the cyclic garbage collector tracks: the summary
seen and the keys are kept in two plain dicts, and equal key tuples are shared.  A tuple
per article made a full count of 100,000 set off full collections of 250-300 ms among
the few-ms slices.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from time import perf_counter

from PySide6.QtCore import QObject, QTimer, Signal

from reader.domain.article import ArticleSummary

from .article_model import ArticleTableModel

Keys = tuple[Hashable, ...]
Judge = Callable[[Sequence[ArticleSummary]], list[Keys]]
"""Each summary's contribution: the keys it counts once under (empty: none)."""

SLICE_SECONDS = 0.005
"""Work done per event-loop turn by one tally.  The window's three (timeline, saved-search
counts, completer values) run in the same turn, so together they stay within ~15 ms (at
12 ms each, the probe at 10,000 saw them share 120 ms gaps while a folder loaded)."""
CHUNK = 100
"""Articles judged at a time within a slice (the slice's clock is read between chunks)."""


class LiveTally(QObject):
    """How many articles count under each key, kept current by per-article deltas.

    ``changed`` is emitted after a delta or a finished full count changed the totals.
    """

    changed = Signal()

    def __init__(self, judge: Judge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._judge = judge
        self._source: ArticleTableModel | None = None
        self._picture = _Picture()
        self._pending: dict[str, None] = {}  # ids touched since they were last judged
        # A full count in progress: what is left to judge and the picture being built.
        self._full: list[ArticleSummary] | None = None
        self._full_at = 0
        self._full_picture = _Picture()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(lambda: self._step())

    # -- API -------------------------------------------------------------------------

    def attach(self, source: ArticleTableModel) -> None:
        """Follow ``source``: its touched ids become deltas, a reset a full count."""
        self._source = source
        source.articlesTouched.connect(self.touch)
        source.modelReset.connect(self.restart)
        source.loadingChanged.connect(self._on_loading_changed)
        self.restart()

    def restart(self, judge: Judge | None = None) -> None:
        """Count every article again (with a new ``judge``), in slices; until that is
        done, :meth:`totals` stays the old picture and touched ids wait."""
        if judge is not None:
            self._judge = judge
        source = self._source
        self._full = [] if source is None else [row.summary for row in source.rows_in_view_order()]
        self._full_at = 0
        self._full_picture = _Picture()
        self._pending.clear()  # the full count sees every article as it is now
        self._timer.start()

    def touch(self, article_ids: Sequence[str]) -> None:
        """These ids were added, changed or removed: judge them again shortly."""
        self._pending.update(dict.fromkeys(article_ids))
        if self._pending:
            self._timer.start()

    def totals(self) -> dict[Hashable, int]:
        """Articles per key, in the last complete picture (do not change it)."""
        return self._picture.totals

    def is_busy(self) -> bool:
        """Whether a full count or touched ids are still waiting to be judged."""
        return self._full is not None or bool(self._pending)

    def finish(self) -> None:
        """Do all the waiting work now (for callers that need the answer at once)."""
        while self.is_busy():
            self._step(budget=float("inf"))

    # -- work --------------------------------------------------------------------------

    def _on_loading_changed(self, loading: bool) -> None:
        if not loading and self.is_busy():
            self._timer.start()

    def _step(self, budget: float | None = None) -> None:
        if budget is None and self._source is not None and self._source.is_loading():
            self._timer.stop()  # the folder is being read: on when it is done
            return
        deadline = perf_counter() + (SLICE_SECONDS if budget is None else budget)
        if self._full is not None:
            if not self._full_slice(deadline):
                return
            self._finish_full()
            if perf_counter() >= deadline:
                return
        if self._pending:
            self._delta_slice(deadline)
        if not self.is_busy():
            self._timer.stop()

    def _full_slice(self, deadline: float) -> bool:
        """Judge the next articles of the full count until ``deadline``; True when done."""
        full = self._full
        assert full is not None
        picture, judge = self._full_picture, self._judge
        while self._full_at < len(full):
            chunk = full[self._full_at : self._full_at + CHUNK]
            self._full_at += len(chunk)
            picture.add(chunk, judge(chunk))
            if perf_counter() >= deadline:
                return self._full_at >= len(full)
        return True

    def _finish_full(self) -> None:
        self._picture, self._full_picture, self._full = self._full_picture, _Picture(), None
        self.changed.emit()

    def _delta_slice(self, deadline: float) -> None:
        """Take back and add again the contributions of touched ids until ``deadline``."""
        source = self._source
        pending = self._pending
        picture = self._picture
        seen = picture.seen
        changed = False
        while pending and perf_counter() < deadline:
            ids = []
            for article_id in pending:
                ids.append(article_id)
                if len(ids) == CHUNK:
                    break
            for article_id in ids:
                del pending[article_id]
            fresh: list[ArticleSummary] = []
            for article_id in ids:
                summary = None if source is None else source.summary(article_id)
                if article_id in seen:
                    if seen[article_id] is summary:
                        continue
                    picture.take_back(article_id)
                    changed = True
                if summary is not None:
                    fresh.append(summary)
            if fresh:
                changed = True
                picture.add(fresh, self._judge(fresh))
        if changed:
            self.changed.emit()



class _Picture:
    """Per key the articles counted, and what each article was counted under."""

    __slots__ = ("keys", "seen", "shared", "totals")

    def __init__(self) -> None:
        self.totals: dict[Hashable, int] = {}
        self.seen: dict[str, ArticleSummary] = {}  # id -> the summary object judged
        self.keys: dict[str, Keys] = {}  # id -> its keys (one shared tuple per distinct value)
        self.shared: dict[Keys, Keys] = {}

    def add(self, summaries: Sequence[ArticleSummary], judged: list[Keys]) -> None:
        totals, seen, keys_of, shared = self.totals, self.seen, self.keys, self.shared
        for summary, keys in zip(summaries, judged, strict=True):
            keys = shared.setdefault(keys, keys)
            seen[summary.id] = summary
            keys_of[summary.id] = keys
            for key in keys:
                totals[key] = totals.get(key, 0) + 1

    def take_back(self, article_id: str) -> None:
        del self.seen[article_id]
        totals = self.totals
        for key in self.keys.pop(article_id):
            left = totals[key] - 1
            if left:
                totals[key] = left
            else:
                del totals[key]
