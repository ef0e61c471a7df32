"""The window follows the folder while an editor reads: their place is never lost.

Real files change under an open window; each test checks what the editor sees: the
current article, the selection, the sort, the filter and the scroll position stay put,
and the article being read refreshes in place.
"""

from __future__ import annotations

import os
from pathlib import Path

import windows
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from reader.app import MainWindow
from reader.ui.article_model import Column, StateFilter

ID = Qt.ItemDataRole.UserRole


def write_article(
    folder: Path, name: str, title: str, *, day: int, published: bool = False, body: str = ""
) -> Path:
    path = folder / name
    text = (
        f'---\ntitle: "{title}"\npublishedDateTime: 2024-03-{day:02d}T10:00:00Z\n'
        f"published: {'true' if published else 'false'}\nprovider:\n  name: Wire\n---\n{body}"
    )
    temp = path.with_name(f".{name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)  # how editors and the pipeline save: rename over
    return path


def make_folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for number in range(count):
        write_article(
            folder,
            f"a{number:03d}.md",
            f"Article {number:03d}",
            day=1 + number % 28,
            body="Paragraph.\n\n" * 40,
        )
    return folder


def open_window(qtbot, folder: Path, rows: int) -> MainWindow:
    return windows.open_window(qtbot, folder, rows, size=(1100, 500), timeout=10_000)

def shown_ids(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return [model.index(row, 0).data(ID) for row in range(model.rowCount())]


def current_id(window: MainWindow) -> str | None:
    index = window.article_view().currentIndex()
    return index.data(ID) if index.isValid() else None


def select(qtbot, window: MainWindow, article_id: str) -> None:
    assert window.select_article(article_id)
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == article_id)
    title = window.findChild(QLabel, "detailTitle")
    qtbot.waitUntil(lambda: title.text() != "")


def open_by_title(qtbot, tmp_path: Path, count: int) -> tuple[Path, MainWindow]:
    """A folder of ``count`` articles open in a window, sorted by title (a000 first)."""
    folder = make_folder(tmp_path, count)
    window = open_window(qtbot, folder, count)
    window.article_view().sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
    return folder, window


def test_new_and_removed_files_keep_current_selection_sort_and_scroll(qtbot, tmp_path):
    folder, window = open_by_title(qtbot, tmp_path, 60)
    view = window.article_view()
    select(qtbot, window, "a030.md")
    selection = view.selectionModel()
    also = view.model().index(shown_ids(window).index("a031.md"), 0)
    selection.select(
        also, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    )
    view.scrollTo(view.currentIndex(), view.ScrollHint.PositionAtTop)
    top_before = view.indexAt(view.viewport().rect().topLeft()).data(ID)

    write_article(folder, "a000b.md", "Article 000b", day=5)  # sorts above the current one
    (folder / "a001.md").unlink()
    qtbot.waitUntil(
        lambda: "a000b.md" in shown_ids(window) and "a001.md" not in shown_ids(window),
        timeout=5_000,
    )

    assert current_id(window) == "a030.md"
    selected = {index.data(ID) for index in selection.selectedRows()}
    assert selected == {"a030.md", "a031.md"}
    assert view.horizontalHeader().sortIndicatorSection() == Column.TITLE
    titles = [view.model().index(r, Column.TITLE).data() for r in range(view.model().rowCount())]
    assert titles == sorted(titles, key=str.casefold)
    assert view.indexAt(view.viewport().rect().topLeft()).data(ID) == top_before


def test_current_article_edited_on_disk_refreshes_in_place_keeping_scroll(qtbot, tmp_path):
    folder = make_folder(tmp_path, 3)
    window = open_window(qtbot, folder, 3)
    select(qtbot, window, "a001.md")
    scroll = window.findChild(QScrollArea, "detailScroll")
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    bar.setValue(200)

    write_article(
        folder,
        "a001.md",
        "Article 001 (corrected)",
        day=2,
        body="Paragraph.\n\n" * 40 + "A late correction.\n",
    )
    title = window.findChild(QLabel, "detailTitle")
    qtbot.waitUntil(lambda: "corrected" in title.text(), timeout=5_000)
    body = window.findChild(QWidget, "detailBody")
    qtbot.waitUntil(lambda: "late correction" in body.toPlainText())
    assert current_id(window) == "a001.md"
    assert bar.value() == 200


def test_the_article_being_read_stays_shown_when_a_change_filters_it_out(qtbot, tmp_path):
    folder = make_folder(tmp_path, 4)
    window = open_window(qtbot, folder, 4)
    window.action("FilterUnpublished").trigger()
    assert window.article_view().model().state_filter() is StateFilter.UNPUBLISHED
    select(qtbot, window, "a002.md")

    write_article(folder, "a002.md", "Article 002", day=3, published=True)  # someone publishes it
    qtbot.waitUntil(
        lambda: (
            window.library().article("a002.md") is not None
            and window.library().article("a002.md").published
        ),
        timeout=5_000,
    )
    assert "a002.md" in shown_ids(window)  # pinned while it is being read
    assert current_id(window) == "a002.md"
    assert window.findChild(QLabel, "detailTitle").text() == "Article 002"

    select(qtbot, window, "a003.md")  # the editor moves on: now it is filtered out
    qtbot.waitUntil(lambda: "a002.md" not in shown_ids(window))


def test_rows_arriving_in_a_rush_are_merged_in_paced_slices_and_none_is_lost(qtbot, tmp_path):
    """A warm start posts thousands of rows at once: the first go in at once, the rest in
    slices of at most MAX_ROWS_PER_MERGE per event-loop turn; a change to a row still
    waiting in the pool is applied to it, not dropped."""
    from datetime import UTC, datetime, timedelta

    from reader.domain.article import ArticleSummary
    from reader.ui import main_window

    folder = tmp_path / "empty"
    folder.mkdir()
    window = MainWindow(folder, watch=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.library().is_settled, timeout=5_000)
    base = datetime(2024, 3, 1, tzinfo=UTC)
    slice_size = main_window.MAX_ROWS_PER_MERGE
    total = slice_size * 2 + 500

    def summary(number: int, title: str = "") -> ArticleSummary:
        return ArticleSummary(
            id=f"rush/{number:05d}.md",
            title=title or f"Rushed {number:05d}",
            published_at=base - timedelta(minutes=number),
        )

    source = window.article_view().model().sourceModel()
    sizes: list[int] = []
    source.rowsInserted.connect(lambda *_: sizes.append(source.rowCount()))
    added = window.library().articlesAdded
    first, rest = [summary(n) for n in range(500)], [summary(n) for n in range(500, total)]
    change = [summary(total - 1, "Changed while pooled")]
    more = [summary(n) for n in range(total, total + slice_size + 10)]
    added.emit(first)
    assert source.rowCount() == 500  # the first rows are not held back
    added.emit(rest)
    assert source.rowCount() == 500  # pooled: merged on a later turn
    window.library().articlesChanged.emit(change)
    assert source.rowCount() == total  # a change first puts every pooled row in
    row = source.row_of(f"rush/{total - 1:05d}.md")
    assert source.index(row, Column.TITLE).data() == "Changed while pooled"
    assert all(b - a <= slice_size for a, b in zip([0, *sizes], sizes, strict=False))

    added.emit(more)
    qtbot.waitUntil(lambda: source.rowCount() == total + slice_size + 10, timeout=5_000)
    assert all(b - a <= slice_size for a, b in zip([0, *sizes], sizes, strict=False))


def test_new_files_above_the_rows_on_screen_do_not_push_them_away(qtbot, tmp_path):
    """Scrolled down, the editor keeps the same rows on screen while the pipeline adds
    articles that sort above them; scrolled to the top, they see the new ones arrive."""
    folder, window = open_by_title(qtbot, tmp_path, 120)
    view = window.article_view()
    view.scrollTo(view.model().index(60, 0), view.ScrollHint.PositionAtTop)

    def top_id() -> str:
        return view.indexAt(view.viewport().rect().topLeft()).data(ID)

    before = top_id()
    assert before == "a060.md"
    for number in range(5):
        write_article(folder, f"a000{number}.md", f"Article 000-{number}", day=3)
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 125, timeout=5_000)
    assert top_id() == before

    view.scrollToTop()
    write_article(folder, "aardvark.md", "Aardvark sighted", day=3)  # first by title
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 126, timeout=5_000)
    assert top_id() == "aardvark.md"


def test_a_new_sort_order_keeps_the_current_article_in_sight(qtbot, tmp_path):
    _folder, window = open_by_title(qtbot, tmp_path, 120)
    view = window.article_view()
    select(qtbot, window, "a090.md")
    view.scrollToTop()
    assert not view.viewport().rect().intersects(view.visualRect(view.currentIndex()))
    view.sortByColumn(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert current_id(window) == "a090.md"
    assert view.viewport().rect().contains(view.visualRect(view.currentIndex()))
