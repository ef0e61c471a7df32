"""The story tree model: Qt's model tester, grouping over the flat list's filter and order."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from reader.domain.article import ArticleSummary
from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel, Column, Role
from reader.ui.story_list import StoryView
from reader.ui.story_model import StoryRole, StoryTreeModel, moved_articles

BASE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make(i: int, **fields) -> ArticleSummary:
    values = dict(
        id=f"{i:02d}.md",
        title=f"Title {i:02d}",
        published_at=BASE - timedelta(hours=i),
        source=f"Outlet {i % 4}",
        published=False,
    )
    values.update(fields)
    return ArticleSummary(**values)


STORIES = {"00.md": "00.md", "01.md": "01.md", "02.md": "00.md", "03.md": "03.md",
           "04.md": "00.md", "05.md": "01.md"}


@pytest.fixture
def flat(qapp):
    model = ArticleTableModel()
    model.reset_articles([make(i, published=i == 4) for i in range(6)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    return model, proxy


def tree_ids(tree: StoryTreeModel) -> list[tuple[str | None, list[str]]]:
    """(article id or None for a story row, [child ids]) per top-level row."""
    rows = []
    for row in range(tree.rowCount()):
        index = tree.index(row, 0)
        children = [tree.index(c, 0, index).data(Role.ID) for c in range(tree.rowCount(index))]
        rows.append((index.data(Role.ID), children))
    return rows


def test_story_tree_passes_qt_model_tester_through_changes(qtmodeltester, flat):
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    qtmodeltester.check(tree, force_py=True)
    model.add_articles([make(6), make(7)])
    tree.set_stories({**STORIES, "06.md": "01.md", "07.md": "07.md"})
    model.remove_articles(["02.md"])
    proxy.set_search_text("Title 0")
    tree.rebuild()


def test_stories_group_articles_and_a_one_article_story_is_a_plain_row(flat, qtbot):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    qtbot.waitUntil(lambda: tree_ids(tree) == [
        (None, ["00.md", "02.md", "04.md"]),
        (None, ["01.md", "05.md"]),
        ("03.md", []),
    ])
    story = tree.index(0, Column.TITLE)
    assert story.data(StoryRole.STORY) == "00.md"
    assert story.data(StoryRole.IS_STORY) is True
    assert story.data() == "Title 00"
    assert tree.index(0, Column.SOURCE).data() == "2 outlets"  # Outlet 0 twice, Outlet 2
    assert tree.index(0, Column.STATE).data() == "1/3"
    child = tree.index(1, Column.TITLE, tree.index(0, 0))
    assert child.data() == "Title 02"
    assert child.data(StoryRole.STORY) == "00.md"
    assert tree.index(2, 0).data(StoryRole.IS_STORY) is False


def test_filters_apply_to_articles_and_a_story_shows_while_any_article_does(flat, qtbot):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    proxy.set_search_text('"Title 04" OR "Title 05" OR "Title 01"')
    qtbot.waitUntil(lambda: tree_ids(tree) == [(None, ["01.md", "05.md"]), ("04.md", [])])


def test_sorting_the_flat_list_orders_stories_by_their_first_article(flat, qtbot):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    proxy.sort(Column.DATE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: [r[1][0] if r[1] else r[0] for r in tree_ids(tree)]
                    == ["05.md", "04.md", "03.md"])
    assert tree_ids(tree)[0] == (None, ["05.md", "01.md"])


def test_a_published_change_updates_the_story_count(flat, qtbot):
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    model.update_articles([make(2, published=True)])
    qtbot.waitUntil(lambda: tree.index(0, Column.STATE).data() == "2/3")


def test_an_inactive_tree_does_not_follow_the_list_until_shown(flat, qtbot):
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_active(False)
    tree.set_stories(STORIES)
    model.remove_articles(["03.md"])
    qtbot.wait(100)  # the regrouping delay passes: nothing is regrouped while hidden
    assert tree.rowCount() == 0
    tree.set_active(True)
    assert tree_ids(tree) == [(None, ["00.md", "02.md", "04.md"]), (None, ["01.md", "05.md"])]
    assert tree.members("00.md") == ["00.md", "02.md", "04.md"]


def full_tree(tree: StoryTreeModel) -> list[tuple]:
    """Every row's story, id, children and column texts: what a view can see."""
    def texts(index) -> tuple:
        return tuple(index.siblingAtColumn(c).data() for c in range(tree.columnCount()))

    rows = []
    for row in range(tree.rowCount()):
        index = tree.index(row, 0)
        children = [(tree.index(c, 0, index).data(Role.ID), texts(tree.index(c, 0, index)))
                    for c in range(tree.rowCount(index))]
        rows.append((index.data(StoryRole.STORY), index.data(Role.ID), texts(index), children))
    return rows


