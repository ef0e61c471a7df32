"""New rows on their way into the list: pooled in a long list, merged in paced slices.

The library hands over rows in batches (twenty batches within a few hundred milliseconds
on a warm start); each merge re-lays out and repaints the list, so the feed decides when
and how many go in, and the window only says when rows came and when loading stops.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QElapsedTimer, QObject, QTimer

from reader.domain.article import ArticleSummary
from reader.ui.article_model import ArticleTableModel

COALESCE_ADDITIONS_FROM_ROWS = 20_000
"""From this many rows on, new rows are pooled and merged at most every few hundred ms."""
COALESCE_ADDITIONS_MS = 250
"""How long new rows are pooled in a long list.  Each merge that lands rows all over the
list still splices every row (~20 ms at 100,000), but no longer re-maps a proxy: 400 ms
of pooling only delayed the last rows of a warm start."""
MAX_ROWS_PER_MERGE = 5000
"""Rows merged in one go at most; more wait for the next event-loop turn."""
MIN_ROWS_PER_MERGE = 500
MERGE_BUDGET_S = 0.04
"""What one merge may take: the rows per merge follow from how long the last one took.

What a row costs depends on where the rows land: a warm start's newest-first batch of
5,000 goes into 95,000 rows in 24 ms (one contiguous insert), a cold load's 3,800 rows
all over 96,000 take 65 ms (a splice of every row), and a slower machine is slower at
both.  A fixed number was too many for one and too few for the other."""
ADDITIONS_MIN_INTERVAL_MS = 120
"""Below that size, new rows go in at once unless rows went in less than this long ago.

A warm start hands over 10,000 rows in 20 batches within a few hundred milliseconds; each
merge re-lays out and repaints the list (~25 ms), so merging them as they come cost more
repainting than merging.  One merge at most every 120 ms keeps the list moving while it
loads and a single new file still appears at once.
"""


class RowFeed(QObject):
    """Puts the library's new rows into ``model``, never more than one budget per turn."""

    def __init__(self, model: ArticleTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._pending: list[ArticleSummary] = []
        self._rows_per_merge = MAX_ROWS_PER_MERGE
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_ADDITIONS_MS)
        self._timer.timeout.connect(self._merge)
        self._since_merge = QElapsedTimer()

    def clear(self) -> None:
        """A new folder: rows still pooled for the old one are dropped."""
        self._pending.clear()
        self._timer.stop()

    def set_loading(self, loading: bool) -> None:
        """The end of a load puts the last pooled rows in at once."""
        if not loading and self._pending:
            self._timer.start(0)

    def add(self, summaries: list[ArticleSummary]) -> None:
        """New rows; in a big list, batches are pooled for a moment and merged together.

        A merge that lands rows all over a long list splices every row, so with tens of
        thousands of rows fewer merges are better.
        """
        self._pending.extend(summaries)
        if self._timer.isActive():
            return
        # Pooled until that long after the last merge, not after this batch: the last
        # batch of a warm start then waits for what is left of the interval, not all of it.
        interval = (
            COALESCE_ADDITIONS_MS
            if self._model.rowCount() >= COALESCE_ADDITIONS_FROM_ROWS
            else ADDITIONS_MIN_INTERVAL_MS
        )
        since_last_ms = self._since_merge.elapsed() if self._since_merge.isValid() else -1
        if 0 <= since_last_ms < interval:
            self._timer.start(interval - since_last_ms)
        else:
            self._merge()

    def flush_all(self) -> None:
        """Every pooled row into the list now: a change or removal must find its row."""
        while self._pending:
            self._merge()

    def _merge(self) -> None:
        """Put pooled new rows into the list (before any other change, to keep order)."""
        self._timer.stop()
        if not self._pending:
            return
        pending = self._pending
        # Never more than MAX_ROWS_PER_MERGE in one turn, even in a long list: a warm start
        # hands rows over newest first, each merge one contiguous insert that costs its own
        # rows, not a pass over all of them, so pooling 20,000 into one merge only made one
        # long freeze (~0.13 s of row building alone).
        most = self._rows_per_merge
        batch, self._pending = pending[:most], pending[most:]
        started = time.perf_counter()
        self._model.add_articles(batch)
        took = time.perf_counter() - started
        if len(batch) == most or took > MERGE_BUDGET_S:
            fitting = len(batch) * MERGE_BUDGET_S / max(took, 1e-3)
            self._rows_per_merge = int(min(MAX_ROWS_PER_MERGE, max(MIN_ROWS_PER_MERGE, fitting)))
        self._since_merge.start()
        if self._pending:
            # The rest goes in on the next turn of the event loop, after a repaint.
            self._timer.start(0)
        # The articles live as long as the folder is open.  Moving them out of the cyclic
        # garbage collector's generations keeps its full passes (100+ ms with 100,000
        # articles, several during a load) off the GUI thread; plain reference counting
        # still frees them when they are removed.
        gc.freeze()
