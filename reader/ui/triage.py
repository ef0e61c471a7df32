"""Triage: which articles a command means, publishing them, and moving on.

The commands act on the selected rows, else on the article being read; j/k and
Publish and Next move through the list (or through the story tree while grouped).  The
actions that need articles are enabled, and the toggle named, from the same targets.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QTableView

from reader.domain.article import ArticleSummary
from reader.domain.urls import safe_url
from reader.library.library import Library
from reader.ui.actions import Actions
from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel, Column, Role
from reader.ui.detail_pane import DetailPane
from reader.ui.message_bar import MessageBar, MessageKind
from reader.ui.publish_commands import PublishHistory
from reader.ui.story_switch import StorySwitch


class Triage(QObject):
    """The editor's cursor over the list and the publish toggle on what it points at."""

    publishToggled = Signal()
    """A toggle went on the undo stack (the counts and actions are due a refresh)."""

    def __init__(
        self,
        view: QTableView,
        pane: DetailPane,
        model: ArticleTableModel,
        proxy: ArticleFilterProxy,
        library: Library,
        actions: Actions,
        history: PublishHistory,
        stories: StorySwitch,
        message_bar: MessageBar,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._pane = pane
        self._model = model
        self._proxy = proxy
        self._library = library
        self._actions = actions
        self._history = history
        self._stories = stories
        self._message_bar = message_bar

    def focus_list(self) -> None:
        """F6 (and leaving the search field): the keyboard to the list, at a row."""
        self._view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self._view.currentIndex().isValid() and self._proxy.rowCount() > 0:
            self._view.setCurrentIndex(self._proxy.index(0, Column.TITLE))

    def keep_current_visible(self) -> None:
        """After the filter changed: the current row is scrolled back into view."""
        current = self._view.currentIndex()
        if current.isValid():
            self._view.scrollTo(current)

    def current_id(self) -> str | None:
        index = self._view.currentIndex()
        return index.data(Role.ID) if index.isValid() else None

    def target_ids(self) -> list[str]:
        """The selected articles, else the one being read."""
        selection = self._view.selectionModel()
        ids = [index.data(Role.ID) for index in selection.selectedRows(0)]
        if ids:
            return ids
        current = self.current_id()
        if current is not None and current == self._pane.current_id():
            return [current]
        return []

    def target_summaries(self) -> list[ArticleSummary]:
        summaries = (self._model.summary(article_id) for article_id in self.target_ids())
        return [summary for summary in summaries if summary is not None]

    def toggle_published(self) -> None:
        """Publish the selection if any of it is unpublished, else unpublish it: one undo step."""
        summaries = [s for s in self.target_summaries() if not s.is_error]
        if not summaries:
            return
        value = any(not summary.published for summary in summaries)
        before = {summary.id: summary.published for summary in summaries}
        title = summaries[0].title if len(summaries) == 1 else ""
        self._history.push(before, value, title)
        self.publishToggled.emit()
        published = self._stories.published_elsewhere(list(before)) if value else None
        if published is not None:
            outlet = published.source or published.source_domain or "Another outlet"
            self._message_bar.show_message(
                f"{outlet}'s version of this story is already published.",
                MessageKind.INFO, action_text="Undo", action=self._history.stack.undo,
            )

    def publish_and_next(self) -> None:
        """Triage: publish the current article (if it is not yet) and move to the next."""
        summary = self._model.summary(self.current_id() or "")
        if summary is not None and not summary.published and not summary.is_error:
            self.toggle_published()
        self.move(+1)

    def move(self, step: int) -> None:
        if self._stories.is_grouped():
            self._stories.step(step)
            return
        rows = self._proxy.rowCount()
        if rows == 0:
            return
        current = self._view.currentIndex()
        if current.isValid():
            row = min(max(current.row() + step, 0), rows - 1)
        else:
            row = 0 if step > 0 else rows - 1
        index = self._proxy.index(row, Column.TITLE)
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index)

    def update_actions(self, *_: object) -> None:
        actions = self._actions
        summaries = self.target_summaries()
        readable = [summary for summary in summaries if not summary.is_error]
        publish = any(not summary.published for summary in readable)
        toggle = actions["TogglePublished"]
        toggle.setEnabled(bool(readable))
        toggle.setText("&Publish" if publish or not readable else "Un&publish")
        toggle.setIconText("Publish" if publish or not readable else "Unpublish")
        actions["OpenOriginal"].setEnabled(
            any(safe_url(summary.url or summary.web_url) for summary in summaries)
        )
        actions["OpenAmp"].setEnabled(any(safe_url(summary.amp_url) for summary in summaries))
        actions["OpenCdnAmp"].setEnabled(
            any(safe_url(summary.cdn_amp_url) for summary in summaries)
        )
        actions["CopyOriginalUrl"].setEnabled(any(summary.url for summary in summaries))
        actions["CopyWebUrl"].setEnabled(any(summary.web_url for summary in summaries))
        actions["RevealFile"].setEnabled(self.current_id() is not None)
        has_rows = self._proxy.rowCount() > 0
        for key in ("NextArticle", "PreviousArticle", "SelectAll"):
            actions[key].setEnabled(has_rows)
        actions["Reload"].setEnabled(self._library.folder() is not None)
