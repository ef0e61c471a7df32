"""The article list: a table model of every article that keeps itself sorted, and the
filtered list the view shows, which keeps its own sorted subset of those rows.

Why the model sorts: Qt's ``QSortFilterProxyModel`` sorts by calling ``data()`` from C++
for every comparison, O(n log n) calls into Python, close to a second for 10,000 rows.
Here every row carries precomputed sort keys, a header click is one Python ``list.sort``
plus a ``layoutChanged``, and new rows are inserted at their sorted place with ``bisect``,
so a burst of files never re-sorts the whole list.  Why the filtered list is no Qt proxy
either: see :class:`ArticleFilterProxy`.

The rows are stored in *ascending* key order; a descending sort only changes how stored
positions map to rows (``row = n - 1 - position``).  The "missing value" flag in each key is
chosen per order so that undated (or unsourced, unscored) articles are last either way.
"""

from __future__ import annotations

import bisect
import gc
import operator
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from contextlib import suppress
from datetime import UTC, date, datetime
from enum import Enum, IntEnum
from functools import partial
from itertools import compress, groupby
from time import perf_counter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from reader.domain.article import ArticleSummary
from reader.domain.dates import is_calendar_day, local_day
from reader.domain.query import (
    EMPTY_QUERY,
    Folded,
    FoldedCache,
    Query,
    QueryError,
    combine,
    fold,
)
from reader.domain.query import parse as parse_query
from reader.library.workers import GuiPoster, Worker, result_or_none

ModelIndex = QModelIndex | QPersistentModelIndex
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


def row_text(summary: ArticleSummary) -> str:
    """What a screen reader says for a row's title cell (the cell the cursor sits on):
    the state first, as the editor triages by it, then the title and where it is from."""
    parts = (state_text(summary), summary.title, summary.source or summary.source_domain)
    return ", ".join(part for part in parts if part)


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

    __slots__ = ("aid", "folded", "key", "source_key", "summary", "timestamp", "title_key")

    def __init__(self, summary: ArticleSummary) -> None:
        self.summary = summary
        self.aid = summary.id
        self.folded: Folded | None = None
        """The row's search record, made by the filtered list when first needed."""
        self.key: tuple = ()
        """Its key under the list's current sort, kept by the model that computes it."""
        self.title_key = summary.title.casefold()
        self.source_key = summary.source.casefold()
        self.timestamp = summary.published_at.timestamp() if summary.published_at else None

    def state_rank(self) -> int:
        if self.summary.is_error:
            return 0
        return 2 if self.summary.published else 1


