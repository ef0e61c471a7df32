"""Stories: the same news event across outlets, grouped so an editor publishes it once.

Every article belongs to exactly one story; a story's id is the smallest article id in it,
so it changes only when the membership does.  Two kinds of evidence join articles:

* **hard links** - shared web addresses: one article's ``originalUrl``/``webUrl``/AMP
  addresses named in another's ``related`` list, the same canonical URL twice, or two
  articles listing the same related coverage (:func:`reader.domain.urls.canonical_url`
  normalises scheme, ``www.``, AMP paths and tracking parameters).  Hard-linked articles
  always share a story (union of the links, as the pipeline states them);
* **text** - titles (and, where present, the excerpt, the related titles and excerpts and the
  start of the body) compared as vectors of stemmed words weighted by how rare each word is
  in the folder (TF-IDF cosine), discounted by time (articles days apart need stronger
  evidence) and by category (the pipeline filed them apart).

A story is what a news aggregator calls one: an event with its follow-ups, analysis and
commentary across outlets ("Fed's Plosser: taper pace may be too slow" and "US jobs growth
hit by weather: Plosser" are one story).  Such titles often share a single name, so one
shared word can link two articles, and clusters grow by *average linkage* inside each
connected part of the similarity graph at a low mean similarity
(:data:`LINK_THRESHOLD`): a cluster takes in another when their articles are similar on
average, which lets a big story gather its many loosely worded pieces but stops the
chaining a single-link grouping suffers ("Netflix AI job" -> "Netflix strike" -> "Disney
strike" ...).  Two clusters must also have one strong pair between them
(:data:`STRONG_LINK`), so an article that merely names the same company stays out.  The
thresholds were tuned on 3,313 real headlines that a news aggregator grouped
(``python -m reader.bench.stories_eval``): B-cubed precision 0.89, recall 0.77.

Rarity is a word's document frequency rounded down to a power of two, measured against a
fixed constant rather than the folder's size.  That keeps grouping *incremental and exact*:
adding a file changes the weight of a word only when its count crosses a power of two, and
then only the articles holding that word are re-compared; every other edge of the graph
stays valid, and re-clustering the graph parts that an edge touched gives exactly what a
cold run over the final folder gives (the tests hold the two equal).

Candidate pairs come from an inverted index on each title's rarest words (its "keys"): two
articles are compared when a key of one appears in the other's title, so the work grows with
the folder, not with its square.  Clustering follows nearest-neighbour chains (each
cluster's best neighbour, merged when two are each other's best) instead of keeping a heap
of every pair, whose stale entries were half the cost of grouping.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice, repeat
from types import MappingProxyType
from typing import Any

from reader.domain.article import ArticleDetail, ArticleSummary
from reader.domain.collector import cyclic_gc_paused
from reader.domain.urls import canonical_url

# -- tuning (measured with reader.bench.stories_eval on the real headlines) --------------------

LINK_THRESHOLD = 0.05
"""Average similarity two clusters need to merge (after the time discount)."""
EDGE_THRESHOLD = 0.05
"""Smallest pair similarity kept in the graph; below it a pair never contributes."""
MIN_EVIDENCE = 3.0
"""Least summed weight of the title words two articles share (a word in one article of a
big folder weighs ~9.7, in 64 ~5.5, in 512 ~3.5): two rare words pass, two common ones do not."""
CONTEXT_WEIGHT = 0.5
"""How much a word of the excerpt, related titles or body counts against a title word."""
KEYS_PER_TITLE = 5
"""How many of a title's rarest words find its candidates."""
RARITY_BASE = 2.0**14
"""Weights are ``log(RARITY_BASE / df)``: fixed, so a new file moves only words it holds."""
WEIGHT_POWER = 1.0
"""1.5 and 2 (rare words counting superlinearly) measured no better on the labelled sets."""
MAX_DF = 4096
"""Words in more articles than this carry no weight."""
KEY_MAX_DF = 255
"""Words in more articles than this find no candidates: two articles that share only such
common words are compared only if a rarer word brings them together.  One less than a power
of two, so a word crosses it only when its rounded frequency moves (and its holders are
re-linked)."""
STRONG_LINK = 0.25
"""Two clusters merge only when some pair across them is at least this similar: a low
average threshold groups an event's follow-ups and commentary, and this keeps it from
taking in an article that only names the same company or person."""
OTHER_CATEGORY_FACTOR = 0.5
"""The discount for two articles the pipeline filed under different categories."""
TIME_GRACE_DAYS = 1.5
"""Articles this close in time are compared without a discount."""
UNDATED_FACTOR = 0.6
"""The discount when either article has no date: it could be from any day, so it needs
the evidence of articles a couple of days apart."""
MAX_APART_DAYS = 7.0
"""Articles further apart than this are never compared: one event's coverage and
follow-ups come within days, and a folder of months compares each article with a week's."""
TIME_HALF_DAYS = 1.5
"""Each further this-many days halves a pair's similarity (as 1 / (1 + extra / half))."""
CONTEXT_TOKENS = 24
"""Words of context kept per article: the first of the excerpt, related titles, body."""
CONTEXT_CHARS = 800
"""Context text kept per article: enough for :data:`CONTEXT_TOKENS` new words (about 300
characters of news prose) with room to spare; the rest was tokenised for nothing."""
BODY_CHARS = 600
"""How much of the body joins the context."""

