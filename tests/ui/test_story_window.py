"""View ▸ Group by Story in the window: the tree, triage keys and the already-published notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget
from windows import open_window

from reader.app import MainWindow
from reader.ui.actions import shortcut_rows
from reader.ui.story_list import StoryView
from reader.ui.story_model import StoryRole

ID = Qt.ItemDataRole.UserRole
SEED_FULL = "000_64786d9bbd4dc9c0.txt"
SEED_BODY_ONLY = "002_ec8b9ffde03f3ad4.txt"


def article(folder: Path, name: str, title: str, *, date: str, source: str,
            published: bool = False) -> None:
    (folder / name).write_text(
        "\n".join(["---", f'title: "{title}"', f"publishedDateTime: {date}",
                   f"published: {'true' if published else 'false'}", "provider:",
                   f"  name: {source}", "---", "Body.\n"]),
        encoding="utf-8",
    )


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    article(folder, "a.md", "Wagner chief Prigozhin listed as passenger on crashed plane",
            date="2023-08-23T18:00:00Z", source="Reuters", published=True)
    article(folder, "b.md", "Prigozhin on board plane that crashed near Moscow, Russia says",
            date="2023-08-23T19:00:00Z", source="Le Monde")
    article(folder, "c.md", "Spain beat England to win the Women's World Cup final",
            date="2023-08-20T12:00:00Z", source="ESPN")
    article(folder, "d.md", "Spain win Women's World Cup final against England",
            date="2023-08-20T13:00:00Z", source="BBC")
    article(folder, "e.md", "Heatwave closes schools across southern Europe",
            date="2023-08-19T09:00:00Z", source="AP")
    return folder



def visible_list(window: MainWindow) -> QAbstractItemView:
    views = [v for v in window.findChildren(QAbstractItemView, "articleView") if v.isVisible()]
    assert len(views) == 1
    return views[0]


def group(qtbot, window: MainWindow, stories: int) -> StoryView:
    window.action("GroupByStory").setChecked(True)
    view = visible_list(window)
    assert isinstance(view, StoryView)
    qtbot.waitUntil(lambda: view.story_model().rowCount() == stories, timeout=20_000)
    return view


def test_group_by_story_is_a_checkable_action_with_a_shortcut_in_the_sheet(qtbot, news):
    window = open_window(qtbot, news, 5)
    action = window.findChild(type(window.action("GroupByStory")), "actionGroupByStory")
    assert action is not None and action.isCheckable()
    assert not action.shortcut().isEmpty()
    taken = {QKeySequence(k).toString() for k in ("P", "J", "K", "/", "Return", "Enter")}
    for key in ("GroupByStory", "PublishAndNext", "NextUnpublishedStory"):
        assert window.action(key).shortcut().toString() not in taken
    commands = {command for _menu, command, _keys in shortcut_rows()}
    assert {"Publish and Next", "Next Unpublished Story", "Group by Story"} <= commands


def test_the_seeds_become_one_story_row_with_two_articles(qtbot, seeds_copy):
    window = open_window(qtbot, seeds_copy, 2)
    view = group(qtbot, window, 1)
    model = view.story_model()
    story = model.index(0, 0)
    assert story.data(ID) is None
    assert story.data(StoryRole.STORY) == SEED_FULL
    children = {model.index(r, 0, story).data(ID) for r in range(model.rowCount(story))}
    assert children == {SEED_FULL, SEED_BODY_ONLY}
    window.action("GroupByStory").setChecked(False)
    flat = visible_list(window)
    assert not isinstance(flat, StoryView)
    assert flat.model().rowCount() == 2


def test_stories_follow_the_search_and_a_single_article_is_a_plain_row(qtbot, news):
    window = open_window(qtbot, news, 5)
    view = group(qtbot, window, 3)
    model = view.story_model()
    plain = [model.index(r, 0).data(ID) for r in range(3) if not model.rowCount(model.index(r, 0))]
    assert plain == ["e.md"]
    window.findChild(QWidget, "searchField").setText("Spain")

    def stories() -> set[str]:
        return {model.index(r, 0).data(StoryRole.STORY) for r in range(model.rowCount())}

    # The article being read stays pinned in view past a filter, as in the flat list.
    qtbot.waitUntil(lambda: "e.md" not in stories())
    assert "c.md" in stories()
    assert stories() <= {"c.md", view.story_model().story_of(window.detail_pane().current_id())}


def test_clicking_an_article_in_the_tree_shows_it(qtbot, news):
    window = open_window(qtbot, news, 5)
    view = group(qtbot, window, 3)
    view.select_article("d.md")
    title = window.findChild(QLabel, "detailTitle")
    qtbot.waitUntil(lambda: "Spain win" in title.text())


def test_next_unpublished_story_skips_stories_with_a_published_article(qtbot, news):
    window = open_window(qtbot, news, 5)
    view = group(qtbot, window, 3)
    view.setCurrentIndex(view.model().index(0, 0))  # the Prigozhin story: one published
    window.action("NextUnpublishedStory").trigger()
    assert view.currentIndex().data(StoryRole.STORY) == "c.md"


def test_publishing_a_second_version_shows_a_notice_with_undo(qtbot, news):
    window = open_window(qtbot, news, 5)
    group(qtbot, window, 3)
    assert window.select_article("b.md")
    window.action("PublishAndNext").trigger()
    bar = window.message_bar()
    qtbot.waitUntil(lambda: "Reuters's version of this story is already published" in bar.text())
    qtbot.waitUntil(lambda: "published: true" in (news / "b.md").read_text(encoding="utf-8"))
    window.undo_stack().undo()
    qtbot.waitUntil(lambda: "published: false" in (news / "b.md").read_text(encoding="utf-8"))


def test_a_new_file_on_disk_joins_its_story_in_the_tree(qtbot, news):
    window = open_window(qtbot, news, 5)
    view = group(qtbot, window, 3)
    article(news, "0.md", "Plane carrying Wagner chief Prigozhin crashes near Moscow",
            date="2023-08-23T18:30:00Z", source="AP")
    model = view.story_model()

    def prigozhin_children() -> set[str]:
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(StoryRole.STORY) == "0.md":
                return {model.index(r, 0, index).data(ID) for r in range(model.rowCount(index))}
        return set()

    qtbot.waitUntil(lambda: prigozhin_children() == {"0.md", "a.md", "b.md"}, timeout=20_000)


def test_the_window_tells_the_grouping_which_files_changed(qtbot, news, monkeypatch):
    """After the load, the grouping process is told the files the library announced and
    stamps just those (stamping 100,000 files was most of each regrouping)."""
    import reader.ui.story_model as story_model

    told: list[frozenset[str] | None] = []
    submit = story_model._submit_grouping

    def recorded(executor, folder, changed_ids, emit):
        told.append(changed_ids)
        submit(executor, folder, changed_ids, emit)

    monkeypatch.setattr(story_model, "_submit_grouping", recorded)
    window = open_window(qtbot, news, 5)
    view = group(qtbot, window, 3)
    assert told and told[0] is None  # the first grouping looks at the whole folder
    article(news, "0.md", "Plane carrying Wagner chief Prigozhin crashes near Moscow",
            date="2023-08-23T18:30:00Z", source="AP")
    (news / "e.md").unlink()
    model = view.story_model()
    qtbot.waitUntil(lambda: sorted(model.members("0.md")) == ["0.md", "a.md", "b.md"],
                    timeout=20_000)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=20_000)  # e.md's story is gone
    later = [ids for ids in told[1:] if ids]
    assert later and set().union(*later) == {"0.md", "e.md"}


def test_the_reading_pane_lists_the_same_story_and_a_click_goes_there(qtbot, seeds_copy):
    window = open_window(qtbot, seeds_copy, 2)
    assert window.select_article(SEED_FULL)
    pane = window.detail_pane()
    qtbot.waitUntil(lambda: pane.same_story_ids() == [SEED_BODY_ONLY], timeout=20_000)
    same = window.findChild(QWidget, "detailSameStory")
    assert same.isVisibleTo(window)
    assert "not published" in same.item(0).text()
    same.itemClicked.emit(same.item(0))
    qtbot.waitUntil(lambda: pane.current_id() == SEED_BODY_ONLY)
    qtbot.waitUntil(lambda: pane.same_story_ids() == [SEED_FULL])


def test_a_big_list_keeps_the_table_until_its_stories_are_ready(qtbot, news, monkeypatch):
    """Regrouped in slices (every list counts as big here), the tree shows only once it is
    whole: the table stays the visible "articleView" meanwhile, the article the editor was
    on is current in the tree after, and Next Unpublished Story asked meanwhile runs then."""
    import reader.ui.story_model as story_model

    monkeypatch.setattr(story_model, "SLICED_FROM_ROWS", 1)
    monkeypatch.setattr(story_model, "SLICE_ROWS", 1)
    monkeypatch.setattr(story_model, "SLICE_S", 0.0)
    window = open_window(qtbot, news, 5)
    table = visible_list(window)
    window.action("GroupByStory").setChecked(True)
    qtbot.waitUntil(lambda: isinstance(visible_list(window), StoryView), timeout=5000)
    qtbot.waitUntil(lambda: visible_list(window).story_model().rowCount() == 3, timeout=20_000)
    window.action("GroupByStory").setChecked(False)
    assert visible_list(window) is table
    assert window.select_article("a.md")

    window.action("GroupByStory").setChecked(True)
    assert visible_list(window) is table  # not regrouped yet
    window.action("NextUnpublishedStory").trigger()  # asked before the tree shows

    qtbot.waitUntil(lambda: isinstance(visible_list(window), StoryView), timeout=5000)
    view = visible_list(window)
    assert view.story_model().rowCount() == 3
    # a.md's story has a published article: the next with none is c.md's.
    assert view.currentIndex().data(StoryRole.STORY) == "c.md"
