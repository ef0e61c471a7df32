"""The one write reader makes: setting an article's ``published`` flag, byte for byte.

An editor's decision must land in the file without disturbing anything a pipeline or a
person wrote there, so the edit works on the file's bytes rather than re-serialising YAML:
it finds the top-level ``published`` value with the YAML parser's own positions, swaps that
token for one in the same quoting and spelling family, and leaves every other byte alone.
Anything it cannot edit with certainty (flow style, duplicates, anchors, tags, block or
multi-line values, front matter that does not parse) is refused with a sentence that says
why, and every edit is checked by parsing the old and the new text before anything is
written.  A missing key means unpublished: unpublishing such a file writes nothing, and
publishing it adds ``published: true`` (and a minimal front matter where there is none),
after which publish and unpublish undo each other byte for byte.

Writing is atomic and careful about other writers: a hidden temp file in the same folder
(named with the writer's pid, so a later run can tell a killed write's leftovers from a
live one), fsync, then a last look at the target and an atomic swap.  On Linux the swap is
``renameat2(RENAME_EXCHANGE)``, which hands back whatever was displaced so a rename by
another program in the last microseconds is noticed and undone instead of silently lost;
elsewhere it is ``os.replace`` right after the last check.  A program that rewrites the
file in place (rather than by rename) and has already opened it when the swap happens
writes into the replaced file; reader narrows that window by checking what it displaced
once more after the folder fsync, but no rename-based save can close it entirely.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from .frontmatter import FrontMatterError, load_yaml_mapping, split_front_matter
from .parse import MAX_FILE_BYTES, decode

try:
    _EventLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is in every PyYAML wheel we install
    _EventLoader = yaml.SafeLoader

TEMP_MARKER = ".reader-tmp-"
"""Marks reader's temp files: ``.{name}.{pid}.reader-tmp-{random}`` beside the article."""

MAX_ATTEMPTS = 10
"""How many times a write is re-based on content another program changed under it."""

SETTLE_SECONDS = 0.002
"""Pause between reads of a file another program is rewriting in place, so a half-written
file is not mistaken for its new content."""

STALE_TEMP_SECONDS = 3600
"""A temp file this old is a leftover even if its pid now belongs to a live process."""

