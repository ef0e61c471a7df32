"""Loading a folder's summaries fast: scan, take what the cache still vouches for, parse the rest.

Parsing is CPU-bound Python, so a cold start of thousands of files fans out to a process
pool.  The pool uses the "forkserver" start method ("spawn" where there is none), never
"fork": the caller may be a Qt process with threads, and forking one of those can deadlock
the child.  The forkserver preloads this module, so each worker starts with the parser
already imported.  Workers send back each summary already encoded as the cache's JSON
(plus the casefolded body), which the parent needs for the cache anyway: that moves the
encoding off the one process every result funnels through.  Small jobs (a reload, a burst
of a few changed files) are parsed in-process, where starting a pool would cost more than
it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from reader.domain.article import ArticleSummary

from .cache import IndexCache, summary_from_json, summary_to_json
from .scan import UNREAD_STAMP, FileStamp, read_summary, scan_folder_report

log = logging.getLogger(__name__)

CHUNK_SIZE = 200
"""Files per pool task: large enough to amortise a round trip, small enough to balance."""
IN_PROCESS_LIMIT = 300
"""Below this many files to parse, a pool's start-up costs more than it saves."""

EncodedRow = tuple[str, FileStamp, str, str]
"""``(id, stamp, summary JSON, casefolded body)``: a parsed file as it crosses processes."""


@dataclass
class LoadResult:
    """What :func:`load_folder` found.

    ``stamps`` holds the scan's stamp of every article; ``parsed`` and ``cached`` count how
    the summaries were obtained (the tests use them to prove unchanged files are not
    parsed again); ``complete`` is False when ``should_stop`` cut the load short.
    """

    articles: dict[str, ArticleSummary] = field(default_factory=dict)
    stamps: dict[str, FileStamp] = field(default_factory=dict)
    parsed: int = 0
    cached: int = 0
    unreadable_dirs: list[str] = field(default_factory=list)
    complete: bool = True


def load_folder(
    root: Path,
    *,
    use_cache: bool = True,
    workers: int | None = None,
    on_batch: Callable[[list[ArticleSummary]], None] | None = None,
    batch_size: int = 500,
    should_stop: Callable[[], bool] | None = None,
    cache: IndexCache | None = None,
) -> LoadResult:
    """Every article summary under ``root``.

    Cached summaries are handed to ``on_batch`` first (a window can show rows at once),
    then freshly parsed ones as they arrive.  Parsed results are stored in the cache
    (``cache`` if given, else the folder's own cache unless ``use_cache`` is False), and
    rows of files that are gone are pruned.  Raises ``OSError`` only if ``root`` itself
    cannot be listed.
    """
    started = time.perf_counter()
    report = scan_folder_report(root)
    result = LoadResult(stamps=report.files, unreadable_dirs=report.unreadable_dirs)
    own_cache = IndexCache.open(root) if cache is None and use_cache else None
    index = cache or own_cache
    try:
        found, missing = index.lookup(result.stamps) if index else ({}, list(result.stamps))
        result.articles.update(found)
        result.cached = len(found)
        emit = _Batcher(on_batch, batch_size)
        for summary in found.values():
            emit.add(summary)
        emit.flush()
        # Cache writes run on their own thread (SQLite releases the GIL while it writes),
        # overlapping with decoding the next results instead of queueing behind them.
        with ThreadPoolExecutor(1, thread_name_prefix="index-cache-writer") as writer:
            writes = []
            for rows in _parse_encoded(root, missing, workers=workers, should_stop=should_stop):
                if index is not None:
                    writes.append(writer.submit(index.store_encoded, rows))
                for article_id, _stamp, summary_json, _body in rows:
                    summary = summary_from_json(article_id, summary_json)
                    result.articles[article_id] = summary
                    emit.add(summary)
                result.parsed += len(rows)
                if should_stop is not None and should_stop():
                    result.complete = False
                    break
        for write in writes:
            write.result()
        emit.flush()
        if index is not None and result.complete:
            index.prune(result.stamps)
    finally:
        if own_cache is not None:
            own_cache.close()
    log.debug(
        "loaded %s: %d articles (%d cached, %d parsed) in %.3f s",
        root, len(result.articles), result.cached, result.parsed,
        time.perf_counter() - started,
    )
    return result


class _Batcher:
    """Collects summaries and hands them on in lists of ``size``."""

    def __init__(self, sink: Callable[[list[ArticleSummary]], None] | None, size: int) -> None:
        self._sink = sink
        self._size = max(1, size)
        self._pending: list[ArticleSummary] = []

    def add(self, summary: ArticleSummary) -> None:
        if self._sink is None:
            return
        self._pending.append(summary)
        if len(self._pending) >= self._size:
            self.flush()

    def flush(self) -> None:
        if self._sink is not None and self._pending:
            batch, self._pending = self._pending, []
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
    it.  ``body_fold`` is the casefolded body, as :meth:`IndexCache.store` wants it.
    """
    del stamps  # the stamp read with the content is the one that counts
    for rows in _parse_encoded(root, ids, workers=workers, should_stop=should_stop):
        yield [
            (summary_from_json(article_id, summary_json), stamp, body_fold)
            for article_id, stamp, summary_json, body_fold in rows
        ]


# -- the work itself ---------------------------------------------------------------------


def parse_chunk(root: str, ids: list[str]) -> list[EncodedRow]:
    """Read and summarise ``ids``; the unit of work a pool process runs."""
    rows: list[EncodedRow] = []
    root_path = Path(root)
    for article_id in ids:
        summary, stamp, body = read_summary(root_path, article_id)
        rows.append((article_id, stamp or UNREAD_STAMP, summary_to_json(summary), body.casefold()))
    return rows


def _parse_encoded(
    root: Path,
    ids: list[str],
    *,
    workers: int | None,
    should_stop: Callable[[], bool] | None,
) -> Iterator[list[EncodedRow]]:
    if not ids:
        return
    chunks = [ids[start : start + CHUNK_SIZE] for start in range(0, len(ids), CHUNK_SIZE)]
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if len(ids) < IN_PROCESS_LIMIT or worker_count <= 1:
        yield from _parse_in_process(root, chunks, should_stop)
        return
    remaining = dict(enumerate(chunks))
    try:
        executor = ProcessPoolExecutor(
            max_workers=min(worker_count, len(chunks)), mp_context=_pool_context()
        )
    except (OSError, RuntimeError, ValueError) as exc:
        log.warning("cannot start parser processes (%s); parsing in this process", exc)
        yield from _parse_in_process(root, chunks, should_stop)
        return
    stopped = False
    try:
        futures: dict[Future[list[EncodedRow]], int] = {
            executor.submit(parse_chunk, os.fspath(root), chunk): number
            for number, chunk in remaining.items()
        }
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
        yield from _parse_in_process(root, list(remaining.values()), should_stop)


def _parse_in_process(
    root: Path, chunks: list[list[str]], should_stop: Callable[[], bool] | None
) -> Iterator[list[EncodedRow]]:
    for chunk in chunks:
        yield parse_chunk(os.fspath(root), chunk)
        if should_stop is not None and should_stop():
            return


def _pool_context() -> multiprocessing.context.BaseContext:
    """A start method that is safe from a threaded (Qt) parent: never "fork"."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the parser (and not the
        # caller's __main__, which may be a test runner or the GUI).
        context.set_forkserver_preload(["reader.index.loader", "reader.domain.parse"])
        return context
    return multiprocessing.get_context("spawn")
