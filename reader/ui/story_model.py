"""The list grouped by story: a tree over the filtered, sorted flat list, and its view.

:class:`StoryTreeModel` does not filter or sort anything itself: it reads the rows of the
flat :class:`~reader.ui.article_model.ArticleFilterProxy` (so sorting, state filters and
the search language decide exactly as they do for the flat list) and groups them by the
story ids :class:`StoryGrouping` computes in a worker process.  A story is shown when any
of its articles passes the filter, where its first article sits in the flat order; a story
of one article is a plain article row.  Article rows answer every role as the flat list
does (column 0's ``UserRole`` is the article id); story rows carry their id under
:attr:`StoryRole.STORY` and leave ``UserRole`` empty.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTreeView, QWidget

from reader.index.loader import live_folder_stories

from .article_model import Column, Role

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


REBUILD_DELAY_MS = 60
"""Changes of the flat list within this long regroup the tree once."""


class StoryRole(IntEnum):
    STORY = Qt.ItemDataRole.UserRole + 20
    """The story id, on story rows and article rows alike."""
    IS_STORY = Qt.ItemDataRole.UserRole + 21
    """True on a story row (one with children)."""


@dataclass(slots=True)
class _Group:
    story: str
    rows: list[int] = field(default_factory=list)
    """Flat-list rows of the story's shown articles, in list order."""
    published: int = 0
    outlets: int = 0


