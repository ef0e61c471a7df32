"""A window's warm start in one file: every row it showed last time, newest first.

Reading 100,000 rows out of the SQLite index and decoding their JSON is ~1.05 s of CPU on
the thread that loads the folder, and that thread shares the interpreter lock with the
GUI thread putting the rows into the list: the two together are what a warm start waits
for.  The same rows written with :mod:`marshal` (Python's own format for its compiled
files: plain strings, numbers, lists and tuples, read in C) come back in ~0.2 s, plus the
~0.2 s that making the summaries costs either way.

The snapshot is as disposable as the index beside it, and it is never the only source:

* it is written by a window's load once the folder has been scanned, from the rows just
  checked against the files (the scan's stamps), only when they differ from the snapshot
  the load started from - and by a ``reader list --json`` that parsed the whole folder,
  so that the first window after a list run starts as fast as the second;
* it is read with each row's stamp, and the scan that follows corrects whatever changed
  since - a stale snapshot costs a lookup in the index, never a wrong row;
* each chunk carries its length and a CRC-32; a header names the format, the index
  schema and the Python version (marshal's format is that version's).  A damaged or
  foreign file ends the read where it stops making sense: the rows before it stand, and
  the rest come from the index.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from reader.domain.article import ArticleSummary

from .scan import FileStamp

log = logging.getLogger(__name__)

FORMAT = 1
"""Bump when a stored row's shape changes (with the index's ``SCHEMA_VERSION`` it is in
the header, so an old file is simply not read)."""
CHUNK_ROWS = 2000
"""Rows per chunk: a slice handed on while the next is read, and one ``marshal`` call
(a few ms of holding the interpreter lock) when written."""
FIRST_CHUNK_ROWS = 300
"""The first chunk is small, so that the first screenful is shown at once."""
_CHUNK_HEAD = struct.Struct("<II")
"""Each chunk's length and CRC-32, before its bytes."""
_MAX_CHUNK_BYTES = 64 * 1024 * 1024
"""A length beyond this is damage, not a chunk (2,000 rows are ~2 MB)."""

Row = tuple[FileStamp, ArticleSummary]
T = TypeVar("T")
Encode = Callable[[ArticleSummary], list[Any]]
Decode = Callable[[str, list[Any]], ArticleSummary]


def snapshot_path(index_path: Path) -> Path:
    """The snapshot beside the index file ``index_path``."""
    return index_path.with_name(index_path.name + ".rows")


def _header(schema: int) -> bytes:
    major, minor = sys.version_info[:2]
    return f"reader-rows {FORMAT} {schema} {major}.{minor} {marshal.version}\n".encode("ascii")


def newest_first_key(row: Row) -> tuple[int, float]:
    """Newest publication first, undated last: the list's default order, as the index's
    ``articles_newest`` ordering gives it (ties in any order: the list sorts each slice)."""
    published_at: datetime | None = row[1].published_at
    if published_at is None:
        return (1, 0.0)
    try:
        return newest_time_first(published_at.timestamp())
    except (OverflowError, OSError, ValueError):
        return (1, 0.0)


def newest_time_first(time: float | None) -> tuple[int, float]:
    """:func:`newest_first_key` of a row published at POSIX ``time`` (None: undated)."""
    return (1, 0.0) if time is None else (0, -time)


StoredRow = tuple[str, int, int, int, list[Any]]
"""A row as the snapshot holds it: id, the stamp's size, mtime and inode, and the
summary's stored fields (:func:`reader.index.cache.summary_fields`)."""


def write(path: Path, rows: list[Row], *, schema: int, encode: Encode) -> bool:
    """Replace the snapshot at ``path`` with ``rows`` (already newest first), atomically.

    False if the disk said no (logged; the next start reads the index instead).
    ``encode`` gives a summary's stored fields (the index's own, see
    :func:`reader.index.cache.summary_fields`).
    """
    return _write_chunks(path, (
        [(s.id, *stamp, encode(s)) for stamp, s in chunk] for chunk in _chunks(rows)
    ), schema=schema)


def write_stored(path: Path, rows: list[StoredRow], *, schema: int) -> bool:
    """:func:`write` for rows already in their stored form (newest first): ``reader list``
    has each file's fields from its parser processes and no summary to encode."""
    return _write_chunks(path, _chunks(rows), schema=schema)


