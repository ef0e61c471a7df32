"""The ``reader`` command: the desktop window, or the same core without one.

``reader [FOLDER]`` opens the window (imported lazily, so the command line never pays for
Qt).  ``list``, ``show``, ``publish``, ``unpublish`` and ``check`` work on a folder from a
shell.  Exit codes: 0 success; 1 a problem was found or a write failed (one line per
failure on stderr); 2 bad arguments or an unknown id, with nothing changed.  Every message
is one line; no traceback reaches the user.

Anything printed that came from a file (ids, titles, messages) goes through
:func:`printable`: a file name holding a newline or a terminal escape sequence must not be
able to forge output lines or reprogram the editor's terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from reader import __version__, paths
from reader.domain.article import ArticleDetail, ArticleSummary, Problem, Severity
from reader.domain.dates import to_iso
from reader.domain.query import Query, QueryError
from reader.domain.query import parse as parse_query
from reader.domain.words import counted
from reader.index.cache import IndexCache, summary_fields
from reader.index.loader import (
    LoadResult,
    check_files,
    folder_stories,
    load_folder,
    parse_described,
    parse_described_stories,
    stories_wanted,
)
from reader.index.scan import FileStamp, ScanReport, scan_folder_report

if TYPE_CHECKING:
    from reader.domain.stories import StoryFeatures, StoryGrouper
    from reader.index.loader import EncodedRow
    from reader.index.snapshot import StoredRow

log = logging.getLogger(__name__)

COMMANDS = ("list", "show", "publish", "unpublish", "check", "install-desktop")
STATES = ("all", "published", "unpublished", "error")
SORTS = ("date", "title", "source", "quality", "heat")

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 3


class UsageError(Exception):
    """Bad arguments or an unknown id: one line on stderr, exit 2, nothing changed."""


class FolderUnreadableError(Exception):
    """The folder exists but cannot be listed: one line on stderr, exit 1."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    _tolerate_unencodable_output()
    handlers: list[logging.Handler] = []
    previous_level = logging.getLogger().level
    try:
        options = _parse_arguments(arguments)
        if options.verbose:
            handlers = _start_verbose_logging()
        return _dispatch(options)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except FolderUnreadableError as exc:
        _error(str(exc))
        return EXIT_PROBLEM
    except SystemExit as exc:  # --help and --version end through argparse's exit()
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except BrokenPipeError:
        # The reader of our output went away (``reader list | head``): stop quietly, and
        # keep Python from complaining again when it flushes stdout at exit.
        _detach_stdout()
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130
    finally:
        for handler in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()
        logging.getLogger().setLevel(previous_level)


