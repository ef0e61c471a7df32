"""Loading a folder's summaries fast: scan, take what the cache still vouches for, parse the rest.

Parsing is CPU-bound Python, so a cold start of thousands of files fans out to a process
pool.  The start method is chosen by :func:`_pool_context`: "fork" only while the process
has a single thread (the command line; starting workers costs milliseconds), otherwise
"forkserver" - a window is a process with threads, and forking one of those can deadlock
the child.  The forkserver preloads the parser, so its workers start with it imported.
Workers send back each summary already encoded as the cache's JSON (plus the casefolded
body), which the parent needs for the cache anyway: that moves the encoding off the one
process every result funnels through.  Small jobs (a reload, a burst of a few changed
files) are parsed in-process, where starting a pool would cost more than it saves.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, TypeVar

from reader.domain.article import ArticleSummary, Problem
from reader.domain.query import fold

from .cache import IndexCache, summaries_from_json, summary_to_json
from .scan import (
    UNREAD_STAMP,
    FileStamp,
    is_article_name,
    read_summary,
    read_summary_and_front_matter,
    scan_folder_report,
    stamp_files,
)

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

    from reader.domain.stories import StoryFeatures, StoryGrouper

log = logging.getLogger(__name__)

CHUNK_SIZE = 200
"""Most files per task: large enough to amortise a round trip, small enough to balance."""
MIN_CHUNK_SIZE = 25
"""Fewest files per pool task, however small the job."""
IN_PROCESS_LIMIT = 300
"""Below this many files to parse, a pool's start-up costs more than it saves."""
HEAD_SIZE = 100
"""Files parsed in the calling process while a pool starts, for quick first rows."""

T = TypeVar("T")
D = TypeVar("D")

EncodedRow = tuple[str, int, int, int, str, str]
"""``(id, size, mtime_ns, inode, summary JSON, folded body)``: a parsed file as it
crosses processes (plain tuples pickle at half the cost of objects)."""


@dataclass
class LoadResult:
    """What :func:`load_folder` found.

    ``stamps`` holds the scan's stamp of every article; ``parsed`` and ``cached`` count how
    the summaries were obtained (the tests use them to prove unchanged files are not
    parsed again); ``complete`` is False when ``should_stop`` cut the load short;
    ``dirs`` lists the subfolders walked (what a folder watcher watches).
    """

    articles: dict[str, ArticleSummary] = field(default_factory=dict)
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    parsed: int = 0
    cached: int = 0
    unreadable_dirs: list[str] = field(default_factory=list)
    complete: bool = True
    dirs: list[str] = field(default_factory=list)
    read_stamps: dict[str, FileStamp] = field(default_factory=dict)
    """The stamp of the content actually read, for each file parsed by this load
    (:data:`~reader.index.scan.UNREAD_STAMP` where it could not be opened)."""


