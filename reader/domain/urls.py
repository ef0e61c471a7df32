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


def refusal_message(url: object) -> str:
    """One sentence saying why an unsafe URL was not opened."""
    text = str(url or "").strip()
    if not text:
        return "This article has no web address to open."
    scheme = text.split(":", 1)[0][:20] if ":" in text else ""
    shown = text if len(text) <= 60 else text[:57] + "…"
    if _SCHEME.fullmatch(scheme):  # named only when it is one: no line breaks from a file
        return f"Refused to open {shown!r}: only http and https links are opened, not {scheme}:."
    return f"Refused to open {shown!r}: it is not a complete http or https address."