# -- arguments ---------------------------------------------------------------------------


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, but a mistake is a :class:`UsageError` (one line, exit 2), not an exit."""

    def error(self, message: str) -> NoReturn:
        # argparse repeats the offending argument: escape it like anything else echoed.
        raise UsageError(f"{printable(message)} (see '{self.prog} --help')")


def _parse_arguments(arguments: list[str]) -> argparse.Namespace:
    if _command_of(arguments) is not None:
        return _command_parser().parse_args(arguments)
    positional = [argument for argument in arguments if not argument.startswith("-")]
    if len(positional) > 1 and "--" not in arguments:
        raise UsageError(
            f"unknown command {printable(positional[0])!r}: choose from {', '.join(COMMANDS)} "
            "(see 'reader --help')"
        )
    return _window_parser().parse_args(arguments)


def _command_of(arguments: list[str]) -> str | None:
    """The subcommand named by the first positional argument, if it names one."""
    for argument in arguments:
        if argument == "--":
            return None
        if argument.startswith("-"):
            continue
        return argument if argument in COMMANDS else None
    return None


def _common_options(*, in_command: bool = False) -> argparse.ArgumentParser:
    """``--verbose``, accepted before and after the command name.

    Inside a command its default is "not given", so that ``reader -v list`` keeps the
    value set before the command (argparse would otherwise reset it to False).
    """
    common = _ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true",
        default=argparse.SUPPRESS if in_command else False,
        help="log what reader does to stderr and to reader.log in the state folder",
    )
    return common


def _window_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="reader",
        parents=[_common_options()],
        usage=(
            "reader [-v] [FOLDER]\n"
            "       reader {list,show,publish,unpublish,check,install-desktop} ..."
        ),
        description=(
            "Browse a folder of news articles and mark them published. With a FOLDER (or "
            "none: the last folder opened, else the bundled samples) this opens the window; "
            "the commands below work from a shell."
        ),
        epilog=(
            "commands (see 'reader COMMAND --help'):\n"
            "  list FOLDER        the articles as a table or JSON Lines\n"
            "  show FOLDER ID     one article in full\n"
            "  publish FOLDER ID...    set published: true\n"
            "  unpublish FOLDER ID...  set published: false\n"
            "  check FOLDER       every problem in the folder\n"
            "  install-desktop [--remove]  the menu entry and 'Open With' for folders\n\n"
            "exit codes: 0 success, 1 a problem was found or a write failed, "
            "2 bad arguments or an unknown id"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    parser.add_argument("folder", nargs="?", metavar="FOLDER", help="the folder to open")
    parser.set_defaults(command=None)
    return parser


def _command_parser() -> argparse.ArgumentParser:
    common = _common_options(in_command=True)
    parser = _ArgumentParser(prog="reader", parents=[_common_options()])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    listing = commands.add_parser(
        "list", parents=[common], help="list the articles",
        description="List the articles of FOLDER: an aligned table, or JSON Lines.",
    )
    listing.add_argument("folder", metavar="FOLDER")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--state", choices=STATES, default="all", help="which articles")
    listing.add_argument(
        "--sort", choices=SORTS, default="date",
        help="order: date (newest first, undated last), title, source, quality or heat "
        "(highest first)",
    )
    listing.add_argument(
        "--group", choices=("story",),
        help="one line per story (the same news across outlets): headline, outlets, "
        "articles, how many are published, newest date",
    )
    listing.add_argument(
        "--search", metavar="QUERY",
        help="only articles matching the search QUERY: words (in title, excerpt, source, "
        'topics or body, ignoring case and accents), "phrases", OR, -word, (groups), '
        "title: excerpt: body: source: url: id: topic: category: type: is: has: quality: "
        "heat: date: (see the README's Search section)",
    )

    show = commands.add_parser(
        "show", parents=[common], help="show one article in full",
        description="Show every field of one article, its body, images and related coverage.",
    )
    show.add_argument("folder", metavar="FOLDER")
    show.add_argument("id", metavar="ID", help="the article's path relative to FOLDER")
    show.add_argument("--json", action="store_true", help="the article as one JSON object")
    show.add_argument(
        "--original", action="store_true",
        help="the original web page's title and text instead (Reader view): fetched from "
        "originalUrl, else webUrl, else ampWebUrl, and cached in $XDG_CACHE_HOME/reader",
    )
    show.add_argument(
        "--refresh", action="store_true", help="with --original: fetch again, past the cache"
    )

    for name, verb in (("publish", "true"), ("unpublish", "false")):
        command = commands.add_parser(
            name, parents=[common], help=f"set published: {verb}",
            description=(
                f"Set published: {verb} in each article, changing nothing else in the file. "
                "Every ID is checked before anything is written."
            ),
        )
        command.add_argument("folder", metavar="FOLDER")
        command.add_argument("ids", metavar="ID", nargs="+", help="article paths under FOLDER")

    check = commands.add_parser(
        "check", parents=[common], help="report every problem",
        description=(
            "Report every problem in FOLDER, one 'path:line: message' line each; "
            "exit 1 if there is any."
        ),
    )
    check.add_argument("folder", metavar="FOLDER")

    desktop = commands.add_parser(
        "install-desktop", parents=[common], help="add reader to the desktop's menu",
        description=(
            "Write reader's desktop entry and icon into the user's XDG data folder, so it "
            "shows in the application menu and file managers offer it for folders; "
            "--remove takes them away again."
        ),
    )
    desktop.add_argument(
        "--remove", action="store_true", help="remove the entry and icon written before"
    )
    return parser


def _dispatch(options: argparse.Namespace) -> int:
    if options.command is None:
        return _open_window(_folder_argument(options.folder) if options.folder else None)
    if options.command == "install-desktop":
        return install_desktop_command(remove=options.remove)
    folder = _folder_argument(options.folder)
    if options.command == "list":
        return list_command(folder, as_json=options.json, state=options.state,
                            sort=options.sort, search=options.search, group=options.group)
    if options.command == "show":
        if options.original:
            return show_original_command(
                folder, options.id, as_json=options.json, refresh=options.refresh
            )
        if options.refresh:
            raise UsageError("--refresh only goes with --original (see 'reader show --help')")
        return show_command(folder, options.id, as_json=options.json)
    if options.command in ("publish", "unpublish"):
        return publish_command(folder, options.ids, value=options.command == "publish")
    return check_command(folder)


def _folder_argument(text: str) -> Path:
    text = _local_path(text)
    try:
        folder = Path(text).expanduser()
    except RuntimeError:  # "~someone" for a user this system does not know
        raise UsageError(f"cannot find the home folder in {printable(text)}") from None
    if not folder.exists():
        raise UsageError(f"folder {printable(text)} does not exist")
    if not folder.is_dir():
        raise UsageError(f"{printable(text)} is not a folder")
    return folder


# -- the window --------------------------------------------------------------------------


def _open_window(folder: Path | None) -> int:
    try:
        from reader import app
    except ImportError as exc:
        _error(
            f"the desktop window cannot start ({exc}); the command line still works, "
            "e.g. 'reader list FOLDER'"
        )
        return EXIT_PROBLEM
    return app.run(folder)


def _local_path(text: str) -> str:
    """A ``file://`` URI (what some file managers pass to "Open With") as a local path."""
    if not text.startswith("file:/"):
        return text
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(text)
    if parts.netloc not in ("", "localhost"):
        raise UsageError(f"{printable(text)} is on another machine; open a local folder")
    return unquote(parts.path)


def install_desktop_command(*, remove: bool = False) -> int:
    """``reader install-desktop [--remove]``: says each thing it did, one line each."""
    from reader import desktop_install

    def report(line: str) -> None:
        print(printable(line))

    try:
        (desktop_install.remove if remove else desktop_install.install)(report)
    except desktop_install.DesktopInstallError as exc:
        _error(str(exc))
        return EXIT_PROBLEM
    return EXIT_OK


