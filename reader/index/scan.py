"""Which files in a folder are articles, and the cheapest faithful way to read one.

Two jobs live here because both run once per file on every open and both decide how fast a
folder of 10,000 articles appears:

* :func:`scan_folder_report` walks the folder with ``os.scandir`` and records a
  :class:`FileStamp` (size, mtime_ns, inode) per article: the validators the index cache
  and the folder watcher compare to see what changed.
* :func:`summarize_bytes` turns one file into its :class:`ArticleSummary`, equal to what
  :func:`reader.domain.parse.parse_summary` gives, about twice as fast.  Building YAML
  objects through PyYAML costs most of a cold start (its constructor is pure Python, ~100
  nodes per seed-shaped file), so front matter in the plain block style a pipeline writes
  is read by :func:`fast_summary_fields`: one regular-expression match proves every line is
  inside a strict subset of YAML whose scalars cannot fail to construct; two substitutions
  reduce the text to its shape (keys, dashes, indentation), whose nesting is checked once
  per distinct shape (a pipeline writes few); and only the top-level fields the summary
  needs are built, with PyYAML's own resolver patterns and constructors.  Anything outside
  the subset - flow collections, anchors, tags, block scalars, escapes, multi-line
  scalars, odd indentation, control characters, impossible dates - makes it give up, and
  the file goes through ``parse_summary``.  The tests hold the two readers equal on
  generated and mutated documents.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from reader.domain.article import ArticleSummary, Problem

log = logging.getLogger(__name__)

# reader.domain.parse (and through it PyYAML and dateutil) is imported only where a file is
# actually parsed: a warm start reads every summary from the cache and should not pay ~45 ms
# of imports it never uses.

# -- which names are articles ------------------------------------------------------------

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")
"""Same as :data:`reader.domain.parse.ARTICLE_SUFFIXES` (a test keeps them equal)."""
_EDITOR_LEFTOVER_SUFFIXES = ("~", ".swp", ".tmp")


def is_article_name(name: str) -> bool:
    """True for a file name reader lists: an article suffix, and not hidden or a leftover.

    Editors and reader's own publish write leave backup, swap and temp files beside the
    real ones; listing them would show every article twice while someone edits.  Publish
    temp files (:func:`reader.domain.publish.is_temp_file_name`) are hidden and lack an
    article suffix, so the first two rules already leave them out (a test holds this).
    """
    lowered = name.lower()
    if not lowered.endswith(ARTICLE_SUFFIXES):
        return False
    return not (name.startswith((".", "#")) or lowered.endswith(_EDITOR_LEFTOVER_SUFFIXES))


# -- walking the folder ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What says a file is unchanged since it was last read, without reading it."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, result: os.stat_result) -> FileStamp:
        return cls(result.st_size, result.st_mtime_ns, result.st_ino)


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


# -- reading one file --------------------------------------------------------------------


def read_summary(root: Path, article_id: str) -> tuple[ArticleSummary, FileStamp | None, str]:
    """Read and summarise one file; never raises for a bad, missing or huge file.

    Returns the summary, the stamp of the content actually read (taken from the open
    handle, so a cache never pairs new content with an old stamp; None if the file could
    not be opened) and the body text.
    """
    from reader.domain.parse import MAX_FILE_BYTES, error_summary, os_error_problem

    try:
        data, stamp = _read_bytes(os.path.join(root, article_id), MAX_FILE_BYTES)
    except OSError as exc:
        return error_summary(article_id, os_error_problem(exc)), None, ""
    if data is None:
        problem = Problem(
            f"file is {stamp.size / 1048576:.1f} MB, over reader's "
            f"{MAX_FILE_BYTES // 1048576} MB limit for one article"
        )
        return error_summary(article_id, problem), stamp, ""
    try:
        summary, body = summarize_bytes(article_id, data)
    except Exception as exc:  # a parser bug must cost one file, never the whole folder
        log.debug("reading %s failed", article_id, exc_info=True)
        problem = Problem(
            f"reader could not read this file ({type(exc).__name__}: {exc}); "
            "please report it with the file attached"
        )
        return error_summary(article_id, problem), stamp, ""
    return summary, stamp, body


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
"""Non-blocking so that a FIFO swapped in for an article cannot hang the loader."""


def _read_bytes(path: str, limit: int) -> tuple[bytes | None, FileStamp]:
    """A file's bytes (None if over ``limit``) and the stamp of what was read.

    Plain ``os`` calls: ``open(...).read(limit)`` would allocate ``limit`` bytes up front
    for every file, and the buffered-file machinery costs more than the read itself for a
    few kilobytes - together most of a cold start's I/O time.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(descriptor)
        stamp = FileStamp.of(info)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        if stamp.size > limit:
            return None, stamp
        parts = [os.read(descriptor, stamp.size + 1)]
        total = len(parts[0])
        while total > stamp.size:  # it grew since fstat: read on, within the limit
            more = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not more:
                break
            parts.append(more)
            total += len(more)
            if total > limit:
                return None, FileStamp(total, stamp.mtime_ns, stamp.inode)
    finally:
        os.close(descriptor)
    return parts[0] if len(parts) == 1 else b"".join(parts), stamp