def load_folder(
    root: Path,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    on_batch: Callable[[list[ArticleSummary]], None] | None = None,
    batch_size: int = 500,
    should_stop: Callable[[], bool] | None = None,
    cache: IndexCache | None = None,
    on_removed: Callable[[list[str]], None] | None = None,
) -> LoadResult:
    """Every article summary under ``root``.

    Cached summaries are handed to ``on_batch`` first (a window can show rows at once),
    then freshly parsed ones as they arrive.  Parsed results are stored in the cache
    (``cache`` if given, else the folder's own cache unless ``use_cache`` is False), and
    rows of files that are gone are pruned.  Raises ``OSError`` only if ``root`` itself
    cannot be listed.

    With ``on_removed`` as well, the cached rows are handed on *before* the folder is
    scanned, newest first, as the cache last knew them: a window shows them at once
    instead of after a walk of the whole folder (half a second at 100,000 files).  The
    scan then corrects them: ``on_removed`` gets the ids whose files are gone, and files
    that changed are parsed and handed to ``on_batch`` again (the caller tells a known id
    from a new one).  Those rows come from the window's snapshot of its last load when
    there is one (:mod:`reader.index.snapshot`, a third of the cost of the index), and
    such a load writes the snapshot again when what it found differs.
    """
    started = time.perf_counter()
    own_cache = IndexCache.open(root) if cache is None and use_cache else None
    index = cache or own_cache
    early = index is not None and on_batch is not None and on_removed is not None
    try:
        emit = _Batcher(on_batch, batch_size)

        def hand_on(decoded: dict[str, ArticleSummary]) -> None:
            for summary in decoded.values():
                emit.add(summary)
            if not emit.handed_on:
                emit.flush()  # the first rows go out at once, not once a batch is full

        shown: dict[str, tuple[FileStamp, ArticleSummary]] = {}
        head: dict[str, tuple[FileStamp, ArticleSummary]] = {}
        from_snapshot = snapshot_current = False
        if early:
            assert index is not None
            if not os.path.isdir(root):
                raise NotADirectoryError(20, "not a folder", str(root))
            snapshot = index.snapshot_rows(hand_on)
            from_snapshot = snapshot is not None
            shown = snapshot if snapshot is not None else index.newest_first(hand_on)
            if not shown:  # a cold start: a screenful parsed before the folder is walked
                head = _parse_head(root, index, emit)
            emit.flush()
        report = scan_folder_report(root)
        result = LoadResult(
            stamps=report.files, unreadable_dirs=report.unreadable_dirs, dirs=report.dirs
        )
        if early:
            assert on_removed is not None
            gone = [article_id for article_id in shown if article_id not in report.files]
            if gone:
                on_removed(gone)
            found = {
                article_id: summary
                for article_id, (stamp, summary) in shown.items()
                if report.files.get(article_id) == stamp
            }
            parsed_first = {
                article_id: summary
                for article_id, (stamp, summary) in head.items()
                if report.files.get(article_id) == stamp
            }
            result.articles.update(parsed_first)
            result.parsed += len(parsed_first)
            missing = [
                article_id
                for article_id in report.files
                if article_id not in found and article_id not in parsed_first
            ]
            # A few rows behind is current enough: they cost the next start a lookup by
            # id, where writing the snapshot again costs ~0.5 s of CPU at 100,000.
            snapshot_current = from_snapshot and len(gone) + len(missing) <= max(
                SNAPSHOT_STALE_ROWS, len(report.files) * SNAPSHOT_STALE_SHARE
            )
            if from_snapshot and missing:
                # The snapshot is older than the index: what changed since may be there.
                assert index is not None
                stored, missing = index.lookup(
                    {article_id: report.files[article_id] for article_id in missing}, hand_on
                )
                found.update(stored)
        elif index is not None:
            found, missing = index.lookup(result.stamps, hand_on if on_batch else None)
        else:
            found, missing = {}, list(result.stamps)
        # Newest files first: a cold start shows what arrived last before the archive.
        missing.sort(key=lambda article_id: report.files[article_id].mtime_ns, reverse=True)
        result.articles.update(found)
        result.cached = len(found)
        emit.flush()
        if missing:
            _parse_missing(root, missing, index, result, emit, workers, should_stop)
        emit.flush()
        if index is not None and result.complete:
            index.prune(result.stamps)
            if early and not snapshot_current:
                index.write_snapshot(_trusted_rows(result))
    finally:
        if own_cache is not None:
            own_cache.close()
    log.debug(
        "loaded %s: %d articles (%d cached, %d parsed) in %.3f s",
        root,
        len(result.articles),
        result.cached,
        result.parsed,
        time.perf_counter() - started,
    )
    return result


def _trusted_rows(result: LoadResult) -> list[tuple[FileStamp, ArticleSummary]]:
    """Every row of a complete load with the scan's stamp, as the cache would trust it: a
    file parsed from content other than what the scan saw (it changed meanwhile, or
    could not be opened) is left out, to be read again next time."""
    stamps, read = result.stamps, result.read_stamps
    rows = []
    for article_id, summary in result.articles.items():
        stamp = stamps.get(article_id)
        if stamp is not None and read.get(article_id, stamp) == stamp:
            rows.append((stamp, summary))
    return rows


def _parse_missing(
    root: Path,
    missing: list[str],
    index: IndexCache | None,
    result: LoadResult,
    emit: _Batcher,
    workers: int | None,
    should_stop: Callable[[], bool] | None,
) -> None:
    """Parse what the cache could not vouch for, storing and announcing it as it comes."""
    # Imported here: a warm start parses nothing and need not pay for the import.
    from concurrent.futures import ThreadPoolExecutor

    # Cache writes run on their own thread (SQLite releases the GIL while it writes),
    # overlapping with decoding the next results instead of queueing behind them.  The
    # thread starts with the first write, after any worker processes are started.
    writes: list[Future[None]] = []
    batches = _parse_encoded(root, missing, workers=workers, should_stop=should_stop)
    # closing(): stopping early shuts the worker pool down now, not whenever it is collected.
    with ThreadPoolExecutor(1, thread_name_prefix="index-cache-writer") as writer, closing(batches):
        for rows in batches:
            if index is not None:
                writes.append(writer.submit(index.store_encoded, rows))
            parsed = summaries_from_json(rows, text_at=4)
            for article_id, size, mtime_ns, inode, _summary, _body in rows:
                result.read_stamps[article_id] = FileStamp(size, mtime_ns, inode)
            for summary in parsed.values():
                emit.add(summary)
            if not result.parsed:
                emit.flush()  # the first rows of a cold start go out at once, not at 500
            result.articles.update(parsed)
            result.parsed += len(rows)
            if should_stop is not None and should_stop():
                result.complete = False
                break
    for write in writes:
        write.result()