_DIGIT_GROUPS = re.compile(r"(\d)[,.](?=\d{3}\b)")
"""A thousands separator, kept out of numbers by substituting its digit (``\\1``) alone."""
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# fmt: off
_STOPWORD_TEXT = """
a about above after again against all also am amid an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours via vs says say said new news report reports amid
latest update updates live watch video photos top first
"""
# fmt: on
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_STEM_CACHE: dict[str, str] = {}
_ZEROS = repeat(0.0)


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What grouping reads of one article, small enough to keep for 100,000 of them.

    ``urls`` are the canonical keys of the article's own addresses, ``related_urls`` those of
    its ``related`` entries; ``context`` is the excerpt, related titles and excerpts and the
    start of the body (empty when the judge - or a metadata-only file - has only a title).
    ``time`` is POSIX seconds, or None when the file has no usable date.

    ``title_words`` and ``context_words`` are what grouping compares: the title's distinct
    stems and the first :data:`CONTEXT_TOKENS` context stems the title lacks, each sorted.
    They are made here, when the features are made - in the parser's worker processes on a
    cold run - so the grouper, which runs serially in one process, only indexes and links:
    tokenising was 30% of grouping 10,000 files.
    """

    id: str
    title: str
    outlet: str = ""
    time: float | None = None
    urls: tuple[str, ...] = ()
    related_urls: tuple[str, ...] = ()
    context: str = ""
    category: str = ""
    title_words: tuple[str, ...] = field(init=False, repr=False, compare=False)
    context_words: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        title_words = frozenset(tokens(self.title))
        context_words = _first_new_tokens(self.context, title_words, CONTEXT_TOKENS)
        # Sorted: the grouper sums weights in this order, the same in every process.
        object.__setattr__(self, "title_words", tuple(sorted(title_words)))
        object.__setattr__(self, "context_words", tuple(sorted(context_words)))

    def to_json(self) -> list[Any]:
        """A compact list for the index (the id is the row key).

        The context is stored as its words, not its text: grouping reads nothing else, and
        the text was most of each row (800 characters against ~24 short stems).  Changing
        this list, or how words are made (:func:`tokens`, :data:`CONTEXT_TOKENS`), needs
        the index's ``SCHEMA_VERSION`` bumped so stored rows are read again from the files.
        """
        return [self.title, self.outlet, self.time, list(self.urls), list(self.related_urls),
                list(self.title_words), list(self.context_words), self.category]

    @classmethod
    def from_json(cls, article_id: str, data: Sequence[Any]) -> StoryFeatures:
        """Features as :meth:`to_json` stored them; ``context`` comes back empty (only its
        words were kept)."""
        title, outlet, time, urls, related_urls, title_words, context_words, category = data
        # Not through __init__: the words were made from the text when these were stored.
        features = object.__new__(cls)
        for name, value in (
            ("id", article_id), ("title", title), ("outlet", outlet), ("time", time),
            ("urls", tuple(urls)), ("related_urls", tuple(related_urls)), ("context", ""),
            ("category", category),
            ("title_words", tuple(title_words)), ("context_words", tuple(context_words)),
        ):
            object.__setattr__(features, name, value)
        return features


def features_from(
    article_id: str,
    *,
    title: str,
    outlet: str = "",
    published_at: datetime | None = None,
    urls: Iterable[str] = (),
    related: Iterable[tuple[str, str, str]] = (),
    excerpt: str = "",
    body: str = "",
    category: str = "",
) -> StoryFeatures:
    """Build features from what a parse pass has; ``related`` holds (url, title, excerpt)."""
    related = list(related)
    own = sorted({key for url in urls if url and (key := canonical_url(url))})
    linked = sorted({key for url, _t, _e in related if url and (key := canonical_url(url))})
    parts = [excerpt] + [f"{t} {e}" for _u, t, e in related] + [body[:BODY_CHARS]]
    context = _joined_words(parts, CONTEXT_CHARS)
    time = published_at.timestamp() if published_at is not None else None
    return StoryFeatures(article_id, title.strip(), outlet, time, tuple(own), tuple(linked),
                         context[:CONTEXT_CHARS], category.strip().casefold())


def _joined_words(parts: list[str], limit: int) -> str:
    """The words of ``parts`` joined by single spaces, as far as the first ``limit``
    characters need: the rest of a long related list is never split."""
    kept: list[str] = []
    length = -1
    for part in parts:
        if length >= limit:
            break
        words = " ".join(part.split())
        if words:
            kept.append(words)
            length += len(words) + 1
    return " ".join(kept)


def features_of(detail: ArticleDetail) -> StoryFeatures:
    """Every signal of one fully parsed article (what the index stores per file)."""
    related = [(r.url, r.title, r.excerpt) for r in detail.related]
    return _summary_features(detail.summary, related, detail.body)


def _summary_features(
    summary: ArticleSummary, related: Iterable[tuple[str, str, str]], body: str
) -> StoryFeatures:
    return features_from(
        summary.id,
        title=summary.title,
        outlet=summary.source or summary.source_domain,
        published_at=summary.published_at,
        urls=(summary.url, summary.web_url, summary.amp_url, summary.cdn_amp_url),
        related=related,
        excerpt=summary.excerpt,
        body=body,
        category=summary.category,
    )


_RELATED_BLOCK = re.compile(r"^related:[ \t]*\n((?:[ \t]+.*(?:\n|$)|[ \t]*\n)*)", re.MULTILINE)
_RELATED_LINE = re.compile(r"^([ \t]*)(- +)?(title|excerpt|webUrl|originalUrl):[ \t]*(.*)$")
_RELATED_LINES = re.compile(_RELATED_LINE.pattern, re.MULTILINE)
_ODD_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` splits at besides ``\\n`` (``\\r`` is gone by then)."""
_ODD_ASCII_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def _has_odd_line_breaks(text: str) -> bool:
    """Whether ``text`` holds one of :data:`_ODD_LINE_BREAKS`: in ASCII text (nearly every
    related list) only five characters can be one, each found by a plain scan (1.9 µs
    for a 1,650-character list against 6.8 µs for the character-class search)."""
    if text.isascii():
        return any(mark in text for mark in _ODD_ASCII_LINE_BREAKS)
    return _ODD_LINE_BREAKS.search(text) is not None


def _related_block(yaml_text: str) -> re.Match[str] | None:
    """:data:`_RELATED_BLOCK`'s first match, tried only where ``related:`` starts a line
    (a search tries the pattern at every line of the front matter)."""
    start = yaml_text.find("related:")
    while start >= 0:
        if start == 0 or yaml_text[start - 1] == "\n":
            block = _RELATED_BLOCK.match(yaml_text, start)
            if block is not None:
                return block
        start = yaml_text.find("related:", start + 1)
    return None