# -- list --------------------------------------------------------------------------------


def list_command(
    folder: Path, *, as_json: bool = False, state: str = "all", sort: str = "date",
    search: str | None = None, group: str | None = None,
) -> int:
    """``reader list``: the folder's articles, filtered, sorted, as a table or JSON Lines.

    Every JSON line carries its article's ``story`` (:mod:`reader.domain.stories`, read
    from the index); ``group="story"`` prints one entry per story of the selected articles.

    ``search`` is the search language (:mod:`reader.domain.query`), parsed before anything
    is read so that a malformed query costs nothing and prints nothing on stdout.
    """
    query = None
    if search:
        try:
            query = parse_query(search)
        except QueryError as exc:
            _error(f"--search {search!r}: {exc}")
            return EXIT_USAGE
    cache = IndexCache.open(folder)
    try:
        fast = as_json and (query is None or query.is_empty) and sort == "date" and not group
        if fast and _list_cached_lines(folder, cache, state):
            return EXIT_OK
        result = _load(folder, cache)
        articles = [a for a in result.articles.values() if _in_state(a, state)]
        if query is not None and not query.is_empty:
            articles = _search(articles, query, cache)
        stories = folder_stories(folder, result.stamps, cache) if as_json or group else {}
    finally:
        cache.close()
    articles.sort(key=_SORT_KEYS[sort])
    _report_unreadable(result.unreadable_dirs)
    out = sys.stdout
    if group == "story":
        _write_stories(out, articles, stories, as_json=as_json)
    elif as_json:
        for start in range(0, len(articles), _LINES_PER_WRITE):
            out.write("".join(
                with_story(json_line(a), stories.get(a.id, a.id))
                for a in articles[start : start + _LINES_PER_WRITE]
            ))
    else:
        _write_table(out, articles)
    out.flush()
    return EXIT_OK


LIST_LINE_FORMAT = 1
"""Bump whenever :func:`json_line`'s output changes: lines cached in the old form are unused."""


def _list_cached_lines(folder: Path, cache: IndexCache, state: str) -> bool:
    """Print ``list --json`` (date order) from list lines, never decoding a summary.

    The lines the cache kept are printed as they are once the scan's stamps vouch for
    them; files that are new or changed (all of them on a cold start) are parsed, and
    their lines made, by the parser itself - in worker processes when there are many -
    and stored with their rows for next time.  Decoding summaries only to encode them
    again took most of a warm run and a third of a cold one's CPU.  False (use the full
    path) only if the cache cannot be read.  Tests hold this output equal to the full
    path's.
    """
    from reader.domain.stories import StoryGrouper

    report = _scan(folder)
    with_stories = stories_wanted()
    kept = cache.listed_output(report.files, LIST_LINE_FORMAT, stories=with_stories)
    if kept is not None:  # nothing changed since the last list: print what it printed
        lines, states = kept
        _report_unreadable(report.unreadable_dirs)
        _write_lines(sys.stdout, _in_list_state(lines, states, state))
        sys.stdout.flush()
        return True
    outcome = cache.listed_lines(report.files, LIST_LINE_FORMAT)
    if outcome is None:
        return False
    listed, stale, gone = outcome
    known: dict[str, StoryFeatures] = {}
    grouper = StoryGrouper(one_shot=True) if with_stories and stale else None
    # A list that parses the whole folder (a cold one) leaves the window's snapshot behind
    # as well: the first window after it otherwise read 100,000 rows out of the index,
    # 2.2-2.8 s to every row against 1.5 s from a snapshot.
    snapshot_rows: list[tuple[float | None, StoredRow]] | None = (
        [] if stale and len(stale) == len(report.files) else None
    )
    as_scanned = True
    if stale:
        parsed, as_scanned = _parse_listed(
            folder, cache, stale, known, grouper, snapshot_rows, report.files
        )
        listed += parsed
    if gone:
        cache.prune(report.files)
    listed.sort(key=_cached_date_key)
    stories = folder_stories(folder, report.files, cache, known=known, prepared=grouper)
    _report_unreadable(report.unreadable_dirs)
    lines = [with_story(row[1], stories.get(row[0], row[0])) for row in listed]
    states = [row[2] for row in listed]
    out = sys.stdout
    _write_lines(out, _in_list_state(lines, states, state))
    out.flush()
    if snapshot_rows:
        cache.write_listed_snapshot(snapshot_rows)
    if as_scanned:
        cache.write_listed_output(
            report.files, lines, states, LIST_LINE_FORMAT, stories=with_stories
        )
    return True


def _in_list_state(lines: list[str], states: list[str], state: str) -> list[str]:
    """The lines whose article is in ``state`` ("all": every line)."""
    if state == "all":
        return lines
    return [line for line, line_state in zip(lines, states, strict=True) if line_state == state]