def summarize_bytes(article_id: str, data: bytes) -> tuple[ArticleSummary, str]:
    """Same result as :func:`reader.domain.parse.parse_summary`, usually much faster."""
    from reader.domain.parse import _front_matter_summary, parse_summary

    try:
        parts = split_front_matter_fast(data.decode("utf-8"))
    except UnicodeDecodeError:
        parts = None
    if parts is None:
        return parse_summary(article_id, data)
    yaml_text, body = parts
    front = fast_summary_fields(yaml_text)
    if front is None:
        return parse_summary(article_id, data)
    problems: list[Problem] = []
    return _front_matter_summary(article_id, front, body, problems), body


def split_front_matter_fast(text: str) -> tuple[str, str] | None:
    """``(yaml_text, body)`` as :func:`reader.domain.frontmatter.split_front_matter` cuts
    them, or None for a file without front matter or with an unclosed one.

    The domain's closing-line search tries its regular expression at every character of
    the front matter; jumping between candidate lines with ``str.find`` gives the same
    first match an order of magnitude faster (a test holds the two equal).
    """
    from reader.domain.frontmatter import _CLOSING, _OPENING, BOM

    if text.startswith(BOM):
        text = text[1:]
    opening = _OPENING.match(text)
    if opening is None:
        return None
    start = position = opening.end()
    while True:
        if text.startswith(("---", "..."), position):
            closing = _CLOSING.match(text, position)
            if closing is not None:
                break
        candidates = [
            found for found in (text.find("\n---", position), text.find("\n...", position))
            if found >= 0
        ]
        if not candidates:
            return None
        position = min(candidates) + 1
    body_start = closing.end()
    if text.startswith("\r\n", body_start):
        body_start += 2
    elif text.startswith("\n", body_start):
        body_start += 1
    return text[start : closing.start()], text[body_start:]


# -- the strict YAML subset --------------------------------------------------------------


class _OutsideSubsetError(Exception):
    """The text needs the real YAML loader (it may still be valid YAML, or not)."""


SUMMARY_FIELDS = frozenset(
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
        "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published", "provider",
        "topics",
    }
)
"""The top-level keys :func:`reader.domain.parse` reads to build an ArticleSummary."""

