"""The search language shared by the window's search field and ``reader list --search``.

A query is parsed once into a tree and compiled into one Python list comprehension over
per-article records of pre-folded text (:class:`Folded`), so that judging 100,000 articles
is a single pass without a function call per term per row.  The records are cached by
article id and rebuilt only when the summary object changes, so a keystroke never folds
text again.

Body text is not held in memory: a query names the folded needles that need it
(:attr:`Query.body_terms`); the caller asks the index once per needle for the ids whose
body contains it and passes those sets to :meth:`Query.verdicts`.

Grammar (``OR`` binds tighter than the implicit AND, as in Gmail and GitHub)::

    query   := and?                       empty matches everything
    and     := or+                        juxtaposition
    or      := unary ("OR" unary)*
    unary   := "-" unary | "NOT" unary | "(" and ")" | term
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .article import ArticleSummary
from .dates import local_day

# -- folding -----------------------------------------------------------------------------

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
"""The combining-mark blocks that accents decompose into (Latin, Greek, Cyrillic)."""


def fold(text: str) -> str:
    """``text`` for case- and accent-insensitive matching: ``"Café"`` becomes ``"cafe"``.

    NFKD splits accented letters into letter + combining mark, the marks are dropped, and
    casefolding does the rest (``ß`` becomes ``ss``).  The same function folds article
    metadata, stored bodies and query needles, so a needle always meets text folded alike.
    ASCII text (most of it) skips the Unicode work.
    """
    if text.isascii():
        return text if text.islower() else text.lower()  # no copy of what is folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


# -- errors ------------------------------------------------------------------------------


class QueryError(ValueError):
    """A malformed query: where (1-based column) and what was expected there."""

    def __init__(self, column: int, expected: str) -> None:
        self.column = column
        self.expected = expected
        super().__init__(f"column {column}: expected {expected}")

    @property
    def message(self) -> str:
        return str(self)


# -- the tree ----------------------------------------------------------------------------

TEXT_FIELDS = ("title", "excerpt", "body", "source", "url", "id")
VALUE_FIELDS = ("topic", "category", "type")
NUMBER_FIELDS = ("quality", "heat")
FIELDS = (*TEXT_FIELDS, *VALUE_FIELDS, *NUMBER_FIELDS, "date", "is", "has")
"""Every field name, in the order the completer offers them."""
IS_VALUES = ("published", "unpublished", "problem")
HAS_VALUES = ("images", "related", "body")
DATE_WORDS = ("today", "yesterday", "7d", "30d")


@dataclass(frozen=True, slots=True)
class Term:
    """One leaf: a bare word or phrase (``field`` None) or ``field:value``."""

    field: str | None
    value: Any
    column: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Node, ...]


Node = Term | Not | And | Or


# -- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "(", ")", "OR", "NOT", "-", "term", "end"
    column: int
    field: str | None = None
    value: str = ""
    value_column: int = 0
    quoted: bool = False


_WORD_END = frozenset(' \t\n\r()"')


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        column = position + 1
        if char.isspace():
            position += 1
        elif char in "()":
            tokens.append(_Token(char, column))
            position += 1
        elif char == "-":
            following = text[position + 1 : position + 2]
            if not following or following.isspace() or following == ")":
                raise QueryError(column + 1, "a term after '-'")
            tokens.append(_Token("-", column))
            position += 1
        elif char == '"':
            value, position = _phrase(text, position)
            tokens.append(_Token("term", column, None, value, column, quoted=True))
        else:
            end = position
            while end < length and text[end] not in _WORD_END:
                end += 1
            word = text[position:end]
            position = end
            if word in ("OR", "NOT"):
                tokens.append(_Token(word, column))
                continue
            name, colon, value = word.partition(":")
            if not colon or value.startswith("//"):  # a pasted URL is text, not a field
                tokens.append(_Token("term", column, None, word, column))
                continue
            field_name = name.lower()
            if field_name not in FIELDS:
                raise QueryError(
                    column,
                    f"a field name before ':' ({', '.join(FIELDS)}), not {name!r}; "
                    "put the word in quotes to search for it as text",
                )
            value_column = column + len(name) + 1
            quoted = False
            if not value and position < length and text[position] == '"':
                value, position = _phrase(text, position)
                quoted = True
            elif not value:
                raise QueryError(value_column, f"a value after '{name}:'")
            tokens.append(_Token("term", column, field_name, value, value_column, quoted))
    tokens.append(_Token("end", length + 1))
    return tokens


def _phrase(text: str, start: int) -> tuple[str, int]:
    """The quoted text starting at ``start`` (a ``"``) and the position after it."""
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError(len(text) + 1, f"a closing '\"' for the quote at column {start + 1}")
    return text[start + 1 : end], end + 1


# -- parsing -----------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, today: date) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.today = today

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | None:
        if self.peek().kind == "end":
            return None
        node = self.conjunction()
        token = self.peek()
        if token.kind == ")":
            raise QueryError(token.column, "a term or the end of the query, not an unmatched ')'")
        return node

    def conjunction(self) -> Node:
        operands = [self.disjunction()]
        while self.peek().kind not in ("end", ")"):
            operands.append(self.disjunction())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def disjunction(self) -> Node:
        operands = [self.unary()]
        while self.peek().kind == "OR":
            self.take()
            operands.append(self.unary("OR"))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def unary(self, after: str | None = None) -> Node:
        token = self.take()
        if token.kind in ("-", "NOT"):
            return Not(self.unary(token.kind if token.kind == "NOT" else "'-'"))
        if token.kind == "(":
            if self.peek().kind == ")":
                raise QueryError(self.peek().column, "a term inside '(' ')'")
            node = self.conjunction()
            closing = self.take()
            if closing.kind != ")":
                raise QueryError(closing.column, f"')' to close the '(' at column {token.column}")
            return node
        if token.kind == "term":
            return self.term(token)
        where = f"a term after {after}" if after else "a term"
        if token.kind == "end":
            raise QueryError(token.column, where)
        shown = {"OR": "OR", ")": "')'"}.get(token.kind, token.kind)
        if token.kind == "OR" and after is None:
            raise QueryError(token.column, f"a term before {shown}")
        raise QueryError(token.column, f"{where}, not {shown}")

    def term(self, token: _Token) -> Term:
        name, value, column = token.field, token.value, token.value_column
        if name is None or name in TEXT_FIELDS:
            needle = " ".join(fold(value).split())
            if not needle:
                raise QueryError(column, "text inside the quotes")
            return Term(name, needle, token.column)
        if name in VALUE_FIELDS:
            return Term(name, " ".join(fold(value).split()), token.column)
        lowered = value.lower()
        if name == "is":
            if lowered not in IS_VALUES:
                raise QueryError(column, "published, unpublished or problem after 'is:'")
            return Term(name, lowered, token.column)
        if name == "has":
            if lowered not in HAS_VALUES:
                raise QueryError(column, "images, related or body after 'has:'")
            return Term(name, lowered, token.column)
        if name in NUMBER_FIELDS:
            return Term(name, _number_range(value, column), token.column)
        return Term(name, _date_range(lowered, column, self.today), token.column)


def parse(text: str, *, today: date | None = None) -> Query:
    """``text`` as a :class:`Query`; raises :class:`QueryError` naming column and expectation.

    ``today`` (the local date) resolves ``date:today``, ``yesterday`` and ``7d``.
    """
    today = today or date.today()
    return Query(text, _Parser(text, today).parse())


# -- values ------------------------------------------------------------------------------

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_NUMBER_RE = re.compile(_NUMBER)
_NUMBER_EXPECTED = "a number, a comparison like >40 or a range like 40..60"


def _number_range(text: str, column: int) -> tuple[float, float, bool, bool]:
    """``(low, high, low_open, high_open)``; infinities for the unbounded side."""
    inf = float("inf")
    for operator in (">=", "<=", ">", "<"):
        if text.startswith(operator):
            value = _number(text[len(operator) :], column + len(operator))
            if operator == ">=":
                return value, inf, False, False
            if operator == "<=":
                return -inf, value, False, False
            if operator == ">":
                return value, inf, True, False
            return -inf, value, False, True
    if ".." in text:
        low, _, high = text.partition("..")
        low_value = _number(low, column)
        high_value = _number(high, column + len(low) + 2)
        if low_value > high_value:
            raise QueryError(column, "a range whose first number is not above the second")
        return low_value, high_value, False, False
    value = _number(text, column)
    return value, value, False, False


def _number(text: str, column: int) -> float:
    if not _NUMBER_RE.fullmatch(text):
        raise QueryError(column, _NUMBER_EXPECTED)
    return float(text)


_DATE_EXPECTED = "a date like 2023-07-26, 2023-07, 2023, today, yesterday or 7d"
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DAYS_RE = re.compile(r"([1-9]\d{0,4})d")


def _date_range(text: str, column: int, today: date) -> tuple[int, int]:
    """Inclusive ``(first, last)`` day ordinals (``date.toordinal``) a date value covers."""
    for operator in (">=", "<=", ">", "<"):
        if text.startswith(operator):
            first, last = _days(text[len(operator) :], column + len(operator), today)
            if operator == ">=":
                return first, date.max.toordinal()
            if operator == "<=":
                return 1, last
            if operator == ">":
                return last + 1, date.max.toordinal()
            return 1, first - 1
    if ".." in text:
        low, _, high = text.partition("..")
        first, _ = _days(low, column, today)
        _, last = _days(high, column + len(low) + 2, today)
        if first > last:
            raise QueryError(column, "a range whose first date is not after the second")
        return first, last
    return _days(text, column, today)


def _days(text: str, column: int, today: date) -> tuple[int, int]:
    if text == "today":
        return today.toordinal(), today.toordinal()
    if text == "yesterday":
        return today.toordinal() - 1, today.toordinal() - 1
    match = _DAYS_RE.fullmatch(text)
    if match:
        return today.toordinal() - int(match.group(1)) + 1, today.toordinal()
    match = _DATE_RE.fullmatch(text)
    if not match:
        raise QueryError(column, _DATE_EXPECTED)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()  # type: ignore[arg-type]
        if day is None:
            first = date(year, month, 1)  # type: ignore[arg-type]
            following = date(year + (month == 12), month % 12 + 1, 1)  # type: ignore[operator]
            return first.toordinal(), following.toordinal() - 1
        value = date(year, month, day)  # type: ignore[arg-type]
    except ValueError:
        raise QueryError(column, _DATE_EXPECTED) from None
    return value.toordinal(), value.toordinal()


def day_term(first: date, last: date) -> str:
    """The ``date:`` term for a span of days (the timeline writes these)."""
    if first == last:
        return f"date:{first.isoformat()}"
    return f"date:{first.isoformat()}..{last.isoformat()}"


# -- per-article records -----------------------------------------------------------------


_FIELD_END = "\x1f"
"""Between the fields of :attr:`Folded.text` (the ASCII unit separator)."""


class Folded:
    """One article as the compiled query reads it: folded text and plain values."""

    __slots__ = (
        "aid", "body", "category", "day", "excerpt_end", "heat", "id", "images", "ok",
        "published", "quality", "related", "source_end", "state", "text", "title_end",
        "topics", "type", "url",
    )

    def __init__(self, summary: ArticleSummary) -> None:
        self.aid = summary.id
        self.id = fold(summary.id)
        self.ok = not summary.is_error
        self.state = 0 if not self.ok else (2 if summary.published else 1)
        self.published = summary.published
        topics = [fold(topic) for topic in summary.topics]
        # Few, and the same few across the folder: one copy of each (and of the category
        # and type below) for every article, not one per article.
        self.topics = tuple([_shared(" ".join(topic.split())) for topic in topics])
        # Title, excerpt, source and topics in one string, fields apart by a separator no
        # needle holds: a bare word is one search of one string (four searches cost a
        # keystroke 95 ms at 100,000 articles), and a field is a slice of it.
        parts = [
            fold(summary.title),
            fold(summary.excerpt),
            fold(f"{summary.source}\n{summary.source_domain}"),
            "\n".join(topics),
        ]
        text = _FIELD_END.join(parts)
        if text.count(_FIELD_END) != 3:
            parts = [part.replace(_FIELD_END, " ") for part in parts]
            text = _FIELD_END.join(parts)
        self.text = text
        self.title_end = len(parts[0])
        self.excerpt_end = self.title_end + 1 + len(parts[1])
        self.source_end = self.excerpt_end + 1 + len(parts[2])
        # The four addresses apart, not joined: each folds to itself when it is lower case
        # already (nearly every URL), so the record holds the summary's own strings, where
        # one joined copy was 0.44 of the record's 1.2 KB.
        self.url = (
            fold(summary.url), fold(summary.web_url), fold(summary.amp_url),
            fold(summary.cdn_amp_url),
        )
        self.category = _shared(" ".join(fold(summary.category).split()))
        self.type = _shared(" ".join(fold(summary.type).split()))
        self.quality = summary.quality
        self.heat = summary.heat
        when = summary.published_at
        self.day = None if when is None else local_day(when).toordinal()
        self.images = summary.has_images
        self.related = summary.has_related
        self.body = summary.has_body


def _shared(text: str) -> str:
    """One copy of a short value many records hold (a topic, a category, a type)."""
    return sys.intern(text) if len(text) <= _SHARED_LENGTH else text


_SHARED_LENGTH = 80
"""Longer values are rare and mostly unique: not worth a place in the interned strings."""


class FoldedCache:
    """Folded records by article id, rebuilt only for a summary object not seen before.

    A changed file arrives as a new summary object, so an identity check is enough to know
    a record is current; records of articles no longer asked about are dropped when the
    cache grows past twice the whole list it serves (``prune``: only a caller that passes
    the whole list may ask for that, or a judgement of a few rows would empty it).
    """

    def __init__(self) -> None:
        self._records: dict[str, tuple[ArticleSummary, Folded]] = {}

    def records(
        self, summaries: Sequence[ArticleSummary], *, prune: bool = False
    ) -> list[Folded]:
        """The records of ``summaries``; ``prune`` (only for a caller passing every
        article it serves) drops the records of articles no longer among them."""
        cache = self._records
        get = cache.get
        out: list[Folded] = []
        append = out.append
        for summary in summaries:
            entry = get(summary.id)
            if entry is None or entry[0] is not summary:
                entry = (summary, Folded(summary))
                cache[summary.id] = entry
            append(entry[1])
        if prune and len(cache) > 2 * len(summaries) + 1000:
            self._records = {record.aid: cache[record.aid] for record in out}
        return out

    def record(self, summary: ArticleSummary) -> Folded:
        return self.records((summary,))[0]


DEFAULT_CACHE = FoldedCache()


# -- compiling ---------------------------------------------------------------------------

BodyMatches = Mapping[str, "set[str] | frozenset[str]"]
"""Folded needle -> ids whose stored (folded) body contains it."""


@dataclass(frozen=True)
class Query:
    """A parsed query: what it needs from the index, and how to judge articles."""

    text: str
    root: Node | None
    _compiled: dict[tuple[int, ...], Callable[..., Any]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def is_empty(self) -> bool:
        return self.root is None

    @property
    def body_terms(self) -> tuple[str, ...]:
        """Folded needles to look up in the stored bodies, each once (bare words, body:)."""
        found: list[str] = []
        for term in _terms(self.root):
            if (term.field is None or term.field == "body") and term.value not in found:
                found.append(term.value)
        return tuple(found)

    def terms(self) -> list[Term]:
        return list(_terms(self.root))

    def verdicts(
        self,
        summaries: Sequence[ArticleSummary],
        body: BodyMatches | None = None,
        cache: FoldedCache = DEFAULT_CACHE,
        *,
        prune: bool = False,
    ) -> list[bool]:
        """Whether each summary matches, in one pass; ``body`` answers the body terms
        (a needle missing from it matches no body: metadata first, bodies when known).
        ``prune``: ``summaries`` is every article ``cache`` serves (see FoldedCache)."""
        if self.root is None:
            return [True] * len(summaries)
        return self._function(body)(cache.records(summaries, prune=prune))

    def judge(self, records: list[Folded], body: BodyMatches | None = None) -> list[bool]:
        """:meth:`verdicts` for records a caller already holds (from a FoldedCache it
        keeps current itself): a keystroke need not fold or look up 100,000 records again."""
        if self.root is None:
            return [True] * len(records)
        return self._function(body)(records)

    def matches(
        self, summary: ArticleSummary, body: BodyMatches | None = None,
        cache: FoldedCache = DEFAULT_CACHE,
    ) -> bool:
        """One article (a changed row): its record is kept among the others'."""
        if self.root is None:
            return True
        return self._function(body)([cache.record(summary)])[0]

    def filter(
        self, summaries: Sequence[ArticleSummary], body: BodyMatches | None = None,
        cache: FoldedCache = DEFAULT_CACHE,
    ) -> list[ArticleSummary]:
        verdicts = self.verdicts(summaries, body, cache)
        return [summary for summary, keep in zip(summaries, verdicts, strict=True) if keep]

    def _function(self, body: BodyMatches | None) -> Callable[[list[Folded]], list[bool]]:
        # The id sets are baked into the compiled function as constants: it is reused
        # only while every body term is answered by the very same set object (callers
        # replace an answer with a new set, never change one in place).
        key = tuple(id((body or {}).get(term)) for term in self.body_terms)
        function = self._compiled.get(key)
        if function is None:
            function = _compile(self.root, body or {})
            self._compiled.clear()  # one body mapping at a time: keep memory flat
            self._compiled[key] = function
        return function


EMPTY_QUERY = Query("", None)
"""Matches everything."""


def combine(*queries: Query) -> Query:
    """The queries ANDed (a saved search narrowed by typed text); empty ones drop out."""
    roots = [query.root for query in queries if query.root is not None]
    if not roots:
        return EMPTY_QUERY
    text = " ".join(f"({query.text})" for query in queries if query.root is not None)
    if len(roots) == 1:
        return Query(text, roots[0])
    return Query(text, And(tuple(roots)))


def _terms(node: Node | None) -> Iterable[Term]:
    if node is None:
        return
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not):
        yield from _terms(node.operand)
    else:
        for operand in node.operands:
            yield from _terms(operand)


_EMPTY: frozenset[str] = frozenset()


_FIELD_SLICES = {
    "title": ":r.title_end",
    "excerpt": "r.title_end + 1:r.excerpt_end",
    "source": "r.excerpt_end + 1:r.source_end",
}
"""Where each field lies in :attr:`Folded.text`."""


def _compile(root: Node | None, body: BodyMatches) -> Callable[[list[Folded]], list[bool]]:
    """One list comprehension for the whole tree: no Python call per term per row."""
    constants: dict[str, Any] = {}

    def constant(value: Any) -> str:
        name = f"c{len(constants)}"
        constants[name] = value
        return name

    def expression(node: Node) -> str:
        if isinstance(node, And):
            return "(" + " and ".join(expression(o) for o in node.operands) + ")"
        if isinstance(node, Or):
            return "(" + " or ".join(expression(o) for o in node.operands) + ")"
        if isinstance(node, Not):
            return f"(not {expression(node.operand)})"
        return leaf(node)

    def leaf(term: Term) -> str:
        name, value = term.field, term.value
        if name is None:
            ids = body.get(value, _EMPTY)
            needle = constant(value)
            text = f"{needle} in r.text"
            if ids:
                text = f"{text} or r.aid in {constant(ids)}"
            return f"(r.ok and ({text}))"
        if name == "body":
            return f"(r.ok and r.aid in {constant(body.get(value, _EMPTY))})"
        if name == "id":
            return f"({constant(value)} in r.id)"
        if name in _FIELD_SLICES:
            return f"(r.ok and {constant(value)} in r.text[{_FIELD_SLICES[name]}])"
        if name == "url":
            # One test per address (Folded.url holds four): inline, as a keystroke runs it
            # for every row.
            needle = constant(value)
            return "(r.ok and (" + " or ".join(
                f"{needle} in r.url[{slot}]" for slot in range(4)
            ) + "))"
        if name == "topic":
            return f"({constant(value)} in r.topics)"
        if name in ("category", "type"):
            return f"(r.ok and r.{name} == {constant(value)})"
        if name == "is":
            return {"published": "(r.state == 2)", "unpublished": "(r.state == 1)"}.get(
                value, "(not r.ok)"
            )
        if name == "has":
            return f"(r.ok and r.{value})"
        low, high, low_open, high_open = value if name != "date" else (*value, False, False)
        attribute = "day" if name == "date" else name
        lower = ">" if low_open else ">="
        upper = "<" if high_open else "<="
        return (
            f"(r.{attribute} is not None and r.{attribute} {lower} {constant(low)} "
            f"and r.{attribute} {upper} {constant(high)})"
        )

    if root is None:
        return lambda records: [True] * len(records)
    source = f"lambda records: [{expression(root)} for r in records]"
    # The source is built from the tree's shape only; every value is a named constant.
    return eval(source, {"__builtins__": {}, **constants})  # noqa: S307


# -- helpers for callers -----------------------------------------------------------------


def without_dates(text: str) -> str:
    """``text`` with its top-level ``date:`` words removed (the timeline's own query).

    A malformed query is returned unchanged; the caller reports the error elsewhere.
    """
    return " ".join(_DATE_WORD.sub(" ", text).split())


def replace_dates(text: str, term: str) -> str:
    """``text`` with its ``date:`` words replaced by ``term`` (put at the end)."""
    rest = without_dates(text)
    return f"{rest} {term}".strip()


_DATE_WORD = re.compile(r'(?:(?<=\s)|^)date:[^\s()"]+(?=\s|$)', re.IGNORECASE)