def _parse_listed(
    folder: Path, cache: IndexCache, ids: list[str], known: dict[str, StoryFeatures],
    grouper: StoryGrouper | None = None,
    snapshot_rows: list[tuple[float | None, StoredRow]] | None = None,
    stamps: dict[str, FileStamp] | None = None,
) -> tuple[list[tuple[str, str, str, float | None]], bool]:
    """Parse ``ids``, storing each row with its list line; their ``(id, line, state, time)``,
    and whether every one was read from the content the scan stamped (``stamps``).

    Rows are stored on a thread of their own (SQLite releases the GIL while it writes)
    so that writing overlaps with taking in the next batch.  Each file's story features
    go into ``known`` as they arrive, decoded while the parsers work, so grouping need
    not read them back from the index, and are indexed by ``grouper`` (if any: see
    :meth:`~reader.domain.stories.StoryGrouper.prepare`) while the parsers work on.

    With ``snapshot_rows``, the parsers also give each summary's stored fields, and every
    row read from the content the scan saw (its stamp is in ``stamps``) goes there, for
    the window's snapshot (:meth:`IndexCache.write_listed_snapshot`).
    """
    from concurrent.futures import ThreadPoolExecutor

    from reader.domain.stories import StoryFeatures

    describe = list_line_parts if snapshot_rows is None else list_line_parts_and_fields
    # Switched off (READER_STORIES=off, the benchmark's baseline), no story features are
    # made either: the baseline is a list without stories, not one without clustering.
    with_stories = stories_wanted()
    batches = (
        parse_described_stories(folder, ids, describe) if with_stories
        else ([(encoded, listed, "") for encoded, listed in batch]
              for batch in parse_described(folder, ids, describe))
    )
    rows: list[tuple[str, str, str, float | None]] = []
    as_scanned = stamps is not None
    with ThreadPoolExecutor(1, thread_name_prefix="index-cache-writer") as writer:
        writes = []
        for batch in batches:
            if stamps is not None and as_scanned:
                as_scanned = all(
                    stamps.get(encoded[0]) == encoded[1:4] for encoded, _l, _f in batch
                )
            if snapshot_rows is not None:
                assert stamps is not None
                batch = _kept_for_snapshot(batch, stamps, snapshot_rows)
            listed_rows = [(encoded, listed) for encoded, listed, _features in batch]
            writes.append(
                writer.submit(cache.store_encoded_listed, listed_rows, LIST_LINE_FORMAT)
            )
            rows += [(encoded[0], *listed) for encoded, listed, _features in batch]
            if not with_stories:
                continue
            # Story features come from the same read (folder_stories then reads none).
            writes.append(writer.submit(cache.store_story_features, [
                (encoded[0], encoded[1], encoded[2], encoded[3], features)
                for encoded, _listed, features in batch
            ]))
            decoded = [
                StoryFeatures.from_json(encoded[0], json.loads(features))
                for encoded, _listed, features in batch
            ]
            known.update((f.id, f) for f in decoded)
            if grouper is not None:
                grouper.prepare(decoded)
        for write in writes:
            write.result()
    return rows, as_scanned


def list_line_parts(article: ArticleSummary) -> tuple[str, str, float | None]:
    """What a cached list line is stored with: the line, its ``--state`` and date key."""
    when = article.published_at
    return json_line(article), _state_of(article), None if when is None else when.timestamp()


def list_line_parts_and_fields(
    article: ArticleSummary,
) -> tuple[str, str, float | None, list[Any]]:
    """:func:`list_line_parts` and the summary's stored fields (for the snapshot)."""
    return (*list_line_parts(article), summary_fields(article))


def _kept_for_snapshot(
    batch: list[tuple[EncodedRow, tuple[str, str, float | None, list[Any]], str]],
    stamps: dict[str, FileStamp],
    snapshot_rows: list[tuple[float | None, StoredRow]],
) -> list[tuple[EncodedRow, tuple[str, str, float | None], str]]:
    """Put each row of ``batch`` read from what the scan saw into ``snapshot_rows`` (as
    a window's load keeps only those); the batch without the fields."""
    kept = []
    for encoded, (line, state, time, fields), features in batch:
        article_id, size, mtime_ns, inode = encoded[:4]
        if stamps.get(article_id) == (size, mtime_ns, inode):
            snapshot_rows.append((time, (article_id, size, mtime_ns, inode, fields)))
        kept.append((encoded, (line, state, time), features))
    return kept


def _cached_date_key(row: tuple[str, str, str, float | None]) -> tuple[Any, ...]:
    """:func:`_date_key` for a cached row (same tuple, so the same order)."""
    when = row[3]
    if when is None:
        return (1, 0.0, row[0])
    return (0, -when, row[0])


def _state_of(article: ArticleSummary) -> str:
    """The ``--state`` value (other than "all") that ``article`` belongs to."""
    if article.is_error:
        return "error"
    return "published" if article.published else "unpublished"


def _report_unreadable(directories: list[str]) -> None:
    for directory in directories:
        _error(f"cannot read the folder {printable(directory)}/: check its permissions")


def _write_lines(out: TextIO, lines: list[str]) -> None:
    for start in range(0, len(lines), _LINES_PER_WRITE):
        out.write("".join(lines[start : start + _LINES_PER_WRITE]))


_LINES_PER_WRITE = 2000
"""Output is written in slices so 100,000 lines never sit in memory as one string."""