class StoryTreeModel(QAbstractItemModel):
    """Stories as parents of their shown articles; see the module docstring."""

    def __init__(self, flat: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flat = flat
        self._stories: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._groups: list[_Group] = []
        self._active = True
        self._stale = False
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self.rebuild)
        for signal in (
            flat.modelReset, flat.layoutChanged, flat.rowsInserted, flat.rowsRemoved,
            flat.rowsMoved, flat.dataChanged,
        ):
            signal.connect(self._schedule_rebuild)
        self.rebuild()

    # -- feeding -----------------------------------------------------------------------------

    def set_stories(self, stories: dict[str, str]) -> None:
        """Article id -> story id, as :func:`reader.index.loader.folder_stories` gives it."""
        if stories != self._stories:
            self._stories = dict(stories)
            members: dict[str, list[str]] = {}
            for article_id, story in stories.items():
                members.setdefault(story, []).append(article_id)
            self._members = {story: sorted(ids) for story, ids in members.items()}
            self._schedule_rebuild()

    def set_active(self, active: bool) -> None:
        """Follow the flat list only while shown: regrouping 100,000 rows on every search
        keystroke would cost the GUI thread for a tree nobody sees."""
        self._active = active
        if active:
            if self._stale or not self._groups:
                self.rebuild()
        elif self._groups:  # empty while hidden: no rows that could point past the list
            self._rebuild_timer.stop()
            self._stale = True
            self.beginResetModel()
            self._groups = []
            self.endResetModel()

    def story_of(self, article_id: str) -> str:
        return self._stories.get(article_id, article_id)

    def members(self, story_id: str) -> list[str]:
        """Every article of a story in the folder (shown or not), sorted."""
        return list(self._members.get(story_id, ()))

    def _schedule_rebuild(self, *_args: object) -> None:
        self._stale = True
        if self._active:
            self._rebuild_timer.start()

    def rebuild(self) -> None:
        """Regroup the flat list's rows (one reset: the grouped view is rebuilt whole)."""
        self._rebuild_timer.stop()
        self._stale = False
        flat = self._flat
        stories = self._stories
        groups: dict[str, _Group] = {}
        outlets: dict[str, set[str]] = {}
        for row in range(flat.rowCount()):
            summary = flat.index(row, Column.TITLE).data(Role.SUMMARY)
            article_id = summary.id
            story = stories.get(article_id, article_id)
            group = groups.get(story)
            if group is None:
                group = groups[story] = _Group(story)
                outlets[story] = set()
            group.rows.append(row)
            group.published += bool(summary.published and not summary.is_error)
            outlets[story].add(summary.source or summary.source_domain)
        for story, group in groups.items():
            group.outlets = len(outlets[story] - {""})
        self.beginResetModel()
        self._groups = list(groups.values())
        self.endResetModel()

    # -- lookups -----------------------------------------------------------------------------

    def index_of_article(self, article_id: str) -> QModelIndex:
        """The row showing ``article_id`` (column 0), or an invalid index."""
        for number, group in enumerate(self._groups):
            for child, row in enumerate(group.rows):
                if self._flat.index(row, 0).data(Role.ID) == article_id:
                    if len(group.rows) == 1:
                        return self.createIndex(number, 0, 0)
                    return self.createIndex(child, 0, number + 1)
        return QModelIndex()

    def article_ids_in_order(self) -> list[str]:
        """Article ids in the tree's order (stories' children in place)."""
        return [
            self._flat.index(row, 0).data(Role.ID) for group in self._groups for row in group.rows
        ]

    def group_count(self) -> int:
        return len(self._groups)

    # -- the model ---------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = _ROOT) -> QModelIndex:
        if column < 0 or column >= self.columnCount() or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._groups):
                return QModelIndex()
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        group = self._groups[parent.row()]
        if len(group.rows) < 2 or row >= len(group.rows):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: ModelIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        group = self._groups[parent.row()]
        return len(group.rows) if len(group.rows) > 1 else 0

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return self._flat.columnCount()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._flat.headerData(section, orientation, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        internal = index.internalId()
        group = self._groups[index.row() if internal == 0 else internal - 1]
        if role == StoryRole.STORY:
            return group.story
        is_story = internal == 0 and len(group.rows) > 1
        if role == StoryRole.IS_STORY:
            return is_story
        if not is_story:
            row = group.rows[0 if internal == 0 else index.row()]
            return self._flat.index(row, index.column()).data(role)
        return self._story_data(group, index.column(), role)

    def _story_data(self, group: _Group, column: int, role: int) -> Any:
        lead = self._flat.index(group.rows[0], column)
        count = len(group.rows)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.TITLE:
                return lead.data(role)
            if column == Column.SOURCE:
                return "1 outlet" if group.outlets == 1 else f"{group.outlets} outlets"
            if column == Column.STATE:
                return f"{group.published}/{count}"
            if column == Column.DATE:
                return lead.data(role)
            return None
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return (
                f"A story: {count} articles from {group.outlets} outlets, "
                f"{group.published} published"
            )
        if role == Qt.ItemDataRole.FontRole and column == Column.TITLE:
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)  # a story reads as a heading over its rows
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return lead.data(role)
        return None


