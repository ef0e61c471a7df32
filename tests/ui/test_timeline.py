"""The timeline strip: per-day counts that follow the query and the folder, clicks and
drags that write a date: term, and bars painted from the palette in light and dark."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLineEdit

from reader.app import MainWindow
from reader.domain.article import ArticleSummary, Problem
from reader.domain.query import Folded, FoldedCache
from reader.domain.query import parse as parse_query
from reader.ui import live_tally
from reader.ui.article_model import ArticleTableModel
from reader.ui.timeline import TimelineStrip

ID = 0x0100


def write(folder: Path, name: str, day: str, *, published: bool, topic: str = "AI") -> None:
    (folder / name).write_text(
        f"---\ntitle: {name}\npublished: {'true' if published else 'false'}\n"
        f"publishedDateTime: {day}\ntopics:\n  - {topic}\n---\n",
        encoding="utf-8",
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    root.mkdir()
    write(root, "a.md", "2023-07-24", published=True)
    write(root, "b.md", "2023-07-24T10:00:00Z", published=False)
    write(root, "c.md", "2023-07-25", published=False, topic="Climate")
    write(root, "d.md", "2023-07-27", published=False)
    (root / "broken.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    return root


@pytest.fixture
def window(qtbot, folder: Path) -> MainWindow:
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitUntil(lambda: window.article_view().model().rowCount() == 5)
    window.article_view().clearSelection()
    return window


def strip_of(window: MainWindow) -> TimelineStrip:
    strip = window.findChild(TimelineStrip, "timeline")
    assert strip is not None
    return strip


def shown(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return sorted(model.index(row, 0).data(ID) for row in range(model.rowCount()))


D24, D25, D27 = date(2023, 7, 24), date(2023, 7, 25), date(2023, 7, 27)


def test_counts_per_day_published_and_unpublished(qtbot, window: MainWindow) -> None:
    strip = strip_of(window)
    qtbot.waitUntil(lambda: strip.counts() == {D24: (1, 1), D25: (0, 1), D27: (0, 1)})
    assert strip.visible_days()[1] == D27


def test_the_timeline_follows_the_query_but_not_its_date_words(
    qtbot, window: MainWindow
) -> None:
    strip = strip_of(window)
    search = window.findChild(QLineEdit, "searchField")
    search.setText("topic:ai")
    qtbot.waitUntil(lambda: strip.counts() == {D24: (1, 1), D27: (0, 1)})
    search.setText("topic:ai date:2023-07-27")
    qtbot.waitUntil(lambda: shown(window) == ["d.md"])
    qtbot.wait(200)
    assert strip.counts() == {D24: (1, 1), D27: (0, 1)}
    window.action("FilterPublished").trigger()
    qtbot.waitUntil(lambda: strip.counts() == {D24: (1, 0)})


def test_the_timeline_follows_the_live_folder(qtbot, window: MainWindow, folder: Path) -> None:
    strip = strip_of(window)
    qtbot.waitUntil(lambda: D27 in strip.counts())
    write(folder, "e.md", "2023-07-27", published=True)
    qtbot.waitUntil(lambda: strip.counts().get(D27) == (1, 1), timeout=10_000)


def test_click_and_drag_write_a_date_term(qtbot, window: MainWindow) -> None:
    strip = strip_of(window)
    search = window.findChild(QLineEdit, "searchField")
    search.setText("topic:ai")
    qtbot.waitUntil(lambda: D27 in strip.counts())
    y = strip.height() // 2
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.x_of(D24), y))
    assert search.text() == "topic:ai date:2023-07-24"
    qtbot.waitUntil(lambda: shown(window) == ["a.md", "b.md"])

    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.x_of(D25), y))
    qtbot.mouseMove(strip, QPoint(strip.x_of(D27), y))
    qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.x_of(D27), y))
    assert search.text() == "topic:ai date:2023-07-25..2023-07-27"
    qtbot.waitUntil(lambda: shown(window) == ["d.md"])


def _bar_pixels(strip: TimelineStrip, day: date) -> list[QColor]:
    image = strip.grab().toImage()
    x = strip.x_of(day) * image.width() // strip.width()
    return [image.pixelColor(x, y) for y in range(image.height())]


@pytest.mark.parametrize("dark", [False, True])
def test_bars_are_painted_in_palette_colours(qtbot, window: MainWindow, dark: bool) -> None:
    strip = strip_of(window)
    qtbot.waitUntil(lambda: D24 in strip.counts())
    if dark:
        palette = QPalette(strip.palette())
        palette.setColor(QPalette.ColorRole.Base, QColor("#1f2023"))
        palette.setColor(QPalette.ColorRole.Window, QColor("#2b2d30"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#3d7be0"))
        strip.setPalette(palette)
    base = strip.palette().color(QPalette.ColorRole.Base)
    column = _bar_pixels(strip, D24)
    assert column[1] == base  # above the bars: the background
    distinct = {color.name() for color in column if color != base}
    assert len(distinct) >= 2  # the published and the unpublished part differ
    empty = date(2023, 7, 26)
    assert all(color == base for color in _bar_pixels(strip, empty)[: strip.height() - 20])


def test_the_timeline_toggle_is_remembered(qtbot, window: MainWindow, folder: Path) -> None:
    strip = strip_of(window)
    assert strip.isVisible()
    window.action("Timeline").trigger()
    assert not strip.isVisible()
    window.close()
    again = MainWindow(folder)
    qtbot.addWidget(again)
    again.show()
    assert not strip_of(again).isVisible()


# -- counting that follows the change ---------------------------------------------------


def summary(index: int, **fields: object) -> ArticleSummary:
    values: dict[str, object] = {
        "title": f"Title {index:04d}",
        "published": index % 3 == 0,
        "published_at": datetime(2023, 7, 1, 12, tzinfo=UTC) + timedelta(hours=5 * index),
        "topics": ("AI",) if index % 2 else ("Politics",),
    }
    values.update(fields)
    return ArticleSummary(id=f"a/{index:04d}.md", **values)  # type: ignore[arg-type]


def brute_force(summaries: list[ArticleSummary], query: str) -> dict[date, tuple[int, int]]:
    """Per day (published, unpublished), counted from scratch the plain way."""
    days: dict[date, list[int]] = {}
    kept = parse_query(query).filter(summaries, None, FoldedCache())
    for item in kept:
        if item.is_error or item.published_at is None:
            continue
        day = date.fromordinal(Folded(item).day)  # type: ignore[arg-type]
        days.setdefault(day, [0, 0])[0 if item.published else 1] += 1
    return {day: (p, u) for day, (p, u) in days.items()}


def test_changes_after_the_first_count_move_only_their_counts(qtbot, qapp) -> None:
    source = ArticleTableModel()
    articles = {a.id: a for a in (summary(i) for i in range(300))}
    source.reset_articles(articles.values())
    strip = TimelineStrip()
    qtbot.addWidget(strip)
    query = "topic:ai OR is:published"
    strip.set_sources(source, lambda: parse_query(query), FoldedCache())
    qtbot.waitUntil(lambda: not strip.is_counting())
    assert strip.counts() == brute_force(list(articles.values()), query)

    added = [summary(i) for i in range(300, 340)]
    edited = [summary(i, published=True, topics=("Climate",)) for i in range(0, 60, 2)]
    moved = [summary(i, published_at=datetime(2023, 8, 30, tzinfo=UTC)) for i in range(1, 20, 2)]
    broken = ArticleSummary("a/0005.md", "broken", problems=(Problem("bad"),))
    source.add_articles(added)
    source.update_articles([*edited, *moved, broken])
    source.remove_articles([f"a/{i:04d}.md" for i in range(200, 230)])
    for item in (*added, *edited, *moved, broken):
        articles[item.id] = item
    for i in range(200, 230):
        del articles[f"a/{i:04d}.md"]
    qtbot.waitUntil(lambda: not strip.is_counting())
    assert strip.counts() == brute_force(list(articles.values()), query)


def test_a_new_query_is_counted_in_slices_keeping_the_old_bars(
    qtbot, qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ArticleTableModel()
    articles = [summary(i) for i in range(400)]
    source.reset_articles(articles)
    strip = TimelineStrip()
    qtbot.addWidget(strip)
    texts = ["topic:ai"]
    strip.set_sources(source, lambda: parse_query(texts[-1]), FoldedCache())
    qtbot.waitUntil(lambda: not strip.is_counting())
    before = strip.counts()
    assert before == brute_force(articles, "topic:ai")

    monkeypatch.setattr(live_tally, "SLICE_SECONDS", 0.0)  # one chunk per event-loop turn
    monkeypatch.setattr(live_tally, "CHUNK", 25)
    texts.append("is:published")
    strip.recount()
    assert strip.is_counting()
    assert strip.counts() == before  # nothing counted yet in this turn: the old picture
    slices = []
    strip._tally.changed.connect(lambda: slices.append(strip.counts()))
    qtbot.waitUntil(lambda: not strip.is_counting())
    assert strip.counts() == brute_force(articles, "is:published")
    assert len(slices) == 1  # the bars changed once, when the new picture was complete