def _write_chunks(path: Path, chunks: Iterable[list[StoredRow]], *, schema: int) -> bool:
    def write(out: BinaryIO) -> None:
        out.write(_header(schema))
        for stored in chunks:
            data = marshal.dumps(stored)
            out.write(_CHUNK_HEAD.pack(len(data), zlib.crc32(data)))
            out.write(data)

    return write_private(path, write, "the rows snapshot")


def write_private(path: Path, write: Callable[[BinaryIO], None], what: str) -> bool:
    """Replace ``path`` atomically with what ``write`` writes, readable by this user only.

    False if the disk said no (logged as ``what``): a cache file that could not be written
    is simply not there next time.
    """
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        # Only this user may read or write it, whatever the umask: see is_private().
        with open(temporary, "wb", opener=private_opener) as out:
            write(out)
        os.replace(temporary, path)
    except (OSError, ValueError) as exc:
        log.warning("could not write %s %s: %s", what, path, exc)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True


def private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _chunks(rows: list[T]) -> Iterator[list[T]]:
    if rows:
        yield rows[:FIRST_CHUNK_ROWS]
    for start in range(FIRST_CHUNK_ROWS, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


def read(
    path: Path,
    *,
    schema: int,
    decode: Decode,
    on_slice: Callable[[dict[str, ArticleSummary]], None] | None = None,
) -> dict[str, Row] | None:
    """Every row of the snapshot at ``path``, each chunk handed to ``on_slice`` as read.

    None when there is no snapshot this run can read (nothing was handed on); otherwise
    the rows up to the first damaged chunk, if any.
    """
    rows: dict[str, Row] = {}
    handle = open_private(path, _header(schema))
    if handle is None:
        return None
    with handle:
        try:
            while head := handle.read(_CHUNK_HEAD.size):
                if len(head) != _CHUNK_HEAD.size:
                    raise ValueError("a chunk's head is cut short")
                size, crc = _CHUNK_HEAD.unpack(head)
                if size > _MAX_CHUNK_BYTES:
                    raise ValueError(f"a chunk claims {size} bytes")
                data = handle.read(size)
                if len(data) != size or zlib.crc32(data) != crc:
                    raise ValueError("a chunk is cut short or damaged")
                # marshal, as Python reads its own compiled files from __pycache__: the file
                # is this user's, in this user's cache, checked by its CRC, and whatever it
                # holds is only ever read as plain values (_decoded), never run.
                decoded = _decoded(marshal.loads(data), decode)  # noqa: S302
                rows.update(decoded)
                if on_slice is not None and decoded:
                    on_slice({article_id: row[1] for article_id, row in decoded.items()})
        except (OSError, ValueError, EOFError, TypeError, KeyError, IndexError) as exc:
            log.info("rows snapshot %s unusable from row %d on (%s)", path, len(rows), exc)
            return rows or None
    return rows


def open_private(path: Path, header: bytes) -> BinaryIO | None:
    """``path`` open for reading just past ``header``, if it is this user's private file
    and starts with exactly that line; None otherwise (absent, foreign or another format)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - returned open, or closed below
    except OSError:
        return None
    try:
        if is_private(handle.fileno()) and handle.readline(200) == header:
            return handle
    except (OSError, ValueError):
        pass
    handle.close()
    return None


def is_private(descriptor: int) -> bool:
    """Whether the open file is this user's and nobody else may write it: what another
    user could have put there is not read."""
    status = os.fstat(descriptor)
    getuid = getattr(os, "getuid", None)
    return (getuid is None or status.st_uid == getuid()) and not status.st_mode & 0o022


def _decoded(stored: Any, decode: Decode) -> dict[str, Row]:
    """A chunk's rows; raises ValueError/TypeError/KeyError if it is not what was written."""
    if not isinstance(stored, list):
        raise TypeError("a chunk is not a list of rows")
    new = tuple.__new__
    decoded: dict[str, Row] = {}
    for article_id, size, mtime_ns, inode, fields in stored:
        decoded[article_id] = (new(FileStamp, (size, mtime_ns, inode)), decode(article_id, fields))
    return decoded


def remove(path: Path) -> None:
    """Forget the snapshot (the index it came from is being rebuilt)."""
    with contextlib.suppress(OSError):
        os.unlink(path)
