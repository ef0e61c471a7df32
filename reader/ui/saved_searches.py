"""The saved-searches side panel: built-in and the editor's own queries, with live counts.

A saved search is a name and a search-language query (:mod:`reader.domain.query`).  The
built-ins stand for the View ▸ filters (All, Inbox = unpublished, Published, Problems) plus
Today, so the panel, the toolbar's state buttons and Ctrl+1-4 are one notion of "the
current filter": choosing any of them chooses the same saved search.

Counts follow the folder without re-judging it (:class:`reader.ui.live_tally.LiveTally`):
each article's key is the bit mask of the searches it matches, and a change to the list
judges only the ids the list model reports added, changed or removed (the identity diff
over every row this replaces took ~1.3 s of the GUI thread at 100,000 articles).  A full
count (a folder loading, a new or edited search, a new day for ``date:today``) runs in
slices of a few ms per event-loop turn; the counts shown stay until it is complete.
Words that need body text are answered by the index (``bodyWordsWanted`` asks the window to
look them up; ``set_body_matches`` takes the answers) and counted again when they come.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.domain.article import ArticleSummary
from reader.domain.query import FoldedCache, Query, QueryError, fold
from reader.domain.query import parse as parse_query
from reader.domain.words import counted

from .article_model import ArticleTableModel
from .live_tally import Keys, LiveTally

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str
    builtin: bool = False


BUILTIN_SEARCHES: tuple[SavedSearch, ...] = (
    SavedSearch("All articles", "", builtin=True),
    SavedSearch("Inbox", "is:unpublished", builtin=True),
    SavedSearch("Published", "is:published", builtin=True),
    SavedSearch("Today", "date:today", builtin=True),
    SavedSearch("Problems", "is:problem", builtin=True),
)


class SearchRole(IntEnum):
    QUERY = Qt.ItemDataRole.UserRole
    COUNT = Qt.ItemDataRole.UserRole + 1
    BUILTIN = Qt.ItemDataRole.UserRole + 2


class SavedSearchModel(QAbstractListModel):
    """The saved searches in order (built-ins first) and how many articles each matches."""

    bodyWordsWanted = Signal()
    """Some search needs body words the index has not answered: ask it (set_body_matches)."""
    userSearchesChanged = Signal()
    """The editor's own searches changed (added, renamed, deleted, moved): save them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._searches: list[SavedSearch] = list(BUILTIN_SEARCHES)
        self._queries: list[Query | None] = [self._parse(s.query) for s in self._searches]
        self._counts: list[int | None] = [None] * len(self._searches)
        self._source: ArticleTableModel | None = None
        self._folded = FoldedCache()
        self._body: dict[str, set[str]] = {}
        self._today = date.today()
        self._counted_queries: list[Query | None] = list(self._queries)
        """The searches (by row) the tally's bit masks stand for."""
        self._tally = LiveTally(self._judge_with([], {}), self)
        self._tally.changed.connect(self._on_tally_changed)
        # A new day changes what date:today counts.
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(60_000)
        self._day_timer.timeout.connect(self._check_day)
        self._day_timer.start()

    # -- Qt model API ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._searches)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._searches):
            return None
        search = self._searches[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return search.name
        if role == Qt.ItemDataRole.ToolTipRole:
            count = self._counts[index.row()]
            shown = "counting…" if count is None else counted(count, "article")
            if self._queries[index.row()] is None:
                shown = "this query no longer parses"
            return f"{search.query or 'every article'} ({shown})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            count = self._counts[index.row()]
            return search.name if count is None else f"{search.name}, {counted(count, 'article')}"
        if role == SearchRole.QUERY:
            return search.query
        if role == SearchRole.COUNT:
            return self._counts[index.row()]
        if role == SearchRole.BUILTIN:
            return search.builtin
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- the searches ------------------------------------------------------------------

    def searches(self) -> list[SavedSearch]:
        return list(self._searches)

    def user_searches(self) -> list[SavedSearch]:
        return [search for search in self._searches if not search.builtin]

    def search_at(self, row: int) -> SavedSearch:
        return self._searches[row]

    def count_at(self, row: int) -> int | None:
        return self._counts[row]

    def row_of_query(self, text: str) -> int | None:
        wanted = " ".join(text.split())
        for row, search in enumerate(self._searches):
            if " ".join(search.query.split()) == wanted:
                return row
        return None

    def set_user_searches(self, searches: list[tuple[str, str]]) -> None:
        """The editor's own searches as stored (name, query); malformed ones are kept, shown
        as such in their tooltip, and never counted."""
        self.beginResetModel()
        self._searches = list(BUILTIN_SEARCHES) + [
            SavedSearch(name, query) for name, query in searches if name
        ]
        self._queries = [self._parse(s.query) for s in self._searches]
        self._counts = [None] * len(self._searches)
        self.endResetModel()
        self._recount_all()

    def add(self, name: str, query: str) -> int:
        """Save ``query`` under ``name`` (raises QueryError first if it is malformed)."""
        parsed = parse_query(query)
        row = len(self._searches)
        self.beginInsertRows(_ROOT, row, row)
        self._searches.append(SavedSearch(name, query))
        self._queries.append(parsed)
        self._counts.append(None)
        self.endInsertRows()
        self.userSearchesChanged.emit()
        self._recount_all()
        return row

    def rename(self, row: int, name: str) -> None:
        search = self._searches[row]
        if search.builtin or not name:
            return
        self._searches[row] = SavedSearch(name, search.query)
        self.dataChanged.emit(self.index(row), self.index(row))
        self.userSearchesChanged.emit()

    def remove(self, row: int) -> None:
        if self._searches[row].builtin:
            return
        self.beginRemoveRows(_ROOT, row, row)
        del self._searches[row], self._queries[row], self._counts[row]
        self.endRemoveRows()
        self.userSearchesChanged.emit()
        self._recount_all()

    def move(self, row: int, step: int) -> int:
        """Move a user search up (-1) or down (+1) among the user searches; its new row."""
        target = row + step
        first_user = len(BUILTIN_SEARCHES)
        if self._searches[row].builtin or not first_user <= target < len(self._searches):
            return row
        destination = target + 1 if step > 0 else target
        self.beginMoveRows(_ROOT, row, row, _ROOT, destination)
        for items in (self._searches, self._queries, self._counts):
            items.insert(target, items.pop(row))  # type: ignore[arg-type]
        self.endMoveRows()
        self.userSearchesChanged.emit()
        self._recount_all()
        return target

    # -- counting ----------------------------------------------------------------------

    def set_source(
        self,
        source: ArticleTableModel,
        folded: FoldedCache | None = None,
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        """Count the articles of ``source`` and follow its changes article by article.

        ``folded`` shares the list's folded records.  ``busy`` is accepted for callers of
        the older interface: counting no longer waits for the list's folding, because
        every pass is sliced by time anyway.
        """
        del busy
        self._source = source
        self._folded = folded or self._folded
        self._tally.attach(source)
        self._recount_all()

    def _parse(self, text: str) -> Query | None:
        try:
            return parse_query(text)
        except QueryError:
            return None

    def body_words(self) -> tuple[str, ...]:
        """Every body word the saved searches use (each folded, once)."""
        words: dict[str, None] = {}
        for query in self._queries:
            if query is not None:
                words.update(dict.fromkeys(query.body_terms))
        return tuple(words)

    def missing_body_words(self) -> tuple[str, ...]:
        return tuple(word for word in self.body_words() if word not in self._body)

    def set_body_matches(self, text: str, article_ids: set[str]) -> None:
        """The ids whose body contains ``text`` (the index's answer): counted again."""
        needle = " ".join(fold(text).split())
        if needle in self.body_words() and self._body.get(needle) != article_ids:
            self._body[needle] = set(article_ids)
            self._recount_all()

    def _recount_all(self) -> None:
        """Count every search again, in slices; the counts shown stay until it is done."""
        self._today = date.today()
        self._queries = [self._parse(s.query) for s in self._searches]
        wanted = self.body_words()
        self._body = {word: ids for word, ids in self._body.items() if word in wanted}
        if self.missing_body_words():
            self.bodyWordsWanted.emit()
        self._counted_queries = list(self._queries)
        self._tally.restart(self._judge_with(self._counted_queries, dict(self._body)))

    def _judge_with(
        self, queries: list[Query | None], body: dict[str, set[str]]
    ) -> Callable[[Sequence[ArticleSummary]], list[Keys]]:
        """Each article's key: the bit mask of the searches (by row) it matches."""
        live = [(1 << row, query) for row, query in enumerate(queries) if query is not None]

        def judge(summaries: Sequence[ArticleSummary]) -> list[Keys]:
            masks = [0] * len(summaries)
            for bit, query in live:
                verdicts = query.verdicts(summaries, body, self._folded)
                masks = [mask | bit if keep else mask for mask, keep in zip(
                    masks, verdicts, strict=True
                )]
            return [(mask,) for mask in masks]

        return judge

    def _on_tally_changed(self) -> None:
        totals = self._tally.totals()
        self._counts = [
            None if query is None else sum(
                count for mask, count in totals.items() if mask >> row & 1  # type: ignore[operator]
            )
            for row, query in enumerate(self._counted_queries)
        ]
        if len(self._counts) != len(self._searches):  # a search added or removed meanwhile
            return
        self._emit_counts()

    def _check_day(self) -> None:
        if date.today() != self._today:
            self._recount_all()  # date:today means another day now

    def _emit_counts(self) -> None:
        if self._searches:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._searches) - 1),
                [SearchRole.COUNT, Qt.ItemDataRole.ToolTipRole],
            )

    def is_counting(self) -> bool:
        return self._tally.is_busy()