_BOM = b"\xef\xbb\xbf"
_OPENING = re.compile(rb"---[ \t]*\r?(?:\n|$)")
_CLOSING = re.compile(rb"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_TEMP_NAME = re.compile(r"\.(?P<name>.*)\.(?P<pid>\d{1,10})\.reader-tmp-[0-9a-f]+", re.DOTALL)
_KEY = "published"
_HAND_EDIT = "(change published by hand)"
_MAX_TEMP_BASE_BYTES = 180

# YAML 1.1 boolean spellings PyYAML resolves, as (true, false) pairs: a plain value keeps its
# family.  Quoted values are strings, and reader only understands the strings true/false.
_PLAIN_FAMILIES = (("true", "false"), ("yes", "no"), ("on", "off"))
_QUOTED_FAMILIES = (("true", "false"),)


class PublishError(Exception):
    """One sentence for the editor saying why ``published`` could not be written.

    ``message`` is the whole sentence (naming the file when it came from
    :func:`set_published`); ``reason`` is the bare clause, without the file or a final
    period, for callers that compose their own sentence.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason if reason is not None else message.rstrip(".")


@dataclass(frozen=True)
class PublishResult:
    """What :func:`set_published` did; ``changed`` is False when nothing needed writing."""

    path: Path
    published: bool
    changed: bool
    stamp: tuple[int, int, int]
    """(size, mtime_ns, inode) of the file as written, or as found when unchanged."""


# -- the pure edit -------------------------------------------------------------------------


def edit_published(data: bytes, value: bool) -> bytes:
    """The bytes of ``data`` with its top-level ``published`` set to ``value``.

    Returns ``data`` itself when the file already says so (a missing key already means
    unpublished).  Raises :class:`PublishError` (without a file name) when the file
    cannot be edited safely.
    """
    bom = len(_BOM) if data.startswith(_BOM) else 0
    text = _decode(data)
    old_split = _split(text)
    old_mapping = _load(old_split.yaml_text) if old_split.yaml_text is not None else {}
    current = _published_state(old_mapping)
    if current is value:
        return data

    opening = _OPENING.match(data, bom)
    if opening is None:
        eol = _first_line_ending(data)
        block = b"---" + eol + _KEY.encode() + b": " + _word(value) + eol + b"---" + eol
        new = data[:bom] + block + data[bom:]
    else:
        closing = _CLOSING.search(data, opening.end())
        if closing is None:  # _split would have refused already; kept for clarity
            raise _refusal("its front matter opened with '---' on line 1 is never closed")
        yaml_start, yaml_end = opening.end(), closing.start()
        if data[yaml_start:yaml_end].decode("utf-8") != old_split.yaml_text:
            raise _refusal("reader could not tell where its front matter ends (fix it by hand)")
        new = _edit_front_matter(data, yaml_start, yaml_end, value)

    _verify(old_split, old_mapping, new, value)
    return new


def _edit_front_matter(data: bytes, yaml_start: int, yaml_end: int, value: bool) -> bytes:
    """Rewrite or add the value inside the front matter bytes ``data[yaml_start:yaml_end]``."""
    yaml_text = data[yaml_start:yaml_end].decode("utf-8")
    if "\ufeff" in yaml_text:
        # libyaml does not count a byte order mark in its positions, so every position
        # after one would be off: refuse rather than edit the wrong bytes.
        raise _refusal(
            "its front matter contains a byte order mark (U+FEFF) after the first line; "
            "remove it and try again"
        )
    found = _top_level_entries(yaml_text)
    if found.flow:
        raise _refusal(
            "its front matter is written in flow style ({...}), which reader cannot edit "
            f"without risking damage {_HAND_EDIT}"
        )
    if len(found.entries) > 1:
        lines = " and ".join(str(_file_line(key.start_mark.line)) for key, _ in found.entries)
        raise _refusal(
            f"published appears more than once in its front matter (lines {lines}); "
            "remove the extra one by hand"
        )
    if not found.entries:
        eol = b"\r\n" if data[yaml_end - 2 : yaml_end] == b"\r\n" else b"\n"
        indent = b" " * found.key_column
        line = indent + _KEY.encode() + b": " + _word(value) + eol
        return data[:yaml_end] + line + data[yaml_end:]

    key, event = found.entries[0]
    start, end, token = _replacement_span(yaml_text, key, event, value)
    byte_start = yaml_start + len(yaml_text[:start].encode("utf-8"))
    byte_end = yaml_start + len(yaml_text[:end].encode("utf-8"))
    return data[:byte_start] + token.encode("utf-8") + data[byte_end:]


def _replacement_span(
    yaml_text: str, key: yaml.Event, event: yaml.Event, value: bool
) -> tuple[int, int, str]:
    """Where in ``yaml_text`` the value sits, and the token that replaces it."""
    line = _file_line(key.start_mark.line)
    if isinstance(event, yaml.AliasEvent):
        raise _refusal(
            f"published on line {line} refers to another value through a YAML alias "
            f"(*{event.anchor}), which reader will not edit {_HAND_EDIT}"
        )
    if not isinstance(event, yaml.ScalarEvent):
        raise _refusal(
            f"published on line {line} holds a list or mapping instead of true or false "
            "(fix it by hand)"
        )
    if event.anchor is not None:
        raise _refusal(
            f"published on line {line} carries a YAML anchor (&{event.anchor}) that other "
            f"fields may refer to, which reader will not edit {_HAND_EDIT}"
        )
    if event.tag is not None:
        raise _refusal(
            f"published on line {line} has a YAML tag ({event.tag}), which reader will "
            f"not edit {_HAND_EDIT}"
        )
    style = event.style or None
    if style in ("|", ">"):
        raise _refusal(
            f"published on line {line} is written as a block scalar ({style}), which "
            f"reader will not edit {_HAND_EDIT}"
        )
    if not event.start_mark.line == event.end_mark.line == key.start_mark.line:
        raise _refusal(
            f"the value of published on line {line} continues onto the next line, "
            f"which reader will not edit {_HAND_EDIT}"
        )
    if style is None and event.value == "":
        # ``published:`` with nothing after it: add the value right after the colon.
        colon = re.compile(r"[ \t]*:").match(yaml_text, key.end_mark.index)
        if colon is None:
            raise _refusal(f"published on line {line} has no value reader can place {_HAND_EDIT}")
        return colon.end(), colon.end(), " " + _word(value).decode()
    start, end = event.start_mark.index, event.end_mark.index
    token = yaml_text[start:end]
    if not _token_matches(token, style, event.value):
        raise _refusal(f"reader could not find the value of published on line {line} {_HAND_EDIT}")
    return start, end, _same_family(token, style, value)


def _token_matches(token: str, style: str | None, value: str) -> bool:
    """Whether the parser's position really points at the scalar it reported."""
    if style in ("'", '"'):
        return len(token) >= 2 and token[0] == token[-1] == style
    return token == value


def _same_family(token: str, style: str | None, value: bool) -> str:
    """``value`` spelled like ``token``: same quotes, same word family, same casing.

    Spaces inside quotes around a true/false word are kept too, so that publishing and
    unpublishing give back the very same bytes.
    """
    quote = style if style in ("'", '"') else ""
    inner = token[1:-1] if quote and len(token) >= 2 else token
    core = inner.strip(" \t")
    families = _QUOTED_FAMILIES if quote else _PLAIN_FAMILIES
    known = next((pair for pair in families if core.lower() in pair), None)
    if known is None:
        core = inner  # not a word reader knows: replace the whole value
        word = "true" if value else "false"
    else:
        word = known[0] if value else known[1]
    if len(core) > 1 and core.isupper():
        word = word.upper()
    elif core[:1].isupper():
        word = word.capitalize()
    if known is not None:
        lead = inner[: len(inner) - len(inner.lstrip(" \t"))]
        trail = inner[len(inner.rstrip(" \t")) :]
        word = f"{lead}{word}{trail}"
    return f"{quote}{word}{quote}"


@dataclass
class _TopLevel:
    """The top-level ``published`` entries of a front matter, as parser events."""

    entries: list[tuple[yaml.Event, yaml.Event]]
    flow: bool
    key_column: int


def _top_level_entries(yaml_text: str) -> _TopLevel:
    """Find every top-level ``published`` key and its value with the parser's positions.

    Working from events (not lines) is what keeps a ``published:`` inside ``related``,
    inside a comment, a block scalar or a multi-line string from ever being mistaken for
    the real one.
    """
    found = _TopLevel(entries=[], flow=False, key_column=0)
    depth = 0
    expecting_key = True
    key: yaml.Event | None = None
    first_key = True
    try:
        for event in yaml.parse(yaml_text, Loader=_EventLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 0:
                    found.flow = bool(event.flow_style)
                elif depth == 1:
                    key, expecting_key = _at_top(found, event, key, expecting_key)
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)) and depth == 1:
                if first_key and expecting_key:
                    found.key_column = event.start_mark.column
                    first_key = False
                key, expecting_key = _at_top(found, event, key, expecting_key)
    except yaml.YAMLError as exc:
        raise _refusal(
            f"its front matter cannot be read ({_yaml_problem(exc)}); fix it first"
        ) from None
    return found


