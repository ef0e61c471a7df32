"""The text the detail pane shows, built by plain functions over escaped values.

Kept apart from the widgets (as calibre's ``book_details`` renders with one function) so
that what an editor reads can be tested without a window, and so that every value from an
article file passes through one escaping step before it reaches a rich-text widget: a title
like ``<img src=x>`` must show as those characters, never as markup.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml

from reader.domain.article import ArticleSummary, Problem, RelatedArticle
from reader.domain.dates import format_date, format_datetime
from reader.domain.urls import safe_url, url_host

SEPARATOR = " · "
NO_BODY_TEXT = "This article has no body text."
LOADING_BODY_TEXT = "Loading the article…"
DELETED_TEXT = "This article's file was deleted or moved."
START_TEXT = "Select an article to read it, or press J to start with the first one."
SECURED_TEXT = "Secured token: present"
REMOTE_IMAGES_OFF_TEXT = "Remote images are off"
IMAGE_LOADING_TEXT = "Loading image…"

FIELD_VALUE_LIMIT = 2_000
"""Characters of one "Other fields" value shown; a pipeline can put megabytes in a key."""
RELATED_EXCERPT_LIMIT = 280


@dataclass(frozen=True, slots=True)
class RelatedColors:
    """Palette colours (``#rrggbb``) the related-item HTML uses, so dark themes stay legible."""

    text: str = "#000000"
    muted: str = "#666666"


ZERO_WIDTH_SPACE = "\u200b"
_LONG_TOKEN = 30


def soft_wrap(text: str) -> str:
    """``text`` with invisible break points inside very long words (URLs, paths, hashes).

    Qt's labels wrap only between words, so one 200-character URL in a title would force
    the whole pane wider than the window; zero-width spaces give it places to break.
    """
    if len(text) <= _LONG_TOKEN:
        return text
    words = text.split(" ")
    if all(len(word) <= _LONG_TOKEN for word in words):
        return text
    return " ".join(_break_word(word) if len(word) > _LONG_TOKEN else word for word in words)


def _break_word(word: str) -> str:
    pieces: list[str] = []
    run = 0
    for char in word:
        pieces.append(char)
        run += 1
        if char in "/_-.?&=," or run >= 20:
            pieces.append(ZERO_WIDTH_SPACE)
            run = 0
    return "".join(pieces).rstrip(ZERO_WIDTH_SPACE)


def format_local_datetime(value: datetime | None) -> str:
    """``26 Jul 2023, 16:43`` in the editor's local zone: the time they would quote (a
    date written without a time shows as the day alone)."""
    if value is None:
        return ""
    return format_datetime(value)


def format_local_date(value: datetime | None) -> str:
    """``26 Jul 2023`` in the local zone, for the denser related-coverage lines."""
    if value is None:
        return ""
    return format_date(value)


def meta_line(summary: ArticleSummary) -> str:
    """Source · date · category · type, skipping what the file does not say."""
    date_text = format_local_datetime(summary.published_at) or (summary.published_at_text or "")
    parts = (summary.source or summary.source_domain, date_text, summary.category, summary.type)
    return SEPARATOR.join(part.strip() for part in parts if part and part.strip())


def published_badge_text(summary: ArticleSummary) -> str:
    return "✓ Published" if summary.published else "○ Unpublished"


def facts_line(summary: ArticleSummary, *, has_secured: bool) -> str:
    """The small print under the article: where the file is, scores, and the secured token."""
    parts = [f"File: {summary.id}"]
    if summary.quality is not None:
        parts.append(f"Quality: {_number_text(summary.quality)}")
    if summary.heat is not None:
        parts.append(f"Heat: {_number_text(summary.heat)}")
    if has_secured:
        parts.append(SECURED_TEXT)
    return SEPARATOR.join(parts)


def body_for_display(body: str, limit: int) -> tuple[str, int]:
    """The part of ``body`` the pane lays out (cut at a paragraph end) and the whole length."""
    if len(body) <= limit:
        return body, len(body)
    cut = body.rfind("\n\n", 0, limit)
    if cut < limit // 2:
        cut = body.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = limit
    return body[:cut], len(body)


def body_cut_text(shown: int, total: int) -> str:
    return (
        f"This body is {total:,} characters long; the first {shown:,} are shown here. "
        "Open the original or the file to read the rest."
    )


def problems_html(summary: ArticleSummary) -> str:
    """The error that stopped the file being read, or its warnings; "" when there are none.

    An error names the file and the line and column so the editor can go and fix it.
    """
    error = summary.error
    if error is not None:
        return (
            "<p><b>This file could not be read.</b></p>"
            f"<p>File: {_esc(soft_wrap(summary.id))}<br>{_esc(problem_position(error))}"
            f"{_esc(soft_wrap(error.message))}</p>"
            "<p>Fix the file in a text editor; reader shows the change when it is saved.</p>"
        )
    warnings = summary.warnings
    if not warnings:
        return ""
    items = "".join(
        f"<li>{_esc(problem_position(p))}{_esc(soft_wrap(p.message))}</li>" for p in warnings
    )
    noun = "warning" if len(warnings) == 1 else "warnings"
    return (
        f"<p><b>{len(warnings)} {noun} in {_esc(soft_wrap(summary.id))}</b></p><ul>{items}</ul>"
    )


def problem_position(problem: Problem) -> str:
    """``Line 3, column 7: `` (or just the line), the prefix of a problem message."""
    if problem.line is None:
        return ""
    if problem.column is None:
        return f"Line {problem.line}: "
    return f"Line {problem.line}, column {problem.column}: "


def related_html(item: RelatedArticle, colors: RelatedColors) -> str:
    """One related-coverage entry: bold title, a muted source · date line, then the excerpt."""
    meta_parts = [
        item.provider.name or item.provider.domain or url_host(item.url),
        format_local_date(item.published_at),
    ]
    meta = SEPARATOR.join(p for p in meta_parts if p)
    excerpt = shorten(item.excerpt, RELATED_EXCERPT_LIMIT)
    parts = [f'<div style="color:{colors.text}"><b>{_esc(item.title)}</b></div>']
    if meta:
        parts.append(f'<div style="color:{colors.muted}">{_esc(meta)}</div>')
    if excerpt:
        parts.append(f'<div style="color:{colors.text}">{_esc(excerpt)}</div>')
    return "".join(parts)


def related_plain_text(item: RelatedArticle) -> str:
    """The same entry as plain text, for screen readers and copying."""
    meta = SEPARATOR.join(
        p for p in (item.provider.name, format_local_date(item.published_at)) if p
    )
    return "\n".join(p for p in (item.title, meta, item.excerpt) if p)


def related_tooltip(item: RelatedArticle) -> str:
    """Where activating the entry goes, shown before the click."""
    url = safe_url(item.url)
    if url is None:
        if not item.url.strip():
            return "This related article has no web address."
        return "This related article's address is not an http or https link; it will not open."
    return f"Opens {url_host(url)}"


def same_story_text(summary: ArticleSummary) -> str:
    """One line of "Same story in this folder": outlet · time · state — title."""
    outlet = summary.source or summary.source_domain or "Unknown outlet"
    when = format_local_datetime(summary.published_at) or "undated"
    state = "published" if summary.published else "not published"
    return f"{outlet} · {when} · {state} — {summary.title}"


def link_hover_text(url: str) -> str:
    """What hovering a body link says: the host it goes to, or that it will not open."""
    safe = safe_url(url)
    if safe is None:
        return "This link is not an http or https address; it will not open." if url else ""
    return url_host(safe)


def other_field_rows(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Unknown front-matter keys as (key, plain text) pairs, sorted by key.

    Values are written YAML-style (lists and mappings read as they do in the file) and cut
    at :data:`FIELD_VALUE_LIMIT`. A ``secured`` key is never shown, only its presence.
    """
    rows = []
    for key in sorted(fields, key=str):
        if str(key) == "secured":
            rows.append(("secured", "present"))
            continue
        rows.append((shorten_plain(str(key), 200), field_value_text(fields[key])))
    return rows


def field_value_text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = _number_text(value)
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = _yaml_text(value)
    return shorten_plain(text.rstrip("\n"), FIELD_VALUE_LIMIT)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when over ``limit``."""
    text = " ".join(text[: 4 * limit].split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:-—") + "…"


def shorten_plain(text: str, limit: int) -> str:
    """``text`` with its line breaks kept, cut with a note when over ``limit``."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text) - limit:,} more characters)"


def _yaml_text(value: Any) -> str:
    try:
        # Only the first part of a huge value is shown, so only that much is dumped.
        return yaml.safe_dump(
            _trimmed(value, budget=[FIELD_VALUE_LIMIT]),
            allow_unicode=True,
            default_flow_style=False,
            sort_keys=False,
            width=100,
        )
    except yaml.YAMLError:
        return repr(value)


def _trimmed(value: Any, budget: list[int], depth: int = 0) -> Any:
    """A copy of ``value`` holding roughly ``budget`` characters, so dumping stays cheap."""
    if budget[0] <= 0 or depth > 20:
        return "…"
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if budget[0] <= 0:
                out["…"] = f"{len(value) - len(out)} more"
                break
            budget[0] -= len(str(key)) + 2
            out[str(key)] = _trimmed(item, budget, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        items: list[Any] = []
        for item in value:
            if budget[0] <= 0:
                items.append(f"… {len(value) - len(items)} more")
                break
            items.append(_trimmed(item, budget, depth + 1))
        return items
    if isinstance(value, (str, int, float, bool, datetime)) or value is None:
        budget[0] -= len(str(value)) + 2
        return value
    text = str(value)
    budget[0] -= len(text)
    return text


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
