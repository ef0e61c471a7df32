"""The list grouped by story: a tree over the filtered, sorted flat list, and its grouping.

:class:`StoryTreeModel` does not filter or sort anything itself: it reads the rows of the
flat :class:`~reader.ui.article_model.ArticleFilterProxy` (so sorting, state filters and
the search language decide exactly as they do for the flat list) and groups them by the
story ids :class:`StoryGrouping` computes in a worker process.  A story is shown when any
of its articles passes the filter, where its first article sits in the flat order; a story
of one article is a plain article row.  Article rows answer every role as the flat list
does (column 0's ``UserRole`` is the article id); story rows carry their id under
:attr:`StoryRole.STORY` and leave ``UserRole`` empty.  The window shows this tree
through :mod:`reader.ui.story_list`, flattened: no view asks it about every row.
"""

from __future__ import annotations

import operator
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, NamedTuple

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

from reader.domain.article import ArticleSummary
from reader.domain.collector import cyclic_gc_paused
from reader.domain.words import counted
from reader.index.loader import (
    PackedStories,
    packed_live_folder_stories,
    start_background_process,
    unpack_stories,
)

from .article_model import ArticleFilterProxy, Column, Role

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_ID = operator.attrgetter("id")


REBUILD_DELAY_MS = 60
"""Changes of the flat list within this long regroup the tree once."""
SLICED_FROM_ROWS = 20_000
"""From this many flat rows a regrouping is prepared in slices between events (see
:meth:`StoryTreeModel.rebuild_soon`): turning the view on at 100,000 articles, or the first
grouping arriving, regrouped every row in one go, 0.15-0.35 s of a frozen window."""
SLICE_ROWS = 10_000
"""Flat rows (or new groups) prepared per step of a sliced regrouping (~10 ms)."""
SLICE_S = 0.02
"""How long a sliced regrouping works before it lets the window's events run."""
MAX_RESTARTS = 2
"""Sliced preparations begun again in a row before the next regrouping runs in one go."""


class StoryRole(IntEnum):
    STORY = Qt.ItemDataRole.UserRole + 20
    """The story id, on story rows and article rows alike."""
    IS_STORY = Qt.ItemDataRole.UserRole + 21
    """True on a story row (one with children)."""
    DEPTH = Qt.ItemDataRole.UserRole + 22
    """In the flat story list: 0 on a story or plain row, 1 on an article under its story."""
    OPEN = Qt.ItemDataRole.UserRole + 23
    """In the flat story list: True on a story row whose articles show under it."""


def _collector_paused_for(rows: int) -> AbstractContextManager[None]:
    """The cycle collector paused while groups for ``rows`` flat rows are made, if many.

    Up to 100,000 lists and groups made at once, none in a cycle: the collector's passes
    over them were a third of turning the view on at 100,000 articles.  What is made stays
    frozen, as the window keeps its rows; a small list is not worth freezing for (and a
    freeze would keep whatever garbage cycles wait for the collector until the end).
    """
    if rows < SLICED_FROM_ROWS:
        return nullcontext()
    return cyclic_gc_paused(keep_frozen=True)


class _Prepared(NamedTuple):
    """A regrouping ready to apply: the flat rows it was made from, each story's shown
    articles in list order, and the groups that show them in that order (those the tree
    shows already, reused, get their members only when applied) with their lookups."""

    summaries: list[ArticleSummary]
    wanted: dict[str, list[ArticleSummary]]
    groups: list[_Group] | None
    lookups: tuple[dict[int, _Group], dict[str, _Group]] | None


@dataclass(slots=True, eq=False)
class _Group:
    story: str
    uid: int
    """The children's internal id: stable while the story is shown, whatever moves."""
    members: list[ArticleSummary]
    """The story's shown articles, in list order (one: a plain article row)."""
    position: int = 0
    counts: tuple[int, int] | None = None
    """(published, outlets), counted when first shown."""

    def set_members(self, members: list[ArticleSummary]) -> None:
        self.members, self.counts = members, None

    @property
    def kids(self) -> int:
        return len(self.members) if len(self.members) > 1 else 0

    @property
    def published(self) -> int:
        return self._counts()[0]

    @property
    def outlets(self) -> int:
        return self._counts()[1]

    def _counts(self) -> tuple[int, int]:
        if self.counts is None:
            members = self.members
            published = sum(bool(s.published and not s.is_error) for s in members)
            outlets = len({s.source or s.source_domain for s in members} - {""})
            self.counts = (published, outlets)
        return self.counts


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted positions as [first, last] runs."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def _edit_runs(
    old: list[str], new: list[str]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """Removal runs (old positions) then insertion runs (new positions) that turn ``old``
    into ``new``, or None when the items both keep are in another order."""
    if old == new:
        return [], []
    new_set, old_set = set(new), set(old)
    if [k for k in old if k in new_set] != [k for k in new if k in old_set]:
        return None
    removed = [i for i, k in enumerate(old) if k not in new_set]
    inserted = [i for i, k in enumerate(new) if k not in old_set]
    return _runs(removed), _runs(inserted)


