"""The main window as an editor uses it: real files in a temp folder, real keys and clicks.

Every URL the window opens is caught by handlers registered with
``QDesktopServices.setUrlHandler`` (the contract: URLs leave only through ``openUrl``), so
no browser starts and a test can see exactly what would have been opened.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    QUrl,
    Slot,
)
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from seed_files import SEED_BODY_ONLY, SEED_FULL

from reader.app import MainWindow
from reader.domain import publish
from reader.ui.actions import ACTION_SPECS
from reader.ui.article_model import Column
from reader.ui.settings import Settings

SEED_FULL_TITLE = (
    "Netflix invests more than half a million dollars in machine learning role amid SAG, "
    "WGA strikes"
)
SEED_FULL_URL = (
    "https://www.kron4.com/news/netflix-invests-more-than-half-a-million-dollars-in-machine-"
    "learning-role-amid-sag-wga-strikes/"
)
ID = Qt.ItemDataRole.UserRole
SCHEMES = ("http", "https", "file", "javascript", "data")


class UrlRecorder(QObject):
    """Stands in for the browser: records every URL the window hands to the desktop."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened(qapp):
    recorder = UrlRecorder()
    for scheme in SCHEMES:
        QDesktopServices.setUrlHandler(scheme, recorder, "handle")
    yield recorder
    for scheme in SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


def article_text(
    title: str,
    *,
    published: bool = False,
    url: str = "",
    date: str = "2024-03-01T10:00:00Z",
    source: str = "Example News",
    body: str = "",
) -> str:
    lines = ["---", f'title: "{title}"', f"publishedDateTime: {date}"]
    if url:
        lines.append(f'originalUrl: "{url}"')
    lines += [f"published: {'true' if published else 'false'}", "provider:", f"  name: {source}"]
    return "\n".join(lines) + "\n---\n" + body


def make_window(qtbot, folder: Path, expected_rows: int) -> MainWindow:
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.article_view().model().rowCount() == expected_rows)
    return window


def shown_ids(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return [model.index(row, 0).data(ID) for row in range(model.rowCount())]


def shown_titles(window: MainWindow) -> list[str]:
    model = window.article_view().model()
    return [model.index(row, Column.TITLE).data() for row in range(model.rowCount())]


def select(qtbot, window: MainWindow, article_id: str) -> None:
    assert window.select_article(article_id)
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == article_id)


def wait_for_detail(qtbot, window: MainWindow, text: str) -> None:
    body = window.findChild(QWidget, "detailBody")
    title = window.findChild(QLabel, "detailTitle")
    qtbot.waitUntil(lambda: text in title.text() or text in body.toPlainText())


def clear_current(window: MainWindow) -> None:
    """No article being read, so none is pinned into view past the filters."""
    window.article_view().setCurrentIndex(QModelIndex())
    window.article_view().clearSelection()