def list_record(article: ArticleSummary) -> dict[str, Any]:
    """One article as ``reader list --json`` prints it."""
    error = article.error
    return {
        "id": article.id,
        "title": article.title,
        "excerpt": article.excerpt,
        "published_at": _iso(article.published_at),
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "quality": _finite(article.quality),
        "heat": _finite(article.heat),
        "topics": list(article.topics),
        "error": None if error is None else error.message,
        "warnings": [warning.message for warning in article.warnings],
    }


_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C-accelerated


def json_line(article: ArticleSummary) -> str:
    """``json.dumps(list_record(article), ensure_ascii=False)`` plus a newline, built directly.

    Printing 10,000 articles is a fifth of a warm ``reader list --json``; skipping the dict
    and the encoder's generic machinery halves that.  A test holds the two equal.
    """
    error = article.error
    return (
        f'{{"id": {_quote(article.id)}, "title": {_quote(article.title)}, '
        f'"excerpt": {_quote(article.excerpt)}, '
        f'"published_at": {_json_text(_iso(article.published_at))}, '
        f'"source": {_quote(article.source)}, "url": {_quote(article.url)}, '
        f'"published": {"true" if article.published else "false"}, '
        f'"quality": {_json_number(article.quality)}, "heat": {_json_number(article.heat)}, '
        f'"topics": [{", ".join(map(_quote, article.topics))}], '
        f'"error": {"null" if error is None else _quote(error.message)}, '
        f'"warnings": [{", ".join(_quote(w.message) for w in article.warnings)}]}}\n'
    )


def with_story(line: str, story: str) -> str:
    """A list line with its ``"story"`` added last: the story is not stored in the line,
    since it moves when *other* files change, so it is joined on at print time."""
    return f'{line[:-2]}, "story": {_quote(story)}}}\n'


def story_records(
    articles: list[ArticleSummary], stories: dict[str, str]
) -> list[dict[str, Any]]:
    """One record per story of ``articles`` (already selected and sorted), newest first.

    The headline is the earliest-published selected article's title (the report that
    broke the news), preferring files with front matter (a written headline) over
    body-only ones whose title is their first line; ``articles`` keeps the
    list order; ``outlets`` are the distinct sources in that order.
    """
    members: dict[str, list[ArticleSummary]] = {}
    for article in articles:
        members.setdefault(stories.get(article.id, article.id), []).append(article)
    records = []
    for story, group in members.items():
        titled = [a for a in group if a.has_front_matter] or group  # a written headline
        dated = [a for a in titled if a.published_at is not None]
        lead = min(dated, key=lambda a: (a.published_at, a.id)) if dated else titled[0]
        newest = max((a.published_at for a in group if a.published_at), default=None)
        outlets = list(dict.fromkeys(a.source or a.source_domain for a in group))
        records.append({
            "story": story,
            "headline": lead.title,
            "articles": [a.id for a in group],
            "outlets": [outlet for outlet in outlets if outlet],
            "published": sum(1 for a in group if a.published and not a.is_error),
            "newest": _iso(newest),
        })
    records.sort(key=lambda r: r["story"])
    records.sort(key=lambda r: r["newest"] or "", reverse=True)  # stable: undated last
    return records


