"""Unsafe content: a file never makes reader build objects, open odd URLs or fetch anything.

* No YAML tag builds a Python object, whichever reader of YAML meets it (the list's fast
  paths, the full loader, the publish edit), and no module of reader uses a loader that could.
* Only absolute http/https URLs with a host pass :func:`reader.domain.urls.safe_url`, and
  what passes is also what Qt itself parses as http(s) with that host.
* In the window, every way a link or image can be triggered (actions, related entries,
  body links, the image strip, redirects) is exercised on a hostile article: the desktop
  sees only the http(s) links, and a local HTTP server sees only the one image it should.
* File names with odd characters load in the window.
"""

from __future__ import annotations

import base64
import contextlib
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.domain.parse import parse_detail, parse_summary
from reader.domain.urls import safe_url

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "tests"))  # the shared local HTTP server fixture
import windows  # noqa: E402
from http_server import http_server_fixture  # noqa: E402, F401

# -- no YAML tag builds an object --------------------------------------------------------

MARKER = Path("/tmp/reader-unsafe-yaml-marker")

HOSTILE_TAGS = [
    f"!!python/object/apply:os.system ['touch {MARKER}']",
    f"!!python/object/apply:subprocess.call [['touch', '{MARKER}']]",
    "!!python/object/new:os.system ['true']",
    "!!python/object:collections.OrderedDict {}",
    "!!python/name:os.system ''",
    "!!python/module:os ''",
    "!!python/tuple [1, 2]",
    "!!python/bytes aGVsbG8=",
    "!!python/complex 1+2j",
    "!!python/str x",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['true']",
    "!local-tag x",
    "!!unknown x",
    "!<tag:example.com,2024:thing> {a: 1}",
]
PLAIN_TYPES = (dict, list, str, int, float, bool, type(None), datetime, date, bytes, set)


def assert_plain(value: object) -> None:
    """Only what YAML's safe schema builds: no instance of any other class."""
    stack = [value]
    while stack:
        node = stack.pop()
        assert type(node) in PLAIN_TYPES, type(node)
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, (list, set)):
            stack.extend(node)


def every_reader_of(data: bytes) -> None:
    """Feed ``data`` to each place reader turns YAML into values."""
    from reader.domain.publish import PublishError, edit_published

    parse_summary("t.txt", data)
    detail = parse_detail("t.txt", data)
    assert_plain(detail.front_matter)
    assert_plain(detail.other_fields)
    for value in (True, False):
        with contextlib.suppress(PublishError):
            edit_published(data, value)


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
@pytest.mark.parametrize(
    "template",
    [
        "---\ntitle: x\nevil: {tag}\n---\n",
        "---\ntitle: {tag}\n---\n",
        "---\nrelated:\n  - title: x\n    webUrl: {tag}\n---\n",
        "---\nanchored: &a {tag}\nagain: *a\nlist: [{tag}]\n---\n",
    ],
    ids=["unknown-key", "title", "nested", "anchored-in-flow"],
)
def test_no_yaml_tag_builds_an_object(tag: str, template: str) -> None:
    MARKER.unlink(missing_ok=True)
    data = template.format(tag=tag).encode()
    every_reader_of(data)
    assert not MARKER.exists()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    handle=st.sampled_from(["!", "!!", "!!python/", "!!python/object/apply:", "!<"]),
    suffix=st.text(
        st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="{}[],"),
        max_size=30,
    ),
    value=st.sampled_from(["x", "''", "[1]", "{a: 1}", "['touch /tmp/reader-x']"]),
)
def test_random_tags_never_build_objects(handle: str, suffix: str, value: str) -> None:
    closing = ">" if handle == "!<" else ""
    tagged = f"{handle}{suffix}{closing} {value}"
    every_reader_of(f"---\ntitle: t\nk: {tagged}\n---\n".encode())
    every_reader_of(f"---\ntitle: {tagged}\ntopics: [{tagged}]\n---\n".encode())


