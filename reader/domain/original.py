"""Reader view: the original article's text, fetched from its web page on request.

The pipeline often writes front matter without a body; the editor then had to leave the
desk for the browser.  This module fetches the page behind an article's ``originalUrl``
(then ``webUrl``, then ``ampWebUrl``) and extracts its main text with trafilatura, for
both the window (through :mod:`reader.library.originals`) and ``reader show --original``,
so the two always say the same thing, failures included.

The page is hostile input, so the fetch is narrow on purpose: its own urllib opener with
only the http and https handlers (no ``file:``, ``ftp:`` or ``data:``, no cookie jar), a
scheme check on every redirect (at most :data:`MAX_REDIRECTS`), one deadline for the
whole read (:data:`TIMEOUT_S`), at most :data:`MAX_PAGE_BYTES` read before the answer is
abandoned, and only HTML accepted.  Nothing on the page is run or fetched: no scripts,
no stylesheets, no images (the window asks for those itself, under View ▸ Remote
Images).  Links are not kept, so the text that reaches the pane is plain text.

Every failure is an :class:`OriginalError` whose message is one sentence naming the
article and the cause, ready to print or show.
"""

from __future__ import annotations

import codecs
import http.client
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from reader.domain.article import ArticleSummary
from reader.domain.urls import safe_url, scheme_name, url_host

if TYPE_CHECKING:
    from reader.domain.original_cache import OriginalCache

TIMEOUT_S = 10.0
"""One deadline for connecting, every redirect and reading the page: a slower page is
abandoned.  News pages answer in well under a second; ten covers a slow mobile link."""
MAX_PAGE_BYTES = 10 * 1024 * 1024
"""A news page is 0.1-3 MB of HTML; anything over this is not an article."""
MAX_REDIRECTS = 5
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
USER_AGENT = "Mozilla/5.0 (compatible; reader news desk; Reader view)"
_CHUNK = 64 * 1024
_TITLE_LIMIT = 80


class BlockKind(StrEnum):
    """What one piece of extracted text is: the pane sets each apart its own way."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    QUOTE = "quote"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item, quotation or image of the extracted article.

    ``text`` is plain text (an image's is its description); ``src`` is an image's URL,
    already checked to be http or https.
    """

    kind: BlockKind
    text: str
    src: str = ""


@dataclass(frozen=True, slots=True)
class OriginalText:
    """The original's main text and what the page says about itself.

    ``url`` is where the text came from after redirects; ``requested_url`` the article's
    URL that was asked for (the cache key).  ``fetched`` is when it was read (UTC) and
    ``cached`` whether this answer came from the cache rather than the network.
    """

    requested_url: str
    url: str
    title: str
    blocks: tuple[Block, ...]
    fetched: datetime
    author: str = ""
    date: str = ""
    lead_image: str = ""
    cached: bool = False

    @property
    def text(self) -> str:
        """Headings and paragraphs (no images), separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks if block.kind is not BlockKind.IMAGE)

    @property
    def host(self) -> str:
        return url_host(self.url)

    def to_json(self) -> dict[str, Any]:
        return {
            "requested_url": self.requested_url,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "lead_image": self.lead_image,
            "fetched": self.fetched.isoformat(),
            "blocks": [[block.kind.value, block.text, block.src] for block in self.blocks],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, cached: bool) -> OriginalText:
        """The inverse of :meth:`to_json`; raises ``KeyError``/``ValueError``/``TypeError``
        on anything malformed (the cache treats that as a miss)."""
        fetched = datetime.fromisoformat(str(data["fetched"]))
        if fetched.tzinfo is None:
            raise ValueError("fetch time without a zone")
        blocks = tuple(
            Block(BlockKind(kind), str(text), str(src)) for kind, text, src in data["blocks"]
        )
        return cls(
            requested_url=str(data["requested_url"]),
            url=str(data["url"]),
            title=str(data["title"]),
            blocks=blocks,
            fetched=fetched,
            author=str(data.get("author", "")),
            date=str(data.get("date", "")),
            lead_image=str(data.get("lead_image", "")),
            cached=cached,
        )


class OriginalError(Exception):
    """The original could not be read; ``str()`` is one sentence naming article and cause."""


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much: the defaults serve editors, tests make them small."""

    timeout_s: float = TIMEOUT_S
    max_bytes: int = MAX_PAGE_BYTES
    max_redirects: int = MAX_REDIRECTS