def _write_stories(
    out: TextIO, articles: list[ArticleSummary], stories: dict[str, str], *, as_json: bool
) -> None:
    records = story_records(articles, stories)
    if as_json:
        out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        return
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns
    header = ("NEWEST", "ARTICLES", "PUBLISHED", "OUTLETS", "HEADLINE")
    rows = [
        (
            (r["newest"] or "")[:10],
            str(len(r["articles"])),
            str(r["published"]),
            printable(", ".join(r["outlets"])),
            printable(r["headline"]),
        )
        for r in records
    ]
    widths = [10, 8, 9, 0, 0]
    widths[3] = min(40, max([7] + [display_width(r[3]) for r in rows]))
    widths[4] = max(20, width - sum(widths[:4]) - 8)
    lines = []
    for row in (header, *rows):
        cells = [fit(cell, widths[i], right=i in (1, 2)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip() + "\n")
    out.write("".join(lines))


def _json_text(value: str | None) -> str:
    return "null" if value is None else _quote(value)


def _json_number(value: float | None) -> str:
    value = _finite(value)
    if value is None:
        return "null"
    return float.__repr__(value) if isinstance(value, float) else int.__repr__(int(value))


def _in_state(article: ArticleSummary, state: str) -> bool:
    if state == "all":
        return True
    if state == "error":
        return article.is_error
    if article.is_error:
        return False
    return article.published == (state == "published")


def _search(
    articles: list[ArticleSummary], query: Query, cache: IndexCache
) -> list[ArticleSummary]:
    """Articles matching ``query``; each text the bodies must answer is looked up once."""
    body = {needle: cache.search_bodies(needle) for needle in query.body_terms}
    return query.filter(articles, body)


def _date_key(article: ArticleSummary) -> tuple[Any, ...]:
    when = article.published_at
    if when is None:
        return (1, 0.0, article.id)
    return (0, -when.timestamp(), article.id)


def _text_key(
    field: Callable[[ArticleSummary], str],
) -> Callable[[ArticleSummary], tuple[Any, ...]]:
    def key(article: ArticleSummary) -> tuple[Any, ...]:
        value = field(article).casefold()
        return (value == "", value, article.id)

    return key


def _number_key(
    field: Callable[[ArticleSummary], float | None],
) -> Callable[[ArticleSummary], tuple[Any, ...]]:
    def key(article: ArticleSummary) -> tuple[Any, ...]:
        value = _finite(field(article))
        return (value is None, -(value or 0), article.id)

    return key


_SORT_KEYS: dict[str, Callable[[ArticleSummary], tuple[Any, ...]]] = {
    "date": _date_key,
    "title": _text_key(lambda a: a.title),
    "source": _text_key(lambda a: a.source),
    "quality": _number_key(lambda a: a.quality),
    "heat": _number_key(lambda a: a.heat),
}


def _write_table(out: TextIO, articles: list[ArticleSummary]) -> None:
    """An aligned table sized to the terminal; the id comes last and is never cut."""
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns
    rows = [
        (
            "error" if a.is_error else ("yes" if a.published else "no"),
            _day(a),
            printable(a.source),
            _number(a.quality),
            _number(a.heat),
            printable(a.title if a.error is None else f"{a.title} [{a.error.message}]"),
            printable(a.id),
        )
        for a in articles
    ]
    header = ("PUB", "DATE", "SOURCE", "QUALITY", "HEAT", "TITLE", "ID")
    limits = (5, 10, 24, 7, 6, None, None)
    widths = [
        min(limit or 10**6, max([display_width(header[i])] + [display_width(r[i]) for r in rows]))
        for i, limit in enumerate(limits)
    ]
    fixed = sum(widths[:5]) + sum(widths[6:]) + 2 * (len(widths) - 1)
    widths[5] = max(20, min(widths[5], width - fixed))
    right_aligned = {3, 4}
    lines = []
    for row in (header, *rows):
        cells = [
            fit(cell, widths[i], right=i in right_aligned) if i < 6 else cell
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip() + "\n")
    out.write("".join(lines))


def _day(article: ArticleSummary) -> str:
    if article.published_at is not None:
        return article.published_at.strftime("%Y-%m-%d")
    return ""


def _number(value: float | None) -> str:
    value = _finite(value)
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


# -- show --------------------------------------------------------------------------------


def show_command(folder: Path, article_id: str, *, as_json: bool = False) -> int:
    """``reader show``: one article in full."""
    from reader.domain.parse import load_detail

    (resolved,) = resolve_ids(folder, [article_id])
    detail = load_detail(folder, resolved)
    out = sys.stdout
    if as_json:
        record = detail_record(detail, folder)
        record["story"] = _story_of(folder, resolved)
        out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_detail_text(detail, folder))
    out.flush()
    return EXIT_OK


def show_original_command(
    folder: Path, article_id: str, *, as_json: bool = False, refresh: bool = False
) -> int:
    """``reader show --original``: the original page's title and text (Reader view).

    Nothing in the folder is written; a failure is one sentence on stderr and exit 1,
    with nothing on stdout.
    """
    from reader.domain.original import OriginalError, read_original
    from reader.domain.original_cache import OriginalCache
    from reader.domain.parse import load_detail

    (resolved,) = resolve_ids(folder, [article_id])
    summary = load_detail(folder, resolved).summary
    if summary.is_error:
        problem = summary.error
        _error(f"{printable(resolved)} could not be read, so neither could its original: "
               f"{printable(problem.message if problem else 'unknown problem')}", prefix=False)
        return EXIT_PROBLEM
    try:
        original = read_original(
            summary, cache=OriginalCache(paths.cache_dir() / "originals"), refresh=refresh
        )
    except OriginalError as exc:
        _error(printable(str(exc)), prefix=False)
        return EXIT_PROBLEM
    out = sys.stdout
    if as_json:
        record = {
            "id": resolved,
            "url": original.url,
            "title": original.title,
            "text": original.text,
            "fetched": original.fetched.isoformat(),
            "cached": original.cached,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        lines = [printable(original.title or summary.title), ""]
        lines.append(printable(original.text, keep_newlines=True))
        lines.extend(["", f"(from {printable(original.url)}, fetched "
                      f"{original.fetched.isoformat()}{', cached' if original.cached else ''})"])
        out.write("\n".join(lines) + "\n")
    out.flush()
    return EXIT_OK


def _story_of(folder: Path, article_id: str) -> dict[str, Any]:
    """``{"id": story id, "articles": [ids]}`` of one article, from the index."""
    cache = IndexCache.open(folder)
    try:
        stories = folder_stories(folder, _scan(folder).files, cache)
    finally:
        cache.close()
    story = stories.get(article_id, article_id)
    members = sorted(i for i, s in stories.items() if s == story)
    return {"id": story, "articles": members or [article_id]}


def detail_record(detail: ArticleDetail, folder: Path) -> dict[str, Any]:
    """One article in full, JSON-ready; ``secured`` is only ``true``/``false``."""
    summary = detail.summary
    record = list_record(summary)
    record.update(
        {
            "path": os.fspath(folder / summary.id),
            "published_at_text": summary.published_at_text,
            "source_domain": summary.source_domain,
            "web_url": summary.web_url,
            "amp_url": summary.amp_url,
            "cdn_amp_url": summary.cdn_amp_url,
            "category": summary.category,
            "type": summary.type,
            "has_front_matter": summary.has_front_matter,
            "problems": [_problem_record(p) for p in summary.problems],
            "images": [_image_record(image) for image in detail.images],
            "related": [
                {
                    "title": item.title,
                    "excerpt": item.excerpt,
                    "published_at": _iso(item.published_at),
                    "url": item.url,
                    "type": item.type,
                    "source": item.provider.name,
                    "source_domain": item.provider.domain,
                    "quality": _finite(item.quality),
                    "images": [_image_record(image) for image in item.images],
                }
                for item in detail.related
            ],
            "other_fields": {key: json_safe(value) for key, value in detail.other_fields.items()},
            "secured": detail.has_secured,
            "body": detail.body,
        }
    )
    return record


def _problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "message": problem.message,
        "severity": problem.severity.value,
        "line": problem.line,
        "column": problem.column,
    }


