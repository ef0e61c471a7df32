"""The article list: a table model that keeps itself sorted, and a proxy that only filters.

Why the model sorts and the proxy does not: ``QSortFilterProxyModel`` sorts by calling
``data()`` from C++ for every comparison, which is O(n log n) calls into Python — close to a
second for 10,000 rows.  Here every row carries precomputed sort keys, a header click is one
Python ``list.sort`` plus a ``layoutChanged``, and new rows are inserted at their sorted
place with ``bisect``, so a burst of files never re-sorts the whole list.

The rows are stored in *ascending* key order; a descending sort only changes how stored
positions map to rows (``row = n - 1 - position``).  The "missing value" flag in each key is
chosen per order so that undated (or unsourced, unscored) articles are last either way.
"""

from __future__ import annotations

import bisect
import gc
import operator
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from enum import Enum, IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from reader.domain.article import ArticleSummary
from reader.domain.dates import is_calendar_day, local_day
from reader.domain.query import EMPTY_QUERY, FoldedCache, Query, QueryError, combine, fold
from reader.domain.query import parse as parse_query

ModelIndex = QModelIndex | QPersistentModelIndex
_HAS_FILTER_CHANGE = hasattr(QSortFilterProxyModel, "beginFilterChange")
_ROOT = QModelIndex()


class Column(IntEnum):
    STATE = 0
    TITLE = 1
    SOURCE = 2
    DATE = 3
    QUALITY = 4
    HEAT = 5


HEADERS = {
    Column.STATE: "",
    Column.TITLE: "Title",
    Column.SOURCE: "Source",
    Column.DATE: "Date",
    Column.QUALITY: "Quality",
    Column.HEAT: "Heat",
}
HEADER_TOOLTIPS = {
    Column.STATE: "Published state",
    Column.QUALITY: "Quality score from the pipeline",
    Column.HEAT: "Heat score from the pipeline",
}


class Role(IntEnum):
    ID = Qt.ItemDataRole.UserRole
    SUMMARY = Qt.ItemDataRole.UserRole + 1
    SORT = Qt.ItemDataRole.UserRole + 2


class StateFilter(Enum):
    ALL = "all"
    UNPUBLISHED = "unpublished"
    PUBLISHED = "published"
    PROBLEMS = "problems"


def state_text(summary: ArticleSummary) -> str:
    """The published state in words, for screen readers and tooltips."""
    error = summary.error
    if error is not None:
        return f"Problem: {error.message}"
    return "Published" if summary.published else "Not published"