def _remembered_key(column: Column, ascending: bool) -> Callable[[_Row], tuple]:
    """:func:`_key_function` that also keeps each key on its row: the filtered list reads
    it there rather than building the tuple again (a new row's key is asked for 3-4
    times per merge)."""
    compute = _key_function(column, ascending)

    def key(row: _Row) -> tuple:
        row.key = value = compute(row)
        return value

    return key


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
# data() runs for every role of every shown cell on every repaint (~1,300 calls for one
# screen of the table): plain ints, because each Qt.ItemDataRole.X is an enum lookup.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
_ACCESSIBLE_DESCRIPTION = int(Qt.ItemDataRole.AccessibleDescriptionRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLE_ID, _ROLE_SUMMARY, _ROLE_SORT = int(Role.ID), int(Role.SUMMARY), int(Role.SORT)
_ANSWERED_ROLES = frozenset((
    _DISPLAY, _TOOLTIP, _ACCESSIBLE_TEXT, _ACCESSIBLE_DESCRIPTION, _DECORATION, _ALIGNMENT,
    _ROLE_ID, _ROLE_SUMMARY, _ROLE_SORT,
))
"""The roles a row has a value for.  A repaint asks seven roles of each cell, and font,
colours and check state (four of them) are never set here: they return at once."""
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLUMN_COUNT = len(Column)  # Qt asks for it per row while filtering: no enum lookups there
_DESCENDING = Qt.SortOrder.DescendingOrder
_MAX_INSERT_RUNS = 24
"""More separate runs than this in one batch, and the batch is added as a block and sorted."""
_LONG_LIST_ROWS = 50_000
_LONG_LIST_MAX_INSERT_RUNS = 3
"""The same limit from :data:`_LONG_LIST_ROWS` rows on, where each run splices lists of
every row.  (When a view still watched this model through Qt's filter proxy, a run cost
16 ms at 100,000 rows; the filtered list now follows the touched ids instead.)"""


class _SortedRows(QAbstractTableModel):
    """What both article models share: rows stored ascending by a sort key and shown
    reversed for a descending sort."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []  # ascending by self._keys
        self._keys: list[tuple] = []

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        # Called for every visible cell on every repaint: a precomputed constant, because
        # combining enum flags in Python costs more than the rest of this method.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def _descending(self) -> bool:
        raise NotImplementedError

    def _row_of_position(self, position: int) -> int:
        return len(self._rows) - 1 - position if self._descending() else position

    def _row_at(self, row: int) -> _Row:
        return self._rows[self._row_of_position(row)]

    def _insert_runs(
        self,
        new_keys: list[tuple],
        new_rows: list[_Row],
        gaps: list[int],
        register: Callable[[list[_Row]], None],
    ) -> None:
        """Insert ``new_rows`` (ascending, with their keys) before stored positions
        ``gaps``, one ``beginInsertRows`` per run that lands in the same gap;
        ``register`` records each run's rows inside its insert."""
        inserted = 0
        for gap, first, last in _gap_runs(gaps):
            position = gap + inserted
            count = last - first + 1
            row = len(self._rows) - position if self._descending() else position
            self.beginInsertRows(_ROOT, row, row + count - 1)
            self._rows[position:position] = new_rows[first : last + 1]
            self._keys[position:position] = new_keys[first : last + 1]
            register(new_rows[first : last + 1])
            self.endInsertRows()
            inserted += count


def _gaps_of(keys: list[tuple], new_keys: Iterable[tuple]) -> list[int]:
    """Where each of the sorted ``new_keys`` goes into the sorted ``keys`` (bisect_left).

    A warm start's batch lands in one gap (its rows are the next-older ones), so when the
    first and last key share a gap, every key between does too and nothing else is
    looked up; otherwise each bisection is bounded by those two.  It was a bisection over
    100,000 tuple keys for every new row, in the model and again in the filtered list:
    ~10% of a merge.
    """
    new_keys = list(new_keys)
    if not new_keys:
        return []
    first = bisect.bisect_left(keys, new_keys[0])
    last = bisect.bisect_left(keys, new_keys[-1], first)
    if first == last:
        return [first] * len(new_keys)
    return [bisect.bisect_left(keys, key, first, last) for key in new_keys]


def _gap_runs(gaps: list[int]) -> list[tuple[int, int, int]]:
    """``(gap, first, last)`` for each run of equal neighbouring values in ``gaps``.

    Grouped by ``itertools.groupby`` (C): a warm start's batches are a run or two each,
    and a Python step per row here was 0.1 s of a warm start of 100,000.
    """
    runs: list[tuple[int, int, int]] = []
    first = 0
    for gap, members in groupby(gaps):
        count = len(list(members))
        runs.append((gap, first, first + count - 1))
        first += count
    return runs


def _move_destination(old_row: int, new_row: int) -> int | None:
    """Qt's destination for moving ``old_row`` to ``new_row`` (a row number counted once
    the row is taken out), or None when the row stays where it is: Qt counts the
    destination *before* the removal."""
    destination = new_row + 1 if new_row > old_row else new_row
    return None if destination in (old_row, old_row + 1) else destination


class ArticleTableModel(_SortedRows):
    """The articles of the open folder, one row each, kept sorted.

    Changes arrive incrementally (``add_articles``, ``update_articles``,
    ``remove_articles``) and become the narrowest model signals: inserts at the sorted
    position, ``dataChanged`` per contiguous run, moves when a sort key changed.  Only a
    new folder resets the model.
    """

    countsChanged = Signal()
    articlesTouched = Signal(object)
    """The ids just added, changed or removed (a reset says ``modelReset`` instead): what
    tallies over every article (timeline, saved-search counts) judge again, not the rest.
    A list object, not ``Signal(list)``, which would copy it through a QVariantList."""
    loadingChanged = Signal(bool)
    """Whether the folder is being read: idle-time work over every row (tallies, search
    folding) waits until it is done.  Python threads share one interpreter lock: slices of
    that work between the batches of a warm start of 100,000 took the lock from the thread
    reading the index, and every row took seconds longer to arrive."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # id -> its row object; a row's place is found by binary search on its key, so
        # no id-to-position table has to be rebuilt (O(n)) after every insert or removal.
        self._rows_by_id: dict[str, _Row] = {}
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._key = _remembered_key(self._sort_column, ascending=False)
        self._unpublished = 0
        self._problems = 0
        self.content_version = 0
        self._loading = False
        """Goes up before every change of rows or their order: what the proxy's
        precomputed filter verdicts are checked against."""
        self._now = datetime.now(UTC)
        self._state_icons: dict[int, QIcon] = {}
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self._on_clock_tick)
        self._clock.start()

    # -- Qt model interface ------------------------------------------------------------

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

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Memory only: every value here was computed when the row arrived.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        return self.row_data(self._row_at(index.row()), index.column(), role)

    def row_data(self, row: _Row, column: int, role: int) -> Any:
        """``data()`` for one stored row: what the filtered list shows for its rows too."""
        if role == _DISPLAY:
            return self._display(row, column)
        summary = row.summary
        if role == _ROLE_ID:
            return summary.id
        if role == _ROLE_SUMMARY:
            return summary
        if role == _ROLE_SORT:
            return self._key(row)
        if role == _DECORATION:
            return self._state_icon(row.state_rank()) if column == Column.STATE else None
        if role == _ALIGNMENT:
            return _RIGHT_ALIGNED if column in (Column.QUALITY, Column.HEAT) else None
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _ACCESSIBLE_TEXT:
            if column == Column.STATE:
                return state_text(summary)
            if column == Column.TITLE:
                return row_text(summary)
            return self._display(row, column)
        if role == _ACCESSIBLE_DESCRIPTION and column == Column.STATE:
            return state_text(summary)
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
        self._key = _remembered_key(column, order == Qt.SortOrder.AscendingOrder)
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
            position = bisect.bisect_left(self._keys, row.key)
            moved.append(self.index(self._row_of_position(position), index.column()))
        self.changePersistentIndexList(persistent, moved)

    # -- what the window calls ---------------------------------------------------------

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return int(self._sort_column), self._sort_order

    def set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    def is_loading(self) -> bool:
        return self._loading

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
        self._keys = [row.key for row in rows]
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

    def stored_rows(self) -> list[_Row]:
        """Every row ascending by the current sort key (reversed on screen for a
        descending sort); the list itself, not a copy: read it, never change it."""
        return self._rows

    def stored_keys(self) -> list[tuple]:
        """The keys of :meth:`stored_rows`, position for position (the list itself)."""
        return self._keys

    def stored_row(self, article_id: str) -> _Row | None:
        return self._rows_by_id.get(article_id)

    def key_of(self, row: _Row) -> tuple:
        """The row's key under the current sort: unique, so it finds the row by bisection.
        (Every row this model held under the current sort had its key made then.)"""
        return row.key

    def rows_in_view_order(self) -> list[_Row]:
        """Every row, in model row order (for the proxy's precomputed verdicts)."""
        return self._rows[::-1] if self._sort_order == _DESCENDING else list(self._rows)

    def counts(self) -> tuple[int, int, int]:
        """Total articles, unpublished ones (problems excluded) and problems."""
        return len(self._rows), self._unpublished, self._problems

    # -- internals ---------------------------------------------------------------------

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

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
        return bisect.bisect_left(self._keys, row.key)

    def _insert_rows(self, new_rows: list[_Row]) -> None:
        """Insert rows at their sorted places, one ``beginInsertRows`` per contiguous run.

        A batch from a folder scan lands all over the sort order: 500 new rows become
        hundreds of separate one-row inserts, each a splice of lists of every row and a
        signal.  Past a few runs it is much cheaper to add the batch as one block and
        re-sort in place (one ``layoutChanged``; persistent indexes are kept).
        """
        # Each key computed once; keys are unique (they end with the id), so the rows
        # themselves are never compared.
        keyed = sorted(zip(map(self._key, new_rows), new_rows, strict=True))
        new_keys = [key for key, _row in keyed]
        new_rows = [row for _key, row in keyed]
        # Consecutive new rows that land in the same gap between existing rows go in as one.
        gaps = _gaps_of(self._keys, new_keys)
        long_list = len(self._rows) >= _LONG_LIST_ROWS
        if len(_gap_runs(gaps)) > (_LONG_LIST_MAX_INSERT_RUNS if long_list else _MAX_INSERT_RUNS):
            self._insert_block_and_resort(new_rows, new_keys, gaps)
            return

        def register(rows: list[_Row]) -> None:
            self.content_version += 1
            self._count_rows(rows, +1)
            self._rows_by_id.update(zip(map(_AID, rows), rows, strict=True))

        self._insert_runs(new_keys, new_rows, gaps, register)

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
        self._count_rows(new_rows, +1)
        self._rows_by_id.update(zip(map(_AID, new_rows), new_rows, strict=True))
        self.endInsertRows()

        self.content_version += 1
        self.layoutAboutToBeChanged.emit()
        persistent, kept_rows = self._persistent_rows()
        additions = zip(gaps, new_keys, new_rows, strict=True)
        self._rows, self._keys = _splice(old_rows, old_keys, additions)
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
        destination = _move_destination(old_model_row, new_model_row)
        moving = destination is not None
        if destination is not None:
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

        Made when a view watched this model through Qt's filter proxy, which handled a move
        by re-mapping every row (170 ms at 100,000 rows).  No view watches it now (the
        filtered list follows touched ids), so this only keeps the signals the tests hold.
        Only for rows no view holds (a move keeps selection and current row; this would
        drop them).
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

    def _count_rows(self, rows: list[_Row], delta: int) -> None:
        """:meth:`_count` for many rows: most have no problems, so ``is_error`` (two
        property calls) is asked only of those that have some."""
        problems = unpublished = 0
        for row in rows:
            summary = row.summary
            if summary.problems and summary.is_error:
                problems += 1
            elif not summary.published:
                unpublished += 1
        self._problems += delta * problems
        self._unpublished += delta * unpublished

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


def _splice(
    rows: list[_Row], keys: list[tuple], additions: Iterable[tuple[int, tuple, _Row]]
) -> tuple[list[_Row], list[tuple]]:
    """``rows`` and ``keys`` with each ``(gap, key, row)`` of ``additions`` (ascending) put
    before stored position ``gap``: slices copied in C around the new rows, no comparisons,
    a few milliseconds for 100,000 rows."""
    out_rows: list[_Row] = []
    out_keys: list[tuple] = []
    previous = 0
    for gap, key, row in additions:
        out_rows += rows[previous:gap]
        out_keys += keys[previous:gap]
        out_rows.append(row)
        out_keys.append(key)
        previous = gap
    out_rows += rows[previous:]
    out_keys += keys[previous:]
    return out_rows, out_keys


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
"""Rows changing visibility past which the filtered list is replaced in one layout change
instead of row runs."""
MAX_CHANGE_RUNS = 64
"""Separate insert or removal runs in one change past which the filtered list is replaced
in one layout change: each run is a pass over the view's persistent indexes and headers."""


class ArticleFilterProxy(_SortedRows):
    """The list the view shows: the source's rows that pass one search-language query, in
    the source's order, kept as its own sorted arrays.

    Why not ``QSortFilterProxyModel``: it re-maps every row on a filter change, one Python
    ``filterAcceptsRow`` per row (0.13-0.18 s a keystroke at 100,000 rows), and each insert
    or move updates its whole mapping (8-16 ms each at 100,000, 0.1-0.2 s per merge of a
    scan batch).  Here the shown rows are a sorted subset of the source's rows, found by
    binary search on the source's unique sort keys; a source change arrives as the ids it
    touched (``articlesTouched``) and becomes the narrowest signals for just those rows,
    whatever the list's length.  A filter change decides every row in one compiled pass
    and replaces the shown rows in one layout change (or as runs when only a few flip);
    selection and current row survive through their persistent indexes.

    The current filter is one query (:mod:`reader.domain.query`): the *base* (the chosen
    saved search or View ▸ filter, e.g. ``is:unpublished``) and the *typed* text of the
    search field, ANDed.  Metadata is judged from memory at once; terms that need bodies
    are answered later from the index cache (``set_body_matches``, one lookup per text),
    because bodies are never all held in memory.  The pinned article (the one being read)
    stays visible even when a change would filter it out, so the editor's place is never
    yanked away.  A malformed typed query keeps the last good one and says why through
    ``queryErrorChanged`` (an empty text once it parses again).
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
        self._source: ArticleTableModel | None = None
        # The shown rows (ascending by the source's current key in the lists of
        # _SortedRows) by id.
        self._shown_by_id: dict[str, _Row] | None = {}
        self._sort_state: tuple[int, Qt.SortOrder] | None = None
        self._records_list: list[Folded] = []
        self._records_version = -1
        self.folded = FoldedCache()
        """Folded search records of the rows, shared with whoever judges the same rows."""
        self._prefold_timer = QTimer(self)
        self._prefold_timer.setInterval(0)  # PREFOLD_LOADING_INTERVAL_MS while loading
        self._prefold_timer.timeout.connect(self._prefold_slice)
        self._prefold_rows: list[_Row] = []
        self._loading_since: float | None = None
        self._sorting = False
        # A long list's filter is judged on a worker thread (BACKGROUND_FILTER_ROWS);
        # each new filter supersedes the judgement still on its way.
        self._filter_request = self._judged_request = 0
        self._filter_worker: Worker | None = None
        self._filter_poster: GuiPoster | None = None
        # Relative dates (date:today, 7d) are resolved when a query is parsed: a new day
        # parses the current texts again.
        self._today = date.today()
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._day_timer.timeout.connect(self._on_day_check)
        self._day_timer.start()

    def setSourceModel(self, model: ArticleTableModel) -> None:
        self._source = model
        model.modelReset.connect(self._on_source_reset)
        model.layoutChanged.connect(self._on_source_layout_changed)
        model.articlesTouched.connect(self._follow)
        model.dataChanged.connect(self._on_source_data_changed)
        model.loadingChanged.connect(self._on_source_loading_changed)
        self._on_source_reset()

    def sourceModel(self) -> ArticleTableModel:
        return self._source  # type: ignore[return-value]

    def source(self) -> ArticleTableModel:
        return self._source  # type: ignore[return-value]

    # -- Qt model interface ------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._source is None:
            return None
        return self._source.headerData(section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        return self._source.row_data(self._row_at(index.row()), index.column(), role)  # type: ignore[union-attr]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._source is not None:
            self._source.sort(column, order)

    # -- mapping to the source -----------------------------------------------------------

    def mapToSource(self, index: ModelIndex) -> QModelIndex:
        source = self._source
        if source is None or not index.isValid():
            return QModelIndex()
        row = source.row_of(self._row_at(index.row()).summary.id)
        return QModelIndex() if row is None else source.index(row, index.column())

    def mapFromSource(self, index: ModelIndex) -> QModelIndex:
        if self._source is None or not index.isValid():
            return QModelIndex()
        row = self.proxy_row_of(self._source.summary_at(index.row()).id)
        return QModelIndex() if row is None else self.index(row, index.column())

    def filterAcceptsRow(self, source_row: int, _parent: ModelIndex = _ROOT) -> bool:
        """Whether the source's row passes the current filter (decided on its own)."""
        return self._accepts(self._source.summary_at(source_row))  # type: ignore[union-attr]

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
        self._set_queries(typed, self._base)
        self._refilter()

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
        self._set_queries(self._typed, base)
        self._refilter()

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
        self._body[needle] = set(article_ids)
        self._refilter()

    def set_state_filter(self, state: StateFilter) -> None:
        """A View ▸ filter: the base query of the matching built-in saved search."""
        self.set_base_query(STATE_QUERIES[state])

    def state_filter(self) -> StateFilter:
        return self._state

    def set_pinned_id(self, article_id: str | None) -> None:
        """Keep ``article_id`` shown whatever the filter says (the article being read).

        Called while the view changes its current row: at most the two pinned rows are
        reconsidered, as single-row changes, never a layout change.
        """
        if article_id == self._pinned:
            return
        before, self._pinned = self._pinned, article_id
        self._follow([i for i in (before, article_id) if i is not None])

    def pinned_id(self) -> str | None:
        return self._pinned

    def article_id_at(self, proxy_row: int) -> str:
        return self._row_at(proxy_row).summary.id

    def summary_at(self, proxy_row: int) -> ArticleSummary:
        return self._row_at(proxy_row).summary

    def proxy_row_of(self, article_id: str) -> int | None:
        """The shown row of ``article_id``: a binary search on its sort key."""
        row = self._shown.get(article_id)
        if row is None or self._source is None:
            return None
        return self._row_of_position(bisect.bisect_left(self._keys, self._source.key_of(row)))

    def article_data(self, article_id: str, column: int, role: int) -> Any:
        """``data()`` of the shown row of ``article_id`` (None when it is not shown), found
        by id: the story list asks this for every cell it paints."""
        row = self._shown.get(article_id)
        if row is None or self._source is None:
            return None
        return self._source.row_data(row, column, role)

    def shown_summaries(self) -> list[ArticleSummary]:
        """Every shown article, in row order (for the story tree's regrouping)."""
        rows = self._rows[::-1] if self._descending() else self._rows
        return [row.summary for row in rows]

    def is_filtering(self) -> bool:
        return not self._query.is_empty

    # -- internals: following the source ---------------------------------------------------

    def _descending(self) -> bool:
        return self._sort_state is not None and self._sort_state[1] == _DESCENDING

    def _pick(self) -> tuple[list[_Row], list[tuple]]:
        """The source's rows that pass, with their keys, in stored order: every row decided
        in one compiled pass, the keys taken from the source rather than computed again."""
        source = self._source
        rows, keys = source.stored_rows(), source.stored_keys()  # type: ignore[union-attr]
        if self._query.is_empty:
            return list(rows), list(keys)
        return self._picked(self._query.judge(self._records(), self._body))

    def _picked(self, verdicts: list[bool]) -> tuple[list[_Row], list[tuple]]:
        """The source's stored rows (and keys) whose verdict is True, and the pinned one."""
        source = self._source
        rows, keys = source.stored_rows(), source.stored_keys()  # type: ignore[union-attr]
        pinned = source.stored_row(self._pinned) if self._pinned else None  # type: ignore[union-attr]
        if pinned is not None:
            verdicts[bisect.bisect_left(keys, source.key_of(pinned))] = True  # type: ignore[union-attr]
        return list(compress(rows, verdicts)), list(compress(keys, verdicts))

    def _records(self) -> list[Folded]:
        """The search records of the source's stored rows, in stored order.

        Each row keeps its own record (a changed file is a new row), so after a change
        this is one pass reading an attribute (~3 ms at 100,000) where a lookup by id cost
        35 ms; a keystroke with nothing changed reuses the list as it is.
        """
        source = self._source
        if self._records_version != source.content_version:  # type: ignore[union-attr]
            rows = source.stored_rows()  # type: ignore[union-attr]
            self._records_list = _records_of(rows, self.folded)
            self._records_version = source.content_version  # type: ignore[union-attr]
        return self._records_list

    def _accepts(self, summary: ArticleSummary) -> bool:
        """Whether one article passes the filter (a changed row)."""
        if summary.id == self._pinned:
            return True
        return self._query.matches(summary, self._body, self.folded)

    def _on_source_reset(self) -> None:
        source = self._source
        self.beginResetModel()
        if source is None:
            self._rows, self._keys, self._shown_by_id = [], [], {}
        else:
            self._sort_state = source.sort_state()
            self._install(*self._pick())
        self.endResetModel()
        if source is not None:
            self._prefold_rows = list(source.stored_rows())
            self._prefold_timer.start()

    @property
    def _shown(self) -> dict[str, _Row]:
        """The shown rows by id; after a filter change, made on first use (8-11 ms for
        60,000 rows that a keystroke need not wait for)."""
        shown = self._shown_by_id
        if shown is None:
            shown = self._shown_by_id = dict(zip(map(_AID, self._rows), self._rows, strict=True))
        return shown

    def _install(
        self, rows: list[_Row], keys: list[tuple], shown: dict[str, _Row] | None = None
    ) -> None:
        """Make ``rows`` (ascending by the source's key, with their ``keys``) the shown
        rows; ``shown`` is the same rows by id, when the caller kept that up to date."""
        self._rows = rows
        self._keys = keys
        self._shown_by_id = shown  # made when first asked for, if None

    def _on_source_layout_changed(self, *_args: object) -> None:
        """A new sort order: the same rows in the source's new order, one layout change.
        (The source also re-sorts after adding a block; its ids follow as a touch.)"""
        source = self._source
        if source is None or source.sort_state() == self._sort_state:
            return
        shown = self._shown
        self._relayout(lambda: self._pick_shown(shown), sort_state=source.sort_state())

    def _pick_shown(
        self, shown: dict[str, _Row]
    ) -> tuple[list[_Row], list[tuple], dict[str, _Row]]:
        """The source's rows among ``shown``, with their keys, in stored order (the same
        rows, so ``shown`` stays their table by id)."""
        rows, keys = self._source.stored_rows(), self._source.stored_keys()  # type: ignore[union-attr]
        if len(shown) == len(rows):
            return list(rows), list(keys), shown
        flags = [aid in shown for aid in map(_AID, rows)]
        return list(compress(rows, flags)), list(compress(keys, flags)), shown

    def _relayout(
        self,
        rows: Callable[[], tuple[list[_Row], list[tuple]] | tuple[list[_Row], list[tuple], dict]],
        sort_state: tuple[int, Qt.SortOrder] | None = None,
    ) -> None:
        """Replace the shown rows in one layout change; persistent indexes follow their
        articles, or become invalid when their article is no longer shown.  While a new
        sort order is laid out, :meth:`is_sorting` says so (a view then keeps the current
        row in sight rather than the top one; PySide cannot emit Qt's layout hints)."""
        self._sorting = sort_state is not None
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [self._row_at(index.row()) for index in persistent]
        if sort_state is not None:
            self._sort_state = sort_state
        self._install(*rows())
        moved = []
        shown_rows, shown_keys = self._rows, self._keys
        for index, row in zip(persistent, kept, strict=True):
            # Found by its key (current under the new order too: the source made it), not
            # through the id table, which a keystroke leaves to be made when needed.
            # A row replaced meanwhile (a changed file) is found by its id after all.
            position = bisect.bisect_left(shown_keys, row.key)
            if position < len(shown_rows) and shown_rows[position] is row:
                shown_row: int | None = self._row_of_position(position)
            else:
                shown_row = self.proxy_row_of(row.aid)
            moved.append(
                QModelIndex() if shown_row is None else self.index(shown_row, index.column())
            )
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        self._sorting = False

    def is_sorting(self) -> bool:
        """Whether the layout change in progress is a new sort order."""
        return self._sorting

    def _on_source_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        """One column restyled for every row (dates that age, state icons): the same here.
        Row edits arrive as touched ids instead."""
        if top_left.column() == bottom_right.column() and self._rows:
            column = top_left.column()
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def _follow(self, article_ids: list[str]) -> None:
        """Bring the rows of ``article_ids`` up to date: the source added, changed or removed
        them (or the pin moved).  O(changes x log n): each id is a dictionary lookup and a
        binary search, and the signals are the narrowest that say what happened."""
        source = self._source
        if source is None:
            return
        if self._query.is_empty and self._follow_additions(article_ids):
            return
        key = source.key_of
        removed: list[int] = []  # stored positions of rows no longer shown
        added: list[_Row] = []
        changed: list[tuple[int, _Row]] = []
        moved: list[tuple[int, _Row]] = []
        fold_later = self._prefold_rows
        unfiltered = self._query.is_empty
        for article_id in dict.fromkeys(article_ids):
            old = self._shown.get(article_id)
            new = source.stored_row(article_id)
            if new is not None and old is None and unfiltered:
                fold_later.append(new)  # judged below when filtering
            keep = new is not None and self._accepts(new.summary)
            if old is None:
                if keep:
                    added.append(new)  # type: ignore[arg-type]
                continue
            position = bisect.bisect_left(self._keys, key(old))
            if not keep:
                removed.append(position)
            elif key(new) == self._keys[position]:  # type: ignore[arg-type]
                changed.append((position, new))  # type: ignore[arg-type]
            else:
                moved.append((position, new))  # type: ignore[arg-type]
        if fold_later and not self._prefold_timer.isActive():
            self._prefold_timer.start()
        if len(moved) > MAX_CHANGE_RUNS:
            removed += [position for position, _row in moved]
            added += [row for _position, row in moved]
            moved = []
        for position, row in changed:
            self._rows[position] = row
            self._shown[row.summary.id] = row
        for first, last in _runs(sorted(self._row_of_position(p) for p, _row in changed)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, _COLUMN_COUNT - 1), [])
        for _position, row in moved:
            self._move(row)
        # Each new row's key and place found once (a bisection over 100,000 tuple keys is
        # ~1.7 us): they decide between runs and one layout change, and serve either.
        keyed = sorted((key(row), row) for row in added)
        gaps = _gaps_of(self._keys, map(_KEY_OF_PAIR, keyed))
        if len(removed) + len(added) > WIDE_FILTER_CHANGE and (
            _run_count(removed) + len(set(gaps)) > MAX_CHANGE_RUNS
        ):
            gone = {self._rows[p].aid for p in removed}
            self._relayout(lambda: self._merged(gone, keyed, None if gone else gaps))
            return
        self._remove_positions(removed)
        self._insert(keyed, None if removed else gaps)

    def _follow_additions(self, article_ids: list[str]) -> bool:
        """:meth:`_follow` for what a load sends, rows the source has just added while no
        filter is set: every one is shown, so none is judged, and each is looked up once
        (a Python step per id of the general case was 0.25-0.5 s of a warm start of
        100,000).  False, having done nothing, when any id is not such a row."""
        source = self._source
        assert source is not None
        shown = self._shown
        if any(map(shown.__contains__, article_ids)):
            return False
        added = list(map(source.stored_row, dict.fromkeys(article_ids)))
        if None in added:
            return False
        self._prefold_rows += added
        if not self._prefold_timer.isActive():
            self._prefold_timer.start()
        keyed = sorted(zip(map(_KEY, added), added, strict=True))  # type: ignore[arg-type]
        keys = self._keys
        gaps = _gaps_of(keys, map(_KEY_OF_PAIR, keyed))
        if len(added) > WIDE_FILTER_CHANGE and len(_gap_runs(gaps)) > MAX_CHANGE_RUNS:
            self._relayout(lambda: self._merged(set(), keyed, gaps))
        else:
            self._insert(keyed, gaps)
        return True

    def _merged(
        self, gone: set[str], keyed: list[tuple[tuple, _Row]], gaps: list[int] | None
    ) -> tuple[list[_Row], list[tuple], dict[str, _Row]]:
        """The shown rows without ``gone``, with the sorted ``(key, row)`` pairs of ``keyed``
        merged in at their places (``gaps``, when known), and the id table updated in place
        (rebuilding it was 40 ms a merge at 100,000)."""
        shown = self._shown
        rows, keys = self._rows, self._keys
        if gone:
            flags = [aid not in gone for aid in map(_AID, rows)]
            rows, keys = list(compress(rows, flags)), list(compress(keys, flags))
            for aid in gone:
                del shown[aid]
        if not keyed:
            return rows, keys, shown
        shown.update((row.aid, row) for _key, row in keyed)
        if gaps is None:
            gaps = _gaps_of(keys, map(_KEY_OF_PAIR, keyed))
        additions = ((g, k, r) for g, (k, r) in zip(gaps, keyed, strict=True))
        return (*_splice(rows, keys, additions), shown)

    def _remove_positions(self, positions: list[int]) -> None:
        """Remove stored positions, one ``beginRemoveRows`` per run of rows, last first."""
        rows = sorted(self._row_of_position(p) for p in positions)
        for first, last in reversed(list(_runs(rows))):
            start = self._row_of_position(last if self._descending() else first)
            end = start + (last - first)
            self.beginRemoveRows(_ROOT, first, last)
            for row in self._rows[start : end + 1]:
                del self._shown[row.summary.id]
            del self._rows[start : end + 1]
            del self._keys[start : end + 1]
            self.endRemoveRows()

    def _insert(self, keyed: list[tuple[tuple, _Row]], gaps: list[int] | None = None) -> None:
        """Insert the sorted ``(key, row)`` pairs of ``keyed`` at their places (``gaps``,
        when known), one ``beginInsertRows`` per gap they fill."""
        if not keyed:
            return
        if gaps is None:
            gaps = _gaps_of(self._keys, map(_KEY_OF_PAIR, keyed))
        shown = self._shown

        def register(rows: list[_Row]) -> None:
            shown.update((row.aid, row) for row in rows)

        new_keys = [row_key for row_key, _row in keyed]
        new_rows = [row for _key, row in keyed]
        self._insert_runs(new_keys, new_rows, gaps, register)

    def _move(self, row: _Row) -> None:
        """Move one shown row whose sort key changed, keeping selection and current row."""
        key = self._source.key_of  # type: ignore[union-attr]
        article_id = row.summary.id
        old_position = bisect.bisect_left(self._keys, key(self._shown[article_id]))
        old_row = self._row_of_position(old_position)
        new_key = key(row)
        # Where it goes once taken out (the lists only change after beginMoveRows: whoever
        # listens reads the rows as they were until then).
        new_position = bisect.bisect_left(self._keys, new_key)
        if new_position > old_position:
            new_position -= 1
        count = len(self._rows)
        new_row = (count - 1 - new_position) if self._descending() else new_position
        destination = _move_destination(old_row, new_row)
        moving = destination is not None
        if destination is not None:
            self.beginMoveRows(_ROOT, old_row, old_row, _ROOT, destination)
        del self._rows[old_position]
        del self._keys[old_position]
        self._rows.insert(new_position, row)
        self._keys.insert(new_position, new_key)
        self._shown[article_id] = row
        if moving:
            self.endMoveRows()
        self.dataChanged.emit(
            self.index(new_row, 0), self.index(new_row, _COLUMN_COUNT - 1), []
        )

    # -- internals: the filter -------------------------------------------------------------

    def _on_day_check(self) -> None:
        if date.today() == self._today:
            return
        self._today = date.today()
        if any(term.field == "date" for term in self._query.terms()):
            self._set_queries(parse_query(self._typed.text), parse_query(self._base.text))
            self._refilter()

    def _set_error(self, message: str) -> None:
        if message != self._error:
            self._error = message
            self.queryErrorChanged.emit(message)

    def _set_queries(self, typed: Query, base: Query) -> None:
        self._typed, self._base = typed, base
        self._query = combine(base, typed)
        wanted = set(self._query.body_terms)
        self._body = {term: ids for term, ids in self._body.items() if term in wanted}

    def _refilter(self) -> None:
        """Decide every row under the new filter and show the result.

        Every row is decided in one compiled pass (25-35 ms at 100,000 for a metadata
        query on an idle machine, 70-90 ms on a busy one, twice a keystroke once the body
        matches come in).  From :data:`BACKGROUND_FILTER_ROWS` rows on, that pass runs on
        a worker thread and the result is shown when it comes back, so typing never waits
        for it (:meth:`_judge_in_background`).  A few rows that flip are removed and
        inserted as runs; past :data:`WIDE_FILTER_CHANGE` the shown rows are replaced in
        one layout change.
        """
        self._filter_request += 1
        source = self._source
        if (
            source is not None
            and not self._query.is_empty
            and len(source.stored_rows()) >= BACKGROUND_FILTER_ROWS
        ):
            self._judge_in_background()
            return
        self._judged_request = self._filter_request  # any judgement on its way is stale
        if source is not None:
            self._show_picked(*self._pick())
        self.queryChanged.emit()

    def is_judging(self) -> bool:
        """Whether a new filter is still being judged on the worker thread (the rows
        shown are the previous filter's until it is done)."""
        return self._filter_poster is not None and self._judged_request < self._filter_request

    def _show_picked(self, rows: list[_Row], keys: list[tuple]) -> None:
        if len(rows) != len(self._rows) or rows != self._rows:
            self._show(rows, keys)

    def _judge_in_background(self) -> None:
        """Judge every row on the filter worker: the records list and the body answers are
        handed over as they are now (neither is changed in place: a change makes new
        ones), and the verdicts come back to :meth:`_on_judged`."""
        source = self._source
        assert source is not None
        if self._filter_worker is None or self._filter_poster is None:
            self._filter_worker = Worker("reader-filter")
            self._filter_poster = GuiPoster(self)
            # Not a bound method: the proxy is on its way out when this runs.
            stop = partial(_stop_filter_worker, self._filter_poster, self._filter_worker)
            self.destroyed.connect(stop)
        version = source.content_version
        query, body = self._query, dict(self._body)
        if self._records_version == version:
            job = partial(_judge_records, query, body, self._records_list)
        else:
            # Rows not folded yet (a keystroke soon after a load) are folded there too:
            # the worker gets a snapshot of the rows, which the source changes in place.
            job = partial(_judge_rows, query, body, list(source.stored_rows()), self.folded)
        judged = self._filter_worker.submit(job)
        handle = partial(self._on_judged, self._filter_request, version)
        self._filter_poster.when_done(judged, handle)

    def _on_judged(
        self, request: int, version: int, done: Future[tuple[list[Folded], list[bool]]]
    ) -> None:
        if request != self._filter_request or self._source is None:
            return  # a newer filter is on its way
        self._judged_request = request
        judged = result_or_none(done)
        verdicts = None if judged is None else judged[1]
        if judged is not None and version == self._source.content_version:
            self._records_list, self._records_version = judged[0], version
        if verdicts is None or version != self._source.content_version:
            # The rows changed meanwhile (a file, a load): the verdicts no longer line up
            # with them, so this once the rows are judged here and now.
            self._show_picked(*self._pick())
        else:
            self._show_picked(*self._picked(verdicts))
        self.queryChanged.emit()

    def _show(self, rows: list[_Row], keys: list[tuple]) -> None:
        """Show ``rows`` instead of the current ones: as runs of removals and inserts when
        only a few differ, else in one layout change."""
        if abs(len(rows) - len(self._rows)) <= WIDE_FILTER_CHANGE:
            shown = self._shown
            fresh = set(map(_AID, rows))
            gone = [p for p, aid in enumerate(map(_AID, self._rows)) if aid not in fresh]
            added = [
                (key, row) for key, row in zip(keys, rows, strict=True) if row.aid not in shown
            ]
            if len(gone) + len(added) <= WIDE_FILTER_CHANGE:
                self._remove_positions(gone)
                self._insert(added)
                return
        self._relayout(lambda: (rows, keys))

    def is_prefolding(self) -> bool:
        """Whether rows are still being folded: bulk readers of :attr:`folded` wait."""
        return bool(self._prefold_rows)

    def _on_source_loading_changed(self, loading: bool) -> None:
        self._loading_since = perf_counter() if loading else None
        self._prefold_timer.setInterval(PREFOLD_LOADING_INTERVAL_MS if loading else 0)
        if self._prefold_rows:
            self._prefold_timer.start()

    def _prefold_slice(self) -> None:
        """Fold rows' search text in idle slices, so the first keystroke need not.

        While the folder is read: nothing for :data:`PREFOLD_LOADING_DELAY_S`, then one
        slice every :data:`PREFOLD_LOADING_INTERVAL_MS`.  Slices in every idle turn took the
        interpreter from the thread reading a warm start (every row of 100,000 came 0.2-0.6
        s later even at this pace, and a warm start is over in about two seconds); none at
        all left a cold load of 100,000 with every row to fold when it ended, so that a
        keystroke two seconds later took a second.
        """
        since = self._loading_since
        if since is not None and perf_counter() - since < PREFOLD_LOADING_DELAY_S:
            return
        deadline = perf_counter() + PREFOLD_SLICE_S
        waiting, records = self._prefold_rows, self.folded.records
        while waiting and perf_counter() < deadline:
            rows = waiting[:PREFOLD_CHUNK]
            del waiting[:PREFOLD_CHUNK]
            for row, record in zip(rows, records([r.summary for r in rows]), strict=True):
                row.folded = record
        # The records live as long as their rows: out of the cyclic collector's
        # generations, as the window does with the articles, so that its full passes
        # (65-105 ms among 7 ms slices at 100,000 articles) do not walk them.
        gc.freeze()
        if not self._prefold_rows:
            self._prefold_timer.stop()


_AID = operator.attrgetter("aid")
_KEY = operator.attrgetter("key")
_KEY_OF_PAIR = operator.itemgetter(0)
"""The key of a ``(key, row)`` pair."""
_FOLDED = operator.attrgetter("folded")


def _stop_filter_worker(poster: GuiPoster, worker: Worker, *_destroyed: object) -> None:
    """A proxy going away: a judgement still running finishes, and its result is dropped
    (the poster is the proxy's child, still there while ``destroyed`` is delivered)."""
    poster.close()
    worker.shutdown()


def _records_of(rows: list[_Row], folded: FoldedCache) -> list[Folded]:
    """The search records of ``rows``, folding (and keeping on its row) any not made yet."""
    records = list(map(_FOLDED, rows))
    record, position = folded.record, -1
    with suppress(ValueError):  # list.index finds the rows not folded yet in C
        while True:
            position = records.index(None, position + 1)
            row = rows[position]
            records[position] = row.folded = record(row.summary)
    return records


def _judge_records(
    query: Query, body: dict[str, set[str]], records: list[Folded]
) -> tuple[list[Folded], list[bool]]:
    """The filter worker's job when every record is at hand."""
    return records, query.judge(records, body)


def _judge_rows(
    query: Query, body: dict[str, set[str]], rows: list[_Row], folded: FoldedCache
) -> tuple[list[Folded], list[bool]]:
    """The filter worker's job when some rows are not folded yet."""
    return _judge_records(query, body, _records_of(rows, folded))


BACKGROUND_FILTER_ROWS = 20_000
"""From this many rows on, a new filter is judged on a worker thread.  On the GUI thread a
keystroke at 100,000 rows held the window 160-400 ms (a pass over every row for the
keystroke and another when its body matches came in); on the worker, Python hands the
interpreter lock back to the GUI thread every 0.5 ms (``main_window.GIL_SWITCH_INTERVAL_S``),
so the window keeps answering and the list follows a moment later.  Shorter lists are
judged at once, which keeps the filter synchronous where it costs nothing."""


def _run_count(positions: list[int]) -> int:
    """How many contiguous runs ``positions`` (any order) make."""
    return sum(1 for _run in _runs(sorted(positions)))


DAY_CHECK_MS = 60_000
"""How often the proxy looks whether a new day began (for date:today and the like)."""
PREFOLD_SLICE_S = 0.006
"""Time spent folding rows per idle event-loop turn; the tallies take 5 ms each beside it
(1,500 rows a turn were 25 ms, and made the turns after a warm start of 100,000 too long)."""
PREFOLD_LOADING_INTERVAL_MS = 40
"""Between two folding slices while the folder is read."""
PREFOLD_LOADING_DELAY_S = 3.0
"""How long a load runs before rows are folded during it (a warm start is over by then)."""
PREFOLD_CHUNK = 100
"""Rows folded between two looks at the clock."""

STATE_QUERIES = {
    StateFilter.ALL: "",
    StateFilter.UNPUBLISHED: "is:unpublished",
    StateFilter.PUBLISHED: "is:published",
    StateFilter.PROBLEMS: "is:problem",
}
"""The View ▸ filters as queries: each is a built-in saved search."""
_STATE_OF_BASE = {text: state for state, text in STATE_QUERIES.items()}
