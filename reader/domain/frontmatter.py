"""Splitting an article file into front matter and body, and loading the YAML safely.

This is the only place reader turns YAML into Python objects.  It uses libyaml's
``CSafeLoader`` (pure-Python ``SafeLoader`` where libyaml is missing): no tag can build an
object, and a structure that would expand through aliases into something huge is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .fastyaml import summary_fields

try:
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml is in every PyYAML wheel we install
    _SafeLoader = yaml.SafeLoader

BOM = "\ufeff"
_OPENING = re.compile(r"---[ \t]*\r?(?:\n|$)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

MAX_YAML_NODES = 100_000
"""How many values a front matter may expand to (aliases counted each time they are used)."""
MAX_YAML_DEPTH = 64
NESTED_TOO_DEEP = f"front matter is nested more than {MAX_YAML_DEPTH} levels deep"
"""reader's words for a too-deep document, whichever layer noticed: our own event count,
the walk over the loaded value, libyaml's scanner (PyYAML 6.0.4 stops at 1,000 levels with
its own wording) or Python's recursion limit in the pure-Python loader."""
_LIBRARY_NESTING_WORDS = ("nesting depth", "too deeply nested")
"""How YAML libraries phrase limits of their own on nesting; see :func:`_library_error`."""
MAX_INTEGER_BITS = 13_000
"""Integers wider than this (about 3,900 digits) are refused: Python will not even print them."""


_UNBUILDABLE = (ValueError, OverflowError, AttributeError, TypeError)
"""What PyYAML's safe constructors raise for a value they cannot build (AttributeError:
``!!timestamp`` on text that is not one), instead of a YAMLError."""


