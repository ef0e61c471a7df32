"""Reader view's fetch and extraction against a real local HTTP server.

Pages written here and saved pages of real layouts (``reader/bench/original_pages``)
with the text a person marks as the article; redirects, hostile redirects, oversized,
slow and non-HTML answers, and the cache.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from http_server import LocalHttpServer, free_port, http_server_fixture  # noqa: F401

from reader.bench.original_eval import PAGES, score
from reader.domain.article import ArticleSummary
from reader.domain.original import (
    BlockKind,
    FetchLimits,
    OriginalError,
    decode_html,
    is_boilerplate,
    read_original,
)
from reader.domain.original_cache import OriginalCache

FILLER = (
    "The council met on Tuesday evening to discuss the budget for the coming year, and "
    "members spoke at length about the library, the parks and the state of the roads."
)

WRITTEN_PAGE = f"""<!doctype html><html><head><meta charset="utf-8">
<title>Budget vote delayed | Town Paper</title>
<meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2023-07-26T10:00:00Z">
<meta property="og:image" content="https://img.example.org/lead.jpg">
<script>document.cookie = "tracked=1"; alert("page script")</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie"><p>We use cookies to give you the best experience.</p></div>
<article><h1>Budget vote delayed</h1>
<div class="share"><p>Share this</p></div>
<p>{FILLER} The vote on the new budget was delayed by a week.</p>
<h2>What comes next</h2>
<p>{FILLER} A <a href="javascript:alert(1)">special meeting</a> is set for Monday.</p>
<p>Advertisement</p>
<p>{FILLER} Residents may send comments &lt;b&gt;in writing&lt;/b&gt; until Friday.</p>
<figure><img src="https://img.example.org/inline.jpg" alt="The town hall"></figure>
<p>Sign up for our newsletter to get the latest news in your inbox.</p>
</article>
<footer><p>Copyright 2023 Town Paper. All rights reserved.</p></footer></body></html>"""


def summary_for(*urls: str, title: str = "Budget vote delayed") -> ArticleSummary:
    padded = [*urls, "", "", ""]
    return ArticleSummary(
        id="budget.md",
        title=title,
        url=padded[0],
        web_url=padded[1],
        amp_url=padded[2],
        has_front_matter=True,
    )


def failure(summary: ArticleSummary, **kwargs: object) -> str:
    with pytest.raises(OriginalError) as raised:
        read_original(summary, **kwargs)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_a_written_page_gives_its_text_headings_and_facts(http_server):
    url = http_server.serve("/budget", WRITTEN_PAGE.encode(), "text/html; charset=utf-8")
    original = read_original(summary_for(url))
    assert original.url == url and original.requested_url == url
    assert original.title == "Budget vote delayed"
    assert original.author == "Ann Lee"
    assert original.date == "2023-07-26"
    assert original.lead_image == "https://img.example.org/lead.jpg"
    assert not original.cached
    kinds = [block.kind for block in original.blocks]
    assert BlockKind.HEADING in kinds and BlockKind.IMAGE in kinds
    text = original.text
    paragraphs = text.split("\n\n")
    assert paragraphs[0].endswith("The vote on the new budget was delayed by a week.")
    assert "What comes next" in paragraphs
    # Escaped markup on the page stays text; links are not kept, their words are.
    assert "<b>in writing</b>" in text and "special meeting" in text
    assert "javascript" not in text
    for boilerplate in (
        "Share this",
        "Advertisement",
        "newsletter",
        "cookies",
        "Copyright",
        "Home",
        "page script",
    ):
        assert boilerplate not in text
    # The headline is the title, not the first paragraph too.
    assert not text.startswith("Budget vote delayed")


@pytest.mark.parametrize("name", ["kron4", "guardian", "localpaper", "divsoup"])
def test_saved_pages_give_the_marked_text(http_server, name):
    page = (PAGES / f"{name}.html").read_bytes()
    content_type = "text/html" if name == "divsoup" else "text/html; charset=utf-8"
    url = http_server.serve(f"/{name}.html", page, content_type)
    expected = (PAGES / f"{name}.expected.txt").read_text(encoding="utf-8")
    result = score(read_original(summary_for(url)).text, expected)
    assert result.f1 >= 0.95, (name, result)


def test_a_page_in_latin_1_is_decoded_by_its_meta_charset():
    data = '<meta charset="iso-8859-1"><p>Sunny, 22°C in Malmö</p>'.encode("latin-1")
    assert "22°C in Malmö" in decode_html(data)
    assert "Malmö" in decode_html("Malmö".encode("cp1252"))  # undeclared, not UTF-8
    assert decode_html("Malmö".encode(), "no-such-charset") == "Malmö"


def test_redirects_are_followed_and_the_final_url_reported(http_server):
    final = http_server.serve("/final", WRITTEN_PAGE.encode(), "text/html")
    http_server.redirect("/hop2", "/final", status=301)
    start = http_server.redirect("/hop1", http_server.url("/hop2"), status=307)
    original = read_original(summary_for(start))
    assert original.url == final and original.requested_url == start


def test_no_cookie_set_by_a_redirect_is_sent_back(http_server):
    http_server.serve("/page", WRITTEN_PAGE.encode(), "text/html")
    start = http_server.redirect("/login", "/page", headers={"Set-Cookie": "session=abc"})
    read_original(summary_for(start))
    assert "cookie" not in http_server.headers_of("/page")


@pytest.mark.parametrize(
    ("target", "scheme"),
    [
        ("javascript:alert(document.cookie)", "javascript"),
        ("file:///etc/passwd", "file"),
        ("ftp://127.0.0.1/page.html", "ftp"),
        ("data:text/html,<p>hi</p>", "data"),
    ],
)
def test_a_redirect_to_another_scheme_is_refused(http_server, target, scheme):
    start = http_server.redirect("/away", target)
    message = failure(summary_for(start))
    assert message == (
        "Could not read the original of “Budget vote delayed”: 127.0.0.1 redirected to a "
        f"{scheme}: address, and only http and https pages are read."
    )


def test_more_than_five_redirects_are_refused(http_server):
    for hop in range(7):
        http_server.redirect(f"/r{hop}", f"/r{hop + 1}")
    message = failure(summary_for(http_server.url("/r0")))
    assert "redirected more than 5 times" in message
    assert http_server.hits("/r6") == 0


def test_five_redirects_are_followed(http_server):
    for hop in range(5):
        http_server.redirect(f"/r{hop}", f"/r{hop + 1}")
    http_server.serve("/r5", WRITTEN_PAGE.encode(), "text/html")
    assert read_original(summary_for(http_server.url("/r0"))).url == http_server.url("/r5")


def test_an_oversized_page_is_abandoned(http_server):
    big = b"<html><body><p>" + b"word " * 4_000 + b"</p></body></html>"
    declared = http_server.serve("/declared", big, "text/html")
    streamed = http_server.serve("/streamed", big, "text/html", send_length=False)
    limits = FetchLimits(max_bytes=10_000)
    for url in (declared, streamed):
        message = failure(summary_for(url), limits=limits)
        assert message.endswith("the page at 127.0.0.1 is larger than 9 KB.")


def test_the_default_limit_is_ten_megabytes(http_server):
    big = b"<html><body><p>" + b"x" * (10 * 1024 * 1024) + b"</p></body></html>"
    url = http_server.serve("/huge", big, "text/html", send_length=False)
    assert failure(summary_for(url)).endswith("is larger than 10 MB.")


def test_a_slow_answer_is_abandoned_at_the_deadline(http_server):
    slow = http_server.serve("/slow", WRITTEN_PAGE.encode(), "text/html", delay=30)
    limits = FetchLimits(timeout_s=0.5)
    assert failure(summary_for(slow), limits=limits).endswith(
        "127.0.0.1 did not answer within 0.5 seconds."
    )


def test_a_trickling_page_is_abandoned_at_the_deadline(http_server):
    page = WRITTEN_PAGE.encode() * 4
    url = http_server.serve("/trickle", page, "text/html", trickle=0.2)
    limits = FetchLimits(timeout_s=0.6)
    message = failure(summary_for(url), limits=limits)
    assert "within 0.6 seconds" in message


def test_a_page_that_is_not_html_is_refused(http_server):
    url = http_server.serve("/paper.pdf", b"%PDF-1.7 ...", "application/pdf")
    assert failure(summary_for(url)) == (
        "Could not read the original of “Budget vote delayed”: 127.0.0.1 sent "
        "application/pdf, not a web page."
    )


def test_an_http_error_names_the_status(http_server):
    url = http_server.serve("/gone", b"gone", "text/html", status=410)
    assert failure(summary_for(url)).endswith("127.0.0.1 answered 410 Gone.")


def test_a_refused_connection_is_said_so():
    url = f"http://127.0.0.1:{free_port()}/article"
    assert failure(summary_for(url)).endswith("127.0.0.1 refused the connection.")


def test_an_unknown_host_is_said_so():
    message = failure(summary_for("http://no-such-host.invalid/article"))
    assert message.endswith("no-such-host.invalid could not be found (no such host, or offline).")


def test_a_page_without_article_text_is_said_so(http_server):
    url = http_server.serve(
        "/empty", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html"
    )
    assert failure(summary_for(url)).endswith("no article text was found on the page at 127.0.0.1.")


def test_the_next_url_is_tried_when_the_first_fails(http_server):
    missing = http_server.serve("/missing", b"no", "text/html", status=404)
    web = http_server.serve("/web", WRITTEN_PAGE.encode(), "text/html")
    original = read_original(summary_for(missing, web))
    assert original.url == web
    # When every URL fails, the first failure is the one reported.
    http_server.forget("/web")
    assert failure(summary_for(missing, web)).endswith("127.0.0.1 answered 404 Not Found.")


def test_an_article_without_an_address_makes_no_request(http_server):
    assert failure(summary_for()) == (
        "“Budget vote delayed” has no originalUrl, webUrl or ampWebUrl to read the original from."
    )
    assert failure(summary_for("javascript:alert(1)")) == (
        "The original of “Budget vote delayed” was not fetched: its address is a "
        "javascript: link, and only http and https pages are read."
    )
    assert failure(summary_for("", title="")).startswith("budget.md has no originalUrl")
    assert http_server.hits() == 0


def test_a_stop_request_ends_the_read_before_extraction(http_server):
    url = http_server.serve("/page", WRITTEN_PAGE.encode(), "text/html")
    cache = OriginalCache(Path(os.environ["XDG_CACHE_HOME"]) / "originals")
    message = failure(summary_for(url), cache=cache, should_stop=lambda: True)
    assert message == "Reading the original of “Budget vote delayed” was cancelled."
    assert cache.get(url) is None


@pytest.mark.parametrize(
    "text",
    [
        "Share this",
        "Share on Facebook",
        "Sign up for our newsletter",
        "Related: Ten things",
        "Advertisement",
        "ADVERTISEMENT",
        "We use cookies to improve your experience.",
        "Accept all cookies",
        "Read more: the budget explained",
        "By Ann Lee",
        "By Ann Lee | Staff writer",
        "May 16, 2023",
        "Follow us on Twitter",
        "Facebook Twitter",
    ],
)
def test_boilerplate_paragraphs_are_recognised(text):
    assert is_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "By noon, the fire had spread to the ridge.",
        "Share prices fell 3% on Tuesday.",
        "The court met on May 16, 2023 to decide the case.",
        "Related coverage was thin.",
        "Cookies " + "and more cookies, said the baker, were what the town wanted. " * 5,
    ],
)
def test_article_sentences_are_not_boilerplate(text):
    assert not is_boilerplate(text)


# -- the cache -------------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> OriginalCache:
    return OriginalCache(tmp_path / "originals")


def test_a_cached_original_is_answered_without_the_network(http_server, cache):
    url = http_server.serve("/page", WRITTEN_PAGE.encode(), "text/html")
    first = read_original(summary_for(url), cache=cache)
    second = read_original(summary_for(url), cache=cache)
    assert http_server.hits("/page") == 1
    assert second.cached and not first.cached
    assert second.text == first.text and second.fetched == first.fetched
    assert second.title == first.title and second.lead_image == first.lead_image
    record = json.loads(cache.path_for(url).read_text(encoding="utf-8"))
    assert record["requested_url"] == url and record["fetched"] == first.fetched.isoformat()


def test_refresh_fetches_again_and_replaces_the_copy(http_server, cache):
    url = http_server.serve("/page", WRITTEN_PAGE.encode(), "text/html")
    read_original(summary_for(url), cache=cache)
    changed = WRITTEN_PAGE.replace("delayed by a week", "delayed by a month")
    http_server.serve("/page", changed.encode(), "text/html")
    fresh = read_original(summary_for(url), cache=cache, refresh=True)
    assert http_server.hits("/page") == 2 and not fresh.cached
    assert "delayed by a month" in read_original(summary_for(url), cache=cache).text


def test_a_corrupt_cache_file_is_ignored_and_replaced(http_server, cache):
    url = http_server.serve("/page", WRITTEN_PAGE.encode(), "text/html")
    cache.directory.mkdir(parents=True)
    for garbage in (b"{not json", b'{"version": 1}', b"[1, 2]", b"\xff\xfe"):
        cache.path_for(url).write_bytes(garbage)
        assert cache.get(url) is None
    original = read_original(summary_for(url), cache=cache)
    assert not original.cached and http_server.hits("/page") == 1
    assert cache.get(url) is not None


def test_the_cache_stays_within_its_bound_dropping_the_oldest(http_server, tmp_path):
    small = OriginalCache(tmp_path / "small", max_bytes=12_000)
    urls = []
    for number in range(12):
        urls.append(http_server.serve(f"/p{number}", WRITTEN_PAGE.encode(), "text/html"))
        read_original(summary_for(urls[-1]), cache=small)
        # mtimes one second apart, so "oldest" does not depend on the clock's resolution
        path = small.path_for(urls[-1])
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    assert small.size() <= 12_000
    assert small.get(urls[-1]) is not None
    assert small.get(urls[0]) is None
    kept = [url for url in urls if small.path_for(url).exists()]
    assert kept == urls[len(urls) - len(kept) :]  # a run of the newest


def test_a_gzipped_page_is_read_and_a_gzip_bomb_refused(http_server):
    packed = gzip.compress(WRITTEN_PAGE.encode())
    url = http_server.serve("/gz", packed, "text/html", headers={"Content-Encoding": "gzip"})
    assert "delayed by a week" in read_original(summary_for(url)).text
    bomb = gzip.compress(b"<p>" + b" " * 2_000_000 + b"</p>")
    url = http_server.serve("/bomb", bomb, "text/html", headers={"Content-Encoding": "gzip"})
    limits = FetchLimits(max_bytes=100_000)
    assert failure(summary_for(url), limits=limits).endswith("is larger than 97 KB.")
