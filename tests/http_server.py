"""A real local HTTP server for tests that fetch images or pages.

Tests talk to an actual socket rather than a mock of our own network code, so timeouts,
404s and slow hosts behave as they do for editors. Use the fixtures from a test module::

    from http_server import closed_port_url_fixture, http_server_fixture  # noqa: F401

    def test_something(http_server):
        url = http_server.serve("/a.png", png_bytes, "image/png")
        ...
        assert http_server.hits("/a.png") == 1

The ``_fixture`` names register fixtures called ``http_server`` and ``closed_port_url``, so
test parameters do not shadow an import. ``serve(..., delay=s)`` answers after ``s``
seconds (released at once when the server stops, so a slow route never holds a test run);
unknown paths answer 404.  ``trickle=s`` sends the body a kilobyte at a time, ``s`` seconds
apart (a page slower than a deadline); ``send_length=False`` leaves out Content-Length and
closes the connection after the body (a size known only by reading it).  ``headers_of``
gives the request headers a path last received.

It lives beside ``conftest.py`` so that tests of every folder (the domain's fetch, the
command line, the window) share one server.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(frozen=True)
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    trickle: float = 0.0
    send_length: bool = True


class LocalHttpServer:
    """A threaded HTTP server on 127.0.0.1 with routes a test declares."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._hits: Counter[str] = Counter()
        self._request_headers: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # shutdown() waits for one poll
            name="test-http-server",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/octet-stream",
        *,
        status: int = 200,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
        trickle: float = 0.0,
        send_length: bool = True,
    ) -> str:
        """Answer GET ``path`` with ``body`` (and extra ``headers``); returns the full URL."""
        with self._lock:
            self._routes[path] = Route(
                body,
                content_type,
                status,
                delay,
                tuple((headers or {}).items()),
                trickle,
                send_length,
            )
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302, **kwargs: object) -> str:
        """Answer GET ``path`` with a redirect to ``location``; returns the full URL."""
        headers = {"Location": location, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.serve(path, b"", "text/html", status=status, headers=headers)

    def headers_of(self, path: str) -> dict[str, str]:
        """The headers of the last request for ``path`` (names in lower case)."""
        with self._lock:
            return dict(self._request_headers.get(path, {}))

    def forget(self, path: str) -> None:
        """Stop serving ``path`` (it answers 404 from now on)."""
        with self._lock:
            self._routes.pop(path, None)

    def hits(self, path: str | None = None) -> int:
        """How many requests reached ``path`` (or any path)."""
        with self._lock:
            return self._hits[path] if path is not None else sum(self._hits.values())

    def start(self) -> LocalHttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _route(self, path: str, headers: dict[str, str]) -> Route | None:
        with self._lock:
            self._hits[path] += 1
            self._request_headers[path] = headers
            return self._routes.get(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                route = server._route(self.path, headers)
                if route is None:
                    route = Route(b"not found", "text/plain", 404)
                if route.delay and server._stopping.wait(route.delay):
                    return
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    if route.send_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    if not any(name.lower() == "cache-control" for name, _ in route.headers):
                        self.send_header("Cache-Control", "no-store")
                    for name, value in route.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    if route.trickle:
                        for start in range(0, len(route.body), 1024):
                            if server._stopping.wait(route.trickle):
                                return
                            self.wfile.write(route.body[start : start + 1024])
                            self.wfile.flush()
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as a client may

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output to what matters

        return Handler


def free_port() -> int:
    """A port nothing listens on (bound, then closed), for "host is down" tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(name="http_server")
def http_server_fixture() -> Iterator[LocalHttpServer]:
    """A started :class:`LocalHttpServer`, stopped after the test."""
    server = LocalHttpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="closed_port_url")
def closed_port_url_fixture() -> str:
    """An http URL on 127.0.0.1 whose port refuses connections."""
    return f"http://127.0.0.1:{free_port()}/image.png"