class FrontMatterError(Exception):
    """The front matter cannot be read; ``line``/``column`` are 1-based file positions."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class SplitFile:
    """A decoded file cut into its parts.

    ``yaml_text`` is None when the file has no front matter.  ``yaml_first_line`` is the
    1-based file line of the first YAML line, so YAML error marks can be mapped back.
    """

    yaml_text: str | None
    body: str
    yaml_first_line: int = 2


def split_front_matter(text: str) -> SplitFile:
    """Cut ``text`` (already decoded, BOM allowed) into front matter and body.

    Raises :class:`FrontMatterError` for an opening ``---`` without a closing line.
    """
    if text.startswith(BOM):
        text = text[1:]
    opening = _OPENING.match(text)
    if opening is None:
        return SplitFile(yaml_text=None, body=text)
    start = opening.end()
    closing = _closing_line(text, start)
    if closing is None:
        raise FrontMatterError(
            "front matter opened with '---' on line 1 is never closed: add a line '---' "
            "after the last field",
            line=1,
            column=1,
        )
    yaml_text = text[start : closing.start()]
    body_start = closing.end()
    if text.startswith("\r\n", body_start):
        body_start += 2
    elif text.startswith("\n", body_start):
        body_start += 1
    return SplitFile(yaml_text=yaml_text, body=text[body_start:])


def _closing_line(text: str, start: int) -> re.Match[str] | None:
    """The first ``---`` or ``...`` line at or after ``start`` (a line start), if any.

    ``_CLOSING.search`` would try its pattern at every character of the front matter;
    jumping between candidate lines with ``str.find`` finds the same first match an order
    of magnitude faster, which matters when every file of a big folder is split.
    """
    position = start
    while True:
        if text.startswith(("---", "..."), position):
            closing = _CLOSING.match(text, position)
            if closing is not None:
                return closing
        candidates = [
            found for found in (text.find("\n---", position), text.find("\n...", position))
            if found >= 0
        ]
        if not candidates:
            return None
        position = min(candidates) + 1


def load_yaml_mapping(yaml_text: str, first_line: int = 2) -> dict[str, Any]:
    """Load front matter as a mapping, safely, or raise :class:`FrontMatterError`.

    ``first_line`` is the file line where ``yaml_text`` starts, used to report positions
    in terms of the file rather than of the front matter.
    """
    _refuse_oversized(yaml_text, first_line)
    try:
        data = yaml.load(yaml_text, Loader=_SafeLoader)  # noqa: S506 - safe loader only
    except yaml.reader.ReaderError as exc:
        raise _forbidden_character_error(yaml_text, exc, first_line) from None
    except yaml.YAMLError as exc:
        raise _library_error(exc, first_line) from None
    except RecursionError:
        _walk_events(yaml_text, first_line)  # names the line, when the events can
        raise FrontMatterError(NESTED_TOO_DEEP, line=first_line) from None
    except _UNBUILDABLE:
        # Valid YAML syntax whose value cannot be built: "2023-02-30", "!!int xyz", an
        # integer too long to convert.  libyaml gives no position, so find the value.
        raise _unbuildable_value_error(yaml_text, first_line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        kind = {"list": "a list", "str": "a single text value"}.get(kind, f"a {kind}")
        raise FrontMatterError(
            f"front matter must be a set of 'key: value' fields, but it is {kind}",
            line=first_line,
            column=1,
        )
    _check_size(data, yaml_text, first_line)
    return {str(key): value for key, value in data.items()}


def load_fields(yaml_text: str, wanted: frozenset[str], first_line: int = 2) -> dict[str, Any]:
    """Only the ``wanted`` top-level fields, as cheaply as the document allows.

    Plain front matter (what the pipeline writes) takes the fast path in
    :func:`reader.domain.fastyaml.summary_fields`, in about a fifth of the time PyYAML
    takes for a seed-sized file; anything else is loaded in full.  Either way a document that is not
    valid YAML raises :class:`FrontMatterError`.
    """
    _refuse_oversized(yaml_text, first_line)
    fields = summary_fields(yaml_text, wanted)
    if fields is not None:
        return fields
    return load_yaml_mapping(yaml_text, first_line)


def _refuse_oversized(yaml_text: str, first_line: int) -> None:
    """Refuse front matter too deep or too big to build, before libyaml or PyYAML build it.

    Two costs are paid before :func:`_check_size` could look at the result: libyaml's
    scanner does work proportional to the flow nesting depth for every token (a 100 KB line
    of ``[`` takes it seconds, an 8 MB one hours), and PyYAML's constructor builds every
    value of a "wide" document (700,000 keys in 8 MB: 8 s and 500 MB).  libyaml's events
    come one at a time, so counting them and stopping at the first one past a limit costs
    little; files with few brackets and under 200 KB of front matter (all real ones) skip
    even that, as they cannot hold that many values.
    """
    if (
        yaml_text.count("[") + yaml_text.count("{") <= MAX_YAML_DEPTH
        and len(yaml_text) <= 2 * MAX_YAML_NODES
    ):
        return
    _walk_events(yaml_text, first_line)


def _walk_events(yaml_text: str, first_line: int) -> None:
    """Count libyaml's events, raising at the first one past the depth or size limit."""
    depth = 0
    values = 0
    try:
        for event in yaml.parse(yaml_text, Loader=_SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise FrontMatterError(
                        NESTED_TOO_DEEP,
                        line=event.start_mark.line + first_line,
                        column=event.start_mark.column + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                continue
            values += 1
            if values > MAX_YAML_NODES:
                raise FrontMatterError(
                    f"front matter holds more than {MAX_YAML_NODES:,} values: "
                    "refusing to read it",
                    line=event.start_mark.line + first_line,
                    column=event.start_mark.column + 1,
                )
    except yaml.YAMLError:
        return  # the loader reports it, with its own message and position


def _check_size(data: Any, yaml_text: str, first_line: int) -> None:
    """Refuse structures that alias expansion or nesting would make huge.

    Safe loading shares aliased nodes, so a "billion laughs" document loads small; it is
    every later walk over it (search, JSON output, display) that would explode.  Counting
    nodes as a walk would see them, with a budget, catches it before anything else does.
    """
    budget = MAX_YAML_NODES
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise FrontMatterError(
                f"front matter expands to more than {MAX_YAML_NODES:,} values "
                "(through YAML aliases?): refusing to read it",
                line=first_line,
            )
        if depth > MAX_YAML_DEPTH:
            # Rare, so the events are walked again to name the line where it happens,
            # as the other layers that catch deep nesting do.
            _walk_events(yaml_text, first_line)
            raise FrontMatterError(NESTED_TOO_DEEP, line=first_line)
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
            stack.extend((key, depth + 1) for key in node)
        elif isinstance(node, (list, set)):
            stack.extend((value, depth + 1) for value in node)
        elif isinstance(node, int) and node.bit_length() > MAX_INTEGER_BITS:
            # A hex or binary literal loads fine but cannot be turned into text later.
            raise FrontMatterError(
                "front matter holds a number thousands of digits long: refusing to read it",
                line=first_line,
            )


def _library_error(exc: yaml.YAMLError, first_line: int) -> FrontMatterError:
    """PyYAML's complaint in reader's words, placed in the file: the one translation table.

    The library's own sentence is kept for plain syntax errors (it says what the parser
    expected there), but limits the library enforces itself get reader's fixed wording, so
    what an editor reads does not change with the PyYAML release installed.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    if problem is None:
        problem = " ".join(str(exc).split()) or "invalid YAML"
    line = None if mark is None else mark.line + first_line
    column = None if mark is None else mark.column + 1
    if any(words in problem.lower() for words in _LIBRARY_NESTING_WORDS):
        return FrontMatterError(NESTED_TOO_DEEP, line=line, column=column)
    return FrontMatterError(f"front matter is not valid YAML: {problem}", line=line, column=column)


def _forbidden_character_error(
    yaml_text: str, exc: yaml.reader.ReaderError, first_line: int
) -> FrontMatterError:
    """A control character YAML refuses, named and placed where it first occurs."""
    character = exc.character
    if isinstance(character, int):
        character = chr(character)
    elif isinstance(character, bytes):
        character = character.decode("latin-1")
    offset = yaml_text.find(character) if character else -1
    if offset < 0:
        return FrontMatterError(
            "front matter holds a character YAML does not allow: remove it", line=first_line
        )
    line_start = yaml_text.rfind("\n", 0, offset) + 1
    return FrontMatterError(
        f"front matter holds the control character U+{ord(character[0]):04X}, "
        "which YAML does not allow: remove it",
        line=yaml_text.count("\n", 0, offset) + first_line,
        column=offset - line_start + 1,
    )


_TAG_KINDS = {
    "tag:yaml.org,2002:timestamp": "date",
    "tag:yaml.org,2002:int": "whole number",
    "tag:yaml.org,2002:float": "number",
}


def _unbuildable_value_error(yaml_text: str, first_line: int) -> FrontMatterError:
    """The error for a value the safe loader cannot build, placed at that value.

    Only called after loading failed, so its cost does not matter; composing builds no
    values, and shared (aliased) nodes are visited once.
    """
    generic = FrontMatterError(
        "front matter has a date or number that cannot be read: correct it", line=first_line
    )
    try:
        root = yaml.compose(yaml_text, Loader=_SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return generic
    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (*_UNBUILDABLE, yaml.YAMLError):
                kind = _TAG_KINDS.get(node.tag, "value")
                shown = node.value if len(node.value) <= 40 else node.value[:37] + "…"
                return FrontMatterError(
                    f"front matter value {shown!r} is not a valid {kind}: correct it",
                    line=node.start_mark.line + first_line,
                    column=node.start_mark.column + 1,
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return generic