SNAPSHOT_STALE_ROWS = 100
SNAPSHOT_STALE_SHARE = 0.01
"""A window's load writes its snapshot again once more rows than these (or this share of
the folder) were gone or changed since it was written."""

COLD_HEAD = 200
"""Files a cold start parses before the folder is walked: the window's first rows."""
COLD_HEAD_SAMPLE = 2000
"""Entries of the top level looked at (and stat'ed) to pick the newest :data:`COLD_HEAD`."""


def _parse_head(
    root: Path, index: IndexCache, emit: _Batcher
) -> dict[str, tuple[FileStamp, ArticleSummary]]:
    """Parse, store and hand on the newest of the first files the top level lists.

    A cold window otherwise shows nothing until the whole folder is walked (0.55 s at
    100,000 files) and the first parsed batch comes back from the worker processes.  The
    newest of the first :data:`COLD_HEAD_SAMPLE` entries stand in for the newest of all:
    a listing is in no useful order and sorting all of it is the walk itself.  A top level
    with fewer files is walked at once anyway, and left to the usual way.
    """
    sample: list[tuple[int, str]] = []
    try:
        with os.scandir(root) as listing:
            for entry in listing:
                if len(sample) >= COLD_HEAD_SAMPLE:
                    break
                if is_article_name(entry.name) and entry.is_file():
                    sample.append((entry.stat().st_mtime_ns, entry.name))
    except OSError:
        return {}
    if len(sample) < COLD_HEAD_SAMPLE:
        return {}
    sample.sort(reverse=True)
    ids = [name for _mtime, name in sample[:COLD_HEAD]]
    head: dict[str, tuple[FileStamp, ArticleSummary]] = {}
    for batch in parse_files(root, ids, workers=1):
        index.store(batch)
        for summary, stamp, _body in batch:
            head[summary.id] = (stamp, summary)
            emit.add(summary)
    return head


class _Batcher:
    """Collects summaries and hands them on in lists of ``size``."""

    def __init__(self, sink: Callable[[list[ArticleSummary]], None] | None, size: int) -> None:
        self._sink = sink
        self._size = max(1, size)
        self._pending: list[ArticleSummary] = []
        self.handed_on = 0

    def add(self, summary: ArticleSummary) -> None:
        if self._sink is None:
            return
        self._pending.append(summary)
        if len(self._pending) >= self._size:
            self.flush()

    def flush(self) -> None:
        if self._sink is not None and self._pending:
            batch, self._pending = self._pending, []
            self.handed_on += len(batch)
            self._sink(batch)