def test_no_module_uses_a_yaml_loader_that_can_build_objects() -> None:
    unsafe = re.compile(
        r"yaml\.(unsafe_load|full_load|load_all)\b|Loader\s*=\s*yaml\.(Loader|FullLoader|"
        r"UnsafeLoader|CLoader|CFullLoader|CUnsafeLoader)\b|\b(UnsafeLoader|FullLoader)\b"
    )
    loads = re.compile(r"yaml\.load\((?![^)]*_SafeLoader)")
    offenders = []
    for source in (PROJECT / "reader").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for pattern in (unsafe, loads):
            offenders += [f"{source.name}: {m.group()}" for m in pattern.finditer(text)]
    assert offenders == []


# -- only http and https URLs pass -------------------------------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\x01javascript:alert(1)",
    "\x00https://example.com/",
    "java\nscript:alert(1)",
    "java\tscript:alert(1)",
    "\u200bhttps://example.com/",
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/png;base64,AAAA",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/path",
    "///etc/passwd",
    "http:/path/without/host",
    "http:path",
    "https:",
    "https://",
    "http://:80/",
    "ftp://example.com/file",
    "mailto:someone@example.com",
    "about:blank",
    "chrome://settings",
    "../../secret.png",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\x.png",
    "https://example.com/a\nb",
    "https://example.com/\r\nSet-Cookie: x",
    "",
    "   ",
]
SAFE_URLS = [
    "https://example.com/",
    "http://example.com/a?b=c#d",
    "HTTPS://EXAMPLE.COM/x",
    "  https://example.com/padded  ",
    "https://user@example.com:8443/p",
    "http://127.0.0.1:8080/x.png",
    "https://[::1]/x",
    "https://münchen.example/straße",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_urls_are_refused(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize("url", SAFE_URLS)
def test_http_and_https_urls_pass_stripped(url: str) -> None:
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize("value", [None, 42, b"https://example.com/", ["https://x.example/"]])
def test_non_text_urls_are_refused(value: object) -> None:
    assert safe_url(value) is None


_URL_PARTS = st.one_of(
    st.sampled_from(
        [
            "http",
            "https",
            "HTTP",
            "javascript",
            "file",
            "data",
            ":",
            "//",
            "/",
            "\\",
            "@",
            "example.com",
            "127.0.0.1",
            "[::1]",
            "%2F",
            "%00",
            "?",
            "#",
            " ",
            "\t",
            "\x00",
            "\u200b",
            "\u202e",
            ".",
            "..",
            "user:pass",
            ":8080",
            "ſ",
            "\uff0f",
        ]
    ),
    st.text(max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_URL_PARTS, max_size=8))
def test_what_passes_is_http_with_a_host_to_qt_as_well(parts: list[str]) -> None:
    """The check and the opener must agree: Qt parses every accepted URL as http(s)."""
    from PySide6.QtCore import QUrl

    url = "".join(parts)
    accepted = safe_url(url)
    if accepted is None:
        return
    assert not any(ch in accepted for ch in "\r\n\t\x00")
    assert accepted.lower().startswith(("http://", "https://"))
    qurl = QUrl(accepted, QUrl.ParsingMode.StrictMode)
    if qurl.isValid():  # invalid ones are refused again by open_external
        assert qurl.scheme().lower() in ("http", "https")
        assert qurl.host() != ""


# -- the window: nothing unsafe is opened or fetched --------------------------------------

SECRET_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
RECORDED_SCHEMES = (
    "http",
    "https",
    "file",
    "javascript",
    "data",
    "vbscript",
    "ftp",
    "mailto",
    "about",
)


def hostile_article(port: int) -> str:
    server = f"http://127.0.0.1:{port}"
    return f"""---
title: "Hostile links"
originalUrl: "javascript:alert(1)"
webUrl: "file:///etc/passwd"
ampWebUrl: "data:text/html,<script>alert(1)</script>"
cdnAmpWebUrl: "vbscript:msgbox(1)"
images:
  - url: "{server}/good.png"
  - url: "file:///etc/passwd"
  - url: "../../secret.png"
  - url: "data:image/png;base64,{base64.b64encode(SECRET_PNG).decode()}"
  - url: "javascript:alert(1)"
  - url: "//127.0.0.1:{port}/protocol-relative.png"
  - url: "{server}/redirect-to-file.png"
related:
  - title: Evil script
    webUrl: "JaVaScRiPt:alert(1)"
  - title: Local file
    webUrl: "file:///etc/passwd"
  - title: Data page
    webUrl: "data:text/html,x"
  - title: Leading space script
    webUrl: "  javascript:alert(1)"
  - title: Protocol relative
    webUrl: "//evil.example/x"
  - title: Missing host
    webUrl: "http:/path"
  - title: Fine
    webUrl: "https://fine.example/related"
---
Links: [script](javascript:alert(1)), [file](file:///etc/passwd), [data](data:text/html,x),
[vb](vbscript:msgbox(1)), [relative](//evil.example/x), [fine](https://fine.example/body).

<img src="{server}/body-html.png"> <a href="vbscript:x">raw</a>

![remote]({server}/body-md.png)

![local](../../secret.png)

![file](file:///etc/passwd)
"""


@pytest.fixture
def recorder(qapp):
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    class Recorder(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @Slot(QUrl)
        def handle(self, url: QUrl) -> None:
            self.urls.append(url.toString())

    recording = Recorder()
    for scheme in RECORDED_SCHEMES:
        QDesktopServices.setUrlHandler(scheme, recording, "handle")
    yield recording
    for scheme in RECORDED_SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


def open_window(qtbot, folder: Path, rows: int):
    return windows.open_window(qtbot, folder, rows, watch=False)

def body_anchors(body) -> list[str]:
    """Every link target in the rendered body document."""
    anchors = []
    block = body.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            href = fragment.charFormat().anchorHref()
            if href and href not in anchors:
                anchors.append(href)
            iterator += 1
        block = block.next()
    return anchors


def test_a_hostile_article_opens_and_fetches_only_http(
    qtbot, tmp_path: Path, recorder, http_server
) -> None:
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QListWidget, QWidget

    (tmp_path / "secret.png").write_bytes(SECRET_PNG)
    folder = tmp_path / "articles" / "inner"
    folder.mkdir(parents=True)
    http_server.serve("/good.png", SECRET_PNG, "image/png")
    for path in ("/body-html.png", "/body-md.png", "/protocol-relative.png"):
        http_server.serve(path, SECRET_PNG, "image/png")
    http_server.serve(
        "/redirect-to-file.png", b"", status=302, headers={"Location": "file:///etc/passwd"}
    )
    (folder / "hostile.md").write_text(hostile_article(http_server.port), encoding="utf-8")

    window = open_window(qtbot, folder, 1)
    remote = window.findChild(QAction, "actionRemoteImages")
    if not remote.isChecked():
        remote.trigger()
    assert window.select_article("hostile.md")
    body = window.findChild(QWidget, "detailBody")
    qtbot.waitUntil(lambda: "Links:" in body.toPlainText())
    pane = window.detail_pane()

    # Images: the one http image is fetched and shown (so fetching works at all)...
    qtbot.waitUntil(lambda: http_server.hits("/good.png") >= 1)
    views = pane.image_views()
    qtbot.waitUntil(lambda: views[0].is_showing_image())
    # ...the redirect to file: is refused (by reader's check or by Qt itself), and every
    # other image is refused before any request.
    qtbot.waitUntil(lambda: "could not be loaded" in views[6].status_text())
    for view in views[1:]:
        assert not view.is_showing_image(), view.url
    for view in views[1:6]:
        assert "only http and https" in view.status_text(), view.url
    assert http_server.hits("/body-html.png") == 0
    assert http_server.hits("/body-md.png") == 0
    assert http_server.hits("/protocol-relative.png") == 0
    # The body asked for its images and got nothing (the refusal is what stops a fetch).
    requested = " ".join(body.resource_requests)
    assert "body-md.png" in requested or "body-html.png" in requested

    # Every action that opens the article's own addresses: all four are unsafe.
    for name in ("actionOpenOriginal", "actionOpenAmp", "actionOpenCdnAmp"):
        action = window.findChild(QAction, name)
        if action.isEnabled():
            action.trigger()
    assert recorder.urls == []

    # Related coverage: the host is shown before the click; only the https entry opens.
    related = window.findChild(QListWidget, "detailRelated")
    tooltips = [related.item(row).toolTip() for row in range(related.count())]
    assert tooltips[-1] == "Opens fine.example"
    assert all("will not open" in tip for tip in tooltips[:-1])
    for row in range(related.count()):
        related.setCurrentRow(row)
        qtbot.keyClick(related, Qt.Key.Key_Return)
    assert recorder.urls == ["https://fine.example/related"]

    # Body links: clicking each one (as the browser widget reports it) opens only https.
    anchors = body_anchors(body)
    assert "https://fine.example/body" in anchors and len(anchors) >= 5
    for href in anchors:
        body.highlighted.emit(QUrl(href))  # hovering shows where it goes, before a click
        hover = body.viewport().toolTip()
        if href.startswith("https://"):
            assert hover == "fine.example"
        else:
            assert "will not open" in hover, href
        body.anchorClicked.emit(QUrl(href))
    assert recorder.urls == ["https://fine.example/related", "https://fine.example/body"]
    assert all(url.startswith("https://") for url in recorder.urls)

    # Nothing else reached the server, the title shows, and the window still works.
    assert http_server.hits() == http_server.hits("/good.png") + http_server.hits(
        "/redirect-to-file.png"
    )
    assert window.findChild(QLabel, "detailTitle").text().startswith("Hostile links")


def test_the_image_loader_itself_refuses_non_http(qtbot, http_server) -> None:
    pytest.importorskip("reader.ui.images")
    from reader.ui.images import ImageLoader

    loader = ImageLoader()
    failures: list[tuple[str, str]] = []
    loader.imageFailed.connect(lambda url, reason: failures.append((url, reason)))
    for url in (
        "file:///etc/passwd",
        "../../secret.png",
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        f"//127.0.0.1:{http_server.port}/x.png",
    ):
        loader.request(url)
    assert [url for url, _ in failures] == [
        "file:///etc/passwd",
        "../../secret.png",
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        f"//127.0.0.1:{http_server.port}/x.png",
    ]
    assert http_server.hits() == 0
    loader.close()


# -- odd file names in the window --------------------------------------------------------

ODD_NAMES = [
    "line\nbreak.md",
    "-leading-dash.txt",
    "--double-dash.txt",
    "  spaces  .md",
    "ünïcödé – 日本語 😀.md",
    "\u202eevil\u202c.txt",
    "tab\tname.txt",
    "sub dir/-nested.markdown",
]


def test_odd_file_names_are_listed_and_shown_in_the_window(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QLabel

    for number, name in enumerate(ODD_NAMES):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Odd {number}\n---\nBody {number}.\n", encoding="utf-8")
    window = open_window(qtbot, tmp_path, len(ODD_NAMES))
    model = window.article_view().model()
    from PySide6.QtCore import Qt

    ids = sorted(
        model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(len(ODD_NAMES))
    )
    assert ids == sorted(ODD_NAMES)
    title = window.findChild(QLabel, "detailTitle")
    for number, name in enumerate(ODD_NAMES):
        assert window.select_article(name)
        qtbot.waitUntil(lambda number=number: title.text() == f"Odd {number}")
        assert window.detail_pane().current_id() == name