def _image_record(image: Any) -> dict[str, Any]:
    return {
        "url": image.url,
        "width": image.width,
        "height": image.height,
        "is_cached": image.is_cached,
    }


def _detail_text(detail: ArticleDetail, folder: Path) -> str:
    summary = detail.summary
    lines: list[str] = []

    def field(name: str, value: object) -> None:
        if value not in (None, "", (), []):
            lines.append(f"{name}: {printable(str(value))}")

    field("id", summary.id)
    field("path", os.fspath(folder / summary.id))
    field("title", summary.title)
    if summary.is_error:
        field("state", "error")
    else:
        field("state", "published" if summary.published else "not published")
    field("date", to_iso(summary.published_at) or summary.published_at_text)
    source = summary.source
    if summary.source_domain:
        source = f"{source} ({summary.source_domain})" if source else summary.source_domain
    field("source", source)
    field("category", summary.category)
    field("type", summary.type)
    field("quality", _number(summary.quality))
    field("heat", _number(summary.heat))
    field("topics", ", ".join(summary.topics))
    field("original url", summary.url)
    field("web url", summary.web_url)
    field("amp url", summary.amp_url)
    field("cdn amp url", summary.cdn_amp_url)
    field("excerpt", summary.excerpt)
    if detail.has_secured:
        lines.append("secured: present")
    for problem in summary.problems:
        location = f"line {problem.line}: " if problem.line is not None else ""
        lines.append(f"{problem.severity.value}: {location}{printable(problem.message)}")
    if detail.images:
        lines.append("images:")
        for image in detail.images:
            size = f" ({image.width}x{image.height})" if image.width and image.height else ""
            lines.append(f"  - {printable(image.url)}{size}")
    if detail.related:
        lines.append("related:")
        for item in detail.related:
            facts = ", ".join(
                part for part in (item.provider.name, _iso(item.published_at) or "") if part
            )
            suffix = f" ({printable(facts)})" if facts else ""
            lines.append(f"  - {printable(item.title)}{suffix}")
            if item.url:
                lines.append(f"    {printable(item.url)}")
            if item.excerpt:
                lines.append(f"    {printable(item.excerpt)}")
    if detail.other_fields:
        lines.append("other fields:")
        for key, value in detail.other_fields.items():
            shown = json.dumps(json_safe(value), ensure_ascii=False)
            lines.append(f"  {printable(key)}: {printable(shown)}")
    lines.append("")
    if detail.body.strip():
        lines.append(printable(detail.body, keep_newlines=True).rstrip("\n"))
    else:
        lines.append("(no body)")
    return "\n".join(lines) + "\n"