def features_from_bytes(article_id: str, data: bytes) -> StoryFeatures:
    """Every signal of one file's bytes, at about the cost of reading its summary."""
    from reader.domain.frontmatter import split_front_matter
    from reader.domain.parse import decode, parse_summary

    summary, body = parse_summary(article_id, data)
    yaml_text = None
    if summary.has_front_matter and not summary.is_error and b"related:" in data:
        yaml_text = split_front_matter(decode(data)).yaml_text
    return features_from_summary(summary, body, yaml_text)


def features_from_summary(
    summary: ArticleSummary, body: str, yaml_text: str | None
) -> StoryFeatures:
    """Features from a parsed summary, its body and (for the related list) its front matter."""
    return _summary_features(summary, related_entries(yaml_text) if yaml_text else (), body)


def related_entries(yaml_text: str) -> list[tuple[str, str, str]]:
    """(url, title, excerpt) of each ``related`` entry, read by a line scan, not a YAML load.

    Grouping needs only these three strings of each entry, and a full load of the list
    (nested providers and images) tripled the cost of reading a file for stories.  The scan
    reads the plain, one-line scalars the pipeline writes; a value it cannot read exactly
    (a folded multi-line string, an escape) is kept close to its text, which is all word
    matching needs.  Nothing here decides what is shown or written.
    """
    if "\r" in yaml_text:
        yaml_text = yaml_text.replace("\r\n", "\n").replace("\r", "\n")
    block = _related_block(yaml_text)
    if block is None:
        return []
    text = block.group(1)
    if not _has_odd_line_breaks(text):
        # Only the lines that name a wanted key, found by one scan in C: the rest of the
        # block (providers, images) was most of the lines and of the cost.
        lines = _RELATED_LINES.findall(text)
    else:  # line breaks other than \n: read line by line, as splitlines() splits them
        lines = [m.groups() for line in text.splitlines() if (m := _RELATED_LINE.match(line))]
    entries: list[dict[str, str]] = []
    entry_indent: int | None = None
    for indent, dash, key, value in lines:
        if dash:
            if entry_indent is None:
                entry_indent = len(indent) + len(dash)
            if len(indent) + len(dash) == entry_indent:
                entries.append({})
            else:
                continue
        elif entry_indent is None or len(indent) != entry_indent or not entries:
            continue
        entries[-1].setdefault(key, _scalar_text(value))
    return [
        (e.get("webUrl") or e.get("originalUrl") or "", e.get("title", ""), e.get("excerpt", ""))
        for e in entries
    ]


