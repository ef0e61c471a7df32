"""The grouped list as one flat, indented list: story rows, and the articles of open ones.

Qt's tree view lays out every row through Python (``index()``, ``hasChildren()``,
``parent()`` per story), which at 100,000 articles (~33,000 stories) stalled the window for
110–235 ms on each live change.  :class:`StoryListModel` shows the same
:class:`~reader.ui.story_model.StoryTreeModel` as a table instead: one row per story (or
plain article), followed by its articles when the editor opened it.  A table view asks only
about the rows on screen, so the cost of a change no longer grows with the folder.

The tree model still decides everything (grouping, order, what changed); this list only
translates each of its changes into the rows it moves here: a story that comes or goes is
its row plus its open articles, an article joining an open story is one row.  Which stories
are open is kept here, by story id, so a story that is regrouped, filtered away or comes
back opens again as the editor left it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOption,
    QStyleOptionViewItem,
    QWidget,
)

from reader.domain.words import counted

from .article_model import Column, Role
from .article_view import ArticleView, RoomyRowDelegate
from .story_model import StoryRole, StoryTreeModel

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
ARROW_COLUMN = Column.STATE
"""The column whose cells hold the indentation and a story's arrow (the tree's first)."""
_KEPT_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Role.ID,
    StoryRole.STORY,
    StoryRole.IS_STORY,
    StoryRole.OPEN,
    StoryRole.DEPTH,
)
"""What a story row answers, kept as it was while articles come into or leave it."""
_ANSWERED_ROLES = frozenset(int(role) for role in (*_KEPT_ROLES, Role.SUMMARY, Role.SORT))
"""Every role a row of the list has a value for: a repaint asks each cell for colours and
a check state too, and those return at once instead of going down to the article's row."""


