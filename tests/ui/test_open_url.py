"""The one exit for URLs: http(s) reaches QDesktopServices, anything else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from reader.ui.open_url import open_external, reveal_in_file_manager


class UrlRecorder(QObject):
    """Stands in for the browser and the file manager: records what they were asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def handle(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def recorder(qapp):
    recorder = UrlRecorder()
    for scheme in ("http", "https", "file", "javascript", "data", "ftp"):
        QDesktopServices.setUrlHandler(scheme, recorder, "handle")
    yield recorder
    for scheme in ("http", "https", "file", "javascript", "data", "ftp"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_https_url_reaches_the_handler_unchanged(recorder: UrlRecorder) -> None:
    url = "https://www.kron4.com/news/netflix-invests/?a=1&b=2#top"
    assert open_external(url) is None
    assert recorder.urls == [url]


def test_surrounding_whitespace_is_trimmed(recorder: UrlRecorder) -> None:
    assert open_external("  http://example.com/a  ") is None
    assert recorder.urls == ["http://example.com/a"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file",
        "https://",
        "//example.com/no-scheme",
        "",
        "https://example.com/\nSet-Cookie: x",
    ],
)
def test_unsafe_urls_never_reach_any_handler(recorder: UrlRecorder, url: str) -> None:
    message = open_external(url)
    assert message
    assert recorder.urls == []


def test_refusal_names_the_scheme(recorder: UrlRecorder) -> None:
    message = open_external("javascript:alert(1)")
    assert message is not None and "javascript:" in message


def test_reveal_opens_the_containing_folder_as_a_file_url(
    recorder: UrlRecorder, tmp_path: Path
) -> None:
    article = tmp_path / "sub" / "a.txt"
    article.parent.mkdir()
    article.write_text("x")
    assert reveal_in_file_manager(article) is None
    assert recorder.urls == [QUrl.fromLocalFile(str(article.parent)).toString()]


def test_reveal_of_a_vanished_folder_says_so(recorder: UrlRecorder, tmp_path: Path) -> None:
    message = reveal_in_file_manager(tmp_path / "gone" / "a.txt")
    assert message is not None and "no longer exists" in message
    assert recorder.urls == []
