"""What reader knows about one article file.

Two shapes on purpose: :class:`ArticleSummary` is what the list, the CLI table and the
index cache need for every file, kept small so that 100,000 of them fit in memory;
:class:`ArticleDetail` is everything in one file (body, images, related coverage, unknown
keys) and is only built for the article an editor is looking at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple


class Severity(StrEnum):
    """How bad a :class:`Problem` is: errors stop the file being read, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, phrased for the editor who has to fix it.

    ``line`` and ``column`` are 1-based positions in the file (not in the front matter),
    or None when the problem has no position.
    """

    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None
    column: int | None = None

    def location(self, article_id: str) -> str:
        """``path:line:`` prefix in the style compilers use, so editors can jump to it."""
        if self.line is None:
            return f"{article_id}:"
        return f"{article_id}:{self.line}:"

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "severity": self.severity.value,
            "line": self.line,
            "column": self.column,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(
            message=str(data["message"]),
            severity=Severity(data.get("severity", "error")),
            line=data.get("line"),
            column=data.get("column"),
        )


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    name: str = ""
    domain: str = ""


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    url: str = ""
    type: str = ""
    provider: Provider = field(default_factory=Provider)
    quality: float | None = None
    images: tuple[Image, ...] = ()


class ArticleSummary(NamedTuple):
    """The fields every row of the list shows, sorts, filters or searches on.

    ``id`` is the file's path relative to the opened folder with ``/`` separators.
    ``problems`` holds warnings for a readable file, or one error for a file that
    could not be read; ``error`` is that error's message, for convenience.

    A named tuple rather than a frozen dataclass: a warm start makes 100,000 of these from
    the index, and a tuple is built in one C call where a frozen dataclass's ``__init__``
    sets each of its 22 fields through ``object.__setattr__`` (0.60 against 0.23 s for
    100,000 in a micro-benchmark).  It is as immutable; copy it with
    ``_replace``.
    """

    id: str
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    published_at_text: str | None = None
    source: str = ""
    source_domain: str = ""
    url: str = ""
    web_url: str = ""
    amp_url: str = ""
    cdn_amp_url: str = ""
    category: str = ""
    type: str = ""
    quality: float | None = None
    heat: float | None = None
    published: bool = False
    topics: tuple[str, ...] = ()
    has_front_matter: bool = False
    problems: tuple[Problem, ...] = ()
    has_images: bool = False
    has_related: bool = False
    has_body: bool = False
    """Whether the file lists images / related coverage / has body text (``has:`` searches)."""

    @property
    def error(self) -> Problem | None:
        """The problem that stopped the file being read, if any."""
        for problem in self.problems:
            if problem.severity is Severity.ERROR:
                return problem
        return None

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def is_error(self) -> bool:
        return self.error is not None


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article in full, read from disk on demand for the detail pane and ``reader show``."""

    summary: ArticleSummary
    body: str = ""
    images: tuple[Image, ...] = ()
    related: tuple[RelatedArticle, ...] = ()
    has_secured: bool = False
    other_fields: dict[str, Any] = field(default_factory=dict)
    front_matter: dict[str, Any] = field(default_factory=dict)
    """The whole front matter as loaded (``secured`` included), for ``reader show --json``."""

    @property
    def id(self) -> str:
        return self.summary.id
