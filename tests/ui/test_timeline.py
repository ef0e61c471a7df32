"""The timeline strip: per-day counts that follow the query and the folder, clicks and
drags that write a date: term, and bars painted from the palette in light and dark."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLineEdit

from reader.app import MainWindow
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