def make_active(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


@pytest.fixture
def seeds_window(qtbot, seeds_copy: Path) -> MainWindow:
    return make_window(qtbot, seeds_copy, 2)


@pytest.fixture
def varied_folder(tmp_path: Path) -> Path:
    """Four readable articles (two published) and one broken file."""
    folder = tmp_path / "varied"
    folder.mkdir()
    (folder / "alpha.md").write_text(
        article_text(
            "Alpha storm warning",
            date="2024-03-03T10:00:00Z",
            source="Beacon",
            url="https://example.com/alpha",
            body="Rain all week.\n",
        )
    )
    (folder / "beta.md").write_text(
        article_text(
            "Beta market rally",
            published=True,
            date="2024-03-01T10:00:00Z",
            source="Courier",
            url="https://example.com/beta",
            body="The zeppelin index rose.\n",
        )
    )
    (folder / "gamma.md").write_text(
        article_text(
            "Gamma election night",
            date="2024-03-02T10:00:00Z",
            source="Almanac",
            url="https://example.com/gamma",
            body="Counting continues.\n",
        )
    )
    (folder / "delta.md").write_text(
        article_text(
            "Delta harbour opens",
            published=True,
            date="2024-02-27T10:00:00Z",
            source="Dispatch",
            url="https://example.com/delta",
        )
    )
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    return folder


# -- the contract --------------------------------------------------------------------------


def test_window_builds_with_the_documented_object_names(seeds_window: MainWindow) -> None:
    view = seeds_window.findChild(QAbstractItemView, "articleView")
    assert view is seeds_window.article_view()
    assert sorted(shown_ids(seeds_window)) == [SEED_FULL, SEED_BODY_ONLY]
    assert isinstance(seeds_window.findChild(QLineEdit, "searchField"), QLineEdit)
    for name in (
        "detailPane",
        "detailTitle",
        "detailExcerpt",
        "detailBody",
        "detailImages",
        "detailRelated",
    ):
        assert seeds_window.findChild(QWidget, name) is not None, name
    for name in ("actionTogglePublished", "actionOpenOriginal"):
        assert isinstance(seeds_window.findChild(QAction, name), QAction), name
    assert seeds_window.windowTitle() == f"{seeds_window.library().folder().name} — reader"


def test_proxy_passes_the_model_tester_in_the_window(seeds_window: MainWindow, qtmodeltester):
    qtmodeltester.check(seeds_window.article_view().model())


def test_status_bar_counts_what_is_shown_and_the_whole(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    counts = window.findChild(QLabel, "articleCounts")
    qtbot.waitUntil(lambda: counts.text() == "5 articles · 2 unpublished · 1 problem")
    clear_current(window)
    window.action("FilterPublished").trigger()
    qtbot.waitUntil(lambda: counts.text() == "2 of 5 articles · 2 unpublished · 1 problem")


def test_empty_folder_says_so_in_the_list(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path, 0)
    view = window.article_view()
    qtbot.waitUntil(lambda: "No articles here yet" in view.placeholder_text())


# -- reading -------------------------------------------------------------------------------


def test_selecting_an_article_shows_it_whole(qtbot, seeds_window: MainWindow) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    wait_for_detail(qtbot, seeds_window, SEED_FULL_TITLE)
    related = seeds_window.findChild(QWidget, "detailRelated")
    qtbot.waitUntil(lambda: related.count() == 3)
    select(qtbot, seeds_window, SEED_BODY_ONLY)
    wait_for_detail(qtbot, seeds_window, "Joan Is Awful")


def test_header_click_sorts_and_clicking_again_reverses(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    header = window.article_view().header()
    position = QPoint(header.sectionViewportPosition(Column.TITLE) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    readable = [
        "Alpha storm warning",
        "Beta market rally",
        "Delta harbour opens",
        "Gamma election night",
    ]
    qtbot.waitUntil(lambda: [t for t in shown_titles(window) if t in readable] == readable)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.waitUntil(lambda: [t for t in shown_titles(window) if t in readable] == readable[::-1])


def test_state_filters_show_matching_rows(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    clear_current(window)
    window.action("FilterUnpublished").trigger()
    qtbot.waitUntil(lambda: sorted(shown_ids(window)) == ["alpha.md", "gamma.md"])
    window.action("FilterPublished").trigger()
    qtbot.waitUntil(lambda: sorted(shown_ids(window)) == ["beta.md", "delta.md"])
    window.action("FilterProblems").trigger()
    qtbot.waitUntil(lambda: shown_ids(window) == ["broken.md"])
    window.action("FilterAll").trigger()
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 5)


def test_search_filters_by_title_at_once_and_by_body_soon_after(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    clear_current(window)
    search = window.findChild(QLineEdit, "searchField")
    qtbot.keyClicks(search, "harbour")
    assert shown_ids(window) == ["delta.md"]
    search.clear()
    qtbot.keyClicks(search, "zeppelin")
    qtbot.waitUntil(lambda: shown_ids(window) == ["beta.md"])
    search.clear()
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 5)


def test_related_link_to_an_article_in_the_folder_selects_it(
    qtbot, seeds_copy: Path, opened: UrlRecorder
) -> None:
    (seeds_copy / "engadget.md").write_text(
        article_text(
            "Netflix lists $900,000 AI job",
            url="https://www.engadget.com/netflix-lists-900000-ai-job-as-actors-and-writers-"
            "continue-to-strike-190037630.html",
        )
    )
    window = make_window(qtbot, seeds_copy, 3)
    # The folder's URLs are looked up once the load is over (rows come before that).
    qtbot.waitUntil(window.library().is_settled)
    select(qtbot, window, SEED_FULL)
    window.action("FilterUnpublished").trigger()
    window.detail_pane().relatedActivated.emit(
        "https://www.engadget.com/netflix-lists-900000-ai-job-as-actors-and-writers-"
        "continue-to-strike-190037630.html"
    )
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == "engadget.md")
    window.detail_pane().relatedActivated.emit("https://theintercept.com/2023/07/25/x/")
    assert opened.urls == ["https://theintercept.com/2023/07/25/x/"]


# -- publishing ----------------------------------------------------------------------------


def test_toggle_writes_the_file_and_undo_restores_it_byte_for_byte(
    qtbot, seeds_window: MainWindow
) -> None:
    path = seeds_window.library().folder() / SEED_FULL
    original = path.read_bytes()
    published = original.replace(b"published: false", b"published: true")
    select(qtbot, seeds_window, SEED_FULL)
    toggle = seeds_window.findChild(QAction, "actionTogglePublished")
    assert toggle.isEnabled()

    toggle.trigger()
    row_published = lambda: seeds_window.library().article(SEED_FULL).published  # noqa: E731
    assert row_published()  # the list shows it at once, before the write lands
    qtbot.waitUntil(lambda: path.read_bytes() == published)

    seeds_window.action("Undo").trigger()
    assert not row_published()
    qtbot.waitUntil(lambda: path.read_bytes() == original)

    seeds_window.action("Redo").trigger()
    qtbot.waitUntil(lambda: path.read_bytes() == published)
    assert seeds_window.undo_stack().count() == 1


def test_toggle_on_a_mixed_selection_publishes_all_and_undo_restores_the_mix(
    qtbot, varied_folder: Path
) -> None:
    window = make_window(qtbot, varied_folder, 5)
    originals = {name: (varied_folder / name).read_bytes() for name in ("alpha.md", "beta.md")}
    window.action("FilterAll").trigger()
    view = window.article_view()
    view.clearSelection()
    for article_id in ("alpha.md", "beta.md"):
        row = view.model().index(shown_ids(window).index(article_id), 0)
        view.selectionModel().select(
            row, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
    window.action("TogglePublished").trigger()
    qtbot.waitUntil(lambda: b"published: true" in (varied_folder / "alpha.md").read_bytes())
    assert (varied_folder / "beta.md").read_bytes() == originals["beta.md"]
    window.action("Undo").trigger()
    qtbot.waitUntil(lambda: (varied_folder / "alpha.md").read_bytes() == originals["alpha.md"])
    assert (varied_folder / "beta.md").read_bytes() == originals["beta.md"]


def test_failed_write_reverts_the_row_and_says_why(
    qtbot, seeds_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, value: bool, *, display_name: str | None = None):
        raise publish.PublishError(f"Could not publish {display_name}: the disk is full.")

    monkeypatch.setattr(publish, "set_published", refuse)
    path = seeds_window.library().folder() / SEED_FULL
    original = path.read_bytes()
    select(qtbot, seeds_window, SEED_FULL)
    with qtbot.waitSignal(seeds_window.library().publishFailed):
        seeds_window.action("TogglePublished").trigger()
    bar = seeds_window.message_bar()
    assert SEED_FULL in bar.text() and "disk is full" in bar.text()
    assert not seeds_window.library().article(SEED_FULL).published
    assert path.read_bytes() == original
    assert seeds_window.undo_stack().count() == 0  # nothing to undo: nothing happened


def test_write_to_a_removed_file_fails_cleanly(qtbot, seeds_window: MainWindow) -> None:
    path = seeds_window.library().folder() / SEED_FULL
    select(qtbot, seeds_window, SEED_FULL)
    path.unlink()
    with qtbot.waitSignal(seeds_window.library().publishFailed):
        seeds_window.action("TogglePublished").trigger()
    assert SEED_FULL in seeds_window.message_bar().text()
    assert not path.exists()
    assert seeds_window.undo_stack().count() == 0


# -- opening originals ---------------------------------------------------------------------


def test_open_original_reaches_the_browser_with_the_right_url(
    qtbot, seeds_window: MainWindow, opened: UrlRecorder
) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    action = seeds_window.findChild(QAction, "actionOpenOriginal")
    qtbot.waitUntil(action.isEnabled)
    action.trigger()
    assert opened.urls == [SEED_FULL_URL]


def test_unsafe_url_is_disabled_and_refused_when_forced(
    qtbot, tmp_path: Path, opened: UrlRecorder
) -> None:
    (tmp_path / "evil.md").write_text(article_text("Evil", url="javascript:alert(1)"))
    window = make_window(qtbot, tmp_path, 1)
    select(qtbot, window, "evil.md")
    action = window.findChild(QAction, "actionOpenOriginal")
    qtbot.waitUntil(lambda: window.action("TogglePublished").isEnabled())
    assert not action.isEnabled()
    action.setEnabled(True)
    action.trigger()
    assert opened.urls == []
    assert "javascript:" in window.message_bar().text()


def test_opening_more_than_ten_asks_first(
    qtbot, tmp_path: Path, opened: UrlRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(11):
        (tmp_path / f"a{number:02}.md").write_text(
            article_text(f"Article {number}", url=f"https://example.com/{number}")
        )
    window = make_window(qtbot, tmp_path, 11)
    asked: list[str] = []

    def decline(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", decline)
    window.action("SelectAll").trigger()
    window.action("OpenOriginal").trigger()
    assert asked and "11" in asked[0]
    assert opened.urls == []

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Open)
    window.action("OpenOriginal").trigger()
    assert sorted(opened.urls) == sorted(f"https://example.com/{n}" for n in range(11))


# -- keyboard ------------------------------------------------------------------------------


def test_j_and_k_move_the_current_row(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    make_active(qtbot, window)
    view = window.article_view()
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, Column.TITLE))
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert view.currentIndex().row() == 1
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == shown_ids(window)[1])


def test_slash_focuses_search_and_escape_returns_to_the_list(
    qtbot, seeds_window: MainWindow
) -> None:
    make_active(qtbot, seeds_window)
    view = seeds_window.article_view()
    search = seeds_window.findChild(QLineEdit, "searchField")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Slash)
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "p")  # a letter that is also a shortcut types into the field
    assert search.text() == "p"
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    qtbot.waitUntil(view.hasFocus)


def test_enter_on_the_list_opens_the_original(
    qtbot, seeds_window: MainWindow, opened: UrlRecorder
) -> None:
    make_active(qtbot, seeds_window)
    select(qtbot, seeds_window, SEED_FULL)
    seeds_window.article_view().setFocus()
    qtbot.waitUntil(seeds_window.action("OpenOriginal").isEnabled)
    qtbot.keyClick(seeds_window.article_view(), Qt.Key.Key_Return)
    assert opened.urls == [SEED_FULL_URL]


def test_shortcuts_dialog_lists_every_action_shortcut(qtbot, seeds_window: MainWindow) -> None:
    dialog = seeds_window.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = dialog.listed_text()
    checked = 0
    for action in seeds_window.findChildren(QAction):
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            assert text in listed, (action.objectName(), text)
            checked += 1
    assert checked >= sum(len(spec.shortcuts) for spec in ACTION_SPECS)


# -- remembered between runs -----------------------------------------------------------------


def test_settings_survive_closing_and_reopening(qtbot, varied_folder: Path) -> None:
    window = make_window(qtbot, varied_folder, 5)
    window.resize(700, 500)
    window.findChild(QWidget, "mainSplitter").setSizes([300, 400])
    window.article_view().sortByColumn(Column.SOURCE, Qt.SortOrder.AscendingOrder)
    window.action("RemoteImages").setChecked(False)
    sizes = window.findChild(QWidget, "mainSplitter").sizes()
    window.close()

    settings = Settings()
    assert settings.last_folder() == varied_folder.resolve()
    assert settings.recent_folders()[0] == varied_folder.resolve()

    again = make_window(qtbot, varied_folder, 5)
    assert again.size().width() == 700 and again.size().height() == 500
    assert again.findChild(QWidget, "mainSplitter").sizes() == sizes
    header = again.article_view().header()
    assert header.sortIndicatorSection() == Column.SOURCE
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    by_source = [
        "Gamma election night",
        "Alpha storm warning",
        "Beta market rally",
        "Delta harbour opens",
    ]
    qtbot.waitUntil(lambda: [t for t in shown_titles(again) if t in by_source] == by_source)
    assert not again.action("RemoteImages").isChecked()
    assert not again.detail_pane().remote_images_enabled()


def test_recent_folders_are_offered_and_missing_ones_pruned(
    qtbot, varied_folder: Path, seeds_copy: Path, tmp_path: Path
) -> None:
    gone = tmp_path / "gone"
    shutil.copytree(seeds_copy, gone)
    window = make_window(qtbot, gone, 2)
    window.open_folder(varied_folder)
    qtbot.waitUntil(lambda: len(shown_ids(window)) == 5)
    shutil.rmtree(gone)
    assert Settings().recent_folders() == [varied_folder.resolve()]


# -- the folder changing underneath ------------------------------------------------------------


def test_current_article_deleted_on_disk_says_so_in_the_pane(
    qtbot, seeds_window: MainWindow
) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    wait_for_detail(qtbot, seeds_window, SEED_FULL_TITLE)
    (seeds_window.library().folder() / SEED_FULL).unlink()
    qtbot.waitUntil(lambda: shown_ids(seeds_window) == [SEED_BODY_ONLY], timeout=10_000)
    message = seeds_window.findChild(QLabel, "detailMessage")
    qtbot.waitUntil(lambda: message.isVisible() and "deleted" in message.text())
    assert seeds_window.detail_pane().current_id() == SEED_FULL
    assert not seeds_window.action("TogglePublished").isEnabled()


def test_folder_removed_empties_the_list_and_says_so(qtbot, seeds_window: MainWindow) -> None:
    folder = seeds_window.library().folder()
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: shown_ids(seeds_window) == [], timeout=10_000)
    qtbot.waitUntil(lambda: "missing" in seeds_window.message_bar().text())
    assert "missing" in seeds_window.article_view().placeholder_text()