def describe_age(when: datetime, now: datetime) -> str:
    """ "5 minutes ago", "yesterday", "3 days ago"; older than a month, the date itself.

    Past a month a relative age ("2 years ago") hides what editors look for, so the
    short date takes over, as mail readers do.  A calendar day (a date written without a
    time) counts whole days from today: it has no hours to count.
    """
    if is_calendar_day(when):
        return _describe_day(when, now)
    seconds = (now - when).total_seconds()
    if seconds < 0:
        ahead = -seconds
        if ahead < 3600:
            return "in a few minutes"
        if ahead < 86400:
            hours = int(ahead // 3600)
            return f"in {hours} hour{'s' if hours != 1 else ''}"
        return _short_date(when)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = int(seconds // 86400)
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 31:
        return f"{days // 7} weeks ago"
    return _short_date(when)


def _describe_day(when: datetime, now: datetime) -> str:
    days = (now.astimezone().date() - local_day(when)).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if 1 < days < 14:
        return f"{days} days ago"
    if 14 <= days < 31:
        return f"{days // 7} weeks ago"
    return _short_date(when)


def _short_date(when: datetime) -> str:
    day = local_day(when)
    # "26 Jul 2023": the locale's month name, unambiguous unlike 07/26 vs 26/07.
    return QLocale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def exact_local_time(when: datetime) -> str:
    """The instant in the editor's own time zone and locale, for tooltips; a calendar
    day is the day alone."""
    if is_calendar_day(when):
        day = local_day(when)
        long_format = QLocale.FormatType.LongFormat
        return QLocale().toString(QDate(day.year, day.month, day.day), long_format)
    local = QDateTime.fromMSecsSinceEpoch(int(when.timestamp() * 1000)).toLocalTime()
    return QLocale().toString(local, QLocale.FormatType.LongFormat)


def format_score(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


class _Row:
    """One article plus everything ``data()``, sorting and searching need, computed once."""

    __slots__ = ("source_key", "summary", "timestamp", "title_key")

    def __init__(self, summary: ArticleSummary) -> None:
        self.summary = summary
        self.title_key = summary.title.casefold()
        self.source_key = summary.source.casefold()
        self.timestamp = summary.published_at.timestamp() if summary.published_at else None

    def state_rank(self) -> int:
        if self.summary.is_error:
            return 0
        return 2 if self.summary.published else 1


def _key_function(column: Column, ascending: bool) -> Callable[[_Row], tuple]:
    """A total-order key for ``column``; missing values sort last in either order.

    Rows are stored ascending by key and shown reversed for a descending sort, so a
    missing value gets the largest flag when ascending and the smallest when descending.
    """
    missing = 1 if ascending else -1

    def numeric(get: Callable[[_Row], float | None]) -> Callable[[_Row], tuple]:
        def key(row: _Row) -> tuple:
            value = get(row)
            if value is None:
                return (missing, 0.0, row.title_key, row.summary.id)
            return (0, value, row.title_key, row.summary.id)

        return key

    if column == Column.TITLE:
        return lambda row: (0, row.title_key, row.summary.id)
    if column == Column.SOURCE:
        return lambda row: (
            (missing if not row.source_key else 0),
            row.source_key,
            row.title_key,
            row.summary.id,
        )
    if column == Column.STATE:
        return lambda row: (row.state_rank(), row.title_key, row.summary.id)
    if column == Column.QUALITY:
        return numeric(lambda row: row.summary.quality)
    if column == Column.HEAT:
        return numeric(lambda row: row.summary.heat)
    return numeric(lambda row: row.timestamp)


_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_COLUMN_COUNT = len(Column)  # Qt asks for it per row while filtering: no enum lookups there
_DESCENDING = Qt.SortOrder.DescendingOrder
_MAX_INSERT_RUNS = 24
"""More separate runs than this in one batch, and the batch is added as a block and sorted."""
_LONG_LIST_ROWS = 50_000
_LONG_LIST_MAX_INSERT_RUNS = 3
"""The same limit from :data:`_LONG_LIST_ROWS` rows on.  Each run is one insert through the
proxy and the view, and their cost grows faster than the list: measured 0.2 ms a run at
10,000 rows and 0.7 ms at 30,000, but 16 ms at 100,000, where a block-and-resort costs
60-90 ms; at 10,000 the block costs 6-12 ms, as much as 30-50 runs."""


class ArticleTableModel(QAbstractTableModel):
    """The articles of the open folder, one row each, kept sorted.

    Changes arrive incrementally (``add_articles``, ``update_articles``,
    ``remove_articles``) and become the narrowest model signals: inserts at the sorted
    position, ``dataChanged`` per contiguous run, moves when a sort key changed.  Only a
    new folder resets the model.
    """

    countsChanged = Signal()
    articlesTouched = Signal(list)
    """The ids just added, changed or removed (a reset says ``modelReset`` instead): what
    tallies over every article (timeline, saved-search counts) judge again, not the rest."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []  # ascending by self._keys
        self._keys: list[tuple] = []
        # id -> its row object; a row's place is found by binary search on its key, so
        # no id-to-position table has to be rebuilt (O(n)) after every insert or removal.
        self._rows_by_id: dict[str, _Row] = {}
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._key = _key_function(self._sort_column, ascending=False)
        self._unpublished = 0
        self._problems = 0
        self.content_version = 0
        """Goes up before every change of rows or their order: what the proxy's
        precomputed filter verdicts are checked against."""
        self._now = datetime.now(UTC)
        self._state_icons: dict[int, QIcon] = {}
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._on_clock_tick)
        self._clock.start()

    # -- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMN_COUNT:
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return HEADER_TOOLTIPS.get(column, HEADERS[column])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.QUALITY, Column.HEAT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        # Called for every visible cell on every repaint: a precomputed constant, because
        # combining enum flags in Python costs more than the rest of this method.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Memory only: every value here was computed when the row arrived.
        if not index.isValid():
            return None
        row = self._row_at(index.row())
        summary = row.summary
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Role.ID:
            return summary.id
        if role == Role.SUMMARY:
            return summary
        if role == Role.SORT:
            return self._key(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == Column.STATE:
                return state_text(summary)
            return self._display(row, column)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == Column.STATE:
            return state_text(summary)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATE:
            return self._state_icon(row.state_rank())
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.QUALITY, Column.HEAT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-sort every row by ``column``: one Python sort and one ``layoutChanged``."""
        if not 0 <= column < _COLUMN_COUNT:
            return
        column = Column(column)
        if column == self._sort_column and order == self._sort_order:
            return
        self.content_version += 1
        self.layoutAboutToBeChanged.emit()
        persistent, kept_rows = self._persistent_rows()
        self._sort_column = column
        self._sort_order = order
        self._key = _key_function(column, order == Qt.SortOrder.AscendingOrder)
        self._keys = [self._key(row) for row in self._rows]
        self._sort_storage()
        self._restore_persistent(persistent, kept_rows)
        self.layoutChanged.emit()

    def _resort(self) -> None:
        """Re-sort storage by the unchanged key (after a block was appended)."""
        self.content_version += 1
        self.layoutAboutToBeChanged.emit()
        persistent, kept_rows = self._persistent_rows()
        self._sort_storage()
        self._restore_persistent(persistent, kept_rows)
        self.layoutChanged.emit()

    def _sort_storage(self) -> None:
        # Sorting a permutation keeps the comparisons in C (tuple keys, no key function
        # frames); timsort merges the already-sorted runs in linear time.
        keys, rows = self._keys, self._rows
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = [keys[i] for i in order]
        self._rows = [rows[i] for i in order]

    def _persistent_rows(self) -> tuple[list[QModelIndex], list[_Row]]:
        persistent = self.persistentIndexList()
        return persistent, [self._row_at(index.row()) for index in persistent]

    def _restore_persistent(self, persistent: list[QModelIndex], rows: list[_Row]) -> None:
        """Point the view's persistent indexes (selection, current row) at their rows again.

        Found by binary search on each row's key, so a re-sort never rebuilds the whole
        id-to-position table just for the handful of indexes a view keeps.
        """
        if not persistent:
            return
        moved = []
        for index, row in zip(persistent, rows, strict=True):
            position = bisect.bisect_left(self._keys, self._key(row))
            moved.append(self.index(self._row_of_position(position), index.column()))
        self.changePersistentIndexList(persistent, moved)

    # -- what the window calls ---------------------------------------------------------

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return int(self._sort_column), self._sort_order

    def set_state_icons(self, published: QIcon, unpublished: QIcon, problem: QIcon) -> None:
        """Icons for the state column, painted by the window to suit the palette."""
        self._state_icons = {0: problem, 1: unpublished, 2: published}
        if self._rows:
            self._emit_column_changed(Column.STATE)

    def reset_articles(self, summaries: Iterable[ArticleSummary]) -> None:
        """Replace everything: only for a newly opened folder."""
        self.content_version += 1
        self.beginResetModel()
        unique = {summary.id: summary for summary in summaries}
        rows = [_Row(summary) for summary in unique.values()]
        rows.sort(key=self._key)
        self._rows = rows
        self._keys = [self._key(row) for row in rows]
        self._rows_by_id = {row.summary.id: row for row in rows}
        self._recount()
        self.endResetModel()
        self.countsChanged.emit()

    def add_articles(self, summaries: Iterable[ArticleSummary]) -> None:
        """Insert new articles at their sorted place; known ids are updated instead."""
        fresh: dict[str, ArticleSummary] = {}
        known: list[ArticleSummary] = []
        ids = self._rows_by_id
        for summary in summaries:
            if summary.id in ids:
                known.append(summary)
            else:
                fresh[summary.id] = summary
        if known:
            self.update_articles(known)
        if fresh:
            self._insert_rows([_Row(summary) for summary in fresh.values()])
            self.countsChanged.emit()
            self.articlesTouched.emit(list(fresh))

    def update_articles(self, summaries: Iterable[ArticleSummary]) -> None:
        """New content for known ids: ``dataChanged`` per run, or a move if the sort key changed."""
        changed_positions: list[int] = []
        moved: list[_Row] = []
        touched: list[str] = []
        for summary in summaries:
            position = self._position_of(summary.id)
            if position is None:
                continue
            touched.append(summary.id)
            old = self._rows[position]
            self._count(old.summary, -1)
            self._count(summary, +1)
            row = _Row(summary)
            if self._key(row) == self._keys[position]:
                self._rows[position] = row
                self._rows_by_id[summary.id] = row
                changed_positions.append(position)
            else:
                moved.append(row)
        changed_rows = sorted(self._row_of_position(p) for p in changed_positions)
        for run_start, run_end in _runs(changed_rows):
            self.content_version += 1
            self.dataChanged.emit(
                self.index(run_start, 0), self.index(run_end, _COLUMN_COUNT - 1), []
            )
        for row in moved:
            self._move_row(row)
        if changed_positions or moved:
            self.countsChanged.emit()
            self.articlesTouched.emit(touched)

    def remove_articles(self, article_ids: Iterable[str]) -> None:
        found = (self._position_of(article_id) for article_id in set(article_ids))
        doomed = sorted(position for position in found if position is not None)
        if not doomed:
            return
        # Remove from the highest row down so earlier row numbers stay valid.
        rows = sorted((self._row_of_position(p) for p in doomed), reverse=True)
        gone = [self._rows[p].summary.id for p in doomed]
        for first, last in reversed(list(_runs(sorted(rows)))):
            self.content_version += 1
            self.beginRemoveRows(_ROOT, first, last)
            start, end = self._position_span(first, last)
            for row in self._rows[start : end + 1]:
                self._count(row.summary, -1)
                del self._rows_by_id[row.summary.id]
            del self._rows[start : end + 1]
            del self._keys[start : end + 1]
            self.endRemoveRows()
        self.countsChanged.emit()
        self.articlesTouched.emit(gone)

    def summary(self, article_id: str) -> ArticleSummary | None:
        row = self._rows_by_id.get(article_id)
        return None if row is None else row.summary

    def summary_at(self, row: int) -> ArticleSummary:
        return self._row_at(row).summary

    def row_of(self, article_id: str) -> int | None:
        position = self._position_of(article_id)
        return None if position is None else self._row_of_position(position)

    def rows_in_view_order(self) -> list[_Row]:
        """Every row, in model row order (for the proxy's precomputed verdicts)."""
        return self._rows[::-1] if self._sort_order == _DESCENDING else list(self._rows)

    def counts(self) -> tuple[int, int, int]:
        """Total articles, unpublished ones (problems excluded) and problems."""
        return len(self._rows), self._unpublished, self._problems

    # -- internals ---------------------------------------------------------------------

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _row_of_position(self, position: int) -> int:
        return len(self._rows) - 1 - position if self._descending() else position

    def _row_at(self, row: int) -> _Row:
        return self._rows[self._row_of_position(row)]

    def _position_span(self, first_row: int, last_row: int) -> tuple[int, int]:
        """Stored index range [start, end] holding model rows first..last."""
        a, b = self._row_of_position(first_row), self._row_of_position(last_row)
        return min(a, b), max(a, b)

    def _position_of(self, article_id: str) -> int | None:
        """Where the article's row is stored: a binary search on its (unique) key.

        O(log n) whatever happened before; the id-to-position table this replaces had to
        be rebuilt after every insert or removal, ~80 ms at 100,000 rows on the first
        lookup after each merge.
        """
        row = self._rows_by_id.get(article_id)
        if row is None:
            return None
        return bisect.bisect_left(self._keys, self._key(row))

    def _insert_rows(self, new_rows: list[_Row]) -> None:
        """Insert rows at their sorted places, one ``beginInsertRows`` per contiguous run.

        A batch from a folder scan lands all over the sort order: 500 new rows become
        hundreds of separate one-row inserts, each a round trip through the proxy and the
        view.  Past a few runs it is much cheaper to add the batch as one block and re-sort
        in place (one ``layoutChanged``; selection and current row are kept through the
        persistent indexes).
        """
        # Each key computed once; keys are unique (they end with the id), so the rows
        # themselves are never compared.
        keyed = sorted(zip(map(self._key, new_rows), new_rows, strict=True))
        new_keys = [key for key, _row in keyed]
        new_rows = [row for _key, row in keyed]
        # Group consecutive new rows that land in the same gap between existing rows.
        gaps = [bisect.bisect_left(self._keys, key) for key in new_keys]
        groups: list[tuple[int, int, int]] = []  # (stored gap index, first, last) into new_rows
        for i, gap in enumerate(gaps):
            if groups and groups[-1][0] == gap:
                groups[-1] = (gap, groups[-1][1], i)
            else:
                groups.append((gap, i, i))
        long_list = len(self._rows) >= _LONG_LIST_ROWS
        if len(groups) > (_LONG_LIST_MAX_INSERT_RUNS if long_list else _MAX_INSERT_RUNS):
            self._insert_block_and_resort(new_rows, new_keys, gaps)
            return
        inserted = 0
        for gap, first, last in groups:
            position = gap + inserted
            count = last - first + 1
            before = len(self._rows)
            row = before - position if self._descending() else position
            self.content_version += 1
            self.beginInsertRows(_ROOT, row, row + count - 1)
            self._rows[position:position] = new_rows[first : last + 1]
            self._keys[position:position] = new_keys[first : last + 1]
            for new_row in new_rows[first : last + 1]:
                self._count(new_row.summary, +1)
                self._rows_by_id[new_row.summary.id] = new_row
            self.endInsertRows()
            inserted += count

    def _insert_block_and_resort(
        self, new_rows: list[_Row], new_keys: list[tuple], gaps: list[int]
    ) -> None:
        """Add sorted ``new_rows`` as one block at the end of the view, then merge them in.

        ``gaps[i]`` is where ``new_rows[i]`` belongs in the current storage.  The merge
        splices slices of the old lists around the new rows, so it is linear in C and needs
        no comparisons at all: a few milliseconds for 100,000 rows.
        """
        count = len(new_rows)
        before = len(self._rows)
        # The end of the view is the start of storage when the order is descending.
        position = 0 if self._descending() else before
        self.content_version += 1
        self.beginInsertRows(_ROOT, before, before + count - 1)
        old_rows, old_keys = self._rows, self._keys
        self._rows = old_rows[:position] + new_rows + old_rows[position:]
        self._keys = old_keys[:position] + new_keys + old_keys[position:]
        for new_row in new_rows:
            self._count(new_row.summary, +1)
            self._rows_by_id[new_row.summary.id] = new_row
        self.endInsertRows()

        self.content_version += 1
        self.layoutAboutToBeChanged.emit()
        persistent, kept_rows = self._persistent_rows()
        merged_rows: list[_Row] = []
        merged_keys: list[tuple] = []
        previous = 0
        for gap, key, row in zip(gaps, new_keys, new_rows, strict=True):
            merged_rows += old_rows[previous:gap]
            merged_keys += old_keys[previous:gap]
            merged_rows.append(row)
            merged_keys.append(key)
            previous = gap
        merged_rows += old_rows[previous:]
        merged_keys += old_keys[previous:]
        self._rows, self._keys = merged_rows, merged_keys
        self._restore_persistent(persistent, kept_rows)
        self.layoutChanged.emit()

    def _move_row(self, row: _Row) -> None:
        """Move one updated row to where its new sort key belongs, keeping selection."""
        old_position = self._position_of(row.summary.id)
        assert old_position is not None, "only rows already in the model are moved"
        old_model_row = self._row_of_position(old_position)
        key = self._key(row)
        if len(self._rows) >= _LONG_LIST_ROWS and not self._near_persistent(old_model_row):
            self._reinsert_row(old_position, old_model_row, row, key)
            return
        del self._rows[old_position]
        del self._keys[old_position]
        new_position = bisect.bisect_left(self._keys, key)
        n = len(self._rows) + 1
        new_model_row = (n - 1 - new_position) if self._descending() else new_position
        # Qt's destination is the row index *before* removal of the source.
        destination = new_model_row + 1 if new_model_row > old_model_row else new_model_row
        moving = destination not in (old_model_row, old_model_row + 1)
        if moving:
            self.content_version += 1
            self.beginMoveRows(_ROOT, old_model_row, old_model_row, _ROOT, destination)
        self._rows.insert(new_position, row)
        self._keys.insert(new_position, key)
        self._rows_by_id[row.summary.id] = row
        if moving:
            self.endMoveRows()
        changed = self._row_of_position(new_position)
        self.content_version += 1
        self.dataChanged.emit(self.index(changed, 0), self.index(changed, _COLUMN_COUNT - 1), [])

    def _near_persistent(self, model_row: int) -> bool:
        """Whether ``model_row`` lies within the span of the views' persistent indexes
        (current row, selection corners): a row inside a selected range has none itself."""
        rows = [index.row() for index in self.persistentIndexList()]
        return bool(rows) and min(rows) <= model_row <= max(rows)

    def _reinsert_row(self, old_position: int, old_model_row: int, row: _Row, key: tuple) -> None:
        """Move a row as a removal and an insert.

        Qt's filter proxy handles a move by re-mapping every row: 170 ms at 100,000 rows,
        where a one-row removal and insert cost ~16 ms each.  Only for rows no view holds
        (a move keeps selection and current row; this would drop them).
        """
        self.content_version += 1
        self.beginRemoveRows(_ROOT, old_model_row, old_model_row)
        del self._rows[old_position]
        del self._keys[old_position]
        del self._rows_by_id[row.summary.id]
        self.endRemoveRows()
        position = bisect.bisect_left(self._keys, key)
        model_row = len(self._rows) - position if self._descending() else position
        self.content_version += 1
        self.beginInsertRows(_ROOT, model_row, model_row)
        self._rows.insert(position, row)
        self._keys.insert(position, key)
        self._rows_by_id[row.summary.id] = row
        self.endInsertRows()

    def _display(self, row: _Row, column: int) -> str | None:
        summary = row.summary
        if column == Column.TITLE:
            return summary.title
        if column == Column.SOURCE:
            return summary.source
        if column == Column.DATE:
            if summary.published_at is None:
                return summary.published_at_text or ""
            return describe_age(summary.published_at, self._now)
        if column == Column.QUALITY:
            return format_score(summary.quality)
        if column == Column.HEAT:
            return format_score(summary.heat)
        return ""

    def _tooltip(self, row: _Row, column: int) -> str | None:
        summary = row.summary
        error = summary.error
        if error is not None:
            where = f" (line {error.line})" if error.line else ""
            return f"{summary.id}{where}: {error.message}"
        if column == Column.STATE:
            return state_text(summary)
        if column == Column.DATE:
            if summary.published_at is None:
                return (
                    "No date"
                    if not summary.published_at_text
                    else f"Unreadable date: {summary.published_at_text}"
                )
            return exact_local_time(summary.published_at)
        if column == Column.SOURCE and summary.source_domain:
            return summary.source_domain
        if column == Column.TITLE:
            return summary.title
        return None

    def _state_icon(self, rank: int) -> QIcon | None:
        if not self._state_icons:
            style = QApplication.style()
            self._state_icons = {
                0: style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
                1: QIcon(),
                2: style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            }
        return self._state_icons[rank]

    def _count(self, summary: ArticleSummary, delta: int) -> None:
        if summary.is_error:
            self._problems += delta
        elif not summary.published:
            self._unpublished += delta

    def _recount(self) -> None:
        self._unpublished = self._problems = 0
        for row in self._rows:
            self._count(row.summary, +1)

    def _emit_column_changed(self, column: Column) -> None:
        self.content_version += 1
        self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column), [])

    def _on_clock_tick(self) -> None:
        """Relative dates age: refresh the date column once a minute."""
        self._now = datetime.now(UTC)
        if self._rows:
            self._emit_column_changed(Column.DATE)


def _runs(sorted_rows: list[int]) -> Iterable[tuple[int, int]]:
    """Contiguous runs ``(first, last)`` in an ascending list of row numbers."""
    start = previous = None
    for row in sorted_rows:
        if start is None:
            start = previous = row
        elif row == previous + 1:
            previous = row
        elif row != previous:
            yield start, previous
            start = previous = row
    if start is not None:
        yield start, previous


WIDE_FILTER_CHANGE = 100
"""Rows changing visibility past which a filter change rebuilds the proxy in one go."""


def _flips(before: list[bool] | bool | None, after: list[bool] | bool | None) -> int:
    """How many rows change visibility between two verdicts (unknown counts as all)."""
    if before is None or after is None:
        return WIDE_FILTER_CHANGE + 1
    if before is True and after is True:
        return 0
    if before is True:
        return after.count(False)  # type: ignore[union-attr]
    if after is True:
        return before.count(False)  # type: ignore[union-attr]
    if len(before) != len(after):  # type: ignore[arg-type]
        return WIDE_FILTER_CHANGE + 1
    return sum(map(operator.ne, before, after))  # type: ignore[arg-type]


class ArticleFilterProxy(QSortFilterProxyModel):
    """Filters the list by one search-language query; sorting is the source model's job.

    The current filter is one query (:mod:`reader.domain.query`): the *base* (the chosen
    saved search or View ▸ filter, e.g. ``is:unpublished``) and the *typed* text of the
    search field, ANDed.  Metadata is judged from memory at once; terms that need bodies
    are answered later from the index cache (``set_body_matches``, one lookup per text),
    because bodies are never all held in memory.  The pinned article (the one being read)
    stays visible even when a change would filter it out, so the editor's place is never
    yanked away.  A malformed typed query keeps the last good one and says why through
    ``queryErrorChanged`` (an empty text once it parses again).

    ``filterAcceptsRow`` answers from verdicts decided for every row in one pass
    (``Query.verdicts``); Qt's own role-based filter costs four crossings per row.
    """

    queryErrorChanged = Signal(str)
    queryChanged = Signal()
    """The effective query changed (or its body answers did): counts and charts follow."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search_text = ""
        self._typed: Query = EMPTY_QUERY
        self._base: Query = EMPTY_QUERY
        self._query: Query = EMPTY_QUERY
        self._body: dict[str, set[str]] = {}
        self._error = ""
        self._state = StateFilter.ALL
        self._pinned: str | None = None
        self._filtering = False
        self._source: ArticleTableModel | None = None
        self.folded = FoldedCache()
        """Folded search records of the rows, shared with whoever judges the same rows."""
        # Every row's verdict for the current filter, in source row order, computed in one
        # pass when the filter changes; valid while the source's content_version matches.
        self._verdicts: list[bool] = []
        self._verdicts_version = -1
        self._prefold_timer = QTimer(self)
        self._prefold_timer.setInterval(0)
        self._prefold_timer.timeout.connect(self._prefold_slice)
        self._prefold_rows: list[ArticleSummary] = []
        # Relative dates (date:today, 7d) are resolved when a query is parsed: a new day
        # parses the current texts again.
        self._today = date.today()
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._on_day_check)
        self._day_timer.start()

    def setSourceModel(self, model: ArticleTableModel) -> None:  # type: ignore[override]
        self._source = model
        super().setSourceModel(model)
        model.rowsInserted.connect(self._on_source_rows_inserted)
        model.modelReset.connect(self._on_source_reset)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if not self._filtering:
            return True
        source = self._source
        if self._verdicts_version == source.content_version:  # type: ignore[union-attr]
            return self._verdicts[source_row]
        return self._accepts(source.summary_at(source_row))  # type: ignore[union-attr]

    def source(self) -> ArticleTableModel:
        return self.sourceModel()  # type: ignore[return-value]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    # -- the query ---------------------------------------------------------------------

    def set_search_text(self, text: str) -> None:
        """The search field's text; a malformed query keeps the last good one."""
        self._search_text = text
        try:
            typed = parse_query(text)
        except QueryError as exc:
            self._set_error(str(exc))
            return
        self._set_error("")
        if typed.root == self._typed.root:
            self._typed = typed
            return
        self._refilter(lambda: self._set_queries(typed, self._base))

    def search_text(self) -> str:
        return self._search_text

    def query_error(self) -> str:
        """Why the search text does not parse, or "" when it does."""
        return self._error

    def set_base_query(self, text: str) -> None:
        """The saved search (or View ▸ filter) the typed text narrows; raises QueryError."""
        base = parse_query(text)
        self._state = _STATE_OF_BASE.get(" ".join(text.split())) or StateFilter.ALL
        if base.root == self._base.root:
            return
        self._refilter(lambda: self._set_queries(self._typed, base))

    def base_query(self) -> str:
        return self._base.text

    def query(self) -> Query:
        """The effective query (base AND typed)."""
        return self._query

    def body_matches(self) -> dict[str, set[str]]:
        """What the index answered so far for the current query's body terms."""
        return self._body

    def missing_body_terms(self) -> tuple[str, ...]:
        """The current query's body texts the index has not answered yet."""
        return tuple(term for term in self._query.body_terms if term not in self._body)

    def set_body_matches(self, text: str, article_ids: set[str]) -> None:
        """The ids whose body contains ``text``; ignored if the query no longer asks."""
        needle = " ".join(fold(text).split())
        if needle not in self._query.body_terms:
            return

        def change() -> None:
            self._body[needle] = set(article_ids)

        self._refilter(change)

    def set_state_filter(self, state: StateFilter) -> None:
        """A View ▸ filter: the base query of the matching built-in saved search."""
        self.set_base_query(STATE_QUERIES[state])

    def state_filter(self) -> StateFilter:
        return self._state

    def set_pinned_id(self, article_id: str | None) -> None:
        if article_id == self._pinned:
            return
        if self._pinned is not None and self._is_filtering():
            # Called while the view changes its current row, with proxy indexes in flight:
            # at most two rows flip, always the incremental way (see _refilter).
            self._refilter(lambda: setattr(self, "_pinned", article_id), may_rebuild=False)
        else:
            self._pinned = article_id

    def pinned_id(self) -> str | None:
        return self._pinned

    def article_id_at(self, proxy_row: int) -> str:
        return self.index(proxy_row, 0).data(Role.ID)

    def proxy_row_of(self, article_id: str) -> int | None:
        source_row = self.source().row_of(article_id)
        if source_row is None:
            return None
        index = self.mapFromSource(self.source().index(source_row, 0))
        return index.row() if index.isValid() else None

    def is_filtering(self) -> bool:
        return self._is_filtering()

    # -- internals ---------------------------------------------------------------------

    def _on_day_check(self) -> None:
        if date.today() == self._today:
            return
        self._today = date.today()
        if any(term.field == "date" for term in self._query.terms()):
            typed, base = parse_query(self._typed.text), parse_query(self._base.text)
            self._refilter(lambda: self._set_queries(typed, base))

    def _set_error(self, message: str) -> None:
        if message != self._error:
            self._error = message
            self.queryErrorChanged.emit(message)

    def _set_queries(self, typed: Query, base: Query) -> None:
        self._typed, self._base = typed, base
        self._query = combine(base, typed)
        wanted = set(self._query.body_terms)
        self._body = {term: ids for term, ids in self._body.items() if term in wanted}

    def _is_filtering(self) -> bool:
        return not self._query.is_empty

    def _refilter(self, change: Callable[[], None], *, may_rebuild: bool = True) -> None:
        """Apply ``change`` to the filter state and let Qt re-filter.

        Qt's incremental re-filter removes and inserts the rows that flip in contiguous
        runs, each run a pass over the view: a keystroke that hid 43,000 of 100,000
        interleaved rows took 0.85 s, and clearing the search 1.6 s.  Past
        :data:`WIDE_FILTER_CHANGE` flips the proxy is rebuilt in one layout change instead
        (~0.2 s at 100,000 rows, 17-30 ms at 10,000); selection and current row survive it
        through their persistent indexes, like they survive the incremental way.  A rebuild
        invalidates every plain proxy index, so it is only done where none can be in
        flight: never for a pin, which follows the view's current row (``may_rebuild``).
        """
        before = self._visible_verdicts() if may_rebuild else True
        if before is None:  # rows changed since: decide them again under the old filter
            self._compute_verdicts()
            before = self._visible_verdicts()
        wide = may_rebuild
        if _HAS_FILTER_CHANGE:
            self.beginFilterChange()
        try:
            change()
            self._filtering = self._is_filtering()
            self._compute_verdicts()
            wide = may_rebuild and _flips(before, self._visible_verdicts()) > WIDE_FILTER_CHANGE
        finally:
            if wide:
                self.invalidate()
            elif _HAS_FILTER_CHANGE:
                self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
            else:
                self.invalidateRowsFilter()
        self.queryChanged.emit()

    def _visible_verdicts(self) -> list[bool] | bool | None:
        """Which source rows pass the filter now: True for all of them, a list, or None
        when that is not known without asking row by row (rows changed since)."""
        if not self._filtering:
            return True
        if self._source is not None and self._verdicts_version == self._source.content_version:
            return self._verdicts
        return None

    def _compute_verdicts(self) -> None:
        """Decide every row at once, before Qt asks row by row.

        Qt calls ``filterAcceptsRow`` once per row; answering from a list made by one
        compiled comprehension costs a fraction of deciding inside each call (100,000
        rows: 25-35 ms for a metadata query).  Rows that change afterwards bump the
        source's ``content_version`` and are decided one by one again.
        """
        source = self._source
        self._verdicts_version = -1
        if source is None or not self._filtering:
            self._verdicts = []
            return
        summaries = [row.summary for row in source.rows_in_view_order()]
        verdicts = self._query.verdicts(summaries, self._body, self.folded, prune=True)
        if self._pinned is not None:
            row = source.row_of(self._pinned)
            if row is not None:
                verdicts[row] = True
        self._verdicts = verdicts
        self._verdicts_version = source.content_version

    def _accepts(self, summary: ArticleSummary) -> bool:
        """Whether one row passes the filter (a row changed since the verdicts)."""
        if summary.id == self._pinned:
            return True
        return self._query.matches(summary, self._body, self.folded)

    def is_prefolding(self) -> bool:
        """Whether rows are still being folded: bulk readers of :attr:`folded` wait."""
        return self._prefold_timer.isActive()

    def _on_source_rows_inserted(self, _parent: ModelIndex, first: int, last: int) -> None:
        """Fold new rows' search text in idle slices, so the first keystroke need not."""
        source = self._source
        if source is not None:
            self._prefold_rows.extend(source.summary_at(row) for row in range(first, last + 1))
            self._prefold_timer.start()

    def _on_source_reset(self) -> None:
        if self._source is not None:
            self._prefold_rows = [row.summary for row in self._source.rows_in_view_order()]
            self._prefold_timer.start()

    def _prefold_slice(self) -> None:
        rows = self._prefold_rows[:PREFOLD_SLICE]
        del self._prefold_rows[:PREFOLD_SLICE]
        self.folded.records(rows)
        # The records live as long as their rows: out of the cyclic collector's
        # generations, as the window does with the articles, so that its full passes
        # (65-105 ms among 7 ms slices at 100,000 articles) do not walk them.
        gc.freeze()
        if not self._prefold_rows:
            self._prefold_timer.stop()


DAY_CHECK_MS = 60_000
"""How often the proxy looks whether a new day began (for date:today and the like)."""
PREFOLD_SLICE = 1500
"""Rows folded per idle event-loop turn (~12 ms on the development machine)."""

STATE_QUERIES = {
    StateFilter.ALL: "",
    StateFilter.UNPUBLISHED: "is:unpublished",
    StateFilter.PUBLISHED: "is:published",
    StateFilter.PROBLEMS: "is:problem",
}
"""The View ▸ filters as queries: each is a built-in saved search."""
_STATE_OF_BASE = {text: state for state, text in STATE_QUERIES.items()}