class StoryListModel(QAbstractTableModel):
    """:class:`StoryTreeModel`'s rows as a flat list; see the module docstring.

    Rows answer every role as the tree's do, plus :attr:`StoryRole.DEPTH` (0 for a story
    or plain article, 1 for an article shown under its story) and :attr:`StoryRole.OPEN`.
    Where the rows below a story start is found from the open stories alone (a bisection
    over them), so a change costs the same whatever the number of stories shown.
    """

    repaintWanted = Signal()
    """The tree's rows changed in place (see :attr:`StoryTreeModel.repaintWanted`)."""

    def __init__(self, tree: StoryTreeModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tree = tree
        self._expanded: set[str] = set()
        """Stories the editor opened, remembered while they are not shown."""
        self._open: set[str] = set()
        """Of those, the shown ones whose articles are rows of this list."""
        self._tops: list[int] = []
        """The tree rows of the open stories with articles, ascending..."""
        self._heads: list[int] = []
        """...their rows here..."""
        self._kids: list[int] = []
        """...how many articles each shows under it..."""
        self._before: list[int] = [0]
        """...and how many article rows are above the k-th (one more entry: all of them)."""
        self._rows = 0
        self._finish: Callable[[], None] | None = None
        """Ends the change the tree announced (its rows* signal pairs never nest)."""
        self._remembered: list[tuple[str, str | None, int]] = []
        self._kept: tuple[int, dict[tuple[int, int], object]] | None = None
        """A story row whose articles are being inserted or removed, and what it answered
        before: it reads the same until the change is complete (then ``dataChanged``), as
        Qt's model tester asks of the rows around a change."""
        tree.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
        tree.rowsAboutToBeRemoved.connect(self._on_rows_about_to_be_removed)
        tree.rowsAboutToBeMoved.connect(self._on_rows_about_to_be_moved)
        for done in (tree.rowsInserted, tree.rowsRemoved, tree.rowsMoved):
            done.connect(self._on_change_done)
        tree.layoutAboutToBeChanged.connect(self._on_layout_about_to_be_changed)
        tree.layoutChanged.connect(self._on_layout_changed)
        tree.modelAboutToBeReset.connect(self.beginResetModel)
        tree.modelReset.connect(self._on_model_reset)
        tree.dataChanged.connect(self._on_data_changed)
        tree.repaintWanted.connect(self.repaintWanted)
        self._refresh()

    # -- where rows are -------------------------------------------------------------------------

    def tree(self) -> StoryTreeModel:
        return self._tree

    def _refresh(self) -> None:
        """Recount where the open stories' articles sit (after each change of the tree)."""
        tree = self._tree
        places = sorted(
            place
            for place in map(tree.place_of_story, self._open)
            if place is not None and place[1] > 0
        )
        self._tops = [top for top, _kids in places]
        self._kids = [kids for _top, kids in places]
        heads: list[int] = []
        before = [0]
        for top, kids in places:
            heads.append(top + before[-1])
            before.append(before[-1] + kids)
        self._heads, self._before = heads, before
        self._rows = tree.rowCount() + before[-1]

    def row_of_top(self, top: int) -> int:
        """The row here of the tree's top-level row ``top`` (or where it would go)."""
        return top + self._before[bisect_left(self._tops, top)]

    def place_of_row(self, row: int) -> tuple[int, int]:
        """(the tree's top-level row, the child row or -1) that row ``row`` shows."""
        k = bisect_right(self._heads, row) - 1
        if k >= 0:
            head = self._heads[k]
            if row <= head + self._kids[k]:
                return self._tops[k], row - head - 1
            return row - self._before[k + 1], -1
        return row, -1

    def row_of_article(self, article_id: str) -> int | None:
        """The row showing ``article_id``, or None (not shown, or in a closed story)."""
        place = self._tree.place_of_article(article_id)
        if place is None:
            return None
        top, child = place
        if child < 0:
            return self.row_of_top(top)
        if self._tree.story_at(top) not in self._open:
            return None
        return self.row_of_top(top) + 1 + child

    def row_of_story(self, story: str) -> int | None:
        place = self._tree.place_of_story(story)
        return None if place is None else self.row_of_top(place[0])

    # -- open and closed stories ----------------------------------------------------------------

    def is_open(self, story: str) -> bool:
        place = self._tree.place_of_story(story)
        return story in self._open and place is not None and place[1] > 0

    def set_open(self, story: str, is_open: bool) -> None:
        """Show (or hide) the articles of ``story`` under its row; remembered by story id."""
        if is_open:
            self._expanded.add(story)
        else:
            self._expanded.discard(story)
        place = self._tree.place_of_story(story)
        if place is None or (story in self._open) == is_open:
            return
        top, kids = place
        head = self.row_of_top(top)
        if kids and is_open:
            self.beginInsertRows(_ROOT, head + 1, head + kids)
        elif kids:
            self.beginRemoveRows(_ROOT, head + 1, head + kids)
        if is_open:
            self._open.add(story)
        else:
            self._open.discard(story)
        self._refresh()
        if kids and is_open:
            self.endInsertRows()
        elif kids:
            self.endRemoveRows()
        self.dataChanged.emit(self.index(head, 0), self.index(head, self.columnCount() - 1))

    def _reopen_shown(self) -> None:
        """After a regrouping the tree laid out anew: every remembered story shown is open."""
        self._open = {story for story in self._expanded if self._tree.place_of_story(story)}

    # -- following the tree ---------------------------------------------------------------------

    def _on_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        tree = self._tree
        if not parent.isValid():  # stories (or plain rows) coming: their own rows first
            at = self.row_of_top(first)
            self.beginInsertRows(_ROOT, at, at + last - first)
            self._finish = lambda: self._end_top_insert(first, last)
            return
        top = parent.row()
        story = tree.story_at(top)
        if tree.children_at(top) == 0 and story in self._expanded:
            self._open.add(story)  # a plain row becoming a story the editor had open
        if story in self._open:
            head = self._keep(top)
            self.beginInsertRows(_ROOT, head + 1 + first, head + 1 + last)
            self._finish = self._recounted(self.endInsertRows)

    def _keep(self, top: int) -> int:
        """Keep what story row ``top`` answers until the change begun now is done; its row."""
        head = self.row_of_top(top)
        tree = self._tree
        columns = range(tree.columnCount())
        self._kept = (
            head,
            {
                (column, role): self._answer(top, -1, column, role)
                for column in columns
                for role in _KEPT_ROLES
            },
        )
        return head

    def _recounted(self, end: Callable[[], None]) -> Callable[[], None]:
        def finish() -> None:
            self._refresh()
            kept = self._kept
            end()
            self._kept = None
            if kept is not None:
                head = kept[0]
                self.dataChanged.emit(self.index(head, 0), self.index(head, self.columnCount() - 1))

        return finish

    def _end_top_insert(self, first: int, last: int) -> None:
        self._refresh()
        self.endInsertRows()
        # A story that comes back opens as it was left; asked of the few open stories, not
        # of every row inserted (all ~33,000 when the list is first filled).
        for story in sorted(self._expanded):
            place = self._tree.place_of_story(story)
            if place is not None and first <= place[0] <= last:
                self.set_open(story, True)

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        tree = self._tree
        if not parent.isValid():
            stories = [tree.story_at(top) for top in range(first, last + 1)]
            self.beginRemoveRows(_ROOT, self.row_of_top(first), self.row_of_top(last + 1) - 1)

            def finish() -> None:
                self._open.difference_update(stories)
                self._refresh()
                self.endRemoveRows()

            self._finish = finish
            return
        top = parent.row()
        if tree.story_at(top) in self._open and tree.children_at(top) > 0:
            head = self._keep(top)
            self.beginRemoveRows(_ROOT, head + 1 + first, head + 1 + last)
            self._finish = self._recounted(self.endRemoveRows)

    def _on_rows_about_to_be_moved(
        self, parent: QModelIndex, first: int, last: int, to: QModelIndex, destination: int
    ) -> None:
        if not parent.isValid() and not to.isValid():  # a story whose first article moved
            start, end = self.row_of_top(first), self.row_of_top(last + 1) - 1
            if self.beginMoveRows(_ROOT, start, end, _ROOT, self.row_of_top(destination)):
                self._finish = self._recounted(self.endMoveRows)
                return
        self.beginResetModel()  # the tree only moves stories; anything else starts afresh
        self._finish = self._end_reset

    def _on_change_done(self, *_args: object) -> None:
        finish, self._finish = self._finish, None
        if finish is None:
            self._refresh()  # a change out of sight (inside a closed story)
        else:
            finish()

    def _end_reset(self) -> None:
        self._reopen_shown()
        self._refresh()
        self.endResetModel()

    def _on_model_reset(self) -> None:
        self._end_reset()

    def _on_layout_about_to_be_changed(self, *_args: object) -> None:
        """The tree regroups in one go: every row here may move; the persistent indexes (the
        view's cursor and selection) follow their story or article by id."""
        self.layoutAboutToBeChanged.emit()
        tree = self._tree
        self._remembered = []
        for index in self.persistentIndexList():
            top, child = self.place_of_row(index.row())
            if top >= tree.rowCount():
                self._remembered.append(("", None, index.column()))
                continue
            # An article (a plain row's too) is found again by its id, a story row by its story.
            article_id = tree.cell(top, child, 0, Role.ID)
            self._remembered.append((tree.story_at(top), article_id, index.column()))

    def _on_layout_changed(self, *_args: object) -> None:
        self._reopen_shown()
        self._refresh()
        before = self.persistentIndexList()
        after = []
        for story, article_id, column in self._remembered[: len(before)]:
            row = self.row_of_article(article_id) if article_id else self.row_of_story(story)
            after.append(QModelIndex() if row is None else self.index(row, column))
        self._remembered = []
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        parent = top_left.parent()
        if not parent.isValid():
            first, last = self.row_of_top(top_left.row()), self.row_of_top(bottom_right.row())
        elif self._tree.story_at(parent.row()) in self._open:
            head = self.row_of_top(parent.row())
            first, last = head + 1 + top_left.row(), head + 1 + bottom_right.row()
        else:
            return
        self.dataChanged.emit(
            self.index(first, top_left.column()), self.index(last, bottom_right.column())
        )

    # -- the model ------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._tree.columnCount()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        return self._tree.headerData(section, orientation, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        kept = self._kept
        if kept is not None and kept[0] == index.row() and (index.column(), role) in kept[1]:
            return kept[1][index.column(), role]
        top, child = self.place_of_row(index.row())
        return self._answer(top, child, index.column(), role)

    def _answer(self, top: int, child: int, column: int, role: int) -> object:
        if role == StoryRole.DEPTH:
            return 0 if child < 0 else 1
        tree = self._tree
        if role == StoryRole.OPEN:
            return child < 0 and tree.story_at(top) in self._open and tree.children_at(top) > 0
        if (
            role == Qt.ItemDataRole.AccessibleTextRole
            and child < 0
            and column == Column.TITLE
            and tree.children_at(top) > 0
        ):
            return self._story_text(top)
        return tree.cell(top, child, column, role)

    def _story_text(self, top: int) -> str:
        """What a screen reader says for a story row: open or closed, how much of it is
        published, its headline and outlets (an article row's order: state, title, source)."""
        tree = self._tree
        articles, published, outlets = tree.story_counts(top)
        state = "Expanded" if tree.story_at(top) in self._open else "Collapsed"
        title = tree.cell(top, -1, Column.TITLE, Qt.ItemDataRole.DisplayRole) or ""
        return (
            f"{state} story, {published} of {counted(articles, 'article')} published, "
            f"{title}, {counted(outlets, 'outlet')}"
        )


class StoryRowDelegate(RoomyRowDelegate):
    """Draws what a tree view would in the arrow column: the indentation of an article
    under its story and a story's open or closed arrow, in the style's own look."""

    def __init__(self, view: StoryView) -> None:
        super().__init__(view)
        self._view = view

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        view = self._view
        style = view.style()
        indent = view.indentation()
        panel = QStyleOptionViewItem(option)
        self.initStyleOption(panel, index)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, panel, painter, view)
        if index.data(StoryRole.IS_STORY):
            branch = QStyleOption()
            branch.rect = QRect(option.rect.left(), option.rect.top(), indent, option.rect.height())
            branch.palette = option.palette
            branch.direction = option.direction
            kept = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Selected
            branch.state = option.state & kept | QStyle.StateFlag.State_Children
            if index.data(StoryRole.OPEN):
                branch.state |= QStyle.StateFlag.State_Open
            style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorBranch, branch, painter, view)
        content = QStyleOptionViewItem(option)
        content.rect = option.rect.adjusted(indent * (1 + index.data(StoryRole.DEPTH)), 0, 0, 0)
        super().paint(painter, content, index)


