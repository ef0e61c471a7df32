"""The one rule for URLs that come from article files: only http and https leave reader.

Article files are written by other programs; a ``javascript:``, ``file:`` or ``data:`` URL
in one must never reach the browser or the network.  Every place that opens or fetches a
URL from a file asks :func:`safe_url` first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def safe_url(url: object) -> str | None:
    """``url`` stripped, if it is an absolute http(s) URL with a host; else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > 8192 or any(ch in url for ch in "\r\n\t\x00"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def url_host(url: str) -> str:
    """The host part, shown to the editor before a click so they see where a link goes."""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def scheme_name(url: str) -> str:
    """The scheme ``url`` names (``javascript``, ``file``...), or "" when the text before its
    first colon is not one: a message may quote it without letting a file forge line breaks."""
    scheme = url.split(":", 1)[0][:20] if ":" in url else ""
    return scheme if _SCHEME.fullmatch(scheme) else ""


def refusal_message(url: object) -> str:
    """One sentence saying why an unsafe URL was not opened."""
    text = str(url or "").strip()
    if not text:
        return "This article has no web address to open."
    scheme = scheme_name(text)
    shown = text if len(text) <= 60 else text[:57] + "…"
    if scheme:
        return f"Refused to open {shown!r}: only http and https links are opened, not {scheme}:."
    return f"Refused to open {shown!r}: it is not a complete http or https address."


def normalise_url(url: str) -> str:
    """A URL as a lookup key: no scheme, lower-case host, no trailing slash or fragment.

    Plain string operations rather than ``urlsplit``: this runs for four URLs of every
    article as it arrives on the GUI thread, and must stay a microsecond each.
    """
    text = url.strip()
    _scheme, separator, rest = text.partition("://")
    if not separator:
        rest = text[2:] if text.startswith("//") else text
    before_query, mark, query = rest.partition("#")[0].partition("?")
    host, _slash, path = before_query.partition("/")
    if not host:
        return ""
    return host.lower() + ("/" + path).rstrip("/") + (mark + query if query else "")


_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "ocid", "cmpid", "cmp", "smid", "smtyp", "ref",
    "ref_src", "src", "source", "mc_cid", "mc_eid", "taid", "ito", "guccounter", "guce_referrer",
    "guce_referrer_sig", "_ga", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
    "outputtype", "amp", "output", "rss", "feed", "partner", "__twitter_impression", "cid",
})
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def canonical_url(url: str) -> str:
    """The story key of a URL: two links to one web page give the same key.

    Stronger than :func:`normalise_url` (which keeps ``www.`` because the detail pane's link
    lookup must not confuse two hosts): it also unwraps Google's AMP cache
    (``www-site-com.cdn.ampproject.org/c/s/www.site.com/…``), drops ``www.``/``m.``/``amp.``
    host prefixes, AMP path segments (``/amp/``, ``.amp``, ``amp.html``) and tracking
    parameters (``utm_*``, ``fbclid``, …), and sorts what query is left.
    """
    key = normalise_url(url)
    if not key:
        return ""
    host, _slash, rest = key.partition("/")
    if host.endswith(".cdn.ampproject.org"):
        for marker in ("c/s/", "v/s/", "c/", "v/", "i/s/", "i/"):
            if rest.startswith(marker):
                return canonical_url("https://" + rest[len(marker):])
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    path, _mark, query = rest.partition("?")
    if not query and "amp" not in path.lower() and "//" not in path and (
        path[:1] != "/" and path[-1:] != "/"
    ):
        # The common case (a story key is made for ~7 URLs of every file parsed): no AMP
        # segment to drop and no query to clean, so the path is kept as it is.
        return host + "/" + path if path else host
    segments = [s for s in path.split("/") if s and s.lower() != "amp"]
    if segments:
        last = segments[-1]
        for suffix in (".amp.html", ".amp", "amp.html"):
            if last.lower().endswith(suffix) and len(last) > len(suffix):
                segments[-1] = last[: -len(suffix)].rstrip("-_.")
                break
    kept = sorted(
        pair
        for pair in query.split("&")
        if pair
        and not pair.lower().startswith("utm_")
        and pair.partition("=")[0].lower() not in _TRACKING_PARAMS
    )
    text = host + ("/" + "/".join(segments) if segments else "")
    return text + ("?" + "&".join(kept) if kept else "")
