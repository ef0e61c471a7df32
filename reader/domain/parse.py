"""Where an article file becomes an :class:`ArticleSummary` or :class:`ArticleDetail`.

Every function here turns bad input into :class:`Problem` values instead of exceptions:
a file that cannot be read is still an article, in an error state, with a message that
says what is wrong and where.
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from pathlib import Path
from sys import intern
from typing import Any, NamedTuple

from .article import (
    ArticleDetail,
    ArticleSummary,
    Image,
    Problem,
    Provider,
    RelatedArticle,
    Severity,
)
from .dates import leading_date, parse_date_value
from .frontmatter import FrontMatterError, load_fields, load_yaml_mapping, split_front_matter

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Files larger than this are listed as problems rather than read (a pipeline never writes them)."""

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown")

KNOWN_FIELDS = frozenset(
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
        "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published", "provider",
        "topics", "images", "related", "secured",
    }
)

SUMMARY_FIELDS = frozenset(
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
        "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published", "provider",
        "topics",
    }
)
"""What the list shows, sorts and searches on; the rest is read only for the detail pane."""

_TRUE_TEXT = frozenset({"true"})
_FALSE_TEXT = frozenset({"false"})
TITLE_LIMIT = 120


def decode(data: bytes) -> str:
    """UTF-8 text of a file, or :class:`FrontMatterError` naming the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = _not_text_message(data) or (
            f"file is not valid UTF-8 text (byte 0x{data[exc.start]:02x}): save it as UTF-8"
        )
        raise FrontMatterError(message, line=line, column=column) from None


def _not_text_message(data: bytes) -> str | None:
    """Why ``data`` is not UTF-8 text, when it is UTF-16 or binary; else None."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Windows tools save "Unicode" as UTF-16 with a byte order mark: text, not binary.
        return "file is saved as UTF-16 text: save it as UTF-8"
    if b"\x00" not in head:
        return None
    half = max(1, len(head) // 2)
    zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
    if zeros[1] > 0.4 * half and zeros[0] < 0.1 * half:  # ASCII text as UTF-16, no BOM
        return "file looks like UTF-16 text: save it as UTF-8"
    return "file is binary, not text: it cannot be an article"


class FileContent(NamedTuple):
    """A file's bytes and the identity of exactly what was read.

    ``data`` is None when the file is over :data:`MAX_FILE_BYTES` (it is not read).
    ``size``, ``mtime_ns`` and ``inode`` come from the open handle, so a cache never pairs
    new content with an old stamp; ``size`` is the bytes read when the file grew past the
    limit while it was read.
    """

    data: bytes | None
    size: int
    mtime_ns: int
    inode: int


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
"""Non-blocking so that a FIFO swapped in for an article cannot hang the reader."""


def read_article_file(path: str | os.PathLike[str]) -> FileContent:
    """The one place an article file is read; raises ``OSError`` if it cannot be.

    Plain ``os`` calls sized by ``fstat``: ``open(...).read(limit)`` would allocate the
    whole 8 MB limit up front for every file, and the buffered-file machinery costs more
    than the read itself for a few kilobytes - together most of a cold start's I/O time.
    Anything but a regular file (a folder, a FIFO, a device) is refused before reading.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        size, limit = info.st_size, MAX_FILE_BYTES
        if size > limit:
            return FileContent(None, size, info.st_mtime_ns, info.st_ino)
        parts = [os.read(descriptor, size + 1)]
        total = len(parts[0])
        while total > size:  # it grew since fstat: read on, within the limit
            more = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not more:
                break
            parts.append(more)
            total += len(more)
            if total > limit:
                return FileContent(None, total, info.st_mtime_ns, info.st_ino)
    finally:
        os.close(descriptor)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    return FileContent(data, size, info.st_mtime_ns, info.st_ino)


def too_large_problem(size: int) -> Problem:
    """The problem for a file :func:`read_article_file` refused to read for its size."""
    return Problem(
        f"file is {size / 1048576:.1f} MB, over reader's "
        f"{MAX_FILE_BYTES // 1048576} MB limit for one article"
    )


def read_file_bytes(path: Path) -> bytes:
    """The bytes of an article file, or :class:`FrontMatterError` for a huge one."""
    content = read_article_file(path)
    if content.data is None:
        raise FrontMatterError(too_large_problem(content.size).message)
    return content.data


def error_summary(article_id: str, problem: Problem) -> ArticleSummary:
    """The list entry for a file that could not be read at all."""
    return ArticleSummary(
        id=article_id,
        title=_title_from_id(article_id),
        problems=(problem,),
    )


def os_error_problem(exc: OSError) -> Problem:
    """One sentence for an OS error, without Python's ``[Errno N]`` noise."""
    reason = exc.strerror or str(exc)
    hint = {
        13: "check the file's permissions",
        2: "it was removed or renamed",
        21: "it is a folder",
    }.get(exc.errno or 0, "")
    message = f"cannot read the file: {reason}" + (f" ({hint})" if hint else "")
    return Problem(message)


def parse_summary(article_id: str, data: bytes) -> tuple[ArticleSummary, str]:
    """The list entry and the body text of one file's bytes.

    Reads only the fields the list needs, through the fast front-matter reader where the
    file allows (see :func:`load_fields`): this is what makes a cold start on a big folder
    fast, and the CLI, the loader and the library all read summaries here.
    :func:`parse_detail` reads everything.
    """
    summary, _front, body, _yaml_text = _parse(article_id, data, full=False)
    return summary, body


def parse_summary_and_front_matter(
    article_id: str, data: bytes
) -> tuple[ArticleSummary, str, str | None]:
    """:func:`parse_summary`, plus the front matter's text (None without front matter or
    for a file that could not be read): what a story's related list is read from, without
    decoding and splitting the file a second time."""
    summary, _front, body, yaml_text = _parse(article_id, data, full=False)
    return summary, body, yaml_text


def parse_detail(article_id: str, data: bytes) -> ArticleDetail:
    """Everything in one file's bytes, for the detail pane and ``reader show``."""
    summary, front, body, _yaml_text = _parse(article_id, data, full=True)
    problems = list(summary.problems)
    images = _images(front.get("images"), "images", problems)
    related = _related(front.get("related"), problems)
    other = {k: v for k, v in front.items() if k not in KNOWN_FIELDS}
    if len(problems) != len(summary.problems):
        summary = _replace_problems(summary, problems)
    return ArticleDetail(
        summary=summary,
        body=body,
        images=images,
        related=related,
        has_secured=front.get("secured") not in (None, ""),
        other_fields=other,
        front_matter=front,
    )


def load_summary(root: Path, article_id: str) -> tuple[ArticleSummary, str]:
    """Read and parse one file under ``root``; never raises for a bad or missing file."""
    try:
        data = read_file_bytes(root / article_id)
    except FrontMatterError as exc:
        return error_summary(article_id, Problem(exc.message, line=exc.line)), ""
    except OSError as exc:
        return error_summary(article_id, os_error_problem(exc)), ""
    return parse_summary(article_id, data)


def load_detail(root: Path, article_id: str) -> ArticleDetail:
    """Read and parse one file in full; never raises for a bad or missing file."""
    try:
        data = read_file_bytes(root / article_id)
    except FrontMatterError as exc:
        return ArticleDetail(error_summary(article_id, Problem(exc.message, line=exc.line)))
    except OSError as exc:
        return ArticleDetail(error_summary(article_id, os_error_problem(exc)))
    return parse_detail(article_id, data)


# -- internals ---------------------------------------------------------------------------


def _parse(
    article_id: str, data: bytes, *, full: bool
) -> tuple[ArticleSummary, dict[str, Any], str, str | None]:
    try:
        text = decode(data)
        split = split_front_matter(text)
        if split.yaml_text is None:
            front = {}
        elif full:
            front = load_yaml_mapping(split.yaml_text, split.yaml_first_line)
        else:
            front = load_fields(split.yaml_text, SUMMARY_FIELDS, split.yaml_first_line)
    except FrontMatterError as exc:
        problem = Problem(exc.message, Severity.ERROR, exc.line, exc.column)
        return error_summary(article_id, problem), {}, "", None
    body = split.body
    problems: list[Problem] = []
    if split.yaml_text is None:
        # NUL is valid UTF-8 but never text: without front matter to say otherwise, the
        # file is binary (or BOM-less UTF-16), and its "title" would be control characters.
        nul = body.find("\x00", 0, 8192)
        if nul >= 0:
            message = _not_text_message(data) or "file is binary, not text"
            line = body.count("\n", 0, nul) + 1
            column = nul - (body.rfind("\n", 0, nul) + 1) + 1
            problem = Problem(message, Severity.ERROR, line, column)
            return error_summary(article_id, problem), {}, "", None
        summary = _body_only_summary(article_id, body)
    else:
        summary = _front_matter_summary(article_id, front, body, problems, split.yaml_text)
    return summary, front, body, split.yaml_text


def _body_only_summary(article_id: str, body: str) -> ArticleSummary:
    return ArticleSummary(
        id=article_id,
        title=derive_title(body) or _title_from_id(article_id),
        excerpt=_derive_excerpt(body),
        published_at=leading_date(body),
        has_front_matter=False,
        has_body=bool(body.strip()),
    )


def _front_matter_summary(
    article_id: str, front: dict[str, Any], body: str, problems: list[Problem], yaml_text: str
) -> ArticleSummary:
    title = _text(front.get("title"), "title", problems)
    if not title:
        title = derive_title(body) or _title_from_id(article_id)
    raw_date = front.get("publishedDateTime")
    published_at = parse_date_value(raw_date)
    published_at_text = None
    if published_at is None and raw_date not in (None, ""):
        published_at_text = str(raw_date)
        problems.append(
            Problem(
                f"publishedDateTime {published_at_text[:60]!r} is not a date reader "
                "understands: use ISO 8601, e.g. 2023-07-26T23:43:00Z",
                Severity.WARNING,
            )
        )
    provider = _provider(front.get("provider"), "provider", problems)
    original = _text(front.get("originalUrl"), "originalUrl", problems)
    web = _text(front.get("webUrl"), "webUrl", problems)
    url = original or web
    if web == url:
        web = url  # one string for both (most files): the window keeps 100,000 summaries
    return ArticleSummary(
        id=article_id,
        title=_shorten(title, 500),
        excerpt=_text(front.get("excerpt"), "excerpt", problems),
        published_at=published_at,
        published_at_text=published_at_text,
        source=provider.name,
        source_domain=provider.domain,
        url=url,
        web_url=web,
        amp_url=_text(front.get("ampWebUrl"), "ampWebUrl", problems),
        cdn_amp_url=_text(front.get("cdnAmpWebUrl"), "cdnAmpWebUrl", problems),
        category=_text(front.get("category"), "category", problems),
        type=_text(front.get("type"), "type", problems),
        quality=_number(front.get("quality"), "quality", problems),
        heat=_number(front.get("heat"), "heat", problems),
        published=_published(front, problems),
        topics=_topics(front.get("topics"), problems),
        has_front_matter=True,
        problems=tuple(problems),
        has_images=_is_listed(yaml_text, "images:", _IMAGES_LISTED),
        has_related=_is_listed(yaml_text, "related:", _RELATED_LISTED),
        has_body=bool(body.strip()),
    )


def _listed_pattern(key: str) -> re.Pattern[str]:
    """A top-level ``key:`` with at least one list item, read from the text.

    The summary reader never builds the ``images`` and ``related`` blocks (most of a file,
    and most of its parse time); ``has:images`` only needs to know that one is there.
    """
    return re.compile(
        rf"^{key}:[ \t]*(?:\[[ \t]*[^\]\s]|(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[ \t]*-[ \t]+\S)",
        re.MULTILINE,
    )


_IMAGES_LISTED = _listed_pattern("images")
_RELATED_LISTED = _listed_pattern("related")


def _is_listed(yaml_text: str, key_colon: str, pattern: re.Pattern[str]) -> bool:
    """``pattern.search(yaml_text) is not None``, trying the pattern only where its key is.

    A search for a pattern that starts with ``^`` tries it at every line of the front
    matter (13 µs of a seed-shaped file's ~120 µs parse, for the two keys); ``str.find``
    jumps straight to each occurrence of the key, where ``match`` gives the same answer
    (a multi-line ``^`` matches at ``pos`` only at a line start).
    """
    position = yaml_text.find(key_colon)
    while position >= 0:
        if pattern.match(yaml_text, position) is not None:
            return True
        position = yaml_text.find(key_colon, position + 1)
    return False


def _replace_problems(summary: ArticleSummary, problems: list[Problem]) -> ArticleSummary:
    return summary._replace(problems=tuple(problems))


def _warn(problems: list[Problem], message: str) -> None:
    problems.append(Problem(message, Severity.WARNING))


def _text(value: Any, key: str, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    _warn(problems, f"{key} should be text, not {_kind(value)}; it is ignored")
    return ""


def _number(value: Any, key: str, problems: list[Problem]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        _warn(problems, f"{key} should be a number, not {value!r}; it is ignored")
        return None
    number = _finite_number(value)
    if number is not None:
        return number
    _warn(problems, f"{key} should be a number, not {str(value)[:40]!r}; it is ignored")
    return None


def _finite_number(value: Any) -> float | None:
    """``value`` as a number, or None; .inf and .nan would sort and total as nonsense."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, (int, float)) else None


def _published(front: dict[str, Any], problems: list[Problem]) -> bool:
    if "published" not in front:
        return False
    value = front["published"]
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE_TEXT:
            return True
        if lowered in _FALSE_TEXT:
            return False
    _warn(
        problems,
        f"published should be true or false, not {str(value)[:40]!r}; "
        "reader treats it as unpublished",
    )
    return False


def _provider(value: Any, key: str, problems: list[Problem]) -> Provider:
    if value is None:
        return Provider()
    if isinstance(value, str):
        return Provider(name=value)
    if isinstance(value, dict):
        return Provider(
            name=_text(value.get("name"), f"{key}.name", problems),
            domain=_text(value.get("domain"), f"{key}.domain", problems),
        )
    _warn(problems, f"{key} should have a name and a domain; it is ignored")
    return Provider()


def _topics(value: Any, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    # The same few topics recur across the folder: one interned copy of each, which the
    # cache and the window's snapshot then keep shared.
    if isinstance(value, str):
        return (intern(str(value)),)
    if isinstance(value, list):
        return tuple(intern(str(v)) for v in value if isinstance(v, (str, int, float)))
    _warn(problems, "topics should be a list of names; they are ignored")
    return ()


def _images(value: Any, key: str, problems: list[Problem]) -> tuple[Image, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        _warn(problems, f"{key} should be a list of images; it is ignored")
        return ()
    images: list[Image] = []
    for item in value:
        if isinstance(item, str):
            images.append(Image(url=item))
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            images.append(
                Image(
                    url=item["url"],
                    width=_dimension(item.get("width")),
                    height=_dimension(item.get("height")),
                    is_cached=_bool_or_none(item.get("isCached")),
                )
            )
        else:
            _warn(problems, f"an entry in {key} has no url; it is skipped")
    return tuple(images)


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _dimension(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    number = int(value)
    return number if 0 < number <= 100_000 else None


def _related(value: Any, problems: list[Problem]) -> tuple[RelatedArticle, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        _warn(problems, "related should be a list of articles; it is ignored")
        return ()
    related: list[RelatedArticle] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            _warn(problems, f"related entry {index} is not a set of fields; it is skipped")
            continue
        scratch: list[Problem] = []
        related.append(
            RelatedArticle(
                title=_text(item.get("title"), "title", scratch) or "(untitled)",
                excerpt=_text(item.get("excerpt"), "excerpt", scratch),
                published_at=parse_date_value(item.get("publishedDateTime")),
                url=_text(item.get("webUrl") or item.get("originalUrl"), "webUrl", scratch),
                type=_text(item.get("type"), "type", scratch),
                provider=_provider(item.get("provider"), "provider", scratch),
                quality=_number(item.get("quality"), "quality", scratch),
                images=_images(item.get("images"), "images", scratch),
            )
        )
        problems.extend(
            Problem(f"related entry {index}: {p.message}", p.severity) for p in scratch
        )
    return tuple(related)


def _kind(value: Any) -> str:
    return {dict: "a set of fields", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


_DATE_PREFIX = re.compile(r"^\s*(?:date[:\s]+)?\d{4}-\d{1,2}-\d{1,2}\s*", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def derive_title(body: str) -> str:
    """A title for a file without front matter: its first line that reads like a sentence.

    Credit and date lines ("date 2023-07-26 Getty / Netflix") are skipped; the first
    line with at least six words wins, else the first non-empty line.
    """
    first_nonempty = ""
    for count, raw in enumerate(body.splitlines()):
        if count > 50:
            break
        line = raw.strip().lstrip("#").strip()
        if not line:
            continue
        if not first_nonempty:
            first_nonempty = _DATE_PREFIX.sub("", line) or line
        if len(_WORD.findall(_DATE_PREFIX.sub("", line))) >= 6:
            return _shorten(line, TITLE_LIMIT)
    return _shorten(first_nonempty, TITLE_LIMIT)


def _derive_excerpt(body: str) -> str:
    text = " ".join(body[:2000].split())
    return _shorten(text, 300)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split()) if len(text) < 4 * limit else " ".join(text[: 4 * limit].split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:-—") + "…"


def _title_from_id(article_id: str) -> str:
    name = article_id.rsplit("/", 1)[-1]
    for suffix in ARTICLE_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name or article_id