class StoryView(QTreeView):
    """The grouped list: keeps expanded stories and the current article across rebuilds."""

    currentArticleChanged = Signal(object)
    """The article id under the cursor, or None on a story row or nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._expanded: set[str] = set()
        self._current_id: str | None = None
        self._current_story: str | None = None
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSortingEnabled(False)
        self.setAccessibleName("Stories")

    def setModel(self, model: QAbstractItemModel | None) -> None:  # type: ignore[override]
        super().setModel(model)
        if isinstance(model, StoryTreeModel):
            model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
            model.modelReset.connect(self._on_model_reset)
            self.selectionModel().currentChanged.connect(self._on_current_changed)
            self.expanded.connect(self._on_expanded)
            self.collapsed.connect(self._on_collapsed)

    def match_columns(self, header: QHeaderView) -> None:
        """Take the flat table's column widths; the first column also holds the arrows."""
        for column in range(header.count()):
            width = header.sectionSize(column)
            if column == 0:  # the arrows of story rows, then a child's own indent
                width += 2 * self.indentation()
            self.header().resizeSection(column, width)
            self.setColumnHidden(column, header.isSectionHidden(column))

    def story_model(self) -> StoryTreeModel:
        model = self.model()
        assert isinstance(model, StoryTreeModel)
        return model

    def current_article_id(self) -> str | None:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(Role.ID) if index.isValid() else None

    def select_article(self, article_id: str | None) -> None:
        if article_id is None:
            return
        index = self.story_model().index_of_article(article_id)
        if index.isValid():
            if index.parent().isValid():
                self.expand(index.parent())
            self.setCurrentIndex(index.siblingAtColumn(Column.TITLE))
            self.scrollTo(index)

    def move_to_next_unpublished_story(self) -> bool:
        """Put the cursor on the next story (after the current row) with nothing published."""
        model = self.story_model()
        current = self.currentIndex()
        start = -1
        if current.isValid():
            start = current.parent().row() if current.parent().isValid() else current.row()
        for row in range(start + 1, model.rowCount()):
            index = model.index(row, Column.TITLE)
            if model.data(index, StoryRole.IS_STORY) and model._groups[row].published == 0:
                self.setCurrentIndex(index)
                self.expand(index)
                self.scrollTo(index)
                return True
        return False

    def _on_model_about_to_be_reset(self) -> None:
        self._current_id = self.current_article_id()
        index = self.currentIndex()
        self._current_story = index.data(StoryRole.STORY) if index.isValid() else None

    def _on_model_reset(self) -> None:
        model = self.story_model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(StoryRole.STORY) in self._expanded and model.rowCount(index):
                self.expand(index)
        if self._current_id is not None:
            self.select_article(self._current_id)
        elif self._current_story is not None:
            for row in range(model.rowCount()):
                index = model.index(row, Column.TITLE)
                if index.data(StoryRole.STORY) == self._current_story:
                    self.setCurrentIndex(index)
                    break

    def _on_expanded(self, index: QModelIndex) -> None:
        self._expanded.add(index.data(StoryRole.STORY))

    def _on_collapsed(self, index: QModelIndex) -> None:
        self._expanded.discard(index.data(StoryRole.STORY))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article_id = current.siblingAtColumn(0).data(Role.ID) if current.isValid() else None
        self.currentArticleChanged.emit(article_id)


# -- grouping off the GUI thread and out of its process ------------------------------------


class StoryGrouping(QObject):
    """Groups the open folder in a worker process (a thread would hold the window's GIL).

    :meth:`request` is cheap to call on every change: requests are debounced, one runs at a
    time, and a result for a folder no longer open is dropped.  ``storiesReady`` carries
    ``article id -> story id``.
    """

    storiesReady = Signal(dict)
    _finished = Signal(str, object)

    def __init__(self, parent: QObject | None = None, *, delay_ms: int = 400) -> None:
        super().__init__(parent)
        self._folder: str | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._running = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def request(self, folder: Path | None) -> None:
        """Group ``folder`` (again) soon."""
        folder_text = os.fspath(folder) if folder is not None else None
        self._folder = folder_text
        if folder_text is not None:
            self._timer.start()

    def close(self) -> None:
        self._timer.stop()
        self._folder = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _start(self) -> None:
        if self._folder is None:
            return
        if self._running:
            self._again = True
            return
        if self._executor is None:
            import multiprocessing

            self._executor = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("forkserver")
            )
        self._running = True
        folder = self._folder
        future = self._executor.submit(live_folder_stories, folder)
        emit: Callable[[str, object], None] = self._finished.emit
        future.add_done_callback(lambda done, f=folder: emit(f, done))

    def _on_finished(self, folder: str, future: Future[dict[str, str]]) -> None:
        self._running = False
        if self._again:
            self._again = False
            self._timer.start()
        if folder != self._folder or future.cancelled():
            return
        try:
            stories = future.result()
        except Exception:  # a failed grouping leaves the list flat; it never crashes the window
            import logging

            logging.getLogger(__name__).exception("grouping stories failed")
            return
        self.storiesReady.emit(stories)
