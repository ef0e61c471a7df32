"""The flat story list: the tree's rows with open stories' articles under them, kept in step
with every change of the tree, and a view that reads and steers like a tree."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from PySide6.QtCore import QPersistentModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from test_story_model import BASE, STORIES, make, random_change

from reader.ui.article_model import ArticleFilterProxy, ArticleTableModel, Column, Role
from reader.ui.story_list import ARROW_COLUMN, StoryListModel, StoryView
from reader.ui.story_model import StoryRole, StoryTreeModel


def expected_rows(tree: StoryTreeModel, open_stories: set[str]) -> list[tuple]:
    """What the list must show: each top-level row of the tree, then its children if open."""
    rows = []
    for row in range(tree.rowCount()):
        index = tree.index(row, 0)
        story = index.data(StoryRole.STORY)
        rows.append((story, index.data(Role.ID), 0, index.siblingAtColumn(Column.TITLE).data()))
        if story in open_stories:
            for child in range(tree.rowCount(index)):
                kid = tree.index(child, 0, index)
                rows.append((story, kid.data(Role.ID), 1, kid.siblingAtColumn(Column.TITLE).data()))
    return rows


def list_rows(flat: StoryListModel) -> list[tuple]:
    return [
        (
            index.data(StoryRole.STORY),
            index.data(Role.ID),
            index.data(StoryRole.DEPTH),
            index.siblingAtColumn(Column.TITLE).data(),
        )
        for index in (flat.index(row, 0) for row in range(flat.rowCount()))
    ]


@pytest.fixture
def flat(qapp):
    model = ArticleTableModel()
    model.reset_articles([make(i, published=i == 4) for i in range(6)])
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    tree = StoryTreeModel(proxy)
    tree.set_stories(STORIES)
    tree.rebuild()
    return model, proxy, tree


def test_a_story_row_opens_to_its_articles_and_closes_again(flat):
    _model, _proxy, tree = flat
    stories = StoryListModel(tree)
    assert list_rows(stories) == expected_rows(tree, set())
    assert stories.index(0, 0).data(StoryRole.IS_STORY) is True
    assert stories.index(0, 0).data(StoryRole.OPEN) is False
    stories.set_open("00.md", True)
    assert list_rows(stories) == expected_rows(tree, {"00.md"})
    assert [stories.index(r, 0).data(Role.ID) for r in range(1, 4)] == ["00.md", "02.md", "04.md"]
    assert stories.index(0, 0).data(StoryRole.OPEN) is True
    assert stories.index(0, Column.STATE).data() == "1/3"
    stories.set_open("00.md", False)
    assert list_rows(stories) == expected_rows(tree, set())


def test_a_story_row_says_open_or_closed_counts_title_and_outlets(flat):
    _model, _proxy, tree = flat
    stories = StoryListModel(tree)
    text = stories.index(0, Column.TITLE).data(Qt.ItemDataRole.AccessibleTextRole)
    assert text == "Collapsed story, 1 of 3 articles published, Title 00, 2 outlets"
    stories.set_open("00.md", True)
    text = stories.index(0, Column.TITLE).data(Qt.ItemDataRole.AccessibleTextRole)
    assert text.startswith("Expanded story, ")
    article = stories.index(1, Column.TITLE).data(Qt.ItemDataRole.AccessibleTextRole)
    assert article == "Not published, Title 00, Outlet 0"  # an article row reads as in the list


@pytest.mark.parametrize("seed", range(6))
def test_the_list_follows_every_change_of_the_tree(qtmodeltester, qapp, seed):
    rnd = random.Random(seed)
    model = ArticleTableModel()
    model.reset_articles(
        [make(i, published_at=BASE - timedelta(minutes=rnd.randrange(3000))) for i in range(12)]
    )
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    stories = {f"{i:02d}.md": f"{i % 5:02d}.md" for i in range(12)}
    tree = StoryTreeModel(proxy)
    tree.set_stories(stories)
    tree.rebuild()
    flat = StoryListModel(tree)
    opened = {"00.md", "02.md"}
    for story in opened:
        flat.set_open(story, True)
    qtmodeltester.check(flat, force_py=True)  # stays connected: checks every change below
    next_id = [12]
    still = 0
    for _step in range(45):
        kept = {
            flat.index(r, 0).data(Role.ID): QPersistentModelIndex(flat.index(r, 0))
            for r in range(flat.rowCount())
            if flat.index(r, 0).data(Role.ID)
        }
        random_change(rnd, model, proxy, stories, next_id)
        qapp.processEvents()
        tree.set_stories(stories)
        tree.rebuild()
        if rnd.random() < 0.3 and tree.rowCount():
            story = tree.index(rnd.randrange(tree.rowCount()), 0).data(StoryRole.STORY)
            opened ^= {story}
            flat.set_open(story, story in opened)
        assert list_rows(flat) == expected_rows(tree, opened)
        # A row that stays is followed by its index: the same article, or the row of the
        # story a plain row became (as in the tree).  One that moved into or out of a story
        # was removed and inserted: the view finds the cursor's article again by its id.
        followed = [(a, index) for a, index in kept.items() if index.isValid()]
        for article_id, index in followed:
            became_story = index.data(StoryRole.IS_STORY) and (
                index.data(StoryRole.STORY) == tree.story_of(article_id)
            )
            assert index.data(Role.ID) == article_id or became_story
        still += sum(index.data(Role.ID) == article_id for article_id, index in followed)
    assert still > 100


def view_of(tree: StoryTreeModel, qtbot) -> StoryView:
    view = StoryView()
    qtbot.addWidget(view)
    view.set_story_model(tree)
    view.resize(600, 400)
    view.show()
    return view


def test_right_opens_and_steps_in_left_steps_up_and_closes(flat, qtbot):
    _model, _proxy, tree = flat
    view = view_of(tree, qtbot)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, Column.TITLE))
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.isExpanded(tree.story_index("00.md"))
    assert view.current_article_id() is None  # still on the story row
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.current_article_id() == "00.md"
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.current_article_id() == "02.md"
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert view.currentIndex().row() == 0 and view.isExpanded(tree.story_index("00.md"))
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert not view.isExpanded(tree.story_index("00.md"))
    assert view.model().rowCount() == tree.rowCount()


def test_closing_a_story_moves_the_cursor_from_its_article_to_it(flat, qtbot):
    _model, _proxy, tree = flat
    view = view_of(tree, qtbot)
    view.select_article("02.md")
    assert view.isExpanded(tree.story_index("00.md"))
    view.collapse(tree.story_index("00.md"))
    assert view.currentIndex().row() == 0
    assert view.currentIndex().data(StoryRole.STORY) == "00.md"


def test_a_click_on_the_arrow_opens_the_story_and_a_double_click_closes_it(flat, qtbot):
    _model, _proxy, tree = flat
    view = view_of(tree, qtbot)
    cell = view.visualRect(view.model().index(0, ARROW_COLUMN))
    arrow = QPoint(cell.left() + view.indentation() // 2, cell.center().y())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert view.isExpanded(tree.story_index("00.md"))
    assert not view.currentIndex().isValid()  # the arrow opens; it does not select
    title = view.visualRect(view.model().index(0, Column.TITLE)).center()
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=title)
    assert not view.isExpanded(tree.story_index("00.md"))
