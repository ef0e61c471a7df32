"""The index cache: summaries of a folder's articles kept between runs, in SQLite.

The folder is the truth and this file is disposable.  Every row carries the stamp (size,
mtime_ns, inode) of the file it was read from; a row whose stamp differs from the file's is
simply not used.  A missing, corrupt, locked or old-format cache is rebuilt (or, if the
disk refuses, replaced by an in-memory one) without a word to the user: the only cost of a
bad cache is a slower start.

Summaries are stored as compact positional JSON arrays (see :func:`summary_to_json`).
Decoding 100,000 of them is most of a warm start.  Measured on the 100,000-article folder
(77 MB of JSON in one array): ``json.loads`` 0.21 s, ``orjson.loads`` 0.26 s, msgspec's
untyped decoder 0.20 s, all three ~0.93 s with the cyclic garbage collector running, which
walks the whole heap again and again as the decoded lists pile up: the collector is paused
while a slice is decoded (:func:`_collector_paused`), and no faster decoder is needed.
Bodies live in their own table, folded (case and accents:
:func:`reader.domain.query.fold`), so that searching them is one SQL ``instr`` scan that
runs without the GIL, and so that a warm start never pages through body text it does not
need.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from sys import intern
from typing import Any

from reader import paths
from reader.domain.article import ArticleSummary, Problem, Severity
from reader.domain.dates import from_iso, to_iso
from reader.domain.query import fold

from . import listed_output, snapshot
from .scan import FileStamp

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7
"""Bump when the tables, :func:`summary_to_json`'s layout or the story features' stored
form (:meth:`reader.domain.stories.StoryFeatures.to_json`) change: old caches are rebuilt."""

_DECODE_SLICE = 2000
"""Rows read and decoded at a time by :meth:`IndexCache.lookup` (one ``json.loads`` each)."""
_FIRST_SLICE = 300
"""The first slice of :meth:`IndexCache.newest_first`: a screenful and more, at once."""

_PUBLISHED_TIME = (
    "(CASE WHEN json_valid(summary) THEN julianday(json_extract(summary, '$[2]')) END)"
)
"""A row's publication instant (``summary_to_json`` puts its ISO text at index 2; julianday
reads its offset, so 23:46-07:00 sorts after 23:56+00:00 as it should); a garbled row,
which json_extract would refuse (failing the write), has none."""
_NEWEST_FIRST = (
    "SELECT id, size, mtime_ns, inode, summary FROM articles ORDER BY "
    "(CASE WHEN json_valid(summary) THEN julianday(json_extract(summary, '$[2]')) END) DESC"
)
"""The list's default order, newest first, as the ``articles_newest`` index gives it (the
term must stay :data:`_PUBLISHED_TIME` word for word, or SQLite sorts without the index).
Articles of the same instant come in index order: the list sorts each slice itself, so
only which slice a row is in matters.  Ordering the ties by title and id as well made
SQLite sort them in a temporary tree, 0.39 s instead of 0.25 s at 100,000 rows."""
_NEWEST_INDEX = (
    "CREATE INDEX IF NOT EXISTS articles_newest ON articles "
    "(CASE WHEN json_valid(summary) THEN julianday(json_extract(summary, '$[2]')) END)"
)

BUSY_TIMEOUT_SECONDS = 5.0
"""How long to wait for another reader process (the window beside a ``reader list``)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    summary TEXT NOT NULL,
    list_format INTEGER,
    list_line TEXT,
    list_state TEXT,
    list_time REAL
);
CREATE TABLE IF NOT EXISTS bodies (
    id TEXT PRIMARY KEY,
    body_fold TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    features TEXT NOT NULL,
    story TEXT
);
"""


# -- summaries as JSON -------------------------------------------------------------------

_SEVERITIES = {severity.value: severity for severity in Severity}


def summary_to_json(summary: ArticleSummary) -> str:
    """One summary as a compact JSON array (the id is the row key, not repeated here).

    ASCII-only on purpose: ids and titles derived from undecodable file names carry lone
    surrogates, which JSON can escape but SQLite's UTF-8 text cannot hold.
    """
    return json.dumps(summary_fields(summary), separators=(",", ":"))


def summary_fields(summary: ArticleSummary) -> list[Any]:
    """A summary as the plain values it is stored as (read back by ``_summary_from_fields``):
    the index's JSON array, and each row of a window's snapshot (:mod:`.snapshot`)."""
    return [
        summary.title,
        summary.excerpt,
        to_iso(summary.published_at),
        summary.published_at_text,
        summary.source,
        summary.source_domain,
        summary.url,
        summary.web_url,
        summary.amp_url,
        summary.cdn_amp_url,
        summary.category,
        summary.type,
        summary.quality,
        summary.heat,
        summary.published,
        summary.topics,
        summary.has_front_matter,
        [[p.message, p.severity.value, p.line, p.column] for p in summary.problems],
        summary.has_images,
        summary.has_related,
        summary.has_body,
    ]


def summary_from_json(article_id: str, text: str) -> ArticleSummary:
    """The summary :func:`summary_to_json` wrote; raises ValueError/TypeError if garbled."""
    return _summary_from_fields(article_id, json.loads(text))


def summaries_from_json(
    rows: Sequence[Sequence[Any]], text_at: int = 1
) -> dict[str, ArticleSummary]:
    """Many rows at once, each holding its id first and its JSON at ``text_at`` (the
    cache's own rows are passed as they come); garbled rows are left out.

    One ``json.loads`` over all the rows joined into a single array runs the whole decode
    in C, without a Python call per row: this is most of a warm start.
    """
    with _collector_paused():
        try:
            decoded = json.loads("[" + ",".join([row[text_at] for row in rows]) + "]")
        except ValueError:
            decoded = None
        if decoded is None or len(decoded) != len(rows):
            return _summaries_one_by_one([(row[0], row[text_at]) for row in rows])
        summaries: dict[str, ArticleSummary] = {}
        for row, fields in zip(rows, decoded, strict=True):
            article_id = row[0]
            try:
                summaries[article_id] = _summary_from_fields(article_id, fields)
            except (ValueError, TypeError, KeyError):
                continue
    return summaries


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while many long-lived objects are made at once.

    Each decoded list counts as a new container: 100,000 summaries set off hundreds of
    collections, the later ones walking every object the process holds (decoding took
    0.93 s instead of 0.21 s).  Decoding makes no reference cycles, so nothing is left
    for the collector to find afterwards (the window's row feed then moves the rows out of
    its generations with ``gc.freeze``).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _summaries_one_by_one(rows: list[tuple[str, str]]) -> dict[str, ArticleSummary]:
    summaries: dict[str, ArticleSummary] = {}
    for article_id, text in rows:
        try:
            summaries[article_id] = summary_from_json(article_id, text)
        except (ValueError, TypeError, KeyError):
            continue
    return summaries


def _summary_from_fields(article_id: str, fields: list[Any]) -> ArticleSummary:
    (
        title, excerpt, published_at, published_at_text, source, source_domain, url,
        web_url, amp_url, cdn_amp_url, category, kind, quality, heat, published, topics,
        has_front_matter, problems, has_images, has_related, has_body,
    ) = fields
    # The few distinct sources, categories, types and topics are shared, not held once per
    # article, and so is the web address where it is the original's (most files): 100,000
    # summaries held 300,000 copies of 50 topics and 100,000 of the same address twice.
    # tuple.__new__ with every field: what ArticleSummary(...) does, without its per-call
    # argument handling (this runs 100,000 times on a warm start).
    return _new_tuple(ArticleSummary, (
        article_id,
        title,
        excerpt,
        from_iso(published_at),
        published_at_text,
        intern(source),
        intern(source_domain),
        url,
        url if web_url == url else web_url,
        amp_url,
        cdn_amp_url,
        intern(category),
        intern(kind),
        quality,
        heat,
        published,
        tuple(map(intern, topics)),
        has_front_matter,
        tuple(Problem(m, _SEVERITIES[s], line, column) for m, s, line, column in problems)
        if problems
        else (),
        has_images,
        has_related,
        has_body,
    ))


_new_tuple = tuple.__new__

_FEW_IDS = 5000
"""Up to this many ids, :meth:`IndexCache.lookup` asks for them by id, not for every row."""
_IDS_PER_QUERY = 500
"""Ids per ``IN (...)`` list: well below SQLite's limit on bound values (999 in old ones)."""



# -- the cache ---------------------------------------------------------------------------


def cache_path(root: Path) -> Path:
    """Where the index of ``root`` lives: one file per folder, named by its resolved path."""
    digest = hashlib.sha256(os.fsencode(Path(root).resolve())).hexdigest()[:24]
    return paths.cache_dir() / "index" / f"{digest}.sqlite3"


def _rows_by_id(
    run: Callable[[str, tuple[str, ...]], list[tuple[Any, ...]]],
    select: str,
    ids: Iterable[str],
) -> list[tuple[Any, ...]]:
    """The rows ``select ... WHERE id IN (...)`` finds for ``ids``, asked in lists of
    :data:`_IDS_PER_QUERY`; ``run`` executes one statement.  An id SQLite cannot hold (a
    lone surrogate) was never stored, so it is not asked for."""
    wanted = [article_id for article_id in ids if _storable(article_id)]
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        chunk = tuple(wanted[start : start + _IDS_PER_QUERY])
        placeholders = ",".join("?" * len(chunk))  # only "?"s: the ids are bound values
        rows += run(f"{select} WHERE id IN ({placeholders})", chunk)
    return rows


class IndexCache:
    """The cached summaries of one folder; see the module docstring.

    Safe to share between threads: one connection, used under a lock (SQLite releases the
    GIL while it works, so a body search on a worker thread does not hold up Python code
    elsewhere).  Every method swallows SQLite failures after logging them: a cache that
    breaks mid-run is rebuilt once, and after that the run simply goes without.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._connection = connection
        self._path = path
        self._lock = threading.Lock()

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None when the cache lives in memory for this run only."""
        return self._path

    @classmethod
    def open(cls, root: Path) -> IndexCache:
        """The cache of ``root``; never raises (see the class docstring)."""
        path = cache_path(root)
        try:
            return cls(_connect(path), path)
        except (sqlite3.Error, OSError) as exc:
            if _is_busy(exc):
                log.warning("index cache %s is busy; using a temporary one: %s", path, exc)
                return cls.in_memory()
            log.info("index cache %s unusable (%s); rebuilding it", path, exc)
        _delete_database(path)
        try:
            return cls(_connect(path), path)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot create index cache %s (%s); using a temporary one", path, exc)
            return cls.in_memory()

    @classmethod
    def in_memory(cls) -> IndexCache:
        """A cache that lasts as long as this object (used when the disk says no)."""
        return cls(_connect(None), None)

    # -- reading -------------------------------------------------------------------------

    def newest_first(
        self, on_slice: Callable[[dict[str, ArticleSummary]], None] | None = None
    ) -> dict[str, tuple[FileStamp, ArticleSummary]]:
        """Every cached summary with the stamp it was read with, newest publication first.

        For a warm start that shows rows before the folder is scanned: the first slice
        reaches ``on_slice`` a few milliseconds after the call (the order comes from the
        ``articles_newest`` index, no sort), and because the list's default order is
        newest first, each slice lands in the list below the one before, one contiguous
        insert rather than rows all over it.  The rows are not checked against the disk:
        the caller scans and corrects them.  Runs with the cache locked (``on_slice``
        must not call back into it).
        """
        cached: dict[str, tuple[FileStamp, ArticleSummary]] = {}
        with self._lock:
            try:
                try:
                    cursor = self._connection.execute(_NEWEST_FIRST)
                except sqlite3.OperationalError:  # an SQLite without JSON functions
                    cursor = self._connection.execute(_NEWEST_FIRST.partition(" ORDER")[0])
                size = _FIRST_SLICE
                while rows := cursor.fetchmany(size):
                    size = _DECODE_SLICE
                    decoded = summaries_from_json(rows, text_at=4)
                    get = decoded.get
                    for row in rows:
                        summary = get(row[0])
                        if summary is not None:
                            cached[row[0]] = (_new_tuple(FileStamp, row[1:4]), summary)
                    if on_slice is not None and decoded:
                        on_slice(decoded)
            except sqlite3.Error as exc:
                self._recover(exc)
                return {}
        return cached

    def snapshot_rows(
        self, on_slice: Callable[[dict[str, ArticleSummary]], None] | None = None
    ) -> dict[str, tuple[FileStamp, ArticleSummary]] | None:
        """:meth:`newest_first` from the window's snapshot of its last load, about a third
        of the cost (see :mod:`reader.index.snapshot`); None if there is none to read.

        The snapshot may be older than the index: rows it lacks or has stale are for the
        caller's scan to find, and for :meth:`lookup` to give.
        """
        if self._path is None:
            return None
        return snapshot.read(
            snapshot.snapshot_path(self._path),
            schema=SCHEMA_VERSION,
            decode=_summary_from_fields,
            on_slice=on_slice,
        )

    def write_snapshot(self, rows: list[tuple[FileStamp, ArticleSummary]]) -> None:
        """Keep ``rows`` (every row a load just checked against the files) for the next
        warm start, newest first."""
        if self._path is None:
            return
        rows = sorted(rows, key=snapshot.newest_first_key)
        snapshot.write(
            snapshot.snapshot_path(self._path),
            rows,
            schema=SCHEMA_VERSION,
            encode=summary_fields,
        )

    def write_listed_snapshot(
        self, rows: list[tuple[float | None, snapshot.StoredRow]]
    ) -> None:
        """The snapshot from rows ``reader list`` parsed, each with its publication time
        (POSIX seconds, None if undated): its parsers gave each summary's stored fields,
        so nothing is decoded here."""
        if self._path is None:
            return
        rows = sorted(rows, key=lambda row: snapshot.newest_time_first(row[0]))
        snapshot.write_stored(
            snapshot.snapshot_path(self._path), [row for _time, row in rows],
            schema=SCHEMA_VERSION,
        )

    def listed_output(
        self, stamps: Mapping[str, FileStamp], line_format: int, *, stories: bool
    ) -> listed_output.Kept | None:
        """The last ``reader list --json`` output, if its scan gave exactly ``stamps``
        (:mod:`reader.index.listed_output`)."""
        if self._path is None:
            return None
        return listed_output.read(
            listed_output.output_path(self._path), stamps,
            schema=SCHEMA_VERSION, line_format=line_format, stories=stories,
        )

    def write_listed_output(
        self, stamps: Mapping[str, FileStamp], lines: list[str], states: list[str],
        line_format: int, *, stories: bool,
    ) -> None:
        """Keep a list's output lines (date order, stories joined) for a scan of ``stamps``."""
        if self._path is None:
            return
        listed_output.write(
            listed_output.output_path(self._path), stamps, lines, states,
            schema=SCHEMA_VERSION, line_format=line_format, stories=stories,
        )

    def lookup(
        self,
        stamps: dict[str, FileStamp],
        on_slice: Callable[[dict[str, ArticleSummary]], None] | None = None,
    ) -> tuple[dict[str, ArticleSummary], list[str]]:
        """Valid cached summaries for ``stamps``, and the ids that must be parsed.

        Rows are read and decoded in slices, so 100,000 of them never sit in memory as
        text all at once; ``on_slice`` gets each slice's summaries as soon as they are
        decoded (a window shows its first rows before the rest are read; it runs with the
        cache locked, so it must not call back into it).  A garbled row is simply left
        out: that file is parsed again.
        """
        found: dict[str, ArticleSummary] = {}
        with self._lock:
            try:
                for rows in self._row_slices(stamps):
                    valid: list[tuple[str, str]] = []
                    for article_id, size, mtime_ns, inode, text in rows:
                        if stamps.get(article_id) == (size, mtime_ns, inode):
                            valid.append((article_id, text))
                    decoded = summaries_from_json(valid)
                    found.update(decoded)
                    if on_slice is not None and decoded:
                        on_slice(decoded)
            except sqlite3.Error as exc:
                self._recover(exc)
                return {}, list(stamps)
        missing = [article_id for article_id in stamps if article_id not in found]
        return found, missing

    def _row_slices(self, stamps: Mapping[str, FileStamp]) -> Iterator[list[tuple[Any, ...]]]:
        """The rows :meth:`lookup` checks, a slice at a time: by id for a few (the files a
        window's snapshot did not vouch for), else the whole table in one pass."""
        if len(stamps) > _FEW_IDS:
            cursor = self._connection.execute(
                "SELECT id, size, mtime_ns, inode, summary FROM articles"
            )
            yield from iter(partial(cursor.fetchmany, _DECODE_SLICE), [])
            return
        rows = _rows_by_id(
            lambda sql, chunk: self._connection.execute(sql, chunk).fetchall(),
            "SELECT id, size, mtime_ns, inode, summary FROM articles", stamps,
        )
        for start in range(0, len(rows), _DECODE_SLICE):
            yield rows[start : start + _DECODE_SLICE]

    def listed_lines(
        self, stamps: dict[str, FileStamp], line_format: int
    ) -> tuple[list[tuple[str, str, str, float | None]], list[str], bool] | None:
        """The stored list lines still valid for ``stamps``, what lacks one, and if rows are gone.

        Returns ``(listed, stale, gone)``: ``(id, line, state, published_at timestamp)`` per
        id whose row matches its stamp and holds a line of ``line_format``; the ids of
        ``stamps`` that are new, changed, unread or without such a line; and whether the
        cache has rows for files no longer in ``stamps``.  A warm ``reader list --json``
        prints ``listed`` as it is, without decoding one summary, and parses only
        ``stale``.  None if the cache cannot be read.
        """
        with self._lock:
            try:
                rows = self._connection.execute(
                    "SELECT id, size, mtime_ns, inode, list_format, list_line, list_state, "
                    "list_time FROM articles"
                ).fetchall()
            except sqlite3.Error as exc:
                self._recover(exc)
                return None
        listed: list[tuple[str, str, str, float | None]] = []
        get = stamps.get
        gone = False
        for article_id, size, mtime_ns, inode, row_format, line, state, when in rows:
            stamp = get(article_id)
            if stamp is None:
                gone = True
            elif row_format == line_format and stamp == (size, mtime_ns, inode):
                listed.append((article_id, line, state, when))
        if len(listed) == len(stamps):
            return listed, [], gone
        valid = {row[0] for row in listed}
        return listed, [article_id for article_id in stamps if article_id not in valid], gone

    def search_bodies(self, text: str, ids: Iterable[str] | None = None) -> set[str]:
        """Ids whose body contains ``text``, ignoring case and accents (:func:`fold`)."""
        needle = fold(text)
        if not needle:
            matches = {row[0] for row in self._query("SELECT id FROM bodies") or ()}
        else:
            rows = self._query("SELECT id FROM bodies WHERE instr(body_fold, ?) > 0", (needle,))
            matches = {row[0] for row in rows or ()}
        if ids is not None:
            matches.intersection_update(ids)
        return matches

    def ids(self) -> set[str]:
        """Every id with a row (valid or not)."""
        return {row[0] for row in self._query("SELECT id FROM articles") or ()}

    # -- writing -------------------------------------------------------------------------

    def store(self, entries: Iterable[tuple[ArticleSummary, FileStamp, str]]) -> None:
        """Remember summaries with the stamps they were read at, and their bodies.

        The body is folded here (:func:`reader.domain.query.fold`, idempotent), so callers
        may pass either the body as read or the loader's already-folded one.
        """
        self.store_encoded(
            (
                summary.id, stamp.size, stamp.mtime_ns, stamp.inode,
                summary_to_json(summary), fold(body),
            )
            for summary, stamp, body in entries
        )

    def store_encoded(self, rows: Iterable[tuple[str, int, int, int, str, str]]) -> None:
        """:meth:`store` for rows as the loader's workers send them: ``(id, size,
        mtime_ns, inode, summary JSON, casefolded body)`` (encoded in parallel, and plain
        tuples cross process boundaries cheaper than objects).

        Rows for files that could not be read (a negative stamp) and ids that SQLite text
        cannot hold (undecodable file names) are skipped: those files are simply parsed
        again next time.
        """
        self._store_rows(((row, None) for row in rows), None)

    def store_encoded_listed(
        self,
        rows: Iterable[
            tuple[tuple[str, int, int, int, str, str], tuple[str, str, float | None]]
        ],
        line_format: int,
    ) -> None:
        """:meth:`store_encoded` with each row's ``reader list --json`` line, its
        ``--state`` and its date key (see :meth:`listed_lines`), in the same statement: a
        cold list stores everything the next one needs in one pass.  A line SQLite text
        cannot hold (lone surrogates) is left out: that file is parsed again next time."""
        self._store_rows(rows, line_format)

    def _store_rows(
        self,
        rows: Iterable[
            tuple[tuple[str, int, int, int, str, str], tuple[str, str, float | None] | None]
        ],
        line_format: int | None,
    ) -> None:
        article_rows: list[tuple[Any, ...]] = []
        body_rows: list[tuple[str, str]] = []
        for (article_id, size, mtime_ns, inode, summary_json, body_fold), listed in rows:
            if size < 0 or not _storable(article_id):
                continue
            stamp_and_summary = (article_id, size, mtime_ns, inode, summary_json)
            if listed is not None and _storable(listed[0]):
                article_rows.append((*stamp_and_summary, line_format, *listed))
            else:
                article_rows.append((*stamp_and_summary, None, None, None, None))
            body_rows.append((article_id, body_fold))
        if not article_rows:
            return
        self._write(
            (
                "INSERT OR REPLACE INTO articles (id, size, mtime_ns, inode, summary, "
                "list_format, list_line, list_state, list_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                article_rows,
            ),
            ("INSERT OR REPLACE INTO bodies (id, body_fold) VALUES (?, ?)", body_rows),
        )

    # -- stories (reader.domain.stories) ------------------------------------------------

    def story_rows(
        self, stamps: dict[str, FileStamp]
    ) -> tuple[dict[str, str | None], list[str], list[str]]:
        """Story assignments still valid for ``stamps`` (features are not read here).

        Returns ``(valid, stale, gone)``: ``id -> story id`` (None when not yet grouped)
        for rows whose stamp matches, the ids of ``stamps`` without such a row, and the
        ids of rows whose file is gone.  A warm start whose ``stale`` and ``gone`` are
        empty and whose every row has a story reads the stories as they are.
        """
        rows = self._query("SELECT id, size, mtime_ns, inode, story FROM stories")
        valid: dict[str, str | None] = {}
        gone: list[str] = []
        for article_id, size, mtime_ns, inode, story in rows or ():
            stamp = stamps.get(article_id)
            if stamp is None:
                gone.append(article_id)
            elif stamp == (size, mtime_ns, inode):  # a FileStamp is a tuple of these
                valid[article_id] = story
        stale = [article_id for article_id in stamps if article_id not in valid]
        return valid, stale, gone

    def story_features(self, ids: Collection[str] | None = None) -> dict[str, str]:
        """Every stored ``id -> story features JSON`` (check stamps with :meth:`story_rows`),
        or only those of ``ids``: up to a few thousand are asked for by id, more in one
        pass over the table."""
        if ids is None or len(ids) > _FEW_IDS:
            stored = dict(self._query("SELECT id, features FROM stories") or ())
            return stored if ids is None else {i: stored[i] for i in ids if i in stored}
        return dict(_rows_by_id(
            lambda sql, chunk: self._query(sql, chunk) or [],
            "SELECT id, features FROM stories", ids,
        ))

    def store_story_features(self, rows: Iterable[tuple[str, int, int, int, str]]) -> None:
        """Remember ``(id, size, mtime_ns, inode, features JSON)`` rows.

        A row whose features are exactly the ones stored keeps its story (grouping reads
        nothing else of a file, so an edit that leaves them alone - publishing it, a word
        deep in the body - moves no story); any other row's story is unknown until the
        folder is grouped again.
        """
        storable = [row for row in rows if row[1] >= 0 and _storable(row[0])]
        if storable:
            self._write((
                "INSERT INTO stories (id, size, mtime_ns, inode, features, story) "
                "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode, "
                "story = CASE WHEN features = excluded.features THEN story END, "
                "features = excluded.features",
                storable,
            ))

    def store_story_assignments(
        self, stories: dict[str, str], forget: Iterable[str] = ()
    ) -> None:
        """Record each article's story id, and drop the rows of ``forget`` (files gone)."""
        gone = [(article_id,) for article_id in forget if _storable(article_id)]
        storable = {article_id: story for article_id, story in stories.items()
                    if _storable(article_id)}
        if _UPDATE_FROM and len(storable) > 1:
            # One statement joining a JSON object, not a statement per row: a cold
            # 10,000 files' assignments took 0.08 s one by one.
            update = (
                "UPDATE stories SET story = moved.value FROM json_each(?) AS moved "
                "WHERE stories.id = moved.key",
                [(json.dumps(storable, ensure_ascii=False),)],
            )
        else:
            update = ("UPDATE stories SET story = ? WHERE id = ?",
                      [(story, article_id) for article_id, story in storable.items()])
        self._write(("DELETE FROM stories WHERE id = ?", gone), update)

    def forget(self, ids: Iterable[str]) -> None:
        """Drop the rows of files that are gone."""
        rows = [(article_id,) for article_id in ids if _storable(article_id)]
        if rows:
            self._write(
                ("DELETE FROM articles WHERE id = ?", rows),
                ("DELETE FROM bodies WHERE id = ?", rows),
            )

    def prune(self, keep_ids: Iterable[str]) -> None:
        """Drop every row whose id is not in ``keep_ids`` (files deleted since last time)."""
        keep = set(keep_ids)
        stale = [article_id for article_id in self.ids() if article_id not in keep]
        if stale:
            log.debug("pruning %d stale index rows", len(stale))
            self.forget(stale)

    def close(self) -> None:
        """Close the connection; later calls on this object do nothing useful but are safe."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection.close()

    # -- internals -----------------------------------------------------------------------

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]] | None:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.Error as exc:
                self._recover(exc)
                return None

    def _write(self, *statements: tuple[str, list[tuple[Any, ...]]]) -> None:
        with self._lock:
            try:
                with self._connection:
                    for sql, rows in statements:
                        self._connection.executemany(sql, rows)
            except sqlite3.Error as exc:
                self._recover(exc)

    def _recover(self, exc: sqlite3.Error) -> None:
        """After a failure mid-run: start over with an empty cache (caller holds the lock)."""
        if _is_busy(exc) or isinstance(exc, sqlite3.ProgrammingError):
            log.warning("index cache write skipped: %s", exc)
            return
        log.warning("index cache %s failed (%s); starting it afresh", self._path, exc)
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()
        if self._path is not None:
            _delete_database(self._path)
            try:
                self._connection = _connect(self._path)
                return
            except (sqlite3.Error, OSError) as second:
                log.warning("cannot recreate index cache (%s); using a temporary one", second)
                self._path = None
        self._connection = _connect(None)


def _connect(path: Path | None) -> sqlite3.Connection:
    """An open, checked, current-schema connection; raises if the file is unusable."""
    if path is None:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
        )
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if path is not None:
            connection.execute("PRAGMA journal_mode=WAL")
            # No fsync at all: the cache is disposable, a crash that damages it only costs
            # a rebuild, and a cold start writes tens of megabytes of body text.
            connection.execute("PRAGMA synchronous=OFF")
        if version != SCHEMA_VERSION:
            with connection:
                connection.execute("DROP TABLE IF EXISTS articles")
                connection.execute("DROP TABLE IF EXISTS bodies")
                connection.execute("DROP TABLE IF EXISTS stories")
                connection.executescript(_SCHEMA)
                # Optional: without JSON functions the warm start reads rows unordered.
                with contextlib.suppress(sqlite3.OperationalError):
                    connection.execute(_NEWEST_INDEX)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # A cheap read of both tables proves the file is a database of the right shape.
        connection.execute(
            "SELECT id, size, mtime_ns, inode, summary, list_format, list_line, list_state, "
            "list_time FROM articles LIMIT 1"
        )
        connection.execute("SELECT id, body_fold FROM bodies LIMIT 1")
    except BaseException:
        connection.close()
        raise
    return connection


def _delete_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
    snapshot.remove(snapshot.snapshot_path(path))
    listed_output.remove(listed_output.output_path(path))


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


_UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 38, 0)
"""UPDATE ... FROM came in SQLite 3.33, json_each built in by default in 3.38."""


def _storable(article_id: str) -> bool:
    try:
        article_id.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
