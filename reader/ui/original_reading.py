"""Reader view in the window: which original to read, and what to do with the answer.

Article ▸ Read Original Here (R) and the pane's "Read Original Here" button ask the
:class:`~reader.library.originals.OriginalService` for the current article's original;
the pane's :class:`~reader.ui.original_view.OriginalView` shows progress, then the text
or the failure.  Moving to another article cancels the read and clears the section, and
an answer for any article but the one shown is dropped (it is in the cache for later).
The article's own body stays what the pane shows first; the original is only read when
asked, except that with View ▸ Fetch Originals Ahead on, an article without a body
shows its original by itself (at once when fetched ahead) and the next few bodyless rows
of the list are fetched in the background.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtGui import QAction

from reader.domain.article import ArticleSummary
from reader.domain.original import OriginalError, OriginalText, candidate_urls
from reader.domain.urls import url_host
from reader.library.originals import OriginalService
from reader.ui.actions import Actions
from reader.ui.article_model import ArticleTableModel, Role
from reader.ui.article_view import ArticleView
from reader.ui.detail_pane import DetailPane
from reader.ui.original_view import OriginalView
from reader.ui.settings import Settings

AHEAD_ARTICLES = 3
"""Bodyless articles after the current one read ahead: what the editor reaches next."""
AHEAD_LOOKOUT_ROWS = 20
"""How far down the list the ahead reads look: never past what the editor will see soon."""


class OriginalReading(QObject):
    """Wires the Reader view: actions, the pane's section, the service and the setting."""

    def __init__(
        self,
        pane: DetailPane,
        service: OriginalService,
        model: ArticleTableModel,
        view: ArticleView,
        actions: Actions,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pane = pane
        self._service = service
        self._model = model
        self._list = view
        self._settings = settings
        self._read_action: QAction = actions["ReadOriginal"]
        self._ahead_action: QAction = actions["FetchOriginalsAhead"]
        self.section = OriginalView(pane.image_loader(), pane)
        pane.set_original_section(self.section)

        self._ahead_action.setChecked(settings.fetch_originals_ahead())
        self._read_action.triggered.connect(self.read_current)
        self._ahead_action.toggled.connect(self._on_ahead_toggled)
        # After the window has switched the image loader (its slot is connected later).
        actions["RemoteImages"].toggled.connect(
            lambda _on: QTimer.singleShot(0, self.section, self.section.refresh_images)
        )
        pane.readOriginalRequested.connect(self.read_current)
        pane.articleShown.connect(self._on_article_shown)
        self.section.cancelRequested.connect(self._on_cancel_requested)
        self.section.retryRequested.connect(lambda: self.read_current(refresh=True))
        service.originalStarted.connect(self._on_started)
        service.originalReady.connect(self._on_ready)
        service.originalFailed.connect(self._on_failed)

    def read_current(self, *_: object, refresh: bool = False) -> None:
        """Read the shown article's original into the pane (from the cache when there)."""
        summary = self._shown_summary()
        if summary is None:
            return
        try:
            candidate_urls(summary)
        except OriginalError as exc:  # no address, or not http(s): said at once, no thread
            self._pane.set_original_active(True)
            self.section.show_failure(summary.id, str(exc), can_retry=False)
            return
        self._service.request(summary, refresh=refresh)

    def close(self) -> None:
        self._service.close()

    # -- slots ---------------------------------------------------------------------------------

    def _on_article_shown(self, article_id: str) -> None:
        previous = self.section.article_id()
        if previous and previous != article_id:
            self._service.cancel(previous)
        self.section.clear()
        self._read_action.setEnabled(bool(article_id))
        if article_id and self._ahead_action.isChecked():
            self._read_ahead()

    def _read_ahead(self) -> None:
        """With Fetch Originals Ahead on: a bodyless article shows its original by itself,
        and the next bodyless rows are read into the cache."""
        summary = self._shown_summary()
        if summary is not None and not summary.has_body and not summary.is_error:
            with contextlib.suppress(OriginalError):  # no address: the button says so
                candidate_urls(summary)
                self._service.request(summary)
        self._fetch_ahead()

    def _on_started(self, article_id: str) -> None:
        if article_id != self._pane.current_id():
            return
        summary = self._model.summary(article_id)
        host = url_host(candidate_urls(summary)[0]) if summary is not None else ""
        self._pane.set_original_active(True)
        self.section.show_progress(article_id, host)

    def _on_ready(self, article_id: str, original: OriginalText) -> None:
        if article_id != self._pane.current_id():
            return  # stale, or fetched ahead: it waits in the cache
        if self.section.article_id() != article_id:
            return  # fetched ahead for an article the editor has not asked to read
        summary = self._model.summary(article_id)
        self._pane.set_original_active(True)
        self.section.show_original(
            article_id, original, article_title=summary.title if summary else ""
        )

    def _on_failed(self, article_id: str, message: str) -> None:
        if article_id != self._pane.current_id() or self.section.article_id() != article_id:
            return
        self._pane.set_original_active(True)
        self.section.show_failure(article_id, message)

    def _on_cancel_requested(self) -> None:
        article_id = self.section.article_id()
        if article_id:
            self._service.cancel(article_id)
        self.section.clear()
        self._pane.set_original_active(False)

    def _on_ahead_toggled(self, enabled: bool) -> None:
        self._settings.set_fetch_originals_ahead(enabled)
        if enabled and self._pane.current_id():
            self._read_ahead()
        else:
            self._service.stop_ahead()

    # -- helpers ---------------------------------------------------------------------------------

    def _shown_summary(self) -> ArticleSummary | None:
        article_id = self._pane.current_id()
        return self._model.summary(article_id) if article_id else None

    def _fetch_ahead(self) -> None:
        """The next few bodyless rows below the current one, in the list's order."""
        current = self._list.currentIndex()
        proxy = self._list.model()
        if proxy is None or not current.isValid():
            return
        wanted: list[ArticleSummary] = []
        last = min(proxy.rowCount(), current.row() + 1 + AHEAD_LOOKOUT_ROWS)
        for row in range(current.row() + 1, last):
            article_id = proxy.index(row, 0, QModelIndex()).data(Role.ID)
            summary = self._model.summary(article_id) if article_id else None
            if summary is None or summary.has_body or summary.is_error:
                continue
            try:
                candidate_urls(summary)
            except OriginalError:
                continue
            wanted.append(summary)
            if len(wanted) == AHEAD_ARTICLES:
                break
        self._service.fetch_ahead(wanted)