def random_change(rnd, model: ArticleTableModel, proxy: ArticleFilterProxy,
                  stories: dict[str, str], next_id: list[int]) -> str:
    """One change of the kinds the live folder and the window make; returns its name."""
    ids = [model.summary_at(r).id for r in range(model.rowCount())]
    kind = rnd.choice(["add", "remove", "edit", "publish", "search", "regroup", "merge", "sort",
                       "bulk"])
    if kind == "add":
        new = []
        for _ in range(rnd.randint(1, 4)):
            i = next_id[0]
            next_id[0] += 1
            new.append(make(i, published_at=BASE - timedelta(minutes=rnd.randrange(3000))))
            if ids and rnd.random() < 0.6:
                stories[f"{i:02d}.md"] = stories.get(other := rnd.choice(ids), other)
        model.add_articles(new)
    elif kind == "bulk" and len(ids) < 60:  # scattered: the flat list adds a block, re-sorts
        model.add_articles([
            make(next_id[0] + k, published_at=BASE - timedelta(minutes=rnd.randrange(3000)))
            for k in range(40)
        ])
        next_id[0] += 40
    elif kind == "remove" and len(ids) > 3:
        model.remove_articles(rnd.sample(ids, rnd.randint(1, 3)))
    elif kind == "edit" and ids:
        picked = rnd.sample(ids, min(len(ids), rnd.randint(1, 3)))
        model.update_articles([
            make(int(i[:-3]), title=f"Edited {rnd.random():.3f}",
                 published_at=BASE - timedelta(minutes=rnd.randrange(3000)))
            for i in picked
        ])
    elif kind == "publish" and ids:
        i = rnd.choice(ids)
        summary = model.summary(i)
        model.update_articles([make(int(i[:-3]), title=summary.title,
                                    published_at=summary.published_at,
                                    published=not summary.published)])
    elif kind == "search":
        proxy.set_search_text(rnd.choice(["", "", "Title 1", "Title 2", "Edited", "Title"]))
    elif kind == "regroup" and ids:
        for i in rnd.sample(ids, min(len(ids), rnd.randint(1, 4))):
            stories[i] = rnd.choice([i, stories.get(j := rnd.choice(ids), j)])
    elif kind == "merge" and len(ids) > 1:
        a, b = rnd.sample(ids, 2)
        target = stories.get(a, a)
        for i, story in list(stories.items()):
            if story == stories.get(b, b):
                stories[i] = target
        stories[b] = target
    elif kind == "sort":
        proxy.sort(rnd.choice([Column.DATE, Column.TITLE, Column.SOURCE]),
                   rnd.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]))
    return kind


