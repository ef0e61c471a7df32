"""What the reading pane shows: the current row's summary at once, the whole article
after the cursor settles, and a note when the article's file goes away.

The current row is debounced before the full article is read, so holding ``j`` glides
through the list instead of queueing a read per row (calibre waits ~100 ms too); an
answer for a row the editor already left is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer

from reader.domain.article import ArticleDetail, ArticleSummary
from reader.library.library import Library
from reader.ui.article_model import ArticleTableModel
from reader.ui.detail_pane import DetailPane

DETAIL_DELAY_MS = 80
"""Current-row changes settle this long before the whole article is read from disk."""


class ArticleReader(QObject):
    """Feeds ``pane`` the article ``current_id()`` names, from ``model`` and ``library``."""

    def __init__(
        self,
        pane: DetailPane,
        model: ArticleTableModel,
        library: Library,
        current_id: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pane = pane
        self._model = model
        self._library = library
        self._current_id = current_id
        self._wanted_detail: str | None = None
        self._shown_detail: str | None = None
        self._removed_current: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DETAIL_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def show(self, article_id: str | None) -> None:
        """The summary at once; the whole article after the debounce."""
        if self._removed_current is not None:
            return  # the pane says the article went away; the editor moves on with j/k
        self._wanted_detail = article_id
        self._shown_detail = None
        if article_id is None:
            self._timer.stop()
            self._pane.show_empty()
            return
        summary = self._model.summary(article_id)
        if summary is not None:
            self._pane.show_summary(summary)
        self._timer.start()

    def forget(self) -> None:
        """A new folder: nothing wanted or shown any more."""
        self._wanted_detail = None
        self._shown_detail = None

    def close(self) -> None:
        self._timer.stop()

    def reread_if_changed(self, summaries: Iterable[ArticleSummary]) -> None:
        """The article being read changed on disk: read it again, in place (the list row
        already changed)."""
        current = self._current_id()
        if current is not None and any(summary.id == current for summary in summaries):
            self._wanted_detail = current
            self._timer.start()

    @contextmanager
    def removing(self, article_ids: Iterable[str]) -> Iterator[None]:
        """Around removing rows: if the article being read is among them, the pane says
        so and stays, rather than jumping to whichever row becomes current."""
        current = self._pane.current_id()
        if current is not None and current in set(article_ids):
            self._removed_current = current
            self._pane.show_deleted(current)
            self._wanted_detail = None
            self._shown_detail = None
        try:
            yield
        finally:
            self._removed_current = None

    def show_detail(self, detail: ArticleDetail) -> None:
        """The library read the whole article: show it if it is still the one wanted."""
        if detail.id != self._current_id() or self._removed_current is not None:
            return  # a stale answer for a row the editor already left
        known = self._model.summary(detail.id)
        if known is not None and known.published != detail.summary.published:
            # A publish write may still be on its way: the list's value is the truth.
            detail = replace(detail, summary=detail.summary._replace(published=known.published))
        keep_scroll = self._shown_detail == detail.id
        self._pane.show_detail(detail, keep_scroll=keep_scroll)
        self._shown_detail = detail.id

    def _on_timer_timeout(self) -> None:
        if self._wanted_detail is not None and self._wanted_detail == self._current_id():
            self._library.request_detail(self._wanted_detail)