# What may appear in a line of the subset: no tab, control character, NEL, line or
# paragraph separator, BOM, non-character or lone surrogate.
_BAD = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff\\ufffe\\uffff\\ud800-\\udfff"
_KEY_PATTERN = r"[A-Za-z_][\w.-]{0,200}"
# A valid date whose construction cannot fail (no Feb 29, no year 0, hours below 24...).
_SAFE_TIMESTAMP = (
    r"(?!0000)[0-9]{4}-(?:(?:0?[1-9]|1[0-2])-(?:0?[1-9]|1[0-9]|2[0-8])"
    r"|(?:0?[13-9]|1[0-2])-(?:29|30)|(?:0?[13578]|1[02])-31)"
    r"(?:(?:[Tt]|[ ]+)(?:[01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{0,9})?"
    r"(?:[ ]*(?:Z|[-+](?:[01]?[0-9]|2[0-3])(?::[0-5][0-9])?))?)?"
)
# One-line scalars whose construction cannot fail: quoted text without escapes, plain text
# starting with a letter-like character, simple numbers, ``~`` and safe dates.
_SCALAR_PATTERN = (
    "(?:"
    f'"[^"\\\\{_BAD}]*"'
    f"|'[^'{_BAD}]*(?:''[^'{_BAD}]*)*'"
    f"|[^ \\[\\]{{}}&*!|>%@`,\"'#?:<=+.~0-9\\-{_BAD}][^ :#{_BAD}]*"
    f"(?:(?::(?=[^ \\n])|\\#|[ ]+(?=[^ #\\n]))[^ :#{_BAD}]*)*"
    r"|-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,17})?"
    r"|~"
    f"|{_SAFE_TIMESTAMP}"
    ")"
)
_COMMENT = f"(?:[ ]+\\#[^\\n{_BAD}]*)?[ ]*"
_LINE = (
    f"(?:[ ]*(?:-(?:[ ]+(?:{_KEY_PATTERN}:(?:[ ]+{_SCALAR_PATTERN})?|{_SCALAR_PATTERN}))?"
    f"|{_KEY_PATTERN}:(?:[ ]+{_SCALAR_PATTERN})?)?{_COMMENT}"
    f"|[ ]*\\#[^\\n{_BAD}]*)"
)


@cache
def _document_pattern() -> re.Pattern[str]:
    """Every line is blank, a comment, ``key:``, ``key: scalar``, ``-``, ``- scalar``,
    ``- key:`` or ``- key: scalar``, each scalar being one whose construction cannot fail.

    Compiled on first use: it takes ~15 ms, which a warm start (no parsing) should not pay.
    """
    return re.compile(f"(?:{_LINE}\\n)*{_LINE}")


# Two substitutions reduce a valid document to its shape: values become "x", comments go.
_VALUE_AFTER_KEY = re.compile(r":[ ]+[^ #\n][^\n]*")
_VALUE_AFTER_DASH = re.compile(f"-[ ]+(?!{_KEY_PATTERN}:(?:[ ]|$))[^ #\\n][^\\n]*", re.MULTILINE)
_TRAILING_COMMENT = re.compile(r"[ ]*#[^\n]*")
_TOP_LEVEL_ENTRY = re.compile(f"\\n({_KEY_PATTERN}):[ ]*([^\\n]*)")
_MAX_LINES = 30_000
"""Each line yields at most three YAML values, so this stays below the real loader's
100,000-value budget: a document big enough to be refused is never accepted here."""
_MAX_DEPTH = 48
"""Below the real loader's nesting limit, for the same reason."""
_SHAPE_CACHE_LIMIT = 4096
_valid_shapes: dict[str, bool] = {}
_block_values: dict[str, Any] = {}


def fast_summary_fields(yaml_text: str) -> dict[str, Any] | None:
    """The :data:`SUMMARY_FIELDS` of a front matter as ``yaml.CSafeLoader`` loads them.

    Returns None to mean "ask the real loader", never "invalid": every document this
    accepts is valid YAML with one meaning, and the real loader would accept it too.
    """
    if "\r" in yaml_text:
        if yaml_text.count("\r") != yaml_text.count("\r\n"):
            return None
        yaml_text = yaml_text.replace("\r\n", "\n")
    if yaml_text.count("\n") > _MAX_LINES or _document_pattern().fullmatch(yaml_text) is None:
        return None
    shape = _VALUE_AFTER_DASH.sub("- x", _VALUE_AFTER_KEY.sub(": x", yaml_text))
    if "#" in shape:
        shape = _TRAILING_COMMENT.sub("", shape)
    valid = _valid_shapes.get(shape)
    if valid is None:
        valid = _shape_is_valid(shape)
        if len(_valid_shapes) >= _SHAPE_CACHE_LIMIT:
            _valid_shapes.clear()
        _valid_shapes[shape] = valid
    if not valid:
        return None
    try:
        return _summary_fields("\n" + yaml_text)
    except _OutsideSubsetError:
        return None


