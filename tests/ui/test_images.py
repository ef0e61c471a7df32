"""The image loader and the pane's image widgets against a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from http_server import LocalHttpServer, closed_port_url_fixture, http_server_fixture  # noqa: F401
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QTimer
from PySide6.QtGui import QColor, QImage

from reader.domain.article import ArticleDetail, ArticleSummary, Image
from reader.ui.detail_pane import DetailPane
from reader.ui.images import MAX_DECODED_SIDE, ImageLoader, decode_image


def png_bytes(width: int = 40, height: int = 30, color: str = "#3366cc") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


@pytest.fixture
def loader() -> Iterator[ImageLoader]:
    image_loader = ImageLoader()
    yield image_loader
    image_loader.close()


def article_with_images(*urls: str) -> ArticleDetail:
    summary = ArticleSummary(id="pictures.md", title="Pictures", has_front_matter=True)
    images = tuple(Image(url=url, width=400, height=300) for url in urls)
    return ArticleDetail(summary=summary, body="Some text.", images=images)


def test_image_is_fetched_and_decoded(qtbot, loader, http_server):
    url = http_server.serve("/a.png", png_bytes(40, 30), "image/png")
    with qtbot.waitSignal(loader.imageReady, timeout=10_000) as ready:
        loader.request(url)
    answered_url, image = ready.args
    assert answered_url == url
    assert (image.width(), image.height()) == (40, 30)
    assert image.pixelColor(5, 5) == QColor("#3366cc")


def test_same_url_requested_twice_is_fetched_once(qtbot, loader, http_server):
    url = http_server.serve("/once.png", png_bytes(), "image/png")
    with qtbot.waitSignal(loader.imageReady, timeout=10_000):
        loader.request(url)
        loader.request(url)
    qtbot.wait(50)  # room for a wrongly duplicated request to arrive
    assert http_server.hits("/once.png") == 1
    with qtbot.waitSignal(loader.imageReady, timeout=1_000):
        loader.request(url)  # answered from memory
    assert http_server.hits("/once.png") == 1


def test_a_seen_image_is_shown_again_from_the_disk_cache(qtbot, http_server):
    url = http_server.serve("/cached.png", png_bytes(20, 10), "image/png",
                            headers={"Cache-Control": "max-age=3600"})
    first = ImageLoader()
    with qtbot.waitSignal(first.imageReady, timeout=10_000):
        first.request(url)
    first.close()
    http_server.forget("/cached.png")  # the host is gone now
    second = ImageLoader()  # a new session: nothing in memory
    try:
        with qtbot.waitSignal(second.imageReady, timeout=10_000) as ready:
            second.request(url)
        assert ready.args[1].width() == 20
        assert http_server.hits("/cached.png") == 1
    finally:
        second.close()


def test_closed_port_fails_with_a_reason(qtbot, loader, closed_port_url):
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000) as failed:
        loader.request(closed_port_url)
    url, reason = failed.args
    assert url == closed_port_url
    assert "refused" in reason


def test_missing_image_says_what_the_host_answered(qtbot, loader, http_server):
    url = http_server.url("/nowhere.png")
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000) as failed:
        loader.request(url)
    assert "404" in failed.args[1]


def test_a_failed_url_is_not_asked_for_again_at_once(qtbot, loader, http_server):
    url = http_server.url("/gone.png")
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000):
        loader.request(url)
    with qtbot.waitSignal(loader.imageFailed, timeout=1_000) as again:
        loader.request(url)
    assert "404" in again.args[1]
    assert http_server.hits("/gone.png") == 1
    loader.set_enabled(False)
    loader.set_enabled(True)  # switching images back on tries again
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000):
        loader.request(url)
    assert http_server.hits("/gone.png") == 2


def test_a_file_that_is_not_an_image_fails(qtbot, loader, http_server):
    url = http_server.serve("/page.png", b"<html>surprise</html>", "image/png")
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000) as failed:
        loader.request(url)
    assert "not an image" in failed.args[1]


def test_an_image_over_the_size_limit_is_abandoned(qtbot, http_server):
    small_limit = ImageLoader(max_bytes=1_000)
    try:
        url = http_server.serve("/big.png", b"\x89PNG" + b"0" * 5_000, "image/png")
        with qtbot.waitSignal(small_limit.imageFailed, timeout=10_000) as failed:
            small_limit.request(url)
        assert "larger than" in failed.args[1]
    finally:
        small_limit.close()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://x/y"]
)
def test_only_http_urls_are_fetched(qtbot, loader, url):
    with qtbot.waitSignal(loader.imageFailed, timeout=1_000) as failed:
        loader.request(url)
    assert failed.args == [url, "only http and https images are loaded."]
    assert not loader.is_loading(url)


def test_a_redirect_to_another_scheme_is_refused(qtbot, loader, http_server):
    url = http_server.serve("/hop.png", b"", status=302, headers={"Location": "file:///etc/passwd"})
    with qtbot.waitSignal(loader.imageFailed, timeout=10_000) as failed:
        loader.request(url)
    assert failed.args[0] == url


def test_switched_off_loader_sends_nothing(qtbot, loader, http_server):
    url = http_server.serve("/quiet.png", png_bytes(), "image/png")
    loader.set_enabled(False)
    with qtbot.assertNotEmitted(loader.imageReady), qtbot.assertNotEmitted(loader.imageFailed):
        loader.request(url)
        qtbot.wait(200)
    assert http_server.hits() == 0


def test_a_slow_host_never_blocks_the_event_loop(qtbot, http_server):
    url = http_server.serve("/slow.png", png_bytes(), "image/png", delay=30)
    impatient = ImageLoader(transfer_timeout_ms=60_000, deadline_ms=1_500)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    try:
        with qtbot.waitSignal(impatient.imageFailed, timeout=10_000) as failed:
            impatient.request(url)
            qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=5_000)
            assert impatient.is_loading(url)  # still waiting, and the loop kept turning
        assert "too long" in failed.args[1]
    finally:
        heartbeat.stop()
        impatient.close()


def test_transfer_timeout_ends_a_silent_download(qtbot, http_server):
    url = http_server.serve("/silent.png", png_bytes(), "image/png", delay=30)
    impatient = ImageLoader(transfer_timeout_ms=500)
    try:
        with qtbot.waitSignal(impatient.imageFailed, timeout=10_000) as failed:
            impatient.request(url)
        assert "too long" in failed.args[1]
    finally:
        impatient.close()


def test_decoding_scales_a_huge_image_down_and_refuses_garbage():
    image, reason = decode_image(png_bytes(MAX_DECODED_SIDE * 2, MAX_DECODED_SIDE // 2))
    assert reason == ""
    assert (image.width(), image.height()) == (MAX_DECODED_SIDE, MAX_DECODED_SIDE // 4)
    nothing, why = decode_image(b"GIF89a but not really")
    assert nothing is None and why.startswith("the file is not an image")


# -- the pane's image widgets ------------------------------------------------------------


def test_pane_shows_a_sized_placeholder_then_the_image(qtbot, loader, http_server):
    url = http_server.serve("/photo.png", png_bytes(80, 60), "image/png", delay=0.3)
    pane = DetailPane(loader)
    qtbot.addWidget(pane)
    pane.resize(600, 700)
    pane.show()
    pane.show_detail(article_with_images(url))
    (view,) = pane.image_views()
    assert view.status_text() == "Loading image…"
    assert view.heightForWidth(400) == 300  # from width/height in the file, aspect kept
    qtbot.waitUntil(view.is_showing_image, timeout=10_000)
    assert view.status_text() == ""
    assert http_server.hits("/photo.png") == 1


def test_pane_says_why_an_image_failed(qtbot, loader, closed_port_url):
    pane = DetailPane(loader)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_detail(article_with_images(closed_port_url))
    (view,) = pane.image_views()
    qtbot.waitUntil(lambda: view.status_text().startswith("Image could not be loaded:"),
                    timeout=10_000)
    assert "refused" in view.status_text()
    assert view.status.isVisible()


def test_pane_with_remote_images_off_requests_nothing(qtbot, loader, http_server):
    url = http_server.serve("/off.png", png_bytes(), "image/png")
    pane = DetailPane(loader)
    qtbot.addWidget(pane)
    pane.show()
    pane.set_remote_images_enabled(False)
    pane.show_detail(article_with_images(url))
    (view,) = pane.image_views()
    assert view.status_text() == "Remote images are off"
    qtbot.wait(200)
    assert http_server.hits() == 0

    pane.set_remote_images_enabled(True)  # switching back on loads what is shown
    qtbot.waitUntil(view.is_showing_image, timeout=10_000)
    assert http_server.hits("/off.png") == 1


def test_unsafe_image_url_is_shown_as_refused_without_a_request(qtbot, loader):
    pane = DetailPane(loader)
    qtbot.addWidget(pane)
    pane.show_detail(article_with_images("file:///etc/hosts"))
    (view,) = pane.image_views()
    assert view.status_text() == (
        "Image could not be loaded: only http and https images are loaded."
    )
    assert not loader.is_loading("file:///etc/hosts")


def test_answers_for_an_article_no_longer_shown_are_ignored(qtbot, loader, http_server):
    first = http_server.serve("/first.png", png_bytes(), "image/png", delay=0.3)
    second = http_server.serve("/second.png", png_bytes(), "image/png")
    pane = DetailPane(loader)
    qtbot.addWidget(pane)
    pane.show_detail(article_with_images(first))
    pane.show_detail(article_with_images(second))
    (view,) = pane.image_views()
    with qtbot.waitSignal(loader.imageReady, timeout=10_000,
                          check_params_cb=lambda url, _image: url == first):
        pass
    assert view.url == second


def test_server_helper_counts_hits_and_answers_404(http_server: LocalHttpServer):
    from urllib.request import urlopen

    url = http_server.serve("/x.txt", b"hello", "text/plain")
    with urlopen(url, timeout=5) as response:
        assert response.read() == b"hello"
    assert http_server.hits("/x.txt") == 1


def test_tls_warm_up_runs_once_off_the_gui_thread_and_sends_nothing(qtbot, monkeypatch):
    """The warm-up loads TLS on a thread of its own, once per process, and its request is
    aborted before it starts: a server listening where it points never sees a connection.
    A loader switched off before the event loop turns warms nothing up.  Closing a loader
    waits for it (Qt unloading TLS under it crashed a quick exit)."""
    import socket
    import threading

    from reader.ui import images

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    monkeypatch.setattr(
        images, "_TLS_WARM_UP_URL", f"https://127.0.0.1:{listener.getsockname()[1]}/"
    )
    monkeypatch.setattr(images, "_tls_warm_up", None)
    started: list[threading.Thread] = []
    real_thread = threading.Thread

    def counting_thread(*args, **kwargs):
        thread = real_thread(*args, **kwargs)
        started.append(thread)
        return thread

    monkeypatch.setattr(images.threading, "Thread", counting_thread)
    switched_off = ImageLoader()
    switched_off.set_enabled(False)  # as a window with remote images off does at once
    qtbot.wait(50)
    assert started == []  # no image will need TLS: nothing is warmed up
    switched_off.close()
    loader = ImageLoader()
    qtbot.waitUntil(lambda: len(started) == 1)
    images.warm_up_tls_in_background()
    loader.set_enabled(True)
    assert [t.name for t in started] == ["reader-tls-warm-up"]
    loader.close()
    assert not started[0].is_alive()
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()
