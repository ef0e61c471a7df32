"""Saved searches: the model (Qt's model tester), counts that follow the list, the
built-ins that are the View ▸ filters, the editor's own searches kept in settings, and
switching with the keyboard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import windows
from PySide6.QtWidgets import QInputDialog, QLineEdit, QListView

from reader.app import MainWindow
from reader.domain.article import ArticleSummary, Problem
from reader.domain.dates import calendar_day
from reader.domain.query import FoldedCache
from reader.domain.query import parse as parse_query
from reader.ui import live_tally
from reader.ui.article_model import ArticleTableModel
from reader.ui.saved_searches import BUILTIN_SEARCHES, SavedSearchModel, SavedSearchPanel
from reader.ui.settings import Settings

ID = 0x0100


def make(index: int, **fields: object) -> ArticleSummary:
    values: dict[str, object] = {
        "title": f"Title {index:04d}",
        "published": index % 3 == 0,
        "published_at": datetime(2023, 7, 1, tzinfo=UTC) + timedelta(hours=index),
        "topics": ("AI",) if index % 2 else ("Politics",),
        "quality": float(index % 100),
    }
    values.update(fields)
    return ArticleSummary(id=f"a/{index:04d}.md", **values)  # type: ignore[arg-type]


def expected_counts(model: SavedSearchModel, summaries: list[ArticleSummary]) -> list[int]:
    return [
        sum(parse_query(search.query).verdicts(summaries, cache=FoldedCache()))
        for search in model.searches()
    ]


@pytest.fixture
def source(qapp) -> ArticleTableModel:
    return ArticleTableModel()


def test_model_passes_qt_model_tester(qtmodeltester, source: ArticleTableModel) -> None:
    model = SavedSearchModel()
    model.set_user_searches([("AI", "topic:ai"), ("Good", "quality:>50")])
    model.set_source(source)
    qtmodeltester.check(model, force_py=True)
    model.add("Low", "quality:<10")
    model.move(len(BUILTIN_SEARCHES), +1)
    model.rename(len(BUILTIN_SEARCHES), "Renamed")
    model.remove(len(BUILTIN_SEARCHES) + 1)
    qtmodeltester.check(model, force_py=True)


def test_counts_follow_adds_updates_and_removals(qtbot, source: ArticleTableModel) -> None:
    model = SavedSearchModel()
    model.set_user_searches([("AI", "topic:ai"), ("Good", "quality:>=50 is:unpublished")])
    articles = {a.id: a for a in (make(i) for i in range(200))}
    source.reset_articles(articles.values())
    model.set_source(source)
    counts = lambda: [model.count_at(r) for r in range(model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: counts() == expected_counts(model, list(articles.values())))

    added = [make(i) for i in range(200, 260)]
    updated = [make(i, published=True, topics=("AI",)) for i in range(0, 40)]
    broken = ArticleSummary("a/broken.md", "broken", problems=(Problem("bad"),))
    source.add_articles([*added, broken])
    source.update_articles(updated)
    source.remove_articles([f"a/{i:04d}.md" for i in range(100, 130)])
    for summary in (*added, broken, *updated):
        articles[summary.id] = summary
    for i in range(100, 130):
        del articles[f"a/{i:04d}.md"]
    qtbot.waitUntil(lambda: counts() == expected_counts(model, list(articles.values())))
    assert counts()[0] == 231  # All articles
    assert counts()[4] == 1  # Problems


def test_many_small_changes_after_the_first_count_match_a_brute_force_count(
    qtbot, source: ArticleTableModel
) -> None:
    model = SavedSearchModel()
    model.set_user_searches(
        [("AI", "topic:ai"), ("Old good", "quality:>=50 date:2023-07-01..2023-07-05")]
    )
    articles = {a.id: a for a in (make(i) for i in range(300))}
    source.reset_articles(articles.values())
    model.set_source(source)
    counts = lambda: [model.count_at(r) for r in range(model.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: not model.is_counting())
    assert counts() == expected_counts(model, list(articles.values()))
    for step in range(5):  # one article at a time, as a live folder changes
        edited = make(step * 7, topics=("AI",), quality=99.0, published=step % 2 == 0)
        source.update_articles([edited])
        articles[edited.id] = edited
        source.remove_articles([f"a/{250 + step:04d}.md"])
        del articles[f"a/{250 + step:04d}.md"]
        qtbot.waitUntil(lambda: not model.is_counting())
        assert counts() == expected_counts(model, list(articles.values()))


def test_a_full_count_is_sliced_and_keeps_the_counts_shown(
    qtbot, source: ArticleTableModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = SavedSearchModel()
    model.set_user_searches([("AI", "topic:ai")])
    articles = [make(i) for i in range(400)]
    source.reset_articles(articles)
    model.set_source(source)
    qtbot.waitUntil(lambda: not model.is_counting())
    before = [model.count_at(r) for r in range(model.rowCount())]
    monkeypatch.setattr(live_tally, "SLICE_SECONDS", 0.0)  # one chunk per event-loop turn
    monkeypatch.setattr(live_tally, "CHUNK", 25)
    model.add("Good", "quality:>=50")
    assert model.is_counting()
    assert [model.count_at(r) for r in range(model.rowCount())] == [*before, None]
    qtbot.waitUntil(lambda: not model.is_counting())
    assert [model.count_at(r) for r in range(model.rowCount())] == expected_counts(
        model, articles
    )


def test_a_malformed_stored_search_is_kept_but_not_counted(
    qtbot, source: ArticleTableModel
) -> None:
    model = SavedSearchModel()
    model.set_user_searches([("Broken", "quality:>"), ("AI", "topic:ai")])
    source.reset_articles([make(i) for i in range(10)])
    model.set_source(source)
    qtbot.waitUntil(lambda: not model.is_counting())
    assert model.count_at(len(BUILTIN_SEARCHES)) is None
    assert model.count_at(len(BUILTIN_SEARCHES) + 1) == 5
    assert "no longer parses" in model.index(len(BUILTIN_SEARCHES)).data(3)  # tooltip


def test_today_counts_calendar_days_and_local_instants(qtbot, source: ArticleTableModel) -> None:
    today = date.today()
    model = SavedSearchModel()
    source.reset_articles(
        [
            make(1, published_at=calendar_day(today)),
            make(2, published_at=datetime.now(UTC)),
            make(3, published_at=calendar_day(today - timedelta(days=1))),
        ]
    )
    model.set_source(source)
    qtbot.waitUntil(lambda: model.count_at(3) == 2)  # Today


# -- in the window --------------------------------------------------------------------


def write(folder: Path, name: str, title: str, *, published: bool, topic: str) -> None:
    (folder / name).write_text(
        f"---\ntitle: {title}\npublished: {'true' if published else 'false'}\n"
        f"publishedDateTime: 2023-07-26T10:00:00Z\ntopics:\n  - {topic}\n---\nBody.\n",
        encoding="utf-8",
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    root.mkdir()
    write(root, "a.md", "Alpha", published=False, topic="AI")
    write(root, "b.md", "Beta", published=True, topic="AI")
    write(root, "c.md", "Gamma", published=False, topic="Climate")
    (root / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    return root


def open_window(qtbot, folder: Path) -> MainWindow:
    return windows.open_window(qtbot, folder, 4)

def shown(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return sorted(model.index(row, 0).data(ID) for row in range(model.rowCount()))


def panel_of(window: MainWindow) -> SavedSearchPanel:
    panel = window.findChild(SavedSearchPanel, "savedSearchPanel")
    assert panel is not None
    return panel


def counts_of(panel: SavedSearchPanel) -> dict[str, int | None]:
    model = panel.model
    return {model.search_at(r).name: model.count_at(r) for r in range(model.rowCount())}


def test_built_ins_are_the_view_filters_and_counts_follow_the_folder(
    qtbot, folder: Path
) -> None:
    window = open_window(qtbot, folder)
    window.article_view().clearSelection()
    panel = panel_of(window)
    qtbot.waitUntil(
        lambda: counts_of(panel)
        == {"All articles": 4, "Inbox": 2, "Published": 1, "Today": 0, "Problems": 1}
    )
    view = window.findChild(QListView, "savedSearchList")
    view.setCurrentIndex(panel.model.index(1))  # Inbox
    qtbot.waitUntil(lambda: shown(window) == ["a.md", "c.md"])
    assert window.action("FilterUnpublished").isChecked()

    window.action("FilterProblems").trigger()  # Ctrl+4
    qtbot.waitUntil(lambda: shown(window) == ["broken.md"])
    assert panel.current_query() == "is:problem"

    view.setCurrentIndex(panel.model.index(3))  # Today: no View filter is it
    qtbot.waitUntil(lambda: shown(window) == [])
    assert not any(
        window.action(key).isChecked()
        for key in ("FilterAll", "FilterUnpublished", "FilterPublished", "FilterProblems")
    )

    write(folder, "d.md", "Delta", published=False, topic="AI")
    qtbot.waitUntil(lambda: window.library().article("d.md") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: counts_of(panel)["Inbox"] == 3)
    assert counts_of(panel)["All articles"] == 5


def test_saving_renaming_reordering_and_deleting_are_remembered(
    qtbot, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, folder)
    window.article_view().clearSelection()
    window.action("FilterUnpublished").trigger()
    window.findChild(QLineEdit, "searchField").setText("topic:ai")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Unpublished AI", True))
    window.action("SaveSearch").trigger()
    panel = panel_of(window)
    assert panel.model.user_searches()[-1].query == "is:unpublished topic:ai"
    assert panel.current_query() == "is:unpublished topic:ai"
    qtbot.waitUntil(lambda: shown(window) == ["a.md"])
    qtbot.waitUntil(lambda: counts_of(panel).get("Unpublished AI") == 1)

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Climate", True))
    window.findChild(QLineEdit, "searchField").setText("topic:climate")
    window.action("FilterAll").trigger()
    window.action("SaveSearch").trigger()
    first = len(BUILTIN_SEARCHES)
    assert [s.name for s in panel.model.user_searches()] == ["Unpublished AI", "Climate"]
    panel.view.setCurrentIndex(panel.model.index(first + 1))
    panel._buttons["Up"].click()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Climate stories", True))
    panel._buttons["Rename"].click()
    assert Settings().saved_searches() == [
        ("Climate stories", "topic:climate"),
        ("Unpublished AI", "is:unpublished topic:ai"),
    ]
    panel.view.setCurrentIndex(panel.model.index(first + 1))
    panel._buttons["Delete"].click()
    assert Settings().saved_searches() == [("Climate stories", "topic:climate")]
    window.close()

    again = open_window(qtbot, folder)
    names = [s.name for s in panel_of(again).model.searches()]
    assert names == [s.name for s in BUILTIN_SEARCHES] + ["Climate stories"]


def test_keyboard_switches_searches_and_the_panel_toggle_is_remembered(
    qtbot, folder: Path
) -> None:
    window = open_window(qtbot, folder)
    window.article_view().clearSelection()
    panel = panel_of(window)
    assert panel.current_query() == ""
    window.action("NextSavedSearch").trigger()  # Alt+Down
    assert panel.current_query() == "is:unpublished"
    qtbot.waitUntil(lambda: shown(window) == ["a.md", "c.md"])
    window.action("NextSavedSearch").trigger()
    qtbot.waitUntil(lambda: shown(window) == ["b.md"])
    window.action("PreviousSavedSearch").trigger()  # Alt+Up
    qtbot.waitUntil(lambda: shown(window) == ["a.md", "c.md"])

    assert panel.isVisible()
    window.action("SavedSearches").trigger()  # F9
    assert not panel.isVisible()
    window.close()
    again = open_window(qtbot, folder)
    assert not panel_of(again).isVisible()
    assert not again.action("SavedSearches").isChecked()


def test_counts_include_words_found_only_in_bodies(qtbot, folder: Path) -> None:
    (folder / "z.md").write_text("---\ntitle: Airship\n---\nA zeppelin over Crème.\n", "utf-8")
    Settings().set_saved_searches([("Zeppelins", "zeppelin OR title:gamma"), ("Creme", "creme")])
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    panel = panel_of(window)
    qtbot.waitUntil(lambda: counts_of(panel).get("Zeppelins") == 2, timeout=5000)
    # Each search's body words are answered by the index on their own: "creme" may come later.
    qtbot.waitUntil(lambda: counts_of(panel).get("Creme") == 1, timeout=5000)
    (folder / "y.md").write_text("---\ntitle: Another\n---\nZeppelin again.\n", "utf-8")
    qtbot.waitUntil(lambda: counts_of(panel).get("Zeppelins") == 3, timeout=10_000)