class _CountDelegate(QStyledItemDelegate):
    """The name as usual, the count right-aligned in the placeholder colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().paint(painter, option, index)
        count = index.data(SearchRole.COUNT)
        if count is None:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(role))
        rect = QRect(option.rect).adjusted(0, 0, -8, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{count:,}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 60, max(size.height(), 24))


class SavedSearchPanel(QWidget):
    """The side panel: the list of saved searches and the buttons that manage it.

    Emits ``searchChosen(query)`` when the editor picks a search (click, keyboard, or
    :meth:`step`); the window decides what that means for the list.
    """

    searchChosen = Signal(str)
    saveRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("savedSearchPanel")
        self.model = SavedSearchModel(self)
        self._choosing = False

        title = QLabel("Searches", self)
        title.setObjectName("savedSearchTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)

        self.view = QListView(self)
        self.view.setObjectName("savedSearchList")
        self.view.setAccessibleName("Saved searches")
        self.view.setModel(self.model)
        self.view.setItemDelegate(_CountDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(2)
        self._buttons: dict[str, QToolButton] = {}
        for key, text, tip, slot in (
            ("Save", "Save…", "Save the current search under a name", self.saveRequested.emit),
            ("Rename", "Rename", "Rename the selected search", self._on_rename),
            ("Delete", "Delete", "Delete the selected search", self._on_delete),
            ("Up", "↑", "Move the selected search up", lambda: self._on_move(-1)),
            ("Down", "↓", "Move the selected search down", lambda: self._on_move(+1)),
        ):
            button = QToolButton(self)
            button.setObjectName(f"savedSearch{key}")
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self._buttons[key] = button
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_buttons)
        self._update_buttons()

    def sizeHint(self) -> QSize:
        return QSize(200, 300)

    # -- API for the window ------------------------------------------------------------

    def current_query(self) -> str:
        index = self.view.currentIndex()
        return index.data(SearchRole.QUERY) if index.isValid() else ""

    def select_query(self, text: str) -> bool:
        """Make the search with this query current without announcing it (the window set
        the filter already); False when no saved search has it (nothing is selected)."""
        row = self.model.row_of_query(text)
        self._choosing = True
        try:
            if row is None:
                self.view.selectionModel().clear()
                self.view.setCurrentIndex(QModelIndex())
            else:
                self.view.setCurrentIndex(self.model.index(row))
        finally:
            self._choosing = False
        self._update_buttons()
        return row is not None

    def step(self, offset: int) -> None:
        """Choose the next (+1) or previous (-1) search, wrapping around."""
        count = self.model.rowCount()
        if not count:
            return
        current = self.view.currentIndex()
        row = (current.row() + offset) % count if current.isValid() else 0
        self.view.setCurrentIndex(self.model.index(row))

    def save(self, name: str, query: str) -> None:
        row = self.model.add(name, query)
        self.view.setCurrentIndex(self.model.index(row))

    # -- slots -------------------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        if not self._choosing and current.isValid():
            self.searchChosen.emit(current.data(SearchRole.QUERY))

    def _selected_user_row(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.data(SearchRole.BUILTIN):
            return None
        return index.row()

    def _on_rename(self) -> None:
        row = self._selected_user_row()
        if row is None:
            return
        old = self.model.search_at(row).name
        name, ok = QInputDialog.getText(self, "Rename Search", "Name:", text=old)
        if ok and name.strip():
            self.model.rename(row, name.strip())

    def _on_delete(self) -> None:
        row = self._selected_user_row()
        if row is None:
            return
        self.model.remove(row)
        self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1)))

    def _on_move(self, step: int) -> None:
        row = self._selected_user_row()
        if row is None:
            return
        new_row = self.model.move(row, step)
        self._choosing = True
        try:
            self.view.setCurrentIndex(self.model.index(new_row))
        finally:
            self._choosing = False

    def _update_buttons(self, *_args: object) -> None:
        user = self._selected_user_row() is not None
        for key in ("Rename", "Delete", "Up", "Down"):
            self._buttons[key].setEnabled(user)