def _at_top(
    found: _TopLevel, event: yaml.Event, key: yaml.Event | None, expecting_key: bool
) -> tuple[yaml.Event | None, bool]:
    """Feed one top-level node: a key to remember, or a value to pair with its key."""
    if expecting_key:
        return event, False
    if isinstance(key, yaml.ScalarEvent) and key.value == _KEY:
        found.entries.append((key, event))
    return None, True


def _verify(old_split: Any, old_mapping: dict[str, Any], new: bytes, value: bool) -> None:
    """Refuse unless ``new`` reads exactly like the old file apart from ``published``."""
    try:
        new_split = split_front_matter(new.decode("utf-8"))
        new_mapping = (
            load_yaml_mapping(new_split.yaml_text) if new_split.yaml_text is not None else {}
        )
    except (UnicodeDecodeError, FrontMatterError):
        new_mapping = None
        new_split = None
    if (
        new_mapping is None
        or new_split is None
        or new_split.body != old_split.body
        or _published_state(new_mapping) is not value
        or not _same(_without_key(old_mapping), _without_key(new_mapping))
    ):
        raise _refusal(
            "reader's edit would have changed more than published, so nothing was written "
            "(change published by hand, and please report this file)"
        )


# -- writing -------------------------------------------------------------------------------


def set_published(path: Path, value: bool, *, display_name: str | None = None) -> PublishResult:
    """Write ``value`` into the file at ``path`` atomically; raise :class:`PublishError`.

    Whatever goes wrong (permission denied, disk full, the file removed or edited by
    another program, the process killed), the file is left wholly old or wholly new, and
    no temp file outlives a failure this process survives.  The new version is a new
    file (that is what makes it atomic): other hard links to the article keep the old
    content, as they do with any editor that saves safely.
    """
    path = Path(path)
    name = display_name or str(path)
    verb = "publish" if value else "unpublish"
    try:
        return _set_published(path, value)
    except PublishError as exc:
        raise PublishError(f"Could not {verb} {name}: {exc.reason}.", exc.reason) from None