def json_safe(value: Any) -> Any:
    """A front-matter value as JSON can hold it (dates as ISO text, odd types as text)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(item) for item in value]
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    return str(value)


# -- publish / unpublish -----------------------------------------------------------------


def publish_command(folder: Path, ids: list[str], *, value: bool) -> int:
    """``reader publish``/``unpublish``: every id checked first, then each file written."""
    from reader.domain.publish import (
        PublishError,
        find_stale_temp_files,
        remove_stale_temp_files,
        set_published,
    )

    resolved = list(dict.fromkeys(resolve_ids(folder, ids)))
    verb = "publish" if value else "unpublish"
    failures = 0
    for article_id in resolved:
        # A write killed earlier (kill -9, power cut) may have left its temp file beside
        # the article; the window sweeps the folder when it opens, the command line cleans
        # up after itself here, before it writes.  A writer still running keeps its file.
        remove_stale_temp_files(find_stale_temp_files(folder, only_beside=folder / article_id))
        try:
            outcome = set_published(folder / article_id, value, display_name=article_id)
        except PublishError as exc:
            failures += 1
            _error(f"cannot {verb} {printable(article_id)}: {printable(exc.reason)}")
            continue
        except OSError as exc:
            failures += 1
            _error(f"cannot {verb} {printable(article_id)}: {printable(exc.strerror or str(exc))}")
            continue
        state = "published" if value else "unpublished"
        done = state if outcome.changed else f"already {state}"
        sys.stdout.write(f"{printable(article_id)}: {done}\n")
    sys.stdout.flush()
    return EXIT_PROBLEM if failures else EXIT_OK


def resolve_ids(folder: Path, ids: Iterable[str]) -> list[str]:
    """Article ids for what the user typed, or :class:`UsageError` naming the unknown ones.

    An id is the path relative to FOLDER; ``./a.txt``, ``sub\\a.txt`` on Windows, and a
    path to the file itself (absolute or from the current folder) are accepted too.
    """
    known = _scan(folder).files
    resolved: list[str] = []
    unknown: list[str] = []
    for typed in ids:
        article_id = _normalise_id(folder, typed, known)
        if article_id is None:
            unknown.append(typed)
        else:
            resolved.append(article_id)
    if unknown:
        names = ", ".join(repr(printable(name)) for name in unknown)
        noun = "article" if len(unknown) == 1 else "articles"
        raise UsageError(f"no {noun} {names} in {printable(os.fspath(folder))}")
    return resolved


def _normalise_id(folder: Path, typed: str, known: dict[str, Any]) -> str | None:
    if typed in known:
        return typed
    candidate = typed.replace(os.sep, "/") if os.sep != "/" else typed
    candidate = posixpath.normpath(candidate)
    if candidate in known:
        return candidate
    try:
        relative = Path(typed).resolve().relative_to(folder.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    return relative if relative in known else None


# -- check -------------------------------------------------------------------------------


def check_command(folder: Path) -> int:
    """``reader check``: every problem, ``path:line: severity: message``; exit 1 if any."""
    report = _scan(folder)
    found: dict[str, tuple[Problem, ...]] = {}
    for batch in check_files(folder, list(report.files)):
        found.update(batch)
    lines: list[str] = []
    errors = warnings = 0
    for directory in sorted(report.unreadable_dirs):
        errors += 1
        lines.append(
            f"{printable(directory)}/: error: cannot read this folder: check its permissions\n"
        )
    for article_id in sorted(found):
        for problem in found[article_id]:
            if problem.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
            location = problem.location(printable(article_id))
            lines.append(f"{location} {problem.severity.value}: {printable(problem.message)}\n")
    for leftover in _stale_temp_files(folder):
        errors += 1
        lines.append(leftover)
    sys.stdout.write("".join(lines))
    sys.stdout.flush()
    files = len(report.files)
    if errors or warnings:
        _error(
            f"{counted(errors, 'error')} and {counted(warnings, 'warning')} "
            f"in {counted(files, 'file')}",
            prefix=False,
        )
        return EXIT_PROBLEM
    _error(f"no problems in {counted(files, 'file')}", prefix=False)
    return EXIT_OK


def _stale_temp_files(folder: Path) -> list[str]:
    """``reader check`` lines for temp files killed writes left behind, with the fix."""
    import shlex

    from reader.domain.publish import find_stale_temp_files

    lines = []
    for path in sorted(find_stale_temp_files(folder)):
        name = path.relative_to(folder).as_posix()
        lines.append(
            f"{printable(name)}: error: temp file left by a publish that was killed; "
            f"remove it with: rm -- {printable(shlex.quote(os.fspath(path)))}\n"
        )
    return lines


# -- shared helpers ----------------------------------------------------------------------


def _load(folder: Path, cache: IndexCache) -> LoadResult:
    try:
        return load_folder(folder, cache=cache)
    except OSError as exc:
        raise _unreadable(folder, exc) from None


def _scan(folder: Path) -> ScanReport:
    try:
        return scan_folder_report(folder)
    except OSError as exc:
        raise _unreadable(folder, exc) from None


def _unreadable(folder: Path, exc: OSError) -> FolderUnreadableError:
    return FolderUnreadableError(
        f"cannot read the folder {printable(os.fspath(folder))}: "
        f"{exc.strerror or exc} (check its permissions)"
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _finite(value: float | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return value if math.isfinite(value) else None


_UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_EXCEPT_LAYOUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control, bidi-override and invisible characters shown as escapes.

    ``keep_newlines`` leaves line breaks and tabs alone (for a body printed as text).
    """
    pattern = _UNSAFE_EXCEPT_LAYOUT if keep_newlines else _UNSAFE_CHARACTERS
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    named = _NAMED_ESCAPES.get(character)
    if named is not None:
        return named
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    return sum(_character_width(character) for character in text)


def _character_width(character: str) -> int:
    import unicodedata

    if unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def fit(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` terminal columns."""
    used = display_width(text)
    if used > width:
        kept: list[str] = []
        used = 0
        for character in text:
            step = _character_width(character)
            if used + step > width - 1:
                break
            kept.append(character)
            used += step
        text = "".join(kept) + "…"
        used += 1
    padding = " " * max(0, width - used)
    return padding + text if right else text + padding


def _error(message: str, *, prefix: bool = True) -> None:
    sys.stderr.write(("reader: " if prefix else "") + message + "\n")
    sys.stderr.flush()


def _tolerate_unencodable_output() -> None:
    """Never die on a character the terminal's encoding lacks: escape it instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _detach_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _start_verbose_logging() -> list[logging.Handler]:
    """``--verbose``: everything to stderr, and to a rotating file in the state folder."""
    import logging.handlers
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(formatter)
    handlers.append(console)
    log_path = paths.state_dir() / "reader.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        _error(f"cannot write the log file {log_path}: {exc.strerror or exc}; using stderr only")
    else:
        file_handler.setFormatter(formatter)
        handlers.append(file_handler)
    for handler in handlers:
        root.addHandler(handler)
    log.debug("reader %s, Python %s", __version__, sys.version.split()[0])
    return handlers
