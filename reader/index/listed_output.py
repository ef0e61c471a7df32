"""The last ``reader list --json`` output, kept whole for a folder that has not changed since.

A warm list of an unchanged folder used to read every row's list line and stamp out of
the index (~35 ms at 10,000), every story id (~20 ms), and join each line with its story
(~10 ms): work whose answer is the same as last time's whenever the scan finds every file
with the stamp it had then.  So the lines a list printed are kept, in its date order and
with their stories, beside the index, keyed by the stamps of the scan they were made from.
The next list whose scan gives exactly those stamps prints them as they are; any
difference at all (a file added, changed, gone) and the index answers as before, and the
kept output is replaced.

Like the index and the rows snapshot beside it, this is disposable and never the only
source:

* the header names its format, the index schema, the list-line format, whether stories
  were on, and the Python version (:mod:`marshal`'s format is that version's); a file
  from anything else is not read;
* its body carries its length and CRC-32, and the file must be this user's and writable
  by nobody else (:func:`reader.index.snapshot.is_private`);
* it is written only from rows read from the very content the scan stamped: a file that
  could not be opened, or changed between the scan and its read, would otherwise keep a
  wrong line under a right stamp.

Stories are a function of the whole folder, so the same stamps give the same stories:
what the list printed then is what grouping would print now.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from .scan import FileStamp
from .snapshot import open_private, write_private

log = logging.getLogger(__name__)

FORMAT = 1
"""Bump when what is stored changes shape."""
_BODY_HEAD = struct.Struct("<QI")
"""The body's length and CRC-32, after the header."""

Kept = tuple[list[str], list[str]]
"""The output lines (each ending in a newline, in date order) and each line's state."""


def output_path(index_path: Path) -> Path:
    """The kept output beside the index file ``index_path``."""
    return index_path.with_name(index_path.name + ".list")


def _header(schema: int, line_format: int, stories: bool) -> bytes:
    major, minor = sys.version_info[:2]
    return (
        f"reader-list {FORMAT} {schema} {line_format} {int(stories)} "
        f"{major}.{minor} {marshal.version}\n"
    ).encode("ascii")


def write(
    path: Path,
    stamps: Mapping[str, FileStamp],
    lines: list[str],
    states: list[str],
    *,
    schema: int,
    line_format: int,
    stories: bool,
) -> bool:
    """Keep ``lines`` (and their ``states``) as the output for a scan giving ``stamps``.

    Atomic: a reader sees the old file or the new one.  False if the disk said no (logged;
    the next list asks the index).
    """
    # marshal writes plain tuples only: a stamp is a named tuple, equal to its plain form.
    data = marshal.dumps(({key: tuple(stamp) for key, stamp in stamps.items()}, lines, states))

    def write_body(out: BinaryIO) -> None:
        out.write(_header(schema, line_format, stories))
        out.write(_BODY_HEAD.pack(len(data), zlib.crc32(data)))
        out.write(data)

    return write_private(path, write_body, "the kept list output")


def read(
    path: Path,
    stamps: Mapping[str, FileStamp],
    *,
    schema: int,
    line_format: int,
    stories: bool,
) -> Kept | None:
    """The kept output if it was made from a scan that gave exactly ``stamps``, else None."""
    handle = open_private(path, _header(schema, line_format, stories))
    if handle is None:
        return None
    with handle:
        try:
            head = handle.read(_BODY_HEAD.size)
            if len(head) != _BODY_HEAD.size:
                return None
            size, crc = _BODY_HEAD.unpack(head)
            data = handle.read(size + 1)
            if len(data) != size or zlib.crc32(data) != crc:
                log.info("kept list output %s is cut short or damaged", path)
                return None
            # Plain values from this user's private cache file, checked by its CRC: read,
            # as Python reads its own compiled files, and never run.
            kept_stamps, lines, states = marshal.loads(data)  # noqa: S302
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.info("kept list output %s unusable (%s)", path, exc)
            return None
    if kept_stamps != stamps or not isinstance(lines, list) or not isinstance(states, list):
        return None
    if len(lines) != len(states):
        return None
    return lines, states


def remove(path: Path) -> None:
    """Forget the kept output (the index it came from is being rebuilt)."""
    with contextlib.suppress(OSError):
        os.unlink(path)