def test_copy_actions_put_the_urls_on_the_clipboard(qtbot, seeds_window: MainWindow) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    seeds_window.action("CopyOriginalUrl").trigger()
    assert QApplication.clipboard().text() == SEED_FULL_URL
    seeds_window.action("CopyWebUrl").trigger()
    assert QApplication.clipboard().text() == SEED_FULL_URL
    select(qtbot, seeds_window, SEED_BODY_ONLY)
    assert not seeds_window.action("CopyOriginalUrl").isEnabled()  # a body-only file has none


def test_amp_variants_open_their_own_urls(
    qtbot, seeds_window: MainWindow, opened: UrlRecorder
) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    seeds_window.action("OpenAmp").trigger()
    seeds_window.action("OpenCdnAmp").trigger()
    assert opened.urls == [
        SEED_FULL_URL + "amp/",
        "https://www-kron4-com.cdn.ampproject.org/c/s/"
        + SEED_FULL_URL.removeprefix("https://")
        + "amp/",
    ]


def test_context_menu_offers_the_article_actions(qtbot, seeds_window: MainWindow) -> None:
    shown: list[str] = []

    def read_and_close_menu() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, read_and_close_menu)
            return
        shown.extend(action.objectName() for action in menu.actions())
        menu.close()

    select(qtbot, seeds_window, SEED_FULL)
    view = seeds_window.article_view()
    QTimer.singleShot(20, read_and_close_menu)
    view.customContextMenuRequested.emit(view.visualRect(view.currentIndex()).center())
    for name in (
        "actionTogglePublished",
        "actionOpenOriginal",
        "actionCopyOriginalUrl",
        "actionRevealFile",
    ):
        assert name in shown