class _Swap(Enum):
    WRITTEN = "written"
    CHANGED = "changed"


def _set_published(path: Path, value: bool) -> PublishResult:
    # Write where the file really lives, so a symlinked article stays a symlink.
    target = Path(os.path.realpath(path))
    data, info = _read(target)
    for _attempt in range(MAX_ATTEMPTS):
        new = edit_published(data, value)
        if new == data:
            return PublishResult(path, value, False, _stamp(info))
        if not os.access(target, os.W_OK):
            raise _refusal("permission denied: the file is read-only (check its permissions)")
        temp, temp_info = _write_temp(target, new, info)
        try:
            swap = _swap_in(temp, target, data, temp_info)
        finally:
            _remove_quietly(temp)
        if swap is _Swap.WRITTEN:
            return PublishResult(path, value, True, _confirm(target, new, value))
        # Another program changed the file since it was read: start again from its content.
        # A save by rename is complete the moment it is visible; a file rewritten in place
        # (same inode) may be half-written, so it must hold still before it is trusted.
        previous_inode = info.st_ino
        data, info = _read(target)
        if info.st_ino == previous_inode:
            data, info = _read_settled(target, SETTLE_SECONDS)
    raise _refusal("another program kept changing the file while reader was writing it; try again")


def _swap_in(temp: Path, target: Path, based_on: bytes, temp_info: os.stat_result) -> _Swap:
    """Put ``temp`` in place of ``target`` if the target still holds ``based_on``.

    Everything slow (editing, writing, fsync) happened before; from the last check to the
    swap there are only two system calls, and where the system can swap atomically, what
    the swap displaced is checked too, so a save that slipped in between is given back.
    """
    current, info = _read(target)
    if current != based_on:
        return _Swap.CHANGED
    checked = _stamp(info)
    try:
        if _stamp(os.stat(target)) != checked:
            return _Swap.CHANGED
        exchanged = _exchange(temp, target)
        if not exchanged:
            os.replace(temp, target)
            _fsync_folder(target.parent)
            return _Swap.WRITTEN
        displaced = os.lstat(temp)
    except OSError as exc:
        raise _os_refusal(exc, "replace") from None
    if _stamp(displaced) == checked:
        # A program that opened the old file just before the swap may still be writing to
        # it in place.  Give it the moment a folder fsync takes, then look once more.
        _fsync_folder(target.parent)
        try:
            late = _stamp(os.lstat(temp))
        except OSError:
            late = checked
        if late == checked:
            return _Swap.WRITTEN
    # Someone replaced or rewrote the file around the swap: give their version back.
    # If yet another version arrived meanwhile, that one is the newest and stays.
    try:
        _exchange(temp, target)
        if os.lstat(temp).st_ino != temp_info.st_ino:
            _exchange(temp, target)
    except OSError as exc:
        raise _os_refusal(exc, "replace") from None
    return _Swap.CHANGED