def _summary_fields(text: str) -> dict[str, Any]:
    """The summary's top-level fields of a valid subset document.

    ``text`` starts with a newline so that every line follows one.  A line at column 0 is
    always top-level here, and the last of a repeated key wins, as in PyYAML.
    """
    fields: dict[str, Any] = {}
    for key, value in _TOP_LEVEL_ENTRY.findall(text):
        if key not in SUMMARY_FIELDS:
            continue
        if value and value[0] == '"':
            # The document is validated: a double-quoted value holds no escapes and ends
            # at the next quote.
            fields[key] = value[1 : value.index('"', 1)]
        elif value and value[0] != "#":
            fields[key] = _scalar(value)
        else:
            fields[key] = None  # a block: parsed below, once, from its last occurrence
    for key, value in fields.items():
        if value is None:
            fields[key] = _block_value(text, key)
    return fields


def _block_value(text: str, key: str) -> Any:
    """The value of the block under the last ``key:`` line.

    Blocks repeat across a pipeline's files (the same provider, the same topics), so
    parsed values are remembered by their text.  They are shared: callers only read them.
    """
    start = text.rfind(f"\n{key}:")
    end = text.find("\n", start + 1)
    # The block goes on over indented lines, "- " items, comments and blank lines.
    while end >= 0 and text[end + 1 : end + 2] in (" ", "-", "#", "\n"):
        end = text.find("\n", end + 1)
    block = text[start + 1 : end if end >= 0 else len(text)]
    value = _block_values.get(block, _block_values)
    if value is _block_values:
        value = _parse_subset(block)[key]
        if len(_block_values) >= _SHAPE_CACHE_LIMIT:
            _block_values.clear()
        _block_values[block] = value
    return value


def _shape_is_valid(shape: str) -> bool:
    """Whether lines of this shape nest into one valid block mapping."""
    try:
        _parse_subset(shape)
    except _OutsideSubsetError:
        return False
    return True


_ITEM = 0
_ENTRY_KIND = 1
_SCALAR = 2
_ENTRY = re.compile(f"({_KEY_PATTERN}):(?: +(.*))?")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"(?: +#.*)? *')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(?: +#.*)? *")
_PLAIN_FIRST_FORBIDDEN = frozenset("[]{}&*!|>%@`,\"'#?:")
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_DECIMAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_ISO_SECONDS = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[-+][0-9]{2}:[0-9]{2})?"
)
_BOOL_VALUES = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


class _Token(NamedTuple):
    indent: int
    kind: int
    key: str = ""
    text: str = ""
    inline: bool = False


def _parse_subset(text: str) -> dict[str, Any]:
    """Load a block-style document of one-line scalars, as ``CSafeLoader`` would.

    Raises :class:`_OutsideSubsetError` for anything else.  Used on shapes and on the few lines
    of a nested summary field; :func:`fast_summary_fields` has already checked the
    characters and scalar forms of every line.
    """
    tokens = _tokenize(text)
    if not tokens:
        return {}
    if tokens[0].indent != 0 or tokens[0].kind != _ENTRY_KIND:
        raise _OutsideSubsetError
    value, position = _Parser(tokens).mapping(0, 0, 0)
    if position != len(tokens):
        raise _OutsideSubsetError
    return value


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append = tokens.append
    for line in text.split("\n"):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        if content[0] == "-" and (len(content) == 1 or content[1] == " "):
            append(_Token(indent, _ITEM))
            rest = content[1:].lstrip(" ")
            if not rest or rest[0] == "#":
                continue
            column = indent + len(content) - len(rest)
            if rest[0] == "-" and (len(rest) == 1 or rest[1] == " "):
                raise _OutsideSubsetError  # "- - x": nested sequences on one line
            entry = _ENTRY.fullmatch(rest)
            if entry is not None:
                append(_Token(column, _ENTRY_KIND, entry.group(1), entry.group(2) or "", True))
            else:
                append(_Token(column, _SCALAR, "", rest, True))
            continue
        entry = _ENTRY.fullmatch(content)
        if entry is None:
            raise _OutsideSubsetError  # a continuation line, "key : v", a quoted key, "...", etc.
        append(_Token(indent, _ENTRY_KIND, entry.group(1), entry.group(2) or ""))
    return tokens