def test_failed_undo_leaves_the_file_and_a_coherent_stack(
    qtbot, seeds_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = seeds_window.library().folder() / SEED_FULL
    published = path.read_bytes().replace(b"published: false", b"published: true")
    select(qtbot, seeds_window, SEED_FULL)
    with qtbot.waitSignal(seeds_window.library().publishSucceeded):
        seeds_window.action("TogglePublished").trigger()

    def refuse(path: Path, value: bool, *, display_name: str | None = None):
        raise publish.PublishError(f"Could not unpublish {display_name}: permission denied.")

    monkeypatch.setattr(publish, "set_published", refuse)
    with qtbot.waitSignal(seeds_window.library().publishFailed):
        seeds_window.action("Undo").trigger()
    assert "permission denied" in seeds_window.message_bar().text()
    assert seeds_window.library().article(SEED_FULL).published
    assert path.read_bytes() == published
    stack = seeds_window.undo_stack()
    assert stack.count() == 0 and not stack.canUndo() and not stack.canRedo()


def test_reveal_file_opens_the_containing_folder(
    qtbot, seeds_window: MainWindow, opened: UrlRecorder
) -> None:
    select(qtbot, seeds_window, SEED_FULL)
    seeds_window.action("RevealFile").trigger()
    folder = seeds_window.library().folder()
    assert opened.urls == [QUrl.fromLocalFile(str(folder)).toString()]


def test_return_in_the_related_list_opens_that_link_not_the_original(
    qtbot, seeds_window: MainWindow, opened: UrlRecorder
) -> None:
    make_active(qtbot, seeds_window)
    select(qtbot, seeds_window, SEED_FULL)
    related = seeds_window.findChild(QWidget, "detailRelated")
    qtbot.waitUntil(lambda: related.count() == 3)
    related.setFocus()
    related.setCurrentRow(1)
    qtbot.keyClick(related, Qt.Key.Key_Return)
    assert opened.urls == [
        "https://theintercept.com/2023/07/25/strike-hollywood-ai-disney-netflix/"
    ]


# -- a new user's first minute -----------------------------------------------------------------


def test_an_opened_folder_gives_the_list_the_keyboard_and_the_pane_says_how_to_start(
    qtbot, seeds_copy: Path, tmp_path: Path
) -> None:
    window = make_window(qtbot, seeds_copy, 2)
    make_active(qtbot, window)
    message = window.findChild(QLabel, "detailMessage")
    assert "press J" in message.text()
    other = tmp_path / "other"
    shutil.copytree(seeds_copy, other)
    window.focusWidget().clearFocus()  # the keyboard nowhere, as after a closed dialog
    window.open_folder(other)
    qtbot.waitUntil(window.library().is_settled)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.article_view())
    assert window.article_view().selectionModel().selectedRows() == []  # the choice is theirs
    qtbot.keyClick(window.article_view(), Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == shown_ids(window)[0])