def _write_temp(target: Path, new: bytes, original: os.stat_result) -> tuple[Path, os.stat_result]:
    """Write ``new`` to a fresh hidden temp file beside ``target``, durably."""
    base = os.fsencode(target.name)[:_MAX_TEMP_BASE_BYTES]
    temp_name = f".{os.fsdecode(base)}.{os.getpid()}{TEMP_MARKER}{secrets.token_hex(6)}"
    temp = target.parent / temp_name
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(temp, flags, 0o600)
    except OSError as exc:
        raise _os_refusal(exc, "create") from None
    try:
        with open(fd, "wb", closefd=True) as handle:
            fd = -1
            _copy_owner_and_mode(handle.fileno(), original)
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
    except BaseException as exc:
        if fd != -1:
            os.close(fd)
        _remove_quietly(temp)
        if isinstance(exc, OSError):
            raise _os_refusal(exc, "write") from None
        raise
    return temp, written


def _copy_owner_and_mode(fd: int, original: os.stat_result) -> None:
    """Give the temp file the article's permissions (and owner, where allowed)."""
    if hasattr(os, "fchown") and (original.st_uid, original.st_gid) != (
        os.geteuid(),
        os.getegid(),
    ):
        # An ordinary user cannot give files away; the mode still carries over.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, original.st_uid, original.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(original.st_mode))


def _confirm(target: Path, new: bytes, value: bool) -> tuple[int, int, int]:
    """Re-read the written file and make sure it says what reader wrote."""
    try:
        found, info = _read(target)
    except PublishError as exc:
        raise _refusal(f"reader wrote it but could not read it back ({exc.reason})") from None
    if found == new:
        return _stamp(info)
    # Another program wrote after reader did.  That is fine as long as it kept the value.
    try:
        split = split_front_matter(decode(found))
        mapping = load_yaml_mapping(split.yaml_text) if split.yaml_text is not None else {}
    except FrontMatterError:
        mapping = None
    if mapping is not None and _published_state(mapping) is value:
        return _stamp(info)
    raise _refusal(
        "another program rewrote the file right after reader wrote it and did not keep "
        f"published: {_word(value).decode()}; try again"
    )


# -- leftovers from killed writes ----------------------------------------------------------


def is_temp_file_name(name: str) -> bool:
    """Whether ``name`` is one of reader's publish temp files (never an article)."""
    return _TEMP_NAME.fullmatch(name) is not None


def find_stale_temp_files(folder: Path, *, only_beside: Path | None = None) -> list[Path]:
    """reader's temp files under ``folder`` that killed writes left behind.

    A temp file whose writer is still running is in use and is not listed, unless it is
    older than any write could take (its pid may have been reused).  Hidden folders are not
    entered: reader never writes articles there.  With ``only_beside``, only that article's
    own temp files, in its folder, are looked for (one listing, not a walk).
    """
    stale: list[Path] = []
    now = time.time()
    walk: Iterable[tuple[str, list[str], list[str]]]
    if only_beside is not None:
        wanted_base: str | None = os.fsdecode(os.fsencode(only_beside.name)[:_MAX_TEMP_BASE_BYTES])
        try:
            walk = [(os.fspath(only_beside.parent), [], os.listdir(only_beside.parent))]
        except OSError:
            return []
    else:
        wanted_base = None
        walk = os.walk(folder)
    for dirpath, dirnames, filenames in walk:
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            match = _TEMP_NAME.fullmatch(name) if TEMP_MARKER in name else None
            if match is None or (wanted_base is not None and match["name"] != wanted_base):
                continue
            full = os.path.join(dirpath, name)
            try:
                info = os.lstat(full)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            young = now - info.st_mtime < STALE_TEMP_SECONDS
            if young and _process_alive(int(match["pid"])):
                continue
            stale.append(Path(full))
    return stale


def remove_stale_temp_files(paths: Iterable[Path]) -> list[Path]:
    """Delete the given leftovers; return those actually removed (one may be gone already)."""
    removed: list[Path] = []
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def cleanup_stray_temp_files(folder: Path) -> list[Path]:
    """Remove temp files that killed writes left under ``folder``; return what was removed."""
    return remove_stale_temp_files(find_stale_temp_files(folder))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be mid-write
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it just belongs to someone else
    except (OverflowError, OSError):
        return False
    return True


# -- helpers -------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return decode(data)
    except FrontMatterError as exc:
        raise _refusal(exc.message) from None