MAX_TOP_RUNS = 24
"""Top-level runs past this are one layout change: each run renumbers the stories below it
and costs the view a pass, while a layout change costs one pass whatever moved."""
MAX_FOLLOWED_ROWS = 64
"""Flat rows placed into the tree one by one per event-loop turn; past this the tree is
regrouped once (each row costs a renumbering of the stories below it)."""
MAX_MOVED_ARTICLES = 16
"""A new grouping that moves at most this many shown articles to other stories moves just
their rows (each a renumbering of the stories below it); past this, the tree regroups."""
MAX_CHILD_RUNS = 400
"""The same for runs inside stories (each only one signal, no renumbering)."""


class StoryTreeModel(QAbstractItemModel):
    """Stories as parents of their shown articles; see the module docstring.

    A change of the flat list or of the grouping is applied as the difference between the
    tree shown and the tree wanted: stories and articles that appear or go are inserted and
    removed in runs, rows whose article changed get ``dataChanged``, and only a change that
    reorders what stays (a new sort, a story whose first article moved) or one of too many
    runs is one layout change; expanded stories, the current row and the scroll survive
    each of them through Qt's persistent indexes.
    """

    repaintWanted = Signal()
    """The flat list's rows changed in place: what the tree shows may read differently
    (dates that age, a publish) without a row to edit; the view repaints what it shows."""
    regroupedRows = Signal()
    """A regrouping of every row was applied: the tree is current (:meth:`is_current`)."""

    def __init__(self, flat: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._flat = flat
        self._stories: dict[str, str] = {}
        self._groups: list[_Group] = []
        self._by_uid: dict[int, _Group] = {}
        self._by_story: dict[str, _Group] = {}
        self._row_of: dict[str, int] = {}
        """Article id -> flat row, as of the last regrouping (a flat model not the proxy)."""
        self._proxy = flat if isinstance(flat, ArticleFilterProxy) else None
        """The flat list's own id -> row lookup (a binary search), where it has one."""
        self._columns = flat.columnCount()
        self._next_uid = 1
        self._active = True
        self._stale = False
        self._all_moved = False
        """Whether every article may have changed story since the groups shown were made
        (the first grouping arrived): the next rebuild relayouts without first looking for
        a few edits that would do (50-60 ms at 100,000 articles to find there are none)."""
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self.rebuild_soon)
        self._preparing: Generator[None, None, _Prepared] | None = None
        """A regrouping being prepared in slices (:meth:`rebuild_soon`), or None."""
        self._restarts = 0
        """Preparations started again in a row by changes that came meanwhile: a folder that
        keeps changing must not keep the tree from ever being regrouped."""
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._prepare_slice)
        self._removing: list[ArticleSummary] | None = None
        self._turn_rows = 0
        """Flat rows followed one by one in this event-loop turn (see MAX_FOLLOWED_ROWS)."""
        self._turn_timer = QTimer(self)
        self._turn_timer.setSingleShot(True)
        self._turn_timer.setInterval(0)
        flat.modelReset.connect(self._schedule_rebuild)
        flat.rowsAboutToBeMoved.connect(self._on_flat_rows_about_to_be_moved)
        flat.rowsMoved.connect(self._on_flat_rows_moved)
        flat.layoutChanged.connect(self._on_flat_layout_changed)
        flat.rowsAboutToBeRemoved.connect(self._on_flat_rows_about_to_be_removed)
        flat.rowsRemoved.connect(self._on_flat_rows_removed)
        flat.rowsInserted.connect(self._on_flat_rows_inserted)
        flat.dataChanged.connect(self._on_flat_data_changed)
        flat.dataChanged.connect(self.repaintWanted)
        self.rebuild()

    # -- feeding -----------------------------------------------------------------------------

    def set_stories(
        self,
        stories: dict[str, str],
        since: dict[str, str] | None = None,
        moved: list[str] | None = None,
    ) -> None:
        """Article id -> story id, as :func:`reader.index.loader.folder_stories` gives it.

        A new grouping that moves only a few articles (a file changed in the live folder)
        moves just their rows; regrouping all 100,000 rows cost the GUI thread ~200 ms.
        ``moved``, when given, are the articles whose story differs from grouping ``since``
        (:attr:`StoryGrouping.regrouped`); if ``since`` is the grouping shown, ``stories``
        is taken over as it is (never changed by the caller) and not compared here again.
        """
        old = self._stories
        if not old:
            # The first grouping: every row moves, so the tree is built anew without
            # comparing 100,000 entries to none on the GUI thread first.
            if stories:
                self._stories = dict(stories)
                self._all_moved = True
                self._schedule_rebuild()
            return
        if moved is None or since is not old:
            if stories == old:
                return
            stories = dict(stories)
            moved = moved_articles(old, stories)
        self._stories = stories
        if moved and not self._move_articles(old, moved):
            self._schedule_rebuild()

    def _move_articles(self, old: dict[str, str], moved: list[str]) -> bool:
        """Take the shown ones of ``moved`` out of their stories under the grouping ``old``
        and put them into their new ones; False when too many for that (or not followed)."""
        if len(moved) > MAX_MOVED_ARTICLES or self._stale or not self._active:
            return False
        proxy = self._proxy
        if proxy is None:
            return False
        shown = sorted((row, a) for a in moved if (row := proxy.proxy_row_of(a)) is not None)
        summaries = [self._flat_summary(row) for row, _article in shown]
        new, self._stories = self._stories, old
        try:
            taken_out = all(self._remove_article(s) for s in summaries)  # type: ignore[arg-type]
        finally:
            self._stories = new
        return taken_out and all(self._insert_article(row) for row, _article in shown)

    def set_active(self, active: bool) -> None:
        """Follow the flat list only while shown: regrouping 100,000 rows on every search
        keystroke would cost the GUI thread for a tree nobody sees.

        Turned on, a big list is regrouped in slices (:meth:`rebuild_soon`): the tree is
        current once :attr:`regroupedRows` says so."""
        self._active = active
        if active:
            if self._stale or not self._groups:
                self.rebuild_soon()
            return
        self._cancel_preparing()
        if self._groups:  # empty while hidden: no rows that could point past the list
            self._rebuild_timer.stop()
            self._stale = True
            self.beginResetModel()
            self._set_groups([])
            self.endResetModel()

    def story_of(self, article_id: str) -> str:
        return self._stories.get(article_id, article_id)

    def members(self, story_id: str) -> list[str]:
        """Every article of a story in the folder (shown or not), sorted.

        A scan (~5 ms at 100,000) for the few stories asked about: an index of every story
        cost the GUI thread ~100 ms on each new grouping.
        """
        if story_id not in self._stories:
            return []
        return sorted(a for a, story in self._stories.items() if story == story_id)

    def is_current(self) -> bool:
        """Whether the tree shows the flat list as it is (no regrouping pending)."""
        return not self._stale

    def _schedule_rebuild(self, *_args: object) -> None:
        self._stale = True
        self._cancel_preparing()  # prepared from rows or stories that have changed since
        if self._active:
            self._rebuild_timer.start()

    def _cancel_preparing(self) -> None:
        if self._preparing is not None:
            self._restarts += 1
        self._preparing = None
        self._slice_timer.stop()

    # -- following the flat list row by row --------------------------------------------------
    #
    # A few rows inserted, removed or changed (a file written, deleted or edited in the live
    # folder, a narrow search step) are placed into the tree as they come, O(log n) each with
    # the proxy's id lookup; regrouping all 100,000 rows costs ~200 ms whatever changed.
    # Anything else (a sort, a wide filter change, a story whose first article moves, a new
    # grouping) goes to the regrouping above; while one is pending the tree is stale and
    # nothing is followed row by row.

    def _can_follow(self, rows: int) -> bool:
        if self._stale or not self._active or self._proxy is None:
            return False
        if not self._turn_timer.isActive():
            self._turn_rows = 0
            self._turn_timer.start()
        self._turn_rows += rows
        return self._turn_rows <= MAX_FOLLOWED_ROWS

    def _flat_summary(self, row: int) -> ArticleSummary | None:
        return self._flat.index(row, 0).data(Role.SUMMARY)

    def _flat_row(self, summary: ArticleSummary) -> int:
        row = self._proxy.proxy_row_of(summary.id) if self._proxy is not None else None
        return -1 if row is None else row

    def _on_flat_rows_about_to_be_removed(self, _parent: ModelIndex, first: int, last: int) -> None:
        self._removing = None
        if self._can_follow(last - first + 1):
            self._removing = [self._flat_summary(row) for row in range(first, last + 1)]  # type: ignore[misc]

    def _on_flat_rows_removed(self, *_args: object) -> None:
        removing, self._removing = self._removing, None
        if removing is None or not all(self._remove_article(s) for s in removing):
            self._schedule_rebuild()

    def _on_flat_rows_about_to_be_moved(
        self, _parent: ModelIndex, first: int, last: int, *_destination: object
    ) -> None:
        self._removing = None
        if first == last and self._can_follow(1):
            self._removing = [self._flat_summary(first)]  # type: ignore[list-item]

    def _on_flat_rows_moved(
        self, _parent: ModelIndex, first: int, _last: int, _to: ModelIndex, destination: int
    ) -> None:
        """One article whose sort key changed (a retitled or redated file): out of its
        place in the tree and into its new one, not a regrouping of every row."""
        removing, self._removing = self._removing, None
        row = destination if destination < first else destination - 1
        if removing is None or not (
            self._remove_article(removing[0]) and self._insert_article(row)
        ):
            self._schedule_rebuild()

    def _on_flat_rows_inserted(self, _parent: ModelIndex, first: int, last: int) -> None:
        if not self._can_follow(last - first + 1) or not all(
            self._insert_article(row) for row in range(first, last + 1)
        ):
            self._schedule_rebuild()

    def _on_flat_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if top_left.column() == bottom_right.column() and self._columns > 1:
            return  # one column's look (dates that age, state icons): articles are the same
        first, last = top_left.row(), bottom_right.row()
        if not self._can_follow(last - first + 1) or not all(
            self._replace_article(row) for row in range(first, last + 1)
        ):
            self._schedule_rebuild()

    def _on_flat_layout_changed(self, *_args: object) -> None:
        self._schedule_rebuild()  # a new sort or a wide filter change: regroup

    def _find(self, article_id: str) -> tuple[_Group, int] | None:
        group = self._by_story.get(self._stories.get(article_id, article_id))
        if group is not None:
            for child, member in enumerate(group.members):
                if member.id == article_id:
                    return group, child
        return None

    def _emit_top_changed(self, group: _Group) -> None:
        self.dataChanged.emit(
            self.createIndex(group.position, 0, 0),
            self.createIndex(group.position, self._columns - 1, 0),
        )

    def _replace_article(self, row: int) -> bool:
        summary = self._flat_summary(row)
        found = None if summary is None else self._find(summary.id)
        if found is None:
            return False
        group, child = found
        if group.members[child] is not summary:
            members = list(group.members)
            members[child] = summary
            group.set_members(members)
            if group.kids:
                self.dataChanged.emit(
                    self.createIndex(child, 0, group.uid),
                    self.createIndex(child, self._columns - 1, group.uid),
                )
            self._emit_top_changed(group)
        return True

    def _fits(
        self, row: int, items: list[Any], at: int, lead: Callable[[Any], ArticleSummary]
    ) -> bool:
        """Whether flat ``row`` belongs just before ``items[at]`` (and after the one before)."""
        if at > 0 and not 0 <= self._flat_row(lead(items[at - 1])) < row:
            return False
        return at >= len(items) or self._flat_row(lead(items[at])) > row

    def _remove_article(self, summary: ArticleSummary) -> bool:
        found = self._find(summary.id)
        if found is None:
            return False
        group, child = found
        position = group.position
        if group.kids == 0:  # the story's only shown article: its row goes
            self.beginRemoveRows(_ROOT, position, position)
            del self._groups[position], self._by_uid[group.uid], self._by_story[group.story]
            self._renumber(position)
            self.endRemoveRows()
            return True
        rest = group.members[:child] + group.members[child + 1:]
        parent = self.createIndex(position, 0, 0)
        first, last = (0, 1) if len(rest) == 1 else (child, child)
        self.beginRemoveRows(parent, first, last)
        group.set_members(rest)
        self.endRemoveRows()
        self._emit_top_changed(group)
        return child > 0 or self._move_to_place(group)  # a new first article: maybe lower

    def _insert_article(self, row: int) -> bool:
        summary = self._flat_summary(row)
        if summary is None:
            return False
        story = self._stories.get(summary.id, summary.id)
        group = self._by_story.get(story)
        groups = self._groups
        if group is None:  # a story of its own (so far): its row goes where its article is
            position = bisect_left(
                range(len(groups)), row, key=lambda at: self._flat_row(groups[at].members[0])
            )
            if not self._fits(row, groups, position, lambda g: g.members[0]):
                return False
            self.beginInsertRows(_ROOT, position, position)
            group = self._new_group(story, [summary])
            groups.insert(position, group)
            self._by_uid[group.uid], self._by_story[story] = group, group
            self._renumber(position)
            self.endInsertRows()
            return True
        members = group.members
        child = bisect_left(range(len(members)), row, key=lambda at: self._flat_row(members[at]))
        if not self._fits(row, members, child, lambda member: member):
            return False
        wanted = [*members[:child], summary, *members[child:]]
        parent = self.createIndex(group.position, 0, 0)
        first, last = (0, 1) if len(members) == 1 else (child, child)
        self.beginInsertRows(parent, first, last)
        group.set_members(wanted)
        self.endInsertRows()
        self._emit_top_changed(group)
        return child > 0 or self._move_to_place(group)  # a new first article: maybe higher

    def _move_to_place(self, group: _Group) -> bool:
        """Move a story whose first article changed to where that article now is (one
        row move: its expansion, selection and children go with it)."""
        row, position = self._flat_row(group.members[0]), group.position
        others = self._groups[:position] + self._groups[position + 1:]
        target = bisect_left(
            range(len(others)), row, key=lambda at: self._flat_row(others[at].members[0])
        )
        if not self._fits(row, others, target, lambda g: g.members[0]):
            return False
        if target != position:
            self.beginMoveRows(_ROOT, position, position, _ROOT, target + (target > position))
            self._groups = others
            others.insert(target, group)
            self._renumber(min(position, target))
            self.endMoveRows()
        return True

    def rebuild(self) -> None:
        """Regroup the flat list's rows and apply the difference to the tree shown, now."""
        self._cancel_preparing()
        self._rebuild_timer.stop()
        summaries = self._flat_summaries()
        with _collector_paused_for(len(summaries)):
            preparing = self._prepared(summaries)
            try:
                while True:
                    next(preparing)
            except StopIteration as done:
                self._apply_prepared(done.value)

    def rebuild_soon(self) -> None:
        """:meth:`rebuild`, prepared in slices between events when the list is big.

        The tree keeps showing what it showed (consistent, if stale) while the groups are
        prepared, ~20 ms at a time; a change of the flat list or of the grouping meanwhile
        starts the preparation again.  Only applying what was prepared runs in one go.
        """
        if self._flat.rowCount() < SLICED_FROM_ROWS or self._restarts >= MAX_RESTARTS:
            self.rebuild()
            return
        self._cancel_preparing()
        self._rebuild_timer.stop()
        self._stale = True
        self._preparing = self._prepared(list(self._flat_summaries()))
        self._slice_timer.start()

    def _prepare_slice(self) -> None:
        preparing = self._preparing
        if preparing is None:
            return
        deadline = time.perf_counter() + SLICE_S
        with cyclic_gc_paused(keep_frozen=True):  # only a big list is prepared in slices
            try:
                next(preparing)  # at least one step a turn, however slow the machine
                while time.perf_counter() < deadline:
                    next(preparing)
            except StopIteration as done:
                self._preparing = None
                self._apply_prepared(done.value)
                self.regroupedRows.emit()
                return
        self._slice_timer.start()

    def _prepared(self, summaries: list[ArticleSummary]) -> Generator[None, None, _Prepared]:
        """The groups the flat ``summaries`` make, a slice of rows at a time (a ``yield``
        after each): which story each goes to and, for a tree still empty, the groups."""
        wanted: dict[str, list[ArticleSummary]] = {}
        get = wanted.get
        stories = self._stories.get
        for start in range(0, len(summaries), SLICE_ROWS):
            chunk = summaries[start : start + SLICE_ROWS]
            ids = list(map(_ID, chunk))
            for story, summary in zip(map(stories, ids, ids), chunk, strict=True):
                members = get(story)
                if members is None:
                    wanted[story] = [summary]
                else:
                    members.append(summary)
            yield
        if not wanted or (self._groups and not self._all_moved):
            # Edits may do (see _apply_edits): groups are made only as they are needed.
            return _Prepared(summaries, wanted, None, None)
        # Built in one pass, each group numbered as it is made: turning the view on at
        # 100,000 articles builds every group at once, and a method call and a renumbering
        # pass per group were half of it.  A tree that shows groups keeps each story's.
        shown = self._by_story.get
        first_uid = self._next_uid
        self._next_uid = first_uid + len(wanted)
        items = list(wanted.items())
        groups: list[_Group] = []
        for start in range(0, len(items), SLICE_ROWS):
            groups += [
                shown(story) or _Group(story, first_uid + position, members, position)
                for position, (story, members) in enumerate(
                    items[start : start + SLICE_ROWS], start
                )
            ]
            yield
        by_uid = {group.uid: group for group in groups}
        yield
        by_story = dict(zip(wanted, groups, strict=True))
        return _Prepared(summaries, wanted, groups, (by_uid, by_story))

    def _apply_prepared(self, prepared: _Prepared) -> None:
        self._stale = False
        self._restarts = 0
        summaries, wanted, groups, lookups = prepared
        if self._proxy is None:
            self._row_of = {summary.id: row for row, summary in enumerate(summaries)}
        all_moved, self._all_moved = self._all_moved, False
        if not self._groups:
            if groups:
                self.beginInsertRows(_ROOT, 0, len(groups) - 1)
                self._set_groups(groups, numbered=True, lookups=lookups)
                self.endInsertRows()
            return
        if all_moved or not self._apply_edits(wanted):
            self._relayout(wanted, groups, lookups)

    def _flat_summaries(self) -> list[ArticleSummary]:
        """The flat list's summaries in its order: the filtered list hands them over at
        once (asking row by row cost ~30 us a row, 0.3 s at 10,000 articles); any other
        flat model is asked row by row."""
        flat = self._flat
        if isinstance(flat, ArticleFilterProxy):
            return flat.shown_summaries()
        return [flat.index(row, 0).data(Role.SUMMARY) for row in range(flat.rowCount())]

    def _new_group(self, story: str, members: list[ArticleSummary]) -> _Group:
        group = _Group(story, self._next_uid, members)
        self._next_uid += 1
        return group

    def _set_groups(
        self, groups: list[_Group], *, numbered: bool = False,
        lookups: tuple[dict[int, _Group], dict[str, _Group]] | None = None,
    ) -> None:
        """Show ``groups``; ``numbered``: each one's position is already its index;
        ``lookups``: their by-uid and by-story tables, made already."""
        self._groups = groups
        if lookups is None:
            self._by_uid = {group.uid: group for group in groups}
            self._by_story = {group.story: group for group in groups}
        else:
            self._by_uid, self._by_story = lookups
        if not numbered:
            self._renumber(0)

    def _renumber(self, start: int) -> None:
        groups = self._groups
        for position in range(start, len(groups)):
            groups[position].position = position

    def _apply_edits(self, wanted: dict[str, list[ArticleSummary]]) -> bool:
        """Insert, remove and update rows to reach ``wanted``; False (nothing done) when
        that is a reorder or too many runs for edits to beat one layout change."""
        top = _edit_runs([group.story for group in self._groups], list(wanted))
        if top is None or len(top[0]) + len(top[1]) > MAX_TOP_RUNS:
            return False
        by_story = self._by_story
        child_plans: list[tuple[_Group, list[ArticleSummary], Any]] = []
        child_runs = 0
        for story, members in wanted.items():
            group = by_story.get(story)
            if group is None:
                continue
            old = group.members
            if len(old) == len(members) and all(map(operator.is_, old, members)):
                continue
            old_ids = [s.id for s in old] if len(old) > 1 else []
            new_ids = [s.id for s in members] if len(members) > 1 else []
            plan = _edit_runs(old_ids, new_ids)
            if plan is None:
                return False
            child_runs += len(plan[0]) + len(plan[1])
            child_plans.append((group, members, plan))
        if child_runs > MAX_CHILD_RUNS:
            return False
        removed, inserted = top
        for first, last in reversed(removed):
            self.beginRemoveRows(_ROOT, first, last)
            for group in self._groups[first:last + 1]:
                del self._by_uid[group.uid], self._by_story[group.story]
            del self._groups[first:last + 1]
            self._renumber(first)
            self.endRemoveRows()
        for group, members, (kid_removed, kid_inserted) in child_plans:
            self._edit_children(group, members, kid_removed, kid_inserted)
        stories = list(wanted)
        for first, last in inserted:
            self.beginInsertRows(_ROOT, first, last)
            new = [self._new_group(story, wanted[story]) for story in stories[first:last + 1]]
            self._groups[first:first] = new
            for group in new:
                self._by_uid[group.uid] = group
                self._by_story[group.story] = group
            self._renumber(first)
            self.endInsertRows()
        # Headlines, counts and plain rows of the stories that changed read them again; only
        # those: the tree view walks a dataChanged range row by row (~100 ms for 33,000).
        positions = sorted(group.position for group, _members, _plan in child_plans)
        if len(positions) > MAX_CHILD_RUNS:
            positions = [positions[0], positions[-1]]
        for first, last in _runs(positions):
            self.dataChanged.emit(self.index(first, 0), self.index(last, self._columns - 1))
        return True

    def _edit_children(
        self,
        group: _Group,
        members: list[ArticleSummary],
        removed: list[tuple[int, int]],
        inserted: list[tuple[int, int]],
    ) -> None:
        parent = self.createIndex(group.position, 0, 0)
        if not removed and not inserted:  # the same articles, changed: repaint them
            group.set_members(members)
            if group.kids:
                self.dataChanged.emit(
                    self.index(0, 0, parent),
                    self.index(group.kids - 1, self._columns - 1, parent),
                )
            return
        kept = group.kids - sum(last - first + 1 for first, last in removed)
        if group.kids == 0 or len(members) < 2 or kept < 2:
            # A plain row becomes a story or back, or too few children stay for the runs
            # (a story keeps two or more): every child goes, then every child comes.
            if group.kids:
                self.beginRemoveRows(parent, 0, group.kids - 1)
                group.set_members(members if len(members) < 2 else group.members[:1])
                self.endRemoveRows()
            if len(members) > 1:
                self.beginInsertRows(parent, 0, len(members) - 1)
                group.set_members(members)
                self.endInsertRows()
            return
        kids = list(group.members)
        for first, last in reversed(removed):
            self.beginRemoveRows(parent, first, last)
            del kids[first:last + 1]
            group.set_members(list(kids))
            self.endRemoveRows()
        for first, last in inserted:
            self.beginInsertRows(parent, first, last)
            kids[first:first] = members[first:last + 1]
            group.set_members(list(kids))
            self.endInsertRows()
        group.set_members(members)
        self.dataChanged.emit(
            self.index(0, 0, parent), self.index(group.kids - 1, self._columns - 1, parent)
        )

    def _relayout(
        self, wanted: dict[str, list[ArticleSummary]], prepared: list[_Group] | None = None,
        lookups: tuple[dict[int, _Group], dict[str, _Group]] | None = None,
    ) -> None:
        """One layout change to ``wanted``; persistent indexes follow their story/article.

        ``prepared`` (with its ``lookups``) holds the group of each of ``wanted``'s stories
        in order, made ahead by :meth:`_prepared`: only their members are set here."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        places: list[tuple[str, str | None, int]] = []
        for index in before:
            group = self._group_of(index)
            if index.internalId() == 0:
                places.append((group.story, None, index.column()))
            else:
                places.append((group.story, group.members[index.row()].id, index.column()))
        if prepared is None:
            shown = self._by_story.get
            prepared = [
                shown(story) or self._new_group(story, members)
                for story, members in wanted.items()
            ]
            lookups = None
        for group, members in zip(prepared, wanted.values(), strict=True):
            if group.members is not members:
                group.set_members(members)
        self._set_groups(prepared, lookups=lookups)
        after = [self._place(story, article_id, column) for story, article_id, column in places]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _place(self, story: str, article_id: str | None, column: int) -> QModelIndex:
        index = self.story_index(story) if article_id is None else self.index_of_article(article_id)
        return index.siblingAtColumn(column) if index.isValid() else index

    def _group_of(self, index: ModelIndex) -> _Group:
        internal = index.internalId()
        return self._groups[index.row()] if internal == 0 else self._by_uid[internal]

    def _flat_data(self, summary: ArticleSummary, column: int, role: int) -> Any:
        """What the flat list answers for ``summary``'s row: asked of the filtered list by
        id where it can (no row search: each painted cell asks ~10 roles)."""
        if self._proxy is not None:
            return self._proxy.article_data(summary.id, column, role)
        row = self._row_of.get(summary.id)
        return None if row is None else self._flat.index(row, column).data(role)

    # -- lookups -----------------------------------------------------------------------------

    def index_of_article(self, article_id: str) -> QModelIndex:
        """The row showing ``article_id`` (column 0), or an invalid index."""
        group = self._by_story.get(self._stories.get(article_id, article_id))
        if group is None:
            return QModelIndex()
        for child, summary in enumerate(group.members):
            if summary.id == article_id:
                if group.kids == 0:
                    return self.createIndex(group.position, 0, 0)
                return self.createIndex(child, 0, group.uid)
        return QModelIndex()

    def article_ids_in_order(self) -> list[str]:
        """Article ids in the tree's order (stories' children in place)."""
        return [summary.id for group in self._groups for summary in group.members]

    def group_count(self) -> int:
        return len(self._groups)

    def story_index(self, story: str) -> QModelIndex:
        """The top-level row of ``story`` (column 0), or an invalid index when not shown."""
        group = self._by_story.get(story)
        return QModelIndex() if group is None else self.createIndex(group.position, 0, 0)

    def story_at(self, row: int) -> str:
        """The story of top-level ``row``."""
        return self._groups[row].story

    def children_at(self, row: int) -> int:
        """How many articles top-level ``row`` holds as children (0 for a plain row)."""
        return self._groups[row].kids

    def place_of_story(self, story: str) -> tuple[int, int] | None:
        """(top-level row, children) of ``story``, or None when it is not shown."""
        group = self._by_story.get(story)
        return None if group is None else (group.position, group.kids)

    def place_of_article(self, article_id: str) -> tuple[int, int] | None:
        """(top-level row, child row or -1 on a plain row) of ``article_id``, or None."""
        index = self.index_of_article(article_id)
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return index.row(), -1
        return self._by_uid[index.internalId()].position, index.row()

    def story_counts(self, row: int) -> tuple[int, int, int]:
        """(articles shown, of them published, outlets) of top-level ``row``."""
        group = self._groups[row]
        return len(group.members), group.published, group.outlets

    def is_unpublished_story(self, row: int) -> bool:
        """Whether top-level ``row`` is a story with nothing published."""
        group = self._groups[row]
        return group.kids > 0 and group.published == 0

    # -- the model ---------------------------------------------------------------------------

    # index, rowCount and hasChildren are asked once per story row on every layout of the
    # tree view (~33,000 rows at 100,000 articles): the common case is answered first.

    def index(self, row: int, column: int, parent: ModelIndex = _ROOT) -> QModelIndex:
        if not 0 <= column < self._columns or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self._groups):
                return self.createIndex(row, column, 0)
            return QModelIndex()
        if parent.internalId() or parent.column() or parent.row() >= len(self._groups):
            return QModelIndex()
        group = self._groups[parent.row()]
        if row >= group.kids:
            return QModelIndex()
        return self.createIndex(row, column, group.uid)

    def parent(self, index: ModelIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        group = self._by_uid.get(index.internalId())
        return QModelIndex() if group is None else self.createIndex(group.position, 0, 0)

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() or parent.column():
            return 0
        count = len(self._groups[parent.row()].members)
        return count if count > 1 else 0

    def hasChildren(self, parent: ModelIndex = _ROOT) -> bool:
        if not parent.isValid():
            return bool(self._groups)
        return not (parent.internalId() or parent.column()) and len(
            self._groups[parent.row()].members
        ) > 1

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return self._columns

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._flat.headerData(section, orientation, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        child = -1 if index.internalId() == 0 else index.row()
        return self._cell(self._group_of(index), child, index.column(), role)

    def cell(self, top: int, child: int, column: int, role: int) -> Any:
        """What top-level row ``top`` (``child`` -1) or its child ``child`` answers for
        ``role`` in ``column``: :meth:`data` without building an index, for the flat list."""
        return self._cell(self._groups[top], child, column, role)

    def _cell(self, group: _Group, child: int, column: int, role: int) -> Any:
        if role == StoryRole.STORY:
            return group.story
        is_story = child < 0 and group.kids > 0
        if role == StoryRole.IS_STORY:
            return is_story
        if not is_story:
            return self._flat_data(group.members[max(child, 0)], column, role)
        return self._story_data(group, column, role)

    def _story_data(self, group: _Group, column: int, role: int) -> Any:
        lead = group.members[0]
        count = len(group.members)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.TITLE:
                return self._flat_data(lead, column, role)
            if column == Column.SOURCE:
                return counted(group.outlets, "outlet")
            if column == Column.STATE:
                return f"{group.published}/{count}"
            if column == Column.DATE:
                return self._flat_data(lead, column, role)
            return None
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return (
                f"A story: {counted(count, 'article')} from {counted(group.outlets, 'outlet')}, "
                f"{group.published} published"
            )
        if role == Qt.ItemDataRole.FontRole and column == Column.TITLE:
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)  # a story reads as a heading over its rows
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._flat_data(lead, column, role)
        return None


# -- grouping off the GUI thread and out of its process ------------------------------------


def _submit_grouping(
    executor: ProcessPoolExecutor,
    folder: str,
    changed_ids: frozenset[str] | None,
    emit: Callable[[str, object], None],
) -> None:
    try:
        future = executor.submit(packed_live_folder_stories, folder, changed_ids)
    except RuntimeError:  # the window closed meanwhile (the executor is shut down)
        return
    future.add_done_callback(lambda done: emit(folder, done))


def moved_articles(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """The articles whose story differs between two groupings (an article not in one is
    its own story there): ~10 ms at 100,000, so worth doing off the GUI thread."""
    moved = [article for article, story in new.items() if old.get(article, article) != story]
    moved += [article for article in old.keys() - new.keys() if old[article] != article]
    return moved


class StoryGrouping(QObject):
    """Groups the open folder in a worker process (a thread would hold the window's GIL).

    :meth:`request` is cheap to call on every change: requests are debounced, one runs at a
    time, and a result for a folder no longer open is dropped.  ``storiesReady`` carries
    ``article id -> story id``.

    Requests that name the files that changed let the grouping process look at just those;
    one that names none (a folder opened or loaded) has it stamp the whole folder again.
    """

    storiesReady = Signal(object)
    """The article id -> story id dict, handed over as the object itself: a ``Signal(dict)``
    copies every entry into a QVariantMap and back, 86 ms of GUI time at 100,000."""
    regrouped = Signal(object, object, object)
    """The same dict, the one this grouping sent before it (or None) and which articles
    moved between the two, found in the thread that received the result: what
    :meth:`StoryTreeModel.set_stories` needs to move just those rows."""
    _finished = Signal(str, object, object)

    def __init__(self, parent: QObject | None = None, *, delay_ms: int = 400) -> None:
        super().__init__(parent)
        self._folder: str | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._running = False
        self._again = False
        self._changed_ids: set[str] | None = None
        """The files changed since the last grouping was sent off; None: any may have."""
        self._sent: tuple[str, dict[str, str]] | None = None
        """The folder and grouping last received (written by the receiving thread only,
        one grouping running at a time)."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def request(self, folder: Path | None, changed_ids: Iterable[str] | None = None) -> None:
        """Group ``folder`` (again) soon; ``changed_ids``, if given, are the only files
        that changed since the last request for it."""
        folder_text = os.fspath(folder) if folder is not None else None
        if changed_ids is None or folder_text != self._folder:
            self._changed_ids = None
        elif self._changed_ids is not None:
            self._changed_ids.update(changed_ids)
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
                1,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=start_background_process,
                initargs=(os.getpid(),),
            )
        self._running = True
        changed_ids = None if self._changed_ids is None else frozenset(self._changed_ids)
        self._changed_ids = set()
        # Submitted from a thread of its own: the first submit starts the worker process
        # through the fork server and waits for it, 55 ms the window would stand still.
        threading.Thread(
            target=_submit_grouping,
            args=(self._executor, self._folder, changed_ids, self._received),
            name="reader-stories-submit",
            daemon=True,
        ).start()

    def _received(self, folder: str, future: Future[PackedStories]) -> None:
        """In the thread that got the result: what moved since the last one, then to the
        GUI thread."""
        change: tuple[dict[str, str], list[str]] | None = None
        stories: dict[str, str] | None = None
        if not future.cancelled() and future.exception() is None:
            try:
                stories = unpack_stories(future.result())
            except ValueError:  # not what the grouping process packs: treated as a failure
                self._hand_on(folder, (future, None), None)
                return
            sent = self._sent
            if sent is not None and sent[0] == folder:
                change = (sent[1], moved_articles(sent[1], stories))
            self._sent = (folder, stories)
        self._hand_on(folder, (future, stories), change)

    def _hand_on(self, *result: object) -> None:
        """To the GUI thread, unless the window closed meanwhile: a grouping that finishes
        after its window was deleted has nobody to tell (Qt refuses the emit)."""
        try:
            self._finished.emit(*result)
        except RuntimeError:  # "Signal source has been deleted"
            return

    def _on_finished(
        self,
        folder: str,
        outcome: tuple[Future[PackedStories], dict[str, str] | None],
        change: tuple[dict[str, str], list[str]] | None,
    ) -> None:
        """On the GUI thread: ``outcome`` is the finished future and the stories the
        receiving thread unpacked from it (None if it failed or was cancelled)."""
        self._running = False
        if self._again:
            self._again = False
            self._timer.start()
        future, stories = outcome
        if folder != self._folder or future.cancelled():
            return
        if stories is None:  # a failed grouping leaves the list flat; it never crashes the window
            self._changed_ids = None  # what it was told is lost: the next one looks at all
            import logging

            logging.getLogger(__name__).error(
                "grouping stories failed", exc_info=future.exception()
            )
            return
        previous, moved = change if change is not None else (None, None)
        self.regrouped.emit(stories, previous, moved)  # the tree first: it answers members()
        self.storiesReady.emit(stories)
