"""View ▸ Group by Story: the story list in place of the table, and what stories tell.

The tree shows the same filtered, sorted rows as the table, grouped; its cursor drives
the (hidden) table's, so every command works unchanged while grouped.  Stories are
grouped always, not only while the tree shows: the reading pane's "Same story in this
folder" and the already-published notice need them too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from reader.domain.article import ArticleSummary
from reader.library.library import Library
from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel, Column
from reader.ui.detail_pane import DetailPane
from reader.ui.story_list import StoryView
from reader.ui.story_model import StoryGrouping, StoryTreeModel


class StorySwitch(QObject):
    """Owns the story tree (``view``, ``model``) and the background ``grouping``."""

    def __init__(
        self,
        library: Library,
        proxy: ArticleFilterProxy,
        articles: ArticleTableModel,
        table: QTableView,
        pane: DetailPane,
        group_action: QAction,
        window: QWidget,
        current_id: Callable[[], str | None],
        select_in_table: Callable[[str], bool],
    ) -> None:
        super().__init__(window)
        self._library = library
        self._articles = articles
        self._table = table
        self._pane = pane
        self._group_action = group_action
        self._window = window
        self._current_id = current_id
        self._select_in_table = select_in_table
        self.model = StoryTreeModel(proxy, window)
        self.model.set_active(False)  # followed only while View > Group by Story is on
        self.view = StoryView(window)
        view = self.view
        view.setObjectName("storyView")
        view.set_story_model(self.model)
        view.setIconSize(QSize(16, 16))
        view.header().setStretchLastSection(False)
        view.header().setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        view.match_columns(table.horizontalHeader())
        view.hide()
        self.grouping = StoryGrouping(window)
        self._showing = False
        """Group by Story is on, and the tree shows once its rows are regrouped."""
        self._after_showing: list[Callable[[], None]] = []
        """What asked for the tree meanwhile (Next Unpublished Story), run when it shows."""
        self.model.regroupedRows.connect(self._on_regrouped_rows)
        self._waiting_for_load = True
        """Grouping waits for a load to finish: its process reads every file it has not
        read before, and doing that during a cold load halves the parsers' two cores."""

    def show_same_story(self, *_args: object) -> None:
        """The reading pane lists the other versions of the current article's story."""
        article_id = self._current_id()
        self._pane.show_same_story([] if article_id is None else self.others_in_story(article_id))

    def go_to(self, article_id: str) -> None:
        """An article chosen in the pane's "Same story": in the tree if it shows, else the table."""
        if self.is_grouped():
            self.view.select_article(article_id)
        else:
            self._select_in_table(article_id)

    def next_unpublished(self) -> None:
        """Group by story (if not yet) and go to the next story with nothing published."""
        self._group_action.setChecked(True)
        self._when_shown(self.view.move_to_next_unpublished_story)

    def _when_shown(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the tree now, or once it shows (see :meth:`set_grouped`)."""
        if self.is_grouped():
            action()
        elif self._showing:
            self._after_showing.append(action)

    def is_grouped(self) -> bool:
        return self.view.isVisibleTo(self._window)

    def set_grouped(self, grouped: bool) -> None:
        """Show the tree (or the table again) at the same article, with the keyboard.

        A big list is regrouped in slices while the window goes on (see
        :meth:`StoryTreeModel.rebuild_soon`): the table stays until the tree is ready,
        rather than an empty tree or a frozen window showing meanwhile.
        """
        current = self._current_id()  # before the tree empties as it turns off
        self._showing = False
        self._after_showing.clear()
        self.model.set_active(grouped)
        if grouped and not self.model.is_current():
            self._showing = True
            self.request()
            return
        self._show(grouped, current)

    def _on_regrouped_rows(self) -> None:
        if self._showing:
            self._showing = False
            self._show(True, self._current_id())  # the table's, wherever the editor went
            actions, self._after_showing = self._after_showing, []
            for action in actions:
                action()

    def _show(self, grouped: bool, current: str | None) -> None:
        self.view.match_columns(self._table.horizontalHeader())
        self._table.setVisible(not grouped)
        self.view.setVisible(grouped)
        # The visible list is always "articleView" (the README's contract for tests).
        self._table.setObjectName("articleTable" if grouped else "articleView")
        self.view.setObjectName("articleView" if grouped else "storyView")
        if grouped:
            self.request()
            self.view.select_article(current)
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            if current is not None:
                self._select_in_table(current)
            self._table.setFocus(Qt.FocusReason.OtherFocusReason)

    def follow_tree(self, article_id: str | None) -> None:
        """The tree's cursor drives the (hidden) table's, so every command works unchanged."""
        if article_id is not None and article_id != self._current_id():
            self._select_in_table(article_id)

    def step(self, step: int) -> None:
        """j/k in the tree: the next or previous article in the tree's order."""
        order = self.model.article_ids_in_order()
        current = self._current_id()
        at = order.index(current) if current in order else (-1 if step > 0 else len(order))
        if order:
            self.view.select_article(order[min(max(at + step, 0), len(order) - 1)])

    def others_in_story(self, article_id: str) -> list[ArticleSummary]:
        """The other versions of ``article_id``'s story, for the reading pane."""
        story = self.model.story_of(article_id)
        others = [self._articles.summary(i) for i in self.model.members(story)]
        return [s for s in others if s is not None and s.id != article_id]

    def published_elsewhere(self, ids: list[str]) -> ArticleSummary | None:
        """A published version of one of ``ids``' stories that is not among ``ids``."""
        for article_id in ids:
            story = self.model.story_of(article_id)
            for other in self.model.members(story):
                summary = self._articles.summary(other)
                if other not in ids and summary is not None and summary.published:
                    return summary
        return None

    def request(self, *_args: object) -> None:
        """Group the folder again (in the background), unless a load is still running."""
        if not self._waiting_for_load:
            self.grouping.request(self._library.folder())

    def request_for(self, changed: list[ArticleSummary] | list[str]) -> None:
        """Group again after the library announced ``changed`` (summaries, or the ids of
        removed files): the grouping process then looks at just those files."""
        if not self._waiting_for_load:
            ids = [item if isinstance(item, str) else item.id for item in changed]
            self.grouping.request(self._library.folder(), ids)

    def wait_for_load(self, *_args: object) -> None:
        self._waiting_for_load = True

    def load_finished(self) -> None:
        self._waiting_for_load = False
        self.request()