class StoryView(ArticleView):
    """The grouped list: a story's arrow and its articles' indent as in a tree, the
    keyboard of a tree (Right opens, Left closes or goes up), and the current article kept
    across changes.

    Rows that stay keep their place through Qt's persistent indexes; this view adds what
    those cannot know: the current article is found again after it moved into or out of a
    story, and a story it moved into opens.
    """

    currentArticleChanged = Signal(object)
    """The article id under the cursor, or None on a story row or nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._current_id: str | None = None
        self._current_story: str | None = None
        self._follow_pending = False
        self._opening = False
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(False)
        self.horizontalHeader().setHighlightSections(False)
        # Only the arrow column paints in Python: the others stay in Qt's own delegate code.
        self.setItemDelegate(RoomyRowDelegate(self))
        self.setItemDelegateForColumn(ARROW_COLUMN, StoryRowDelegate(self))
        self.setAccessibleName("Stories")

    def set_story_model(self, tree: StoryTreeModel) -> None:
        """Show ``tree``'s stories (through a :class:`StoryListModel` of this view's own)."""
        model = StoryListModel(tree, self)
        self.setModel(model)
        for about in (
            model.rowsAboutToBeInserted,
            model.rowsAboutToBeRemoved,
            model.rowsAboutToBeMoved,
            model.layoutAboutToBeChanged,
            model.modelAboutToBeReset,
        ):
            about.connect(self._follow_current)
        model.repaintWanted.connect(self.viewport().update)
        self.selectionModel().currentChanged.connect(self._on_current_changed)

    def list_model(self) -> StoryListModel:
        model = self.model()
        assert isinstance(model, StoryListModel)
        return model

    def story_model(self) -> StoryTreeModel:
        return self.list_model().tree()

    def indentation(self) -> int:
        """How far an article sits in under its story: the style's tree indentation."""
        return self.style().pixelMetric(QStyle.PixelMetric.PM_TreeViewIndentation, None, self)

    def match_columns(self, header: QHeaderView) -> None:
        """Take the flat table's column widths; the arrow column also holds the arrows and
        an article's indent."""
        for column in range(header.count()):
            width = header.sectionSize(column)
            if column == ARROW_COLUMN:
                width += 2 * self.indentation()
            self.horizontalHeader().resizeSection(column, width)
            self.setColumnHidden(column, header.isSectionHidden(column))

    # -- open and closed, by the index of a story row (here or in the tree) -------------------

    def expand(self, index: ModelIndex) -> None:
        if index.isValid():
            self._set_open(index.data(StoryRole.STORY), True)

    def collapse(self, index: ModelIndex) -> None:
        if index.isValid():
            self._set_open(index.data(StoryRole.STORY), False)

    def _set_open(self, story: str, is_open: bool) -> None:
        """Open or close ``story``; the cursor on one of its articles goes up to the story
        as the story closes (as in a tree view).  The rows this moves are the view's own
        doing, so the cursor is not followed through them."""
        model = self.list_model()
        current = self.currentIndex()
        if not is_open and current.data(StoryRole.DEPTH) and current.data(StoryRole.STORY) == story:
            row = model.row_of_story(story)
            if row is not None:
                self.setCurrentIndex(model.index(row, Column.TITLE))
        self._opening = True
        try:
            model.set_open(story, is_open)
        finally:
            self._opening = False

    def isExpanded(self, index: ModelIndex) -> bool:
        return index.isValid() and self.list_model().is_open(index.data(StoryRole.STORY))

    def _toggle(self, index: QModelIndex) -> None:
        if self.isExpanded(index):
            self.collapse(index)
        else:
            self.expand(index)

    # -- the cursor -----------------------------------------------------------------------------

    def current_article_id(self) -> str | None:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(Role.ID) if index.isValid() else None

    def _go_to_row(self, row: int) -> None:
        index = self.model().index(row, Column.TITLE)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def select_article(self, article_id: str | None) -> None:
        """Put the cursor on ``article_id``, opening its story if it is in one."""
        if article_id is None:
            return
        model = self.list_model()
        place = model.tree().place_of_article(article_id)
        if place is None:
            return
        if place[1] >= 0:
            self._set_open(model.tree().story_at(place[0]), True)
        row = model.row_of_article(article_id)
        if row is not None:
            self._go_to_row(row)

    def move_to_next_unpublished_story(self) -> bool:
        """Put the cursor on the next story (after the current row) with nothing published."""
        model = self.list_model()
        tree = model.tree()
        current = self.currentIndex()
        start = model.place_of_row(current.row())[0] if current.isValid() else -1
        for top in range(start + 1, tree.rowCount()):
            if tree.is_unpublished_story(top):
                self._go_to_row(model.row_of_top(top))
                self._set_open(tree.story_at(top), True)
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Right opens a story (or steps into an open one), Left closes it (or steps up from
        an article to its story), + and - open and close: a tree view's keys."""
        index = self.currentIndex()
        key = event.key()
        if not index.isValid() or key not in (
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Plus,
            Qt.Key.Key_Minus,
        ):
            super().keyPressEvent(event)
            return
        model = self.list_model()
        is_story = bool(index.data(StoryRole.IS_STORY))
        is_open = bool(index.data(StoryRole.OPEN))
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Plus) and is_story:
            if not is_open:
                self.expand(index)
            elif key == Qt.Key.Key_Right:
                self._go_to_row(index.row() + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Minus):
            if is_open:
                self.collapse(index)
            elif key == Qt.Key.Key_Left and index.data(StoryRole.DEPTH):
                top, _child = model.place_of_row(index.row())
                self._go_to_row(model.row_of_top(top))
        event.accept()

    def _on_arrow(self, event: QMouseEvent) -> QModelIndex | None:
        """The story row whose arrow ``event`` points at, or None."""
        index = self.indexAt(event.position().toPoint())
        if not index.isValid() or index.column() != ARROW_COLUMN:
            return None
        if not index.data(StoryRole.IS_STORY):
            return None
        left = self.visualRect(index).left()
        return index if left <= event.position().x() < left + self.indentation() else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        arrow = self._on_arrow(event) if event.button() == Qt.MouseButton.LeftButton else None
        if arrow is not None:  # the arrow opens or closes, as in a tree; the cursor stays
            self._toggle(arrow)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click on a story row opens or closes it, as in a tree view."""
        index = self.indexAt(event.position().toPoint())
        if self._on_arrow(event) is not None:
            event.accept()
            return
        if index.isValid() and index.data(StoryRole.IS_STORY):
            self._toggle(index)
        super().mouseDoubleClickEvent(event)

    def _remember_current(self) -> None:
        self._current_id = self.current_article_id()
        index = self.currentIndex()
        self._current_story = index.data(StoryRole.STORY) if index.isValid() else None

    def _follow_current(self, *_args: object) -> None:
        """Before the first of a burst of row changes: find the current row again after."""
        if not self._follow_pending and not self._opening:
            self._follow_pending = True
            self._remember_current()
            QTimer.singleShot(0, self._restore_current)

    def _restore_current(self) -> None:
        self._follow_pending = False
        if self.model() is None:
            return
        if self._current_id is not None:
            if self.current_article_id() != self._current_id:
                self.select_article(self._current_id)
        elif self._current_story is not None:
            index = self.currentIndex()
            if not index.isValid() or index.data(StoryRole.STORY) != self._current_story:
                row = self.list_model().row_of_story(self._current_story)
                if row is not None:
                    self.setCurrentIndex(self.model().index(row, Column.TITLE))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article_id = current.siblingAtColumn(0).data(Role.ID) if current.isValid() else None
        self.currentArticleChanged.emit(article_id)