def _scalar_text(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        if "\\" not in value:  # nothing to unescape: what json.loads gives (or refuses)
            return value[1:-1]
        try:
            loaded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return loaded if isinstance(loaded, str) else value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value[:1] in ("|", ">"):
        return ""
    return value.partition(" #")[0]


def tokens(text: str) -> list[str]:
    """Stemmed content words of ``text``, in order, duplicates kept."""
    words = _WORD.findall(_DIGIT_GROUPS.sub(r"\1", text.lower()))
    out = []
    for word in words:
        stem = _STEM_CACHE.get(word)
        if stem is None:
            stem = _stem(word)
            if len(_STEM_CACHE) < 500_000:
                _STEM_CACHE[word] = stem
        if stem:
            out.append(stem)
    return out


def _first_new_tokens(text: str, known: frozenset[str], limit: int) -> list[str]:
    """The first ``limit`` distinct stems of ``text`` not in ``known``; stops reading there.

    The text is lower-cased and cleaned a slice at a time: the words needed end ~230
    characters into the 800 kept, and preparing all of it was a third of the cost.  Slices
    end at a space, which no word, digit group or final-sigma context crosses, so the
    words are exactly those of the whole text.
    """
    found: list[str] = []
    seen = set(known)
    cache = _STEM_CACHE
    start, size = 0, len(text)
    while start < size:
        end = text.find(" ", start + _TOKEN_SLICE)
        if end < 0:
            end = size
        piece = _DIGIT_GROUPS.sub(r"\1", text[start:end].lower())
        start = end
        for word in _WORD.findall(piece):
            stem = cache.get(word)
            if stem is None:
                stem = _stem(word)
                if len(cache) < 500_000:
                    cache[word] = stem
            if stem and stem not in seen:
                seen.add(stem)
                found.append(stem)
                if len(found) >= limit:
                    return found
    return found


_TOKEN_SLICE = 256
"""Characters of context :func:`_first_new_tokens` prepares at a time."""


def _stem(word: str) -> str:
    """A light English suffix stripper: plurals, possessives, -ing/-ed, a final e."""
    for mark in ("'", "’"):
        head, _sep, tail = word.partition(mark)
        if tail in ("s", "t", "re", "ll", "ve", "d", "m"):
            word = head
        elif tail:
            word = head + tail
    if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return ""
    if word.isdigit():
        return word
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _weight(df: int) -> float:
    """A word's weight from its rounded document frequency (a power of two)."""
    if df <= 0 or df > MAX_DF:
        return 0.0
    rounded = 1 << (df.bit_length() - 1)
    return math.log(RARITY_BASE / rounded) ** WEIGHT_POWER


def _bucket(df: int) -> int:
    return -1 if df > MAX_DF else df.bit_length()


def time_factor(a: float | None, b: float | None) -> float:
    """1 for articles close in time, falling as they get further apart."""
    if a is None or b is None:
        return UNDATED_FACTOR
    apart = abs(a - b) / 86400.0
    if apart > MAX_APART_DAYS:
        return 0.0
    extra = apart - TIME_GRACE_DAYS
    return 1.0 if extra <= 0 else 1.0 / (1.0 + extra / TIME_HALF_DAYS)


def _slot(time: float | None) -> int | None:
    """The stretch of :data:`MAX_APART_DAYS` an article falls in (None: undated): articles
    close enough in time to link are in the same or neighbouring slots."""
    return None if time is None else math.floor(time / (MAX_APART_DAYS * 86400.0))


def _unpost(index: dict[str, dict[int | None, list[str]]], token: str, slot: int | None,
            article_id: str) -> None:
    by_slot = index.get(token)
    if by_slot is not None:
        _unlist(by_slot, slot, article_id)
        if not by_slot:
            del index[token]


@dataclass(slots=True)
class _Entry:
    features: StoryFeatures
    title: tuple[str, ...]
    """The features' title words (distinct, sorted): the same tuple, no copy."""
    context: tuple[str, ...]
    """The features' context words, none of them a title word.

    Both are tuples, not sets: a frozenset of a title's words and one of all its words
    were 250 of the ~750 MB the grouping process held at 100,000 articles.  The pair loop
    makes sets of the one article it compares (:meth:`StoryGrouper._similarities`)."""
    time: float | None
    category: str
    """The features' time and category, one attribute away: the pair loop reads them."""
    slot: int | None
    """The time slot (:func:`_slot`) the article is posted under."""
    keys: tuple[str, ...] = ()
    title_norm: float = 0.0
    full_norm: float = 0.0


def _reads_as(entry: _Entry, features: StoryFeatures) -> bool:
    """Whether grouping would read ``features`` exactly as it read ``entry``'s.

    Grouping reads an article's words, never its title or context text: features read
    back from the index carry their context as words only, and the window's grouping
    process keeps no titles (:func:`reader.index.loader._interned_features`)."""
    known = entry.features
    return (
        known.title_words == features.title_words
        and known.context_words == features.context_words
        and known.id == features.id
        and known.time == features.time
        and known.urls == features.urls
        and known.related_urls == features.related_urls
        and known.category == features.category
        and known.outlet == features.outlet
    )


class StoryGrouper:
    """The folder's stories, kept up to date one file at a time.

    :meth:`update` takes new or changed articles and removed ids and returns the articles
    whose story changed; :meth:`story_of` and :meth:`members` answer from memory.  The
    result depends only on the final set of articles, never on the order of updates.
    """

    def __init__(self, *, one_shot: bool = False) -> None:
        """``one_shot``: grouped once and read (``reader list``), so the index that later
        updates need is not made unless one comes."""
        self._entries: dict[str, _Entry] = {}
        self._df: dict[str, int] = defaultdict(int)
        self._any_postings: dict[str, list[str]] | None = None if one_shot else defaultdict(list)
        """Word -> articles holding it anywhere, for updates after the first.  A one-shot
        grouper makes it only if an update comes (:meth:`_holders`): indexing every context
        word of 10,000 articles was a third of grouping them.

        The word postings are lists, not sets: an article holds each of its words once, so
        a list never repeats an id, and the grouping process's postings at 100,000 articles
        went from ~190 to ~50 MB (a set keeps a hash and a slot to spare for every id).
        Removal scans the list, which only updates do, a few words at a time."""
        self._title_postings: dict[str, dict[int | None, list[str]]] = defaultdict(dict)
        """Title word -> time slot (:func:`_slot`) -> articles with that word in its title."""
        self._key_postings: dict[str, dict[int | None, list[str]]] = defaultdict(dict)
        """Key word -> time slot -> articles that have it among their keys."""
        self._url_owners: dict[str, str | set[str]] = {}
        """Canonical URL -> the article (or set of articles) whose own address it is.

        One id alone is kept as itself: nearly every URL belongs to one article and is cited
        by one, and a set for each was ~70 of the ~86 MB these two held at 100,000."""
        self._url_citers: dict[str, str | set[str]] = {}
        """Canonical URL -> the article (or set of articles) listing it as related coverage."""
        self._hard: dict[str, set[str]] | None = {}
        """Until the first update ends: each indexed article's hard links (a URL in
        common), found as it is indexed - they need no weights, so :meth:`prepare` finds
        them while ``reader list`` waits for its parsers."""
        self._w1: dict[str, float] = {}
        """Each word's weight (its square in ``_w2``), kept in step with its rounded
        document frequency."""
        self._w2: dict[str, float] = {}
        """Each word's squared weight, kept in step with its rounded document frequency."""
        self._edges: dict[str, dict[str, float]] = {}
        self._story: dict[str, str] = {}
        self._members: dict[str, tuple[str, ...]] = {}
        self._grouped = False
        """Whether an update has run: until then articles are only indexed (:meth:`prepare`)
        and the first update links and clusters every one of them, as a cold start."""

    # -- queries ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def story_of(self, article_id: str) -> str:
        """The story id of an article (its own id when it is not known)."""
        return self._story.get(article_id, article_id)

    def members(self, story_id: str) -> tuple[str, ...]:
        """The articles of a story, sorted; empty for an unknown story."""
        return self._members.get(story_id, ())

    def assignments(self) -> dict[str, str]:
        """Every article id → its story id."""
        return dict(self._story)

    def assignments_view(self) -> Mapping[str, str]:
        """:meth:`assignments` without the copy (read-only, current until the next update):
        the window's grouping process hands 100,000 of them on after each change."""
        return MappingProxyType(self._story)

    def stories(self) -> dict[str, tuple[str, ...]]:
        """Every story id → its sorted members."""
        return dict(self._members)

    def features(self, article_id: str) -> StoryFeatures | None:
        entry = self._entries.get(article_id)
        return entry.features if entry else None

    def neighbours(self, article_id: str) -> dict[str, float]:
        """The similarities kept for an article (hard links show as 1.0+), for explaining."""
        return dict(self._edges.get(article_id, {}))

    # -- changes ---------------------------------------------------------------------------

    def prepare(self, features: Iterable[StoryFeatures]) -> None:
        """Index articles ahead of the first :meth:`update`, which then groups them with
        its own: the same stories as giving it all of them.

        ``reader list`` hands each batch over as the parsers send it, while its main
        process would otherwise wait for them: indexing is a third of grouping cold, and
        linking and clustering need every article's words counted first.
        """
        if self._grouped:
            raise ValueError("prepare() comes before the first update()")
        with cyclic_gc_paused():
            for features_ in features:
                if features_.id in self._entries:  # the same id again: the later counts
                    self._drop(features_.id, {})
                self._add(features_, None)

    def update(
        self, changed: Iterable[StoryFeatures] = (), removed: Iterable[str] = ()
    ) -> dict[str, str | None]:
        """Apply new/changed articles and removals; return id → new story (None: removed).

        Only articles whose story id changed are returned.
        """
        with cyclic_gc_paused():
            return self._update(changed, removed)

    def _update(
        self, changed: Iterable[StoryFeatures], removed: Iterable[str]
    ) -> dict[str, str | None]:
        changed = {f.id: f for f in changed}
        gone = {i for i in removed if i in self._entries and i not in changed}
        # A file written again with nothing grouping reads changed (a publish, a touch)
        # moves nothing: dropping and re-adding it re-clustered its whole strongly linked
        # part, 3,082 of the 3,313 real headlines (0.5 s) for a publish.
        entries = self._entries
        changed = {
            i: f for i, f in changed.items() if i not in entries or not _reads_as(entries[i], f)
        }
        cold = not self._grouped or not entries
        if not changed and not gone and not (cold and entries):
            return {}
        self._grouped = True
        before: dict[str, int] = {}
        if not cold:
            self._holders()
        new_ids = [i for i in changed if i not in self._story]
        dropped: dict[str, dict[str, float]] = {}
        """The edges of every dropped article, as they were: see :meth:`_moved_components`."""
        for article_id in sorted(gone | (changed.keys() & self._entries.keys())):
            dropped[article_id] = self._drop(article_id, before)
        for article_id in sorted(changed):
            self._add(changed[article_id], None if cold else before)
        # Cold, the articles :meth:`prepare` indexed are new too.
        dirty = set(entries) if cold else set(changed)
        if cold:  # every word is new: weigh them all, every article is linked below
            for token, df in self._df.items():
                if weight := _weight(df):
                    self._w1[token] = weight
                    self._w2[token] = weight * weight
        for token, old in before.items():
            df = self._df.get(token, 0)
            if _bucket(df) != old:
                dirty.update(self._holders().get(token, ()))
                if weight := _weight(df):
                    self._w1[token] = weight
                    self._w2[token] = weight * weight
                else:
                    self._w1.pop(token, None)
                    self._w2.pop(token, None)
        dirty -= gone
        # In id order, not the set's: articles added together lie together in memory, and
        # refreshing them in that order was a quarter faster (fewer cache misses).
        in_order = sorted(dirty)
        for article_id in in_order:
            self._refresh(article_id)
        linked: dict[str, dict[str, float]] = {}
        if not cold:
            edges = self._edges
            for article_id in in_order:
                if article_id not in dropped:
                    linked[article_id] = dict(edges.get(article_id, ()))
        done: set[str] = set()
        for article_id in in_order:
            self._link(article_id, done)
            done.add(article_id)
        self._hard = None  # every edge is stored now: later updates look links up
        result: dict[str, str | None] = {}
        for article_id in gone:
            old_story = self._story.pop(article_id, None)
            if old_story is not None:
                result[article_id] = None
                if self._members.get(old_story) == (article_id,):
                    del self._members[old_story]
        if cold:
            self._recluster(self._components(dirty), result)
        else:
            self._recluster(self._moved_components(dropped, linked, new_ids), result)
        return result

    def _moved_components(
        self, dropped: Mapping[str, Mapping[str, float]],
        linked: Mapping[str, Mapping[str, float]], new_ids: Iterable[str],
    ) -> list[set[str]]:
        """The strongly linked parts whose stories an update may have moved: exactly those
        whose members or edges inside changed.

        A part's stories are :func:`cluster_component` of its members and the edges among
        them, and nothing else.  A part that gained no article, lost no strong pair to an
        article now outside it and has every pair inside as it was is therefore one of the
        old parts, with the same edges, and its stories stand.  Every other part holds an
        end of a changed pair that is strong (before or after), or both ends of a changed
        weak one, or a new article; these are the parts re-clustered.  A change that moves
        no edge inside a part - a title reworded into the same words, a new article only
        weakly like the dense part it touches - then re-clusters nothing there, where
        re-clustering every part an edge touched cost 0.3 s on the real headlines.

        Edges change only where an article is dropped or linked, so every changed pair has
        an end in ``dropped`` (its edges before the update) or ``linked`` (the edges of a
        re-linked article after the drops, which took out only pairs with dropped ones).
        """
        edges, entries = self._edges, self._entries
        starts = {i for i in new_ids if i in entries}
        weak: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for article_id, old_row in chain(dropped.items(), linked.items()):
            new_row = edges.get(article_id, {}) if article_id in entries else {}
            for other in old_row.keys() | new_row.keys():
                pair = (article_id, other) if article_id < other else (other, article_id)
                if pair in seen:
                    continue
                seen.add(pair)
                dropped_row = dropped.get(other)  # a pair with a dropped one: its row has it
                before = (old_row.get(other) if dropped_row is None
                          else dropped_row.get(article_id))
                after = new_row.get(other)
                if before == after:
                    continue
                if (before or 0.0) >= STRONG_LINK or (after or 0.0) >= STRONG_LINK:
                    starts.add(article_id)
                    starts.add(other)
                else:
                    weak.append(pair)
        found = self._components(starts)
        wanted = set(range(len(found)))
        part_of = {i: n for n, part in enumerate(found) for i in part}
        for a, b in weak:
            if a not in entries or b not in entries:
                continue  # a pair with a removed article: no part holds both ends
            n = part_of.get(a)
            if n is None:
                n = len(found)
                found.append(self._component(a))
                part_of.update(dict.fromkeys(found[n], n))
            if b in found[n]:
                wanted.add(n)
        return [found[n] for n in sorted(wanted)]

    def _drop(self, article_id: str, before: dict[str, int]) -> dict[str, float]:
        """Unindex one article; return its edges (taken out of its neighbours' rows too)."""
        entry = self._entries.pop(article_id)
        for token in chain(entry.title, entry.context):
            before.setdefault(token, _bucket(self._df[token]))
            self._df[token] -= 1
            if self._df[token] <= 0:
                del self._df[token]
            _unlist(self._holders(), token, article_id)
        slot = entry.slot
        for token in entry.title:
            _unpost(self._title_postings, token, slot, article_id)
        for token in entry.keys:
            _unpost(self._key_postings, token, slot, article_id)
        for url in entry.features.urls:
            _unpost_url(self._url_owners, url, article_id)
        for url in entry.features.related_urls:
            _unpost_url(self._url_citers, url, article_id)
        if self._hard is not None:
            for other in self._hard.pop(article_id, ()):
                _discard(self._hard, other, article_id)
        row = self._edges.pop(article_id, {})
        for other in row:
            self._edges.get(other, {}).pop(article_id, None)
        return row

    def _add(self, features: StoryFeatures, before: dict[str, int] | None) -> None:
        """Index one article; ``before`` collects its words' old rounded frequencies
        (None on a cold start, where every article is linked anyway)."""
        title = features.title_words
        context = features.context_words
        words = title + context if context else title
        slot = _slot(features.time)
        entry = _Entry(features, title, context, features.time, features.category, slot)
        article_id = features.id
        self._entries[article_id] = entry
        df, postings = self._df, self._any_postings
        if before is not None:
            for token in words:
                if token not in before:
                    before[token] = _bucket(df.get(token, 0))
        if postings is None:
            for token in words:
                df[token] += 1
        else:
            for token in words:
                df[token] += 1
                postings[token].append(article_id)
        # No call per word (the old _post): 1.2 million calls at 100,000 articles.
        title_postings = self._title_postings
        for token in title:
            title_postings[token].setdefault(slot, []).append(article_id)
        owners, citers, hard = self._url_owners, self._url_citers, self._hard
        # Links to the articles indexed before (later ones add theirs); only articles with
        # a link get a set, most have none.
        if hard is not None and (linked := self._find_hard_links(features)):
            hard[article_id] = linked
            for other in linked:
                hard.setdefault(other, set()).add(article_id)
        for url in features.urls:
            _post_url(owners, url, article_id)
        for url in features.related_urls:
            _post_url(citers, url, article_id)

    def prepare_for_updates(self) -> None:
        """Make now what the first incremental :meth:`update` would otherwise make then
        (a one-shot grouper's word postings), so that one costs milliseconds too."""
        self._holders()

    def _holders(self) -> dict[str, list[str]]:
        """Word -> the articles holding it (title or context), made once when first asked."""
        if self._any_postings is None:
            postings: dict[str, list[str]] = defaultdict(list)
            for article_id, entry in self._entries.items():
                for token in chain(entry.title, entry.context):
                    postings[token].append(article_id)
            self._any_postings = postings
        return self._any_postings

    def _refresh(self, article_id: str) -> None:
        """Recompute an article's keys and norms after its words' weights moved."""
        entry = self._entries[article_id]
        df = self._df
        slot = entry.slot
        for token in entry.keys:
            _unpost(self._key_postings, token, slot, article_id)
        # A word no other article has finds nothing: keys are the rarest *shared* words.
        # Ranked by rounded frequency: an exact count would reorder keys without the
        # article being re-linked, and incremental would drift from cold.
        # (A key's count is at most KEY_MAX_DF < MAX_DF, so its bucket is its bit length.)
        ranked = sorted([
            (count.bit_length(), t) for t in entry.title if 2 <= (count := df[t]) <= KEY_MAX_DF
        ])
        entry.keys = keys = tuple([t for _df, t in ranked[:KEYS_PER_TITLE]])
        key_postings = self._key_postings
        for token in keys:
            key_postings[token].setdefault(slot, []).append(article_id)
        w2 = self._w2
        features = entry.features  # its words are sorted: the sums add in a fixed order
        title_sq = sum(map(w2.get, features.title_words, _ZEROS))
        context_sq = CONTEXT_WEIGHT**2 * sum(map(w2.get, features.context_words, _ZEROS))
        entry.title_norm = math.sqrt(title_sq)
        entry.full_norm = math.sqrt(title_sq + context_sq)

    def _candidates(self, article_id: str) -> set[str]:
        """Articles worth comparing: one side's title keys among the other side's title.

        A pair (A, B) is a candidate when a key of A is in B's title or a key of B in A's -
        symmetric, so either side finds the same pairs.  Similarity needs a shared title
        word, and asking for a shared *rare* one keeps the common words of a big folder
        from making every article a candidate of every other.  Only articles in nearby time
        slots are looked at: pairs more than :data:`MAX_APART_DAYS` apart are never linked.
        """
        entry = self._entries[article_id]
        slot = entry.slot
        # Every posting set first, then one union in C, not a union per set and slot
        # (this method went from 2.1 to 1.2 s of a profiled cold 100,000).
        pieces: list[list[str] | None] = []
        for index, tokens_ in ((self._title_postings, entry.keys),
                               (self._key_postings, entry.title)):
            for by_slot in filter(None, map(index.get, tokens_)):
                if slot is None:  # an undated article is compared with every time
                    pieces.extend(by_slot.values())
                else:
                    pieces.extend(map(by_slot.get, (slot - 1, slot, slot + 1, None)))
        found: set[str] = set()
        found.update(*filter(None, pieces))
        found.discard(article_id)
        return found

    def _hard_links(self, article_id: str) -> set[str] | frozenset[str]:
        """The articles sharing a URL with ``article_id`` (as its own or a related one)."""
        if self._hard is not None:
            return self._hard.get(article_id, _NO_LINKS)
        return self._find_hard_links(self._entries[article_id].features)

    def _find_hard_links(self, features: StoryFeatures) -> set[str]:
        article_id = features.id
        owners, citers = self._url_owners, self._url_citers
        found: set[str] = set()
        for url in chain(features.urls, features.related_urls):
            for holders in (owners.get(url), citers.get(url)):
                if holders is None:
                    continue
                if type(holders) is str:
                    found.add(holders)
                else:
                    found.update(holders)
        found.discard(article_id)
        return found

    def _link(self, article_id: str, done: set[str]) -> set[str]:
        """Recompute every edge of a dirty article; return the articles whose edges moved.

        ``done`` holds the dirty articles already linked in this update: their pairs with
        this one are already decided (and stored on both sides), so they are not compared
        again.
        """
        all_edges = self._edges
        old = all_edges.pop(article_id, None)
        if old:
            edges = {other: value for other, value in old.items() if other in done}
            if len(edges) < len(old):
                for other in old.keys() - edges.keys():
                    all_edges.get(other, {}).pop(article_id, None)
            touched = set(old)
        else:
            edges, touched = {}, set()
        decided = len(edges)  # these are already stored on the other side too
        for other in self._hard_links(article_id) - done:
            edges[other] = 2.0
        self._similarities(
            self._entries[article_id], self._candidates(article_id) - done - edges.keys(),
            edges, EDGE_THRESHOLD,
        )
        for other, similarity in islice(edges.items(), decided, None):
            row = all_edges.get(other)
            if row is None:
                all_edges[other] = {article_id: similarity}
            else:
                row[article_id] = similarity
        if edges:
            all_edges[article_id] = edges
        touched |= edges.keys()
        return touched

    def similarity(self, a: str, b: str) -> float:
        """Text similarity of two known articles in [0, 1], time discount included."""
        found: dict[str, float] = {}
        self._similarities(self._entries[a], [b], found, 0.0)
        return found.get(b, 0.0)

    def _similarities(
        self, ea: _Entry, others: Iterable[str], out: dict[str, float], threshold: float
    ) -> None:
        """Store in ``out`` the similarity of each of ``others`` that shares a title word
        with ``ea`` and reaches ``threshold``.

        One loop over the candidates rather than a call per pair: this is the hot loop of
        grouping (80 candidates per article on two days of real headlines).
        """
        entries, w1get, w2get = self._entries, self._w1.get, self._w2.get
        time_a, category_a, norm_a = ea.time, ea.category, ea.title_norm
        title = frozenset(ea.title)  # sets of this side only: the entries keep tuples
        context_a = bool(ea.context)
        words_a = title.union(ea.context) if context_a else title
        for other in others:
            eb = entries[other]
            shared = title.intersection(eb.title)
            if not shared:  # context alone (shared boilerplate) never links
                continue
            time_b = eb.time
            if time_a is None or time_b is None:
                factor = UNDATED_FACTOR
            else:  # time_factor(), inline
                apart = abs(time_a - time_b) / 86400.0
                if apart > MAX_APART_DAYS:
                    continue
                extra = apart - TIME_GRACE_DAYS
                factor = 1.0 if extra <= 0 else 1.0 / (1.0 + extra / TIME_HALF_DAYS)
            category_b = eb.category
            if category_a and category_b and category_a != category_b:
                factor *= OTHER_CATEGORY_FACTOR
            if factor < EDGE_THRESHOLD:
                continue
            # A fixed order makes the sums exact in every process; two floats add the same
            # either way round, so only three or more shared words need sorting.
            words = sorted(shared) if len(shared) > 2 else shared
            # Cosine flatters short titles: one common word shared by two two-word
            # headlines scores like a story.  The shared words must weigh enough alone.
            if sum(map(w1get, words, _ZEROS)) < MIN_EVIDENCE:
                continue
            best = sum(map(w2get, words, _ZEROS)) / (norm_a * eb.title_norm)
            if context_a and eb.context:
                dot = 0.0
                in_title_b = words_a.intersection(eb.title)
                for token in sorted(in_title_b.union(words_a.intersection(eb.context))):
                    dot += w2get(token, 0.0) * (
                        1.0 if token in title else CONTEXT_WEIGHT
                    ) * (1.0 if token in in_title_b else CONTEXT_WEIGHT)
                if dot:
                    best = max(best, dot / (ea.full_norm * eb.full_norm))
            if best and (value := round(best * factor, 6)) >= threshold:
                out[other] = value

    # -- clustering ------------------------------------------------------------------------

    def _components(self, starts: Iterable[str]) -> list[set[str]]:
        """The strongly linked parts holding ``starts`` (known articles only), each once."""
        components: list[set[str]] = []
        seen: set[str] = set()
        for start in sorted(starts):
            if start not in seen and start in self._entries:
                component = self._component(start)
                seen |= component
                components.append(component)
        return components

    def _recluster(self, components: list[set[str]], result: dict[str, str | None]) -> None:
        """Cluster each part afresh: every member of the old stories in them is in them."""
        for component in components:
            for article_id in component:
                old_story = self._story.get(article_id)
                if old_story is not None:
                    self._members.pop(old_story, None)
        for component in components:
            for cluster in cluster_component(sorted(component), self._edges):
                story = cluster[0]
                self._members[story] = tuple(cluster)
                for article_id in cluster:
                    if self._story.get(article_id) != story:
                        self._story[article_id] = story
                        result[article_id] = story

    def _component(self, start: str) -> set[str]:
        """The articles joined to ``start`` by strong pairs (at least :data:`STRONG_LINK`).

        Two clusters merge only across a strong pair, so every story lies inside one such
        part, and clustering a part reads nothing outside it: a changed file re-clusters
        its strongly linked neighbourhood, not the whole weakly linked category (on two
        days of real headlines a weak part held half the folder, 0.6-0.9 s a change).
        """
        component = {start}
        stack = [start]
        edges = self._edges
        while stack:
            for other, similarity in edges.get(stack.pop(), {}).items():
                if similarity >= STRONG_LINK and other not in component:
                    component.add(other)
                    stack.append(other)
        return component


def cluster_component(
    ids: Sequence[str], edges: Mapping[str, Mapping[str, float]]
) -> list[list[str]]:
    """Split one strongly connected part of the graph into stories, deterministically.

    Edges to articles outside ``ids`` are ignored (they are weak: see
    :meth:`StoryGrouper._component`).

    Hard links (similarity > 1) are unioned first; then average linkage merges pairs of
    clusters that are each other's best neighbour by mean similarity (absent pairs count
    0), that mean at least :data:`LINK_THRESHOLD` and some pair across at least
    :data:`STRONG_LINK` (the order is a nearest-neighbour chain's: see below).  Ties break
    on the clusters' smallest ids.  Finished clusters (no neighbour at the threshold) are
    never merged again.
    """
    if len(ids) == 1:
        return [[ids[0]]]
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hard_linked = False
    for a in ids:
        for b, similarity in edges.get(a, {}).items():
            if similarity > 1.0 and a < b and b in parent:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
                    hard_linked = True
    # sums[x][y]: the summed similarity of every pair across clusters x and y.  The
    # neighbours a cluster may merge with (eligible) have some pair across at least
    # STRONG_LINK: a merged cluster's are the union of its parts' (the strongest pair only
    # grows), and most neighbours are weak, so the search below scans far fewer.
    sums: dict[str, dict[str, float]]
    eligible: dict[str, set[str]]
    if not hard_linked:  # the common case: every article starts alone, one edge per pair
        members = {i: [i] for i in ids}
        sums = {a: {b: v for b, v in edges.get(a, {}).items() if b in parent} for a in ids}
        eligible = {a: {b for b, v in row.items() if v >= STRONG_LINK} for a, row in sums.items()}
    else:
        root_of = {i: find(i) for i in ids}  # one find per article, not one per edge end
        members = defaultdict(list)
        for i in ids:
            members[root_of[i]].append(i)
        sums = {root: {} for root in members}
        eligible = {root: set() for root in members}
        for a in ids:
            ra = root_of[a]
            row = sums[ra]
            # Sorted: a cluster's sums add in one order however the edges were stored.
            for b, similarity in sorted(edges.get(a, {}).items()):
                rb = root_of.get(b)
                if rb is None:
                    continue
                if ra != rb:
                    row[rb] = row.get(rb, 0.0) + min(similarity, 1.0)
                    if similarity >= STRONG_LINK:
                        eligible[ra].add(rb)
    # A nearest-neighbour chain: follow each cluster's best eligible neighbour until two
    # clusters are each other's best, merge them, go on from the rest of the chain.  It
    # scans each cluster's neighbours instead of keeping a heap of every pair (the heap's
    # stale entries were half of grouping).  Plain average linkage is reducible (a merged
    # cluster is never closer to a third than the closer of its two parts), and there the
    # chain makes exactly the greedy "best pair first" merges; the strong-pair rule breaks
    # that: a third cluster ineligible for one part but eligible for the other can be
    # closer to the merged cluster than to the part it was eligible for, so the chain may
    # merge in another order than the greedy one would.  What the stories rely on still
    # holds: the merges depend only on the part's members and edges (ties break on ids),
    # so a part clustered incrementally ends as it does cold.
    sizes = {root: len(group) for root, group in members.items()}
    open_roots = sorted(sums, reverse=True)  # stack: smallest id on top
    finished: set[str] = set()
    chain: list[str] = []
    while chain or open_roots:
        if not chain:
            root = open_roots.pop()
            if root in finished or root not in members:
                continue
            chain.append(root)
        x = chain[-1]
        previous = chain[-2] if len(chain) > 1 else None
        best, best_y = LINK_THRESHOLD, None
        size_x = sizes[x]
        row = sums[x]
        for y in eligible[x]:
            if y in finished:
                continue
            value = row[y] / (size_x * sizes[y])
            if value > best or (value == best and (
                best_y is None or y == previous or (best_y != previous and y < best_y)
            )):
                best, best_y = value, y
        if best_y is None:
            finished.add(chain.pop())
            continue
        if best_y != previous:
            if best_y in chain:
                # The chain holds best_y already, from before a merge made below it: that
                # merge moved the mean similarities (the strong-pair rule is not
                # reducible), so the chain now runs back into itself.  Going on from
                # best_y keeps one entry per cluster; appending it again put a cluster in
                # the chain twice, and once merged away it was still looked up (a
                # KeyError that stopped grouping a generated 10,000-article folder).
                del chain[chain.index(best_y) + 1 :]
            else:
                chain.append(best_y)
            continue
        chain.pop()
        chain.pop()
        keep, gone = (x, best_y) if x < best_y else (best_y, x)
        members[keep].extend(members.pop(gone))
        sizes[keep] += sizes.pop(gone)
        merged = sums.pop(gone)
        merged.pop(keep, None)
        kept = sums[keep]
        kept.pop(gone, None)
        for other, value in merged.items():
            kept[other] = kept.get(other, 0.0) + value
            other_row = sums[other]
            del other_row[gone]
            other_row[keep] = kept[other]
        merged_eligible = eligible.pop(gone)
        merged_eligible.discard(keep)
        kept_eligible = eligible[keep]
        kept_eligible.discard(gone)
        kept_eligible |= merged_eligible
        for other in merged_eligible:
            other_eligible = eligible[other]
            other_eligible.discard(gone)
            other_eligible.add(keep)
        if not chain:
            open_roots.append(keep)
    return sorted(sorted(group) for group in members.values())


_NO_LINKS: frozenset[str] = frozenset()


def _discard(index: dict[Any, set[str]], key: Any, value: str) -> None:
    values = index.get(key)
    if values is not None:
        values.discard(value)
        if not values:
            del index[key]


def _unlist(index: dict[Any, list[str]], key: Any, value: str) -> None:
    """:func:`_discard` for a posting list (which holds each id at most once)."""
    values = index.get(key)
    if values is not None:
        with suppress(ValueError):
            values.remove(value)
        if not values:
            del index[key]


def _post_url(index: dict[str, str | set[str]], url: str, article_id: str) -> None:
    """Add ``article_id`` to a URL's articles: the id itself while it is the only one."""
    held = index.get(url)
    if held is None:
        index[url] = article_id
    elif type(held) is str:
        if held != article_id:
            index[url] = {held, article_id}
    else:
        held.add(article_id)


def _unpost_url(index: dict[str, str | set[str]], url: str, article_id: str) -> None:
    held = index.get(url)
    if held is None:
        return
    if type(held) is str:
        if held == article_id:
            del index[url]
        return
    held.discard(article_id)
    if len(held) == 1:
        index[url] = next(iter(held))
    elif not held:
        del index[url]


def group(features: Iterable[StoryFeatures]) -> dict[str, str]:
    """Every article id → its story id, computed cold (the same as any sequence of updates)."""
    grouper = StoryGrouper(one_shot=True)
    grouper.update(features)
    return grouper.assignments()


def iter_stories(assignments: Mapping[str, str]) -> Iterator[tuple[str, list[str]]]:
    """(story id, sorted members) for an id → story mapping, stories in id order."""
    stories: dict[str, list[str]] = defaultdict(list)
    for article_id, story in assignments.items():
        stories[story].append(article_id)
    for story in sorted(stories):
        yield story, sorted(stories[story])
