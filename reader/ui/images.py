"""Fetching article images without ever making the window wait.

Image hosts are slow, dead or hostile as often as not, so every step is asynchronous and
bounded: Qt's network manager downloads (with a disk cache so a second look is offline),
a transfer timeout and an overall deadline end stuck downloads, a size cap ends huge ones,
and decoding happens on a worker thread (as calibre decodes covers), handing a ``QImage``
back to the GUI thread through a queued signal. Only http and https URLs are fetched, and
redirects are checked by the same rule.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkDiskCache,
    QNetworkReply,
    QNetworkRequest,
)

from reader import paths
from reader.domain.urls import safe_url

TRANSFER_TIMEOUT_MS = 15_000
"""No byte for this long ends a download."""
DEADLINE_MS = 30_000
"""A download that trickles for longer than this is ended too."""
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_DECODED_SIDE = 2_400
"""Larger images are decoded scaled down: the pane never shows more, and memory stays bounded."""
DISK_CACHE_BYTES = 200 * 1024 * 1024
MEMORY_CACHE_IMAGES = 24
MAX_REDIRECTS = 5
FAILURE_MEMORY_S = 120.0
"""A failed URL is not asked for again this soon: moving back and forth through the list
must not wait on a dead host every time."""
USER_AGENT = b"reader (news desk article reader)"
_URL_PROPERTY = "readerImageUrl"


@dataclass
class _Download:
    reply: QNetworkReply
    deadline: QTimer
    failure: str | None = None
    redirects: int = 0
    chunks: list[bytes] = field(default_factory=list)


_TLS_WARM_UP_URL = "https://127.0.0.1:0/"
"""What the warm-up asks for: an address that cannot be served (port 0 on this machine),
aborted before the manager could start it, so nothing is ever sent anywhere."""
_tls_warm_up: threading.Thread | None = None
_TLS_WARM_UP_WAIT_S = 5.0
"""How long closing waits for the warm-up (it takes ~0.15 s): Qt unloading its TLS plugin
under a thread still loading it crashed a window closed at once after opening."""


def warm_up_tls_in_background() -> None:
    """Have Qt load TLS and the system's CA certificates now, off the GUI thread, once.

    The first https request of a process makes Qt read and parse every certificate in
    ``/etc/ssl/certs`` (90-160 ms here) on the thread that asks, and the first image of the
    reading pane asked on the GUI thread: the worst stall left when Group by Story came on
    at 100,000 articles.  Of the calls that load them only ``QNetworkAccessManager.get``
    lets go of the interpreter lock while it works, so a throwaway manager on a Python
    thread makes that one request and aborts it before any event loop could start it;
    the certificates then stay loaded for every later manager in the process.
    :func:`wait_for_tls_warm_up` must come before the application goes away.
    """
    global _tls_warm_up
    if _tls_warm_up is not None:
        return
    _tls_warm_up = threading.Thread(target=_warm_up_tls, name="reader-tls-warm-up", daemon=True)
    _tls_warm_up.start()


def wait_for_tls_warm_up() -> None:
    """Let a warm-up under way finish (see :data:`_TLS_WARM_UP_WAIT_S`)."""
    if _tls_warm_up is not None:
        _tls_warm_up.join(_TLS_WARM_UP_WAIT_S)


def _warm_up_tls() -> None:
    manager = QNetworkAccessManager()
    try:
        reply = manager.get(QNetworkRequest(QUrl(_TLS_WARM_UP_URL)))
        reply.abort()
    finally:
        # Deleted here, on the thread that made it (it has no event loop for deleteLater);
        # the reply, its child, goes with it.
        with contextlib.suppress(RuntimeError):
            import shiboken6

            shiboken6.delete(manager)


class _DecodeRelay(QObject):
    """Lives on the GUI thread; workers emit through it so results arrive there, queued."""

    decoded = Signal(str, object, str)  # url, QImage or None, failure reason


class _DecodeTask(QRunnable):
    """Turns downloaded bytes into a ``QImage`` off the GUI thread."""

    def __init__(self, url: str, data: bytes, relay: _DecodeRelay) -> None:
        super().__init__()
        self._url = url
        self._data = data
        self._relay = relay

    def run(self) -> None:
        image, reason = decode_image(self._data)
        with contextlib.suppress(RuntimeError):  # the loader was closed meanwhile
            self._relay.decoded.emit(self._url, image, reason)


def decode_image(data: bytes) -> tuple[QImage | None, str]:
    """The image in ``data`` (scaled down to :data:`MAX_DECODED_SIDE`), or None and why not."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > MAX_DECODED_SIDE:
        bounds = QSize(MAX_DECODED_SIDE, MAX_DECODED_SIDE)
        reader.setScaledSize(size.scaled(bounds, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    if image.isNull():
        reason = reader.errorString() or "unknown format"
        return None, f"the file is not an image reader can show ({reason.rstrip('.')})."
    return image, ""


class ImageLoader(QObject):
    """Downloads and decodes images for the detail pane; one instance per window.

    ``request`` answers with exactly one ``imageReady`` or ``imageFailed`` per URL (shared by
    every caller asking for the same URL at once), except while switched off, when it does
    nothing at all: no request leaves the machine.
    """

    imageReady = Signal(str, QImage)
    imageFailed = Signal(str, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        transfer_timeout_ms: int = TRANSFER_TIMEOUT_MS,
        deadline_ms: int = DEADLINE_MS,
        max_bytes: int = MAX_IMAGE_BYTES,
    ) -> None:
        super().__init__(parent)
        self._transfer_timeout_ms = transfer_timeout_ms
        self._deadline_ms = deadline_ms
        self._max_bytes = max_bytes
        self._enabled = True
        self._closed = False
        self._downloads: dict[str, _Download] = {}
        self._decoding: set[str] = set()
        self._memory: OrderedDict[str, QImage] = OrderedDict()
        self._recent_failures: dict[str, tuple[float, str]] = {}
        self._manager = QNetworkAccessManager(self)
        self._manager.setRedirectPolicy(QNetworkRequest.RedirectPolicy.UserVerifiedRedirectPolicy)
        cache_dir = paths.cache_dir() / "images"
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._disk_cache = QNetworkDiskCache(self)
        self._disk_cache.setCacheDirectory(str(cache_dir))
        self._disk_cache.setMaximumCacheSize(DISK_CACHE_BYTES)
        self._manager.setCache(self._disk_cache)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relay = _DecodeRelay(self)
        self._relay.decoded.connect(self._on_decoded)
        # On the event loop's first turn, once the window has applied its settings: with
        # remote images off, no image will ever need TLS and the warm-up would be wasted.
        QTimer.singleShot(0, self, self._warm_up_if_enabled)

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Switch remote images on or off; switching off abandons downloads under way."""
        self._enabled = enabled
        if enabled:
            self._recent_failures.clear()  # switched back on: worth trying again
            self._warm_up_if_enabled()
        else:
            self._abort_all()

    def _warm_up_if_enabled(self) -> None:
        if self._enabled and not self._closed:
            warm_up_tls_in_background()

    def is_loading(self, url: str) -> bool:
        return url in self._downloads or url in self._decoding

    def request(self, url: str) -> None:
        """Start fetching ``url``; the answer comes later through a signal, or at once if cached."""
        if self._closed or not self._enabled:
            return
        checked = safe_url(url)
        if checked is None:
            self.imageFailed.emit(url, "only http and https images are loaded.")
            return
        failure = self._recent_failures.get(url)
        if failure is not None and time.monotonic() - failure[0] < FAILURE_MEMORY_S:
            self.imageFailed.emit(url, failure[1])
            return
        cached = self._memory.get(url)
        if cached is not None:
            self._memory.move_to_end(url)
            self.imageReady.emit(url, cached)
            return
        if self.is_loading(url):
            return
        self._start(url, QUrl(checked))

    def close(self) -> None:
        """Stop everything; signals stop. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        wait_for_tls_warm_up()
        self._abort_all()
        self._pool.clear()
        self._pool.waitForDone(5_000)
        self._relay.decoded.disconnect(self._on_decoded)
        self._memory.clear()

    # -- downloading -------------------------------------------------------------------

    def _start(self, url: str, qurl: QUrl) -> None:
        request = QNetworkRequest(qurl)
        request.setTransferTimeout(self._transfer_timeout_ms)
        request.setMaximumRedirectsAllowed(MAX_REDIRECTS)
        request.setRawHeader(b"User-Agent", USER_AGENT)
        request.setRawHeader(b"Accept", b"image/*")
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.PreferCache,
        )
        reply = self._manager.get(request)
        deadline = QTimer(reply)
        deadline.setSingleShot(True)
        deadline.setInterval(self._deadline_ms)
        download = _Download(reply, deadline)
        self._downloads[url] = download
        # Bound methods, never lambdas over ``self``: a lambda held by the reply would keep
        # the loader alive until the reply is deleted, and the loader would then be
        # destroyed from inside the reply's destructor (a crash seen with Qt 6.11).
        reply.setProperty(_URL_PROPERTY, url)
        deadline.setProperty(_URL_PROPERTY, url)
        deadline.timeout.connect(self._on_deadline)
        reply.metaDataChanged.connect(self._on_meta_data)
        reply.readyRead.connect(self._on_ready_read)
        reply.redirected.connect(self._on_redirected)
        reply.finished.connect(self._on_finished)
        deadline.start()

    def _sender_url(self) -> str:
        sender = self.sender()
        return str(sender.property(_URL_PROPERTY) or "") if sender is not None else ""

    @Slot()
    def _on_deadline(self) -> None:
        self._fail_download(self._sender_url(), "the image host took too long.")

    @Slot()
    def _on_meta_data(self) -> None:
        url = self._sender_url()
        download = self._downloads.get(url)
        if download is None:
            return
        length = download.reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        if isinstance(length, int) and length > self._max_bytes:
            self._fail_download(url, self._too_large_text())

    @Slot()
    def _on_ready_read(self) -> None:
        url = self._sender_url()
        download = self._downloads.get(url)
        if download is None:
            return
        download.chunks.append(bytes(download.reply.readAll().data()))
        if sum(len(chunk) for chunk in download.chunks) > self._max_bytes:
            self._fail_download(url, self._too_large_text())

    @Slot(QUrl)
    def _on_redirected(self, target: QUrl) -> None:
        url = self._sender_url()
        download = self._downloads.get(url)
        if download is None:
            return
        if safe_url(target.toString()) is None:
            self._fail_download(
                url, "the image host redirected to an address that is not http or https."
            )
            return
        download.reply.redirectAllowed.emit()

    def _fail_download(self, url: str, reason: str) -> None:
        download = self._downloads.get(url)
        if download is None or download.failure is not None:
            return
        download.failure = reason
        download.reply.abort()

    @Slot()
    def _on_finished(self) -> None:
        url = self._sender_url()
        download = self._downloads.pop(url, None)
        if download is None:
            return
        download.deadline.stop()
        reply = download.reply
        reply.deleteLater()
        if download.failure is not None:
            self._failed(url, download.failure)
            return
        if reply.error() != QNetworkReply.NetworkError.NoError:
            # Downloads abandoned on purpose never get here (they leave _downloads first),
            # so a cancelled one is the transfer timeout.
            self._failed(url, _network_error_text(reply))
            return
        download.chunks.append(bytes(reply.readAll().data()))
        data = b"".join(download.chunks)
        if not data:
            self._failed(url, "the image host sent an empty file.")
            return
        self._decoding.add(url)
        self._pool.start(_DecodeTask(url, data, self._relay))

    def _abort_all(self) -> None:
        downloads = list(self._downloads.values())
        self._downloads.clear()  # first: abort() emits finished, which must find nothing
        self._decoding.clear()
        for download in downloads:
            download.deadline.stop()
            download.reply.abort()
            download.reply.deleteLater()

    @Slot(str, object, str)
    def _on_decoded(self, url: str, image: QImage | None, reason: str) -> None:
        if url not in self._decoding or self._closed:
            return  # abandoned while it decoded
        self._decoding.discard(url)
        if image is None:
            self._failed(url, reason)
            return
        self._memory[url] = image
        while len(self._memory) > MEMORY_CACHE_IMAGES:
            self._memory.popitem(last=False)
        self.imageReady.emit(url, image)

    def _failed(self, url: str, reason: str) -> None:
        if len(self._recent_failures) > 500:
            self._recent_failures.clear()
        self._recent_failures[url] = (time.monotonic(), reason)
        self.imageFailed.emit(url, reason)

    def _too_large_text(self) -> str:
        limit = self._max_bytes
        size = f"{limit // 1048576} MB" if limit >= 1048576 else f"{max(1, limit // 1024)} KB"
        return f"the image is larger than {size}."


def _network_error_text(reply: QNetworkReply) -> str:
    """One sentence for a failed download, without Qt's internal error names."""
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    if isinstance(status, int) and status >= 400:
        reason = reply.attribute(QNetworkRequest.Attribute.HttpReasonPhraseAttribute)
        if isinstance(reason, QByteArray):
            reason = bytes(reason.data()).decode("latin-1")
        reason_text = f" {reason.strip()}" if isinstance(reason, str) and reason.strip() else ""
        return f"the image host answered {status}{reason_text}."
    error = reply.error()
    errors = QNetworkReply.NetworkError
    known = {
        errors.ConnectionRefusedError: "the image host refused the connection.",
        errors.HostNotFoundError: "the image host could not be found (offline?).",
        errors.TimeoutError: "the image host took too long.",
        errors.OperationCanceledError: "the image host took too long.",
        errors.SslHandshakeFailedError: "the image host's secure connection could not be set up.",
        errors.TooManyRedirectsError: "the image host redirected too many times.",
        errors.RemoteHostClosedError: "the image host closed the connection.",
        errors.TemporaryNetworkFailureError: "the network is not available.",
        errors.NetworkSessionFailedError: "the network is not available.",
    }
    if error in known:
        return known[error]
    detail = reply.errorString().rstrip(".")
    return f"the download failed ({detail})."