class _Parser:
    """Recursive descent over block mappings and sequences, by exact indentation."""

    __slots__ = ("count", "tokens")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.count = len(tokens)

    def node(self, position: int, depth: int) -> tuple[Any, int]:
        if depth > _MAX_DEPTH:
            raise _OutsideSubsetError
        token = self.tokens[position]
        if token.kind == _SCALAR:
            return _scalar(token.text), position + 1
        if token.kind == _ITEM:
            return self.sequence(position, token.indent, depth)
        return self.mapping(position, token.indent, depth)

    def sequence(self, position: int, indent: int, depth: int) -> tuple[list[Any], int]:
        tokens, count = self.tokens, self.count
        items: list[Any] = []
        while position < count:
            token = tokens[position]
            if token.indent != indent or token.kind != _ITEM:
                break
            position += 1
            if position < count and (tokens[position].inline or tokens[position].indent > indent):
                value, position = self.node(position, depth + 1)
            else:
                value = None
            items.append(value)
        return items, position

    def mapping(self, position: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        tokens, count = self.tokens, self.count
        result: dict[str, Any] = {}
        while position < count:
            token = tokens[position]
            if token.indent != indent or token.kind != _ENTRY_KIND:
                break
            position += 1
            key = _key(token.key)
            text = token.text
            if text and text[0] != "#" and not text.isspace():
                value = _scalar(text)
            elif position < count and tokens[position].indent > indent:
                value, position = self.node(position, depth + 1)
            elif (
                position < count
                and tokens[position].indent == indent
                and tokens[position].kind == _ITEM
            ):
                value, position = self.sequence(position, indent, depth + 1)
            else:
                value = None
            result[key] = value
        return result, position


def _key(text: str) -> str:
    if _resolve_tag(text) != _STR_TAG:
        raise _OutsideSubsetError  # "yes:", "null:" are not text keys
    return text


def _scalar(text: str) -> Any:
    first = text[0]
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(text)
        if match is None:
            raise _OutsideSubsetError
        return match.group(1)
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(text)
        if match is None:
            raise _OutsideSubsetError
        return match.group(1).replace("''", "'")
    if first in _PLAIN_FIRST_FORBIDDEN or (first == "-" and text[1:2] in ("", " ")):
        raise _OutsideSubsetError
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment]
    text = text.rstrip(" ")
    if ": " in text or text.endswith(":"):
        raise _OutsideSubsetError
    tag = _resolve_tag(text)
    if tag == _STR_TAG:
        return text
    try:
        # Shortcuts for the common forms, equal to what PyYAML's constructors return.
        if tag == _INT_TAG and _DECIMAL_INT.fullmatch(text):
            return int(text)
        if tag == _BOOL_TAG:
            return _BOOL_VALUES[text.lower()]
        if tag == _TIMESTAMP_TAG and _ISO_SECONDS.fullmatch(text):
            return datetime.fromisoformat(text)
        construct = _scalar_constructors().get(tag)
        if construct is None:
            raise _OutsideSubsetError  # merge keys, "=" values
        return construct(text)
    except (ValueError, OverflowError):
        raise _OutsideSubsetError from None  # e.g. February 30th: the real loader reports it


def _resolve_tag(text: str) -> str:
    for tag, pattern in _implicit_resolvers().get(text[:1], ()):
        if pattern.match(text):
            return tag
    return _STR_TAG


@cache
def _implicit_resolvers() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    """PyYAML's own plain-scalar resolution table (what ``CSafeLoader`` consults)."""
    from yaml.resolver import Resolver

    wildcard = tuple(Resolver.yaml_implicit_resolvers.get(None, ()))  # type: ignore[call-overload]
    return {
        first: tuple(entries) + wildcard
        for first, entries in Resolver.yaml_implicit_resolvers.items()
        if first is not None
    }


@cache
def _scalar_constructors() -> dict[str, Callable[[str], Any]]:
    """PyYAML's safe constructors for the implicit scalar tags, applied to plain text."""
    import yaml

    constructor = yaml.constructor.SafeConstructor()
    table = yaml.constructor.SafeConstructor.yaml_constructors

    def using(tag: str) -> Callable[[str], Any]:
        method = table[tag]

        def construct(text: str) -> Any:
            return method(constructor, yaml.ScalarNode(tag, text))

        return construct

    tags = ("bool", "int", "float", "null", "timestamp")
    return {f"tag:yaml.org,2002:{name}": using(f"tag:yaml.org,2002:{name}") for name in tags}