def _split(text: str) -> Any:
    try:
        return split_front_matter(text)
    except FrontMatterError:
        raise _refusal(
            "its front matter opened with '---' on line 1 is never closed "
            "(add a line '---' after the last field)"
        ) from None


def _load(yaml_text: str) -> dict[str, Any]:
    try:
        return load_yaml_mapping(yaml_text)
    except FrontMatterError as exc:
        where = f" (line {exc.line})" if exc.line is not None else ""
        raise _refusal(f"{exc.message}{where}; fix it first") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            return f"{problem} on line {_file_line(mark.line)}"
        return problem
    return str(exc).splitlines()[0] if str(exc) else "invalid YAML"


def _file_line(yaml_line: int) -> int:
    """The 1-based file line of a 0-based front matter line (the front matter starts on 2)."""
    return yaml_line + 2


def _published_state(mapping: dict[str, Any]) -> bool | None:
    """``published`` as reader reads it: a missing key means unpublished; None if unclear."""
    if _KEY not in mapping:
        return False
    value = mapping[_KEY]
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    return None


def _without_key(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in mapping.items() if key != _KEY}


def _same(left: Any, right: Any) -> bool:
    # repr as a fallback so a .nan (never equal to itself) does not block every edit.
    return left == right or repr(left) == repr(right)


def _word(value: bool) -> bytes:
    return b"true" if value else b"false"


def _first_line_ending(data: bytes) -> bytes:
    newline = data.find(b"\n")
    return b"\r\n" if newline > 0 and data[newline - 1 : newline] == b"\r" else b"\n"


def _refusal(reason: str) -> PublishError:
    return PublishError(reason[:1].upper() + reason[1:] + ".", reason)


def _stamp(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _read(target: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat that goes with them."""
    try:
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise _refusal("it is not a regular file")
        with open(target, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _refusal("it is not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                raise _refusal(
                    f"it is larger than reader's {MAX_FILE_BYTES // 1048576} MB limit "
                    "for one article"
                )
            return handle.read(MAX_FILE_BYTES + 1), info
    except OSError as exc:
        raise _os_refusal(exc, "read") from None
    except ValueError:  # a name with a NUL byte: no such file can exist
        raise _refusal("it was removed or renamed") from None


def _read_settled(target: Path, pause: float) -> tuple[bytes, os.stat_result]:
    """Read ``target`` once it holds still (two reads ``pause`` apart agree), or give up
    after a few tries and take the latest: the check before the swap still guards it."""
    data, info = _read(target)
    for _ in range(3):
        time.sleep(pause)
        again, again_info = _read(target)
        if again == data and _stamp(again_info) == _stamp(info):
            break
        data, info = again, again_info
    return data, info


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which is not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass  # cleanup_stray_temp_files removes it on the next run


_REASONS = {
    errno.ENOSPC: "the disk is full (free some space and try again)",
    errno.EDQUOT: "the disk quota is used up (free some space and try again)",
    errno.EROFS: "the disk is read-only",
    errno.EIO: "the disk reported an input/output error",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "its name is too long for a temp file beside it",
}


def _os_refusal(exc: OSError, stage: str) -> PublishError:
    """Turn an OS error into a clause without Python's ``[Errno N]`` noise."""
    code = exc.errno
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        if stage in ("create", "replace"):
            return _refusal(
                "permission denied: reader cannot create or rename files in its folder "
                "(check the folder's permissions)"
            )
        return _refusal("permission denied (check the file's permissions)")
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        if stage == "create":
            return _refusal("its folder was removed or renamed")
        return _refusal("it was removed or renamed")
    if code in _REASONS:
        return _refusal(_REASONS[code])
    detail = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    return _refusal(detail[:1].lower() + detail[1:])


# -- renameat2(RENAME_EXCHANGE) -----------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2: Any = None
if sys.platform.startswith("linux"):
    try:
        _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        _renameat2.argtypes = (
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_uint,
        )
        _renameat2.restype = ctypes.c_int
    except (OSError, AttributeError):  # pragma: no cover - glibc older than 2.28, musl
        _renameat2 = None


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False when this system cannot (the caller renames)."""
    if _renameat2 is None:
        return False
    result = _renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # a file system without exchange support: the caller renames
    raise OSError(code, os.strerror(code), str(second))
