"""Which files in a folder are articles, and reading one of them for the list.

Both run once per file on every open and decide how fast a folder of 10,000 articles
appears:

* :func:`scan_folder_report` walks the folder with ``os.scandir`` and records a
  :class:`FileStamp` (size, mtime_ns, inode) per article: the validators the index cache
  and the folder watcher compare to see what changed.
* :func:`read_summary` reads one file (:func:`reader.domain.parse.read_article_file`)
  and summarises it with :func:`reader.domain.parse.parse_summary`, the same fast path the
  command line and the tests use, pairing the summary with the stamp of what was read.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reader.domain.article import ArticleSummary, Problem

log = logging.getLogger(__name__)

# reader.domain.parse (and through it PyYAML and dateutil) is imported only where a file is
# actually parsed: a warm start reads every summary from the cache and should not pay ~45 ms
# of imports it never uses.

# -- which names are articles ------------------------------------------------------------

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
"""Same as :data:`reader.domain.parse.ARTICLE_SUFFIXES` (a test keeps them equal)."""
_EDITOR_LEFTOVER_SUFFIXES = ("~", ".swp", ".tmp")


_COMMON_SUFFIXES = (".txt", ".md")
"""The suffixes of almost every article file, as written (lower case)."""


def is_article_name(name: str) -> bool:
    """True for a file name reader lists: an article suffix, and not hidden or a leftover.

    Editors and reader's own publish write leave backup, swap and temp files beside the
    real ones; listing them would show every article twice while someone edits.  Publish
    temp files (:func:`reader.domain.publish.is_temp_file_name`) are hidden and lack an
    article suffix, so the first two rules already leave them out (a test holds this).
    """
    if name.endswith(_COMMON_SUFFIXES):  # the pipeline's names: no lower() needed, and
        return not name.startswith((".", "#"))  # they end in no leftover suffix
    lowered = name.lower()
    if not lowered.endswith(ARTICLE_SUFFIXES):
        return False
    return not (name.startswith((".", "#")) or lowered.endswith(_EDITOR_LEFTOVER_SUFFIXES))


# -- walking the folder ------------------------------------------------------------------


class FileStamp(NamedTuple):
    """What says a file is unchanged since it was last read, without reading it.

    A named tuple: a scan makes one per file and compares each with the index's, both in
    C (a frozen dataclass cost a warm 10,000-file list ~10 ms more)."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, result: os.stat_result) -> FileStamp:
        return _new_tuple(cls, (result.st_size, result.st_mtime_ns, result.st_ino))


_new_tuple = tuple.__new__


UNREAD_STAMP = FileStamp(-1, -1, -1)
"""The stamp given to a file that could not be opened: it matches no real file, so a cache
row carrying it is never trusted and the file is tried again next time."""


@dataclass(slots=True)
class ScanReport:
    """One walk of a folder.

    ``files`` maps article ids to stamps; ``unreadable_dirs`` holds the ids (relative
    paths) of subfolders that could not be listed, so callers can say so instead of
    showing fewer articles without a word; ``dirs`` lists every subfolder walked, for the
    watcher.
    """

    files: dict[str, FileStamp] = field(default_factory=dict)
    unreadable_dirs: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)


def scan_folder(root: Path) -> dict[str, FileStamp]:
    """Every article under ``root`` (see :func:`scan_folder_report`)."""
    return scan_folder_report(root).files


def scan_folder_report(root: Path) -> ScanReport:
    """Walk ``root`` recursively and stamp every article file.

    Hidden files and folders are skipped.  Symlinked folders are followed, but each real
    folder (``st_dev``, ``st_ino``) is walked once, so a link back up the tree cannot loop.
    An unreadable subfolder is recorded and skipped; ``root`` itself must be listable, or
    the ``OSError`` propagates (the caller has no folder to show).
    """
    report = ScanReport()
    root_stat = os.stat(root)
    if not stat.S_ISDIR(root_stat.st_mode):
        raise NotADirectoryError(20, "not a folder", str(root))
    seen_dirs = {(root_stat.st_dev, root_stat.st_ino)}
    pending: list[tuple[str, str]] = [("", os.fspath(root))]
    files = report.files
    while pending:
        prefix, path = pending.pop()
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            if not prefix:
                raise
            report.unreadable_dirs.append(prefix[:-1])
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    info = entry.stat()
                    key = (info.st_dev, info.st_ino)
                    if key in seen_dirs:
                        continue
                    seen_dirs.add(key)
                    relative = prefix + name
                    report.dirs.append(relative)
                    pending.append((relative + "/", entry.path))
                elif is_article_name(name) and entry.is_file():
                    files[prefix + name] = FileStamp.of(entry.stat())
            except OSError:
                # Vanished between listing and stat, or a dangling link: not an article now;
                # the watcher's next scan sees it if it comes back.
                continue
    return report


def stamp_files(root: Path, article_ids: Iterable[str]) -> dict[str, FileStamp]:
    """Stamps of just the named articles that exist now, by the rules of the full walk.

    What a watched folder needs after an event: stat the few files it named rather than
    walk 100,000.  An id that is no article name, lies in a hidden folder or is not a
    regular file (any more) is left out, exactly as :func:`scan_folder_report` would.
    """
    stamps: dict[str, FileStamp] = {}
    base = os.fspath(root)
    for article_id in article_ids:
        parts = article_id.split("/")
        if not is_article_name(parts[-1]) or any(part.startswith(".") for part in parts):
            continue
        try:
            info = os.stat(os.path.join(base, *parts))
        except OSError:
            continue  # gone (or unreachable): the caller counts it as removed
        if stat.S_ISREG(info.st_mode):
            stamps[article_id] = FileStamp.of(info)
    return stamps


# -- reading one file --------------------------------------------------------------------


def read_summary(root: Path, article_id: str) -> tuple[ArticleSummary, FileStamp | None, str]:
    """Read and summarise one file; never raises for a bad, missing or huge file.

    Returns the summary, the stamp of the content actually read (taken from the open
    handle, so a cache never pairs new content with an old stamp; None if the file could
    not be opened) and the body text.
    """
    summary, stamp, body, _yaml_text = read_summary_and_front_matter(root, article_id)
    return summary, stamp, body


def read_summary_and_front_matter(
    root: Path, article_id: str
) -> tuple[ArticleSummary, FileStamp | None, str, str | None]:
    """:func:`read_summary`, plus the front matter's text as it was read (None when there
    is none or the file is an error row), for a caller that reads more from it."""
    from reader.domain.parse import (
        error_summary,
        os_error_problem,
        parse_summary_and_front_matter,
        read_article_file,
        too_large_problem,
    )

    try:
        content = read_article_file(os.path.join(root, article_id))
    except OSError as exc:
        return error_summary(article_id, os_error_problem(exc)), None, "", None
    stamp = FileStamp(content.size, content.mtime_ns, content.inode)
    if content.data is None:
        return error_summary(article_id, too_large_problem(content.size)), stamp, "", None
    try:
        summary, body, yaml_text = parse_summary_and_front_matter(article_id, content.data)
    except Exception as exc:  # a parser bug must cost one file, never the whole folder
        log.debug("reading %s failed", article_id, exc_info=True)
        problem = Problem(
            f"reader could not read this file ({type(exc).__name__}: {exc}); "
            "please report it with the file attached"
        )
        return error_summary(article_id, problem), stamp, "", None
    return summary, stamp, body, yaml_text
