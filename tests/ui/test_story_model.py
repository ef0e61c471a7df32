"""The story tree model: Qt's model tester, grouping over the flat list's filter and order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from reader.domain.article import ArticleSummary
from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel, Column, Role
from reader.ui.story_model import StoryRole, StoryTreeModel

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
