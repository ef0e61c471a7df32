"""Reader view in the window, offscreen, against a real local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest
from http_server import http_server_fixture  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QTextBrowser, QWidget
from windows import open_window

from reader.app import MainWindow
from reader.bench.original_eval import PAGES, score
from reader.domain.original import OriginalError, read_original
from reader.domain.parse import load_detail
from reader.ui import detail_render as render
from reader.ui.settings import Settings
from reader.ui.shortcuts_dialog import ShortcutsDialog

PAGE = (PAGES / "kron4.html").read_bytes()
EXPECTED = (PAGES / "kron4.expected.txt").read_text(encoding="utf-8")
INLINE_IMAGE_PAGE = (
    "<html><head><title>Pictures</title></head><body><article><h1>Pictures</h1>"
    + "<p>The harbour ferry will run again from July, the transport company said today.</p>" * 3
    + '<figure><img src="{image}" alt="The ferry"></figure>'
    + "<p>Residents &lt;script&gt;alert(1)&lt;/script&gt; welcomed the news at the pier.</p>" * 3
    + "</article></body></html>"
)


def write_article(folder: Path, name: str, url: str, *, body: str = "", title: str = "") -> None:
    (folder / name).write_text(
        f'---\ntitle: "{title or name}"\noriginalUrl: "{url}"\n'
        f"publishedDateTime: 2023-07-2{len(name) % 9}T10:00:00Z\n---\n{body}",
        encoding="utf-8",
    )



def show(qtbot, window: MainWindow, article_id: str) -> None:
    assert window.select_article(article_id)
    qtbot.waitUntil(lambda: window.detail_pane().current_id() == article_id)
    # the whole article (and so the no-body buttons) after the pane's debounce
    qtbot.waitUntil(
        lambda: not window.detail_pane().findChild(QLabel, "detailBodyLoading").isVisible()
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    return folder


def test_a_bodyless_article_offers_the_button_and_shows_the_text(qtbot, http_server, folder):
    url = http_server.serve("/netflix.html", PAGE, "text/html; charset=utf-8")
    write_article(folder, "netflix.md", url, title="Netflix invests")
    window = open_window(qtbot, folder, 1)
    show(qtbot, window, "netflix.md")
    pane = window.detail_pane()
    button = pane.findChild(QPushButton, "detailReadOriginal")
    assert button.isVisible()
    no_body = pane.findChild(QWidget, "detailNoBody")
    labels = [label for label in no_body.findChildren(QLabel) if label.isVisible()]
    assert render.NO_BODY_TEXT not in [label.text() for label in labels]  # the button instead

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = window._originals.section
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    assert view.source_text().startswith("From 127.0.0.1, fetched ")
    assert score(view.shown_text(), EXPECTED).f1 >= 0.95
    assert not button.isVisible()  # the buttons step aside for the text
    # The section sits below the excerpt, where the body would be.
    assert view.mapTo(pane, view.rect().topLeft()).y() > 0


def test_the_action_reads_an_article_with_a_body_below_its_own_body(qtbot, http_server, folder):
    url = http_server.serve("/netflix.html", PAGE, "text/html")
    write_article(folder, "netflix.md", url, body="The pipeline's own text.\n")
    window = open_window(qtbot, folder, 1)
    show(qtbot, window, "netflix.md")
    body = window.findChild(QTextBrowser, "detailBody")
    assert body.isVisible() and "pipeline's own text" in body.toPlainText()
    view = window._originals.section
    assert not view.isVisible() and http_server.hits() == 0  # the body stays the default
    window.action("ReadOriginal").trigger()
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    assert body.isVisible()
    assert view.y() > body.y()


def test_a_failure_shows_the_same_sentence_as_the_command_line(qtbot, http_server, folder):
    url = http_server.serve("/gone.html", b"gone", "text/html", status=410)
    write_article(folder, "gone.md", url, title="Gone story")
    window = open_window(qtbot, folder, 1)
    show(qtbot, window, "gone.md")
    with pytest.raises(OriginalError) as cli_failure:
        read_original(load_detail(folder, "gone.md").summary)
    window.action("ReadOriginal").trigger()
    view = window._originals.section
    qtbot.waitUntil(lambda: bool(view.failure_text()), timeout=10_000)
    assert view.failure_text() == str(cli_failure.value)
    assert view.failure_text().endswith("127.0.0.1 answered 410 Gone.")


def test_progress_shows_and_moving_away_drops_the_stale_answer(qtbot, http_server, folder):
    slow = http_server.serve("/slow.html", PAGE, "text/html", delay=1.0)
    fast = http_server.serve("/fast.html", PAGE, "text/html")
    write_article(folder, "a_slow.md", slow)
    write_article(folder, "b_other.md", fast, body="Body of the other article.\n")
    window = open_window(qtbot, folder, 2)
    show(qtbot, window, "a_slow.md")
    window.action("ReadOriginal").trigger()
    view = window._originals.section
    assert view.progress_text() == "Reading the original from 127.0.0.1…"
    assert view.findChild(QPushButton, "detailOriginalCancel").isVisible()
    service = window._originals._service
    assert service.is_reading("a_slow.md")

    show(qtbot, window, "b_other.md")
    assert not view.isVisible() and view.article_id() == ""
    assert not service.is_reading("a_slow.md")  # cancelled on moving away
    qtbot.waitUntil(lambda: not service._jobs, timeout=10_000)  # the read ended…
    assert not view.isVisible() and view.shown_text() == ""  # …and showed nothing
    # An answer for the article left behind (a read that was past its last check) is
    # dropped too.
    late = read_original(load_detail(folder, "b_other.md").summary)
    service.originalReady.emit("a_slow.md", late)
    service.originalFailed.emit("a_slow.md", "Could not read the original of a: late.")
    assert not view.isVisible() and view.shown_text() == "" and view.failure_text() == ""
    assert window.detail_pane().current_id() == "b_other.md"


def test_cancel_stops_the_read_and_hides_the_progress(qtbot, http_server, folder):
    slow = http_server.serve("/slow.html", PAGE, "text/html", delay=1.0)
    write_article(folder, "slow.md", slow)
    window = open_window(qtbot, folder, 1)
    show(qtbot, window, "slow.md")
    window.action("ReadOriginal").trigger()
    view = window._originals.section
    qtbot.mouseClick(view.findChild(QPushButton, "detailOriginalCancel"), Qt.MouseButton.LeftButton)
    assert not view.isVisible()
    assert window.detail_pane().findChild(QPushButton, "detailReadOriginal").isVisible()
    qtbot.waitUntil(lambda: not window._originals._service._jobs, timeout=10_000)
    assert not view.isVisible()


def test_a_second_read_is_answered_from_the_cache(qtbot, http_server, folder):
    url = http_server.serve("/netflix.html", PAGE, "text/html")
    write_article(folder, "a.md", url)
    write_article(folder, "b.md", url + "?other", body="Body.\n")
    window = open_window(qtbot, folder, 2)
    show(qtbot, window, "a.md")
    window.action("ReadOriginal").trigger()
    view = window._originals.section
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    show(qtbot, window, "b.md")
    show(qtbot, window, "a.md")
    window.action("ReadOriginal").trigger()
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    assert view.source_text().endswith("(saved copy)")
    assert http_server.hits("/netflix.html") == 1


def test_text_is_escaped_and_images_follow_remote_images(qtbot, http_server, folder):
    image = http_server.url("/ferry.png")
    url = http_server.serve(
        "/ferry.html", INLINE_IMAGE_PAGE.format(image=image).encode(), "text/html"
    )
    write_article(folder, "ferry.md", url)
    window = open_window(qtbot, folder, 1)
    window.action("RemoteImages").setChecked(False)
    show(qtbot, window, "ferry.md")
    window.action("ReadOriginal").trigger()
    view = window._originals.section
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    assert "<script>alert(1)</script>" in view.shown_text()  # shown as text
    for browser in view.findChildren(QTextBrowser, "detailOriginalBody"):
        assert "<script" not in browser.toHtml() and "href" not in browser.toHtml()
    (image_view,) = view.image_views()
    assert image_view.status_text() == render.REMOTE_IMAGES_OFF_TEXT
    assert http_server.hits("/ferry.png") == 0
    window.action("RemoteImages").setChecked(True)
    qtbot.waitUntil(lambda: http_server.hits("/ferry.png") == 1)


def test_the_action_is_in_the_article_menu_and_the_shortcuts_sheet(qtbot, folder):
    write_article(folder, "a.md", "https://example.org/a")
    window = open_window(qtbot, folder, 1)
    action = window.action("ReadOriginal")
    assert action.objectName() == "actionReadOriginal"
    assert action.shortcut() == QKeySequence("R")
    menus = {menu.title().replace("&", ""): menu for menu in window.menuBar().findChildren(QMenu)}
    assert action in menus["Article"].actions()
    others = [a for a in window.findChildren(type(action)) if a is not action]
    assert all(QKeySequence("R") not in a.shortcuts() for a in others)
    dialog = ShortcutsDialog(window)
    assert "Read Original Here" in dialog.listed_text()
    assert "R" in dialog.listed_text().split("Read Original Here", 1)[1].splitlines()[0]
    ahead = window.action("FetchOriginalsAhead")
    assert ahead.isCheckable() and ahead in menus["View"].actions()


def test_fetching_ahead_is_off_by_default_persisted_and_bounded(qtbot, http_server, folder):
    for number in range(6):
        url = http_server.serve(f"/p{number}.html", PAGE, "text/html")
        write_article(folder, f"{number}.md", url)
    write_article(folder, "0b.md", http_server.url("/body.html"), body="Has a body.\n")
    window = open_window(qtbot, folder, 7)
    ahead = window.action("FetchOriginalsAhead")
    assert not ahead.isChecked()
    model = window.article_view().model()
    ids = [model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    first = next(i for i in ids if i != "0b.md")
    show(qtbot, window, first)
    assert http_server.hits() == 0  # off: nothing is read unasked

    ahead.setChecked(True)
    assert Settings().fetch_originals_ahead()
    following = [i for i in ids[ids.index(first) + 1 :] if i != "0b.md"][:3]
    wanted = {f"/p{i.removesuffix('.md')}.html" for i in [first, *following]}
    for path in wanted:  # the current bodyless article, and the next three ahead
        qtbot.waitUntil(lambda p=path: http_server.hits(p) == 1, timeout=10_000)
    service = window._originals._service
    qtbot.waitUntil(lambda: not service._jobs, timeout=10_000)
    fetched = {path for path in (f"/p{n}.html" for n in range(6)) if http_server.hits(path)}
    assert fetched == wanted  # never more than the next few
    assert http_server.hits("/body.html") == 0  # an article with a body is not read
    view = window._originals.section
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)

    # Arriving at an article fetched ahead shows its text from the saved copy.
    show(qtbot, window, following[0])
    qtbot.waitUntil(lambda: bool(view.shown_text()), timeout=10_000)
    assert view.source_text().endswith("(saved copy)")

    ahead.setChecked(False)
    assert not Settings().fetch_originals_ahead()


def test_an_article_without_an_address_says_so_at_once(qtbot, folder):
    (folder / "bare.md").write_text('---\ntitle: "Bare"\n---\n', encoding="utf-8")
    (folder / "other.md").write_text(
        '---\ntitle: "Other"\noriginalUrl: "https://example.org/x"\n---\nBody\n', encoding="utf-8"
    )
    window = open_window(qtbot, folder, 2)
    show(qtbot, window, "bare.md")
    assert not window.detail_pane().findChild(QPushButton, "detailReadOriginal").isVisible()
    window.action("ReadOriginal").trigger()
    assert window._originals.section.failure_text() == (
        "“Bare” has no originalUrl, webUrl or ampWebUrl to read the original from."
    )
