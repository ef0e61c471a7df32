"""The list model and its filter proxy: Qt's model tester, sorting, incremental changes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from reader.domain.article import ArticleSummary, Problem
from reader.ui.article_model import (
    ArticleFilterProxy,
    ArticleTableModel,
    Column,
    Role,
    StateFilter,
    describe_age,
)

BASE = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def make(i: int, **fields) -> ArticleSummary:
    values = dict(
        id=f"a/{i:04d}.md",
        title=f"Title {i:04d}",
        excerpt=f"excerpt {i}",
        published_at=BASE - timedelta(hours=i),
        source=f"Source {i % 7}",
        quality=i % 50,
        heat=(i * 7) % 13 - 3,
        published=i % 3 == 0,
        topics=("AI",) if i % 2 else ("Media",),
    )
    values.update(fields)
    return ArticleSummary(**values)


def ids_in_view_order(model) -> list[str]:
    return [model.index(r, 0).data(Role.ID) for r in range(model.rowCount())]


@pytest.fixture
def model(qapp) -> ArticleTableModel:
    return ArticleTableModel()


def test_model_and_proxy_pass_qt_model_tester(qtmodeltester, model, request):
    model.reset_articles([make(i) for i in range(30)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model, force_py=True)
    # One tester per model: a tester tracks the change in flight of the model it watches.
    proxy_tester = ModelTester(request.config)
    proxy_tester.check(proxy, force_py=True)
    # Mutations under the tester's watch: inserts, updates, moves, removals, sorting.
    model.add_articles([make(i) for i in range(30, 45)])
    model.update_articles([make(3, title="Renamed"), make(4, published=True)])
    model.update_articles([make(5, published_at=BASE + timedelta(days=3))])
    model.remove_articles(["a/0001.md", "a/0010.md", "a/0011.md"])
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    proxy.set_search_text("title 00")
    proxy.set_state_filter(StateFilter.UNPUBLISHED)
    model.add_articles([make(i) for i in range(45, 50)])
    model.sort(Column.QUALITY, Qt.SortOrder.DescendingOrder)
    model.remove_articles(["a/0046.md"])
    proxy_tester.check(proxy, force_py=True)


def test_column_zero_user_role_is_the_article_id(model):
    model.reset_articles([make(1)])
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == "a/0001.md"


@pytest.mark.parametrize("column", list(Column))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_incremental_inserts_match_a_full_sort(model, column, order):
    rng = random.Random(column * 2 + int(order == Qt.SortOrder.DescendingOrder))
    articles = [make(i) for i in range(200)]
    undated = [
        make(i, published_at=None, quality=None, heat=None, source="") for i in range(200, 210)
    ]
    everything = articles + undated
    rng.shuffle(everything)
    model.sort(column, order)
    for start in range(0, len(everything), 37):
        model.add_articles(everything[start : start + 37])
    incremental = ids_in_view_order(model)

    fresh = ArticleTableModel()
    fresh.sort(column, order)
    fresh.reset_articles(everything)
    assert incremental == ids_in_view_order(fresh)
    assert len(incremental) == 210


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_undated_articles_sort_last_in_either_direction(model, order):
    model.reset_articles([make(1), make(2, published_at=None), make(3)])
    model.sort(Column.DATE, order)
    assert ids_in_view_order(model)[-1] == "a/0002.md"


def test_sorting_keeps_persistent_indexes_on_the_same_article(model):
    model.reset_articles([make(i) for i in range(50)])
    kept = QPersistentModelIndex(model.index(model.row_of("a/0007.md"), Column.TITLE))
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert kept.data(Role.ID) == "a/0007.md"
    model.sort(Column.HEAT, Qt.SortOrder.AscendingOrder)
    assert kept.data(Role.ID) == "a/0007.md"


def test_a_changed_sort_key_moves_the_row_and_keeps_selection_anchor(model):
    model.reset_articles([make(i) for i in range(20)])  # newest first: 0000 on top
    kept = QPersistentModelIndex(model.index(model.row_of("a/0015.md"), 0))
    model.update_articles([make(15, published_at=BASE + timedelta(days=1))])
    assert model.row_of("a/0015.md") == 0
    assert kept.isValid() and kept.row() == 0 and kept.data(Role.ID) == "a/0015.md"
    assert ids_in_view_order(model)[1] == "a/0000.md"


def test_a_long_list_moves_unheld_rows_as_remove_and_insert_and_keeps_the_held_ones(
    qtmodeltester, model, request, monkeypatch, qtbot
):
    # The long-list paths, on a list made "long" by lowering the threshold.
    import reader.ui.article_model as article_model

    monkeypatch.setattr(article_model, "_LONG_LIST_ROWS", 10)
    model.reset_articles([make(i) for i in range(40)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model, force_py=True)
    proxy_tester = ModelTester(request.config)
    proxy_tester.check(proxy, force_py=True)
    held = QPersistentModelIndex(model.index(model.row_of("a/0003.md"), 0))

    # A row far from any held index: a removal and an insert, not a move.
    with qtbot.assertNotEmitted(model.rowsMoved), qtbot.waitSignal(model.rowsInserted):
        model.update_articles([make(30, published_at=BASE + timedelta(days=1))])
    assert model.row_of("a/0030.md") == 0
    assert held.data(Role.ID) == "a/0003.md"

    # The held row itself: a real move, so the view's index follows it.
    with qtbot.waitSignal(model.rowsMoved):
        model.update_articles([make(3, published_at=BASE - timedelta(days=5))])
    assert held.isValid() and held.data(Role.ID) == "a/0003.md"
    assert ids_in_view_order(model)[-1] == "a/0003.md"

    # A batch landing in more runs than a long list allows goes in as one block.
    with qtbot.waitSignal(model.layoutChanged):
        interleaved = [BASE - timedelta(hours=5 * i, minutes=30) for i in range(8)]
        model.add_articles([make(100 + i, published_at=at) for i, at in enumerate(interleaved)])
    fresh = ArticleTableModel()
    fresh.reset_articles([model.summary(i) for i in ids_in_view_order(model)])
    assert ids_in_view_order(model) == ids_in_view_order(fresh)


def test_rows_are_found_by_id_after_every_kind_of_change(model):
    model.reset_articles([make(i) for i in range(30)])
    model.add_articles([make(i) for i in range(30, 40)])
    model.remove_articles(["a/0002.md", "a/0033.md"])
    model.update_articles([make(7, published_at=BASE + timedelta(days=2))])
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    for row, article_id in enumerate(ids_in_view_order(model)):
        assert model.row_of(article_id) == row
        assert model.summary(article_id).id == article_id
    assert model.row_of("a/0002.md") is None
    assert model.summary("a/0033.md") is None


def test_updates_emit_data_changed_not_reset(model, qtbot):
    model.reset_articles([make(i) for i in range(10)])
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.update_articles([make(4, title="New title")])
    assert model.summary("a/0004.md").title == "New title"


def test_counts_follow_changes(model):
    model.reset_articles([make(i, published=False) for i in range(5)])
    assert model.counts() == (5, 5, 0)
    model.update_articles([make(0, published=True)])
    broken = ArticleSummary(id="bad.md", title="bad", problems=(Problem("not valid YAML"),))
    model.add_articles([broken])
    assert model.counts() == (6, 4, 1)
    model.remove_articles(["bad.md", "a/0001.md"])
    assert model.counts() == (4, 3, 0)


def test_state_is_told_in_words_for_screen_readers(model):
    broken = ArticleSummary(id="bad.md", title="bad", problems=(Problem("cannot read the file"),))
    model.reset_articles([make(1, published=True), make(2, published=False), broken])
    texts = {
        model.index(r, Column.STATE).data(Role.ID): model.index(r, Column.STATE).data(
            Qt.ItemDataRole.AccessibleTextRole
        )
        for r in range(3)
    }
    assert texts == {
        "a/0001.md": "Published",
        "a/0002.md": "Not published",
        "bad.md": "Problem: cannot read the file",
    }


def test_search_matches_title_excerpt_source_and_topics(model):
    model.reset_articles([make(i) for i in range(10)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("TITLE 0003")
    assert ids_in_view_order(proxy) == ["a/0003.md"]
    proxy.set_search_text("source 6")
    assert sorted(ids_in_view_order(proxy)) == ["a/0006.md"]
    proxy.set_search_text("media")
    assert len(ids_in_view_order(proxy)) == 5
    proxy.set_search_text("")
    assert proxy.rowCount() == 10


def test_body_matches_only_count_for_the_current_search(model):
    model.reset_articles([make(i) for i in range(5)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("strike")
    assert proxy.rowCount() == 0
    proxy.set_body_matches("older query", {"a/0001.md"})
    assert proxy.rowCount() == 0
    proxy.set_body_matches("Strike", {"a/0001.md"})
    assert ids_in_view_order(proxy) == ["a/0001.md"]


def test_state_filters(model):
    broken = ArticleSummary(id="bad.md", title="bad", problems=(Problem("broken"),))
    model.reset_articles([make(i) for i in range(6)] + [broken])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_state_filter(StateFilter.PUBLISHED)
    assert sorted(ids_in_view_order(proxy)) == ["a/0000.md", "a/0003.md"]
    proxy.set_state_filter(StateFilter.UNPUBLISHED)
    assert len(ids_in_view_order(proxy)) == 4
    proxy.set_state_filter(StateFilter.PROBLEMS)
    assert ids_in_view_order(proxy) == ["bad.md"]


def test_pinned_article_stays_visible_until_unpinned(model):
    model.reset_articles([make(1, published=False), make(2, published=False)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_state_filter(StateFilter.UNPUBLISHED)
    proxy.set_pinned_id("a/0001.md")
    model.update_articles([make(1, published=True)])
    assert "a/0001.md" in ids_in_view_order(proxy)
    proxy.set_pinned_id("a/0002.md")
    assert ids_in_view_order(proxy) == ["a/0002.md"]


def test_proxy_sort_is_done_by_the_source_model(model):
    model.reset_articles([make(i) for i in range(5)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert model.sort_state() == (Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert ids_in_view_order(proxy) == [f"a/{i:04d}.md" for i in range(5)]


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(days=1, hours=2), "yesterday"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=20), "2 weeks ago"),
    ],
)
def test_relative_dates(delta, expected):
    assert describe_age(BASE - delta, BASE) == expected


def mapped_id(proxy: ArticleFilterProxy, row: int) -> str:
    return proxy.mapToSource(proxy.index(row, 0)).data(Role.ID)


def _decided_one_by_one(proxy: ArticleFilterProxy) -> list[str]:
    """The ids the filtered list should show: every source row, in the source's order,
    that the query matches on its own, or that is pinned."""
    source = proxy.source()
    return [
        source.index(row, 0).data(Role.ID)
        for row in range(source.rowCount())
        if proxy.filterAcceptsRow(row, QModelIndex())
    ]


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_verdicts_decided_at_once_match_deciding_row_by_row(model, order):
    """The keystroke fast path (every row decided in one pass) answers exactly what the
    row-by-row path answers, for every filter, sort order and after live changes."""
    rng = random.Random(4)
    model.reset_articles([make(i) for i in range(120)])
    model.sort(Column.TITLE, order)
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    steps = [
        lambda: proxy.set_search_text("title 00"),
        lambda: proxy.set_body_matches("title 00", {"a/0101.md", "a/0050.md"}),
        lambda: proxy.set_state_filter(StateFilter.PUBLISHED),
        lambda: proxy.set_pinned_id(mapped_id(proxy, 0)),  # the window pins what is read
        lambda: proxy.set_search_text("source 3"),
        lambda: proxy.set_state_filter(StateFilter.ALL),
        lambda: proxy.set_pinned_id(None),
        lambda: proxy.set_search_text("media"),
    ]
    for step in steps:
        step()
        shown = [mapped_id(proxy, row) for row in range(proxy.rowCount())]
        assert shown == _decided_one_by_one(proxy)
        # A live change while filtering: the rows that changed are decided one by one.
        number = rng.randrange(200, 10_000)
        model.add_articles([make(number)])
        model.update_articles([make(rng.randrange(120), title=f"Title 00{number}")])
        shown = [mapped_id(proxy, row) for row in range(proxy.rowCount())]
        assert shown == _decided_one_by_one(proxy)


def test_a_wide_filter_change_rebuilds_the_proxy_and_keeps_selection(model, request, qtbot):
    """Hiding or showing hundreds of rows at once rebuilds the proxy in one layout change
    (not hundreds of row removals); the model tester watches it, and the selected, current
    article stays selected and current."""
    from PySide6.QtWidgets import QTableView

    from reader.ui import article_model

    count = article_model.WIDE_FILTER_CHANGE * 4
    model.reset_articles([make(i) for i in range(count)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    tester = ModelTester(request.config)
    tester.check(proxy, force_py=True)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    kept = proxy.proxy_row_of("a/0007.md")
    view.setCurrentIndex(proxy.index(kept, Column.TITLE))
    view.selectionModel().select(
        proxy.index(kept, Column.TITLE),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    layouts: list[int] = []
    removals: list[int] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(1))
    proxy.rowsRemoved.connect(lambda *_: removals.append(1))

    proxy.set_search_text("\"source 0\"")  # hides six rows in seven, interleaved

    assert layouts and not removals
    assert proxy.rowCount() == len([i for i in range(count) if i % 7 == 0])
    assert view.currentIndex().data(Role.ID) == "a/0007.md"
    assert [index.data(Role.ID) for index in view.selectionModel().selectedRows()] == [
        "a/0007.md"
    ]
    proxy.set_search_text("")
    assert proxy.rowCount() == count
    assert view.currentIndex().data(Role.ID) == "a/0007.md"


@pytest.mark.parametrize("seed", range(12))
def test_the_filtered_list_follows_random_changes_row_for_row(model, request, monkeypatch, seed):
    """The filtered list keeps its own sorted rows and turns each source change into row
    signals (or one layout change past the thresholds, made small here so both ways run).
    After every step it shows exactly the source's matching rows in the source's order,
    Qt's model tester sees consistent signals, and a persistent index (what keeps the
    view's current row) still points at its article while that article is shown."""
    from reader.ui import article_model

    monkeypatch.setattr(article_model, "WIDE_FILTER_CHANGE", 6)
    monkeypatch.setattr(article_model, "MAX_CHANGE_RUNS", 3)
    rng = random.Random(seed)
    model.reset_articles([make(i) for i in range(80)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    tester = ModelTester(request.config)
    tester.check(proxy, force_py=True)
    next_number = iter(range(1000, 100_000))
    queries = ["", "title 00", "is:published", "source 3", "media", "-is:published title", ""]
    columns = [Column.DATE, Column.TITLE, Column.SOURCE, Column.QUALITY, Column.STATE]

    def known_ids() -> list[str]:
        return [model.summary_at(row).id for row in range(model.rowCount())]

    def number_of(article_id: str) -> int:
        return int(article_id.split("/")[1].split(".")[0])

    steps = [
        lambda: model.add_articles([make(next(next_number)) for _ in range(rng.randrange(1, 12))]),
        lambda: model.update_articles(
            [make(number_of(a), title=f"Title 00{rng.randrange(999)}") for a in
             rng.sample(known_ids(), min(len(known_ids()), rng.randrange(1, 8)))]
        ),
        lambda: model.update_articles(
            [make(number_of(a), published=rng.random() < 0.5) for a in
             rng.sample(known_ids(), min(len(known_ids()), rng.randrange(1, 8)))]
        ),
        lambda: model.remove_articles(
            rng.sample(known_ids(), min(len(known_ids()), rng.randrange(1, 6)))
        ),
        lambda: proxy.sort(rng.choice(columns), rng.choice(list(Qt.SortOrder))),
        lambda: proxy.set_search_text(rng.choice(queries)),
        lambda: proxy.set_pinned_id(rng.choice([*known_ids(), None])),
    ]
    for _ in range(60):
        watched = None
        if proxy.rowCount():
            row = rng.randrange(proxy.rowCount())
            watched = (QPersistentModelIndex(proxy.index(row, 1)), proxy.article_id_at(row))
        rng.choice(steps)()
        shown = [proxy.article_id_at(row) for row in range(proxy.rowCount())]
        assert shown == _decided_one_by_one(proxy)
        assert all(proxy.proxy_row_of(a) == row for row, a in enumerate(shown))
        if watched is not None:
            index, article_id = watched
            if article_id in shown:
                assert index.isValid() and index.data(Role.ID) == article_id
            else:
                assert not index.isValid()


def test_touched_ids_are_handed_over_as_the_list_itself(model):
    """A ``Signal(list)`` would copy every id through a QVariantList on each change (and
    ``Signal(dict)`` the story map: 86 ms at 100,000): listeners get the object itself."""
    from reader.ui.story_model import StoryGrouping

    received = []
    model.articlesTouched.connect(received.append)
    sent = ["a/0001.md"]
    model.articlesTouched.emit(sent)
    grouping = StoryGrouping()
    grouping.storiesReady.connect(received.append)
    stories = {"a/0001.md": "a/0001.md"}
    grouping.storiesReady.emit(stories)
    assert received[0] is sent and received[1] is stories


def test_idle_work_waits_while_the_folder_is_read(model, qtbot, monkeypatch):
    """Counting (a LiveTally) is idle-time work over every row: while the model says the
    folder is being read it waits, leaving the interpreter to the thread reading it, and
    catches up once it is done.  Folding search text goes on at a slow pace meanwhile, so
    that a cold load does not end with every row still to fold for the first keystroke."""
    from reader.ui import article_model
    from reader.ui.live_tally import LiveTally

    tally = LiveTally(lambda summaries: [("all",) for _ in summaries])
    tally.attach(model)
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    monkeypatch.setattr(article_model, "PREFOLD_LOADING_DELAY_S", 0.3)
    model.set_loading(True)
    model.add_articles([make(i) for i in range(50)])
    assert proxy._prefold_timer.interval() == article_model.PREFOLD_LOADING_INTERVAL_MS
    qtbot.wait(100)
    assert proxy.is_prefolding()  # not in the first moments of a load (a warm start's)
    qtbot.waitUntil(lambda: not proxy.is_prefolding())  # then folded while still loading
    assert model.is_loading()
    assert tally.is_busy() and tally.totals().get("all") is None
    model.set_loading(False)
    assert proxy._prefold_timer.interval() == 0
    qtbot.waitUntil(lambda: not tally.is_busy())
    assert tally.totals()["all"] == 50
    proxy.set_search_text("title 0001")  # the records folded meanwhile answer it
    assert [proxy.article_id_at(row) for row in range(proxy.rowCount())] == ["a/0001.md"]


def test_a_long_list_is_filtered_on_a_worker_with_the_same_rows_as_at_once(
    model, request, qtbot, monkeypatch
):
    """From BACKGROUND_FILTER_ROWS rows on (made small here) a keystroke's verdicts are
    made on a worker thread: until they come back the list shows the previous filter's
    rows, and then exactly the rows the synchronous path shows, for every kind of query,
    body answers, the pinned row and a live change that lands while it is judged."""
    from reader.ui import article_model

    model.reset_articles([make(i) for i in range(150)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    tester = ModelTester(request.config)
    tester.check(proxy, force_py=True)
    steps = [
        lambda: proxy.set_search_text("title 00"),
        lambda: proxy.set_search_text("title 001"),
        lambda: proxy.set_body_matches("title 001", {"a/0120.md", "a/0140.md"}),
        lambda: proxy.set_pinned_id("a/0077.md"),
        lambda: proxy.set_state_filter(StateFilter.PUBLISHED),
        lambda: proxy.set_search_text("-media source 3"),
        lambda: proxy.set_pinned_id(None),
        lambda: proxy.set_search_text(""),
        lambda: proxy.set_state_filter(StateFilter.ALL),
    ]
    for number, step in enumerate(steps):
        monkeypatch.setattr(article_model, "BACKGROUND_FILTER_ROWS", 10**9)
        step()
        at_once = [proxy.article_id_at(row) for row in range(proxy.rowCount())]
        monkeypatch.setattr(article_model, "BACKGROUND_FILTER_ROWS", 100)
        proxy._refilter()
        if not proxy.query().is_empty:
            assert proxy.is_judging()
        if number == 2:  # a file changes while the worker judges: judged again here
            model.update_articles([make(5, title="Title 0011 renamed")])
            at_once = _decided_one_by_one(proxy)
        qtbot.waitUntil(lambda: not proxy.is_judging())
        assert [proxy.article_id_at(row) for row in range(proxy.rowCount())] == at_once
        assert at_once == _decided_one_by_one(proxy)
    assert proxy.rowCount() == 150


def test_a_newer_filter_supersedes_the_one_being_judged(model, qtbot, monkeypatch):
    """Typing on while the worker judges: only the newest filter's rows are shown."""
    from reader.ui import article_model

    monkeypatch.setattr(article_model, "BACKGROUND_FILTER_ROWS", 10)
    model.reset_articles([make(i) for i in range(60)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    shown_counts = []
    proxy.queryChanged.connect(lambda: shown_counts.append(proxy.rowCount()))
    for text in ("t", "ti", "tit", "title 004"):
        proxy.set_search_text(text)
    qtbot.waitUntil(lambda: not proxy.is_judging())
    assert [proxy.article_id_at(row) for row in range(proxy.rowCount())] == [
        f"a/{i:04d}.md" for i in (4, *range(40, 50))
    ]
    assert shown_counts == [11], "the superseded filters were never shown"


def test_rows_added_to_an_unfiltered_list_arrive_as_in_one_batch(model, request):
    """A load's batches go into an unfiltered list without being judged (newest first,
    older ones, scattered ones, ids added twice): the same rows in the same order as one
    reset with every article, under the model tester's watch."""
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    tester = ModelTester(request.config)
    tester.check(proxy, force_py=True)
    rng = random.Random(7)
    numbers = list(range(400))
    batches = [numbers[:50], numbers[50:250], rng.sample(range(400, 900), 300), [3, 901]]
    for batch in batches:
        model.add_articles([make(i) for i in batch])
        shown = [proxy.article_id_at(row) for row in range(proxy.rowCount())]
        assert shown == ids_in_view_order(model)
    everything = ArticleTableModel()
    everything.reset_articles([make(i) for i in {i for batch in batches for i in batch}])
    assert ids_in_view_order(model) == ids_in_view_order(everything)
    assert model.counts() == everything.counts()


@given(
    keys=st.lists(st.integers(0, 50), max_size=30, unique=True).map(sorted),
    new_keys=st.lists(st.integers(0, 50), max_size=30).map(sorted),
)
def test_the_places_of_new_rows_are_those_a_bisection_of_each_finds(keys, new_keys):
    """One lookup for a batch that lands in one gap (a warm start's), bounded ones
    otherwise: the same places as bisecting every key over every row."""
    import bisect

    from reader.ui.article_model import _gaps_of

    as_tuples = [(key,) for key in keys]
    new = [(key,) for key in new_keys]
    assert _gaps_of(as_tuples, new) == [bisect.bisect_left(as_tuples, key) for key in new]