def parse_files(
    root: Path,
    ids: list[str],
    stamps: dict[str, FileStamp] | None = None,
    *,
    workers: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[list[tuple[ArticleSummary, FileStamp, str]]]:
    """Parse ``ids`` under ``root``, yielding batches of ``(summary, stamp, body_fold)``.

    The stamp is the one of the content actually read (taken from the open file), or
    :data:`reader.index.scan.UNREAD_STAMP` when the file could not be opened - such a
    result is never trusted by the cache, so the file is tried again next time.
    ``stamps`` (the scan's) is accepted for callers that have it; reading does not need
    it.  ``body_fold`` is the folded body, as :meth:`IndexCache.store` wants it.
    """
    del stamps  # the stamp read with the content is the one that counts
    for rows in _parse_encoded(root, ids, workers=workers, should_stop=should_stop):
        summaries = summaries_from_json(rows, text_at=4)
        yield [
            (summaries[article_id], FileStamp(size, mtime_ns, inode), body_fold)
            for article_id, size, mtime_ns, inode, _summary_json, body_fold in rows
            if article_id in summaries
        ]


# -- the work itself ---------------------------------------------------------------------


def parse_chunk(root: str, ids: list[str]) -> list[EncodedRow]:
    """Read and summarise ``ids``; the unit of work a pool process runs."""
    root_path = Path(root)
    return [_encoded(article_id, *read_summary(root_path, article_id)) for article_id in ids]


def _encoded(
    article_id: str, summary: ArticleSummary, stamp: FileStamp | None, body: str
) -> EncodedRow:
    stamp = stamp or UNREAD_STAMP
    return (
        article_id,
        stamp.size,
        stamp.mtime_ns,
        stamp.inode,
        summary_to_json(summary),
        fold(body),
    )


def describe_chunk(
    root: str, ids: list[str], describe: Callable[[ArticleSummary], D]
) -> list[tuple[EncodedRow, D]]:
    """:func:`parse_chunk`, plus ``describe(summary)`` computed in the same process."""
    root_path = Path(root)
    described: list[tuple[EncodedRow, D]] = []
    for article_id in ids:
        summary, stamp, body = read_summary(root_path, article_id)
        described.append((_encoded(article_id, summary, stamp, body), describe(summary)))
    return described


def parse_described(
    root: Path, ids: list[str], describe: Callable[[ArticleSummary], D]
) -> Iterator[list[tuple[EncodedRow, D]]]:
    """Parse ``ids`` in batches, each row with ``describe(summary)`` made by the parser.

    For a caller that needs something derived from each summary and not the summary
    itself (``reader list --json`` needs its output line): the worker processes derive
    it, and the caller never decodes a summary.  ``describe`` must be a module-level
    function (it travels to the workers by name).
    """
    work = partial(describe_chunk, describe=describe)
    yield from _run_chunks(work, root, ids, workers=None, should_stop=None)


def describe_story_chunk(
    root: str, ids: list[str], describe: Callable[[ArticleSummary], D]
) -> list[tuple[EncodedRow, D, str]]:
    """:func:`describe_chunk`, plus each file's story features JSON from the same read: the
    summary, body and (for a file that lists related coverage) front matter are the ones
    just parsed, so no file is read or split twice."""
    from reader.domain.stories import features_from_summary

    root_path = Path(root)
    described: list[tuple[EncodedRow, D, str]] = []
    for article_id in ids:
        summary, stamp, body, yaml_text = read_summary_and_front_matter(root_path, article_id)
        if not summary.has_related or summary.is_error:
            yaml_text = None
        features = features_from_summary(summary, body, yaml_text)
        described.append((
            _encoded(article_id, summary, stamp, body),
            describe(summary),
            json.dumps(features.to_json(), ensure_ascii=False),
        ))
    return described


def parse_described_stories(
    root: Path, ids: list[str], describe: Callable[[ArticleSummary], D]
) -> Iterator[list[tuple[EncodedRow, D, str]]]:
    """:func:`parse_described` whose rows also carry story features (see
    :func:`describe_story_chunk`), so that a cold ``reader list`` reads each file once."""
    work = partial(describe_story_chunk, describe=describe)
    yield from _run_chunks(work, root, ids, workers=None, should_stop=None)


def check_chunk(root: str, ids: list[str]) -> list[tuple[str, tuple[Problem, ...]]]:
    """Every problem of each file as the detail view sees it (the whole front matter
    loaded, images and related checked); the unit of work of :func:`check_files`."""
    from reader.domain.parse import load_detail

    results: list[tuple[str, tuple[Problem, ...]]] = []
    for article_id in ids:
        try:
            problems = load_detail(Path(root), article_id).summary.problems
        except Exception as exc:  # a parser bug must cost one file, never the whole check
            log.debug("checking %s failed", article_id, exc_info=True)
            problems = (
                Problem(
                    f"reader could not read this file ({type(exc).__name__}: {exc}); "
                    "please report it with the file attached"
                ),
            )
        results.append((article_id, problems))
    return results


def check_files(
    root: Path, ids: list[str], *, workers: int | None = None
) -> Iterator[list[tuple[str, tuple[Problem, ...]]]]:
    """``(id, problems)`` for every id, in batches, parsed fully (``reader check``)."""
    yield from _run_chunks(check_chunk, root, ids, workers=workers, should_stop=None)


def _parse_encoded(
    root: Path,
    ids: list[str],
    *,
    workers: int | None,
    should_stop: Callable[[], bool] | None,
) -> Iterator[list[EncodedRow]]:
    yield from _run_chunks(parse_chunk, root, ids, workers=workers, should_stop=should_stop)


def _run_chunks(
    work: Callable[[str, list[str]], list[T]],
    root: Path,
    ids: list[str],
    *,
    workers: int | None,
    should_stop: Callable[[], bool] | None,
) -> Iterator[list[T]]:
    """``work`` over ``ids`` in chunks: in a process pool for big jobs, else here."""
    if not ids:
        return
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if len(ids) < IN_PROCESS_LIMIT or worker_count <= 1:
        chunks = _chunks(ids, CHUNK_SIZE)
        yield from _run_in_process(work, root, chunks, should_stop)
        return
    # The first few files are parsed right here while the worker processes start (a
    # forkserver pool takes a few hundred milliseconds to answer), so a window shows its
    # first rows at once instead of waiting for the pool.
    head, ids = ids[:HEAD_SIZE], ids[HEAD_SIZE:]
    # Enough chunks per worker that none sits idle while another finishes a big one.
    chunks = _chunks(ids, max(MIN_CHUNK_SIZE, min(CHUNK_SIZE, len(ids) // (8 * worker_count))))
    # Imported here: a warm start never starts a pool and need not pay for these imports.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Chosen before the head goes out: the caller may start a thread (its cache writer)
    # as soon as it has rows, and "fork" is only safe while this process has just one.
    context = _pool_context()
    forking = context.get_start_method() == "fork"
    if not forking:
        yield work(os.fspath(root), head)
        if should_stop is not None and should_stop():
            return
    remaining = dict(enumerate(chunks))
    pool_size = min(worker_count, len(chunks))
    log.debug(
        "parsing %d files in %d parser processes (%s)",
        len(ids), pool_size, context.get_start_method(),
    )
    try:
        executor = ProcessPoolExecutor(
            max_workers=pool_size,
            mp_context=context,
            initializer=start_background_process,
            initargs=(os.getpid(),),
        )
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("cannot start parser processes (%s); parsing in this process", exc)
        if forking:
            yield work(os.fspath(root), head)
        yield from _run_in_process(work, root, chunks, should_stop)
        return
    stopped = False
    try:
        # With "fork" the first submit forks every worker (milliseconds, nothing to
        # import), so they start before the head is parsed and handed on.
        futures: dict[Future[list[T]], int] = {
            executor.submit(work, os.fspath(root), chunk): number
            for number, chunk in remaining.items()
        }
        if forking:
            yield work(os.fspath(root), head)
            stopped = should_stop is not None and should_stop()
        while futures and not stopped:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                number = futures.pop(future)
                rows = future.result()
                del remaining[number]
                yield rows
                if should_stop is not None and should_stop():
                    stopped = True
                    break
    except BrokenProcessPool as exc:
        log.warning("a parser process died (%s); parsing the rest in this process", exc)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    if remaining and not stopped:
        yield from _run_in_process(work, root, list(remaining.values()), should_stop)


# -- stories -----------------------------------------------------------------------------


def story_chunk(root: str, ids: list[str]) -> list[tuple[str, str]]:
    """``(id, story features JSON)`` of each file: the related links, titles and excerpts
    and the start of the body, which summaries do not carry (read at about the cost of a
    summary: :func:`reader.domain.stories.features_from_bytes`)."""
    from reader.domain.parse import read_file_bytes
    from reader.domain.stories import StoryFeatures, features_from_bytes

    root_path = Path(root)
    rows = []
    for article_id in ids:
        try:
            features = features_from_bytes(article_id, read_file_bytes(root_path / article_id))
        except Exception:  # an unreadable file is a story of its own, never a failed folder
            features = StoryFeatures(article_id, "")
        rows.append((article_id, json.dumps(features.to_json(), ensure_ascii=False)))
    return rows


def stories_wanted() -> bool:
    """False under ``READER_STORIES=off``: the benchmark's baseline of a list without
    stories (no grouping, and ``reader list`` makes no story features either)."""
    return os.environ.get("READER_STORIES") != "off"


def folder_stories(
    root: Path,
    stamps: dict[str, FileStamp],
    cache: IndexCache | None,
    *,
    workers: int | None = None,
    known: Mapping[str, StoryFeatures] | None = None,
    prepared: StoryGrouper | None = None,
) -> dict[str, str]:
    """Every article id in ``stamps`` -> its story id (:mod:`reader.domain.stories`).

    A warm run whose files are all unchanged reads the stories the index recorded and
    groups nothing; so does one whose changed files all have the features they had (the
    index keeps a story when a row's features come back the same).  Otherwise the
    features of new and changed files are read (in worker processes when there are many),
    the folder is grouped again - the same result a cold run gives, since grouping is a
    function of the folder alone - and only assignments that moved are written back.

    ``known`` holds features the caller has just read and stored itself (``reader list``
    gets them from its parse): they are used as they are, not read back from the index.
    ``prepared``, if given, is a grouper that has had exactly ``known`` handed to
    :meth:`~reader.domain.stories.StoryGrouper.prepare` (as the parse went): grouping
    finishes there instead of starting afresh.
    """
    from reader.domain.stories import StoryFeatures, group

    if not stories_wanted():
        return {}
    valid, stale, gone = cache.story_rows(stamps) if cache else ({}, list(stamps), [])
    if not stale and not gone and all(valid.values()):
        return {article_id: story for article_id, story in valid.items() if story}
    known = known or {}
    fresh: list[tuple[str, int, int, int, str]] = []
    fresh_features: list[StoryFeatures] = []
    for rows in _run_chunks(story_chunk, root, stale, workers=workers, should_stop=None):
        for article_id, text in rows:
            stamp = stamps[article_id]
            fresh.append((article_id, stamp.size, stamp.mtime_ns, stamp.inode, text))
            fresh_features.append(StoryFeatures.from_json(article_id, json.loads(text)))
    if cache is not None and fresh:
        # Only the changed files' stored features are read to compare: a warm start after
        # files were written again unchanged (a publish, a tool touching them) read and
        # decoded all 100,000 first, 2.2 s and ~450 MB for stories that all still held.
        before = cache.story_features([row[0] for row in fresh])
        cache.store_story_features(fresh)
        if not gone and all(before.get(row[0]) == row[4] for row in fresh):
            # Every changed file kept its features, so the stored stories still hold.
            now_valid, now_stale, now_gone = cache.story_rows(stamps)
            if not now_stale and not now_gone and all(now_valid.values()):
                return {article_id: story for article_id, story in now_valid.items() if story}
    unknown = [article_id for article_id in valid if article_id not in known]
    stored = cache.story_features() if cache is not None and unknown else {}
    features = [known[article_id] for article_id in valid if article_id in known]
    held = len(features)  # what ``prepared`` holds already
    features += [
        StoryFeatures.from_json(article_id, json.loads(stored.pop(article_id)))
        for article_id in unknown
        if article_id in stored
    ]
    del stored
    features += fresh_features
    if prepared is None:
        stories = group(features)
    else:
        # ``features`` starts with the known ones still valid, which the grouper holds; a
        # known one that is not (its file changed meanwhile) is out unless read again.
        read_again = {row[0] for row in fresh}
        prepared.update(
            features[held:],
            [i for i in known if i not in valid and i not in read_again],
        )
        stories = prepared.assignments()
    if cache is not None:
        moved = {i: s for i, s in stories.items() if valid.get(i) != s}
        cache.store_story_assignments(moved, forget=gone)
    return stories


class LiveStories:
    """A folder's stories kept in one long-lived process, re-grouped file by file.

    The window's grouping process keeps one of these per folder: the first
    :meth:`refresh` answers like :func:`folder_stories` (a warm index answers without
    grouping); later ones read the features of new and changed files and apply them to a
    :class:`~reader.domain.stories.StoryGrouper` incrementally - one changed file costs
    milliseconds of grouping instead of a regroup of the folder.

    The grouper a cold first answer grouped with is kept (its word index made on a thread
    of this process while nothing is asked): the first change after it used to build a
    grouper again from every stored row, 5.6-6.4 s to regroup at 100,000 articles.  After
    an answer read from the index the grouper is still built when the first change comes:
    built at once instead, in a warm 100,000-article window, it ran into the editor's first
    keystrokes (worst gap 0.08-0.14 s against 0.03-0.05 s) and the process tree's memory
    peak (993 against 962 MB).

    A refresh told which files changed (``changed_ids``, from the window's library,
    which announces every file whose content it saw change) stamps just those: stamping
    all 100,000 files was 0.6-1.5 s of every regrouping, against ~25 ms of grouping.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._stamps: dict[str, FileStamp] = {}
        self._stories: Mapping[str, str] = {}
        self._grouper: StoryGrouper | None = None
        self._preparing: threading.Thread | None = None
        """Readies a cold answer's grouper for changes before the next refresh."""

    def refresh(self, changed_ids: Collection[str] | None = None) -> Mapping[str, str]:
        """Every article id -> its story id, for the folder as it is now.

        ``changed_ids``: the only files that may have changed (been added, rewritten or
        removed) since the last refresh; None stamps the whole folder again.
        """
        from reader.domain.stories import StoryFeatures, StoryGrouper

        if not self._stamps:
            stamps = scan_folder_report(self._root).files
            grouper = StoryGrouper(one_shot=True)
            with closing(IndexCache.open(self._root)) as cache:
                stories = folder_stories(self._root, stamps, cache, prepared=grouper)
            self._stories = stories
            self._stamps = stamps
            # Grouped here (no stories in the index, or some no longer held): keep the
            # grouper for the changes to come.
            if len(grouper):
                self._grouper = grouper
                self._prepare_in_background()
            else:
                self._grouper = None  # built when the first change comes
            return stories
        self._wait_until_prepared()
        if not self._stamps:  # preparing failed: answer afresh
            return self.refresh()
        stamps, changed, removed = self._changes(changed_ids)
        if not changed and not removed:
            return self._stories
        with closing(IndexCache.open(self._root)) as cache:
            if self._grouper is None:
                try:
                    self._grouper = self._grouper_from_index(cache)
                except BaseException:
                    self._stamps = {}  # its stories were let go: the next refresh starts over
                    raise
            fresh: list[tuple[str, int, int, int, str]] = []
            features = []
            for rows in _run_chunks(story_chunk, self._root, changed, workers=1,
                                    should_stop=None):
                for article_id, text in rows:
                    stamp = stamps[article_id]
                    fresh.append((article_id, stamp.size, stamp.mtime_ns, stamp.inode, text))
                    features.append(StoryFeatures.from_json(article_id, json.loads(text)))
            moved = self._grouper.update(features, removed)
            self._stories = self._grouper.assignments_view()
            self._stamps = stamps
            cache.store_story_features(fresh)
            cache.store_story_assignments(
                {i: self._stories[i] for i in set(moved) | set(changed) if i in self._stories},
                forget=removed,
            )
        return self._stories

    def _changes(
        self, changed_ids: Collection[str] | None
    ) -> tuple[dict[str, FileStamp], list[str], list[str]]:
        """The folder's stamps now, the files new or changed since the last refresh and
        those gone; only ``changed_ids`` are stamped when given."""
        if changed_ids is None:
            stamps = scan_folder_report(self._root).files
            changed = [i for i, stamp in stamps.items() if self._stamps.get(i) != stamp]
            removed = [i for i in self._stamps if i not in stamps]
            return stamps, changed, removed
        now = stamp_files(self._root, changed_ids)
        stamps = dict(self._stamps)
        changed, removed = [], []
        for article_id in sorted(set(changed_ids)):
            stamp = now.get(article_id)
            if stamp is None:
                if stamps.pop(article_id, None) is not None:
                    removed.append(article_id)
            elif stamps.get(article_id) != stamp:
                stamps[article_id] = stamp
                changed.append(article_id)
        return stamps, changed, removed

    def _prepare_in_background(self) -> None:
        """Make the grouper ready for changes on a thread of its own: the window has its
        answer, and this process has nothing else to do until the next refresh."""
        thread = threading.Thread(
            target=self._prepare, name="reader-stories-prepare", daemon=True
        )
        self._preparing = thread
        thread.start()

    def _wait_until_prepared(self) -> None:
        if self._preparing is not None:
            self._preparing.join()
            self._preparing = None

    def _prepare(self) -> None:
        try:
            assert self._grouper is not None
            self._grouper.prepare_for_updates()
        except Exception:  # the next refresh starts again, as the first one did
            log.warning("preparing the stories for changes failed", exc_info=True)
            self._grouper = None
            self._stamps = {}

    def _grouper_from_index(self, cache: IndexCache) -> StoryGrouper:
        """A grouper of every article's stored features, grouped (to be updated with the
        changed files' features, read again)."""
        from reader.domain.stories import StoryGrouper

        # The stories read from the index are the grouper's to give from now on (the
        # same: grouping is a function of the folder): let them go before it is built,
        # or the two are held at once (~20 MB at 100,000 articles).
        self._stories = {}
        stored = cache.story_features()
        grouper = StoryGrouper()
        # Each JSON text is let go as its features are made: at 100,000 files the texts
        # alone were tens of megabytes held through the whole build.
        grouper.update(
            _interned_features(i, stored.pop(i))
            for i in list(self._stamps)
            if i in stored
        )
        return grouper


def _interned_features(article_id: str, text: str) -> StoryFeatures:
    """Stored features with their words, outlet and category interned: decoded apart,
    100,000 files' copies of the same few hundred thousand words kept the grouper's
    memory twice what one copy of each takes.  The title is left out: grouping reads its
    words only, and 100,000 titles were ~11 MB of the grouping process."""
    from reader.domain.stories import StoryFeatures

    data = json.loads(text)
    _title, outlet, time, urls, related_urls, title_words, context_words, category = data
    return StoryFeatures.from_json(article_id, [
        "", intern(outlet), time, urls, related_urls,
        [intern(word) for word in title_words], [intern(word) for word in context_words],
        intern(category),
    ])


_LIVE: dict[str, LiveStories] = {}
"""In the window's grouping process: the open folder's live stories."""


def live_folder_stories(
    root: str, changed_ids: Collection[str] | None = None
) -> Mapping[str, str]:
    """The window's grouping process runs this: incremental after its first call
    (``changed_ids``: see :meth:`LiveStories.refresh`).

    It lives here, beside :class:`LiveStories`, so that the process importing it by name
    never imports Qt.
    """
    live = _LIVE.get(root)
    if live is None:
        _LIVE.clear()  # one folder open at a time
        live = _LIVE[root] = LiveStories(Path(root))
    return live.refresh(changed_ids)


PackedStories = tuple[tuple[str, ...], tuple[str, ...]]
"""Article ids and their story ids, :data:`PACK_CHUNK` at a time, each chunk joined by NUL
(no file name holds one): the ids' chunks, then the story ids' chunks."""

PACK_CHUNK = 4096
"""Ids per packed chunk.  The receiving thread in the window turns each chunk into dict
entries with one C call, which holds the interpreter lock throughout: with 100,000 ids in
one chunk the GUI thread waited 17-20 ms at a time (40-50 ms of unpacking in all, once per
grouping); with 4,096 a chunk it waits ~5 ms at most, for the same total."""


def packed_live_folder_stories(
    root: str, changed_ids: Collection[str] | None = None
) -> PackedStories:
    """:func:`live_folder_stories` as it crosses back to the window: a few strings.

    The window's process unpickles a result in one call that holds the interpreter lock;
    a dict of 100,000 ids held it for ~70 ms, a window-wide stall.  Strings unpickle as a
    copy, and :func:`unpack_stories` then takes many short steps.
    """
    return pack_stories(live_folder_stories(root, changed_ids))


def pack_stories(stories: Mapping[str, str]) -> PackedStories:
    """``stories`` as :func:`unpack_stories` reads them (see :data:`PackedStories`)."""
    ids = list(stories)
    story_ids = list(stories.values())
    spans = range(0, len(ids), PACK_CHUNK)
    return (
        tuple("\0".join(ids[at : at + PACK_CHUNK]) for at in spans),
        tuple("\0".join(story_ids[at : at + PACK_CHUNK]) for at in spans),
    )


def unpack_stories(packed: PackedStories) -> dict[str, str]:
    """The article id -> story id dict :func:`pack_stories` packed, a chunk per step."""
    id_chunks, story_chunks = packed
    if len(id_chunks) != len(story_chunks):
        raise ValueError("not one chunk of story ids per chunk of article ids")
    split_ids = [chunk.split("\0") if chunk else [] for chunk in id_chunks]
    split_stories = [chunk.split("\0") if chunk else [] for chunk in story_chunks]
    # A story id is one of its articles' ids: the same string as that key, not a second
    # copy of each (100,000 of them, ~8 MB, in the window).  Every id is known before any
    # story id is looked up: a story's first article may come in a later chunk.
    own: dict[str, str] = {}
    for article_ids in split_ids:
        own.update(zip(article_ids, article_ids, strict=True))
    stories: dict[str, str] = {}
    for article_ids, story_ids in zip(split_ids, split_stories, strict=True):
        if len(story_ids) != len(article_ids):
            raise ValueError("not one story id per article id")
        stories.update(zip(article_ids, map(own.get, story_ids, story_ids), strict=True))
    return stories


WORKER_NICENESS = 10
"""How much background processes (parsing, grouping) yield the CPU to the window."""


def _lower_priority() -> None:
    """Run in each parser process first: the window's GUI thread comes before parsing.

    On two cores, two parser processes otherwise share the CPU with the GUI thread on equal
    terms, and every batch the window takes in waits its turn: the worst event-loop gap
    while loading 10,000 articles was 150 ms, most of it the GUI thread ready but not
    running.  A lower priority costs the parsing nothing when nobody else wants the CPU.
    """
    # Not allowed in some sandboxes: parsing then just competes as before.
    with suppress(OSError):
        os.nice(WORKER_NICENESS)


PARENT_CHECK_SECONDS = 1.0
"""How often a worker process looks whether the process that started it is still there."""


def exit_with_parent(parent_pid: int) -> None:
    """Run first in a worker process: leave as soon as ``parent_pid`` has gone.

    A process pool's workers wait for work forever: when the window that started them is
    killed (a crash, ``kill -9``, a logout), they - and the forkserver that forked them, kept
    alive by their pipes - would stay behind for good.  A daemon thread looks once a
    second; a pool shut down normally ends its workers long before that matters.
    """
    import threading

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except OSError:
                continue  # it exists but is not ours to signal: still there

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


def start_background_process(parent_pid: int) -> None:
    """Run first in a worker process that works behind the window (parsing, grouping):
    it yields the CPU to the window and leaves when the window has gone."""
    _lower_priority()
    exit_with_parent(parent_pid)


def _chunks(ids: list[str], size: int) -> list[list[str]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _run_in_process(
    work: Callable[[str, list[str]], list[T]],
    root: Path,
    chunks: list[list[str]],
    should_stop: Callable[[], bool] | None,
) -> Iterator[list[T]]:
    for chunk in chunks:
        yield work(os.fspath(root), chunk)
        if should_stop is not None and should_stop():
            return


def _pool_context() -> BaseContext:
    """The quickest start method that is safe here.

    "fork" starts workers in milliseconds with everything already imported, but forking
    a process that has other threads (a Qt application, the library's workers) can leave
    the child holding a lock no thread will ever release.  So: "fork" only while this
    process has a single thread (the command line), else "forkserver" (workers fork from
    a clean server that preloads the parser), else "spawn".
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        import reader.domain.parse  # noqa: F401 - imported once here, inherited by workers
        from reader.domain import fastyaml

        fastyaml.prepare()  # its tables too: compiled once, not once per worker
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # Not the caller's __main__ (a test runner, the GUI): only what parsing needs.
        context.set_forkserver_preload(["reader.index.loader", "reader.domain.parse"])
        return context
    return multiprocessing.get_context("spawn")