@pytest.mark.parametrize("seed", range(6))
def test_incremental_updates_match_a_tree_built_afresh(qtmodeltester, qapp, seed):
    import random

    rnd = random.Random(seed)
    model = ArticleTableModel()
    model.reset_articles([make(i, published_at=BASE - timedelta(minutes=rnd.randrange(3000)))
                          for i in range(12)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    stories = {f"{i:02d}.md": f"{i % 5:02d}.md" for i in range(12)}
    tree = StoryTreeModel(proxy)
    tree.set_stories(stories)
    tree.rebuild()
    qtmodeltester.check(tree, force_py=True)  # stays connected: checks every change below
    next_id = [12]
    applied = dict(stories)
    for _step in range(45):
        kind = random_change(rnd, model, proxy, stories, next_id)
        qapp.processEvents()  # a new event-loop turn: the tree follows rows one by one again
        if tree.is_current():  # followed row by row: right before any regrouping
            assert_same_as_fresh(tree, proxy, applied, kind)
        tree.set_stories(stories)
        applied = dict(stories)
        if tree.is_current():  # the few articles that changed story moved row by row
            assert_same_as_fresh(tree, proxy, applied, f"{kind}, articles moved")
        tree.rebuild()
        assert_same_as_fresh(tree, proxy, applied, kind)


def assert_same_as_fresh(tree: StoryTreeModel, proxy: ArticleFilterProxy,
                         stories: dict[str, str], kind: str) -> None:
    fresh = StoryTreeModel(proxy)
    fresh.set_stories(stories)
    fresh.rebuild()
    assert full_tree(tree) == full_tree(fresh), kind
    assert tree.article_ids_in_order() == fresh.article_ids_in_order()
    for article_id in tree.article_ids_in_order():
        index = tree.index_of_article(article_id)
        assert index.data(Role.ID) == article_id
        assert tree.parent(index) == index.parent()


def test_a_changed_grouping_moves_only_the_stories_it_touches(flat, qtbot):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    tree.rebuild()
    seen: list[str] = []
    tree.modelReset.connect(lambda: seen.append("reset"))
    tree.layoutChanged.connect(lambda *_: seen.append("layout"))
    tree.rowsRemoved.connect(lambda parent, first, last: seen.append(
        f"removed {parent.data(StoryRole.STORY) if parent.isValid() else 'top'} {first}-{last}"))
    tree.rowsInserted.connect(lambda parent, first, last: seen.append(
        f"inserted {parent.data(StoryRole.STORY) if parent.isValid() else 'top'} {first}-{last}"))
    tree.set_stories({**STORIES, "03.md": "01.md"})  # 03 joins 01's story
    tree.rebuild()
    assert seen == ["removed top 2-2", "inserted 01.md 1-1"]
    assert tree_ids(tree) == [(None, ["00.md", "02.md", "04.md"]),
                              (None, ["01.md", "03.md", "05.md"])]


def test_the_view_keeps_open_stories_and_the_current_article_through_edits(flat, qtbot):
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    tree.rebuild()
    view = StoryView()
    qtbot.addWidget(view)
    view.set_story_model(tree)
    view.show()
    view.expand(tree.story_index("01.md"))
    view.select_article("03.md")  # a plain row, about to become a story
    model.add_articles([make(6), make(7)])  # 06 joins 01's story, 07 stands alone
    tree.set_stories({**STORIES, "06.md": "01.md", "03.md": "03.md", "07.md": "03.md"})
    tree.rebuild()
    qtbot.waitUntil(lambda: view.current_article_id() == "03.md")
    assert view.isExpanded(tree.story_index("01.md"))
    assert tree_ids(tree)[1] == (None, ["01.md", "05.md", "06.md"])
    assert tree_ids(tree)[2] == (None, ["03.md", "07.md"])
    assert view.isExpanded(tree.index_of_article("03.md").parent())  # the cursor shows
    view.collapse(tree.story_index("01.md"))
    view.expand(tree.story_index("00.md"))
    model.remove_articles(["00.md"])  # the story's first article goes: it moves as one row
    qtbot.waitUntil(lambda: tree_ids(tree)[0] == (None, ["01.md", "05.md", "06.md"]))
    assert view.isExpanded(tree.story_index("00.md"))
    assert not view.isExpanded(tree.story_index("01.md"))
    assert view.current_article_id() == "03.md"


def test_a_new_grouping_moves_the_articles_it_names_without_regrouping(flat, qtbot):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    shown = dict(STORIES)
    tree.set_stories(shown)
    tree.rebuild()
    seen: list[str] = []
    tree.layoutChanged.connect(lambda *_: seen.append("layout"))
    tree.modelReset.connect(lambda: seen.append("reset"))
    regrouped = {**STORIES, "03.md": "01.md", "04.md": "04.md"}
    assert sorted(moved_articles(shown, regrouped)) == ["03.md", "04.md"]
    tree.set_stories(regrouped, shown, ["03.md", "04.md"])
    assert tree.is_current() and seen == []
    assert tree_ids(tree) == [
        (None, ["00.md", "02.md"]),
        (None, ["01.md", "03.md", "05.md"]),
        ("04.md", []),
    ]
    assert_same_as_fresh(tree, proxy, regrouped, "moved")
    tree.set_stories(dict(STORIES), {"not": "the grouping shown"}, [])  # compared afresh
    qtbot.waitUntil(tree.is_current)
    assert_same_as_fresh(tree, proxy, STORIES, "back")


def test_the_first_grouping_arriving_while_shown_regroups_in_one_layout_change(
    qtmodeltester, flat, qtbot
):
    """Shown before any grouping, the tree holds one row per article; when the first
    grouping comes every article may move, so it is one layout change, not edits."""
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.rebuild()
    assert [row for row, _children in tree_ids(tree)] == [f"{i:02d}.md" for i in range(6)]
    qtmodeltester.check(tree, force_py=True)
    signals: list[str] = []
    tree.layoutChanged.connect(lambda *_: signals.append("layout"))
    tree.rowsInserted.connect(lambda *_: signals.append("inserted"))
    tree.rowsRemoved.connect(lambda *_: signals.append("removed"))

    tree.set_stories(STORIES)
    qtbot.waitUntil(tree.is_current)

    assert signals == ["layout"]
    assert tree_ids(tree) == [
        (None, ["00.md", "02.md", "04.md"]), (None, ["01.md", "05.md"]), ("03.md", []),
    ]
    tree.set_stories({**STORIES, "03.md": "01.md"})  # later groupings are edits again
    qtbot.waitUntil(lambda: tree_ids(tree)[1] == (None, ["01.md", "03.md", "05.md"]))


@pytest.fixture
def sliced(monkeypatch):
    """Every list counts as a big one, and is prepared two rows at a time."""
    import reader.ui.story_model as story_model

    monkeypatch.setattr(story_model, "SLICED_FROM_ROWS", 1)
    monkeypatch.setattr(story_model, "SLICE_ROWS", 2)
    monkeypatch.setattr(story_model, "SLICE_S", 0.0)  # one step per event-loop turn


def test_a_big_list_is_regrouped_in_slices_and_shows_the_same_tree(
    qtmodeltester, flat, qtbot, sliced
):
    _model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_active(False)
    tree.set_stories(STORIES)
    qtmodeltester.check(tree, force_py=True)

    tree.set_active(True)
    assert not tree.is_current() and tree.rowCount() == 0  # nothing applied yet
    with qtbot.waitSignal(tree.regroupedRows, timeout=5000):
        pass

    assert tree.is_current()
    assert_same_as_fresh(tree, proxy, STORIES, "turned on in slices")
    tree.set_stories({**STORIES, "03.md": "01.md", "05.md": "05.md"})  # more than edits?
    qtbot.waitUntil(tree.is_current)
    assert_same_as_fresh(tree, proxy, {**STORIES, "03.md": "01.md", "05.md": "05.md"}, "moved")


def test_a_change_while_slices_are_prepared_starts_them_again(flat, qtbot, sliced):
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree.set_active(False)
    tree.set_stories(STORIES)
    tree.set_active(True)
    regrouped: list[int] = []
    tree.regroupedRows.connect(lambda: regrouped.append(tree.rowCount()))

    model.add_articles([make(6)])  # mid-preparation: what was prepared is stale
    proxy.set_search_text("Title 0")

    qtbot.waitUntil(lambda: tree.is_current() and bool(regrouped), timeout=5000)
    assert regrouped == [tree.rowCount()]  # applied once, from the rows as they are now
    assert_same_as_fresh(tree, proxy, STORIES, "changed while prepared")
    assert "06.md" in tree.article_ids_in_order()


def test_a_folder_that_keeps_changing_is_still_regrouped(flat, qtbot, sliced):
    """Each change starts the slices again; past a few restarts in a row the next
    regrouping runs in one go, so a live folder cannot keep the tree stale for ever."""
    model, proxy = flat
    tree = StoryTreeModel(proxy)
    tree._slice_timer.setInterval(40)  # slow slices: each change lands mid-preparation
    tree.set_active(False)
    tree.set_stories(STORIES)
    tree.set_active(True)
    for number in (6, 7):  # a change while each preparation is under way
        assert tree._preparing is not None
        model.add_articles([make(number)])
        qtbot.waitUntil(lambda: tree._preparing is not None or tree.is_current(), timeout=5000)
    assert tree.is_current()  # the second restart in a row regrouped at once

    assert_same_as_fresh(tree, proxy, STORIES, "kept changing")
    assert {"06.md", "07.md"} <= set(tree.article_ids_in_order())


def test_a_grouping_finishing_after_its_window_closed_is_dropped_quietly(qapp):
    from concurrent.futures import Future

    import shiboken6

    from reader.index.loader import pack_stories
    from reader.ui.story_model import StoryGrouping

    grouping = StoryGrouping()
    received = grouping._received  # what the submitting thread holds on to
    shiboken6.delete(grouping)
    future: Future = Future()
    future.set_result(pack_stories({"a.md": "a.md", "b.md": "a.md"}))

    received("/folder", future)  # no "Signal source has been deleted" escapes


def test_the_grouping_process_yields_the_cpu_to_the_window(qtbot, tmp_path):
    """Grouping runs behind the window: on two cores it competed with the GUI thread on
    equal terms, and a warm 100,000-article window's worst gaps came while it ran."""
    import os

    from reader.index.loader import WORKER_NICENESS
    from reader.ui.story_model import StoryGrouping

    (tmp_path / "a.md").write_text("---\ntitle: Storm hits coast\n---\n", encoding="utf-8")
    own = os.getpriority(os.PRIO_PROCESS, 0)
    grouping = StoryGrouping(delay_ms=0)
    try:
        with qtbot.waitSignal(grouping.storiesReady, timeout=30_000) as ready:
            grouping.request(tmp_path)
        assert ready.args[0] == {"a.md": "a.md"}
        workers = list(grouping._executor._processes)
        assert workers
        niceness = {os.getpriority(os.PRIO_PROCESS, pid) for pid in workers}
        if own + WORKER_NICENESS <= 19:  # a sandbox may forbid it; then it competes as before
            assert niceness == {own + WORKER_NICENESS}
    finally:
        grouping.close()


def test_grouping_requests_gather_the_files_they_name_until_one_names_none(qapp, monkeypatch,
                                                                          tmp_path):
    import reader.ui.story_model as story_model

    told: list[frozenset[str] | None] = []
    monkeypatch.setattr(story_model, "_submit_grouping",
                        lambda _executor, _folder, changed_ids, _emit: told.append(changed_ids))
    grouping = story_model.StoryGrouping()

    def start() -> None:  # one grouping, submitted from a thread of its own, then done
        count = len(told)
        grouping._start()
        deadline = time.monotonic() + 10
        while len(told) == count and time.monotonic() < deadline:
            time.sleep(0.005)
        grouping._running = False

    try:
        grouping.request(tmp_path, ["a.md"])  # nothing grouped yet: the whole folder
        start()
        grouping.request(tmp_path, ["b.md"])
        grouping.request(tmp_path, ["c.md"])
        start()
        grouping.request(tmp_path, ["d.md"])
        grouping.request(tmp_path)  # a load, say: every file may have changed
        grouping.request(tmp_path, ["e.md"])
        start()
        grouping.request(tmp_path / "other", ["f.md"])  # another folder: all of it
        start()
        grouping.request(tmp_path / "other", ["g.md"])
        start()
    finally:
        grouping.close()
    assert told == [None, frozenset({"b.md", "c.md"}), None, None, frozenset({"g.md"})]