@dataclass(slots=True)
class Page:
    """A fetched HTML page: its final URL and its text."""

    url: str
    html: str
    content_type: str = "text/html"
    redirects: list[str] = field(default_factory=list)


class _CauseError(Exception):
    """A failure's cause as a clause ("www.x.com answered 404 Not Found"); becomes an
    :class:`OriginalError` sentence once the article is known.  ``final`` causes stop the
    fallback to the article's other URLs (the network or the deadline is gone)."""

    def __init__(self, clause: str, *, final: bool = False) -> None:
        super().__init__(clause)
        self.final = final


# -- the article's addresses ---------------------------------------------------------------


def article_name(summary: ArticleSummary) -> str:
    """How a sentence names the article: its title in quotes (shortened), else its id."""
    title = " ".join(summary.title.split())
    if not title:
        return summary.id
    if len(title) > _TITLE_LIMIT:
        cut = title.rfind(" ", 0, _TITLE_LIMIT - 1)
        title = title[: cut if cut > _TITLE_LIMIT // 2 else _TITLE_LIMIT - 1].rstrip(" ,;:") + "…"
    return f"“{title}”"


def candidate_urls(summary: ArticleSummary) -> list[str]:
    """The http(s) addresses to try, in order, without repeats.

    Raises :class:`OriginalError` when the article has none, or only ones of another scheme.
    """
    listed = [u.strip() for u in (summary.url, summary.web_url, summary.amp_url) if u.strip()]
    safe: list[str] = []
    for url in listed:
        checked = safe_url(url)
        if checked is not None and checked not in safe:
            safe.append(checked)
    if safe:
        return safe
    name = article_name(summary)
    if not listed:
        raise OriginalError(
            f"{name} has no originalUrl, webUrl or ampWebUrl to read the original from."
        )
    scheme = scheme_name(listed[0])
    what = f"a {scheme}: link" if scheme else "not a link"
    raise OriginalError(
        f"The original of {name} was not fetched: its address is {what}, "
        "and only http and https pages are read."
    )


# -- reading one article's original ----------------------------------------------------------


def read_original(
    summary: ArticleSummary,
    *,
    cache: OriginalCache | None = None,
    refresh: bool = False,
    limits: FetchLimits | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> OriginalText:
    """The original's text: from ``cache`` when it holds it (unless ``refresh``), else
    fetched and extracted (and stored in ``cache``).

    Tries the article's URLs in order (:func:`candidate_urls`); a failure of one moves to
    the next unless the network itself failed or the deadline passed.  The first failure
    is the one reported.  ``should_stop`` is asked between steps: a window that moved to
    another article stops a read it no longer wants.
    """
    urls = candidate_urls(summary)
    if cache is not None and not refresh:
        for url in urls:
            hit = cache.get(url)
            if hit is not None:
                return hit
    limits = limits or FetchLimits()
    deadline = time.monotonic() + limits.timeout_s
    first: _CauseError | None = None

    def stop_if_asked() -> None:
        if should_stop is not None and should_stop():
            raise OriginalError(f"Reading the original of {article_name(summary)} was cancelled.")

    for url in urls:
        stop_if_asked()
        try:
            page = fetch_page(url, limits, deadline=deadline)
            stop_if_asked()
            original = extract_original(page, requested_url=url)
        except _CauseError as cause:
            first = first or cause
            if cause.final:
                break
            continue
        if cache is not None:
            cache.put(original)
        return original
    assert first is not None
    raise OriginalError(f"Could not read the original of {article_name(summary)}: {first}.")


# -- fetching ------------------------------------------------------------------------------


class _SchemeCheckingRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most ``max_redirects`` redirects, each only to http or https, each
    within what is left of the one deadline."""

    def __init__(self, max_redirects: int, deadline: float) -> None:
        super().__init__()
        self.max_redirections = max_redirects
        self.max_repeats = max_redirects
        self._deadline = deadline
        self.followed: list[str] = []

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Message
    ) -> Any:
        # Checked before urllib's own rule, which would let ftp: through and word a
        # refusal as an HTTP error.
        location = headers.get("Location") or headers.get("URI")
        if location:
            target = urljoin(req.full_url, location.strip())
            if safe_url(target) is None:
                host = url_host(req.full_url) or "the site"
                scheme = scheme_name(target)
                shown = f"a {scheme}: address" if scheme else "an address"
                fp.close()
                raise _CauseError(
                    f"{host} redirected to {shown}, and only http and https pages are read"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        host = url_host(req.full_url) or "the site"
        if len(self.followed) >= self.max_redirections:
            fp.close()
            raise _CauseError(f"{host} redirected more than {self.max_redirections} times")
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            fp.close()
            raise _CauseError(f"{host} did not answer in time", final=True)
        self.followed.append(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        # The next hop opens with the old request's timeout: make it what is left.
        req.timeout = remaining
        return new


def _opener(redirects: _SchemeCheckingRedirects) -> urllib.request.OpenerDirector:
    """http and https only, no cookies: ``build_opener`` would add ``file:`` and ``ftp:``."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        redirects,
    ):
        opener.add_handler(handler)
    return opener


def fetch_page(
    url: str, limits: FetchLimits | None = None, *, deadline: float | None = None
) -> Page:
    """GET ``url`` as an HTML page within the limits; raises ``_CauseError`` on any failure."""
    limits = limits or FetchLimits()
    if deadline is None:
        deadline = time.monotonic() + limits.timeout_s
    host = url_host(url) or "the site"
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _CauseError(f"{host} did not answer within {limits.timeout_s:g} seconds", final=True)
    redirects = _SchemeCheckingRedirects(limits.max_redirects, deadline)
    # Only http(s) reaches here (candidate_urls, and every redirect is checked).
    request = urllib.request.Request(  # noqa: S310
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",
        },
    )
    try:
        response = _opener(redirects).open(request, timeout=remaining)
    except _CauseError:
        raise
    except urllib.error.HTTPError as exc:
        failed_host = url_host(exc.url or url) or host
        reason = (exc.reason if isinstance(exc.reason, str) else "").strip()
        exc.close()
        raise _CauseError(
            f"{failed_host} answered {exc.code}{' ' + reason if reason else ''}"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        raise _network_cause(exc, host, limits) from None
    with response:
        final_url = response.geturl() or url
        final_host = url_host(final_url) or host
        content_type = response.headers.get_content_type() if response.headers else "text/html"
        if response.headers.get("Content-Type") and content_type not in HTML_TYPES:
            raise _CauseError(f"{final_host} sent {content_type}, not a web page")
        length = response.headers.get("Content-Length", "")
        if length.strip().isdigit() and int(length) > limits.max_bytes:
            raise _CauseError(
                f"the page at {final_host} is larger than {_size_text(limits.max_bytes)}"
            )
        data = _read_body(response, limits, deadline, final_host)
        data = _decompressed(data, response.headers.get("Content-Encoding", ""), limits, final_host)
        charset = response.headers.get_content_charset() if response.headers else None
    return Page(final_url, decode_html(data, charset), content_type, redirects.followed)


def _read_body(response: Any, limits: FetchLimits, deadline: float, host: str) -> bytes:
    """The body, chunk by chunk, abandoned past ``max_bytes`` or the deadline."""
    chunks: list[bytes] = []
    total = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _CauseError(
                f"{host} did not send the page within {limits.timeout_s:g} seconds", final=True
            )
        _limit_wait(response, remaining)
        try:
            chunk = response.read1(_CHUNK)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise _network_cause(exc, host, limits) from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limits.max_bytes:
            raise _CauseError(f"the page at {host} is larger than {_size_text(limits.max_bytes)}")
        chunks.append(chunk)


def _decompressed(data: bytes, encoding: str, limits: FetchLimits, host: str) -> bytes:
    """The body as sent before compression: reader asks for none, but some servers send
    gzip anyway.  Bounded like the download, so a small "zip bomb" is refused too."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise _CauseError(f"{host} sent the page in an encoding reader does not read ({encoding})")
    wbits = zlib.MAX_WBITS | 16 if "gzip" in encoding else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        plain = inflater.decompress(data, limits.max_bytes + 1)
    except zlib.error:
        raise _CauseError(f"{host} sent a damaged compressed page") from None
    if len(plain) > limits.max_bytes or inflater.unconsumed_tail:
        raise _CauseError(f"the page at {host} is larger than {_size_text(limits.max_bytes)}")
    return plain


def _limit_wait(response: Any, remaining: float) -> None:
    """Let one socket read wait no longer than the deadline allows (best effort: the
    socket sits inside http.client's reader)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(max(0.05, remaining))


def _network_cause(exc: BaseException, host: str, limits: FetchLimits) -> _CauseError:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, _CauseError):
        return reason
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _CauseError(f"{host} did not answer within {limits.timeout_s:g} seconds", final=True)
    if isinstance(reason, socket.gaierror):
        return _CauseError(f"{host} could not be found (no such host, or offline)", final=True)
    if isinstance(reason, ConnectionRefusedError):
        return _CauseError(f"{host} refused the connection")
    if isinstance(reason, ssl.SSLError):
        return _CauseError(f"the secure connection to {host} could not be set up")
    if isinstance(
        reason, (ConnectionResetError, http.client.RemoteDisconnected, http.client.IncompleteRead)
    ):
        return _CauseError(f"{host} closed the connection before the page was sent")
    detail = str(getattr(reason, "strerror", None) or reason or type(reason).__name__)
    return _CauseError(f"the connection to {host} failed ({detail.rstrip('.')})")


def _size_text(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(1, limit // 1024)} KB"


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page as text: the header's charset, else the page's ``<meta>`` one, else UTF-8,
    else Windows-1252 (what browsers assume), never failing on a stray byte."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    candidates = [declared] if declared else []
    match = _META_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name)
        except LookupError:
            continue
        return data.decode(codec.name, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


# -- extracting ------------------------------------------------------------------------------

_SOCIAL = (
    r"(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|reddit|print|pinterest|copy\s+link)"
)
_BOILERPLATE = re.compile(
    rf"""^(?:
        share(?:\s+(?:this|on|via)\b.*)?
      | (?:sign\s+up|subscribe)\b.*(?:newsletter|updates|inbox|email).*
      | related(?:\s+(?:stories|articles|coverage|content|links))?\s*:.*
      | (?:read|see|watch)\s+(?:more|also|next)\s*:.*
      | advertisement | sponsored(?:\s+content)? | ad | story\s+continues\s+below.*
      | (?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*
      | .*\b(?:accept|manage)\s+(?:all\s+)?cookies\b.*
      | (?:follow\s+us|like\s+us)\s+on\b.*
      | (?:copyright|©).*all\s+rights\s+reserved.*
      | click\s+here\s+to\b.*
      | (?:support\s+(?:our|local|independent|quality)\s+journalism|subscribe\s+(?:today|now)\b).*
      | our\s+standards\s*:.*
      | (?:video|watch)\s+(?:above|below)\b.*
      | {_SOCIAL}(?:\s*[|·,/]?\s*{_SOCIAL})*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_MAX_CHARS = 200
"""Only short paragraphs are judged: a long one that mentions cookies is the article."""


_BYLINE = re.compile(r"By\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:\||,|and|·)\s*[\w\s.'’-]{0,40})?")
"""``By Tom Barker``, ``By Priya Raman | Staff writer``; case-sensitive, so that
"By noon, the fire had spread." stays."""
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATELINE = re.compile(
    rf"""(?:(?:updated|published|posted)\s*:?\s*)?
    (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?
    (?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
      | \d{{1,2}}\s+{_MONTH},?\s+\d{{4}}
      | \d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}})
    (?:[\s,/·|-]+\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{{2,4}})?)?""",
    re.IGNORECASE | re.VERBOSE,
)
"""A paragraph that is only a date (and time): the page's dateline, not its text."""


def is_boilerplate(text: str) -> bool:
    """A share bar, newsletter pitch, "Related:" line, ad label, cookie notice, a byline
    or a bare dateline."""
    text = " ".join(text.split())
    if len(text) > _BOILERPLATE_MAX_CHARS:
        return False
    return bool(_BOILERPLATE.match(text) or _BYLINE.fullmatch(text) or _DATELINE.fullmatch(text))


def extract_original(page: Page, *, requested_url: str | None = None) -> OriginalText:
    """The main text of ``page``, its title, author, date and lead image.

    Raises ``_CauseError`` when no article text is found.
    """
    import trafilatura  # ~0.4 s to import: paid only by a command that reads an original

    document = trafilatura.bare_extraction(
        page.html,
        url=page.url,
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_links=False,
        with_metadata=True,
    )
    host = url_host(page.url) or "the page"
    body = getattr(document, "body", None) if document is not None else None
    title = " ".join(str(getattr(document, "title", "") or "").split())
    blocks = _blocks(body, title) if body is not None else []
    if not any(block.kind is not BlockKind.IMAGE for block in blocks):
        raise _CauseError(f"no article text was found on the page at {host}")
    return OriginalText(
        requested_url=requested_url or page.url,
        url=page.url,
        title=title,
        blocks=tuple(blocks),
        fetched=datetime.now(UTC).replace(microsecond=0),
        author=" ".join(str(getattr(document, "author", "") or "").split()),
        date=str(getattr(document, "date", "") or ""),
        lead_image=safe_url(str(getattr(document, "image", "") or "")) or "",
    )


def _blocks(body: Any, title: str) -> list[Block]:
    """trafilatura's XML body as blocks, without boilerplate or a repeat of the title."""
    blocks: list[Block] = []
    for element in body.iter("head", "p", "item", "quote", "graphic", "row"):
        if element.tag != "graphic" and _inside(element, ("item", "quote", "row")):
            continue  # a paragraph inside a list item or quotation is part of it
        if element.tag == "graphic":
            src = safe_url(element.get("src", ""))
            if src is not None:
                blocks.append(Block(BlockKind.IMAGE, " ".join(element.get("alt", "").split()), src))
            continue
        if element.tag == "row":
            cells = [" ".join("".join(cell.itertext()).split()) for cell in element]
            texts = [" | ".join(cell for cell in cells if cell)]
        elif element.tag == "p":
            # A site that writes paragraphs as <br><br> in one <div> gets them back.
            texts = [" ".join(line.split()) for line in _lines(element)]
        else:
            texts = [" ".join("".join(element.itertext()).split())]
        kind = {
            "head": BlockKind.HEADING,
            "item": BlockKind.ITEM,
            "quote": BlockKind.QUOTE,
        }.get(element.tag, BlockKind.PARAGRAPH)
        for text in texts:
            if not text or is_boilerplate(text):
                continue
            if kind is BlockKind.HEADING and not blocks and _same_words(text, title):
                continue  # the headline again: the pane and the CLI show the title already
            blocks.append(Block(kind, text))
    return blocks


def _lines(element: Any) -> list[str]:
    """The text of ``element`` cut at its ``<lb/>`` (line break) children."""
    lines = [element.text or ""]

    def walk(node: Any) -> None:
        for child in node:
            if child.tag == "lb":
                lines.append("")
            else:
                lines[-1] += child.text or ""
                walk(child)
            lines[-1] += child.tail or ""

    walk(element)
    return lines


def _inside(element: Any, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _same_words(first: str, second: str) -> bool:
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())

    return bool(first) and words(first) == words(second)
